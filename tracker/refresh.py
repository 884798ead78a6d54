"""``embedtrail refresh``: pick the posts that are due, check them, and apply each result as it arrives.

Scheduling: never-checked posts first, then the oldest checks; ``next_check_at`` (written by
``db.checks.apply_check``) backs unchanged posts off exponentially up to a ceiling, re-checks recent changes
more often and brings pending gone statuses back for their confirming check. Posts are grouped by the host
their checker calls and each host gets its own few workers, so a slow host only slows itself; the shared
``Fetcher`` bounds concurrency overall and per host. 429 answers pause their host for ``Retry-After``;
transient failures are retried with exponential back-off and jitter. A stop request (SIGTERM) lets in-flight
checks finish and be written. Optional phases re-fetch due articles (``--articles``) and look up or request
Wayback snapshots (``--archive``).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import signal
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any
from urllib.parse import urlencode, urlsplit

from sqlite_utils import Database

from embedtrail.db.checks import ERROR, ArchiveRecord, Check, Policy, apply_check, merge_post, record_archive
from embedtrail.db.checks import update_removed_embeds as mark_removed_embeds
from embedtrail.db.store import article_key, save_extraction
from embedtrail.scrapers.records import ArticleMeta

from .checkers import Checked, Request, Response, Target, for_target, resolution, run_check, wayback
from .clock import utc_now
from .config import Config, RefreshConfig
from .fetch import ERROR_BODY_BYTES, Fetched, Fetcher, FetchError, FetchSettings

__all__ = [
    "CanaryResult",
    "FetcherHttp",
    "RefreshOptions",
    "RefreshReport",
    "canary_target",
    "doctor",
    "due_articles",
    "due_posts",
    "fetch_settings",
    "parse_duration",
    "policy_from_config",
    "refresh",
    "refresh_sync",
    "utc_now",
    "wall_suspected",
]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.I)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_ARTICLE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
# Finished checks are written in batches: at most this long after the first one waits, or this many at once.
FLUSH_SECONDS = 0.1
FLUSH_CHECKS = 256


def parse_duration(text: str) -> float:
    """``"6h"`` → 21600.0; units s, m, h, d, w (none means seconds). ValueError for anything else."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 30m, 6h, 2d, 1w)")
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def policy_from_config(refresh: RefreshConfig) -> Policy:
    """The re-check policy ``db.checks`` applies, from ``[refresh]``."""
    return Policy(
        base_interval=refresh.base_interval,
        backoff_factor=refresh.backoff_factor,
        max_interval=refresh.max_interval,
        changed_interval=refresh.changed_interval,
        recent_change=refresh.recent_change,
        confirm_after=refresh.confirm_after,
        error_interval=refresh.error_interval,
    )


def fetch_settings(config: Config) -> FetchSettings:
    """Fetch settings for refresh: ``[fetch]`` limits, with ``[limits]`` concurrency and host spacing."""
    settings = FetchSettings.from_config(config.fetch, config.limits)
    return replace(
        settings,
        max_connections=config.limits.concurrency,
        per_host_connections=config.limits.per_host_concurrency,
    )


@dataclass(frozen=True)
class RefreshOptions:
    """What to refresh. ``older_than`` (seconds) re-checks posts not checked that recently, whatever the
    back-off says; ``everything`` ignores the schedule; ``post_ids`` picks posts by id (aliases resolve)."""

    limit: int | None = None
    platforms: tuple[str, ...] = ()
    post_ids: tuple[str, ...] = ()
    older_than: float | None = None
    everything: bool = False
    articles: bool = False
    archive: bool = False
    run_id: int | None = None


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
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return len(self.errors)

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
            "interrupted": self.interrupted,
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
        if self.interrupted:
            line += " (stopped early)"
        return line


def _target(row: dict[str, Any]) -> Target:
    return Target(row["id"], row["platform"], row.get("native_id"), row.get("url"), row.get("kind") or "post")


