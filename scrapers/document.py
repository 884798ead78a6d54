"""Parses a page once and walks it once, so that every scraper reads the same tree and the same indexes.

``parse_html`` decodes the bytes (BOM, HTTP charset, ``<meta charset>``, then detection), builds one
BeautifulSoup(lxml) tree and walks it a single time, recording for every element its zone (article
content, page chrome, or neither), every URL-bearing attribute, the class and tag indexes platform modules
look things up in, and the text blocks prose scrapers read. ``parse_text`` does the same for plain-text
article dumps. No module re-parses a page or re-scans the raw HTML.
"""

from __future__ import annotations

import codecs
import gc
import re
import threading
import unicodedata
import warnings
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, PageElement

from .times import parse_date

__all__ = [
    "ASIDE",
    "BOILERPLATE",
    "CHROME",
    "CONTENT",
    "NEUTRAL",
    "URL_ATTRIBUTES",
    "Node",
    "ParsedDocument",
    "TextBlock",
    "UrlRef",
    "body_widget",
    "collector_paused",
    "decode_html",
    "page_titles",
    "parse_html",
    "parse_text",
    "title_key",
]

CONTENT = "content"
BOILERPLATE = "boilerplate"
# Weak chrome: an aside, a sidebar, a widget or column wrapper. Text and links there are chrome, but a
# recognised embed (a tweet blockquote, a platform iframe) is the article's wherever a page builder put it.
ASIDE = "aside"
CHROME = frozenset({BOILERPLATE, ASIDE})
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
    # CKEditor 5's media embed: <figure class="media"><oembed url="https://…"></oembed></figure>
    "url",
    # A legacy Flash player: <object data="https://www.youtube.com/v/…">
    "data",
)
_URL_ATTRIBUTE_SET = frozenset(URL_ATTRIBUTES)

# How an element opens a zone. Chrome and content markers nest: the nearest one wins, so an article body
# inside a layout wrapper called "l-sidebar-fixed" is content again, and a share bar inside the body is chrome
# again.
# Strong markers are unambiguous; weak ones (layout words such as "sidebar", "widget", "ad") yield to a strong
# content marker below them, and a weak chrome word is ignored on an element that also says it holds an embed
# ("social-media-embed", "sdc-article-tweet").
_STRONG_CONTENT = 1
_WEAK_CONTENT = 2
_STRONG_CHROME = 3
_WEAK_CHROME = 4
_EMBED = 6  # the element holds an embed: cancels weak chrome words on the same element
_HEADER = (
    5  # page header outside the article, the article's own header (headline, lead image credit) inside it
)
_NO_WORDS = 7  # the element's class and id words are set aside: its tag and role alone open its zone
_NOTHING = 8  # the element opens no zone at all (chrome that a parsing mishap wrapped around the body)
_CREDITS = 9  # a <footer> named after credits: the story's own inside the article, the site's outside it

# Internal zone states carried down the walk; the public zone is CONTENT, NEUTRAL, ASIDE or BOILERPLATE.
_S_NEUTRAL = 0
_S_CONTENT = 1
_S_WEAK_CHROME = 2
_S_STRONG_CHROME = 3
_PUBLIC_ZONE = (NEUTRAL, CONTENT, ASIDE, BOILERPLATE)

_TAG_OPENERS = {
    "nav": _STRONG_CHROME,
    "footer": _STRONG_CHROME,
    "menu": _STRONG_CHROME,
    "dialog": _STRONG_CHROME,
    "aside": _WEAK_CHROME,
    "header": _HEADER,
    "article": _WEAK_CONTENT,
    "main": _WEAK_CONTENT,
}
_ROLE_OPENERS = {
    "navigation": _STRONG_CHROME,
    "contentinfo": _STRONG_CHROME,
    "search": _STRONG_CHROME,
    "menu": _STRONG_CHROME,
    "menubar": _STRONG_CHROME,
    "banner": _HEADER,
    "complementary": _WEAK_CHROME,
    "main": _WEAK_CONTENT,
    "article": _WEAK_CONTENT,
    "dialog": _STRONG_CHROME,
    "alertdialog": _STRONG_CHROME,
}
# The words of share widgets. ShareThis and AddThis read a wrapper for what to share, and some themes name the
# wrapper of the whole story after them (Zee News' div.sharethis-wrapper around the article's text).
_SHARE_WORDS = frozenset(
    {
        "share",
        "sharing",
        "shares",
        "sharebar",
        "sharetools",
        "sharelinks",
        "sharebuttons",
        "socialshare",
        "addthis",
        "shariff",
        "sharethis",
    }
)
# Class/id words that mark page chrome. Matched against whole words of class and id values (split on -, _,
# space and camelCase), so "social-share" matches "share" but "shared-content" does not match "share".
_STRONG_CHROME_WORDS = _SHARE_WORDS | frozenset(
    {
        "comments",
        "comment",
        # A reader forum under the story (The Register's "in_article_forums"); a forum page's own thread is a
        # "forum", singular.
        "forums",
        "commentlist",
        "disqus",
        "breadcrumb",
        "breadcrumbs",
        "newsletter",
        "subscribe",
        "subscription",
        "signup",
        "outbrain",
        "taboola",
        "trc",
        "related",
        "recommended",
        "recommendations",
        "recirc",
        "recirculation",
        "trending",
        "popular",
        "mostread",
        "mostpopular",
        "nav",
        "navbar",
        "navigation",
        "menu",
        "submenu",
        "footer",
        "bio",
        "byline",
        "bylines",
        "author",
        "authors",
        "respond",
        "replies",
        # who linked here: webmentions, pingbacks and trackbacks list other people's posts about the page
        "mentions",
        "webmention",
        "webmentions",
        "backlinks",
        "linkbacks",
        "pingback",
        "pingbacks",
        "trackback",
        "trackbacks",
        "pagination",
        "pager",
        "masthead",
    }
)
# Shown to nobody: a CMS's condition hid the block (Webflow's "w-condition-invisible", Bootstrap's
# "invisible"). Strong chrome that not even the prose rule sets aside.
_HIDDEN_WORDS = frozenset({"invisible"})
# Elementor's "elementor-invisible" is the starting state of an entrance animation that its script runs as
# the element scrolls into view (theppk.com's whole post column): shown to every reader.
_ANIMATED_WORDS = frozenset({"elementor"})
_WEAK_CHROME_WORDS = frozenset(
    {
        "sidebar",
        "sidebars",
        "rail",
        "rails",
        "widget",
        "widgets",
        "social",
        "socials",
        "follow",
        "followus",
        "promo",
        "promos",
        "advert",
        "advertisement",
        "ads",
        "ad",
        "sponsored",
        "toolbar",
        "toolbox",
        "tools",
        "secondary",
        "feed",
        "livefeed",
        "latest",
        "cookie",
        "cookies",
        "consent",
        "gdpr",
        "teaser",
        "teasers",
        "banner",
        "banners",
    }
)
# Weak chrome words that name a column beside the story, whatever else the same value says ("sidebar" in
# "blogItemSidebarContent"); "widget" is not one: Elementor's story is "elementor-widget-theme-post-content".
_FEED_WORDS = frozenset({"channel", "feed", "timeline", "playlist"})
_WIDGET_SUFFIXES = ("widget", "widgets")
_SIDE_COLUMN_WORDS = frozenset({"sidebar", "sidebars", "rail", "rails"})
_HEADER_WORDS = frozenset({"header", "topbar"})
# What a figure's own footer is named after: its caption and credit line credit a post as a link would.
_FIGURE_WORDS = frozenset(
    {"figure", "image", "img", "photo", "picture", "media", "caption", "credit", "credits"}
)
# What a story's own <footer> holding its sources is named after (Vox Media's "m-entry__attribution" lists
# the tweet and video the story is based on): credits, which cite as a caption does.
_CREDIT_FOOTER_WORDS = _FIGURE_WORDS | {"attribution", "attributions", "source", "sources"}
# Words that make a chrome word describe layout ("nav-padding", "has-sidebar", "sticky-nav-offset").
_LAYOUT_WORDS = frozenset(
    {
        "padding",
        "margin",
        "offset",
        "spacing",
        "spacer",
        "below",
        "above",
        "aligned",
        "enabled",
        "has",
        "with",
        "no",
        "without",
        "layout",
        "fixed",
        "sticky",
        "width",
        "height",
        "is",
    }
)
# Layout words that say what an element has beside its contents, not what it is ("with-sidebar-right").
_HAVING_WORDS = frozenset({"has", "with", "no", "without"})
# A state a script sets on an element ("shareActive"): about what the element can do, not its zone.
_STATE_WORDS = frozenset({"active"})
_POST_CLASS_MARKERS = frozenset({"hentry", "status-publish", "type-post", "type-page"})
_TAXONOMY_PREFIXES = ("author-", "category-", "tag-", "format-", "post-format-")
# Words that keep an element in play even when a weak chrome word also appears ("social-media-embed").
# A consent manager's placeholder ("cookie-consent-placeholder", "gdpr-blocker") stands in the article where
# an embed waits for consent: its fallback link is the embed's only trace. A banner says none of these.
_EMBED_WORDS = frozenset(
    {
        "embed",
        "embedded",
        "embeds",
        "oembed",
        "tweet",
        "twitter",
        "instagram",
        "youtube",
        "video",
        "iframely",
        "placeholder",
        "blocker",
        "blocked",
    }
)
# Words naming an embed as such, not a platform: a footer so named is the embed's own part.
_EMBED_PART_WORDS = frozenset({"embed", "embedded", "embeds", "oembed"})
# Words that name one post of a platform (not the platform, nor a blog's "post"): a part named with one is
# the post's card's.
_POST_NOUNS = frozenset({"tweet", "toot"})
# An <aside> so named is an embed's card, not a sidebar: Discourse's onebox of a linked post
# (<aside class="onebox twitterstatus" data-onebox-src="…">). A platform's or "video" word does not say so
# ("aside.video-rail" is the site's).
_EMBED_CARD_WORDS = _EMBED_PART_WORDS | {"onebox"}
# An article body is a container noun next to a body noun ("entry-content", "article__body", "cuerpo__nota"),
# or one of the run-together names.
_CONTAINER_WORDS = frozenset(
    {
        "article",
        "entry",
        "post",
        "story",
        "nota",
        "noticia",
        "artikel",
        "articulo",
        "news",
        "blog",
        "the",
        "main",
        "content",
    }
)
_BODY_WORDS = frozenset(
    {
        "body",
        "content",
        "text",
        "fulltext",
        "cuerpo",
        "corpo",
        "inhalt",
        "texte",
        "contenu",
        "copy",
        "mainbody",
    }
)
_CONTENT_WORDS = frozenset(
    {
        "articlebody",
        "articletext",
        "articlecontent",
        "storybody",
        "storytext",
        "storycontent",
        "postbody",
        "postcontent",
        "entrycontent",
        "entrytext",
        "bodytext",
        "richtext",
        "thecontent",
        "fulltext",
        "artikeltext",
    }
)
_BLOCK_TAGS = frozenset(
    {
        "p",
        "li",
        "blockquote",
        "figcaption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dd",
        "dt",
        "pre",
        "td",
        "caption",
    }
)
# Phrasing elements (the parts of a line of text): inside a block their class words name a part of a sentence,
# not a section of the page, and a link wrapped in one is still one item of a list, not an item of its own.
PHRASING_TAGS = frozenset(
    {
        "a",
        "span",
        "b",
        "i",
        "em",
        "strong",
        "small",
        "time",
        "cite",
        "abbr",
        "sup",
        "sub",
        "u",
        "mark",
        "font",
        "br",
        "img",
        "picture",
        "source",
    }
)
_SKIP_TEXT_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "object", "head", "title"}
)
# Non-data attributes that platform modules and the raw-carrier scan look elements up by.
_INDEXED_ATTRIBUTES = frozenset(
    {"videoid", "video-id", "postid", "tweetid", "srcdoc", "custom-element", "props", "onclick"}
)
_CARRIER_TAGS = frozenset({"iframe", "blockquote", "embed", "object", "video", "amp-iframe", "amp-twitter"})
_UNZONED_TAGS = frozenset({"html", "body", "head"})
# Elements whose children are not walked at all: text-only elements, and SVG drawings (thousands of paths).
_LEAF_TAGS = frozenset({"script", "style", "svg", "math", "title", "textarea"})
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


def _sniff_utf16(body: bytes) -> str | None:
    """``utf-16-le``/``-be`` for UTF-16 without a byte-order mark, else None. Markup is mostly ASCII, so in
    UTF-16 one byte of most pairs is NUL, always the same one of the two; pages in 8-bit charsets and UTF-8
    hold no NUL at all, so they are never mistaken for it."""
    sample = body[:2048]
    if b"\x00" not in sample:
        return None
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= half // 5 and even * 20 <= odd:
        return "utf-16-le"
    if even >= half // 5 and odd * 20 <= even:
        return "utf-16-be"
    return None


# Browsers read these labels as the Windows code page that extends them (the WHATWG Encoding Standard): pages
# labelled ISO-8859-1 write curly quotes and dashes as windows-1252's bytes 0x91-0x97, which ISO-8859-1 reads
# as invisible control characters.
_BROWSER_CODECS = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
}
# Codec names (as ``codecs.lookup`` spells them) of 8-bit charsets, and the multi-byte ones sharing a prefix.
_SINGLE_BYTE = ("iso8859", "cp", "koi8", "mac", "tis", "kz1048", "ptcp154", "hp-roman8")
_MULTI_BYTE = frozenset({"cp932", "cp936", "cp949", "cp950", "cp65001"})
# The five bytes windows-1252 leaves undefined are the C1 controls of the same number to a browser; Python's
# codec rejects them.
_C1_CONTROLS = "embedtrail-c1"
_C1_CODECS = frozenset(
    {"cp1252", "cp1254", "cp874", "cp1250", "cp1251", "cp1253", "cp1255", "cp1256", "cp1257"}
)


