"""Checks Vimeo videos with oEmbed (platforms.md §7.3): a truncated answer (no title or author, embed
privacy) is still ``available``; 404 gone or unlisted without hash; 403 embedding disabled.
"""

from __future__ import annotations

from dataclasses import replace

from embedtrail.scrapers.records import ERROR, CheckResult
from embedtrail.tracker.endpoints import Endpoint, Endpoints

from ._oembed import available, oembed_request
from .base import Request, Response, Target, json_body, result

__all__ = ["CANARY", "ENDPOINTS", "NAME", "PLATFORMS", "build", "classify"]

NAME = "vimeo"
PLATFORMS = ("vimeo",)
ENDPOINTS = {"vimeo_oembed": Endpoint("https://vimeo.com/api/oembed.json", "Vimeo oEmbed")}
# A post `embedtrail doctor` expects this checker to find available.
CANARY = "https://vimeo.com/76979871"


def build(target: Target, endpoints: Endpoints) -> Request | None:
    """oEmbed for the post URL (which keeps the unlisted hash), else ``vimeo.com/<id>``."""
    url = target.url or (f"https://vimeo.com/{target.native}" if target.native else None)
    return oembed_request(endpoints.vimeo_oembed, url, json_format=False) if url else None


def classify(response: Response) -> CheckResult:
    """Classify a Vimeo oEmbed answer."""
    shown = available(response, "oEmbed")
    if shown is not None:
        data = json_body(response)
        if shown.status == "available" and isinstance(data, dict) and "title" not in data:
            return replace(shown, detail="oEmbed: shown, metadata withheld (embed or password privacy)")
        return shown
    if response.status == 404:
        return result(response, "not_found", "oEmbed: 404 (deleted, private, or unlisted without its hash)")
    if response.status == 403:
        return result(response, "restricted", "oEmbed: 403 (embedding disabled)")
    return result(response, ERROR, f"oEmbed: unexpected HTTP {response.status}")
