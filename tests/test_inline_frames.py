"""Embed markup written between an ``<iframe>``'s tags, which an HTML parser keeps as text: Facebook Instant
Articles put every social embed there (``<figure class="op-interactive"><iframe><blockquote
class="twitter-tweet">…</iframe></figure>``), and publishers' feeds and saved Instant Articles still carry it.
Read as the embed it holds, as a ``srcdoc`` frame's markup is; a frame's ordinary fallback text is not."""

from __future__ import annotations

import pytest

from embedtrail import scrapers

PROSE = (
    "<p>"
    + "The storm reached the coast on Monday night and residents posted videos of the streets. " * 3
    + "</p>"
)
PAGE = (
    "<html><head><title>Storm hits the coast</title></head><body>"
    "<header><nav><a href='/'>Home</a></nav></header>"
    "<article><h1>Storm hits the coast</h1>{prose}{figure}{prose}</article>{sidebar}"
    "<footer><p>(c) News</p></footer></body></html>"
)
TWEET = (
    '<blockquote class="twitter-tweet"><p>Water is up to the doors</p>&mdash; Jane (@janedoe) '
    '<a href="https://twitter.com/janedoe/status/1600000000000000001">May 1, 2023</a></blockquote>'
    '<script async src="https://platform.twitter.com/widgets.js"></script>'
)
INSTAGRAM = '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/Cabcdefghij/"></blockquote>'


def _posts(figure: str, sidebar: str = "") -> list[tuple[str, str]]:
    html = PAGE.format(prose=PROSE, figure=figure, sidebar=sidebar).encode()
    extraction = scrapers.extract(scrapers.parse_html(html, "https://news.example/storm"))
    return [(embed.post_id, embed.method) for embed in extraction.embeds]


@pytest.mark.parametrize(
    ("figure", "post"),
    [
        (
            '<figure class="op-interactive"><iframe>' + TWEET + "</iframe></figure>",
            "twitter:1600000000000000001",
        ),
        # "social" in the figure's class is a weak chrome word: an embed's own markup counts there too
        ('<figure class="op-social"><iframe>' + INSTAGRAM + "</iframe></figure>", "instagram:Cabcdefghij"),
        (
            '<figure class="op-interactive"><iframe width="560" height="315">'
            '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe></iframe></figure>',
            "youtube:dQw4w9WgXcQ",
        ),
    ],
)
def test_markup_between_a_frames_tags_is_its_embed(figure: str, post: str) -> None:
    assert _posts(figure) == [(post, "embed")]


def test_a_frames_fallback_text_stays_text() -> None:
    # Words for browsers without frames are the article's words: a post URL there is a bare link in the text,
    # not the frame's embed (the frame shows a map).
    figure = (
        '<iframe src="https://maps.example/embed?q=harbour">Your browser does not show frames: see '
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ</iframe>"
    )
    assert _posts(figure) == [("youtube:dQw4w9WgXcQ", "link")]


def test_a_sidebar_frame_counts_only_when_its_document_is_an_embed() -> None:
    # An ad frame's srcdoc naming a channel's video in the sidebar is the page's chrome, not a citation...
    ad = '<aside class="sidebar"><iframe srcdoc="&lt;a href=&quot;https://youtu.be/dQw4w9WgXcQ&quot;&gt;Watch&lt;/a&gt;"></iframe></aside>'
    assert _posts("", sidebar=ad) == []
    # ...while a tweet's own markup in a frame there counts, as a blockquote widget would.
    tweet = '<aside class="sidebar"><iframe>' + TWEET + "</iframe></aside>"
    assert _posts("", sidebar=tweet) == [("twitter:1600000000000000001", "embed")]
