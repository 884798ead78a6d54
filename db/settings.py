"""What a Datasette instance of embedtrail is allowed to answer to: the ``[serve]`` settings and the Host
rule.

``ServeConfig`` is the ``[serve]`` table of the configuration (defined here, beside the code that uses it, so
``db`` needs nothing from ``tracker``). A request whose Host header is not one of the instance's own names is
refused (400), as Django's ALLOWED_HOSTS does: Datasette writes the request's Host into absolute URLs (the
``Link`` header, pagination and facet links), so an unchecked Host would let one request make a cached page
point every later visitor at another site. With ``base_url`` set, every page is built for that URL whatever
the request said (the way to run behind a reverse proxy)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["LOCAL_HOSTS", "ServeConfig", "allowed_host_names", "host_allowed", "host_name"]

# The names a local instance answers to when nothing else is configured.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


@dataclass(frozen=True)
class ServeConfig:
    """Datasette settings used by ``embedtrail serve`` and ``embedtrail publish``."""

    secret: str | None = None
    sql_time_limit_ms: int = 1000
    max_returned_rows: int = 1000
    # The public URL of the instance (https://embedtrail.example.org/): absolute URLs always name it.
    base_url: str | None = None
    # Host names (no port) requests may name; ".example.org" also allows its subdomains, "*" any host.
    allowed_hosts: tuple[str, ...] = ()


def host_name(host: str) -> str:
    """The name part of a Host header value, lower-cased, without the port (``[::1]`` keeps its brackets)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def allowed_host_names(config: ServeConfig, bound_host: str | None = None) -> tuple[str, ...]:
    """The host names an instance answers to: ``allowed_hosts``, else the local names and the address it is
    bound to; plus the host of ``base_url``."""
    names = list(config.allowed_hosts) or [*LOCAL_HOSTS]
    if bound_host and bound_host not in ("0.0.0.0", "::") and not config.allowed_hosts:
        names.append(f"[{bound_host}]" if ":" in bound_host else bound_host)
    if config.base_url:
        names.append(host_name(urlsplit(config.base_url).netloc))
    return tuple(dict.fromkeys(name.lower() for name in names))


def host_allowed(host: str | None, allowed: tuple[str, ...]) -> bool:
    """Whether a request's Host header names this instance (an absent Host never does)."""
    if not host:
        return False
    name = host_name(host)
    for pattern in allowed:
        if pattern == "*" or name == pattern or (pattern.startswith(".") and name.endswith(pattern)):
            return True
        if pattern.startswith(".") and name == pattern[1:]:
            return True
    return False
