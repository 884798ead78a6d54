"""Pulls Vimeo videos out of a parsed page: ``player.vimeo.com/video/<id>`` iframes, ``amp-vimeo`` and
``lite-vimeo`` elements, the old Flash player (``moogaloop.swf?clip_id=<id>``) and ``vimeo.com/<id>`` links
(channels, groups, albums and showcases included). See docs/platforms.md §7.

An unlisted video's hash (``/<id>/<hash>`` or ``?h=<hash>``) is kept in the post URL, since the video cannot
be reached without it; the id alone names the post. Showcases, albums and on-demand pages are collections.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .document import ParsedDocument
from .records import Found, PostRef
from .sightings import attribute, in_play, sighting
from .urls import owned_host, split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "scan", "video_url"]

NAME = "vimeo"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Vimeo",)
HOSTS = frozenset({"vimeo.com", "player.vimeo.com"})
# The greedy prefix makes the last numeric segment the id, so album/showcase/channel ids before it are
# skipped.
_VIDEO = re.compile(r"^/(?:[^?#]*/)?(?P<id>\d{5,12})(?:/(?P<hash>[0-9a-f]{10}))?/?$")
_COLLECTION = re.compile(r"^/(?:showcase|album|ondemand|channels|groups|event|categories)/[^/]+/?$", re.I)
_VALID = re.compile(r"^\d{5,12}$")
_VIDSTACK_PREFIX = "vimeo/"
_PROFILE = re.compile(r"^/(?P<handle>[A-Za-z][A-Za-z0-9_]{2,40})/?$")
_RESERVED = frozenset(
    {
        "channels",
        "groups",
        "album",
        "showcase",
        "ondemand",
        "categories",
        "watch",
        "join",
        "log_in",
        "login",
        "upload",
        "features",
        "pricing",
        "help",
        "about",
        "blog",
        "jobs",
        "search",
        "settings",
        "home",
        "create",
        "api",
        "legal",
        "privacy",
        "terms",
        "cookie_policy",
        "enterprise",
        "solutions",
        "stock",
        "live",
        "event",
    }
)


def video_url(native: str, unlisted_hash: str | None = None) -> str:
    """Canonical URL of a video (with its unlisted hash, when it has one)."""
    return f"https://vimeo.com/{native}" + (f"/{unlisted_hash}" if unlisted_hash else "")


def post_ref(url: str) -> PostRef | None:
    """Map a Vimeo URL to a video id (kind ``video``) or a user (kind ``account``)."""
    parts = split(url)
    if parts is None or not owned_host(parts.host, HOSTS):
        return None
    path = parts.path
    # The Flash player embedded before 2013: <embed src="vimeo.com/moogaloop.swf?clip_id=47149346">.
    if path.startswith("/moogaloop"):
        clip = parts.param("clip_id")
        return PostRef(NAME, clip, "video", video_url(clip)) if clip and _VALID.match(clip) else None
    match = _VIDEO.match(path)
    if match and not _COLLECTION.match(path):
        native = match.group("id")
        unlisted = match.group("hash") or parts.param("h")
        return PostRef(NAME, native, "video", video_url(native, unlisted))
    profile = _PROFILE.match(path) if parts.host == "vimeo.com" else None
    if profile and profile.group("handle").lower() not in _RESERVED:
        handle = profile.group("handle")
        return PostRef(NAME, "@" + handle.lower(), "account", f"https://vimeo.com/{handle}", handle)
    return None


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """Elements whose id is not in a URL: ``amp-vimeo[data-videoid]``, ``lite-vimeo[videoid]``, and any
    element with ``data-vimeo-id``, which Vimeo's own player.js turns into the player, and Vidstack's
    ``media-player[src="vimeo/<id>"]``."""
    for node in in_play(doc.tagged("amp-vimeo", "lite-vimeo")):
        native = attribute(node, "data-videoid", "videoid")
        if native and _VALID.match(native):
            method = "amp" if node.tag.name == "amp-vimeo" else "embed"
            yield sighting(doc, node, PostRef(NAME, native, "video", video_url(native)), method)
    # Vidstack's player names its source by provider and id: <media-player src="vimeo/640499893">.
    for node in in_play(doc.tagged("media-player")):
        source = attribute(node, "src")
        native = source[len(_VIDSTACK_PREFIX) :] if source and source.startswith(_VIDSTACK_PREFIX) else None
        if native and _VALID.match(native):
            yield sighting(doc, node, PostRef(NAME, native, "video", video_url(native)), "embed")
    for node in in_play(doc.with_attribute("data-vimeo-id")):
        native = attribute(node, "data-vimeo-id")
        if native and _VALID.match(native):
            yield sighting(doc, node, PostRef(NAME, native, "video", video_url(native)), "embed")
