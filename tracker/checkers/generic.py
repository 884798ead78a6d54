"""The fallback check for posts on platforms without their own checker: GET the post URL. Only clear
answers count (200 shown, 404 not found, 410 gone, 451 unavailable for legal reasons); 401/403 are usually
login walls or bot blocks, so they are ``error``, never an obituary. Platforms whose public pages are
login walls (``EXCLUDED_PLATFORMS``) are not checked at all.
"""

from __future__ import annotations

from embedtrail.scrapers.records import ERROR, UNCHECKABLE_PLATFORMS, CheckResult
from embedtrail.tracker.endpoints import Endpoint, Endpoints

from .base import Request, Response, Target, result, transient

__all__ = ["CANARY", "ENDPOINTS", "EXCLUDED_PLATFORMS", "NAME", "PLATFORMS", "build", "classify"]

NAME = "generic"
PLATFORMS = ("generic", "web", "video")
# A plain GET of the post's own URL: no endpoint to configure.
ENDPOINTS: dict[str, Endpoint] = {}
# A post `embedtrail doctor` expects this checker to find available.
CANARY = "https://example.com/"
# No anonymous availability check exists for these: a GET sees a login wall.
EXCLUDED_PLATFORMS = UNCHECKABLE_PLATFORMS


def build(target: Target, endpoints: Endpoints) -> Request | None:
    """GET the post URL (http or https only)."""
    if not target.url or not target.url.lower().startswith(("http://", "https://")):
        return None
    return Request(target.url)


def classify(response: Response) -> CheckResult:
    """Classify a plain GET of the post page."""
    failed = transient(response)
    if failed is not None:
        return failed
    status = response.status or 0
    if 200 <= status < 300:
        return result(response, "available", f"GET: {status}")
    if status == 404:
        return result(response, "not_found", "GET: 404")
    if status == 410:
        return result(response, "deleted", "GET: 410 Gone")
    if status == 451:
        return result(response, "restricted", "GET: 451 unavailable for legal reasons")
    return result(response, ERROR, f"GET: HTTP {status}")
