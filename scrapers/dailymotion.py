"""Pulls Dailymotion videos out of a parsed page: ``/embed/video/<id>`` and ``geo.dailymotion.com``
player iframes, player scripts with ``data-video``, ``amp-dailymotion`` and ``dailymotion.com/video/<id>`` or
``dai.ly/<id>`` links. See docs/platforms.md §8.

The id is the part of the path segment before the first ``_`` (a slug follows it); playlists are collections.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .document import ParsedDocument
from .records import Found, PostRef
from .sightings import attribute, in_play, sighting
from .urls import owned_host, split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "scan", "video_url"]

NAME = "dailymotion"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Dailymotion",)
HOSTS = frozenset(
    {
        "dailymotion.com",
        "touch.dailymotion.com",
        "geo.dailymotion.com",
        "dai.ly",
        "dailymotion.fr",
        "dailymotion.de",
    }
)
_ID = r"(?P<id>x[0-9a-z]{3,12})(?![0-9a-z])"
_PATH = re.compile(r"^/(?:(?:crawler|embed|swf)/)?video/" + _ID, re.I)
_SHORT = re.compile(r"^/" + _ID, re.I)
_PLAYER = re.compile(r"^/player(?:/[0-9a-z]+)?\.html$", re.I)
_VALID = re.compile("^" + _ID + "$", re.I)
_PROFILE = re.compile(r"^/(?P<handle>[A-Za-z0-9_-]{3,40})/?$")
_RESERVED = frozenset(
    {
        "video",
        "embed",
        "playlist",
        "channel",
        "channels",
        "us",
        "fr",
        "de",
        "es",
        "legal",
        "signin",
        "signup",
        "settings",
        "search",
        "library",
        "following",
        "partner",
        "about",
        "contact",
        "faq",
        "upload",
    }
)


def video_url(native: str) -> str:
    """Canonical URL of a video."""
    return f"https://www.dailymotion.com/video/{native}"


def _ref(native: str) -> PostRef:
    return PostRef(NAME, native, "video", video_url(native))


def post_ref(url: str) -> PostRef | None:
    """Map a Dailymotion URL to a video id (kind ``video``) or a channel (kind ``account``)."""
    parts = split(url)
    if parts is None or not owned_host(parts.host, HOSTS):
        return None
    path = parts.path
    if parts.host == "dai.ly":
        match = _SHORT.match(path)
        return _ref(match.group("id")) if match else None
    match = _PATH.match(path)
    if match:
        return _ref(match.group("id"))
    if _PLAYER.match(path):
        value = parts.param("video")
        return _ref(value) if value and _VALID.match(value) else None
    profile = _PROFILE.match(path) if parts.host == "dailymotion.com" else None
    if (
        profile
        and profile.group("handle").lower() not in _RESERVED
        and not _VALID.match(profile.group("handle"))
    ):
        handle = profile.group("handle")
        return PostRef(NAME, "@" + handle.lower(), "account", f"https://www.dailymotion.com/{handle}", handle)
    return None


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """Elements whose id is not in a URL: ``amp-dailymotion[data-videoid]`` and player scripts or divs
    carrying ``data-video`` next to a Dailymotion ``src``."""
    for node in in_play(doc.tagged("amp-dailymotion")):
        native = attribute(node, "data-videoid")
        if native and _VALID.match(native):
            yield sighting(doc, node, _ref(native), "amp")
    for node in in_play(doc.with_attribute("data-video")):
        native = attribute(node, "data-video")
        source = attribute(node, "src", "data-player-src") or ""
        if native and _VALID.match(native) and "dailymotion" in source:
            yield sighting(doc, node, _ref(native), "script" if node.tag.name == "script" else "embed")
