"""The scale-out coordinator: ``refresh``/``ingest`` with ``--queue redis://...`` hand the network work to any
number of ``embedtrail worker`` processes (``tracker.queue_worker``) and write what comes back.

The coordinator is the only process with the database. It selects due posts exactly as a local run does
(``tracker.schedule.due_posts``), enqueues a job per post or web source, and applies results in batches
through the same calls as a local run (``tracker.queue_results``: ``tracker.checking.apply_outcome``,
``db.store.save_extraction``).
Delivery is at least once and every write is idempotent, so nothing is lost and nothing counts twice:

- a check job's id is derived from the post and its last check time, and is the ``checks`` row key:
  re-applying a redelivered result is a no-op;
- a worker acknowledges a job only after its result is on the results queue; a killed worker's jobs go back
  to the queue once its heartbeat is older than the visibility timeout;
- the coordinator acknowledges results only after the batch is committed and the ledger updated; a
  restarted coordinator finds the jobs still open in the ledger (``tracker.queue_redis.Ledger``) and waits
  for them instead of enqueueing them again, and closes those whose result it finds already written.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from dramatiq.broker import MessageProxy
from dramatiq.brokers.redis import RedisBroker
from sqlite_utils import Database

from embedtrail.db.bodies import open_store
from embedtrail.scrapers.records import short_hash

from .checkers import Target, for_target
from .checkers.flow import request_host, url_host
from .checking import RefreshReport
from .clock import utc_now
from .config import Config
from .ingest import IngestReport, begin, ingest_sync
from .queue_dramatiq import Heartbeat, Sweeper, make_broker, message
from .queue_redis import Ledger
from .queue_results import apply_check_result, apply_source_result
from .queue_settings import (
    CHECK_ACTOR,
    CHECKS,
    RESULTS,
    SOURCE_ACTOR,
    SOURCES,
    QueueSettings,
    parse_queue_url,
)
from .refresh import refresh_sync
from .schedule import RefreshOptions, due_posts
from .sources import module_for

__all__ = ["check_job_id", "ingest_queued", "refresh_queued"]


def check_job_id(post_id: str, last_checked_at: str | None) -> str:
    """The id of the job that checks ``post_id`` after its check at ``last_checked_at``: the same while
    the post waits for that check, so a restarted coordinator finds the job it queued, and the ``checks``
    row key, so a result delivered twice is written once."""
    return "q" + short_hash("check", post_id, last_checked_at or "never", length=31)


@dataclass
class _Collector:
    """Reads results off the results queue and hands them to ``apply`` in batches; acknowledges a batch
    only after ``apply`` returned (it commits). Stops when every awaited job is written or failed, or on
    ``stop``."""

    broker: RedisBroker
    ledger: Ledger
    settings: QueueSettings
    waiting: dict[str, str]
    apply: Callable[[list[dict[str, Any]]], None]
    on_failed: Callable[[str, str, str], None]
    on_bad: Callable[[str], None]
    stop: threading.Event
    now: Callable[[], str]
    applied: int = 0
    write_seconds: float = 0.0
    sweeps: int = field(default=0)

    def run(self) -> None:
        consumer = self.broker.consume(RESULTS, prefetch=self.settings.batch, timeout=200)
        heartbeat = Heartbeat(self.broker, self.settings.visibility_timeout / 4)
        heartbeat.start()
        sweeper = Sweeper(self.settings)
        sweep_every = max(0.5, self.settings.visibility_timeout / 4)
        last_sweep = 0.0
        try:
            while self.waiting and not self.stop.is_set():
                batch: list[MessageProxy] = []
                while len(batch) < self.settings.batch:
                    answer = next(consumer)
                    if answer is None:
                        break
                    batch.append(answer)
                if batch:
                    self._write(consumer, batch)
                moment = time.monotonic()
                if moment - last_sweep >= sweep_every:
                    last_sweep = moment
                    sweeper.sweep((CHECKS, SOURCES, RESULTS))
                    self.sweeps += 1
                    self._poll_failed()
        finally:
            heartbeat.stop()
            sweeper.close()
            consumer.close()

    def _write(self, consumer: Any, batch: list[MessageProxy]) -> None:
        payloads: list[dict[str, Any]] = []
        good: list[MessageProxy] = []
        for answer in batch:
            payload = answer.args[0] if answer.args else None
            if not isinstance(payload, dict) or "job" not in payload:
                self.on_bad(f"unreadable result message {answer.message_id}")
                consumer.nack(answer)  # kept in the results dead-letter list, shown by 'queue status'
                continue
            payloads.append(payload)
            good.append(answer)
        started = time.perf_counter()
        try:
            self.apply(payloads)
        except BaseException:
            consumer.requeue(good)  # nothing of the batch was committed: it is delivered again
            raise
        self.write_seconds += time.perf_counter() - started
        self.applied += len(payloads)
        now = self.now()
        for answer, payload in zip(good, payloads, strict=True):
            # The ledger first, then the acknowledgement: a coordinator killed in between leaves a result
            # that is delivered again and re-applied as a no-op, never a result gone with its job still open.
            job = str(payload["job"])
            self.ledger.transition(job, "applied", now, release=True)
            consumer.ack(answer)
            self.waiting.pop(job, None)

    def _poll_failed(self) -> None:
        for job, state in self.ledger.states(list(self.waiting)).items():
            if state in ("failed", "applied", None):
                subject = self.waiting.pop(job)
                if state == "failed":
                    self.on_failed(job, subject, self.ledger.job(job).get("reason") or "failed")
                elif state is None:
                    self.on_failed(job, subject, "job record expired before its result arrived")


def _rows_with_ids(db: Database, select: str, ids: list[str]) -> Iterator[dict[str, Any]]:
    """The rows of ``select`` (a query ending ``where id in``) for ``ids``, asked 500 at a time: SQLite caps
    the number of parameters in one statement."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        yield from db.query(f"{select} ({','.join('?' * len(chunk))})", chunk)