def due_posts(db: Database, now: str, options: RefreshOptions) -> list[Target]:
    """Posts to check now, best first: never checked, then the oldest checks. Posts no checker can check
    (text-only posts without a link, login-walled platforms) are left out without counting against
    ``limit``."""
    where: list[str] = []
    params: list[Any] = []
    if options.post_ids:
        ids = list(options.post_ids)
        marks = ",".join("?" * len(ids))
        where.append(
            f"(id in ({marks}) or id in (select post_id from post_aliases where alias in ({marks})))"
        )
        params += ids + ids
    elif not options.everything:
        if options.older_than is not None:
            cutoff = _shift(now, -options.older_than)
            where.append("(status_checked_at is null or status_checked_at <= ?)")
            params.append(cutoff)
        else:
            where.append("(next_check_at is null or next_check_at <= ?)")
            params.append(now)
    if options.platforms:
        where.append(f"platform in ({','.join('?' * len(options.platforms))})")
        params += list(options.platforms)
    sql = "select id, platform, native_id, url, kind from posts"
    if where:
        sql += " where " + " and ".join(where)
    sql += " order by status_checked_at is not null, status_checked_at, id"
    targets: list[Target] = []
    for row in db.query(sql, params):
        target = _target(row)
        module = for_target(target)
        if module is None or not _checkable(module, target):
            continue
        targets.append(target)
        if options.limit is not None and len(targets) >= options.limit:
            break
    return targets


def _checkable(module: ModuleType, target: Target) -> bool:
    from .config import DEFAULT_ENDPOINTS

    needs = getattr(module, "needs_resolution", None)
    if needs is not None and needs(target):
        return True
    return module.build(target, DEFAULT_ENDPOINTS) is not None


def due_articles(db: Database, now: str, interval: float, options: RefreshOptions) -> list[dict[str, Any]]:
    """Articles with a web URL not fetched for ``interval`` seconds (all of them with ``everything``),
    least recently fetched first."""
    sql = "select id, url, last_fetched_at from articles where (url like 'http://%' or url like 'https://%')"
    params: list[Any] = []
    if not options.everything:
        sql += " and (last_fetched_at is null or last_fetched_at <= ?)"
        params.append(_shift(now, -interval))
    sql += " order by last_fetched_at, id"
    if options.limit is not None:
        sql += f" limit {int(options.limit)}"
    return list(db.query(sql, params))


def _shift(now: str, seconds: float) -> str:
    moment = datetime.fromisoformat(now.replace("Z", "+00:00")) + timedelta(seconds=seconds)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


class FetcherHttp:
    """``checkers.Http`` over the project's ``Fetcher``: GETs that follow redirects use ``Fetcher.get``
    (guard, limits, per-host slots); a GET that must not follow redirects and a POST use the same guarded
    client directly, reading at most ``ERROR_BODY_BYTES``. Never raises for network failures."""

    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self._raw_gate = asyncio.Semaphore(max(1, fetcher.settings.per_host_connections))

    async def send(self, request: Request) -> Response:
        """Send one checker request."""
        url = request.url
        if request.params:
            url += ("&" if "?" in url else "?") + urlencode(request.params)
        if request.method == "GET" and request.follow_redirects:
            return self._convert(url, await self.fetcher.get(url, headers=dict(request.headers)))
        return await self._raw(request, url)

    @staticmethod
    def _convert(url: str, result: Fetched | FetchError) -> Response:
        if isinstance(result, Fetched):
            return Response(
                url, result.status, dict(result.headers), result.body, elapsed_ms=result.elapsed_ms
            )
        if result.kind == "http_status":
            return Response(
                url, result.status, dict(result.headers), result.body, elapsed_ms=result.elapsed_ms
            )
        return Response(url, None, error=f"{result.kind}: {result.detail}", elapsed_ms=result.elapsed_ms)

    async def _raw(self, request: Request, url: str) -> Response:
        started = time.monotonic()
        client = self.fetcher.client
        try:
            stream = client.stream(
                request.method,
                url,
                headers=dict(request.headers),
                data=dict(request.data) if request.data else None,
                follow_redirects=False,
            )
            async with self._raw_gate, asyncio.timeout(self.fetcher.settings.total_timeout), stream as answer:
                body = bytearray()
                async for chunk in answer.aiter_bytes():
                    body += chunk
                    if len(body) >= ERROR_BODY_BYTES:
                        break
                headers = {k.lower(): v for k, v in answer.headers.items()}
                status = answer.status_code
        except Exception as error:  # every network failure is a value, as in tracker.fetch
            return Response(
                url,
                None,
                error=f"{type(error).__name__}: {error}",
                elapsed_ms=round((time.monotonic() - started) * 1000),
            )
        return Response(
            url,
            status,
            headers,
            bytes(body[:ERROR_BODY_BYTES]),
            elapsed_ms=round((time.monotonic() - started) * 1000),
        )


