"""The private-address guard: pure URL and address tables, then hostile URLs against a real socket."""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

import httpcore
import httpx
import pytest
import servers
from servers import Reply, StartServer, redirect

from embedtrail.tracker import netguard
from embedtrail.tracker.fetch import Fetcher, FetchError, FetchSettings, make_client
from embedtrail.tracker.netguard import (
    Blocked,
    GuardedBackend,
    GuardPolicy,
    IPAddress,
    ResolutionError,
    address_problem,
    parse_ip,
    url_problem,
)
from embedtrail.tracker.transport import GuardedTransport

local_server = servers.local_server  # a fixture: imported, it serves this module

ip = ipaddress.ip_address

# Names the fake resolver knows; nothing in these tests asks real DNS.
FAKE_DNS: dict[str, list[str]] = {
    "localhost": ["127.0.0.1"],
    "public.test": ["8.8.8.8"],
    "other-public.test": ["9.9.9.9"],
    "loopback.test": ["127.0.0.1"],
    "v6-loopback.test": ["::1"],
    "metadata.test": ["169.254.169.254"],
    "lan.test": ["192.168.0.10"],
    "mixed.test": ["8.8.8.8", "127.0.0.1"],
    "mapped.test": ["::ffff:10.0.0.1"],
    "news.test": ["127.0.0.1"],
    "wrong-name.test": ["127.0.0.1"],
}


class FakeResolver:
    """Answers from FAKE_DNS (or a per-test table) and counts lookups."""

    def __init__(self, table: dict[str, list[str]] | None = None) -> None:
        self.table = FAKE_DNS if table is None else table
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> Sequence[IPAddress]:
        self.lookups.append(host)
        if host not in self.table:
            raise ResolutionError(f"{host}: not in the test's fake DNS")
        return [ip(address) for address in self.table[host]]


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeResolver:
    resolver = FakeResolver()
    monkeypatch.setattr(netguard, "resolve", resolver)
    return resolver


class SpyBackend(httpcore.AnyIOBackend):
    """Records every TCP connection the guard lets through; optionally reroutes it to a local port."""

    def __init__(self, reroute_to: int | None = None) -> None:
        self.calls: list[tuple[str, int]] = []
        self.reroute_to = reroute_to

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.calls.append((host, port))
        if self.reroute_to is not None:
            host, port = "127.0.0.1", self.reroute_to
        return await super().connect_tcp(host, port, timeout, local_address, socket_options)


def guarded_fetcher(
    settings: FetchSettings, spy: SpyBackend, *, verify: ssl.SSLContext | bool = True
) -> Fetcher:
    transport = GuardedTransport(settings.policy(), limits=settings.limits(), inner=spy, verify=verify)
    return Fetcher(settings, transport=transport)


# --- pure: literal addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0177.0000.0000.0001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0x7f.0x0.0x0.0x1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("3232235521", "192.168.0.1"),
        ("10.1", "10.0.0.1"),
        ("169.254.43518", "169.254.169.254"),
        ("[::1]", "::1"),
        ("::1", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("fe80::1%25eth0", "fe80::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("8.8.8.8", "8.8.8.8"),
    ],
)
def test_parse_ip_reads_every_spelling(host: str, expected: str) -> None:
    assert parse_ip(host) == ip(expected)


@pytest.mark.parametrize(
    "host", ["example.com", "news.bbc.co.uk", "1x.example", "0x7f.example", "a.1b", "localhost"]
)
def test_parse_ip_leaves_names_alone(host: str) -> None:
    assert parse_ip(host) is None


@pytest.mark.parametrize(
    "host", ["1.2.3.4.5", "256.1.1.1", "1.2.3.256", "4294967296", "08.1.1.1", "[::zz]", "1.0x100.1"]
)
def test_parse_ip_rejects_numeric_nonsense(host: str) -> None:
    with pytest.raises(ValueError):
        parse_ip(host)


