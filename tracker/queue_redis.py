"""What the queue keeps in Redis besides Dramatiq's own messages: the job ledger (one open job per post or
source, each job's state, counters per host and per worker) and the global politeness gate (per-host
concurrency, minimum interval and 429 pause shared by every worker on every machine).

Every read-modify-write is one Lua script, so it is atomic on the Redis server whatever the number of
workers. The gate is the counting semaphore with expiring holders of "Redis in Action" (6.3.1): each holder
is a sorted-set member scored by its expiry, so a slot held by a killed worker frees itself after
``ttl`` without anyone noticing the death. Times inside the gate come from the Redis server's clock
(``TIME``), so machines whose clocks disagree still space requests correctly.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any, cast

import redis
import redis.asyncio

__all__ = [
    "DEFAULT_JOB_TTL",
    "GAUGES",
    "HostGate",
    "Ledger",
]

# Job records and open marks outlive a lost job by this long (seconds): as long as Dramatiq keeps a
# dead-lettered message, so "queue retry" still finds the job it re-queues.
DEFAULT_JOB_TTL = 7 * 86400
# States a job is in until it is applied; they are gauges (go up and down) in the counters.
GAUGES = ("queued", "running", "done")

# claim(KEYS: open, job; ARGV: subject, job id, kind, host, run, now, ttl, job key prefix)
#  -> {"enqueue"|"pending"|"busy", job id}
_CLAIM = """
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing and existing ~= ARGV[2] then
  local state = redis.call('HGET', ARGV[8] .. existing, 'state')
  if state == 'queued' or state == 'running' or state == 'done' then
    return {'busy', existing}
  end
end
if existing == ARGV[2] then
  local state = redis.call('HGET', KEYS[2], 'state')
  if state == 'queued' or state == 'running' or state == 'done' then
    return {'pending', existing}
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('HSET', KEYS[2], 'state', 'new', 'kind', ARGV[3], 'subject', ARGV[1], 'host', ARGV[4],
             'run', ARGV[5], 'worker', '', 'reason', '', 'created', ARGV[6], 'updated', ARGV[6])
end
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[7]))
return {'enqueue', ARGV[2]}
"""

# transition(KEYS: job, counts, open; ARGV: state, worker, reason, now, ttl, release "1"/"0", job id)
#  -> the state the job is in afterwards ("" for an unknown job)
_TRANSITION = """
local old = redis.call('HGET', KEYS[1], 'state')
if not old then return '' end
local new = ARGV[1]
local worker = ARGV[2]
if old == 'applied' then return old end
if new == 'running' and old == 'done' then return old end
local host = redis.call('HGET', KEYS[1], 'host') or ''
local old_worker = redis.call('HGET', KEYS[1], 'worker') or ''
if old == new and (new ~= 'running' or old_worker == worker) then return old end
local gauges = {queued = true, running = true, done = true}
if gauges[old] then
  redis.call('HINCRBY', KEYS[2], old .. '|host|' .. host, -1)
  if old == 'running' and old_worker ~= '' then
    redis.call('HINCRBY', KEYS[2], 'running|worker|' .. old_worker, -1)
  end
end
if gauges[new] then
  redis.call('HINCRBY', KEYS[2], new .. '|host|' .. host, 1)
  if new == 'running' and worker ~= '' then
    redis.call('HINCRBY', KEYS[2], 'running|worker|' .. worker, 1)
  end
end
if new == 'done' and worker ~= '' then
  redis.call('HINCRBY', KEYS[2], 'finished|worker|' .. worker, 1)
end
if new == 'failed' then
  redis.call('HINCRBY', KEYS[2], 'failed|host|' .. host, 1)
  if worker ~= '' then redis.call('HINCRBY', KEYS[2], 'failed|worker|' .. worker, 1) end
end
if new == 'applied' then
  redis.call('HINCRBY', KEYS[2], 'applied|host|' .. host, 1)
