"""``embedtrail refresh``: check the posts that are due, apply each result, then the optional phases.

The run, in order: select due posts (``tracker.schedule``); check them with a few workers per host, retrying
transient failures and pausing hosts that answer 429 (``tracker.checking``, ``tracker.checkers.flow``), the
results written in batches; re-fetch due articles (``--articles``, ``tracker.refetch``); look up or request
Wayback snapshots (``--archive``, ``tracker.archiving``). A stop request (SIGTERM) lets in-flight checks
finish and be written. The queue (``tracker.queue``) runs the same steps with the checks done by workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from embedtrail.db.bodies import open_store

from .archiving import archive_posts
from .checkers.flow import Outcome
from .checkers.http import FetcherHttp, GatedHttp, LocalGate
from .checking import CheckWriter, RefreshReport, run_checks
from .clock import utc_now
from .config import Config
from .fetch import Fetcher, FetchSettings
from .media import collect_media
from .network import NetworkWatch
from .refetch import refetch_articles
from .schedule import RefreshOptions, due_posts
from .stopping import stop_loop_on_signals

__all__ = ["RefreshOptions", "RefreshReport", "refresh", "refresh_sync"]


def _sleeper(stop: asyncio.Event) -> Callable[[float], Any]:
    async def sleep(seconds: float) -> bool:
        """Wait ``seconds``, waking early on a stop request; False once stopped."""
        if seconds > 0 and not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), seconds)
        return not stop.is_set()

    return sleep


async def refresh(
    db: Database,
    config: Config,
    options: RefreshOptions,
    *,
    now: Callable[[], str] = utc_now,
    transport: Any = None,
    stop: asyncio.Event | None = None,
    handle_signals: bool = False,
    progress: Callable[[], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> RefreshReport:
    """Run one refresh over ``db``. With ``handle_signals``, SIGTERM and SIGINT stop it gracefully: no new
    checks start, in-flight ones finish and are written. ``transport`` is for tests (httpx transports).
    ``on_start(n)`` is told how many posts are due before the first check; ``progress()`` is called once per
    check written (for a progress bar)."""
    started = time.perf_counter()
    stop = stop or asyncio.Event()
    report = RefreshReport()
    sleep = _sleeper(stop)
    signals = stop_loop_on_signals(stop) if handle_signals else contextlib.nullcontext()
    with signals, _relaxed_sync(db):
        async with Fetcher(FetchSettings.for_checks(config), transport=transport) as fetcher:
            watch = NetworkWatch()
            http = GatedHttp(FetcherHttp(fetcher), LocalGate(stop), config.limits, watch)
            writer = CheckWriter(
                db, config.refresh, report, now, options.run_id, progress, watch, open_store(db, config.store)
            )

            def done(outcome: Outcome) -> None:
                writer.add(outcome)
                if report.unreachable is None and watch.unreachable is not None:
                    # Every host failed to connect and none answered: the machine is offline or blocked,
                    # not every platform at once. Stop, and back off no post on that evidence.
                    report.unreachable = watch.unreachable
                    stop.set()

            try:
                targets = due_posts(db, now(), options)
                if on_start is not None:
                    on_start(len(targets))
                await run_checks(targets, config, http, sleep, stop.is_set, done, watch)
            finally:
                if report.unreachable is not None or not watch.answered:
                    writer.drop_held()
                writer.flush()
            _report_hosts(report, watch)
            if options.articles and not stop.is_set():
                await refetch_articles(db, config, options, fetcher, report, now, stop.is_set)
            if options.archive and not stop.is_set():
                await archive_posts(db, config, options, http, report, now, sleep)
            if (options.media or config.store.media) and not stop.is_set():
                await collect_media(
                    db, config, options, open_store(db, config.store), report, now, stop.is_set, transport
                )
    report.interrupted = stop.is_set()
    report.seconds = time.perf_counter() - started
    return report


def _report_hosts(report: RefreshReport, watch: NetworkWatch) -> None:
    """One error line for the network, or one per host whose circuit opened, instead of one per post."""
    if report.unreachable is not None:
        report.error("", report.unreachable, "network")
        return
    for host, count in sorted(watch.skipped.items()):
        reason = (
            f"host unreachable ({watch.last_failure.get(host, 'no connection')}): {count} posts not checked"
        )
        report.error(host, reason, "host")


@contextlib.contextmanager
def _relaxed_sync(db: Database) -> Any:
    """In WAL mode, commit without fsync for the run (``synchronous = NORMAL``), restoring the setting after.
    Each commit of a batch of checks was an fsync (~4 ms here, with the event loop blocked); with NORMAL a
    crash still leaves a consistent database, and a power cut can lose only the last batches, whose posts
    are simply due again next run."""
    try:
        mode = db.execute("pragma journal_mode").fetchone()[0]
        level = int(db.execute("pragma synchronous").fetchone()[0])
    except Exception:  # an unusual connection: leave it as it is
        level = 0
        mode = ""
    relax = str(mode).lower() == "wal" and level > 1
    if relax:
        db.execute("pragma synchronous = NORMAL")
    try:
        yield
    finally:
        if relax:
            db.execute(f"pragma synchronous = {level}")


def refresh_sync(db: Database, config: Config, options: RefreshOptions, **kwargs: Any) -> RefreshReport:
    """``refresh`` for callers without an event loop (the CLI, tests, benchmarks)."""
    return asyncio.run(refresh(db, config, options, **kwargs))