BLOCKED_ADDRESSES = [
    ("0.0.0.0", "this network"),
    ("0.1.2.3", "this network"),
    ("10.0.0.1", "private"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.254", "carrier-grade NAT"),
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("169.254.169.254", "link-local"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.0.0.8", "IETF"),
    ("192.0.2.1", "documentation"),
    ("192.168.1.1", "private"),
    ("198.18.0.1", "benchmarking"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("::", "unspecified"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "IPv4-mapped"),
    ("::ffff:8.8.8.8", "IPv4-mapped"),
    ("::127.0.0.1", "IPv4-compatible"),
    ("64:ff9b::7f00:1", "127.0.0.1, which is loopback"),
    ("64:ff9b::a00:1", "10.0.0.1, which is private"),
    ("64:ff9b::a9fe:a9fe", "169.254.169.254, which is link-local"),
    ("64:ff9b:1::1", "local-use NAT64"),
    ("2002:7f00:1::1", "127.0.0.1, which is loopback"),
    ("2002:c0a8:101::1", "192.168.1.1, which is private"),
    ("2001::1", "Teredo"),
    ("2001:db8::1", "documentation"),
    ("fc00::1", "unique local"),
    ("fd12:3456:789a::1", "unique local"),
    ("fe80::1", "link-local"),
    ("fec0::1", "site-local"),
    ("ff02::1", "multicast"),
    ("100::1", "discard-only"),
    ("4000::1", "outside global unicast"),
]


@pytest.mark.parametrize(("address", "label"), BLOCKED_ADDRESSES)
def test_address_problem_names_the_range(address: str, label: str) -> None:
    problem = address_problem(ip(address))
    assert problem is not None and label in problem


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", "1.1.1.1", "93.184.215.14", "100.128.0.1", "172.32.0.1", "2606:4700:4700::1111",
     "2a00:1450:4001:80b::200e", "64:ff9b::808:808", "2002:808:808::1"],
)  # fmt: skip
def test_address_problem_allows_public_addresses(address: str) -> None:
    assert address_problem(ip(address)) is None


# --- pure: URLs ---------------------------------------------------------------------------------------------

POLICY = GuardPolicy()


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://example.com/news", None),
        ("http://example.com:8080/", None),
        ("https://example.com:8443/", None),
        ("http://[2606:4700:4700::1111]/", None),
        ("ftp://example.com/", "bad_scheme"),
        ("file:///etc/passwd", "bad_scheme"),
        ("javascript:alert(1)", "bad_scheme"),
        ("data:text/html,hi", "bad_scheme"),
        ("//example.com/", "bad_scheme"),
        ("http://user:pw@example.com/", "credentials"),
        ("http://user@example.com/", "credentials"),
        ("http://example.com:22/", "bad_port"),
        ("http://example.com:0/", "bad_url"),
        ("https://example.com:6379/", "bad_port"),
        ("http://example.com:99999/", "bad_url"),
        ("http://127.0.0.1:99999/", "bad_url"),
        ("http:///path", "bad_url"),
        ("http://%31%32%37.0.0.1/", "bad_url"),
        ("http://1.2.3.4.5/", "bad_url"),
        ("not a url at all", "bad_scheme"),
        ("http://localhost/", "private_address"),
        ("http://api.localhost/", "private_address"),
        ("http://0177.0.0.1/", "private_address"),
        ("http://127.000.000.001/", "private_address"),
        ("http://[::1]:22/", "private_address"),
    ],
)
def test_url_problem(url: str, kind: str | None) -> None:
    problem = url_problem(url, POLICY)
    assert (problem.kind if problem else None) == kind


def test_allow_private_lifts_address_and_port_checks_only() -> None:
    lax = GuardPolicy(allow_private=True)
    assert url_problem("http://127.0.0.1:5000/", lax) is None
    assert url_problem("http://localhost:1/", lax) is None
    assert url_problem("http://[::1]/", lax) is None
    for url, kind in [("file:///etc/passwd", "bad_scheme"), ("http://u:p@127.0.0.1/", "credentials")]:
        problem = url_problem(url, lax)
        assert problem is not None and problem.kind == kind