class _Run:
    """One refresh run's state: the http side, host pauses, the report, the stop flag."""

    def __init__(
        self,
        db: Database,
        config: Config,
        options: RefreshOptions,
        http: Any,
        now: Callable[[], str],
        stop: asyncio.Event,
    ) -> None:
        self.db = db
        self.config = config
        self.options = options
        self.http = http
        self.now = now
        self.stop = stop
        self.policy = policy_from_config(config.refresh)
        self.report = RefreshReport()
        self.paused_until: dict[str, float] = {}
        self.loop = asyncio.get_running_loop()
        self.progress: Callable[[], None] | None = None
        self.unwritten: list[Check] = []
        self._flush_timer: asyncio.TimerHandle | None = None

    # --- waiting ----------------------------------------------------------------------------------------

    async def _sleep(self, seconds: float) -> None:
        """Sleep, waking early on a stop request."""
        if seconds <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), seconds)

    async def _host_ready(self, host: str) -> None:
        wait = self.paused_until.get(host, 0.0) - self.loop.time()
        if wait > 0:
            await self._sleep(wait)

    def _retry_wait(self, checked: Checked, attempt: int) -> float | None:
        """Seconds before retrying a transient failure, or None when it should not be retried."""
        result = checked.result
        limits = self.config.limits
        if result.status != ERROR or attempt >= limits.max_retries:
            return None
        code = result.http_status
        if code is not None and code != 429 and code < 500:
            return None  # an answer we did not recognise: asking again will not help
        if result.retry_after is not None:
            if result.retry_after > limits.max_retry_after:
                return None
            return result.retry_after
        base = min(limits.retry_backoff * (2.0**attempt), limits.retry_backoff_max)
        return base + random.uniform(0, base / 2)  # jitter, so retries of many posts do not align

    # --- one post ---------------------------------------------------------------------------------------

    async def _check_with_retries(self, module: ModuleType, target: Target, host: str) -> Checked | None:
        attempt = 0
        while True:
            await self._host_ready(host)
            checked = await run_check(module, target, self.http, self.config.endpoints)
            if checked is None or self.stop.is_set():
                return checked
            wait = self._retry_wait(checked, attempt)
            if wait is None:
                return checked
            if checked.result.http_status == 429:
                self.paused_until[host] = max(self.paused_until.get(host, 0.0), self.loop.time() + wait)
            await self._sleep(wait)
            if self.stop.is_set():
                return checked
            attempt += 1

    def _apply(self, target: Target, checker: str, checked: Checked) -> None:
        """Queue a finished check for the writer. Queued checks are written together, one commit (each check
        still its own savepoint) at most ``FLUSH_SECONDS`` after the first of them or once ``FLUSH_CHECKS``
        wait: a commit is an fsync of the WAL, and one per loop turn (a handful of checks) cost more than the
        checks themselves."""
        check = Check(
            key=uuid.uuid4().hex,
            post_id=target.id,
            checker=checker,
            checked_at=self.now(),
            result=checked.result,
            url=checked.url,
            elapsed_ms=checked.elapsed_ms,
            run_id=self.options.run_id,
        )
        self.unwritten.append(check)
        if len(self.unwritten) >= FLUSH_CHECKS:
            self.flush()
        elif self._flush_timer is None:
            self._flush_timer = self.loop.call_later(FLUSH_SECONDS, self.flush)

    def flush(self) -> None:
        """Write every queued check: one transaction, one savepoint per check (a failing check rolls back
        alone and is reported)."""
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        batch, self.unwritten = self.unwritten, []
        if not batch:
            return
        report = self.report
        with self.db.atomic():
            for check in batch:
                try:
                    applied = apply_check(self.db, check, self.policy)
                except Exception as error:  # recorded for this post; its savepoint rolled back
                    report.errors.append({"post": check.post_id, "reason": f"database write failed: {error}"})
                    continue
                report.checked += 1
                report.statuses[check.result.status] += 1
                report.duplicates += applied.duplicate
                if applied.outcome in ("changed", "returned"):
                    report.changed += 1
                report.returned += applied.outcome == "returned"
                report.pending += applied.outcome == "pending"
                if check.result.status == ERROR:
                    report.errors.append({"post": check.post_id, "reason": check.result.detail})
                if self.progress is not None:
                    self.progress()

    async def _resolve(self, module: ModuleType, target: Target, host: str) -> Target | None:
        """Follow a text-only post's short link; merge it into the status it leads to."""
        request = module.build_resolve(target, self.config.endpoints)
        await self._host_ready(host)
        response: Response = await self.http.send(request)
        row = resolution(module, response)
        if isinstance(row, Checked):
            self._apply(target, module.NAME, row)
            return None
        self.flush()  # the merge re-points checks, so earlier ones must be written first
        try:
            merged = merge_post(
                self.db, target.id, dict(row), f"short link {response.url} resolved", self.now()
            )
        except Exception as error:
            self.report.errors.append({"post": target.id, "reason": f"merge failed: {error}"})
            return None
        self.report.merged += 1
        return Target(merged, row["platform"], row["native_id"], row["url"], "post")

    async def check_post(self, target: Target, host: str | None = None) -> None:
        """Check one post (resolving it first if needed) and apply the result. ``host`` is the host its
        checker calls, when the caller already knows it."""
        module = for_target(target)
        if module is None:
            self.report.skipped += 1
            return
        if host is None:
            host = _host_for(module, target, self.config)
        needs = getattr(module, "needs_resolution", None)
        if needs is not None and needs(target):
            resolved = await self._resolve(module, target, host)
            if resolved is None:
                return
            target = resolved
        checked = await self._check_with_retries(module, target, host)
        if checked is None:
            self.report.skipped += 1
            return
        self._apply(target, module.NAME, checked)

    async def check_all(self, targets: list[Target]) -> None:
        """Check ``targets`` with a few workers per host; stops taking new posts once ``stop`` is set."""
        queues: dict[str, list[Target]] = defaultdict(list)
        for target in targets:
            module = for_target(target)
            queues[_host_for(module, target, self.config) if module else ""].append(target)
        workers_per_host = max(1, self.config.limits.per_host_concurrency)
        tasks = []
        for host, queue in queues.items():
            queue.reverse()  # workers pop() from the end, which keeps the due order
            for _ in range(min(workers_per_host, len(queue))):
                tasks.append(asyncio.create_task(self._worker(queue, host)))
        await asyncio.gather(*tasks)

    async def _worker(self, queue: list[Target], host: str) -> None:
        while queue and not self.stop.is_set():
            # The host was worked out when queueing (building a request computes e.g. Twitter's token).
            await self.check_post(queue.pop(), host)

    # --- articles ---------------------------------------------------------------------------------------

    async def refresh_articles(self, fetcher: Fetcher) -> None:
        """Re-fetch due articles; save new content; mark embeds the new version lacks as removed."""
        from .ingest import extract_document

        rows = due_articles(self.db, self.now(), self.config.refresh.article_interval, self.options)

        async def one(row: dict[str, Any]) -> None:
            if self.stop.is_set():
                return
            result = await fetcher.get(row["url"], content_types=_ARTICLE_TYPES)
            if isinstance(result, FetchError):
                self.report.articles["failed"] += 1
                self.report.errors.append({"article": row["url"], "reason": result.reason})
                return
            kind = "text" if (result.mime_type or "") == "text/plain" else "html"
            try:
                extraction = await self.loop.run_in_executor(
                    None, extract_document, kind, result.body, result.final_url, result.content_type
                )
            except Exception as error:  # a scraper bug on one page must not stop the run
                self.report.articles["failed"] += 1
                self.report.errors.append({"article": row["url"], "reason": f"extraction failed: {error}"})
                return
            # Keep the article's identity: the stored URL, not wherever it redirects today.
            extraction = replace(extraction, article=replace(extraction.article, url=row["url"]))
            if article_key(row["url"]) != row["id"]:
                self.report.articles["skipped"] += 1
                return
            now = self.now()
            walled: str | None = None
            try:
                with self.db.atomic():
                    # The run's clock, not the fetcher's: scheduling compares against it.
                    capture = replace(result.capture("refresh"), fetched_at=now)
                    if not extraction.embeds:
                        walled = _walled_page(self.db, row["id"], result.body)
                    if walled is not None:
                        # Keep the evidence of what was served, but neither its metadata nor its verdict.
                        bare = replace(extraction, article=ArticleMeta(row["url"]), posts=(), embeds=())
                        saved = save_extraction(self.db, capture, bare, now)
                        moved = {"removed": 0, "restored": 0}
                    else:
                        saved = save_extraction(self.db, capture, extraction, now)
                        moved = mark_removed_embeds(
                            self.db, row["id"], [e.post_id for e in extraction.embeds], now
                        )
            except Exception as error:
                self.report.articles["failed"] += 1
                self.report.errors.append(
                    {"article": row["url"], "reason": f"database write failed: {error}"}
                )
                return
            if walled is not None:
                self.report.articles["walled"] += 1
                self.report.errors.append(
                    {"article": row["url"], "reason": f"no embeds found, none marked removed: {walled}"}
                )
            self.report.articles["fetched"] += 1
            self.report.articles["changed" if saved.new_capture else "unchanged"] += 1
            self.report.articles["embeds_removed"] += moved["removed"]
            self.report.articles["embeds_restored"] += moved["restored"]

        await asyncio.gather(*(one(row) for row in rows))

    # --- archive ----------------------------------------------------------------------------------------

    async def archive(self) -> None:
        """Look up Wayback snapshots for posts without one; ask Save Page Now for available posts still
        without a snapshot, at most ``archive_max_per_run`` per run, ``archive_min_interval`` apart."""
        settings = self.config.refresh
        cutoff = _shift(self.now(), -settings.article_interval)
        rows = list(
            self.db.query(
                "select id, url, status from posts where archive_url is null and url like 'http%' "
                "and (archive_checked_at is null or archive_checked_at <= ?) "
                "order by archive_checked_at is not null, archive_checked_at, id limit ?",
                [cutoff, self.options.limit or 1000],
            )
        )
        saves = 0
        last_save = -1e18
        for row in rows:
            if self.stop.is_set():
                break
            lookup = wayback.classify_lookup(
                await self.http.send(wayback.build_lookup(row["url"], self.config.endpoints))
            )
            if lookup.error:
                self.report.archive["lookup_errors"] += 1
                continue
            if lookup.archive_url:
                record_archive(
                    self.db,
                    ArchiveRecord("posts", row["id"], self.now(), lookup.archive_url, lookup.captured_at),
                )
                self.report.archive["found"] += 1
                continue
            if row["status"] != "available" or saves >= settings.archive_max_per_run:
                record_archive(self.db, ArchiveRecord("posts", row["id"], self.now()))
                self.report.archive["none"] += 1
                continue
            await self._sleep(last_save + settings.archive_min_interval - self.loop.time())
            if self.stop.is_set():
                break
            last_save = self.loop.time()
            saves += 1
            saved = wayback.classify_save(
                await self.http.send(
                    wayback.build_save(
                        row["url"],
                        self.config.endpoints,
                        settings.archive_access_key,
                        settings.archive_secret_key,
                    )
                )
            )
            self.report.archive[f"save_{saved.state}"] += 1
            if saved.state != "error":
                record_archive(self.db, ArchiveRecord("posts", row["id"], self.now()))
            if saved.retry_after is not None:
                last_save = max(
                    last_save, self.loop.time() + saved.retry_after - settings.archive_min_interval
                )


