"""Turns the URLs a page's walk collected into post sightings, and tells citations from page chrome.

Every URL-bearing attribute (``href``, ``src``, lazy ``data-src`` variants, publisher placeholders such as
``data-embedded-url``) is routed by host to the one platform module that owns it. How the element carries
the URL decides the ``method`` (an ``<a>`` is a ``link``, an ``<iframe>`` an ``iframe``, ...). Sightings
in page chrome (navigation, footers, share buttons, related rails, comments) and share/intent URLs are
dropped here, so platform modules never need to know about page layout.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from types import ModuleType
from typing import TypeGuard

from bs4 import Tag
from bs4.element import NavigableString, PageElement

from .article import own_videos, reviewed_claims, video_objects
from .document import (
    ASIDE,
    BOILERPLATE,
    CONTENT,
    NEUTRAL,
    PHRASING_TAGS,
    Node,
    ParsedDocument,
    UrlRef,
    after_story_list,
    among_paragraphs,
    among_paragraphs_within,
    beside_body,
    beside_story,
    beyond_story_column,
    body_cites_link,
    body_text_widget,
    body_widget,
    holds_a_paragraph,
    rendered_text,
    strings_outside,
    without_taxonomy,
    wraps_only,
    writes_loose_text,
    writes_running_text,
    zone_of,
)
from .records import TEXT_METHODS, Found, Post, PostRef
from .state import state_strings
from .urls import (
    BARE_ID,
    BARE_ID_PLATFORMS,
    PATH_SHIM_MARKS,
    POST_URLS_BY_ID,
    glued_address,
    host_matches,
    is_player_url,
    is_shim_host,
    mistyped_address,
    quick_host,
    split,
    unwrap,
)

__all__ = [
    "METHOD_BY_TAG",
    "PARKED_BASE64",
    "POST_EMBED_CLASSES",
    "RAW_CARRIERS",
    "WRAPPER_CLASSES",
    "Router",
    "discussion_pointer",
    "own_accounts",
    "own_promotions",
    "raw_carriers",
    "raw_urls",
    "reviewed_refs",
    "scan_bare",
    "scan_links",
    "scan_raw",
    "scan_reviewed",
    "scan_state",
    "scan_typed",
    "state_links",
    "syndicated_copy",
    "syndicated_ids",
    "video_rails",
]

METHOD_BY_TAG = {
    "a": "link",
    "area": "link",
    "iframe": "iframe",
    "amp-iframe": "iframe",
    "embed": "object",
    "object": "object",
    "param": "object",
    "script": "script",
    "video": "video",
    "source": "video",
    "blockquote": "blockquote",
    "oembed": "embed",
}


# How many URLs' answers a router keeps (a page holds a few hundred; a run's pages share the chrome's).
_CLAIMS_REMEMBERED = 50_000


class Router:
    """Routes a URL to the platform module whose hosts it belongs to (host lookup, not regex trial)."""

    def __init__(self, platforms: Sequence[ModuleType]) -> None:
        self.platforms = tuple(platforms)
        self.by_host: dict[str, ModuleType] = {}
        self.shape_matchers = tuple(p for p in platforms if getattr(p, "HOSTS", None) is None)
        for platform in platforms:
            for host in getattr(platform, "HOSTS", None) or ():
                self.by_host[host] = platform
        self.domains = frozenset(self.by_host)
        self.prefix_matchers = tuple(
            p.matches_host for p in platforms if getattr(p, "matches_host", None) is not None
        )
        self._claims: dict[str, bool] = {}
        # The platforms whose posts a page's comment system may be built on, each with its reader of the
        # addresses such a system uses (``thread_anchor``): ``threads`` asks them.
        self.thread_readers = tuple(
            (p.NAME, p.thread_anchor) for p in platforms if getattr(p, "thread_anchor", None) is not None
        )
        self.threaded = frozenset(name for name, _read in self.thread_readers)

    def claims(self, url: str) -> bool:
        """Cheap test, without splitting the URL, of whether any platform could recognise it: its host is
        owned by a platform (or is a link shim), or a shape-recognised platform's own pre-check passes."""
        # A page's URLs are asked about by several passes (the link scan, the rails, the chrome boxes):
        # remembered, each is read once. Bounded, as one router serves every page of a run.
        known = self._claims.get(url)
        if known is None:
            if len(self._claims) >= _CLAIMS_REMEMBERED:
                self._claims.clear()
            known = self._claims[url] = self._reads_as_platform(url)
        return known

    def _reads_as_platform(self, url: str) -> bool:
        if "?" in url and any(mark in url for mark in PATH_SHIM_MARKS):
            return True
        host = quick_host(url)
        if host is None:
            return False
        if host in self.by_host or is_shim_host(host) or host_matches(host, self.domains):
            return True
        if any(matcher(host) for matcher in self.prefix_matchers):
            return True
        return any(getattr(p, "could_be", _always)(url) for p in self.shape_matchers)

    def claimed(self, ref_url: UrlRef) -> UrlRef | None:
        """``ref_url`` when a platform could recognise its URL; a link whose href its writer mistyped
        (``urls.mistyped_address``) read as the address meant, when a platform claims that; None otherwise.
        Only links are read as mistyped: other attributes are written by code. An address code glued onto
        another's host (``urls.glued_address``) is read as meant wherever it is written."""
        if self.claims(ref_url.url):
            return ref_url
        glued = glued_address(ref_url.url)
        if glued is not None and self.claims(glued):
            # Code wrote it so (a base prefixed to an absolute address): read as meant in any attribute.
            return UrlRef(glued, ref_url.attribute, ref_url.node)
        if ref_url.attribute != "href":
            return None
        meant = mistyped_address(ref_url.url)
        if meant is None or not self.claims(meant):
            return None
        return UrlRef(meant, ref_url.attribute, ref_url.node)

    def recognise(self, address: str, resolve: Callable[[str], str] | None = None) -> PostRef | None:
        """``ref`` of an address read out of a page (a script's raw text, JSON-LD, the JSON state), resolved
        by ``resolve`` (the page's ``absolute``) when it may be relative. The cheap ``claims`` test comes
        first, so most of a page's addresses are never resolved or split."""
        if not self.claims(address):
            return None
        return self.ref(address if resolve is None else resolve(address))

    def ref(self, url: str) -> PostRef | None:
        """The post or account ``url`` names, if any platform recognises it."""
        url = unwrap(url)
        parts = split(url)
        if parts is None:
            return None
        platform = self.by_host.get(parts.host)
        if platform is None and host_matches(parts.host, self.domains):
            host = parts.host
            while platform is None and "." in host:
                host = host.split(".", 1)[1]
                platform = self.by_host.get(host)
        if platform is None:
            for prefix_platform in self.platforms:
                matcher = getattr(prefix_platform, "matches_host", None)
                if matcher is not None and matcher(parts.host):
                    platform = prefix_platform
                    break
        if platform is not None:
            ref: PostRef | None = platform.post_ref(url)
            return ref
        for shaped in self.shape_matchers:
            ref = shaped.post_ref(url)
            if ref is not None:
                return ref
        return None

    def profile(self, url: str, servers: frozenset[str]) -> PostRef | None:
        """The account a profile address on one of ``servers`` names, for the platforms any host can run
        (Mastodon): ``/@user`` on an arbitrary host means Mastodon only where the page cites a status on
        that host."""
        if not servers:
            return None
        url = unwrap(url)
        for shaped in self.shape_matchers:
            profile_ref = getattr(shaped, "profile_ref", None)
            ref: PostRef | None = profile_ref(url, servers) if profile_ref is not None else None
            if ref is not None:
                return ref
        return None

    def threads(self, urls: Iterable[str]) -> frozenset[str]:
        """The ids of the posts ``urls`` reply to or read the replies of, as a comment system built on a post
        does (Mastodon's ``/interact/<id>`` and ``/api/v1/statuses/<id>/context``): the page's own thread."""
        return frozenset(
            f"{name}:{native}"
            for url in urls
            for name, read in self.thread_readers
            if (native := read(url)) is not None
        )

    def servers(self, urls: Iterable[str]) -> frozenset[str]:
        """The hosts ``urls`` name a status on, of the platforms any host can run (Mastodon servers)."""
        shaped = {platform.NAME for platform in self.shape_matchers}
        hosts = set()
        for url in urls:
            if not any(getattr(p, "could_be", _always)(url) for p in self.shape_matchers):
                continue
            ref = self.ref(url)
            parts = (
                split(unwrap(url))
                if ref is not None and ref.kind == "post" and ref.platform in shaped
                else None
            )
            if parts is not None:
                hosts.add(parts.host)
        return frozenset(hosts)


def _always(url: str) -> bool:
    return True


# First path segments of share, intent and dialog endpoints: a button that posts the article, never a citation
# (twitter.com/intent/tweet, facebook.com/sharer/sharer.php, facebook.com/dialog/feed, t.me/share/url).
_SHARE_SEGMENTS = frozenset(
    {"intent", "share", "sharer", "sharer.php", "share.php", "dialog", "sharing", "sharearticle", "submit"}
)


def _is_share(url: str) -> bool:
    start = url.find("//")
    slash = url.find("/", start + 2) if start != -1 else -1
    if slash == -1:
        return False
    end = len(url)
    for stop in "?#":
        found = url.find(stop, slash)
        if found != -1 and found < end:
            end = found
    path = url[slash:end].lower()
    first = path[1:].split("/", 1)[0]
    if first in _SHARE_SEGMENTS or (first == "i" and path.startswith("/i/intent/")):
        return True
    if path.startswith(("/plugins/like", "/plugins/share")):
        return True
    return path in {"/home", "/"} and "status=" in url[end:]


# How a page marks a link to its own copy on a platform (microformats2's ``u-syndication``, the IndieWeb's
# ``rel="syndication"``): the post it names is the page itself, posted again there (POSSE), not a post the
# text cites. An IndieWeb home page lists its notes each with its copies' links (Aaron Parecki's, with
# "Twitter" under every note).
_SYNDICATION = "syndication"


def syndicated_copy(anchor: Tag) -> bool:
    """Whether ``anchor`` is marked as a link to the page's own copy elsewhere (``a.u-syndication``,
    ``a[rel~=syndication]``)."""
    rel = anchor.get("rel")
    if isinstance(rel, list) and any(value.lower() == _SYNDICATION for value in rel):
        return True
    classes = anchor.get("class")
    return isinstance(classes, list) and any(value.lower() == "u-syndication" for value in classes)


def syndicated_ids(doc: ParsedDocument, router: Router) -> frozenset[str]:
    """The ids of the posts the page's ``syndicated_copy`` links name: the page's own copies on platforms.

    Every link to such a post is the page's own copy, not only the marked one: an IndieWeb page lists the
    responses its copies drew (webmentions), and a like or a repost of the Facebook copy links that copy
    again, with a fragment naming who liked it (``…/posts/<id>#liked-by-<user>``)."""
    ids: set[str] = set()
    for ref_url in doc.urls:
        tag = ref_url.node.tag
        if ref_url.attribute == "href" and tag.name == "a" and syndicated_copy(tag):
            ref = router.recognise(ref_url.url)
            if ref is not None and ref.kind == "post":
                ids.add(ref.id)
    return frozenset(ids)


# Classes that make a link a video facade (a thumbnail that becomes the player on click), i.e. an embed; an
# Embedly card (<a class="embedly-card" href="…/status/…">, which Embedly's platform.js renders as the embed)
# is one too.
_FACADE_WORDS = frozenset(
    {"embed", "lazy", "facade", "lyte", "player", "ytp", "lightbox", "popup", "modal", "embedly"}
)


# Hugo's no-script "simple" shortcodes (instagram_simple, youtube_simple, vimeo_simple) render a post as a
# card of its thumbnail linked to it, in a ``div.s_<platform>_simple``: the site generator's embed.
_STATIC_EMBED_BLOCK = re.compile(r"^s_[a-z]+_simple$")


def _link_method(anchor: Tag) -> str:
    # A link drawn around the player (Kinja's ``<a href=…/p/ID x-embed><iframe src="/ajax/inset/…">``): the
    # post is shown there, through the publisher's own frame.
    if anchor.find("iframe") is not None and not anchor.get_text(strip=True):
        return "embed"
    holder = anchor.parent
    holder_classes = holder.get("class") if holder is not None else None
    if isinstance(holder_classes, list) and any(_STATIC_EMBED_BLOCK.match(name) for name in holder_classes):
        return "embed"
    node_classes = anchor.get("class")
    if isinstance(node_classes, list):
        for value in node_classes:
            if _FACADE_WORDS.intersection(value.lower().replace("_", "-").split("-")):
                return "embed"
    return "embed" if _unrendered_embed(anchor) else "link"


# How far above a bare-URL link its block named an embed may sit (Franklin: div.embed > div > div > a).
_EMBED_BLOCK_DEPTH = 3


def _beside(child: object, element: Tag) -> bool:
    """Whether ``child`` is something next to ``element`` in their parent: another element, or text."""
    if type(child) is Tag:
        return child is not element
    return type(child) is NavigableString and bool(child.strip())


