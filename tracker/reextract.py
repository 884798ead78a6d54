"""``embedtrail reextract``: today's extractor over the stored body of each chosen article's latest capture,
with no network.

Articles are chosen by id (aliases resolve), by the time of their latest capture (``--since``), by an
extractor version other than today's (``--outdated``) or all of them. Each body is read back from the evidence
store (``db.bodies``) and goes through the one pipeline (``tracker.pipeline``: extraction in worker processes
on every core, under the budget); ``db.reextraction`` compares and saves, one transaction per article,
marking what the extractor no longer finds. An article whose body is not in the store (captured before the
store existed, while it was off, or forgotten on request) is reported and the run goes on with the rest.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from embedtrail.db.bodies import BodyStore, StoreError, forgotten_tombstones
from embedtrail.db.reextraction import Comparison, compare, latest_captures, save_reextraction
from embedtrail.db.store import SaveResult, find_article
from embedtrail.scrapers.records import Capture, Extraction
from embedtrail.scrapers.version import EXTRACTOR_VERSION

from .clock import utc_now
from .config import Config
from .pipeline import Extractor, Pipeline, Tally, Writer
from .sources import Document, Failure
from .sources.base import document_kind

__all__ = ["ReextractReport", "Selection", "choose_articles", "reextract", "reextract_sync"]

# Articles read ahead of the workers: bounds the bodies held in memory.
READ_AHEAD_PER_WORKER = 2


@dataclass(frozen=True)
class Selection:
    """Which articles to read again: named ones, those captured since a time, outdated ones, or all."""

    articles: tuple[str, ...] = ()
    since: str | None = None
    outdated: bool = False
    everything: bool = False


@dataclass
class ReextractReport(Tally):
    """What a run changed, article by article (``changes``), and the failures."""

    articles: int = 0
    dry_run: bool = False
    changes: list[Comparison] = field(default_factory=list)
    seconds: float = 0.0

    def counts(self) -> dict[str, Any]:
        """Counts for the ``runs`` table and ``--json`` output."""
        totals: dict[str, dict[str, int]] = {"new": {}, "dropped": {}, "found_again": {}}
        for comparison in self.changes:
            for kind, per_table in comparison.counts().items():
                if kind == "new_posts":
                    continue
                for table, count in per_table.items():
                    totals[kind][table] = totals[kind].get(table, 0) + count
        return {
            "articles": self.articles,
            "read": self.documents,
            "changed": sum(1 for c in self.changes if c.changed),
            "failed": len(self.failures),
            "new_posts": sum(len(c.new_posts) for c in self.changes),
            **totals,
            "extractor_version": EXTRACTOR_VERSION,
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        """The closing line of a run."""
        counts = self.counts()
        verb = "would change" if self.dry_run else "changed"
        added = sum(counts["new"].values())
        dropped = sum(counts["dropped"].values())
        return (
            f"read {counts['read']:,} of {self.articles:,} articles again "
            f"with extractor {EXTRACTOR_VERSION}: "
            f"{verb} {counts['changed']:,} ({added:,} sightings new, {counts['new_posts']:,} new posts, "
            f"{dropped:,} no longer found and marked), {counts['failed']:,} failed, in {self.seconds:.1f} s"
        )


def choose_articles(db: Database, selection: Selection) -> tuple[list[str], list[str]]:
    """The ids of the chosen articles, in the order they were first seen, and the ids given that name no
    article."""
    chosen: dict[str, None] = {}
    unknown: list[str] = []
    for given in selection.articles:
        found = find_article(db, given)
        if found is None:
            unknown.append(given)
        else:
            chosen[found] = None
    where: list[str] = []
    params: list[Any] = []
    if selection.since:
        where.append("exists (select 1 from captures c where c.article_id = a.id and c.fetched_at >= ?)")
        params.append(selection.since)
    if selection.outdated:
        where.append("(a.extractor_version is null or a.extractor_version != ?)")
        params.append(EXTRACTOR_VERSION)
    if where or selection.everything:
        sql = "select a.id from articles a" + (f" where {' and '.join(where)}" if where else "")
        for row in db.execute(sql + " order by a.first_seen_at, a.id", params):
            chosen[str(row[0])] = None
    return list(chosen), unknown


def _capture(row: dict[str, Any]) -> Capture:
    return Capture(
        url=row["url"],
        final_url=row["final_url"] or row["url"],
        fetched_at=row["fetched_at"],
        http_status=row["http_status"],
        content_type=row["content_type"],
        bytes=row["bytes"],
        sha256=row["sha256"],
        origin=row["origin"],
        archive_file=row.get("archive_file"),
        archive_record_id=row.get("archive_record_id"),
        payload_digest=row.get("payload_digest"),
    )


def _why_not_stored(db: Database, sha256: str) -> str:
    tombstone = forgotten_tombstones(db, sha256).get(sha256)
    if tombstone is not None:
        return f"its latest capture was forgotten on request ({tombstone[0]}: {tombstone[1]})"
    return (
        "its latest capture's body is not in the evidence store (captured before the store existed, "
        "or while it was off or full)"
    )


async def reextract(
    db: Database,
    store: BodyStore,
    config: Config,
    articles: Iterable[str],
    *,
    dry_run: bool = False,
    now: Callable[[], str] = utc_now,
    progress: Callable[[str, str | None], None] | None = None,
    workers: int | None = None,
) -> ReextractReport:
    """Read ``articles`` again from their stored latest captures and save (or, ``dry_run``, only compare)
    what today's extractor finds. ``progress(article_id, error)`` is called as each article finishes."""
    started = time.perf_counter()
    chosen = list(articles)
    report = ReextractReport(articles=len(chosen), dry_run=dry_run)
    captures = latest_captures(db, chosen)
    # Each article's URL (its identity for the save) and when its content was last read.
    urls: dict[str, str] = {}
    last_read: dict[str, str] = {}
    for start in range(0, len(chosen), 500):
        chunk = chosen[start : start + 500]
        for identifier, url, fetched in db.execute(
            f"select id, url, last_fetched_at from articles where id in ({','.join('?' * len(chunk))})", chunk
        ):
            urls[str(identifier)], last_read[str(identifier)] = str(url), str(fetched or "")
    extractor = Extractor(config.limits, expected=len(chosen), workers=workers)
    # No store on the pipeline: the bodies come from the store and are already in it.
    pipeline = Pipeline(extractor, Writer(db), report, now=now)
    gate = asyncio.Semaphore(max(4, READ_AHEAD_PER_WORKER * extractor.workers))
    moment = now()

    async def one(article: str) -> None:
        async with gate:
            error = await _one(article)
        if progress:
            progress(article, error)

    async def _one(article: str) -> str | None:
        row = captures.get(article)
        if row is None:
            return report.fail(article, "no capture to read again")
        if not store.has(row["sha256"]):
            return report.fail(article, _why_not_stored(db, row["sha256"]))
        try:
            body = store.read(row["sha256"])
        except StoreError as error:
            return report.fail(article, f"stored body unreadable: {error} (run 'embedtrail verify')")
        if hashlib.sha256(body).hexdigest() != row["sha256"]:
            # Reading other bytes than were captured would put words in the article's mouth.
            return report.fail(article, f"stored body {row['sha256']} is altered (run 'embedtrail verify')")
        capture = _capture(row)
        kind = document_kind(capture.content_type)
        document = Document(source=article, url=capture.final_url, body=body, kind=kind, capture=capture)
        seen_at = max(last_read.get(article, ""), capture.fetched_at)

        def save(target: Database, item: Document, extraction: Extraction) -> SaveResult:
            comparison = compare(target, article, item.capture, extraction)
            report.changes.append(comparison)
            if dry_run:
                return SaveResult(article)
            return save_reextraction(target, item.capture, extraction, comparison, seen_at, moment)

        outcome = await pipeline.process(document, save, url=urls[article])
        return outcome.reason if isinstance(outcome, Failure) else None

    try:
        await asyncio.gather(*(one(article) for article in chosen))
    finally:
        pipeline.close()
    order = {article: index for index, article in enumerate(chosen)}
    report.changes.sort(key=lambda comparison: order[comparison.article_id])
    report.seconds = time.perf_counter() - started
    return report


def reextract_sync(
    db: Database, store: BodyStore, config: Config, articles: Iterable[str], **options: Any
) -> ReextractReport:
    """``reextract`` for callers without an event loop (the CLI, tests, benchmarks)."""
    return asyncio.run(reextract(db, store, config, articles, **options))