# A re-fetched page that lost every embed is often not the article at all but a cookie wall, a consent
# interstitial or a paywall; marking its embeds removed on that evidence would be a false obituary.
WALL_SHRINK = 0.5  # "much shorter": under half the bytes of the last capture
WALL_MARKERS = (
    "accept all cookies",
    "accept cookies",
    "cookie consent",
    "cookie settings",
    "consent to the use of",
    "we value your privacy",
    "before you continue",
    "manage your privacy",
    "your privacy choices",
    "subscribe to continue",
    "subscribe to read",
    "subscribe now to",
    "subscribers only",
    "for subscribers",
    "already a subscriber",
    "already subscribed",
    "to continue reading",
    "sign in to continue",
    "log in to continue",
    "create a free account",
    "paywall",
    "premium content",
)
_WALL_SCAN_BYTES = 256 * 1024


def wall_suspected(
    new_embeds: int, old_embeds: int, new_bytes: int, old_bytes: int | None, page: bytes
) -> str | None:
    """Why a re-fetched article page that lost all its embeds is probably a consent or paywall page and not
    the article (a short reason), or None. Pure: only a page with no embeds whose previous version had some
    is suspected, when it is under ``WALL_SHRINK`` of the last capture's size or says one of
    ``WALL_MARKERS``."""
    if new_embeds or not old_embeds:
        return None
    if old_bytes and new_bytes < old_bytes * WALL_SHRINK:
        return f"page shrank from {old_bytes} to {new_bytes} bytes (consent or paywall page?)"
    text = page[:_WALL_SCAN_BYTES].decode("utf-8", "replace").lower()
    for marker in WALL_MARKERS:
        if marker in text:
            return f"page looks like a consent or paywall page ({marker!r})"
    return None