def _unrendered_embed(anchor: Tag) -> bool:
    """A link whose text is its own URL, alone in a block whose class says it is an embed: the publisher's
    embed block before its script rendered it (Adobe Edge Delivery's ``div.embed.instagram``)."""
    if len(anchor.contents) != 1 or type(anchor.contents[0]) is not NavigableString:
        return False
    text = anchor.contents[0].strip()
    if not text.startswith(("http://", "https://", "www.")) or " " in text:
        return False
    return _in_embed_block(anchor, alone=True)


def _in_embed_block(anchor: Tag, alone: bool = False) -> bool:
    """Whether a link sits in a block whose class says it is an embed, within ``_EMBED_BLOCK_DEPTH`` levels
    (with ``alone``, each level holding nothing beside it): a consent gate's fallback link ("Open the video
    directly" in Embed Privacy's ``embed-privacy-container embed-youtube``), which stands for the player it
    holds back."""
    element = anchor
    for _ in range(_EMBED_BLOCK_DEPTH):
        parent = element.parent
        if parent is None or (alone and any(_beside(child, element) for child in parent.contents)):
            return False
        classes = parent.get("class")
        if isinstance(classes, list) and any("embed" in _CLASS_SPLIT.split(name.lower()) for name in classes):
            return True
        element = parent
    return False


# The classes of the markup a platform's own embed code writes for one post, with the platform: a link in
# the text of such an embed (a tweet linking an Instagram photo) is the embedded post's, not the article's.
POST_EMBED_CLASSES = {
    "twitter-tweet": "twitter",
    "twitter-video": "twitter",
    "instagram-media": "instagram",
    "tiktok-embed": "tiktok",
    "fb-post": "facebook",
    "fb-video": "facebook",
    "reddit-embed-bq": "reddit",
    "bluesky-embed": "bluesky",
    "mastodon-embed": "mastodon",
    "text-post-media": "threads",
}
# How far above a link a quoted or embedded post's blockquote is looked for.
_QUOTE_DEPTH = 8


def _blockquotes_around(tag: Tag) -> Iterator[Tag]:
    """The blockquotes within ``_QUOTE_DEPTH`` levels above ``tag``, nearest first."""
    for depth, parent in enumerate(tag.parents):
        if depth >= _QUOTE_DEPTH:
            return
        if parent.name == "blockquote":
            yield parent


def _in_other_post(tag: Tag, platform: str) -> bool:
    """Whether ``tag`` sits inside another platform's post embed blockquote (a tweet's), a few levels up.
    Only a blockquote, as the embed codes write them: a theme that reuses the class name on the story's own
    wrapper (frolleinherr's "instagram-media post-template-content") wraps the article, not a post."""
    for quote in _blockquotes_around(tag):
        classes = quote.get("class")
        if isinstance(classes, list):
            owner = next((POST_EMBED_CLASSES[name] for name in classes if name in POST_EMBED_CLASSES), None)
            if owner is not None:
                return owner != platform
    return False


# Platforms whose players publishers use for their own video rails; a post platform's iframe shows one post.
VIDEO_PLATFORMS = frozenset({"youtube", "vimeo", "dailymotion", "rumble", "vkvideo", "streamable"})


def _rail_player(doc: ParsedDocument, node: Node, platform: str) -> bool:
    """Whether a video host's player at ``node`` sits in an aside or widget that does not stand in the body's
    text (``body_widget``): the site's rail, not the article's video."""
    return platform in VIDEO_PLATFORMS and beside_body(doc, node)


# Elements that exist only to embed what their URL names (CKEditor 5's media embed writes ``<oembed url=…>``):
# an embed's own markup, counting where a platform's iframe would, unlike an ``embed`` method's link-shaped
# facades (an Embedly card is an ``<a>``).
_EMBED_ELEMENTS = frozenset({"oembed"})
_IMAGE_TAGS = frozenset({"img", "source"})


def _keep(
    doc: ParsedDocument,
    ref: UrlRef,
    method: str,
    post: PostRef,
    memo: dict[tuple[str, int], bool],
) -> bool:
    """Whether a URL's element counts as the article's; ``memo`` caches what is asked of the elements around
    many links (``writes_loose_text`` of a parent, a paragraph in a list's container), by question and
    ``id()``: a page of 30,000 links in one list reads its container once, not once per link."""
    zone = ref.node.zone
    platform = post.platform
    if zone == BOILERPLATE:
        return False
    if method == "link" and _in_other_post(ref.node.tag, platform):
        # The Detroit Lions' tweet linking its Instagram photo, embedded in an NFL.com story: the photo is
        # the tweet's, as the people a tweet mentions are (the labelling rules' accounts).
        return False
    if zone == ASIDE:
        # Weak chrome (an aside, a widget wrapper) cancels links and video players: a player in a sidebar is
        # the site's rail as often as not (measured on the dev pages), while a post's own widget markup (a
        # tweet blockquote, scanned by its platform module, or a post platform's iframe showing one post) is
        # the article's wherever it sits.
        # A video player in a widget the body itself holds (a CMS's "widget__wrapper" around an embed in the
        # text, or any aside standing in the running text, beside one of its paragraphs) is the article's too:
        # only an aside beside the body is a rail.
        # A link in a box the article writes inside its text, with prose of its own, is cited by that prose;
        # so is a link in the running text of a page builder's text widget within the body, and a caption's
        # credit in a widget standing in the body's text (a screenshot of a post, credited to it).
        if method == "link":
            tag = ref.node.tag
            if body_cites_link(tag, doc.forced):
                return True
            if _between_paragraphs(tag) and body_widget(tag, doc.forced):
                return True  # a card between two paragraphs of a widget the body holds, as on a bodiless page
            return tag.find_parent("figcaption") is not None and body_widget(tag, doc.forced)
        # A link to a player's address (an embed's fallback) or an attribute holding it (a consent manager's
        # placeholder) is the player, as its iframe would be; so is a plugin player (<object data>) and a
        # click-to-load placeholder's thumbnail (i.ytimg.com/vi/ID/hqdefault.jpg standing where the player
        # loads): in a widget the body holds they are the article's video, beside the body the site's rail.
        player = (
            method in ("iframe", "object")
            or ref.node.tag.name in _EMBED_ELEMENTS
            or ref.node.tag.name in _IMAGE_TAGS
            or is_player_url(ref.url)
        )
        return player and not _rail_player(doc, ref.node, platform)
    if platform in VIDEO_PLATFORMS and post.kind != "account" and after_story_list(ref.node.tag, memo):
        # A video player below the list of other stories a theme prints under the post is the theme's promo.
        # (A channel's address is no player: accounts are not read as one.)
        return False
    if zone == CONTENT or ref.node.tag.name in _EMBED_ELEMENTS:
        return True
    # A thumbnail image (img.youtube.com/vi/ID/0.jpg) stands for its video as a link does, no more: a "video
    # of the day" box's thumbnail outside the body is the site's, as a link there would be.
    if method not in {"link", "embed"} and ref.node.tag.name not in _IMAGE_TAGS:
        return True
    # A link (or link-shaped facade) outside any recognised article body counts only when it sits in running
    # text of a page where no article body was recognised at all: a paragraph, or text a page wrote straight
    # into a <div> with <br>s between its paragraphs (older CMSs).
    if zone != NEUTRAL or doc.has_content_root:
        return False
    # Before the shapes of lists: a story's screenshots, each credited, stand side by side as a list's items.
    if method == "link" and (_credited_picture(ref.node.tag, post, memo) or _quote_attribution(ref.node.tag)):
        return True
    if (
        _teaser_card(ref.node.tag)
        or _link_list_beside_text(ref.node.tag, memo)
        or _signature_line(ref.node.tag)
    ):
        return False
    if ref.node.block is not None or _in_embed_block(ref.node.tag):
        return True
    parent = ref.node.tag.parent
    if parent is None:
        return False
    # Siblings share the answer: a page of 100,000 links side by side reads their parent once, not each time.
    return (
        _remembered(memo, "loose", parent, writes_loose_text)
        or _between_paragraphs(ref.node.tag)
        or _alone_in_loose_text(ref.node.tag, memo)
    )


def _remembered(
    memo: dict[tuple[str, int], bool], kind: str, element: Tag, test: Callable[[Tag], bool]
) -> bool:
    """``test(element)``, asked once per page: ``memo`` keeps each answer by ``kind`` and ``id()`` of the
    element (the links of one list, or the pictures of one gallery, share the element above them)."""
    key = (kind, id(element))
    known = memo.get(key)
    if known is None:
        known = memo[key] = test(element)
    return known


def _alone_in_loose_text(anchor: Tag, memo: dict[tuple[str, int], bool]) -> bool:
    """Whether a link stands alone in wrappers holding nothing else (an editor's bare ``<div>``) among lines
    of text written between ``<br>``s: a line of the running text, as the link itself would be standing
    there bare (a story whose paragraphs are lines, as Blogger and older CMSs wrote them)."""
    element = anchor
    for _ in range(_EMBED_BLOCK_DEPTH + 1):
        parent = element.parent
        if parent is None or parent.name in ("body", "html"):
            return False
        if not wraps_only(parent, element):
            if element is anchor:
                return False  # not alone in its own parent, whose text the caller has read already
            return _remembered(memo, "loose", parent, writes_loose_text)
        element = parent
    return False


# How long a picture's caption may read: a line crediting it, not a paragraph of the story.
_CREDIT_CHARS = 300
_WORD = re.compile(r"\w+")
# How many wrappers holding nothing but the picture may stand between it and its caption.
_CREDIT_WRAPPERS = 2


def _credited_picture(anchor: Tag, post: PostRef, memo: dict[tuple[str, int], bool]) -> bool:
    """Whether a link is a picture of a post credited to the post, standing in the running text: the link
    holds an image and no text, and the caption after it, a line in the same box, names the post's author
    ("(@drewbrees/Twitter)"), or its platform when the address names no author (an Instagram post's). A
    screenshot credited to its post is cited as a caption's credit is; with the caption's class name gone
    (WordPress's ``wp-caption``), only this shape tells it from a sidebar's picture. ``memo`` as ``_keep``'s:
    a gallery of 20,000 credited pictures reads the element holding them once."""
    if not _picture_only(anchor):
        return False
    element = anchor
    caption = element.find_next_sibling(True)
    for _ in range(_CREDIT_WRAPPERS):
        parent = element.parent
        if caption is not None or parent is None or parent.name in ("body", "html"):
            break
        if any(type(child) is NavigableString and child.strip() for child in parent.contents):
            return False
        element = parent
        caption = element.find_next_sibling(True)
    if caption is None or caption.find("a") is not None or element.find_previous_sibling(True) is not None:
        return False
    credit = caption.get_text(" ", strip=True).lower()
    if not credit or len(credit) > _CREDIT_CHARS:
        return False
    if not (_names_account(credit, post.handle) if post.handle else post.platform in _WORD.findall(credit)):
        return False
    box = caption.parent
    column = box.parent if box is not None else None
    return column is not None and _remembered(memo, "running", column, writes_running_text)


# The dashes a quotation's attribution line opens with ("— @handle", "- Name").
_ATTRIBUTION_DASHES = ("\u2014", "\u2013", "\u2015", "-")
# How long an attribution line may read: a name and a date, not a paragraph.
_ATTRIBUTION_CHARS = 120


def _quote_attribution(anchor: Tag) -> bool:
    """Whether a link to a post is the attribution of the quotation just before it: the line holding the
    link comes right after a ``<blockquote>`` and opens with a dash ("<blockquote>You saved my day
    </blockquote><span>— <a href=".../status/…">@scokmen</a></span>"), as a platform's own embed code writes
    its fallback inside the quote. A page that quotes a post in full and credits it cites that post."""
    line = anchor.parent
    if line is None or line.name == "blockquote":
        return False
    previous = line.find_previous_sibling(True)
    if previous is None or previous.name != "blockquote":
        return False
    text = line.get_text(" ", strip=True)
    return text.startswith(_ATTRIBUTION_DASHES) and len(text) <= _ATTRIBUTION_CHARS


def _names_account(text: str, handle: str) -> bool:
    """Whether lowercase ``text`` names ``@handle`` whole (not the start of a longer handle)."""
    wanted = "@" + handle.lower()
    start = text.find(wanted)
    while start != -1:
        end = start + len(wanted)
        if end == len(text) or not (text[end].isalnum() or text[end] == "_"):
            return True
        start = text.find(wanted, end)
    return False


# A post's age as a live stream prints it: "53 minutes ago", "7 Hours ago", "about an hour ago", "vor 2
# Stunden", "il y a 3 jours", "hace 5 minutos".
_AGE = re.compile(
    r"(?:(?:about|over|almost|nearly)\s+)?(?:\d+|an?|one)\s*"
    r"(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|mos?|months?)\s+ago"
    r"|(?:vor|il y a|hace|há)\s+(?:\d+|einer?|une?|una?)\s+\w+",
    re.IGNORECASE,
)
# How long the line a stream's timestamp opens may be ("53 minutes ago from TweetDeck").
_TIMESTAMP_LINE_CHARS = 60


