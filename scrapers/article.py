"""Reads what a page says about itself: title, canonical URL, site name, author, published time, language,
and the publisher's own social handles (whose links are never citations).

Sources, best first: JSON-LD (``NewsArticle`` and friends, inside ``@graph`` too), Open Graph and
``article:*`` properties, common meta tags (``content`` or ``value``, multi-valued ``itemprop``),
``<time datetime>`` (the one marked ``datePublished``/``pubdate`` first, then one in the article rather
than in page chrome), hAtom ``published`` microformats, ``<html lang>``, ``<title>``; for plain text, the
header lines (``date``, ``url``, ``title``, ``author``, ``site``, ``language``).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

from .document import CHROME, Node, ParsedDocument, canonical_link
from .records import ArticleMeta
from .times import parse_date

__all__ = ["scan_article"]

_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "webpage",
        "opinionnewsarticle",
        "liveblogposting",
        "scholarlyarticle",
        "techarticle",
        "report",
        "backgroundnewsarticle",
        "claimreview",
        "videoobject",
        "socialmediaposting",
    }
)
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "published_time",
    "og:published_time",
    "cxenseparse:recs:publishtime",
    "article:published",
    "datecreated",
    "date_published",
    "publication_date",
    "pub_date",
    "dc.date.created",
    "article_date_original",
    "original-publish-date",
    "parsely-pub-date",
)
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl")
_HANDLE = re.compile(r"@?([A-Za-z0-9_]{1,15})$")
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_BYLINE_PREFIX = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+", re.I)


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    # JSON-LD is often written with HTML entities in it ("Bike &amp; Style"); BeautifulSoup has already
    # decoded attribute values once, and a second decoding of plain text changes nothing.
    value = " ".join(html.unescape(value).split())
    # JSON escapes such as "\ud800" decode to lone surrogates, which SQLite refuses to store: the whole
    # article's save would fail over one broken character in its metadata.
    if any("\ud800" <= c <= "\udfff" for c in value):
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value or None


def _author(value: str | None) -> str | None:
    """A byline as a name: without "By ", and without the outlet after a bar ("Amy K | NJ Advance Media")."""
    if not value or value.startswith("http"):
        return None
    value = _BYLINE_PREFIX.sub("", value.split(" | ")[0]).strip()
    return value or None


def _site(value: str | None) -> str | None:
    """A site name; a URL given as a name says nothing the page URL does not."""
    return None if not value or value.startswith("http") else value


def _jsonld_objects(doc: ParsedDocument, needle: str | None = None) -> Iterator[dict[str, Any]]:
    """The objects of the page's JSON-LD scripts (of those whose text holds ``needle``, when given: a
    script that does not say "video" has no video to parse for)."""
    for _node, obj in _jsonld_scripts(doc, needle):
        yield obj


def _jsonld_scripts(doc: ParsedDocument, needle: str | None = None) -> Iterator[tuple[Node, dict[str, Any]]]:
    """``_jsonld_objects``, each with the script holding it."""
    for node in doc.tagged("script"):
        kind = node.tag.get("type")
        if not isinstance(kind, str) or "ld+json" not in kind.lower():
            continue
        raw = node.tag.string or node.tag.get_text()
        if not raw or (needle is not None and needle not in raw):
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:
                data = json.loads(_TRAILING_COMMA.sub(r"\1", raw.replace("\n", " ")))
            except ValueError:
                continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield node, item
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)


# Types of the entity a page's structured data describes as the page itself (its story, recipe or guide).
_PAGE_ENTITIES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "liveblogposting",
        "blogposting",
        "techarticle",
        "recipe",
        "howto",
        "webpage",
    }
)
_VIDEO_ADDRESS_KEYS = ("contentUrl", "embedUrl", "url")


def own_videos(doc: ParsedDocument) -> frozenset[str]:
    """The addresses of the videos the page's JSON-LD gives the entity it describes (a Recipe's or an
    Article's ``video``): the publisher saying which videos are the article's, wherever its layout puts
    them."""
    addresses: set[str] = set()
    for obj in _jsonld_objects(doc, '"video"'):
        if not _types(obj) & _PAGE_ENTITIES:
            continue
        video = obj.get("video")
        for item in video if isinstance(video, list) else [video]:
            if isinstance(item, str):
                addresses.add(item.strip())
            elif isinstance(item, dict):
                for key in _VIDEO_ADDRESS_KEYS:
                    value = item.get(key)
                    if isinstance(value, str) and value.strip():
                        addresses.add(value.strip())
    return frozenset(addresses)


# Where a reviewed claim says it appeared: schema.org's Claim keeps ``appearance`` and ``firstAppearance``
# (CreativeWorks with a ``url``), Google's older form of ``itemReviewed`` (a CreativeWork) its own ``url``.
_APPEARANCE_KEYS = ("url", "appearance", "firstAppearance")


def reviewed_claims(doc: ParsedDocument) -> list[tuple[Node, str, str | None]]:
    """Where the claims a fact-check reviews appeared, as its ``ClaimReview`` data gives them: each address
    under an ``itemReviewed`` with the script holding it and the claim as the review words it
    (``claimReviewed``). A fact-check often links only an archived copy of the post it checks (perma.cc,
    archive.today) and names the post itself here: it is the article's subject, whatever the body links."""
    claims: list[tuple[Node, str, str | None]] = []
    for node, obj in _jsonld_scripts(doc, "ClaimReview"):
        if "claimreview" not in _types(obj) or not isinstance(reviewed := obj.get("itemReviewed"), dict):
            continue
        claim = _clean(obj.get("claimReviewed"))
        for key in _APPEARANCE_KEYS:
            value = reviewed.get(key)
            for item in value if isinstance(value, list) else [value]:
                address = item.get("url") if isinstance(item, dict) else item
                if isinstance(address, str) and address.strip():
                    claims.append((node, address.strip(), claim))
    return claims


