"""The embed markup survey: every form of embed, placeholder, player, proxy and consent gate that platforms,
page builders, consent managers and forum engines write (241 of them, in ``fixtures/embed_forms.json``), each
between two paragraphs of a minimal article, with the posts embedtrail must log from it. Forms that name no
post the article cites (a short link, chrome, a commented-out embed) expect none and say why. The forms added
for a miss were checked against public code first: tarteaucitron's placeholders (AmauriC/tarteaucitron.js,
``tarteaucitron.services.js``), Embed Privacy's gate, s9e's MediaEmbed frames, Discourse's onebox card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from embedtrail import scrapers

FORMS = json.loads((Path(__file__).parent / "fixtures" / "embed_forms.json").read_text(encoding="utf-8"))[
    "forms"
]
PROSE = (
    "<p>"
    + "The minister said on Tuesday that the talks would continue next week in the capital. " * 3
    + "</p>"
)
PAGE = (
    '<html><head><title>Story</title></head><body><header><nav><a href="/">Home</a></nav></header>'
    '<article class="article-body"><h1>Story headline here today</h1>{prose}{markup}{prose}</article>'
    "<footer>f</footer></body></html>"
)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_embed_form(name: str) -> None:
    form = FORMS[name]
    page = PAGE.format(prose=PROSE, markup=form["markup"]).encode()
    extraction = scrapers.extract(scrapers.parse_html(page, "https://news.example/story"))
    assert [embed.post_id for embed in extraction.embeds] == form["posts"], form.get("why", form["markup"])
    if "method" in form:  # where how it was cited is the point: a card or a written player is an embed
        assert [embed.method for embed in extraction.embeds] == [form["method"]]


def test_every_form_that_names_nothing_says_why() -> None:
    assert all(form["posts"] or form.get("why") for form in FORMS.values())
