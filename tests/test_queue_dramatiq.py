"""What embedtrail relies on in Dramatiq beyond its documented API (``tracker.queue_dramatiq``), checked
against the installed release with a real redis-server: a heartbeat is a fetch from an empty queue, a sweep
redelivers the jobs of a process whose heartbeat stopped, and the key layout that ``queue status`` and ``queue
retry`` read. A Dramatiq release that changes any of these fails here before it fails a queue run."""

from __future__ import annotations

import time
from typing import Any

import redis
from redisserver import redis_server, redis_url  # noqa: F401  (fixtures)

from embedtrail.tracker.queue_dramatiq import (
    Heartbeat,
    Sweeper,
    dead_letters,
    make_broker,
    message,
    queue_counts,
)
from embedtrail.tracker.queue_settings import parse_queue_url


def _heartbeats(client: redis.Redis, settings: Any) -> dict[str, float]:
    raw = client.zrange(f"{settings.dramatiq_namespace}:__heartbeats__", 0, -1, withscores=True)
    return {name.decode(): score for name, score in raw}  # type: ignore[union-attr]


def test_a_heartbeat_refreshes_the_process_entry_without_taking_a_job(redis_url: str) -> None:  # noqa: F811
    settings = parse_queue_url(redis_url)
    broker = make_broker(settings)
    try:
        broker.enqueue(message("checks", "embedtrail_check", {"job": "j1"}))
        Heartbeat(broker, 60).beat()
        first = _heartbeats(broker.client, settings)[broker.broker_id]
        time.sleep(0.01)
        Heartbeat(broker, 60).beat()
        assert _heartbeats(broker.client, settings)[broker.broker_id] > first
        assert queue_counts(broker.client, settings, "checks") == {
            "waiting": 1,
            "taken": 0,
            "delayed": 0,
            "dead": 0,
        }
    finally:
        broker.close()


def test_a_sweep_redelivers_the_jobs_of_a_dead_process(redis_url: str) -> None:  # noqa: F811
    settings = parse_queue_url(redis_url + "?visibility_timeout=0.2")
    holder = make_broker(settings, maintenance_chance=0)
    sweeper = Sweeper(settings)
    try:
        holder.enqueue(message("checks", "embedtrail_check", {"job": "j1"}))
        consumer = holder.consume("checks", prefetch=1, timeout=10)
        taken = next(consumer)
        assert taken is not None
        assert queue_counts(holder.client, settings, "checks")["taken"] == 1
        time.sleep(0.4)  # the holder's heartbeat is now older than the visibility timeout
        sweeper.sweep(("checks",))
        assert queue_counts(holder.client, settings, "checks") == {
            "waiting": 1,
            "taken": 0,
            "delayed": 0,
            "dead": 0,
        }
    finally:
        sweeper.close()
        holder.close()


def test_dead_letters_are_read_and_taken_off_the_list(redis_url: str) -> None:  # noqa: F811
    settings = parse_queue_url(redis_url)
    broker = make_broker(settings)
    try:
        broker.enqueue(message("checks", "embedtrail_check", {"job": "j9"}))
        consumer = broker.consume("checks", prefetch=1, timeout=10)
        taken = next(consumer)
        assert taken is not None
        consumer.nack(taken)
        assert queue_counts(broker.client, settings, "checks")["dead"] == 1
        (dead,) = list(dead_letters(broker.client, settings, "checks"))
        assert dead.args == ({"job": "j9"},)
        assert queue_counts(broker.client, settings, "checks")["dead"] == 0
    finally:
        broker.close()
