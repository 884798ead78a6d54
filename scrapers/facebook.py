"""Pulls Facebook posts and videos out of a parsed page: SDK placeholders (``div.fb-post``/``div.fb-video``
with ``data-href``), ``plugins/post.php``/``plugins/video.php`` iframes, ``amp-facebook`` and links to
posts, videos, reels, photos and group posts. See docs/platforms.md §6.

Ids are the numeric post/video/photo id (or an opaque ``pfbid…``); share links (``/share/…``, ``fb.watch``)
need a redirect to resolve and are not recognised offline. Page and profile links are accounts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, unquote

from .document import ParsedDocument
from .records import Found, PostRef
from .sightings import attribute, in_play, linked_ref, sighting
from .urls import split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "scan"]

NAME = "facebook"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Facebook",)
HOSTS = frozenset(
    {
        "facebook.com",
        "m.facebook.com",
        "mbasic.facebook.com",
        "web.facebook.com",
        "business.facebook.com",
        "touch.facebook.com",
        "mobile.facebook.com",
        "fb.com",
        "fb.watch",
    }
)
_ID = r"(?P<id>pfbid[A-Za-z0-9]{10,}|\d{5,25})"
# /<page>/posts/<id>, /<page>/videos/[<slug>/]<id>, /<page>/photos/[a.<album>/]<id>, /groups/<g>/posts/<id>,
# /groups/<g>/permalink/<id>, /reel/<id>, /<page>/activity/<id>, /notes/<page>/<slug>/<id>; older share
# links wrote a post's id with a ":0" after it (/<page>/posts/<id>:0), the same post.
_PATH = re.compile(
    r"^/(?:(?P<page>[^/?#]+)/(?:posts|videos(?:/[^/?#]+)??|photos(?:/[^/?#]+)??|activity)|groups/[^/]+/(?:posts|permalink)"
    r"|reel|watch/live|notes/[^/]+/[^/]+)/" + _ID + r"(?::\d+)?(?:[/?#]|$)",
    re.I,
)
_QUERY_KEYS = {
    "/permalink.php": "story_fbid",
    "/story.php": "story_fbid",
    "/video.php": "v",
    "/watch": "v",
    "/watch/": "v",
    "/watch/live": "v",
    "/watch/live/": "v",
    "/photo.php": "fbid",
    "/photo": "fbid",
    "/photo/": "fbid",
    "/video/embed": "video_id",
}
_VALID_ID = re.compile("^" + _ID + "$")
_PROFILE = re.compile(r"^/(?P<handle>[A-Za-z0-9.\-]{3,80})/?$")
# A page without a user name of its own: Facebook's older address "/pages/<Name>/<id>" and the one that
# replaced it, "/<Name>-<id>", whose name may be in any script (percent-encoded in the link). Both name the
# page "<Name>-<id>", as Facebook's redirect from the older one does.
_NUMBERED_PAGE = re.compile(
    r"^/(?:pages/(?P<name>[^\W_][\w.'\-]{0,79})/(?P<number>\d{5,20})"
    r"|(?P<slug>(?=[^\W_])[\w.'\-]{1,80})-(?P<number2>\d{5,20}))/?$"
)
# A tab of a page's or profile's address ("/<name>/timeline", "/<name>/about"): the page still, as the tab's
# query ("?sk=info") is.
_PROFILE_TAB = re.compile(
    r"^(?P<page>/[^/]+)/(?:timeline|about|info|photos|videos|posts|reels|events|reviews|community|notes)/?$",
    re.I,
)
# Query keys a page's address carries that still name the page: where the reader came from, the tab shown.
_PROFILE_QUERY_KEYS = frozenset(
    {"_rdc", "_rdr", "ref", "fref", "hc_ref", "hc_location", "mibextid", "sk", "__tn__", "locale", "refsrc"}
)
_RESERVED = frozenset(
    {
        "sharer",
        "sharer.php",
        "share",
        "share.php",
        "dialog",
        "plugins",
        "login",
        "login.php",
        "help",
        "policies",
        "privacy",
        "legal",
        "watch",
        "groups",
        "events",
        "pages",
        "gaming",
        "marketplace",
        "home.php",
        "tr",
        "ads",
        "business",
        "about",
        "settings",
        "notes",
        "hashtag",
        "search",
        "photo.php",
        "video.php",
        "permalink.php",
        "story.php",
        "profile.php",
        "l.php",
        "reel",
        "reels",
        "stories",
        "public",
        "people",
        "flx",
        "media",
        "fundraisers",
        "messages",
        "bookmarks",
        "recover",
        "r.php",
        "campaign",
        "careers",
    }
)


def _url(native: str) -> str:
    return f"https://www.facebook.com/{native}"


def post_ref(url: str) -> PostRef | None:
    """Map a Facebook URL to a post/video/photo id (kind ``post``) or a page or profile (kind ``account``)."""
    parts = split(url)
    if parts is None:
        return None
    host = parts.host
    if host not in HOSTS and not host.endswith(".facebook.com"):
        return None
    path = parts.path
    lowered = path.lower()
    if lowered.startswith("/plugins/") or lowered.startswith("/flx/warn"):
        target = parts.param("href") or parts.param("u")
        return post_ref(unquote(target)) if target and "facebook.com" in target else None
    match = _PATH.match(path)
    if match:
        native = match.group("id")
        page = match.group("page")
        return PostRef(NAME, native, "post", _url(native), page if page and not page.isdigit() else None)
    key = _QUERY_KEYS.get(lowered)
    if key:
        value = parts.param(key)
        if value and _VALID_ID.match(value):
            return PostRef(NAME, value, "post", _url(value))
        return None
    if lowered == "/profile.php":
        value = parts.param("id")
        if value and value.isdigit():
            return PostRef(
                NAME, "@" + value, "account", f"https://www.facebook.com/profile.php?id={value}", value
            )
        return None
    if host == "fb.watch":
        return None  # a short link to a video: only a redirect names it, and it is never a profile
    if not _only_tracking(parts.query):
        return None
    tab = _PROFILE_TAB.match(path)
    if tab is not None:
        path = tab.group("page")
    page = _NUMBERED_PAGE.match(unquote(path))
    if page is not None:
        name = page.group("name") or page.group("slug")
        handle = f"{name}-{page.group('number') or page.group('number2')}"
        return PostRef(NAME, "@" + handle.lower(), "account", f"https://www.facebook.com/{handle}", handle)
    profile = _PROFILE.match(path)
    if profile and profile.group("handle").lower() not in _RESERVED:
        handle = profile.group("handle")
        return PostRef(NAME, "@" + handle.lower(), "account", f"https://www.facebook.com/{handle}", handle)
    return None


def _only_tracking(query: str) -> bool:
    """Whether a profile address's query only says where the reader came from or which tab they open
    (``?_rdc=1&_rdr``, ``?ref=ts``, ``?sk=info``): the address still names the page."""
    return not query or all(
        key.lower() in _PROFILE_QUERY_KEYS for key, _value in parse_qsl(query, keep_blank_values=True)
    )


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """SDK placeholders and AMP elements: ``div.fb-post``/``fb-video``/``amp-facebook`` with ``data-href``."""
    for node in in_play(doc.classed("fb-post", "fb-video")):
        href = attribute(node, "data-href")
        ref = linked_ref(doc, href, post_ref) if href else None
        if ref is not None and ref.kind != "account":
            yield sighting(doc, node, ref, "embed")
    for node in in_play(doc.tagged("amp-facebook")):
        href = attribute(node, "data-href")
        ref = linked_ref(doc, href, post_ref) if href else None
        if ref is not None and ref.kind != "account":
            yield sighting(doc, node, ref, "amp")
