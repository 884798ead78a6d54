"""Checks YouTube videos with oEmbed (platforms.md §2.3): 200 JSON shown, 403 private, 401 embedding
disabled (the video exists), 404 gone; a 200 "Forbidden" body is the 2020 private-video answer.
"""

from __future__ import annotations

from embedtrail.scrapers.records import ERROR, CheckResult
from embedtrail.tracker.endpoints import Endpoint, Endpoints

from ._oembed import available, oembed_request
from .base import Request, Response, Target, result

__all__ = ["CANARY", "ENDPOINTS", "NAME", "PLATFORMS", "build", "classify", "watch_url"]

NAME = "youtube"
PLATFORMS = ("youtube",)
ENDPOINTS = {"youtube_oembed": Endpoint("https://www.youtube.com/oembed", "YouTube oEmbed")}
# A post `embedtrail doctor` expects this checker to find available.
CANARY = "https://www.youtube.com/watch?v=jNQXAC9IVRw"


def watch_url(target: Target) -> str | None:
    """The canonical watch URL (oEmbed answers oddly for embed URLs)."""
    video = target.native_id or target.native
    if video and len(video) == 11:
        return f"https://www.youtube.com/watch?v={video}"
    return target.url


def build(target: Target, endpoints: Endpoints) -> Request | None:
    """oEmbed for the watch URL."""
    url = watch_url(target)
    return oembed_request(endpoints.youtube_oembed, url) if url else None


def classify(response: Response) -> CheckResult:
    """Classify a YouTube oEmbed answer."""
    if response.status == 200 and response.body.strip() == b"Forbidden":
        return result(response, "protected", "oEmbed: 200 'Forbidden' (private video)")
    shown = available(response, "oEmbed")
    if shown is not None:
        return shown
    if response.status == 403:
        return result(response, "protected", "oEmbed: 403 (private video)")
    if response.status == 401:
        return result(
            response, "available", "oEmbed: 401 (embedding disabled by the owner; the video exists)"
        )
    if response.status in (404, 410):
        return result(response, "not_found", f"oEmbed: {response.status} (deleted or never existed)")
    return result(response, ERROR, f"oEmbed: unexpected HTTP {response.status}")