def video_objects(doc: ParsedDocument) -> list[tuple[str, str | None]]:
    """The videos the page's JSON-LD describes as entities of their own (a top-level or ``@graph``
    ``VideoObject``, not another entity's ``video``), in the page's order, each as its address and its
    ``name`` (None without one): a recipe page listing the technique videos its steps use, one
    ``VideoObject`` each."""
    videos: list[tuple[str, str | None]] = []
    for obj in _jsonld_objects(doc, "VideoObject"):
        if "videoobject" not in _types(obj):
            continue
        for key in _VIDEO_ADDRESS_KEYS:
            value = obj.get(key)
            if isinstance(value, str) and value.strip():
                videos.append((value.strip(), _clean(obj.get("name"))))
                break
    return videos


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.lower() for v in values if isinstance(v, str)}


def _name(value: object) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        return _clean(value.get("name"))
    return _clean(value)


def _meta(doc: ParsedDocument) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in doc.tagged("meta"):
        attrs = node.tag.attrs
        content = attrs.get("content")
        if not isinstance(content, str):
            content = attrs.get("value")  # some saved pages (and CMSs) write value= instead of content=
        if not isinstance(content, str) or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop"):
            key = attrs.get(attribute)
            # itemprop may name several properties ("datePublished dateCreated").
            for word in key.split() if isinstance(key, str) else ():
                found.setdefault(word.strip().lower(), content.strip())
    return found


def _time_published(doc: ParsedDocument) -> tuple[str | None, str | None]:
    """The publication time printed in the markup: a ``<time>`` marked as the publication date, then
    hAtom's ``published``, then the first ``<time>`` in the article, then the first anywhere."""
    times = list(doc.tagged("time"))
    marked = [
        n
        for n in times
        if "datepublished" in str(n.tag.get("itemprop", "")).lower() or n.tag.has_attr("pubdate")
    ]
    for node in marked:
        date = _node_date(node)
        if date:
            return date, "time_element"
    for node in doc.classed("dt-published", "published"):
        date = _node_date(node)
        if date:
            return date, "microformat"
    content = [n for n in times if n.zone not in CHROME]
    for node in content + [n for n in times if n.zone in CHROME]:
        date = _node_date(node)
        if date:
            return date, "time_element"
    return None, None


