"""The ingest pipeline: sources → documents → parse and extract (off the event loop) → one transaction per
article.

Fetching is async and overlaps network waits across many URLs; parsing and extraction run in a pool of
worker processes (``tracker.budget.BudgetPool``: both cores on large batches, and every page under a time
and memory budget, so a hostile page fails alone); the event loop's thread is the single writer. A source
that fails is recorded with its reason and the run goes on with the rest.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlite_utils import Database

from embedtrail.db.store import save_extraction
from embedtrail.scrapers import extract, parse_html, parse_text
from embedtrail.scrapers.document import decode_html
from embedtrail.scrapers.records import Extraction

from .budget import BudgetExceeded, BudgetPool
from .clock import utc_now
from .config import Config
from .sources import Document, Failure, SourceContext, module_for, needs_network

__all__ = ["IngestReport", "extract_document", "ingest", "ingest_sync", "utc_now"]

# What a source that lists many documents (an archive, a feed) counts for when sizing the worker pool.
MANY_DOCUMENTS_WEIGHT = 24
# Documents in flight at once: bounds memory whatever the number of sources.
MAX_IN_FLIGHT = 64


@dataclass
class IngestReport:
    """What a run did: sources tried, documents saved, new rows per table, and each failure."""

    sources: int = 0
    documents: int = 0
    saved: int = 0
    unchanged: int = 0
    new: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return len(self.failures)

    def counts(self) -> dict[str, Any]:
        """Counts for the ``runs`` table and ``--json`` output."""
        return {
            "sources": self.sources,
            "documents": self.documents,
            "saved": self.saved,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "new": dict(sorted(self.new.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        """One line for the end of a run."""
        new = ", ".join(f"{count} {table}" for table, count in sorted(self.new.items()) if count) or "nothing"
        skipped = ", ".join(f"{count} {reason}" for reason, count in sorted(self.skipped.items()))
        return (
            f"ingested {self.documents} document{'s' if self.documents != 1 else ''} from {self.sources} "
            f"source{'s' if self.sources != 1 else ''}: {self.saved} saved ({self.unchanged} unchanged), "
            f"{self.failed} failed; new: {new}"
            + (f"; skipped: {skipped}" if skipped else "")
            + f"; {self.seconds:.1f}s"
        )


def extract_document(kind: str, body: bytes, url: str, content_type: str | None) -> Extraction:
    """Parse and extract one document. Runs in a worker; top-level so a process pool can pickle it."""
    if kind == "text":
        text, _encoding = decode_html(body, content_type)
        return extract(parse_text(text, url))
    return extract(parse_html(body, url, content_type))


def _article_url(document: Document, extraction: Extraction) -> str:
    """The URL an article is known by: where the web answered from; for a saved file, the URL the page
    declares (canonical link, og:url, or a text dump's ``url`` line), else the file's URI."""
    if document.capture.origin != "file":
        return document.url
    for candidate in (extraction.article.url, extraction.article.canonical_url):
        if candidate and candidate.lower().startswith(("http://", "https://")):
            return candidate
    return document.url


def _expected_documents(sources: list[str]) -> int:
    """How many documents the sources may yield: one each, or many for kinds that list articles (web
    archives, feeds, sitemaps declare ``MANY_DOCUMENTS``)."""
    many = MANY_DOCUMENTS_WEIGHT
    return sum(many if getattr(module_for(s), "MANY_DOCUMENTS", False) else 1 for s in sources)


def _pool(count: int, workers: int | None, config: Config) -> BudgetPool:
    """Extraction workers: processes, so that a hostile page is stopped by its time and memory budget
    without touching the writer, and both cores are used on large batches."""
    cpus = os.cpu_count() or 1
    size = workers or max(1, min(cpus, count))
    return BudgetPool(
        size,
        seconds=config.limits.extract_seconds or None,
        memory_bytes=config.limits.extract_memory_mb * 1024 * 1024 or None,
        preload=["embedtrail.scrapers", "embedtrail.tracker.ingest"],
    )


def expand_sources(sources: Iterable[str]) -> tuple[list[str], list[Failure]]:
    """Expand directories into files; a source no input kind reads becomes a Failure."""
    expanded: list[str] = []
    failures: list[Failure] = []
    for source in sources:
        source = source.strip()
        if not source:
            continue
        try:
            module = module_for(source)
        except ValueError as error:
            failures.append(Failure(source, str(error)))
            continue
        items = module.expand(source)
        if not items:
            failures.append(Failure(source, "directory holds no .html, .htm, .txt or web archive files"))
        expanded.extend(items)
    return list(dict.fromkeys(expanded)), failures


async def ingest(
    db: Database,
    sources: Iterable[str],
    config: Config,
    *,
    now: Callable[[], str] = utc_now,
    progress: Callable[[str, str | None], None] | None = None,
    workers: int | None = None,
    transport: Any = None,
    since: str | None = None,
    wayback_fallback: bool = False,
) -> IngestReport:
    """Ingest ``sources`` into ``db``. ``progress(source, error)`` is called as each source finishes.

    ``since`` (ISO 8601) skips feed and sitemap items published before it; ``wayback_fallback`` takes the
    closest Wayback Machine snapshot of an article that answers 404/410 or cannot be fetched. Feeds and
    sitemaps remember what they gave in the ``sources`` and ``source_items`` tables.
    """
    from embedtrail.db.sources import SourceMemory

    started = time.perf_counter()
    expanded, failures = expand_sources(sources)
    report = IngestReport(sources=len(expanded) + len(failures), failures=list(failures))
    for failure in failures:
        if progress:
            progress(failure.source, failure.reason)
    needs_web = any(needs_network(s) for s in expanded)
    fetcher = None
    if needs_web:
        from .fetch import Fetcher, settings_from_config

        fetcher = Fetcher(settings_from_config(config.fetch), transport=transport)
    memory = SourceMemory(db)
    context = SourceContext(
        fetcher=fetcher,
        max_bytes=config.fetch.max_bytes,
        now=now,
        endpoints=config.endpoints,
        state=memory,
        since=since,
        wayback_fallback=wayback_fallback,
    )
    pool = _pool(_expected_documents(expanded), workers, config)
    gate = asyncio.Semaphore(MAX_IN_FLIGHT)
    # Documents being extracted or saved at once, across all sources: keeps every worker busy (an archive's
    # pages are extracted side by side) while bounding the bodies held in memory.
    read_ahead = max(4, 2 * (workers or os.cpu_count() or 1))
    extracting = asyncio.Semaphore(read_ahead)

    async def document(item: Document) -> str | None:
        """Extract and save one document; returns the failure reason, if any."""
        async with extracting:
            report.documents += 1
            try:
                extraction = await pool.run(
                    extract_document, item.kind, item.body, item.url, item.capture.content_type
                )
            except BudgetExceeded as exc:  # a hostile page: recorded, the run goes on
                reason = f"extraction over budget: {exc}"
                report.failures.append(Failure(item.source, reason))
                return reason
            except Exception as exc:  # a scraper bug on one page must not stop the run
                reason = f"extraction failed: {type(exc).__name__}: {exc}"
                report.failures.append(Failure(item.source, reason))
                return reason
            article_url = _article_url(item, extraction)
            extraction = replace(extraction, article=replace(extraction.article, url=article_url))
            try:
                result = save_extraction(db, item.capture, extraction, now())
            except Exception as exc:  # recorded per source; the transaction was rolled back
                reason = f"database write failed: {type(exc).__name__}: {exc}"
                report.failures.append(Failure(item.source, reason))
                return reason
            report.saved += 1
            if item.listing is not None:
                listing = item.listing
                memory.saw(listing.source_url, listing.item_url, listing.published_at, now())
            if not result.new_capture:
                report.unchanged += 1
            for table, count in result.new.items():
                report.new[table] = report.new.get(table, 0) + count
            return None

    async def one(source: str) -> None:
        async with gate:
            errors: list[str] = []
            pending: set[asyncio.Task[str | None]] = set()
            try:
                async for item in module_for(source).read(source, context):
                    if isinstance(item, Failure):
                        report.failures.append(item)
                        errors.append(item.reason)
                        continue
                    pending.add(asyncio.create_task(document(item)))
                    # Read no further ahead than the workers can take, so a huge archive is streamed.
                    if len(pending) >= read_ahead:
                        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                        errors.extend(outcome for outcome in (task.result() for task in done) if outcome)
            except Exception as exc:  # an input module failing on one source
                reason = f"{type(exc).__name__}: {exc}"
                report.failures.append(Failure(source, reason))
                errors.append(reason)
            errors.extend(outcome for outcome in await asyncio.gather(*pending) if outcome)
            if progress:
                progress(source, errors[0] if errors else None)

    try:
        if fetcher is not None:
            async with fetcher:
                await asyncio.gather(*(one(source) for source in expanded))
        else:
            await asyncio.gather(*(one(source) for source in expanded))
    finally:
        pool.shutdown()
    report.skipped = dict(context.skipped)
    report.seconds = time.perf_counter() - started
    return report


def ingest_sync(db: Database, sources: Iterable[str], config: Config, **options: Any) -> IngestReport:
    """``ingest`` for callers without an event loop (the CLI, tests, benchmarks)."""
    return asyncio.run(ingest(db, sources, config, **options))
