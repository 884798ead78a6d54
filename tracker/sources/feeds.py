"""Reads RSS (0.9x, 1.0, 2.0) and Atom feeds: ``feed:URL`` (``ingest --feed URL``) fetches the feed through
the project's HTTP client, parses the bytes with feedparser (which never fetches anything itself when given
bytes), and ingests the articles it links that this feed has not given before.

A feed that is not well-formed XML is still read when feedparser's lenient parser finds entries in it; one
with no entries at all is a Failure for that feed, and the run goes on.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import AsyncIterator
from typing import Any

import feedparser  # type: ignore[import-untyped]

from embedtrail.scrapers.times import parse_date
from embedtrail.tracker.fetch import Fetched

from . import web
from ._listing import Item, follow
from .base import Document, Expansion, Failure, SourceContext

__all__ = ["MANY_DOCUMENTS", "NAME", "PREFIX", "claims", "expand", "read"]

NAME = "feed"
# Yields many documents per source: the pipeline starts its process pool for it.
MANY_DOCUMENTS = True
PREFIX = "feed:"


def claims(source: str) -> bool:
    """``feed:`` followed by the feed's URL."""
    return source.lower().startswith(PREFIX)


def expand(source: str) -> Expansion:
    """A feed is one source."""
    return Expansion([source])


async def read(source: str, context: SourceContext) -> AsyncIterator[Document | Failure]:
    """Yield each new article the feed links, as a Document (or a Failure for that article)."""
    url = source[len(PREFIX) :].strip()
    if not url.lower().startswith(("http://", "https://")):
        yield Failure(source, "feed: expected feed:http(s)://...")
        return
    async for item in follow(source, url, NAME, context, _entries, web.fetch_article):
        yield item


async def _entries(fetched: Fetched, context: SourceContext) -> AsyncIterator[Item | Failure]:
    # feedparser gets the bytes and the headers we received: it decodes by them, and never fetches.
    parsed = feedparser.parse(
        fetched.body,
        response_headers={"content-type": fetched.content_type or "", "content-location": fetched.final_url},
        resolve_relative_uris=False,
        sanitize_html=False,
    )
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        if problem is not None or not parsed.get("version"):
            reason = f"not a readable feed: {problem}" if problem is not None else "not an RSS or Atom feed"
            yield Failure(f"feed:{fetched.url}", reason)
        return
    for entry in entries:
        link = _link(entry, fetched.final_url)
        if link is None:
            context.skip("feed_entry_without_link")
            continue
        yield Item(link, _published(entry))


def _link(entry: Any, base: str) -> str | None:
    from urllib.parse import urljoin

    candidates = [entry.get("link")]
    candidates += [
        link.get("href") for link in entry.get("links") or [] if link.get("rel", "alternate") == "alternate"
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            absolute = urljoin(base, candidate.strip())
            if absolute.lower().startswith(("http://", "https://")):
                return absolute
    return None


def _published(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        moment = entry.get(key)
        if isinstance(moment, time.struct_time):
            # feedparser gives UTC struct_time.
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(moment)))
    for key in ("published", "updated"):
        value = entry.get(key)
        if isinstance(value, str):
            parsed = parse_date(value)
            if parsed:
                return parsed
    return None
