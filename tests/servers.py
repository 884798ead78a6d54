"""Real HTTP(S) servers on 127.0.0.1 for tests: canned routes served from a thread, every connection counted.

``serve(routes)`` starts one and returns a ``LocalServer`` (``.base_url``, ``.url(path)``, ``.connections``,
``.requests``, ``.max_in_flight``); ``close()`` stops it, wakes any handler that is trickling a body or
waiting on a keep-alive socket, and joins every thread. Routes are a dict of path to ``Reply`` (or to a
function of the request returning one), or a single such function. ``standard_routes()`` holds the canned
behaviours fetch tests need (status codes, redirects and loops, slow and trickling bodies, huge bodies,
compressed bodies and bombs, wrong content types, 429 with Retry-After).

Another test module uses the fixtures by binding them (``local_server = servers.local_server``), or
calls ``serve`` directly.
"""

from __future__ import annotations

import contextlib
import gzip
import itertools
import socket
import ssl
import sys
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import brotli  # type: ignore[import-untyped]
import pytest
import zstandard

__all__ = [
    "PAGE",
    "LocalServer",
    "Reply",
    "Route",
    "Routes",
    "Seen",
    "StartServer",
    "brotli_bomb",
    "canned_server",
    "compressed",
    "gzip_bomb",
    "huge",
    "local_server",
    "redirect",
    "serve",
    "standard_routes",
    "trickle",
    "zstd_bomb",
]

MiB = 1024 * 1024


@dataclass(frozen=True)
class Reply:
    """One canned response.

    ``body`` is bytes, or a zero-argument function returning an iterator of chunks (so a route can be served
    many times and a huge body is never built in memory). ``length`` is the Content-Length to announce: by
    default the length of a bytes body, and for a chunk function chunked transfer encoding is used unless
    ``length`` is given. ``delay`` waits before the status line; ``chunk_delay`` waits before each chunk.
    """

    status: int = 200
    body: bytes | Callable[[], Iterator[bytes]] = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: Sequence[tuple[str, str]] = ()
    length: int | None = None
    delay: float = 0.0
    chunk_delay: float = 0.0


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes = b""


Route = Reply | Callable[[Seen], Reply]
Routes = Mapping[str, Route] | Callable[[Seen], Reply]
StartServer = Callable[..., "LocalServer"]


def redirect(location: str, status: int = 302) -> Reply:
    """A redirect to ``location`` (relative or absolute)."""
    return Reply(status=status, headers=[("Location", location)], content_type=None)


def trickle(data: bytes, every: float, *, chunk: int = 1) -> Reply:
    """A body sent ``chunk`` bytes at a time, ``every`` seconds apart, with an honest Content-Length."""
    pieces = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    return Reply(body=lambda: iter(pieces), length=len(data), chunk_delay=every)


def huge(size: int, *, announce: bool = True, content_type: str = "text/html") -> Reply:
    """``size`` bytes of filler streamed in 64 KiB chunks; Content-Length only when ``announce``."""
    block = b"<p>filler</p>\n" * 4681  # 65534 bytes of harmless HTML
    full, rest = divmod(size, len(block))

    def chunks() -> Iterator[bytes]:
        yield from itertools.repeat(block, full)
        if rest:
            yield block[:rest]

    return Reply(body=chunks, length=size if announce else None, content_type=content_type)


def compressed(data: bytes, encoding: str, *, content_type: str = "text/html; charset=utf-8") -> Reply:
    """``data`` compressed with ``encoding`` (``gzip``, ``deflate``, ``br``, ``zstd`` or a comma list)."""
    body = data
    for name in (part.strip() for part in encoding.split(",")):
        body = _compress(body, name)
    return Reply(body=body, content_type=content_type, headers=[("Content-Encoding", encoding)])


def _compress(data: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=6, mtime=0)
    if encoding == "deflate":
        return zlib.compress(data)
    if encoding == "br":
        return bytes(brotli.compress(data, quality=5))
    if encoding == "zstd":
        return bytes(zstandard.ZstdCompressor(level=3).compress(data))
    raise ValueError(f"unknown encoding {encoding}")


