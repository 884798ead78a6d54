"""Platform modules on tables of real inputs: URL forms to ids (from docs/platforms.md and the corpus), embed
markup to sightings (snippet pages in ``tests/fixtures/snippets``), and page-chrome traps that must yield
nothing. A last test checks that every registered platform is exercised by at least one fixture.
"""

from __future__ import annotations

import json
from html import escape as html_escape
from pathlib import Path
from types import ModuleType

import pytest

from embedtrail import scrapers
from embedtrail.scrapers.document import zone_of
from embedtrail.scrapers.explain import explain
from embedtrail.scrapers.links import Router
from embedtrail.scrapers.registry import PLATFORMS, by_name
from tests.stories import URL as STORY_URL
from tests.stories import logged, story

FIXTURES = Path(__file__).parent / "fixtures"
SNIPPETS = FIXTURES / "snippets"
ROUTER = Router(PLATFORMS)

# (url, post id or None, kind) — kind "account" ids are platform:@handle.
URL_CASES = [
    # Truth Social (platforms.md §19): Mastodon's shape, its own platform
    (
        "https://truthsocial.com/@realDonaldTrump/posts/113575465411434183",
        "truthsocial:113575465411434183",
        "post",
    ),
    ("https://truthsocial.com/@realDonaldTrump/113575465411434183", "truthsocial:113575465411434183", "post"),
    (
        "https://truthsocial.com/@realDonaldTrump/113575465411434183/embed",
        "truthsocial:113575465411434183",
        "post",
    ),
    ("https://truthsocial.com/@realDonaldTrump", "truthsocial:@realdonaldtrump", "account"),
    # Twitter / X (platforms.md §1.2)
    ("https://twitter.com/jack/status/20", "twitter:20", "post"),
    ("https://x.com/jack/status/20?s=20&t=abc", "twitter:20", "post"),
    ("https://mobile.twitter.com/jack/status/20", "twitter:20", "post"),
    # Language editions of a platform's site, linked from older pages (an audited blog's "Update" list).
    ("https://de.twitter.com/tarzun/status/278489618192683009", "twitter:278489618192683009", "post"),
    ("https://de.reddit.com/r/de/comments/1fv4r6/titel/", "reddit:1fv4r6", "post"),
    ("https://pt-br.tiktok.com/@someone/video/7012345678901234567", "tiktok:7012345678901234567", "video"),
    ("https://twitter.com/i/web/status/1742962207883710711", "twitter:1742962207883710711", "post"),
    ("https://x.com/i/status/20", "twitter:20", "post"),
    ("https://twitter.com/JDaugherty_/statuses/452481183213813760", "twitter:452481183213813760", "post"),
    (
        "https://x.com/ExtremeBlitz__/status/2023205364368351634/video/1",
        "twitter:2023205364368351634",
        "post",
    ),
    ("https://twitter.com/#!/jack/status/20", "twitter:20", "post"),
    ("https://twitter.com/i/videos/tweet/560070183650213889", "twitter:560070183650213889", "post"),
    (
        "https://platform.twitter.com/embed/Tweet.html?dnt=false&id=1742962207883710711",
        "twitter:1742962207883710711",
        "post",
    ),
    ("https://fxtwitter.com/jack/status/20", "twitter:20", "post"),
    ("https://twitter.com/realDonaldTrump", "twitter:@realdonaldtrump", "account"),
    # YouTube (§2.2)
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube:dQw4w9WgXcQ", "video"),
    ("https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42s", "youtube:dQw4w9WgXcQ", "video"),
    ("https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RDdQw4w9WgXcQ", "youtube:dQw4w9WgXcQ", "video"),
    ("https://youtu.be/dQw4w9WgXcQ?si=abc&t=10", "youtube:dQw4w9WgXcQ", "video"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ?start=5", "youtube:dQw4w9WgXcQ", "video"),
    ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube:dQw4w9WgXcQ", "video"),
    ("https://www.youtube.com/shorts/a12CpYea0i4", "youtube:a12CpYea0i4", "video"),
    ("https://www.youtube.com/live/jfKfPfyJRdk?feature=shared", "youtube:jfKfPfyJRdk", "video"),
    ("http://www.youtube.com/v/dQw4w9WgXcQ?version=3", "youtube:dQw4w9WgXcQ", "video"),
    ("https://www.youtube.com/e/dQw4w9WgXcQ", "youtube:dQw4w9WgXcQ", "video"),
    ("https://www.youtube.com/watch#!v=dQw4w9WgXcQ", "youtube:dQw4w9WgXcQ", "video"),
    (
        "https://www.youtube.com/attribution_link?a=x&u=%2Fwatch%3Fv%3DdQw4w9WgXcQ%26feature%3Dshare",
        "youtube:dQw4w9WgXcQ",
        "video",
    ),
    ("https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg", "youtube:dQw4w9WgXcQ", "video"),
    ("https://img.youtube.com/vi_webp/dQw4w9WgXcQ/0.webp", "youtube:dQw4w9WgXcQ", "video"),
    # A channel is an account: its handle, its id, its two older names, any of its tabs.
    ("https://www.youtube.com/@ReeseWitherspoon", "youtube:@reesewitherspoon", "account"),
    ("https://youtube.com/@GIYIreland/videos", "youtube:@giyireland", "account"),
    ("https://m.youtube.com/@yoga.with.adriene/?sub_confirmation=1", "youtube:@yoga.with.adriene", "account"),
    ("https://youtube.com/channel/UC4R8DWoMoI7CAwX8_LjQHig", "youtube:@uc4r8dwomoi7cawx8_ljqhig", "account"),
    ("https://www.youtube.com/c/9to5toys/featured", "youtube:@9to5toys", "account"),
    ("https://www.youtube.com/user/NASAtelevision", "youtube:@nasatelevision", "account"),
    # Telegram (§3.2)
    ("https://t.me/europa_press/613", "telegram:europa_press/613", "post"),
    ("https://t.me/vorposte/29342?single", "telegram:vorposte/29342", "post"),
    ("https://t.me/durov/43?embed=1&mode=tme", "telegram:durov/43", "post"),
    ("https://t.me/s/durov/43", "telegram:durov/43", "post"),
    ("https://telegram.me/durov/43", "telegram:durov/43", "post"),
    ("https://telegram.dog/durov/43", "telegram:durov/43", "post"),
    ("https://t.me/durov", "telegram:@durov", "account"),
    # Instagram (§4.2)
    ("https://www.instagram.com/p/CSpmSvAphdf/", "instagram:CSpmSvAphdf", "post"),
    ("https://instagram.com/p/aye83DjauH/?foo=bar#abc", "instagram:aye83DjauH", "post"),
    ("https://www.instagram.com/reel/Cxyz123abcd/?igsh=MWQ1ZGUxMzBkMA==", "instagram:Cxyz123abcd", "post"),
    ("https://www.instagram.com/reels/Cxyz123abcd/", "instagram:Cxyz123abcd", "post"),
    ("https://www.instagram.com/tv/B1abcDEF234/", "instagram:B1abcDEF234", "post"),
    ("https://www.instagram.com/natgeo/p/CSpmSvAphdf/", "instagram:CSpmSvAphdf", "post"),
    ("https://instagr.am/p/V8UMy0LjpX/", "instagram:V8UMy0LjpX", "post"),
    ("https://www.instagram.com/p/B_fawQoFahE/embed/captioned/?cr=1&v=14", "instagram:B_fawQoFahE", "post"),
    ("https://www.instagram.com/happy_dog_sunny/", "instagram:@happy_dog_sunny", "account"),
    # credits write the handle with its "@" ("Instagram.com/@name"); Instagram redirects it to the profile
    ("https://Instagram.com/@happy_dog_sunny", "instagram:@happy_dog_sunny", "account"),
    # TikTok (§5.2)
    ("https://www.tiktok.com/@leenabhushan/video/6748451240264420610", "tiktok:6748451240264420610", "video"),
    (
        "https://www.tiktok.com/@user.name_1/video/7348705314746699054?is_from_webapp=1&sender_device=pc",
        "tiktok:7348705314746699054",
        "video",
    ),
    ("https://www.tiktok.com/@user/photo/7301234567890123456", "tiktok:7301234567890123456", "video"),
    ("https://www.tiktok.com/embed/v2/6718335390845095173", "tiktok:6718335390845095173", "video"),
    ("https://www.tiktok.com/share/video/6718335390845095173", "tiktok:6718335390845095173", "video"),
    ("https://m.tiktok.com/v/6718335390845095173.html", "tiktok:6718335390845095173", "video"),
    ("https://www.tiktok.com/@leenabhushan", "tiktok:@leenabhushan", "account"),
    # Facebook (§6.2)
    ("https://www.facebook.com/sesametheopossum/posts/1329405240877426", "facebook:1329405240877426", "post"),
    (
        "https://www.facebook.com/Meta/posts/pfbid02Zx0abcdefghijklmnop",
        "facebook:pfbid02Zx0abcdefghijklmnop",
        "post",
    ),
    (
        "https://www.facebook.com/permalink.php?story_fbid=10158123456789012&id=100044123456789",
        "facebook:10158123456789012",
        "post",
    ),
    (
        "https://www.facebook.com/story.php?story_fbid=10158123456789012&id=1",
        "facebook:10158123456789012",
        "post",
    ),
    ("https://www.facebook.com/gov.sg/videos/10154383743583686/", "facebook:10154383743583686", "post"),
    ("https://www.facebook.com/watch/?v=1195289147628387", "facebook:1195289147628387", "post"),
    ("https://www.facebook.com/watch/live/?v=1195289147628387", "facebook:1195289147628387", "post"),
    ("https://www.facebook.com/video.php?v=1195289147628387", "facebook:1195289147628387", "post"),
    ("https://www.facebook.com/reel/1195289147628387", "facebook:1195289147628387", "post"),
    ("https://www.facebook.com/photo.php?fbid=10150123456789&set=a.1", "facebook:10150123456789", "post"),
    ("https://www.facebook.com/photo/?fbid=10150123456789", "facebook:10150123456789", "post"),
    (
        "https://www.facebook.com/ExamplePage/photos/a.101.102/10150123456789/",
        "facebook:10150123456789",
        "post",
    ),
    ("https://www.facebook.com/groups/123456/posts/7890123456/", "facebook:7890123456", "post"),
    ("https://www.facebook.com/groups/123456/permalink/7890123456/", "facebook:7890123456", "post"),
    (
        "https://m.facebook.com/story.php?story_fbid=10158123456789012&id=1",
        "facebook:10158123456789012",
        "post",
    ),
    ("https://de-de.facebook.com/Slate/posts/10152820738221438", "facebook:10152820738221438", "post"),
    (
        "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2F20531316728%2Fposts%2F10154009990506729%2F&width=500",
        "facebook:10154009990506729",
        "post",
    ),
    ("https://www.facebook.com/parcoabruzzo/posts/2395361813834269", "facebook:2395361813834269", "post"),
    ("https://www.facebook.com/ExampleNews", "facebook:@examplenews", "account"),
    # Vimeo (§7.2)
    ("https://vimeo.com/76979871", "vimeo:76979871", "video"),
    ("https://vimeo.com/76979871/8272103f6e", "vimeo:76979871", "video"),
    ("https://player.vimeo.com/video/76979871?h=8272103f6e", "vimeo:76979871", "video"),
    ("https://vimeo.com/channels/staffpicks/76979871", "vimeo:76979871", "video"),
    ("https://vimeo.com/groups/meetup/videos/76979871", "vimeo:76979871", "video"),
    ("https://vimeo.com/album/2632481/video/76979871", "vimeo:76979871", "video"),
    ("https://vimeo.com/showcase/2632481/video/76979871", "vimeo:76979871", "video"),
    ("https://vimeo.com/user170863801/review/996447483/a316d6ed8d", "vimeo:996447483", "video"),
    ("http://vimeo.com/7855429", "vimeo:7855429", "video"),
    # Dailymotion (§8.2)
    (
        "http://www.dailymotion.com/video/x5kesuj_office-christmas-party-review-t-j-miller_news",
        "dailymotion:x5kesuj",
        "video",
    ),
    ("https://www.dailymotion.com/video/x7tgad0", "dailymotion:x7tgad0", "video"),
    ("https://dai.ly/x7tgad0", "dailymotion:x7tgad0", "video"),
    ("https://www.dailymotion.com/embed/video/x7tgad0?autoplay=1", "dailymotion:x7tgad0", "video"),
    ("https://geo.dailymotion.com/player.html?video=xy0wd", "dailymotion:xy0wd", "video"),
    ("https://geo.dailymotion.com/player/x1abc.html?video=x8xyz12", "dailymotion:x8xyz12", "video"),
    ("http://www.dailymotion.com/swf/video/x9wjql", "dailymotion:x9wjql", "video"),
    # Bluesky (§9.2)
    (
        "https://bsky.app/profile/blu3blue.bsky.social/post/3l4omssdl632g",
        "bluesky:blu3blue.bsky.social/3l4omssdl632g",
        "post",
    ),
    (
        "https://bsky.app/profile/did:plc:vjug55kidv6sye7ykr5faxxn/post/3jzn6g7ixgq2y",
        "bluesky:did:plc:vjug55kidv6sye7ykr5faxxn/3jzn6g7ixgq2y",
        "post",
    ),
    (
        "at://did:plc:cwx2zxldt3uxciob3nxzhkzr/app.bsky.feed.post/3lbx3zind3c2v",
        "bluesky:did:plc:cwx2zxldt3uxciob3nxzhkzr/3lbx3zind3c2v",
        "post",
    ),
    ("https://bsky.app/profile/emilyliu.me/post/3jzn6g7ixgq2y", "bluesky:emilyliu.me/3jzn6g7ixgq2y", "post"),
    ("https://bsky.app/profile/emilyliu.me", "bluesky:@emilyliu.me", "account"),
    # Mastodon (§10.2), recognised by shape on any host
    (
        "https://mastodon.social/@Gargron/109321313359102522",
        "mastodon:mastodon.social/109321313359102522",
        "post",
    ),
    (
        "https://mastodon.social/users/Gargron/statuses/109321313359102522",
        "mastodon:mastodon.social/109321313359102522",
        "post",
    ),
    (
        "https://mastodon.social/@Gargron@example.org/109321313359102523",
        "mastodon:mastodon.social/109321313359102523",
        "post",
    ),
    (
        "https://mastodon.social/web/statuses/109321313359102522",
        "mastodon:mastodon.social/109321313359102522",
        "post",
    ),
    (
        "https://mastodon.social/web/@Gargron/109321313359102522",
        "mastodon:mastodon.social/109321313359102522",
        "post",
    ),
    (
        "https://mastodon.social/@Gargron/109321313359102522/embed",
        "mastodon:mastodon.social/109321313359102522",
        "post",
    ),
    (
        "https://digitalcourage.social/@reticuleena/111045542523669432",
        "mastodon:digitalcourage.social/111045542523669432",
        "post",
    ),
    # Threads (§11.2)
    ("https://www.threads.net/@zuck/post/C1234567890", "threads:C1234567890", "post"),
    ("https://threads.com/@zuck/post/C1234567890?xmt=AQGz", "threads:C1234567890", "post"),
    ("https://www.threads.net/t/C1234567890", "threads:C1234567890", "post"),
    ("https://www.threads.com/@zuck", "threads:@zuck", "account"),
    # Reddit (§12.2)
    ("https://www.reddit.com/r/videos/comments/6rrwyj/that_small_heart_attack/", "reddit:6rrwyj", "post"),
    ("https://old.reddit.com/r/ketamine/comments/degtjo/when_the_k_hits/", "reddit:degtjo", "post"),
    ("https://new.reddit.com/r/x/comments/6rrwyj/", "reddit:6rrwyj", "post"),
    ("https://www.reddit.com/comments/6rrwyj", "reddit:6rrwyj", "post"),
    ("https://www.reddit.com/user/spez/comments/abc123/title/", "reddit:abc123", "post"),
    ("https://www.reddit.com/r/godot/comments/1e9iyof/comment/leevgp2/", "reddit:1e9iyof", "post"),
    ("https://redd.it/6rrwyj", "reddit:6rrwyj", "post"),
    (
        "https://www.redditmedia.com/r/a/comments/6rrwyj/slug/?ref_source=embed&embed=true",
        "reddit:6rrwyj",
        "post",
    ),
    ("https://www.reddit.com/user/spez/", "reddit:@spez", "account"),
    # Rumble
    ("https://rumble.com/embed/v1a2b3c/?pub=4", "rumble:v1a2b3c", "video"),
    ("https://rumble.com/v2ea9qb-some-video-title.html", "rumble:v2ea9qb", "video"),
    ("https://rumble.com/c/SomeChannel", "rumble:@somechannel", "account"),
    # VK video
    ("https://vk.com/video-22822305_456239018", "vkvideo:-22822305_456239018", "video"),
    (
        "https://vk.com/video_ext.php?oid=-22822305&id=456239018&hash=e037414127166efe",
        "vkvideo:-22822305_456239018",
        "video",
    ),
    ("https://vkvideo.ru/video123_456", "vkvideo:123_456", "video"),
    ("https://vk.com/clip-1_2", "vkvideo:-1_2", "video"),
    ("https://vk.com/wall-1_2?z=video-777_888%2Fabc", "vkvideo:-777_888", "video"),
    # Streamable
    ("https://streamable.com/moo", "streamable:moo", "video"),
    ("https://streamable.com/e/dnd1", "streamable:dnd1", "video"),
    ("https://streamable.com/o/dnd1", "streamable:dnd1", "video"),
    # Link shims unwrap to the URL they carry
    (
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DdQw4w9WgXcQ&h=AT0",
        "youtube:dQw4w9WgXcQ",
        "video",
    ),
]

# URLs that name no post: collections, channels, shares, short links that need a redirect, other sites.
NOT_POSTS = [
    "https://www.youtube.com/playlist?list=PL590L5WQmH8fJ54F369BLDSqIwcs-TCfs",
    "https://www.youtube.com/embed/videoseries?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
    "https://www.youtube.com/embed/live_stream?channel=UC4R8DWoMoI7CAwX8_LjQHig",
    "https://www.youtube.com/c/9to5toys?sub_confirmation=1",
    "https://twitter.com/hashtag/Berlin?src=hash",
    "https://twitter.com/search?q=x",
    "https://twitter.com/i/spaces/1YqKDqDXAbcJV",
    # A platform's service subdomains are not language editions: their pages are help and docs.
    "https://help.twitter.com/en",
    "https://developer.twitter.com/en/docs",
    "https://about.instagram.com/p/abcdef",
    # Mastodon's "/@user/<id>" shape with a short number on another site: NewsBreak's channel pages.
    "https://www.newsbreak.com/@c/1599766?s=01",
    "https://t.co/8zZ5zP1Oyc",
    "https://pic.twitter.com/tiXGUoLREi",
    "https://t.me/c/1234567890/55",
    "https://t.me/joinchat/AbCdEf",
    "https://www.instagram.com/explore/tags/cats/",
    "https://www.instagram.com/stories/natgeo/3123456789012345678/",
    "https://vm.tiktok.com/ZMeAbCdEf/",
    "https://fb.watch/abcDEF123/",
    "https://www.facebook.com/events/1796522527298459/",
    "https://www.facebook.com/share/p/1AbCdEfGh/",
    "https://www.dailymotion.com/playlist/xv4bw",
    "https://vimeo.com/showcase/2632481",
    "https://vimeo.com/ondemand/20704",
    "https://www.reddit.com/r/news/",
    "https://v.redd.it/abc123def",
    "https://medium.com/@writer/123456789",
    "https://example.com/news/2024/05/03/story.html",
    "https://streamable.com/login",
    "https://vk.com/wall-1_2",
    "https://truthsocial.com/group/123",
    "https://truthsocial.com/@realDonaldTrump/media",
]


@pytest.mark.parametrize(("url", "expected", "kind"), [c for c in URL_CASES if c[0].startswith("http")])
def test_router_maps_url_forms(url: str, expected: str, kind: str) -> None:
    ref = ROUTER.ref(url)
    assert ref is not None, url
    assert (ref.id, ref.kind) == (expected, kind)


@pytest.mark.parametrize(("url", "expected", "kind"), [c for c in URL_CASES if "l.facebook.com" not in c[0]])
def test_owning_module_maps_url_forms(url: str, expected: str, kind: str) -> None:
    module = by_name(expected.split(":", 1)[0])
    ref = module.post_ref(url)
    assert ref is not None and ref.id == expected


@pytest.mark.parametrize("url", NOT_POSTS)
def test_urls_that_are_not_posts(url: str) -> None:
    ref = ROUTER.ref(url)
    assert ref is None or ref.kind == "account", (url, ref)


# Short and share links name a post only through a redirect: they are not the profile their path looks like.
SHORT_LINKS = [
    "https://fb.watch/abcDEF123/",
    "https://www.facebook.com/share/p/1AbCdEfGh/",
    "https://www.facebook.com/share/v/1AbCdEfGh/",
    "https://vm.tiktok.com/ZMeAbCdEf/",
    "https://www.tiktok.com/t/ZTabc123/",
    "https://t.co/8zZ5zP1Oyc",
    "https://www.reddit.com/r/news/s/AbCdEf123",
]


@pytest.mark.parametrize("url", SHORT_LINKS)
def test_short_links_name_neither_post_nor_account(url: str) -> None:
    assert ROUTER.ref(url) is None, url


# YouTube pages that are neither a video nor a channel: a search, a feed, a path under a channel that is none
# of its tabs, names too short or too odd to be a handle or a channel id.
YOUTUBE_NEITHER = [
    "https://www.youtube.com/@ab",
    "https://www.youtube.com/@someone/video/12",
    "https://www.youtube.com/channel/UCshort",
    "https://www.youtube.com/feed/trending",
    "https://www.youtube.com/results?search_query=embedtrail",
    "https://www.youtube.com/premium",
    "https://music.youtube.com/@artist",
]


@pytest.mark.parametrize("url", YOUTUBE_NEITHER)
def test_youtube_pages_that_are_neither_video_nor_channel(url: str) -> None:
    assert ROUTER.ref(url) is None, url


# Snippet pages: every embed form a platform has, with chrome around it. Expected post ids and methods.
SNIPPET_CASES: dict[str, dict[str, str]] = {
    "twitter": {
        "twitter:1679189879086018562": "blockquote",
        "twitter:452481183213813760": "blockquote",
        "twitter:1742962207883710711": "iframe",
        "twitter:885634330868850689": "amp",
        "twitter:2023205364368351634": "blockquote",
        "twitter:1163535602798776321": "placeholder",
        "twitter:20": "placeholder",
        "twitter:1720918522082078752": "blockquote",
        "twitter:1161360217671532544": "link",
        "twitter:1111111111111111111": "link",
    },
    "youtube": {
        "youtube:Zf5_Igx2wV8": "iframe",
        "youtube:dQw4w9WgXcQ": "iframe",
        "youtube:aqz-KE-bpKQ": "object",
        "youtube:mGENRKrdoGY": "amp",
        "youtube:ogfYd705cRs": "embed",
        "youtube:AqzMjzQ9pH4": "iframe",
        "youtube:TIGmU2wJm-A": "iframe",
        "youtube:s2UlgG31C4g": "iframe",
        "youtube:M7lc1UVf-VE": "iframe",
        "youtube:9bZkp7q19f0": "embed",
        "youtube:kJQP7kiw5Fk": "embed",
        "youtube:GTt-fyhTCzE": "placeholder",
        "youtube:Ms5oaY7biWM": "script",
        "youtube:L_jWHffIx5E": "embed",
        "youtube:NgbF86kNLgs": "link",
        "youtube:a12CpYea0i4": "link",
        "youtube:jNQXAC9IVRw": "link",
    },
    "instagram": {
        "instagram:CSpmSvAphdf": "blockquote",
        "instagram:Cxyz123abcd": "blockquote",
        "instagram:B_fawQoFahE": "iframe",
        "instagram:fBwFP": "amp",
        "instagram:V8UMy0LjpX": "link",
        "instagram:B1abcDEF234": "link",
    },
    "facebook": {
        "facebook:10154009990506729": "blockquote",
        "facebook:10153231379946729": "embed",
        "facebook:10154383743583686": "iframe",
        "facebook:1329405240877426": "amp",
        "facebook:422572928569998": "link",
        "facebook:10158000000000001": "link",
        "facebook:1195289147628387": "link",
    },
    "vimeo": {
        "vimeo:76979871": "iframe",
        "vimeo:27246366": "amp",
        "vimeo:364402896": "embed",
        "vimeo:7855429": "link",
        "vimeo:235352744": "link",
    },
    "dailymotion": {
        "dailymotion:x7tgad0": "iframe",
        "dailymotion:xy0wd": "iframe",
        "dailymotion:x8abc12": "script",
        "dailymotion:x2m8jpp": "amp",
        "dailymotion:x9wjql": "object",
        "dailymotion:x5kesuj": "link",
        "dailymotion:x7tgaz1": "link",
    },
    "reddit": {
        "reddit:7pfpeq": "blockquote",
        "reddit:6rrwyj": "blockquote",
        "reddit:1e9iyof": "iframe",
        "reddit:degtjo": "placeholder",
        "reddit:djzxq8": "link",
        "reddit:abc123": "link",
    },
    "mastodon": {
        "mastodon:mastodon.social/109321313359102522": "iframe",
        "mastodon:fosstodon.org/112233445566778899": "blockquote",
        "mastodon:digitalcourage.social/111045542523669432": "link",
        "mastodon:mastodon.social/109321313359102600": "link",
        "mastodon:chaos.social/109999999999999999": "link",
    },
    "truthsocial": {
        "truthsocial:113575465411434183": "iframe",
        "truthsocial:113000000000000001": "blockquote",
        "truthsocial:114000000000000002": "link",
    },
    "telegram": {
        "telegram:durov/43": "script",
        "telegram:europa_press/613": "blockquote",
        "telegram:vorposte/29342": "iframe",
        "telegram:rybar/51200": "iframe",
        "telegram:durov/44": "link",
        "telegram:another_channel/7": "link",
    },
    "tiktok": {
        "tiktok:7348705314746699054": "blockquote",
        "tiktok:7301234567890123456": "blockquote",
        "tiktok:6718335390845095173": "iframe",
        "tiktok:7111111111111111111": "iframe",
        "tiktok:6718335390845095999": "amp",
        "tiktok:6718335390845095888": "amp",
        "tiktok:6748451240264420610": "link",
    },
    "bluesky": {
        "bluesky:did:plc:cwx2zxldt3uxciob3nxzhkzr/3lbx3zind3c2v": "blockquote",
        "bluesky:did:plc:vjug55kidv6sye7ykr5faxxn/3jzn6g7ixgq2y": "iframe",
        "bluesky:blu3blue.bsky.social/3l4omssdl632g": "link",
    },
    "threads": {
        "threads:Cyh2ZNprQO2": "blockquote",
        "threads:DAbc123XyZ9": "blockquote",
        "threads:C1234567890": "link",
        "threads:CuXFPIeLLod": "link",
    },
    "rumble": {"rumble:v1a2b3c": "iframe", "rumble:v2ea9qb": "link"},
    "vkvideo": {
        "vkvideo:-22822305_456239018": "iframe",
        "vkvideo:-12345_67890": "link",
        "vkvideo:123_456": "link",
        "vkvideo:-1_2": "link",
        "vkvideo:-777_888": "link",
    },
    "streamable": {"streamable:dnd1": "iframe", "streamable:moo": "link"},
    "consent": {
        "twitter:1455512589295816707": "embed",
        "vimeo:235352744": "script",
        "youtube:BASE64VID01": "embed",  # Borlabs Cookie 2: base64 in a template script
        "youtube:CMPLAZYVID1": "iframe",
        "dailymotion:x8lite1": "iframe",
    },
}


def _extract_file(path: Path) -> scrapers.Extraction:
    return scrapers.extract(scrapers.parse_html(path.read_bytes(), f"https://example.com/{path.stem}"))


@pytest.mark.parametrize("name", sorted(SNIPPET_CASES))
def test_snippet_pages(name: str) -> None:
    extraction = _extract_file(SNIPPETS / f"{name}.html")
    got = {embed.post_id: embed.method for embed in extraction.embeds}
    assert got == SNIPPET_CASES[name]


def test_every_snippet_page_has_a_table() -> None:
    assert sorted(p.stem for p in SNIPPETS.glob("*.html")) == sorted(SNIPPET_CASES)


@pytest.mark.parametrize(
    ("name", "handle"),
    [
        ("twitter", "twitter:alleyco"),
        ("twitter", "twitter:somereporter"),
        ("instagram", "instagram:natgeo"),
        ("instagram", "instagram:happy_dog_sunny"),
        ("reddit", "reddit:dennisrieves"),
        ("tiktok", "tiktok:leenabhushan"),
        ("bluesky", "bluesky:emilyliu.me"),
        ("threads", "threads:zuck"),
        ("telegram", "telegram:durov"),
    ],
)
def test_snippet_accounts(name: str, handle: str) -> None:
    assert handle in {account.id for account in _extract_file(SNIPPETS / f"{name}.html").accounts}


@pytest.mark.parametrize(
    ("name", "absent"),
    [
        ("twitter", "twitter:examplenews"),  # the publisher's own account (twitter:site), in nav and footer
        ("twitter", "twitter:authorname"),  # author bio
        ("instagram", "instagram:examplenews"),  # header
        ("facebook", "facebook:examplenews"),  # footer
    ],
)
def test_chrome_accounts_are_not_citations(name: str, absent: str) -> None:
    assert absent not in {account.id for account in _extract_file(SNIPPETS / f"{name}.html").accounts}


def _post_ids(html: str, url: str = "https://news.example.com/2024/story") -> set[str]:
    extraction = scrapers.extract(scrapers.parse_html(html.encode(), url))
    return {post.id for post in extraction.posts if post.kind != "account"}


ARTICLE = (
    '<html><head>{head}</head><body>{chrome}<article><div class="entry-content"><p>Text.</p>{body}</div>'
    "</article></body></html>"
)

# Markup that mentions a platform but cites nothing.
TRAPS = [
    # CSS-only class mentions
    ("<style>.twitter-tweet{margin:auto} .instagram-media{max-width:540px}</style>", "", ""),
    # widget loader config naming the classes
    (
        "",
        "",
        "<script>window.cfg = {selector: 'blockquote.twitter-tweet', "
        "src: '//platform.twitter.com/widgets.js'}</script>",
    ),
    # share buttons carrying twitter-tweet classes
    (
        "",
        '<div class="share"><a class="twitter-share-button twitter-tweet-button" href="https://twitter.com/intent/tweet?url=x">Tweet</a></div>',
        "",
    ),
    (
        "",
        "",
        '<p><a class="twitter-tweet-btn" href="https://twitter.com/share?url=https://news.example.com">Tweet</a></p>',
    ),
    # navigation, footer and a latest-tweets rail
    ("", '<nav><a href="https://twitter.com/news/status/1000000000000000001">pinned</a></nav>', ""),
    ("", '<footer><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">our channel</a></footer>', ""),
    (
        "",
        # Strong chrome cancels even a platform's own embed markup (a weak "sidebar" or "aside" does not:
        # see test_embed_markup_counts_wherever_a_layout_puts_it).
        '<div class="comments"><blockquote class="twitter-tweet"><a href="https://twitter.com/news/status/1000000000000000002">x</a></blockquote></div>',
        "",
    ),
    # related-article rail and comments inside the article
    (
        "",
        "",
        '<div class="related-posts"><iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe></div>',
    ),
    (
        "",
        "",
        '<ol class="comment-list"><li class="comment"><a href="https://youtu.be/dQw4w9WgXcQ">look</a></li></ol>',
    ),
    # author bio and cookie banner
    (
        "",
        "",
        '<div class="author-bio"><a href="https://twitter.com/writer/status/1000000000000000003">pinned</a></div>',
    ),
    (
        "",
        '<div id="cookie-notice" class="cookie-banner"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">why</a></div>',
        "",
    ),
    # playlists and channels are not posts
    (
        "",
        "",
        '<iframe src="https://www.youtube.com/embed/videoseries?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG"></iframe>',
    ),
    ("", "", '<a class="twitter-timeline" href="https://twitter.com/news">Tweets by news</a>'),
    # the article's own lead video described in head metadata
    ('<meta property="og:video" content="https://www.youtube.com/embed/dQw4w9WgXcQ">', "", ""),
]


@pytest.mark.parametrize(("head", "chrome", "body"), TRAPS)
def test_traps_yield_no_posts(head: str, chrome: str, body: str) -> None:
    assert _post_ids(ARTICLE.format(head=head, chrome=chrome, body=body)) == set()


def test_json_repeat_counts_once_as_the_embed() -> None:
    body = (
        '<blockquote class="twitter-tweet"><p>t</p>&mdash; A (@a) <a href="https://twitter.com/a/status/1000000000000000004">'
        'May 1, 2020</a></blockquote><script>var data = {"url": '
        '"https:\\/\\/twitter.com\\/a\\/status\\/1000000000000000004"}</script>'
    )
    extraction = scrapers.extract(
        scrapers.parse_html(ARTICLE.format(head="", chrome="", body=body).encode(), "https://n.example/a")
    )
    assert [(e.post_id, e.method) for e in extraction.embeds] == [
        ("twitter:1000000000000000004", "blockquote")
    ]


def test_embed_in_a_layout_wrapper_named_sidebar_is_content() -> None:
    # vox.com: the article body sits in <div class="l-sidebar-fixed">, a layout class, not a sidebar.
    html = (
        '<html><body><div class="l-sidebar-fixed l-segment"><div class="c-entry-content">'
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe></div></div></body></html>'
    )
    assert _post_ids(html) == {"youtube:dQw4w9WgXcQ"}


def test_share_bar_inside_the_article_is_chrome() -> None:
    body = (
        '<div class="social-share"><a href="https://www.facebook.com/Page/posts/1000000001">share</a></div>'
    )
    assert _post_ids(ARTICLE.format(head="", chrome="", body=body)) == set()


def test_flattened_tweet_text_inside_a_blockquote_is_the_same_post() -> None:
    body = (
        '<blockquote class="twitter-tweet"><p>Club statement pic.twitter.com/dUO6AJlMxR</p>&mdash; '
        'Tottenham Hotspur (@SpursOfficial) <a href="https://twitter.com/SpursOfficial/status/1197040181657784320">'
        "November 20, 2019</a>"
        "</blockquote>"
    )
    assert _post_ids(ARTICLE.format(head="", chrome="", body=body)) == {"twitter:1197040181657784320"}


def _exercised_platforms() -> set[str]:
    names = set()
    labels = json.loads((FIXTURES / "labels.json").read_text(encoding="utf-8"))
    for page in labels["pages"]:
        names |= {post["id"].split(":", 1)[0] for post in page["posts"]}
    for expected in SNIPPET_CASES.values():
        names |= {post_id.split(":", 1)[0] for post_id in expected}
    return names


@pytest.mark.parametrize("module", PLATFORMS, ids=lambda m: m.NAME)
def test_every_platform_is_exercised_by_a_fixture(module: ModuleType) -> None:
    assert module.NAME in _exercised_platforms()


@pytest.mark.parametrize("module", PLATFORMS, ids=lambda m: m.NAME)
def test_platform_module_surface(module: ModuleType) -> None:
    assert isinstance(module.NAME, str) and module.NAME
    assert isinstance(module.PROSE_NAMES, tuple) and module.PROSE_NAMES
    assert module.HOSTS is None or (isinstance(module.HOSTS, frozenset) and module.HOSTS)
    assert callable(module.post_ref) and callable(module.scan)
    assert module.__doc__ and module.__doc__.strip()
    assert list(module.scan(scrapers.parse_html(b"<html><body></body></html>", "https://example.com/"))) == []


def test_registry_names_are_unique_and_hosts_disjoint() -> None:
    names = [module.NAME for module in PLATFORMS]
    assert len(names) == len(set(names))
    seen: dict[str, str] = {}
    for module in PLATFORMS:
        for host in module.HOSTS or ():
            assert host not in seen, (host, seen.get(host), module.NAME)
            seen[host] = module.NAME


def test_a_stray_article_teaser_does_not_hide_the_prose() -> None:
    # An <article> teaser is a weak article marker; with so little text it must not make the real (unmarked)
    # story body count as "outside the article", where links are ignored.
    prose = "The minister answered critics in a long statement. " * 20
    html = (
        f'<html><body><div id="story"><p>{prose} He <a href="https://twitter.com/a/status/1000000000000000005">'
        'said so</a>.</p></div><div class="more"><article><p>Another story</p></article></div></body></html>'
    )
    assert _post_ids(html) == {"twitter:1000000000000000005"}


def test_links_outside_a_recognised_article_body_are_not_citations() -> None:
    prose = "The minister answered critics in a long statement. " * 20
    html = (
        f'<html><body><div class="entry-content"><p>{prose}</p></div><div class="misc"><p>See '
        '<a href="https://twitter.com/a/status/1000000000000000006">this</a></p></div></body></html>'
    )
    assert _post_ids(html) == set()


def test_a_tweet_blockquote_without_its_class_is_still_an_embed() -> None:
    body = (
        "<blockquote><p>Storm warning for the coast tonight.</p>&mdash; Weather Desk (@wxdesk) "
        '<a href="https://twitter.com/wxdesk/status/1000000000000000007">May 1, 2020</a></blockquote>'
        '<blockquote><p>A plain quotation, with a <a href="https://twitter.com/x/status/1000000000000000008">'
        "source</a>.</p></blockquote>"
    )
    extraction = scrapers.extract(
        scrapers.parse_html(ARTICLE.format(head="", chrome="", body=body).encode(), "https://n.example/a")
    )
    methods = {embed.post_id: embed.method for embed in extraction.embeds}
    assert methods == {"twitter:1000000000000000007": "blockquote", "twitter:1000000000000000008": "link"}


@pytest.mark.parametrize(
    "wrapper",
    [
        '<aside class="sidebar">{}</aside>',
        '<div class="elementor-widget-container"><div class="col">{}</div></div>',
        '<figure class="wp-block-embed-twitter"><div class="wp-block-embed__wrapper">{}</div></figure>',
    ],
)
def test_embed_markup_counts_wherever_a_layout_puts_it(wrapper: str) -> None:
    # Weak layout words (aside, sidebar, widget, col) never cancel a platform's own embed markup: page
    # builders and CMS components put tweets in such wrappers inside the article.
    tweet = (
        '<blockquote class="twitter-tweet"><p>t</p>&mdash; A (@a) '
        '<a href="https://twitter.com/a/status/1000000000000000007">May 3, 2023</a></blockquote>'
    )
    found = _post_ids(ARTICLE.format(head="", chrome="", body=wrapper.format(tweet)))
    assert found == {"twitter:1000000000000000007"}


# --- the article body by structure (document._prose_body) -------------------------------------------------

PROSE = "".join(
    f"<p>Paragraph {n} of the report, long enough to be prose and not a caption.</p>" for n in range(12)
)


@pytest.mark.parametrize(
    "wrapper",
    [
        # Substack: the whole post is an <article class="newsletter-post">.
        '<article class="newsletter-post post"><h1>Title</h1><div class="body markup">{}</div></article>',
        # a "comment on selection" feature, a share wrapper and a subscribers' box around the text
        '<div class="commentOnSelection"><div>{}</div></div>',
        '<div class="sr-body-share-wrapper"><div class="sr-text">{}</div></div>',
        '<div class="subscription-content"><div class="inner">{}</div></div>',
        # The element holding the prose named like weak chrome itself: energias-renovables' body carries its
        # ads ("container-banners"), CSS modules name a body's blocks "articleWidgetHTML_root", microformats
        # put a note's e-content in a "social_interaction" section.
        '<div id="Articulo" class="articulo container-banners">{}</div>',
        '<div class="articleWidgetHTML_root___dYTF">{}</div>',
        '<article class="h-entry"><section class="e-content social_interaction">{}</section></article>',
    ],
)
def test_chrome_named_wrapper_around_the_page_prose_is_the_body(wrapper: str) -> None:
    link = '<p>He <a href="https://twitter.com/a/status/1000000000000000011">said so</a> on Twitter.</p>'
    html = (
        '<html><body><nav class="menu"><a href="https://twitter.com/site">us</a></nav>'
        + wrapper.format(PROSE + link)
        + '<div class="comments"><p>See <a href="https://youtu.be/dQw4w9WgXcQ">a video</a></p></div>'
        "</body></html>"
    )
    doc = scrapers.parse_html(html.encode(), "https://n.example/a")
    assert _post_ids(html) == {"twitter:1000000000000000011"}
    assert doc.has_content_root
    assert _zone_of_link(doc, "1000000000000000011") == "content"


def test_the_paragraphs_of_the_posts_a_story_embeds_count_as_the_storys_prose() -> None:
    # deadline-h1: the story sits in a wrapper whose class says "author"; its three tweets hold as much prose
    # as its own paragraphs, and the rails beside it hold the rest. Counted with its tweets, the story holds
    # most of the page's prose, so it is the body and its tweets are logged.
    story = "".join(
        f"<p>Paragraph {n} of the story about the tweet, long enough to be prose.</p>" for n in range(8)
    )
    tweets = "".join(
        '<div class="embed-twitter"><blockquote class="twitter-tweet"><p>'
        + "A long reply from a reader of the president's advice, quoted in full by the story. " * 2
        + f'</p>&mdash; Someone (@someone{n}) <a href="https://twitter.com/someone{n}/status/'
        + f'11177366852212231{n}">'
        "April 15, 2019</a></blockquote></div>"
        for n in range(3)
    )
    rails = "".join(
        f"<p>Teaser {n} for another story of the site, long enough to count.</p>" for n in range(5)
    )
    html = (
        '<html><body><div class="a-article-grid a-article-author-ruler">'
        f'<div class="a-content">{story}{tweets}'
        f'</div></div><div class="more-stories">{rails}</div></body></html>'
    )
    assert _post_ids(html) == {f"twitter:11177366852212231{n}" for n in range(3)}


@pytest.mark.parametrize(
    ("classes", "counted"),
    [
        # maangchi: a theme's post_class() without WordPress's own markers ("hentry", "status-publish") still
        # names two taxonomies at once; "author-maangchi" is the post's author, not an author box.
        ("entry publish author-maangchi category-recipe", True),
        # a tag named like chrome ("footer", "comments") names the post's subject, not the block
        ("article-item category-news tag-footer", True),
        # one taxonomy-like value alone is a block's name: the author box stays chrome
        ("author-box", False),
        ("author-bio category", False),
    ],
)
def test_a_posts_own_taxonomy_classes_name_no_place(classes: str, counted: bool) -> None:
    tweet = (
        '<blockquote class="twitter-tweet"><p>Dinner tonight</p>&mdash; Cook (@cook) '
        '<a href="https://twitter.com/cook/status/1000000000000000021">May 1, 2020</a></blockquote>'
    )
    story = f'<div id="post-95471" class="{classes}"><p>Short recipe intro.</p>{tweet}</div>'
    # The comments hold most of the page's prose, so no prose rule can rescue the story's wrapper.
    comments = "".join(f"<p>Comment {n} from a reader, long enough to be prose here.</p>" for n in range(30))
    html = f'<html><body>{story}<ol class="commentlist">{comments}</ol></body></html>'
    assert _post_ids(html) == ({"twitter:1000000000000000021"} if counted else set())


def test_a_scripts_hook_class_names_no_place() -> None:
    # wetpaint: the whole story sits in section.js-article-pager (the pager script's hook, not a pager).
    video = "https://www.youtube.com/watch?v=VEt44sYrkhU"
    link = f'<p>The duo <a href="{video}">kissed awkwardly</a> by a mural.</p>'
    story = '<section id="global-body" class="global-body js-article-pager">'
    story += f'<div class="text">{link}</div></section>'
    assert _post_ids(f"<html><body>{story}</body></html>") == {"youtube:VEt44sYrkhU"}
    # A hook beside a class that names the place changes nothing: comments stay comments.
    comments = f'<div class="comments js-comments">{link}</div>'
    assert _post_ids(ARTICLE.format(head="", chrome=comments, body="")) == set()


def test_chrome_by_tag_keeps_its_prose_out() -> None:
    # A <footer> or <nav> holding most of a page's paragraphs is still chrome (a long legal notice, a menu).
    html = (
        '<html><body><div id="story"><p>Short story.</p></div><footer><div class="legal">'
        + PROSE
        + '<p>See <a href="https://twitter.com/a/status/1000000000000000012">this</a></p></div></footer>'
        "</body></html>"
    )
    assert _post_ids(html) == set()


def test_a_storys_footer_of_sources_cites_them() -> None:
    # polygon (Vox Media): the story's <footer class="m-entry__attribution"> lists its sources, a tweet among
    # them; a footer named after credits or sources cites as a caption does. The page's own footer does not.
    tweet = "https://twitter.com/YachtClubGames/status/484557237331828736"
    story = (
        f'<article><div class="m-entry__body">{PROSE}</div><footer class="m-entry__attribution"><h3>Source'
        f'</h3><ul><li><a href="{tweet}">Yacht Club Games</a></li></ul></footer></article>'
    )
    assert _post_ids(f"<html><body>{story}</body></html>") == {"twitter:484557237331828736"}
    site = f'<footer class="site-footer"><a href="{tweet}">our tweet</a></footer>'
    plain = story.replace('class="m-entry__attribution"', 'class="m-entry__meta"')
    assert _post_ids(f"<html><body>{plain}{site}</body></html>") == set()


def test_a_comment_holding_most_of_the_prose_stays_a_comment() -> None:
    # Strong chrome words on the element holding the prose name what it is, not a feature around the text: a
    # reader's long comment under a two-line story is still a comment.
    html = (
        '<html><body><div class="entry"><p>Two lines of a story.</p></div><div class="comment-body">'
        + PROSE
        + '<p>Watch <a href="https://youtu.be/dQw4w9WgXcQ">this</a></p></div></body></html>'
    )
    assert _post_ids(html) == set()


def test_a_chrome_wrapper_holding_little_of_the_prose_stays_chrome() -> None:
    # The comments hold a third of the page's prose, the story the rest: the comments stay comments.
    comments = "".join(f"<p>Comment {n} from a reader, long enough to be prose here.</p>" for n in range(4))
    html = (
        f'<html><body><div class="entry-content">{PROSE}</div><div class="comments"><div>{comments}'
        '<p>Watch <a href="https://youtu.be/dQw4w9WgXcQ">this</a></p></div></div></body></html>'
    )
    assert _post_ids(html) == set()


def _zone_of_link(doc: scrapers.ParsedDocument, native_id: str) -> str | None:
    """The zone of the link naming ``native_id``, checked against what ``zone_of`` (explain) replays."""
    for ref in doc.urls:
        if native_id in ref.url:
            assert zone_of(ref.node.tag, doc.forced)[0] == ref.node.zone
            return ref.node.zone
    return None


def test_substack_rendered_tweet_is_an_embed_with_its_data() -> None:
    data = (
        '{"url":"https://twitter.com/TomCottonAR/status/1397182150164680704?ref_src=twsrc%5Etfw",'
        '"full_text":"Pathetic. <a class=\\"tweet-url\\" href=\\"https://t.co/x\\">t.co/x</a> &amp; more",'
        '"username":"TomCottonAR","name":"Tom Cotton","date":"Tue May 25 13:25:57 +0000 2021",'
        '"photos":[{"img_url":"https://pbs.substack.com/media/E2PzsqWUYAQFpdA.jpg","link_url":"https://t.co/s"}]}'
    )
    body = f'<div class="tweet" data-attrs="{html_escape(data)}"><a href="https://twitter.com/x">x</a></div>'
    extraction = scrapers.extract(
        scrapers.parse_html(ARTICLE.format(head="", chrome="", body=body).encode(), "https://n.example/a")
    )
    [embed] = extraction.embeds
    [post] = extraction.posts
    assert (embed.post_id, embed.method) == ("twitter:1397182150164680704", "embed")
    assert post.author_handle == "TomCottonAR" and post.author_name == "Tom Cotton"
    assert post.text == "Pathetic. t.co/x & more"
    assert post.media == ("https://pbs.substack.com/media/E2PzsqWUYAQFpdA.jpg",)
    assert post.posted_at is not None and post.posted_at.startswith("2021-05-25T13:25:57")


@pytest.mark.parametrize(
    "attrs",
    [
        '{"url": "https://twitter.com/someone"}',
        "{not json",
        '["https://twitter.com/a/status/1000000000000000013"]',
    ],
)
def test_a_tweet_component_without_a_status_is_nothing(attrs: str) -> None:
    body = f'<div class="tweet" data-attrs="{html_escape(attrs)}"></div>'
    assert _post_ids(ARTICLE.format(head="", chrome="", body=body)) == set()


def test_who_linked_here_sections_are_chrome() -> None:
    # Webmentions, pingbacks, trackbacks: other people's posts about the page, listed under it (the owner's
    # own among them), are the page's referrer log, not posts it cites.
    body = (
        '<p>Text citing <a href="https://twitter.com/a/status/1000000000000000021">a tweet</a>.</p>'
        '<div class="inner-container has-backlinks"><h2>Mentions around the web</h2>'
        '<div class="mentions-scroll-container"><div class="reply"><a href="https://twitter.com/b/status/'
        '1000000000000000022">B replied</a></div></div></div>'
        '<ol class="pingbacks"><li><a href="https://www.reddit.com/r/x/comments/abc123/t/">linked</a></li></ol>'
        # a diary's referrer log (tDiary's "refererlist": today's links to this page, the owner's tweets too)
        '<div class="refererlist"><ul><li><a href="https://twitter.com/c/status/1000000000000000023">1</a>'
        "</li></ul></div>"
    )
    assert _post_ids(ARTICLE.format(head="", chrome="", body=body)) == {"twitter:1000000000000000021"}
    # a referral programme is not a referrer log
    referral = (
        '<div class="referral-box"><a href="https://twitter.com/d/status/1000000000000000024">x</a></div>'
    )
    assert _post_ids(ARTICLE.format(head="", chrome="", body=referral)) == {"twitter:1000000000000000024"}


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ('Comments on <a href="https://news.ycombinator.com/item?id=1">Hacker News</a> | {link}', False),
        ("Comment on {link} or debate me on Letter", False),
        ("Discuss this post on {link}.", False),
        # Prose that happens to open with such a word is the article's own, and so is a long anchor text.
        ("Comments from readers on {link} were scathing, and the minister answered them all.", True),
        ('Comment on <a href="{url}">the thread where the minister first denied it</a>', True),
        ("The thread {link} is where it started.", True),
    ],
)
def test_a_pointer_to_the_article_discussion_is_not_a_citation(line: str, kept: bool) -> None:
    url = "https://www.reddit.com/r/news/comments/jv67l9/thread/"
    body = "<p>" + line.format(link=f'<a href="{url}">Reddit</a>', url=url) + "</p>"
    assert _post_ids(ARTICLE.format(head="", chrome="", body=body)) == ({"reddit:jv67l9"} if kept else set())


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # toddl.dev: the page's own announcement post, whose likes the page shows as its comments.
        ("Like this post on 🦋Bluesky to see your face on this page", False),
        ("Reply to this post on Mastodon", False),
        # A link naming what the post says, or asking for a like of someone else's post, is a citation.
        ("the minister's post on Bluesky", True),
        ("Like the post the minister deleted", True),
    ],
)
def test_a_link_asking_readers_to_react_to_the_page_itself_is_not_a_citation(text: str, kept: bool) -> None:
    url = "https://bsky.app/profile/toddl.dev/post/3lauorp3v4k2g"
    body = f'<p>The council voted.</p><section><h3>likes on Bluesky</h3><a href="{url}">{text}</a></section>'
    expected = {"bluesky:toddl.dev/3lauorp3v4k2g"} if kept else set()
    assert _post_ids(ARTICLE.format(head="", chrome="", body=body)) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("https://www.youtube.com/embed/dQw4w9WgXcQ?playlist=mvDHs0LCTf8,N4uJiZmcYbc,4SBwRCHeYpg", set()),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ?playlist=dQw4w9WgXcQ&loop=1", {"youtube:dQw4w9WgXcQ"}),
        (
            "https://www.youtube.com/embed/dQw4w9WgXcQ?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
            {"youtube:dQw4w9WgXcQ"},
        ),
    ],
)
def test_a_playlist_player_is_not_a_cited_video(src: str, expected: set[str]) -> None:
    body = f'<iframe src="{src}"></iframe>'
    assert _post_ids(ARTICLE.format(head="", chrome="", body=body)) == expected


