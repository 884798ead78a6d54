"""Pulls YouTube videos out of a parsed page: every URL form (watch, youtu.be, embed, nocookie, shorts, live,
/v/, thumbnails), ``lite-youtube`` and ``amp-youtube`` elements, and lazy-loading facades.

Playlists, channels and live-stream slots name no single video and are not posts; a channel's address
names the channel, an account.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain
from urllib.parse import unquote

from bs4 import Tag

from .document import BOILERPLATE, Node, ParsedDocument, beside_body
from .records import Found, Post, PostRef
from .urls import split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "scan", "video_url"]

NAME = "youtube"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("YouTube",)
HOSTS = frozenset(
    {
        "youtube.com",
        "m.youtube.com",
        "music.youtube.com",
        "youtu.be",
        "youtube-nocookie.com",
        "youtubekids.com",
        "youtube.googleapis.com",
        "i.ytimg.com",
        "i1.ytimg.com",
        "i2.ytimg.com",
        "i3.ytimg.com",
        "i4.ytimg.com",
        "img.youtube.com",
    }
)
_ID = r"(?P<id>[A-Za-z0-9_-]{11})(?![A-Za-z0-9_-])"
# A doubled slash ("/embed//ID", a template joining its base and the id) still reaches the player.
_PATH_ID = re.compile(r"^/(?:embed|v|e|shorts|live)/+(?!videoseries|live_stream)" + _ID)
_THUMB = re.compile(r"^/vi(?:_webp)?/" + _ID)
_SHORT = re.compile(r"^/" + _ID)
_VALID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_QUERY_V = re.compile(r"(?:^|[&;?!])v=" + _ID)
# A channel's addresses: its handle (``/@name``, what YouTube shows since 2022), its id (``/channel/UC…``) and
# the two older names it may still answer to (``/c/name``, ``/user/name``), each optionally followed by one of
# the channel's tabs. A handle is 3 to 30 letters, digits, ``_``, ``-`` or ``.``.
_CHANNEL = re.compile(
    r"^/(?:@(?P<handle>[\w.-]{3,30})|channel/(?P<channel>UC[A-Za-z0-9_-]{22})|(?:c|user)/(?P<name>[\w.-]{1,100}))"
    r"(?:/(?:featured|videos|shorts|streams|live|playlists|community|about|posts|podcasts|releases))?/?$"
)


def video_url(native_id: str) -> str:
    """Canonical watch URL."""
    return f"https://www.youtube.com/watch?v={native_id}"


def _ref(native: str) -> PostRef:
    return PostRef(NAME, native, "video", video_url(native))


def _channel_ref(path: str) -> PostRef | None:
    match = _CHANNEL.match(path)
    if match is None:
        return None
    group = next(group for group in ("handle", "channel", "name") if match.group(group))
    name = match.group(group)
    written = path[: match.end(group)]  # "/@name", "/channel/UC…", "/c/name": the channel without its tab
    return PostRef(NAME, "@" + name.lower(), "account", f"https://www.youtube.com{written}", name)


def post_ref(url: str) -> PostRef | None:
    """Map any YouTube URL form to its 11-character video id, and a channel's address to the channel (an
    account); playlists and playlist players map to None."""
    parts = split(url)
    if parts is None:
        return None
    host = parts.host
    if host not in HOSTS and not host.endswith(".youtube.com"):
        return None
    path = parts.path
    if host == "youtu.be":
        match = _SHORT.match(path)
        return _ref(match.group("id")) if match else None
    if host.endswith("ytimg.com") or host == "img.youtube.com":
        match = _THUMB.match(path)
        return _ref(match.group("id")) if match else None
    match = _PATH_ID.match(path)
    if match:
        # "/embed/ID?playlist=A,B,C" plays a list after the first video: a site's "recent videos" player,
        # not a cited video ("playlist=ID" alone is how a single video loops).
        playlist = parts.param("playlist") or ""
        if len({item for item in playlist.split(",") if item} - {match.group("id")}) >= 2:
            return None
        return _ref(match.group("id"))
    lowered = path.lower().rstrip("/")
    if lowered in {"/watch", "/movie", "/watch_popup", "/watch.php", ""} or lowered.startswith("/watch"):
        match = _QUERY_V.search(parts.query) or _QUERY_V.search(parts.fragment.lstrip("!"))
        if match:
            return _ref(match.group("id"))
    if lowered == "/attribution_link":
        target = parts.param("u")
        if target:
            return post_ref("https://www.youtube.com" + unquote(target))
        return None
    return _channel_ref(path) if host in {"youtube.com", "www.youtube.com", "m.youtube.com"} else None


# Data attributes in which publishers' click-to-play placeholders keep a YouTube video's id or URL: ones
# whose name says YouTube, and generic ones that count where the element or its wrapper names YouTube.
_NAMED_ID_ATTRIBUTES = (
    "data-youtube-id",
    "data-youtubeid",
    "data-youtube-video-id",
    "data-youtubelink",
    "data-youtube-link",
    "data-yt-id",
    "data-ytid",
)
# ``data-embed``: the widely copied "lazy load YouTube" snippet, <div class="youtube" data-embed="ID">.
_GENERIC_ID_ATTRIBUTES = ("data-video-id", "data-videoid", "data-embed", "data-video")
_YOUTUBE_WORDS = frozenset({"youtube", "yt"})
_WORD_SPLIT = re.compile(r"[\s_\-]+")


def _names_youtube(tag: Tag, depth: int = 2) -> bool:
    """Whether the element (its ``data-provider``, a class word) or a wrapper ``depth`` up names YouTube."""
    element: Tag | None = tag
    while element is not None and depth >= 0:
        provider = element.get("data-provider")
        if isinstance(provider, str) and provider.lower() == "youtube":
            return True
        classes = element.get("class")
        if isinstance(classes, list) and any(
            _YOUTUBE_WORDS.intersection(_WORD_SPLIT.split(value.lower())) for value in classes
        ):
            return True
        element = element.parent
        depth -= 1
    return False


def _placeholder_ref(value: str) -> PostRef | None:
    value = value.strip()
    if _VALID.match(value):
        return _ref(value)
    return post_ref(value) if value.startswith(("http://", "https://", "//")) else None


def _off_body(doc: ParsedDocument, node: Node) -> bool:
    """Whether a player element sits in strong chrome or in a sidebar beside the body (the site's own video
    rail), as a YouTube iframe there would (``links._rail_player``)."""
    return node.zone == BOILERPLATE or beside_body(doc, node)


def _placeholders(doc: ParsedDocument) -> Iterator[Found]:
    for names, generic in ((_NAMED_ID_ATTRIBUTES, False), (_GENERIC_ID_ATTRIBUTES, True)):
        for node in doc.with_attribute(*names):
            if _off_body(doc, node) or (generic and not _names_youtube(node.tag)):
                continue
            for name in names:
                value = node.tag.get(name)
                ref = _placeholder_ref(value) if isinstance(value, str) else None
                if ref is not None:
                    post = Post(ref.id, NAME, "video", ref.url, ref.native_id)
                    yield Found(post, "placeholder", node.position, doc.block_text(node), block=node.block)
                    break


# An element id made of words ("youtubelink", "videoPlayer", "main-video"), not an 11-character video id.
_PLAIN_WORD = re.compile(r"^(?:[a-z]+|[A-Z][a-z]+)(?:[-_]?(?:[a-z]+|[A-Z][a-z]+))*$")
_SUBSTACK_PREFIX = "youtube2-"
_LYTE_PREFIX = "WYL_"
_ID_PREFIXES = (_SUBSTACK_PREFIX, _LYTE_PREFIX)
_VIDSTACK_PREFIX = "youtube/"


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """Video elements whose id is not in a URL: ``lite-youtube[videoid]``, ``amp-youtube[data-videoid]``,
    Vidstack's ``media-player[src="youtube/<id>"]``, and publishers' click-to-play placeholders keeping the id
    in a data attribute (``data-youtube-id``, or ``data-video-id`` on an element that names YouTube) or in
    the element's own id (Substack's ``youtube2-<id>``, WP YouTube Lyte's ``WYL_<id>``, the lazy-load
    snippet's ``div.youtube#<id>``)."""
    yield from _placeholders(doc)
    # Substack's YouTube component keeps the id only in its element id when its player did not render:
    # <div id="youtube2-6JnMxNa5R-w" class="youtube-wrap">; so does the WordPress plugin WP YouTube Lyte's
    # click-to-play placeholder: <div class="lyMe" id="WYL_K6nLTiwynk8">.
    for node in chain(doc.classed("youtube-wrap"), doc.classed("lyMe")):
        ident = node.tag.get("id")
        if not isinstance(ident, str) or not ident.startswith(_ID_PREFIXES) or _off_body(doc, node):
            continue
        native = ident.removeprefix(_SUBSTACK_PREFIX).removeprefix(_LYTE_PREFIX)
        if _VALID.match(native):
            ref = _ref(native)
            yield Found(
                Post(ref.id, NAME, "video", ref.url, native), "embed", node.position, None, block=node.block
            )
    # The first version of the widely copied "lazy load YouTube" snippet (labnol.org, 2013) keeps the id as
    # the element's own id and builds the player from it by script: <div class="youtube" id="bAKWVTb-AKA">.
    # An id that is a plain word ("youtubelink") names the element, not a video.
    for node in doc.classed("youtube"):
        ident = node.tag.get("id")
        if (
            not isinstance(ident, str)
            or not _VALID.match(ident)
            or _PLAIN_WORD.match(ident)
            or node.tag.get_text(strip=True)
            or _off_body(doc, node)
        ):
            continue
        ref = _ref(ident)
        yield Found(
            Post(ref.id, NAME, "video", ref.url, ident), "embed", node.position, None, block=node.block
        )
    for node in doc.tagged("lite-youtube", "amp-youtube", "media-player"):
        if _off_body(doc, node):
            continue
        value = node.tag.get("videoid") or node.tag.get("data-videoid")
        if node.tag.name == "media-player":
            # Vidstack's player names its source by provider and id: <media-player src="youtube/_cMxraX_5RE">.
            source = node.tag.get("src")
            value = (
                source[len(_VIDSTACK_PREFIX) :].strip()
                if isinstance(source, str) and source.startswith(_VIDSTACK_PREFIX)
                else None
            )
        if isinstance(value, str) and _VALID.match(value):
            ref = _ref(value)
            method = "amp" if node.tag.name.startswith("amp-") else "embed"
            yield Found(
                Post(ref.id, NAME, "video", ref.url, value),
                method,
                node.position,
                doc.block_text(node),
                block=node.block,
            )
