"""The check loop: many posts' checks with a few workers per host, their results written in batches, and
what a refresh run reports.

``apply_outcome`` writes one finished check (the merge its short link asked for, then the check, in one
savepoint) and counts it in a ``RefreshReport``; the local run's ``CheckWriter`` and the queue's coordinator
both write through it, so a result means the same whichever executor produced it. ``run_checks`` groups posts
by the host their checker calls and gives each host its own few workers, so a slow host only slows itself.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from embedtrail.db.bodies import BodyStore, StoreError, keep_body
from embedtrail.db.checks import Applied, Policy, apply_check, merge_post
from embedtrail.scrapers.records import ERROR, Check

from .checkers import Http, Target, for_target
from .checkers.flow import Outcome, Sleep, check_post, request_host, url_host
from .config import Config
from .network import HostUnreachable, NetworkWatch

__all__ = ["FLUSH_CHECKS", "FLUSH_SECONDS", "CheckWriter", "RefreshReport", "apply_outcome", "run_checks"]

# Finished checks are written in batches: at most this long after the first one waits, or this many at once.
FLUSH_SECONDS = 0.1
FLUSH_CHECKS = 256


@dataclass
class RefreshReport:
    """What a run did: checks per status, what changed, errors (post and reason), phases' counts."""

    checked: int = 0
    changed: int = 0
    pending: int = 0
    returned: int = 0
    merged: int = 0
    skipped: int = 0
    duplicates: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[dict[str, str]] = field(default_factory=list)
    articles: Counter[str] = field(default_factory=Counter)
    archive: Counter[str] = field(default_factory=Counter)
    media: Counter[str] = field(default_factory=Counter)
    interrupted: bool = False
    seconds: float = 0.0
    # Set when the run stopped because the network was unreachable (``tracker.network``): nothing was marked.
    unreachable: str | None = None

    @property
    def failed(self) -> int:
        return len(self.errors)

    def error(self, source: str, reason: str, kind: str = "post") -> None:
        """Record what failed: a post (``kind`` post), an article re-fetch (article), a host whose circuit
        opened (host) or the network (network), as ``{"source", "reason", "kind"}`` (``runs.errors``)."""
        self.errors.append({"source": source, "reason": reason, "kind": kind})

    def counted(self, post: str, status: str, detail: str, applied: Applied) -> None:
        """Count one applied check (a duplicate delivery counts only as such)."""
        if applied.duplicate:
            self.duplicates += 1
            return
        self.checked += 1
        self.statuses[status] += 1
        if applied.outcome in ("changed", "returned"):
            self.changed += 1
        self.returned += applied.outcome == "returned"
        self.pending += applied.outcome == "pending"
        if status == ERROR:
            self.error(post, detail)

    def counts(self) -> dict[str, Any]:
        """Counts for the ``runs`` table and ``--json``."""
        return {
            "checked": self.checked,
            "changed": self.changed,
            "pending": self.pending,
            "returned": self.returned,
            "merged": self.merged,
            "skipped": self.skipped,
            "errors": self.failed,
            "statuses": dict(sorted(self.statuses.items())),
            "articles": dict(sorted(self.articles.items())),
            "archive": dict(sorted(self.archive.items())),
            "media": dict(sorted(self.media.items())),
            "interrupted": self.interrupted,
            "network_unreachable": self.unreachable is not None,
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        """One line for the end of a run."""
        statuses = ", ".join(f"{status} {count}" for status, count in sorted(self.statuses.items())) or "none"
        line = (
            f"checked {self.checked} post{'s' if self.checked != 1 else ''}: {self.changed} changed, "
            f"{self.pending} pending confirmation, {self.returned} returned, {self.merged} merged; "
            f"{statuses}; {self.failed} error{'s' if self.failed != 1 else ''}; {self.seconds:.1f}s"
        )
        if self.articles:
            line += "; articles: " + ", ".join(f"{k} {v}" for k, v in sorted(self.articles.items()))
        if self.archive:
            line += "; archive: " + ", ".join(f"{k} {v}" for k, v in sorted(self.archive.items()))
        if self.media:
            line += "; media: " + ", ".join(f"{k} {v}" for k, v in sorted(self.media.items()))
        if self.unreachable is not None:
            line += f"; stopped: {self.unreachable}; nothing was marked"
        elif self.interrupted:
            line += " (stopped early)"
        return line


def apply_outcome(
    db: Database,
    outcome: Outcome,
    policy: Policy,
    *,
    key: str,
    now: str,
    run_id: int | None,
    report: RefreshReport,
    store: BodyStore | None = None,
) -> bool:
    """Write one finished check: the merge its short link asked for, then the check, in one savepoint. A
    failure is recorded for the post and rolls back only this outcome. ``key`` is the ``checks`` row id
    (re-applying the same key is a no-op). Returns whether anything was written."""
    checked = outcome.checked
    post = outcome.target.id
    if checked is None:
        report.skipped += 1
        return False
    answer = checked.answer
    if store is not None and answer is not None and checked.result.body_sha256:
        try:
            # Stored and indexed before the check that names it is written.
            keep_body(db, store, answer.body, checked.result.body_sha256, now)
        except StoreError as error:  # the check still counts; only its evidence is not kept
            report.error(post, f"answer not stored: {error}")
    try:
        with db.atomic():
            target = post
            if outcome.merge is not None:
                target = merge_post(db, post, dict(outcome.merge), outcome.merge_reason or "merged", now)
            check = Check(
                key=key,
                post_id=target,
                checker=outcome.checker,
                checked_at=now,
                result=checked.result,
                url=checked.url,
                elapsed_ms=checked.elapsed_ms,
                run_id=run_id,
                headers=answer.headers if answer is not None and store is not None else None,
            )
            applied = apply_check(db, check, policy)
    except Exception as error:  # recorded for this post; its savepoint rolled back
        report.error(post, f"database write failed: {error}")
        return False
    report.merged += outcome.merge is not None and not applied.duplicate
    report.counted(post, checked.result.status, checked.result.detail, applied)
    return not applied.duplicate


class CheckWriter:
    """Finished checks of a local run, written together: one commit (each check still its own savepoint) at
    most ``FLUSH_SECONDS`` after the first of them waits, or once ``FLUSH_CHECKS`` wait. A commit is an fsync
    of the WAL, and one per loop turn (a handful of checks) cost more than the checks themselves.

    With a ``watch``, checks whose host could not be connected to are held until some host has answered in
    this run: if none ever does, there is no evidence about any post (the network, or the only host, was
    down), and ``drop_held`` forgets them instead of backing their posts off."""

    def __init__(
        self,
        db: Database,
        policy: Policy,
        report: RefreshReport,
        now: Callable[[], str],
        run_id: int | None,
        progress: Callable[[], None] | None = None,
        watch: NetworkWatch | None = None,
        store: BodyStore | None = None,
    ) -> None:
        self.db = db
        self.policy = policy
        self.report = report
        self.now = now
        self.run_id = run_id
        self.progress = progress
        self.watch = watch
        self.store = store
        self.unwritten: list[Outcome] = []
        self.held: list[Outcome] = []
        self._timer: asyncio.TimerHandle | None = None

    def add(self, outcome: Outcome) -> None:
        """Queue ``outcome`` for the next batch."""
        if outcome.unreachable is not None:
            self.report.skipped += 1  # its host's circuit was open: nothing was asked, nothing is recorded
            return
        if self.watch is not None and not self.watch.answered:
            if self._unconnected(outcome):
                self.held.append(outcome)
                return
        elif self.held:
            self.unwritten.extend(self.held)
            self.held.clear()
        self.unwritten.append(outcome)
        if len(self.unwritten) >= FLUSH_CHECKS:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)

    def _unconnected(self, outcome: Outcome) -> bool:
        """An ``error`` check whose host could not be connected to (a slow answer is evidence, this is
        not)."""
        checked = outcome.checked
        return (
            self.watch is not None
            and outcome.answerless
            and checked is not None
            and url_host(checked.url) in self.watch.streak
        )

    def drop_held(self) -> int:
        """Forget the held answerless checks (nothing answered in this run: no evidence about any post);
        they count as skipped. Returns how many."""
        count, self.held = len(self.held), []
        self.report.skipped += count
        return count

    def flush(self) -> None:
        """Write every queued outcome, in order, in one transaction (the held ones too, once an answer
        came)."""
        if self.held and (self.watch is None or self.watch.answered):
            self.unwritten[:0] = self.held
            self.held = []
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self.unwritten = self.unwritten, []
        if not batch:
            return
        with self.db.atomic():
            for outcome in batch:
                written = apply_outcome(
                    self.db,
                    outcome,
                    self.policy,
                    key=uuid.uuid4().hex,
                    now=self.now(),
                    run_id=self.run_id,
                    store=self.store,
                    report=self.report,
                )
                if written and self.progress is not None:
                    self.progress()


