"""Checks Twitter/X posts: the syndication ``tweet-result`` endpoint first, oEmbed as a second opinion, and
resolution of text-only posts (``twitter:pic-<code>``, ``twitter:tco-<code>``) through their short link.

See docs platforms.md §1.4 (syndication, token formula, tombstone texts) and §1.5 (oEmbed). Every decision
is a pure function of a response: ``classify_syndication``, ``classify_oembed``, ``combine``,
``resolve_location``.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlsplit

from embedtrail.scrapers import twitter as platform
from embedtrail.scrapers.records import ERROR, CheckResult
from embedtrail.scrapers.times import snowflake_time
from embedtrail.tracker.endpoints import Endpoint, Endpoints

from .base import Checked, Http, Request, Response, Target, json_body, result, strip_tags, transient

__all__ = [
    "CANARY",
    "ENDPOINTS",
    "NAME",
    "PLATFORMS",
    "build",
    "build_oembed",
    "build_resolve",
    "check",
    "classify",
    "classify_oembed",
    "classify_syndication",
    "combine",
    "js_to_radix",
    "needs_resolution",
    "resolve_location",
    "status_id",
    "status_post",
    "syndication_token",
]

NAME = "twitter"
PLATFORMS = ("twitter",)
ENDPOINTS = {
    "twitter_oembed": Endpoint("https://publish.twitter.com/oembed", "Twitter/X oEmbed"),
    "twitter_syndication": Endpoint(
        "https://cdn.syndication.twimg.com/tweet-result", "Twitter/X syndication (detail, tombstones)"
    ),
    "twitter_pic": Endpoint(
        "https://pic.twitter.com", "base that `pic.twitter.com/CODE` links are resolved against"
    ),
    "twitter_tco": Endpoint("https://t.co", "base that `t.co/CODE` links are resolved against"),
}
# A post `embedtrail doctor` expects this checker to find available.
CANARY = "https://x.com/jack/status/20"
# Syndication serves logged-out viewers; yt-dlp sends this UA and only id + token.
_HEADERS = (("User-Agent", "Googlebot"), ("Accept", "application/json"))
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# Tombstone text keywords → status; wording changes over time, so match on fragments (platforms.md §1.4).
_TOMBSTONES: tuple[tuple[str, str], ...] = (
    ("deleted by the post author", "deleted"),
    ("deleted by the tweet author", "deleted"),
    ("has been deleted", "deleted"),
    ("suspended", "suspended"),
    ("no longer exists", "deleted"),
    ("are protected", "protected"),
    ("limits who can view", "protected"),
    ("age-restricted", "restricted"),
    ("withheld", "restricted"),
    ("unavailable", "restricted"),
)
_META_REFRESH = re.compile(
    r"""<meta[^>]+http-equiv=["']?refresh["']?[^>]*content=["'][^"']*?url\s*=\s*([^"'>\s]+)""", re.I
)
_TITLE_URL = re.compile(r"<title>\s*(https?://[^<\s]+)\s*</title>", re.I)
_JS_REPLACE = re.compile(r"location\.replace\(\s*[\"']([^\"']+)[\"']", re.I)


def js_to_radix(value: float, radix: int = 36) -> str:
    """JavaScript's ``Number.prototype.toString(radix)`` for a finite value >= 0 (V8 DoubleToRadixCString):
    fractional digits are emitted until the value is uniquely identified."""
    integer = math.floor(value)
    fraction = value - integer
    delta = max(0.5 * (math.nextafter(value, math.inf) - value), math.nextafter(0.0, 1.0))
    digits: list[int] = []
    if fraction >= delta:
        while True:
            fraction *= radix
            delta *= radix
            digit = int(fraction)
            digits.append(digit)
            fraction -= digit
            if (fraction > 0.5 or (fraction == 0.5 and (digit & 1))) and fraction + delta > 1:
                # Round up and propagate the carry.
                while True:
                    if not digits:
                        integer += 1
                        break
                    last = digits.pop()
                    if last + 1 < radix:
                        digits.append(last + 1)
                        break
                break
            if not fraction >= delta:
                break
    whole, number = "", int(integer)
    while True:
        whole = _DIGITS[number % radix] + whole
        number //= radix
        if number == 0:
            break
    return whole + ("." + "".join(_DIGITS[d] for d in digits) if digits else "")


