"""Fetches articles named by http(s) URLs through the project's one HTTP client (``tracker.fetch``), with
its private-address guard, size cap, timeouts and per-host limits.

A response that is not HTML or plain text, or not a 2xx, is a Failure for that URL; the run goes on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from .base import Document, Failure, SourceContext, make_capture

__all__ = ["NAME", "claims", "expand", "read"]

NAME = "web"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain",)


def claims(source: str) -> bool:
    """http and https URLs."""
    return source.lower().startswith(("http://", "https://"))


def expand(source: str) -> list[str]:
    """A URL is one source."""
    return [source]


async def read(source: str, context: SourceContext) -> AsyncIterator[Document | Failure]:
    """Fetch ``source`` and yield it as a Document, or a Failure with the fetch error."""
    from tracker.fetch import FetchError

    if context.fetcher is None:
        yield Failure(source, "no HTTP client configured")
        return
    result = await context.fetcher.get(source)
    if isinstance(result, FetchError):
        yield Failure(source, result.reason)
        return
    status = result.status
    if not 200 <= status < 300:
        yield Failure(source, f"http_status {status}")
        return
    content_type = (result.content_type or "").split(";")[0].strip().lower()
    if content_type in _TEXT_TYPES:
        kind = "text"
    elif content_type in _HTML_TYPES or not content_type:
        kind = "html"
    else:
        yield Failure(source, f"unsupported content type {content_type}")
        return
    capture = make_capture(
        source, result.final_url, result.fetched_at, result.body, "http", status, result.content_type
    )
    yield Document(source, result.final_url, result.body, kind, capture)