def _walled_page(db: Database, article: str, body: bytes) -> str | None:
    old_embeds = db.execute(
        "select count(*) from embeds where article_id = ? and removed_at is null", [article]
    ).fetchone()[0]
    if not old_embeds:
        return None
    last = db.execute(
        "select bytes from captures where article_id = ? order by fetched_at desc, id desc limit 1", [article]
    ).fetchone()
    return wall_suspected(0, old_embeds, len(body), last[0] if last else None, body)


def _host_for(module: ModuleType, target: Target, config: Config) -> str:
    needs = getattr(module, "needs_resolution", None)
    request = (
        module.build_resolve(target, config.endpoints)
        if needs is not None and needs(target)
        else module.build(target, config.endpoints)
    )
    return _host(request.url) if request is not None else ""


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
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    if handle_signals:
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, stop.set)
                installed.append(signum)
    relaxed = _relax_sync(db)
    try:
        async with Fetcher(fetch_settings(config), transport=transport) as fetcher:
            run = _Run(db, config, options, FetcherHttp(fetcher), now, stop)
            run.progress = progress
            try:
                targets = due_posts(db, now(), options)
                if on_start is not None:
                    on_start(len(targets))
                await run.check_all(targets)
            finally:
                run.flush()
            if options.articles and not stop.is_set():
                await run.refresh_articles(fetcher)
            if options.archive and not stop.is_set():
                await run.archive()
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
        if relaxed is not None:
            db.execute(f"pragma synchronous = {relaxed}")
    report = run.report
    report.interrupted = stop.is_set()
    report.seconds = time.perf_counter() - started
    return report


