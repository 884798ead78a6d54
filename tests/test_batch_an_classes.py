"""What batch an's first measurements showed, as classes (blind pages from static copies of blogs, civic,
crypto and regional sites, and the saved pages in other tools' test data).

- A blog that takes its comments as replies on Mastodon (a widely copied Hugo and Jekyll recipe) links its
  own toot under each post ("You can use your Mastodon account to reply to this post"), beside a reply
  button going to the server's page for replying to it (``/interact/<id>?type=reply``) and a script that
  loads the replies from the server's API (``/api/v1/statuses/<id>/context``). That toot is the page's
  comment thread, not a post the article cites.
"""

from __future__ import annotations

import pytest

from embedtrail.scrapers import mastodon
from tests.stories import logged, story

TOOT = "https://twit.social/@leo/107760418543015272"
REPLY = "https://twit.social/interact/107760418543015272?type=reply"
LOADER = (
    '<script>document.getElementById("load-comment").addEventListener("click", function () {'
    ' fetch("https://twit.social/api/v1/statuses/107760418543015272/context").then(r => r.json()) });'
    "</script>"
)


def comments(reply: str = "", script: str = "") -> str:
    return (
        "<div class=article-content><h2>Comments</h2><p>You can use your Mastodon account to reply to this "
        f'<a class=link href="{TOOT}">post</a>.</p>{reply}<p id=mastodon-comments-list>'
        f"<button id=load-comment>Load comments</button></p>{script}</div>"
    )


@pytest.mark.parametrize(
    ("reply", "script"),
    [
        (f'<p><a class=button href="{REPLY}">Reply</a></p>', ""),
        ("", LOADER),
        (f'<a href="{REPLY}">Reply</a>', LOADER),
    ],
)
def test_the_toot_a_blog_takes_its_comments_on_is_no_citation(reply: str, script: str) -> None:
    assert logged(story("<p>Here is the clip from the show.</p>", comments(reply, script))) == {}


def test_a_toot_the_story_cites_stays_without_a_comment_system_built_on_it() -> None:
    # Guard: the same section without a reply button or a replies loader is a link the page wrote.
    assert logged(story(comments())) == {"mastodon:twit.social/107760418543015272": "link"}


def test_another_toot_the_story_cites_stays_beside_the_comment_thread() -> None:
    cited = (
        '<p>As <a href="https://mastodon.social/@Gargron/109302384702893810">Eugen wrote</a>, it works.</p>'
    )
    html = story(cited, comments(f'<a href="{REPLY}">Reply</a>', LOADER))
    assert logged(html) == {"mastodon:mastodon.social/109302384702893810": "link"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (REPLY, "twit.social/107760418543015272"),
        ("https://twit.social/api/v1/statuses/107760418543015272/context", "twit.social/107760418543015272"),
        ("https://twit.social/interact/107760418543015272", "twit.social/107760418543015272"),
        ("https://twit.social/api/v1/statuses/107760418543015272", None),  # the status itself, no replies
        ("https://twit.social/@leo/107760418543015272", None),
        ("https://example.com/interact/", None),
        ("https://medium.com/interact/107760418543015272", None),
    ],
)
def test_the_addresses_a_comment_system_uses_name_its_toot(url: str, expected: str | None) -> None:
    assert mastodon.thread_anchor(url) == expected
