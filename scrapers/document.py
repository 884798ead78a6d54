"""Parses a page once and walks it once, so that every scraper reads the same tree and the same indexes.

``parse_html`` decodes the bytes (BOM, HTTP charset, ``<meta charset>``, then detection), builds one
BeautifulSoup(lxml) tree and walks it a single time, recording for every element its zone (article
content, page chrome, or neither), every URL-bearing attribute, the class and tag indexes platform modules
look things up in, and the text blocks prose scrapers read. ``parse_text`` does the same for plain-text
article dumps. No module re-parses a page or re-scans the raw HTML.
"""

from __future__ import annotations

import codecs
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

__all__ = [
    "BOILERPLATE",
    "CONTENT",
    "NEUTRAL",
    "Node",
    "ParsedDocument",
    "TextBlock",
    "UrlRef",
    "decode_html",
    "parse_html",
    "parse_text",
]

CONTENT = "content"
BOILERPLATE = "boilerplate"
NEUTRAL = "neutral"

# Attributes that carry a URL (or, for the last group, an id) of embedded material. Lazy loaders and consent
# managers move the real ``src`` into a data attribute; publishers' placeholders put the post URL in one.
URL_ATTRIBUTES = (
    "href",
    "src",
    "data-src",
    "data-lazy-src",
    "data-litespeed-src",
    "data-cookieblock-src",
    "data-url",
    "data-href",
    "data-embedded-url",
    "data-embed-url",
    "data-video-url",
    "data-instgrm-permalink",
    "data-text-post-permalink",
    "cite",
)

_BOILERPLATE_TAGS = frozenset({"header", "nav", "footer", "aside", "form", "menu", "dialog"})
_BOILERPLATE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu"})
# Class/id words that mark page chrome. Matched against whole words of class and id values (split on
# -, _, space and camelCase), so "social-share" matches "share" but "shared-content" does not match "share".
_BOILERPLATE_WORDS = frozenset(
    {
        "share", "sharing", "shares", "sharebar", "sharetools", "social", "socials", "follow", "followus",
        "related", "recommended", "recirc", "recirculation", "trending", "popular", "mostread", "outbrain",
        "taboola", "sidebar", "rail", "widget", "widgets", "footer", "nav", "navbar", "navigation", "menu",
        "breadcrumb", "breadcrumbs", "comments", "comment", "disqus", "cookie", "cookies", "consent",
        "gdpr", "newsletter", "subscribe", "subscription", "promo", "advert", "advertisement", "ads", "ad",
        "sponsored", "bio", "author", "byline", "masthead", "header", "banner", "signup", "paywall",
        "toolbar", "toolbox", "tools", "pagination", "secondary", "feed", "livefeed", "latest",
    }
)
# Words that keep an element in play even when a chrome word also appears ("social-media-embed").
_EMBED_WORDS = frozenset({"embed", "embedded", "tweet", "twitter", "instagram", "youtube", "video", "oembed"})
_CONTENT_WORDS = frozenset(
    {"articlebody", "article-body", "entry-content", "post-content", "story-body", "article-content",
     "story-content", "post-body", "content-body", "articletext", "article-text", "body-text", "rich-text"}
)
_BLOCK_TAGS = frozenset(
    {"p", "li", "blockquote", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "pre", "td", "caption"}
)
_SKIP_TEXT_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object", "head", "title"})
_WORD_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-:.]+)", re.I)
_SPACE = re.compile(r"\s+")


def _lookup_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page to text and return ``(text, encoding)``.

    Order: byte-order mark, the HTTP ``charset``, ``<meta charset>`` in the first 4 KiB, strict UTF-8, then
    charset detection. A declared charset that cannot decode the bytes is treated as a lie and skipped.
    Never raises: undecodable bytes become U+FFFD.
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(name, errors="replace").lstrip("\ufeff"), name
    declared: list[str] = []
    if content_type:
        match = _HTTP_CHARSET.search(content_type)
        if match:
            declared.append(match.group(1))
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        declared.append(meta.group(1).decode("ascii", "ignore"))
    for name in declared:
        codec = _lookup_codec(name)
        if codec is None:
            continue
        if codec in {"utf-16", "utf-16-le", "utf-16-be", "utf-32"} and b"\x00" not in body[:200]:
            continue  # an ASCII-compatible page that claims UTF-16 (a common lie)
        try:
            return body.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    codec = _lookup_codec(best.encoding if best else None) or "windows-1252"
    return body.decode(codec, errors="replace"), codec