def test_a_block_the_cms_hid_is_not_the_article_however_long() -> None:
    html = (
        '<html><body><div class="essay"><p>A short essay.</p></div>'
        f'<div class="guide-wrapper w-condition-invisible"><div class="w-richtext">{PROSE}'
        '<p>See <a href="https://www.reddit.com/r/x/comments/35496q/t/">this</a></p></div></div></body></html>'
    )
    assert _post_ids(html) == set()


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # click-to-play button over the hero image (tine.no), and a featured-video placeholder (Postmedia)
        (
            '<button class="js-play-button" data-youtubelink="hOgxD4CVRGU">Play</button>',
            {"youtube:hOgxD4CVRGU"},
        ),
        (
            '<div id="featured-video" class="youtube js-widget-youtube"><section class="player-wrapper" '
            'data-video-id="fWyinDF_qUM"></section></div>',
            {"youtube:fWyinDF_qUM"},
        ),
        ('<div data-provider="youtube" data-video-id="fWyinDF_qUM"></div>', {"youtube:fWyinDF_qUM"}),
        ('<div data-youtube-id="https://youtu.be/dQw4w9WgXcQ"></div>', {"youtube:dQw4w9WgXcQ"}),
        # a generic video id on a player that does not say YouTube is some other host's video
        ('<div class="jw-player" data-video-id="fWyinDF_qUM"></div>', set()),
        ('<div data-youtube-id="not-an-id"></div>', set()),
    ],
)
def test_youtube_placeholders_keeping_the_id_in_a_data_attribute(markup: str, expected: set[str]) -> None:
    assert _post_ids(ARTICLE.format(head="", chrome="", body=markup)) == expected


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # a consent manager's placeholder in the body: its fallback link is the embed's only trace
        (
            '<div class="cookie-consent-placeholder"><p>We need your consent to load this content.</p>'
            '<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">View on YouTube</a></div>',
            {"youtube:dQw4w9WgXcQ"},
        ),
        (
            '<div class="gdpr-blocker"><p>This content can also be viewed on the site it '
            '<a href="https://player.vimeo.com/video/76979871">originates</a> from.</p></div>',
            {"vimeo:76979871"},
        ),
        # a consent banner is chrome wherever it sits
        (
            '<div class="cookie-banner"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">why</a></div>',
            set(),
        ),
    ],
)
def test_consent_placeholders_keep_their_fallback_link(markup: str, expected: set[str]) -> None:
    assert _post_ids(ARTICLE.format(head="", chrome="", body=markup)) == expected


