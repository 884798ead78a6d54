"""Pulls Telegram channel posts out of a parsed page: the widget script (``data-telegram-post``), its
rendered iframe, ``t.me`` / ``telegram.me`` / ``telegram.dog`` links and ``?embed=1`` URLs.

Private-group links (``t.me/c/...``), invites and bare channel links are not posts; channel links are
recorded as accounts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .document import BOILERPLATE, ParsedDocument
from .records import Found, Post, PostRef
from .urls import split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "post_url", "scan"]

NAME = "telegram"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Telegram",)
HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})
_POST = re.compile(r"^/(?:s/)?(?P<channel>[A-Za-z][A-Za-z0-9_]{2,31})/(?P<id>\d{1,10})/?$")
_CHANNEL = re.compile(r"^/(?:s/)?(?P<channel>[A-Za-z][A-Za-z0-9_]{3,31})/?$")
_WIDGET = re.compile(r"^(?P<channel>[A-Za-z][A-Za-z0-9_]{2,31})/(?P<id>\d{1,10})$")
_RESERVED = frozenset(
    {
        "s",
        "c",
        "joinchat",
        "addstickers",
        "addemoji",
        "share",
        "proxy",
        "socks",
        "iv",
        "login",
        "addlist",
        "boost",
        "setlanguage",
        "confirmphone",
        "contact",
        "bg",
        "addtheme",
    }
)


def post_url(channel: str, message: str) -> str:
    """Canonical URL of a channel post."""
    return f"https://t.me/{channel}/{message}"


def post_ref(url: str) -> PostRef | None:
    """Map a Telegram URL to ``channel/message`` (kind ``post``) or a channel (kind ``account``)."""
    parts = split(url)
    if parts is None or parts.host not in HOSTS:
        return None
    match = _POST.match(parts.path)
    if match and match.group("channel").lower() not in _RESERVED:
        channel, message = match.group("channel"), match.group("id")
        native = f"{channel.lower()}/{message}"
        return PostRef(NAME, native, "post", post_url(channel, message), channel)
    match = _CHANNEL.match(parts.path)
    if match and match.group("channel").lower() not in _RESERVED:
        channel = match.group("channel")
        return PostRef(NAME, "@" + channel.lower(), "account", f"https://t.me/{channel}", channel)
    return None


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """Widget scripts and blockquotes carrying ``data-telegram-post="channel/id"``."""
    for node in doc.with_attribute("data-telegram-post"):
        if node.zone == BOILERPLATE:
            continue
        value = node.tag.get("data-telegram-post")
        match = _WIDGET.match(value.strip()) if isinstance(value, str) else None
        if not match:
            continue
        channel, message = match.group("channel"), match.group("id")
        native = f"{channel.lower()}/{message}"
        post = Post(
            f"{NAME}:{native}", NAME, "post", post_url(channel, message), native, author_handle=channel
        )
        method = "script" if node.tag.name == "script" else "blockquote"
        yield Found(post, method, node.position, doc.block_text(node), block=node.block)
