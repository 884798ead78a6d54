"""Embeds a page keeps only in its JSON state: a JS-rendered page serves its text as markup and its embedded
posts as platform embed code inside a state object, beside other articles' (the next story, a rail). Only the
markup under the record naming this page counts. Real pages: abcnews-d1 (kept), liberation-a1 and
techcrunch-a1 (other articles' tweets in the state, left out) are in the corpus gate."""

from __future__ import annotations

import json
from urllib.parse import quote

from embedtrail import scrapers
from embedtrail.scrapers.explain import explain

PAGE_URL = "https://news.example/us/driver-awake-after-crash/story?id=69029794"
HEADLINE = "Driver awake and speaking with doctors after fiery crash"


def tweet(handle: str, status: str) -> str:
    return (
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Update on the driver</p>&mdash; '
        f'Team ({"@" + handle}) <a href="https://twitter.com/{handle}/status/{status}?ref_src=twsrc%5Etfw">'
        'February 18, 2020</a></blockquote> <script async src="https://platform.twitter.com/widgets.js"></script>'
    )


def page(state: str, *, state_type: str = "text/javascript", canonical: str = PAGE_URL) -> bytes:
    state = state.replace("</", "<\\/")  # as pages write state: a "</script>" inside would end the script
    return f"""<!doctype html><html><head><title>{HEADLINE} - News</title>
<link rel="canonical" href="{canonical}"><meta property="og:title" content="{HEADLINE}"></head>
<body><article class="story"><h1>{HEADLINE}</h1>
<p>The driver was trapped in his car following a collision on the final lap of the race on Monday.</p>
<p>His team said on Tuesday that he was awake and speaking with his family and doctors at the hospital.</p>
</article><script type="{state_type}">{state}</script></body></html>""".encode()


def abc_style_state() -> str:
    """A React page's state: this story (URL-encoded embeds in its inlines), then the next story."""
    state = {
        "page": {
            "story": {
                "everscroll": [
                    {
                        "headline": HEADLINE,
                        "canonical": PAGE_URL,
                        "inlines": [
                            {"type": "social", "socialData": [{"description": quote(tweet("team", "1"))}]}
                        ],
                    },
                    {
                        "headline": "Another story entirely about the weather this weekend",
                        "canonical": "https://news.example/us/weather-weekend/story?id=1",
                        "inlines": [
                            {"type": "social", "socialData": [{"description": quote(tweet("wx", "2"))}]}
                        ],
                    },
                ]
            }
        }
    }
    return "window['__site__']=" + json.dumps(state) + ";window.other = {broken: true};"


def logged(body: bytes) -> dict[str, str]:
    extraction = scrapers.extract(scrapers.parse_html(body, PAGE_URL))
    return {embed.post_id: embed.method for embed in extraction.embeds}


def test_embed_markup_under_this_articles_record_is_logged_and_the_next_storys_is_not() -> None:
    assert logged(page(abc_style_state())) == {"twitter:1": "blockquote"}


def test_the_article_is_known_by_its_canonical_link_when_the_page_url_is_a_local_file() -> None:
    body = page(abc_style_state())
    extraction = scrapers.extract(scrapers.parse_html(body, "file:///home/volunteer/saved/story.html"))
    assert [embed.post_id for embed in extraction.embeds] == ["twitter:1"]


def test_a_next_data_json_state_with_entity_escaped_markup_is_read_by_its_headline() -> None:
    instagram = (
        '&lt;blockquote class="instagram-media" data-instgrm-permalink='
        '"https://www.instagram.com/p/B8ra9H0BmtF/"&gt;&lt;a href="https://www.instagram.com/p/B8ra9H0BmtF/"&gt;'
        "A post shared by someone&lt;/a&gt;&lt;/blockquote&gt;"
    )
    state = json.dumps(
        {"props": {"pageProps": {"article": {"title": HEADLINE, "blocks": [{"html": instagram}]}}}}
    )
    assert logged(page(state, state_type="application/json")) == {"instagram:B8ra9H0BmtF": "blockquote"}


def test_markup_under_no_record_naming_any_article_is_not_this_pages() -> None:
    state = "window.__cache = " + json.dumps({"widgets": [{"html": tweet("someone", "3")}]})
    assert logged(page(state)) == {}


def test_a_relative_url_of_another_page_of_the_site_rules_a_record_out() -> None:
    state = "var Fusion = {}; Fusion.contentCache = " + json.dumps(
        {"recirculation": {"canonical_url": "/world/2023/other-story/", "body": [{"html": tweet("x", "4")}]}}
    )
    assert logged(page(state)) == {}