def test_a_page_an_unclosed_menu_swallowed_still_has_its_body() -> None:
    # The theme's mega menu never closes its <li>: the parser nests the whole page, <main> and the story with
    # its tweet, inside role="navigation". HTML never puts <main> there, so the menu is set aside around it.
    tweet = (
        '<blockquote class="twitter-tweet"><p>ETF news</p>&mdash; A (@a) '
        '<a href="https://twitter.com/a/status/1000000000000000041">July 1, 2023</a></blockquote>'
    )
    html = (
        '<html><body><div class="top"><div role="navigation"><ul class="nav-list"><li class="menu-item">'
        f'<div role="main" class="main-content"><article><div class="post-content">{PROSE}{tweet}</div>'
        "</article></div></body></html>"
    )
    assert _post_ids(html) == {"twitter:1000000000000000041"}
    # Without the <main>, prose inside navigation stays navigation.
    assert _post_ids(html.replace('role="main" ', "")) == set()


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        # a post platform's iframe shows one post: the article's wherever a layout put it
        ("https://www.tiktok.com/embed/v2/7493685903991262495", {"tiktok:7493685903991262495"}),
        ("https://www.instagram.com/p/CI4vzvdnMGG/embed/", {"instagram:CI4vzvdnMGG"}),
        # a video host's player in a sidebar is the site's rail as often as not
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", set()),
        ("https://player.vimeo.com/video/76979871", set()),
    ],
)
def test_in_a_sidebar_a_post_iframe_counts_and_a_video_player_does_not(src: str, expected: set[str]) -> None:
    body = f'<aside class="video-recipe-sidebar"><iframe src="{src}"></iframe></aside>'
    assert _post_ids(ARTICLE.format(head="", chrome="", body=body)) == expected


