"""The scale-out executor: ``refresh``/``ingest`` with ``--queue redis://...`` hand the network work to any
number of ``embedtrail worker`` processes through Dramatiq's Redis broker; results come back on a queue
and the coordinator, the only process with the database, writes them in batches through the same calls
as a single-machine run (``db.checks.apply_check``, ``db.checks.merge_post``, ``db.store.save_extraction``).

Delivery is at least once and every write is idempotent, so nothing is lost and nothing counts twice:

- a check job's id is derived from the post and its last check time, and is the ``checks`` row key:
  re-applying a redelivered result is a no-op (``apply_check`` skips known keys);
- a worker acknowledges a job only after its result is on the results queue; a killed worker's jobs go
  back to the queue once its heartbeat is older than the visibility timeout (Dramatiq's Redis broker);
- the coordinator acknowledges results only after the batch is committed; a restarted coordinator finds
  the jobs still open in the ledger (``tracker.queue_redis.Ledger``) and waits for them instead of
  enqueueing them again.

Politeness is global (``tracker.queue_redis.HostGate``): every request a worker makes takes a per-host slot
in Redis, so ``[limits] per_host_concurrency``, ``min_interval_per_host`` and 429 pauses hold across all
workers on all machines. Settings ride on the queue URL: ``redis://host:6379/0?visibility_timeout=60``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any, TypeVar, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dramatiq
import redis
import redis.asyncio
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.broker import MessageProxy
from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker
from dramatiq.middleware import AsyncIO, Middleware
from dramatiq.middleware import default_middleware as dramatiq_default_middleware
from sqlite_utils import Database

from embedtrail.db.checks import ERROR, Check, CheckResult, apply_check, merge_post
from embedtrail.db.store import save_extraction
from embedtrail.scrapers.records import Capture, Extraction, short_hash

from .checkers import Checked, Request, Response, Target, by_name, for_target, resolution, run_check
from .clock import utc_now
from .config import Config, Endpoints, Limits
from .fetch import Fetched, Fetcher, FetchError
from .ingest import IngestReport, expand_sources, extract_document, ingest_sync
from .queue_codec import from_json, to_json
from .queue_redis import GAUGES, HostGate, Ledger
from .refresh import (
    FetcherHttp,
    RefreshOptions,
    RefreshReport,
    due_posts,
    fetch_settings,
    policy_from_config,
    refresh_sync,
)
from .sources import Document, Failure, SourceContext, module_for

__all__ = [
    "CHECKS",
    "DEFAULT_BATCH",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_NAMESPACE",
    "DEFAULT_VISIBILITY_TIMEOUT",
    "RESULTS",
    "SOURCES",
    "QueueSettings",
    "QueueStatus",
    "check_job_id",
    "ingest_queued",
    "parse_queue_url",
    "queue_status",
    "refresh_queued",
    "retry_failed",
    "run_worker",
]

logger = logging.getLogger(__name__)
T = TypeVar("T")

CHECKS = "checks"
SOURCES = "sources"
RESULTS = "results"
_CHECK_ACTOR = "embedtrail_check"
_SOURCE_ACTOR = "embedtrail_source"
_RESULT_ACTOR = "embedtrail_result"  # never run by a worker: the coordinator consumes its queue itself

DEFAULT_NAMESPACE = "embedtrail"
# Seconds without a heartbeat after which a worker counts as dead and its jobs are redelivered.
DEFAULT_VISIBILITY_TIMEOUT = 60.0
# Results written per transaction (one commit, one savepoint per result).
DEFAULT_BATCH = 500
# Retries of a job that raised (not of a check that got an error answer: that is a result) before it goes
# to the dead-letter list.
DEFAULT_MAX_RETRIES = 3
# A job taking longer than this is interrupted and retried.
DEFAULT_TIME_LIMIT = 300.0
# Seconds a failed job's retry waits at first (doubling up to a minute).
DEFAULT_RETRY_BACKOFF = 1.0


@dataclass(frozen=True)
class QueueSettings:
    """The queue's knobs, read from the ``--queue`` URL's query string (the rest goes to redis-py).

    ``namespace`` prefixes every key (two deployments can share a Redis); ``visibility_timeout`` (s);
    ``batch``; ``max_retries``; ``time_limit`` (s); ``retry_backoff`` (s). Coordinator and workers must
    agree on ``namespace`` and ``visibility_timeout``.
    """

    redis_url: str
    namespace: str = DEFAULT_NAMESPACE
    visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT
    batch: int = DEFAULT_BATCH
    max_retries: int = DEFAULT_MAX_RETRIES
    time_limit: float = DEFAULT_TIME_LIMIT
    retry_backoff: float = DEFAULT_RETRY_BACKOFF

    @property
    def dramatiq_namespace(self) -> str:
        return f"{self.namespace}:dramatiq"


_URL_KEYS = {
    "namespace": str,
    "visibility_timeout": float,
    "batch": int,
    "max_retries": int,
    "time_limit": float,
    "retry_backoff": float,
}


def parse_queue_url(url: str) -> QueueSettings:
    """``redis://host:port/db?visibility_timeout=30`` → QueueSettings. ValueError for a bad URL or value."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ValueError(f"not a Redis URL: {url!r} (use redis://HOST:PORT/DB)")
    ours: dict[str, Any] = {}
    rest: list[tuple[str, str]] = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        kind = _URL_KEYS.get(key)
        if kind is None:
            rest.append((key, value))
            continue
        try:
            ours[key] = kind(value)
        except ValueError as error:
            raise ValueError(f"bad {key} in queue URL: {value!r}") from error
    redis_url = urlunsplit(parts._replace(query=urlencode(rest)))
    settings = QueueSettings(redis_url=redis_url, **ours)
    if settings.visibility_timeout <= 0 or settings.batch < 1 or settings.max_retries < 0:
        raise ValueError("visibility_timeout and batch must be positive, max_retries at least 0")
    return settings


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