def _c1_control(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return chr(error.object[error.start]), error.start + 1


codecs.register_error(_C1_CONTROLS, _c1_control)


def _utf8_beyond_ascii(body: bytes) -> str | None:
    """``body`` decoded, when it holds bytes beyond ASCII and all of them form valid UTF-8; else None."""
    if body.isascii():
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


# What text encoded twice looks like: UTF-8 read as windows-1252 or Latin-1 ("Ã©" for "é", "â€™" or
# "â\x80\x99" for "’", "Â£" for "£"), or windows-1252's punctuation kept as C1 control characters.
_MOJIBAKE = re.compile("[\u0080-\u009f]|[ÃÂ][\u0080-\u00bf]|â€")
# Characters without which the pattern cannot match on a real page: the lead characters of its runs, and the
# C1 controls that windows-1252's punctuation becomes (… ‘ ’ “ ” – —).
_MOJIBAKE_HINTS = ("Ã", "Â", "â", "\x85", "\x91", "\x92", "\x93", "\x94", "\x96", "\x97")
# The pattern's first characters, one class: the scan for them runs far faster than the pattern's.
_MOJIBAKE_LEAD = re.compile("[\u0080-\u009f\u00c2\u00c3\u00e2]")
# A run ftfy reads ends at a tag's edge or a line's end, or at the first space this far from the sign it was
# read for (a paragraph of mojibake is repaired run by run).
_RUN_STOPS = ("<", ">", "\n")
_RUN_MAX = 200


def repair_mojibake(text: str) -> str:
    """``text`` with what was encoded twice decoded back ("SudÃ¡frica" → "Sudáfrica"), by ftfy, which fixes
    only the runs it can prove to be mojibake and leaves the rest as written. Pages saved through a CMS that
    read UTF-8 as Latin-1 carry it in names, quotes and the "— Name (@handle)" line of a pasted tweet."""
    # A page is hundreds of kilobytes of markup: substring tests rule nearly all of them out at memory speed,
    # and ftfy (a few MB/s) reads only the runs of text between tags (or line ends) that show a sign.
    if text.isascii() or not any(hint in text for hint in _MOJIBAKE_HINTS):
        return text
    import ftfy

    parts: list[str] = []
    done = 0
    for lead in _MOJIBAKE_LEAD.finditer(text):
        if lead.start() < done:
            continue  # within the run just repaired
        match = _MOJIBAKE.match(text, lead.start())
        if match is None:
            continue
        start = max(text.rfind(stop, 0, match.start()) for stop in _RUN_STOPS) + 1
        if start < match.start() - _RUN_MAX:
            start = text.rfind(" ", start, match.start() - _RUN_MAX) + 1 or start  # at a word's edge
        start = max(start, done)
        ends = [end for end in (text.find(stop, match.end()) for stop in _RUN_STOPS) if end != -1]
        end = min(ends, default=len(text))
        if end > match.end() + _RUN_MAX:
            space = text.find(" ", match.end() + _RUN_MAX, end)
            end = space if space != -1 else end
        parts.append(text[done:start])
        parts.append(ftfy.fix_encoding(text[start:end]))
        done = end
    parts.append(text[done:])
    return "".join(parts)


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page to text and return ``(text, encoding)``.

    Order: byte-order mark, UTF-16 without one (every other byte NUL), the HTTP ``charset``,
    ``<meta charset>`` in the first 4 KiB, strict UTF-8, then charset detection. A declared charset that
    cannot decode the bytes is treated as a lie and skipped; so is a declared 8-bit charset when the bytes
    beyond ASCII are all valid UTF-8. Labels read as browsers read them (ISO-8859-1 is windows-1252). Text
    that was encoded twice is decoded back (``repair_mojibake``). Never raises: undecodable bytes become
    U+FFFD.
    """
    text, encoding = _decode(body, content_type)
    return repair_mojibake(text), encoding


def _decode(body: bytes, content_type: str | None) -> tuple[str, str]:
    # UTF-32's marks first: the little-endian one begins with UTF-16's.
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(name, errors="replace").lstrip("\ufeff"), name
    sniffed = _sniff_utf16(body)
    if sniffed is not None:
        return body.decode(sniffed, errors="replace").lstrip("\ufeff"), sniffed
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
        codec = _BROWSER_CODECS.get(codec, codec)
        if codec.startswith(_SINGLE_BYTE) and codec not in _MULTI_BYTE:
            # Any byte decodes in an 8-bit charset, so a wrong one never fails; UTF-8 bytes it would turn
            # into "SudÃ¡frica" are UTF-8 (a server's default "ISO-8859-1" header, a template's stale meta).
            utf8 = _utf8_beyond_ascii(body)
            if utf8 is not None:
                return utf8, "utf-8"
        try:
            return body.decode(codec, errors=_C1_CONTROLS if codec in _C1_CODECS else "strict"), codec
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
    """A URL found in an attribute. Absolute and protocol-relative URLs are made absolute (``https:``);
    relative ones are kept as written, since they point into the publisher's own site (resolve them with
    ``ParsedDocument.absolute`` when needed) and resolving every one would cost more than the walk itself."""

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
    # Strings holding "://" written straight into an element outside any text block, with that element.
    loose_texts: list[tuple[str, Node]] = field(default_factory=list)
    has_content_root: bool = False
    base_url: str | None = None  # the page's <base href>, when it names an absolute URL
    # Openers the prose rule (``_prose_body``) put in place of what class words said, by ``id()`` of the
    # element: the article body it found, and the chrome-named wrappers around it that are not chrome.
    forced: dict[int, int] = field(default_factory=dict)
    # Sections in strong chrome (a comment list, a menu) that broken markup left inside a text block, by
    # ``id()``: not the block's text, wherever a scanner reads that block's strings again.
    cut_from_blocks: set[int] = field(default_factory=set)
    _story: list[tuple[Tag, int] | None] = field(default_factory=list, repr=False, compare=False)
    _at: dict[int, Node] = field(default_factory=dict, repr=False, compare=False)

    def story(self) -> tuple[Tag, int] | None:
        """``story_container`` of this page, worked out once, when a rule first asks (most pages never do)."""
        if not self._story:
            self._story.append(story_container(self))
        return self._story[0]

    def node_at(self, position: int) -> Node | None:
        """The element node at ``position`` (a sighting's position), if an element starts there; the map is
        built when a rule first asks, as few pages need it."""
        if not self._at:
            self._at.update((node.position, node) for named in self.nodes_by_tag.values() for node in named)
        return self._at.get(position)

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
        """Resolve ``url`` against the page's ``<base href>`` or URL (protocol-relative URLs get https)."""
        url = url.strip()
        if url.startswith("//"):
            return "https:" + url
        base = self.base_url or self.url
        if url.startswith(("http://", "https://")) or not base:
            return url
        try:
            return urljoin(base, url)
        except ValueError:
            return url

    def block_text(self, node: Node) -> str | None:
        """The text of the paragraph around ``node``, if it sits in one."""
        if node.block is None:
            return None
        return self.blocks[node.block].text


def _words(value: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD_SPLIT.split(value) if w)


# Compounds of "comment" name a comments section ("commentlinks", "commentsection", "commentaire"), except
# the words for an opinion article and its writer; compounds of "referer"/"referrer" a referrer log.
_COMMENT_GENRE = frozenset({"commentary", "commentaries", "commentator", "commentators"})


def _discussion_compound(word: str) -> bool:
    # Referrer logs too ("refererlist", tDiary's today's-links box; "referrers"): who linked here, like
    # webmentions and pingbacks.
    return (word.startswith("comment") and word not in _COMMENT_GENRE) or word.startswith(_REFERRER_WORDS)


_REFERRER_WORDS = ("referer", "referrer")


def _value_verdict(value: str) -> int | None:
    """What one class value (or id) says about its element's zone."""
    if value.startswith(("js-", "js_")):
        return None  # a script's hook ("js-article-pager" on the whole story) names behaviour, not a place
    words = _words(value)
    if words & _HIDDEN_WORDS and not words & _ANIMATED_WORDS:
        return _STRONG_CHROME
    if (
        "footer" in words
        and words & (_CREDIT_FOOTER_WORDS | _EMBED_PART_WORDS | _POST_NOUNS)
        and not words & _STRONG_CHROME_WORDS - {"footer"}
    ):
        # A figure's footer ("subbuzz__figure-footer") is its caption and credit line; an embed's footer
        # ("embed-privacy-footer", a consent gate's "open the video directly" link) is the embed's own; so is
        # a tweet's ("tweet-footer": the date and the likes of a static card, Substack's, linking the post).
        # A platform's name does not say so: "instagram-footer" is a site footer showing the site's feed.
        return None
    if words & _STATE_WORDS and words & _STRONG_CHROME_WORDS:
        # "shareActive" on a recipe card: a script's flag that sharing is switched on for the element, which
        # says what the element can do, not that it is a share bar.
        return None
    if words & _STRONG_CHROME_WORDS or any(_discussion_compound(word) for word in words):
        # "nav-padding", "has-sidebar-nav": a layout modifier makes the word describe the element's position,
        # which a content marker below may override.
        return _WEAK_CHROME if words & _LAYOUT_WORDS else _STRONG_CHROME
    if words & _CONTENT_WORDS or (
        words & _CONTAINER_WORDS and words & _BODY_WORDS and len(words & (_CONTAINER_WORDS | _BODY_WORDS)) > 1
    ):
        # "blogItemSidebarContent", "post-sidebar-content": the content of a sidebar is the sidebar's.
        return _WEAK_CHROME if words & _SIDE_COLUMN_WORDS else _STRONG_CONTENT
    if words & _EMBED_WORDS:
        # "youtube_channel", "instagram-feed", "twitter-timeline": a platform's name on a widget of an
        # account's posts, not on one post's embed: a widget beside the text (SB Nation's "SB Nation on
        # YouTube" pane in its right column).
        return _WEAK_CHROME if words & _FEED_WORDS else _EMBED
    if words & _WEAK_CHROME_WORDS or any(word.endswith(_WIDGET_SUFFIXES) for word in words):
        if words & _HAVING_WORDS:
            # "with-sidebar-right", "has-sidebar", "no-sidebar": a layout container saying whether a sidebar
            # sits beside what it holds (a recipe site's container around the recipe), not the sidebar.
            return None
        # WordPress's text widget is "textwidget", one word.
        return _WEAK_CHROME
    if words & _HEADER_WORDS:
        return _HEADER
    return None


def _combine(verdicts: Collection[int | None]) -> int | None:
    """One verdict for an element from its class values: strong chrome, then content, then an embed marker
    (which cancels weak chrome on the same element), then weak chrome, then header."""
    for wanted in (_STRONG_CHROME, _STRONG_CONTENT):
        if wanted in verdicts:
            return wanted
    if _EMBED in verdicts:
        return None
    for wanted in (_WEAK_CHROME, _HEADER):
        if wanted in verdicts:
            return wanted
    return None


# Verdicts per distinct class list and per id. Pages repeat the same class lists thousands of times, so the
# word splitting runs once per distinct value. Bounded, so a long-running process cannot grow them forever.
_CLASS_VERDICTS: dict[tuple[str, ...], frozenset[int | None]] = {}
_ID_VERDICTS: dict[str, int | None] = {}
_CACHE_MAX = 50_000


def _post_class(classes: tuple[str, ...]) -> bool:
    """Whether a class list is a CMS's list of the post's own properties (WordPress, Ghost ``post_class``):
    it carries a post marker, or names two kinds of taxonomy at once ("author-maangchi category-recipe"),
    which no chrome block's name does; "author-bio" alone stays the author box."""
    if any(_unprefixed(value) in _POST_CLASS_MARKERS for value in classes):
        return True
    kinds = {
        prefix for value in classes for prefix in _TAXONOMY_PREFIXES if _unprefixed(value).startswith(prefix)
    }
    return len(kinds) > 1


def _unprefixed(value: str) -> str:
    # TypePad writes the same list with "entry-" before each name: "entry-author-garr entry-type-post".
    return value.removeprefix(_ENTRY_PREFIX)


_ENTRY_PREFIX = "entry-"


def without_taxonomy(classes: Sequence[str]) -> tuple[str, ...]:
    """A class list without its taxonomy entries when it is a CMS's list of the post's own properties:
    WordPress's post_class() "author-<slug>", "category-<slug>", "tag-<slug>" (TypePad: "entry-author-<slug>")
    name the story's writer and topics, not a zone or a player ("tag-twitter" on a story about Twitter)."""
    if not _post_class(tuple(classes)):
        return tuple(classes)
    return tuple(v for v in classes if not _unprefixed(v).startswith(_TAXONOMY_PREFIXES))


def _class_verdicts(classes: tuple[str, ...]) -> frozenset[int | None]:
    verdicts = _CLASS_VERDICTS.get(classes)
    if verdicts is not None:
        return verdicts
    verdicts = frozenset(_value_verdict(value) for value in without_taxonomy(classes))
    if len(_CLASS_VERDICTS) >= _CACHE_MAX:
        _CLASS_VERDICTS.clear()
    _CLASS_VERDICTS[classes] = verdicts
    return verdicts


def _id_verdict(ident: str) -> int | None:
    verdict = _ID_VERDICTS.get(ident, -1)
    if verdict != -1:
        return verdict
    verdict = _value_verdict(ident)
    if len(_ID_VERDICTS) >= _CACHE_MAX:
        _ID_VERDICTS.clear()
    _ID_VERDICTS[ident] = verdict
    return verdict


def _names_embed_card(classes: object) -> bool:
    return isinstance(classes, list) and any(_words(value) & _EMBED_CARD_WORDS for value in classes)


_ZONE_ATTRIBUTES = frozenset({"class", "id", "itemprop", "role"})


def _opener(name: str, attrs: Mapping[str, object]) -> int | None:
    """How an element opens a zone (a ``_STRONG_*``/``_WEAK_*``/``_HEADER`` code), or None to inherit."""
    if not attrs.keys() & _ZONE_ATTRIBUTES:
        # Most elements (bare paragraphs, links, spans) carry none of the attributes read below: the tag
        # alone decides, as the full reading would for them.
        return _TAG_OPENERS.get(name)
    if attrs.get("itemprop") == "articleBody":
        return _STRONG_CONTENT
    classes = attrs.get("class")
    ident = attrs.get("id")
    by_words: int | None = None
    if isinstance(classes, list) and classes:
        verdicts = _class_verdicts(tuple(classes))
        if isinstance(ident, str) and ident:
            verdicts = verdicts | {_id_verdict(ident)}
        by_words = _combine(verdicts)
    elif isinstance(ident, str) and ident:
        by_words = _combine((_id_verdict(ident),))
    if by_words == _WEAK_CHROME and name in _CARRIER_TAGS:
        by_words = None  # <iframe id="twitter-widget-0">: an embed's own class or id describes the embed
    if by_words in (_STRONG_CHROME, _STRONG_CONTENT):
        return by_words
    if name == "footer" and by_words is None and _names_credits(classes):
        return _CREDITS  # a story's footer of sources and credits, or a site's credits line
    if by_words == _WEAK_CHROME and _is_main(name, attrs):
        # A page has one <main>, its dominant content: a layout word on it ("main-sidebar": the main column
        # of a layout with a sidebar) does not make it a sidebar.
        return _WEAK_CONTENT
    by_tag = _TAG_OPENERS.get(name)
    if by_tag == _WEAK_CHROME and by_words is None and _names_embed_card(classes):
        return None
    if by_tag is not None and by_tag != _WEAK_CONTENT:
        return by_tag
    role = attrs.get("role")
    if isinstance(role, str):
        by_role = _ROLE_OPENERS.get(role.lower())
        if by_role is not None:
            return by_role
    return by_words if by_words is not None else by_tag


def _names_credits(classes: object) -> bool:
    return isinstance(classes, list) and any(_words(value) & _CREDIT_FOOTER_WORDS for value in classes)


def _is_main(name: str, attrs: Mapping[str, object]) -> bool:
    role = attrs.get("role")
    return name == "main" or (isinstance(role, str) and role.lower() == "main")


def _structural_opener(name: str, attrs: Mapping[str, object]) -> int | None:
    """How an element opens a zone by its tag and role alone, its class and id words set aside."""
    role = attrs.get("role")
    by_role = _ROLE_OPENERS.get(role.lower()) if isinstance(role, str) else None
    by_tag = _TAG_OPENERS.get(name)
    if by_tag is not None and by_tag != _WEAK_CONTENT:
        return by_tag
    return by_role if by_role is not None else by_tag


def _forced_opener(forced: Mapping[int, int], tag: Tag) -> int | None:
    opener = forced[id(tag)]
    if opener == _NOTHING:
        return None
    return _structural_opener(tag.name, tag.attrs) if opener == _NO_WORDS else opener


def _enter(state: int, opener: int | None) -> int:
    """The zone state inside an element, from its parent's state and what the element opens."""
    if opener is None:
        return state
    if opener == _STRONG_CHROME:
        return _S_STRONG_CHROME
    if opener == _STRONG_CONTENT:
        return state if state == _S_STRONG_CHROME else _S_CONTENT
    if opener == _WEAK_CONTENT:
        return _S_CONTENT if state == _S_NEUTRAL else state
    if opener == _HEADER:
        # The article's own header (headline, lead image and its credit) is part of the article.
        return state if state == _S_CONTENT else max(state, _S_WEAK_CHROME)
    if opener == _CREDITS:
        # Inside the article a footer of credits lists the story's sources (Vox's "m-entry__attribution");
        # outside it, "footer-credits" is the site's copyright line, a footer like any other.
        return state if state == _S_CONTENT else _S_STRONG_CHROME
    return max(state, _S_WEAK_CHROME)


# ``_enter`` as a table: _ENTER[opener][state] is the state inside an element (opener None: inherit).
_OPENERS = (None, _STRONG_CONTENT, _WEAK_CONTENT, _STRONG_CHROME, _WEAK_CHROME, _HEADER, _EMBED, _CREDITS)
_ENTER: dict[int | None, tuple[int, ...]] = {
    opener: tuple(_enter(state, opener) for state in range(_S_STRONG_CHROME + 1)) for opener in _OPENERS
}
_ENTER[_NOTHING] = _ENTER[None]
_TAG_ENTER = {name: _ENTER[opener] for name, opener in _TAG_OPENERS.items()}
_INHERIT = _ENTER[None]
# What the walk does with an attribute, by name: index the element under it, read a URL from it, or both.
_A_NONE = 0
_A_CLASS = 1
_A_INDEX = 2
_A_URL = 3
_A_INDEX_URL = 4
# A URL attribute whose whole address is percent-encoded starts so.
_ENCODED_SCHEMES = frozenset({"http%3a", "https%3"})
_ATTRIBUTE_KINDS: dict[str, int] = {}
# On a frame, any data attribute holding an address is a lazy loader's parking place for its src, whatever
# the loader calls it (jQuery Lazy Load's ``data-original``, index.hu: <iframe class="lazy"
# data-original="http://www.youtube.com/embed/…">; ``data-lazy``, Layzr's ``data-normal``); on an image the
# same attributes hold the image's own address (a thumbnail), so only frames are read so.
_FRAME_TAGS = frozenset({"iframe", "amp-iframe"})
_ADDRESS_STARTS = ("http://", "https://", "//")
# The <param> names under which a plugin player (Flash) takes the address of what it plays.
_PARAM_URL_NAMES = frozenset({"movie", "src", "data", "url", "filename", "file"})
# A link whose address is several addresses pasted one after another, each ended by a semicolon or comma:
# the Institute for the Study of War's endnotes link a footnote's sources so
# (href="https://t.me/a/1; https://t.me/b/2 ; https://t.me/c/3"). Each address is a source the text cites.
_PASTED_ADDRESS = re.compile(r"\s*[;,]\s*(?=(?:https?:)?//)")


# Words of an attribute's name that say its value is a URL ("data-resourceurl", "data-ezsrc" end so). A
# "video" attribute holds either a bare id or the player's URL (Continente's play button, data-video=
# "https://www.youtube.com/embed/…"): read as a URL, a bare id resolves to a page path no platform claims.
_URL_ENDINGS = ("src", "url", "href")
_URL_WORDS = frozenset({"permalink", "link", "source", "video"})
_ATTRIBUTE_WORD = re.compile(r"[-_:]+")


def _pasted_addresses(value: str) -> list[str] | None:
    """The addresses of an href that pastes several together, or None when it is one address. Every piece
    must read as an address on its own, with no space inside: a share button's prefilled text ("?text=Read
    this, https://…") joins words and an address, not a list of addresses."""
    pieces = _PASTED_ADDRESS.split(value)
    if len(pieces) < 2:
        return None
    addresses = []
    for piece in pieces:
        address = piece.rstrip(" \t\r\n;,")
        if not address.startswith(_ADDRESS_STARTS) or len(address.split()) != 1:
            return None
        addresses.append("https:" + address if address.startswith("//") else address)
    return addresses


def _attribute_kind(attr: str) -> int:
    kind = _ATTRIBUTE_KINDS.get(attr)
    if kind is not None:
        return kind
    if attr == "class":
        kind = _A_CLASS
    else:
        indexed = attr.startswith("data-") or attr in _INDEXED_ATTRIBUTES
        # "data-src", "data-lazy-src", "iframe-src": lazy loaders park the real src under another name, and
        # consent managers and placeholders under names of their own ("data-src-cmplz",
        # "consent-original-src-_", "data-ezsrc", "data-tweet-url", "data-resourceurl", "data-permalink").
        url = attr in _URL_ATTRIBUTE_SET or any(
            word.endswith(_URL_ENDINGS) or word in _URL_WORDS for word in _ATTRIBUTE_WORD.split(attr)
        )
        kind = (_A_INDEX_URL if url else _A_INDEX) if indexed else (_A_URL if url else _A_NONE)
    if len(_ATTRIBUTE_KINDS) < _CACHE_MAX:
        _ATTRIBUTE_KINDS[attr] = kind
    return kind


class _Walker:
    """The one walk over a parsed tree. Recursion is replaced by an explicit stack so deep pages cannot
    exhaust Python's recursion limit. Inside a text block the block's strings ride on the same stack, so its
    text is gathered in document order by this walk rather than by a second pass over the block."""

    def __init__(self, doc: ParsedDocument) -> None:
        self.doc = doc
        self.position = 0

    def walk(self, root: Tag) -> None:
        doc = self.doc
        by_tag = doc.nodes_by_tag
        by_class = doc.nodes_by_class
        by_attribute = doc.nodes_by_attribute
        urls = doc.urls
        blocks = doc.blocks
        comments = doc.comments
        loose = doc.loose_texts
        string_type = NavigableString
        attribute_kinds = _ATTRIBUTE_KINDS
        tag_enter = _TAG_ENTER
        enter = _ENTER
        public_zone = _PUBLIC_ZONE
        block_tags = _BLOCK_TAGS
        leaf_tags = _LEAF_TAGS
        skip_text = _SKIP_TEXT_TAGS
        inline = PHRASING_TAGS
        frame_tags = _FRAME_TAGS
        address_starts = _ADDRESS_STARTS
        unzoned = _UNZONED_TAGS
        tag_type = Tag
        comment_type = Comment
        position = self.position
        forced = doc.forced
        content_seen = False
        # Stack items: (element, zone state, enclosing block index, the block's text parts or None when this
        # element's text does not count). Strings are pushed only while a block collects text.
        stack: list[tuple[PageElement, int, int | None, list[str] | None]] = [(root, _S_NEUTRAL, None, None)]
        pop = stack.pop
        push = stack.append
        texts: list[tuple[int, list[str]]] = []
        while stack:
            tag, state, block, parts = pop()
            if type(tag) is not tag_type and tag is not root:
                if parts is not None:
                    parts.append(tag)  # type: ignore[arg-type]  # a string of the block
                continue
            assert isinstance(tag, Tag)
            name = tag.name
            attrs = tag.attrs
            if name in unzoned:
                pass  # <body class="single right-sidebar nav-below-header"> describes the page, not a zone
            elif forced and id(tag) in forced:
                state = enter[_forced_opener(forced, tag)][state]
            elif attrs:
                state = enter[_opener(name, attrs)][state]
            else:
                state = tag_enter.get(name, _INHERIT)[state]
            if state == _S_CONTENT:
                content_seen = True
            position += 1
            zone = public_zone[state]
            node = Node(tag, zone, position, block)
            by_tag[name].append(node)
            if attrs:
                for attr, value in attrs.items():
                    kind = attribute_kinds.get(attr)
                    if kind is None:
                        kind = _attribute_kind(attr)
                    if kind == _A_NONE:
                        continue
                    if kind == _A_CLASS:
                        for cls in value:
                            by_class[cls].append(node)
                        continue
                    if kind != _A_URL:
                        by_attribute[attr].append(node)
                        if kind == _A_INDEX and not (
                            name in frame_tags and isinstance(value, str) and value.startswith(address_starts)
                        ):
                            continue
                    if isinstance(value, str) and value:
                        if attr == "cite":
                            by_attribute[attr].append(node)  # indexed only when it names something
                        elif attr == "href" and (name == "link" or name == "base"):
                            continue
                        value = value.strip()
                        if value[:7].lower() in _ENCODED_SCHEMES:
                            # Tumblr's <figure data-url="https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3D…">
                            value = unquote(value)
                        if attr == "href" and value.find("//", 8) > 0:
                            pasted = _pasted_addresses(value)
                            if pasted is not None:
                                urls.extend(UrlRef(address, attr, node) for address in pasted)
                                continue
                        urls.append(UrlRef("https:" + value if value.startswith("//") else value, attr, node))
                if name == "param":
                    # A Flash player's address is a <param>'s value (<param name="movie" value="…/v/ID">), as
                    # often as its <object data>, which a saved copy may have rewritten to a local file.
                    played = attrs.get("value")
                    kind_name = attrs.get("name")
                    if (
                        isinstance(played, str)
                        and isinstance(kind_name, str)
                        and kind_name.lower() in _PARAM_URL_NAMES
                        and played.strip().startswith(address_starts)
                    ):
                        played = played.strip()
                        played = "https:" + played if played.startswith("//") else played
                        urls.append(UrlRef(played, "value", node))
                if name == "base" and doc.base_url is None:
                    href = attrs.get("href")
                    if isinstance(href, str) and href.startswith(("http://", "https://")):
                        doc.base_url = href
            if block is None:
                # A table cell holding paragraphs (or a table) is a column of a table layout, not a line of
                # text: its paragraphs are the blocks, as in any other container.
                if name in block_tags and not (name == "td" and _lays_out(tag)):
                    block = len(blocks)
                    blocks.append(TextBlock("", position, zone, node))
                    node.block = block
                    parts = []
                    texts.append((block, parts))
            elif parts is not None:
                if name in skip_text:
                    parts = None
                elif state == _S_STRONG_CHROME and name not in inline and blocks[block].zone != BOILERPLATE:
                    # A comment section or a menu that broken markup left inside a block (a heading never
                    # closed around the body) is not the block's text: a post quoted there is not cited. An
                    # inline element's words (<span class="tweet-author">) do not make a section of it.
                    parts = None
                    doc.cut_from_blocks.add(id(tag))
                elif name == "br":
                    parts.append(" ")
                    continue
                elif name in block_tags:
                    # A paragraph inside a block (a quoted post's <p>, or the body's paragraphs in a heading
                    # that broken markup left open) starts on a new line, as it renders.
                    parts.append(" ")
            if name in leaf_tags:
                if parts is not None:
                    _strings(tag, parts)  # <math>, <textarea>: not walked, but their text is the block's
                continue
            contents = tag.contents
            if not contents:
                continue
            if parts is None:
                for child in reversed(contents):
                    kind_of = type(child)
                    if kind_of is tag_type:
                        push((child, state, block, None))
                    elif kind_of is comment_type:
                        comments.append((str(child), position))
                    elif kind_of is string_type and block is None and "://" in child:  # type: ignore[operator]
                        # Text written straight into an element, outside any paragraph: a live blog's bare
                        # URL under an entry's heading. Kept (with its element) for the bare-URL scan.
                        loose.append((str(child), node))
            else:
                for child in reversed(contents):
                    kind_of = type(child)
                    if kind_of is comment_type:
                        comments.append((str(child), position))
                    else:
                        push((child, state, block, parts))
        self.position = position
        space = _SPACE
        for index, collected in texts:
            blocks[index].text = space.sub(" ", "".join(collected)).strip()
        if content_seen:
            doc.has_content_root = _substantial_root(blocks)


def _lays_out(cell: Tag) -> bool:
    """Whether a table cell holds a paragraph or a table within ``_LAYOUT_DEPTH`` levels: a column of a table
    layout. Read level by level over the children lists, not with ``find``: bs4 finds the end of a subtree
    before searching it, which on a page nesting thousands of tables costs the depth for every cell."""
    level = [cell]
    for _ in range(_LAYOUT_DEPTH):
        below: list[Tag] = []
        for element in level:
            for child in element.contents:
                if type(child) is Tag:
                    if child.name in _BLOCK_TAGS or child.name == "table":
                        return True
                    below.append(child)
        if not below:
            return False
        level = below
    return False


_LAYOUT_DEPTH = 4


# The prose rule: paragraphs of at least this many characters count, and the element holding the page's
# prose must hold this much of it, in this many paragraphs, to be taken for the article body.
_PROSE_PARAGRAPH = 25
_PROSE_MIN_CHARS = 500
_PROSE_MIN_PARAGRAPHS = 3
_PROSE_MIN_SHARE = 0.5
_CHROME_OPENERS = frozenset({_STRONG_CHROME, _WEAK_CHROME, _HEADER})


def _prose_body(doc: ParsedDocument) -> dict[int, int]:
    """Where class names hid the article body: the openers that put it back, or nothing.

    The article body by structure, whatever the page's class names say: the element holding most of the
    page's paragraph prose (each ``<p>`` counts fully for its parent and half for its grandparent, as
    readability scores candidates). When that element holds at least half of all the prose (counting every
    paragraph inside it, the paragraphs of the posts it embeds too), yet sits in chrome only because of class
    or id words around it (Substack's ``article.newsletter-post``, a ``commentOnSelection`` or
    ``share-wrapper`` component around the text, a paywall container) or weak chrome words on it
    (``container-banners``), those words describe a feature of the article, not a place beside it: the
    element is the body and the wrappers lose their chrome. Strong chrome by tag or role (``nav``,
    ``footer``, a dialog) is set aside only around a ``<main>`` (HTML never nests one there: an unclosed menu
    swallowed the page), an ``<aside>`` around the prose always (a sidebar left open around the story);
    chrome that the words of an element inside the body open (a share bar within the text) stays. When no
    element holds half the prose (a page of several stories), the body is the first element of three or more
    paragraphs after the page's own headline (the heading carrying its ``og:title``) that shares a container
    with it.
    """
    scores: dict[int, float] = {}
    elements: dict[int, Tag] = {}
    counts: dict[int, int] = {}
    held: dict[int, int] = {}  # the prose of the paragraphs an element holds (children and grandchildren)
    first: dict[int, int] = {}  # the position of its first paragraph
    total = 0
    sizes: dict[int, int] = {}  # the prose of each paragraph that counts, by ``id()`` of its element
    nested = _nested_paragraph_sizes(doc)
    for node in doc.nodes_by_tag.get("p", ()):
        block = doc.blocks[node.block] if node.block is not None else None
        size = len(block.text) if block is not None and block.node is node else nested.get(id(node.tag), 0)
        if size < _PROSE_PARAGRAPH:
            continue
        if node.zone != BOILERPLATE or not _in_discussion(node.tag):
            # Readers' comments are not the page's prose to share out: under a recipe (rutgerbakt.nl) they
            # may hold more than the recipe's text does.
            total += size
        sizes[id(node.tag)] = size
        parent = node.tag.parent
        if parent is None:
            continue
        for element, weight in ((parent, 1.0), (parent.parent, 0.5)):
            if element is None:
                break
            key = id(element)
            scores[key] = scores.get(key, 0.0) + size * weight
            counts[key] = counts.get(key, 0) + 1
            held[key] = held.get(key, 0) + size
            first.setdefault(key, node.position)
            elements[key] = element
    if not scores:
        return {}
    best = max(scores, key=scores.__getitem__)
    if counts.get(best, 0) >= _PROSE_MIN_PARAGRAPHS and held.get(best, 0) >= _PROSE_MIN_CHARS:
        # Its share of the page's prose counts every paragraph inside it, however deep: the paragraphs of
        # the tweets and quotes the story embeds are the story's too.
        paragraphs = elements[best].find_all("p")
        inside = sum(sizes.get(id(paragraph), 0) for paragraph in paragraphs)
        if inside >= _PROSE_MIN_SHARE * total:
            forced = _as_body(elements[best], holds_page=inside >= _SWALLOWED_SHARE * total)
            return forced | _paywalls(elements[best], paragraphs, sizes)
    # No element holds most of the prose (a page listing several stories, each in a "share-wrapper"): the
    # story under the page's own headline is the article.
    qualified = [
        key
        for key, count in counts.items()
        if count >= _PROSE_MIN_PARAGRAPHS and held[key] >= _PROSE_MIN_CHARS
    ]
    headline = _headline(doc) if qualified else None
    if headline is None:
        return {}
    ancestors = {id(element): depth for depth, element in enumerate(headline.tag.parents)}
    # The story's container must be an element of its own, not the page's <body> or <html>.
    ceiling = len(ancestors) - 3
    nearest: tuple[int, int, int] | None = None  # (depth of the shared container, position, key)
    for key in qualified:
        if first[key] < headline.position:
            continue
        for element in (elements[key], *elements[key].parents):
            depth = ancestors.get(id(element))
            if depth is not None:
                if depth < ceiling and (nearest is None or (depth, first[key]) < nearest[:2]):
                    nearest = (depth, first[key], key)
                break
    if nearest is None:
        return {}
    story = elements[nearest[2]]
    return _as_body(story) | _paywalls(story, story.find_all("p"), sizes)


# The chrome words a paywall puts around the story's text (Newsquest's ``div#subscription-content`` around
# all but its first two paragraphs). A subscription box beside the story holds a line or two of prose.
_PAYWALL_WORDS = frozenset({"subscription", "subscribe"})


def _paywalls(body: Tag, paragraphs: Sequence[Tag], sizes: Mapping[int, int]) -> dict[int, int]:
    """The wrappers inside the prose body that only paywall words put in chrome and that hold at least half
    of its prose, in ``_PROSE_MIN_PARAGRAPHS`` paragraphs or more: the story's text behind the paywall, whose
    words are set aside so that it is the body's, as the paragraphs before it are."""
    whole = 0
    held: dict[int, list[int]] = {}  # id of a wrapper: [paragraphs, prose]
    wrappers: dict[int, Tag] = {}
    for paragraph in paragraphs:
        size = sizes.get(id(paragraph), 0)
        if not size:
            continue
        whole += size
        for element in paragraph.parents:
            if element is body:
                break
            key = id(element)
            if key not in wrappers:
                if not _paywall(element):
                    continue
                wrappers[key] = element
                held[key] = [0, 0]
            held[key][0] += 1
            held[key][1] += size
    return {
        key: _NO_WORDS
        for key, (count, prose) in held.items()
        if count >= _PROSE_MIN_PARAGRAPHS and prose >= _PROSE_MIN_SHARE * whole
    }


def _paywall(element: Tag) -> bool:
    """Whether only paywall words make ``element`` chrome (not its tag, role, or another chrome word)."""
    if _opener(element.name, element.attrs) != _STRONG_CHROME or element.name in _TAG_OPENERS:
        return False
    values = [*(element.get("class") or ()), element.get("id") or ""]
    words = frozenset().union(*(_words(value) for value in values if isinstance(value, str)))
    chrome = words & _STRONG_CHROME_WORDS
    return bool(chrome) and chrome <= _PAYWALL_WORDS and "role" not in element.attrs


# An element holding this share of the page's text holds the page: chrome by tag around it (a <header> or
# <nav> whose unclosed markup swallowed everything after it) is a parsing mishap, not a place.
_SWALLOWED_SHARE = 0.9
# Below this much text a page is too short to tell a swallowing menu from a page that is all menu.
_SWALLOWED_MIN_CHARS = 2000


def _swallows_page(element: Tag, whole: int | None = None) -> bool:
    """Whether ``element`` holds nearly all the text of the ``<body>`` it sits in (``whole``, that text's
    length, when the caller measured it already)."""
    if whole is None:
        page = next((parent for parent in element.parents if parent.name == "body"), None)
        if page is None:
            return False
        whole = len(page.get_text())
    return whole >= _SWALLOWED_MIN_CHARS and len(element.get_text()) >= _SWALLOWED_SHARE * whole


def _swallowing_chrome(doc: ParsedDocument) -> dict[int, int]:
    """When no body was hidden by class names: the page-level ``<header>``, ``<nav>`` or ``<footer>`` left
    unclosed so that the parser put the whole page inside it (legalzoom.com's ``header#header-nav``), and a
    wrapper that header or layout words name but that holds the whole page (HackNMod's ``div#header`` around
    every column), set aside so that the page inside them gets its own zones."""
    chrome = sum(len(block.text) for block in doc.blocks if block.zone in CHROME)
    if chrome < _SWALLOWED_SHARE * sum(len(block.text) for block in doc.blocks):
        return {}  # most of the page's text is outside chrome: nothing swallowed it (a cheap first look)
    forced = _swallowing_wrappers(doc)
    wholes: dict[int, int] = {}  # the text length of each <body> a candidate sits in, measured once
    for name in ("header", "nav", "footer"):
        for node in doc.nodes_by_tag.get(name, ()):
            tag = node.tag
            if any(parent.name in ("header", "nav", "footer") for parent in tag.parents):
                continue  # only the outermost: what is inside one is inside it in any case
            page = next((parent for parent in tag.parents if parent.name == "body"), None)
            if page is None:
                continue
            if id(page) not in wholes:
                wholes[id(page)] = len(page.get_text())
            whole = wholes[id(page)]
            if _swallows_page(tag, whole):
                forced[id(tag)] = _NOTHING
                for inner in tag.find_all(("header", "nav", "footer")):
                    if _swallows_page(inner, whole):
                        forced[id(inner)] = _NOTHING
    return forced


def _unswallowed(prose: dict[int, int], doc: ParsedDocument) -> dict[int, int]:
    """The prose rule's openers (``_prose_body``) with the chrome that swallowed the page set aside
    (``_swallowing_chrome``). A body found inside a page-level ``<header>`` left unclosed around the whole
    page is the body either way, but the header, its words set aside, still opened the page header's zone by
    its tag, and the article's own header beside the body (its headline, its lead and the embed under it:
    panamaamerica.com.pa's ``<article>``) stayed chrome."""
    swallowed = _swallowing_chrome(doc)
    if not prose:
        return swallowed
    for key, opener in swallowed.items():
        if prose.get(key, _NO_WORDS) == _NO_WORDS:
            prose[key] = opener
    return prose


def _swallowing_wrappers(doc: ParsedDocument) -> dict[int, int]:
    """The elements, from the ``<body>`` down, each holding nearly all its text, that words on them open
    chrome (HackNMod's ``div#header`` around every column, a mega menu's ``li.menu-item > div.menu-dropdown``
    left unclosed around the page): a page's outer wrappers, or markup that swallowed what came after it.
    Strong chrome words (comments, a dialog) count so only around the page's own headline or its first
    ``<h1>``: a comment thread can hold most of a page's text beside a short article, but never the article's
    title or the site's name above it."""
    forced: dict[int, int] = {}
    headline: Tag | None = None
    looked = False
    for node in doc.nodes_by_tag.get("body", ()):
        element: Tag = node.tag
        whole = len(element.get_text())
        if whole < _SWALLOWED_MIN_CHARS:
            continue
        while True:
            inner = next(
                (
                    child
                    for child in element.children
                    if type(child) is Tag and len(child.get_text()) >= _SWALLOWED_SHARE * whole
                ),
                None,
            )
            if inner is None:
                break
            element = inner
            if _structural_opener(inner.name, inner.attrs) is not None:
                continue  # chrome by tag is _swallowing_chrome's
            opener = _opener(inner.name, inner.attrs)
            if opener == _STRONG_CHROME:
                if not looked:
                    found = _headline(doc) or next(iter(doc.nodes_by_tag.get("h1", ())), None)
                    headline, looked = (found.tag if found is not None else None), True
                if headline is None or not any(up is inner for up in headline.parents):
                    continue
            if opener in _CHROME_OPENERS:
                forced[id(inner)] = _NOTHING
    return forced


# Text of its own, outside links and buttons, that a share bar holds at most: its labels and counts.
_SHARE_BAR_TEXT = 400


def _share_wrapper(doc: ParsedDocument) -> dict[int, int]:
    """When neither the prose rule nor a swallowing wrapper said where the story is: the one element that only
    share widgets' words make chrome but that holds more text of its own, outside links and buttons, than a
    bar of share buttons says. It is the wrapper of the story (Zee News' 2013 ``div.sharethis-wrapper``
    around the date line, the share bar and the article's text, a short story written as lines between
    ``<br>``s that the prose rule's paragraphs do not measure), named after the widget that reads it: its
    words lose their chrome, and a share bar inside, named by its own words, stays chrome. Several such
    elements are several stories, each with its share widget (The Week's SpeedReads stream): none is known
    to be this page's, so nothing changes."""
    wrappers: dict[int, Tag] = {}
    for name, nodes in doc.nodes_by_class.items():
        lowered = name.lower()
        if ("shar" not in lowered and "addthis" not in lowered) or not _words(name) & _SHARE_WORDS:
            continue
        for node in nodes:
            tag = node.tag
            if node.zone != BOILERPLATE or id(tag) in wrappers:
                continue
            if (
                _structural_opener(tag.name, tag.attrs) is not None
                or _opener(tag.name, tag.attrs) != _STRONG_CHROME
            ):
                continue
            if any((_words(value) & _STRONG_CHROME_WORDS) - _SHARE_WORDS for value in _named_by(tag)):
                continue  # other chrome words too (a comment's share links): not the share widget's alone
            if _text_outside(tag, ("a", "button")) >= _SHARE_BAR_TEXT:
                wrappers[id(tag)] = tag
    # One wrapper inside another is still one story.
    outermost = [tag for tag in wrappers.values() if not any(id(up) in wrappers for up in tag.parents)]
    return {id(outermost[0]): _NO_WORDS} if len(outermost) == 1 else {}


def _builder_post(doc: ParsedDocument) -> dict[int, int]:
    """The post a page builder laid out, when the builder marks it: Elementor renders the post's own content
    as one document, ``data-elementor-type="wp-post"`` (its header, footer and sidebar templates are
    documents of other types), made of sections, columns and widgets. It calls every block a widget
    (``elementor-widget-text-editor`` holding a part of the story, ``elementor-widget-video`` its clip), so
    their words read as a sidebar's, and a story split over many sections leaves no element holding most
    of its prose for the prose rule to find. When the page has one such document holding prose, outside
    strong chrome, it is the article body, and inside it the builder's widget words lose their chrome
    unless what follows them names chrome ("elementor-widget-sidebar") or its tag or role does."""
    # A header or footer template that a plugin renders as a "wp-post" too holds no prose: the post does.
    posts = [
        node
        for node in doc.with_attribute("data-elementor-type")
        if node.tag.get("data-elementor-type") == "wp-post"
        and node.zone != BOILERPLATE
        and _builder_prose(node.tag) >= _PROSE_MIN_PARAGRAPHS
    ]
    if len(posts) != 1:
        return {}
    post = posts[0].tag
    # _unhidden gives nothing when the document is content already or when no wrapper hides it (the page's
    # other text outweighs it); a hidden one, or one in a comment thread or a real <nav> or <footer>, is in
    # strong chrome and was left out above.
    forced = _unhidden(post) or {id(post): _STRONG_CONTENT}
    for element in post.find_all(class_=_BUILDER_WIDGET_CLASS):
        classes = element.get("class")
        if not isinstance(classes, list) or _opener(element.name, element.attrs) not in _CHROME_OPENERS:
            continue
        if _combine({_value_verdict(value.removeprefix(_BUILDER_WIDGET)) for value in classes}) is None:
            forced[id(element)] = _NO_WORDS
    return forced


def _builder_prose(document: Tag) -> int:
    """The paragraphs of prose a builder's document holds: its ``<p>`` elements, and the widgets whose
    paragraph has none (Elementor's text editor keeps a one-paragraph text as bare text in its container)."""
    bare = sum(
        1
        for widget in document.find_all("div", class_="elementor-widget-container")
        if widget.find("p") is None and _is_prose(widget)
    )
    return _prose_paragraphs(document) + bare


# Elementor's word for every block of a layout, at the start of a class value.
_BUILDER_WIDGET = "elementor-widget"
_BUILDER_WIDGET_CLASS = re.compile("^" + _BUILDER_WIDGET)


def stacked_stories(doc: ParsedDocument) -> dict[int, int]:
    """Other articles a page stacks in full after its own (a series page, an infinite scroll's next stories):
    sibling ``<article>`` elements (or siblings each wrapping one of them), each with paragraphs of prose
    and each naming its own page in an attribute (``data-path``, ``data-url``, ``itemid``) or by its
    permalink (``_named_paths``), of which exactly one names this page. The others are set aside as chrome:
    their embeds are theirs. A live blog's entries name this page (or none), so nothing changes there."""
    articles = doc.nodes_by_tag.get("article", ())
    if len(articles) < 2:
        return {}
    own = _own_paths(doc)
    if not own:
        return {}
    # Each story may stand in a wrapper of its own (The Week's <section id="887220"><article …>): stories
    # are siblings when their wrappers, each holding that one story, are.
    held: dict[int, int] = defaultdict(int)  # element -> how many of the articles it holds
    for node in articles:
        for depth, element in enumerate(node.tag.parents):
            if depth >= _STORY_WRAPPERS:
                break
            held[id(element)] += 1
    siblings: dict[int, list[Tag]] = defaultdict(list)
    for node in articles:
        unit = node.tag
        for _ in range(_STORY_WRAPPERS):
            if unit.parent is None or held[id(unit.parent)] != 1:
                break
            unit = unit.parent
        if unit.parent is not None:
            siblings[id(unit.parent)].append(node.tag)
    forced: dict[int, int] = {}
    for group in siblings.values():
        if len(group) < 2:
            continue
        named = [(story, _named_paths(story)) for story in group]
        ours = [story for story, paths in named if paths & own]
        others = [story for story, paths in named if paths and not paths & own]
        if len(ours) != 1 or not others or not _holds_story(ours[0]):
            continue
        for story in others:
            if _holds_story(story):
                forced[id(story)] = _STRONG_CHROME
    return forced


# How many wrappers of its own a stacked story may stand in.
_STORY_WRAPPERS = 3


# A link to one reader's comment, as comment systems write it whatever a theme names their markup: its
# permalink (WordPress's "#comment-123", Blogger's "?showComment=…#c…", ForumMagnum's "?commentId=Xy7…" on
# LessWrong) or its reply button ("?replytocom=123").
_COMMENT_LINK = re.compile(
    r"#(?:li-)?comment[-_]?(\d+)\b|[?&](?:replytocom|showComment|comment_id|commentId)=(\w+)|#c(\d{6,})$",
    re.IGNORECASE,
)
# A comment's permalink as a comment system of its own may write it (SB Nation's): a fragment naming the
# comment's number ("#111041428"), its text the comment's time, beside the comment's reply control. A live
# blog writes its entries' permalinks the same way, but offers no reply under them.
_NUMBERED_FRAGMENT = re.compile(r"#(\d{4,})")
_PERMALINK_TIME_CHARS = 40
# The word a comment's reply control shows, in the languages the date parser reads.
_REPLY_WORDS = frozenset({"reply", "antworten", "répondre", "responder", "rispondi", "odpovědět", "ответить"})
# What a reply control's face shows besides its word: an arrow, a bracket, a count's punctuation.
_WORDS_ONLY = re.compile(r"[^\w]+")
# How many levels above a permalink (and above a reply control) the two may meet: a comment's byline line.
_REPLY_LEVELS = 3
# Two comments' links make a thread.
_THREAD_COMMENTS = 2
# A paragraph of the page's own text, which no thread may hold: more than a caption or a heading.
_THREAD_PROSE = 100
# How many comment links, and how many levels above each, are read: threads nest a few dozen deep.
_THREAD_LINKS = 1000
_THREAD_DEPTH = 64


def _comment_threads(doc: ParsedDocument) -> dict[int, int]:
    """Readers' comments told by their links rather than their names, set aside as strong chrome when the
    walk did not read them as chrome already. A thread is the lowest element holding links to two or more
    different comments, widened for as long as its parent holds more comments than it (replies nest: the
    list of all of them is the thread), and never to an element holding the page's own headline or a
    paragraph of text outside the threads (a story quoting two comments of its own blog keeps them). A
    "recent comments" list is a thread too. Bounded for hostile pages: the first ``_THREAD_LINKS`` comment
    links, ``_THREAD_DEPTH`` levels above each."""
    comments: dict[int, set[str]] = defaultdict(set)  # element -> the comments linked inside it
    links: list[Tag] = []
    replies: set[int] | None = None  # the elements near a reply control, read on the first dated permalink
    for node in doc.nodes_by_tag.get("a", ()):
        href = node.tag.get("href")
        if not isinstance(href, str):
            continue
        match = _COMMENT_LINK.search(href)
        if match is not None and _same_site(doc, href):
            comment = next(group for group in match.groups() if group is not None)
        elif (numbered := _dated_permalink(node.tag, href)) is not None:
            if replies is None:
                replies = _near_replies(doc)
            if not any(id(element) in replies for element in _up(node.tag, _REPLY_LEVELS)):
                continue
            comment = numbered
        else:
            continue  # a story may cite readers' comments on another site
        links.append(node.tag)
        for element in _up(node.tag):
            comments[id(element)].add(comment)
        if len(links) >= _THREAD_LINKS:
            break
    if not any(len(linked) >= _THREAD_COMMENTS for linked in comments.values()):
        return {}
    headline = _headline(doc)
    if headline is None:
        return {}  # without the page's headline, nothing says which element is the page itself
    # A paragraph linking two comments is a sentence about them: a thread holds its comments' blocks. A
    # comment's own block holding its replies' (a list item written without paragraphs) is a thread.
    paragraphs = {id(block.node.tag) for block in doc.blocks if block.node is not None}
    sentences: dict[int, bool] = {}
    lowest: list[Tag] = []
    for link in links:
        holder = next((up for up in _up(link) if len(comments[id(up)]) >= _THREAD_COMMENTS), None)
        if holder is None:
            continue
        if id(holder) in paragraphs and id(holder) not in sentences:
            sentences[id(holder)] = holder.find(_BLOCK_TAGS) is None
        if not sentences.get(id(holder), False):
            lowest.append(holder)
    page = _page_elements(doc, headline, {id(thread) for thread in lowest})
    forced: dict[int, int] = {}
    for thread in lowest:
        while (
            isinstance(thread.parent, Tag)
            and id(thread.parent) not in page
            and len(comments.get(id(thread.parent), ())) > len(comments[id(thread)])
        ):
            thread = thread.parent
        if id(thread) in page or id(thread) in forced:
            continue
        if zone_of(thread)[0] not in (BOILERPLATE, ASIDE):
            forced[id(thread)] = _STRONG_CHROME
    return forced


def _up(tag: Tag, depth_limit: int = _THREAD_DEPTH) -> Iterator[Tag]:
    """The elements above ``tag``, nearest first, up to ``depth_limit`` of them and below ``<body>``."""
    for depth, element in enumerate(tag.parents):
        if depth >= depth_limit or element.name in _UNZONED_TAGS or element.name == "[document]":
            return
        yield element


def _dated_permalink(link: Tag, href: str) -> str | None:
    """The comment number a link names when it is a fragment of the page naming a number and its text is a
    time ("Aug 9, 2012 1:14 PM EDT"); None otherwise."""
    match = _NUMBERED_FRAGMENT.fullmatch(href.strip())
    if match is None:
        return None
    text = link.get_text(" ", strip=True)
    if not text or len(text) > _PERMALINK_TIME_CHARS or parse_date(text) is None:
        return None
    return match.group(1)


def _near_replies(doc: ParsedDocument) -> set[int]:
    """The elements (by ``id()``) within ``_REPLY_LEVELS`` above a reply control: a link or button whose whole
    text is the word "reply"."""
    near: set[int] = set()
    for name in ("a", "button"):
        for node in doc.nodes_by_tag.get(name, ()):
            if _WORDS_ONLY.sub(" ", node.tag.get_text(" ", strip=True)).strip().casefold() in _REPLY_WORDS:
                near.update(id(element) for element in _up(node.tag, _REPLY_LEVELS))
    return near


def _page_elements(doc: ParsedDocument, headline: Node, threads: set[int]) -> set[int]:
    """The elements (by ``id()``) holding the page's own headline or a paragraph of its text outside
    ``threads``: no thread widens to one of them (a wrapper holding the story beside its comments, or beside
    a "recent comments" list in a sidebar). Each element is looked at once, however deep the page."""
    page = {id(headline.tag), *(id(element) for element in headline.tag.parents)}
    inside: dict[int, bool] = {key: True for key in threads}  # element -> whether a thread holds it
    for block in doc.blocks:
        if block.node is None or len(block.text) < _THREAD_PROSE:
            continue
        path: list[Tag] = []
        element: Tag | None = block.node.tag
        held = False
        while element is not None and element.name != "[document]":
            known = inside.get(id(element))
            if known is not None:
                held = known
                break
            path.append(element)
            element = element.parent
        for visited in path:
            inside[id(visited)] = held
        if held:
            continue
        element = block.node.tag
        while element is not None and id(element) not in page:
            page.add(id(element))
            element = element.parent
    return page


def _same_site(doc: ParsedDocument, href: str) -> bool:
    """Whether ``href`` leads to the page's own site: a fragment of the page itself, or a page of its host."""
    try:
        return urlsplit(doc.absolute(href)).hostname == urlsplit(doc.url).hostname
    except ValueError:
        return False


def canonical_link(doc: ParsedDocument) -> str | None:
    """The page's first ``<link rel="canonical">``, made absolute; None without one."""
    for node in doc.tagged("link"):
        rel = node.tag.get("rel")
        rels = rel if isinstance(rel, list) else [rel]
        href = node.tag.get("href")
        if "canonical" in rels and isinstance(href, str) and href.strip():
            return doc.absolute(href)
    return None


def _own_paths(doc: ParsedDocument) -> frozenset[str]:
    """The paths this page goes by: its URL's and its canonical link's or ``og:url``'s."""
    urls = [doc.url]
    canonical = canonical_link(doc)
    if canonical:
        urls.append(canonical)
    for node in doc.nodes_by_tag.get("meta", ()):
        if node.tag.get("property") == "og:url" and isinstance(node.tag.get("content"), str):
            urls.append(str(node.tag.get("content")))
    return frozenset(path for path in map(_story_path, urls) if path)


def _named_paths(story: Tag) -> frozenset[str]:
    """The pages ``story`` names as its own: in an attribute of its element, or by a permalink, a link marked
    ``rel="bookmark"`` (HTML's permalink of the nearest article around it, which WordPress themes write in
    each story's byline line)."""
    paths = set()
    for name, value in story.attrs.items():
        if (name.startswith("data-") or name == "itemid") and isinstance(value, str) and "/" in value:
            path = _story_path(value)
            if path:
                paths.add(path)
    for anchor in story.find_all("a", rel="bookmark", limit=_PERMALINKS):
        href = anchor.get("href")
        if isinstance(href, str) and anchor.find_parent("article") is story:
            path = _story_path(href)
            if path:
                paths.add(path)
    return frozenset(paths)


# How many permalinks of a story are read: its byline's, and a theme's repeat of it under the text.
_PERMALINKS = 5


def _story_path(url: str) -> str | None:
    """A page's path without its slashes at either end, lower-cased; None for a site's root or a non-URL."""
    if any(c.isspace() for c in url.strip()):
        return None
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return None
    path = path.strip("/").lower()
    return path if "/" in path or len(path) > 8 else None


def _holds_story(element: Tag) -> bool:
    prose = 0
    for paragraph in element.find_all("p", limit=200):
        if _is_prose(paragraph):
            prose += 1
            if prose >= _PROSE_MIN_PARAGRAPHS:
                return True
    return False


_LIST_TAGS = ("dl", "ol", "ul")
_LIST_ITEM_TAGS = ("dd", "dt", "li")


def _in_discussion(tag: Tag) -> bool:
    """Whether an element around ``tag`` names a discussion (readers' comments)."""
    return any(
        _names_discussion(element)
        for element in tag.parents
        if element.name not in ("body", "html", "[document]")
    )


def _beside_text_column(element: Tag) -> bool:
    """Whether ``element`` is named a column beside the story (``sidebar``, ``rail``) and stands beside a
    sibling holding the text's paragraphs, away from them: a sidebar column, not a box in the text."""
    if not any(_words(value) & _SIDE_COLUMN_WORDS for value in _named_by(element)):
        return False
    parent = element.parent
    if parent is None or writes_running_text(parent) or _between_text_blocks(element):
        return False  # a box in the text: beside one of its paragraphs, or between two blocks of them
    return any(
        type(sibling) is Tag and _prose_paragraphs(sibling) >= 2
        for sibling in chain(element.previous_siblings, element.next_siblings)
    )


def _prose_paragraphs(element: Tag) -> int:
    """How many paragraphs of prose ``element`` holds at any depth."""
    return sum(1 for paragraph in element.find_all("p") if _is_prose(paragraph))


def _named_by(element: Tag) -> list[str]:
    """The element's class values and its id: the names its class and id words are read from."""
    values = [value for value in element.attrs.get("class") or () if isinstance(value, str)]
    ident = element.attrs.get("id")
    if isinstance(ident, str):
        values.append(ident)
    return values


def _names_discussion(element: Tag) -> bool:
    """Whether ``element``'s class or id words name a discussion (``comments``, ``commentlist``)."""
    return any(_discussion_compound(word) for value in _named_by(element) for word in _words(value))


def _as_body(prose: Tag, holds_page: bool = False) -> dict[int, int]:
    """The openers that make the prose rule's element the article body (``_unhidden``), with the post's own
    element around it (``_post_around``) opened as content too. ``holds_page``: the element holds nearly all
    of the page's prose."""
    forced = _unhidden(prose, holds_page)
    post = _post_around(prose)
    if forced and post is not prose and zone_of(post)[0] != CONTENT:
        forced[id(post)] = _STRONG_CONTENT
    return forced


def _post_around(body: Tag) -> Tag:
    """The post's own element around the prose body, when a CMS marks one (a post_class list: ``hentry``,
    ``type-post``), else the prose body. A page builder (Elementor) lays one post out as sections and
    columns of widgets: the prose rule finds the densest widget (the instructions, a text editor), and the
    recipe's video widget beside it is the post's as much as the text is."""
    for element in body.parents:
        if element.name in ("body", "html", "[document]"):
            break
        classes = element.get("class")
        if isinstance(classes, list) and classes and _post_class(tuple(classes)):
            return element
    return body


def _unhidden(body: Tag, holds_page: bool = False) -> dict[int, int]:
    """The openers that make ``body`` the article body and set aside the chrome class words around it; {}
    when it is content already, hidden, or inside chrome by tag or role. ``holds_page``: ``body`` holds
    nearly all of the page's prose, so its own strong chrome words name a feature wrapped around the
    article, unless they name a discussion."""
    if zone_of(body)[0] == CONTENT:
        return {}
    forced = {id(body): _STRONG_CONTENT}
    inside_main = False
    # Entries of a list (readers' comments in <dl>/<ol> items) are a thread; a story's paragraphs are not
    # list items.
    thread = body.name in _LIST_TAGS or body.find_parent(_LIST_ITEM_TAGS) is not None
    for element in (body, *body.parents):
        if element.name in _UNZONED_TAGS or element.name == "[document]":
            continue
        if _hidden(element):
            return {}  # prose nobody is shown is not the article, however much of it there is
        role = element.attrs.get("role")
        structural = _structural_opener(element.name, element.attrs)
        if structural == _STRONG_CHROME and not inside_main and not _swallows_page(element):
            return {}  # a real <nav>, <footer> or dialog: not a body, whatever its prose
        if structural in (_STRONG_CHROME, _WEAK_CHROME):
            # HTML never puts <main> inside navigation or a footer: an unclosed menu swallowed the page (so
            # does one holding all of the page's text). An <aside> holding the page's prose is a sidebar
            # left open around the story.
            forced[id(element)] = _NOTHING
            continue
        inside_main = (
            inside_main or element.name == "main" or (isinstance(role, str) and role.lower() == "main")
        )
        if element is not body and _opener(element.name, element.attrs) in _CHROME_OPENERS:
            if _names_discussion(element) and (thread or _entry_below(body, element)):
                return {}  # a comment thread holding more prose than a short story: the thread, not a body
            forced[id(element)] = _NO_WORDS
    # Nothing to set aside: the body was never hidden by class names (and is not content only because the
    # page's other text outweighs it), so the walk's zones stand. A body whose own words say weak chrome
    # (energias-renovables' ``div#Articulo.container-banners``, for the ads it carries) was hidden by them;
    # one whose words say strong chrome (a comment holding most of a short story's prose) stays chrome.
    # A body that only paywall words make chrome is the story behind the paywall (``_paywalls``), here the
    # element holding most of the prose itself (Newsquest's div#subscription-content directly around the
    # paragraphs after the first three).
    if (
        len(forced) > 1
        or _opener(body.name, body.attrs) == _WEAK_CHROME
        or _marks_its_paragraphs(body)
        or _paywall(body)
    ):
        return forced
    if (
        holds_page
        and _opener(body.name, body.attrs) == _STRONG_CHROME
        and not thread
        and not _names_discussion(body)
    ):
        # Outbrain's "read more" truncation wraps the whole story in div#outbrain_readmore (Inquirer
        # Technology): an element holding nearly all of a page's prose is the article, whatever feature its
        # words name, unless it is a comment thread.
        return forced
    return {}


def _marks_its_paragraphs(body: Tag) -> bool:
    """Whether the page marks ``body``'s paragraphs one by one as the article's (``p.storybody``,
    ``p.article-body__paragraph``): two or more of them open the content zone by their own words, so the
    page knows them for its body, and what stands between them (a list, a figure's caption, a quote) is the
    body's too, not text outside the body the page marks."""
    marked = 0
    for paragraph in body.find_all("p", recursive=False):
        if _opener(paragraph.name, paragraph.attrs) == _STRONG_CONTENT:
            marked += 1
            if marked >= 2:
                return True
    return False


def _entry_below(body: Tag, wrapper: Tag) -> bool:
    """Whether ``body``, or an element between it and ``wrapper``, is one entry of a run of like elements
    (Boing Boing's div.commentnew, one per comment): one long comment is still one entry of the thread that
    ``wrapper`` holds."""
    element: Tag | None = body
    while element is not None and element is not wrapper:
        if _one_of_a_run(element):
            return True
        element = element.parent
    return False


def _one_of_a_run(element: Tag) -> bool:
    """Whether ``element`` has a sibling of its own tag and classes: one entry of a run of like elements."""
    classes = element.attrs.get("class")
    if not classes:
        return False
    for sibling in (element.find_previous_sibling(element.name), element.find_next_sibling(element.name)):
        if sibling is not None and sibling.attrs.get("class") == classes:
            return True
    return False


# Headings read when looking for the page's own headline, at most.
_HEADLINE_CANDIDATES = 60
_TITLE_SPACE = re.compile(r"[\W_]+")


def story_container(doc: ParsedDocument) -> tuple[Tag, int] | None:
    """The element holding a page's story by structure, and its headline's position: the nearest ancestor
    the headline (``_headline``) shares with the element holding most of the paragraph prose. None when
    either is missing, or when only the page's ``<body>`` holds both (then nothing narrower can be said)."""
    headline = _headline(doc)
    if headline is None:
        return None
    sizes: dict[int, int] = {}
    parents: dict[int, Tag] = {}
    for block in doc.blocks:
        node = block.node
        if node is None or node.tag.name != "p" or len(block.text) < _PROSE_PARAGRAPH:
            continue
        parent = node.tag.parent
        if parent is not None:
            sizes[id(parent)] = sizes.get(id(parent), 0) + len(block.text)
            parents[id(parent)] = parent
    if not sizes:
        return None
    prose = parents[max(sizes, key=sizes.__getitem__)]
    around_headline = {id(element) for element in headline.tag.parents}
    for element in (prose, *prose.parents):
        if id(element) in around_headline:
            if element.name in ("body", "html", "[document]"):
                return None
            if headline.tag.name in _LESSER_HEADINGS and _among_entries(element, headline.tag.name):
                return None
            return element, headline.position
    return None


def _among_entries(element: Tag, heading: str) -> bool:
    """Whether ``element`` is one entry among others of its shape: a sibling holds a ``heading`` of the same
    level and a paragraph of prose (a diary's day page, each entry under an ``<h3>``, the title naming the
    first). The story is then the whole list, and nothing narrower can be said."""
    parent = element.parent
    if parent is None:
        return False
    for sibling in parent.find_all(True, recursive=False, limit=_ENTRY_SIBLINGS):
        if sibling is element or sibling.find(heading) is None:
            continue
        if any(len(p.get_text()) >= _THREAD_PROSE for p in sibling.find_all("p", limit=_ENTRY_PARAGRAPHS)):
            return True
    return False


# How many siblings, and paragraphs in each, ``_among_entries`` reads: a hostile page may have thousands.
_ENTRY_SIBLINGS = 50
_ENTRY_PARAGRAPHS = 20


def beside_story(tag: Tag, position: int, story: tuple[Tag, int] | None) -> bool:
    """Whether ``tag`` (at ``position``) comes after the story's headline yet outside the element holding the
    story (a column beside it, a block after it); a player before the headline is the story's lead video."""
    if story is None:
        return False
    container, headline = story
    return position > headline and not any(parent is container for parent in tag.parents)


def beyond_story_column(tag: Tag, position: int, story: tuple[Tag, int] | None) -> bool:
    """Whether ``tag`` is ``beside_story`` and outside the story's column as well: in a column of the layout
    beside the story's own (a sidebar's list of links), not in a box the story's column holds after the
    text (footnotes, a list of sources). The story's column is the parent of the element holding the story,
    or that element itself when it is a table cell (its parent is the row of all the columns)."""
    if story is None or not beside_story(tag, position, story):
        return False
    container = story[0]
    column = container if container.name in _CELL_TAGS or container.parent is None else container.parent
    return not any(parent is column for parent in tag.parents)


_CELL_TAGS = frozenset({"td", "th"})


def _headline(doc: ParsedDocument) -> Node | None:
    """The heading that carries the page's own title (``og:title``, ``twitter:title`` or ``<title>``, at
    its start or at its end: "Blog » Blog Archive » Title" as old WordPress themes write it), preferring an
    ``<h1>``; a heading may add a tail to the whole title (a label, a comment count: "Title (NSFW) 1"). An
    ``<h3>`` is the headline only when no ``<h1>`` or ``<h2>`` is (Blogger heads a post with one, titled
    "Blog: Post"); a diary heads each of its entries with one too, and ``story_container`` says nothing
    narrower than the page when the headline's entry has siblings of its shape."""
    titles = page_titles(doc)
    if not titles:
        return None
    # The title's start first: a title ending with the site's name ("Story | Harbour Herald") would make the
    # site's logo, an <h1> on many themes, the headline. Never the site's own name.
    site: set[str] = set()
    for node in doc.nodes_by_tag.get("meta", ()):
        content = node.tag.get("content")
        if node.tag.get("property") == "og:site_name" and isinstance(content, str):
            site.add(title_key(content))
    # Titles a heading may carry whole with a tail: long enough to say which story, and not the site's name.
    whole = [title for title in titles if _title_width(title) >= _TITLE_WIDTH and title not in site]
    ends: list[tuple[Node, str]] = []  # each heading's key, read once, for the second pass
    for name in ("h1", "h2"):
        for node in doc.nodes_by_tag.get(name, ())[:_HEADLINE_CANDIDATES]:
            key = _heading_key(node, site)
            if key is None:
                continue
            if any(title.startswith(key) for title in titles) or any(
                key.startswith(title) for title in whole
            ):
                return node
            ends.append((node, key))
    for node, key in ends:
        if any(title.endswith(key) for title in titles):
            return node
    for node in doc.nodes_by_tag.get("h3", ())[:_HEADLINE_CANDIDATES]:
        key = _heading_key(node, site)
        if key is not None and any(title.startswith(key) or title.endswith(key) for title in titles):
            return node
    # A page laid out before headings were used for headlines (SYS-CON's <div class="storytitle">): an
    # element its own class names a title whose text is the page's title. Lesser headings (h3 to h6) stay
    # out: a page whose headline is an <h4> above one column of a table layout says nothing of the others.
    named = sorted(
        (
            node
            for cls, nodes in doc.nodes_by_class.items()
            if _TITLE_CLASS.search(cls)
            for node in nodes[:_HEADLINE_CANDIDATES]
            if node.tag.name not in _LESSER_HEADINGS
        ),
        key=lambda node: node.position,
    )
    for node in named:
        key = _heading_key(node, site)
        if key is not None and any(title.startswith(key) for title in titles):
            return node
    return None


def _heading_key(node: Node, site: set[str]) -> str | None:
    """A heading's ``title_key``, when it is long enough to say which title it carries and is not the site's
    own name: neither ``og:site_name`` nor a masthead (see ``_masthead``)."""
    key = title_key(node.tag.get_text())
    if _title_width(key) < _TITLE_WIDTH or key in site or _masthead(node.tag):
        return None
    return key


def _masthead(heading: Tag) -> bool:
    """Whether a heading is the site's name: all its text a link to a site's front page (Blogger's
    ``<h1><a href="http://blog.example.com/">Blog</a></h1>``, over a post titled "Blog: Post"). A story's
    headline links to the story, if anywhere; the title starts with the blog's name all the same."""
    links = heading.find_all("a", href=True, limit=2)
    if len(links) != 1:
        return False
    href = links[0]["href"]
    if not isinstance(href, str) or href.strip().startswith("#"):
        return False
    # "/?p=15500" is a WordPress permalink, not the front page.
    address = urlsplit(href.strip())
    if address.path not in ("", "/") or address.query or not (address.netloc or address.path):
        return False
    return links[0].get_text(" ", strip=True) == heading.get_text(" ", strip=True)


# How long a heading's text must read to say which title it carries (see ``_title_width``).
_TITLE_WIDTH = 15


def _title_width(key: str) -> int:
    """How long ``key`` reads: a wide character (Chinese, Japanese, Korean) says as much as two Latin ones,
    so that a Japanese headline of eight characters is as telling as an English one of sixteen."""
    return len(key) + sum(1 for character in key if unicodedata.east_asian_width(character) in "WF")


_TITLE_CLASS = re.compile(r"title|headline", re.IGNORECASE)
_LESSER_HEADINGS = frozenset({"h3", "h4", "h5", "h6"})


def page_titles(doc: ParsedDocument) -> list[str]:
    """The titles a page gives itself (``og:title``, ``twitter:title``, its ``<title>``) as ``title_key``s."""
    titles: list[str] = []
    for node in doc.nodes_by_tag.get("meta", ()):
        name = node.tag.get("property") or node.tag.get("name")
        content = node.tag.get("content")
        if name in ("og:title", "twitter:title") and isinstance(content, str):
            titles.append(title_key(content))
    for node in doc.nodes_by_tag.get("title", ())[:1]:
        titles.append(title_key(node.tag.get_text()))
    return [title for title in titles if title]


def title_key(text: str) -> str:
    """A title compared loosely: lower case, runs of punctuation and spaces made one space."""
    return _TITLE_SPACE.sub(" ", text).strip().lower()


def _nested_paragraph_sizes(doc: ParsedDocument) -> dict[int, int]:
    """The text length of every ``<p>`` that sits inside another block (a page whose unclosed menu ``<li>``
    swallowed the story), by ``id()`` of its element. Each such block is walked once, bottom-up, so that a
    hostile page nesting paragraphs a hundred thousand deep costs one pass, not one per paragraph."""
    wanted: set[int] = set()
    roots: set[int] = set()
    for node in doc.nodes_by_tag.get("p", ()):
        if node.block is not None and doc.blocks[node.block].node is not node:
            wanted.add(id(node.tag))
            roots.add(node.block)
    sizes: dict[int, int] = {}
    for index in roots:
        root = doc.blocks[index].node
        if root is None:
            continue
        lengths: dict[int, int] = {}
        stack: list[tuple[Tag, bool]] = [(root.tag, False)]
        while stack:
            element, children_done = stack.pop()
            if not children_done:
                stack.append((element, True))
                stack.extend(
                    (child, False)
                    for child in element.contents
                    if type(child) is Tag and child.name not in _SKIP_TEXT_TAGS
                )
                continue
            length = 0
            for child in element.contents:
                if type(child) is Tag:
                    length += lengths.pop(id(child), 0)
                elif isinstance(child, str) and not isinstance(child, Comment):
                    length += len(child.strip())
            lengths[id(element)] = length
            if id(element) in wanted:
                sizes[id(element)] = length
    return sizes


def _hidden(element: Tag) -> bool:
    classes = element.attrs.get("class")
    return isinstance(classes, list) and any(_words(value) & _HIDDEN_WORDS for value in classes)


def _strings(
    tag: Tag, parts: list[str], skip: frozenset[str] = _SKIP_TEXT_TAGS, cut: Collection[int] = ()
) -> None:
    """Append the strings under ``tag`` in document order, as a block's text reads them, leaving out the
    elements named in ``skip`` and the elements whose ``id()`` is in ``cut``."""
    stack: list[PageElement] = [tag]
    while stack:
        item = stack.pop()
        if isinstance(item, Tag):
            if item is not tag and (item.name in skip or id(item) in cut):
                continue
            if item.name == "br":
                parts.append(" ")
                continue
            stack.extend(reversed(item.contents))
        elif isinstance(item, str) and not isinstance(item, Comment):
            parts.append(item)


def rendered_text(tag: Tag) -> str:
    """The text a reader sees in ``tag``, words joined by single spaces: ``get_text`` without the code and
    data of its scripts, styles and templates (an analytics snippet is no story to come after)."""
    if tag.name in _SKIP_TEXT_TAGS:
        return ""
    parts: list[str] = []
    _strings(tag, parts)
    return " ".join(" ".join(parts).split())


def strings_outside(
    doc: ParsedDocument, tag: Tag, names: frozenset[str], elements: Collection[Tag] = ()
) -> list[str]:
    """The strings of the block at ``tag`` as its text reads them (without the chrome sections the walk cut
    from it), without the elements in ``names`` or ``elements`` too (the posts a block quotes, say)."""
    parts: list[str] = []
    cut = doc.cut_from_blocks
    if elements:
        cut = {*cut, *(id(element) for element in elements)}
    _strings(tag, parts, _SKIP_TEXT_TAGS | names, cut)
    return parts


def _substantial_root(blocks: list[TextBlock]) -> bool:
    """Whether the recognised article body holds a real share of the page's running text. A stray <article>
    teaser or a one-line "entry-content" box must not make the rest of the page's prose count as outside the
    article (links there are only read when no article body was recognised)."""
    content = neutral = 0
    cards: dict[int, int] = {}  # an <article> holding content -> how much of the content text it holds
    for block in blocks:
        if block.zone == CONTENT:
            content += len(block.text)
            tag = block.node.tag if block.node is not None else None
            card = tag if tag is None or tag.name == "article" else tag.find_parent("article")
            if card is not None:
                cards[id(card)] = cards.get(id(card), 0) + len(block.text)
        elif block.zone == NEUTRAL:
            neutral += len(block.text)
    # A list of teasers, each an <article> of a headline and a line (a "more news" grid), is no article body.
    teasers = [size for size in cards.values() if size < _TEASER_CHARS]
    if len(teasers) >= _TEASER_CARDS:
        content -= sum(teasers)
    return content > 0 and content * 4 >= content + neutral


# Three or more <article>s with less text than this each are a list of teasers.
_TEASER_CHARS = 300
_TEASER_CARDS = 3


@contextmanager
def collector_paused(*, sweep: bool = False) -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, then resume it if it was running.

    Parsing, walking and extracting create many objects per element and free none of them until the page is
    dropped. With the collector on, every few hundred allocations it re-examines the young part of the
    growing tree and, every tenth time, the young part of the last few pages' trees: on the dev pages about
    a third of the time of parse plus extraction, for nothing, since nothing made there is garbage yet. Once
    resumed it collects whatever is pending, as it would have anyway. The collector is process-wide, so it
    is paused only while this is the process's one thread (as in the pipeline's extraction workers); beside
    other threads, which would run without it too, extraction runs with the collector on.

    With ``sweep``, for a block that parses a page and lets its tree go (one page in an extraction worker),
    the youngest generation is collected at the end while still paused. The tree is cyclic (parents and
    children point at each other), so only the collector frees it; swept at once it is examined a single
    time, as garbage, instead of being carried alive into the older generations between parse and
    extraction and examined there again on later pages (the collector took 16% of a worker's time on the
    dev pages, 6% with the sweep).
    """
    if threading.active_count() > 1:
        yield
        return
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if sweep:
            gc.collect(0)
        if collecting:
            gc.enable()


def parse_html(body: bytes | str, url: str, content_type: str | None = None) -> ParsedDocument:
    """Parse an HTML page once and walk it once. ``url`` resolves relative links. Never raises on bad input:
    undecodable bytes, lone surrogates and NUL bytes are replaced or dropped, and markup nested deeper than
    the parser keeps is flattened by it (the walk itself uses no recursion)."""
    if isinstance(body, bytes):
        text, encoding = decode_html(body, content_type)
    else:
        text, encoding = body, "unicode"
    # NUL bytes make lxml stop early; they never carry meaning in HTML.
    if "\x00" in text:
        text = text.replace("\x00", "")
    with collector_paused():
        soup = _soup(text)
        doc = ParsedDocument(url=url, soup=soup, kind="html", encoding=encoding)
        # The root is the <html> element among the top-level nodes (a doctype, comments, it), else the soup:
        # a page that closes its <html> at once (cracked.com's "<html xmlns=… />") leaves lxml two of them,
        # the first empty, and the page is in the second.
        roots = [child for child in soup.contents if type(child) is Tag and child.name == "html"]
        root: Tag = roots[0] if len(roots) == 1 else soup
        _Walker(doc).walk(root)
        forced = (
            (_unswallowed(_prose_body(doc), doc) or _share_wrapper(doc))
            | stacked_stories(doc)
            | _builder_post(doc)
            | _comment_threads(doc)
        )
        if forced:
            # A second walk, on the few pages where class names hid the body: the indexes are rebuilt with
            # the zones the prose rule gives.
            doc = ParsedDocument(url=url, soup=soup, kind="html", encoding=encoding, forced=forced)
            _Walker(doc).walk(root)
    return doc


def _soup(text: str) -> BeautifulSoup:
    # An XHTML page opens with "<?xml": it is read as HTML on purpose (one forgiving parser for every page),
    # so bs4's advice to use an XML parser is noise, not a problem of the page. A page that is one line of
    # text ("https://x.com/a/status/1", "notes.html") makes bs4 suspect a path or URL passed by mistake: here
    # it is the page's content, and the warning would reach a volunteer's terminal as a wall of advice.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        try:
            return BeautifulSoup(text, "lxml")
        except UnicodeEncodeError:
            # A str with lone surrogates (from a caller's lenient decoding) cannot be handed to libxml2: pair
            # the surrogates that form characters and replace the rest with U+FFFD.
            clean = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            return BeautifulSoup(clean, "lxml")


_TEXT_HEADER = re.compile(r"^\s*(date|url|title|author|site|language|lang|published)\s*[:=]?\s+(\S.*)$", re.I)
_DATE_PREFIX = re.compile(
    r"^(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)\s*(.*)$"
)


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


def _describe(tag: Tag) -> str:
    """An element as a selector-like name: ``aside#related.sidebar.widget``."""
    ident = tag.attrs.get("id")
    classes = tag.attrs.get("class")
    name = tag.name
    if isinstance(ident, str) and ident:
        name += f"#{ident}"
    if isinstance(classes, list) and classes:
        name += "".join(f".{value}" for value in classes[:4])
    return name