def syndication_token(tweet_id: str) -> str:
    """react-tweet's ``token``: ``((id / 1e15) * π).toString(36)`` without 0s and dots."""
    return js_to_radix((int(tweet_id) / 1e15) * math.pi).replace("0", "").replace(".", "")


def status_id(target: Target) -> str | None:
    """The numeric status id of ``target``, or None for text-only posts."""
    for candidate in (target.native_id, target.native):
        if candidate and candidate.isdigit() and len(candidate) <= 20:
            return candidate
    return None


def needs_resolution(target: Target) -> bool:
    """Text-only posts known by a short link must be resolved to a status before they can be checked."""
    return target.native.startswith(("pic-", "tco-"))


def build(target: Target, endpoints: Endpoints) -> Request | None:
    """The syndication request for a status, or None when the post has no status id yet."""
    tweet = status_id(target)
    if tweet is None:
        return None
    return Request(
        endpoints.twitter_syndication,
        params=(("id", tweet), ("lang", "en"), ("token", syndication_token(tweet))),
        headers=_HEADERS,
    )


def build_oembed(target: Target, endpoints: Endpoints) -> Request | None:
    """The oEmbed request (second opinion) for a status."""
    tweet = status_id(target)
    if tweet is None:
        return None
    handle = target.url and platform.post_ref(target.url)
    user = handle.handle if handle and handle.handle else "i"
    url = f"https://twitter.com/{user}/status/{tweet}"
    return Request(endpoints.twitter_oembed, params=(("url", url), ("omit_script", "1"), ("dnt", "true")))


def build_resolve(target: Target, endpoints: Endpoints) -> Request | None:
    """The request that follows a text-only post's short link one hop (redirects not followed)."""
    native = target.native
    if native.startswith("pic-"):
        base = endpoints.twitter_pic
    elif native.startswith("tco-"):
        base = endpoints.twitter_tco
    else:
        return None
    return Request(f"{base.rstrip('/')}/{native[4:]}", follow_redirects=False)


