"""Checks Mastodon statuses with the instance's REST API ``/api/v1/statuses/<id>`` (platforms.md §10.3).
Any host can run Mastodon, so the endpoint comes from the post URL itself (same scheme and host). 404
means deleted or not visible to us (Mastodon does not say which); 401 is an instance that wants a token.
The author's ``acct`` names a local account without its server: the handle kept is the full address.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from embedtrail.scrapers.mastodon import author_address
from embedtrail.scrapers.records import ERROR, CheckResult
from embedtrail.tracker.endpoints import Endpoint, Endpoints

from .base import Request, Response, Target, json_body, result, strip_tags, transient

__all__ = ["CANARY", "ENDPOINTS", "NAME", "PLATFORMS", "api_url", "build", "classify"]

NAME = "mastodon"
PLATFORMS = ("mastodon",)
# The API is on each status's own server: no endpoint to configure.
ENDPOINTS: dict[str, Endpoint] = {}
# A post `embedtrail doctor` expects this checker to find available.
CANARY = "https://mastodon.social/@Gargron/1"
_PATH = re.compile(
    r"^/(?:web/)?(?:@[\w.-]+(?:@[\w.-]+)?|users/[\w.-]+/statuses|statuses)/(\d{1,20})(?:/embed)?/?$"
)


def api_url(url: str) -> str | None:
    """``<scheme>://<host>/api/v1/statuses/<id>`` for a status URL, else None."""
    parts = urlsplit(url)
    match = _PATH.match(parts.path)
    if parts.scheme not in ("http", "https") or not parts.netloc or not match:
        return None
    return f"{parts.scheme}://{parts.netloc}/api/v1/statuses/{match.group(1)}"


def build(target: Target, endpoints: Endpoints) -> Request | None:
    """The status API URL on the post's own instance."""
    url = api_url(target.url) if target.url else None
    return Request(url, headers=(("Accept", "application/json"),)) if url else None


def classify(response: Response) -> CheckResult:
    """Classify a status API answer."""
    failed = transient(response)
    if failed is not None:
        return failed
    data = json_body(response)
    if response.status in (404, 410):
        return result(
            response,
            "not_found" if response.status == 404 else "deleted",
            f"status API: {response.status}" + (f" {data.get('error')}" if isinstance(data, dict) else ""),
        )
    if response.status == 401:
        return result(response, ERROR, "status API: 401 (instance requires authentication)")
    if response.status != 200 or not isinstance(data, dict) or "id" not in data:
        return result(response, ERROR, f"status API: unexpected HTTP {response.status}")
    account: dict[str, Any] = data["account"] if isinstance(data.get("account"), dict) else {}
    acct = account.get("acct")
    created = data.get("created_at")
    media = tuple(
        str(m["url"]) for m in data.get("media_attachments") or [] if isinstance(m, dict) and m.get("url")
    )
    return result(
        response,
        "available",
        f"status API: shown ({data.get('visibility', 'public')})",
        author_handle=author_address(
            urlsplit(response.url).hostname or "", acct if isinstance(acct, str) else None
        ),
        author_name=account.get("display_name") or None,
        account_platform_id=str(account["id"]) if account.get("id") else None,
        posted_at=created[:19] + "Z" if isinstance(created, str) and len(created) >= 19 else None,
        text=strip_tags(str(data.get("content") or "")) or None,
        media=media,
    )
