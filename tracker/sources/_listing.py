"""What feeds and sitemaps share: a conditional fetch of the listing, the ``--since`` cut, the seen set, and
fetching the new articles it lists (a few at a time) through the project's HTTP client.

A kind module supplies ``parse(fetched, context)``: an async iterator of ``Item`` (an article URL and its
publication time, if given) or ``Failure``. Validators (ETag, Last-Modified) are kept only after a read in
which every listed article was fetched, so a failed article is tried again by the next run.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, replace

from embedtrail.tracker.fetch import Fetched, FetchError

from .base import Document, Failure, Listing, SourceContext

__all__ = ["ARTICLES_IN_FLIGHT", "Item", "Parse", "follow", "is_before", "since_key"]

# Articles of one listing fetched at once; the fetcher's per-host limit still applies underneath.
ARTICLES_IN_FLIGHT = 8


@dataclass(frozen=True, slots=True)
class Item:
    """One article a listing names: its URL and publication time (ISO 8601 UTC) when given."""

    url: str
    published_at: str | None = None


Parse = Callable[[Fetched, SourceContext], AsyncIterator["Item | Failure"]]
FetchArticle = Callable[[str, SourceContext], Awaitable["Document | Failure"]]


def since_key(value: str) -> str:
    """A ``--since`` date or time, comparable as text with ISO 8601 UTC times (``2024-03-01`` is midnight)."""
    return value if "T" in value else f"{value}T00:00:00Z"


def is_before(published_at: str | None, since: str | None) -> bool:
    """Whether an item published at ``published_at`` is older than ``since`` (unknown times never are)."""
    if not since or not published_at:
        return False
    if len(published_at) == 10:  # a bare day is compared as a day
        return published_at < since[:10]
    return published_at < since_key(since)


async def follow(
    source: str, url: str, kind: str, context: SourceContext, parse: Parse, fetch_article: FetchArticle
) -> AsyncIterator[Document | Failure]:
    """Read the listing at ``url`` and yield a Document for each new article it names (or a Failure)."""
    if context.fetcher is None:
        yield Failure(source, "no HTTP client configured")
        return
    state = context.state
    etag, last_modified = state.validators(url) if state is not None else (None, None)
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    result = await context.fetcher.get(url, headers=headers)
    if isinstance(result, FetchError):
        if result.status == 304:
            context.skip(f"{kind}_not_modified")
            if state is not None:
                state.checked(url, kind, etag, last_modified, "not_modified", context.now())
            return
        if state is not None:
            state.checked(url, kind, None, None, f"error: {result.reason}", context.now())
        yield Failure(source, f"{kind} {url}: {result.explained()}")
        return
    complete = True
    listed: list[Item] = []
    async for entry in parse(result, context):
        if isinstance(entry, Failure):
            complete = False
            yield entry
        else:
            listed.append(entry)
    fresh = [item for item in listed if not is_before(item.published_at, context.since)]
    if len(fresh) < len(listed):
        context.skip(f"{kind}_before_since", len(listed) - len(fresh))
    by_url = {item.url: item for item in fresh}
    unseen = state.unseen(url, list(by_url)) if state is not None else list(by_url)
    if len(unseen) < len(by_url):
        context.skip(f"{kind}_seen", len(by_url) - len(unseen))
    if state is not None:
        # The row exists from here on (items are marked seen against it); validators stay empty until the
        # read is complete, so an interrupted run reads the whole listing again.
        state.checked(url, kind, None, None, "reading", context.now())
    async for item, outcome in _fetch_each([by_url[u] for u in unseen], context, fetch_article):
        if isinstance(outcome, Failure):
            complete = False
            yield outcome
        else:
            listing = Listing(url, item.url, item.published_at)
            yield replace(outcome, listing=listing)
    if state is not None:
        state.checked(
            url,
            kind,
            result.headers.get("etag") if complete else None,
            result.headers.get("last-modified") if complete else None,
            "ok" if complete else "partial",
            context.now(),
        )


async def _fetch_each(
    items: Iterable[Item], context: SourceContext, fetch_article: FetchArticle
) -> AsyncIterator[tuple[Item, Document | Failure]]:
    """Fetch articles with at most ``ARTICLES_IN_FLIGHT`` under way, yielding each as it completes."""
    queue = iter(items)
    pending: dict[asyncio.Task[Document | Failure], Item] = {}

    def top_up() -> None:
        while len(pending) < ARTICLES_IN_FLIGHT:
            item = next(queue, None)
            if item is None:
                return
            pending[asyncio.ensure_future(fetch_article(item.url, context))] = item

    top_up()
    try:
        while pending:
            done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                item = pending.pop(task)
                yield item, task.result()
            top_up()
    finally:
        for task in pending:
            task.cancel()