def _replayed(tag: Tag, forced: Mapping[int, int] | None) -> Iterator[tuple[Tag, int, int]]:
    """The walk's zone rules replayed along ``tag``'s ancestor chain, root first: each element with the state
    outside it and the state inside it (``forced`` is the document's ``forced``)."""
    chain = [tag, *(parent for parent in tag.parents if isinstance(parent, Tag))]
    chain.reverse()
    state = _S_NEUTRAL
    for element in chain:
        if element.name in _UNZONED_TAGS or element.name == "[document]":
            continue
        if forced and id(element) in forced:
            entered = _ENTER[_forced_opener(forced, element)][state]
        elif element.attrs:
            entered = _ENTER[_opener(element.name, element.attrs)][state]
        else:
            entered = _TAG_ENTER.get(element.name, _INHERIT)[state]
        yield element, state, entered
        state = entered


def beside_body(doc: ParsedDocument, node: Node) -> bool:
    """Whether ``node`` sits in weak chrome beside the article body (a sidebar, an aside of teasers) rather
    than in a widget standing in the body's text (``body_widget``): where a site keeps its own video rail."""
    return node.zone == ASIDE and not body_widget(node.tag, doc.forced)


def body_widget(tag: Tag, forced: Mapping[int, int] | None = None) -> bool:
    """Whether ``tag`` sits in weak chrome that class or id words opened inside an article body (a CMS's
    "widget__wrapper" around an embed in the text), rather than in an aside beside the body (an ``<aside>``,
    ``role="complementary"``, or a sidebar outside any body)."""
    state = _S_NEUTRAL
    widget: Tag | None = None
    content: Tag | None = None  # the element that opened the content zone the widget sits in
    depth = 0  # how many levels below ``content`` the widget sits
    for element, outside, state in _replayed(tag, forced):
        depth += 1
        if state == _S_CONTENT and (outside != _S_CONTENT or _marks_content(element, forced)):
            content, depth = element, 0  # the nearest element that says it holds content
        if state == _S_WEAK_CHROME and outside == _S_NEUTRAL:
            # A page that marks no body: a box standing in its running text (beside a paragraph of it) is the
            # text's own, whatever its name; a sidebar stands beside the column that holds the text.
            widget = element if _in_running_text(element) else None
        elif state == _S_WEAK_CHROME and outside == _S_CONTENT:
            # An <aside> the body holds is a widget too when its name says it wraps an embed ("module-iframe-
            # wrapper") or when it stands in the running text, beside a paragraph; a bare <aside> elsewhere in
            # the body is a pull quote or a box of links.
            opener = _structural_opener(element.name, element.attrs)
            widget = (
                element
                if opener not in (_WEAK_CHROME, _HEADER) or _names_embed(element) or _in_running_text(element)
                else None
            )
            if widget is not None and content is not None and depth > _WIDGET_SIDE_DEPTH:
                # Deep below a content element that does not hold the text near it, a widget is in a column
                # beside the body ("col-md-4" in a page-wide "content-main"), not in the body.
                widget = widget if _near_paragraphs(widget) else None
            elif widget is not None and _beside_text_column(widget):
                # So is a column named a sidebar beside the column that holds the text, at any depth (O
                # Tempo's "sidebar" beside its "conteudo-texto", both in the article's grid).
                widget = None
    return widget is not None and state == _S_WEAK_CHROME


