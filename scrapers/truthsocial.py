"""Pulls Truth Social posts ("truths") out of a parsed page: ``truthsocial.com/@user/posts/<id>`` links, the
older ``/@user/<id>`` form, and the ``/embed`` iframes and ``truthsocial-embed`` blockquotes its embed code
builds. See docs/platforms.md §19.

Truth Social runs a fork of Mastodon on a single server, so its URLs have Mastodon's shape; owning the host
here keeps them from being read as a Mastodon status of an unknown server. The native id is the status id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .document import ParsedDocument
from .records import Found, PostRef
from .sightings import attribute, in_play, linked_ref, sighting
from .urls import split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "scan", "status_url"]

NAME = "truthsocial"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Truth Social",)
HOSTS = frozenset({"truthsocial.com"})
_STATUS = re.compile(r"^/@(?P<user>[A-Za-z0-9_]{1,30})/(?:posts/)?(?P<id>\d{15,20})(?:/embed)?/?$")
_PROFILE = re.compile(r"^/@(?P<user>[A-Za-z0-9_]{1,30})/?$")


def status_url(user: str, native: str) -> str:
    """Canonical URL of a truth."""
    return f"https://truthsocial.com/@{user}/posts/{native}"


def post_ref(url: str) -> PostRef | None:
    """Map a Truth Social status URL to its id (kind ``post``), a profile to the account; else None."""
    parts = split(url)
    if parts is None or parts.host not in HOSTS:
        return None
    match = _STATUS.match(parts.path)
    if match:
        user, native = match.group("user"), match.group("id")
        return PostRef(NAME, native, "post", status_url(user, native), user)
    profile = _PROFILE.match(parts.path)
    if profile:
        user = profile.group("user")
        return PostRef(NAME, "@" + user.lower(), "account", f"https://truthsocial.com/@{user}", user)
    return None


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """``truthsocial-embed`` blockquotes carrying the status in ``data-embed-url`` or a link; iframes are
    read by the URL walk."""
    for node in in_play(doc.classed("truthsocial-embed"), frozenset({"blockquote"})):
        url = attribute(node, "data-embed-url")
        ref = linked_ref(doc, url, post_ref) if url else None
        if ref is not None and ref.kind == "post":
            yield sighting(doc, node, ref, "blockquote")
