"""Checks TikTok videos with oEmbed (platforms.md §5.3): JSON with ``html`` is shown; JSON with
``status_msg`` and no ``html`` (HTTP 200 or 4xx) means deleted or private, which TikTok does not tell apart.
"""

from __future__ import annotations

from embedtrail.scrapers.records import ERROR, CheckResult
from embedtrail.tracker.endpoints import Endpoint, Endpoints

from ._oembed import available, oembed_request
from .base import Request, Response, Target, json_body, result, transient

__all__ = ["CANARY", "ENDPOINTS", "NAME", "PLATFORMS", "build", "classify"]

NAME = "tiktok"
PLATFORMS = ("tiktok",)
ENDPOINTS = {"tiktok_oembed": Endpoint("https://www.tiktok.com/oembed", "TikTok oEmbed")}
# A post `embedtrail doctor` expects this checker to find available.
CANARY = "https://www.tiktok.com/@scout2015/video/6718335390845095173"


def build(target: Target, endpoints: Endpoints) -> Request | None:
    """oEmbed for the video URL."""
    url = target.url or (
        f"https://www.tiktok.com/@/video/{target.native}" if target.native.isdigit() else None
    )
    return oembed_request(endpoints.tiktok_oembed, url, json_format=False) if url else None


def classify(response: Response) -> CheckResult:
    """Classify a TikTok oEmbed answer."""
    failed = transient(response)
    if failed is not None:
        return failed
    data = json_body(response)
    if isinstance(data, dict) and "status_msg" in data and "html" not in data:
        code = data.get("status_code")
        return result(
            response,
            "not_found",
            f"oEmbed: {data['status_msg']}" + (f" (status_code {code})" if code is not None else ""),
        )
    shown = available(response, "oEmbed")
    if shown is not None:
        return shown
    if response.status == 404:
        return result(response, "not_found", "oEmbed: 404")
    return result(response, ERROR, f"oEmbed: unexpected HTTP {response.status}")
