"""Keeps every instance read-only and self-contained: security headers on each response, and no method but
GET, HEAD and OPTIONS.

The Content-Security-Policy allows the instance's own origin only: even if some page ever echoed stored
text as markup, the browser would not fetch a third-party script, image or frame.
``Referrer-Policy: no-referrer`` keeps the instance (and the post a volunteer was studying) out of the
Referer header when they follow a link to a platform.

embedtrail's Datasette never writes (ingest and refresh write to SQLite directly), so POST, PUT, PATCH and
DELETE are answered 405 before Datasette sees them. Datasette 0.65's only write path, writable canned
queries, is closed even if a metadata override defined one, and a POST to a read-only canned query gets a
clean 405 instead of Datasette's 500.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

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
        if config.get("response_cache", True) is False:
            return _with_headers(app)
        # Inside the method check and the headers: only reads are cached, and hits get the headers too.
        return _with_headers(cache_responses(app, ResponseCache(lambda: _database_paths(datasette))))

    return wrap
