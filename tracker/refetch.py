"""``refresh --articles``: fetch due articles again, save what changed, and mark the embeds an edit removed.

Each page goes through the one pipeline (``tracker.pipeline``: extraction under the budget, the save on the
run's writer), keeping the article's identity: the stored URL, not wherever it redirects today. A capture is
added only when the content changed; embeds the new version lacks get ``removed_at`` (and lose it when they
come back). A page that lost every embed and looks like a consent or paywall page (``tracker.walls``) keeps
its embeds: the capture is recorded, the run's errors say why nothing was marked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace

from sqlite_utils import Database

from embedtrail.db.bodies import open_store
from embedtrail.db.checks import update_removed_embeds
from embedtrail.db.store import SaveResult, article_id_in, save_extraction
from embedtrail.scrapers.records import ArticleMeta, Extraction

from .checking import RefreshReport
from .config import Config
from .fetch import Fetcher, FetchError
from .pipeline import Extractor, Pipeline, Writer
from .schedule import RefreshOptions, due_articles
from .sources import Document, Failure
from .sources.base import document_kind
from .walls import walled_page

__all__ = ["ARTICLE_TYPES", "refetch_articles"]

ARTICLE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})


async def refetch_articles(
    db: Database,
    config: Config,
    options: RefreshOptions,
    fetcher: Fetcher,
    report: RefreshReport,
    now: Callable[[], str],
    stopped: Callable[[], bool],
) -> None:
    """Re-fetch the due articles of ``db`` (``[refresh] article_interval``) and count what happened in
    ``report.articles``."""
    rows = due_articles(db, now(), config.refresh.article_interval, options)
    if not rows:
        return
    counts = report.articles
    pipeline = Pipeline(
        Extractor(config.limits, expected=len(rows)), Writer(db), store=open_store(db, config.store), now=now
    )

    async def one(row: dict[str, str]) -> None:
        url, article = row["url"], row["id"]
        if stopped():
            return
        if article_id_in(db, url) != article:
            counts["skipped"] += 1
            return
        result = await fetcher.get(url, content_types=ARTICLE_TYPES)
        if isinstance(result, FetchError):
            counts["failed"] += 1
            report.error(url, result.explained(), "article")
            return
        moment = now()
        document = Document(
            source=url,
            url=result.final_url,
            body=result.body,
            kind=document_kind(result.mime_type),
            # The run's clock, not the fetcher's: scheduling compares against it.
            capture=replace(result.capture("refresh"), fetched_at=moment),
        )
        walled: list[str] = []
        moved = {"removed": 0, "restored": 0}

        def save(target: Database, item: Document, extraction: Extraction) -> SaveResult:
            with target.atomic():
                wall = None if extraction.embeds else walled_page(target, article, item.body)
                if wall is not None:
                    # Keep the evidence of what was served, but neither its metadata nor its verdict.
                    walled.append(wall)
                    bare = replace(extraction, article=ArticleMeta(url), posts=(), embeds=())
                    return save_extraction(target, item.capture, bare, moment)
                saved = save_extraction(target, item.capture, extraction, moment)
                moved.update(
                    update_removed_embeds(target, article, [e.post_id for e in extraction.embeds], moment)
                )
                return saved

        outcome = await pipeline.process(document, save, url=url)
        if isinstance(outcome, Failure):
            counts["failed"] += 1
            report.error(url, outcome.reason, "article")
            return
        if walled:
            counts["walled"] += 1
            report.error(url, f"no embeds found, none marked removed: {walled[0]}", "article")
        counts["fetched"] += 1
        counts["changed" if outcome.new_capture else "unchanged"] += 1
        counts["embeds_removed"] += moved["removed"]
        counts["embeds_restored"] += moved["restored"]

    try:
        await asyncio.gather(*(one(row) for row in rows))
    finally:
        pipeline.close()