def _stream_timestamp(anchor: Tag, text: str) -> bool:
    """Whether a link whose text (whitespace collapsed) is ``text`` prints a post's age ("53 minutes ago")
    opening a short line of its own: the timestamp a live stream of posts prints under each, not words of a
    sentence that cite a post ("he tweeted <a>two days ago</a> that…" stands inside a longer line)."""
    if not text or len(text) > _TIMESTAMP_LINE_CHARS or not _AGE.fullmatch(text):
        return False
    parent = anchor.parent
    line = _short_text(parent, _TIMESTAMP_LINE_CHARS) if parent is not None else text
    return line is not None and line.startswith(text)


def _short_text(element: Tag, limit: int) -> str | None:
    """``element``'s text with its whitespace collapsed, or None when that is longer than ``limit``: read only
    as far as the limit, so that a block of 20,000 links asked about each of them is not read whole each
    time. Collapsing never shortens what comes before it, so a prefix over the limit decides; it is measured
    each time the text read doubles."""
    pieces: list[str] = []
    size = 0
    check = limit
    for piece in element.strings:
        pieces.append(piece)
        size += len(piece)
        if size > check:
            if len(" ".join("".join(pieces).split())) > limit:
                return None
            check = size * 2
    line = " ".join("".join(pieces).split())
    return line if len(line) <= limit else None


Slot = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Streams:
    """A page's live streams of posts, read once from all its links (``stream_slots``): the named slots where
    their links print ages, and the links (by ``id()``) known to be a stream's: those printing an age on a
    line of their own, and those closing the items of a widget's list of posts."""

    slots: frozenset[Slot]
    links: frozenset[int]


def _slot(anchor: Tag) -> Slot | None:
    """The element a link sits in, as its tag and class words (``span.tweet_time``); None when unnamed."""
    parent = anchor.parent
    classes = parent.get("class") if parent is not None else None
    if parent is None or not isinstance(classes, list) or not classes:
        return None
    return parent.name, tuple(classes)


def stream_slots(anchors: Iterable[Tag]) -> Streams:
    """The page's live streams of posts among ``anchors``. Their named slots: the elements in which some links
    print a post's age (``_stream_timestamp``), the timestamp slots of a stream (HuffPost's Twitter search
    module under the story, the BBC's box of a correspondent's latest tweets). And the items of a widget's
    list of the latest posts, each its post's text and then its age (WordPress's Twitter widget, ``ul.tweets``
    under "Twitter Updates"; a blog's "Right Now on the Ranch" box of quotes): two or more items of one kind
    under one parent, each closing with a link printing an age, make a stream whatever its class names say.
    An age is worked out when the page is served; an editor citing a post names it in words or by its date."""
    aged: list[tuple[Tag, str]] = []
    for anchor in anchors:
        text = " ".join(anchor.get_text().split())
        if _AGE.fullmatch(text):
            aged.append((anchor, text))
    timestamps = [anchor for anchor, text in aged if _stream_timestamp(anchor, text)]
    slots = frozenset(slot for anchor in timestamps if (slot := _slot(anchor)) is not None)
    lines: dict[int, str | None] = {}  # each item's text, read once however many links it holds
    closing: dict[int, tuple[int, str]] = {}  # link -> (its item's parent, the item's tag)
    for anchor, text in aged:
        item = _closed_item(anchor, text, lines)
        if item is not None and isinstance(item.parent, Tag):
            closing[id(anchor)] = (id(item.parent), item.name)
    lists = Counter(closing.values())
    items = {link for link, group in closing.items() if lists[group] >= _STREAM_ITEMS}
    return Streams(slots, frozenset(items | {id(anchor) for anchor in timestamps}))


def in_stream(anchor: Tag, streams: Streams) -> bool:
    """Whether a post's link, one of those ``streams`` was read from, is a live stream's: it prints an age,
    closes an item of a widget's list, or sits in a slot where other links of the stream print theirs (the
    stream's older posts show their date instead)."""
    if id(anchor) in streams.links:
        return True
    slot = _slot(anchor)
    return slot is not None and slot in streams.slots


# The longest item of a widget's list of posts: a post's text (a tweet holds 280 characters) and its age.
_STREAM_ITEM_CHARS = 400
# How many items of one list must close with an age for the list to be a stream of posts.
_STREAM_ITEMS = 2
# The elements that hold one post of a widget's list: its text, then its age.
_STREAM_ITEM_TAGS = frozenset({"li", "blockquote", "dd", "p", "div"})


def _closed_item(anchor: Tag, text: str, lines: dict[int, str | None]) -> Tag | None:
    """The short item (``_STREAM_ITEM_TAGS``, at most two levels up) whose text ends with ``text``,
    ``anchor``'s own; ``lines`` caches each item's text by ``id()``."""
    for depth, parent in enumerate(anchor.parents):
        if depth >= 2:
            return None
        if parent.name in _STREAM_ITEM_TAGS:
            if id(parent) not in lines:
                lines[id(parent)] = _short_text(parent, _STREAM_ITEM_CHARS)
            line = lines[id(parent)]
            return parent if line is not None and line.endswith(text) else None
    return None


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# A list of at least this many teaser cards is a rail of other pages.
_TEASER_CARDS = 3


def _teaser_card(anchor: Tag) -> bool:
    """Whether a link is one of a list's teaser cards: it wraps a heading (the title of the page it leads to)
    and its item stands among two or more items that hold headings too (Pitchfork's "more content" list of
    news, reviews and one "Pitchfork.tv x YouTube" video under the review). Running text never wraps a
    heading in a link; a rail of cards to other pages does."""
    if anchor.name != "a" or anchor.find(_HEADINGS) is None:
        return False
    item = anchor if anchor.parent is None or anchor.parent.name not in ("li", "article") else anchor.parent
    if item.parent is None:
        return False
    cards = sum(
        1 for sibling in item.parent.find_all(item.name, recursive=False, limit=20) if sibling.find(_HEADINGS)
    )
    return cards >= _TEASER_CARDS


# A list of at least this many items, each little more than its link, is a list of links.
_LINK_LIST_ITEMS = 3
# How much of an item's text may be other than its link's.
_LINK_ITEM_EXTRA_CHARS = 20


def _link_list_beside_text(anchor: Tag, memo: dict[tuple[str, int], bool]) -> bool:
    """Whether a link is an item of a list of links (three or more items, each little more than its link)
    whose container, and the element around it, hold no paragraph of prose: a side column's module
    (TypePad's ``div.module-typelist`` of the author's books and talks), not a list the text writes (a links
    roundup with a line of prose after it)."""
    item = anchor.parent
    if item is None or item.name != "li" or item.parent is None:
        return False
    items = item.parent.find_all("li", recursive=False, limit=_LINK_LIST_ITEMS + 1)
    if len(items) < _LINK_LIST_ITEMS:
        return False
    for entry in items:
        link = entry.find("a")
        if (
            link is None
            or len(entry.get_text(strip=True)) - len(link.get_text(strip=True)) > _LINK_ITEM_EXTRA_CHARS
        ):
            return False
    # Within the list's container or the one around it, the text would write a paragraph.
    container = item.parent.parent
    for element in (container, container.parent if container else None):
        if element is None:
            continue
        if _remembered(memo, "paragraph", element, holds_a_paragraph):
            return False
    return True


# Lines of this little text each, of a class side by side, three or more with a link, are signatures.
_SIGNATURE_CHARS = 120
# How many elements on each side of a line are read for the others.
_SIGNATURES_READ = 40


def _signature_line(anchor: Tag) -> bool:
    """Whether a link is in one of the lines of a class side by side, each a few words and three or more
    with a link (a comment's "Posted by: <a>name</a> at October 27, 2012" under each of a thread's
    comments, which TypePad wrote into the post's column with no class naming the thread): a commenter's
    home page."""
    line = anchor.parent
    if line is None or line.name not in ("p", "div", "span") or line.parent is None:
        return False
    classes = line.get("class")
    if not isinstance(classes, list) or not classes:
        return False
    same = [line, *_alike(line.previous_siblings, line), *_alike(line.next_siblings, line)]
    if not all(len(other.get_text(strip=True)) <= _SIGNATURE_CHARS for other in same):
        return False
    # A commenter who left no home page signs without a link.
    return sum(other.find("a") is not None for other in same) >= _LINK_LIST_ITEMS


def _alike(siblings: Iterator[PageElement], line: Tag) -> Iterator[Tag]:
    """The elements of ``line``'s tag and first class among the nearest ``_SIGNATURES_READ`` elements of
    ``siblings`` (a window, so that a page of ten thousand lines is not read ten thousand times)."""
    wanted = line.get("class")
    first = wanted[0] if isinstance(wanted, list) and wanted else None
    read = 0
    for sibling in siblings:
        if type(sibling) is not Tag:
            continue
        read += 1
        if read > _SIGNATURES_READ:
            return
        classes = sibling.get("class")
        if sibling.name == line.name and isinstance(classes, list) and first in classes:
            yield sibling


# How long a paragraph on each side of a card must be for the card to stand in running text.
_CARD_PROSE = 80


def _between_paragraphs(anchor: Tag) -> bool:
    """Whether a link stands alone between two paragraphs of prose, itself or in wrappers holding nothing else
    (a card, a button, an embed that did not render): the text cites it, as it cites a player there."""
    element = anchor
    for _ in range(_EMBED_BLOCK_DEPTH + 1):
        before = element.find_previous_sibling(True)
        after = element.find_next_sibling(True)
        if before is not None or after is not None:
            return _prose(before) and _prose(after)
        parent = element.parent
        if (
            parent is None
            or parent.name in ("body", "html")
            or any(type(child) is NavigableString and child.strip() for child in parent.contents)
        ):
            return False
        element = parent
    return False


def _prose(element: Tag | None) -> bool:
    if element is None or element.name != "p":
        return False
    return len(element.get_text(" ", strip=True)) >= _CARD_PROSE


# A line that points readers to where the article itself is discussed ("Comments on Hacker News | Reddit",
# "Comment on Reddit or debate me", "Discuss this post on Mastodon", "Join the conversation on X"): the thread
# it links is the discussion of the article, like its comments section, not a post the article cites.
_DISCUSSION_LINE = re.compile(
    r"^\W{0,3}(?:comments?|discuss(?:ion)?|join the (?:discussion|conversation)|reply|respond|"
    r"leave a comment|talk about (?:this|it))\b",
    re.I,
)
# A pointer is a line of a few words; a sentence that opens with "Comments from readers …" is prose.
_DISCUSSION_LINE_WORDS = 10
_DISCUSSION_ANCHOR_MAX = 30
# A link whose own text asks readers to react to the page itself on the platform ("Like this post on Bluesky
# to see your face on this page", "Reply to this post on Mastodon"): the post it links is the page's own
# announcement, whose likes or replies the page shows as its comments.
_REACT_TO_PAGE = re.compile(
    r"^\W{0,3}(?:like|reply to|comment on|respond to|boost|repost|discuss) this "
    r"(?:post|article|page|entry|note|story)\b",
    re.I,
)
_REACT_TO_PAGE_MAX = 100
# A link whose whole text invites the discussion somewhere ("Discuss on Mastodon", "Comment on Bluesky",
# "Reply via Mastodon"): a blog's button to the post its replies are gathered under, as a comment section's.
# The verb alone, not "discussion": "a long discussion on Reddit" names a thread the story cites.
_REACT_ON_PLATFORM = re.compile(
    r"^\W{0,3}(?:discuss|comment|reply|respond|join the (?:discussion|conversation))(?: (?:this|it))?"
    r" (?:on|via|at) [\w.]+(?: [\w.]+)?\W{0,3}$",
    re.I,
)


def discussion_pointer(line: str | None, anchor: Tag) -> bool:
    """Whether a link is the page's pointer to the discussion of itself: ``line``, the text of its
    paragraph, is a line of a few words that opens by inviting comments, and the link's own text is short (a
    site's name, "here"); or the link's own text asks readers to react to the page on the platform, or
    to discuss it there."""
    if anchor.name != "a":
        return False
    text = anchor.get_text(" ", strip=True)
    if len(text) <= _REACT_TO_PAGE_MAX and (_REACT_TO_PAGE.match(text) or _REACT_ON_PLATFORM.match(text)):
        return True
    if not line or len(line.split()) > _DISCUSSION_LINE_WORDS or not _DISCUSSION_LINE.match(line):
        return False
    return len(text) <= _DISCUSSION_ANCHOR_MAX


def _quoted(node: Node) -> bool:
    """True when the element sits inside a blockquote: a profile linked from an embedded or quoted post (its
    author, people it mentions) is that post's, not a citation by the article. A quotation's own attribution
    (its ``<cite>``, as WordPress's quote block writes it) names whom the article quotes, unless the
    blockquote is a platform's post embed."""
    quote = next(_blockquotes_around(node.tag), None)
    if quote is None:
        return False
    classes = quote.get("class")
    if isinstance(classes, list) and any(name in POST_EMBED_CLASSES for name in classes):
        return True
    for parent in node.tag.parents:
        if parent is quote:
            return True
        if parent.name == "cite":
            return False
    return True


