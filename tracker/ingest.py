"""``embedtrail ingest``: sources → documents → the pipeline (extraction under the budget, one transaction per
article).

Sources are expanded (directories into files), read side by side (fetching is async and overlaps network
waits across many URLs), and every document they yield goes through ``tracker.pipeline``: extraction in worker
processes under the time and memory budget, the save on the run's writer thread. A source that fails is
recorded with its reason and the run goes on with the rest.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from embedtrail.db.bodies import open_store
from embedtrail.db.sources import SourceMemory
from embedtrail.db.store import SaveResult, save_extraction
from embedtrail.scrapers.records import Extraction

from .clock import utc_now
from .config import Config
from .pipeline import Extractor, Pipeline, Tally, Writer
from .sources import Document, Failure, SourceContext, module_for, needs_network

__all__ = ["IngestReport", "begin", "expand_sources", "ingest", "ingest_sync"]

# What a source that lists many documents (an archive, a feed) counts for when sizing the worker pool.
MANY_DOCUMENTS_WEIGHT = 24
# Documents in flight at once: bounds memory whatever the number of sources.
MAX_IN_FLIGHT = 64


@dataclass
class IngestReport(Tally):
    """What a run did: sources tried, documents saved, new rows per table, and each failure."""

    sources: int = 0
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
            "warnings": len(self.notices),
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
            f"{self.failed} failed"
            + (f", {len(self.notices)} to look at" if self.notices else "")
            + f"; new: {new}"
            + (f"; skipped: {skipped}" if skipped else "")
            + f"; {self.seconds:.1f}s"
        )


def _expected_documents(sources: list[str]) -> int:
    """How many documents the sources may yield: one each, or many for kinds that list articles (web
    archives, feeds, sitemaps declare ``MANY_DOCUMENTS``)."""
    many = MANY_DOCUMENTS_WEIGHT
    return sum(many if getattr(module_for(s), "MANY_DOCUMENTS", False) else 1 for s in sources)


def expand_sources(sources: Iterable[str]) -> tuple[list[str], list[Failure], dict[str, int]]:
    """Expand directories into files; a source no input kind reads becomes a Failure; files passed over in
    directories are counted by reason."""
    from .sources.files import supported_kinds

    expanded: list[str] = []
    failures: list[Failure] = []
    skipped: Counter[str] = Counter()
    for source in sources:
        source = source.strip()
        if not source:
            continue
        try:
            module = module_for(source)
        except ValueError as error:
            failures.append(Failure(source, str(error)))
            continue
        expansion = module.expand(source)
        skipped.update(expansion.skipped)
        if not expansion.items:
            failures.append(
                Failure(source, f"directory holds no file embedtrail reads ({supported_kinds()})")
            )
        expanded.extend(expansion.items)
    return list(dict.fromkeys(expanded)), failures, dict(skipped)


def begin(
    sources: Iterable[str], progress: Callable[[str, str | None], None] | None = None
) -> tuple[list[str], IngestReport]:
    """The sources a run reads (directories expanded) and its report, holding the sources that cannot be
    read at all (each also told to ``progress``)."""
    expanded, failures, skipped = expand_sources(sources)
    report = IngestReport(sources=len(expanded) + len(failures), failures=list(failures), skipped=skipped)
    for failure in failures:
        if progress:
            progress(failure.source, failure.reason)
    return expanded, report


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
    started = time.perf_counter()
    expanded, report = begin(sources, progress)
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
        memory_bytes=config.limits.extract_memory_mb * 1024 * 1024 or None,
    )
    extractor = Extractor(config.limits, expected=_expected_documents(expanded), workers=workers)
    pipeline = Pipeline(extractor, Writer(db), report, store=open_store(db, config.store), now=now)
    gate = asyncio.Semaphore(MAX_IN_FLIGHT)
    # Documents being extracted or saved at once, across all sources: keeps every worker busy (an archive's
    # pages are extracted side by side) while bounding the bodies held in memory.
    read_ahead = max(4, 2 * extractor.workers)
    extracting = asyncio.Semaphore(read_ahead)

    def save(target: Database, item: Document, extraction: Extraction) -> SaveResult:
        result = save_extraction(target, item.capture, extraction, now())
        if item.listing is not None:
            # Seen only once saved, so an item whose page failed is tried again next run.
            listing = item.listing
            SourceMemory(target).saw(listing.source_url, listing.item_url, listing.published_at, now())
        return result

    async def document(item: Document) -> str | None:
        """Extract and save one document; returns the failure reason, if any."""
        async with extracting:
            outcome = await pipeline.process(item, save)
        return outcome.reason if isinstance(outcome, Failure) else None

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
                errors.append(report.fail(source, f"{type(exc).__name__}: {exc}"))
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
        pipeline.close()
    report.skipped = dict(Counter(report.skipped) + context.skipped)
    report.seconds = time.perf_counter() - started
    return report


def ingest_sync(db: Database, sources: Iterable[str], config: Config, **options: Any) -> IngestReport:
    """``ingest`` for callers without an event loop (the CLI, tests, benchmarks)."""
    return asyncio.run(ingest(db, sources, config, **options))
