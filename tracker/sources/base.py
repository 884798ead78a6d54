"""What every input kind yields: ``Document`` (bytes plus where and when they came from) or ``Failure``.

Source modules (files, web URLs, and later web archives, feeds, sitemaps, archived copies) turn one source
string into a stream of these. The pipeline never needs to know which module produced a document.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Protocol

from scrapers.records import Capture
from tracker.fetch import Fetched, FetchError

__all__ = ["Document", "Failure", "SourceContext", "SourceModule", "make_capture"]


@dataclass(frozen=True, slots=True)
class Document:
    """One document to extract: raw bytes, how to parse them (``html`` or ``text``) and its capture."""

    source: str
    url: str
    body: bytes
    kind: str
    capture: Capture


@dataclass(frozen=True, slots=True)
class Failure:
    """A source (or one item of it) that could not be read, with a one-line reason."""

    source: str
    reason: str


class Fetching(Protocol):
    """The part of ``tracker.fetch.Fetcher`` that sources use."""

    async def get(self, url: str) -> Fetched | FetchError: ...


@dataclass
class SourceContext:
    """What a source module may use: the fetcher, the byte limit and the clock."""

    fetcher: Fetching | None
    max_bytes: int
    now: Callable[[], str]


class SourceModule(Protocol):
    """The interface of a module in ``tracker.sources``."""

    NAME: str

    def claims(self, source: str) -> bool: ...

    def expand(self, source: str) -> list[str]: ...

    def read(self, source: str, context: SourceContext) -> AsyncIterator[Document | Failure]: ...


def make_capture(
    url: str,
    final_url: str,
    fetched_at: str,
    body: bytes,
    origin: str,
    http_status: int | None = None,
    content_type: str | None = None,
) -> Capture:
    """A capture record for ``body``: size and sha256 computed here, once."""
    return Capture(
        url=url,
        final_url=final_url,
        fetched_at=fetched_at,
        http_status=http_status,
        content_type=content_type,
        bytes=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        origin=origin,
    )