# A block outside the article body holding this many video players, and no more text than this per player
# (a heading, titles), is a site's video rail ("Watch latest videos"), not videos the article cites.
_RAIL_PLAYERS = 3
_RAIL_TEXT_PER_PLAYER = 40
_RAIL_DEPTH = 4


def video_rails(doc: ParsedDocument, router: Router) -> frozenset[int]:
    """The positions of the video players that sit in a rail: a block of three or more players (within four
    levels) with hardly any text of its own, outside the article body or, inside the content zone, apart
    from the body's paragraphs and holding none; and of the links in a list of videos that is one
    (``_link_rails``)."""
    players: list[Node] = []
    for ref_url in doc.urls:
        node = ref_url.node
        # A player is its frame, or a click-to-play placeholder keeping its address in a data attribute (a
        # carousel's <li data-video-url="…/embed/ID">).
        frame = node.tag.name in ("iframe", "amp-iframe") or ref_url.attribute.startswith("data-")
        if not frame or node.tag.name in ("a", "img") or not router.claims(ref_url.url):
            continue
        ref = router.ref(ref_url.url)
        if ref is not None and ref.platform in VIDEO_PLATFORMS and ref.kind != "account":
            players.append(node)
    # and a placeholder keeping the video's bare id (<div class="dailymotion__thumb" data-videoid="x7o1lqw">)
    players.extend(node for node, ref in _typed_refs(doc, router) if ref.platform in VIDEO_PLATFORMS)
    outside_chrome = _links_outside_chrome(doc, router)  # read once for both kinds of feed
    widgets = (
        _link_rails(doc, router)
        | feed_grids(doc, router, outside_chrome)
        | tile_grids(doc, router, outside_chrome)
        | chrome_modals(doc, router)
    )
    if len(players) < _RAIL_PLAYERS:
        return frozenset(widgets)
    held: dict[int, set[int]] = {}
    holders: dict[int, Tag] = {}
    in_content: set[int] = set()  # holders of a player the page's content zone holds
    for node in players:
        element = node.tag.parent
        for _ in range(_RAIL_DEPTH):
            if element is None or element.name in ("body", "html"):
                break
            held.setdefault(id(element), set()).add(node.position)
            holders[id(element)] = element
            if node.zone == CONTENT:
                in_content.add(id(element))
            element = element.parent
    rails: set[int] = set()
    for key, positions in held.items():
        if len(positions) < _RAIL_PLAYERS or positions <= rails:
            continue
        holder = holders[key]
        # Inside the content zone (a "More videos" block after the <article>, within <main>) a block of
        # players is a rail only beside the article: outside any <article>, holding no prose, apart from the
        # body's paragraphs. An article body that is a row of players is the article's.
        if key in in_content and (
            not (_beside_article(holder) or _after_text(holder))
            or _holds_prose(holder)
            or among_paragraphs(holder)
            or (holder.parent is not None and among_paragraphs(holder.parent))
        ):
            continue
        if len(holder.get_text(" ", strip=True)) <= _RAIL_TEXT_PER_PLAYER * len(positions):
            rails |= positions
    return frozenset(rails | widgets)


def _holds_prose(element: Tag) -> bool:
    return any(among_paragraphs(paragraph) for paragraph in element.find_all("p", limit=50))


# How much text a block before a row of players must hold to be the story the row comes after.
_STORY_TEXT = 400


def _after_text(holder: Tag) -> bool:
    """Whether ``holder`` comes after a block holding the story's text (within two levels up) while no
    element around it, up to the rail depth, writes text of its own: a row of players below the story (a
    "Shorts" carousel after the body's column), not a row in the body, whose element holds its paragraphs."""
    element: Tag | None = holder
    for _ in range(_RAIL_DEPTH):
        if element is None or element.name in ("body", "html"):
            break
        if writes_running_text(element):
            return False
        element = element.parent
    element = holder
    for _ in range(2):
        if element is None:
            return False
        for sibling in element.find_previous_siblings(True, limit=20):
            if len(rendered_text(sibling)) >= _STORY_TEXT:
                return True
        element = element.parent
    return False


def _beside_article(holder: Tag) -> bool:
    """Whether ``holder`` sits outside any ``<article>`` next to one holding the article's prose (within two
    levels up: the rail and the article side by side in ``<main>``)."""
    if holder.find_parent("article") is not None:
        return False
    element: Tag | None = holder
    for _ in range(2):
        if element is None:
            return False
        for sibling in element.find_previous_siblings(limit=20):
            if isinstance(sibling, Tag):
                article = sibling if sibling.name == "article" else sibling.find("article")
                if article is not None and _holds_prose(article):
                    return True
        element = element.parent
    return False


# Text of its own (beside its links' titles) a list of video links may have per video and still be a rail.
_LINK_RAIL_TEXT_PER_VIDEO = 30


def _unlinked_text(holder: Tag) -> int:
    """How much text ``holder`` writes outside its links: a rail's or a feed's is little more than titles."""
    linked = sum(len(anchor.get_text(" ", strip=True)) for anchor in holder.find_all("a"))
    return len(holder.get_text(" ", strip=True)) - linked


# Class words of a dialog a script opens over the page, and the attributes in which its openers name it.
_MODAL_WORDS = frozenset({"modal", "lightbox", "popup"})
_OPENER_ATTRIBUTES = (
    "href",
    "data-target",
    "data-bs-target",
    "data-izimodal-open",
    "data-modal",
    "data-open",
    "data-popup",
    "aria-controls",
)


def chrome_modals(doc: ParsedDocument, router: Router) -> set[int]:
    """The positions of the platform URLs inside a modal dialog that only page chrome opens. A modal is
    written wherever the template puts it (The Media Line's donation video after the related stories,
    inside the content column) but shown over the page from its openers: what it plays stands where they
    stand. A modal no element names keeps the place it is written in."""
    modals: dict[str, Tag] = {}
    for value, nodes in doc.nodes_by_class.items():
        if _MODAL_WORDS.isdisjoint(_CLASS_SPLIT.split(value.lower())):
            continue
        for node in nodes:
            ident = node.tag.get("id")
            if isinstance(ident, str) and ident.strip():
                modals[ident.strip()] = node.tag
    if not modals or doc.soup is None:
        return set()  # most pages have no modal with an id: nothing else is read
    inside: dict[str, set[int]] = {}
    for ref_url in doc.urls:
        if not router.claims(ref_url.url):
            continue
        for parent in ref_url.node.tag.parents:
            ident = parent.get("id")
            if isinstance(ident, str) and modals.get(ident.strip()) is parent:
                inside.setdefault(ident.strip(), set()).add(ref_url.node.position)
                break
    if not inside:
        return set()
    # One walk of the tree finds the openers of every modal that plays something.
    openers: dict[str, list[Tag]] = {}
    for tag in doc.soup.find_all(True):
        for ident in _named_modals(tag, inside):
            openers.setdefault(ident, []).append(tag)
    dropped: set[int] = set()
    for ident, positions in inside.items():
        named_by = openers.get(ident)
        if named_by and all(zone_of(opener, doc.forced)[0] in (BOILERPLATE, ASIDE) for opener in named_by):
            dropped |= positions
    return dropped


def _named_modals(tag: Tag, idents: Mapping[str, object]) -> set[str]:
    """The ids among ``idents`` that ``tag``'s opener attributes name (``href="#id"``, ``data-target``…)."""
    named: set[str] = set()
    for attribute in _OPENER_ATTRIBUTES:
        value = tag.get(attribute)
        if not isinstance(value, str):
            continue
        value = value.strip()
        if value in idents:
            named.add(value)
        if value.startswith("#") and value[1:] in idents:
            named.add(value[1:])
    return named


def feed_grids(
    doc: ParsedDocument, router: Router, outside_chrome: list[tuple[Node, PostRef]] | None = None
) -> set[int]:
    """The positions of the links in an account's feed widget: a block holding three or more links to posts
    of one platform that show a picture and at most a line of text (a screen reader's caption), a link to a
    profile on that platform (the "Follow on Instagram" button), and hardly any text besides (Smash
    Balloon's ``#sb_instagram`` grid that a food blog appends to every post, inside the post's own column).
    An article citing posts writes about them, or links them from its text."""
    links = _links_outside_chrome(doc, router) if outside_chrome is None else outside_chrome
    thumbnails: list[tuple[Node, str, str]] = []
    profiles: list[tuple[Node, str]] = []
    for node, ref in links:
        if ref.kind == "account":
            profiles.append((node, ref.platform))
        elif node.tag.find(_PICTURES) is not None and len(node.tag.get_text(strip=True)) <= _THUMBNAIL_TEXT:
            thumbnails.append((node, ref.platform, ref.id))
    grids = _own_feeds(links)
    if len(thumbnails) < _RAIL_PLAYERS or not profiles:
        return grids
    held, holders = _held_within_rail_depth(thumbnails)
    for (key, platform), posts in held.items():
        if len(posts) < _RAIL_PLAYERS or set(posts.values()) <= grids:
            continue
        holder = holders[key]
        follows = any(
            other == platform and any(up is holder for up in node.tag.parents) for node, other in profiles
        )
        own = _unlinked_text(holder)
        if follows and own <= _LINK_RAIL_TEXT_PER_VIDEO * len(posts):
            grids |= set(posts.values())
    return grids


def tile_grids(
    doc: ParsedDocument, router: Router, outside_chrome: list[tuple[Node, PostRef]] | None = None
) -> set[int]:
    """The positions of the links in a grid of tiles: an element whose children (six or more) are each a tile
    linking one post of one platform, no two the same, by a picture or nothing at all (at most a screen
    reader's caption as the link's text), with no text of the tiles' own and no paragraph of prose among
    them. That is an account's feed widget (WPZoom's and Smash Balloon's Instagram grids at the foot of a
    sidebar) whether or not its follow button sits near enough for ``feed_grids`` to see. An article that
    shows posts it cites writes about them: a caption, a sentence, a paragraph between them."""
    if outside_chrome is None:
        outside_chrome = _links_outside_chrome(doc, router)
    links = [(node, ref) for node, ref in outside_chrome if ref.kind != "account"]
    tiles: dict[int, dict[int, set[str]]] = {}  # id(grid) -> id(tile) -> post ids
    grids: dict[int, Tag] = {}
    platforms: dict[int, set[str]] = {}
    for node, ref in links:
        if len(node.tag.get_text(strip=True)) > _THUMBNAIL_TEXT:
            continue
        tile: Tag = node.tag
        for _ in range(_TILE_DEPTH):
            grid = tile.parent
            if grid is None or grid.name in ("body", "html"):
                break
            tiles.setdefault(id(grid), {}).setdefault(id(tile), set()).add(ref.id)
            grids[id(grid)] = grid
            platforms.setdefault(id(grid), set()).add(ref.platform)
            tile = grid
    boxes: dict[int, set[str]] = {}  # id(the box around a grid) -> the grid's posts
    prose: dict[int, bool] = {}  # id(an element above a grid) -> whether it holds prose
    for key, held in tiles.items():
        if len(held) < _GRID_TILES or len(platforms[key]) != 1:
            continue
        grid = grids[key]
        children = [child for child in grid.children if type(child) is Tag]
        posts = {next(iter(ids)) for ids in held.values() if len(ids) == 1}
        if (
            len(children) != len(held)
            or len(posts) != len(held)
            or _unlinked_text(grid) > _TILE_TEXT * len(held)
            or _holds_prose(grid)
            or among_paragraphs(grid)
        ):
            continue
        # The widget's other copies of its posts go with it (the lightbox a script opens over each tile,
        # with the caption and a "View on Instagram" link): the box around the grid, up to where the
        # story's prose begins.
        box = grid
        for _ in range(_TILE_BOX_DEPTH):
            parent = box.parent
            if parent is None or parent.name in ("body", "html"):
                break
            if id(parent) not in prose:  # many grids may share one parent: each is read once
                prose[id(parent)] = _holds_prose(parent)
            if prose[id(parent)]:
                break
            box = parent
        boxes.setdefault(id(box), set()).update(posts)
    if not boxes:
        return set()
    # One walk up from each link to a grid's post: a page may hold many grids.
    listed = set().union(*boxes.values())
    found: set[int] = set()
    for node, ref in links:
        if ref.id in listed and any(
            ref.id in boxes.get(id(up), ()) for up in chain((node.tag,), node.tag.parents)
        ):
            found.add(node.position)
    return found


# Tiles a grid needs to be an account's feed rather than a few pictures an article links: feed widgets show
# six, eight, nine or twelve; and the text of its own a tile may have (a like count, a date).
_GRID_TILES = 6
_TILE_TEXT = 12
# How deep a tile may hold its link (a theme's wrappers around the picture and its hover overlay), and how far
# above the grid its widget's other parts may sit.
_TILE_DEPTH = 5
_TILE_BOX_DEPTH = 3