def _generations(db: Database, ids: list[str]) -> dict[str, str | None]:
    select = "select id, status_checked_at from posts where id in"
    return {row["id"]: row["status_checked_at"] for row in _rows_with_ids(db, select, ids)}


def _release_written(db: Database, ledger: Ledger, now: str) -> int:
    """Close the open marks of check jobs whose result is already written (its ``checks`` row, keyed by the
    job id, exists): a coordinator killed between its commit and its ledger update left them, and the post,
    checked now, is no longer due, so no later run would wait for them. Returns how many were closed."""
    jobs = [job for subject, job in ledger.open_jobs().items() if subject.startswith("post:")]
    if not jobs or not db["checks"].exists():
        return 0
    closed = 0
    for row in _rows_with_ids(db, "select id from checks where id in", jobs):
        ledger.transition(row["id"], "applied", now, release=True)
        closed += 1
    return closed


def _enqueue(
    broker: RedisBroker,
    ledger: Ledger,
    jobs: list[tuple[str, str, str, str, str, dict[str, Any]]],
    run: int | None,
    now: str,
) -> dict[str, str]:
    """Claim and enqueue ``(job, subject, kind, host, actor, payload)`` items. Returns job → subject for
    every job to wait for (new, already queued, or another open job of the same subject)."""
    waiting: dict[str, str] = {}
    queues = {CHECK_ACTOR: CHECKS, SOURCE_ACTOR: SOURCES}
    for job, subject, kind, host, actor, payload in jobs:
        action, open_job = ledger.claim(subject, job, kind, host, run, now)
        waiting[open_job] = subject
        if action != "enqueue":
            continue
        broker.enqueue(message(queues[actor], actor, payload, message_id=job))
        ledger.transition(job, "queued", now)
    return waiting


def _check_jobs(
    db: Database, config: Config, targets: list[Target], report: RefreshReport
) -> list[tuple[str, str, str, str, str, dict[str, Any]]]:
    generations = _generations(db, [t.id for t in targets])
    jobs = []
    for target in targets:
        module = for_target(target)
        if module is None:
            report.skipped += 1
            continue
        job = check_job_id(target.id, generations.get(target.id))
        fields = ("id", "platform", "native_id", "url", "kind")
        payload = {"job": job, "target": {f: getattr(target, f) for f in fields}, "checker": module.NAME}
        host = request_host(module, target, config.endpoints)
        jobs.append((job, f"post:{target.id}", "check", host, CHECK_ACTOR, payload))
    return jobs


