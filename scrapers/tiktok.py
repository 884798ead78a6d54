"""Pulls TikTok videos out of a parsed page: ``tiktok-embed`` blockquotes (``data-video-id``, ``cite``),
``/embed/v2/<id>`` and ``/player/v1/<id>`` iframes, ``amp-tiktok`` (whose ``data-src`` is an id or a URL) and
``/@user/video/<id>`` links. See docs/platforms.md §5.

Short links (``vm.tiktok.com``, ``vt.tiktok.com``, ``/t/…``) need a redirect to resolve and are not
recognised offline. Profile links are accounts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .document import ParsedDocument
from .records import Found, PostRef
from .sightings import attribute, in_play, linked_ref, sighting
from .urls import owned_host, split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "scan", "video_url"]

NAME = "tiktok"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("TikTok",)
HOSTS = frozenset({"tiktok.com", "m.tiktok.com", "tiktokv.com", "vm.tiktok.com", "vt.tiktok.com"})
_VIDEO = re.compile(
    r"^/(?:@(?P<user>[\w.-]+)/(?:video|photo)/|embed/(?:v2/)?|share/video/|player/v1/|v/)(?P<id>\d{15,20})(?:[/?#.]|$)"
)
_PROFILE = re.compile(r"^/@(?P<handle>[\w.-]{2,24})/?$")
_VALID = re.compile(r"^\d{15,20}$")


def video_url(native: str, user: str | None = None) -> str:
    """Canonical URL of a video."""
    return f"https://www.tiktok.com/@{user or '_'}/video/{native}"


def post_ref(url: str) -> PostRef | None:
    """Map a TikTok URL to a video id (kind ``video``) or a profile (kind ``account``)."""
    parts = split(url)
    if parts is None or not owned_host(parts.host, HOSTS):
        return None
    match = _VIDEO.match(parts.path)
    if match:
        native, user = match.group("id"), match.group("user")
        return PostRef(NAME, native, "video", video_url(native, user), user)
    profile = _PROFILE.match(parts.path)
    if profile:
        handle = profile.group("handle")
        return PostRef(NAME, "@" + handle.lower(), "account", f"https://www.tiktok.com/@{handle}", handle)
    return None


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """``blockquote.tiktok-embed[data-video-id]`` and ``amp-tiktok[data-src]`` (an id or a URL)."""
    for node in in_play(doc.classed("tiktok-embed"), frozenset({"blockquote"})):
        cite = attribute(node, "cite")
        ref = linked_ref(doc, cite, post_ref) if cite else None
        native = attribute(node, "data-video-id")
        if (ref is None or ref.kind == "account") and native and _VALID.match(native):
            ref = PostRef(NAME, native, "video", video_url(native))
        if ref is not None and ref.kind != "account":
            yield sighting(doc, node, ref, "blockquote")
    for node in in_play(doc.tagged("amp-tiktok")):
        source = attribute(node, "data-src")
        if not source:
            continue
        ref = PostRef(NAME, source, "video", video_url(source)) if _VALID.match(source) else post_ref(source)
        if ref is not None and ref.kind != "account":
            yield sighting(doc, node, ref, "amp")