def test_a_consent_placeholder_parking_the_embed_base64_encoded() -> None:
    # Borlabs Cookie 3: the blocked iframe's HTML rides base64-encoded on the placeholder shown instead.
    from base64 import b64encode

    parked = b64encode(b'<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"></iframe>').decode()
    body = (
        '<div class="brlbs-cmpnt-container brlbs-cmpnt-content-blocker" '
        f'data-borlabs-cookie-content-blocker-id="youtube" data-borlabs-cookie-content="{parked}">'
        "<p>Click to load the video from YouTube.</p></div>"
    )
    assert _post_ids(ARTICLE.format(head="", chrome="", body=body)) == {"youtube:dQw4w9WgXcQ"}
    broken = body.replace(parked, "not base64!")
    assert _post_ids(ARTICLE.format(head="", chrome="", body=broken)) == set()


@pytest.mark.parametrize("template", ['<script type="text/template">{}</script>', "{}"])
def test_borlabs_2_parks_the_embed_base64_encoded_in_a_hidden_element(template: str) -> None:
    # Borlabs Cookie 2 writes the blocked embed base64-encoded as the text of a hidden element, bare or in a
    # template script, beside the preview it shows instead.
    from base64 import b64encode

    parked = b64encode(b'<iframe src="https://player.vimeo.com/video/76979871"></iframe>').decode()
    body = (
        '<div class="BorlabsCookie _brlbs-cb-vimeo"><div class="_brlbs-content-blocker">'
        "<p>By loading the video, you agree to Vimeo's privacy policy.</p></div>"
        '<div class="borlabs-hide" data-borlabs-cookie-type="content-blocker" data-borlabs-cookie-id="vimeo">'
        f"{template.format(parked)}</div></div>"
    )
    page = ARTICLE.format(head="", chrome="", body=body)
    assert _post_ids(page) == {"vimeo:76979871"}
    extraction = scrapers.extract(scrapers.parse_html(page, "https://example.com/a"))
    assert [embed.method for embed in extraction.embeds] == ["embed"]
    # a template script of prose, or base64 that is not markup, names nothing
    not_markup = body.replace(parked, "bm90IG1hcmt1cA==")
    assert _post_ids(ARTICLE.format(head="", chrome="", body=not_markup)) == set()