def test_url_problem_accepts_httpx_urls() -> None:
    problem = url_problem(httpx.URL("http://10.0.0.1/"), POLICY)
    assert problem is not None and problem.kind == "private_address"


@pytest.mark.asyncio
async def test_resolve_uses_the_system_resolver_for_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real resolver; /etc/hosts answers localhost without any network
    addresses = await netguard.resolve("localhost", 80)
    assert addresses and all(address.is_loopback for address in addresses)
    with pytest.raises(ResolutionError):
        await netguard.resolve("name-that-does-not-exist.invalid", 80)


# --- hostile URLs against a real listening socket -----------------------------------------------------------

HOSTILE_URLS: list[tuple[str, str]] = [
    ("http://127.0.0.1:{port}/", "private_address"),
    ("http://127.0.0.2:{port}/", "private_address"),
    ("http://127.0.0.1.:{port}/", "private_address"),
    ("http://localhost:{port}/", "private_address"),
    ("http://LOCALHOST.:{port}/", "private_address"),
    ("http://admin.localhost:{port}/", "private_address"),
    ("http://2130706433:{port}/", "private_address"),
    ("http://0x7f000001:{port}/", "private_address"),
    ("http://0x7f.0.0.1:{port}/", "private_address"),
    ("http://0177.0.0.1:{port}/", "private_address"),
    ("http://017700000001:{port}/", "private_address"),
    ("http://127.1:{port}/", "private_address"),
    ("http://127.0.1:{port}/", "private_address"),
    ("http://0.0.0.0:{port}/", "private_address"),
    ("http://0:{port}/", "private_address"),
    ("http://[::1]:{port}/", "private_address"),
    ("http://[::]:{port}/", "private_address"),
    ("http://[::ffff:127.0.0.1]:{port}/", "private_address"),
    ("http://[::ffff:7f00:1]:{port}/", "private_address"),
    ("http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/", "private_address"),
    ("http://[::127.0.0.1]:{port}/", "private_address"),
    ("http://[64:ff9b::7f00:1]:{port}/", "private_address"),
    ("http://[64:ff9b::a00:1]:{port}/", "private_address"),
    ("http://[2002:7f00:1::]:{port}/", "private_address"),
    ("http://[fe80::1%25lo]:{port}/", "private_address"),
    ("http://[fc00::1]:{port}/", "private_address"),
    ("http://[ff02::1]:{port}/", "private_address"),
    ("http://169.254.169.254:{port}/latest/meta-data/", "private_address"),
    ("http://169.254.43518:{port}/latest/meta-data/", "private_address"),
    ("http://10.0.0.1:{port}/", "private_address"),
    ("http://172.16.0.1:{port}/", "private_address"),
    ("http://192.168.1.1:{port}/", "private_address"),
    ("http://100.64.0.1:{port}/", "private_address"),
    ("http://224.0.0.1:{port}/", "private_address"),
    ("http://255.255.255.255:{port}/", "private_address"),
    ("http://loopback.test:{port}/", "private_address"),
    ("http://v6-loopback.test:{port}/", "private_address"),
    ("http://metadata.test:{port}/", "private_address"),
    ("http://lan.test:{port}/", "private_address"),
    ("http://mixed.test:{port}/", "private_address"),
    ("http://mapped.test:{port}/", "private_address"),
    ("http://user:secret@127.0.0.1:{port}/", "credentials"),
    ("http://public.test@127.0.0.1:{port}/", "credentials"),
    ("ftp://127.0.0.1:{port}/", "bad_scheme"),
    ("gopher://127.0.0.1:{port}/_GET%20/", "bad_scheme"),
    ("file:///etc/passwd", "bad_scheme"),
    ("http://public.test:22/", "bad_port"),
    ("http://public.test:6379/", "bad_port"),
    ("http://%31%32%37.0.0.1:{port}/", "bad_url"),
    ("http://not-in-dns.test:{port}/", "dns"),
]


def test_hostile_table_is_large() -> None:
    assert len(HOSTILE_URLS) >= 25


