"""The checkers' I/O: ``checkers.Http`` over the project's ``Fetcher``, behind a per-host politeness gate.

``FetcherHttp`` sends checker requests through the fetch layer (its guard, limits and per-host slots) and
turns every network failure into a ``Response`` value. ``GatedHttp`` wraps it: each request first takes its
host's slot from a ``Gate`` and a 429 pauses that host for everyone who shares the gate. ``LocalGate`` is the
in-process gate of a single-machine refresh; the queue's workers use ``tracker.queue_redis.HostGate``, shared
through Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol
from urllib.parse import urlencode

from embedtrail.tracker.config import Limits
from embedtrail.tracker.fetch import ERROR_BODY_BYTES, Fetched, Fetcher, FetchError, transport_failure
from embedtrail.tracker.network import NetworkWatch, connection_level

from .base import Request, Response, parse_retry_after
from .flow import url_host

__all__ = ["FetcherHttp", "Gate", "GatedHttp", "LocalGate"]


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
        if isinstance(result, Fetched) or result.kind == "http_status":
            return Response(
                url, result.status, dict(result.headers), result.body, elapsed_ms=result.elapsed_ms
            )
        return Response(
            url,
            None,
            error=f"{result.kind}: {result.detail}",
            elapsed_ms=result.elapsed_ms,
            failure=result.kind,
        )

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
            kind, detail = transport_failure(error)
            return Response(
                url,
                None,
                error=f"{kind}: {detail}",
                elapsed_ms=round((time.monotonic() - started) * 1000),
                failure=kind,
            )
        return Response(
            url,
            status,
            headers,
            bytes(body[:ERROR_BODY_BYTES]),
            elapsed_ms=round((time.monotonic() - started) * 1000),
        )


class Gate(Protocol):
    """Per-host politeness shared by everyone who holds the same gate."""

    def slot(self, host: str) -> AbstractAsyncContextManager[None]:
        """Hold one of ``host``'s request slots (waits while the host is paused)."""
        ...

    async def pause(self, host: str, seconds: float) -> None:
        """Keep everyone off ``host`` for ``seconds``; never shortens a pause."""
        ...


class LocalGate:
    """The gate of one process: pauses per host (concurrency per host is the fetcher's). A wait ends early
    when ``stop`` is set, so a stop request is not held up by a long Retry-After."""

    def __init__(self, stop: asyncio.Event | None = None) -> None:
        self.stop = stop or asyncio.Event()
        self.paused_until: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        wait = self.paused_until.get(host, 0.0) - time.monotonic()
        if wait > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), wait)
        yield

    async def pause(self, host: str, seconds: float) -> None:
        self.paused_until[host] = max(self.paused_until.get(host, 0.0), time.monotonic() + seconds)


class GatedHttp:
    """``checkers.Http`` whose every request first takes its host's slot in ``gate``; a 429 answer pauses
    the host for ``Retry-After`` (or ``[limits] retry_backoff``), at most ``max_retry_after``. With a
    ``watch``, connection-level failures and answers are counted per host, and a request to a host whose
    circuit is open raises ``network.HostUnreachable`` instead of being sent."""

    def __init__(
        self, inner: FetcherHttp, gate: Gate, limits: Limits, watch: NetworkWatch | None = None
    ) -> None:
        self.inner = inner
        self.gate = gate
        self.limits = limits
        self.watch = watch

    async def send(self, request: Request) -> Response:
        host = url_host(request.url)
        if self.watch is not None:
            self.watch.check(host)
        async with self.gate.slot(host):
            response = await self.inner.send(request)
        if self.watch is not None:
            if response.status is not None:
                self.watch.answer(host)
            elif connection_level(response.failure, (response.error or "").partition(": ")[2]):
                self.watch.failure(host, response.error or "no connection")
        if response.status == 429:
            wait = parse_retry_after(response.header("retry-after"), time.time())
            pause = wait if wait is not None else self.limits.retry_backoff
            await self.gate.pause(host, min(pause, self.limits.max_retry_after))
        return response