# --- the broker ---------------------------------------------------------------------------------------


class _LedgerMiddleware(Middleware):
    """Keeps the ledger in step with Dramatiq's own bookkeeping on the worker side: a job that raised and
    will be retried is ``queued`` again; one that went to the dead-letter list is ``failed``, with the
    last line of its traceback as the reason."""

    def __init__(self, ledger: Ledger, worker: str) -> None:
        self.ledger = ledger
        self.worker = worker

    def after_process_message(
        self, broker: dramatiq.Broker, message: MessageProxy, *, result: Any = None, exception: Any = None
    ) -> None:
        if exception is None or message.failed:
            return
        with contextlib.suppress(redis.RedisError):
            self.ledger.transition(
                _job_of(message), "queued", utc_now(), reason=f"retrying: {_reason(message, exception)}"
            )

    def after_nack(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        with contextlib.suppress(redis.RedisError):
            self.ledger.transition(
                _job_of(message), "failed", utc_now(), worker=self.worker, reason=_reason(message, None)
            )

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        state = _STATE
        thread = get_event_loop_thread()
        if state is not None and thread is not None:
            with contextlib.suppress(Exception):
                thread.run_coroutine(state.aclose())


def _job_of(message: MessageProxy) -> str:
    payload = message.args[0] if message.args else {}
    return str(payload.get("job", "")) if isinstance(payload, dict) else ""


def _reason(message: MessageProxy, exception: Any) -> str:
    if exception is not None:
        return f"{type(exception).__name__}: {exception}"
    trace = str(message.options.get("traceback") or "").strip().splitlines()
    return trace[-1] if trace else "failed"


def _make_broker(settings: QueueSettings, *, worker: str | None = None) -> tuple[RedisBroker, Ledger]:
    """A Redis broker with Dramatiq's default middleware plus AsyncIO, and the check and source actors
    declared on it. ``worker`` names a worker process (it then keeps the ledger in step)."""
    middleware: list[Middleware] = [m() for m in dramatiq_default_middleware]
    middleware.append(AsyncIO())
    broker = RedisBroker(  # type: ignore[no-untyped-call]  # dramatiq leaves this __init__ untyped
        url=settings.redis_url,
        namespace=settings.dramatiq_namespace,
        middleware=middleware,
        heartbeat_timeout=round(settings.visibility_timeout * 1000),
        # Maintenance (redelivery of dead workers' jobs) also runs on purpose from heartbeats and sweeps;
        # this chance only makes it happen sooner between them.
        maintenance_chance=MAINTENANCE_SCALE // 100,
    )
    ledger = Ledger(broker.client, settings.namespace)
    if worker is not None:
        broker.add_middleware(_LedgerMiddleware(ledger, worker))
    options: dict[str, Any] = {
        "max_retries": settings.max_retries,
        "min_backoff": round(settings.retry_backoff * 1000),
        "max_backoff": 60_000,
        "time_limit": round(settings.time_limit * 1000),
    }
    dramatiq.actor(actor_name=_CHECK_ACTOR, queue_name=CHECKS, broker=broker, **options)(_check_actor)
    dramatiq.actor(actor_name=_SOURCE_ACTOR, queue_name=SOURCES, broker=broker, **options)(_source_actor)
    return broker, ledger


def _message(
    queue: str, actor: str, payload: dict[str, Any], message_id: str | None = None
) -> dramatiq.Message[Any]:
    message: dramatiq.Message[Any] = dramatiq.Message(
        queue_name=queue, actor_name=actor, args=(payload,), kwargs={}, options={}
    )
    return message.copy(message_id=message_id) if message_id else message


def _sweep(broker: RedisBroker, queues: Sequence[str]) -> None:
    """Run Dramatiq's queue maintenance now: jobs held by workers whose heartbeat is older than the
    visibility timeout go back to their queues. (The broker otherwise does this on a random small share of
    its commands; a coordinator waiting on a killed worker should not depend on luck.)"""
    saved = broker.maintenance_chance
    broker.maintenance_chance = MAINTENANCE_SCALE
    try:
        for queue in queues:
            broker.do_qsize(queue)
            broker.do_qsize(f"{queue}.DQ")
    finally:
        broker.maintenance_chance = saved


class _Heartbeat(threading.Thread):
    """Tells Redis this process is alive every quarter visibility timeout, whatever its threads are doing.
    Dramatiq's consumers only heartbeat when they fetch, and a worker busy with long jobs stops fetching;
    without this its jobs would be redelivered while it still works on them."""

    def __init__(self, broker: RedisBroker, ledger: Ledger, name: str | None, interval: float) -> None:
        super().__init__(name="embedtrail-heartbeat", daemon=True)
        self.broker = broker
        self.ledger = ledger
        self.worker = name
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            with contextlib.suppress(redis.RedisError):
                self.beat()

    def beat(self) -> None:
        self.broker.do_qsize(CHECKS)  # any dispatch refreshes this broker id's heartbeat
        if self.worker:
            self.ledger.seen(self.worker)

    def stop(self) -> None:
        self.stopped.set()


# --- the worker ---------------------------------------------------------------------------------------


def _retry_wait(checked: Checked, attempt: int, limits: Limits) -> float | None:
    """Seconds before retrying a transient failure, or None: the same rule as the single-machine run."""
    result = checked.result
    if result.status != ERROR or attempt >= limits.max_retries:
        return None
    code = result.http_status
    if code is not None and code != 429 and code < 500:
        return None
    if result.retry_after is not None:
        return None if result.retry_after > limits.max_retry_after else result.retry_after
    base = min(limits.retry_backoff * (2.0**attempt), limits.retry_backoff_max)
    return base + random.uniform(0, base / 2)


class _GatedHttp:
    """``checkers.Http`` whose every request first takes its host's global slot; a 429 pauses the host for
    every worker."""

    def __init__(self, inner: FetcherHttp, gate: HostGate, limits: Limits) -> None:
        self.inner = inner
        self.gate = gate
        self.limits = limits

    async def send(self, request: Request) -> Response:
        host = _host(request.url)
        async with self.gate.slot(host):
            response = await self.inner.send(request)
        if response.status == 429:
            from .checkers.base import parse_retry_after

            wait = parse_retry_after(response.header("retry-after"), time.time())
            await self.gate.pause(host, min(wait if wait is not None else self.limits.retry_backoff, 3600.0))
        return response


class _GatedFetcher:
    """The ``Fetching`` a source module gets: ``Fetcher.get`` behind the global host gate."""

    def __init__(self, fetcher: Fetcher, gate: HostGate, limits: Limits) -> None:
        self.fetcher = fetcher
        self.gate = gate
        self.limits = limits

    async def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content_types: Any = None,
    ) -> Fetched | FetchError:
        host = _host(url)
        async with self.gate.slot(host):
            result = await self.fetcher.get(url, headers=headers, content_types=content_types)
        if isinstance(result, FetchError) and result.status == 429:
            wait = result.retry_after if result.retry_after is not None else self.limits.retry_backoff
            await self.gate.pause(host, min(wait, 3600.0))
        return result