@pytest.mark.asyncio
@pytest.mark.parametrize(("template", "kind"), HOSTILE_URLS, ids=[url for url, _ in HOSTILE_URLS])
async def test_hostile_url_never_reaches_the_socket(
    template: str, kind: str, local_server: StartServer, fake_dns: FakeResolver
) -> None:
    server = local_server({"/": Reply(body=b"secret")})
    # The test port is allowed so that only the address guard stands between the URL and the socket.
    settings = FetchSettings(allowed_ports=(80, 443, server.port))
    spy = SpyBackend()
    async with guarded_fetcher(settings, spy) as fetcher:
        result = await fetcher.get(template.format(port=server.port))
    assert isinstance(result, FetchError)
    assert result.kind == kind, result.detail
    assert spy.calls == []
    assert server.connections == 0


@pytest.mark.asyncio
async def test_control_a_public_answer_does_reach_the_socket(local_server: StartServer) -> None:
    # Same harness as the hostile table: proves a connection would have been seen there.
    server = local_server({"/": Reply(body=b"hello")})
    settings = FetchSettings(allowed_ports=(server.port,))
    spy = SpyBackend(reroute_to=server.port)
    async with guarded_fetcher(settings, spy) as fetcher:
        result = await fetcher.get(f"http://public.test:{server.port}/")
    assert not isinstance(result, FetchError), result
    assert result.body == b"hello"
    assert spy.calls == [("8.8.8.8", server.port)]  # connected to the checked address, not the name
    assert server.connections == 1
    assert server.requests[0].headers["host"] == f"public.test:{server.port}"


@pytest.mark.asyncio
async def test_direct_client_use_is_guarded_too(local_server: StartServer) -> None:
    server = local_server({"/": Reply(body=b"secret")})
    client = make_client(FetchSettings(allowed_ports=(server.port,)))
    async with client:
        with pytest.raises(Blocked) as blocked:
            await client.get(server.url("/"))
        # A host name that resolves to loopback is stopped by the transport, below the request hook.
        with pytest.raises(Blocked):
            await client.get(f"http://loopback.test:{server.port}/")
    assert blocked.value.kind == "private_address"
    assert server.connections == 0


# --- DNS rebinding and redirects ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_dns_is_asked_once_per_connection_and_the_checked_address_is_used(
    local_server: StartServer, fake_dns: FakeResolver
) -> None:
    server = local_server({"/": Reply(body=b"hello")})
    answers = iter([["8.8.8.8"], ["127.0.0.1"], ["127.0.0.1"]])

    class Rebinding(FakeResolver):
        async def __call__(self, host: str, port: int) -> Sequence[IPAddress]:
            self.lookups.append(host)
            return [ip(address) for address in next(answers)]

    rebinding = Rebinding()
    settings = FetchSettings(allowed_ports=(server.port,))
    spy = SpyBackend(reroute_to=server.port)
    transport = GuardedTransport(settings.policy(), limits=settings.limits(), inner=spy, resolver=rebinding)
    async with Fetcher(settings, transport=transport) as fetcher:
        first = await fetcher.get(f"http://rebind.test:{server.port}/")
        second = await fetcher.get(f"http://rebind.test:{server.port}/")  # reuses the checked connection
    assert not isinstance(first, FetchError) and not isinstance(second, FetchError)
    assert rebinding.lookups == ["rebind.test"]
    assert spy.calls == [("8.8.8.8", server.port)]


