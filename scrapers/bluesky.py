"""Pulls Bluesky posts out of a parsed page: ``bluesky-embed`` blockquotes (``data-bluesky-uri``, an
``at://`` URI), ``embed.bsky.app`` iframes and ``bsky.app/profile/<actor>/post/<rkey>`` links. See
docs/platforms.md §9.

The native id is ``<actor>/<rkey>``, where the actor is a handle (lower-cased) or a DID, as the page gives
it; resolving handles to DIDs needs the network and is left to the refresh stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from .document import ParsedDocument
from .records import Found, PostRef
from .sightings import attribute, in_play, sighting
from .urls import split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "at_uri_ref", "post_ref", "post_url", "scan"]

NAME = "bluesky"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Bluesky",)
HOSTS = frozenset({"bsky.app", "main.bsky.dev", "embed.bsky.app", "staging.bsky.app"})
_ACTOR = r"(?P<actor>did:[a-z0-9]+:[A-Za-z0-9._:%-]+|[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,})"
_RKEY = r"(?P<rkey>[2-7a-z]{13})"
_WEB = re.compile(r"^/profile/" + _ACTOR + r"/post/" + _RKEY + r"/?$")
_EMBED = re.compile(r"^/embed/" + _ACTOR + r"/app\.bsky\.feed\.post/" + _RKEY + r"/?$")
_AT = re.compile(r"^at://" + _ACTOR + r"/app\.bsky\.feed\.post/" + _RKEY + r"$")
_PROFILE = re.compile(r"^/profile/" + _ACTOR + r"/?$")


def post_url(actor: str, rkey: str) -> str:
    """Canonical web URL of a post."""
    return f"https://bsky.app/profile/{actor}/post/{rkey}"


def _ref(actor: str, rkey: str) -> PostRef:
    actor = unquote(actor)
    actor = actor if actor.startswith("did:") else actor.lower()
    handle = None if actor.startswith("did:") else actor
    return PostRef(NAME, f"{actor}/{rkey}", "post", post_url(actor, rkey), handle)


def at_uri_ref(uri: str) -> PostRef | None:
    """Map an ``at://<actor>/app.bsky.feed.post/<rkey>`` URI to a post."""
    match = _AT.match(uri.strip())
    return _ref(match.group("actor"), match.group("rkey")) if match else None


def post_ref(url: str) -> PostRef | None:
    """Map a Bluesky URL (web, embed iframe or ``at://``) to a post (``post``) or a profile (``account``)."""
    if url.startswith("at://"):
        return at_uri_ref(url)
    parts = split(url)
    if parts is None or parts.host not in HOSTS:
        return None
    match = _WEB.match(parts.path) or _EMBED.match(parts.path)
    if match:
        return _ref(match.group("actor"), match.group("rkey"))
    profile = _PROFILE.match(parts.path)
    if profile:
        actor = unquote(profile.group("actor"))
        handle = actor if actor.startswith("did:") else actor.lower()
        return PostRef(NAME, "@" + handle, "account", f"https://bsky.app/profile/{actor}", actor)
    return None


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """``blockquote.bluesky-embed[data-bluesky-uri]``; the post link inside it names the same post."""
    for node in in_play(doc.with_attribute("data-bluesky-uri")):
        uri = attribute(node, "data-bluesky-uri")
        ref = at_uri_ref(uri) if uri else None
        if ref is not None:
            yield sighting(doc, node, ref, "blockquote" if node.tag.name == "blockquote" else "embed")
