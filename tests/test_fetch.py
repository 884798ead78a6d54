"""tracker.fetch: the client factory, results as values, redirects, size and time limits, concurrency.

Sockets, bodies and timeouts are tested against real servers on 127.0.0.1 (``servers.py``); pure logic such
as redirect bookkeeping and header handling uses ``httpx.MockTransport``.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import UTC, datetime

import httpx
import pytest
import servers
from servers import PAGE, MiB, Reply, Seen, StartServer, compressed, huge, redirect, trickle

from embedtrail.tracker import fetch as fetch_module
from embedtrail.tracker import netguard
from embedtrail.tracker.config import Config, FetchConfig, Limits
from embedtrail.tracker.fetch import (
    DEFAULT_USER_AGENT,
    ERROR_KINDS,
    Fetched,
    Fetcher,
    FetchError,
    FetchResult,
    FetchSettings,
    fetch,
    make_client,
    parse_retry_after,
    read_capped,
)
from embedtrail.tracker.netguard import Blocked, IPAddress, ResolutionError
from embedtrail.tracker.transport import GuardedTransport

local_server = servers.local_server  # fixtures: imported, they serve this module
canned_server = servers.canned_server

NOW = datetime(2037, 10, 21, 7, 26, 0, tzinfo=UTC)
LOCAL = FetchSettings(allow_private=True, timeout=5, connect_timeout=5, total_timeout=30)


def clock() -> datetime:
    return NOW


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test names resolve to 127.0.0.1; anything else fails, so no test can reach real DNS."""

    async def resolve(host: str, port: int) -> Sequence[IPAddress]:
        if host == "localhost" or host.endswith(".test"):
            return [netguard.parse_ip("127.0.0.1")]  # type: ignore[list-item]
        raise ResolutionError(f"{host}: not in the test's fake DNS")

    monkeypatch.setattr(netguard, "resolve", resolve)


def ok(result: FetchResult) -> Fetched:
    assert isinstance(result, Fetched), result
    return result


def failed(result: FetchResult, kind: str) -> FetchError:
    assert isinstance(result, FetchError), result
    assert result.kind == kind, result
    return result


async def get(url: str, settings: FetchSettings = LOCAL, **options: object) -> FetchResult:
    async with Fetcher(settings, clock=clock) as fetcher:
        return await fetcher.get(url, **options)  # type: ignore[arg-type]


# --- settings and the client --------------------------------------------------------------------------------


def test_settings_defaults_are_documented_values() -> None:
    settings = FetchSettings()
    assert (settings.timeout, settings.connect_timeout, settings.total_timeout) == (20.0, 10.0, 60.0)
    assert (settings.max_redirects, settings.max_bytes) == (10, 10 * MiB)
    assert (settings.max_connections, settings.per_host_connections) == (32, 4)
    assert settings.allow_private is False
    assert settings.allowed_ports == (80, 443, 8080, 8443)
    assert settings.min_interval_per_host == 0.0
    assert settings.user_agent is None and settings.agent == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("embedtrail/")
    assert DEFAULT_USER_AGENT.endswith(" (+https://github.com/embedtrail/embedtrail)")


def test_settings_from_config_take_every_fetch_key_and_the_host_interval() -> None:
    fetch_config = FetchConfig(
        timeout=3.0, connect_timeout=2.0, max_bytes=1000, max_redirects=2, max_connections=8,
        per_host_connections=2, allow_private=True,
    )  # fmt: skip
    limits = Limits(min_interval_per_host=0.5, concurrency=99)
    settings = FetchSettings.from_config(fetch_config, limits)
    assert settings == FetchSettings(
        timeout=3.0, connect_timeout=2.0, max_bytes=1000, max_redirects=2, max_connections=8,
        per_host_connections=2, allow_private=True, min_interval_per_host=0.5,
    )  # fmt: skip
    assert fetch_module.settings_from_config(fetch_config, limits) == settings


def test_settings_defaults_are_the_config_defaults() -> None:
    # Each default is defined once, in tracker.config: the fetch layer inherits them.
    assert asdict(FetchSettings()) == {**asdict(FetchConfig()), "min_interval_per_host": 0.0}
    assert FetchSettings().min_interval_per_host == Limits().min_interval_per_host


