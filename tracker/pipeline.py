"""The one executor of "document → extraction under the budget → save in one transaction".

Ingest, ``refresh --articles``, ``reextract`` and the queue (its workers extract, its coordinator saves) all
pass their documents through here, so a hostile page meets the same time and memory budget, a failure the same
wording and bookkeeping, and an article the same identity rule, whichever command met it. ``Extractor`` runs
extraction in a ``BudgetPool`` of worker processes; ``Writer`` runs saves one at a time on a thread of its own
with its own connection, so that saving a big page never stalls the fetches sharing the event loop. Where
documents come from (sources, a re-fetch, stored bodies, the queue) and what a save does besides storing the
extraction (marking the embeds an edit removed) are the callers' business: they pass the save function in.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from sqlite_utils import Database

from embedtrail.db.bodies import BodyStore, StoreError, keep_body
from embedtrail.db.store import SaveResult, open_database
from embedtrail.scrapers import extract, parse_html, parse_text
from embedtrail.scrapers.document import collector_paused, decode_html
from embedtrail.scrapers.records import Caps, Extraction

from .budget import BudgetExceeded, BudgetPool
from .clock import utc_now
from .config import Limits
from .sources import Document, Failure

__all__ = [
    "PRELOAD",
    "Extractor",
    "Pipeline",
    "PipelineFailure",
    "Tally",
    "Writer",
    "article_url",
    "content_url",
    "extract_document",
    "identified",
    "not_an_article",
    "nothing_read",
]

T = TypeVar("T")

# What a forkserver-started extraction worker imports before its first page.
PRELOAD = ("embedtrail.scrapers", "embedtrail.tracker.pipeline")


class PipelineFailure(Exception):
    """One document could not be extracted or saved; ``reason`` is the line recorded for it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def extract_document(
    kind: str, body: bytes, url: str, content_type: str | None, caps: Caps | None = None
) -> Extraction:
    """Parse and extract one document (within ``caps``, when given). Runs in a worker; top-level so a
    process pool can pickle it."""
    # One page's whole tree is made and dropped inside the pause, and swept once at its end.
    with collector_paused(sweep=True):
        if kind == "text":
            text, _encoding = decode_html(body, content_type)
            return extract(parse_text(text, url), caps=caps)
        return extract(parse_html(body, url, content_type), caps=caps)


