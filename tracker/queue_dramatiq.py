"""Everything embedtrail asks of Dramatiq's Redis broker, in one place: building the broker, messages, the
process heartbeat, the maintenance sweep, and reading its queues for ``queue status`` and ``queue retry``.

Dramatiq's Redis broker redelivers the jobs of a worker whose heartbeat is older than the visibility timeout,
but only during "maintenance", which it runs on a random small share of its commands, and a process refreshes
its heartbeat only when a consumer fetches. Two things here go past Dramatiq's documented API, and only here:
``Sweeper`` dispatches the broker's ``qsize`` command (the one ``RedisBroker.join`` uses) on a broker built to
run maintenance on every command, and ``queue_counts``/``dead_letters`` read the key layout that Dramatiq's
``dispatch.lua`` documents. ``tests/test_queue_dramatiq.py`` fails when a Dramatiq release changes either.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

import dramatiq
import redis
from dramatiq.broker import MessageProxy
from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker
from dramatiq.middleware import AsyncIO, Middleware
from dramatiq.middleware import default_middleware as dramatiq_default_middleware

from .queue_settings import QueueSettings

__all__ = [
    "HEARTBEAT_QUEUE",
    "Heartbeat",
    "Sweeper",
    "dead_letters",
    "job_of",
    "make_broker",
    "message",
    "queue_counts",
]

# A queue nobody enqueues to: fetching from it is how a process tells Redis it is alive.
HEARTBEAT_QUEUE = "heartbeat"


def make_broker(
    settings: QueueSettings,
    actors: Sequence[tuple[str, str, Callable[..., Any]]] = (),
    middleware: Sequence[Middleware] = (),
    *,
    maintenance_chance: int = MAINTENANCE_SCALE // 100,
) -> RedisBroker:
    """A Redis broker with Dramatiq's default middleware plus AsyncIO and ``middleware``, and ``actors``
    (``(actor name, queue, function)``) declared on it with the settings' retry and time limits."""
    stack: list[Middleware] = [m() for m in dramatiq_default_middleware]
    stack.append(AsyncIO())
    broker = RedisBroker(  # type: ignore[no-untyped-call]  # dramatiq leaves this __init__ untyped
        url=settings.redis_url,
        namespace=settings.dramatiq_namespace,
        middleware=stack,
        heartbeat_timeout=round(settings.visibility_timeout * 1000),
        # Maintenance (redelivery of dead workers' jobs) also runs on purpose from sweeps; this chance only
        # makes it happen sooner between them.
        maintenance_chance=maintenance_chance,
    )
    for extra in middleware:
        broker.add_middleware(extra)
    options: dict[str, Any] = {
        "max_retries": settings.max_retries,
        "min_backoff": round(settings.retry_backoff * 1000),
        "max_backoff": 60_000,
        "time_limit": round(settings.time_limit * 1000),
    }
    for name, queue, fn in actors:
        dramatiq.actor(actor_name=name, queue_name=queue, broker=broker, **options)(fn)
    return broker


def message(
    queue: str, actor: str, payload: dict[str, Any], message_id: str | None = None
) -> dramatiq.Message[Any]:
    """A message carrying ``payload`` to ``actor`` on ``queue`` (``message_id`` makes it idempotent)."""
    made: dramatiq.Message[Any] = dramatiq.Message(
        queue_name=queue, actor_name=actor, args=(payload,), kwargs={}, options={}
    )
    return made.copy(message_id=message_id) if message_id else made


def job_of(made: MessageProxy | dramatiq.Message[Any]) -> str:
    """The embedtrail job id a message carries ("" if none)."""
    payload = made.args[0] if made.args else {}
    return str(payload.get("job", "")) if isinstance(payload, dict) else ""


class Heartbeat(threading.Thread):
    """Tells Redis this process is alive every ``interval`` seconds, whatever its threads are doing, by
    fetching from an empty queue (every broker command records the caller's heartbeat). Dramatiq's consumers
    only fetch while they have room for more jobs, so a worker busy with long jobs would otherwise look dead
    and see its jobs redelivered while it still works on them. ``on_beat`` runs after each beat."""

    def __init__(
        self, broker: RedisBroker, interval: float, on_beat: Callable[[], None] | None = None
    ) -> None:
        super().__init__(name="embedtrail-heartbeat", daemon=True)
        self.consumer = broker.consume(HEARTBEAT_QUEUE, prefetch=1, timeout=10)
        self.interval = interval
        self.on_beat = on_beat
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.beat()
            except (redis.RedisError, dramatiq.errors.BrokerConnectionError):
                continue  # Redis away for a moment: the next beat tries again

    def beat(self) -> None:
        """One heartbeat now."""
        next(self.consumer)
        if self.on_beat is not None:
            self.on_beat()

    def stop(self) -> None:
        self.stopped.set()


class Sweeper:
    """Runs Dramatiq's queue maintenance on demand: jobs held by processes whose heartbeat is older than the
    visibility timeout go back to their queues. A coordinator waiting on a killed worker should not depend on
    the broker's random maintenance."""

    def __init__(self, settings: QueueSettings) -> None:
        self.broker = make_broker(settings, maintenance_chance=MAINTENANCE_SCALE)

    def sweep(self, queues: Sequence[str]) -> None:
        """Maintenance of ``queues`` and their delay queues, now."""
        for queue in queues:
            self.broker.do_qsize(queue)
            self.broker.do_qsize(f"{queue}.DQ")

    def close(self) -> None:
        self.broker.close()


def queue_counts(client: redis.Redis, settings: QueueSettings, queue: str) -> dict[str, int]:
    """Messages of ``queue``: waiting, taken by a worker, delayed (retry back-off) and dead-lettered."""
    ns = settings.dramatiq_namespace
    pipe = client.pipeline(transaction=False)
    pipe.llen(f"{ns}:{queue}")
    pipe.hlen(f"{ns}:{queue}.msgs")
    pipe.hlen(f"{ns}:{queue}.DQ.msgs")
    pipe.zcard(f"{ns}:{queue}.XQ")
    waiting, held, delayed, dead = (int(v) for v in pipe.execute())
    return {"waiting": waiting, "taken": max(0, held - waiting), "delayed": delayed, "dead": dead}


def dead_letters(client: redis.Redis, settings: QueueSettings, queue: str) -> Iterator[dramatiq.Message[Any]]:
    """Take each dead-lettered message of ``queue`` off the dead-letter list, yielding it first: the caller
    re-enqueues it before it is removed, so a crash in between duplicates, never loses, one."""
    ns = settings.dramatiq_namespace
    dead_key, data_key = f"{ns}:{queue}.XQ", f"{ns}:{queue}.XQ.msgs"
    for raw_id in cast(list[Any], client.zrange(dead_key, 0, -1)):
        data = client.hget(data_key, raw_id)
        if data is not None:
            yield dramatiq.Message.decode(cast(bytes, data))
        pipe = client.pipeline()
        pipe.zrem(dead_key, raw_id)
        pipe.hdel(data_key, raw_id)
        pipe.execute()
