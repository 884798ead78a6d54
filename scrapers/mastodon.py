"""Pulls Mastodon (and other ActivityPub server) statuses out of a parsed page. Any host can run Mastodon, so
statuses are recognised by URL shape, not by a host list: ``https://<host>/@user/<id>``,
``/users/<user>/statuses/<id>``, ``/web/statuses/<id>``, and the ``/embed`` iframes and ``mastodon-embed``
blockquotes built from them. See docs/platforms.md §10.

The native id is ``<host>/<status id>``: a status id means nothing without its server. A remote status seen
through another server (``/@user@origin/<id>``) is that server's local copy and keeps that server's host.
An author is named by their full address, ``user@server``: "alice" on one server is not "alice" on another.
A profile (``/@user``) is an account only where the shape cannot mean anything else: on a server whose name
says Mastodon (``mastodon.social``, ``fosstodon.org``, ``mstdn.jp``), in the fediverse address form
``/@user@server`` (a server's view of a remote profile; Plume's ``/@/user@server``), or on a server the page
cites a status on (the link scan asks ``profile_ref`` with those servers, ``links.Router.profile``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .document import ParsedDocument
from .records import Found, PostRef
from .sightings import attribute, in_play, linked_ref, sighting
from .urls import SplitUrl, split

__all__ = [
    "HOSTS",
    "NAME",
    "PROSE_NAMES",
    "author_address",
    "could_be",
    "post_ref",
    "profile_ref",
    "scan",
    "status_url",
    "thread_anchor",
]

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
    r"^/(?:web/)?(?:@(?P<user>[A-Za-z0-9_.-]+)(?:@(?P<origin>[A-Za-z0-9_.-]+))?/(?P<id>\d{16,20})"
    r"|(?:users/(?P<user2>[A-Za-z0-9_.-]+)/statuses|statuses)/(?P<id2>\d{6,20}))(?:/embed)?/?$"
)
_USER = r"[A-Za-z0-9_][A-Za-z0-9_.-]*"
# A profile: "/@user" (with a tab such as "/with_replies"), or the address forms "/@user@server" and
# "/@/user@server".
_PROFILE = re.compile(
    rf"^/@/?(?P<user>{_USER})(?:@(?P<server>[a-z0-9-]+(?:\.[a-z0-9-]+)+))?(?:/(?:with_replies|media))?/?$",
    re.IGNORECASE,
)
# Names only Mastodon servers take: a label holding "mastodon" or ending in "todon" (fosstodon, mastodon.art)
# or one of the short forms (mstdn.social, masto.ai, toot.cafe).
_SERVER_NAME = re.compile(r"(?:^|\.)(?:[a-z0-9-]*mastodon[a-z0-9-]*|[a-z0-9-]*todon|mstdn|masto|toot)\.")
# Hosts that use the "/@user/<digits>" shape for things that are not ActivityPub statuses.
# Truth Social has Mastodon's shape but is its own platform (scrapers.truthsocial).
_NOT_MASTODON = frozenset(
    {"medium.com", "tiktok.com", "youtube.com", "threads.net", "threads.com", "bsky.app", "truthsocial.com"}
)


# The addresses of a status a page's comment system is built on (a blog's "reply to this post on Mastodon"
# section): the server's page for replying to it (Mastodon's remote interaction, "/interact/<id>?type=reply")
# and the API call a script loads its replies with ("/api/v1/statuses/<id>/context").
_THREAD = re.compile(r"^/(?:interact/(?P<id>\d{6,20})|api/v1/statuses/(?P<id2>\d{6,20})/context)/?$")


def status_url(host: str, native: str, user: str | None = None) -> str:
    """Canonical URL of a status on its server."""
    return f"https://{host}/@{user}/{native}" if user else f"https://{host}/web/statuses/{native}"


def could_be(url: str) -> bool:
    """Cheap pre-check the URL router runs on every link no host-owning platform claimed."""
    return "/@" in url or "/statuses/" in url


def post_ref(url: str) -> PostRef | None:
    """Map a Mastodon-shaped status URL on any host to ``host/status`` (kind ``post``); None otherwise.

    Profiles are read by ``profile_ref``: on an arbitrary host ``/@user`` is too common to mean Mastodon.
    """
    if not could_be(url):
        return None
    parts = _split_here(url)
    if parts is None:
        return None
    match = _STATUS.match(parts.path)
    if not match:
        return _profile(parts, url, frozenset())
    user = match.group("user") or match.group("user2")
    native = match.group("id") or match.group("id2")
    address = author_address(parts.host, f"{user}@{match.group('origin')}" if match.group("origin") else user)
    return PostRef(NAME, f"{parts.host}/{native}", "post", status_url(parts.host, native, user), address)


def thread_anchor(url: str) -> str | None:
    """The native id (``host/status``) of the status ``url`` replies to or reads the replies of, when
    ``url`` is one of the addresses a comment system built on a status uses (``_THREAD``); None otherwise."""
    if "/interact/" not in url and "/context" not in url:
        return None
    parts = _split_here(url)
    if parts is None:
        return None
    match = _THREAD.match(parts.path)
    return None if match is None else f"{parts.host}/{match.group('id') or match.group('id2')}"


def author_address(host: str, user: str | None) -> str | None:
    """The full address ``user@server`` of a status's author seen on ``host``: a remote author (``user`` is
    ``name@origin``) keeps their own server. Servers' names are compared without case."""
    if not user:
        return None
    name, _, origin = user.partition("@")
    return f"{name}@{(origin or host).lower()}"


def profile_ref(url: str, servers: frozenset[str] = frozenset()) -> PostRef | None:
    """The account a profile address names (kind ``account``, handle ``user@server``) when the shape can only
    be Mastodon's: a server named as Mastodon's are, the address form ``/@user@server``, or one of
    ``servers`` (those the page cites a status on); None otherwise."""
    parts = _split_here(url)
    return None if parts is None else _profile(parts, url, servers)


def _split_here(url: str) -> SplitUrl | None:
    """``url`` split, when its host may be an ActivityPub server (not a site whose ``/@user`` is its own)."""
    parts = split(url)
    if parts is None or parts.host in _NOT_MASTODON or parts.host.endswith(".medium.com"):
        return None
    return parts


def _profile(parts: SplitUrl, url: str, servers: frozenset[str]) -> PostRef | None:
    match = _PROFILE.match(parts.path)
    if match is None:
        return None
    server = match.group("server")
    if server is None and parts.host not in servers and not _SERVER_NAME.search(parts.host + "."):
        return None
    address = f"{match.group('user')}@{(server or parts.host).lower()}"
    return PostRef(NAME, f"@{address}", "account", url, address)


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """``mastodon-embed`` blockquotes (4.3+) with ``data-embed-url``; iframes are read by the URL walk."""
    for node in in_play(doc.classed("mastodon-embed"), frozenset({"blockquote"})):
        url = attribute(node, "data-embed-url")
        ref = linked_ref(doc, url, post_ref) if url else None
        if ref is not None:
            yield sighting(doc, node, ref, "blockquote")