def _iso(value: Any) -> str | None:
    if not isinstance(value, str) or not re.match(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", value):
        return None
    return value[:19] + "Z"


def _tombstone(response: Response, data: dict[str, Any]) -> CheckResult:
    tombstone = data.get("tombstone")
    text = ""
    if isinstance(tombstone, dict):
        inner = tombstone.get("text")
        text = inner.get("text", "") if isinstance(inner, dict) else str(inner or "")
    lowered = text.lower()
    for keyword, status in _TOMBSTONES:
        if keyword in lowered:
            return result(response, status, f"tombstone: {text.strip()}")
    if text:
        return result(response, "restricted", f"tombstone: {text.strip()}")
    # A bare tombstone is a live post withheld from logged-out viewers (sensitive media), not a deletion.
    return result(response, "restricted", "tombstone without text (withheld from logged-out viewers)")


def classify_syndication(response: Response) -> CheckResult:
    """Classify a ``tweet-result`` answer (platforms.md §1.4)."""
    failed = transient(response)
    if failed is not None:
        return failed
    status = response.status
    if status == 404:
        return result(response, "not_found", "syndication: 404")
    if status != 200:
        return result(response, ERROR, f"syndication: unexpected HTTP {status}")
    data = json_body(response)
    if not isinstance(data, dict):
        return result(response, ERROR, "syndication: response is not JSON (soft block?)")
    if not data:
        return result(response, "not_found", "syndication: empty answer {}")
    kind = data.get("__typename")
    if kind == "TweetTombstone":
        return _tombstone(response, data)
    if kind == "Tweet" or "id_str" in data:
        user = data.get("user")
        if not isinstance(user, dict) or not user:
            # react-tweet #144: suspended authors' posts come back tweet-shaped without a user.
            return result(response, "suspended", "syndication: post without author (account suspended)")
        media: list[str] = []
        for item in data.get("mediaDetails") or []:
            if isinstance(item, dict) and isinstance(item.get("media_url_https"), str):
                media.append(item["media_url_https"])
        return result(
            response,
            "available",
            "syndication: post shown",
            author_handle=user.get("screen_name"),
            author_name=user.get("name"),
            account_platform_id=user.get("id_str"),
            posted_at=_iso(data.get("created_at")),
            text=data.get("text") if isinstance(data.get("text"), str) else None,
            media=tuple(media),
        )
    if kind == "TweetUnavailable":
        reason = str(data.get("reason", ""))
        status_name = "protected" if reason == "Protected" else "restricted"
        return result(response, status_name, f"syndication: unavailable ({reason or 'no reason'})")
    return result(response, ERROR, f"syndication: unrecognised answer ({kind or 'no __typename'})")


def classify_oembed(response: Response) -> CheckResult:
    """Classify a ``publish.twitter.com/oembed`` answer (platforms.md §1.5)."""
    failed = transient(response)
    if failed is not None:
        return failed
    status = response.status
    if status == 404:
        return result(response, "not_found", "oEmbed: 404")
    if status == 403:
        return result(response, "protected", "oEmbed: 403 not authorized (protected or suspended)")
    if status != 200:
        return result(response, ERROR, f"oEmbed: unexpected HTTP {status}")
    data = json_body(response)
    if not isinstance(data, dict) or "html" not in data:
        return result(response, ERROR, "oEmbed: response is not oEmbed JSON")
    author_url = data.get("author_url")
    handle = urlsplit(author_url).path.strip("/").split("/")[0] if isinstance(author_url, str) else None
    text = strip_tags(str(data["html"]))
    return result(
        response,
        "available",
        "oEmbed: post shown",
        author_handle=handle or None,
        author_name=data.get("author_name"),
        text=text.split("\n")[0] or None,
    )


classify = classify_syndication


def combine(primary: CheckResult, second: CheckResult | None) -> CheckResult:
    """Syndication's verdict, weighed against oEmbed's: an oEmbed ``available`` wins (no false obituary);
    when syndication had no usable answer, oEmbed decides; otherwise syndication's more specific verdict
    stands, with oEmbed's noted in the detail."""
    if second is None or primary.status == "available":
        return primary
    if second.status == "available":
        return _with_detail(second, f"{second.detail}; {primary.detail}")
    if primary.status == ERROR:
        return second if second.status != ERROR else primary
    if primary.status == "not_found" and second.status == "protected":
        return _with_detail(second, f"{second.detail}; {primary.detail}")
    return _with_detail(primary, f"{primary.detail}; {second.detail}")


def _with_detail(base: CheckResult, detail: str) -> CheckResult:
    from dataclasses import replace

    return replace(base, detail=detail)


def resolve_location(response: Response) -> str | None:
    """Where a short link leads: the ``Location`` of a redirect, else a 200 page's meta refresh, script
    redirect or URL title (t.co's browser page, platforms.md §1.2)."""
    if response.status is None:
        return None
    if 300 <= response.status < 400:
        location = response.header("location")
        if location:
            return location.strip()
        return None
    if response.status != 200:
        return None
    text = response.text[:20000]
    for pattern in (_META_REFRESH, _JS_REPLACE, _TITLE_URL):
        match = pattern.search(text)
        if match:
            return match.group(1).replace("\\/", "/").strip()
    return None


def status_post(location: str | None) -> dict[str, Any] | None:
    """The posts row a short link's destination names (id, url, native id, handle, snowflake time), or None
    when it is not a Twitter status."""
    ref = platform.post_ref(location) if location else None
    if ref is None or ref.kind != "post":
        return None
    posted = snowflake_time(ref.native_id)
    return {
        "id": ref.id,
        "platform": ref.platform,
        "kind": "post",
        "url": ref.url,
        "native_id": ref.native_id,
        "author_handle": ref.handle,
        "posted_at": posted,
        "posted_at_source": "snowflake" if posted else None,
    }


async def check(target: Target, http: Http, endpoints: Endpoints) -> Checked | None:
    """Syndication, then oEmbed when syndication does not show the post."""
    request = build(target, endpoints)
    if request is None:
        return None
    response = await http.send(request)
    primary = classify_syndication(response)
    elapsed = response.elapsed_ms
    second: CheckResult | None = None
    if primary.status != "available":
        oembed = build_oembed(target, endpoints)
        if oembed is not None:
            answer = await http.send(oembed)
            elapsed += answer.elapsed_ms
            second = classify_oembed(answer)
    return Checked(combine(primary, second), response.url, elapsed)
