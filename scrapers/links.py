"""Turns the URLs a page's walk collected into post sightings, and tells citations from page chrome.

Every URL-bearing attribute (``href``, ``src``, lazy ``data-src`` variants, publisher placeholders such as
``data-embedded-url``) is routed by host to the one platform module that owns it. How the element carries
the URL decides the ``method`` (an ``<a>`` is a ``link``, an ``<iframe>`` an ``iframe``, ...). Sightings
in page chrome (navigation, footers, share buttons, related rails, comments) and share/intent URLs are
dropped here, so platform modules never need to know about page layout.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from types import ModuleType

from .document import BOILERPLATE, CONTENT, NEUTRAL, ParsedDocument, UrlRef
from .records import Found, Post, PostRef
from .urls import host_matches, split, unwrap

__all__ = ["METHOD_BY_TAG", "RAW_CARRIERS", "Router", "scan_links", "scan_raw"]

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
}


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


_SHARE_PATHS = (
    "/intent/",
    "/share",
    "/sharer",
    "/home?status",
    "/dialog/",
    "/plugins/like",
    "/plugins/share",
)


def _is_share(url: str) -> bool:
    lowered = url.lower()
    return any(piece in lowered for piece in _SHARE_PATHS)


def _keep(doc: ParsedDocument, ref: UrlRef, method: str) -> bool:
    zone = ref.node.zone
    if zone == BOILERPLATE:
        return False
    if method != "link":
        return True
    if zone == CONTENT:
        return True
    # A link outside any recognised article body counts only when it sits in running text.
    return zone == NEUTRAL and not doc.has_content_root and ref.node.block is not None


def scan_links(doc: ParsedDocument, router: Router) -> Iterator[tuple[Found | None, PostRef]]:
    """Yield ``(found, ref)`` for every URL in the page that names a post (``found`` set) or an account
    (``found`` None) in a place that counts as the article's own content."""
    for ref_url in doc.urls:
        method = METHOD_BY_TAG.get(ref_url.node.tag.name, "placeholder")
        if ref_url.attribute == "cite" and method != "blockquote":
            continue
        if method == "link" and ref_url.attribute != "href":
            method = "placeholder"
        if _is_share(ref_url.url):
            continue
        ref = router.ref(ref_url.url)
        if ref is None or not _keep(doc, ref_url, method):
            continue
        if ref.kind == "account":
            if method == "link":
                yield None, ref
            continue
        context = doc.block_text(ref_url.node)
        post = Post(ref.id, ref.platform, ref.kind, ref.url, ref.native_id, author_handle=ref.handle)
        yield Found(post, method, ref_url.node.position, context, block=ref_url.node.block), ref


# Elements whose text is markup or code rather than prose: consent managers park the embed's HTML in a
# <textarea> or a <script type="text/plain">, and some publishers render embeds from an inline script
# (polygraph.info: renderExternalContent("https://www.youtube.com/embed/ID")).
RAW_CARRIERS = ("script", "textarea")
_RAW_URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:/[^\s\"'<>\\`]*)?")


def scan_raw(doc: ParsedDocument, router: Router) -> Iterator[Found]:
    """Posts named by URLs written inside scripts and textareas that sit in the article body.

    Only carriers in the article's own content count: page-level JSON state, analytics and widget loaders live
    outside it, and repeat what the markup shows (the merge counts a post once in any case). A URL here is an
    embed's source, so the method is ``script`` (``embed`` for a textarea's parked markup).
    """
    for node in doc.tagged(*RAW_CARRIERS):
        if node.zone != CONTENT:
            continue
        text = node.tag.string
        if not text or "//" not in text:
            continue
        if "\\/" in text:
            text = text.replace("\\/", "/")  # JSON-escaped slashes
        if "&" in text:
            text = html.unescape(text)
        method = "script" if node.tag.name == "script" else "embed"
        seen: set[str] = set()
        for match in _RAW_URL.finditer(text):
            ref = router.ref(doc.absolute(match.group(0)))
            if ref is None or ref.kind == "account" or ref.id in seen or _is_share(match.group(0)):
                continue
            seen.add(ref.id)
            post = Post(ref.id, ref.platform, ref.kind, ref.url, ref.native_id, author_handle=ref.handle)
            yield Found(post, method, node.position, doc.block_text(node), block=node.block)
