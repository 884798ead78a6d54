"""The private-address guard: decides which URLs and IP addresses embedtrail may fetch, and connects safely.

Article pages are written by strangers, so every URL we follow (and every redirect hop) is hostile input
that could point at the machine itself, the LAN or a cloud metadata service (SSRF). ``url_problem`` is the
pure check of a URL (scheme, credentials, port, literal addresses in every spelling ``inet_aton`` accepts);
``address_problem`` is the pure check of one IP address. ``GuardedTransport`` is the httpx transport whose
network backend resolves each host once, checks every resolved address and then connects to the checked IP
itself, so there is no window in which a second DNS answer (rebinding) could swap in a private address. TLS
still verifies and sends SNI for the host name, because httpcore takes those from the request's origin, not
from the address we connect to.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import anyio
import httpcore
import httpx

from .config import FetchConfig

__all__ = [
    "ALLOWED_SCHEMES",
    "BLOCKED_NETWORKS",
    "DEFAULT_ALLOWED_PORTS",
    "BlockKind",
    "Blocked",
    "GuardPolicy",
    "GuardedBackend",
    "IPAddress",
    "ResolutionError",
    "Resolver",
    "address_problem",
    "parse_ip",
    "resolve",
    "url_problem",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
BlockKind = Literal["bad_url", "bad_scheme", "credentials", "bad_port", "private_address"]
Resolver = Callable[[str, int], Awaitable[Sequence[IPAddress]]]

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_ALLOWED_PORTS: tuple[int, ...] = FetchConfig.allowed_ports

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# Written out rather than taken from ``ipaddress``'s is_private/is_global, whose tables changed between
# CPython patch releases (gh-113171) and which calls multicast "global"; a guard must not move with the
# interpreter. Sources: the IANA IPv4/IPv6 special-purpose address registries (RFC 6890 and updates).
BLOCKED_NETWORKS: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = (
    (_V4("0.0.0.0/8"), "this network"),  # Linux connects 0.0.0.0 to the local host
    (_V4("10.0.0.0/8"), "private"),
    (_V4("100.64.0.0/10"), "carrier-grade NAT"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.0.0/16"), "link-local"),  # includes 169.254.169.254, the cloud metadata service
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.0.0.0/24"), "IETF protocol assignments"),
    (_V4("192.0.2.0/24"), "documentation"),
    (_V4("192.88.99.0/24"), "6to4 relay anycast"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("198.18.0.0/15"), "benchmarking"),
    (_V4("198.51.100.0/24"), "documentation"),
    (_V4("203.0.113.0/24"), "documentation"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("240.0.0.0/4"), "reserved"),  # includes 255.255.255.255
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("::ffff:0:0/96"), "IPv4-mapped"),
    (_V6("::/96"), "IPv4-compatible"),
    (_V6("64:ff9b:1::/48"), "local-use NAT64"),
    (_V6("100::/64"), "discard-only"),
    (_V6("2001::/32"), "Teredo"),
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("3fff::/20"), "documentation"),
    (_V6("fc00::/7"), "unique local"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "site-local"),
    (_V6("ff00::/8"), "multicast"),
)
_NAT64 = _V6("64:ff9b::/96")
_SIX_TO_FOUR = _V6("2002::/16")
# Everything routable on the IPv6 internet is in 2000::/3; what lies outside it (and is not NAT64) is refused.
_GLOBAL_UNICAST = _V6("2000::/3")

# One label of a loose IPv4 literal as inet_aton and the WHATWG URL standard read it: hex, octal or decimal.
_NUMBER = re.compile(r"^(?:0[xX][0-9a-fA-F]*|[0-9]+)$")


class Blocked(Exception):
    """A URL or address the guard refuses; ``kind`` is the reason code a FetchError reports."""

    def __init__(self, kind: BlockKind, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class ResolutionError(Exception):
    """The host name did not resolve to any address (reported as ``dns``)."""


@dataclass(frozen=True, slots=True)
class GuardPolicy:
    """What the guard allows: private addresses (tests only) and the destination ports."""

    allow_private: bool = False
    allowed_ports: tuple[int, ...] = DEFAULT_ALLOWED_PORTS


def _loose_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Read ``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1`` as inet_aton does; None if not numeric.

    Raises ValueError when every label is a number but the whole is no address ("1.2.3.4.5", "256.1.1.1"):
    such a host is neither an IP nor a plausible DNS name, and resolvers disagree on it.
    """
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels = labels[:-1]  # a trailing dot is allowed, as in a fully qualified name
    if not labels or not all(_NUMBER.match(label) for label in labels):
        return None
    if len(labels) > 4:
        raise ValueError(f"{host!r} is neither an IPv4 address nor a host name")
    numbers = []
    for label in labels:
        if label[:2].lower() == "0x":
            numbers.append(int(label[2:] or "0", 16))
        elif len(label) > 1 and label.startswith("0"):
            if not set(label) <= set("01234567"):
                raise ValueError(f"{label!r} is not an octal number")
            numbers.append(int(label, 8))
        else:
            numbers.append(int(label))
    # The last label fills all the bytes the earlier ones left: "127.1" is 127.0.0.1.
    value = 0
    for number in numbers[:-1]:
        if number > 0xFF:
            raise ValueError(f"{host!r} has a label above 255")
        value = value << 8 | number
    rest = 4 - (len(numbers) - 1)
    if numbers[-1] >= 1 << (8 * rest):
        raise ValueError(f"{host!r} is out of range")
    return ipaddress.IPv4Address(value << (8 * rest) | numbers[-1])