def test_a_page_builders_video_widget_names_its_video_in_its_settings() -> None:
    # Elementor's video widget keeps the video in a JSON data-settings attribute and renders it by script;
    # a section's background video (the page's decoration) is not a citation.
    widget = (
        '<div class="elementor-widget elementor-widget-video" data-widget_type="video.default" '
        'data-settings="'
        "{&quot;youtube_url&quot;:&quot;https:\\/\\/www.youtube.com\\/watch?v=dQw4w9WgXcQ&quot;,"
        '&quot;video_type&quot;:&quot;youtube&quot;}"><div class="elementor-video"></div></div>'
    )
    background = (
        '<section class="elementor-section" '
        'data-settings="{&quot;background_background&quot;:&quot;video&quot;,'
        '&quot;background_video_link&quot;:&quot;https:\\/\\/www.youtube.com\\/watch?v=ScMzIvxBSi4&quot;}">'
        "<p>Our mission.</p></section>"
    )
    assert _post_ids(ARTICLE.format(head="", chrome="", body=widget + background)) == {"youtube:dQw4w9WgXcQ"}


@pytest.mark.parametrize(
    "src",
    [
        "/media/oembed?url=https%3A//www.youtube.com/watch%3Fv%3DdQw4w9WgXcQ&max_width=0&max_height=0&hash=x",
        "https://example.com/media/oembed?url=https%3A%2F%2Fyoutu.be%2FdQw4w9WgXcQ",
    ],
)
def test_drupals_remote_video_frame_on_the_publishers_own_host_names_the_video(src: str) -> None:
    body = f'<div class="field--name-field-media-oembed-video"><iframe src="{src}"></iframe></div>'
    assert _post_ids(ARTICLE.format(head="", chrome="", body=body)) == {"youtube:dQw4w9WgXcQ"}
    other = body.replace("/media/oembed", "/media/embed")
    assert _post_ids(ARTICLE.format(head="", chrome="", body=other)) == set()


def _story(n: int, status: int) -> str:
    paragraphs = "".join(
        f"<p>Story {n}, paragraph {k}: what happened, who said what about it and why it matters.</p>"
        for k in range(8)
    )
    tweet = (
        f'<blockquote class="twitter-tweet"><p>Said {n}</p>&mdash; A (@a) '
        f'<a href="https://twitter.com/a/status/{status}">May 1, 2020</a></blockquote>'
    )
    return (
        f'<article class="story"><h2 class="headline">Story number {n} of the day in full</h2>'
        f'<div class="body-share-wrapper"><div class="text">{paragraphs}{tweet}</div>'
        '<div class="share-section"><a href="https://twitter.com/intent/tweet">share</a></div></div></article>'
    )


def test_on_a_page_of_stories_the_one_under_the_page_headline_is_the_article() -> None:
    # A "speed reads" page: the story the page is about, then the next ones, each in a share-wrapper. No
    # element holds most of the prose; the story under the page's own headline (its og:title) is the article.
    html = (
        '<html><head><meta property="og:title" content="Story number 1 of the day in full"></head><body>'
        + "".join(_story(n, 1000000000000000060 + n) for n in range(1, 5))
        + "</body></html>"
    )
    assert _post_ids(html) == {"twitter:1000000000000000061"}


def test_a_comment_thread_under_a_short_post_stays_chrome() -> None:
    comments = "".join(
        f'<li class="comment"><div class="comment-content"><p>Reader {n} disagrees at some length here.</p>'
        f"<p>And adds a second thought about the matter.</p><p>And a third one, with a "
        f'<a href="https://youtu.be/dQw4w9WgXcQ">video</a> to make the point.</p></div></li>'
        for n in range(6)
    )
    html = (
        '<html><head><meta property="og:title" content="A short post about the election night"></head><body>'
        '<article><h1>A short post about the election night</h1><div class="entry"><p>Short.</p></div>'
        f'<ol class="comment-list">{comments}</ol></article></body></html>'
    )
    assert _post_ids(html) == set()


def test_ckeditor_media_embed_names_its_post_in_url() -> None:
    # CKEditor 5 saves a media embed as <figure class="media"><oembed url="…"></oembed></figure>.
    body = (
        '<figure class="media"><oembed url="https://www.facebook.com/airport.wroclaw/posts/'
        'pfbid02wSzVFbCrr4VaZyNiie9ccyTcMHrxW3uJQw6QHs717Yy1ZKby5znyFi8NfCncy23Wl"></oembed></figure>'
    )
    extraction = scrapers.extract(
        scrapers.parse_html(ARTICLE.format(head="", chrome="", body=body).encode(), "https://n.example/a")
    )
    assert [(e.post_id, e.method) for e in extraction.embeds] == [
        ("facebook:pfbid02wSzVFbCrr4VaZyNiie9ccyTcMHrxW3uJQw6QHs717Yy1ZKby5znyFi8NfCncy23Wl", "embed")
    ]


def test_a_video_in_a_widget_the_body_holds_is_the_article_s() -> None:
    # A CMS wraps each embed of the text in a "widget__wrapper": inside the body it is the article's video.
    player = '<iframe src="https://www.youtube.com/embed/{}"></iframe>'
    body = '<div class="widget widget__wrapper">' + player.format("TW8IaLXvOgk") + "</div>"
    page = ARTICLE.format(head="", chrome="", body=body)
    assert _post_ids(page) == {"youtube:TW8IaLXvOgk"}
    # The same widget beside the body, or an <aside> inside it, is a rail.
    beside = (
        '<html><body><div class="entry-content"><p>Story.</p></div>'
        + '<div class="widget">'
        + player.format("TW8IaLXvOgk")
        + "</div></body></html>"
    )
    assert _post_ids(beside) == set()
    aside = ARTICLE.format(head="", chrome="", body="<aside>" + player.format("TW8IaLXvOgk") + "</aside>")
    assert _post_ids(aside) == set()
    # A page-wide content wrapper holding the article's column and a sidebar column: the sidebar's video
    # widget sits beside the body, deep below the wrapper and far from the text (chiefmarketer.com).
    prose = "<p>" + "The campaign reached more shoppers than any before it, the agency said. " * 3 + "</p>"
    columns = (
        '<html><body><div class="content-main"><div class="container-fluid"><div class="col-md-8">'
        '<article class="article single"><h1>Campaign</h1>'
        f'<div class="text">{prose * 4}</div></article></div>'
        '<div class="col-md-4"><div class="widget widget_videos_widget">'
        '<div class="module"><div class="video">'
        + player.format("FiQ-k6RRsyY")
        + "</div></div></div></div></div></div></body></html>"
    )
    assert _post_ids(columns) == set()
    # The same widget in the article's text block, however deep, is the article's video.
    inline = columns.replace(
        "</div></article>",
        '<div class="embed"><div class="widget">'
        + player.format("TW8IaLXvOgk")
        + "</div></div></div></article>",
    )
    assert _post_ids(inline) == {"youtube:TW8IaLXvOgk"}


def test_a_header_left_open_around_the_whole_page_is_not_chrome() -> None:
    # legalzoom.com: the page's <header><nav> is never closed, so the parser puts everything after it,
    # article and footer included, inside it. Chrome holding all of a page's text is a parsing mishap.
    prose = "<p>" + "An LLC protects its owners from the debts of the business in most states. " * 4 + "</p>"
    video = '<lite-youtube videoid="pxoJX55hVSs"></lite-youtube>'
    page = (
        '<html><body><header id="header-nav"><nav class="container"><a href="/">Home</a>'
        f'<div class="article"><h1>How to form an LLC</h1>{prose * 6}{video}{prose * 2}</div>'
        '<footer><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Our channel</a></footer>'
        "</nav></header></body></html>"
    )
    assert _post_ids(page) == {"youtube:pxoJX55hVSs"}
    # A real header and menu beside the article stay chrome.
    menu = (
        '<html><body><header><nav><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Video</a></nav>'
        f'</header><div class="article"><h1>How to form an LLC</h1>{prose * 6}</div></body></html>'
    )
    assert _post_ids(menu) == set()


def test_a_layout_word_on_main_does_not_make_it_a_sidebar() -> None:
    # LifeBuzz: <main class="main-sidebar"> is the main column of a layout with a sidebar.
    player = '<iframe src="https://www.youtube.com/embed/GXoZLPSw8U8"></iframe>'
    page = (
        '<html><body><main class="main-sidebar group"><div class="single"><h1>Try</h1>'
        f'<div class="media-video">{player}</div><p>The video everyone is talking about.</p></div></main>'
        '<aside class="group"><a href="https://www.facebook.com/lifebuzznews">Like us</a></aside>'
        "</body></html>"
    )
    assert _post_ids(page) == {"youtube:GXoZLPSw8U8"}
    # a plural layout word names a sidebar as the singular does
    sidebars = page.replace(
        '<aside class="group">', '<div id="sidebars">' + player.replace("GXoZLPSw8U8", "jvgdDgq2q58")
    )
    assert _post_ids(sidebars.replace("</aside>", "</div>")) == {"youtube:GXoZLPSw8U8"}


def test_on_a_page_that_marks_no_body_a_player_beside_the_story_is_the_site_s() -> None:
    # DER SONNTAG: no element says "content"; the story (headline and paragraphs) is one column, a video
    # block with a caption another. A lead video before the headline is the story's (aeon.co).
    prose = "<p>" + "The choir's new managing director starts in January, the foundation said. " * 3 + "</p>"
    player = '<iframe src="https://www.youtube.com/embed/{}"></iframe>'
    head = '<head><meta property="og:title" content="New director for the choir"></head>'
    story = f'<div class="col span_8_of_12"><h1>New director for the choir</h1>{prose * 3}</div>'
    column = (
        '<div class="col span_4_of_12"><div class="node">'
        + player.format("c710qsogbPA")
        + "<p>The media bishop at the book fair, in conversation about the year.</p></div></div>"
    )
    page = f'<html>{head}<body><div class="row">{story}{column}</div></body></html>'
    assert _post_ids(page) == set()
    lead = f'<div class="hero">{player.format("DZv8VyIQ7YU")}</div>'
    page = f'<html>{head}<body><div class="row">{lead}{story}</div></body></html>'
    assert _post_ids(page) == {"youtube:DZv8VyIQ7YU"}


def _stack(paths: list[str], canonical: str, wrapper: str = "{}") -> str:
    prose = "<p>" + "The party's donors were named in the filing the paper obtained last week. " * 3 + "</p>"
    stories = "".join(
        wrapper.format(
            f'<article class="list__item" data-path="{path}"><h2>Story {n}</h2>{prose * 4}'
            f'<iframe src="https://www.youtube.com/embed/{"abcdefghij" + str(n)}"></iframe></article>'
        )
        for n, path in enumerate(paths)
    )
    return (
        f'<html><head><link rel="canonical" href="{canonical}"></head><body><main><div class="list">'
        f"{stories}</div></main></body></html>"
    )


def test_stories_stacked_after_the_page_s_own_are_theirs_not_its() -> None:
    # correctiv.org's series page: the article its URL names, then older articles of the series in full,
    # each naming its own page in data-path. Their videos are theirs.
    page = _stack(
        ["series/2019/05/14/the-pledge", "series/2018/11/27/thirteen-rulers", "series/2017/12/01/the-npd"],
        "https://news.example/series/2019/05/14/the-pledge/",
    )
    assert _post_ids(page) == {"youtube:abcdefghij0"}
    # A live blog's entries (all naming this page, or none) and a listing that names no entry as this page
    # keep every video.
    live = _stack(["live/2024/election"] * 3, "https://news.example/live/2024/election")
    assert len(_post_ids(live)) == 3
    listing = _stack(["a/one-story", "a/two-story", "a/three-story"], "https://news.example/a/")
    assert len(_post_ids(listing)) == 3


def test_stories_stacked_each_in_a_wrapper_of_its_own_are_theirs_too() -> None:
    # The Week's Speed Reads: each story an <article data-url> inside a <section> of its own.
    paths = ["speedreads/887020/golf-days", "speedreads/887220/ukraine-aid", "speedreads/887221/necklace"]
    wrapper = '<section class="sr-story-main"><div class="sr-body">{}</div></section>'
    page = _stack(paths, "https://news.example/speedreads/887020/golf-days", wrapper)
    assert _post_ids(page) == {"youtube:abcdefghij0"}
    live = _stack(["live/2024/election"] * 3, "https://news.example/live/2024/election", wrapper)
    assert len(_post_ids(live)) == 3