# An account's latest posts listed beside its own profile link: two make a list.
_FEED_POSTS = 2


def _links_outside_chrome(doc: ParsedDocument, router: Router) -> list[tuple[Node, PostRef]]:
    """The page's links (``<a>``) outside page chrome to what a platform claims, with what each names."""
    links: list[tuple[Node, PostRef]] = []
    for ref_url in doc.urls:
        node = ref_url.node
        if node.zone == BOILERPLATE or node.tag.name != "a" or not router.claims(ref_url.url):
            continue
        ref = router.ref(ref_url.url)
        if ref is not None:
            links.append((node, ref))
    return links


def own_accounts(doc: ParsedDocument, router: Router, publisher: Iterable[str] = ()) -> frozenset[str]:
    """The handles, lower-cased and on any platform, of the publisher's own accounts: those the page's chrome
    links (its header, footer and menus name the publisher's profiles: "follow us"), and ``publisher``, the
    handles the page's metadata gives it (``twitter:site``)."""
    handles = {handle.lower() for handle in publisher}
    for ref_url in doc.urls:
        if ref_url.node.zone != BOILERPLATE or ref_url.node.tag.name != "a" or not router.claims(ref_url.url):
            continue
        ref = router.ref(ref_url.url)
        if ref is not None and ref.kind == "account":
            handles.add((ref.handle or ref.native_id).lstrip("@").lower())
    return frozenset(handles)


def own_promotions(
    doc: ParsedDocument, router: Router, found: Sequence[Found], publisher: set[str]
) -> frozenset[tuple[str, int]]:
    """The sightings (post id, position) of the publisher's own posts embedded in an aside beside the
    article body: a post whose author is an account the page's chrome links (or its ``twitter:site``), shown
    by its embed markup in a sidebar (a WordPress theme's ``aside#secondary`` holding the site's latest
    TikTok), is the site's promotion, not a post the article cites. The same embed in the body counts, as a
    publisher's own post does there; so does anyone else's post in a sidebar, and a post the text also
    cites."""
    candidates = [s for s in found if s.method not in TEXT_METHODS and s.post.author_handle]
    if not candidates:
        return frozenset()
    own = own_accounts(doc, router, publisher)
    ids = {s.post.id for s in candidates if (s.post.author_handle or "").lower() in own}
    if not ids:
        return frozenset()
    promoted: set[tuple[str, int]] = set()
    for post_id in ids:
        sightings = [s for s in found if s.post.id == post_id]
        beside = [
            s for s in sightings if (node := doc.node_at(s.position)) is not None and beside_body(doc, node)
        ]
        if len(beside) == len(sightings):
            promoted.update((s.post.id, s.position) for s in beside)
    return frozenset(promoted)


def _own_feeds(links: list[tuple[Node, PostRef]]) -> set[int]:
    """The positions of the links in an account's own feed: a block (within four levels of each link)
    holding two or more links to posts whose URLs name one account, a link to that account's profile, and
    hardly any text outside its links (queness.com's footer box listing its last two tweets above "Follow
    me"). Posts an article cites come with its text around them."""
    posts: list[tuple[Node, str, str]] = []  # (node, account, post id)
    profiles: dict[str, list[Node]] = {}
    for node, ref in links:
        if not ref.handle:
            continue
        account = f"{ref.platform}:{ref.handle.lower()}"
        if ref.kind == "account":
            profiles.setdefault(account, []).append(node)
        else:
            posts.append((node, account, ref.id))
    if len(posts) < _FEED_POSTS or not profiles:
        return set()
    held, holders = _held_within_rail_depth([item for item in posts if item[1] in profiles])
    feeds: set[int] = set()
    for (key, account), listed in held.items():
        if len(listed) < _FEED_POSTS or set(listed.values()) <= feeds:
            continue
        holder = holders[key]
        follows = any(any(up is holder for up in node.tag.parents) for node in profiles[account])
        if follows and _unlinked_text(holder) <= _LINK_RAIL_TEXT_PER_VIDEO * len(listed):
            feeds |= set(listed.values())
    return feeds


def _held_within_rail_depth(
    links: list[tuple[Node, str, str]],
) -> tuple[dict[tuple[int, str], dict[str, int]], dict[int, Tag]]:
    """For links given as (node, group, post id): the posts of each group that each element within rail
    depth above them holds, by (``id()`` of the element, group), with each post's position; and the
    elements by ``id()``."""
    held: dict[tuple[int, str], dict[str, int]] = {}
    holders: dict[int, Tag] = {}
    for node, group, post in links:
        element = node.tag.parent
        for _ in range(_RAIL_DEPTH):
            if element is None or element.name in ("body", "html"):
                break
            held.setdefault((id(element), group), {})[post] = node.position
            holders[id(element)] = element
            element = element.parent
    return held, holders


_PICTURES = ("img", "picture", "svg")
# A thumbnail link's text: a screen reader's cut of the post's caption at most.
_THUMBNAIL_TEXT = 60


def _link_rails(doc: ParsedDocument, router: Router) -> set[int]:
    """The positions of links (and linked thumbnails) in a list of three or more videos, each little more than
    its title, that does not sit among the article's paragraphs: a site's video rail ("Videos of the year")
    wherever it is, inside ``<main>`` too, or a grid of cards mixing its videos with its stories. A list of
    videos among the body's paragraphs is the article's."""
    videos: list[tuple[Node, str]] = []
    for ref_url in doc.urls:
        node = ref_url.node
        if node.zone == BOILERPLATE or node.tag.name not in ("a", "img") or not router.claims(ref_url.url):
            continue
        ref = router.ref(ref_url.url)
        if ref is not None and ref.platform in VIDEO_PLATFORMS and ref.kind != "account":
            videos.append((node, ref.id))
    if len({post for _node, post in videos}) < _RAIL_PLAYERS:
        return set()
    held: dict[int, dict[str, list[int]]] = {}
    holders: dict[int, Tag] = {}
    items: dict[int, set[int]] = {}  # holder -> its children (list items, cards) that hold a video
    kinds: dict[int, set[str]] = {}  # holder -> the tag names of those children
    for node, post in videos:
        child = node.tag
        element = node.tag.parent
        for _ in range(_RAIL_DEPTH):
            if element is None or element.name in ("body", "html"):
                break
            held.setdefault(id(element), {}).setdefault(post, []).append(node.position)
            holders[id(element)] = element
            if child.name not in PHRASING_TAGS:
                items.setdefault(id(element), set()).add(id(child))
                kinds.setdefault(id(element), set()).add(child.name)
            child, element = element, element.parent
    rails: set[int] = set()
    for key, posts in held.items():
        positions = {position for found in posts.values() for position in found}
        # A list is its items: links side by side in one line of text are a sentence citing them.
        if len(posts) < _RAIL_PLAYERS or len(items.get(key, ())) < _RAIL_PLAYERS or positions <= rails:
            continue
        holder = holders[key]
        if among_paragraphs(holder) or (holder.parent is not None and among_paragraphs(holder.parent)):
            continue
        # Videos each linked from a paragraph of its own are a list the article writes (a show's notes, a
        # post's sources, one per line): a rail's items are cards and list items, not paragraphs.
        if kinds[key] == {"p"}:
            continue
        # A grid of teasers mixing the site's videos with its stories ("Latest: insights, videos, podcast")
        # may have a date or a label per card: its own text is measured per card of the kind holding the
        # videos, not per video.
        cards = sum(1 for card in holder.children if isinstance(card, Tag) and card.name in kinds[key])
        if _unlinked_text(holder) <= _LINK_RAIL_TEXT_PER_VIDEO * max(len(posts), cards):
            # with the links deeper in its cards than a rail is looked for (a card's title in its heading)
            rails |= positions | {
                node.position for node, _post in videos if any(up is holder for up in node.tag.parents)
            }
    return rails


def _own_video_ids(doc: ParsedDocument, router: Router) -> frozenset[str]:
    """The post ids of the videos the page's JSON-LD gives the article (``article.own_videos``)."""
    ids: set[str] = set()
    for address in own_videos(doc):
        ref = router.recognise(address, doc.absolute)
        if ref is not None and ref.kind != "account":
            ids.add(ref.id)
    return frozenset(ids)


def _repeats_href(ref_url: UrlRef) -> bool:
    href = ref_url.node.tag.get("href")
    return isinstance(href, str) and href.strip() == ref_url.url.strip()


def scan_links(
    doc: ParsedDocument, router: Router, rails: frozenset[int] | None = None
) -> Iterator[tuple[Found | None, PostRef]]:
    """Yield ``(found, ref)`` for every URL in the page that names a post (``found`` set) or an account
    (``found`` None) in a place that counts as the article's own content."""
    rails = video_rails(doc, router) if rails is None else rails
    memo: dict[tuple[str, int], bool] = {}
    found: list[tuple[Found | None, PostRef, Tag | None]] = []
    own: frozenset[str] | None = None  # read from the page's JSON-LD only when an aside's candidate needs it
    servers: frozenset[str] | None = None  # Mastodon servers the page cites statuses on, read when needed
    threads: frozenset[str] | None = None  # posts the page's comment system is built on, read when needed
    copies: frozenset[str] | None = None  # posts the page marks as its own copies, read when needed
    for ref_url in doc.urls:
        method = METHOD_BY_TAG.get(ref_url.node.tag.name, "placeholder")
        if ref_url.attribute == "cite" and method != "blockquote":
            continue
        claimed = router.claimed(ref_url)
        if claimed is None or _is_share(claimed.url):
            continue
        ref_url = claimed
        if method == "link":
            attribute = ref_url.attribute
            if attribute != "href" and _repeats_href(ref_url):
                continue  # analytics and affiliate attributes copy the href: the href is the sighting
            if attribute != "href" or is_player_url(ref_url.url):
                # A link to a player's address is an embed's fallback (a consent placeholder's link to the
                # site the content "originates from"): the embed itself, not a citation in the text.
                method = "placeholder"
            elif syndicated_copy(ref_url.node.tag):
                continue
            else:
                method = _link_method(ref_url.node.tag)
        ref = router.ref(ref_url.url)
        if ref is None:
            if servers is None:
                servers = router.servers(url.url for url in doc.urls)
            ref = router.profile(ref_url.url, servers)
        if ref is None:
            continue
        if not _keep(doc, ref_url, method, ref, memo):
            # A video the page's structured data names as the article's counts in an aside too (a recipe's
            # own videos in its side column).
            if ref_url.node.zone != ASIDE:
                continue
            if own is None:
                own = _own_video_ids(doc, router)
            if ref.id not in own:
                continue
        if ref.kind == "post" and ref.platform in router.threaded:
            # A blog that takes its comments as replies to its own toot links that toot under the post
            # ("reply to this post"), beside a reply button and a script loading the replies: the comment
            # thread, not a citation.
            if threads is None:
                written = chain(
                    (url.url for url in doc.urls),
                    (url for node in doc.tagged("script") for url in raw_urls(node)),
                )
                threads = router.threads(written)
            if ref.id in threads:
                continue
        if ref.kind == "account":
            if method == "link" and not _quoted(ref_url.node):
                found.append((None, ref, None))
            continue
        if method == "link":
            if copies is None:
                copies = syndicated_ids(doc, router)
            if ref.id in copies:
                continue
        if method == "link" and discussion_pointer(doc.block_text(ref_url.node), ref_url.node.tag):
            continue
        if ref_url.node.position in rails:
            continue
        if ref_url.node.zone == NEUTRAL and (ref.platform in VIDEO_PLATFORMS or method == "link"):
            # On a page that marks no body, a player after the headline outside the element holding it and
            # the story's prose (a right-hand column's video block) is the site's, not the story's; so are
            # the links to videos there (SYS-CON's "2014 Edition | 2013 Edition" under its promo player).
            # Links to other posts are the site's only in a column beside the story's own column (a
            # sidebar's list of tweets): boxes that column holds after the text (footnotes, sources) stay.
            story = None if doc.has_content_root else doc.story()
            beside = beside_story if ref.platform in VIDEO_PLATFORMS else beyond_story_column
            if beside(ref_url.node.tag, ref_url.node.position, story):
                continue
        elif (
            ref_url.node.zone == CONTENT
            and method == "link"
            and ref.platform in VIDEO_PLATFORMS
            and _picture_only(ref_url.node.tag)
            and beyond_story_column(ref_url.node.tag, ref_url.node.position, doc.story())
        ):
            # A picture linking a video in a column of the body beside the story's own (a page builder's
            # "Video of the week" banner in the sidebar column, inside the page's marked content): a promo.
            continue
        context = doc.block_text(ref_url.node)
        post = Post(ref.id, ref.platform, ref.kind, ref.url, ref.native_id, author_handle=ref.handle)
        anchor = ref_url.node.tag if method == "link" else None
        found.append(
            (Found(post, method, ref_url.node.position, context, block=ref_url.node.block), ref, anchor)
        )
    # A live stream's posts are known only once all links are read: its newest posts print their age, its
    # older ones a date in the same slot.
    streams = stream_slots([anchor for _result, _ref, anchor in found if anchor is not None])
    for result, ref, anchor in found:
        if anchor is None or not in_stream(anchor, streams):
            yield result, ref