def test_settings_for_checks_take_the_politeness_limits() -> None:
    config = Config(limits=Limits(concurrency=5, per_host_concurrency=2, min_interval_per_host=1.5))
    settings = FetchSettings.for_checks(config)
    assert (settings.max_connections, settings.per_host_connections) == (5, 2)
    assert settings.min_interval_per_host == 1.5


def test_make_client_is_configured_from_settings() -> None:
    settings = FetchSettings(timeout=7, connect_timeout=3, user_agent="probe/1")
    client = make_client(settings)
    try:
        assert client.headers["user-agent"] == "probe/1"
        assert client.headers["accept-encoding"] == "gzip, deflate, br, zstd"
        assert client.follow_redirects is False
        assert client.timeout == httpx.Timeout(7, connect=3)
        assert client.trust_env is False
        assert isinstance(client._transport, GuardedTransport)
    finally:
        asyncio.run(client.aclose())


@pytest.mark.asyncio
async def test_request_hook_guards_even_an_injected_transport() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200)

    async with make_client(FetchSettings(), httpx.MockTransport(handler)) as client:
        with pytest.raises(Blocked):
            await client.get("http://10.0.0.1/")
        assert (await client.get("https://example.com/")).status_code == 200
    assert seen == ["https://example.com/"]


# --- a successful fetch -------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_fetched_record(canned_server: servers.LocalServer) -> None:
    result = ok(await get(canned_server.url("/ok")))
    assert result.url == result.final_url == canned_server.url("/ok")
    assert result.status == 200
    assert result.body == PAGE
    assert result.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert result.content_type == "text/html; charset=utf-8"
    assert result.mime_type == "text/html"
    assert result.headers["content-length"] == str(len(PAGE))
    assert result.fetched_at == "2037-10-21T07:26:00Z"
    assert result.elapsed_ms >= 0
    assert result.redirects == ()
    assert result.retry_after is None
    assert result.ok is True
    capture = result.capture("http")
    assert (capture.bytes, capture.sha256, capture.http_status, capture.origin) == (
        len(PAGE), result.sha256, 200, "http",
    )  # fmt: skip


@pytest.mark.asyncio
async def test_requests_carry_the_user_agent_and_accept_encoding(local_server: StartServer) -> None:
    server = local_server({"/": Reply(body=b"x")})
    ok(await get(server.url("/")))
    headers = server.requests[0].headers
    assert headers["user-agent"] == DEFAULT_USER_AGENT
    assert headers["accept-encoding"] == "gzip, deflate, br, zstd"


@pytest.mark.asyncio
async def test_fetch_accepts_a_bare_client_or_a_fetcher(canned_server: servers.LocalServer) -> None:
    async with make_client(LOCAL) as client:
        bare = ok(await fetch(client, canned_server.url("/ok"), settings=LOCAL, clock=clock))
    async with Fetcher(LOCAL) as fetcher:
        owned = ok(await fetch(fetcher, canned_server.url("/ok")))
    assert bare.body == owned.body == PAGE


@pytest.mark.asyncio
async def test_a_shared_client_is_not_closed_by_the_fetcher(canned_server: servers.LocalServer) -> None:
    async with make_client(LOCAL) as client:
        async with Fetcher(LOCAL, client=client) as fetcher:
            ok(await fetcher.get(canned_server.url("/ok")))
        assert not client.is_closed


# --- content encodings and the size cap ---------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/br", "/zstd", "/gzip-br"])
async def test_compressed_bodies_are_decoded(path: str, canned_server: servers.LocalServer) -> None:
    result = ok(await get(canned_server.url(path)))
    assert result.body == PAGE
    assert result.sha256 == hashlib.sha256(PAGE).hexdigest()


@pytest.mark.asyncio
@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib-wrapped", "raw"])
async def test_deflate_with_or_without_its_zlib_wrapper(wbits: int, local_server: StartServer) -> None:
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = packer.compress(PAGE) + packer.flush()
    server = local_server({"/": Reply(body=body, headers=[("Content-Encoding", "deflate")])})
    assert ok(await get(server.url("/"))).body == PAGE