def test_a_figure_footer_is_the_figure_s_credit_line() -> None:
    # BuzzFeed's "subbuzz__figure-footer" credits the photo's Instagram post under the image.
    body = (
        '<figure><img src="/a.jpg"><div class="subbuzz__figure-footer"><a href="https://www.instagram.com/p/'
        'BcpzP_pA6nH/">instagram.com</a></div></figure>'
    )
    assert _post_ids(ARTICLE.format(head="", chrome="", body=body)) == {"instagram:BcpzP_pA6nH"}
    # A card's footer in a related rail, and the page footer, stay chrome.
    rail = '<div class="card-footer"><a href="https://www.instagram.com/p/BcpzP_pA6nH/">x</a></div>'
    assert _post_ids(ARTICLE.format(head="", chrome="", body=rail)) == set()


def test_a_sidebar_left_open_around_the_story_is_not_chrome() -> None:
    # The theme never closes its sidebar: the parser nests the story, and its tweets, inside the <aside> and
    # its widgets. The story holds the page's prose, so the aside is set aside around it.
    tweet = (
        '<blockquote class="twitter-tweet"><p>Leak</p>&mdash; A (@a) '
        '<a href="https://twitter.com/a/status/1000000000000000071">Nov 2, 2023</a></blockquote>'
    )
    html = (
        '<html><body><aside class="sidebar"><div class="sidebar-sticky"><div id="nav_menu-6">'
        f'<div class="main-content"><article><div class="article-content">{PROSE}{tweet}</div></article>'
        "</div></div></div></aside></body></html>"
    )
    assert _post_ids(html) == {"twitter:1000000000000000071"}


def test_a_block_of_video_players_without_text_is_the_site_rail() -> None:
    players = "".join(
        f'<div class="columns"><iframe src="https://www.youtube.com/embed/{video}"></iframe></div>'
        for video in ("PHED_LSx5BY", "CZVC--hJXpg", "U4D0JMrgt_g", "djZAEfIZowo")
    )
    prose = "<p>" + "The fire was brought under control after three weeks of work by the crews. " * 8 + "</p>"
    html = (
        f'<html><body><div class="story">{prose}</div><div class="video-section"><h2>Watch latest videos</h2>'
        f"{players}</div></body></html>"
    )
    assert _post_ids(html) == set()
    # Players the story holds between its own paragraphs are its videos.
    cited = "".join(
        f'{prose}<iframe src="https://www.youtube.com/embed/{video}"></iframe>'
        for video in ("PHED_LSx5BY", "CZVC--hJXpg", "U4D0JMrgt_g")
    )
    assert _post_ids(f'<html><body><div class="story">{cited}</div></body></html>') == {
        "youtube:PHED_LSx5BY",
        "youtube:CZVC--hJXpg",
        "youtube:U4D0JMrgt_g",
    }


def test_a_block_of_players_after_the_article_inside_main_is_the_site_rail() -> None:
    # <main> is content, but a "More videos" block of bare players beside the <article> is the site's rail;
    # the same players among the article's paragraphs, or a body of short captions between them, are its own.
    videos = ("PHED_LSx5BY", "CZVC--hJXpg", "U4D0JMrgt_g")
    players = "".join(f'<iframe src="https://www.youtube.com/embed/{video}"></iframe>' for video in videos)
    prose = "<p>" + "The fire was brought under control after three weeks of work by the crews. " * 4 + "</p>"
    article = f"<article><h1>Fire under control</h1><div class='body'>{prose * 3}</div></article>"
    rail = f'<section class="more"><h2>More videos</h2>{players}</section>'
    assert _post_ids(f"<html><body><main>{article}{rail}</main></body></html>") == set()
    cited = {f"youtube:{video}" for video in videos}
    among = f"<article><h1>Fire</h1><div class='body'>{prose}{players}{prose}</div></article>"
    assert _post_ids(f"<html><body><main>{among}</main></body></html>") == cited
    captions = "".join(
        f"<h2>Clip {n}</h2><p>{f'What the crews saw on day {n}. ' * 3}</p>"
        f'<iframe src="https://www.youtube.com/embed/{video}"></iframe>'
        for n, video in enumerate(videos)
    )
    listicle = f"<article><h1>Three clips</h1><div class='body'>{captions}</div></article>"
    assert _post_ids(f"<html><body><main>{listicle}</main></body></html>") == cited


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            '<div class="component embed-twitter social-embed" data-embed-type="twitter" '
            'data-embed-id="567053242429734913"></div>',
            {"twitter:567053242429734913"},
        ),
        ('<div data-provider="instagram" data-id="B8ra9H0BmtF"></div>', {"instagram:B8ra9H0BmtF"}),
        ('<div data-platform="YouTube" data-video-id="dQw4w9WgXcQ"></div>', {"youtube:dQw4w9WgXcQ"}),
        # an id that is no post of the named platform, and a type that names no platform
        ('<div data-embed-type="twitter" data-embed-id="not-a-status"></div>', set()),
        ('<div data-embed-type="gallery" data-embed-id="567053242429734913"></div>', set()),
        # the platform named by class words (a lazy player, DW's empty tweet blockquote)
        ('<div class="youtube-player" data-id="dQw4w9WgXcQ"></div>', {"youtube:dQw4w9WgXcQ"}),
        ('<div class="dailymotion-cpe" video-id="x7tgad0"></div>', {"dailymotion:x7tgad0"}),
        # Plyr and Embetty (heise's privacy proxy) name the platform and keep the id their own way
        (
            '<div data-plyr-provider="youtube" data-plyr-embed-id="dQw4w9WgXcQ"></div>',
            {"youtube:dQw4w9WgXcQ"},
        ),
        ('<embetty-tweet status="1234567890123456789"></embetty-tweet>', {"twitter:1234567890123456789"}),
        ('<embetty-video type="youtube" video-id="dQw4w9WgXcQ"></embetty-video>', {"youtube:dQw4w9WgXcQ"}),
        ('<embetty-video type="podcast" video-id="dQw4w9WgXcQ"></embetty-video>', set()),
        # tarteaucitron (a consent manager common on French sites) renders the player from the id alone:
        # <div class="youtube_player" videoID="…">, vimeo_player, dailymotion_player, instagram_post[postId],
        # twitterembed-canvas[tweetid] (AmauriC/tarteaucitron.js, tarteaucitron.services.js)
        (
            '<div class="youtube_player" videoID="dQw4w9WgXcQ" width="560" height="315" theme="light"></div>',
            {"youtube:dQw4w9WgXcQ"},
        ),
        ('<div class="vimeo_player" videoID="76979871" data-hash="" width="640"></div>', {"vimeo:76979871"}),
        ('<div class="dailymotion_player" videoID="x7tgad0" showinfo="1"></div>', {"dailymotion:x7tgad0"}),
        ('<div class="instagram_post" postId="B8ra9H0BmtF" width="400"></div>', {"instagram:B8ra9H0BmtF"}),
        (
            '<div class="twitterembed-canvas" tweetid="1336270558577745921" cards="SHOW"></div>',
            {"twitter:1336270558577745921"},
        ),
        # a follow or timeline widget of the same consent manager keeps an account, not a post
        ('<div class="twitterembed-timeline" tweetid="1336270558577745921"></div>', set()),
        # consent managers and placeholders park the URL under attribute names of their own
        (
            '<iframe data-src-cmplz="https://www.youtube.com/embed/dQw4w9WgXcQ" src="about:blank"></iframe>',
            {"youtube:dQw4w9WgXcQ"},
        ),
        (
            '<div consent-original-src-_="https://www.youtube.com/embed/dQw4w9WgXcQ"></div>',
            {"youtube:dQw4w9WgXcQ"},
        ),
        ('<iframe data-ezsrc="https://player.vimeo.com/video/123456789"></iframe>', {"vimeo:123456789"}),
        (
            '<div data-tweet-url="https://twitter.com/a/status/1234567890123456789"></div>',
            {"twitter:1234567890123456789"},
        ),
        ('<div data-oembed-url="https://www.instagram.com/p/C1abcDEFghi/"></div>', {"instagram:C1abcDEFghi"}),
        (
            '<iframe src="https://platform.x.com/embed/Tweet.html?id=1234567890123456789"></iframe>',
            {"twitter:1234567890123456789"},
        ),
        (
            '<blockquote class="tweet embed" data-id="2066213585680814104"></blockquote>',
            {"twitter:2066213585680814104"},
        ),
        # buttons and feeds keep an account's or the article's own id, not a post's
        ('<a class="twitter-button" data-id="216842" href="#">Tweet</a>', set()),
        ('<div class="youtube-subscribe" data-id="dQw4w9WgXcQ"></div>', set()),
        ('<div class="youtube twitter" data-id="dQw4w9WgXcQ"></div>', set()),
    ],
)
def test_publisher_placeholders_naming_platform_and_id(markup: str, expected: set[str]) -> None:
    assert _post_ids(ARTICLE.format(head="", chrome="", body=markup)) == expected


def test_paragraphs_behind_the_paywall_are_the_article() -> None:
    # Condé Nast marks every paragraph after the paywall point <p class="paywall">: article text all the same.
    body = (
        '<p class="paywall">As one Redditor <a href="https://www.reddit.com/r/Cooking/comments/rxhpno/'
        'cooking_advice_you_ignore/hrji0qo/?context=999">put it</a>, nobody does.</p>'
    )
    assert _post_ids(ARTICLE.format(head="", chrome="", body=body)) == {"reddit:rxhpno"}


def test_an_aside_in_the_body_that_wraps_an_embed_is_the_article_s() -> None:
    player = '<iframe src="https://www.youtube.com/embed/dilaTZ6O8lk"></iframe>'
    wrapped = f'<aside class="inline module-iframe-wrapper">{player}</aside>'
    assert _post_ids(ARTICLE.format(head="", chrome="", body=wrapped)) == {"youtube:dilaTZ6O8lk"}
    boxed = f'<aside class="pullquote">{player}</aside>'
    assert _post_ids(ARTICLE.format(head="", chrome="", body=boxed)) == set()


PARAGRAPH = "<p>The ferry left the harbour late on Friday, and the crossing took most of the night.</p>"
PLAYER = '<iframe src="https://www.youtube.com/embed/dilaTZ6O8lk"></iframe>'


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # A page that marks no body: an <aside> standing between the text's paragraphs holds the text's video.
        (
            f'<html><body><div class="wrap">{PARAGRAPH * 2}<aside class="sidebar widget">{PLAYER}</aside>'
            f"{PARAGRAPH}</div></body></html>",
            {"youtube:dilaTZ6O8lk"},
        ),
        # Spiegel, Slate: each paragraph in a block of its own; the aside sits in one of them, beside its
        # paragraph.
        (
            '<html><body><article><div class="article-body">'
            + f'<div class="RichText">{PARAGRAPH}<aside class="widget">{PLAYER}</aside></div>'
            + f'<div class="RichText">{PARAGRAPH}</div>' * 3
            + "</div></article></body></html>",
            {"youtube:dilaTZ6O8lk"},
        ),
        # Slate: the blocks are numbered ("text text-1", "text text-2"), so no two are alike by class.
        (
            '<html><body><article class="main"><div class="body">'
            + "".join(f'<div class="text text-{n}">{PARAGRAPH}</div>' for n in range(1, 4))
            + f'<div class="text text-4">{PARAGRAPH}<aside class="sidebar widget">{PLAYER}</aside></div>'
            + "</div></article></body></html>",
            {"youtube:dilaTZ6O8lk"},
        ),
        # Aeon, Cadena 3: a page that marks no body keeps its text in one block beside the headline (a long
        # paragraph with <br>s, or a lead); an aside beside that paragraph is in the text.
        (
            f'<html><body><div class="story"><h1>The ferry</h1><div class="sc-e0ca34da-6">{PARAGRAPH}'
            f'<aside class="sidebar widget">{PLAYER}</aside></div></div></body></html>',
            {"youtube:dilaTZ6O8lk"},
        ),
        # A sidebar beside the column that holds the paragraphs stays the site's, body marked or not.
        (
            f'<html><body><div class="wrap"><div class="column">{PARAGRAPH * 3}</div>'
            f'<aside class="sidebar widget">{PLAYER}</aside></div></body></html>',
            set(),
        ),
        (
            f'<html><body><article><div class="entry-content">{PARAGRAPH * 3}</div>'
            f'<aside class="sidebar">{PLAYER}</aside></article></body></html>',
            set(),
        ),
    ],
)
def test_a_video_player_in_an_aside_between_the_texts_paragraphs_is_the_article_s(
    page: str, expected: set[str]
) -> None:
    # tests/transplant.py placed the platforms' embed codes in an <aside> after a paragraph of 667 real pages:
    # YouTube, Vimeo and Dailymotion players there were dropped on 471 of them as "a sidebar's rail", and on
    # 42 of 664 still while the aside had to stand among two paragraphs or in a run of blocks alike by class.
    assert _post_ids(page) == expected


CONSENT = '<div class="embed-consent" data-consent-src="https://www.youtube.com/embed/eQw4w9WgXc4"><p>Load</p></div>'
CREDIT = (
    '<figure><img src="/shot.jpg" alt="The post"><figcaption>The post before it was deleted. (Twitter: <a '
    'href="https://twitter.com/carla/status/1944567890123456789">@carla</a>)</figcaption></figure>'
)
TYPED = '<div class="youtube-player" data-id="fQw4w9WgXc4"></div>'
LITE = '<lite-youtube videoid="gQw4w9WgXc4"></lite-youtube>'
AMP = '<amp-youtube data-videoid="hQw4w9WgXc4" layout="responsive" width="16" height="9"></amp-youtube>'
NAMED_ID = '<div class="video-facade" data-youtube-id="iQw4w9WgXc4"><button>Play</button></div>'
SUBSTACK = '<div id="youtube2-jQw4w9WgXc4" class="youtube-wrap"><div class="youtube-inner"></div></div>'
UNRENDERED = (
    '<figure class="wp-block-embed is-provider-tiktok"><div class="wp-block-embed__wrapper">\n'
    "https://www.tiktok.com/@user/video/7344567890123456789\n</div></figure>"
)