@dataclass(slots=True)
class Node:
    """One element as the walk saw it: its tag, zone, document order and nearest enclosing text block."""

    tag: Tag
    zone: str
    position: int
    block: int | None = None  # index into ParsedDocument.blocks of the enclosing paragraph, if any


@dataclass(frozen=True, slots=True)
class UrlRef:
    """A URL found in an attribute, resolved against the page URL."""

    url: str
    attribute: str
    node: Node


@dataclass(slots=True)
class TextBlock:
    """A paragraph-like run of text (a ``<p>``, ``<li>``, caption, or a plain-text paragraph)."""

    text: str
    position: int
    zone: str
    node: Node | None = None


@dataclass
class ParsedDocument:
    """A page parsed once, with the indexes its single walk built. Scrapers only read it."""

    url: str
    soup: BeautifulSoup | None
    kind: str  # "html" or "text"
    encoding: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # plain-text "key value" header lines
    nodes_by_tag: dict[str, list[Node]] = field(default_factory=lambda: defaultdict(list))
    nodes_by_class: dict[str, list[Node]] = field(default_factory=lambda: defaultdict(list))
    nodes_by_attribute: dict[str, list[Node]] = field(default_factory=lambda: defaultdict(list))
    urls: list[UrlRef] = field(default_factory=list)
    blocks: list[TextBlock] = field(default_factory=list)
    comments: list[tuple[str, int]] = field(default_factory=list)
    has_content_root: bool = False

    def tagged(self, *names: str) -> Iterator[Node]:
        """Nodes with any of these tag names, in document order per name."""
        for name in names:
            yield from self.nodes_by_tag.get(name, ())

    def classed(self, *names: str) -> Iterator[Node]:
        """Nodes carrying any of these classes."""
        for name in names:
            yield from self.nodes_by_class.get(name, ())

    def with_attribute(self, *names: str) -> Iterator[Node]:
        """Nodes carrying any of these (data-) attributes."""
        for name in names:
            yield from self.nodes_by_attribute.get(name, ())

    def absolute(self, url: str) -> str:
        """Resolve ``url`` against the page URL (protocol-relative URLs get https)."""
        url = url.strip()
        if url.startswith("//"):
            return "https:" + url
        if url.startswith(("http://", "https://")) or not self.url:
            return url
        try:
            return urljoin(self.url, url)
        except ValueError:
            return url

    def block_text(self, node: Node) -> str | None:
        """The text of the paragraph around ``node``, if it sits in one."""
        if node.block is None:
            return None
        return self.blocks[node.block].text


def _words(value: str) -> set[str]:
    return {w.lower() for w in _WORD_SPLIT.split(value) if w}


def _classify(tag: Tag) -> str | None:
    """Zone an element opens: CONTENT for article bodies, BOILERPLATE for chrome, None to inherit."""
    name = tag.name
    attrs = tag.attrs
    classes = attrs.get("class") or ()
    ident = attrs.get("id") or ""
    itemprop = attrs.get("itemprop") or ""
    if itemprop == "articleBody" or name == "article":
        return CONTENT
    lowered = {c.lower() for c in classes}
    if lowered & _CONTENT_WORDS or (isinstance(ident, str) and ident.lower() in _CONTENT_WORDS):
        return CONTENT
    if name in _BOILERPLATE_TAGS:
        return BOILERPLATE
    role = attrs.get("role")
    if isinstance(role, str) and role.lower() in _BOILERPLATE_ROLES:
        return BOILERPLATE
    if not classes and not ident:
        return None
    words: set[str] = set()
    for value in classes:
        words |= _words(value)
    if isinstance(ident, str) and ident:
        words |= _words(ident)
    if words & _BOILERPLATE_WORDS and not words & _EMBED_WORDS:
        return BOILERPLATE
    return None


