"""Reads XML sitemaps: ``sitemap:URL`` (``ingest --sitemap URL``) fetches the sitemap through the project's
HTTP client, follows sitemap indexes into nested sitemaps (gzipped or not), and ingests the pages they list
that this sitemap has not given before. News sitemaps' publication dates (else ``lastmod``) feed ``--since``.

XML is parsed incrementally with lxml, without entities, DTDs or network access. A sitemap that is broken,
unreachable, already being read (a loop) or nested deeper than ``MAX_DEPTH`` is a Failure for that sitemap;
the others go on. Spec: https://www.sitemaps.org/protocol.html, news: Google's sitemap-news/0.9 schema.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator

from lxml import etree

from embedtrail.scrapers.times import parse_date
from embedtrail.tracker.fetch import BodyError, Fetched, FetchError, decode_capped

from . import web
from ._listing import Item, follow, is_before
from .base import Document, Expansion, Failure, SourceContext

__all__ = ["MANY_DOCUMENTS", "MAX_DEPTH", "NAME", "PREFIX", "claims", "expand", "read"]

NAME = "sitemap"
# Yields many documents per source: the pipeline starts its process pool for it.
MANY_DOCUMENTS = True
PREFIX = "sitemap:"
# Levels of sitemap indexes followed below the first sitemap. The protocol allows one (an index of
# sitemaps); real sites nest a little deeper, and anything past this is a generator gone wrong.
MAX_DEPTH = 3


def claims(source: str) -> bool:
    """``sitemap:`` followed by the sitemap's URL."""
    return source.lower().startswith(PREFIX)


def expand(source: str) -> Expansion:
    """A sitemap (with everything it nests) is one source."""
    return Expansion([source])


async def read(source: str, context: SourceContext) -> AsyncIterator[Document | Failure]:
    """Yield each new page the sitemap (and its nested sitemaps) lists, as a Document or a Failure."""
    url = source[len(PREFIX) :].strip()
    if not url.lower().startswith(("http://", "https://")):
        yield Failure(source, "sitemap: expected sitemap:http(s)://...")
        return
    async for item in follow(source, url, NAME, context, _entries, web.fetch_article):
        yield item


async def _entries(fetched: Fetched, context: SourceContext) -> AsyncIterator[Item | Failure]:
    visited = {fetched.url, fetched.final_url}
    async for entry in _walk(fetched, context, 0, visited):
        yield entry


async def _walk(
    fetched: Fetched, context: SourceContext, depth: int, visited: set[str]
) -> AsyncIterator[Item | Failure]:
    where = f"sitemap:{fetched.url}"
    body = fetched.body
    if body[:2] == b"\x1f\x8b":  # a .xml.gz file served as such, not as Content-Encoding
        try:
            body = decode_capped([body], "gzip", context.max_bytes)
        except BodyError as error:
            yield Failure(where, f"gzipped sitemap: {error}")
            return
    children: list[tuple[str, str | None]] = []
    try:
        for kind, location, when in _parse(body):
            if kind == "url":
                yield Item(location, when)
            else:
                children.append((location, when))
    except etree.XMLSyntaxError as error:
        yield Failure(where, f"broken sitemap XML: {error}")
    except ValueError as error:
        yield Failure(where, f"not a sitemap: {error}")
    for child, modified in children:
        if is_before(modified, context.since):
            context.skip("sitemap_before_since")
            continue
        if child in visited:
            yield Failure(where, f"sitemap loop: {child} is already being read")
            continue
        if depth + 1 > MAX_DEPTH:
            yield Failure(where, f"sitemaps nest deeper than {MAX_DEPTH} levels: not following {child}")
            continue
        visited.add(child)
        assert context.fetcher is not None  # follow() checked
        result = await context.fetcher.get(child)
        if isinstance(result, FetchError):
            yield Failure(f"sitemap:{child}", result.reason)
            continue
        visited.add(result.final_url)
        async for entry in _walk(result, context, depth + 1, visited):
            yield entry


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _parse(body: bytes) -> Iterator[tuple[str, str, str | None]]:
    """``("url", loc, published)`` per page and ``("sitemap", loc, lastmod)`` per nested sitemap, read
    incrementally (each element is dropped once read)."""
    events = etree.iterparse(
        io.BytesIO(body),
        events=("end",),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    root_checked = False
    for _event, element in events:
        name = _local(element.tag)
        if not root_checked:
            root = element.getroottree().getroot()
            if _local(root.tag) not in ("urlset", "sitemapindex"):
                raise ValueError(f"root element is <{_local(root.tag)}>, not <urlset> or <sitemapindex>")
            root_checked = True
        if name not in ("url", "sitemap"):
            continue
        fields: dict[str, str] = {}
        for child in element.iter():
            # First wins: <image:image> and <video:video> children carry a <loc> of their own.
            fields.setdefault(_local(child.tag), (child.text or "").strip())
        location = fields.get("loc")
        if location and location.lower().startswith(("http://", "https://")):
            when = parse_date(fields.get("publication_date") or fields.get("lastmod"))
            yield name, location, when
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