@pytest.mark.parametrize(
    ("box", "expected"),
    [
        (CONSENT, {"youtube:eQw4w9WgXc4"}),
        (CREDIT, {"twitter:1944567890123456789"}),
        (UNRENDERED, {"tiktok:7344567890123456789"}),
        (TYPED, {"youtube:fQw4w9WgXc4"}),
        (LITE, {"youtube:gQw4w9WgXc4"}),
        (AMP, {"youtube:hQw4w9WgXc4"}),
        (NAMED_ID, {"youtube:iQw4w9WgXc4"}),
        (SUBSTACK, {"youtube:jQw4w9WgXc4"}),
    ],
)
def test_what_a_widget_in_the_body_s_text_embeds_or_credits_is_the_article_s(
    box: str, expected: set[str]
) -> None:
    # Iceland Photo Tours' CSS modules name each block of the body "articleWidgetHTML_root"; microformats put
    # a note's e-content in a "social_interaction" section. A consent placeholder, a screenshot's credit or an
    # unrendered embed in such a block, beside its paragraphs, is the article's as it is in the body.
    widget = f'<div class="articleWidgetHTML_root">{PARAGRAPH * 2}{box}{PARAGRAPH}</div>'
    page = f"<html><body><main><article><h1>The ferry</h1>{widget}</article></main></body></html>"
    assert _post_ids(page) == expected
    # The same in a sidebar beside the body: a video's placeholder and a caption's link there are the site's;
    # a post platform's own embed markup counts wherever it sits but in strong chrome.
    sidebar = f'<aside class="sidebar widget"><div class="textwidget">{box}</div></aside>'
    article = f"<article><h1>The ferry</h1>{PARAGRAPH * 3}</article>"
    page = f"<html><body><main>{article}{sidebar}</main></body></html>"
    assert _post_ids(page) == (expected if box is UNRENDERED else set())


def _elementor(*widgets: str) -> str:
    """An article whose body an Elementor page splits between text-editor widgets."""
    body = "".join(
        '<div class="elementor-element elementor-widget elementor-widget-text-editor">'
        f'<div class="elementor-widget-container">{inner}</div></div>'
        for inner in widgets
    )
    return (
        '<html><head><title>Story</title></head><body><article class="post"><h1>Story headline</h1>'
        '<div class="elementor-section"><div class="elementor-container"><div class="elementor-column">'
        f'<div class="elementor-widget-wrap">{body}</div></div></div></div></article><footer>f</footer>'
        "</body></html>"
    )


def test_a_link_in_the_running_text_of_a_page_builders_text_widget_is_cited() -> None:
    # Elementor splits the body between widgets (text, image, text): no one of them holds most of the prose,
    # and "widget" alone never cancels the article's own text.
    link = (
        '<p>He wrote on Twitter that <a href="https://twitter.com/min/status/1234567890123456789">the deal '
        "was close</a>, and the opposition disagreed with him at once.</p>"
    )
    bare = "<p>The ministry's statement is on its page: https://www.facebook.com/ministry/posts/223456789012341</p>"
    page = _elementor(PARAGRAPH * 4, PARAGRAPH * 2 + link + bare + PARAGRAPH, PARAGRAPH * 4)
    assert _post_ids(page) == {"twitter:1234567890123456789", "facebook:223456789012341"}
    # A lone line in a widget is no running text: a widget's "Follow us" line or a caption stays chrome.
    lone = '<p>Follow <a href="https://twitter.com/min/status/1234567890123456789">our post</a> today.</p>'
    assert _post_ids(_elementor(PARAGRAPH * 4, lone, PARAGRAPH * 4)) == set()
    # A text widget in a sidebar beside a page that marks no body stays the sidebar's.
    sidebar = (
        f'<html><body><div class="wrap"><div class="column">{PARAGRAPH * 4}</div><section class="widget '
        f'widget_text"><div class="textwidget">{PARAGRAPH}{link}</div></section></div></body></html>'
    )
    assert _post_ids(sidebar) == set()


def test_a_box_the_article_writes_among_its_paragraphs_cites_what_its_prose_links() -> None:
    # Quanta's "Beyond Quanta": an <aside> between the body's paragraphs, a paragraph on each source it links.
    paragraph = "<p>The proof took mathematicians by surprise when it appeared in the spring.</p>"
    video = '<a href="https://www.youtube.com/watch?v=_BrFKp-U8GI">Exploration &amp; Epiphany</a>'
    prose = (
        "<p>This video showcases the direct relationship between art and math, in the words of those who "
        "practise both, and why the two were never far apart.</p>"
    )
    box = f'<aside class="post__aside"><h2>Beyond the story</h2><h3>{video}</h3>{prose}</aside>'
    assert _post_ids(ARTICLE.format(head="", chrome="", body=f"{paragraph}{box}{paragraph}")) == {
        "youtube:_BrFKp-U8GI"
    }
    # A box of links with hardly a word of its own is a related-links box, not the article's citation.
    links = f'<aside class="post__aside"><h2>Watch next</h2><ul><li>{video}</li></ul></aside>'
    assert _post_ids(ARTICLE.format(head="", chrome="", body=f"{paragraph}{links}{paragraph}")) == set()
    # A sidebar beside the body, however wordy, is not among its paragraphs.
    sidebar = (
        '<html><body><main><article><div class="entry-content">' + paragraph * 3 + "</div></article>"
        f'<aside class="sidebar">{prose}{video}</aside></main></body></html>'
    )
    assert _post_ids(sidebar) == set()


def test_a_list_of_video_links_beside_the_article_is_a_rail_and_among_its_paragraphs_is_cited() -> None:
    # lebensmittelpraxis: a module of nine YouTube links with thumbnails in <main>, after the article.
    def items(ids: list[str]) -> str:
        return "".join(
            f'<li><a href="https://www.youtube.com/watch?v={video}"><img src="https://i.ytimg.com/vi/{video}/'
            f'mqdefault.jpg" alt="Store {n}">Store portrait number {n} in Mainz</a></li>'
            for n, video in enumerate(ids)
        )

    videos = ["lx7lkqJiDRs", "3Cpt58k0K1Q", "CPJf3FgND8w"]
    paragraph = "<p>The drinks reached the Olympic village by boat on the Seine on Friday morning.</p>"
    rail = '<div class="moduletable"><h3>Videos of the year</h3>'
    rail += f'<ul class="mod-list">{items(videos)}</ul></div>'
    page = (
        f'<html><body><main><article><div class="text">{paragraph * 3}</div></article>{rail}</main>'
        "</body></html>"
    )
    assert _post_ids(page) == set()
    # The same list among the body's paragraphs is the article's own list of videos.
    cited = f'<html><body><main><article><div class="text">{paragraph}<ul>{items(videos)}</ul>{paragraph}'
    cited += "</div></article></main></body></html>"
    assert _post_ids(cited) == {f"youtube:{video}" for video in videos}


def test_a_consent_placeholder_whose_only_trace_is_a_link_to_the_player_is_the_embed() -> None:
    # Condé Nast (wired.jp): the gated embed leaves a banner linking the player it would have shown.
    banner = (
        '<figure class="IframeEmbedWrapper iframe-embed">'
        '<div class="MessageBannerWrapper ConsentBannerWrapper">'
        "<h4>Content</h4><p>This content can also be viewed on the site it "
        '<a href="https://player.vimeo.com/video/325917208?dnt=1">originates</a> from.</p></div></figure>'
    )
    extraction = scrapers.extract(
        scrapers.parse_html(ARTICLE.format(head="", chrome="", body=banner).encode(), "https://n.example/a")
    )
    assert {embed.post_id: embed.method for embed in extraction.embeds} == {"vimeo:325917208": "placeholder"}
    # A link to a video's page in a banner beside the body is chrome, as before.
    aside = '<div class="banner"><a href="https://vimeo.com/325917208">Our film</a></div>'
    assert _post_ids(ARTICLE.format(head="", chrome=aside, body="")) == set()


def test_a_proxy_frame_that_names_the_post_only_in_its_element_id() -> None:
    # Kinja (Deadspin, Gizmodo, The Root): the player is the publisher's own proxy frame.
    kinja = (
        '<iframe data-src="https://deadspin.com/embed/inset/iframe?id=youtube-video-LlbUwLx785k&amp;start=0" '
        'id="youtube-LlbUwLx785k" class="core-inset lazyload"></iframe>'
    )
    assert _post_ids(ARTICLE.format(head="", chrome="", body=kinja)) == {"youtube:LlbUwLx785k"}
    # Numbered frames of a platform's own widgets name no post.
    widgets = (
        '<iframe id="instagram-embed-0" src="https://n.example/frame"></iframe>'
        '<iframe id="twitter-widget-0" src="https://n.example/frame"></iframe>'
    )
    assert _post_ids(ARTICLE.format(head="", chrome="", body=widgets)) == set()


def test_the_lead_paragraph_in_a_block_of_its_own_before_the_body_is_the_article() -> None:
    # TPM: <div class="story-teaser"><p>…</p></div><div class="story-body"><p>…</p>…</div>; "teaser" names
    # rails of other stories elsewhere, but a block of prose right before the body is the story's lead.
    lead = (
        '<div class="story-teaser"><p>It is a familiar scene: young people in a makeshift press center. '
        'Behind the <a href="https://www.facebook.com/video.php?v=499287636876773">camera</a> is a '
        "journalist smuggled in and given permission to record what happens in the town.</p></div>"
    )
    body = '<div class="story-body">' + "<p>The town still stands months after it was meant to fall.</p>" * 3
    page = f"<html><body><article>{lead}{body}</div></article></body></html>"
    assert _post_ids(page) == {"facebook:499287636876773"}
    # A teaser block of a few words (a rail's item) before the body stays chrome.
    video = "https://www.facebook.com/video.php?v=499287636876773"
    teaser = f'<div class="story-teaser"><a href="{video}">Watch</a></div>'
    assert _post_ids(f"<html><body><article>{teaser}{body}</div></article></body></html>") == set()


def test_a_link_in_text_written_straight_into_a_div_is_running_text() -> None:
    # Older CMSs write paragraphs straight into a <div>, separated by <br>s: no <p>, no marked body.
    prose = "The minister said on Tuesday that the talks would continue next week in the capital. " * 2
    link = '<a href="https://twitter.com/a/status/1234567890123456789">said on Twitter</a>'
    text = f"{prose}<br><br>He {link} that it was over.<br><br>{prose}"
    page = f'<html><body><div class="main">{text}</div></body></html>'
    assert _post_ids(page) == {"twitter:1234567890123456789"}
    # A menu of links with a word or two between them is not running text.
    menu = (
        f'<html><body><div class="main">Home | {link} | About | Contact</div><div>{prose}</div></body></html>'
    )
    assert _post_ids(menu) == set()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://cdn.embedly.com/widgets/media.html?url=https%3A%2F%2Fyoutu.be%2FdQw4w9WgXcQ",
            "youtube:dQw4w9WgXcQ",
        ),
        (
            "https://cdn.iframe.ly/api/iframe?url=https%3A%2F%2Ftwitter.com%2Fa%2Fstatus%2F1234567890123456789&key=k",
            "twitter:1234567890123456789",
        ),
        (
            "https://twitframe.com/show?url=https%3A%2F%2Fx.com%2Fa%2Fstatus%2F1234567890123456789",
            "twitter:1234567890123456789",
        ),
        # A Wayback Machine copy links through the archive, on whichever host served it (an audited 2013
        # story saved from web-beta.archive.org: its six tweets and its player).
        (
            "https://web.archive.org/web/20131230044639/https://twitter.com/a/status/403571593978187777",
            "twitter:403571593978187777",
        ),
        (
            "https://web-beta.archive.org/web/20131230044639/https://twitter.com/a/status/403571593978187777",
            "twitter:403571593978187777",
        ),
        (
            "https://web-beta.archive.org/web/20131230044639if_/http://www.youtube.com/embed/fiEJPbxL2hI",
            "youtube:fiEJPbxL2hI",
        ),
        (
            "http://wayback.archive.org/web/2009/http://www.youtube.com/watch?v=fiEJPbxL2hI",
            "youtube:fiEJPbxL2hI",
        ),
        # archive.today, on any of its domains: a snapshot's outlinks (/o/<code>/<url>, the query kept or
        # escaped into the path), and links to a dated or the newest snapshot of a post.
        (
            "https://archive.ph/o/vtomj/https://twitter.com/a/status/1234567890123456789?s=20",
            "twitter:1234567890123456789",
        ),
        ("https://archive.is/o/AbCdE/https://t.me/bazabazon/17432", "telegram:bazabazon/17432"),
        (
            "https://archive.today/o/AbCdE/https://www.youtube.com/watch%3Fv=fiEJPbxL2hI",
            "youtube:fiEJPbxL2hI",
        ),
        ("https://archive.ph/o/AbCdE/https://www.youtube.com/watch?v=fiEJPbxL2hI", "youtube:fiEJPbxL2hI"),
        (
            "https://archive.ph/2023.05.03-120000/https://twitter.com/a/status/1234567890123456789",
            "twitter:1234567890123456789",
        ),
        (
            "https://archive.md/20230503120000/https://www.instagram.com/p/BcpzP_pA6nH/",
            "instagram:BcpzP_pA6nH",
        ),
        (
            "https://archive.li/newest/https://x.com/a/status/1234567890123456789",
            "twitter:1234567890123456789",
        ),
    ],
)
def test_embed_proxies_unwrap_to_the_post_they_frame(url: str, expected: str) -> None:
    ref = ROUTER.ref(url)
    assert ref is not None and ref.id == expected


def test_an_archive_today_snapshot_code_alone_names_no_post() -> None:
    # A bare snapshot code says nothing of what was archived, and other hosts' /o/ paths are their own.
    assert ROUTER.ref("https://archive.ph/AbCdE") is None
    assert ROUTER.ref("https://archive.ph/o/AbCdE/") is None
    assert ROUTER.ref("https://example.org/o/AbCdE/https://twitter.com/a/status/1234567890123456789") is None


