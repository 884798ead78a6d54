"""Classes found by batch aa's placement check (a page added to the corpus, with the standard embed codes
placed after its first paragraph): each test fails on the code before its rule, except those marked as
guards."""

from __future__ import annotations

from tests.stories import PROSE, logged

TWEET = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Filming starts today</p>&mdash; Anna (@anna) '
    '<a href="https://twitter.com/anna/status/1714567890123456789">May 1, 2024</a></blockquote>'
)
PLAYER = '<iframe src="https://www.youtube.com/embed/dQw4w9WgXc1"></iframe>'
# Zee News' 2013 story pages: no <article>, no <main>; the column holding the story is a div that ShareThis
# reads, so the theme names it after the widget. Inside: the date line, AddThis's share bar, then the story,
# one short paragraph and lines of text between <br>s (too short and too few paragraphs for the prose rule).
SHARE_BAR = (
    '<div class="addthis_toolbox addthis_default_style"><a class="addthis_button_facebook_share">Share</a>'
    '<a class="addthis_button_tweet" href="https://twitter.com/zeenews/status/1111111111111111111">'
    "Tweet</a></div>"
)
LINES = (
    "According to Deadline.com, Hurley would be playing the queen, who is sexy, devious and conflicted, "
    "in the drama loosely based on Hamlet.<br/><br/>The series will centre on the character of the actress, "
    "who clashes with her son, the heir to the throne.<br/><br/>ANI"
)


def zee(story: str, columns: int = 1) -> str:
    column = (
        '<div class="sharethis-wrapper"><div class="last-updated">Last Updated: Friday, September 06, 2013'
        f'</div>{SHARE_BAR}<div class="content" id="myStory"><p>London: Elizabeth Hurley is set to play '
        f"the role of fictional Queen Helena in the upcoming drama The Royals.</p>{story}</div></div>"
    )
    return (
        '<html><body><div id="header"><a href="/">Home</a></div><h1>Liz Hurley to play Queen Helena</h1>'
        f'<div class="row-fluid"><div id="content-area" class="contentarea span8">{column * columns}</div>'
        '<div class="span4"><h3>Most read</h3><ul><li><a href="/a">Another story</a></li></ul></div></div>'
        "</body></html>"
    )


def test_a_story_inside_a_wrapper_named_after_its_share_widget_is_the_story() -> None:
    html = zee(f"{TWEET}{LINES}{PLAYER}")
    assert logged(html) == {"twitter:1714567890123456789": "blockquote", "youtube:dQw4w9WgXc1": "iframe"}


def test_the_share_bar_inside_the_wrapper_stays_chrome() -> None:
    # Guard: the wrapper loses its words, not the share bar its own (a tweet button linking a status).
    assert logged(zee(LINES)) == {}


def test_several_wrappers_named_after_the_share_widget_are_several_stories() -> None:
    # Guard: a stream of stories, each in its own share wrapper (The Week's SpeedReads): none is known to be
    # this page's, so their embeds stay out as before.
    assert logged(zee(f"{TWEET}{LINES}", columns=2)) == {}


def test_a_share_bar_holding_a_player_is_still_a_share_bar() -> None:
    # Guard: a share bar's labels and a player in it are not a story's text.
    bar = f'<div class="share-bar"><a href="/share">Share this story</a>{PLAYER}</div>'
    html = f"<html><body><main><article><h1>Vote</h1>{PROSE}{bar}{PROSE}</article></main></body></html>"
    assert logged(html) == {}
