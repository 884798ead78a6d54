"""Pulls Rumble videos out of a parsed page: ``rumble.com/embed/<id>/`` iframes and
``rumble.com/v<id>-<slug>.html`` links.

Rumble gives a video two ids, one in its page URL and one in its embed URL, and which pairs with which is
only known to Rumble; each is kept as it appears (``rumble:v1a2b3c``). Channel and user pages are accounts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .document import ParsedDocument
from .records import Found, PostRef
from .urls import split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "scan"]

NAME = "rumble"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Rumble",)
HOSTS = frozenset({"rumble.com"})
_EMBED = re.compile(r"^/embed/(?:[0-9a-z]+\.)?(?P<id>v[0-9a-z]{3,12})/?$", re.I)
_PAGE = re.compile(r"^/(?P<id>v[0-9a-z]{3,12})(?:-[^/]*)?(?:\.html)?/?$", re.I)
_ACCOUNT = re.compile(r"^/(?:c|user)/(?P<handle>[A-Za-z0-9_-]{2,60})/?$")


def post_ref(url: str) -> PostRef | None:
    """Map a Rumble URL to a video id (kind ``video``) or a channel/user (kind ``account``)."""
    parts = split(url)
    if parts is None or parts.host not in HOSTS:
        return None
    match = _EMBED.match(parts.path) or _PAGE.match(parts.path)
    if match:
        native = match.group("id").lower()
        return PostRef(
            NAME,
            native,
            "video",
            f"https://rumble.com/embed/{native}/"
            if parts.path.startswith("/embed/")
            else f"https://rumble.com{parts.path}",
        )
    account = _ACCOUNT.match(parts.path)
    if account:
        handle = account.group("handle")
        return PostRef(
            NAME, "@" + handle.lower(), "account", f"https://rumble.com{parts.path.rstrip('/')}", handle
        )
    return None


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """Rumble embeds all carry their id in an iframe ``src``, which the URL walk reads: nothing to add."""
    return iter(())
