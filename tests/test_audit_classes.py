"""Classes found by auditing what embedtrail logged and dropped on unlabelled pages (htmldate's evaluation
pages, WCXB, omnivore's, csxj's and magic-html's saved pages) and by batch o's first measurement; each test
fails on the code before its rule, except those marked as guards."""

from __future__ import annotations

import pytest

from tests.stories import PROSE, logged, story


def test_a_related_story_card_with_a_custom_taxonomy_term_is_not_a_tweet() -> None:
    # The Denver Post's "More in Preps" cards: WordPress's post_class() list of the teased story, where a
    # custom taxonomy writes "feature-twitter", and data-id is the story's post number.
    cards = "".join(
        f"<article class='more-posts-view post-{n} post type-post status-publish hentry category-sports "
        f"feature-twitter' data-id='{n}'><h3><a href='/2023/11/01/story-{n}/'>Story {n}</a></h3></article>"
        for n in (5850541, 5848201)
    )
    assert logged(story("", after=f"<section class='more-posts'>{cards}</section>")) == {}


def test_a_platform_named_placeholder_still_names_its_post() -> None:
    # Guard: the class list of a player's placeholder is not a post's property list.
    placeholder = "<div class='twitter-embed' data-id='1580661436132757506'></div>"
    assert logged(story(placeholder)) == {"twitter:1580661436132757506": "placeholder"}


def test_a_follow_us_line_with_a_newsbreak_channel_is_no_mastodon_status() -> None:
    # "/@c/1599766" has Mastodon's path shape but a short number: NewsBreak's channel of the publisher.
    line = (
        "<p><i>Follow us: <a href='https://news.google.com/publications/CAAiE'>Google News</a> | "
        "<a href='https://www.newsbreak.com/@c/1599766?s=01'>NewsBreak</a> | "
        "<a href='https://www.twitter.com/metrotimes'>Twitter</a></i></p>"
    )
    assert logged(story(line)) == {}


@pytest.mark.parametrize(
    ("href", "post_id"),
    [
        ("https://de.twitter.com/tarzun/status/278489618192683009", "twitter:278489618192683009"),
        (
            "https://mastodon.social/@Gargron/109321313359102522",
            "mastodon:mastodon.social/109321313359102522",
        ),
    ],
)
def test_a_status_linked_in_the_text_is_logged(href: str, post_id: str) -> None:
    # A language edition of Twitter's site, linked from a 2012 blog post's update list; a Mastodon status
    # with a snowflake id stays recognised on any host.
    assert logged(story(f"<ul><li>Update: <a href='{href}'>a reply</a> to the post.</li></ul>")) == {
        post_id: "link"
    }


def test_a_flash_player_kept_in_the_articles_page_state_is_its_embed() -> None:
    # Le Figaro's Next.js state keeps a 2013 story's body as blocks; a "FreeHtml" block holds the YouTube
    # video as a Flash <object>/<embed>, which the page's markup never renders.
    import json

    flash = (
        "<object width='493' height='329'><param name='movie' value='http://www.youtube.com/v/l-O1Uo14RWQ?"
        "version=3&amp;hl=fr_FR'></param><embed src='http://www.youtube.com/v/l-O1Uo14RWQ?version=3' "
        "type='application/x-shockwave-flash' width='493' height='329'></embed></object>"
    )
    article = {
        "__typename": "Article",
        "url": "https://news.example/2024/story/",
        "title": "Vote",
        "body": {"structured": [{"__typename": "Paragraph", "text": "The vote."}, {"sourceCode": flash}]},
    }
    state = {"props": {"pageProps": {"article": article}}}
    script = f"<script id='__NEXT_DATA__' type='application/json'>{json.dumps(state)}</script>"
    page = (
        "<html><head><link rel='canonical' href='https://news.example/2024/story/'><title>Vote</title></head>"
        f"<body><main><article><h1>Vote</h1>{PROSE}{PROSE}</article></main>{script}</body></html>"
    )
    assert logged(page) == {"youtube:l-O1Uo14RWQ": "object"}