def parse_ip(host: str) -> IPAddress | None:
    """The IP address a URL host spells, in any form a resolver would accept, or None for a host name.

    Accepts bracketed or bare IPv6 (a zone id such as ``%25eth0`` or ``%eth0`` is dropped) and every
    inet_aton spelling of IPv4. Raises ValueError for an all-numeric host that is no valid address.
    """
    text = host.strip("[]")
    if ":" in text:
        text = text.split("%", 1)[0]
        try:
            return ipaddress.IPv6Address(text)
        except ValueError:
            raise ValueError(f"{host!r} is not a valid IPv6 address") from None
    return _loose_ipv4(text)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a NAT64 or 6to4 address forwards to (the translator would connect there)."""
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIX_TO_FOUR:
        return ip.sixtofour
    return None


def _why_blocked(ip: IPAddress) -> str | None:
    """What kind of non-public address ``ip`` is, e.g. ``"loopback (127.0.0.0/8)"``, or None."""
    for network, label in BLOCKED_NETWORKS:
        if ip.version == network.version and ip in network:
            return f"{label} ({network})"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "scoped to an interface"
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = _why_blocked(embedded)
            return None if inner is None else f"a translation of {embedded}, which is {inner}"
        if ip not in _GLOBAL_UNICAST:
            return "outside global unicast (2000::/3)"
    return None


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be connected to (e.g. ``"127.0.0.1 is loopback (127.0.0.0/8)"``), or None."""
    why = _why_blocked(ip)
    return None if why is None else f"{ip} is {why}"


def _host_name_problem(host: str) -> str | None:
    """Names that always mean this machine, refused without asking DNS (RFC 6761 reserves .localhost)."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return f"{host} is loopback"
    return None


def _fallback_host(url: str) -> str | None:
    """The host as the standard library reads it, used only to explain a URL httpx refused to parse."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def url_problem(url: httpx.URL | str, policy: GuardPolicy | None = None) -> Blocked | None:
    """Check a URL before any connection: scheme, credentials, host, literal address and port.

    Returns the refusal (kinds ``bad_url``, ``bad_scheme``, ``credentials``, ``private_address``,
    ``bad_port``) or None. Pure: host names are not resolved here; ``GuardedBackend`` checks what they
    resolve to when it connects.
    """
    policy = policy or GuardPolicy()
    if isinstance(url, str):
        text = url
        try:
            url = httpx.URL(text)
        except (httpx.InvalidURL, TypeError) as error:
            host = _fallback_host(text)
            if host is not None and not policy.allow_private:
                try:
                    ip = parse_ip(host)
                except ValueError:
                    ip = None
                problem = address_problem(ip) if ip is not None else _host_name_problem(host)
                if problem is not None:
                    return Blocked("private_address", problem)
            return Blocked("bad_url", f"{text!r}: {error}")
    if url.scheme not in ALLOWED_SCHEMES:
        return Blocked("bad_scheme", f"{url.scheme or 'no'} scheme in {url}")
    if url.userinfo:
        # Credentials in a link are a phishing trick (http://bank.com@evil/) or a secret we must not send.
        return Blocked("credentials", f"credentials in {url.copy_with(username=None, password=None)}")
    host = url.host
    if not host:
        return Blocked("bad_url", f"no host in {url}")
    found = _origin_problem(url.scheme, host, url.port, policy)
    return None if found is None else Blocked(*found)