@pytest.mark.asyncio
async def test_gzip_label_on_zlib_data_is_read(local_server: StartServer) -> None:
    server = local_server({"/": Reply(body=zlib.compress(PAGE), headers=[("Content-Encoding", "gzip")])})
    assert ok(await get(server.url("/"))).body == PAGE


@pytest.mark.asyncio
async def test_large_compressed_page_decodes_completely(local_server: StartServer) -> None:
    page = b"".join(b"<p>paragraph %d of a long article</p>\n" % n for n in range(60000))  # ~2.3 MB
    routes = {f"/{name}": compressed(page, name) for name in ("gzip", "br", "zstd")}
    server = local_server(routes)
    for name in ("gzip", "br", "zstd"):
        assert ok(await get(server.url(f"/{name}"))).body == page, name


@pytest.mark.asyncio
@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
async def test_compression_bomb_stops_at_the_cap_without_inflating(
    encoding: str, canned_server: servers.LocalServer
) -> None:
    settings = FetchSettings(allow_private=True, max_bytes=1 * MiB)
    async with Fetcher(settings) as fetcher:
        tracemalloc.start()
        try:
            result = await fetcher.get(canned_server.url(f"/bomb/{encoding}"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    failed(result, "too_large")
    # 256 MiB of zeros behind the bomb; the decoders hand out small steps, so memory stays near the cap.
    assert peak < 32 * MiB


@pytest.mark.asyncio
async def test_size_cap_boundary(local_server: StartServer) -> None:
    server = local_server({"/exact": huge(4096, announce=False), "/over": huge(4097, announce=False)})
    settings = FetchSettings(allow_private=True, max_bytes=4096)
    assert len(ok(await get(server.url("/exact"), settings)).body) == 4096
    failed(await get(server.url("/over"), settings), "too_large")


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/huge", "/huge-unannounced"])
async def test_huge_bodies_are_abandoned(path: str, canned_server: servers.LocalServer) -> None:
    error = failed(
        await get(canned_server.url(path), FetchSettings(allow_private=True, max_bytes=MiB)), "too_large"
    )
    assert str(MiB) in error.detail


@pytest.mark.asyncio
async def test_corrupt_compressed_body_is_a_decompression_error(canned_server: servers.LocalServer) -> None:
    failed(await get(canned_server.url("/corrupt-gzip")), "decompression")


@pytest.mark.asyncio
async def test_unknown_content_encoding_is_treated_as_identity(local_server: StartServer) -> None:
    server = local_server({"/": Reply(body=PAGE, headers=[("Content-Encoding", "UTF-8")])})
    assert ok(await get(server.url("/"))).body == PAGE


@pytest.mark.asyncio
async def test_read_capped_bounds_a_direct_stream(canned_server: servers.LocalServer) -> None:
    async with make_client(LOCAL) as client:
        async with client.stream("GET", canned_server.url("/bomb/br")) as response:
            head = await read_capped(response, 1000)
        async with client.stream("GET", canned_server.url("/corrupt-gzip")) as response:
            with pytest.raises(httpx.DecodingError):
                await read_capped(response, 1000)
    assert head == bytes(1000)


# --- status codes and Retry-After ---------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(("path", "status"), [("/not-found", 404), ("/gone", 410), ("/server-error", 500)])
async def test_error_statuses_are_values_with_a_body_preview(
    path: str, status: int, canned_server: servers.LocalServer
) -> None:
    error = failed(await get(canned_server.url(path)), "http_status")
    assert error.status == status
    assert error.reason == f"http_status {status}"
    assert str(error).startswith(f"http_status {status}: ")
    assert error.body
    assert error.final_url == canned_server.url(path)
    assert error.ok is False


@pytest.mark.asyncio
async def test_error_body_preview_is_capped(local_server: StartServer) -> None:
    server = local_server({"/": Reply(status=404, body=b"x" * (200 * 1024))})
    error = failed(await get(server.url("/")), "http_status")
    assert len(error.body) == fetch_module.ERROR_BODY_BYTES


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("path", "status", "seconds"),
    [("/rate-limited", 429, 120.0), ("/rate-limited-date", 429, 120.0), ("/unavailable", 503, 7.0)],
)
async def test_retry_after_is_exposed(
    path: str, status: int, seconds: float, canned_server: servers.LocalServer
) -> None:
    error = failed(await get(canned_server.url(path)), "http_status")
    assert (error.status, error.retry_after) == (status, seconds)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Wed, 21 Oct 2037 07:28:00 GMT", 120.0),
        ("Wednesday, 21-Oct-37 07:28:00 GMT", 120.0),
        ("Wed, 21 Oct 2037 07:00:00 GMT", 0.0),
        ("Wed, 21 Oct 2037 07:28:00", 120.0),
        ("-5", None),
        ("1.5", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


@pytest.mark.asyncio
async def test_no_content_is_a_success(canned_server: servers.LocalServer) -> None:
    result = ok(await get(canned_server.url("/empty")))
    assert (result.status, result.body) == (204, b"")


# --- redirects ----------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_redirect_chain_is_recorded(canned_server: servers.LocalServer) -> None:
    result = ok(await get(canned_server.url("/redirect-chain/1")))
    assert result.final_url == canned_server.url("/ok")
    assert [(hop.url, hop.status) for hop in result.redirects] == [
        (canned_server.url("/redirect-chain/1"), 302),
        (canned_server.url("/redirect-chain/2"), 301),
        (canned_server.url("/redirect-chain/3"), 307),
    ]
    assert result.body == PAGE


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "path", ["/redirect", "/redirect-301", "/redirect-307", "/redirect-308", "/redirect-absolute"]
)
async def test_each_redirect_status_is_followed(path: str, canned_server: servers.LocalServer) -> None:
    assert ok(await get(canned_server.url(path))).final_url == canned_server.url("/ok")


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/loop/a", "/loop/self"])
async def test_redirect_loops_are_detected(path: str, canned_server: servers.LocalServer) -> None:
    error = failed(await get(canned_server.url(path)), "redirect_loop")
    assert len(error.redirects) <= 4


@pytest.mark.asyncio
async def test_too_many_redirects(canned_server: servers.LocalServer) -> None:
    error = failed(await get(canned_server.url("/hops/1")), "too_many_redirects")
    assert len(error.redirects) == 11
    relaxed = FetchSettings(allow_private=True, max_redirects=15)
    assert len(ok(await get(canned_server.url("/hops/1"), relaxed)).redirects) == 15


@pytest.mark.asyncio
async def test_redirect_without_location_is_an_http_status(canned_server: servers.LocalServer) -> None:
    assert failed(await get(canned_server.url("/redirect-no-location")), "http_status").status == 302


@pytest.mark.asyncio
async def test_cookie_wall_redirecting_to_itself_once_is_not_a_loop(local_server: StartServer) -> None:
    def wall(seen: Seen) -> Reply:
        if "consent=yes" in seen.headers.get("cookie", ""):
            return Reply(body=PAGE)
        return Reply(status=302, headers=[("Location", "/article"), ("Set-Cookie", "consent=yes; Path=/")])

    server = local_server({"/article": wall})
    result = ok(await get(server.url("/article")))
    assert len(result.redirects) == 1 and result.body == PAGE


@pytest.mark.asyncio
async def test_secrets_are_not_forwarded_to_another_origin(local_server: StartServer) -> None:
    other = local_server({"/landing": Reply(body=b"elsewhere")})
    home = local_server({"/here": redirect("/there"), "/there": redirect(other.url("/landing"))})
    headers = {"Authorization": "Bearer secret", "X-Trace": "1"}
    ok(await get(home.url("/here"), headers=headers))
    assert home.requests[1].headers.get("authorization") == "Bearer secret"  # same origin keeps it
    assert "authorization" not in other.requests[0].headers
    assert other.requests[0].headers["x-trace"] == "1"


@pytest.mark.asyncio
async def test_redirect_logic_with_a_mock_transport() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/dir/a":
            return httpx.Response(303, headers={"Location": "../b?x=1#frag"})
        if request.url.path == "/b":
            return httpx.Response(200, text="done", headers={"Content-Type": "text/plain"})
        return httpx.Response(404)

    async with Fetcher(FetchSettings(), transport=httpx.MockTransport(handler), clock=clock) as fetcher:
        result = ok(await fetcher.get("https://example.com/dir/a"))
    assert result.final_url == "https://example.com/b?x=1#frag"
    assert [hop.status for hop in result.redirects] == [303]
    assert result.body == b"done"


@pytest.mark.asyncio
async def test_redirect_to_a_malformed_location_is_bad_url() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://exa mple.com:99999999/"})

    async with Fetcher(FetchSettings(), transport=httpx.MockTransport(handler)) as fetcher:
        failed(await fetcher.get("https://example.com/"), "bad_url")


# --- time limits --------------------------------------------------------------------------------------------

SHORT = FetchSettings(allow_private=True, timeout=1, connect_timeout=1, total_timeout=30)


@pytest.mark.asyncio
async def test_trickle_slower_than_the_read_timeout_times_out(canned_server: servers.LocalServer) -> None:
    error = failed(await get(canned_server.url("/trickle-slow"), SHORT), "timeout")
    assert "waiting for data" in error.detail


@pytest.mark.asyncio
async def test_slow_headers_time_out(canned_server: servers.LocalServer) -> None:
    failed(await get(canned_server.url("/slow-headers"), SHORT), "timeout")


@pytest.mark.asyncio
async def test_trickle_inside_the_read_timeout_hits_the_total_deadline(local_server: StartServer) -> None:
    server = local_server({"/": trickle(PAGE * 20, every=0.05)})
    settings = FetchSettings(allow_private=True, timeout=1, total_timeout=1)
    error = failed(await get(server.url("/"), settings), "timeout")
    assert "total" in error.detail


# --- network failures and URL refusals ----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    failed(await get(f"http://127.0.0.1:{port}/"), "connection")


@pytest.mark.asyncio
async def test_unresolvable_name_is_dns() -> None:
    failed(await get("http://no-such-host.invalid/"), "dns")
    failed(await get("http://no-such-host.invalid/", FetchSettings()), "dns")


@pytest.mark.asyncio
async def test_server_closing_mid_body_is_reported(local_server: StartServer) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"<html>partial"
        raise ConnectionResetError  # the handler drops the connection with bytes still owed

    server = local_server({"/": Reply(body=chunks, length=10_000)})
    error = await get(server.url("/"))
    assert isinstance(error, FetchError) and error.kind in {"protocol", "connection"}, error


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("", "bad_scheme"),
        ("not a url", "bad_scheme"),
        ("ftp://example.com/file", "bad_scheme"),
        ("http://", "bad_url"),
        ("http://exa mple.com/", "bad_url"),
        ("http://127.0.0.1/", "private_address"),
        ("http://user:pw@example.com/", "credentials"),
        ("http://example.com:25/", "bad_port"),
    ],
)
async def test_refused_urls_are_values(url: str, kind: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request may be sent")

    async with Fetcher(FetchSettings(), transport=httpx.MockTransport(handler), clock=clock) as fetcher:
        error = failed(await fetcher.get(url), kind)
    assert error.fetched_at == "2037-10-21T07:26:00Z"


# --- content types ------------------------------------------------------------------------------------------

HTML = {"text/html", "application/xhtml+xml"}


@pytest.mark.asyncio
async def test_content_type_filter(canned_server: servers.LocalServer) -> None:
    failed(await get(canned_server.url("/pdf"), content_types=HTML), "content_type")
    failed(await get(canned_server.url("/json"), content_types=HTML), "content_type")
    ok(await get(canned_server.url("/ok"), content_types=HTML))
    ok(await get(canned_server.url("/no-type"), content_types=HTML))  # no header: the parser sniffs
    ok(await get(canned_server.url("/text"), content_types={"text/*"}))
    ok(await get(canned_server.url("/pdf")))  # no filter, no refusal


# --- concurrency --------------------------------------------------------------------------------------------


def slow_route(delay: float) -> Reply:
    return Reply(body=b"ok", delay=delay)


@pytest.mark.asyncio
async def test_per_host_limit(local_server: StartServer) -> None:
    server = local_server({"/": slow_route(0.2)})
    settings = FetchSettings(allow_private=True, per_host_connections=3, max_connections=32)
    async with Fetcher(settings) as fetcher:
        results = await asyncio.gather(*(fetcher.get(server.url(f"/?n={n}")) for n in range(12)))
    assert all(isinstance(result, Fetched) for result in results)
    assert 2 <= server.max_in_flight <= 3


@pytest.mark.asyncio
async def test_overall_limit_across_hosts(local_server: StartServer) -> None:
    server = local_server({"/": slow_route(0.2)})
    settings = FetchSettings(allow_private=True, per_host_connections=4, max_connections=5)
    urls = [f"http://host{n % 6}.test:{server.port}/?n={n}" for n in range(24)]
    async with Fetcher(settings) as fetcher:
        results = await asyncio.gather(*(fetcher.get(url) for url in urls))
    assert all(isinstance(result, Fetched) for result in results)
    assert 2 <= server.max_in_flight <= 5


@pytest.mark.asyncio
async def test_a_thousand_urls_overlap(local_server: StartServer) -> None:
    server = local_server({"/": slow_route(0.02)})
    settings = FetchSettings(allow_private=True, max_connections=16, per_host_connections=4)
    urls = [f"http://site{n % 10}.test:{server.port}/?n={n}" for n in range(1000)]
    async with Fetcher(settings) as fetcher:
        results = await asyncio.gather(*(fetcher.get(url) for url in urls))
    assert [result for result in results if not isinstance(result, Fetched)] == []
    assert 4 < server.max_in_flight <= 16


@pytest.mark.asyncio
async def test_queued_requests_wait_for_a_slot_not_for_the_pool(local_server: StartServer) -> None:
    # 64 requests, 4 connections, 0.2 s each: the last starts ~3.2 s in. Waiting in httpx's pool would count
    # against its 2 s pool timeout; waiting for the Fetcher's slot does not. Each request's own 0.2 s stays
    # ten times under the timeout, so a loaded test machine cannot time one out on its own.
    server = local_server({"/": slow_route(0.2)})
    settings = FetchSettings(allow_private=True, timeout=2.0, max_connections=4, per_host_connections=4)
    urls = [f"http://site{n % 10}.test:{server.port}/?n={n}" for n in range(64)]
    async with Fetcher(settings) as fetcher:
        results = await asyncio.gather(*(fetcher.get(url) for url in urls))
    assert [result for result in results if not isinstance(result, Fetched)] == []
    assert server.max_in_flight <= 4


@pytest.mark.asyncio
async def test_min_interval_per_host(local_server: StartServer) -> None:
    starts: list[float] = []
    lock = threading.Lock()

    def stamp(seen: Seen) -> Reply:
        with lock:
            starts.append(time.monotonic())
        return Reply(body=b"ok")

    server = local_server({"/": stamp})
    settings = FetchSettings(allow_private=True, min_interval_per_host=0.2)
    async with Fetcher(settings) as fetcher:
        await asyncio.gather(*(fetcher.get(server.url(f"/?n={n}")) for n in range(3)))
    starts.sort()
    assert all(later - earlier >= 0.15 for earlier, later in itertools.pairwise(starts))


# --- the public surface -------------------------------------------------------------------------------------


def test_error_kinds_cover_the_guard_and_fetch_reasons() -> None:
    expected = {
        "timeout", "too_large", "private_address", "bad_scheme", "redirect_loop", "too_many_redirects",
        "http_status", "connection", "dns", "tls", "decompression", "bad_port", "credentials",
    }  # fmt: skip
    assert expected <= set(ERROR_KINDS)


def _isort_order(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_exports_are_sorted_and_complete() -> None:
    assert fetch_module.__all__ == sorted(fetch_module.__all__, key=_isort_order)
    for name in fetch_module.__all__:
        assert hasattr(fetch_module, name)