def refresh_queued(
    db: Database,
    config: Config,
    options: RefreshOptions,
    queue_url: str,
    *,
    now: Callable[[], str] = utc_now,
    stop: threading.Event | None = None,
    progress: Callable[[], None] | None = None,
    timings: dict[str, float] | None = None,
) -> RefreshReport:
    """``refresh`` over the queue: select due posts as a local run does, enqueue a check job for each (unless
    one is already open), and write results as they come back until every job is written or failed, or
    ``stop`` is set. The only writer of ``db``. ``--articles``/``--archive`` phases are not queued: they run
    here afterwards. ``timings`` (for the benchmark) receives ``enqueue_seconds``, ``write_seconds`` (time
    inside write transactions) and ``applied``."""
    settings = parse_queue_url(queue_url, config.limits)
    stop = stop or threading.Event()
    started = time.perf_counter()
    report = RefreshReport()
    broker = make_broker(settings)
    ledger = Ledger(broker.client, settings.namespace)
    try:
        _release_written(db, ledger, now())
        jobs = _check_jobs(db, config, due_posts(db, now(), options), report)
        enqueue_started = time.perf_counter()
        waiting = _enqueue(broker, ledger, jobs, options.run_id, now())
        enqueue_seconds = time.perf_counter() - enqueue_started

        store = open_store(db, config.store)

        def apply(payloads: list[dict[str, Any]]) -> None:
            with db.atomic():
                for payload in payloads:
                    apply_check_result(db, payload, config, now, options.run_id, report, progress, store)

        def failed(job: str, subject: str, reason: str) -> None:
            report.error(subject.removeprefix("post:"), f"job failed: {reason}")

        collector = _Collector(
            broker,
            ledger,
            settings,
            waiting,
            apply,
            failed,
            lambda reason: report.error("", reason),
            stop,
            now,
        )
        collector.run()
        if timings is not None:
            timings.update(
                enqueue_seconds=enqueue_seconds,
                write_seconds=collector.write_seconds,
                applied=float(collector.applied),
            )
    finally:
        broker.close()
    if (options.articles or options.archive) and not stop.is_set():
        # Article re-fetches and Wayback requests are few and deliberately slow (archive_min_interval):
        # they run here, through the single-machine code, with no posts selected ("" is no post id).
        local = refresh_sync(db, config, replace(options, post_ids=("",)), now=now)
        report.articles.update(local.articles)
        report.archive.update(local.archive)
        report.errors.extend(local.errors)
    report.interrupted = stop.is_set()
    report.seconds = time.perf_counter() - started
    return report


def ingest_queued(
    db: Database,
    sources: Sequence[str],
    config: Config,
    queue_url: str,
    *,
    now: Callable[[], str] = utc_now,
    progress: Callable[[str, str | None], None] | None = None,
    stop: threading.Event | None = None,
    workers: int | None = None,
) -> IngestReport:
    """``ingest`` over the queue: web sources become jobs (workers fetch and extract, and send the
    extractions back); local files are read here, where they are, by the single-machine pipeline. Every
    document is saved here with ``save_extraction``, one transaction each, in batches."""
    settings = parse_queue_url(queue_url, config.limits)
    stop = stop or threading.Event()
    started = time.perf_counter()
    expanded, report = begin(sources, progress)
    # Sources a module reads without the network (files, web archives) are read where they are.
    local = [source for source in expanded if not getattr(module_for(source), "NETWORK", True)]
    remote = [source for source in expanded if getattr(module_for(source), "NETWORK", True)]
    if local:
        report.absorb(ingest_sync(db, local, config, now=now, progress=progress, workers=workers))
    if remote:
        broker = make_broker(settings)
        ledger = Ledger(broker.client, settings.namespace)
        try:
            jobs = []
            for source in remote:
                job = "s" + uuid.uuid4().hex
                payload = {"job": job, "source": source}
                jobs.append((job, f"source:{source}", "source", url_host(source), SOURCE_ACTOR, payload))
            waiting = _enqueue(broker, ledger, jobs, None, now())

            store = open_store(db, config.store)

            def apply(payloads: list[dict[str, Any]]) -> None:
                with db.atomic():
                    for payload in payloads:
                        apply_source_result(db, payload, now, report, progress, store)

            def failed(job: str, subject: str, reason: str) -> None:
                source = subject.removeprefix("source:")
                report.fail(source, f"job failed: {reason}")
                if progress:
                    progress(source, reason)

            def bad(reason: str) -> None:
                report.fail("", reason)

            _Collector(broker, ledger, settings, waiting, apply, failed, bad, stop, now).run()
        finally:
            broker.close()
    report.seconds = time.perf_counter() - started
    return report
