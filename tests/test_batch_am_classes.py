"""What batch am's first measurements showed, as classes (blind pages from static copies of news, civic,
culture, tech and regional sites, and blogs citing Mastodon and Bluesky).

- A scheme typed with a slip: a stray full stop before it (``.https://www.facebook.com/…/posts/…``, the
  source line of an Italian sports site) or a doubled colon (``<fb:post href="https:://…">``, a Spanish film
  distributor's post). A browser reads the first as a path of the site and the second as no address; the
  writer meant the post.
- The first version of the widely copied "lazy load YouTube" snippet keeps the video's id as the element's
  own id and builds the player by script: ``<div class="youtube" id="bAKWVTb-AKA"></div>``.
- The accounts the bodies cite (README, "Data model"): a Mastodon profile is an account where the shape can
  only be Mastodon's (a server named as Mastodon servers are, the address form ``/@user@server``, or a
  server the page cites a status on), and every Mastodon author is named by the full address, ``user@server``
  (three profiles the labels list were missed, and "alice" on two servers was one accounts row). A Facebook
  page without a user name of its own (``/pages/<Name>/<id>``, ``/<Name>-<id>``, a name in any script) is an
  account too, named ``<Name>-<id>`` as Facebook's redirect from the older address names it, and a page's
  address keeps naming it with a referrer's or a tab's query (``?_rdc=1&_rdr``, ``?sk=info``).
"""

from __future__ import annotations

import pytest

from embedtrail.scrapers import mastodon
from tests.stories import extracted, logged, story


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        (".https://www.facebook.com/vibosport24/posts/3311713188859964", "facebook:3311713188859964"),
        ("https:://twitter.com/jack/status/20", "twitter:20"),
        (",https://youtu.be/IXR9PByA9SY", "youtube:IXR9PByA9SY"),
    ],
)
def test_a_link_whose_scheme_was_typed_with_a_slip_cites_the_address_meant(href: str, expected: str) -> None:
    assert logged(story(f'<p>Fonte: <a href="{href}">Vibosport24</a>.</p>')) == {expected: "link"}


def test_an_xfbml_post_whose_address_has_a_doubled_colon_is_the_post() -> None:
    html = story(
        '<p><fb:post href="https:://www.facebook.com/AGENCIASURIA/posts/3834061273300004"></fb:post></p>'
    )
    assert list(logged(html)) == ["facebook:3834061273300004"]


@pytest.mark.parametrize("href", ["./https://twitter.com/jack/status/20", "page.html", ".hidden/twitter.com"])
def test_relative_paths_with_a_dot_stay_paths(href: str) -> None:
    # Guard: a path of the site that happens to start with a dot is not a slipped scheme.
    assert logged(story(f'<p>See <a href="{href}">this</a>.</p>')) == {}


def test_a_lazy_load_placeholder_keeping_the_video_id_as_its_own_id_is_the_video() -> None:
    html = story('<div class="youtube" id="bAKWVTb-AKA" style="width: 100%; height: 360px;"></div>')
    assert logged(html) == {"youtube:bAKWVTb-AKA": "embed"}


@pytest.mark.parametrize(
    "element",
    [
        '<div class="youtube" id="youtubelink"></div>',  # an element's name, a plain word
        '<div class="youtube" id="videoPlayer"></div>',
        '<div class="youtube" id="bAKWVTb-AKA">Subscribe to our channel</div>',  # a box with text of its own
        '<div class="video" id="bAKWVTb-AKA"></div>',  # no word of YouTube's
    ],
)
def test_elements_named_like_a_video_id_are_not_videos(element: str) -> None:
    assert logged(story(element)) == {}


def test_a_lazy_load_placeholder_in_the_sites_footer_stays_chrome() -> None:
    footer = '<footer class="site-footer"><div class="youtube" id="bAKWVTb-AKA"></div></footer>'
    assert logged(story("", after=footer)) == {}


def _accounts(html: str) -> dict[str, str | None]:
    return {account.id: account.url for account in extracted(html).accounts if account.platform == "mastodon"}


def _authors(html: str) -> dict[str, str | None]:
    return {post.id: post.author_handle for post in extracted(html).posts}


@pytest.mark.parametrize(
    ("href", "account"),
    [
        ("https://mastodon.potager.org/@lunar", "mastodon:lunar@mastodon.potager.org"),
        ("https://fosstodon.org/@simplelogin", "mastodon:simplelogin@fosstodon.org"),
        ("https://mstdn.jp/@abc/", "mastodon:abc@mstdn.jp"),
        ("https://toot.cafe/@x/with_replies", "mastodon:x@toot.cafe"),
        # The address form: a server's view of a remote profile, Plume's "/@/user@server".
        ("https://mastodon.social/@Gargron@example.org", "mastodon:gargron@example.org"),
        ("https://blog.example/@/pluralistic@mamot.fr", "mastodon:pluralistic@mamot.fr"),
    ],
)
def test_a_profile_that_can_only_be_mastodons_is_an_account(href: str, account: str) -> None:
    html = story(f'<p>The workshop was led by <a href="{href}">lunar</a>.</p>')
    assert _accounts(html) == {account: href}