class _WorkerState:
    """One worker process: its config, name, ledger, and (on the event loop thread, built on first use)
    the fetcher and the Redis gate."""

    def __init__(
        self, config: Config, settings: QueueSettings, name: str, broker: RedisBroker, ledger: Ledger
    ) -> None:
        self.config = config
        self.settings = settings
        self.name = name
        self.broker = broker
        self.ledger = ledger
        self._fetcher: Fetcher | None = None
        self._client: redis.asyncio.Redis | None = None
        self._gate: HostGate | None = None
        self._lock: asyncio.Lock | None = None

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the worker's shared event loop and wait for it (from a worker thread)."""
        thread = get_event_loop_thread()
        if thread is None:
            coroutine.close()
            raise RuntimeError("no event loop thread: the AsyncIO middleware is missing")
        return thread.run_coroutine(coroutine)

    async def tools(self) -> tuple[Fetcher, HostGate]:
        """The fetcher and the gate, built once on the event loop."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._fetcher is None or self._gate is None:
                self._fetcher = Fetcher(fetch_settings(self.config))
                self._client = redis.asyncio.Redis.from_url(self.settings.redis_url)
                limits = self.config.limits
                self._gate = HostGate(
                    self._client,
                    self.settings.namespace,
                    limit=limits.per_host_concurrency,
                    interval=limits.min_interval_per_host,
                    ttl=self.settings.visibility_timeout,
                    holder_prefix=f"{self.name}:",
                )
        return self._fetcher, self._gate

    async def aclose(self) -> None:
        """Close the fetcher and the Redis connection (on the event loop)."""
        if self._fetcher is not None:
            await self._fetcher.aclose()
        if self._client is not None:
            await self._client.aclose()
        self._fetcher = self._client = self._gate = None


_STATE: _WorkerState | None = None


def _state() -> _WorkerState:
    if _STATE is None:
        raise RuntimeError("not a worker process: run_worker() sets it up")
    return _STATE


def _start_job(state: _WorkerState, job: str) -> bool:
    """Mark ``job`` running; False when it already finished (a redelivery after its result was sent)."""
    current = state.ledger.states([job])[job]
    if current in ("done", "applied"):
        return False
    state.ledger.transition(job, "running", utc_now(), worker=state.name)
    return True


def _finish_job(state: _WorkerState, job: str, payload: dict[str, Any]) -> None:
    # Result first, then "done", then (after return) Dramatiq's ack: a crash anywhere in between only
    # causes a redelivery, and a second result for the same job is a no-op for the coordinator.
    state.broker.enqueue(_message(RESULTS, _RESULT_ACTOR, payload))
    state.ledger.transition(job, "done", utc_now(), worker=state.name)


def _check_actor(payload: dict[str, Any]) -> None:
    state = _state()
    job = str(payload["job"])
    if not _start_job(state, job):
        return
    answer = state.run(_check_job(state, payload))
    _finish_job(state, job, {**answer, "job": job, "kind": "check", "worker": state.name})


async def _check_job(state: _WorkerState, payload: dict[str, Any]) -> dict[str, Any]:
    """Check one post (following its short link first when it has one); the answer as JSON data."""
    fetcher, gate = await state.tools()
    config = state.config
    http = _GatedHttp(FetcherHttp(fetcher), gate, config.limits)
    target = Target(**payload["target"])
    module = by_name(payload["checker"])
    answer: dict[str, Any] = {"post": target.id, "checker": module.NAME, "merge": None}
    needs = getattr(module, "needs_resolution", None)
    if needs is not None and needs(target):
        response: Response = await http.send(module.build_resolve(target, config.endpoints))
        row = resolution(module, response)
        if isinstance(row, Checked):
            return {**answer, "checked": _checked_json(row)}
        answer["merge"] = {"row": dict(row), "reason": f"short link {response.url} resolved"}
        target = Target(row["id"], row["platform"], row["native_id"], row["url"], "post")
    checked_or_none = await _check_with_retries(module, target, http, config.endpoints, config.limits)
    answer["checked"] = _checked_json(checked_or_none) if checked_or_none is not None else None
    return answer


async def _check_with_retries(
    module: ModuleType, target: Target, http: _GatedHttp, endpoints: Endpoints, limits: Limits
) -> Checked | None:
    attempt = 0
    while True:
        checked = await run_check(module, target, http, endpoints)
        if checked is None:
            return None
        wait = _retry_wait(checked, attempt, limits)
        if wait is None:
            return checked
        await asyncio.sleep(wait)
        attempt += 1


def _checked_json(checked: Checked) -> dict[str, Any]:
    return {"result": to_json(checked.result), "url": checked.url, "elapsed_ms": checked.elapsed_ms}


def _source_actor(payload: dict[str, Any]) -> None:
    state = _state()
    job = str(payload["job"])
    if not _start_job(state, job):
        return
    source = str(payload["source"])
    documents, failures = state.run(_read_source(state, source))
    saved: list[dict[str, Any]] = []
    for document in documents:
        # Extraction is CPU work: it runs here, on this Dramatiq worker thread, not on the event loop
        # that the other jobs' requests share.
        try:
            extraction = extract_document(
                document.kind, document.body, document.url, document.capture.content_type
            )
        except Exception as exc:  # a scraper bug on one page must not fail the whole source
            failures.append(Failure(document.source, f"extraction failed: {type(exc).__name__}: {exc}"))
            continue
        # A web document is known by the URL it was fetched from (tracker.ingest does the same).
        extraction = replace(extraction, article=replace(extraction.article, url=document.url))
        saved.append({"capture": to_json(document.capture), "extraction": to_json(extraction)})
    answer = {
        "job": job,
        "kind": "source",
        "source": source,
        "documents": saved,
        "failures": [[f.source, f.reason] for f in failures],
        "worker": state.name,
    }
    _finish_job(state, job, answer)


async def _read_source(state: _WorkerState, source: str) -> tuple[list[Document], list[Failure]]:
    fetcher, gate = await state.tools()
    context = SourceContext(
        fetcher=_GatedFetcher(fetcher, gate, state.config.limits),
        max_bytes=state.config.fetch.max_bytes,
        now=utc_now,
        endpoints=state.config.endpoints,
    )
    documents: list[Document] = []
    failures: list[Failure] = []
    try:
        async for item in module_for(source).read(source, context):
            if isinstance(item, Failure):
                failures.append(item)
            else:
                documents.append(item)
    except Exception as exc:  # an input module failing on one source, as in tracker.ingest
        failures.append(Failure(source, f"{type(exc).__name__}: {exc}"))
    return documents, failures


def worker_name() -> str:
    """``host:pid``, how status lists this process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(
    queue_url: str,
    config: Config,
    *,
    threads: int = 8,
    stop: threading.Event | None = None,
    handle_signals: bool = False,
    name: str | None = None,
) -> None:
    """Run a worker until ``stop`` is set (or SIGTERM/SIGINT with ``handle_signals``): take check and source
    jobs, do them, send results back. Never touches a database. In-flight jobs finish on a stop; jobs
    fetched but not started go back to the queue."""
    global _STATE
    settings = parse_queue_url(queue_url)
    stop = stop or threading.Event()
    label = name or worker_name()
    broker, ledger = _make_broker(settings, worker=label)
    _STATE = _WorkerState(config, settings, label, broker, ledger)
    if handle_signals:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    heartbeat = _Heartbeat(broker, ledger, label, settings.visibility_timeout / 4)
    worker = dramatiq.Worker(broker, queues={CHECKS, SOURCES}, worker_threads=threads, worker_timeout=200)
    # Prefetch one job per thread, not Dramatiq's two: jobs a worker holds but has not started wait for the
    # visibility timeout if it dies, and hoarded jobs starve the other workers at the end of a run.
    worker.queue_prefetch = threads
    heartbeat.beat()
    heartbeat.start()
    worker.start()
    try:
        while not stop.wait(0.2):
            pass
    finally:
        worker.stop(timeout=round(settings.time_limit * 1000))
        heartbeat.stop()
        broker.close()
        _STATE = None


