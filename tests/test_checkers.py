"""Checker decisions: every ``classify`` on tables of recorded platform answers (tests/fixtures/responses/),
the Twitter token formula on its known vectors, oEmbed second opinions and short-link resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from embedtrail.db.checks import STATUSES, CheckResult
from embedtrail.tracker import checkers
from embedtrail.tracker.checkers import (
    bluesky,
    dailymotion,
    generic,
    mastodon,
    telegram,
    tiktok,
    twitter,
    vimeo,
    wayback,
    youtube,
)
from embedtrail.tracker.checkers.base import Response, Target, parse_retry_after
from embedtrail.tracker.config import Endpoints

RESPONSES = Path(__file__).parent / "fixtures" / "responses"


def load(name: str) -> bytes:
    return (RESPONSES / name).read_bytes()


def answer(status: int | None, body: bytes | str = b"", **headers: str) -> Response:
    data = body.encode() if isinstance(body, str) else body
    return Response("https://example.test/x", status, headers, data, None if status else "timed out")


@pytest.mark.parametrize(
    ("tweet_id", "token"),
    [
        ("1163218564784017422", "2ticx4q85hf"),
        ("20", "6dq1a2xwd93"),
        ("2023357708301455483", "4wkkd5uwebk"),
        ("463440424141459456", "14fxvks611f"),
        ("1679189879086018562", "42jbwfx3dv3"),
    ],
)
def test_syndication_token_vectors(tweet_id: str, token: str) -> None:
    # Node-verified vectors from platforms.md §1.4.
    assert twitter.syndication_token(tweet_id) == token


def test_js_to_radix_matches_javascript_on_simple_values() -> None:
    assert twitter.js_to_radix(0.5, 2) == "0.1"
    assert twitter.js_to_radix(255.0, 16) == "ff"
    assert twitter.js_to_radix(35.0) == "z"


TWITTER_SYNDICATION = [
    (200, "twitter-syndication-available.json", "available", "syndication: post shown"),
    (200, "twitter-syndication-deleted.json", "deleted", "tombstone: This Post was deleted"),
    (200, "twitter-syndication-tombstone-bare.json", "restricted", "tombstone without text"),
    (200, "twitter-syndication-notfound-empty.json", "not_found", "empty answer"),
    (404, "<html>not found</html>", "not_found", "404"),
    (
        200,
        '{"__typename":"TweetTombstone","tombstone":{"text":{"text":"These posts are protected"}}}',
        "protected",
        "protected",
    ),
    (
        200,
        '{"__typename":"TweetTombstone","tombstone":{"text":{"text":"This account has been suspended."}}}',
        "suspended",
        "suspended",
    ),
    (
        200,
        '{"__typename":"TweetTombstone","tombstone":{"text":{"text":"Age-restricted adult content."}}}',
        "restricted",
        "Age-restricted",
    ),
    (200, '{"__typename":"Tweet","id_str":"1","text":"x"}', "suspended", "without author"),
    (200, "<html>login</html>", "error", "not JSON"),
    (429, '{"errors":[{"code":88,"message":"Rate limit exceeded"}]}', "error", "429"),
    (503, "", "error", "server error"),
    (None, "", "error", "no response"),
    (403, "{}", "error", "unexpected HTTP 403"),
    (200, '{"__typename":"Something"}', "error", "unrecognised"),
]


@pytest.mark.parametrize(("http", "body", "status", "detail"), TWITTER_SYNDICATION)
def test_twitter_classify_syndication(http: int | None, body: str, status: str, detail: str) -> None:
    data = load(body) if body.endswith(".json") else body
    verdict = twitter.classify_syndication(answer(http, data))
    assert verdict.status == status
    assert detail in verdict.detail
    assert verdict.http_status == http


def test_twitter_available_facts() -> None:
    verdict = twitter.classify_syndication(answer(200, load("twitter-syndication-available.json")))
    assert verdict.author_handle == "jarredsumner"
    assert verdict.author_name == "Jarred Sumner"
    assert verdict.account_platform_id == "2489440172"
    assert verdict.posted_at == "2026-02-16T11:24:04Z"
    assert verdict.text and verdict.text.startswith("Underdocumented")
    assert verdict.body_sha256 and len(verdict.body_sha256) == 64
    assert verdict.excerpt and '"__typename": "Tweet"' in verdict.excerpt


@pytest.mark.parametrize(
    ("http", "body", "status"),
    [
        (200, "twitter-oembed-available.json", "available"),
        (200, "twitter-oembed-available-2024.json", "available"),
        (400, "twitter-oembed-400-xml.json", "error"),
        (404, "", "not_found"),
        (403, '{"error":"Sorry, you are not authorized to see this status."}', "protected"),
        (429, "", "error"),
        (200, "<html></html>", "error"),
    ],
)
def test_twitter_classify_oembed(http: int, body: str, status: str) -> None:
    data = load(body) if body.endswith(".json") else body
    assert twitter.classify_oembed(answer(http, data)).status == status


def test_twitter_oembed_author() -> None:
    verdict = twitter.classify_oembed(answer(200, load("twitter-oembed-available-2024.json")))
    assert verdict.author_handle == "pepephone"
    assert verdict.author_name == "Pepephone"


def _verdict(status: str, detail: str = "x") -> CheckResult:
    return CheckResult(status, detail)


@pytest.mark.parametrize(
    ("primary", "second", "expected"),
    [
        ("available", None, "available"),
        ("deleted", "not_found", "deleted"),
        ("not_found", "available", "available"),  # wrong token or a cache hiccup: no false obituary
        ("restricted", "available", "available"),
        ("error", "not_found", "not_found"),
        ("error", "error", "error"),
        ("not_found", "protected", "protected"),
        ("suspended", "protected", "suspended"),
    ],
)
def test_twitter_combine(primary: str, second: str | None, expected: str) -> None:
    verdict = twitter.combine(_verdict(primary), _verdict(second) if second else None)
    assert verdict.status == expected


def test_twitter_requests_use_config_endpoints() -> None:
    endpoints = Endpoints(
        twitter_syndication="http://fake/tweet-result",
        twitter_oembed="http://fake/oembed",
        twitter_pic="http://fake/pic",
        twitter_tco="http://fake/tco",
    )
    target = Target("twitter:20", "twitter", "20", "https://x.com/jack/status/20")
    request = twitter.build(target, endpoints)
    assert request is not None
    assert request.url == "http://fake/tweet-result"
    assert ("token", "6dq1a2xwd93") in request.params and ("id", "20") in request.params
    oembed = twitter.build_oembed(target, endpoints)
    assert oembed is not None and ("url", "https://twitter.com/jack/status/20") in oembed.params
    pic = Target("twitter:pic-AbC123", "twitter", None, "https://pic.twitter.com/AbC123")
    assert twitter.build(pic, endpoints) is None
    assert twitter.needs_resolution(pic)
    resolve = twitter.build_resolve(pic, endpoints)
    assert resolve is not None and resolve.url == "http://fake/pic/AbC123" and not resolve.follow_redirects
    tco = twitter.build_resolve(Target("twitter:tco-Zz9", "twitter", None, None), endpoints)
    assert tco is not None and tco.url == "http://fake/tco/Zz9"
    assert twitter.build_resolve(Target("twitter:text-abc", "twitter", None, None), endpoints) is None


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (
            answer(301, "", Location="https://twitter.com/ANI/status/1653711338587779072/photo/1"),
            "https://twitter.com/ANI/status/1653711338587779072/photo/1",
        ),
        (answer(200, load("twitter-tco-redirect-page.html")), "https://buff.ly/2uSOHDs"),
        (
            answer(200, '<script>location.replace("https:\\/\\/x.com\\/a\\/status\\/5")</script>'),
            "https://x.com/a/status/5",
        ),
        (answer(404, "nope"), None),
        (answer(None), None),
        (answer(302), None),
    ],
)
def test_twitter_resolve_location(response: Response, expected: str | None) -> None:
    assert twitter.resolve_location(response) == expected


YOUTUBE = [
    (200, load("youtube-oembed-available.json"), "available"),
    (403, load("youtube-oembed-private-403.txt"), "protected"),
    (200, b"Forbidden", "protected"),
    (401, b"Unauthorized", "available"),
    (404, b"Not Found", "not_found"),
    (400, b"Bad Request", "error"),
    (429, b"", "error"),
    (200, b"<html>consent</html>", "error"),
]


@pytest.mark.parametrize(("http", "body", "status"), YOUTUBE)
def test_youtube_classify(http: int, body: bytes, status: str) -> None:
    assert youtube.classify(answer(http, body)).status == status


def test_youtube_build_uses_watch_url() -> None:
    request = youtube.build(Target("youtube:dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ", None), Endpoints())
    assert request is not None
    assert ("url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ") in request.params


@pytest.mark.parametrize(
    ("http", "body", "status", "detail"),
    [
        (200, load("vimeo-oembed-available.json"), "available", "shown"),
        (200, load("vimeo-oembed-available-2024-minimal.json"), "available", "metadata withheld"),
        (404, b"", "not_found", "404"),
        (403, b"", "restricted", "embedding disabled"),
        (500, b"", "error", "server error"),
    ],
)
def test_vimeo_classify(http: int, body: bytes, status: str, detail: str) -> None:
    verdict = vimeo.classify(answer(http, body))
    assert (verdict.status, detail in verdict.detail) == (status, True)


@pytest.mark.parametrize(
    ("http", "body", "status"),
    [
        (200, load("tiktok-oembed-available.json"), "available"),
        (200, load("tiktok-oembed-unavailable.json"), "not_found"),
        (400, load("tiktok-oembed-unavailable-v2.json"), "not_found"),
        (404, b"", "not_found"),
        (429, b"", "error"),
        (200, b"<html>verify you are human</html>", "error"),
    ],
)
def test_tiktok_classify(http: int, body: bytes, status: str) -> None:
    assert tiktok.classify(answer(http, body)).status == status


@pytest.mark.parametrize(
    ("http", "body", "status"),
    [
        (200, load("dailymotion-oembed-available.json"), "available"),
        (404, load("dailymotion-api-notfound.json"), "not_found"),
        (404, b"", "not_found"),
        (403, b"", "protected"),
        (502, b"", "error"),
    ],
)
def test_dailymotion_classify(http: int, body: bytes, status: str) -> None:
    assert dailymotion.classify(answer(http, body)).status == status


@pytest.mark.parametrize(
    ("http", "body", "status"),
    [
        (200, load("telegram-embed-available-shape.html"), "available"),
        (200, load("telegram-embed-notfound-fragment.html"), "not_found"),
        (200, load("telegram-embed-notfound-shape.html"), "not_found"),
        (200, b"<html><body>This channel is private</body></html>", "protected"),
        (404, b"", "not_found"),
        (403, b"", "error"),
        (429, b"Too Many Requests", "error"),
        (200, b"<html><body>Something else</body></html>", "error"),
    ],
)
def test_telegram_classify(http: int, body: bytes, status: str) -> None:
    assert telegram.classify(answer(http, body)).status == status


def test_telegram_available_facts_and_request() -> None:
    verdict = telegram.classify(answer(200, load("telegram-embed-available-shape.html")))
    assert verdict.author_handle == "durov"
    assert verdict.author_name == "Pavel Durov"
    assert verdict.text == "Hello & welcome\nsecond line"
    assert verdict.posted_at == "2024-01-01T00:00:00Z"
    request = telegram.build(Target("telegram:durov/43", "telegram", "durov/43", None), Endpoints())
    assert request is not None and request.url == "https://t.me/durov/43"
    assert request.params == (("embed", "1"), ("mode", "tme"))


@pytest.mark.parametrize(
    ("http", "body", "status"),
    [
        (200, load("bluesky-getpostthread-available-shape.json"), "available"),
        (400, load("bluesky-getpostthread-notfound.json"), "not_found"),
        (200, load("bluesky-getpostthread-notfoundpost-node.json"), "not_found"),
        (200, load("bluesky-getpostthread-blockedpost-node.json"), "restricted"),
        (400, b'{"error":"AccountTakedown","message":"Account has been taken down"}', "suspended"),
        (400, b'{"error":"InvalidRequest","message":"Unable to resolve handle"}', "error"),
        (429, b'{"error":"RateLimitExceeded"}', "error"),
        (200, b"<html></html>", "error"),
    ],
)
def test_bluesky_classify(http: int, body: bytes, status: str) -> None:
    assert bluesky.classify(answer(http, body)).status == status


def test_bluesky_facts_and_uri() -> None:
    verdict = bluesky.classify(answer(200, load("bluesky-getpostthread-available-shape.json")))
    assert (verdict.author_handle, verdict.account_platform_id) == (
        "chris.blue",
        "did:plc:cwx2zxldt3uxciob3nxzhkzr",
    )
    assert verdict.posted_at == "2024-11-28T17:00:00Z"
    target = Target("bluesky:x", "bluesky", None, "https://bsky.app/profile/chris.blue/post/3lbx3zind3c2v")
    assert bluesky.at_uri(target) == "at://chris.blue/app.bsky.feed.post/3lbx3zind3c2v"


@pytest.mark.parametrize(
    ("http", "body", "status"),
    [
        (200, load("mastodon-status-available-shape.json"), "available"),
        (404, load("mastodon-status-notfound.json"), "not_found"),
        (410, b"", "deleted"),
        (401, b'{"error":"This API requires an authenticated user"}', "error"),
        (429, b'{"error":"Too many requests"}', "error"),
    ],
)
def test_mastodon_classify(http: int, body: bytes, status: str) -> None:
    assert mastodon.classify(answer(http, body)).status == status


def test_mastodon_names_the_author_by_full_address() -> None:
    # The API's "acct" names a local account without its server ("Gargron"); a remote one with it.
    body = load("mastodon-status-available-shape.json")
    local = Response("https://mastodon.social/api/v1/statuses/109321313359102522", 200, {}, body)
    assert mastodon.classify(local).author_handle == "Gargron@mastodon.social"
    remote = Response(
        "https://chaos.social/api/v1/statuses/1",
        200,
        {},
        body.replace(b'"acct":"Gargron"', b'"acct":"Gargron@mastodon.social"'),
    )
    assert mastodon.classify(remote).author_handle == "Gargron@mastodon.social"


def test_mastodon_api_url_follows_post_host() -> None:
    assert mastodon.api_url("https://mastodon.social/@Gargron/109321313359102522") == (
        "https://mastodon.social/api/v1/statuses/109321313359102522"
    )
    assert mastodon.api_url("http://127.0.0.1:8080/users/a/statuses/123456") == (
        "http://127.0.0.1:8080/api/v1/statuses/123456"
    )
    assert mastodon.api_url("https://mastodon.social/about") is None


@pytest.mark.parametrize(
    ("http", "status"),
    [
        (200, "available"),
        (404, "not_found"),
        (410, "deleted"),
        (451, "restricted"),
        (403, "error"),
        (401, "error"),
        (500, "error"),
        (None, "error"),
    ],
)
def test_generic_classify(http: int | None, status: str) -> None:
    assert generic.classify(answer(http, b"page")).status == status


def test_wayback_lookup_and_save() -> None:
    found = wayback.classify_lookup(answer(200, load("wayback-availability-available.json")))
    assert found.archive_url == "https://web.archive.org/web/20130919044612/http://example.com/"
    assert found.captured_at == "2013-09-19T04:46:12Z"
    assert wayback.classify_lookup(answer(200, load("wayback-availability-none.json"))).archive_url is None
    assert wayback.classify_lookup(answer(503, b"")).error
    assert wayback.classify_save(answer(200, load("wayback-spn2-capture-accepted.json"))).state == "accepted"
    assert wayback.classify_save(answer(200, load("wayback-spn2-capture-recent.json"))).state == "recent"
    assert wayback.classify_save(answer(200, load("wayback-spn2-capture-error.json"))).state == "failed"
    limited = wayback.classify_save(answer(429, b"", **{"Retry-After": "7"}))
    assert (limited.state, limited.retry_after) == ("error", 7.0)


def test_retry_after_forms() -> None:
    assert parse_retry_after("30") == 30.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now_epoch=1445412480.0) == 30.0
    assert parse_retry_after("soon") is None
    assert twitter.classify_syndication(answer(429, b"", **{"Retry-After": "12"})).retry_after == 12.0


def test_registry() -> None:
    names = [module.NAME for module in checkers.CHECKERS]
    assert names[-1] == "generic" and len(names) == len(set(names))
    assert checkers.for_target(Target("twitter:1", "twitter", "1", None)) is twitter
    assert checkers.for_target(Target("instagram:x", "instagram", "x", "https://instagram.com/p/x")) is None
    assert checkers.for_target(Target("odd:x", "odd", "x", "https://example.com/v.mp4")) is generic
    assert checkers.for_target(Target("odd:x", "odd", "x", None)) is None
    for module in checkers.CHECKERS:
        assert callable(module.classify) and callable(module.build)
        verdict = module.classify(answer(None))
        assert verdict.status == "error" and verdict.status in STATUSES


def test_exports_sorted() -> None:
    # isort-style order, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions.
    def key(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert checkers.__all__ == sorted(checkers.__all__, key=key)


def test_twitter_status_post_from_short_link_destination() -> None:
    row = twitter.status_post("https://twitter.com/ANI/status/1653711338587779072/photo/1")
    assert row is not None
    assert row["id"] == "twitter:1653711338587779072"
    assert row["author_handle"] == "ANI" and row["posted_at_source"] == "snowflake"
    assert twitter.status_post("https://buff.ly/2uSOHDs") is None
    assert twitter.status_post(None) is None