def test_explain_names_the_record_that_decided() -> None:
    doc = scrapers.parse_html(page(abc_style_state()), PAGE_URL)
    by_id = {candidate.post_id: candidate for candidate in explain(doc)}
    assert by_id["twitter:1"].decision == "embed"
    assert "under this article's record" in by_id["twitter:1"].found_in
    assert by_id["twitter:2"].decision == "dropped"
    assert "another article" in by_id["twitter:2"].reason


def test_a_player_iframe_in_state_handed_to_json_parse_as_a_template_literal() -> None:
    # Scientific American: window.__DATA__ = JSON.parse(`{...}`), its consent-gated video an iframe string
    # among the article's content blocks, absent from the rendered markup.
    player = '<iframe loading="lazy" src="https://www.youtube.com/embed/8WyWFAS96ac"></iframe>'
    article = {"title": HEADLINE, "url": PAGE_URL, "content": [{"tag": "figure", "content": player}]}
    other = {"title": "Another story entirely about bees and their moods", "url": "/article/bees/"}
    other["content"] = [{"tag": "figure", "content": player.replace("8WyWFAS96ac", "dQw4w9WgXcQ")}]
    data = json.dumps({"initialData": {"article": article, "recommended": [other]}})
    literal = data.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
    assert logged(page(f"window.__DATA__=JSON.parse(`{literal}`);")) == {"youtube:8WyWFAS96ac": "iframe"}
    # The same as a double-quoted literal.
    quoted = json.dumps(data)
    assert logged(page(f"window.__DATA__ = JSON.parse({quoted});")) == {"youtube:8WyWFAS96ac": "iframe"}


def test_links_in_state_markup_are_not_players() -> None:
    link = '<p>As <a href="https://x.com/a/status/77">she said</a>, <iframe src="about:blank"></iframe></p>'
    state = "window.__s = " + json.dumps({"story": {"headline": HEADLINE, "body": link}})
    assert logged(page(state)) == {}


def test_nuxt_flattened_state_records_naming_a_platform_are_embeds() -> None:
    # Nuxt 3 writes __NUXT_DATA__ flattened (devalue): objects hold indexes into one list. OMR's article keeps
    # its Instagram posts only as {"provider": "Instagram", "url": …} records after its last paragraph.
    flat: list[object] = [
        ["Reactive", 1],
        {"article": 2, "recommended": 9},
        {"title": 3, "canonical": 4, "embeds": 5},
        HEADLINE,
        PAGE_URL,
        [6],
        {"__typename": 7, "provider": 8, "url": 10},
        "Embed",
        "Instagram",
        [11],
        "https://www.instagram.com/p/CxGkwHxxx4Z/?utm_source=ig_web_copy_link",
        {"provider": 8, "url": 12},
        "https://www.instagram.com/p/CvM7VLWOpXZ/",
    ]
    assert logged(page(json.dumps(flat), state_type="application/json")) == {
        "instagram:CxGkwHxxx4Z": "iframe"
    }


def test_a_body_kept_as_a_node_tree_yields_its_iframes_not_other_articles() -> None:
    # SCMP's Apollo state: the body is a tree of {"type", "attribs", "children"} nodes; the same state
    # holds "more on this" articles' bodies with their own videos.
    def player(video: str) -> dict[str, object]:
        return {
            "type": "iframe",
            "subtype": "youtube",
            "attribs": {"src": f"//www.youtube.com/embed/{video}"},
        }

    article = {"headline": HEADLINE, "url": PAGE_URL, "body": {"children": [player("4aLsovwsaQE")]}}
    article["moreOnThisArticles"] = [
        {"headline": "Another story", "body": {"children": [player("BLtagamRFZc")]}}
    ]
    state = "window.__APOLLO_STATE__=" + json.dumps({"ROOT_QUERY": {"content": article}})
    assert logged(page(state)) == {"youtube:4aLsovwsaQE": "iframe"}
    # A record naming one platform with another platform's URL is not that platform's embed.
    wrong = {
        "headline": HEADLINE,
        "embeds": [{"provider": "instagram", "url": "https://www.youtube.com/watch?v=4aLsovwsaQE"}],
    }
    assert logged(page("window.__s = " + json.dumps(wrong))) == {}


def test_a_devalued_state_with_a_cycle_is_read_once() -> None:
    flat: list[object] = [["Reactive", 1], {"self": 1, "title": 2}, HEADLINE]
    assert logged(page(json.dumps(flat), state_type="application/json")) == {}