# --- the coordinator ------------------------------------------------------------------------------------


def check_job_id(post_id: str, last_checked_at: str | None) -> str:
    """The id of the job that checks ``post_id`` after its check at ``last_checked_at``: the same while
    the post waits for that check, so a restarted coordinator finds the job it queued, and the ``checks``
    row key, so a result delivered twice is written once."""
    return "q" + short_hash("check", post_id, last_checked_at or "never", length=31)


@dataclass
class _Pending:
    """A job the coordinator waits for."""

    subject: str
    item: Any


@dataclass
class _Collector:
    """Reads results off the results queue and hands them to ``apply`` in batches; acknowledges a batch
    only after ``apply`` returned (it commits). Stops when every awaited job is written or failed, or on
    ``stop``."""

    broker: RedisBroker
    ledger: Ledger
    settings: QueueSettings
    waiting: dict[str, _Pending]
    apply: Callable[[list[dict[str, Any]]], None]
    on_failed: Callable[[str, _Pending, str], None]
    on_bad: Callable[[str], None]
    stop: threading.Event
    now: Callable[[], str]
    applied: int = 0
    write_seconds: float = 0.0
    last_poll: float = field(default=0.0)

    def run(self) -> None:
        consumer = self.broker.consume(RESULTS, prefetch=self.settings.batch, timeout=200)
        heartbeat = _Heartbeat(self.broker, self.ledger, None, self.settings.visibility_timeout / 4)
        heartbeat.start()
        sweep_every = max(0.5, self.settings.visibility_timeout / 4)
        last_sweep = 0.0
        try:
            while self.waiting and not self.stop.is_set():
                batch: list[MessageProxy] = []
                while len(batch) < self.settings.batch:
                    message = next(consumer)
                    if message is None:
                        break
                    batch.append(message)
                if batch:
                    self._write(consumer, batch)
                moment = time.monotonic()
                if moment - last_sweep >= sweep_every:
                    last_sweep = moment
                    _sweep(self.broker, (CHECKS, SOURCES, RESULTS))
                    self._poll_failed()
        finally:
            heartbeat.stop()
            consumer.close()

    def _write(self, consumer: Any, batch: list[MessageProxy]) -> None:
        payloads: list[dict[str, Any]] = []
        good: list[MessageProxy] = []
        for message in batch:
            payload = message.args[0] if message.args else None
            if not isinstance(payload, dict) or "job" not in payload:
                self.on_bad(f"unreadable result message {message.message_id}")
                consumer.nack(message)  # kept in the results dead-letter list, shown by 'queue status'
                continue
            payloads.append(payload)
            good.append(message)
        started = time.perf_counter()
        try:
            self.apply(payloads)
        except BaseException:
            consumer.requeue(good)  # nothing of the batch was committed: it is delivered again
            raise
        self.write_seconds += time.perf_counter() - started
        self.applied += len(payloads)
        now = self.now()
        for message, payload in zip(good, payloads, strict=True):
            consumer.ack(message)
            job = str(payload["job"])
            self.ledger.transition(job, "applied", now, release=True)
            self.waiting.pop(job, None)

    def _poll_failed(self) -> None:
        states = self.ledger.states(list(self.waiting))
        for job, state in states.items():
            if state in ("failed", "applied", None):
                pending = self.waiting.pop(job)
                if state == "failed":
                    reason = self.ledger.job(job).get("reason") or "failed"
                    self.on_failed(job, pending, reason)
                elif state is None:
                    self.on_failed(job, pending, "job record expired before its result arrived")


