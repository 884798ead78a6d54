"""Fetching pages safely: the one httpx client factory, redirects checked per hop, size, time and rate limits.

``make_client`` is the only place an ``httpx.AsyncClient`` is built; its transport connects through the
private-address guard (``tracker.netguard``). ``Fetcher`` owns a client plus the overall and per-host
concurrency limits, and ``Fetcher.get(url)`` returns a ``Fetched`` record or a ``FetchError`` value, never
raises for anything the network or the remote site does: errors are values at the boundary of one source,
so one bad URL among a thousand is recorded and counted, not a crash of the run. Redirects are followed here,
not by httpx, so the guard judges every hop; bodies are decoded here, not by httpx, with decoders whose output
is bounded per step, so a compression bomb stops at ``max_bytes`` instead of inflating in memory first.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import socket
import ssl
import time
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from importlib import metadata
from types import MappingProxyType, TracebackType
from typing import ClassVar, Literal, Protocol, get_args

import brotli  # type: ignore[import-untyped]  # installed by httpx[brotli]; ships no stubs
import httpx
import zstandard  # installed by httpx[zstd]

from embedtrail.scrapers.records import Capture
from embedtrail.scrapers.times import format_utc

from .config import Config, FetchConfig, Limits
from .netguard import (
    Blocked,
    GuardPolicy,
    ResolutionError,
    url_problem,
)
from .retrying import parse_retry_after
from .transport import GuardedTransport

__all__ = [
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_USER_AGENT",
    "ERROR_BODY_BYTES",
    "ERROR_KINDS",
    "BodyError",
    "ErrorKind",
    "FetchError",
    "FetchResult",
    "FetchSettings",
    "Fetched",
    "Fetcher",
    "Hop",
    "decode_capped",
    "fetch",
    "make_client",
    "parse_retry_after",
    "read_capped",
    "settings_from_config",
    "transport_failure",
]

logger = logging.getLogger(__name__)


def _version() -> str:
    try:
        return metadata.version("embedtrail")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


DEFAULT_USER_AGENT = f"embedtrail/{_version()} (+https://github.com/embedtrail/embedtrail)"
DEFAULT_MAX_BYTES = FetchConfig.max_bytes
# Bodies of non-2xx answers are kept only this far: enough for a checker to classify an API error message.
ERROR_BODY_BYTES = 64 * 1024
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_RETRY_AFTER_STATUSES = frozenset({429, 503})
# Sent to the first URL's origin only: a redirect to another origin must not carry the caller's secrets.
_ORIGIN_BOUND_HEADERS = ("authorization", "proxy-authorization", "cookie")
# A URL may be visited twice in one chain, because cookie walls redirect a page to itself once after setting
# a cookie; a third visit can only be a loop.
_MAX_VISITS = 2

ErrorKind = Literal[
    "bad_url",
    "bad_scheme",
    "credentials",
    "bad_port",
    "private_address",
    "dns",
    "connection",
    "tls",
    "timeout",
    "protocol",
    "too_large",
    "decompression",
    "content_type",
    "redirect_loop",
    "too_many_redirects",
    "http_status",
]
ERROR_KINDS: tuple[ErrorKind, ...] = get_args(ErrorKind)


@dataclass(frozen=True)
class FetchSettings(FetchConfig):
    """Every limit of a fetch: the ``[fetch]`` section (``FetchConfig``, where each default and its meaning is
    defined once) plus ``[limits] min_interval_per_host``, the least time between the starts of two requests
    to one host. ``user_agent`` None means ``DEFAULT_USER_AGENT``; ``allow_private`` lifts the private-address
    guard and the port list."""

    min_interval_per_host: float = Limits.min_interval_per_host

    @classmethod
    def from_config(cls, fetch: FetchConfig, limits: Limits | None = None) -> FetchSettings:
        """Settings from ``config.fetch`` and ``config.limits``."""
        values = {item.name: getattr(fetch, item.name) for item in fields(FetchConfig)}
        if limits is not None:
            values["min_interval_per_host"] = limits.min_interval_per_host
        return cls(**values)

    @classmethod
    def for_checks(cls, config: Config) -> FetchSettings:
        """Settings for a refresh's checks and re-fetches: ``[fetch]``, with ``[limits] concurrency`` and
        ``per_host_concurrency`` as the connection limits (politeness towards platforms is set there)."""
        return replace(
            cls.from_config(config.fetch, config.limits),
            max_connections=config.limits.concurrency,
            per_host_connections=config.limits.per_host_concurrency,
        )

    @property
    def agent(self) -> str:
        """The User-Agent sent: the configured one, else ``DEFAULT_USER_AGENT``."""
        return self.user_agent or DEFAULT_USER_AGENT

    def timeouts(self) -> httpx.Timeout:
        """The per-operation httpx timeouts (the total deadline is enforced by ``fetch``)."""
        return httpx.Timeout(self.timeout, connect=self.connect_timeout)

    def limits(self) -> httpx.Limits:
        """The connection-pool limits."""
        return httpx.Limits(
            max_connections=self.max_connections, max_keepalive_connections=self.max_connections
        )

    def policy(self) -> GuardPolicy:
        """What the private-address guard allows."""
        return GuardPolicy(allow_private=self.allow_private, allowed_ports=tuple(self.allowed_ports))


def settings_from_config(fetch: FetchConfig, limits: Limits | None = None) -> FetchSettings:
    """The same as ``FetchSettings.from_config(fetch, limits)``."""
    return FetchSettings.from_config(fetch, limits)


@dataclass(frozen=True, slots=True)
class Hop:
    """One redirect answered on the way: the URL asked for and its 3xx status."""

    url: str
    status: int


_NO_HEADERS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Fetched:
    """A successful (2xx) fetch. ``body`` is decoded from any Content-Encoding; ``headers`` are the final
    response's, with lower-case names (repeated headers joined by ``", "``); times are UTC ISO 8601."""

    url: str
    final_url: str
    status: int
    content_type: str | None
    headers: Mapping[str, str] = field(hash=False, repr=False)
    body: bytes = field(repr=False)
    fetched_at: str
    sha256: str
    elapsed_ms: int
    redirects: tuple[Hop, ...] = ()
    retry_after: float | None = None

    ok: ClassVar[bool] = True

    @property
    def mime_type(self) -> str | None:
        """The media type without parameters, lower-cased (``text/html``)."""
        return _mime(self.content_type)

    def capture(self, origin: str) -> Capture:
        """This fetch as the ``Capture`` record the database stores (``origin`` names the source)."""
        return Capture(
            url=self.url,
            final_url=self.final_url,
            fetched_at=self.fetched_at,
            http_status=self.status,
            content_type=self.content_type,
            bytes=len(self.body),
            sha256=self.sha256,
            origin=origin,
            # Kept with live captures as with archived ones: the evidence of what the server said it sent.
            headers=tuple(sorted(self.headers.items())),
        )


