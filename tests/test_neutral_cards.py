"""Post links and embed elements on a page that marks no article body (no ``<article>``, ``<main>`` or body
class): the rules found by placing every survey form in the corpus's real layouts (ten forms per page copy,
after trafilatura's paragraph of each page). A link standing alone between two paragraphs of prose (a card, a
button, an embed that did not render) is cited by that text; CKEditor's ``<oembed url>`` is an embed's own
markup and counts where a platform's iframe would. A lone link that is not between prose stays out."""

from __future__ import annotations

import pytest

from embedtrail import scrapers

PROSE = (
    "<p>"
    + "The council voted on Tuesday to close the harbour road for repairs until the spring. " * 2
    + "</p>"
)
# A layout of plain divs, as many small sites and old CMS templates write it: nothing names the body.
PAGE = (
    "<html><head><title>Harbour road to close</title></head><body>"
    '<div class="top"><a href="/">Home</a> <a href="/news">News</a></div>'
    '<div class="wrap"><div class="col"><h1>Harbour road to close</h1>{before}{card}{after}</div>'
    '<div class="col2">{side}</div></div></body></html>'
)


def _posts(card: str, before: str = PROSE, after: str = PROSE, side: str = "") -> list[str]:
    html = PAGE.format(before=before, card=card, after=after, side=side).encode()
    extraction = scrapers.extract(scrapers.parse_html(html, "https://harbour.example/road"))
    return [embed.post_id for embed in extraction.embeds]


@pytest.mark.parametrize(
    ("card", "post"),
    [
        (
            '<div><a href="https://www.facebook.com/reel/123456789012345">a reel</a></div>',
            "facebook:123456789012345",
        ),
        (
            '<figure class="kg-card kg-bookmark-card"><a class="kg-bookmark-container" '
            'href="https://twitter.com/anna/status/1754567890123456781"><div class="kg-bookmark-title">'
            "Anna on X</div></a></figure>",
            "twitter:1754567890123456781",
        ),
        (
            '<div><a href="https://www.instagram.com/p/C1abcDEFghi/"><img src="x.jpg"></a></div>',
            "instagram:C1abcDEFghi",
        ),
        (
            '<a class="btn" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Watch the video</a>',
            "youtube:dQw4w9WgXcQ",
        ),
    ],
)
def test_a_link_alone_between_paragraphs_is_cited(card: str, post: str) -> None:
    assert _posts(card) == [post]


def test_a_lone_link_not_between_prose_stays_out() -> None:
    card = '<div><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Our channel&#39;s latest</a></div>'
    # after a one-line paragraph (a label, not prose)
    assert _posts(card, before="<p>Watch:</p>") == []
    # at the end of the column, with nothing after it
    assert _posts(card, after="") == []
    # beside other links in its wrapper (a list of links is not a card)
    assert _posts('<div><a href="/a">A</a>' + card + "</div>") == []


def test_an_oembed_element_counts_where_an_iframe_would() -> None:
    oembed = '<figure class="media"><oembed url="https://twitter.com/a/status/1234567890123456789"></oembed></figure>'
    assert _posts(oembed, after="<p>Short.</p>") == ["twitter:1234567890123456789"]
    side = '<aside class="sidebar"><oembed url="https://www.instagram.com/p/C1abcDEFghi/"></oembed></aside>'
    assert _posts("", side=side) == ["instagram:C1abcDEFghi"]
