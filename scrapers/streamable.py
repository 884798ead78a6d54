"""Pulls Streamable videos out of a parsed page: ``streamable.com/e/<code>`` and ``/o/<code>`` player
iframes and ``streamable.com/<code>`` links.

The native id is the short code in the URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .document import ParsedDocument
from .records import Found, PostRef
from .urls import split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "scan", "video_url"]

NAME = "streamable"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Streamable",)
HOSTS = frozenset({"streamable.com"})
_VIDEO = re.compile(r"^/(?:(?:e|o|s|t)/)?(?P<code>[a-z0-9]{3,10})(?:/[^?#]*)?$", re.I)
_RESERVED = frozenset(
    {
        "login",
        "signup",
        "about",
        "blog",
        "terms",
        "privacy",
        "pricing",
        "upload",
        "documentation",
        "settings",
        "careers",
        "clipper",
        "contact",
        "dmca",
        "help",
        "embed",
        "videos",
        "oembed",
        "community",
        "support",
    }
)


def video_url(code: str) -> str:
    """Canonical URL of a video."""
    return f"https://streamable.com/{code}"


def post_ref(url: str) -> PostRef | None:
    """Map a Streamable URL to its short code (kind ``video``); site pages to None."""
    parts = split(url)
    if parts is None or parts.host not in HOSTS:
        return None
    match = _VIDEO.match(parts.path)
    if not match or match.group("code").lower() in _RESERVED:
        return None
    code = match.group("code").lower()
    return PostRef(NAME, code, "video", video_url(code))


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """Streamable players carry their code in an iframe ``src``, which the URL walk reads: nothing to add."""
    return iter(())
