"""Classes found by batch ac's first measurement (pages labelled before any run, measured with the code as it
stood): each test fails on the code before its rule, except those marked as guards."""

from __future__ import annotations

from embedtrail import scrapers
from embedtrail.scrapers.explain import explain
from tests.stories import PROSE, URL, logged


def tiktok(handle: str = "grapevineinhighheels", video: str = "7163419504268315950") -> str:
    """TikTok's embed code, as WordPress's TikTok block prints it."""
    return (
        '<figure class="wp-block-embed is-provider-tiktok wp-block-embed-tiktok">'
        '<div class="wp-block-embed__wrapper">'
        f'<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@{handle}/video/{video}" '
        f'data-video-id="{video}"><section><a href="https://www.tiktok.com/@{handle}?refer=embed">@{handle}</a>'
        '</section></blockquote><script async src="https://www.tiktok.com/embed.js"></script></div></figure>'
    )


def page(body: str, sidebar: str) -> str:
    """TV Grapevine's WordPress theme (2025): the header's follow links, the post, and the sidebar beside it
    (``aside#secondary.widget-area``) with its widgets."""
    return (
        "<html><head><title>Best Fiction of 2022</title></head><body>"
        '<header id="masthead" class="site-header"><a href="https://facebook.com/grapevineinhighheels">Facebook'
        '</a> <a href="https://twitter.com/TVG_Sammi">Twitter</a></header>'
        '<div id="content"><main id="main"><article class="post"><h1>Best Fiction of 2022</h1>'
        f'<div class="entry-content">{PROSE}{body}{PROSE}</div></article></main>'
        f'<aside id="secondary" class="widget-area"><section class="widget widget_block">{sidebar}</section>'
        "</aside></div></body></html>"
    )


def test_the_publishers_own_post_in_the_sidebar_is_its_promotion() -> None:
    # tvgrapevine-ac2: the site's TikTok (its Facebook page's handle) in a widget of the WordPress sidebar.
    html = page("", tiktok())
    assert logged(html) == {}
    (candidate,) = [c for c in explain(scrapers.parse_html(html.encode(), URL)) if c.post_id.endswith("5950")]
    assert candidate.decision == "dropped" and "the publisher's own post" in candidate.reason


def test_the_publishers_own_post_in_the_text_and_others_posts_in_the_sidebar_count() -> None:
    # Guards: the same embed in the post is part of the story; someone else's post in the sidebar is a
    # recognised embed, which counts in an aside as before.
    assert logged(page(tiktok(), "")) == {"tiktok:7163419504268315950": "blockquote"}
    assert logged(page("", tiktok(handle="scout2015", video="6718335390845095173"))) == {
        "tiktok:6718335390845095173": "blockquote"
    }
    # Cited in the text too: the article's, wherever else it shows.
    linked = "<p>Her <a href='https://www.tiktok.com/@grapevineinhighheels/video/7163419504268315950'>video</a>.</p>"
    assert logged(page(linked, tiktok())) == {"tiktok:7163419504268315950": "blockquote"}