def _relax_sync(db: Database) -> int | None:
    """In WAL mode, commit without fsync for the run (``synchronous = NORMAL``) and return the setting to
    restore, else None. Each commit of a batch of checks was an fsync (~4 ms here, with the event loop
    blocked); with NORMAL a crash still leaves a consistent database, and a power cut can lose only the last
    batches, whose posts are simply due again next run."""
    try:
        mode = db.execute("pragma journal_mode").fetchone()[0]
        level = int(db.execute("pragma synchronous").fetchone()[0])
    except Exception:  # an unusual connection: leave it as it is
        return None
    if str(mode).lower() != "wal" or level <= 1:
        return None
    db.execute("pragma synchronous = NORMAL")
    return level


def refresh_sync(db: Database, config: Config, options: RefreshOptions, **kwargs: Any) -> RefreshReport:
    """``refresh`` for callers without an event loop (the CLI, tests, benchmarks)."""
    return asyncio.run(refresh(db, config, options, **kwargs))


@dataclass(frozen=True, slots=True)
class CanaryResult:
    """One checker's canary run: ``ok`` when it answered as expected (``available``; wayback: any answer)."""

    checker: str
    url: str
    ok: bool
    status: str
    detail: str
    elapsed_ms: int = 0


def canary_target(checker: str, url: str) -> Target:
    """The post a canary URL names, with the native id its platform module derives when there is one."""
    from embedtrail.scrapers import registry

    native: str | None = None
    try:
        ref = registry.by_name(checker).post_ref(url)
    except KeyError:
        ref = None
    if ref is not None and ref.kind != "account":
        native = ref.native_id
    return Target(f"{checker}:{native or url}", checker, native, url)