@pytest.mark.asyncio
async def test_a_rebound_answer_on_a_new_connection_is_refused(local_server: StartServer) -> None:
    server = local_server({"/": Reply(body=b"hello", headers=[("Connection", "close")])})
    answers = iter([["8.8.8.8"], ["127.0.0.1"]])

    async def rebinding(host: str, port: int) -> Sequence[IPAddress]:
        return [ip(address) for address in next(answers)]

    settings = FetchSettings(allowed_ports=(server.port,))
    spy = SpyBackend(reroute_to=server.port)
    transport = GuardedTransport(settings.policy(), limits=settings.limits(), inner=spy, resolver=rebinding)
    async with Fetcher(settings, transport=transport) as fetcher:
        first = await fetcher.get(f"http://rebind.test:{server.port}/")
        second = await fetcher.get(f"http://rebind.test:{server.port}/")
    assert not isinstance(first, FetchError)
    assert isinstance(second, FetchError) and second.kind == "private_address"
    assert spy.calls == [("8.8.8.8", server.port)]
    assert server.connections == 1


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("location", "kind"),
    [
        ("http://127.0.0.1:{port}/secret", "private_address"),
        ("http://2130706433:{port}/secret", "private_address"),
        ("http://[::1]:{port}/secret", "private_address"),
        ("http://169.254.169.254/latest/meta-data/", "private_address"),
        ("http://loopback.test:{port}/secret", "private_address"),
        ("http://localhost:{port}/secret", "private_address"),
        ("file:///etc/passwd", "bad_scheme"),
        ("http://public.test:25/", "bad_port"),
        ("http://user:pw@public.test:{port}/secret", "credentials"),
    ],
)
async def test_every_redirect_hop_is_checked(location: str, kind: str, local_server: StartServer) -> None:
    server = local_server({})
    server.routes = {
        "/start": redirect(location.format(port=server.port)),
        "/secret": Reply(body=b"secret"),
    }
    settings = FetchSettings(allowed_ports=(server.port, 80))
    spy = SpyBackend(reroute_to=server.port)
    async with guarded_fetcher(settings, spy) as fetcher:
        result = await fetcher.get(f"http://public.test:{server.port}/start")
    assert isinstance(result, FetchError)
    assert result.kind == kind, result.detail
    assert [hop.url for hop in result.redirects] == [f"http://public.test:{server.port}/start"]
    assert server.paths() == ["/start"]
    assert all(host == "8.8.8.8" for host, _ in spy.calls)


# --- TLS: connect to the checked IP, verify and send SNI for the name ---------------------------------------


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=news.test",
         "-addext", "subjectAltName=DNS:news.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.mark.asyncio
async def test_https_through_the_guard_keeps_sni_and_verification(
    tls_files: tuple[Path, Path], local_server: StartServer
) -> None:
    cert, key = tls_files
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server = local_server({"/ok": Reply(body=b"over tls")}, tls=server_context)
    client_context = ssl.create_default_context(cafile=str(cert))
    settings = FetchSettings(allow_private=True)
    spy = SpyBackend()
    async with guarded_fetcher(settings, spy, verify=client_context) as fetcher:
        good = await fetcher.get(f"https://news.test:{server.port}/ok")
        wrong = await fetcher.get(f"https://wrong-name.test:{server.port}/ok")
    assert not isinstance(good, FetchError), good
    assert good.body == b"over tls"
    assert server.requests[0].headers["host"] == f"news.test:{server.port}"
    assert spy.calls[0] == ("127.0.0.1", server.port)
    assert isinstance(wrong, FetchError) and wrong.kind == "tls", wrong


# --- the backend on its own ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_backend_refuses_unix_sockets_and_reports_dns_failures() -> None:
    backend = GuardedBackend(GuardPolicy())
    with pytest.raises(Blocked):
        await backend.connect_unix_socket("/var/run/docker.sock")
    with pytest.raises(ResolutionError):
        await backend.connect_tcp("not-in-dns.test", 80)


@pytest.mark.asyncio
async def test_backend_with_allow_private_still_resolves_through_the_same_path(
    local_server: StartServer, fake_dns: FakeResolver
) -> None:
    server = local_server({"/": Reply(body=b"hi")})
    async with Fetcher(FetchSettings(allow_private=True)) as fetcher:
        result = await fetcher.get(f"http://loopback.test:{server.port}/")
    assert not isinstance(result, FetchError), result
    assert fake_dns.lookups == ["loopback.test"]


def _isort_order(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions, each alphabetical.
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_exports_are_sorted_and_complete() -> None:
    assert netguard.__all__ == sorted(netguard.__all__, key=_isort_order)
    for name in netguard.__all__:
        assert hasattr(netguard, name)
