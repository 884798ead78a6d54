"""Checks public Telegram channel posts with the embed page ``t.me/<channel>/<id>?embed=1&mode=tme``
(platforms.md §3.3). Telegram answers 200 even for missing posts, so the page itself is read: a
``tgme_widget_message_error`` "not found" box means gone, a message bubble means shown.
"""

from __future__ import annotations

import re

from embedtrail.scrapers.records import ERROR, CheckResult
from embedtrail.tracker.endpoints import Endpoint, Endpoints

from .base import Request, Response, Target, result, strip_tags, transient

__all__ = ["CANARY", "ENDPOINTS", "NAME", "PLATFORMS", "build", "classify"]

NAME = "telegram"
PLATFORMS = ("telegram",)
ENDPOINTS = {"telegram": Endpoint("https://t.me", "Telegram embed pages (`<base>/<channel>/<id>?embed=1`)")}
# A post `embedtrail doctor` expects this checker to find available.
CANARY = "https://t.me/durov/43"
_ERROR_BOX = re.compile(r'class="[^"]*tgme_widget_message_error[^"]*"[^>]*>(.*?)</div>', re.S | re.I)
_MESSAGE = re.compile(r'class="[^"]*\btgme_widget_message\b[^"]*"[^>]*data-post="([^"]+)"', re.I)
_OWNER = re.compile(r'class="tgme_widget_message_owner_name"[^>]*>(.*?)</a>', re.S | re.I)
_OWNER_LINK = re.compile(
    r'class="tgme_widget_message_owner_name"[^>]*href="https?://t\.me/([A-Za-z0-9_]+)"', re.I
)
_TEXT = re.compile(r'class="tgme_widget_message_text[^"]*"[^>]*>(.*?)</div>', re.S | re.I)
_TIME = re.compile(r'<time[^>]+datetime="(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})([^"]*)"', re.I)


def build(target: Target, endpoints: Endpoints) -> Request | None:
    """The embed page of ``channel/id``."""
    native = target.native_id or target.native
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{2,31}/\d{1,10}", native or ""):
        return None
    return Request(f"{endpoints.telegram.rstrip('/')}/{native}", params=(("embed", "1"), ("mode", "tme")))


def classify(response: Response) -> CheckResult:
    """Classify a Telegram embed page."""
    failed = transient(response)
    if failed is not None:
        return failed
    if response.status in (404, 410):
        return result(response, "not_found", f"embed page: HTTP {response.status}")
    if response.status != 200:
        return result(response, ERROR, f"embed page: unexpected HTTP {response.status}")
    page = response.text
    box = _ERROR_BOX.search(page)
    if box:
        message = strip_tags(box.group(1))
        if "not found" in message.lower():
            return result(response, "not_found", f"embed page: {message}")
        if "private" in message.lower():
            return result(response, "protected", f"embed page: {message}")
        return result(response, ERROR, f"embed page: unrecognised error box: {message}")
    if "channel is private" in page.lower():
        return result(response, "protected", "embed page: channel is private")
    if _MESSAGE.search(page):
        owner = _OWNER.search(page)
        link = _OWNER_LINK.search(page)
        text = _TEXT.search(page)
        when = _TIME.search(page)
        posted = None
        if when and when.group(2) in ("", "+00:00", "Z"):
            posted = when.group(1) + "Z"
        return result(
            response,
            "available",
            "embed page: message shown",
            author_handle=link.group(1) if link else None,
            author_name=strip_tags(owner.group(1)) if owner else None,
            text=strip_tags(text.group(1)) if text else None,
            posted_at=posted,
        )
    return result(response, ERROR, "embed page: no message and no error box (unrecognised page)")
