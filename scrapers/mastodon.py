"""Pulls Mastodon (and other ActivityPub server) statuses out of a parsed page. Any host can run Mastodon, so
statuses are recognised by URL shape, not by a host list: ``https://<host>/@user/<id>``,
``/users/<user>/statuses/<id>``, ``/web/statuses/<id>``, and the ``/embed`` iframes and ``mastodon-embed``
blockquotes built from them. See docs/platforms.md §10.

The native id is ``<host>/<status id>``: a status id means nothing without its server. A remote status seen
through another server (``/@user@origin/<id>``) is that server's local copy and keeps that server's host.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .document import ParsedDocument
from .records import Found, PostRef
from .sightings import attribute, in_play, linked_ref, sighting
from .urls import split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "could_be", "post_ref", "scan", "status_url"]

NAME = "mastodon"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Mastodon",)
# Recognised by URL shape on any host (see the module docstring).
HOSTS = None
# In the "/@user/<id>" form a status id is a snowflake of 16 or more digits (Mastodon 2.0, 2017, on): other
# sites write that shape with short numbers, such as NewsBreak's channels ("newsbreak.com/@c/1599766" in a
# publisher's "Follow us" line). "/users/<user>/statuses/<id>" and "/web/statuses/<id>" are Mastodon's own
# paths and keep the older, shorter ids too.
_STATUS = re.compile(
    r"^/(?:web/)?(?:@(?P<user>[A-Za-z0-9_.-]+)(?:@[A-Za-z0-9_.-]+)?/(?P<id>\d{16,20})"
    r"|(?:users/(?P<user2>[A-Za-z0-9_.-]+)/statuses|statuses)/(?P<id2>\d{6,20}))(?:/embed)?/?$"
)
# Hosts that use the "/@user/<digits>" shape for things that are not ActivityPub statuses.
# Truth Social has Mastodon's shape but is its own platform (scrapers.truthsocial).
_NOT_MASTODON = frozenset(
    {"medium.com", "tiktok.com", "youtube.com", "threads.net", "threads.com", "bsky.app", "truthsocial.com"}
)


def status_url(host: str, native: str, user: str | None = None) -> str:
    """Canonical URL of a status on its server."""
    return f"https://{host}/@{user}/{native}" if user else f"https://{host}/web/statuses/{native}"


def could_be(url: str) -> bool:
    """Cheap pre-check the URL router runs on every link no host-owning platform claimed."""
    return "/@" in url or "/statuses/" in url


def post_ref(url: str) -> PostRef | None:
    """Map a Mastodon-shaped status URL on any host to ``host/status`` (kind ``post``); None otherwise.

    Profiles (``/@user``) are not recognised: on an arbitrary host that shape is too common to mean Mastodon.
    """
    if not could_be(url):
        return None
    parts = split(url)
    if parts is None or parts.host in _NOT_MASTODON or parts.host.endswith(".medium.com"):
        return None
    match = _STATUS.match(parts.path)
    if not match:
        return None
    user = match.group("user") or match.group("user2")
    native = match.group("id") or match.group("id2")
    return PostRef(NAME, f"{parts.host}/{native}", "post", status_url(parts.host, native, user), user)


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """``mastodon-embed`` blockquotes (4.3+) with ``data-embed-url``; iframes are read by the URL walk."""
    for node in in_play(doc.classed("mastodon-embed"), frozenset({"blockquote"})):
        url = attribute(node, "data-embed-url")
        ref = linked_ref(doc, url, post_ref) if url else None
        if ref is not None:
            yield sighting(doc, node, ref, "blockquote")