def _marks_content(element: Tag, forced: Mapping[int, int] | None) -> bool:
    if forced and id(element) in forced:
        return _forced_opener(forced, element) in (_STRONG_CONTENT, _WEAK_CONTENT)
    return _opener(element.name, element.attrs) in (_STRONG_CONTENT, _WEAK_CONTENT)


def _near_paragraphs(element: Tag) -> bool:
    """Whether ``element`` sits within a few levels of the body's text: a widget in the text does (beside a
    paragraph, or inside an element holding paragraphs or blocks of them), one in a sidebar column of a
    page-wide content wrapper ("col-md-4" beside the article's "col-md-8") sits beside it."""
    parent = element.parent
    if parent is not None and any(_is_prose(p) for p in parent.find_all("p", recursive=False)):
        return True  # beside a paragraph of the text (a video story's one-paragraph intro)
    if _between_text_blocks(element):
        return True
    ancestor: Tag | None = element  # a "widget" that holds paragraphs itself is the body's text block
    for _ in range(_WIDGET_DEPTH + 1):
        if ancestor is None:
            return False
        if _holds_paragraphs(ancestor) or _holds_text_blocks(ancestor):
            return True
        ancestor = ancestor.parent
    return False


# How many wrappers deep a block of a stream of widgets may keep its paragraphs (``div.widget > div.prose >
# p``) and still be read as a block of the body's text.
_STREAM_BLOCK_DEPTH = 2


