"""``embedtrail worker``: a process that takes check and source jobs off the queue, does the network work and
the extraction, and sends each result back. It never touches a database.

A check job runs ``tracker.checkers.flow.check_post``, the same as a local refresh, through an ``Http`` gated
by Redis (``tracker.queue_redis.HostGate``), so per-host concurrency, spacing and 429 pauses hold across every
worker on every machine. A source job reads its source and extracts each document through the pipeline's
``Extractor``, under the same time and memory budget as ingest. A job is marked running in the ledger, its
result enqueued, then marked done; Dramatiq acknowledges it after that, so a crash anywhere only causes a
redelivery, which the coordinator writes once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import threading
from collections.abc import Collection, Coroutine, Mapping
from typing import Any, TypeVar

import dramatiq
import redis
import redis.asyncio
from dramatiq.asyncio import get_event_loop_thread
from dramatiq.broker import MessageProxy
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Middleware

from .checkers import Target, by_name
from .checkers.flow import check_post, url_host
from .checkers.http import FetcherHttp, GatedHttp
from .clock import utc_now
from .config import Config, Limits
from .fetch import Fetched, Fetcher, FetchError, FetchSettings
from .pipeline import Extractor, PipelineFailure, identified, nothing_read
from .queue_codec import to_json
from .queue_dramatiq import Heartbeat, job_of, make_broker, message
from .queue_redis import HostGate, Ledger
from .queue_settings import (
    CHECK_ACTOR,
    CHECKS,
    RESULT_ACTOR,
    RESULTS,
    SOURCE_ACTOR,
    SOURCES,
    QueueSettings,
    parse_queue_url,
)
from .sources import Document, Failure, SourceContext, module_for

__all__ = ["ACTORS", "run_worker", "worker_name"]

T = TypeVar("T")


class _WorkerState:
    """One worker process: its config, name, broker and ledger, and (on the event loop thread, built on first
    use) the fetcher, the Redis gate and the extraction pool."""

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
        self._extractor: Extractor | None = None
        self._lock: asyncio.Lock | None = None

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the worker's shared event loop and wait for it (from a worker thread)."""
        thread = get_event_loop_thread()
        if thread is None:
            coroutine.close()
            raise RuntimeError("no event loop thread: the AsyncIO middleware is missing")
        return thread.run_coroutine(coroutine)

    async def tools(self) -> tuple[Fetcher, HostGate, Extractor]:
        """The fetcher, the gate and the extractor, built once on the event loop."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._fetcher is None or self._gate is None or self._extractor is None:
                self._fetcher = Fetcher(FetchSettings.for_checks(self.config))
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
                self._extractor = Extractor(limits, expected=os.cpu_count() or 1)
        return self._fetcher, self._gate, self._extractor

    async def aclose(self) -> None:
        """Close the fetcher, the Redis connection and the extraction workers (on the event loop)."""
        if self._fetcher is not None:
            await self._fetcher.aclose()
        if self._client is not None:
            await self._client.aclose()
        if self._extractor is not None:
            self._extractor.close()
        self._fetcher = self._client = self._gate = self._extractor = None


_STATE: _WorkerState | None = None


def _state() -> _WorkerState:
    if _STATE is None:
        raise RuntimeError("not a worker process: run_worker() sets it up")
    return _STATE


class _LedgerMiddleware(Middleware):
    """Keeps the ledger in step with Dramatiq's own bookkeeping on the worker side: a job that raised and
    will be retried is ``queued`` again; one that went to the dead-letter list is ``failed``, with the last
    line of its traceback as the reason."""

    def __init__(self, ledger: Ledger, worker: str) -> None:
        self.ledger = ledger
        self.worker = worker

    def after_process_message(
        self, broker: dramatiq.Broker, made: MessageProxy, *, result: Any = None, exception: Any = None
    ) -> None:
        if exception is None or made.failed:
            return
        with contextlib.suppress(redis.RedisError):
            reason = f"retrying: {_reason(made, exception)}"
            self.ledger.transition(job_of(made), "queued", utc_now(), reason=reason)

    def after_nack(self, broker: dramatiq.Broker, made: MessageProxy) -> None:
        with contextlib.suppress(redis.RedisError):
            self.ledger.transition(
                job_of(made), "failed", utc_now(), worker=self.worker, reason=_reason(made, None)
            )

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        state = _STATE
        thread = get_event_loop_thread()
        if state is not None and thread is not None:
            with contextlib.suppress(Exception):
                thread.run_coroutine(state.aclose())


def _reason(made: MessageProxy, exception: Any) -> str:
    if exception is not None:
        return f"{type(exception).__name__}: {exception}"
    trace = str(made.options.get("traceback") or "").strip().splitlines()
    return trace[-1] if trace else "failed"


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
    state.broker.enqueue(message(RESULTS, RESULT_ACTOR, payload))
    state.ledger.transition(job, "done", utc_now(), worker=state.name)


def _check_actor(payload: dict[str, Any]) -> None:
    state = _state()
    job = str(payload["job"])
    if not _start_job(state, job):
        return
    answer = state.run(_check_job(state, payload))
    _finish_job(state, job, {**answer, "job": job, "kind": "check", "worker": state.name})


async def _check_job(state: _WorkerState, payload: dict[str, Any]) -> dict[str, Any]:
    """Check one post (following its short link first when it has one); the outcome as JSON data."""
    fetcher, gate, _extractor = await state.tools()
    config = state.config
    http = GatedHttp(FetcherHttp(fetcher), gate, config.limits)
    module = by_name(payload["checker"])

    async def sleep(seconds: float) -> bool:
        await asyncio.sleep(seconds)
        return True

    outcome = await check_post(
        module, Target(**payload["target"]), http, config.endpoints, config.limits, sleep
    )
    checked = outcome.checked
    return {
        "post": outcome.target.id,
        "checker": outcome.checker,
        "merge": None
        if outcome.merge is None
        else {"row": dict(outcome.merge), "reason": outcome.merge_reason},
        "checked": None
        if checked is None
        else {
            "result": to_json(checked.result),
            "url": checked.url,
            "elapsed_ms": checked.elapsed_ms,
            # The answer behind the evidence, for the coordinator's evidence store.
            "answer": None if checked.answer is None else to_json(checked.answer),
        },
    }


def _source_actor(payload: dict[str, Any]) -> None:
    state = _state()
    job = str(payload["job"])
    if not _start_job(state, job):
        return
    source = str(payload["source"])
    saved, failures = state.run(_source_job(state, source))
    answer = {
        "job": job,
        "kind": "source",
        "source": source,
        "documents": saved,
        "failures": [[f.source, f.reason] for f in failures],
        "worker": state.name,
    }
    _finish_job(state, job, answer)


async def _source_job(state: _WorkerState, source: str) -> tuple[list[dict[str, Any]], list[Failure]]:
    """Read ``source`` and extract each document under the budget; the extractions as JSON data."""
    fetcher, gate, extractor = await state.tools()
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
            (failures if isinstance(item, Failure) else documents).append(item)  # type: ignore[arg-type]
    except Exception as exc:  # an input module failing on one source, as in tracker.ingest
        failures.append(Failure(source, f"{type(exc).__name__}: {exc}"))
    saved: list[dict[str, Any]] = []
    for document in documents:
        try:
            extraction = identified(document, await extractor.extract(document))
        except PipelineFailure as failure:
            failures.append(Failure(document.source, failure.reason))
            continue
        empty = nothing_read(extraction)
        if empty is not None:
            failures.append(Failure(document.source, empty))
            continue
        saved.append(
            {
                "capture": to_json(document.capture),
                "extraction": to_json(extraction),
                # The bytes themselves, for the coordinator's evidence store.
                "body": to_json(document.body),
            }
        )
    return saved, failures


class _GatedFetcher:
    """The ``Fetching`` a source module gets: ``Fetcher.get`` behind the global host gate (a 429 pauses the
    host for every worker, as ``GatedHttp`` does for checks)."""

    def __init__(self, fetcher: Fetcher, gate: HostGate, limits: Limits) -> None:
        self.fetcher = fetcher
        self.gate = gate
        self.limits = limits

    async def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content_types: Collection[str] | None = None,
    ) -> Fetched | FetchError:
        host = url_host(url)
        async with self.gate.slot(host):
            result = await self.fetcher.get(url, headers=headers, content_types=content_types)
        if isinstance(result, FetchError) and result.status == 429:
            wait = result.retry_after if result.retry_after is not None else self.limits.retry_backoff
            await self.gate.pause(host, min(wait, self.limits.max_retry_after))
        return result


# The actors a worker runs: (actor name, queue, function).
ACTORS = ((CHECK_ACTOR, CHECKS, _check_actor), (SOURCE_ACTOR, SOURCES, _source_actor))


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
    settings = parse_queue_url(queue_url, config.limits)
    stop = stop or threading.Event()
    label = name or worker_name()
    broker = make_broker(settings, ACTORS)
    ledger = Ledger(broker.client, settings.namespace)
    broker.add_middleware(_LedgerMiddleware(ledger, label))
    _STATE = _WorkerState(config, settings, label, broker, ledger)
    if handle_signals:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    heartbeat = Heartbeat(broker, settings.visibility_timeout / 4, lambda: ledger.seen(label))
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