def _picture_only(anchor: Tag) -> bool:
    """Whether a link shows a picture and no words."""
    return anchor.find(["img", "picture"]) is not None and not anchor.get_text(strip=True)


# Elements whose text is markup or code rather than prose: consent managers park the embed's HTML in a
# <textarea> or a <script type="text/plain">, and some publishers render embeds from an inline script
# (polygraph.info: renderExternalContent("https://www.youtube.com/embed/ID")).
RAW_CARRIERS = ("script", "textarea")
_RAW_URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/[^\s\"'<>\\`]*)?")


# Script types that hold data or parked markup rather than code.
_INERT_SCRIPT_TYPES = frozenset(
    {"text/plain", "text/template", "text/html", "text/x-template", "text/x-tmpl"}
)


# Borlabs Cookie (a consent manager on many WordPress news sites) parks a blocked embed's HTML
# base64-encoded in this attribute of the placeholder that stands in its place (version 3). Version 2 writes
# the base64 as the text of a hidden element marked BLOCKER_TYPE="content-blocker", bare or in a template
# script.
PARKED_BASE64 = "data-borlabs-cookie-content"
BLOCKER_TYPE = "data-borlabs-cookie-type"
_PARKED_MAX = 200_000
_BASE64_TEXT = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
# Page-builder widgets keep their settings as a JSON object in this attribute; Elementor's video widget
# names the video there ({"youtube_url": "https:\/\/www.youtube.com\/watch?v=…"}) and renders the player
# from it by script.
WIDGET_SETTINGS = "data-settings"
_WIDGET_VIDEO = re.compile(r'"(?:youtube|vimeo|dailymotion)_url"\s*:\s*"([^"]+)"')


# Front-end components rendered from props the page writes into an attribute as JSON (react-rails'
# ``data-react-props``, Astro's ``<astro-island props>``, WordPress's Interactivity API ``data-wp-context``):
# a component in the body whose props name a post renders that post.
COMPONENT_PROPS = "props"


# Elements whose JSON attributes describe the element itself (a link's or a button's click tracking,
# ``data-event-click='{"outgoingURL": …}'``; an image's settings, Substack's ``img[data-attrs]``), not a
# component's props.
_NOT_COMPONENTS = frozenset({"a", "img", "button", "input", "form", "area", "picture", "source"})


def _component_props(tag: Tag) -> str | None:
    """The JSON props of a front-end component that name an address (``{"url": "https://…"}``), or None."""
    for name, value in tag.attrs.items():
        if _props_attribute(tag, name) and _names_address(value):
            return value
    return None


def _props_attribute(tag: Tag, name: str) -> bool:
    """Whether attribute ``name`` of ``tag`` may hold a component's props (not a page builder's settings)."""
    return (
        (name.startswith("data-") or name == COMPONENT_PROPS)
        and name != WIDGET_SETTINGS
        and tag.name not in _NOT_COMPONENTS
    )


def _names_address(value: object) -> TypeGuard[str]:
    # Props are an object; a bare list is an analytics tuple (``data-ga='[["Embedded Url", …]]'``) as often.
    return (
        isinstance(value, str)
        and len(value) < _PARKED_MAX
        and value[:1] == "{"
        and value.endswith("}")
        # JSON may escape its slashes: "https:\/\/www.youtube-nocookie.com\/embed\/…" (Acris's video props).
        and ("//" in value or "\\/\\/" in value)
    )


def _raw_text(node: Node) -> str | None:
    if node.tag.name == "iframe":
        value = node.tag.get("srcdoc")
        return value if isinstance(value, str) else _inline_frame_markup(node.tag)
    parked = node.tag.get(PARKED_BASE64)
    if isinstance(parked, str):
        return _unbase64(parked)
    if node.tag.get(BLOCKER_TYPE) == "content-blocker":
        return _unbase64(node.tag.get_text().strip())
    settings = node.tag.get(WIDGET_SETTINGS)
    if isinstance(settings, str) and "_url" in settings:
        # Only a video widget's own keys: a section's background video is the page's decoration.
        videos = (match.group(1).replace("\\/", "/") for match in _WIDGET_VIDEO.finditer(settings))
        return "\n".join(videos) or None
    markup = _parked_markup(node.tag)
    if markup is not None:
        return markup if node.tag.string is None else markup + "\n" + node.tag.string
    parked_text = _base64_template(node.tag)
    if parked_text is not None:
        return _unbase64(parked_text)  # a template script parking the embed base64-encoded (Borlabs Cookie 2)
    if node.tag.name not in RAW_CARRIERS:
        props = _component_props(node.tag)
        # Props' JSON may escape its slashes (Acris's "embedURL":"https:\/\/www.youtube-nocookie.com\/…").
        return props.replace("\\/", "/") if props is not None else None
    return node.tag.string


def _inline_frame_markup(tag: Tag) -> str | None:
    """Embed markup written between an ``<iframe>``'s tags, which the HTML parser keeps as text: Facebook
    Instant Articles' ``<figure class="op-interactive"><iframe><blockquote class="twitter-tweet">…``, the form
    publishers' feeds and saved Instant Articles carry. A frame's ordinary fallback text is not markup."""
    text = tag.string
    return text if text is not None and len(text) < _PARKED_MAX and _parks_embed(text) else None


def _frames_embed(node: Node) -> bool:
    """Whether ``node`` is a frame whose document (``srcdoc``, or the markup between its tags) is an
    embed's."""
    return node.tag.name == "iframe" and _parks_embed(_raw_text(node))


def _base64_template(tag: Tag) -> str | None:
    """The text of a data or template script that is base64 and nothing else, or None."""
    kind = tag.get("type")
    if tag.name != "script" or not isinstance(kind, str) or kind.lower() not in _INERT_SCRIPT_TYPES:
        return None
    text = tag.string
    return text if text is not None and _BASE64_TEXT.fullmatch(text.strip()) else None


def _parks(node: Node) -> bool:
    """Whether ``node`` holds an embed's markup (a textarea's, a srcdoc's, or one a consent gate parked)
    rather than code that may name a post for any reason."""
    return node.tag.name != "script" or _parked_embed(node.tag)


def _parked_embed(tag: Tag) -> bool:
    """Whether ``tag`` is a consent gate's or a template's parking place for an embed that is there, only not
    rendered yet: markup or base64 in an attribute, a Borlabs hidden element, a template script of base64."""
    return (
        _parked_markup(tag) is not None
        or tag.get(PARKED_BASE64) is not None
        or tag.get(BLOCKER_TYPE) == "content-blocker"
        or _base64_template(tag) is not None
    )


def _parked_markup(tag: Tag) -> str | None:
    """Embed markup a consent gate parks in a data attribute until consent (``<script
    data-content='&lt;blockquote class="instagram-media" …'>``), entities already undone by the parser."""
    for name, value in tag.attrs.items():
        if name.startswith("data-") and _parks_embed(value):
            return value
    return None


_PARKED_WORDS = re.compile(r"<(?:blockquote|iframe)\b", re.I)


def _parks_embed(value: object) -> TypeGuard[str]:
    """Whether an attribute's value is embed markup (a blockquote widget or an iframe)."""
    return isinstance(value, str) and "<" in value and _PARKED_WORDS.search(value) is not None


def _unbase64(value: str) -> str | None:
    """Parked markup from its base64 form, or None when it is not that."""
    if len(value) > _PARKED_MAX:
        return None
    try:
        return base64.b64decode(value.strip(), validate=True).decode("utf-8", "replace")
    except ValueError:
        return None


# A textarea holding this many paragraphs is a copy of a text (a "repost to LiveJournal" form's field, a
# republishing tool's copy of the whole article), not an embed's parked markup: its links are the text's.
_COPY_PARAGRAPHS = 3


# Media elements a script turns into a player of the address their attributes name (video.js writes
# <video-js> or a <video> with data-setup).
_PLAYER_ELEMENTS = frozenset({"video", "video-js"})


def _raw_in_play(doc: ParsedDocument, node: Node, memo: dict[int, bool]) -> bool:
    """Whether a carrier's URLs are the article's; ``memo`` holds, by ``id()`` of an element, whether it
    holds paragraphs of prose (20,000 players side by side share the element above their wrappers)."""
    if node.tag.name == "textarea" and (node.tag.string or "").count("<p") >= _COPY_PARAGRAPHS:
        return False
    if node.zone == CONTENT:
        return True
    if node.zone == ASIDE and (_parked_embed(node.tag) or _frames_embed(node)):
        return True  # a platform's embed markup, parked or in a frame: an embed counts in weak chrome too
    if node.zone == NEUTRAL and node.tag.name in _PLAYER_ELEMENTS:
        # A <video> a script sets up to play a platform's video (video.js's YouTube tech: data-setup='{
        # "techOrder": ["youtube"], "src": "…/watch?v=ID"}') is that video's player, and counts where its
        # iframe would: outside chrome, in the body or beside it (the lead video above a story's text).
        return True
    if node.zone != NEUTRAL or doc.has_content_root:
        return False
    # Without a recognised article body, only carriers of parked markup count, and code that sits among the
    # text's paragraphs (a WordPress plugin's player set up in the post), itself or in the wrappers of the
    # embed it renders (polygraph.info's player box, a close button beside the script); page-level code does
    # not.
    kind = node.tag.get("type")
    if node.tag.name != "script" or (isinstance(kind, str) and kind.lower() in _INERT_SCRIPT_TYPES):
        return True
    return among_paragraphs_within(node.tag, _EMBED_BLOCK_DEPTH, memo)


def raw_carriers(doc: ParsedDocument) -> Iterator[Node]:
    """The elements whose text or an attribute is markup or code: scripts, textareas, iframes with srcdoc or
    with markup between their tags, consent placeholders parking the embed base64-encoded or as markup in a
    data attribute."""
    seen: set[int] = set()
    carriers = doc.with_attribute("srcdoc", PARKED_BASE64, BLOCKER_TYPE, WIDGET_SETTINGS)
    inline_frames = (node for node in doc.tagged("iframe") if _inline_frame_markup(node.tag) is not None)
    for node in chain(doc.tagged(*RAW_CARRIERS), carriers, inline_frames, _parking(doc)):
        if node.position not in seen:
            seen.add(node.position)
            yield node


def _parking(doc: ParsedDocument) -> Iterator[Node]:
    for name, nodes in doc.nodes_by_attribute.items():
        parks = name.startswith("data-") and name != PARKED_BASE64
        if not parks and name != COMPONENT_PROPS:
            continue
        for node in nodes:
            value = node.tag.get(name)
            if (parks and _parks_embed(value)) or (
                _props_attribute(node.tag, name) and _names_address(value)
            ):
                yield node


def raw_urls(node: Node) -> Iterator[str]:
    """The URLs written inside a raw carrier's text (JSON-escaped slashes and HTML entities undone), as
    written; resolve them with ``ParsedDocument.absolute``."""
    text = _raw_text(node)
    if not text or ("//" not in text and not ("\\/\\/" in text and _code(node.tag))):
        # No URL. A script's code may write one only with JSON-escaped slashes (Gawker's player set up in a
        # paragraph: newVideoPlayer({"player":"http:\/\/www.youtube.com\/v\/…"})); a JSON blob that does
        # is page data, read by the state scanners.
        return
    if "\\/" in text:
        text = text.replace("\\/", "/")  # JSON-escaped slashes
    if "&" in text:
        text = html.unescape(text)
    for match in _RAW_URL.finditer(text):
        yield match.group(0)


def _code(tag: Tag) -> bool:
    """Whether ``tag`` is a script of code (no type, or a JavaScript one), not a block of data."""
    kind = tag.get("type")
    return tag.name == "script" and (not isinstance(kind, str) or "javascript" in kind.lower() or kind == "")


def scan_raw(doc: ParsedDocument, router: Router) -> Iterator[Found]:
    """Posts named by URLs written inside scripts, textareas, ``srcdoc`` attributes and consent placeholders'
    parked markup in the article body.

    Only carriers in the article's own content count: page-level JSON state, analytics and widget loaders live
    outside it, and repeat what the markup shows (the merge counts a post once in any case). A URL here is an
    embed's source, so the method is ``script`` (``embed`` for a textarea's or srcdoc's parked markup).
    """
    memo: dict[int, bool] = {}
    for node in raw_carriers(doc):
        if not _raw_in_play(doc, node, memo):
            continue
        method = "embed" if _parks(node) else "script"
        seen: set[str] = set()
        for written in raw_urls(node):
            ref = router.recognise(written, doc.absolute)
            if ref is None or ref.kind == "account" or ref.id in seen or _is_share(written):
                continue
            seen.add(ref.id)
            post = Post(ref.id, ref.platform, ref.kind, ref.url, ref.native_id, author_handle=ref.handle)
            yield Found(post, method, node.position, doc.block_text(node), block=node.block)


