"""Finds the embed markup a page keeps only in its JSON state for the article it shows.

JS-rendered pages (React, Next.js, Arc/Fusion, CMS renderers) often serve the article's text as markup but
leave its embedded posts out of it: the script that renders the page builds them from a state object in a
``<script>`` (``window['__abcnews__'] = {...}``, ``__NEXT_DATA__``), where each embed is the platform's own
blockquote code as a string, often URL-encoded or entity-escaped. The same state usually holds other articles
too (the next story, recirculation rails, an infinite scroll), whose embeds are not this article's. So a piece
of embed markup counts only when the nearest record above it in the state that says which article it is
(a headline, a canonical URL) names this page; a record naming another article of the site rules it out.
Pure: reads the parsed document and yields markup strings; ``extract`` reads them like any page's markup.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from urllib.parse import unquote, urlsplit

from .document import Node, ParsedDocument, title_key

__all__ = ["state_markup"]

# Script types whose text is a page's state: JSON itself, or code assigning JSON literals (no type is code).
_JSON_TYPES = frozenset({"application/json", "application/ld+json"})
_CODE_TYPES = frozenset({"", "text/javascript", "application/javascript", "module"})
# State larger than this is not read (whole-site stores); the markers are looked for before any parsing.
_MAX_STATE_CHARS = 5_000_000
# At most this many JSON literals are tried per script (``= {`` can open code as well as data).
_MAX_LITERALS = 40
_ASSIGNED_OBJECT = re.compile(r"=\s*\{")
# Keys whose value says which article a record is: these decide whether an embed below them is this page's.
_TITLE_KEYS = frozenset({"headline", "title", "seotitle", "socialtitle"})
_URL_KEYS = frozenset(
    {
        "url",
        "canonical",
        "canonicalurl",
        "canonical_url",
        "articleurl",
        "website_url",
        "permalink",
        "link",
        "shareurl",
        "share_url",
        "weburl",
    }
)
# A title shorter than this is too generic to tell one article from another ("Video", "Live updates").
_MIN_TITLE = 20


class _Identity:
    """What the page says it is: its title keys and its URL paths (page URL, canonical link, ``og:url``)."""

    def __init__(self, doc: ParsedDocument) -> None:
        self.titles: set[str] = set()
        self.paths: set[str] = set()
        self.host = _host(doc.url)
        for node in doc.nodes_by_tag.get("meta", ()):
            name = node.tag.get("property") or node.tag.get("name")
            content = node.tag.get("content")
            if not isinstance(content, str):
                continue
            if name in ("og:title", "twitter:title"):
                self._title(content)
            elif name == "og:url":
                self._path(content)
        for node in doc.nodes_by_tag.get("title", ())[:1]:
            self._title(node.tag.get_text())
        for node in doc.nodes_by_tag.get("h1", ())[:3]:
            self._title(node.tag.get_text())
        for node in doc.nodes_by_tag.get("link", ()):
            rel = node.tag.get("rel")
            href = node.tag.get("href")
            if isinstance(href, str) and "canonical" in (rel if isinstance(rel, list) else [rel]):
                self._path(href)
        self._path(doc.url)

    def _title(self, text: str) -> None:
        key = title_key(text)
        if len(key) >= _MIN_TITLE:
            self.titles.add(key)

    def _path(self, url: str) -> None:
        path = _path(url)
        if path:
            self.paths.add(path)

    def verdict(self, record: dict[str, object]) -> bool | None:
        """True when ``record`` names this article, False when it names another of the site's, else None."""
        other = False
        for key, value in record.items():
            if not isinstance(value, str) or len(value) > 2000:
                continue
            name = key.lower()
            if name in _TITLE_KEYS:
                key_text = title_key(value)
                if len(key_text) >= _MIN_TITLE and any(
                    title.startswith(key_text) or key_text.startswith(title) for title in self.titles
                ):
                    return True
                # A title alone does not rule a record out: an embed's own record may have one.
            elif name in _URL_KEYS:
                path = _path(value)
                if not path:
                    continue
                if path in self.paths:
                    return True
                host = _host(value)
                # Another page of this site (or a relative path): the record is another article.
                other = other or host is None or host == self.host
        return False if other else None

    def __bool__(self) -> bool:
        return bool(self.titles or self.paths)


def _host(url: str) -> str | None:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _path(url: str) -> str | None:
    """A URL's path without its trailing slash, when it names a page (at least two characters past '/')."""
    url = url.strip()
    if not url.startswith(("http://", "https://", "/")):
        return None
    try:
        path = urlsplit(url).path.rstrip("/")
    except ValueError:
        return None
    return path.lower() if len(path) > 2 else None


def _literals(text: str, is_json: bool) -> Iterator[object]:
    """The JSON values a script holds: the whole text for a JSON script, else each object literal assigned in
    the code (``name = {...}``)."""
    decoder = json.JSONDecoder()
    if is_json:
        try:
            yield json.loads(text)
        except ValueError:
            return
        return
    end = 0
    for tries, match in enumerate(_ASSIGNED_OBJECT.finditer(text)):
        if tries >= _MAX_LITERALS:
            return
        if match.start() < end:
            continue
        try:
            value, end = decoder.raw_decode(text, match.end() - 1)
        except ValueError:
            continue
        yield value


def _marked(data: object, markers: tuple[str, ...]) -> Iterator[tuple[str, tuple[dict[str, object], ...]]]:
    """Every string in ``data`` holding a marker, with the records (objects) above it, outermost first."""
    stack: list[tuple[object, tuple[dict[str, object], ...]]] = [(data, ())]
    while stack:
        item, records = stack.pop()
        if isinstance(item, str):
            if any(marker in item for marker in markers):
                yield item, records
        elif isinstance(item, dict):
            inner = (*records, item)
            stack.extend((value, inner) for value in reversed(item.values()))
        elif isinstance(item, list):
            stack.extend((value, records) for value in reversed(item))


def _decoded(value: str) -> str:
    """Markup as the page's script would write it: URL-encoding and HTML entities undone."""
    if "%3C" in value or "%3c" in value:
        value = unquote(value)
    if "&lt;" in value:
        value = html.unescape(value)
    return value


def _belongs(records: Iterable[dict[str, object]], identity: _Identity) -> bool:
    for record in reversed(tuple(records)):
        verdict = identity.verdict(record)
        if verdict is not None:
            return verdict
    return False


def state_markup(doc: ParsedDocument, markers: tuple[str, ...]) -> Iterator[tuple[str, Node, bool]]:
    """(markup, script, is this article's) for every string in the page's JSON state that holds a platform's
    embed markup (one of ``markers``, class names such as ``twitter-tweet``), in document order."""
    identity = _Identity(doc)
    for node in doc.tagged("script"):
        if node.tag.has_attr("src"):
            continue
        kind = node.tag.get("type")
        kind = kind.strip().lower() if isinstance(kind, str) else ""
        if kind not in _JSON_TYPES and kind not in _CODE_TYPES:
            continue
        text = node.tag.string
        if not text or len(text) > _MAX_STATE_CHARS or not any(marker in text for marker in markers):
            continue
        for data in _literals(text, kind in _JSON_TYPES):
            for value, records in _marked(data, markers):
                yield _decoded(value), node, bool(identity) and _belongs(records, identity)
