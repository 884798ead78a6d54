"""What every input kind yields: ``Document`` (bytes plus where and when they came from) or ``Failure``.

Source modules (files, web URLs, and later web archives, feeds, sitemaps, archived copies) turn one source
string into a stream of these. The pipeline never needs to know which module produced a document.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import AsyncIterator, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from embedtrail.scrapers.records import Capture
from embedtrail.tracker.endpoints import Endpoints, default_endpoints
from embedtrail.tracker.fetch import Fetched, FetchError

__all__ = [
    "HTML_TYPES",
    "Document",
    "Expansion",
    "Failure",
    "Listing",
    "NotASavedPage",
    "SourceContext",
    "SourceModule",
    "SourceState",
    "document_kind",
    "load_saved",
    "make_capture",
    "read_capped",
    "saved_copy",
]


# The media types of an HTML page, whatever input kind carries it (a web answer, a WARC record, a part of a
# saved-page file).
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def document_kind(content_type: str | None) -> str:
    """How a document of this Content-Type is parsed: ``text`` for text/plain, ``html`` for anything else."""
    mime = (content_type or "").split(";")[0].strip().lower()
    return "text" if mime == "text/plain" else "html"


@dataclass(frozen=True, slots=True)
class Listing:
    """Where a document was listed: the feed or sitemap (``source_url``) and the item's URL as listed.

    The pipeline marks the item seen once the article is saved, so a failed fetch is retried next run.
    """

    source_url: str
    item_url: str
    published_at: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """One document to extract: raw bytes, how to parse them (``html`` or ``text``) and its capture."""

    source: str
    url: str
    body: bytes
    kind: str
    capture: Capture
    listing: Listing | None = None


@dataclass(frozen=True, slots=True)
class Expansion:
    """What a source stands for: the sources to read (a directory's files, or the source itself), and what
    was passed over and why (``hidden file``, ``unsupported file type .pdf``), counted."""

    items: list[str]
    skipped: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Failure:
    """A source (or one item of it) that could not be read, with a one-line reason."""

    source: str
    reason: str


class Fetching(Protocol):
    """The part of ``tracker.fetch.Fetcher`` that sources use."""

    async def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content_types: Collection[str] | None = None,
    ) -> Fetched | FetchError: ...


class SourceState(Protocol):
    """What feeds and sitemaps remember between runs (``db.sources`` implements it over the database)."""

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified of the last full read of ``url``."""
        ...

    def unseen(self, source_url: str, item_urls: Sequence[str]) -> list[str]:
        """The ``item_urls`` not yet saved from ``source_url``, in their order."""
        ...

    def checked(
        self, url: str, kind: str, etag: str | None, last_modified: str | None, status: str, now: str
    ) -> None:
        """Record a read of ``url``; validators are kept only when every item of the read was fetched."""
        ...


@dataclass
class SourceContext:
    """What a source module may use: the fetcher, the byte limit, the clock, and the run's options.

    ``endpoints`` names the Wayback Machine; ``state`` remembers feeds and sitemaps (None: remember
    nothing); ``since`` (ISO 8601) drops listed items published before it; ``wayback_fallback`` fetches the
    closest archived copy of an article that answers 404/410 or cannot be fetched. ``skipped`` counts what
    sources deliberately passed over (revisit records, non-HTML records, duplicates, old items), by reason.
    """

    fetcher: Fetching | None
    max_bytes: int
    now: Callable[[], str]
    endpoints: Endpoints = field(default_factory=default_endpoints)
    state: SourceState | None = None
    since: str | None = None
    wayback_fallback: bool = False
    # Reading a local archive happens in a child process with this much address space to grow (None: here).
    memory_bytes: int | None = None
    skipped: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str, count: int = 1) -> None:
        """Count items passed over for ``reason`` (reported with the run, not as failures)."""
        self.skipped[reason] += count


class SourceModule(Protocol):
    """The interface of a module in ``tracker.sources``."""

    NAME: str

    def claims(self, source: str) -> bool: ...

    def expand(self, source: str) -> Expansion: ...

    def read(self, source: str, context: SourceContext) -> AsyncIterator[Document | Failure]: ...


def make_capture(
    url: str,
    final_url: str,
    fetched_at: str,
    body: bytes,
    origin: str,
    http_status: int | None = None,
    content_type: str | None = None,
    **archive: Any,
) -> Capture:
    """A capture record for ``body``: size and sha256 computed here, once. ``archive`` takes the optional
    ``Capture`` fields (``archive_file``, ``archive_record_id``, ``headers``, ``payload_digest``)."""
    return Capture(
        url=url,
        final_url=final_url,
        fetched_at=fetched_at,
        http_status=http_status,
        content_type=content_type,
        bytes=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        origin=origin,
        **archive,
    )


def read_capped(source: str, limit: int, what: str = "") -> bytes | Failure:
    """The bytes of the file ``source``, or a Failure saying why not: missing, unreadable, or over ``limit``
    bytes (``what`` names the limit in the message, as ``for an MHTML file``)."""
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > limit:
            return Failure(
                source, f"too_large: {size} bytes is over the {limit} byte limit{what and ' ' + what}"
            )
        return path.read_bytes()
    except FileNotFoundError:
        return Failure(source, "no such file or directory")
    except OSError as error:
        return Failure(source, f"cannot read file: {error.strerror or error}")


class NotASavedPage(ValueError):
    """A file that claims to be a saved page (.mhtml, .webarchive) holds none; the message says why."""


_Page = TypeVar("_Page")


def load_saved(
    source: str, max_bytes: int, factor: int, what: str, unpack: Callable[[bytes, int], _Page]
) -> _Page | Failure:
    """The page a saved-page file (MHTML, Safari's web archive) holds, read by ``unpack``, or a Failure
    saying why there is none: the file may be ``factor`` times ``max_bytes`` (it carries images and frames
    beside the page; ``what`` names it in the message), the page itself ``max_bytes``."""
    data = read_capped(source, max_bytes * factor, f"for {what}")
    if isinstance(data, Failure):
        return data
    try:
        return unpack(data, max_bytes)
    except NotASavedPage as error:
        return Failure(source, f"{Path(source).name}: {error}")


def saved_copy(
    source: str,
    body: bytes,
    url: str | None,
    content_type: str,
    origin: str,
    saved_at: str,
    **archive: Any,
) -> Document:
    """A page a browser saved into one file: known by the address it was saved from (origin ``origin``,
    ``archive`` naming the file), or, saved from no web address, a saved file like any other (origin
    ``file``, its capture named by the file's path, which ``publish`` never shows)."""
    if url is None:
        uri = Path(source).resolve().as_uri()
        return Document(
            source,
            uri,
            body,
            "html",
            make_capture(uri, uri, saved_at, body, "file", content_type=content_type),
        )
    capture = make_capture(url, url, saved_at, body, origin, content_type=content_type, **archive)
    return Document(source, url, body, "html", capture)
