"""Fetches articles named by http(s) URLs through the project's one HTTP client (``tracker.fetch``), with
its private-address guard, size cap, timeouts and per-host limits.

A response that is not HTML or plain text, or not a 2xx, is a Failure for that URL; the run goes on. With
``--wayback-fallback``, a URL that answers 404/410 or cannot be fetched at all is read from its closest
Wayback Machine snapshot instead (``tracker.sources.wayback``). Feeds and sitemaps fetch the articles they
list with ``fetch_article`` too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from .base import HTML_TYPES, Document, Expansion, Failure, SourceContext

__all__ = ["FALLBACK_KINDS", "NAME", "claims", "expand", "fetch_article", "read"]

NAME = "web"
_TEXT_TYPES = ("text/plain",)
# Fetch errors after which an archived copy is the only copy left: the page is gone or the site is.
FALLBACK_KINDS = frozenset({"dns", "connection", "tls", "timeout", "protocol", "redirect_loop"})
_GONE_STATUSES = frozenset({404, 410})


def claims(source: str) -> bool:
    """http and https URLs."""
    return source.lower().startswith(("http://", "https://"))


def expand(source: str) -> Expansion:
    """A URL is one source."""
    return Expansion([source])


async def read(source: str, context: SourceContext) -> AsyncIterator[Document | Failure]:
    """Fetch ``source`` and yield it as a Document, or a Failure with the fetch error."""
    yield await fetch_article(source, context)


async def fetch_article(url: str, context: SourceContext) -> Document | Failure:
    """Fetch the article at ``url``: a Document, or a Failure with the fetch error (after trying the
    Wayback Machine when ``context.wayback_fallback`` is set and the page is gone or unreachable)."""
    from embedtrail.tracker.fetch import FetchError

    if context.fetcher is None:
        return Failure(url, "no HTTP client configured")
    result = await context.fetcher.get(url)
    if isinstance(result, FetchError):
        gone = result.status in _GONE_STATUSES or result.kind in FALLBACK_KINDS
        if context.wayback_fallback and gone:
            from . import wayback

            archived = await wayback.snapshot(url, context)
            if isinstance(archived, Document):
                return archived
            return Failure(url, f"{result.explained()}; wayback fallback: {archived.reason}")
        return Failure(url, result.explained())
    status = result.status
    if not 200 <= status < 300:
        return Failure(url, f"http_status {status}")
    content_type = (result.content_type or "").split(";")[0].strip().lower()
    if content_type in _TEXT_TYPES:
        kind = "text"
    elif content_type in HTML_TYPES or not content_type:
        kind = "html"
    else:
        return Failure(url, f"unsupported content type {content_type}")
    # The fetch already hashed the body while reading it.
    return Document(url, result.final_url, result.body, kind, result.capture("http"))
