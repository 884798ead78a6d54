"""Caches expensive anonymous pages in memory until the database changes, so aggregate pages of a large
database (table counts and facets over millions of rows, the charts, rankings over every citation) are paid
for once per change instead of once per visitor.

SQLite says when the file changed: ``PRAGMA data_version`` on a connection of our own moves whenever any other
connection commits (ingest, refresh, a migration). A cached page is served while it has not moved, which on a
published (immutable) snapshot is forever. A live database that a refresh run writes to every few seconds
would rarely keep a page, so a page that cost a second or more may be served while at most
``STALE_SECONDS_PER_COST_SECOND`` times its cost old (capped at ``MAX_STALE_SECONDS``); cheap pages never are.

A page is keyed by everything its answer depends on: scheme, Host (Datasette writes both into absolute URLs),
the raw path and query, and the ``Accept`` and ``If-None-Match`` headers Datasette reads. Only what is the
same for everyone is cached: GET or HEAD without cookies or credentials, answered 200 without ``Set-Cookie``,
not streamed CSV, and no bigger than ``MAX_ENTRY_BYTES``. Hits carry ``Age`` and ``X-Embedtrail-Cache: hit``
so anyone can tell. ``plugins.embedtrail.response_cache: false`` in the metadata turns the cache off (the
benchmark does, to measure the uncached pages)."""

from __future__ import annotations

import sqlite3
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ResponseCache", "cache_responses"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
Key = tuple[str, ...]

# Pages cheaper than this are recomputed: caching them would save nothing worth the memory.
MIN_COST_SECONDS = 0.05
# Serving a page older than the data needs a page that is expensive enough to be worth it...
MIN_STALE_COST_SECONDS = 1.0
# ...and is then allowed to be this many seconds old per second it cost, never more than MAX_STALE_SECONDS.
STALE_SECONDS_PER_COST_SECOND = 60.0
MAX_STALE_SECONDS = 300.0
MAX_ENTRY_BYTES = 4 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
# Request headers that make a page personal: never cached, never served from the cache.
_PERSONAL_HEADERS = frozenset({b"cookie", b"authorization"})


@dataclass
class _Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    version: tuple[int, ...]
    stored_at: float
    cost: float

    def usable(self, version: tuple[int, ...], now: float) -> bool:
        if version == self.version:
            return True
        if self.cost < MIN_STALE_COST_SECONDS:
            return False
        return now - self.stored_at < min(MAX_STALE_SECONDS, self.cost * STALE_SECONDS_PER_COST_SECOND)


class ResponseCache:
    """An LRU of whole responses, each tagged with the databases' ``data_version`` when it was made."""

    def __init__(self, paths: Callable[[], list[str]], max_bytes: int = MAX_TOTAL_BYTES) -> None:
        # Asked at every request: Datasette gains databases after its app is built.
        self._paths = paths
        self._connections: dict[str, sqlite3.Connection] = {}
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()
        self._bytes = 0
        self._max_bytes = max_bytes

    def version(self) -> tuple[int, ...]:
        """The data versions of the served files: changes whenever another connection commits to one."""
        versions = []
        for path in self._paths():
            conn = self._connections.get(path)
            if conn is None:
                # Read-only and private: data_version only compares readings of one connection kept open.
                conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
                self._connections[path] = conn
            versions.append(int(conn.execute("pragma data_version").fetchone()[0]))
        return tuple(versions)

    def get(self, key: Key, version: tuple[int, ...], now: float) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if not entry.usable(version, now):
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: Key, entry: _Entry) -> None:
        self._drop(key)
        self._entries[key] = entry
        self._bytes += len(entry.body)
        while self._bytes > self._max_bytes and self._entries:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: Key) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.body)


def _cacheable_request(scope: Scope) -> bool:
    if scope.get("type") != "http" or str(scope.get("method", "GET")).upper() not in ("GET", "HEAD"):
        return False
    return not any(bytes(name).lower() in _PERSONAL_HEADERS for name, _ in scope.get("headers") or [])


def _cacheable_response(status: int, headers: list[tuple[bytes, bytes]]) -> bool:
    if status != 200:
        return False
    for name, value in headers:
        name = bytes(name).lower()
        if name == b"set-cookie" or (name == b"content-type" and bytes(value).startswith(b"text/csv")):
            return False
    return True


# Request headers an answer depends on (Datasette reads these); the Host among them, for absolute URLs.
_KEY_HEADERS = (b"host", b"accept", b"if-none-match")


def _key(scope: Scope) -> Key:
    """Everything the answer to ``scope`` depends on, for a request the cache may answer."""
    headers: dict[bytes, list[str]] = {name: [] for name in _KEY_HEADERS}
    for name, value in scope.get("headers") or []:
        lowered = bytes(name).lower()
        if lowered in headers:
            headers[lowered].append(bytes(value).decode("latin-1"))
    path = scope.get("raw_path") or str(scope.get("path", "")).encode("utf-8")
    return (
        str(scope.get("scheme") or "http"),
        bytes(path).decode("latin-1"),
        bytes(scope.get("query_string", b"")).decode("latin-1"),
        *("\n".join(headers[name]) for name in _KEY_HEADERS),
    )


def cache_responses(app: App, cache: ResponseCache) -> App:
    """Wrap ``app`` so expensive anonymous responses are served from ``cache`` while the data is unchanged."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if not _cacheable_request(scope):
            await app(scope, receive, send)
            return
        key = _key(scope)
        version = cache.version()
        now = time.monotonic()
        entry = cache.get(key, version, now)
        if entry is not None:
            age = str(int(now - entry.stored_at)).encode("ascii")
            headers = [*entry.headers, (b"age", age), (b"x-embedtrail-cache", b"hit")]
            await send({"type": "http.response.start", "status": entry.status, "headers": headers})
            body = b"" if str(scope.get("method")).upper() == "HEAD" else entry.body
            await send({"type": "http.response.body", "body": body})
            return

        started = time.perf_counter()
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        keep = True

        async def capture(message: Message) -> None:
            nonlocal start, size, keep
            if message.get("type") == "http.response.start":
                start = message
                keep = _cacheable_response(int(message.get("status", 0)), list(message.get("headers") or []))
            elif message.get("type") == "http.response.body" and keep:
                body = bytes(message.get("body", b""))
                size += len(body)
                keep = size <= MAX_ENTRY_BYTES
                chunks.append(body)
            await send(message)

        await app(scope, receive, capture)
        cost = time.perf_counter() - started
        if keep and start is not None and cost >= MIN_COST_SECONDS and scope.get("method") != "HEAD":
            headers = [(bytes(n), bytes(v)) for n, v in start.get("headers") or []]
            cache.put(
                key, _Entry(int(start["status"]), headers, b"".join(chunks), version, time.monotonic(), cost)
            )

    return wrapped