# Formats no article is in, whatever the file's name or the server's Content-Type says.
_SIGNATURES = (
    (b"\x7fELF", "an executable (ELF)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b\x08", "gzip-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"OggS", "an Ogg file"),
    (b"ID3", "an MP3 file"),
    (b"\x00asm", "WebAssembly"),
)


def not_an_article(body: bytes) -> str | None:
    """Why ``body`` cannot be an article at all (empty, an image, an executable, binary data), or None.
    Checked before extraction: junk is a recorded failure, never a saved article."""
    if not body.strip():
        return "empty: nothing to read"
    for signature, what in _SIGNATURES:
        if body.startswith(signature):
            return f"{what}, not an article"
    if body[4:8] == b"ftyp":
        return "a video or image (ISO media), not an article"
    if body.startswith(b"RIFF") and body[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return f"a {body[8:12].decode().strip()} file, not an article"
    if body.startswith(b"MZ") and (b"PE\x00\x00" in body[:1024] or b"DOS mode" in body[:512]):
        return "a Windows executable, not an article"
    head = body[:8192]
    if b"\x00" in head and not _wide_text(head):
        return "binary data, not an article"
    return None


def _wide_text(head: bytes) -> bool:
    """UTF-16 or UTF-32 text, with or without a byte order mark: its NUL bytes keep to a few positions
    (the high bytes of Latin characters), where binary data scatters them."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return True
    for width in (2, 4):
        counts = [head[offset::width].count(0) for offset in range(width)]
        slots = len(head) // width or 1
        if max(counts) > 0.4 * slots and min(counts) < 0.05 * slots:
            return True
    return False


def article_url(document: Document, extraction: Extraction) -> str:
    """The URL an article is known by: where the web answered from; for a saved file, the URL the page
    declares (canonical link, og:url, or a text dump's ``url`` line), else the address the browser that
    saved it noted, else its content (``urn:sha256:<hex>``): the same document read from two paths is one
    article, and the path it was read from (a volunteer's folders) is never its name."""
    if document.capture.origin != "file":
        return document.url
    for candidate in (extraction.article.canonical_url, extraction.article.url):
        if candidate and candidate.lower().startswith(("http://", "https://")):
            return candidate
    return content_url(document.capture.sha256)


def content_url(sha256: str) -> str:
    """The name of a saved document that declares no URL: its content's digest."""
    return f"urn:sha256:{sha256}"


def identified(document: Document, extraction: Extraction, url: str | None = None) -> Extraction:
    """``extraction`` known by its article's URL: ``url`` when the caller already knows which article this
    is (a re-fetch keeps the stored URL, not wherever the page redirects today), else ``article_url``."""
    known = url or article_url(document, extraction)
    return replace(extraction, article=replace(extraction.article, url=known))


def nothing_read(extraction: Extraction) -> str | None:
    """Why an extraction is no article (no readable text and nothing cited), or None."""
    if extraction.text_chars or extraction.embeds or extraction.mentions or extraction.notes:
        return None
    return "not an article: no readable text and nothing cited"


class Extractor:
    """Extraction under ``[limits] extract_seconds`` / ``extract_memory_mb`` in worker processes: a page over
    budget, or one that kills its worker, fails alone (``PipelineFailure``) and the pages beside it go on.
    ``expected`` documents size the pool (one worker per core at most)."""

    def __init__(self, limits: Limits, *, expected: int = 1, workers: int | None = None) -> None:
        size = workers or max(1, min(os.cpu_count() or 1, expected))
        self.workers = size
        self.caps = limits.caps()
        self.pool = BudgetPool(
            size,
            seconds=limits.extract_seconds or None,
            memory_bytes=limits.extract_memory_mb * 1024 * 1024 or None,
            preload=PRELOAD,
        )

    async def extract(self, document: Document) -> Extraction:
        """The extraction of ``document``, or ``PipelineFailure`` saying why there is none (junk is refused
        before a worker sees it)."""
        junk = not_an_article(document.body)
        if junk is not None:
            raise PipelineFailure(f"not an article: {junk}")
        try:
            return await self.pool.run(
                extract_document,
                document.kind,
                document.body,
                document.url,
                document.capture.content_type,
                self.caps,
            )
        except BudgetExceeded as exc:  # a hostile page: recorded, the run goes on
            raise PipelineFailure(f"extraction over budget: {exc}") from None
        except Exception as exc:  # a scraper bug on one page must not stop the run
            raise PipelineFailure(f"extraction failed: {type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        """Stop the workers."""
        self.pool.shutdown()


def _database_file(db: Database) -> str | None:
    """The file behind ``db``'s main schema, or None for an in-memory or temporary database."""
    try:
        rows = db.execute("pragma database_list").fetchall()
    except Exception:  # an unusual connection: treat it as one we cannot reopen
        return None
    return next((str(row[2]) for row in rows if row[1] == "main" and row[2]), None)


class Writer:
    """The run's single writer. Saves run one at a time on a thread of their own, through a second connection
    to the same file (a save of a huge page then blocks only itself, and the write lock's IMMEDIATE begin
    orders it against every other writer); an in-memory database, which a second connection cannot reach,
    is written inline on the caller's thread."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._path = _database_file(db)
        self._executor: ThreadPoolExecutor | None = None
        self._own: Database | None = None

    async def run(self, fn: Callable[[Database], T]) -> T:
        """``fn(db)`` on the writer, where ``db`` is the connection to write through."""
        if self._path is None:
            return fn(self.db)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="embedtrail-writer")
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._call, fn)

    def _call(self, fn: Callable[[Database], T]) -> T:
        if self._own is None:
            assert self._path is not None
            self._own = open_database(self._path)
        return fn(self._own)

    def close(self) -> None:
        """Close the writer's connection (on its own thread) and stop the thread."""
        if self._executor is None:
            return
        own, self._own = self._own, None
        if own is not None:
            self._executor.submit(own.close).result()
        self._executor.shutdown(wait=True)
        self._executor = None


@dataclass
class Tally:
    """What documents a run extracted and saved: the counts ingest, reextract and the queue report."""

    documents: int = 0
    saved: int = 0
    unchanged: int = 0
    new: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    # Worth a look, not failures (recognised embed markup from which nothing was logged).
    notices: list[Failure] = field(default_factory=list)

    def fail(self, source: str, reason: str) -> str:
        """Record a failure of ``source``; returns the reason, for progress lines."""
        self.failures.append(Failure(source, reason))
        return reason

    def saved_one(self, result: SaveResult) -> None:
        """Count one saved document."""
        self.saved += 1
        if not result.new_capture:
            self.unchanged += 1
        for table, count in result.new.items():
            self.new[table] = self.new.get(table, 0) + count

    def absorb(self, other: Tally) -> None:
        """Add another run's counts (a queue run's local and remote parts)."""
        self.documents += other.documents
        self.saved += other.saved
        self.unchanged += other.unchanged
        self.failures.extend(other.failures)
        self.notices.extend(other.notices)
        for table, count in other.new.items():
            self.new[table] = self.new.get(table, 0) + count


Save = Callable[[Database, Document, Extraction], SaveResult]


class Pipeline:
    """``Extractor`` and ``Writer`` together, with the bookkeeping: ``await pipeline.process(document, save)``
    extracts ``document`` under the budget, gives it its article identity and runs ``save(db, document,
    extraction)`` on the writer. Failures are recorded in ``tally`` and returned as a ``Failure``; nothing is
    raised for one bad document."""

    def __init__(
        self,
        extractor: Extractor,
        writer: Writer,
        tally: Tally | None = None,
        store: BodyStore | None = None,
        now: Callable[[], str] | None = None,
    ) -> None:
        self.extractor = extractor
        self.writer = writer
        self.tally = tally if tally is not None else Tally()
        self.store = store
        self.now = now or utc_now

    async def process(
        self, document: Document, save: Save, *, url: str | None = None
    ) -> SaveResult | Failure:
        """Extract and save one document; ``url`` fixes the article it belongs to (see ``identified``)."""
        self.tally.documents += 1
        try:
            extraction = identified(document, await self.extractor.extract(document), url)
        except PipelineFailure as failure:
            return self._failed(document, failure.reason)
        empty = nothing_read(extraction)
        if empty is not None:
            return self._failed(document, empty)
        for notice in extraction.notices:  # said, not a failure: nothing was lost
            self.tally.notices.append(Failure(document.source, notice))
        for warning in extraction.warnings:  # rows over the per-article caps: said, and the rest saved
            self.tally.fail(document.source, warning)
        try:
            result = await self.writer.run(lambda db: self._save(db, document, extraction, save))
        except PipelineFailure as failure:
            return self._failed(document, failure.reason)
        except StoreError as error:  # nothing was saved: a document is kept with its bytes or not at all
            return self._failed(document, f"not saved: {error}")
        except Exception as exc:  # recorded per document; its transaction was rolled back
            return self._failed(document, f"database write failed: {type(exc).__name__}: {exc}")
        self.tally.saved_one(result)
        return result

    def _save(self, db: Database, document: Document, extraction: Extraction, save: Save) -> SaveResult:
        # The body is stored, and its row committed, before the capture that names it (db/bodies.py).
        keep_body(db, self.store, document.body, document.capture.sha256, self.now())
        return save(db, document, extraction)

    def _failed(self, document: Document, reason: str) -> Failure:
        self.tally.fail(document.source, reason)
        return Failure(document.source, reason)

    def close(self) -> None:
        """Stop the extraction workers and the writer."""
        try:
            self.extractor.close()
        finally:
            self.writer.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