end
redis.call('HSET', KEYS[1], 'state', new, 'updated', ARGV[4], 'reason', ARGV[3])
if worker ~= '' then redis.call('HSET', KEYS[1], 'worker', worker) end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
if ARGV[6] == '1' then
  local subject = redis.call('HGET', KEYS[1], 'subject')
  if subject and redis.call('HGET', KEYS[3], subject) == ARGV[7] then
    redis.call('HDEL', KEYS[3], subject)
  end
end
return new
"""

# acquire(KEYS: slots, next start, pause; ARGV: holder, limit, ttl ms, interval ms)
#  -> 0 when the slot is taken, else milliseconds worth waiting before asking again
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if paused > now then return paused - now end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, math.min(tonumber(first[2]) - now, 20))
end
local start = tonumber(redis.call('GET', KEYS[2]) or '0')
if start > now then return start - now end
local ttl = tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
local interval = tonumber(ARGV[4])
if interval > 0 then redis.call('SET', KEYS[2], now + interval, 'PX', interval) end
return 0
"""

# renew(KEYS: slots; ARGV: holder, ttl ms) -> 1 while the holder still holds its slot, else 0
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 1
end
return 0
"""

# pause(KEYS: pause; ARGV: ms) — extends, never shortens, the host's pause.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > current then redis.call('SET', KEYS[1], until_ms, 'PX', tonumber(ARGV[1])) end
return until_ms
"""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class Ledger:
    """The job ledger. ``subject`` names what a job is about (``post:<id>``, ``source:<url>``); at most one
    job per subject is open (queued, running, or done but not yet written) at a time."""

    def __init__(self, client: redis.Redis, namespace: str, ttl: int = DEFAULT_JOB_TTL) -> None:
        self.client = client
        self.namespace = namespace
        self.ttl = ttl
        self.open_key = f"{namespace}:open"
        self.counts_key = f"{namespace}:count"
        self.workers_key = f"{namespace}:workers"
        self._claim = client.register_script(_CLAIM)
        self._transition = client.register_script(_TRANSITION)

    def job_key(self, job_id: str) -> str:
        """The Redis key of a job's record."""
        return f"{self.namespace}:job:{job_id}"

    def claim(
        self, subject: str, job_id: str, kind: str, host: str, run: int | None, now: str
    ) -> tuple[str, str]:
        """Open ``job_id`` for ``subject`` unless a job is already open for it. Returns ``("enqueue", id)``
        when the caller must enqueue it (new, or recorded but never confirmed queued, or failed before),
        ``("pending", id)`` when that very job is already on its way, ``("busy", other)`` when another job
        for the subject is."""
        answer = self._claim(
            keys=[self.open_key, self.job_key(job_id)],
            args=[
                subject,
                job_id,
                kind,
                host,
                "" if run is None else run,
                now,
                self.ttl,
                f"{self.namespace}:job:",
            ],
        )
        action, job = (_text(item) for item in answer)
        return action, job

    def transition(
        self, job_id: str, state: str, now: str, *, worker: str = "", reason: str = "", release: bool = False
    ) -> str:
        """Move a job to ``state`` (counters follow); ``release`` also closes its subject's open mark.
        Returns the job's state afterwards ("" for an unknown or expired job; ``applied`` is final)."""
        answer = self._transition(
            keys=[self.job_key(job_id), self.counts_key, self.open_key],
            args=[state, worker, reason[:500], now, self.ttl, "1" if release else "0", job_id],
        )
        return _text(answer)

    def states(self, job_ids: Iterable[str]) -> dict[str, str | None]:
        """Each job's state (None when the record is gone)."""
        ids = list(job_ids)
        pipe = self.client.pipeline(transaction=False)
        for job_id in ids:
            pipe.hget(self.job_key(job_id), "state")
        return {
            job_id: (_text(v) if v is not None else None)
            for job_id, v in zip(ids, pipe.execute(), strict=True)
        }

    def job(self, job_id: str) -> dict[str, str]:
        """A job's record (empty when unknown)."""
        raw = cast(dict[Any, Any], self.client.hgetall(self.job_key(job_id)))
        return {_text(k): _text(v) for k, v in raw.items()}

    def counts(self) -> dict[str, int]:
        """The counters: ``"<state>|host|<host>"`` and ``"<state>|worker|<worker>"`` → count."""
        raw = cast(dict[Any, Any], self.client.hgetall(self.counts_key))
        return {_text(k): int(v) for k, v in raw.items()}

    def seen(self, worker: str) -> None:
        """Record that ``worker`` is alive now (the server's clock)."""
        seconds, micros = self.client.time()
        self.client.zadd(self.workers_key, {worker: seconds * 1000 + micros // 1000})

    def workers(self) -> dict[str, float]:
        """Worker name → seconds since it was last seen."""
        seconds, micros = self.client.time()
        now = seconds * 1000 + micros // 1000
        raw = cast(list[tuple[Any, float]], self.client.zrange(self.workers_key, 0, -1, withscores=True))
        return {_text(name): max(0.0, (now - score) / 1000) for name, score in raw}

    def open_jobs(self) -> dict[str, str]:
        """Subject → job id of every open mark."""
        raw = cast(dict[Any, Any], self.client.hgetall(self.open_key))
        return {_text(k): _text(v) for k, v in raw.items()}


class HostGate:
    """Global politeness per host, shared through Redis: at most ``limit`` requests in flight, starts at
    least ``interval`` seconds apart, and nothing while the host is paused after a 429."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        namespace: str,
        *,
        limit: int,
        interval: float = 0.0,
        ttl: float = 120.0,
        holder_prefix: str = "",
    ) -> None:
        self.client = client
        self.namespace = namespace
        self.limit = max(1, limit)
        self.interval_ms = max(0, round(interval * 1000))
        # A slot is a lease: renewed every third of ``ttl`` while its request runs, so a long request keeps
        # it, and a worker killed holding it frees it within ``ttl``.
        self.ttl_ms = max(300, round(ttl * 1000))
        self.holder_prefix = holder_prefix
        self._count = 0
        self._acquire = client.register_script(_ACQUIRE)
        self._pause = client.register_script(_PAUSE)
        self._renew = client.register_script(_RENEW)
        self.waited = 0.0

    def _keys(self, host: str) -> list[str]:
        base = f"{self.namespace}:host:{host}"
        return [f"{base}:slots", f"{base}:next", f"{base}:pause"]

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of ``host``'s slots for the duration of the block (waits for it, polling Redis)."""
        self._count += 1
        holder = f"{self.holder_prefix}{self._count}:{random.getrandbits(32):08x}"
        keys = self._keys(host)
        while True:
            wait = int(
                await self._acquire(keys=keys, args=[holder, self.limit, self.ttl_ms, self.interval_ms])
            )
            if wait <= 0:
                break
            # Jitter, so workers polling a full host do not wake in lockstep.
            seconds = wait / 1000 * random.uniform(1.0, 1.5)
            self.waited += seconds
            await asyncio.sleep(seconds)
        renewal = asyncio.create_task(self._keep(keys[0], holder))
        try:
            yield
        finally:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal
            await self.client.zrem(keys[0], holder)

    async def _keep(self, slots: str, holder: str) -> None:
        while True:
            await asyncio.sleep(self.ttl_ms / 3000)
            with contextlib.suppress(redis.RedisError):
                await self._renew(keys=[slots], args=[holder, self.ttl_ms])

    async def pause(self, host: str, seconds: float) -> None:
        """Keep every worker off ``host`` for ``seconds`` (a 429's Retry-After); never shortens a pause."""
        await self._pause(keys=[self._keys(host)[2]], args=[max(1, round(seconds * 1000))])
