"""What batch as's first measurements showed, as classes (blind pages that web-science students saved in
2016 to 2018 because tweets linked them: news, sports and partisan blogs, magazines, a campaign site).

- A row of players is a rail when it comes after the story's text. The text a reader sees decides that,
  not ``get_text``'s: an analytics ``<script>`` of 400 characters between the header and an ``<article>``
  whose sections are each a heading and a player is no story the row comes after (a prefecture's campaign
  page of seven promotional videos, all dropped as "the site's video rail").
- A ``<video>`` that video.js sets up to play a YouTube video (``data-setup`` naming the YouTube tech and
  the video's address) is that video's player, counted where its iframe would be: a story's lead video
  above the ``<article>`` in the story's column was dropped as a script's address outside the body.
- Older Facebook share links wrote a post's id with ``:0`` after it (``/<page>/posts/<id>:0``): the same
  post, not an address the router could not read.
"""

from __future__ import annotations

import pytest

from embedtrail import scrapers
from embedtrail.scrapers.explain import explain
from tests.stories import PROSE, URL, logged, story

VIDEOS = ("8_RlxBlYYOY", "AwGrqaM9HkA", "auGIqYJMFhc")
ANALYTICS = (
    "<script>(function(i,s,o,g,r,a,m){i['GoogleAnalyticsObject']=r;i[r]=i[r]||function(){"
    + "(i[r].q=i[r].q||[]).push(arguments)};})(window,document,'script','ga');" * 5
    + "</script>"
)


def sections(videos: tuple[str, ...] = VIDEOS) -> str:
    return "".join(
        f'<section><h1><span>Spot {n}</span></h1><ul><li><iframe src="//www.youtube.com/embed/{video}?rel=0">'
        "</iframe></li></ul></section>"
        for n, video in enumerate(videos)
    )


def movie_page(before: str) -> str:
    """A campaign's movie page: a header of image links, ``before``, and an article of headed players."""
    return (
        '<html><body><header id="pgtop"><nav><ul><li><a href="/movie/"><img src="/nav.gif" alt="MOVIE">'
        f'</a></li></ul></nav></header>{before}<article><h1><img src="/ttl.gif" alt="MOVIE"></h1>'
        f"{sections()}</article><footer><p>Prefecture office</p></footer></body></html>"
    )


def test_an_article_of_players_after_an_analytics_script_is_the_articles() -> None:
    assert logged(movie_page(ANALYTICS)) == {f"youtube:{video}": "iframe" for video in VIDEOS}


def test_explain_logs_the_players_of_an_article_of_players() -> None:
    doc = scrapers.parse_html(movie_page(ANALYTICS).encode(), URL)
    assert {c.decision for c in explain(doc) if c.platform == "youtube"} == {"embed"}


def test_a_row_of_players_after_the_storys_text_stays_a_rail() -> None:
    # Guard: the same row after a block of story text the reader sees is a "more videos" rail.
    page = (
        '<html><body><main><div class="story"><h1>Vote</h1>' + PROSE * 3 + "</div>"
        f"<div>{sections()}</div></main></body></html>"
    )
    assert logged(page) == {}


VIDEOJS = (
    '<video id="video-js" class="video-js vjs-default-skin" controls preload="none" data-setup=\'{'
    '"techOrder": ["youtube"], "ytcontrols": true, "src": "http://www.youtube.com/watch?v=J_rSbj3PnrQ"}\'>'
    '<p class="vjs-no-js">Turn on JavaScript to watch this video</p></video>'
)
LEAD = "youtube:J_rSbj3PnrQ"


def lead_video(player: str) -> str:
    """A story's column: a lead-video box, then the ``<article>`` with its marked body."""
    return (
        '<html><body><div class="row"><div class="col-lg-8" id="page"><div class="top-video">'
        f'<img src="/lead.jpg" alt=""><div class="video-player">{player}</div></div>'
        '<article itemscope itemtype="http://schema.org/Article"><h1>Gifts</h1>'
        f'<div class="article-text" itemprop="articleBody">{PROSE * 3}</div></article></div>'
        '<div class="col-lg-4 content-sidebar"><p>Follow us</p></div></div></body></html>'
    )


def test_a_videojs_youtube_player_above_the_article_is_its_lead_video() -> None:
    assert logged(lead_video(VIDEOJS)) == {LEAD: "embed"}


def test_a_videojs_element_in_the_body_is_a_player() -> None:
    player = VIDEOJS.replace("<video ", "<video-js ").replace("</video>", "</video-js>")
    assert logged(story(player)) == {LEAD: "embed"}


@pytest.mark.parametrize(
    "page",
    [
        lead_video("").replace("<p>Follow us</p>", f"<p>Follow us</p>{VIDEOJS}"),
        story("", after=f"<footer>{VIDEOJS}</footer>"),
    ],
    ids=["sidebar", "footer"],
)
def test_a_videojs_player_in_a_sidebar_or_the_footer_is_the_sites(page: str) -> None:
    # Guard: beside the story, or in its chrome, the player is the site's, as its iframe would be there.
    assert logged(page) == {}


@pytest.mark.parametrize(
    "address",
    [
        "https://www.facebook.com/policealertsUKnewsreportsUk/posts/939233372776066:0",
        "https://www.facebook.com/policealertsUKnewsreportsUk/posts/939233372776066:0?fref=nf",
    ],
)
def test_a_facebook_post_written_with_a_colon_zero_is_the_post(address: str) -> None:
    assert logged(story(f'<p>Police Alerts | <a href="{address}">UK News Reports</a></p>')) == {
        "facebook:939233372776066": "link"
    }
