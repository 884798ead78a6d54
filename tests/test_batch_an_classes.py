"""What batch an's first measurements showed, as classes (blind pages from static copies of blogs, civic,
crypto and regional sites, and the saved pages in other tools' test data).

- A blog that takes its comments as replies on Mastodon (a widely copied Hugo and Jekyll recipe) links its
  own toot under each post ("You can use your Mastodon account to reply to this post"), beside a reply
  button going to the server's page for replying to it (``/interact/<id>?type=reply``) and a script that
  loads the replies from the server's API (``/api/v1/statuses/<id>/context``). That toot is the page's
  comment thread, not a post the article cites.
- Batch ao (measured in the same stop) showed the same thread behind a button whose whole text invites the
  discussion on the platform ("Discuss on Mastodon", a web component around a link to the author's toot,
  with no paragraph of its own); a thread the story names ("a long discussion on Reddit") stays cited.
"""

from __future__ import annotations

import pytest

from embedtrail.scrapers import mastodon, urls
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


@pytest.mark.parametrize(
    "text", ["Discuss on Mastodon", "Comment on Bluesky", "Reply via Mastodon", "Discuss it on X"]
)
def test_a_button_inviting_the_discussion_on_a_platform_links_the_page_s_own_thread(text: str) -> None:
    # Batch ao: a Jekyll blog's "Discuss on Mastodon" under every post (Zach Leatherman's mastodon-post web
    # component around a link to the author's own toot), with no paragraph of its own.
    after = (
        f'<div class="discuss-mastodon"><section class="full"><mastodon-post><a href="{TOOT}" rel="me">'
        f"{text}</a></mastodon-post></section></div>"
    )
    assert logged(story("<p>Scheduling tools compared.</p>", after)) == {}


@pytest.mark.parametrize(
    "text", ["a long discussion on Reddit", "Discussion on Mastodon", "comments on the policy", "reply"]
)
def test_a_link_naming_a_discussion_the_story_cites_stays(text: str) -> None:
    # Guards: a thread the story names ("a long discussion on Reddit"), a noun rather than the invitation.
    assert logged(story(f'<p>There was <a href="{TOOT}">{text}</a> about it.</p>')) == {
        "mastodon:twit.social/107760418543015272": "link"
    }


def test_a_player_whose_archive_prefix_was_cut_short_is_the_video() -> None:
    # Batch ao: a travel blog rebuilt from Wayback Machine captures, whose restoring tool cut
    # "/web/<timestamp>/" out of the rewritten player address and left the archive's host glued to it.
    html = story('<iframe src="//web.archive.orghttps://www.youtube.com/embed/DYCEPrPsJdw"></iframe>')
    assert logged(html) == {"youtube:DYCEPrPsJdw": "iframe"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "//web.archive.orghttps://www.youtube.com/embed/DYCEPrPsJdw",
            "https://www.youtube.com/embed/DYCEPrPsJdw",
        ),
        ("https://example.comhttps://youtu.be/IXR9PByA9SY", "https://youtu.be/IXR9PByA9SY"),
        ("http://blog.example.nethttp://twitter.com/jack/status/20", "http://twitter.com/jack/status/20"),
        (
            "https://web.archive.org/web/2018/https://www.youtube.com/embed/DYCEPrPsJdw",
            None,
        ),  # unwrapped anyway
        ("https://example.com/?u=https://youtu.be/IXR9PByA9SY", None),
        ("https://https.example.com/watch", None),
        ("https://example.comhttps:/youtu.be/IXR9PByA9SY", None),
        ("page.html", None),
    ],
)
def test_an_address_glued_onto_another_s_host_is_read_as_the_second(url: str, expected: str | None) -> None:
    assert urls.glued_address(url) == expected


def test_a_link_glued_onto_the_site_s_address_cites_the_post() -> None:
    html = story(
        '<p>As <a href="https://news.example.comhttps://twitter.com/jack/status/20">he wrote</a>.</p>'
    )
    assert logged(html) == {"twitter:20": "link"}