def test_an_external_content_block_of_a_body_kept_only_in_state() -> None:
    # munich2022 (Next.js): the body is a list of blocks; a tweet is a DocumentBlockExternalContent block.
    blocks = [
        {"@type": "DocumentBlockText", "text": "<p>Europe's top athletes are fit for the championships.</p>"},
        {
            "@type": "DocumentBlockExternalContent",
            "url": "https://twitter.com/EuroAthletics/status/1487171001817382917",
        },
        {"@type": "DocumentBlockExternalContent", "url": "https://www.munich2022.com/en/tickets"},
    ]
    state = json.dumps({"props": {"pageProps": {"document": {"title": HEADLINE, "documentBlocks": blocks}}}})
    assert logged(page(state, state_type="application/json")) == {"twitter:1487171001817382917": "iframe"}


def test_a_block_keeps_its_posts_url_under_a_field_name_its_cms_chose() -> None:
    # Headless CMSs (Storyblok, Contentful, Strapi) name block fields as their editors chose: "tweet_url",
    # "videoUrl". Any key named as a URL is read, on the platform the block's type names; a thumbnail's
    # address on another host is not the post.
    blocks = [
        {
            "component": "embed_twitter",
            "tweet_url": "https://twitter.com/EuroAthletics/status/1487171001817382917",
        },
        {"component": "youtube_video", "thumbnailUrl": "https://i.ytimg.com/vi/4aLsovwsaQE/hqdefault.jpg"},
        {"component": "youtube_video", "videoUrl": "https://www.youtube.com/watch?v=BLtagamRFZc"},
    ]
    state = "window.__STORY__=" + json.dumps({"story": {"title": HEADLINE, "content": {"body": blocks}}})
    assert logged(page(state)) == {"twitter:1487171001817382917": "iframe", "youtube:BLtagamRFZc": "iframe"}


def test_body_blocks_typed_by_a_platform_that_keep_only_the_posts_id() -> None:
    # Fox News (Nuxt): {"is": "tweet", "props": {"id": …}} renders an empty div.tweet-embed; Sanity's
    # {"_type": "youtube", "videoId": …} and Strapi's {"__component": "embeds.tweet", "tweetId": …} alike.
    blocks = [
        {"is": "paragraph", "props": {"text": "The team posted an update."}},
        {"is": "tweet", "props": {"id": "1230201168091078656", "alignment": "center"}},
        {"_type": "youtube", "videoId": "4aLsovwsaQE"},
        {"__component": "embeds.tweet", "tweetId": 1230202848912211968},
        # Not posts: an id of the wrong form for the platform, an Instagram media id (never a shortcode),
        # a type naming two platforms, and a record on a rail.
        {"_type": "youtube", "videoId": "0f8fad5b-d9cb-469f-a165-70867728950e"},
        {"is": "instagram", "props": {"id": "2245533350851218773"}},
        {"type": "twitter-youtube-share", "id": "1230173060143161344"},
    ]
    article = {
        "headline": HEADLINE,
        "canonicalUrl": PAGE_URL,
        "components": blocks,
        "relatedVideos": [{"_type": "youtube", "videoId": "BLtagamRFZc"}],
    }
    state = "window.__NUXT__=" + json.dumps({"state": {"article": article}})
    assert logged(page(state)) == {
        "twitter:1230201168091078656": "iframe",
        "youtube:4aLsovwsaQE": "iframe",
        "twitter:1230202848912211968": "iframe",
    }
    # The same blocks under another article's record are that article's.
    other = dict(article, headline="Another story entirely about the weather", canonicalUrl="/weather")
    assert logged(page("window.__NUXT__=" + json.dumps({"state": {"next": other}}))) == {}


def test_a_body_kept_only_in_a_literal_that_code_assigns_is_read_for_its_links() -> None:
    # Pixable: the page shows a stub; the article's paragraphs are escaped HTML in `var preinit = {...}`.
    credit = '(Source: Instagram/<a href="http://instagram.com/p/vUAOoLk1vA/?modal=true">kourtney</a>)'
    paragraphs = "".join(
        f"<p>Trend number {n} was everywhere this year, from television to the red carpet and back.</p>"
        for n in range(6)
    )
    body = f'{paragraphs}<div class="wp-caption"><p class="wp-caption-text">{credit}</p></div>'
    state = {"articleData": {"title": HEADLINE, "url": PAGE_URL, "content": body}}
    script = "Date.prototype.addMonths = function(n){ return this; };\n"
    script += "var preinit = " + json.dumps(state) + ";"
    assert logged(page(script)) == {"instagram:vUAOoLk1vA": "link"}
    # The same body under a record naming another article of the site is that article's (the next story).
    other = {"articleData": {"title": "Another story", "url": "https://news.example/other/story?id=2"}}
    other["articleData"]["content"] = body
    assert logged(page("var preinit = " + json.dumps(other) + ";")) == {}
