"""The HTTP transport every fetch goes through: httpx's public transport interface over httpcore connection
pools that connect through the private-address guard (``tracker.netguard.GuardedBackend``).

httpx's own ``AsyncHTTPTransport`` takes no network backend, so the guard cannot be plugged into it through
its public API; ``GuardedTransport`` is an ``httpx.AsyncBaseTransport`` (the documented way to write a
transport) over ``httpcore.AsyncConnectionPool`` (whose ``network_backend`` is public), translating requests,
responses and httpcore's exceptions as httpx does. The pools are small shards picked by origin: httpcore
re-examines every connection of a pool whenever a request starts or ends, which at 64 connections in one pool
cost ~7 ms of CPU per request (measured by ``benchmarks/refresh_bench.py``). Proxies are deliberately
unsupported: through a proxy the guard would check the proxy, not the destination.
"""

from __future__ import annotations

import contextlib
import ssl
import sys
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterator

import httpcore
import httpx

from .netguard import GuardedBackend, GuardPolicy, Resolver

__all__ = ["POOL_SHARD_SIZE", "GuardedTransport"]

# httpcore's exceptions and the httpx ones a caller expects instead (most specific wins).
_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
)


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    """Re-raise httpcore's exceptions as the matching httpx ones; anything else (the guard's ``Blocked``)
    passes through unchanged."""
    try:
        yield
    except Exception as error:
        mapped: type[httpx.TransportError] | None = None
        for source, target in _EXCEPTIONS:
            if isinstance(error, source) and (mapped is None or issubclass(target, mapped)):
                mapped = target
        if mapped is None:
            raise
        raise mapped(str(error)) from error


class _ResponseStream(httpx.AsyncByteStream):
    """A response body read from httpcore, its errors translated."""

    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport whose connections are made through a ``GuardedBackend``: every destination is
    resolved once, checked against ``policy``, and connected to at the address that was checked."""

    def __init__(
        self,
        policy: GuardPolicy,
        *,
        limits: httpx.Limits,
        verify: ssl.SSLContext | str | bool = True,
        resolver: Resolver | None = None,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        backend = GuardedBackend(policy, resolver=resolver, inner=inner)
        ssl_context = httpx.create_ssl_context(verify=verify, trust_env=False)
        self.pool = _ShardedPool(
            lambda size, keepalive: httpcore.AsyncConnectionPool(
                ssl_context=ssl_context,
                max_connections=size,
                max_keepalive_connections=keepalive,
                keepalive_expiry=limits.keepalive_expiry,
                http1=True,
                http2=False,
                network_backend=backend,
            ),
            limits.max_connections,
            limits.max_keepalive_connections,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` through the guarded pools."""
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            answer = await self.pool.handle_async_request(core_request)
        assert isinstance(answer.stream, AsyncIterable)
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_ResponseStream(answer.stream),
            extensions=answer.extensions,
        )

    async def aclose(self) -> None:
        await self.pool.aclose()


# httpcore's pool re-examines every connection (and polls each idle socket) whenever a request starts or ends,
# with a quadratic count of idle connections besides: at 64 connections that was ~7 ms of CPU per request,
# 80% of a refresh. Pools of at most this many connections keep that bookkeeping small.
POOL_SHARD_SIZE = 1

_Origin = tuple[bytes, bytes, int | None]


class _ShardedPool:
    """Several small httpcore pools behind one. A request goes to a shard with room that last served its
    origin (so its keep-alive connection is reused), else to any shard with room, else to the least loaded
    one, and counts against that shard until its response is closed. The shards together hold at most
    ``max_connections`` connections (and about ``max_keepalive`` idle ones), as one pool would."""

    def __init__(
        self,
        factory: Callable[[int | None, int | None], httpcore.AsyncConnectionPool],
        max_connections: int | None,
        max_keepalive: int | None,
    ) -> None:
        if max_connections is None:
            # No limit: one pool, as httpx would build it; there is no size to split.
            self._shards = [factory(None, max_keepalive)]
            self._capacity = [sys.maxsize]
        else:
            total = max(1, max_connections)
            count = -(-total // POOL_SHARD_SIZE)
            sizes = _spread(total, count)
            # Idle connections kept: the first shards get them, and a light load uses the first shards.
            kept = _spread(total if max_keepalive is None else min(max_keepalive, total), count)
            self._shards = [factory(size, min(size, keep)) for size, keep in zip(sizes, kept, strict=True)]
            self._capacity = sizes
        self._busy = [0] * len(self._shards)
        self._origins: list[_Origin | None] = [None] * len(self._shards)

    def _pick(self, origin: _Origin) -> int:
        spare = -1
        best = 0
        for index, busy in enumerate(self._busy):
            if busy < self._capacity[index]:
                if self._origins[index] == origin:
                    return index
                if spare < 0 or (self._origins[spare] is not None and self._origins[index] is None):
                    spare = index  # prefer a shard that never connected anywhere over evicting another origin
            elif busy - self._capacity[index] < self._busy[best] - self._capacity[best]:
                best = index
        return spare if spare >= 0 else best

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send ``request`` through the chosen shard; its slot is held until the response is closed."""
        url = request.url
        origin = (url.scheme, url.host, url.port)
        index = self._pick(origin)
        self._busy[index] += 1
        self._origins[index] = origin
        try:
            response = await self._shards[index].handle_async_request(request)
        except BaseException:
            self._busy[index] -= 1
            raise
        assert isinstance(response.stream, AsyncIterable)
        return httpcore.Response(
            status=response.status,
            headers=response.headers,
            content=_ReleasingStream(response.stream, self._busy, index),
            extensions=response.extensions,
        )

    @property
    def connections(self) -> list[httpcore.AsyncConnectionInterface]:
        """Every shard's connections."""
        return [connection for shard in self._shards for connection in shard.connections]

    async def aclose(self) -> None:
        """Close every shard."""
        for shard in self._shards:
            await shard.aclose()

    async def __aenter__(self) -> _ShardedPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _spread(amount: int, parts: int) -> list[int]:
    """``amount`` split into ``parts`` near-equal whole shares, larger ones first."""
    return [amount // parts + (index < amount % parts) for index in range(parts)]


class _ReleasingStream:
    """A response body that gives its shard slot back when closed (once, however often it is closed)."""

    def __init__(self, stream: AsyncIterable[bytes], busy: list[int], index: int) -> None:
        self._stream = stream
        self._busy = busy
        self._index: int | None = index

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._stream.__aiter__()

    async def aclose(self) -> None:
        if self._index is not None:
            self._busy[self._index] -= 1
            self._index = None
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()