async def run_checks(
    targets: list[Target],
    config: Config,
    http: Http,
    sleep: Sleep,
    stopped: Callable[[], bool],
    done: Callable[[Outcome], None],
    watch: NetworkWatch | None = None,
) -> None:
    """Check ``targets`` with ``[limits] per_host_concurrency`` workers per host, handing each outcome to
    ``done``; stops taking new posts once ``stopped()``. ``watch`` learns how many hosts there are."""
    queues: dict[str, list[tuple[Target, Any]]] = defaultdict(list)
    for target in targets:
        module = for_target(target)
        host = request_host(module, target, config.endpoints) if module is not None else ""
        queues[host].append((target, module))
    if watch is not None:
        watch.hosts = len([host for host in queues if host])

    async def worker(queue: list[tuple[Target, Any]]) -> None:
        while queue and not stopped():
            target, module = queue.pop()
            if module is None:
                done(Outcome(target, "", None))
                continue
            try:
                outcome = await check_post(module, target, http, config.endpoints, config.limits, sleep)
            except HostUnreachable as unreachable:
                outcome = Outcome(target, module.NAME, None, unreachable=str(unreachable))
            done(outcome)

    workers_per_host = max(1, config.limits.per_host_concurrency)
    tasks = []
    for queue in queues.values():
        queue.reverse()  # workers pop() from the end, which keeps the due order
        tasks += [asyncio.create_task(worker(queue)) for _ in range(min(workers_per_host, len(queue)))]
    await asyncio.gather(*tasks)
