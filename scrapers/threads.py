"""Pulls Threads (Meta) posts out of a parsed page: ``text-post-media`` blockquotes
(``data-text-post-permalink``, ``id="ig-tp-<code>"``), ``/@user/post/<code>/embed`` iframes and post links on
``threads.net`` or ``threads.com``. See docs/platforms.md §11.

The native id is the Instagram-style shortcode. Profile links are accounts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .document import ParsedDocument
from .records import Found, PostRef
from .sightings import attribute, in_play, linked_ref, sighting
from .urls import owned_host, split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "post_url", "scan"]

NAME = "threads"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Threads",)
HOSTS = frozenset({"threads.net", "threads.com"})
_POST = re.compile(r"^/(?:@(?P<user>[\w.]+)/post|t)/(?P<code>[A-Za-z0-9_-]{5,})(?:/embed)?/?$")
_PROFILE = re.compile(r"^/@(?P<handle>[\w.]{1,30})/?$")
_TP_ID = re.compile(r"^ig-tp-(?P<code>[A-Za-z0-9_-]{5,})$")


def post_url(code: str, user: str | None = None) -> str:
    """Canonical URL of a post."""
    return f"https://www.threads.com/@{user}/post/{code}" if user else f"https://www.threads.com/t/{code}"


def post_ref(url: str) -> PostRef | None:
    """Map a Threads URL to a shortcode (kind ``post``) or a profile (kind ``account``)."""
    parts = split(url)
    if parts is None or not owned_host(parts.host, HOSTS):
        return None
    match = _POST.match(parts.path)
    if match:
        code, user = match.group("code"), match.group("user")
        return PostRef(NAME, code, "post", post_url(code, user), user)
    profile = _PROFILE.match(parts.path)
    if profile:
        handle = profile.group("handle")
        return PostRef(NAME, "@" + handle.lower(), "account", f"https://www.threads.com/@{handle}", handle)
    return None


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """``blockquote.text-post-media``: the permalink attribute, else the ``ig-tp-<code>`` element id."""
    for node in in_play(doc.classed("text-post-media"), frozenset({"blockquote"})):
        permalink = attribute(node, "data-text-post-permalink")
        ref = linked_ref(doc, permalink, post_ref) if permalink else None
        if ref is None or ref.kind == "account":
            match = _TP_ID.match(attribute(node, "id") or "")
            ref = PostRef(NAME, match.group("code"), "post", post_url(match.group("code"))) if match else None
        if ref is not None:
            yield sighting(doc, node, ref, "blockquote")