def _between_text_blocks(element: Tag) -> bool:
    """Whether ``element`` stands between two blocks of the body's text, each holding paragraphs of prose
    itself or in a wrapper or two (a page builder's stream of widgets, one per paragraph group, with the
    article's video placeholders between them); a sidebar stands beside one column of text, not between
    two."""
    before = element.find_previous_sibling(True)
    after = element.find_next_sibling(True)
    return _wrapped_text_block(before, _STREAM_BLOCK_DEPTH) and _wrapped_text_block(
        after, _STREAM_BLOCK_DEPTH
    )


def _wrapped_text_block(block: Tag | None, depth: int) -> bool:
    if block is None:
        return False
    if _holds_paragraphs(block):
        return True
    return depth > 0 and any(
        _wrapped_text_block(inner, depth - 1) for inner in block.find_all(("div", "section"), recursive=False)
    )


def _holds_text_blocks(element: Tag) -> bool:
    """Whether ``element`` holds the body's text as blocks: a block of paragraphs (``div.text`` with its
    ``<p>``s between embeds), or two or more paragraphs each in a wrapper of its own (``<div
    class="paragraph"><p>…</p></div>``)."""
    wrapped = 0
    for block in element.find_all(("div", "section"), recursive=False):
        if _holds_paragraphs(block):
            return True
        if _wraps_a_paragraph(block):
            wrapped += 1
            if wrapped >= 2:
                return True
    return False