@dataclass(frozen=True, slots=True)
class FetchError:
    """A fetch that failed, as a value. ``kind`` is one of ``ERROR_KINDS``; ``reason`` is the short text
    to record (``"timeout"``, ``"http_status 404"``); ``detail`` explains it for a human.

    For ``http_status`` the answer's ``status``, ``headers`` and the first ``ERROR_BODY_BYTES`` of its body
    are kept, so a checker can classify a 404 or an API error. ``retry_after`` is set from a 429 or 503.
    ``final_url`` is the URL of the hop that failed.
    """

    url: str
    kind: ErrorKind
    detail: str
    fetched_at: str
    elapsed_ms: int = 0
    final_url: str | None = None
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=lambda: _NO_HEADERS, hash=False, repr=False)
    body: bytes = field(default=b"", repr=False)
    retry_after: float | None = None
    redirects: tuple[Hop, ...] = ()

    ok: ClassVar[bool] = False

    @property
    def reason(self) -> str:
        """``kind``, with the status appended for ``http_status`` (``"http_status 404"``)."""
        return f"http_status {self.status}" if self.kind == "http_status" else self.kind

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"

    def explained(self) -> str:
        """The line a volunteer reads: the reason, what went wrong, and what to do about it when something
        can be done (``private_address: 10.0.0.5 is private (... --allow-private ...)``)."""
        if self.kind == "http_status":
            return self.reason  # "http_status 404" says it all
        hint = _HINTS.get(self.kind)
        detail = f"{self.reason}: {self.detail}" if self.detail else self.reason
        return f"{detail} ({hint})" if hint else detail


