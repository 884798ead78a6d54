"""What batch s's first measurement showed (64 pages, 90 posts: precision 0.891, recall 1.000), as classes:
rows of a site's own videos below the story that are not frames — a playlist of thumbnails keeping each
video's bare id (``div.dailymotion__thumb[data-videoid]``) and a "Shorts" carousel keeping each player's
address in a data attribute (``li[data-video-url]``) — which were read as videos the article shows; and,
from the placement check once pages written without paragraphs got anchors, an ``<aside>`` standing in a
story written as lines between ``<br>``s."""

from __future__ import annotations

from embedtrail import scrapers

PROSE = (
    "<p>" + "The council met on Monday and the opposition walked out before the vote was taken. " * 2 + "</p>"
)


def _embeds(html: str) -> list[str]:
    extraction = scrapers.extract(scrapers.parse_html(html.encode(), "https://news.example/story"))
    return sorted(embed.post_id for embed in extraction.embeds)


IDS = ("x7o1lqw", "x7o1dxh", "x7o1cou")
PLAYLIST = (
    "<div class='dailymotion'><div class='dailymotion__player'><!-- VIDEO GOES HERE --></div>"
    "<div class='dailymotion__playlist'>"
    + "".join(f"<div class='dailymotion__thumb' data-videoid='{i}'><p>Another story</p></div>" for i in IDS)
    + "</div></div>"
)
SHORTS = ("DUIuxybZ_54", "guExs_CUVKc", "pBVFFdfB-t4")
CAROUSEL = (
    "<div class='t_short'><h3>Shorts</h3><div class='swiper-container'><ul class='swiper-wrapper'>"
    + "".join(
        f"<li class='swiper-slide' data-video-url='https://www.youtube.com/embed/{i}'><img src='/t.jpg'></li>"
        for i in SHORTS
    )
    + "</ul></div></div>"
)


def test_a_playlist_of_video_ids_below_the_story_is_the_sites() -> None:
    html = f"<html><body><article><h1>Story</h1>{PROSE}{PROSE}</article>{PLAYLIST}</body></html>"
    assert _embeds(html) == []


def test_a_carousel_of_player_addresses_below_the_story_column_is_the_sites() -> None:
    text = "Text of the story. " * 40
    story = f"<div class='grid'><div class='col'><div class='article'>{text}</div></div></div>"
    html = f"<html><body><main id='container'><section>{story}<div class='bottom'>{CAROUSEL}</div></section>"
    html += "</main></body></html>"
    assert _embeds(html) == []


def test_a_row_of_players_in_the_story_is_the_articles() -> None:
    # The body's element writes its paragraphs beside the row: the row is the story's.
    for row in (PLAYLIST, CAROUSEL):
        html = f"<html><body><main id='container'><div class='story'>{PROSE}{row}{PROSE}</div></main>"
        html += "</body></html>"
        expected = (
            sorted(f"dailymotion:{i}" for i in IDS)
            if row is PLAYLIST
            else sorted(f"youtube:{i}" for i in SHORTS)
        )
        assert _embeds(html) == expected, row


def test_an_aside_in_a_story_written_as_lines_between_breaks_is_the_storys() -> None:
    # Found by the placement check once pages without paragraphs got anchors (a line of their text, after
    # its <br>): an <aside> standing in such a story is in its running text, as it is among paragraphs.
    line = "The council met on Monday and the opposition walked out before the vote was taken. " * 2
    aside = (
        "<aside><iframe src='https://www.youtube.com/embed/dQw4w9WgXcQ'></iframe>"
        "<iframe src='https://player.vimeo.com/video/123456782'></iframe></aside>"
    )
    story = f"<div class='text'>{line}<br>{line}<br>{aside}{line}<br></div>"
    html = f"<html><body><h1>Story</h1>{story}</body></html>"
    assert _embeds(html) == ["vimeo:123456782", "youtube:dQw4w9WgXcQ"]
