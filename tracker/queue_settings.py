"""The queue's names and knobs: its queues and actors, and the settings read from the ``--queue`` URL.

``redis://host:6379/0?visibility_timeout=60&batch=500`` → ``QueueSettings``: the query string carries the
queue's own settings, the rest of the URL goes to redis-py. Coordinator and workers must agree on
``namespace`` and ``visibility_timeout``. Retries of a job that raised default to ``[limits] max_retries`` and
``retry_backoff``, the same numbers a local run uses for a failed request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .config import Limits

__all__ = [
    "CHECKS",
    "CHECK_ACTOR",
    "DEFAULT_BATCH",
    "DEFAULT_NAMESPACE",
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_VISIBILITY_TIMEOUT",
    "RESULTS",
    "RESULT_ACTOR",
    "SOURCES",
    "SOURCE_ACTOR",
    "QueueSettings",
    "parse_queue_url",
]

CHECKS = "checks"
SOURCES = "sources"
RESULTS = "results"
CHECK_ACTOR = "embedtrail_check"
SOURCE_ACTOR = "embedtrail_source"
RESULT_ACTOR = "embedtrail_result"  # never run by a worker: the coordinator consumes its queue itself

DEFAULT_NAMESPACE = "embedtrail"
# Seconds without a heartbeat after which a worker counts as dead and its jobs are redelivered.
DEFAULT_VISIBILITY_TIMEOUT = 60.0
# Results written per transaction (one commit, one savepoint per result).
DEFAULT_BATCH = 500
# A job taking longer than this is interrupted and retried.
DEFAULT_TIME_LIMIT = 300.0


@dataclass(frozen=True)
class QueueSettings:
    """``namespace`` prefixes every key (two deployments can share a Redis); ``visibility_timeout`` (s);
    ``batch``; ``max_retries`` and ``retry_backoff`` (s) for a job that raised (a check that got an error
    answer is a result, not a failed job); ``time_limit`` (s)."""

    redis_url: str
    namespace: str = DEFAULT_NAMESPACE
    visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT
    batch: int = DEFAULT_BATCH
    max_retries: int = Limits.max_retries
    time_limit: float = DEFAULT_TIME_LIMIT
    retry_backoff: float = Limits.retry_backoff

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


def parse_queue_url(url: str, limits: Limits | None = None) -> QueueSettings:
    """``redis://host:port/db?visibility_timeout=30`` → QueueSettings. ValueError for a bad URL or value.
    ``limits`` supplies the job retry defaults (``[limits] max_retries``, ``retry_backoff``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ValueError(f"not a Redis URL: {url!r} (use redis://HOST:PORT/DB)")
    ours: dict[str, Any] = {}
    if limits is not None:
        ours.update(max_retries=limits.max_retries, retry_backoff=limits.retry_backoff)
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
