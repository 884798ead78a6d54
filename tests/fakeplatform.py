"""A fake social-platform server on 127.0.0.1 for refresh tests and the benchmark: real sockets, answering
like each real status endpoint with the bodies in tests/fixtures/responses/.

Two front ends share the same answers (``FakePlatform.answer``): ``start()`` runs a thread-per-connection
server in the test's process (simple, and ``slow`` scenarios may block their own thread), and
``serve_forever_async()`` runs an asyncio protocol server that delays each answer with ``call_later``, so
thousands of concurrent slow answers cost no threads; the benchmark runs it in a process of its own, so that
the server is never what limits the client being measured.

Every platform lives under its own path prefix (``/twitter/tweet-result``, ``/youtube/oembed``, ...);
``FakePlatform.endpoints_toml()`` writes the ``[endpoints]`` table pointing embedtrail at them. Tests set
what a post answers with ``fake.set(platform, key, scenario)``: ``available`` (default), ``deleted``,
``suspended``, ``protected``, ``restricted``, ``empty`` (200 ``{}``), ``404``, ``429`` (``Retry-After``),
``500``, ``html`` (a soft block) or ``slow`` (answers after ``slow_seconds``). ``hits`` counts requests by
path, so tests can see retries and confirm nothing else was asked.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from embedtrail.tracker.checkers.twitter import syndication_token

RESPONSES = Path(__file__).parent / "fixtures" / "responses"

__all__ = ["FakePlatform"]


def _load(name: str) -> bytes:
    return (RESPONSES / name).read_bytes()


def _tombstone(text: str) -> bytes:
    return json.dumps({"__typename": "TweetTombstone", "tombstone": {"text": {"text": text}}}).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    fake: FakePlatform

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that time out or are killed mid-answer are part of the tests


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        with fake.lock:
            fake.hits[path] += 1
            fake.requests.append((method, self.path))
        if fake.delay:
            time.sleep(fake.delay)
        try:
            status, body, content_type, headers = fake.answer(method, path, query)
        except Exception as error:  # a bug in the fake should fail loudly in the test, not hang it
            status, body, content_type, headers = 599, str(error).encode(), "text/plain", {}
        self._reply(status, body, content_type, headers)


class FakePlatform:
    """The fake server: ``start()``, ``base``, ``set(...)``, ``stop()``; also a context manager."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.slow_seconds = 3.0
        self.retry_after = "1"
        self.scenarios: dict[tuple[str, str], str] = {}
        self.short_links: dict[str, str] = {}
        self.articles: dict[str, str] = {}
        self.archived: dict[str, str] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._async_base: str | None = None

    # --- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> FakePlatform:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakePlatform:
        return self.start()

    def serve_forever_async(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        ready: Callable[[str], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        """Serve with the asyncio front end in this thread until ``stop`` is set (or forever); ``ready(base)``
        is called once it listens. ``slow`` scenarios are not supported here (they would block every
        connection)."""

        async def main() -> None:
            server = await asyncio.get_running_loop().create_server(
                lambda: _AsyncProtocol(self), host, port, backlog=4096
            )
            sockname = server.sockets[0].getsockname()
            self._async_base = f"http://{sockname[0]}:{sockname[1]}"
            if ready is not None:
                ready(self._async_base)
            async with server:
                if stop is None:
                    await server.serve_forever()
                else:
                    while not stop.is_set():
                        await asyncio.sleep(0.05)

        asyncio.run(main())

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        if self._server is None and self._async_base is not None:
            return self._async_base
        assert self._server is not None, "start() first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def endpoints_toml(self) -> str:
        """The ``[endpoints]`` table pointing every endpoint at this server."""
        base = self.base
        names = {
            "twitter_oembed": "/twitter/oembed",
            "twitter_syndication": "/twitter/tweet-result",
            "youtube_oembed": "/youtube/oembed",
            "vimeo_oembed": "/vimeo/oembed",
            "tiktok_oembed": "/tiktok/oembed",
            "dailymotion_oembed": "/dailymotion/oembed",
            "telegram": "/telegram",
            "bluesky": "/bluesky/xrpc",
            "wayback_available": "/wayback/available",
            "wayback_save": "/wayback/save",
            "twitter_pic": "/twitter/pic",
            "twitter_tco": "/twitter/tco",
            "truthsocial_api": "/truthsocial/api/v1",
            "wayback_replay": "/wayback/web",
        }
        lines = ["[endpoints]"] + [f'{key} = "{base}{path}"' for key, path in names.items()]
        return "\n".join(lines) + "\n"

    def set(self, platform: str, key: str, scenario: str) -> None:
        """Set what ``platform``'s post ``key`` answers (tweet id, video id, ``channel/id``, rkey, ...)."""
        self.scenarios[(platform, key)] = scenario

    def scenario(self, platform: str, key: str) -> str:
        return self.scenarios.get((platform, key), "available")

    # --- answers --------------------------------------------------------------------------------------

    def _common(self, scenario: str) -> tuple[int, bytes, str, dict[str, str]] | None:
        if scenario == "429":
            return (
                429,
                b'{"error":"Too many requests"}',
                "application/json",
                {"Retry-After": self.retry_after},
            )
        if scenario == "500":
            return 500, b"Internal Server Error", "text/plain", {}
        if scenario == "html":
            return 200, b"<html><body>Please log in</body></html>", "text/html", {}
        if scenario == "slow":
            time.sleep(self.slow_seconds)
        return None

    def answer(self, method: str, path: str, query: dict[str, str]) -> tuple[int, bytes, str, dict[str, str]]:
        """Status, body, content type and headers for one request."""
        segments = [unquote(s) for s in path.strip("/").split("/")]
        head = segments[0] if segments else ""
        handler = getattr(self, f"_{head}", None)
        if handler is None:
            return 404, b"not found", "text/plain", {}
        result: tuple[int, bytes, str, dict[str, str]] = handler(method, segments[1:], query)
        return result

    def _twitter(
        self, method: str, rest: list[str], query: dict[str, str]
    ) -> tuple[int, bytes, str, dict[str, str]]:
        kind = rest[0] if rest else ""
        if kind == "tweet-result":
            tweet = query.get("id", "")
            if query.get("token") != syndication_token(tweet):
                return 200, b"{}", "application/json", {}  # a wrong token looks like "not found"
            scenario = self.scenario("twitter", tweet)
            common = self._common(scenario)
            if common:
                return common
            bodies = {
                "deleted": _load("twitter-syndication-deleted.json"),
                "suspended": _tombstone("This Post is from a suspended account. Learn more"),
                "protected": _tombstone(
                    "You're unable to view this Post because this account owner limits who can view "
                    "their Posts."
                ),
                "restricted": _load("twitter-syndication-tombstone-bare.json"),
                "empty": b"{}",
            }
            if scenario == "404":
                return 404, b"<html>Not Found</html>", "text/html", {}
            if scenario in bodies:
                return 200, bodies[scenario], "application/json", {}
            data = json.loads(_load("twitter-syndication-available.json"))
            data["id_str"] = tweet
            return 200, json.dumps(data).encode(), "application/json", {}
        if kind == "oembed":
            url = query.get("url", "")
            tweet = url.rstrip("/").rsplit("/", 1)[-1]
            scenario = self.scenario("twitter", tweet)
            if scenario in ("available", "restricted_oembed_ok"):
                return 200, _load("twitter-oembed-available-2024.json"), "application/json", {}
            if scenario in ("protected", "suspended"):
                return (
                    403,
                    b'{"error":"Sorry, you are not authorized to see this status."}',
                    "application/json",
                    {},
                )
            common = self._common(scenario)
            if common:
                return common
            return 404, b"", "text/plain", {}
        if kind in ("pic", "tco") and len(rest) > 1:
            code = rest[1]
            target = self.short_links.get(code)
            if target is None:
                return 404, b"<html>gone</html>", "text/html", {}
            if kind == "pic":
                return 301, b"", "text/html", {"Location": target}
            page = (
                f'<head><noscript><META http-equiv="refresh" content="0;URL={target}"></noscript>'
                f"<title>{target}</title></head>"
            ).encode()
            return 200, page, "text/html; charset=utf-8", {}
        return 404, b"", "text/plain", {}

    def _oembed_id(self, platform: str, url: str) -> str:
        if platform == "youtube":
            return parse_qs(urlsplit(url).query).get("v", [""])[0]
        return url.rstrip("/").rsplit("/", 1)[-1]

    def _simple_oembed(
        self, platform: str, query: dict[str, str], available: str, gone: tuple[int, bytes]
    ) -> tuple[int, bytes, str, dict[str, str]]:
        key = self._oembed_id(platform, query.get("url", ""))
        scenario = self.scenario(platform, key)
        common = self._common(scenario)
        if common:
            return common
        if scenario == "available":
            return 200, _load(available), "application/json", {}
        if scenario == "protected":
            return 403, _load("youtube-oembed-private-403.txt"), "application/json; charset=UTF-8", {}
        return gone[0], gone[1], "application/json", {}

    def _youtube(
        self, method: str, rest: list[str], query: dict[str, str]
    ) -> tuple[int, bytes, str, dict[str, str]]:
        return self._simple_oembed("youtube", query, "youtube-oembed-available.json", (404, b"Not Found"))

    def _vimeo(
        self, method: str, rest: list[str], query: dict[str, str]
    ) -> tuple[int, bytes, str, dict[str, str]]:
        return self._simple_oembed("vimeo", query, "vimeo-oembed-available.json", (404, b""))

    def _tiktok(
        self, method: str, rest: list[str], query: dict[str, str]
    ) -> tuple[int, bytes, str, dict[str, str]]:
        return self._simple_oembed(
            "tiktok", query, "tiktok-oembed-available.json", (400, _load("tiktok-oembed-unavailable-v2.json"))
        )

    def _dailymotion(
        self, method: str, rest: list[str], query: dict[str, str]
    ) -> tuple[int, bytes, str, dict[str, str]]:
        return self._simple_oembed(
            "dailymotion",
            query,
            "dailymotion-oembed-available.json",
            (404, _load("dailymotion-api-notfound.json")),
        )

    def _telegram(
        self, method: str, rest: list[str], query: dict[str, str]
    ) -> tuple[int, bytes, str, dict[str, str]]:
        scenario = self.scenario("telegram", "/".join(rest).lower())
        common = self._common(scenario)
        if common:
            return common
        if scenario == "available":
            return 200, _load("telegram-embed-available-shape.html"), "text/html; charset=utf-8", {}
        return 200, _load("telegram-embed-notfound-shape.html"), "text/html; charset=utf-8", {}

    def _bluesky(
        self, method: str, rest: list[str], query: dict[str, str]
    ) -> tuple[int, bytes, str, dict[str, str]]:
        rkey = query.get("uri", "").rsplit("/", 1)[-1]
        scenario = self.scenario("bluesky", rkey)
        common = self._common(scenario)
        if common:
            return common
        if scenario == "available":
            return 200, _load("bluesky-getpostthread-available-shape.json"), "application/json", {}
        return 400, _load("bluesky-getpostthread-notfound.json"), "application/json", {}

    def _api(
        self, method: str, rest: list[str], query: dict[str, str]
    ) -> tuple[int, bytes, str, dict[str, str]]:
        # Mastodon: /api/v1/statuses/<id> on the post's own host (this server).
        status = rest[-1] if rest else ""
        scenario = self.scenario("mastodon", status)
        common = self._common(scenario)
        if common:
            return common
        if scenario == "available":
            return 200, _load("mastodon-status-available-shape.json"), "application/json", {}
        return 404, _load("mastodon-status-notfound.json"), "application/json", {}

    def _truthsocial(
        self, method: str, rest: list[str], query: dict[str, str]
    ) -> tuple[int, bytes, str, dict[str, str]]:
        # Truth Social's Mastodon-compatible API: /truthsocial/api/v1/statuses/<id>.
        status = rest[-1] if rest else ""
        scenario = self.scenario("truthsocial", status)
        common = self._common(scenario)
        if common:
            return common
        if scenario == "available":
            return 200, _load("mastodon-status-available-shape.json"), "application/json", {}
        if scenario == "deleted":
            return 410, b'{"error": "Gone"}', "application/json", {}
        return 404, _load("mastodon-status-notfound.json"), "application/json", {}

    def _generic(
        self, method: str, rest: list[str], query: dict[str, str]
    ) -> tuple[int, bytes, str, dict[str, str]]:
        scenario = self.scenario("generic", "/".join(rest))
        common = self._common(scenario)
        if common:
            return common
        if scenario == "available":
            return 200, b"<html><video src='v.mp4'></video></html>", "text/html", {}
        if scenario == "deleted":
            return 410, b"gone", "text/plain", {}
        return 404, b"not found", "text/plain", {}

    def _wayback(
        self, method: str, rest: list[str], query: dict[str, str]
    ) -> tuple[int, bytes, str, dict[str, str]]:
        if rest and rest[0] == "available":
            snapshot = self.archived.get(query.get("url", ""))
            if snapshot is None:
                return 200, _load("wayback-availability-none.json"), "application/json", {}
            body = {
                "archived_snapshots": {
                    "closest": {
                        "available": True,
                        "url": snapshot,
                        "timestamp": "20240102030405",
                        "status": "200",
                    }
                }
            }
            return 200, json.dumps(body).encode(), "application/json", {}
        if rest and rest[0] == "save" and method == "POST":
            return 200, _load("wayback-spn2-capture-accepted.json"), "application/json", {}
        return 404, b"", "text/plain", {}

    def _articles(
        self, method: str, rest: list[str], query: dict[str, str]
    ) -> tuple[int, bytes, str, dict[str, str]]:
        page = self.articles.get("/".join(rest))
        if page is None:
            return 404, b"not found", "text/plain", {}
        return 200, page.encode(), "text/html; charset=utf-8", {}


_REASONS = {status.value: status.phrase for status in HTTPStatus}


def _response_bytes(
    status: int, body: bytes, content_type: str, headers: dict[str, str], close: bool
) -> bytes:
    lines = [
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}",
        f"Content-Type: {content_type}",
        f"Content-Length: {len(body)}",
    ]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class _AsyncProtocol(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection, answered in order; each answer is sent ``fake.delay`` after its
    request arrived, by a timer rather than a sleeping thread."""

    def __init__(self, fake: FakePlatform) -> None:
        self.fake = fake
        self.buffer = bytearray()
        self.busy = False
        self.transport: asyncio.Transport | None = None
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._next()

    def _next(self) -> None:
        if self.busy or self.transport is None:
            return
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        if len(self.buffer) < end + 4 + length:
            return
        del self.buffer[: end + 4 + length]
        method, target = lines[0].split(" ")[:2]
        parts = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        fake = self.fake
        fake.hits[parts.path] += 1
        fake.requests.append((method, target))
        try:
            status, body, content_type, extra = fake.answer(method, parts.path, query)
        except Exception as error:  # a bug in the fake should fail loudly, not hang the client
            status, body, content_type, extra = 599, str(error).encode(), "text/plain", {}
        close = headers.get("connection", "").lower() == "close"
        payload = _response_bytes(status, body, content_type, extra, close)
        self.busy = True
        if fake.delay:
            self.loop.call_later(fake.delay, self._send, payload, close)
        else:
            self._send(payload, close)

    def _send(self, payload: bytes, close: bool) -> None:
        self.busy = False
        if self.transport is None:
            return
        self.transport.write(payload)
        if close:
            self.transport.close()
            return
        self._next()


if __name__ == "__main__":  # pragma: no cover - handy for poking at it by hand
    with FakePlatform() as fake:
        print(fake.base)
        print(fake.endpoints_toml())
        threading.Event().wait()
