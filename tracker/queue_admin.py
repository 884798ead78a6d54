"""``embedtrail queue status`` and ``embedtrail queue retry``: what the queue holds, and dead letters back.

Status reads messages per queue (waiting, taken, delayed for a retry, dead-lettered), job counts per host
and per worker from the ledger, and when each worker was last seen. Retry puts every dead-lettered job back
on its queue with fresh retries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

from .clock import utc_now
from .queue_dramatiq import dead_letters, job_of, make_broker, queue_counts
from .queue_redis import GAUGES, Ledger
from .queue_settings import CHECKS, RESULTS, SOURCES, parse_queue_url

__all__ = ["QueueStatus", "queue_status", "retry_failed"]


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
        queues = {queue: queue_counts(client, settings, queue) for queue in (CHECKS, SOURCES, RESULTS)}
        hosts: dict[str, dict[str, int]] = {}
        workers: dict[str, dict[str, Any]] = {}
        for key, count in ledger.counts().items():
            state, kind, name = key.split("|", 2)
            if kind == "host":
                empty = dict.fromkeys((*GAUGES, "applied", "failed"), 0)
                hosts.setdefault(name or "(none)", empty)[state] = count
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
    broker = make_broker(settings)
    ledger = Ledger(broker.client, settings.namespace)
    count = 0
    try:
        for queue in (CHECKS, SOURCES, RESULTS):
            for dead in dead_letters(broker.client, settings, queue):
                gone = ("retries", "traceback", "redis_message_id", "eta", "requeue_timestamp")
                fresh = {k: v for k, v in dead.options.items() if k not in gone}
                broker.enqueue(dead.copy(queue_name=queue, options=fresh))
                job = job_of(dead)
                if job and queue != RESULTS:
                    ledger.transition(job, "queued", now(), reason="retried from the dead-letter list")
                count += 1
    finally:
        broker.close()
    return count