@pytest.mark.parametrize(
    ("attrs", "post_id"),
    [
        ("data-embed-file='844672819413712896' data-embed-type='twitter'", "twitter:844672819413712896"),
        ("data-embed-type='youtube' data-embed-file='dQw4w9WgXcQ'", "youtube:dQw4w9WgXcQ"),
    ],
)
def test_a_placeholder_names_its_id_after_its_type_attributes_family(attrs: str, post_id: str) -> None:
    # batch o2: Sinclair's TV station sites (komonews) write each embed as <sd-embed data-embed-type=…
    # data-embed-file=…>, the id in an attribute of the type attribute's own family.
    placeholder = f"<p><sd-embed class='sd-embedded-media' {attrs} contenteditable='false'></sd-embed></p>"
    assert logged(story(placeholder)) == {post_id: "placeholder"}


def test_a_bare_type_attribute_lends_no_family() -> None:
    # Guard: "data-type" has no family, so a counter beside it is not read as a tweet's id.
    box = "<div data-type='twitter' data-count='1580661436132757506'>1.5k shares</div>"
    assert logged(story(box)) == {}


def test_a_read_more_wrapper_holding_the_whole_story_is_the_story() -> None:
    # batch o4's placement check: Inquirer Technology wraps its whole story in Outbrain's "read more"
    # truncation, div#outbrain_readmore; a tweet the story embeds there is the story's.
    story = PROSE * 4 + (
        "<blockquote class='twitter-tweet'><p>Sighted again.</p>&mdash; A (@a) "
        "<a href='https://twitter.com/a/status/1714567890123456789'>October 2023</a></blockquote>"
    )
    page = (
        "<html><body><article><h1>Tigers</h1><div id='article_content'>"
        f"<div id='outbrain_readmore'>{story}</div></div></article></body></html>"
    )
    assert logged(page) == {"twitter:1714567890123456789": "blockquote"}


def test_a_comment_holding_nearly_all_the_prose_stays_a_comment() -> None:
    # Guard: the words of a discussion keep their block chrome, however much of the page's prose it holds.
    comment = PROSE * 4 + "<p>See <a href='https://twitter.com/b/status/1714567890123456780'>this</a>.</p>"
    page = f"<html><body><h1>Note</h1><p>Short.</p><div id='comments'>{comment}</div></body></html>"
    assert logged(page) == {}


def test_a_tweet_blockquote_saved_by_the_wayback_machine_keeps_its_status() -> None:
    # An audited 2013 Los Angeles Times story saved from web-beta.archive.org: every link of its six tweet
    # blockquotes goes through the archive, and the blockquote scanners read them as the URL walk does.
    archived = (
        "https://web-beta.archive.org/web/20130401012736/https://twitter.com/cwyers/status/317662569450053632"
    )
    quote = (
        "<blockquote class='twitter-tweet'><p>OH GMAIL I HATE YOUR NEW COMPOSE BOX</p>&mdash; Colin Wyers "
        f"(@cwyers) <a href='{archived}'>March 29, 2013</a></blockquote>"
    )
    assert logged(story(quote)) == {"twitter:317662569450053632": "blockquote"}


@pytest.mark.parametrize(
    "closing",
    ["</p>&mdash; Detroit Lions (@DetroitLionsNFL) ", "&mdash; <br>Detroit Lions (@DetroitLionsNFL) "],
)
def test_a_post_linked_in_an_embedded_tweets_text_is_the_tweets(closing: str) -> None:
    # An audited NFL.com story (Dragnet): the Detroit Lions' tweet links its Instagram photo; the photo is
    # the tweet's content, as the accounts a tweet mentions are. The footer inside or after the <p>.
    status = "<a href='http://twitter.com/#!/DetroitLionsNFL/status/265131314439680000'>November 04, 2012</a>"
    quote = (
        "<blockquote class='twitter-tweet'><p>WR will start today "
        f"<a href='http://instagr.am/p/RnVhiQx9GX/'>instagr.am/p/RnVhiQx9GX/</a>{closing}{status}"
        + ("</p>" if "</p>" not in closing else "")
        + "</blockquote>"
    )
    assert logged(story(quote)) == {"twitter:265131314439680000": "blockquote"}


