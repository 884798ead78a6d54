"""Gathers everything the article page shows about one article: what the page said about itself, every copy
embedtrail captured, every post it cites in document order (with the sentence around it and the post's
status now), the sources it credited in prose, what it said about verifying them, and the embeds later
edits removed.

Reads only; uses the optional schema (``embeds.removed_at``, archive columns, ``article_aliases``) when the
database has it. Returns plain dicts for the template, which escapes everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .schema import Schema

__all__ = ["MAX_ITEMS", "ArticleTrail", "load_article", "resolve_article_alias"]

# The most cited posts (and captures, credits, notes) the page lists. Articles are capped at ingest
# ([limits] max_embeds_per_article), but a database written before the caps, or with them raised, may
# hold pages of thousands of links; the page gives the full count and links to the table for the rest.
MAX_ITEMS = 1000


@dataclass
class ArticleTrail:
    """Everything the article page shows about one article."""

    article: dict[str, Any]
    captures: list[dict[str, Any]] = field(default_factory=list)
    capture_count: int = 0
    cited: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    embed_count: int = 0
    mentions: list[dict[str, Any]] = field(default_factory=list)
    mention_count: int = 0
    notes: list[dict[str, Any]] = field(default_factory=list)
    note_count: int = 0
    has_archive: bool = False


async def _rows(database: Any, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    results = await database.execute(sql, params)
    return [dict(zip(results.columns, row, strict=True)) for row in results.rows]


async def _count(database: Any, sql: str, params: dict[str, Any]) -> int:
    return int((await database.execute(sql, params)).first()[0])


async def resolve_article_alias(database: Any, article_id: str, schema: Schema) -> str | None:
    """The article an alias id (an older canonical form of its URL, or its content) stands for, or None."""
    if "article_aliases" not in schema:
        return None
    row = (
        await database.execute("select article_id from article_aliases where alias = ?", [article_id])
    ).first()
    return None if row is None else str(row[0])


async def load_article(database: Any, article_id: str, schema: Schema) -> ArticleTrail | None:
    """The article page's data for ``article_id``, or None when no such article exists."""
    found = await _rows(database, "select * from articles where id = :id", {"id": article_id})
    if not found:
        return None
    params = {"id": article_id}
    trail = ArticleTrail(article=found[0], has_archive="articles.archive_url" in schema)
    trail.capture_count = await _count(
        database, "select count(*) from captures where article_id = :id", params
    )
    stored = (
        "exists (select 1 from bodies b where b.sha256 = c.sha256) as stored"
        if "bodies" in schema
        else "0 as stored"
    )
    trail.captures = await _rows(
        database,
        f"""
        select c.id, c.fetched_at, c.origin, c.http_status, c.content_type, c.bytes, c.sha256, c.url,
               c.final_url, {stored}
        from captures c where c.article_id = :id order by c.fetched_at, c.id limit {MAX_ITEMS}
        """,
        params,
    )
    trail.embed_count = await _count(database, "select count(*) from embeds where article_id = :id", params)
    removed = "e.removed_at" if "embeds.removed_at" in schema else "null as removed_at"
    embeds = await _rows(
        database,
        f"""
        select e.post_id, e.method, e.position, e.context, e.first_seen_at, e.last_seen_at, {removed},
               p.platform, p.kind, p.url, p.author_name, p.author_handle, p.posted_at, p.status,
               p.status_checked_at, p.text
        from embeds e join posts p on p.id = e.post_id
        where e.article_id = :id
        order by e.position, e.post_id
        limit {MAX_ITEMS}
        """,
        params,
    )
    trail.cited = [embed for embed in embeds if not embed["removed_at"]]
    trail.removed = [embed for embed in embeds if embed["removed_at"]]
    trail.mention_count = await _count(
        database, "select count(*) from mentions where article_id = :id", params
    )
    trail.mentions = await _rows(
        database,
        f"""
        select m.id, m.kind, m.platform, m.source_name, m.source_description, m.sentence, m.position,
               m.post_id, p.status as post_status, m.first_seen_at
        from mentions m left join posts p on p.id = m.post_id
        where m.article_id = :id
        order by m.position, m.id
        limit {MAX_ITEMS}
        """,
        params,
    )
    trail.note_count = await _count(
        database, "select count(*) from verification_notes where article_id = :id", params
    )
    trail.notes = await _rows(
        database,
        f"""
        select n.verifier, n.verdict, n.sentence, n.position, n.post_id, n.mention_id, n.first_seen_at,
               m.source_name as mention_source, m.platform as mention_platform,
               coalesce(n.post_id, m.post_id) as about_post_id
        from verification_notes n left join mentions m on m.id = n.mention_id
        where n.article_id = :id
        order by n.position, n.id
        limit {MAX_ITEMS}
        """,
        params,
    )
    return trail