def test_analytics_copies_of_a_links_href_leave_it_a_link() -> None:
    # Affiliate and analytics scripts copy the href into attributes of their own (data-vars-href,
    # data-offer-url): still one link, not a placeholder.
    url = "https://www.instagram.com/p/BcpzP_pA6nH/"
    body = f'<p>Seen <a data-vars-href="{url}" data-offer-url="{url}" href="{url}">on Instagram</a>.</p>'
    extraction = scrapers.extract(
        scrapers.parse_html(
            ARTICLE.format(head="", chrome="", body=body).encode(), "https://news.example.com/story"
        )
    )
    assert [(embed.post_id, embed.method) for embed in extraction.embeds] == [
        ("instagram:BcpzP_pA6nH", "link")
    ]


def _methods(body: str) -> list[tuple[str, str]]:
    page = ARTICLE.format(head="", chrome="", body=body).encode()
    extraction = scrapers.extract(scrapers.parse_html(page, "https://news.example.com/story"))
    return [(embed.post_id, embed.method) for embed in extraction.embeds]


def test_an_embed_block_before_its_script_rendered_it_is_an_embed() -> None:
    # Adobe Edge Delivery (Franklin) writes an embed as a block holding the post's bare URL as a link.
    url = "https://www.instagram.com/p/DL1aGnbsgK-/"
    block = f'<div class="embed instagram"><div><div><a href="{url}">{url}</a></div></div></div>'
    assert _methods(block) == [("instagram:DL1aGnbsgK-", "embed")]
    # The same bare URL written in a sentence, or beside other text in the block, stays a link.
    assert _methods(f'<p>Source: <a href="{url}">{url}</a></p>') == [("instagram:DL1aGnbsgK-", "link")]
    beside = f'<div class="embed"><div><a href="{url}">{url}</a> and more</div></div>'
    assert _methods(beside) == [("instagram:DL1aGnbsgK-", "link")]


def test_substacks_youtube_component_keeps_its_id_in_the_element_id() -> None:
    component = '<div id="youtube2-6JnMxNa5R-w" class="youtube-wrap"><div class="youtube-inner"></div></div>'
    assert _methods(component) == [("youtube:6JnMxNa5R-w", "embed")]
    assert _methods('<div id="youtube2-short" class="youtube-wrap"></div>') == []


def test_a_bare_post_url_written_straight_into_a_live_blog_entry() -> None:
    # Reach plc's live blogs: an entry holds a heading and, outside any paragraph, the bare URL of the post.
    entry = (
        '<div class="live-event-entry"><div class="entry-content"><h3>Another favourite shuts</h3>'
        "https://www.facebook.com/DwyersOfCork/posts/2800731780195723</div></div>"
    )
    assert _methods(entry) == [("facebook:2800731780195723", "link")]
    # The same loose text in page chrome is not the article's.
    chrome = (
        '<footer class="site-footer">https://www.facebook.com/DwyersOfCork/posts/2800731780195723</footer>'
    )
    page = (
        f"<html><body>{chrome}<article><div class='entry-content'><p>Text.</p></div></article></body></html>"
    )
    assert _post_ids(page) == set()


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Without a scheme: Russian and Ukrainian outlets cite Telegram as "t.me/channel/123".
        ("Baza posted the video: t.me/bazabazon/12345.", "telegram:bazabazon/12345"),
        ("See twitter.com/janemayor/status/1790000000000000001 for the post.", "twitter:1790000000000000001"),
        ("Watch youtu.be/aaaaaaaaaaa now.", "youtube:aaaaaaaaaaa"),
        # Japanese and Chinese text runs into a URL without a space and closes it with full-width punctuation.
        (
            "市長は投稿した（https://twitter.com/janemayor/status/1790000000000000001）。",
            "twitter:1790000000000000001",
        ),
        ("市長の投稿https://x.com/janemayor/status/1790000000000000001を参照", "twitter:1790000000000000001"),
        # An invisible space an editor left after the URL is not part of it.
        (
            "See https://twitter.com/janemayor/status/1790000000000000001\u200b and more",
            "twitter:1790000000000000001",
        ),
        ("See &lt;https://www.youtube.com/watch?v=aaaaaaaaaaa&gt; and more", "youtube:aaaaaaaaaaa"),
    ],
)
def test_bare_post_urls_in_running_text_in_their_written_forms(sentence: str, expected: str) -> None:
    assert _methods(f"<p>{sentence}</p>") == [(expected, "link")]


def test_a_bare_url_in_a_block_that_also_holds_an_embedded_post() -> None:
    # thelocal: an unclosed <h2 class="excerpt"> holds the whole body, so its paragraphs and the posts it
    # embeds are one text block. The URL in a paragraph of it is the article's; the URL inside the quoted
    # tweet is the tweet's own text, and a paragraph's URL no longer runs into the next paragraph's words.
    tweet = (
        '<blockquote class="twitter-tweet"><p>Read https://www.facebook.com/other/posts/323456789012341</p>'
        '&mdash; Ben (@ben) <a href="https://twitter.com/ben/status/1844567890123456789">June 4, 2023</a>'
        "</blockquote>"
    )
    body = (
        f"<h2 class='excerpt'>The lead.<div class='content'>{PARAGRAPH}{tweet}<p>The ministry posted it on "
        "its page: https://www.facebook.com/ministry/posts/223456789012344</p><p>Earlier that day it was "
        "quiet.</p></div>"
    )
    page = f"<html><body><article><div class='entry-content'>{body}</div></article></body></html>"
    assert _post_ids(page) == {"twitter:1844567890123456789", "facebook:223456789012344"}


def test_a_bare_url_ending_a_paragraph_inside_a_list_item() -> None:
    # A live blog's entry as a list item of paragraphs: the URL ends its paragraph, not at the next word.
    entry = (
        "<ul><li><p>The ministry posted it: https://www.facebook.com/ministry/posts/223456789012344</p>"
        "<p>Earlier that day it was quiet.</p></li></ul>"
    )
    assert _post_ids(ARTICLE.format(head="", chrome="", body=entry)) == {"facebook:223456789012344"}


def test_a_bare_host_inside_a_longer_name_or_address_is_not_a_url() -> None:
    # "box.com/…" is not "x.com/…", an e-mail address is not a profile, a path is not a host.
    sentence = (
        "Files at dropbox.com/janemayor/status/1790000000000000001, mail jane@x.com/janemayor, "
        "see /x.com/janemayor/status/1790000000000000002"
    )
    assert _methods(f"<p>{sentence}</p>") == []


def test_placeholder_urls_under_attribute_names_ending_in_url() -> None:
    body = (
        '<div class="embedInner Twitter" data-provider="Twitter" '
        'data-resourceurl="https://twitter.com/AutonomousUnion/status/1254834028248735744"></div>'
    )
    assert _methods(body) == [("twitter:1254834028248735744", "placeholder")]


def test_compound_comment_words_mark_a_comments_section_but_commentary_is_an_article() -> None:
    link = '<p>Remember this? <a href="https://youtu.be/O6C2t6GtNDI?t=191">youtu.be/O6C2t6GtNDI</a></p>'
    comments = f'<div class="sect sect_commentlinks"><ul><li class="member">{link}</li></ul></div>'
    assert _methods(comments) == []
    commentary = f'<div class="commentary-body">{link}</div>'
    assert _methods(commentary) == [("youtube:O6C2t6GtNDI", "link")]


def test_embed_markup_a_consent_gate_parks_in_a_data_attribute() -> None:
    # familie.de: <script data-content='&lt;blockquote class="instagram-media" …'> inside the consent gate,
    # rendered into the page only after consent.
    parked = (
        '&lt;blockquote class="instagram-media" data-instgrm-permalink='
        '"https://www.instagram.com/p/B63DdKjgavx/?utm_source=ig_embed"&gt;&lt;/blockquote&gt;'
    )
    gate = f"<div class=\"consent-gate-container\"><script data-content='{parked}'></script></div>"
    assert _methods(gate) == [("instagram:B63DdKjgavx", "embed")]
    # A data attribute holding other markup (a tooltip's) names nothing.
    assert (
        _methods("<span data-tooltip='&lt;b&gt;https://www.instagram.com/p/B63DdKjgavx/&lt;/b&gt;'>i</span>")
        == []
    )


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        # A scheme left out: the browser reads a path of the publisher's site, the writer meant the platform.
        ("www.youtube.com/watch?v=IXR9PByA9SY", "youtube:IXR9PByA9SY"),
        ("twitter.com/jack/status/20", "twitter:20"),
        # A Markdown slip in a static blog's note: "[url](url)" pasted as the target (samfeldstein.com).
        (
            "%5Bhttps://youtu.be/IXR9PByA9SY?si=yCiOYcS7Mwa4iwyq%5D(https://youtu.be/IXR9PByA9SY?si=yCiOYcS7Mwa4iwyq)",
            "youtube:IXR9PByA9SY",
        ),
        # WordPress's typographic quotes around a pasted address.
        ("\u201dhttps://twitter.com/jack/status/21\u2033", "twitter:21"),
    ],
)
def test_a_link_whose_writer_mistyped_its_address_cites_the_address_meant(href: str, expected: str) -> None:
    assert logged(story(f'<p>He said so in <a href="{href}">this video</a>.</p>')) == {expected: "link"}
    page = scrapers.parse_html(story(f'<p>See <a href="{href}">it</a>.</p>').encode(), STORY_URL)
    assert [(c.post_id, c.decision) for c in explain(page)] == [(expected, "link")]


@pytest.mark.parametrize(
    "href",
    [
        "index.html/www.youtube.com/watch?v=IXR9PByA9SY",
        "videos/IXR9PByA9SY",
        "/watch?v=IXR9PByA9SY",
        "https://news.example/www.youtube.com/watch?v=IXR9PByA9SY",
        "?v=IXR9PByA9SY",
    ],
)
def test_relative_links_into_the_site_name_no_post(href: str) -> None:
    # Guard: paths of the publisher's own site, a file name first or an absolute address of the site.
    assert logged(story(f'<p>He said so in <a href="{href}">this video</a>.</p>')) == {}


def test_a_mistyped_link_in_the_sites_chrome_stays_chrome() -> None:
    # Guard: the address is read as meant, and then placed like any link.
    html = story(
        "", after='<footer class="site-footer"><a href="twitter.com/news/status/5">Our tweet</a></footer>'
    )
    assert logged(html) == {}


HUGO_INSTAGRAM_SIMPLE = (
    '<div class="{block} card" style="max-width: 640px"><div class="card-header">'
    '<a href="https://www.instagram.com/grad_masterov" class="card-link">grad_masterov</a></div>'
    '<a href="https://instagram.com/p/B9zZZYWIbVv/" target="_blank"><img class="card-img-top img-fluid" '
    'src="https://instagram.fhel6-1.fna.fbcdn.net/v/t51/90089571_n.jpg" alt="Instagram Image"></a>'
    '<div class="card-body"><a href="https://www.instagram.com/grad_masterov" class="card-link">Vew More on '
    "Instagram</a></div></div>"
)


def test_a_hugo_simple_shortcode_card_is_an_embed() -> None:
    # Hugo's no-script instagram_simple renders the post as its thumbnail linked to it (rfrk.ru, batch ai).
    html = story(HUGO_INSTAGRAM_SIMPLE.format(block="__h_instagram s_instagram_simple"))
    assert logged(html) == {"instagram:B9zZZYWIbVv": "embed"}


def test_a_card_of_a_linked_picture_is_a_link() -> None:
    # Guard: the same card under a theme's own class names is a picture linking the post.
    assert logged(story(HUGO_INSTAGRAM_SIMPLE.format(block="post-card"))) == {"instagram:B9zZZYWIbVv": "link"}


def test_an_instagram_embed_code_that_lost_its_class_is_still_an_embed() -> None:
    # A blog's Markdown kept the pasted blockquote but not its class (sabahlatan.com, batch ai); Instagram's
    # embed code marks its links "utm_source=ig_embed".
    pasted = (
        "<blockquote><p>View this post on Instagram</p><p>"
        '<a href="https://www.instagram.com/p/B-hZFqrh4sN/?utm_source=ig_embed&amp;utm_campaign=loading">'
        "Silinmeyen dosyalar</a></p><p>A post shared by Sabah Latan (@sabahlatan) on Apr 2, 2020</p>"
        "</blockquote>"
    )
    assert logged(story(pasted)) == {"instagram:B-hZFqrh4sN": "blockquote"}


def test_an_embed_codes_link_outside_a_blockquote_or_a_plain_quote_is_a_link() -> None:
    # Guards: a link copied out of an embed, in the text; a quotation linking its post without the marker.
    inline = '<p>As <a href="https://www.instagram.com/p/CNA1FxsAzH4/?utm_source=ig_embed">she wrote</a>.</p>'
    quoted = (
        '<blockquote><p>"Never again," <a href="https://www.instagram.com/p/CNA1FxsAzH5/">she wrote</a>.</p>'
        "</blockquote>"
    )
    assert logged(story(inline + quoted)) == {
        "instagram:CNA1FxsAzH4": "link",
        "instagram:CNA1FxsAzH5": "link",
    }


def _account_ids(html: str) -> set[str]:
    extraction = scrapers.extract(scrapers.parse_html(html.encode(), STORY_URL))
    return {account.id for account in extraction.accounts}


def test_a_quotations_attribution_cites_the_account_it_links() -> None:
    # WordPress's quote block names whom the article quotes in its <cite> (BLURR magazine, batch aj).
    quote = (
        '<blockquote class="wp-block-quote"><p>"I said i got the ick... maybe I am being too harsh"</p>'
        '<cite><a href="https://www.instagram.com/priyagopaldas/?hl=en">Priya Gopaldas</a>'
        " on Love Island 2021</cite>"
        "</blockquote>"
    )
    assert _account_ids(story(quote)) == {"instagram:priyagopaldas"}


def test_profiles_inside_a_quoted_or_embedded_post_stay_the_posts() -> None:
    # Guards: people a quoted passage mentions, and the people a tweet embed names, in its text or in a
    # <cite> of its own; only the embedded post's author (from its status URL) is an account of the page.
    quoted = (
        '<blockquote><p>As <a href="https://www.instagram.com/someone/">@someone</a> said, no.</p>'
        "</blockquote>"
    )
    tweet = (
        '<blockquote class="twitter-tweet"><p>Thanks <a href="https://twitter.com/friend">@friend</a></p><cite>'
        '<a href="https://twitter.com/other">Other</a></cite> <a href="https://twitter.com/author/status/'
        '1714567890123456789">May 1, 2024</a></blockquote>'
    )
    assert _account_ids(story(quoted + tweet)) == {"twitter:author"}
