"""Checks Bluesky posts with the public AppView's ``app.bsky.feed.getPostThread`` (platforms.md §9.3):
a ``threadViewPost`` is shown, ``notFoundPost`` or a 400 ``NotFound`` error is gone, ``blockedPost`` and
takedown labels are restricted, account takedown errors are suspended.
"""

from __future__ import annotations

import re
from typing import Any

from embedtrail.scrapers.records import ERROR, CheckResult
from embedtrail.tracker.endpoints import Endpoint, Endpoints

from .base import Request, Response, Target, json_body, result, transient

__all__ = ["CANARY", "ENDPOINTS", "NAME", "PLATFORMS", "at_uri", "build", "classify"]

NAME = "bluesky"
PLATFORMS = ("bluesky",)
ENDPOINTS = {"bluesky": Endpoint("https://public.api.bsky.app/xrpc", "Bluesky public API")}
# A post `embedtrail doctor` expects this checker to find available.
CANARY = "https://bsky.app/profile/did:plc:z72i7hdynmk6r22z27h6tvur/post/3l6oveex3ii2l"
_WEB = re.compile(
    r"^https?://(?:www\.)?(?:bsky\.app|main\.bsky\.dev)/profile/([\w.:%-]+)/post/([2-7a-z]{13})", re.I
)
_AT = re.compile(r"^at://([\w.:%-]+)/app\.bsky\.feed\.post/([2-7a-z]{13})$")
_NATIVE = re.compile(r"^([\w.:%-]+)/([2-7a-z]{13})$")
_TAKEDOWN_LABELS = frozenset({"!takedown", "!hide", "!suspend"})


def at_uri(target: Target) -> str | None:
    """``at://<actor>/app.bsky.feed.post/<rkey>`` from the post URL or its ``actor/rkey`` native id."""
    for candidate, pattern in (
        (target.url or "", _WEB),
        (target.url or "", _AT),
        (target.native_id or target.native, _NATIVE),
    ):
        match = pattern.match(candidate)
        if match:
            return f"at://{match.group(1)}/app.bsky.feed.post/{match.group(2)}"
    return None


def build(target: Target, endpoints: Endpoints) -> Request | None:
    """getPostThread with no replies and no parents."""
    uri = at_uri(target)
    if uri is None:
        return None
    return Request(
        f"{endpoints.bluesky.rstrip('/')}/app.bsky.feed.getPostThread",
        params=(("uri", uri), ("depth", "0"), ("parentHeight", "0")),
    )


def classify(response: Response) -> CheckResult:
    """Classify a getPostThread answer."""
    failed = transient(response)
    if failed is not None:
        return failed
    data = json_body(response)
    if not isinstance(data, dict):
        return result(response, ERROR, f"AppView: HTTP {response.status}, not JSON")
    error = data.get("error")
    if isinstance(error, str):
        message = str(data.get("message", ""))
        if error == "NotFound":
            return result(response, "not_found", f"AppView: {message or 'NotFound'}")
        if error == "AccountTakedown":
            return result(response, "suspended", "AppView: account taken down")
        if error == "AccountDeactivated":
            return result(response, "suspended", "AppView: account deactivated")
        if error == "RateLimitExceeded":
            return result(response, ERROR, "AppView: rate limited")
        return result(response, ERROR, f"AppView: {error}: {message}")
    thread = data.get("thread")
    if response.status != 200 or not isinstance(thread, dict):
        return result(response, ERROR, f"AppView: unexpected HTTP {response.status}")
    kind = str(thread.get("$type", ""))
    if kind.endswith("#notFoundPost") or thread.get("notFound"):
        return result(response, "not_found", "AppView: notFoundPost")
    if kind.endswith("#blockedPost") or thread.get("blocked"):
        return result(response, "restricted", "AppView: blockedPost")
    post = thread.get("post")
    if not isinstance(post, dict):
        return result(response, ERROR, f"AppView: unrecognised thread node {kind or '?'}")
    labels = {str(label.get("val")) for label in post.get("labels") or [] if isinstance(label, dict)}
    author: dict[str, Any] = post["author"] if isinstance(post.get("author"), dict) else {}
    record: dict[str, Any] = post["record"] if isinstance(post.get("record"), dict) else {}
    created = record.get("createdAt")
    posted = created[:19] + "Z" if isinstance(created, str) and len(created) >= 19 else None
    facts = {
        "author_handle": author.get("handle"),
        "author_name": author.get("displayName") or None,
        "account_platform_id": author.get("did"),
        "text": record.get("text") or None,
        "posted_at": posted,
    }
    hidden = labels & _TAKEDOWN_LABELS
    if hidden:
        return result(response, "restricted", f"AppView: labelled {', '.join(sorted(hidden))}", **facts)
    return result(response, "available", "AppView: threadViewPost", **facts)