def _generations(db: Database, ids: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.query(f"select id, status_checked_at from posts where id in ({marks})", chunk):
            found[row["id"]] = row["status_checked_at"]
    return found


def _host_for(module: ModuleType, target: Target, endpoints: Endpoints) -> str:
    needs = getattr(module, "needs_resolution", None)
    request = (
        module.build_resolve(target, endpoints)
        if needs is not None and needs(target)
        else module.build(target, endpoints)
    )
    return _host(request.url) if request is not None else ""


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
    actors = {_CHECK_ACTOR: CHECKS, _SOURCE_ACTOR: SOURCES}
    for job, subject, kind, host, actor, payload in jobs:
        action, open_job = ledger.claim(subject, job, kind, host, run, now)
        waiting[open_job] = subject
        if action != "enqueue":
            continue
        broker.enqueue(_message(actors[actor], actor, payload, message_id=job))
        ledger.transition(job, "queued", now)
    return waiting


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
    """``refresh`` over the queue: select due posts as ``tracker.refresh.due_posts`` does, enqueue a check
    job for each (unless one is already open), and write results as they come back until every job is
    written or failed, or ``stop`` is set. The only writer of ``db``. ``--articles``/``--archive`` phases
    are not queued: they run here afterwards. ``timings`` (for the benchmark) receives ``enqueue_seconds``,
    ``write_seconds`` (time inside write transactions) and ``applied``."""
    settings = parse_queue_url(queue_url)
    stop = stop or threading.Event()
    started = time.perf_counter()
    report = RefreshReport()
    policy = policy_from_config(config.refresh)
    broker, ledger = _make_broker(settings)
    try:
        targets = due_posts(db, now(), options)
        generations = _generations(db, [t.id for t in targets])
        jobs = []
        by_post: dict[str, Target] = {}
        for target in targets:
            module = for_target(target)
            if module is None:
                report.skipped += 1
                continue
            job = check_job_id(target.id, generations.get(target.id))
            payload = {
                "job": job,
                "target": {
                    "id": target.id,
                    "platform": target.platform,
                    "native_id": target.native_id,
                    "url": target.url,
                    "kind": target.kind,
                },
                "checker": module.NAME,
            }
            jobs.append(
                (
                    job,
                    f"post:{target.id}",
                    "check",
                    _host_for(module, target, config.endpoints),
                    _CHECK_ACTOR,
                    payload,
                )
            )
            by_post[target.id] = target
        enqueue_started = time.perf_counter()
        waiting = {
            job: _Pending(subject, None)
            for job, subject in _enqueue(broker, ledger, jobs, options.run_id, now()).items()
        }
        enqueue_seconds = time.perf_counter() - enqueue_started

        def apply(payloads: list[dict[str, Any]]) -> None:
            with db.atomic():
                for payload in payloads:
                    _apply_check_result(db, payload, policy, now, options.run_id, report, progress)

        def failed(job: str, pending: _Pending, reason: str) -> None:
            report.errors.append(
                {"post": pending.subject.removeprefix("post:"), "reason": f"job failed: {reason}"}
            )

        def bad(reason: str) -> None:
            report.errors.append({"post": "", "reason": reason})

        collector = _Collector(broker, ledger, settings, waiting, apply, failed, bad, stop, now)
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


def _apply_check_result(
    db: Database,
    payload: dict[str, Any],
    policy: Any,
    now: Callable[[], str],
    run_id: int | None,
    report: RefreshReport,
    progress: Callable[[], None] | None,
) -> None:
    """Write one check job's result: the merge its short link asked for, then the check, in one savepoint;
    a failure is recorded for the post and rolls back only this result (as ``tracker.refresh`` does)."""
    post = str(payload.get("post", ""))
    checked = payload.get("checked")
    if payload.get("kind") != "check":
        report.errors.append({"post": post, "reason": f"unexpected result kind {payload.get('kind')!r}"})
        return
    if checked is None:
        report.skipped += 1
        return
    try:
        result = from_json(CheckResult, checked["result"])
        with db.atomic():
            target = post
            merge = payload.get("merge")
            if merge:
                # The checker saw the status the short link leads to: merge the post into it first, as
                # the single-machine run does before its check.
                target = merge_post(db, post, merge["row"], str(merge["reason"]), now())
                report.merged += 1
            check = Check(
                key=str(payload["job"]),
                post_id=target,
                checker=str(payload["checker"]),
                checked_at=now(),
                result=result,
                url=checked.get("url"),
                elapsed_ms=checked.get("elapsed_ms"),
                run_id=run_id,
            )
            applied = apply_check(db, check, policy)
    except Exception as error:  # recorded for this post; its savepoint rolled back
        report.errors.append({"post": post, "reason": f"database write failed: {error}"})
        return
    if applied.duplicate:
        report.duplicates += 1
        return
    report.checked += 1
    report.statuses[result.status] += 1
    if applied.outcome in ("changed", "returned"):
        report.changed += 1
    report.returned += applied.outcome == "returned"
    report.pending += applied.outcome == "pending"
    if result.status == ERROR:
        report.errors.append({"post": post, "reason": result.detail})
    if progress is not None:
        progress()


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
    settings = parse_queue_url(queue_url)
    stop = stop or threading.Event()
    started = time.perf_counter()
    expanded, failures = expand_sources(sources)
    report = IngestReport(sources=len(expanded) + len(failures), failures=list(failures))
    for failure in failures:
        if progress:
            progress(failure.source, failure.reason)
    # Sources a module reads without the network (files, web archives) are read where they are.
    local = [source for source in expanded if not getattr(module_for(source), "NETWORK", True)]
    remote = [source for source in expanded if getattr(module_for(source), "NETWORK", True)]
    if local:
        _merge_ingest(report, ingest_sync(db, local, config, now=now, progress=progress, workers=workers))
    if remote:
        broker, ledger = _make_broker(settings)
        try:
            jobs = []
            for source in remote:
                job = "s" + uuid.uuid4().hex
                payload = {"job": job, "source": source}
                jobs.append((job, f"source:{source}", "source", _host(source), _SOURCE_ACTOR, payload))
            waiting = {
                job: _Pending(subject, None)
                for job, subject in _enqueue(broker, ledger, jobs, None, now()).items()
            }

            def apply(payloads: list[dict[str, Any]]) -> None:
                with db.atomic():
                    for payload in payloads:
                        _apply_source_result(db, payload, now, report, progress)

            def failed(job: str, pending: _Pending, reason: str) -> None:
                source = pending.subject.removeprefix("source:")
                report.failures.append(Failure(source, f"job failed: {reason}"))
                if progress:
                    progress(source, reason)

            def bad(reason: str) -> None:
                report.failures.append(Failure("", reason))

            _Collector(broker, ledger, settings, waiting, apply, failed, bad, stop, now).run()
        finally:
            broker.close()
    report.seconds = time.perf_counter() - started
    return report


def _merge_ingest(report: IngestReport, other: IngestReport) -> None:
    report.documents += other.documents
    report.saved += other.saved
    report.unchanged += other.unchanged
    report.failures.extend(other.failures)
    for table, count in other.new.items():
        report.new[table] = report.new.get(table, 0) + count


def _apply_source_result(
    db: Database,
    payload: dict[str, Any],
    now: Callable[[], str],
    report: IngestReport,
    progress: Callable[[str, str | None], None] | None,
) -> None:
    source = str(payload.get("source", ""))
    error: str | None = None
    for item_source, reason in payload.get("failures", []):
        report.failures.append(Failure(str(item_source), str(reason)))
        error = str(reason)
    for document in payload.get("documents", []):
        report.documents += 1
        try:
            capture = from_json(Capture, document["capture"])
            extraction = from_json(Extraction, document["extraction"])
            saved = save_extraction(db, capture, extraction, now())
        except Exception as exc:  # recorded per source; its savepoint was rolled back
            reason = f"database write failed: {type(exc).__name__}: {exc}"
            report.failures.append(Failure(source, reason))
            error = reason
            continue
        report.saved += 1
        if not saved.new_capture:
            report.unchanged += 1
        for table, count in saved.new.items():
            report.new[table] = report.new.get(table, 0) + count
    if progress:
        progress(source, error)


# --- status and dead letters -------------------------------------------------------------------------


@dataclass
class QueueStatus:
    """What ``embedtrail queue status`` shows: messages per queue, job counts per host and per worker."""

    queues: dict[str, dict[str, int]]
    hosts: dict[str, dict[str, int]]
    workers: dict[str, dict[str, Any]]
    open_jobs: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "queues": self.queues,
            "hosts": self.hosts,
            "workers": self.workers,
            "open_jobs": self.open_jobs,
        }