def test_a_post_linked_in_the_text_beside_an_embed_is_cited() -> None:
    # Guard: the same link in the article's own paragraph is the article's citation.
    quote = (
        "<p>The photo <a href='http://instagr.am/p/RnVhiQx9GX/'>on Instagram</a> came first.</p>"
        "<blockquote class='twitter-tweet'><p>WR will start today</p>&mdash; Detroit Lions "
        "(@DetroitLionsNFL) <a href='https://twitter.com/DetroitLionsNFL/status/265131314439680000'>"
        "November 04, 2012</a></blockquote>"
    )
    assert logged(story(quote)) == {
        "twitter:265131314439680000": "blockquote",
        "instagram:RnVhiQx9GX": "link",
    }


def test_a_theme_reusing_an_embed_class_on_the_story_wraps_no_post() -> None:
    # Guard from the placement check: frolleinherr's theme names the story's wrapper "instagram-media
    # post-template-content"; a tweet linked in its text is the article's.
    body = (
        f"<div class='instagram-media post-template-content'>{PROSE}<p>She <a href='https://twitter.com/"
        f"carla/status/1944567890123456789'>wrote</a> it first.</p>{PROSE}</div>"
    )
    assert logged(f"<html><body><main><article><h1>Vote</h1>{body}</article></main></body></html>") == {
        "twitter:1944567890123456789": "link"
    }


# Newsquest's papers (The Argus, 2020): the story's first two paragraphs, then the rest of it inside the
# paywall's wrapper, div#subscription-content, within the body the page marks; related stories follow.
def _paywalled(inside: str, around: str = "") -> str:
    short = "<p>A pedestrian suffered serious injuries in a town centre car crash on Friday.</p>"
    # Related stories: as much prose as the story's, each card's paragraph in a wrapper of its own.
    related = "".join(
        f"<div class='col-md-4'><div class='card'><h3>Related {n}</h3>{PROSE}</div></div>" for n in range(6)
    )
    return (
        "<html><head><title>Woman hurt after being hit by car | The Argus</title></head><body>"
        "<div id='page'><article id='article' class='article-wrapper'>"
        "<h1>Woman hurt after being hit by car</h1><div class='article-body'><div>"
        f"<div id='subscription-replace-entire-article'><div class='p402_hide'>{short}{short}"
        f"<div id='subscription-content'>{inside}</div></div></div></div></div></article>{around}"
        f"<div class='related-stories'>{related}</div></div></body></html>"
    )


def test_the_story_behind_a_paywalls_wrapper_is_the_story() -> None:
    tweet = (
        "<blockquote class='twitter-tweet'><p>Road closed.</p>&mdash; Sussex Police (@sussex_police) "
        "<a href='https://twitter.com/sussex_police/status/1302000000000000002'>September 4, 2020</a>"
        "</blockquote>"
    )
    linked = (
        "<p>Police posted <a href='https://twitter.com/sussex_police/status/1302000000000000001'>an "
        "update</a>.</p>"
    )
    page = _paywalled(PROSE + linked + tweet + PROSE * 3)
    assert logged(page) == {
        "twitter:1302000000000000001": "link",
        "twitter:1302000000000000002": "blockquote",
    }


def test_a_subscription_box_in_the_story_stays_chrome() -> None:
    # Guard: a sign-up box among the body's paragraphs holds a line, not the story: its link is the
    # publisher's promotion.
    box = (
        "<div class='subscribe-box'><p>Subscribe to get every story first, and follow our "
        "<a href='https://twitter.com/theargus/status/1302000000000000003'>pinned post</a>.</p></div>"
    )
    page = _paywalled(PROSE + box + PROSE * 3)
    assert logged(page) == {}
