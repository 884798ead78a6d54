"""Players an inline script writes into the page (``document.write("<iframe …>")``, a function setting a
container's ``innerHTML``, jQuery's ``.html(…)``), as older video sites (The Real News, 2015) publish their
story's video, or loads into an empty iframe by setting its ``src``: read as the iframe the script writes,
where the iframe itself would count."""

from __future__ import annotations

import pytest

from embedtrail import scrapers

PROSE = (
    "<p>" + "Nurses met lawmakers on Tuesday to talk about the trade deal and its health risks. " * 3 + "</p>"
)
# A table layout marking no article body, as The Real News's pages were: the headline, the player's
# container, the script writing the player into it, then the story's text.
PAGE = (
    "<html><head><title>Nurses Unite to Stop TPP Fast Track</title>"
    '<meta property="og:title" content="Nurses Unite to Stop TPP Fast Track"></head><body>'
    '<table><tr><td><a href="/">Home</a> <a href="/about">About</a></td></tr>'
    "<tr><td><h1>Nurses Unite to Stop TPP Fast Track</h1></td></tr>"
    '<tr><td><div id="VIDEO_PLAYER"><div id="advplayer"></div></div>{script}</td></tr>'
    "<tr><td>{prose}{prose}</td></tr></table></body></html>"
)
FRAME = '<iframe width=\\"760\\" height=\\"500\\" src=\\"http://www.youtube.com/embed/rUKlBejOlTU?rel=0\\"></iframe>'


def _posts(script: str, page: str = PAGE) -> list[tuple[str, str]]:
    html = page.format(script=script, prose=PROSE).encode()
    extraction = scrapers.extract(scrapers.parse_html(html, "https://news.example/story"))
    return [(embed.post_id, embed.method) for embed in extraction.embeds]


@pytest.mark.parametrize(
    "script",
    [
        # The Real News: a function writes the player into its container, and is called at load.
        '<script language="JavaScript">function PlayStory() { var strDisp = "'
        + FRAME
        + '"; document.getElementById("VIDEO_PLAYER").innerHTML=strDisp; }; PlayStory();</script>',
        '<script>document.write("' + FRAME + '");</script>',
        "<script>document.write('<iframe src=\"https://player.vimeo.com/video/182087876\"></iframe>');</script>",
        # jQuery, with the markup's "<" and slashes escaped as inline scripts often write them
        '<script type="text/javascript">$("#VIDEO_PLAYER").html("\\x3ciframe src=\\"https:'
        '\\/\\/www.youtube.com\\/embed\\/rUKlBejOlTU\\"\\x3e\\x3c/iframe\\x3e");</script>',
        "<script>el.insertAdjacentHTML('beforeend', '\\u003ciframe src=\"https://www.youtube.com/embed/"
        "rUKlBejOlTU\"></iframe>');</script>",
    ],
)
def test_a_script_writing_the_player_is_the_player(script: str) -> None:
    posts = _posts(script)
    assert len(posts) == 1 and posts[0][1] == "iframe"
    assert posts[0][0] in {"youtube:rUKlBejOlTU", "vimeo:182087876"}


def test_a_script_that_only_keeps_markup_writes_nothing() -> None:
    # A slideshow's data holding players as strings, rendered (if ever) by code elsewhere: not shown here.
    script = (
        '<script type="text/javascript">var slideshow_data = {"slides": [{"embed": "'
        + FRAME
        + '"}]};</script>'
    )
    assert _posts(script) == []


def test_a_script_in_a_sidebar_writes_the_sites_player() -> None:
    # SYS-CON's sidebar: a promo player written by document.write in div#sidebar-4 is the site's rail.
    sidebar = '<div id="sidebar-4" class="sidebar"><script>document.write("' + FRAME + '");</script></div>'
    assert _posts(sidebar) == []


