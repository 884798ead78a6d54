"""What batch aq's first measurements showed, as classes (blind pages from public repositories no batch had
used: course projects' saved pages, site mirrors, blogs' static builds; 66 pages, 2010 to 2026).

- An IndieWeb page marks its own copies on platforms (``a.u-syndication``, ``rel="syndication"``) and lists
  the responses those copies drew (webmentions): a like of the Facebook copy links that copy again, with a
  fragment naming who liked it (``…/posts/<id>#liked-by-<user>``). Every link to a post the page marks as
  its own copy is the page's own copy, not a citation; a post the page embeds stays a post.
"""

from __future__ import annotations

import pytest

from embedtrail import scrapers
from embedtrail.scrapers.explain import explain
from tests.stories import URL, logged, story

COPY = "https://www.facebook.com/marty.mcguire.54/posts/10207975560848833"
LIKE = "https://www.facebook.com/10205860140564648/posts/10207975560848833#liked-by-10208493125100679"
TWEET = "https://twitter.com/schmarty/status/805985275465912320"


def likes(marked: str, liked: str = LIKE) -> str:
    """A note with its copies' links ("See also") and a facepile of the likes its Facebook copy drew."""
    return story(
        "<p>Was this useful to you? Let me know!</p>"
        f'<div class="post-meta">See also: <a{marked} href="{TWEET}">Twitter</a> '
        f'<a{marked} href="{COPY}">Facebook</a></div>'
        '<h4>Likes</h4><div class="facepile"><div class="face p-like h-cite">'
        f'<a class="u-url" href="{liked}"><span class="p-author h-card"><img class="u-photo" '
        'src="https://example.org/face.jpg" alt="Kaye"></span></a></div></div>'
    )


@pytest.mark.parametrize("marked", [' class="u-syndication synd-link"', ' rel="syndication"'])
def test_a_like_of_the_pages_own_copy_is_not_a_citation(marked: str) -> None:
    assert logged(likes(marked)) == {}


def test_a_reply_linking_the_copy_without_a_fragment_is_the_copy_too() -> None:
    assert logged(likes(' class="u-syndication"', liked=COPY.replace("www.", "m."))) == {}


def test_explain_says_the_liked_post_is_the_pages_own_copy() -> None:
    doc = scrapers.parse_html(likes(' class="u-syndication"').encode(), URL)
    liked = [c for c in explain(doc) if c.url == LIKE]
    assert [c.decision for c in liked] == ["dropped"]
    assert "own copy" in liked[0].reason and "likes" in liked[0].reason


def test_without_a_copy_marked_the_same_links_are_citations() -> None:
    # Guard: the facepile's link is an ordinary link to a post when nothing marks the post as the page's.
    assert logged(likes("")) == {
        "twitter:805985275465912320": "link",
        "facebook:10207975560848833": "link",
    }


def test_a_post_the_page_embeds_stays_when_its_copy_is_marked() -> None:
    # Guard: only links are read as the copy; an embed of the same post is the article showing it.
    embed = (
        f'<blockquote class="twitter-tweet"><p>Rescued my Vines</p>&mdash; Marty (@schmarty) '
        f'<a href="{TWEET}">December 5, 2016</a></blockquote>'
    )
    page = story(embed + f'<p>See also: <a class="u-syndication" href="{TWEET}">Twitter</a></p>')
    assert logged(page) == {"twitter:805985275465912320": "blockquote"}


def test_another_post_beside_a_marked_copy_is_still_cited() -> None:
    # Guard: the rule is per post, not per box: a link to another post in the same paragraph stays.
    other = "https://twitter.com/hn_frontpage/status/805996110334590977"
    page = story(
        f'<p>It reached <a href="{other}">the front page</a>. '
        f'Also on <a class="u-syndication" href="{TWEET}">Twitter</a>.</p>'
    )
    assert logged(page) == {"twitter:805996110334590977": "link"}