# Script types that hold a page's JSON state (Next.js, Nuxt and CMS renderers put the article body there).
# A script holding an article body's markup writes its paragraphs "<p", or escaped as JSON may write them.
_PARAGRAPH_MARKS = ("<p", "\\u003cp", "\\u003Cp")
# A JSON string is an article body when it holds at least this many paragraphs.
_BODY_PARAGRAPHS = 3
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)
_TAGS = re.compile(r"<[^>]+>")


def _state_body(doc: ParsedDocument) -> tuple[str, Node] | None:
    """The article body a page carries only in its JSON state: the JSON string with the most paragraphs,
    when it holds more text than the page's markup shows (a JS-rendered page, or a paywall stub)."""
    best: tuple[int, str, Node] | None = None
    for value, node, ours in state_strings(doc, _PARAGRAPH_MARKS, _BODY_PARAGRAPHS):
        if ours is False:
            continue  # the body of another article the state holds (the next story, an infinite scroll)
        paragraphs = value.count("<p")
        if paragraphs >= _BODY_PARAGRAPHS and (best is None or paragraphs > best[0]):
            best = (paragraphs, value, node)
    if best is None:
        return None
    _count, body, node = best
    shown = sum(len(block.text) for block in doc.blocks if block.zone == CONTENT) or sum(
        len(block.text) for block in doc.blocks if block.zone == NEUTRAL
    )
    if shown >= len(html.unescape(_TAGS.sub(" ", body))) * 0.8:
        return None  # the markup shows the body itself; the state only repeats it
    return body, node


def state_links(body: str) -> Iterator[str]:
    """The URLs an article body's markup links (``href`` values, entities undone)."""
    for match in _HREF.finditer(body):
        yield html.unescape(match.group(1)).strip()


def scan_state(doc: ParsedDocument, router: Router) -> Iterator[Found]:
    """Posts linked from an article body that exists only in the page's JSON state (``_state_body``): every
    post URL its markup links is a citation (``link``), as it would be in the rendered page."""
    found = _state_body(doc)
    if found is None:
        return
    body, node = found
    seen: set[str] = set()
    for url in state_links(body):
        if not router.claims(url) or _is_share(url):
            continue
        ref = router.ref(url)
        if ref is None or ref.kind == "account" or ref.id in seen:
            continue
        seen.add(ref.id)
        post = Post(ref.id, ref.platform, ref.kind, ref.url, ref.native_id, author_handle=ref.handle)
        yield Found(post, "link", node.position, None, block=None)


def reviewed_refs(doc: ParsedDocument, router: Router) -> Iterator[tuple[Node, str, str | None, PostRef]]:
    """``article.reviewed_claims`` (script, address, claim) with what a platform recognises at each address
    (``scan_reviewed`` logs its posts, ``explain`` lists them all)."""
    for node, address, claim in reviewed_claims(doc):
        ref = router.recognise(address, doc.absolute)
        if ref is not None:
            yield node, address, claim, ref


def scan_reviewed(doc: ParsedDocument, router: Router) -> Iterator[Found]:
    """The posts a fact-check reviews, as its ``ClaimReview`` data names them (``reviewed_refs``): citations
    (``link``) with the claim as the review words it, sighted at the script."""
    for node, _address, claim, ref in reviewed_refs(doc, router):
        if ref.kind == "account":
            continue
        post = Post(ref.id, ref.platform, ref.kind, ref.url, ref.native_id, author_handle=ref.handle)
        yield Found(post, "link", node.position, claim, block=None)


# Publishers' own embed placeholders name the platform in one data attribute and keep the post's bare id in
# another (<div class="embed-twitter" data-embed-type="twitter" data-embed-id="567053242429734913">); the
# script that renders them builds the URL. These are the URLs it builds, by the platform the type names.
_TYPE_ATTRIBUTES = (
    "data-embed-type",
    "data-embed-provider",
    "data-provider",
    "data-platform",
    "data-service",
    "data-social",
    "data-type",
    "data-plyr-provider",  # Plyr: <div data-plyr-provider="youtube" data-plyr-embed-id="…">
)
_ID_ATTRIBUTES = (
    "data-embed-id",
    "data-id",
    "data-post-id",
    "data-social-id",
    "data-media-id",
    "data-video-id",
    "data-videoid",
    "data-video",
    "data-tweet",
    "data-plyr-embed-id",
    "video-id",  # Dailymotion's own placeholder: <div class="dailymotion-cpe" video-id="x7tgad0">
    # tarteaucitron's placeholders: <div class="youtube_player" videoID="…">, "instagram_post" postId,
    # "twitterembed-canvas" tweetid (attribute names as the parser lowercases them)
    "videoid",
    "postid",
    "tweetid",
)


# Class words naming a platform on an element that keeps a bare id ("youtube-player", "js-youtube",
# "tweet-embed"); "x" is too short a word to name one. Words of buttons and feeds that keep an account's id.
_CLASS_PLATFORMS = frozenset(POST_URLS_BY_ID) - {"x"}
_NOT_A_POST_WORDS = frozenset(
    {"follow", "subscribe", "share", "button", "btn", "timeline", "profile", "channel", "feed", "like"}
)
_CLASS_SPLIT = re.compile(r"[-_]+")


def _class_template(tag: Tag) -> str | None:
    classes = tag.get("class")
    if not classes or not isinstance(classes, list):
        return None
    # A platform's name run into "embed" ("twitterembed-canvas") names it as a word of its own would.
    words = {
        word.removesuffix("embed") or word
        for name in without_taxonomy(classes)
        for word in _CLASS_SPLIT.split(name.lower())
        if word
    }
    named = words & _CLASS_PLATFORMS
    if len(named) != 1 or words & _NOT_A_POST_WORDS:
        return None
    return POST_URLS_BY_ID[next(iter(named))]


def _type_template(tag: Tag) -> tuple[str, str] | None:
    """The post URL template of the platform a type attribute names, and that attribute's name."""
    for name in _TYPE_ATTRIBUTES:
        value = tag.get(name)
        if isinstance(value, str) and value.strip().lower() in POST_URLS_BY_ID:
            return POST_URLS_BY_ID[value.strip().lower()], name
    return None


def _family_attributes(tag: Tag, type_attribute: str) -> tuple[str, ...]:
    """The element's other attributes of the family its type attribute belongs to: a CMS names the id after
    its own scheme ("data-embed-type" beside "data-embed-file", as Sinclair's ``<sd-embed>`` on its TV
    stations' sites), and the platform's id check decides whether a value is one. A bare "data-type" has no
    family."""
    family = type_attribute.rsplit("-", 1)[0] + "-"
    if family == "data-":
        return ()
    return tuple(name for name in tag.attrs if name.startswith(family) and name != type_attribute)


# Embetty (heise's privacy proxy for embeds) renders custom elements: <embetty-tweet status="…">,
# <embetty-video type="youtube" video-id="…">; by tag, the platform (or the attribute naming it) and the id's.
_CUSTOM_ELEMENTS = {
    "embetty-tweet": ("twitter", "status"),
    "embetty-video": ("type", "video-id"),
}


def _custom_element_template(tag: Tag) -> tuple[str, str] | None:
    platform, id_attribute = _CUSTOM_ELEMENTS[tag.name]
    if platform == "type":
        named = tag.get("type")
        platform = named.strip().lower() if isinstance(named, str) else ""
    template = POST_URLS_BY_ID.get(platform)
    return (template, id_attribute) if template is not None else None


def scan_typed(doc: ParsedDocument, router: Router, rails: frozenset[int] | None = None) -> Iterator[Found]:
    """Posts named by a publisher's placeholder that keeps a bare post id in a data attribute and names the
    platform in another (``data-embed-type``) or in its class words (``div.youtube-player[data-id]``); the URL
    is built as the platform's own embed would, and routed like any other."""
    rails = video_rails(doc, router) if rails is None else rails
    for node, ref in _typed_refs(doc, router):
        if _rail_player(doc, node, ref.platform) or node.position in rails:
            continue  # a video's placeholder in a sidebar or a rail is the site's, as its iframe would be
        post = Post(ref.id, ref.platform, ref.kind, ref.url, ref.native_id, author_handle=ref.handle)
        yield Found(post, "placeholder", node.position, doc.block_text(node), block=node.block)
    yield from _named_frames(doc, router)


# Meta tags in which a page declares the video it plays (Open Graph's and the Twitter card's player).
_DECLARING_META = frozenset({"og:video", "og:video:url", "og:video:secure_url", "twitter:player"})
_CONTROL_WORDS = frozenset({"video", "youtube", "vimeo", "dailymotion"})


def scan_declared(doc: ParsedDocument, router: Router) -> Iterator[Found]:
    """The videos a page declares as its own (``declared_videos``) that its text shows without an address: a
    video the page lists with a title, at the picture in the text titled like it (a player's thumbnail a
    script turns into the player); the others when the body holds at least as many video controls that keep
    no address of their own, click-to-play buttons whose player a script builds from the page's metadata
    (ERideHero's eight "Watch video review" buttons, one per ``og:video``), each sighted at the control in
    the same place of the order."""
    declared: dict[str, PostRef] = {}
    for _node, _address, ref in declared_videos(doc, router):
        declared.setdefault(ref.id, ref)
    if not declared:
        return  # most pages declare no video: their classes are not read
    thumbnails = _titled_thumbnails(doc, router)
    for ref in declared.values():
        node = thumbnails.get(ref.id)
        if node is not None:
            yield _declared_found(doc, ref, node)
    # A control holding a titled picture is that video's player: the others' controls are the rest.
    shown = {id(element) for node in thumbnails.values() for element in (node.tag, *node.tag.parents)}
    controls = [node for node in _bare_video_controls(doc, router) if id(node.tag) not in shown]
    untitled = [ref for ref in declared.values() if ref.id not in thumbnails]
    if not untitled or len(untitled) > len(controls):
        return
    for ref, node in zip(untitled, controls, strict=False):
        yield _declared_found(doc, ref, node)


def _declared_found(doc: ParsedDocument, ref: PostRef, node: Node) -> Found:
    post = Post(ref.id, ref.platform, ref.kind, ref.url, ref.native_id, author_handle=ref.handle)
    return Found(post, "placeholder", node.position, doc.block_text(node), block=node.block)


_LISTED_VIDEO_OBJECTS = 2


def declared_videos(doc: ParsedDocument, router: Router) -> Iterator[tuple[Node | None, str, PostRef]]:
    """The video host's videos a page declares it plays, in order: its ``og:video`` and ``twitter:player``
    meta tags (with the tag), then the ``video`` of the entity its JSON-LD describes and the ``VideoObject``
    entities it lists on their own when there are several (no tag)."""
    addresses: list[tuple[Node | None, str]] = []
    for node in doc.nodes_by_tag.get("meta", ()):
        name = node.tag.get("property") or node.tag.get("name")
        content = node.tag.get("content")
        if isinstance(name, str) and name.lower() in _DECLARING_META and isinstance(content, str):
            addresses.append((node, doc.absolute(content.strip())))
    addresses.extend((None, address) for address in sorted(own_videos(doc)))
    # One VideoObject of its own is what a site-wide player declares on every story (National World's
    # filler programme); several are a list the page shows (a recipe's technique videos).
    objects = [address for address, _title in video_objects(doc)]
    if len(set(objects)) >= _LISTED_VIDEO_OBJECTS:
        addresses.extend((None, address) for address in objects)
    for declaring, address in addresses:
        ref = router.recognise(address)
        if ref is not None and ref.kind == "video" and ref.platform in VIDEO_PLATFORMS:
            yield declaring, address, ref


def _titled_thumbnails(doc: ParsedDocument, router: Router) -> dict[str, Node]:
    """For each video the page lists as a ``VideoObject`` with a title (when it lists several, as
    ``declared_videos`` counts them), the first picture in the article's text whose ``alt`` is that title, by
    the video's post id; titles too short to name one video are not matched."""
    videos = video_objects(doc)
    if len({address for address, _title in videos}) < _LISTED_VIDEO_OBJECTS:
        return {}
    by_title: dict[str, str] = {}
    for address, title in videos:
        if not title or len(folded := _folded(title)) < _VIDEO_TITLE_CHARS or not router.claims(address):
            continue
        ref = router.ref(address)
        if ref is not None:
            by_title.setdefault(folded, ref.id)
    if not by_title:
        return {}
    in_text = _text_zones(doc)
    thumbnails: dict[str, Node] = {}
    for node in doc.nodes_by_tag.get("img", ()):
        alt = node.tag.get("alt")
        video = by_title.get(_folded(alt)) if node.zone in in_text and isinstance(alt, str) else None
        if video is not None:
            thumbnails.setdefault(video, node)
    return thumbnails


# A title naming one video rather than a word many pictures carry ("Video", "Play").
_VIDEO_TITLE_CHARS = 12


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _text_zones(doc: ParsedDocument) -> tuple[str, ...]:
    """The zones of the article's text: the body the page marks, or, on a page that marks none, what no
    chrome holds."""
    return (CONTENT,) if doc.has_content_root else (CONTENT, NEUTRAL)


