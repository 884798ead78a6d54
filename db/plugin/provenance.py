"""Gathers the whole trail of one post for the provenance page: the post, every article that carried it,
the sources credited, verification notes, its archive snapshot and its check history.

Reads only; uses the optional schema (``checks``, archive columns, ``embeds.removed_at``) when the database
has it. Returns plain dicts for the template, which escapes everything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .schema import Schema

__all__ = ["Trail", "load_trail", "resolve_alias"]

# The longest check history the page shows; older checks stay in the checks table.
MAX_CHECKS = 500
# The most citing articles (and prose credits, and notes) the page lists, oldest first: a viral post cited by
# tens of thousands of articles would otherwise make a page of megabytes that takes seconds to build. The
# page gives the full count and links to the articles_citing_post query for the rest.
MAX_ARTICLES = 200


@dataclass
class Trail:
    """Everything the provenance page shows about one post."""

    post: dict[str, Any]
    account: dict[str, Any] | None = None
    media: list[str] = field(default_factory=list)
    aliases: list[dict[str, Any]] = field(default_factory=list)
    embeds: list[dict[str, Any]] = field(default_factory=list)
    embed_count: int = 0
    mentions: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] | None = None
    # The post as platform answers showed it: the first answer that showed it, and the last one while it
    # was available (one entry when they are the same answer).
    answered: list[dict[str, Any]] = field(default_factory=list)
    # Media files downloaded into the evidence store (refresh --media), or why not.
    downloads: list[dict[str, Any]] = field(default_factory=list)
    has_archive: bool = False
    has_removed_at: bool = False


async def _rows(database: Any, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    results = await database.execute(sql, params)
    return [dict(zip(results.columns, row, strict=True)) for row in results.rows]


async def resolve_alias(database: Any, post_id: str) -> str | None:
    """The post an old (merged) id now refers to, or None when ``post_id`` is no alias."""
    row = (await database.execute("select post_id from post_aliases where alias = ?", [post_id])).first()
    return None if row is None else str(row[0])


def _media(value: Any) -> list[str]:
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return []
    return [str(item) for item in items if isinstance(item, str) and item] if isinstance(items, list) else []


async def load_trail(database: Any, post_id: str, schema: Schema) -> Trail | None:
    """The trail of ``post_id``, or None when no such post exists."""
    posts = await _rows(database, "select * from posts where id = :id", {"id": post_id})
    if not posts:
        return None
    post = posts[0]
    trail = Trail(
        post=post,
        media=_media(post.get("media")),
        has_archive="posts.archive_url" in schema,
        has_removed_at="embeds.removed_at" in schema,
    )
    if post.get("account_id"):
        accounts = await _rows(database, "select * from accounts where id = :id", {"id": post["account_id"]})
        trail.account = accounts[0] if accounts else None
    trail.aliases = await _rows(
        database,
        "select alias, reason, created_at from post_aliases where post_id = :id order by created_at",
        {"id": post_id},
    )
    article_archive = (
        "a.archive_url as article_archive_url"
        if "articles.archive_url" in schema
        else "null as article_archive_url"
    )
    removed = "e.removed_at" if trail.has_removed_at else "null as removed_at"
    counted = await database.execute("select count(*) from embeds where post_id = :id", {"id": post_id})
    trail.embed_count = int(counted.first()[0])
    # Few citations: all of them, by publication date. Many: the first MAX_ARTICLES embedtrail saw, read in
    # that order straight from the (post_id, first_seen_at) index instead of joining and sorting all of them.
    first_seen = trail.embed_count > MAX_ARTICLES
    trail.embeds = await _rows(
        database,
        f"""
        select * from (
          select e.method, e.position, e.context, e.first_seen_at, e.last_seen_at, {removed},
                 a.id as article_id, a.title, a.site_name, a.author, a.url as article_url, a.published_at,
                 {article_archive}
          from embeds e join articles a on a.id = e.article_id
          where e.post_id = :id
          {"order by e.first_seen_at, e.article_id limit " + str(MAX_ARTICLES) if first_seen else ""}
        )
        order by coalesce(published_at, first_seen_at), article_id
        """,
        {"id": post_id},
    )
    trail.mentions = await _rows(
        database,
        f"""
        select m.id, m.kind, m.platform, m.source_name, m.source_description, m.sentence, m.first_seen_at,
               a.id as article_id, a.title, a.site_name, a.url as article_url, a.published_at
        from mentions m join articles a on a.id = m.article_id
        where m.post_id = :id
        order by coalesce(a.published_at, m.first_seen_at), m.position
        limit {MAX_ARTICLES}
        """,
        {"id": post_id},
    )
    trail.notes = await _rows(
        database,
        f"""
        select n.verifier, n.verdict, n.sentence, n.first_seen_at, n.mention_id,
               a.id as article_id, a.title, a.site_name, a.url as article_url, a.published_at
        from verification_notes n join articles a on a.id = n.article_id
        where n.post_id = :id or n.mention_id in (select id from mentions where post_id = :id)
        order by coalesce(a.published_at, n.first_seen_at), n.position
        limit {MAX_ARTICLES}
        """,
        {"id": post_id},
    )
    if "checks" in schema:
        stored = (
            "exists (select 1 from bodies b where b.sha256 = c.body_sha256) as stored"
            if "bodies" in schema
            else "0 as stored"
        )
        trail.checks = await _rows(
            database,
            f"""
            select c.*, {stored} from checks c where c.post_id = :id
            order by c.checked_at desc limit {MAX_CHECKS}
            """,
            {"id": post_id},
        )
        if "checks.post_as_answered" in schema:
            trail.answered = await _answered(database, post_id, stored)
    if "media" in schema:
        kept = (
            "exists (select 1 from bodies b where b.sha256 = m.sha256) as stored"
            if "bodies" in schema
            else "0 as stored"
        )
        trail.downloads = await _rows(
            database,
            f"select m.*, {kept} from media m where m.post_id = :id order by m.url",
            {"id": post_id},
        )
    return trail


def _shown(value: Any) -> dict[str, Any] | None:
    """A ``post_as_answered`` value as the template shows it: strings only, media a list of strings."""
    try:
        shown = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if not isinstance(shown, dict):
        return None
    facts = {key: shown.get(key) for key in ("text", "author_name", "author_handle", "posted_at")}
    facts = {key: str(value) for key, value in facts.items() if isinstance(value, str | int) and value}
    media = shown.get("media")
    facts["media"] = [str(m) for m in media if isinstance(m, str) and m] if isinstance(media, list) else []
    return facts if any(facts.values()) else None


async def _answered(database: Any, post_id: str, stored: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for label, condition, order in (
        ("As first answered", "", "asc"),
        ("As last shown while available", "and c.status = 'available'", "desc"),
    ):
        rows = await _rows(
            database,
            f"""
            select c.id, c.checked_at, c.checker, c.status, c.url, c.body_sha256, c.post_as_answered, {stored}
            from checks c where c.post_id = :id and c.post_as_answered is not null {condition}
            order by c.checked_at {order} limit 1
            """,
            {"id": post_id},
        )
        for row in rows:
            facts = _shown(row.pop("post_as_answered"))
            if facts is None or any(entry["id"] == row["id"] for entry in found):
                continue
            found.append({**row, "label": label, **facts})
    return found