def _node_date(node: Node) -> str | None:
    for attribute in ("datetime", "content", "title"):
        value = node.tag.get(attribute)
        if isinstance(value, str) and value.strip():
            return parse_date(value)
    return parse_date(node.tag.get_text(" ", strip=True)[:100]) if node.tag.name == "time" else None


def _handles(meta: dict[str, str]) -> tuple[str, ...]:
    handles = []
    for key in ("twitter:site", "twitter:creator"):
        value = meta.get(key)
        match = _HANDLE.search(value.strip()) if value else None
        if match:
            handles.append(match.group(1).lower())
    return tuple(dict.fromkeys(handles))


def _scan_text_article(doc: ParsedDocument) -> ArticleMeta:
    headers = doc.headers
    url = headers.get("url") or doc.url
    published = parse_date(headers.get("date"))
    title = headers.get("title")
    # A text dump without a title line starts with its headline (or its lead); a long first paragraph is
    # body text, not a title.
    if title is None and doc.blocks:
        lead = doc.blocks[0].text
        title = lead if len(lead) <= 200 else None
    return ArticleMeta(
        url=url,
        canonical_url=headers.get("url"),
        site_name=headers.get("site"),
        title=title,
        author=_author(headers.get("author")),
        published_at=published,
        published_at_source="text_header" if published else None,
        language=headers.get("language"),
    )


def scan_article(doc: ParsedDocument) -> ArticleMeta:
    """Article metadata from the page's JSON-LD, meta tags and markup (or a text dump's header lines)."""
    if doc.kind == "text":
        return _scan_text_article(doc)
    meta = _meta(doc)
    title = author = published = canonical = site = language = None
    published_source = None
    for obj in _jsonld_objects(doc):
        types = _types(obj)
        if not types & _ARTICLE_TYPES:
            if "organization" in types or "newsmediaorganization" in types:
                site = site or _site(_clean(obj.get("name")))
            continue
        title = title or _clean(obj.get("headline")) or _clean(obj.get("name"))
        author = author or _author(_name(obj.get("author")))
        date = parse_date(_clean(obj.get("datePublished")) or _clean(obj.get("dateCreated")))
        if date and not published:
            published, published_source = date, "json_ld"
        publisher = obj.get("publisher")
        site = site or (_site(_name(publisher)) if publisher else None)
        # inLanguage is a code, or a Language object with a name ("en" or {"name": "en"}).
        language = language or _name(obj.get("inLanguage"))
        entity = obj.get("mainEntityOfPage")
        if isinstance(entity, dict):
            entity = entity.get("@id")
        canonical = canonical or (
            _clean(entity) if isinstance(entity, str) and entity.startswith("http") else None
        )
    title = title or _clean(meta.get("og:title")) or _clean(meta.get("twitter:title"))
    if not title:
        for node in doc.tagged("title"):
            title = _clean(node.tag.get_text())
            break
    if not published:
        for key in _PUBLISHED_META:
            date = parse_date(meta.get(key))
            if date:
                published, published_source = date, "meta"
                break
    if not published:
        published, published_source = _time_published(doc)
    if not author:
        for key in _AUTHOR_META:
            author = _author(_clean(meta.get(key)))
            if author:
                break
    canonical = canonical_link(doc) or canonical or _clean(meta.get("og:url"))
    site = _site(_clean(meta.get("og:site_name"))) or site or _site(_clean(meta.get("application-name")))
    if not language:
        for node in doc.tagged("html"):
            value = node.tag.get("lang") or node.tag.get("xml:lang")
            language = _clean(value) if isinstance(value, str) else None
            break
    language = language or _clean(meta.get("og:locale")) or _clean(meta.get("content-language"))
    if language:
        language = language.replace("_", "-")
        language = language if _LANG.match(language) else None
        if language:
            head, _, tail = language.partition("-")
            language = head.lower() + ("-" + tail.upper() if tail else "")
    return ArticleMeta(
        url=doc.url,
        canonical_url=canonical,
        site_name=site,
        title=title,
        author=author,
        published_at=published,
        published_at_source=published_source,
        language=language,
        publisher_handles=_handles(meta),
    )
