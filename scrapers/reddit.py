"""Pulls Reddit posts out of a parsed page: ``reddit-embed-bq`` and legacy ``reddit-card`` blockquotes,
``embed.reddit.com``/``redditmedia.com`` iframes, ``amp-reddit`` and ``/comments/<id>`` or ``redd.it/<id>``
links. See docs/platforms.md §12.

The native id is the base36 post id (``t3_`` without its prefix); a comment permalink names its post.
Subreddits are communities, not accounts; ``/user/<name>`` and ``/u/<name>`` are accounts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import Tag

from .document import ParsedDocument
from .records import Found, PostRef
from .sightings import anchor_ref, in_play, linked_ref, sighting
from .urls import owned_host, split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "post_url", "scan"]

NAME = "reddit"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Reddit",)
HOSTS = frozenset(
    {
        "reddit.com",
        "old.reddit.com",
        "new.reddit.com",
        "np.reddit.com",
        "m.reddit.com",
        "i.reddit.com",
        "sh.reddit.com",
        "embed.reddit.com",
        "redditmedia.com",
        "embed.redditmedia.com",
        "redd.it",
    }
)
_POST = re.compile(r"^/(?:(?:r|u|user)/[^/]+/)?comments/(?P<id>[a-z0-9]{2,10})(?:[/?#]|$)", re.I)
_SHORT = re.compile(r"^/(?P<id>[a-z0-9]{2,10})/?$", re.I)
_USER = re.compile(r"^/(?:u|user)/(?P<handle>[A-Za-z0-9_-]{3,20})/?$")


def post_url(native: str) -> str:
    """Canonical URL of a post."""
    return f"https://www.reddit.com/comments/{native}/"


def post_ref(url: str) -> PostRef | None:
    """Map a Reddit URL to a post id (kind ``post``) or a user (kind ``account``)."""
    parts = split(url)
    if parts is None or not owned_host(parts.host, HOSTS):
        return None
    if parts.host == "redd.it":
        match = _SHORT.match(parts.path)
        native = match.group("id").lower() if match else None
        return PostRef(NAME, native, "post", post_url(native)) if native else None
    match = _POST.match(parts.path)
    if match:
        native = match.group("id").lower()
        return PostRef(NAME, native, "post", post_url(native))
    user = _USER.match(parts.path)
    if user:
        handle = user.group("handle")
        return PostRef(
            NAME, "@" + handle.lower(), "account", f"https://www.reddit.com/user/{handle}/", handle
        )
    return None


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """Pasted blockquote embeds: the first post link inside ``reddit-embed-bq``/``reddit-card`` names the post
    (later links are its author and subreddit)."""
    for node in in_play(doc.classed("reddit-embed-bq", "reddit-card"), frozenset({"blockquote"})):
        ref = anchor_ref(doc, node, post_ref)
        if ref is None:
            continue
        author: str | None = None
        for anchor in node.tag.find_all("a", href=True):
            href = anchor.get("href") if isinstance(anchor, Tag) else None
            account = linked_ref(doc, href, post_ref) if isinstance(href, str) else None
            if account is not None and account.kind == "account":
                author = account.handle
                break
        yield sighting(doc, node, ref, "blockquote", author_handle=author)
