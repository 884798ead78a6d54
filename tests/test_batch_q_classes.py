"""What batch q (54 pages, 52 posts; first measurement 1.000 / 1.000, method agreement 0.94) and its anchors
showed: a textarea holding a copy of the whole post (a "repost to LiveJournal" form's field, a republishing
tool) is not an embed's parked markup, so its links do not turn the body's links into embeds; and a reader
forum under the story (The Register's ``div#in_article_forums``) is a comment section."""

from __future__ import annotations

from embedtrail import scrapers

PROSE = (
    "<p>" + "The rally on the square passed peacefully, the organisers said on Saturday night. " * 2 + "</p>"
)


def _embeds(html: str) -> list[tuple[str, str]]:
    extraction = scrapers.extract(scrapers.parse_html(html.encode(), "https://blog.example/rally"))
    return sorted((embed.post_id, embed.method) for embed in extraction.embeds)


def test_a_textarea_copying_the_post_does_not_make_its_links_embeds() -> None:
    body = (
        PROSE
        + '<p>The videos <a href="http://www.youtube.com/watch?v=TiTGocqCqIM">called the crowd</a> out.</p>'
        + PROSE
    )
    repost = (
        '<div style="display:none"><form action="http://www.livejournal.com/update.bml" method="post">'
        '<textarea name="event" rows="1" cols="1">'
        + body.replace("<", "&lt;").replace(">", "&gt;")
        + "</textarea></form></div>"
    )
    html = f"<html><body><div class='entry post'><h1>The rally</h1>{body}{repost}</div></body></html>"
    assert _embeds(html) == [("youtube:TiTGocqCqIM", "link")]


def test_a_textarea_parking_an_embed_is_still_the_embed() -> None:
    # A consent manager's parked markup in a textarea (one embed code, no paragraphs of text) is the embed.
    parked = (
        '<textarea class="third-party-services--original-content" hidden>&lt;iframe '
        'src="https://www.youtube.com/embed/dQw4w9WgXcQ"&gt;&lt;/iframe&gt;</textarea>'
    )
    html = f"<html><body><article><h1>The rally</h1>{PROSE}{parked}{PROSE}</article></body></html>"
    assert _embeds(html) == [("youtube:dQw4w9WgXcQ", "embed")]


def test_a_reader_forum_under_the_story_is_a_comment_section() -> None:
    forum = (
        '<div id="in_article_forums"><div id="highly_rated_posts"><div class="post"><div class="body"><p>'
        'Look at this: <a href="https://twitter.com/reader/status/1334567890123456789">tweet</a></p>'
        "</div></div></div></div>"
    )
    html = (
        f"<html><body><div id='main-content'><div id='article'><h1>The phone</h1>{PROSE}{forum}</div></div>"
    )
    html += "</body></html>"
    assert _embeds(html) == []
