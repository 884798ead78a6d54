"""Wayback Machine lookups and Save Page Now requests for posts and articles (platforms.md §15.1, §15.3).

Not a status checker: a snapshot is an orthogonal fact. ``classify_lookup`` reads the availability API
(a capture counts only when its archived status is 200); ``classify_save`` reads an SPN2 answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from embedtrail.tracker.endpoints import Endpoint, Endpoints

from .base import Request, Response, json_body, parse_retry_after

__all__ = [
    "CANARY",
    "ENDPOINTS",
    "NAME",
    "Lookup",
    "Saved",
    "build_lookup",
    "build_save",
    "classify_lookup",
    "classify_save",
    "timestamp_iso",
]


NAME = "wayback"
ENDPOINTS = {
    "wayback_available": Endpoint("https://archive.org/wayback/available", "Wayback availability API"),
    "wayback_save": Endpoint("https://web.archive.org/save", "Save Page Now"),
}
# A page `embedtrail doctor` expects the availability API to answer for.
CANARY = "https://example.com/"


@dataclass(frozen=True, slots=True)
class Lookup:
    """An availability answer: a snapshot (``archive_url``, ``captured_at``), none, or an ``error``."""

    archive_url: str | None = None
    captured_at: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Saved:
    """An SPN2 answer: ``state`` is ``accepted``, ``recent`` (captured lately), ``failed`` (permanent) or
    ``error`` (try again later, after ``retry_after`` seconds when given)."""

    state: str
    detail: str
    job_id: str | None = None
    retry_after: float | None = None


def timestamp_iso(timestamp: str) -> str | None:
    """``20130919044612`` → ``2013-09-19T04:46:12Z``."""
    if len(timestamp) != 14 or not timestamp.isdigit():
        return None
    t = timestamp
    return f"{t[0:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}Z"


def build_lookup(url: str, endpoints: Endpoints) -> Request:
    """The availability API request for ``url``."""
    return Request(endpoints.wayback_available, params=(("url", url),))


def classify_lookup(response: Response) -> Lookup:
    """Read an availability answer."""
    if response.status != 200:
        return Lookup(error=f"availability API: {response.status or response.error}")
    data = json_body(response)
    if not isinstance(data, dict):
        return Lookup(error="availability API: not JSON")
    snapshots = data.get("archived_snapshots")
    closest = snapshots.get("closest") if isinstance(snapshots, dict) else None
    if not isinstance(closest, dict) or not closest.get("available") or str(closest.get("status")) != "200":
        return Lookup()
    url = closest.get("url")
    if isinstance(url, str) and url.startswith("http://web.archive.org/"):
        url = "https://" + url[len("http://") :]
    return Lookup(
        archive_url=url if isinstance(url, str) else None,
        captured_at=timestamp_iso(str(closest.get("timestamp", ""))),
    )


def build_save(url: str, endpoints: Endpoints, access_key: str | None, secret_key: str | None) -> Request:
    """The SPN2 ``POST /save`` request; credentials are sent only when both are configured."""
    headers: tuple[tuple[str, str], ...] = (("Accept", "application/json"),)
    if access_key and secret_key:
        headers += (("Authorization", f"LOW {access_key}:{secret_key}"),)
    return Request(
        endpoints.wayback_save,
        method="POST",
        headers=headers,
        data=(("url", url), ("if_not_archived_within", "30d")),
    )


_TRANSIENT = ("bad-gateway", "service-unavailable", "user-session-limit", "too-many", "max-daily")


def classify_save(response: Response) -> Saved:
    """Read an SPN2 save answer."""
    if response.status is None:
        return Saved("error", f"no response: {response.error}")
    if response.status == 429:
        return Saved(
            "error", "rate limited (429)", retry_after=parse_retry_after(response.header("retry-after"))
        )
    if response.status >= 500:
        return Saved("error", f"server error ({response.status})")
    data = json_body(response)
    if not isinstance(data, dict):
        return Saved("error", f"SPN2: HTTP {response.status}, not JSON")
    if data.get("job_id"):
        return Saved("accepted", "capture requested", job_id=str(data["job_id"]))
    message = str(data.get("message") or "")
    if "same snapshot" in message.lower():
        return Saved("recent", message)
    if data.get("status") == "error" or response.status >= 400:
        ext = str(data.get("status_ext") or "")
        state = "error" if any(word in ext for word in _TRANSIENT) or response.status == 401 else "failed"
        return Saved(state, f"SPN2: {ext or response.status}: {message}".strip())
    return Saved("error", f"SPN2: unrecognised answer: {message[:100]}")
