"""What batch r's first measurement showed (40 pages, 22 posts: precision 0.850, recall 0.773), as classes: a
tweet linked through a percent-encoded hashbang (``twitter.com/#%21/user/status/ID``, as a 2011 LiveJournal
post wrote it); a "video of the day" box whose YouTube thumbnail sits outside the body the page marks, which
counted as if it were a player; a page builder's stream of widgets (one per group of paragraphs) whose
click-to-load video placeholders, between two of them, read as a sidebar; and a script's state flag
("shareActive") on a recipe card, read as a share bar."""

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


def _stream_page(stream: str) -> str:
    # main#content opens the body; the page builder then nests rows, grids and stacks before its widgets
    return (
        "<html><body><header><a href='/'>Tech Magazine</a></header><main id='content'><div><div class='Row'>"
        "<div class='Container'><div class='GridItem'>"
        f"<div class='Stack'>{stream}</div></div></div></div></div>"
        "</main></body></html>"
    )


def _prose_widget() -> str:
    return f"<div class='WidgetWrapper'><div class='Prose'>{PROSE}{PROSE}</div></div>"


PLACEHOLDER = (
    "<div class='WidgetWrapper'><div class='ResponsiveMedia'><div><a class='YoutubeEmbedPlaceholder_Wrapper'>"
    "<img class='YoutubeEmbedPlaceholder' src='https://i.ytimg.com/vi/w7LWPK5vHnM/hqdefault.jpg'></a></div></div>"
    "</div>"
)


def test_a_placeholder_between_widgets_of_text_is_the_articles_video() -> None:
    # Each group of paragraphs is a widget of its own ("WidgetWrapper > Prose > p"), and the article's video
    # is a click-to-load thumbnail in the widget between two of them: it stands in the text, not beside it.
    html = _stream_page(_prose_widget() + PLACEHOLDER + _prose_widget())
    assert _embeds(html) == [("youtube:w7LWPK5vHnM", "placeholder")]


def test_a_placeholder_widget_beside_the_text_column_is_the_sites() -> None:
    # The same widget after the last block of text, or in a column beside it, stands beside the text: the
    # site's video rail.
    after = _stream_page(
        _prose_widget() + PLACEHOLDER + "<div class='WidgetWrapper'><ul><li>Most read</li></ul></div>"
    )
    assert _embeds(after) == []
    column = _stream_page(f"<div class='col-8'>{_prose_widget()}{_prose_widget()}</div>{PLACEHOLDER}")
    assert _embeds(column) == []


@pytest.mark.parametrize(("card", "expected"), [("new-recipe-cls shareActive", 1), ("recipe-share", 0)])
def test_a_state_flag_naming_sharing_is_not_a_share_bar(card: str, expected: int) -> None:
    # A script's flag that sharing is switched on for a recipe card says what the card can do; the card's
    # hero carousel holds the recipe's own video. A class that is a share box keeps it out.
    video = (
        '<video class="video-play" controls hidden src="https://www.youtube.com/watch?v=vS58s8KS0nc"></video>'
    )
    html = (
        f"<html><body><div class='recipe'><div class='{card}'><div class='carousel'>{video}</div></div>"
        f"<h1>Perfectly chocolate cake</h1>{PROSE}{PROSE}</div></body></html>"
    )
    assert _embeds(html) == [("youtube:vS58s8KS0nc", "video")][:expected]


RELATED = (
    "<div class='yarpp-related'><h3>Other articles:</h3><ol>"
    "<li><a href='/a'>Council passes a new law</a></li><li><a href='/b'>The mayor answers</a></li>"
    "<li><a href='/c'>Three years of the measure</a></li></ol></div>"
)
PROMO = "<hr><center><iframe src='http://www.youtube.com/embed/IXxRemH9WKQ?rel=0'></iframe></center>"


def _post(entry: str) -> str:
    return (
        f"<html><body><div class='post'><h1>Say no to measure B</h1>{PROSE}{PROSE}{entry}</div></body></html>"
    )


def test_a_player_below_the_related_posts_list_is_the_themes() -> None:
    # What the theme prints under every post, after the share bar, the "Posted in" line and the related
    # list.
    entry = (
        "<div class='entry'><div class='sociable'>Share This Article</div>"
        "<div class='postmetadata'>Posted in "
        f"<a href='/c/politics'>Politics</a></div><hr>{RELATED}{PROMO}</div>"
    )
    assert _embeds(_post(entry)) == []


@pytest.mark.parametrize(
    "entry",
    [
        # the list stands in the text: the article goes on after the video
        f"{RELATED}{PROMO}{PROSE}",
        # a "Related:" line links one story
        "<p class='related'>Related: <a href='/a'>Council passes a new law</a></p>" + PROMO,
    ],
)
def test_a_player_after_a_related_box_in_the_text_is_the_articles(entry: str) -> None:
    assert _embeds(_post(entry)) == [("youtube:IXxRemH9WKQ", "iframe")]


def test_a_post_embed_below_the_related_list_still_counts() -> None:
    # Only video hosts' players are what themes append as promos; a tweet's own markup is the article's.
    tweet = (
        '<blockquote class="twitter-tweet"><p>Vote no.</p>&mdash; Campaign (@nomeasureb) '
        '<a href="https://twitter.com/nomeasureb/status/262345678901234567">Nov 2, 2012</a></blockquote>'
    )
    assert _embeds(_post(RELATED + tweet)) == [("twitter:262345678901234567", "blockquote")]


def test_a_link_alone_between_paragraphs_of_a_text_widget_in_the_stream_is_cited() -> None:
    # Found by the survey in technologymagazine's layout: a bare link (a card, a button) standing between two
    # paragraphs of a widget of the body's text is cited by that text, as it is on a page that marks no body.
    link = '<a href="https://youtu.be/dQw4w9WgXcQ?t=30">video</a>'
    widget = f"<div class='WidgetWrapper'><div class='Prose'>{PROSE}{link}{PROSE}</div></div>"
    html = _stream_page(_prose_widget() + widget + _prose_widget())
    assert _embeds(html) == [("youtube:dQw4w9WgXcQ", "link")]
    # the same link after the widget's last paragraph is not between two
    widget = f"<div class='WidgetWrapper'><div class='Prose'>{PROSE}{PROSE}{link}</div></div>"
    assert _embeds(_stream_page(_prose_widget() + widget + _prose_widget())) == []
