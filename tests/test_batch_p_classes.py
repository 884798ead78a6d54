"""The three classes batch p's first measurement showed (30 pages, 23 posts: precision 0.957, recall 0.957),
each written as the class and not the page: a Flash player whose address is only a ``<param>``'s value
(Gamasutra's saved copy had rewritten the ``<object data>`` to a local file), LiveJournal's own player frame
for a YouTube video (``l.lj-toys.com/?…&source=youtube&vid=ID``), and a sidebar's inner element whose name
joins "sidebar" to content words (Squarespace's ``aside.blog-item-sidebar > div#blogItemSidebarContent``)."""

from __future__ import annotations

import pytest

from embedtrail import scrapers

PROSE = (
    "<p>"
    + "The studio said on Tuesday that the game would ship in the autumn on every console. " * 2
    + "</p>"
)
PAGE = (
    "<html><head><title>The studio's new game</title></head><body><header><nav><a href='/'>Home</a></nav>"
    "</header><div class='wrap'><article class='post'><h1>The studio's new game</h1>{prose}{markup}{prose}"
    "</article>{side}</div><footer><p>(c) Games</p></footer></body></html>"
)


def _embeds(markup: str = "", side: str = "") -> list[tuple[str, str]]:
    html = PAGE.format(prose=PROSE, markup=markup, side=side).encode()
    extraction = scrapers.extract(scrapers.parse_html(html, "https://games.example/story"))
    return [(embed.post_id, embed.method) for embed in extraction.embeds]


@pytest.mark.parametrize("name", ["movie", "src", "data", "Movie"])
def test_a_flash_players_param_names_its_video(name: str) -> None:
    markup = (
        '<object type="application/x-shockwave-flash" data="story_files/NK6_QvdxyXQ" width="560">'
        f'<param name="{name}" value="http://www.youtube.com/v/NK6_QvdxyXQ?version=3&amp;hl=en_US">'
        '<param name="allowFullScreen" value="true"></object>'
    )
    assert _embeds(markup) == [("youtube:NK6_QvdxyXQ", "object")]


def test_other_params_are_not_addresses() -> None:
    markup = (
        '<object data="player.swf"><param name="flashvars" value="https://www.youtube.com/v/NK6_QvdxyXQ">'
        '<param name="allowscriptaccess" value="always"></object>'
    )
    assert _embeds(markup) == []


def test_livejournals_player_frame_is_the_video_it_names() -> None:
    frame = (
        '<iframe class="lj_embedcontent" src="http://l.lj-toys.com/?auth_token=sessionless%3A1377975600%3A'
        "embedcontent%3A37450766%264%26%26youtube%26wzc0uMXGFBY%3A5ae8&amp;source=youtube&amp;vid=wzc0uMXGFBY"
        '&amp;moduleid=4&amp;journalid=37450766" width="640" height="390"></iframe>'
    )
    assert _embeds(frame) == [("youtube:wzc0uMXGFBY", "iframe")]
    # a frame naming no platform the tool knows, or no id, names no post
    assert _embeds(frame.replace("source=youtube", "source=flickr")) == []
    assert _embeds(frame.replace("vid=wzc0uMXGFBY", "vid=")) == []


@pytest.mark.parametrize("inner", ["div id='blogItemSidebarContent'", "div class='post-sidebar-content'"])
def test_a_sidebars_content_is_the_sidebars(inner: str) -> None:
    gallery = f"<aside class='blog-item-sidebar'><{inner}><a href='https://www.instagram.com/p/B2buGdYgSyG/'>"
    gallery += "<img src='g.jpg'></a></div></aside>"
    assert _embeds(side=gallery) == []


def test_a_page_builders_story_widget_is_still_the_story() -> None:
    # Elementor Pro's post-content widget says "widget" and "post content": the story, not a sidebar.
    html = (
        "<html><head><title>Story</title></head><body><div class='elementor-widget-theme-post-content'>"
        + PROSE
        + "<div><a href='https://www.instagram.com/p/C1abcDEFghi/'>the post</a></div>"
        + PROSE
        + "</div></body></html>"
    )
    extraction = scrapers.extract(scrapers.parse_html(html.encode(), "https://games.example/story"))
    assert [embed.post_id for embed in extraction.embeds] == ["instagram:C1abcDEFghi"]


def test_a_flash_player_in_an_aside_counts_where_its_iframe_would() -> None:
    # Found by placing the survey's forms, each in an <aside class="sidebar widget"> between two paragraphs:
    # an <object> player there was dropped while the same video's iframe counted.
    player = '<object data="https://www.youtube.com/v/NK6_QvdxyXQ"></object>'
    aside = f'<aside class="sidebar widget">{player}</aside>'
    assert _embeds(aside) == [("youtube:NK6_QvdxyXQ", "object")]
    # beside the story, in the page's sidebar, it is the site's rail, as an iframe there is
    assert _embeds(side=aside) == []