def _wraps_a_paragraph(block: Tag) -> bool:
    """Whether ``block`` is one paragraph of prose in a wrapper of its own (``div.paragraph > p``)."""
    inner = block.find_all(True, recursive=False)
    return len(inner) == 1 and inner[0].name == "p" and _is_prose(inner[0])


def _is_prose(paragraph: Tag) -> bool:
    return len("".join(paragraph.get_text().split())) >= _PROSE_PARAGRAPH


_WIDGET_DEPTH = 4
# A widget this many levels below the element that opened the content zone is in the body's text whatever
# surrounds it (entry-content > widget, or > a block > widget).
_WIDGET_SIDE_DEPTH = 2


# An element the body holds is an editorial box of the article ("Beyond Quanta": a few sources, each with
# a paragraph on why to read it) when it has this much text of its own beside its links (spaces not
# counted); a box of related links or a share bar has hardly any.
_BOX_PROSE_CHARS = 120


def _holds_paragraphs(element: Tag | None) -> bool:
    """Whether ``element`` holds two or more paragraphs of prose itself, as the body's text does."""
    if element is None:
        return False
    paragraphs = 0
    for paragraph in element.find_all("p", recursive=False):
        if _is_prose(paragraph):
            paragraphs += 1
            if paragraphs >= 2:
                return True
    return False