def queue_status(queue_url: str) -> QueueStatus:
    """Read the queue's state: waiting, delayed (retry back-off) and dead-lettered messages per queue;
    queued, running, done (awaiting the writer), applied and failed jobs per host; running, finished and
    failed jobs per worker, with when each was last seen."""
    settings = parse_queue_url(queue_url)
    client = redis.Redis.from_url(settings.redis_url)
    try:
        ledger = Ledger(client, settings.namespace)
        ns = settings.dramatiq_namespace
        queues: dict[str, dict[str, int]] = {}
        for queue in (CHECKS, SOURCES, RESULTS):
            pipe = client.pipeline(transaction=False)
            pipe.llen(f"{ns}:{queue}")
            pipe.hlen(f"{ns}:{queue}.msgs")
            pipe.hlen(f"{ns}:{queue}.DQ.msgs")
            pipe.zcard(f"{ns}:{queue}.XQ")
            waiting, held, delayed, dead = (int(v) for v in pipe.execute())
            queues[queue] = {
                "waiting": waiting,
                "taken": max(0, held - waiting),
                "delayed": delayed,
                "dead": dead,
            }
        hosts: dict[str, dict[str, int]] = {}
        workers: dict[str, dict[str, Any]] = {}
        for key, count in ledger.counts().items():
            state, kind, name = key.split("|", 2)
            if kind == "host":
                hosts.setdefault(name or "(none)", dict.fromkeys((*GAUGES, "applied", "failed"), 0))[
                    state
                ] = count
            else:
                workers.setdefault(name, {"running": 0, "finished": 0, "failed": 0})[state] = count
        for name, age in ledger.workers().items():
            entry = workers.setdefault(name, {"running": 0, "finished": 0, "failed": 0})
            entry["last_seen_seconds"] = round(age, 1)
            entry["alive"] = age < settings.visibility_timeout
        return QueueStatus(
            queues, dict(sorted(hosts.items())), dict(sorted(workers.items())), len(ledger.open_jobs())
        )
    finally:
        client.close()