def test_a_profile_on_a_server_the_page_cites_a_status_on_is_an_account() -> None:
    html = story(
        '<p>A post from <a href="https://chaos.social/@alice">Alice</a> said that '
        '<a href="https://chaos.social/@alice/109999999999999999">the server moved</a>.</p>'
    )
    assert _accounts(html) == {"mastodon:alice@chaos.social": "https://chaos.social/@alice"}


@pytest.mark.parametrize(
    "href",
    [
        "https://example.org/@bob",  # "/@user" on an arbitrary host: too common to mean Mastodon
        "https://medium.com/@bob",
        "https://www.newsbreak.com/@c/1599766",
    ],
)
def test_other_sites_at_paths_are_no_accounts(href: str) -> None:
    assert _accounts(story(f'<p>Bob wrote <a href="{href}">this</a>.</p>')) == {}


def test_a_mastodon_profile_in_the_sites_footer_stays_chrome() -> None:
    footer = '<footer class="site-footer"><a href="https://mastodon.social/@ourpaper">Follow us</a></footer>'
    assert _accounts(story("", after=footer)) == {}


def test_authors_of_the_same_name_on_two_servers_are_two_accounts() -> None:
    html = story(
        '<p><a href="https://mastodon.social/@alice/109999999999999991">One</a> and '
        '<a href="https://chaos.social/@alice/109999999999999992">another</a>; '
        '<a href="https://mastodon.social/@bob@hachyderm.io/109999999999999993">a remote one</a>.</p>'
    )
    assert _authors(html) == {
        "mastodon:mastodon.social/109999999999999991": "alice@mastodon.social",
        "mastodon:chaos.social/109999999999999992": "alice@chaos.social",
        "mastodon:mastodon.social/109999999999999993": "bob@hachyderm.io",
    }
    assert set(_accounts(html)) == {
        "mastodon:alice@mastodon.social",
        "mastodon:alice@chaos.social",
        "mastodon:bob@hachyderm.io",
    }


def test_the_status_url_keeps_its_form() -> None:
    # The post's address is the one the server answers at: the author's address is apart from it.
    ref = mastodon.post_ref("https://mastodon.social/@Gargron/109321313359102522")
    assert ref is not None and ref.url == "https://mastodon.social/@Gargron/109321313359102522"
    assert ref.handle == "Gargron@mastodon.social"


def _facebook_accounts(html: str) -> dict[str, str | None]:
    return {
        account.id: account.handle for account in extracted(html).accounts if account.platform == "facebook"
    }


@pytest.mark.parametrize(
    ("href", "account", "handle"),
    [
        # Facebook's older address of a page without a user name, and the one that replaced it.
        (
            "http://www.facebook.com/pages/Kolkata-Traffic-Police/129115403803409",
            "facebook:kolkata-traffic-police-129115403803409",
            "Kolkata-Traffic-Police-129115403803409",
        ),
        (
            "http://www.facebook.com/pages/TNT-Bar/420621557983692?sk=info",
            "facebook:tnt-bar-420621557983692",
            "TNT-Bar-420621557983692",
        ),
        (
            "https://web.facebook.com/Free-Assange-Ireland-108045181097849?_rdc=1&_rdr",
            "facebook:free-assange-ireland-108045181097849",
            "Free-Assange-Ireland-108045181097849",
        ),
        (
            "https://web.facebook.com/Julian-Assangea-%C3%96zg%C3%BCrl%C3%BCk-114096633778393/",
            "facebook:julian-assangea-özgürlük-114096633778393",
            "Julian-Assangea-Özgürlük-114096633778393",
        ),
        ("https://www.facebook.com/ExampleNews?ref=ts", "facebook:examplenews", "ExampleNews"),
    ],
)
def test_a_facebook_page_without_a_user_name_is_an_account(href: str, account: str, handle: str) -> None:
    html = story(f'<p>More than 22,000 people like the <a href="{href}">page</a>.</p>')
    assert _facebook_accounts(html) == {account: handle}


@pytest.mark.parametrize(
    "href",
    [
        "https://www.facebook.com/pages/create/?ref_type=launch_point",  # Facebook's own pages, no number
        "https://www.facebook.com/ExampleNews?v=123456789",  # a query that names something else
        "https://www.facebook.com/sharer/sharer.php?u=https://news.example/a",
    ],
)
def test_other_facebook_addresses_are_no_accounts(href: str) -> None:
    assert _facebook_accounts(story(f'<p>See <a href="{href}">this</a>.</p>')) == {}
