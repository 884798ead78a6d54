"""What batch r's first measurement showed (40 pages, 22 posts: precision 0.850, recall 0.773; the batch is
kept off the gated corpus until its other misses are understood, see README), as classes: a
tweet linked through a percent-encoded hashbang (``twitter.com/#%21/user/status/ID``, as a 2011 LiveJournal
post wrote it) and a "video of the day" box whose YouTube thumbnail sits outside the body the page marks,
which counted as if it were a player."""

from __future__ import annotations

import pytest

from embedtrail import scrapers
from embedtrail.scrapers import twitter

PROSE = (
    "<p>" + "The council met on Monday and the opposition walked out before the vote was taken. " * 2 + "</p>"
)


def _embeds(html: str) -> list[tuple[str, str]]:
    extraction = scrapers.extract(scrapers.parse_html(html.encode(), "https://news.example/story"))
    return sorted((embed.post_id, embed.method) for embed in extraction.embeds)


@pytest.mark.parametrize(
    "url",
    [
        "https://twitter.com/#%21/varlamov/status/145767396777525248",
        "https://twitter.com/#%21/varlamov/statuses/145767396777525248",
        "https://twitter.com/#!/varlamov/status/145767396777525248",
    ],
)
def test_a_hashbang_status_url_names_the_tweet(url: str) -> None:
    ref = twitter.post_ref(url)
    assert ref is not None and ref.kind == "post" and ref.native_id == "145767396777525248"


def test_a_thumbnail_outside_the_marked_body_is_the_sites() -> None:
    box = (
        '<div class="videoday"><h3>Video of the day</h3><a href="/video/7b-adkigp2a">'
        '<img src="http://img.youtube.com/vi/7b-ADKiGP2A/0.jpg"></a></div>'
    )
    html = f"<html><body><div class='articleBoxContent'><article><h1>Story</h1>{PROSE}</article></div>{box}"
    html += "</body></html>"
    assert _embeds(html) == []
    # in the body, the same thumbnail stands for the video the story shows
    inside = f"<html><body><article><h1>Story</h1>{PROSE}{box}{PROSE}</article></body></html>"
    assert _embeds(inside) == [("youtube:7b-ADKiGP2A", "placeholder")]