def _bare_video_controls(doc: ParsedDocument, router: Router) -> list[Node]:
    """The outermost elements of the article's text whose class names a video (``listicle-item-video-card``),
    or buttons whose label does ("Watch video review of NIU KQi 100F", "Watch review on YouTube"), and that
    hold no URL a platform claims: players and buttons a script fills in."""
    in_text = _text_zones(doc)
    candidates: dict[int, Node] = {}
    for value, nodes in doc.nodes_by_class.items():
        if not _CONTROL_WORDS.intersection(_CLASS_SPLIT.split(value.lower())):
            continue
        for node in nodes:
            if node.zone in in_text:
                candidates[id(node.tag)] = node
    # A button says what it plays to a screen reader and on its face, whatever its class is named.
    for node in doc.nodes_by_tag.get("button", ()):
        if node.zone in in_text and _labels_video(node.tag):
            candidates[id(node.tag)] = node
    controls: list[Node] = []
    for node in sorted(candidates.values(), key=lambda node: node.position):
        if any(id(parent) in candidates for parent in node.tag.parents):
            continue  # inside another control: its thumbnail or its label
        if node.tag.name in ("iframe", "video", "img") or _claims_inside(node.tag, router):
            continue
        controls.append(node)
    return controls


# How long a button's label may read: a control's few words, not a paragraph a script made clickable.
_CONTROL_LABEL_CHARS = 200


def _labels_video(button: Tag) -> bool:
    """Whether a button's ``aria-label`` or text names a video or a video host as a word."""
    label = button.get("aria-label")
    texts = (label if isinstance(label, str) else "", button.get_text(" ", strip=True))
    return any(
        len(text) <= _CONTROL_LABEL_CHARS and _CONTROL_WORDS.intersection(_WORD.findall(text.lower()))
        for text in texts
    )


def _claims_inside(element: Tag, router: Router) -> bool:
    """Whether an attribute of ``element`` or of anything inside it holds a URL a platform claims."""
    for tag in chain((element,), element.find_all(True)):
        for value in tag.attrs.values():
            if isinstance(value, str) and "/" in value and router.claims(value.strip()):
                return True
    return False


def _typed_refs(doc: ParsedDocument, router: Router) -> Iterator[tuple[Node, PostRef]]:
    """Each publisher's placeholder outside page chrome that names a post by a bare id, with the post."""
    seen: set[int] = set()
    for node in chain(doc.with_attribute(*_TYPE_ATTRIBUTES, *_ID_ATTRIBUTES), doc.tagged(*_CUSTOM_ELEMENTS)):
        if node.zone == BOILERPLATE or node.position in seen:
            continue
        seen.add(node.position)
        id_attributes: tuple[str, ...] = _ID_ATTRIBUTES
        if node.tag.name in _CUSTOM_ELEMENTS:
            custom = _custom_element_template(node.tag)
            template, id_attributes = (custom[0], (custom[1],)) if custom else (None, ())
        else:
            typed = _type_template(node.tag)
            if typed is None:
                template = _class_template(node.tag)
            else:
                template = typed[0]
                id_attributes = (*_ID_ATTRIBUTES, *_family_attributes(node.tag, typed[1]))
        if template is None:
            continue
        for name in id_attributes:
            value = node.tag.get(name)
            if not isinstance(value, str) or not BARE_ID.match(value.strip()) or _own_number(node.tag, value):
                continue
            ref = router.ref(template.format(value.strip()))
            if ref is None or ref.kind == "account":
                continue
            yield node, ref
            break
    yield from _json_placeholders(doc, router)


def _own_number(tag: Tag, value: str) -> bool:
    """Whether ``value`` is the CMS's number of the story ``tag`` stands for: WordPress's post_class() writes
    it as "post-<n>" and themes repeat it in data-id (The Denver Post's related-story cards, whose custom
    taxonomy class "feature-twitter" names the platform)."""
    classes = tag.get("class")
    own = f"post-{value.strip()}"
    return tag.get("id") == own or (isinstance(classes, list) and own in classes)


# The keys under which a placeholder's own little JSON block names its post, and how long such a block is at
# most (a player's settings, not a page's state).
_JSON_ID_KEYS = ("videoId", "video_id", "videoID", "mediaId", "postId", "id")
_JSON_BLOCK_CHARS = 2000


def _json_placeholders(doc: ParsedDocument, router: Router) -> Iterator[tuple[Node, PostRef]]:
    """Placeholders whose class names the platform and whose post id is in a small JSON block of their own
    (Xataka's ``div.js-dailymotion > script[type=application/json] {"videoId": "x8rlmx8"}``), with the
    post, sighted at the block."""
    for node in doc.tagged("script"):
        kind = node.tag.get("type")
        parent = node.tag.parent
        if node.zone == BOILERPLATE or parent is None or not isinstance(kind, str) or "json" not in kind:
            continue
        template = _class_template(parent)
        text = node.tag.string
        if template is None or text is None or len(text) > _JSON_BLOCK_CHARS:
            continue
        try:
            settings = json.loads(text)
        except ValueError:
            continue
        if not isinstance(settings, dict):
            continue
        for key in _JSON_ID_KEYS:
            value = settings.get(key)
            if isinstance(value, str) and BARE_ID.match(value.strip()):
                ref = router.ref(template.format(value.strip()))
                if ref is not None and ref.kind != "account":
                    yield node, ref
                break


# A publisher's proxy frame names the post only in its element id: Kinja (Deadspin, Gizmodo, The Root…)
# writes <iframe id="youtube-LlbUwLx785k" data-src="https://deadspin.com/embed/inset/iframe?id=youtube-video-…">.
_FRAME_ID = re.compile(r"^(?P<platform>[a-z]+)[-_](?:video[-_])?(?P<id>[A-Za-z0-9_-]{5,40})$")


def _named_frames(doc: ParsedDocument, router: Router) -> Iterator[Found]:
    for node in doc.tagged("iframe", "amp-iframe"):
        ident = node.tag.get("id")
        match = _FRAME_ID.match(ident) if isinstance(ident, str) else None
        if match is None or node.zone == BOILERPLATE:
            continue
        platform = match.group("platform")
        template = POST_URLS_BY_ID[platform] if platform in BARE_ID_PLATFORMS else None
        ref = router.ref(template.format(match.group("id"))) if template else None
        if ref is None or ref.kind == "account":
            continue
        if _rail_player(doc, node, ref.platform):
            continue  # a player in a sidebar is the site's rail, as its iframe's own address would be
        post = Post(ref.id, ref.platform, ref.kind, ref.url, ref.native_id, author_handle=ref.handle)
        yield Found(post, "iframe", node.position, doc.block_text(node), block=node.block)


# A URL written out in running text ("Source: https://youtu.be/…", "t.me/bazabazon/123"), with or without
# its scheme. Only an ASCII letter, digit or URL punctuation before it means it is part of something else:
# Chinese or Japanese text runs straight into a URL without a space. It ends at whitespace, quotes, invisible
# spacing characters and CJK text or full-width punctuation ("（https://…）。"), none of which a post's URL
# holds unencoded.
_URL_END = (
    "\\s<>\"'«»“”‘’"
    "\u200b-\u200f\u2028-\u202f\u2060\ufeff"  # zero-width and directional marks, narrow spaces, BOM
    "\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef"  # CJK punctuation and letters, full-width forms
)
_BARE_URL = re.compile(
    rf"(?<![A-Za-z0-9_/=\"'@.\-])(?:https?://|www\.|(?:[a-z0-9-]+\.)+[a-z]{{2,}}/)[^{_URL_END}]+", re.I
)
_TRAILING = ".,;:!?)]}'\"»”’…"
# Pages and platforms print a long address cut short with an ellipsis, linking the whole one (the Institute
# for the Study of War's endnotes: <a href="…/posts/pfbid029PGV2kn…Al">…/posts/pfbid029PGV2knRTJ...</a>).
_CUT_SHORT = ("...", "…")
# URLs listed with commas and no spaces ("https://youtu.be/a,https://youtu.be/b" in a shortcode's
# attribute left as text): a comma right before a scheme starts the next URL.
_LISTED_URL = re.compile(r",(?=https?://)", re.I)
# Wrappers whose text is an embed's URL when the embed did not render (WordPress/Gutenberg, Jetpack).
WRAPPER_CLASSES = ("wp-block-embed__wrapper", "embed-youtube", "embed-twitter", "embed-vimeo")


def _bare_refs(text: str, router: Router) -> Iterator[PostRef]:
    if "/" not in text:
        return  # every URL form has one; most paragraphs have none
    for match in _BARE_URL.finditer(text):
        for written in _LISTED_URL.split(match.group(0)):
            if written.endswith(_CUT_SHORT):
                continue  # a display form cut short ("t.me/channel/2..."): its id is a prefix of the real one
            url = written.rstrip(_TRAILING)
            if "://" not in url[:8]:
                url = "https://" + url
            if not router.claims(url) or _is_share(url):
                continue
            ref = router.ref(url)
            if ref is not None:
                yield ref


_QUOTES = frozenset({"blockquote"})


def _outside_quotes(doc: ParsedDocument, tag: Tag) -> str:
    """The text of the block at ``tag`` outside the posts it embeds (a URL in a quoted post is the post's own,
    not the article's), its strings set apart by spaces. A block holds embedded posts when broken markup
    left a heading or list item open around the whole body."""
    return " ".join(strings_outside(doc, tag, _QUOTES))


# A blockquote holding this many paragraphs of prose is the page indenting its text (old blog themes wrap a
# whole review in <blockquote>s), not a quoted post.
_INDENTED_PARAGRAPHS = 3


def _indents_text(blockquote: Tag) -> bool:
    classes = blockquote.get("class")
    if classes:
        return False  # a widget's blockquote (twitter-tweet, instagram-media) is a post's own
    prose = 0
    for paragraph in blockquote.find_all("p", limit=50):
        if len(paragraph.get_text(strip=True)) >= _CARD_PROSE:
            prose += 1
            if prose >= _INDENTED_PARAGRAPHS:
                return True
    return False


def scan_bare(doc: ParsedDocument, router: Router) -> Iterator[tuple[Found | None, PostRef]]:
    """Post URLs written out as text: a bare unlinked URL in a paragraph of the article (a ``link``), or the
    URL an unrendered embed wrapper holds (an ``embed``). Yields ``(found, ref)`` like ``scan_links``;
    accounts come with ``found`` None. Paragraphs holding an embedded post are skipped: URLs there are the
    embedded post's own text, not the article's."""
    for index, block in enumerate(doc.blocks):
        text = block.text
        node = block.node
        if node is None or not (
            block.zone == CONTENT
            or (block.zone == NEUTRAL and not doc.has_content_root)
            or (block.zone == ASIDE and "/" in text and body_text_widget(node.tag, doc.forced))
        ):
            continue
        indented = node.tag.name == "blockquote"
        if indented and not _indents_text(node.tag):
            continue
        if indented and "/" in text:
            # Quotes within the indented text are still quotes; indenting blockquotes within it are text.
            quotes = [inner for inner in node.tag.find_all("blockquote") if not _indents_text(inner)]
            text = " ".join(strings_outside(doc, node.tag, frozenset(), quotes))
        elif "/" in text and node.tag.find("blockquote") is not None:
            text = _outside_quotes(doc, node.tag)
        for ref in _bare_refs(text, router):
            if ref.kind == "account":
                yield None, ref
                continue
            post = Post(ref.id, ref.platform, ref.kind, ref.url, ref.native_id, author_handle=ref.handle)
            yield Found(post, "link", block.position, text, block=index), ref
    # The same outside paragraphs: a URL written straight into the body's element (a live blog's entry
    # holding a heading and the bare URL of the post it meant to embed). Profiles there are not cited.
    for loose, node in doc.loose_texts:
        if not (node.zone == CONTENT or (node.zone == NEUTRAL and not doc.has_content_root)):
            continue
        for ref in _bare_refs(loose, router):
            if ref.kind != "account":
                post = Post(ref.id, ref.platform, ref.kind, ref.url, ref.native_id, author_handle=ref.handle)
                yield Found(post, "link", node.position, loose.strip(), block=None), ref
    # An unrendered embed is the platform's embed markup: like a tweet's blockquote it counts wherever it sits
    # but in strong chrome; a video host's in an aside is a player there (the site's rail unless the aside
    # stands in the body's text).
    for node in doc.classed(*WRAPPER_CLASSES):
        if node.zone == BOILERPLATE:
            continue
        text = node.tag.get_text(" ", strip=True)
        if not text or len(text) > 500:
            continue
        for ref in _bare_refs(text, router):
            if _rail_player(doc, node, ref.platform):
                continue
            if ref.kind != "account":
                post = Post(ref.id, ref.platform, ref.kind, ref.url, ref.native_id, author_handle=ref.handle)
                yield Found(post, "embed", node.position, doc.block_text(node), block=node.block), ref