async def doctor(config: Config, *, transport: Any = None) -> list[CanaryResult]:
    """Run every checker (and the Wayback lookup) on its ``[canaries]`` post; skips empty canaries."""
    from .checkers import CHECKERS

    results: list[CanaryResult] = []
    async with Fetcher(fetch_settings(config), transport=transport) as fetcher:
        http = FetcherHttp(fetcher)

        async def one(module: ModuleType) -> CanaryResult | None:
            url = getattr(config.canaries, module.NAME, "")
            if not url:
                return None
            checked = await run_check(module, canary_target(module.NAME, url), http, config.endpoints)
            if checked is None:
                return CanaryResult(module.NAME, url, False, "error", "checker cannot build a request for it")
            verdict = checked.result
            return CanaryResult(
                module.NAME,
                url,
                verdict.status == "available",
                verdict.status,
                verdict.detail,
                checked.elapsed_ms,
            )

        async def archive() -> CanaryResult | None:
            url = config.canaries.wayback
            if not url:
                return None
            response = await http.send(wayback.build_lookup(url, config.endpoints))
            lookup = wayback.classify_lookup(response)
            detail = lookup.error or (
                f"snapshot {lookup.archive_url}" if lookup.archive_url else "no snapshot"
            )
            return CanaryResult(
                "wayback",
                url,
                lookup.error is None,
                "error" if lookup.error else "available",
                detail,
                response.elapsed_ms,
            )

        answers = await asyncio.gather(*(one(module) for module in CHECKERS), archive())
        results = [answer for answer in answers if answer is not None]
    return results