# The verdict on an origin depends only on these four values, and a refresh asks about the same few API hosts
# thousands of times: cached (the verdict, not a Blocked, since an exception object must not be re-raised).
@functools.lru_cache(maxsize=4096)
def _origin_problem(
    scheme: str, host: str, port: int | None, policy: GuardPolicy
) -> tuple[BlockKind, str] | None:
    if port is not None and not 0 < port < 65536:
        return "bad_url", f"port {port} does not exist"
    if "%" in host and ":" not in host:
        # A percent-encoded host ("%31%32%37.0.0.1") is decoded by some resolvers and not others.
        return "bad_url", f"percent-encoded host {host!r}"
    try:
        ip = parse_ip(host)
    except ValueError as error:
        return "bad_url", str(error)
    if not policy.allow_private:
        problem = address_problem(ip) if ip is not None else _host_name_problem(host)
        if problem is not None:
            return "private_address", problem
        port = port if port is not None else (443 if scheme == "https" else 80)
        if port not in policy.allowed_ports:
            allowed = ", ".join(map(str, policy.allowed_ports))
            return "bad_port", f"port {port} is not one of {allowed}"
    return None


async def resolve(host: str, port: int) -> list[IPAddress]:
    """All addresses ``host`` resolves to for a TCP connection, in the resolver's order, without duplicates.

    The one DNS lookup of the guarded path; tests replace it with ``monkeypatch.setattr(netguard, "resolve",
    ...)``. Raises ResolutionError when the name does not resolve.
    """
    try:
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise ResolutionError(f"{host}: {error}") from error
    seen: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        seen.setdefault(ipaddress.ip_address(sockaddr[0]), None)
    if not seen:
        raise ResolutionError(f"{host}: no addresses")
    return list(seen)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves, checks, then connects to the checked address itself.

    Every address a name resolves to must pass ``address_problem`` (one private answer refuses the name:
    mixing public and private answers is how rebinding attacks hedge). The connection then goes to those
    very addresses, tried in order, so DNS is asked once per connection and never again behind our back.
    With ``allow_private`` the check is skipped but the same resolve-then-connect path is used, so tests
    exercise the code production runs.
    """

    def __init__(
        self,
        policy: GuardPolicy,
        *,
        resolver: Resolver | None = None,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def _addresses(self, host: str, port: int) -> Sequence[IPAddress]:
        try:
            literal = parse_ip(host)
        except ValueError as error:
            raise Blocked("bad_url", str(error)) from None
        if literal is not None:
            return [literal]
        if not self._policy.allow_private:
            problem = _host_name_problem(host)
            if problem is not None:
                raise Blocked("private_address", problem)
        # Looked up at call time so that monkeypatching ``netguard.resolve`` reaches existing clients.
        resolver = self._resolver if self._resolver is not None else resolve
        return await resolver(host, port)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve ``host``, refuse it if any address is not public, else connect to a checked address."""
        try:
            with anyio.fail_after(timeout):
                addresses = await self._addresses(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        if not self._policy.allow_private:
            for ip in addresses:
                problem = address_problem(ip)
                if problem is not None:
                    raise Blocked("private_address", problem if str(ip) == host else f"{host}: {problem}")
        last_error: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(ip), port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        assert last_error is not None  # resolve() never returns an empty list
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Refused: a fetched URL never names a Unix socket."""
        raise Blocked("bad_url", f"unix socket {path}")

    async def sleep(self, seconds: float) -> None:
        """Delegates to the wrapped backend (httpcore uses it between connection retries)."""
        await self._inner.sleep(seconds)
