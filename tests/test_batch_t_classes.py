"""What batch t1's first measurement showed (30 pages from the Dragnet set's 2012 blogs, 59 posts: precision
0.959, recall 0.797), as classes: TypePad's list of the post's own properties, each name written after
"entry-" ("entry-author-garr entry-type-post"), read as an author box around the whole post; a sidebar
widget of a platform's channel ("youtube_channel") read as one post's embed, which cancelled the widget's
weak chrome; and WordPress's text widget, whose class is one word ("textwidget")."""

from __future__ import annotations

from embedtrail import scrapers

PROSE = (
    "<p>" + "The council met on Monday and the opposition walked out before the vote was taken. " * 2 + "</p>"
)
PLAYER = "<iframe src='http://www.youtube.com/embed/wS11TBUwRO8?rel=0'></iframe>"


def _embeds(html: str) -> list[str]:
    extraction = scrapers.extract(
        scrapers.parse_html(html.encode(), "https://blog.example/2012/07/story.html")
    )
    return sorted(embed.post_id for embed in extraction.embeds)


def test_typepads_entry_properties_name_no_zone() -> None:
    entry = (
        "<div class='entry-category-game_design entry-author-michael_abbott entry-type-post entry' "
        f"id='entry-6a00e3982444028833017d3c3163f9970c'><h3>Story</h3><div class='entry-body'>{PROSE}"
        f"<p>{PLAYER}</p>{PROSE}</div></div>"
    )
    assert _embeds(f"<html><body><div id='alpha'>{entry}</div></body></html>") == ["youtube:wS11TBUwRO8"]
    # an author box is still one
    box = f"<div class='author-box'><p>{PLAYER}</p></div>"
    html = f"<html><body><article><h1>Story</h1>{PROSE}{PROSE}</article>{box}</body></html>"
    assert _embeds(html) == []


def test_a_platforms_channel_widget_beside_the_story_is_the_sites() -> None:
    widget = (
        f"<div class='pane widget youtube_channel'><h3>On YouTube</h3>{PLAYER}"
        "<a class='yt-video' href='http://www.youtube.com/watch?v=SDRVaoE65sg'>Another video</a>"
        "</div>"
    )
    story = f"<div id='main'><h1>Story</h1>{PROSE}{PROSE}</div>"
    html = f"<html><body>{story}<div id='side'>{widget}</div></body></html>"
    assert _embeds(html) == []
    # one post's embed named after its platform is the article's wherever it sits
    embed = f"<div class='widget youtube-embed'>{PLAYER}</div>"
    html = f"<html><body>{story}<div id='side'>{embed}</div></body></html>"
    assert _embeds(html) == ["youtube:wS11TBUwRO8"]


def test_wordpress_text_widget_is_a_widget() -> None:
    widget = (
        "<div id='content-right'><div class='right-module'><div class='textwidget'><h2>"
        "<a href='http://www.youtube.com/watch?v=_GsDC-uy_is&feature=youtu.be'>Watch the 4-minute video</a>"
        "</h2></div></div></div>"
    )
    html = f"<html><body><div class='blog-entry'><h1>Story</h1>{PROSE}{PROSE}</div>{widget}</body></html>"
    assert _embeds(html) == []