# What a volunteer can do about each kind of failure, said with it.
_HINTS: dict[str, str] = {
    "private_address": "embedtrail never fetches loopback, private or link-local addresses from a URL it was "
    "given; --allow-private, or [fetch] allow_private = true, lifts that for tests and intranets",
    "bad_port": "only the ports in [fetch] allowed_ports are fetched (80, 443, 8080, 8443 by default)",
    "bad_scheme": "embedtrail fetches http:// and https:// URLs only",
    "credentials": "a URL carrying user:password@ is never fetched: embedtrail sends no credentials",
    "dns": "check the host name, and that this machine can resolve names",
    "connection": "the server did not take the connection: check the URL, or try later",
    "tls": "the server's certificate or TLS settings were refused",
    "timeout": "the server was too slow: [fetch] timeout and total_timeout set the limits",
    "too_large": "the body is over [fetch] max_bytes",
    "too_many_redirects": "more redirects than [fetch] max_redirects",
}


FetchResult = Fetched | FetchError


def _mime(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


# --- Bounded content decoding -------------------------------------------------------------------------------
# httpx decodes a whole network read at once: a 400-byte brotli body can become 256 MiB in one call before any
# size check runs. These decoders hand out at most about _STEP bytes per step instead, so the cap in
# _read_body sees every step. (zstandard's decompressobj has no output limit, so it is fed small pieces: a
# zstd block of at most 128 KiB needs at least 3 bytes, so one piece yields at most ~5.5 MiB.)

_STEP = 64 * 1024
_ZSTD_PIECE = 128


class _DecodeFailed(Exception):
    pass


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def finish(self) -> Iterator[bytes]: ...


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data

    def finish(self) -> Iterator[bytes]:
        return iter(())


class _Zlib:
    """gzip (``wbits=47`` also accepts a zlib header) or deflate (zlib-wrapped, else raw, as httpx does)."""

    def __init__(self, wbits: int, raw_fallback: bool = False) -> None:
        self._inflater = zlib.decompressobj(wbits)
        self._raw_fallback = raw_fallback

    def feed(self, data: bytes) -> Iterator[bytes]:
        # Bytes after the end of the stream are ignored, as browsers and httpx do.
        while data and not self._inflater.eof:
            try:
                out = self._inflater.decompress(data, _STEP)
            except zlib.error:
                if not self._raw_fallback:
                    raise
                # "deflate" is often sent without its zlib wrapper; the header check fails at once.
                self._raw_fallback = False
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._raw_fallback = False
            data = self._inflater.unconsumed_tail
            if out:
                yield out

    def finish(self) -> Iterator[bytes]:
        out = self._inflater.flush()
        if out:
            yield out


class _Brotli:
    def __init__(self) -> None:
        self._decoder = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        out = self._decoder.process(data, output_buffer_limit=_STEP)
        if out:
            yield out
        # Drain with empty input until no output is pending (brotli >= 1.2 API, fix for CVE-2025-6176).
        while True:
            out = self._decoder.process(b"", output_buffer_limit=_STEP)
            if out:
                yield out
            elif self._decoder.can_accept_more_data():
                return
            else:
                raise _DecodeFailed("brotli decoder made no progress")

    def finish(self) -> Iterator[bytes]:
        return iter(())


class _Zstd:
    def __init__(self) -> None:
        self._decoder = zstandard.ZstdDecompressor().decompressobj()

    def feed(self, data: bytes) -> Iterator[bytes]:
        for start in range(0, len(data), _ZSTD_PIECE):
            piece = data[start : start + _ZSTD_PIECE]
            while piece:
                out = self._decoder.decompress(piece)
                piece = b""
                if self._decoder.eof:
                    # Several frames may follow each other; each needs a fresh decoder.
                    piece = self._decoder.unused_data
                    self._decoder = zstandard.ZstdDecompressor().decompressobj()
                if out:
                    yield out

    def finish(self) -> Iterator[bytes]:
        return iter(())


def _brotli_is_bounded() -> bool:
    try:
        brotli.Decompressor().process(b"", output_buffer_limit=1)
    except TypeError:  # brotli < 1.2 cannot limit its output
        return False
    return True


_DECODERS: dict[str, Callable[[], _Decoder]] = {
    "gzip": lambda: _Zlib(32 + zlib.MAX_WBITS),
    "x-gzip": lambda: _Zlib(32 + zlib.MAX_WBITS),
    "deflate": lambda: _Zlib(zlib.MAX_WBITS, raw_fallback=True),
}
if _brotli_is_bounded():
    _DECODERS["br"] = _Brotli
_DECODERS["zstd"] = _Zstd
# Only what we can decode within bounds is advertised.
ACCEPT_ENCODING = ", ".join(name for name in _DECODERS if name != "x-gzip")
_DECODE_ERRORS: tuple[type[Exception], ...] = (
    zlib.error,
    _DecodeFailed,
    brotli.error,
    zstandard.ZstdError,
)


class _Chain:
    """Content-Encoding ``a, b`` was applied a then b, so b is undone first."""

    def __init__(self, content_encoding: str) -> None:
        self._decoders: list[_Decoder] = []
        for name in reversed([part.strip().lower() for part in content_encoding.split(",")]):
            if name in ("", "identity"):
                continue
            factory = _DECODERS.get(name)
            if factory is None:
                if name in ("br", "zstd"):
                    raise _DecodeFailed(f"{name} cannot be decoded within the size limit here")
                # Unknown names ("UTF-8", "none", "binary") are server mistakes for an unencoded body;
                # httpx and browsers treat them as identity too.
                continue
            self._decoders.append(factory())

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._run(0, data)

    def finish(self) -> Iterator[bytes]:
        return self._finish(0)

    def _run(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._decoders):
            if data:
                yield data
            return
        for out in self._decoders[index].feed(data):
            yield from self._run(index + 1, out)

    def _finish(self, index: int) -> Iterator[bytes]:
        if index == len(self._decoders):
            return
        for out in self._decoders[index].finish():
            yield from self._run(index + 1, out)
        yield from self._finish(index + 1)


class _TooLarge(Exception):
    pass


async def _read_body(response: httpx.Response, limit: int, *, truncate: bool) -> bytes:
    """Stream and decode the body, stopping as soon as more than ``limit`` decoded bytes arrive.

    Raises _TooLarge (or, with ``truncate``, returns the first ``limit`` bytes) and _DecodeFailed.
    """
    if response.is_stream_consumed:
        # Only in-memory responses (httpx.MockTransport in tests) arrive already read, and decoded by httpx.
        if len(response.content) > limit and not truncate:
            raise _TooLarge(f"more than {limit} bytes")
        return response.content[:limit]
    try:
        chain = _Chain(response.headers.get("content-encoding", ""))
        parts: list[bytes] = []
        total = 0

        def keep(pieces: Iterator[bytes]) -> bool:
            nonlocal total
            for piece in pieces:
                total += len(piece)
                if total > limit:
                    if not truncate:
                        raise _TooLarge(f"more than {limit} bytes")
                    parts.append(piece[: len(piece) - (total - limit)])
                    return False
                parts.append(piece)
            return True

        async for raw in response.aiter_raw():
            if not keep(chain.feed(raw)):
                return b"".join(parts)
        keep(chain.finish())
    except _DECODE_ERRORS as error:
        raise _DecodeFailed(f"{response.headers.get('content-encoding')}: {error}") from error
    return b"".join(parts)


async def read_capped(response: httpx.Response, limit: int) -> bytes:
    """The first ``limit`` decoded bytes of a streamed ``response`` (from ``client.stream``), then stop.

    For callers that must use the client directly (a POST, a GET that must not follow redirects): decodes
    with the same bounded decoders as ``fetch``, so a compression bomb cannot inflate past ``limit`` in
    memory, which ``response.aiter_bytes()`` does not guarantee. Raises ``httpx.DecodingError`` for a
    corrupt body and the usual httpx errors for network failures.
    """
    try:
        return await _read_body(response, limit, truncate=True)
    except _DecodeFailed as error:
        raise httpx.DecodingError(str(error), request=response.request) from error


class BodyError(ValueError):
    """A body that decodes to more than its limit (``kind`` ``too_large``) or cannot be decoded
    (``decompression``); raised by ``decode_capped``."""

    def __init__(self, kind: ErrorKind, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind: ErrorKind = kind
        self.detail = detail


def decode_capped(chunks: Iterable[bytes], content_encoding: str | None, limit: int) -> bytes:
    """Decode ``chunks`` of a body sent with ``content_encoding`` (``gzip``, ``br``, a comma list or None)
    with the same bounded decoders as ``fetch``, and return at most ``limit`` decoded bytes.

    For bodies that did not come over the wire here (a web archive's records, a gzipped sitemap), so that a
    compression bomb in them stops at ``limit`` too. Raises ``BodyError`` past ``limit`` or on corrupt data.
    """
    try:
        chain = _Chain(content_encoding or "")
        parts: list[bytes] = []
        total = 0

        def keep(pieces: Iterator[bytes]) -> None:
            nonlocal total
            for piece in pieces:
                total += len(piece)
                if total > limit:
                    raise BodyError("too_large", f"more than {limit} bytes")
                parts.append(piece)

        for chunk in chunks:
            keep(chain.feed(chunk))
        keep(chain.finish())
    except _DECODE_ERRORS as error:
        raise BodyError("decompression", f"{content_encoding}: {error}") from error
    return b"".join(parts)


# --- The client --------------------------------------------------------------------------------------------


def make_client(
    settings: FetchSettings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    mounts: Mapping[str, httpx.AsyncBaseTransport | None] | None = None,
) -> httpx.AsyncClient:
    """Build the project's ``httpx.AsyncClient``; nothing else constructs one.

    Without ``transport`` the client connects through ``transport.GuardedTransport`` (resolve once, check,
    connect to the checked address). A request hook refuses URLs ``netguard.url_problem`` rejects, whatever
    the transport, so even a direct ``client.get`` is guarded. Redirects are not followed (``fetch`` follows
    them hop by hop), environment proxies and ``.netrc`` are ignored (``trust_env=False``: a proxy would hide
    the real destination from the guard). The caller closes the client (``await client.aclose()``).
    """
    settings = settings or FetchSettings()
    policy = settings.policy()

    async def guard(request: httpx.Request) -> None:
        blocked = url_problem(request.url, policy)
        if blocked is not None:
            raise blocked

    async def log_response(response: httpx.Response) -> None:
        logger.debug("%s %s -> %s", response.request.method, response.request.url, response.status_code)

    client = httpx.AsyncClient(
        transport=transport or GuardedTransport(policy, limits=settings.limits()),
        mounts=mounts,
        timeout=settings.timeouts(),
        limits=settings.limits(),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": settings.agent, "Accept-Encoding": ACCEPT_ENCODING},
        event_hooks={"request": [guard], "response": [log_response]},
    )
    return client


# --- Fetching ----------------------------------------------------------------------------------------------


def _headers(response: httpx.Response) -> Mapping[str, str]:
    joined: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        key = name.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return MappingProxyType(joined)


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


_TIMEOUT_PHASES: dict[type[Exception], str] = {
    httpx.ConnectTimeout: "connecting",
    httpx.ReadTimeout: "waiting for data",
    httpx.WriteTimeout: "sending the request",
    httpx.PoolTimeout: "waiting for a free connection",
}


def transport_failure(error: Exception) -> tuple[ErrorKind, str]:
    """Map an httpx/httpcore/guard exception to an error kind and a detail text."""
    detail = str(error) or type(error).__name__
    if isinstance(error, Blocked):
        return error.kind, error.detail
    if isinstance(error, ResolutionError):
        return "dns", detail
    if isinstance(error, httpx.TimeoutException):
        phase = _TIMEOUT_PHASES.get(type(error), "")
        return "timeout", f"timed out {phase}".strip() + (f": {error}" if str(error) else "")
    chain = list(_causes(error))
    if any(isinstance(cause, ssl.SSLError | ssl.CertificateError) for cause in chain):
        return "tls", detail
    if any(isinstance(cause, socket.gaierror) for cause in chain):
        return "dns", detail
    if isinstance(error, httpx.UnsupportedProtocol):
        return "bad_scheme", detail
    if isinstance(error, httpx.InvalidURL):
        return "bad_url", detail
    if isinstance(error, httpx.DecodingError):
        return "decompression", detail
    if isinstance(error, httpx.ProtocolError):
        return "protocol", detail
    return "connection", detail


@dataclass(frozen=True, slots=True)
class _Failure:
    kind: ErrorKind
    detail: str


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    url: httpx.URL
    headers: Mapping[str, str]
    body: bytes = b""
    location: str | None = None


def _content_type_allowed(content_type: str | None, allowed: Collection[str]) -> bool:
    mime = _mime(content_type)
    if mime is None:
        return True  # no header: let the parser sniff, as browsers do
    major = mime.split("/", 1)[0]
    return mime in allowed or f"{major}/*" in allowed


async def _one_hop(
    client: httpx.AsyncClient,
    url: httpx.URL,
    headers: Mapping[str, str],
    settings: FetchSettings,
    content_types: Collection[str] | None,
) -> _Answer | _Failure:
    """One request: the answer (a redirect, an error status with a preview, or a body), or why it failed."""
    async with client.stream("GET", url, headers=headers) as response:
        status = response.status_code
        answer_headers = _headers(response)
        location = response.headers.get("location")
        if status in _REDIRECT_STATUSES and location:
            return _Answer(status, response.url, answer_headers, location=location)
        if not 200 <= status < 300:
            try:
                preview = await _read_body(response, ERROR_BODY_BYTES, truncate=True)
            except (_DecodeFailed, httpx.HTTPError):
                preview = b""  # the status is the news; a broken error page changes nothing
            return _Answer(status, response.url, answer_headers, body=preview)
        content_type = response.headers.get("content-type")
        if content_types is not None and not _content_type_allowed(content_type, content_types):
            allowed = ", ".join(sorted(content_types))
            return _Failure("content_type", f"{_mime(content_type)} is not one of {allowed}")
        declared = response.headers.get("content-length", "")
        if (
            "content-encoding" not in response.headers
            and declared.isdigit()
            and int(declared) > settings.max_bytes
        ):
            # Refused before reading a byte; encoded bodies are judged by what they decode to.
            return _Failure("too_large", f"Content-Length {declared} is over {settings.max_bytes} bytes")
        try:
            body = await _read_body(response, settings.max_bytes, truncate=False)
        except _TooLarge as error:
            return _Failure("too_large", str(error))
        except _DecodeFailed as error:
            return _Failure("decompression", str(error))
        return _Answer(status, response.url, answer_headers, body=body)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def _host_key(url: httpx.URL) -> str:
    """What per-host limits count by: host and port (two servers on one address are two hosts)."""
    port = url.port if url.port is not None else (443 if url.scheme == "https" else 80)
    return f"{url.host}:{port}"


def _null_slot(host: str) -> AbstractAsyncContextManager[None]:
    @asynccontextmanager
    async def slot() -> AsyncIterator[None]:
        yield

    return slot()


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    settings: FetchSettings,
    *,
    slot: Callable[[str], AbstractAsyncContextManager[None]],
    clock: Callable[[], datetime],
    headers: Mapping[str, str] | None,
    content_types: Collection[str] | None,
) -> FetchResult:
    started = clock()
    fetched_at = format_utc(started)
    policy = settings.policy()
    redirects: list[Hop] = []
    visits: Counter[str] = Counter()
    spent = 0.0
    extra = dict(headers or {})

    def error(kind: ErrorKind, detail: str, at: httpx.URL | None = None) -> FetchError:
        return FetchError(
            url=url,
            kind=kind,
            detail=detail,
            fetched_at=fetched_at,
            elapsed_ms=round(spent * 1000),
            final_url=str(at) if at is not None else None,
            redirects=tuple(redirects),
        )

    # Parsed once: httpx's URL parser walks every character in Python, and a checker URL is long.
    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        target = None
    blocked = url_problem(url if target is None else target, policy)
    if blocked is not None:
        return error(blocked.kind, blocked.detail)
    assert target is not None  # url_problem refuses whatever httpx cannot parse
    while True:
        key = str(target).partition("#")[0]  # a serialised URL has no other unescaped "#"
        visits[key] += 1
        if visits[key] > _MAX_VISITS:
            return error("redirect_loop", f"{key} visited {_MAX_VISITS} times already", target)
        async with slot(_host_key(target)):
            remaining = settings.total_timeout - spent
            began = time.monotonic()
            try:
                if remaining <= 0:
                    raise TimeoutError
                async with asyncio.timeout(remaining):
                    outcome = await _one_hop(client, target, extra, settings, content_types)
            except TimeoutError:
                spent += time.monotonic() - began
                return error("timeout", f"over the {settings.total_timeout:g} s total limit", target)
            except (httpx.HTTPError, httpx.InvalidURL, Blocked, ResolutionError) as failure:
                spent += time.monotonic() - began
                kind, detail = transport_failure(failure)
                return error(kind, detail, target)
            spent += time.monotonic() - began
        if isinstance(outcome, _Failure):
            return error(outcome.kind, outcome.detail, target)
        if outcome.location is not None:
            redirects.append(Hop(str(target), outcome.status))
            if len(redirects) > settings.max_redirects:
                return error("too_many_redirects", f"more than {settings.max_redirects} redirects", target)
            try:
                following = target.join(outcome.location)
            except httpx.InvalidURL as failure:
                return error("bad_url", f"redirect to {outcome.location!r}: {failure}", target)
            blocked = url_problem(following, policy)
            if blocked is not None:
                return error(blocked.kind, f"redirect to {following}: {blocked.detail}", target)
            if _origin(following) != _origin(target):
                for name in [name for name in extra if name.lower() in _ORIGIN_BOUND_HEADERS]:
                    del extra[name]
            target = following
            continue
        retry_after = (
            parse_retry_after(outcome.headers.get("retry-after"), clock())
            if outcome.status in _RETRY_AFTER_STATUSES
            else None
        )
        if not 200 <= outcome.status < 300:
            return replace(
                error("http_status", f"{outcome.status} from {target}", target),
                status=outcome.status,
                headers=outcome.headers,
                body=outcome.body,
                retry_after=retry_after,
            )
        return Fetched(
            url=url,
            final_url=str(target),
            status=outcome.status,
            content_type=outcome.headers.get("content-type"),
            headers=outcome.headers,
            body=outcome.body,
            fetched_at=fetched_at,
            sha256=hashlib.sha256(outcome.body).hexdigest(),
            elapsed_ms=round(spent * 1000),
            redirects=tuple(redirects),
            retry_after=retry_after,
        )


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Fetcher:
    """A client plus the concurrency limits: ``async with Fetcher(settings) as f: await f.get(url)``.

    At most ``max_connections`` requests run at once, at most ``per_host_connections`` to one host, and
    requests to one host start at least ``min_interval_per_host`` apart; a host is a host name and port.
    Waiting for those slots is not part of a fetch's ``total_timeout``, so a thousand queued URLs do not time
    out in the queue. Pass ``client`` to share one (it is then not closed here), ``transport`` to test,
    ``clock`` to control ``fetched_at``.
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        self._owns_client = client is None
        self.client = client if client is not None else make_client(self.settings, transport)
        self._clock = clock or _utcnow
        # The overall semaphore matters even though the pool has the same limit: a request waiting on the
        # pool counts against httpx's pool timeout, one waiting here does not.
        self._all = asyncio.Semaphore(self.settings.max_connections)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client if this fetcher built it."""
        if self._owns_client:
            await self.client.aclose()

    @asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        # Host first, then the overall slot: a task queued behind a busy host must not hold one of the
        # overall slots other hosts could use.
        per_host = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host_connections))
        async with per_host:
            interval = self.settings.min_interval_per_host
            if interval > 0:
                now = asyncio.get_running_loop().time()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + interval
                if start > now:
                    await asyncio.sleep(start - now)
            async with self._all:
                yield

    async def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content_types: Collection[str] | None = None,
    ) -> FetchResult:
        """GET ``url`` following redirects; a ``Fetched`` for a 2xx answer, otherwise a ``FetchError``.

        ``headers`` are added to the request (Authorization and Cookie are dropped on a redirect to another
        origin). ``content_types`` (e.g. ``{"text/html", "application/xhtml+xml", "text/*"}``) refuses other
        media types with ``content_type`` before the body is downloaded; a missing Content-Type passes.
        Never raises for network or remote failures.
        """
        return await _fetch(
            self.client,
            url,
            self.settings,
            slot=self._slot,
            clock=self._clock,
            headers=headers,
            content_types=content_types,
        )


async def fetch(
    target: Fetcher | httpx.AsyncClient,
    url: str,
    *,
    settings: FetchSettings | None = None,
    headers: Mapping[str, str] | None = None,
    content_types: Collection[str] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FetchResult:
    """Fetch ``url`` with a ``Fetcher`` (its limits apply) or a bare client from ``make_client``.

    With a bare client there are no concurrency limits and ``settings`` (default ``FetchSettings()``) gives
    the size, time and redirect limits. See ``Fetcher.get`` for the arguments and the result.
    """
    if isinstance(target, Fetcher):
        return await target.get(url, headers=headers, content_types=content_types)
    return await _fetch(
        target,
        url,
        settings or FetchSettings(),
        slot=_null_slot,
        clock=clock or _utcnow,
        headers=headers,
        content_types=content_types,
    )
