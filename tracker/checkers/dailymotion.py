"""Checks Dailymotion videos with oEmbed (platforms.md §8.3): 200 shown, 404 gone, 403 private; the
Data API's error JSON (``type: not_found``) is read too when an endpoint answers with it.
"""

from __future__ import annotations

from embedtrail.scrapers.records import ERROR, CheckResult
from embedtrail.tracker.endpoints import Endpoint, Endpoints

from ._oembed import available, oembed_request
from .base import Request, Response, Target, json_body, result

__all__ = ["CANARY", "ENDPOINTS", "NAME", "PLATFORMS", "build", "classify"]

NAME = "dailymotion"
PLATFORMS = ("dailymotion",)
ENDPOINTS = {
    "dailymotion_oembed": Endpoint("https://www.dailymotion.com/services/oembed", "Dailymotion oEmbed")
}
# A post `embedtrail doctor` expects this checker to find available.
CANARY = "https://www.dailymotion.com/video/x7tgad0"


def build(target: Target, endpoints: Endpoints) -> Request | None:
    """oEmbed for the canonical video URL."""
    video = target.native_id or target.native
    url = f"https://www.dailymotion.com/video/{video}" if video else target.url
    return oembed_request(endpoints.dailymotion_oembed, url) if url else None


def classify(response: Response) -> CheckResult:
    """Classify a Dailymotion oEmbed (or Data API error) answer."""
    shown = available(response, "oEmbed")
    if shown is not None:
        return shown
    data = json_body(response)
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict) and error.get("type") == "not_found":
        return result(response, "not_found", f"API: {error.get('message', 'not found')}")
    if response.status in (404, 410):
        return result(response, "not_found", f"oEmbed: {response.status}")
    if response.status == 403:
        return result(response, "protected", "oEmbed: 403 (private video)")
    return result(response, ERROR, f"oEmbed: unexpected HTTP {response.status}")
