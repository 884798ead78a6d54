"""Pulls VK videos and clips out of a parsed page: ``video_ext.php?oid=&id=`` player iframes and
``vk.com``/``vkvideo.ru`` ``/video<owner>_<id>`` and ``/clip<owner>_<id>`` links (also the ``?z=video…``
overlay form).

The native id is ``<owner id>_<video id>`` (``-22822305_456239018``); a negative owner is a community.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .document import ParsedDocument
from .records import Found, PostRef
from .urls import split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "scan", "video_url"]

NAME = "vkvideo"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("VK", "VKontakte", "VK Video")
HOSTS = frozenset({"vk.com", "m.vk.com", "vk.ru", "m.vk.ru", "vkvideo.ru", "m.vkvideo.ru", "vkontakte.ru"})
_OWNER_ITEM = r"(?P<oid>-?\d{1,20})_(?P<id>\d{1,20})"
_PATH = re.compile(r"^/(?:video|clip)" + _OWNER_ITEM + r"/?$")
_OVERLAY = re.compile(r"^(?:video|clip)" + _OWNER_ITEM + r"(?:/|$)")
_DIGITS = re.compile(r"^-?\d{1,20}$")


def video_url(native: str) -> str:
    """Canonical URL of a video."""
    return f"https://vk.com/video{native}"


def _ref(owner: str, item: str) -> PostRef:
    native = f"{owner}_{item}"
    return PostRef(NAME, native, "video", video_url(native))


def post_ref(url: str) -> PostRef | None:
    """Map a VK video URL to ``<owner>_<id>`` (kind ``video``); anything else on VK to None."""
    parts = split(url)
    if parts is None or parts.host not in HOSTS:
        return None
    match = _PATH.match(parts.path)
    if match:
        return _ref(match.group("oid"), match.group("id"))
    if parts.path.rstrip("/") == "/video_ext.php":
        owner, item = parts.param("oid"), parts.param("id")
        if owner and item and _DIGITS.match(owner) and item.isdigit():
            return _ref(owner, item)
        return None
    overlay = parts.param("z")
    match = _OVERLAY.match(overlay) if overlay else None
    return _ref(match.group("oid"), match.group("id")) if match else None


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """VK players carry their ids in an iframe ``src``, which the URL walk reads: nothing to add."""
    return iter(())
