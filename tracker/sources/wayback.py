"""Reads archived copies of articles from the Wayback Machine: ``wayback:URL`` (``ingest --wayback URL``)
takes the closest snapshot the availability API knows, and ``tracker.sources.web`` falls back to it for a
page that is gone (``--wayback-fallback``).

Both requests go to configured endpoints (``[endpoints] wayback_available`` and ``wayback_replay``) through
the project's HTTP client. The snapshot is fetched in its raw ``id_`` form (the page as archived, without
the replay toolbar or rewritten links). The capture's origin is ``wayback``, ``final_url`` the snapshot and
``fetched_at`` the snapshot's time; the article keeps its original URL.
API: https://archive.org/help/wayback_api.php
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import urlencode

from embedtrail.tracker.checkers import wayback as lookups
from embedtrail.tracker.checkers.base import Response
from embedtrail.tracker.endpoints import Endpoint
from embedtrail.tracker.fetch import FetchError

from .base import Document, Expansion, Failure, SourceContext, make_capture

__all__ = ["ENDPOINTS", "NAME", "PREFIX", "claims", "expand", "raw_snapshot_url", "read", "snapshot"]

NAME = "wayback"
ENDPOINTS = {
    # Snapshots named by the availability API are fetched from here (``/{timestamp}id_/{url}``).
    "wayback_replay": Endpoint(
        "https://web.archive.org/web",
        "where `ingest --wayback` and `--wayback-fallback` fetch a snapshot's raw (`id_`) copy",
    )
}
PREFIX = "wayback:"
_SNAPSHOT = re.compile(r"/web/(?P<timestamp>\d{1,14})(?:[a-z]{2}_)?/(?P<original>.+)$")
_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text", "": "html"}


def claims(source: str) -> bool:
    """``wayback:`` followed by an http(s) URL."""
    return source.lower().startswith(PREFIX)


def expand(source: str) -> Expansion:
    """One URL is one source."""
    return Expansion([source])


async def read(source: str, context: SourceContext) -> AsyncIterator[Document | Failure]:
    """Yield the closest snapshot of the URL after ``wayback:``, or a Failure saying why there is none."""
    url = source[len(PREFIX) :].strip()
    if not url.lower().startswith(("http://", "https://")):
        yield Failure(source, "wayback: expected wayback:http(s)://...")
        return
    yield await snapshot(url, context)


def raw_snapshot_url(snapshot_url: str, replay: str) -> str | None:
    """``…/web/20130919044612/http://example.com/`` → ``{replay}/20130919044612id_/http://example.com/``:
    the same capture, unmodified, from the configured replay host. None if it is no snapshot URL."""
    match = _SNAPSHOT.search(snapshot_url)
    if match is None:
        return None
    return f"{replay.rstrip('/')}/{match['timestamp']}id_/{match['original']}"


async def snapshot(url: str, context: SourceContext) -> Document | Failure:
    """The closest Wayback Machine snapshot of ``url`` as a Document, or a Failure (none, API error)."""
    if context.fetcher is None:
        return Failure(url, "no HTTP client configured")
    api = context.endpoints.wayback_available
    query = f"{api}{'&' if '?' in api else '?'}{urlencode({'url': url})}"
    answer = await context.fetcher.get(query)
    if isinstance(answer, FetchError):
        response = Response(query, answer.status, answer.headers, answer.body, error=answer.reason)
    else:
        response = Response(query, answer.status, answer.headers, answer.body)
    lookup = lookups.classify_lookup(response)
    if lookup.error:
        return Failure(url, f"wayback: {lookup.error}")
    if not lookup.archive_url:
        return Failure(url, "wayback: no snapshot")
    raw = raw_snapshot_url(lookup.archive_url, context.endpoints.wayback_replay)
    if raw is None:
        return Failure(url, f"wayback: unexpected snapshot URL {lookup.archive_url}")
    copy = await context.fetcher.get(raw)
    if isinstance(copy, FetchError):
        return Failure(url, f"wayback snapshot {lookup.archive_url}: {copy.reason}")
    mime = (copy.content_type or "").split(";")[0].strip().lower()
    kind = _TYPES.get(mime)
    if kind is None:
        return Failure(url, f"wayback snapshot {lookup.archive_url}: unsupported content type {mime}")
    capture = make_capture(
        url,
        lookup.archive_url,
        lookup.captured_at or copy.fetched_at,
        copy.body,
        "wayback",
        copy.status,
        copy.content_type,
        headers=tuple(copy.headers.items()),
    )
    return Document(url, url, copy.body, kind, capture)