def retry_failed(queue_url: str, *, now: Callable[[], str] = utc_now) -> int:
    """Put every dead-lettered job back on its queue with fresh retries; returns how many. Each is
    enqueued before it leaves the dead-letter list, so a crash in between duplicates, never loses, one."""
    settings = parse_queue_url(queue_url)
    broker, ledger = _make_broker(settings)
    client = broker.client
    ns = settings.dramatiq_namespace
    count = 0
    try:
        for queue in (CHECKS, SOURCES, RESULTS):
            dead_key, data_key = f"{ns}:{queue}.XQ", f"{ns}:{queue}.XQ.msgs"
            for raw_id in cast(list[Any], client.zrange(dead_key, 0, -1)):
                data = client.hget(data_key, raw_id)
                if data is not None:
                    message = dramatiq.Message.decode(cast(bytes, data))
                    fresh = {
                        k: v
                        for k, v in message.options.items()
                        if k not in ("retries", "traceback", "redis_message_id", "eta", "requeue_timestamp")
                    }
                    broker.enqueue(message.copy(queue_name=queue, options=fresh))
                    job = _job_of(MessageProxy(message))
                    if job and queue != RESULTS:
                        ledger.transition(job, "queued", now(), reason="retried from the dead-letter list")
                    count += 1
                pipe = client.pipeline()
                pipe.zrem(dead_key, raw_id)
                pipe.hdel(data_key, raw_id)
                pipe.execute()
    finally:
        broker.close()
    return count


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGTERM/SIGINT for the duration of the block (main thread only)."""
    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    for signum in previous:
        signal.signal(signum, lambda *_: stop.set())
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