def among_paragraphs(element: Tag) -> bool:
    """Whether ``element`` sits among paragraphs of prose: its parent holds two or more of them itself, as the
    body's text does (a sidebar beside the body sits beside its container instead)."""
    return _holds_paragraphs(element.parent)


def _in_running_text(element: Tag) -> bool:
    """Whether ``element`` stands in the running text: its parent holds a paragraph of prose itself, as the
    text's own blocks do (among the paragraphs, or beside the one paragraph of a block, as Spiegel, Slate and
    styled-component pages wrap each paragraph); a sidebar beside the text sits in a column of boxes. Wrappers
    holding nothing but the element (an editor's bare ``<div>`` around an embed) stand where it stands."""
    parent = element.parent
    while parent is not None and wraps_only(parent, element) and parent.name not in ("body", "html"):
        element, parent = parent, parent.parent
    return parent is not None and writes_running_text(parent)


def wraps_only(parent: Tag, element: Tag) -> bool:
    """Whether ``parent`` holds ``element`` and nothing else (no other element, no text)."""
    for child in parent.children:
        if child is element:
            continue
        if type(child) is Tag or (
            isinstance(child, NavigableString) and type(child) is not Comment and child.strip()
        ):
            return False
    return True


def writes_running_text(element: Tag) -> bool:
    """Whether ``element`` writes running text itself: a paragraph of prose among its children, or lines of
    text straight into it (a story written between ``<br>``s, as older CMSs and LiveJournal did)."""
    return any(_is_prose(p) for p in element.find_all("p", recursive=False)) or writes_loose_text(element)


