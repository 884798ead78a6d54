"""Turns the URLs a page's walk collected into post sightings, and tells citations from page chrome.

Every URL-bearing attribute (``href``, ``src``, lazy ``data-src`` variants, publisher placeholders such as
``data-embedded-url``) is routed by host to the one platform module that owns it. How the element carries
the URL decides the ``method`` (an ``<a>`` is a ``link``, an ``<iframe>`` an ``iframe``, ...). Sightings
in page chrome (navigation, footers, share buttons, related rails, comments) and share/intent URLs are
dropped here, so platform modules never need to know about page layout.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import ModuleType

from .document import BOILERPLATE, CONTENT, NEUTRAL, ParsedDocument, UrlRef
from .records import Found, Post, PostRef
from .urls import host_matches, split, unwrap

__all__ = ["METHOD_BY_TAG", "Router", "scan_links"]

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


_SHARE_PATHS = ("/intent/", "/share", "/sharer", "/home?status", "/dialog/", "/plugins/like", "/plugins/share")


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