@cache
def _zeros_compressed(encoding: str, size: int) -> bytes:
    """``size`` zero bytes compressed a MiB at a time, so building a bomb never holds the bomb."""
    block = bytes(MiB)
    if encoding == "gzip":
        packer = zlib.compressobj(1, zlib.DEFLATED, 31)  # level 1: fast, and still ~230:1 on zeros
        return b"".join([*(packer.compress(block) for _ in range(size // MiB)), packer.flush()])
    if encoding == "br":
        brotli_packer = brotli.Compressor(quality=5)
        parts = [bytes(brotli_packer.process(block)) for _ in range(size // MiB)]
        return b"".join([*parts, bytes(brotli_packer.finish())])
    if encoding == "zstd":
        zstd_packer = zstandard.ZstdCompressor(level=3).compressobj()
        parts = [zstd_packer.compress(block) for _ in range(size // MiB)]
        return b"".join([*parts, zstd_packer.flush()])
    raise ValueError(f"unknown encoding {encoding}")


def _bomb(encoding: str, size: int) -> Reply:
    # Built on first request, not when the routes are listed, and announced with its small true length.
    return Reply(
        body=lambda: iter([_zeros_compressed(encoding, size)]), headers=[("Content-Encoding", encoding)]
    )


def gzip_bomb(size: int = 256 * MiB) -> Reply:
    """A small gzip body (about 1/1000 of ``size``) that inflates to ``size`` zero bytes."""
    return _bomb("gzip", size)


def brotli_bomb(size: int = 256 * MiB) -> Reply:
    """A few hundred bytes of brotli that decode to ``size`` zero bytes (one network read holds it all)."""
    return _bomb("br", size)


def zstd_bomb(size: int = 256 * MiB) -> Reply:
    """A few KiB of zstd that decode to ``size`` zero bytes."""
    return _bomb("zstd", size)


PAGE = b"<!doctype html><html><head><title>Local article</title></head><body><p>Hello</p></body></html>"


def standard_routes() -> dict[str, Route]:
    """The canned routes fetch tests share; paths describe what each one does."""
    routes: dict[str, Route] = {
        "/ok": Reply(body=PAGE),
        "/text": Reply(body=b"plain words", content_type="text/plain; charset=utf-8"),
        "/json": Reply(body=b'{"ok": true}', content_type="application/json"),
        "/pdf": Reply(body=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", content_type="application/pdf"),
        "/no-type": Reply(body=PAGE, content_type=None),
        "/empty": Reply(status=204, content_type=None),
        "/not-found": Reply(status=404, body=b"<h1>gone fishing</h1>"),
        "/gone": Reply(status=410, body=b"<h1>deleted</h1>"),
        "/server-error": Reply(status=500, body=b"oops"),
        "/teapot": Reply(status=418, body=b"short and stout"),
        "/rate-limited": Reply(status=429, body=b"slow down", headers=[("Retry-After", "120")]),
        "/rate-limited-date": Reply(
            status=429, body=b"slow down", headers=[("Retry-After", "Wed, 21 Oct 2037 07:28:00 GMT")]
        ),
        "/unavailable": Reply(status=503, headers=[("Retry-After", "7")]),
        "/redirect": redirect("/ok"),
        "/redirect-301": redirect("/ok", 301),
        "/redirect-307": redirect("/ok", 307),
        "/redirect-308": redirect("/ok", 308),
        "/redirect-absolute": redirect("{base}/ok"),
        "/redirect-chain/1": redirect("/redirect-chain/2"),
        "/redirect-chain/2": redirect("/redirect-chain/3", 301),
        "/redirect-chain/3": redirect("/ok", 307),
        "/redirect-no-location": Reply(status=302, content_type=None),
        "/loop/a": redirect("/loop/b"),
        "/loop/b": redirect("/loop/a"),
        "/loop/self": redirect("/loop/self"),
        "/slow-headers": Reply(body=PAGE, delay=5.0),
        "/trickle-slow": trickle(PAGE, every=2.0),
        "/trickle-fast": trickle(PAGE * 50, every=0.05),
        "/huge": huge(64 * MiB),
        "/huge-unannounced": huge(64 * MiB, announce=False),
        "/gzip": compressed(PAGE, "gzip"),
        "/deflate": compressed(PAGE, "deflate"),
        "/br": compressed(PAGE, "br"),
        "/zstd": compressed(PAGE, "zstd"),
        "/gzip-br": compressed(PAGE, "gzip, br"),
        "/corrupt-gzip": Reply(
            body=b"\x1f\x8b\x08\x00garbage-not-gzip", headers=[("Content-Encoding", "gzip")]
        ),
        "/bomb/gzip": gzip_bomb(),
        "/bomb/br": brotli_bomb(),
        "/bomb/zstd": zstd_bomb(),
    }
    for n in range(1, 16):
        routes[f"/hops/{n}"] = redirect(f"/hops/{n + 1}")
    routes["/hops/16"] = Reply(body=PAGE)
    return routes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    # An idle keep-alive connection ends after this, so a test that forgets to close a client cannot hang us.
    timeout = 10

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: test output is for failures."""

    def do_GET(self) -> None:
        self._respond()

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_POST(self) -> None:
        self._respond()

    def _respond(self, head: bool = False) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        seen = Seen(
            method=self.command,
            path=self.path,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        owner._started(seen)
        self._pending = True
        try:
            self._send(owner._reply_for(seen), head=head)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            # The client gave up (size cap, timeout): exactly what several tests provoke.
            self.close_connection = True
        finally:
            self._answering()

    def _answering(self) -> None:
        # A request is in flight until the server starts answering it: once the last bytes are out the
        # client may send its next request before this thread runs again, which must not count as one more.
        if getattr(self, "_pending", False):
            self._pending = False
            self.server.owner._finished()

    def _send(self, reply: Reply, *, head: bool) -> None:
        stop = self.server.owner._stop
        if reply.delay and stop.wait(reply.delay):
            self.close_connection = True
            return
        self._answering()
        self.send_response(reply.status)
        if reply.content_type is not None:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers:
            self.send_header(name, value.replace("{base}", self.server.owner.base_url))
        body = reply.body
        length = len(body) if isinstance(body, bytes) and reply.length is None else reply.length
        chunked = length is None
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        if head or reply.status in (204, 304):
            return
        chunks: Iterable[bytes] = [body] if isinstance(body, bytes) else body()
        for chunk in chunks:
            if reply.chunk_delay and stop.wait(reply.chunk_delay):
                self.close_connection = True
                return
            if stop.is_set():
                self.close_connection = True
                return
            if chunked:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            else:
                self.wfile.write(chunk)
            self.wfile.flush()
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # LocalServer.close joins its own list of threads, with a timeout
    owner: LocalServer

    def process_request(self, request: Any, client_address: Any) -> None:
        # Runs in the accepting thread once per accepted TCP connection: the count hostile-URL tests read.
        self.owner._accepted(request)
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address))
        thread.daemon = True
        self.owner._threads.append(thread)
        thread.start()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-request is what size-cap and timeout tests do; anything else is a bug.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def finish_request(self, request: Any, client_address: Any) -> None:
        tls = self.owner.tls
        if tls is None:
            super().finish_request(request, client_address)
            return
        # Handshake in the connection's own thread, so that a slow client cannot stall accept(); the wrapped
        # socket is ours to close (socketserver only closes the plain one it accepted).
        wrapped = tls.wrap_socket(request, server_side=True, do_handshake_on_connect=False)
        self.owner._sockets.append(wrapped)
        try:
            wrapped.do_handshake()
            super().finish_request(wrapped, client_address)
        except (ssl.SSLError, OSError):
            pass  # a client refusing our certificate is what the TLS tests expect
        finally:
            wrapped.close()


@dataclass
class LocalServer:
    """A running server; see the module docstring. Use as a context manager or call ``close()``."""

    routes: Routes
    tls: ssl.SSLContext | None = None
    host: str = "127.0.0.1"
    connections: int = 0
    requests: list[Seen] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)
    _sockets: list[socket.socket] = field(default_factory=list)
    _server: _Server | None = None
    _loop: threading.Thread | None = None

    def start(self) -> LocalServer:
        """Bind a free port on ``host`` and serve in a background thread."""
        server = _Server((self.host, 0), _Handler)
        server.owner = self
        self._server = server
        self._loop = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._loop.start()
        return self

    @property
    def port(self) -> int:
        """The bound port."""
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (``https`` when serving TLS), no trailing slash."""
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on this server."""
        return self.base_url + path

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        with self._lock:
            return [seen.path for seen in self.requests]

    def close(self) -> None:
        """Stop serving, end every connection and join every thread (raises if one will not stop)."""
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for sock in list(self._sockets):
            # Wakes handlers blocked reading a keep-alive connection.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        stuck = []
        for thread in [*self._threads, *([self._loop] if self._loop else [])]:
            thread.join(timeout=10)
            if thread.is_alive():
                stuck.append(thread.name)
        if stuck:
            raise RuntimeError(f"server threads did not stop: {stuck}")

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Called from server threads.
    def _accepted(self, sock: socket.socket) -> None:
        with self._lock:
            self.connections += 1
            self._sockets.append(sock)

    def _started(self, seen: Seen) -> None:
        with self._lock:
            self.requests.append(seen)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _finished(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _reply_for(self, seen: Seen) -> Reply:
        routes = self.routes
        if callable(routes):
            return routes(seen)
        route = routes.get(seen.path) or routes.get(seen.path.split("?", 1)[0])
        if route is None:
            return Reply(status=404, body=b"no such route", content_type="text/plain")
        return route(seen) if callable(route) else route


def serve(routes: Routes, *, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> LocalServer:
    """Start a server for ``routes`` on a free port of ``host`` and return it (call ``close()`` after)."""
    return LocalServer(routes=routes, tls=tls, host=host).start()


@pytest.fixture
def local_server() -> Iterator[StartServer]:
    """A factory: ``local_server(routes, tls=None)`` starts a server that is closed when the test ends."""
    started: list[LocalServer] = []

    def start(routes: Routes, **options: Any) -> LocalServer:
        server = serve(routes, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture(scope="session")
def canned_server() -> Iterator[LocalServer]:
    """One server with ``standard_routes()`` for the whole session (do not assert on its counters)."""
    with serve(standard_routes()) as server:
        yield server