def test_a_script_in_a_column_beside_the_story_writes_the_sites_player() -> None:
    # After the headline, outside the element holding the headline and the story's prose: a right-hand column.
    page = (
        "<html><head><title>Nurses Unite to Stop TPP Fast Track</title></head><body>"
        '<div id="main"><h1>Nurses Unite to Stop TPP Fast Track</h1><div class="text">'
        "{prose}{prose}</div></div>"
        '<div id="right"><h3>Watch</h3>{script}</div></body></html>'
    )
    assert _posts('<script>document.write("' + FRAME + '");</script>', page) == []
    # The same script between the headline and the prose is the story's player.
    page = page.replace("</h1>", "</h1>{script}").replace("<h3>Watch</h3>{script}", "")
    assert _posts('<script>document.write("' + FRAME + '");</script>', page) == [
        ("youtube:rUKlBejOlTU", "iframe")
    ]


def test_a_page_that_marks_its_body_keeps_scripts_outside_it_out() -> None:
    page = (
        "<html><head><title>Story</title></head><body><div>{script}</div>"
        '<article class="article-body"><h1>Story headline here today</h1>'
        "{prose}{prose}</article></body></html>"
    )
    assert _posts('<script>document.write("' + FRAME + '");</script>', page) == []


def test_a_frame_built_from_a_variable_names_no_post() -> None:
    script = (
        "<script>document.write('<iframe src=\"https://www.youtube.com/embed/' + videoId + '\"></iframe>');"
        "</script>"
    )
    assert _posts(script) == []


# General Mills' recipe sites (tablespoon.com, 2017): an empty iframe named by the video's id, and a script
# that points it at the player once the page has loaded.
EMPTY_FRAME = '<iframe class="youTube-Video-Iframe" id="PqsvBJ7QvW8" type="text/html"></iframe>'


@pytest.mark.parametrize(
    "setter",
    [
        'var iframeSrc = "https://www.youtube.com/embed/PqsvBJ7QvW8?showinfo=0&rel=0&origin=" + host;'
        ' document.getElementById("PqsvBJ7QvW8").src = iframeSrc;',
        "document.querySelector('iframe#PqsvBJ7QvW8').setAttribute('src', "
        "'https://www.youtube-nocookie.com/embed/PqsvBJ7QvW8');",
        "$('iframe#PqsvBJ7QvW8').attr('src', '\\/\\/www.youtube.com\\/embed\\/PqsvBJ7QvW8?autoplay=0');",
    ],
)
def test_a_script_setting_an_empty_frames_source_is_the_player(setter: str) -> None:
    script = "<script>jQuery(document).ready(function () { " + setter + " });</script>" + EMPTY_FRAME
    assert _posts(script) == [("youtube:PqsvBJ7QvW8", "iframe")]


def test_a_script_setting_something_elses_source_loads_no_player() -> None:
    # An image's source set to a video's thumbnail, with no iframe in sight: a picture, not a player.
    script = "<script>thumb.src = 'https://i.ytimg.com/vi/PqsvBJ7QvW8/hqdefault.jpg';</script>"
    assert _posts(script) == []
    # A player address kept beside an iframe's name, with nothing setting a source: a template, not a load.
    script = (
        "<script>var settings = {iframe: 'PqsvBJ7QvW8', url: 'https://www.youtube.com/embed/PqsvBJ7QvW8'};"
        "</script>"
    )
    assert _posts(script) == []


def test_a_script_setting_a_frames_source_in_a_sidebar_is_the_sites_player() -> None:
    sidebar = (
        '<div id="sidebar-4" class="sidebar"><script>document.getElementById("v").src = '
        '"https://www.youtube.com/embed/PqsvBJ7QvW8";</script><iframe id="v"></iframe></div>'
    )
    assert _posts(sidebar) == []


# SPIP's oEmbed plugin (la-bas.org, 2018): a thumbnail facade whose onclick writes the player, URL-encoded,
# and the video's title linked below it.
FACADE = (
    '<figure class="spip_documents oembed oembed_video oembed_youtube"><div class="rwd-video-container '
    "oe-play-button\" onclick=\"if (jQuery(this).is('.oe-play-button')){{jQuery(this).removeClass("
    "'oe-play-button').html(decodeURIComponent('%3Ciframe%20width%3D%22800%22%20src%3D%22https%3A%2F%2F"
    "www.youtube-nocookie.com%2Fembed%2Fkc9r6vorRic%3Ffeature%3Doembed%26autoplay%3D1%22%3E%3C%2Fiframe"
    "%3E'));}}\"><button>Play</button></div>"
    '<div class="spip_doc_titre"><a href="https://www.youtube.com/watch?v=kc9r6vorRic">[EXTRAIT] Didier '
    "Porte</a></div></figure>"
)