def writes_loose_text(element: Tag) -> bool:
    """Whether ``element`` holds text written straight into it, beside its elements, enough to be running
    text (lines between ``<br>``s, words around a link, a line in bold) and not a menu's labels."""
    loose = 0
    for child in element.children:
        if type(child) is NavigableString:
            loose += len(child.strip())
        elif type(child) is Tag and child.name in _EMPHASIS_TAGS:
            # Blogger's lines between <br>s are as often set in <b> as not: the emphasis is the text's own.
            loose += len(child.get_text(strip=True))
        elif type(child) is Tag and child.name == "span" and _sentence_span(child):
            # Word's pasted paragraphs set every run of words in a styled <span> (Blogger's
            # ``div.MsoNormal``): a span holding a sentence of its own is running text, a menu's label is not.
            loose += len(child.get_text(strip=True))
        else:
            continue
        if loose >= _RUNNING_TEXT_CHARS:
            return True
    return False


def _sentence_span(span: Tag) -> bool:
    """Whether a ``<span>`` holds words of a sentence: a long run of text and no element but phrasing (spans,
    emphasis, and the custom or namespaced elements editors and tools leave around words: Word's ``<o:p>``,
    an annotator's ``<marked-tail>``)."""
    text = span.get_text(" ", strip=True)
    return (
        len(text) >= _SENTENCE_SPAN_CHARS
        and text.count(" ") >= _SENTENCE_SPAN_WORDS - 1
        and all(_phrasing(inner.name) for inner in span.find_all(True))
    )


def _phrasing(name: str) -> bool:
    return name in _EMPHASIS_TAGS or name == "span" or "-" in name or ":" in name


# A span of running text: a sentence's words, not a menu's label or a button's caption.
_SENTENCE_SPAN_CHARS = 40
_SENTENCE_SPAN_WORDS = 6


# Phrasing elements that style the running text's own words (a link's or a span's may be a menu's labels).
_EMPHASIS_TAGS = frozenset({"b", "strong", "i", "em", "u", "font", "big", "small", "mark", "cite", "q"})


# Text an element writes straight into itself, beside its elements, that makes it running text.
_RUNNING_TEXT_CHARS = 100


# Class or id words of a list of other stories a theme prints after the article (YARPP's "yarpp-related").
_STORY_LIST_WORDS = frozenset({"related", "yarpp", "recommended", "recommendations", "recirc", "morestories"})
# A list of other stories links at least this many; a "Related:" line in the text links one.
_STORY_LIST_LINKS = 3
# Unlinked text that makes a block the article's prose (the "Posted in …" line under a post is mostly links).
_END_PROSE_CHARS = 80
_END_MATTER_DEPTH = 3


def after_story_list(tag: Tag, memo: dict[tuple[str, int], bool] | None = None) -> bool:
    """Whether ``tag`` comes after a list of other stories (three or more links in a block whose name says
    so), with no prose of the article between them or after it: what a theme prints under every post (a
    promo video below YARPP's related posts), not the story's own. A "Related:" box inside the text is
    followed by more of the text. ``memo``, kept by a caller asking for many elements of one page, holds
    what each element's siblings say by ``id()``: 2,000 videos side by side read their parent once."""
    memo = {} if memo is None else memo
    element: Tag | None = tag
    for _ in range(_END_MATTER_DEPTH):
        if element is None:
            return False
        if ("closed", id(element)) not in memo:
            _read_siblings(element, memo)
        if memo[("closed", id(element))]:
            return False
        if memo[("listed", id(element))]:
            return True
        element = element.parent
    return False


def _read_siblings(element: Tag, memo: dict[tuple[str, int], bool]) -> None:
    """Note for every element beside ``element`` (its parent's children) whether the article's prose comes
    after it or closes the siblings before it ("closed"), or else a list of other stories is the nearest
    of the siblings before it that says anything ("listed"), in two passes over the children."""
    if element.parent is None:
        memo[("closed", id(element))] = memo[("listed", id(element))] = False
        return
    children = element.parent.find_all(True, recursive=False)
    prose = [_unlinked_prose(child) for child in children]
    # What the nearest telling sibling before each child says: a story list (True), prose (False), nothing.
    nearest: bool | None = None
    before: list[bool | None] = []
    for child, is_prose in zip(children, prose, strict=True):
        before.append(nearest)
        if _lists_stories(child):
            nearest = True
        elif is_prose:
            nearest = False
    prose_after = False
    for child, is_prose, told in reversed(list(zip(children, prose, before, strict=True))):
        memo[("closed", id(child))] = prose_after or told is False
        memo[("listed", id(child))] = told is True
        prose_after = prose_after or is_prose


def _lists_stories(element: Tag) -> bool:
    if not any(_words(name) & _STORY_LIST_WORDS for name in _named_by(element)):
        return False
    return len(element.find_all("a", href=True, limit=_STORY_LIST_LINKS)) >= _STORY_LIST_LINKS


def _unlinked_prose(element: Tag) -> bool:
    return _text_outside(element) >= _END_PROSE_CHARS


def _text_outside(element: Tag, labels: tuple[str, ...] = ("a",)) -> int:
    """How much text ``element`` holds outside its ``labels`` elements (its links; buttons too, for a bar
    of them)."""
    inside = sum(len(label.get_text(strip=True)) for label in element.find_all(labels))
    return len(element.get_text(strip=True)) - inside


def _leads_body(element: Tag) -> bool:
    """Whether ``element`` comes right before the element holding the body's paragraphs: the story's lead
    paragraph in a block of its own (TPM's ``div.story-teaser`` before ``div.story-body``)."""
    return _holds_paragraphs(element.find_next_sibling())


def _body_box(tag: Tag, forced: Mapping[int, int] | None) -> Tag | None:
    """The element that opened weak chrome inside an article body around ``tag`` (an aside, a widget the
    body holds), when ``tag`` is in weak chrome; else None."""
    box: Tag | None = None
    state = _S_NEUTRAL
    for element, outside, state in _replayed(tag, forced):
        if state == _S_WEAK_CHROME and outside == _S_CONTENT:
            box = element
    return box if state == _S_WEAK_CHROME else None


def body_cites_link(tag: Tag, forced: Mapping[int, int] | None = None) -> bool:
    """Whether a link at ``tag``, in weak chrome, is cited by the body all the same: it sits in a box of
    prose the article writes (``_prose_box``) or in the running text of a widget within the body
    (``_in_text_widget``)."""
    box = _body_box(tag, forced)
    return box is not None and (_prose_box(box) or _in_text_widget(tag, box))


def body_text_widget(tag: Tag, forced: Mapping[int, int] | None = None) -> bool:
    """Whether ``tag`` sits in the running text of a widget within the body (``_in_text_widget``)."""
    box = _body_box(tag, forced)
    return box is not None and _in_text_widget(tag, box)


def _prose_box(box: Tag) -> bool:
    """Whether ``box``, weak chrome opened inside an article body, stands among the body's paragraphs (an
    ``<aside>`` within the text) and its own text, its links' text aside, reads as prose: a box the article
    writes, not a rail. The box may stand there itself or in a wrapper or two (tooltester's "Latest updates"
    box, ``section.updates-block > div.updates-block__inner > div.updates-block__body``)."""
    if not (among_paragraphs_within(box, _BOX_WRAPPERS) or _leads_body(box)):
        return False
    linked = sum(len("".join(anchor.get_text().split())) for anchor in box.find_all("a"))
    return len("".join(box.get_text().split())) - linked >= _BOX_PROSE_CHARS


# How many wrappers up a box of prose may stand among the body's paragraphs.
_BOX_WRAPPERS = 2


def holds_a_paragraph(element: Tag) -> bool:
    """Whether ``element`` holds a paragraph of prose anywhere inside it."""
    return any(_is_prose(paragraph) for paragraph in element.find_all("p"))


def among_paragraphs_within(element: Tag, wrappers: int, memo: dict[int, bool] | None = None) -> bool:
    """Whether ``element``, or one of its ``wrappers`` nearest ancestors, sits among paragraphs of prose.
    ``memo``, when a caller asks for many elements of one page, keeps each answer by ``id()`` of the parent
    read (20,000 players side by side share the element above their wrappers)."""
    current: Tag | None = element
    for _ in range(wrappers + 1):
        if current is None or current.name in ("body", "html"):
            return False
        if memo is None:
            among = among_paragraphs(current)
        else:
            known = memo.get(id(current.parent))
            among = memo[id(current.parent)] = among_paragraphs(current) if known is None else known
        if among:
            return True
        current = current.parent
    return False


def _in_text_widget(tag: Tag, box: Tag) -> bool:
    """Whether ``tag`` sits in a paragraph of running text inside ``box``, weak chrome that class or id words
    opened inside an article body: a page builder's text widget holding part of the story (Elementor's
    ``elementor-widget-text-editor``, one of several that split the body between image widgets), where the
    words name the builder's layout, not a place beside the text. An ``<aside>`` or a complementary region
    there is a box beside the text and is judged by ``_prose_box``."""
    if _structural_opener(box.name, box.attrs) in (_WEAK_CHROME, _HEADER):
        return False
    paragraph = tag if tag.name == "p" else tag.find_parent("p")
    # Identity, not ``in``: bs4 compares tags by their markup, which would walk whole subtrees.
    if paragraph is None or not _is_prose(paragraph) or not any(up is box for up in paragraph.parents):
        return False
    # An editor's bare wrapper around the one paragraph stands where the paragraph would (a <div><p>…</p>
    # </div> among the widget's paragraphs).
    current: Tag = paragraph
    holder = paragraph.parent
    for _ in range(_SOLE_WRAPPERS):
        if holder is None or holder is box or not wraps_only(holder, current):
            break
        current, holder = holder, holder.parent
    return _holds_paragraphs(holder)


_SOLE_WRAPPERS = 2


_WRAPPER_EMBED_WORDS = _EMBED_WORDS | {"iframe", "player", "media"}


def _names_embed(element: Tag) -> bool:
    """Whether a class value names an embed's wrapper and no sidebar ("module-iframe-wrapper", not
    "video-recipe-sidebar")."""
    classes = element.attrs.get("class")
    return isinstance(classes, list) and any(
        (words := _words(value)) & _WRAPPER_EMBED_WORDS and not words & _WEAK_CHROME_WORDS
        for value in classes
    )


def zone_of(tag: Tag, forced: Mapping[int, int] | None = None) -> tuple[str, str | None]:
    """The zone the walk gives ``tag`` and the element that decided it (the nearest ancestor, or the
    element itself, whose class, id, tag or role moved the zone to where it ends), as ``_describe`` names
    it; None when nothing did (the page's neutral default). The walk's own rules, replayed along one
    ancestor chain; ``forced`` is the document's ``forced`` (what the prose rule put in place)."""
    state = _S_NEUTRAL
    decider: Tag | None = None
    for element, outside, state in _replayed(tag, forced):
        if state != outside:
            decider = element
    return _PUBLIC_ZONE[state], None if decider is None else _describe(decider)