class _Walker:
    """The one walk over a parsed tree. Recursion is replaced by an explicit stack so deep pages cannot
    exhaust Python's recursion limit."""

    def __init__(self, doc: ParsedDocument) -> None:
        self.doc = doc
        self.position = 0

    def walk(self, root: Tag) -> None:
        doc = self.doc
        # stack items: (tag, zone, enclosing block index)
        stack: list[tuple[Tag, str, int | None]] = [(root, NEUTRAL, None)]
        pending_blocks: list[tuple[int, Tag, Node]] = []
        while stack:
            tag, zone, block = stack.pop()
            opened = _classify(tag)
            if opened == CONTENT and zone != BOILERPLATE:
                zone = CONTENT
                doc.has_content_root = True
            elif opened == BOILERPLATE:
                zone = BOILERPLATE
            self.position += 1
            node = Node(tag, zone, self.position, block)
            name = tag.name
            doc.nodes_by_tag[name].append(node)
            attrs = tag.attrs
            for cls in attrs.get("class") or ():
                doc.nodes_by_class[cls].append(node)
            for attr, value in attrs.items():
                if attr.startswith("data-") or attr in {"videoid", "cite"}:
                    doc.nodes_by_attribute[attr].append(node)
                if attr in URL_ATTRIBUTES and isinstance(value, str) and value:
                    if attr == "href" and name in {"link", "base"}:
                        continue
                    doc.urls.append(UrlRef(doc.absolute(value), attr, node))
            if name in _BLOCK_TAGS and block is None and name not in _SKIP_TEXT_TAGS:
                block = len(doc.blocks)
                doc.blocks.append(TextBlock("", self.position, zone, node))
                node.block = block
                pending_blocks.append((block, tag, node))
            if name in _SKIP_TEXT_TAGS and name != "noscript" and name != "iframe":
                if name == "script" or name == "template":
                    doc.nodes_by_tag.setdefault(name, [])
                continue
            children = tag.contents
            for child in reversed(children):
                if isinstance(child, Tag):
                    stack.append((child, zone, block))
                elif isinstance(child, Comment):
                    doc.comments.append((str(child), self.position))
        for index, tag, _node in pending_blocks:
            doc.blocks[index].text = _block_text(tag)


def _block_text(tag: Tag) -> str:
    parts: list[str] = []
    stack: list[Tag | NavigableString] = [tag]
    while stack:
        item = stack.pop()
        if isinstance(item, Tag):
            if item.name in _SKIP_TEXT_TAGS:
                continue
            if item.name == "br":
                parts.append(" ")
                continue
            stack.extend(reversed(item.contents))
        elif not isinstance(item, Comment):
            parts.append(str(item))
    return _SPACE.sub(" ", "".join(parts)).strip()


def parse_html(body: bytes | str, url: str, content_type: str | None = None) -> ParsedDocument:
    """Parse an HTML page once and walk it once. ``url`` resolves relative links."""
    if isinstance(body, bytes):
        text, encoding = decode_html(body, content_type)
    else:
        text, encoding = body, "unicode"
    # NUL bytes make lxml stop early; they never carry meaning in HTML.
    if "\x00" in text:
        text = text.replace("\x00", "")
    soup = BeautifulSoup(text, "lxml")
    doc = ParsedDocument(url=url, soup=soup, kind="html", encoding=encoding)
    base = soup.find("base", href=True)
    if isinstance(base, Tag):
        href = base.get("href")
        if isinstance(href, str) and href.startswith(("http://", "https://")):
            doc.url = urljoin(url, href) if url else href
    root = soup.find("html") or soup
    if isinstance(root, Tag):
        _Walker(doc).walk(root)
    doc.url = url
    return doc


_TEXT_HEADER = re.compile(r"^\s*(date|url|title|author|site|language|lang|published)\s*[:=]?\s+(\S.*)$", re.I)
_DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)\s*(.*)$")


def parse_text(text: str, url: str) -> ParsedDocument:
    """Split a plain-text article into header lines (``date 2023-05-03``, ``url ...``, ``title ...``) and
    paragraphs. A header line's remainder after a date becomes the lead paragraph (as in the seed)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    headers: dict[str, str] = {}
    body_start = 0
    lead: str | None = None
    for index, line in enumerate(lines):
        if not line.strip():
            if headers:
                body_start = index + 1
                continue
            continue
        match = _TEXT_HEADER.match(line)
        if not match:
            body_start = index
            break
        key = match.group(1).lower()
        key = {"lang": "language", "published": "date"}.get(key, key)
        value = match.group(2).strip()
        if key == "date":
            date = _DATE_PREFIX.match(value)
            if not date:
                body_start = index
                break
            value, rest = date.group(1), date.group(2).strip()
            if rest:
                lead = rest
                headers[key] = value
                body_start = index + 1
                break
        headers[key] = value
        body_start = index + 1
    else:
        body_start = len(lines)
    doc = ParsedDocument(url=url, soup=None, kind="text", encoding="unicode", headers=headers)
    paragraphs: list[str] = []
    if lead:
        paragraphs.append(lead)
    current: list[str] = []
    for line in lines[body_start:]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    for position, paragraph in enumerate(paragraphs, start=1):
        doc.blocks.append(TextBlock(_SPACE.sub(" ", paragraph), position, CONTENT))
    doc.has_content_root = True
    return doc
