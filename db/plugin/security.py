"""Keeps every instance read-only, self-contained and answering only for its own names: security headers on
each response, no method but GET, HEAD and OPTIONS, and no Host but the instance's own.

The Content-Security-Policy allows the instance's own origin only: even if some page ever echoed stored text
as markup, the browser would not fetch a third-party script, image or frame. ``Referrer-Policy: no-referrer``
keeps the instance (and the post a volunteer was studying) out of the Referer header when they follow a link
to a platform.

A request naming another Host is answered 400 (``db.settings``: ``[serve] allowed_hosts``, the local names by
default); with ``[serve] base_url`` every request is rewritten to that scheme and host before Datasette sees
it, so every absolute URL it writes names the public instance, whatever the request or the proxy in front
said.

embedtrail's Datasette never writes (ingest and refresh write to SQLite directly), so POST, PUT, PATCH and
DELETE are answered 405 before Datasette sees them. Datasette 0.65's only write path, writable canned queries,
is closed even if a metadata override defined one, and a POST to a read-only canned query gets a clean 405
instead of Datasette's 500."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from ..settings import LOCAL_HOSTS, host_allowed
from ._hookimpl import hookimpl
from .cache import ResponseCache, cache_responses

__all__ = ["ALLOWED_METHODS", "SECURITY_HEADERS", "asgi_wrapper"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# Datasette 0.65's own pages use inline <script> and style attributes, hence 'unsafe-inline'; what matters
# here is that no other host is reachable.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; media-src 'none'; object-src 'none'; "
    "frame-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode("ascii")),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"x-robots-tag", b"noindex, nofollow"),
)


ALLOWED_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _method_not_allowed(send: Send) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD, OPTIONS")]
    await send({"type": "http.response.start", "status": 405, "headers": [*headers, *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": b"This embedtrail instance is read-only.\n"})


async def _bad_host(send: Send) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    await send({"type": "http.response.start", "status": 400, "headers": [*headers, *SECURITY_HEADERS]})
    body = b"Bad Request: this instance does not answer for that host ([serve] allowed_hosts).\n"
    await send({"type": "http.response.body", "body": body})


def _for_own_hosts(app: App, allowed: tuple[str, ...], base_url: str | None) -> App:
    """Refuse requests for another Host; with ``base_url``, present every request as made to it."""
    base = urlsplit(base_url) if base_url else None

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        raw_headers = list(scope.get("headers") or [])
        hosts = [bytes(v).decode("latin-1") for n, v in raw_headers if bytes(n).lower() == b"host"]
        if len(hosts) != 1 or not host_allowed(hosts[0], allowed):
            await _bad_host(send)
            return
        if base is not None:
            headers = [(n, v) for n, v in raw_headers if bytes(n).lower() != b"host"]
            headers.append((b"host", base.netloc.encode("latin-1")))
            scope = dict(scope, scheme=base.scheme, headers=headers)
        await app(scope, receive, send)

    return wrapped


def _with_headers(app: App) -> App:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        if str(scope.get("method", "GET")).upper() not in ALLOWED_METHODS:
            await _method_not_allowed(send)
            return

        async def send_with_headers(message: Message) -> None:
            if message.get("type") == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {bytes(key).lower() for key, _ in headers}
                headers.extend((key, value) for key, value in SECURITY_HEADERS if key not in present)
                message = dict(message, headers=headers)
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped


def _database_paths(datasette: Any) -> list[str]:
    return [str(db.path) for db in datasette.databases.values() if getattr(db, "path", None)]


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[App], App]:
    """Wrap Datasette's ASGI app: read-only methods only, SECURITY_HEADERS on every response, and expensive
    anonymous pages cached until the database changes (db/plugin/cache.py; the metadata's
    ``plugins.embedtrail.response_cache: false`` turns that off)."""

    def wrap(app: App) -> App:
        config = datasette.plugin_config("embedtrail") or {}
        # Outermost: a request for another host is refused before it can reach the cache or Datasette.
        allowed = tuple(str(h).lower() for h in config.get("allowed_hosts") or LOCAL_HOSTS)
        base_url = config.get("base_url") or None
        if config.get("response_cache", True) is False:
            return _for_own_hosts(_with_headers(app), allowed, base_url)
        # Inside the method check and the headers: only reads are cached, and hits get the headers too.
        cached = cache_responses(app, ResponseCache(lambda: _database_paths(datasette)))
        return _for_own_hosts(_with_headers(cached), allowed, base_url)

    return wrap
