"""Searches everything at once for the search page: posts, articles, prose credits (mentions) and
verification notes, each through its own full-text index, results grouped by kind.

A query is escaped the way Datasette's table search escapes it (every word a quoted FTS5 term, so
punctuation and operators never raise a syntax error). Each kind is counted up to ``COUNT_CAP`` matches;
when that many or fewer match, the first ``HITS_PER_KIND`` are the most relevant (bm25), otherwise the
newest (relevance would mean scoring every one of hundreds of thousands of matches on each visit). A post id
or article id typed whole is found too. Each group links to its table's own search for the rest. A kind
whose query runs into Datasette's time limit says so instead of failing the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from datasette.database import QueryInterrupted
from datasette.utils import escape_fts

from .schema import Schema

__all__ = [
    "COUNT_CAP",
    "HITS_PER_KIND",
    "MAX_QUERY_CHARS",
    "SEARCHES",
    "Group",
    "Search",
    "search_everything",
]

HITS_PER_KIND = 20
COUNT_CAP = 1000
# Longer queries are cut: a paragraph pasted whole matches nothing anyway and costs a term per word.
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class Search:
    """One kind of thing to search: its table, full-text index, heading and the columns of a hit."""

    kind: str
    heading: str
    table: str
    fts: str
    select: str
    joins: str = ""


SEARCHES: tuple[Search, ...] = (
    Search(
        "posts",
        "Posts",
        "posts",
        "posts_fts",
        "t.id, t.platform, t.kind, t.author_name, t.author_handle, t.text, t.status, t.posted_at, "
        "t.citation_count, t.url",
    ),
    Search(
        "articles",
        "Articles",
        "articles",
        "articles_fts",
        "t.id, t.title, t.site_name, t.author, t.published_at, t.url",
    ),
    Search(
        "mentions",
        "Prose credits",
        "mentions",
        "mentions_fts",
        "t.id, t.kind, t.platform, t.source_name, t.source_description, t.sentence, t.post_id, t.article_id, "
        "a.title as article_title, a.site_name",
        "join articles a on a.id = t.article_id",
    ),
    Search(
        "notes",
        "Verification notes",
        "verification_notes",
        "verification_notes_fts",
        "t.id, t.verifier, t.verdict, t.sentence, t.post_id, t.article_id, "
        "a.title as article_title, a.site_name",
        "join articles a on a.id = t.article_id",
    ),
)


@dataclass
class Group:
    """The hits of one kind: up to ``HITS_PER_KIND`` rows, how many matched (capped), and any failure."""

    search: Search
    hits: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0
    capped: bool = False
    timed_out: bool = False


async def _rows(database: Any, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    results = await database.execute(sql, params)
    return [dict(zip(results.columns, row, strict=True)) for row in results.rows]


async def _exact(database: Any, search: Search, text: str) -> list[dict[str, Any]]:
    # Someone pasting a post id (twitter:123) or an article id wants that row, which word search misses.
    if search.kind not in ("posts", "articles"):
        return []
    return await _rows(
        database, f"select {search.select} from {search.table} t where t.id = :id", {"id": text.strip()}
    )


async def _group(database: Any, search: Search, text: str, match: str) -> Group:
    group = Group(search)
    params = {"match": match}
    try:
        exact = await _exact(database, search, text)
        counted = await database.execute(
            f"select count(*) from (select 1 from {search.fts} where {search.fts} match :match "
            f"limit {COUNT_CAP + 1})",
            params,
        )
        count = int(counted.first()[0])
        group.capped = count > COUNT_CAP
        group.count = min(count, COUNT_CAP) + len(exact)
        order = "f.rowid desc" if group.capped else "f.rank"
        found = await _rows(
            database,
            f"""
            select {search.select}
            from {search.fts} f join {search.table} t on t.rowid = f.rowid {search.joins}
            where {search.fts} match :match
            order by {order}
            limit {HITS_PER_KIND}
            """,
            params,
        )
    except QueryInterrupted:
        group.timed_out = True
        return group
    seen = {row["id"] for row in exact}
    group.hits = exact + [row for row in found if row["id"] not in seen][: HITS_PER_KIND - len(exact)]
    return group


async def search_everything(database: Any, query: str, schema: Schema) -> list[Group]:
    """Every kind the database can search, with its hits for ``query`` (empty groups included)."""
    text = query.strip()[:MAX_QUERY_CHARS]
    match = escape_fts(text)
    if not match:
        return []
    return [
        await _group(database, search, text, match)
        for search in SEARCHES
        if search.table in schema and search.fts in schema
    ]