def test_a_facade_whose_click_writes_the_player_is_the_player() -> None:
    assert _posts(FACADE) == [("youtube:kc9r6vorRic", "iframe")]


def test_a_click_handler_that_writes_no_player_is_not_one() -> None:
    # UPI's e-mail button opens its dialog "in an iframe": no iframe tag is written, so no player.
    button = (
        '<a href="#" onclick="upi_ol.go(\'/email?u=http%3A%2F%2Fupi.com%2F6551757\', {{iframe: 1}}); '
        'return false;">Email</a>'
    )
    assert _posts(button) == []
    # A handler written into a sidebar is the site's, as a script there is.
    assert _posts('<div id="sidebar-4" class="sidebar">' + FACADE + "</div>") == []


def test_a_link_drawn_around_the_player_is_the_embed() -> None:
    # Kinja (Gizmodo, 2016): the post's link wraps the publisher's own frame showing it.
    inset = (
        '<p><a href="https://www.instagram.com/p/-smhFAl8rf/" x-embed="1"><span class="centered-frame">'
        '<iframe id="instagram--smhFAl8rf" src="/ajax/inset/iframe?id=instagram--smhFAl8rf"></iframe>'
        "</span></a></p>"
    )
    assert _posts(inset) == [("instagram:-smhFAl8rf", "embed")]
    # A link with words of its own beside a frame is a link.
    worded = inset.replace('<span class="centered-frame">', "See the photo on Instagram <span>")
    assert _posts(worded) == [("instagram:-smhFAl8rf", "link")]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # YouTube's IFrame Player API, as its documentation writes it.
        (
            '<div id="player"></div><script>var player; function onYouTubeIframeAPIReady() { player = new '
            "YT.Player('player', { height: '390', width: '640', videoId: 'M7lc1UVf-VE', playerVars: "
            "{ 'playsinline': 1 } }); }</script>",
            "youtube:M7lc1UVf-VE",
        ),
        # Vimeo's player.js, by id or by URL.
        (
            "<div id=\"made-in-ny\"></div><script>var player = new Vimeo.Player('made-in-ny', "
            "{ id: 59777392, width: 640 });</script>",
            "vimeo:59777392",
        ),
        (
            "<div id=\"v\"></div><script>new Vimeo.Player(document.getElementById('v'), "
            "{ url: 'https://vimeo.com/76979871' });</script>",
            "vimeo:76979871",
        ),
        # Dailymotion's player API, old and new.
        ("<div id=\"dm\"></div><script>DM.player(el, { video: 'x7tgad0' });</script>", "dailymotion:x7tgad0"),
        (
            "<div id=\"dm\"></div><script>dailymotion.createPlayer('dm', { video: 'x8abc12' });</script>",
            "dailymotion:x8abc12",
        ),
    ],
)
def test_a_script_building_a_player_through_its_api_is_the_player(script: str, expected: str) -> None:
    assert _posts(script) == [(expected, "iframe")]


def test_a_player_api_call_naming_no_video_builds_none() -> None:
    # The id from a variable (a playlist's script) names no video; a call in a sidebar is the site's player.
    assert _posts("<script>player = new YT.Player('p', { videoId: ids[i] });</script>") == []
    # An id in the code after the call (an analytics event's) is not the call's option.
    after = (
        "<script>var player = new Vimeo.Player(document.querySelector('iframe'), { width: 640 });"
        " player.on('play', function () { track({ id: 59777392, label: 'play' }); });</script>"
    )
    assert _posts(after) == []
    sidebar = (
        "<div id=\"sidebar-4\" class=\"sidebar\"><script>new YT.Player('p', { videoId: 'M7lc1UVf-VE' });"
        "</script></div>"
    )
    assert _posts(sidebar) == []
