"""Datasette latency on a large embedtrail database: every canned query, the provenance page of a much-cited
post, the faceted posts table, a search, the charts page, the index, database and table pages, timed through
the ASGI app in process (``datasette.client.get``), 20 requests each after a warm-up; prints p50/p95/max.

The database is synthetic: 1,000,000 posts, 300,000 articles, 3,000,000 embeds, with accounts, mentions,
verification notes, checks, captures, runs and aliases, built through ``db.store.open_database`` (so it has
the real schema) and then filled with plain ``executemany`` in one transaction, indexes and full-text triggers
dropped while loading and rebuilt afterwards. The file is cached under /tmp keyed by a hash of the tables'
definitions; a cached file is brought up to date with ``migrate`` (new indexes are built on the existing
rows), so reruns after an index-only migration take seconds. ``python -m benchmarks datasette_bench`` runs the
defaults; the script takes options:

    .venv/bin/python benchmarks/datasette_bench.py [--posts 1000000] [--articles 300000] [--embeds 3000000]
        [--requests 20] [--only NAME ...] [--rebuild] [--immutable] [--no-cache] [--cache-dir /tmp]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate, chain
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from embedtrail.db.checks import GONE_STATUSES  # noqa: E402
from embedtrail.db.plugin.schema import DATABASE_NAME  # noqa: E402
from embedtrail.db.serving import load_metadata, make_datasette  # noqa: E402
from embedtrail.db.store import open_database  # noqa: E402

__all__ = ["Sizes", "build_database", "run"]

# Bump when the generator changes, so a cached file built by an older generator is not reused.
GENERATOR_VERSION = 2
SEED = 20240501
CACHE_DIR = Path(tempfile.gettempdir())
GOAL_MS = 100.0

# Platform shares of accounts (and so of posts): most cited material is on X/Twitter and YouTube.
PLATFORMS = (
    ("twitter", 0.42),
    ("youtube", 0.24),
    ("instagram", 0.09),
    ("facebook", 0.08),
    ("tiktok", 0.07),
    ("telegram", 0.05),
    ("reddit", 0.03),
    ("bluesky", 0.02),
)
# Post statuses: about 20% gone (split over the five gone statuses), the rest available, unchecked or error.
STATUSES = (
    ("available", 0.55),
    ("unchecked", 0.20),
    ("error", 0.05),
    ("deleted", 0.08),
    ("suspended", 0.05),
    ("protected", 0.03),
    ("not_found", 0.025),
    ("restricted", 0.015),
)
SITES = tuple(
    f"{name} {suffix}"
    for name in (
        "Daily",
        "Morning",
        "Evening",
        "Global",
        "City",
        "National",
        "Metro",
        "Free",
        "Open",
        "Union",
    )
    for suffix in ("Post", "Times", "Herald", "Tribune", "Ledger", "Gazette", "Chronicle", "Wire", "Observer")
)
LANGUAGES = (("en", 0.7), ("de", 0.08), ("fr", 0.07), ("es", 0.07), ("uk", 0.04), ("ru", 0.04))
METHODS = (
    ("blockquote", 0.45),
    ("iframe", 0.25),
    ("link", 0.2),
    ("script", 0.05),
    ("amp", 0.03),
    ("text", 0.02),
)
VERIFIERS = ("Reuters", "BBC Verify", "AFP Fact Check", "AP", "Bellingcat", "Storyful", None)
WORDS = tuple(
    """
    video footage shows protest police crowd minister election flood fire storm border drone strike statement
    president city river bridge hospital school train airport market council court judge police officer
    soldiers rescue workers residents night morning smoke explosion attack claim viral clip photo post
    account channel reporter witness government opposition leader spokesperson spokesman official agency
    verified unverified footage appears shared widely online social media users platform removed deleted
    """.split()  # noqa: SIM905 - a word list reads better as prose
)
START = datetime(2022, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 3 * 365 * 86400


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind the synthetic database holds."""

    posts: int = 1_000_000
    articles: int = 300_000
    embeds: int = 3_000_000

    @property
    def accounts(self) -> int:
        return max(10, self.posts // 8)

    @property
    def mentions(self) -> int:
        return self.articles * 2 // 3

    @property
    def notes(self) -> int:
        return self.articles // 3

    @property
    def checked_posts(self) -> int:
        # Refresh has a check history for a share of the posts; each of those has 1-5 checks.
        return self.posts * 3 // 10


def _weighted(rng: random.Random, table: Sequence[tuple[Any, float]], k: int) -> list[Any]:
    return rng.choices([value for value, _ in table], weights=[weight for _, weight in table], k=k)


def _zipf_cumulative(n: int, exponent: float) -> list[float]:
    return list(accumulate(1.0 / (rank + 1) ** exponent for rank in range(n)))


def _zipf_draws(rng: random.Random, cumulative: list[float], k: int) -> list[int]:
    total = cumulative[-1]
    last = len(cumulative) - 1
    return [min(last, bisect_left(cumulative, rng.random() * total)) for _ in range(k)]


def _iso(seconds: float) -> str:
    return (START + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high)))


def schema_key() -> str:
    """A hash of the tables' definitions: a migration that only adds indexes or redefines a view reuses the
    cached rows (``migrate`` applies it to the cached file)."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "schema.db"
        open_database(path).close()
        with closing(sqlite3.connect(path)) as conn:
            rows = conn.execute(
                "select type, name, sql from sqlite_master where type = 'table' "
                "and name not like '%_fts%' order by name"
            ).fetchall()
    digest = hashlib.sha256(json.dumps([GENERATOR_VERSION, rows]).encode()).hexdigest()
    return digest[:16]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"pragma table_info([{table}])")]


def _insert(
    conn: sqlite3.Connection, table: str, rows: Iterator[dict[str, Any]] | list[dict[str, Any]]
) -> int:
    """Insert dict rows in chunks; returns the count. Columns the first row does not name are left out of
    the insert, so they take their defaults (``citation_count``'s 0) or NULL."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    columns = [column for column in _columns(conn, table) if column in first]
    count = 0
    chunk: list[tuple[Any, ...]] = []
    sql = f"insert into [{table}] ({', '.join(columns)}) values ({', '.join('?' * len(columns))})"
    for row in chain([first], rows):
        chunk.append(tuple(row.get(column) for column in columns))
        if len(chunk) >= 50_000:
            conn.executemany(sql, chunk)
            count += len(chunk)
            chunk = []
    conn.executemany(sql, chunk)
    return count + len(chunk)


def _fill(conn: sqlite3.Connection, sizes: Sizes) -> dict[str, int]:
    rng = random.Random(SEED)
    counts: dict[str, int] = {}
    gone = sorted(GONE_STATUSES)

    # Accounts: a platform each, following the platform shares.
    account_platform = _weighted(rng, PLATFORMS, sizes.accounts)
    account_ids = [f"{platform}:user{n}" for n, platform in enumerate(account_platform)]
    counts["accounts"] = _insert(
        conn,
        "accounts",
        (
            {
                "id": account_ids[n],
                "platform": account_platform[n],
                "handle": f"user{n}",
                "name": f"User {n}",
                "url": f"https://{account_platform[n]}.example/user{n}",
                "first_seen_at": _iso(rng.random() * SPAN_SECONDS),
                "last_seen_at": _iso(SPAN_SECONDS),
            }
            for n in range(sizes.accounts)
        ),
    )

    # Articles: published uniformly over three years.
    article_ids: list[str] = []
    article_time: list[float] = []
    article_rows: list[dict[str, Any]] = []
    languages = _weighted(rng, LANGUAGES, sizes.articles)
    for n in range(sizes.articles):
        site = SITES[min(len(SITES) - 1, int(len(SITES) * rng.random() ** 2))]
        url = f"https://{site.lower().replace(' ', '')}.example/{2022 + n % 3}/story-{n}"
        article_id = hashlib.sha256(url.encode()).hexdigest()[:16]
        published = rng.random() * SPAN_SECONDS
        article_ids.append(article_id)
        article_time.append(published)
        article_rows.append(
            {
                "id": article_id,
                "url": url,
                "canonical_url": url,
                "site_name": site,
                "title": _text(rng, 5, 12).capitalize(),
                "author": f"Reporter {n % 5000}",
                "published_at": _iso(published),
                "published_at_source": "meta",
                "language": languages[n],
                "first_seen_at": _iso(published + 3600),
                "last_fetched_at": _iso(published + 7200),
            }
        )
    counts["articles"] = _insert(conn, "articles", article_rows)
    del article_rows
    counts["captures"] = _insert(
        conn,
        "captures",
        (
            {
                "id": n + 1,
                "article_id": article_ids[n],
                "url": f"https://example/{n}",
                "fetched_at": _iso(article_time[n] + 3600),
                "http_status": 200,
                "content_type": "text/html",
                "bytes": 50_000 + n % 100_000,
                "sha256": hashlib.sha256(str(n).encode()).hexdigest(),
                "origin": "url",
            }
            for n in range(sizes.articles)
        ),
    )

    # Posts: authors drawn Zipf-like over accounts, so a few accounts have thousands of posts.
    authors = _zipf_draws(rng, _zipf_cumulative(sizes.accounts, 1.0), sizes.posts)
    statuses = _weighted(rng, STATUSES, sizes.posts)
    post_ids: list[str] = []
    post_time: list[float] = []

    def posts() -> Iterator[dict[str, Any]]:
        for n in range(sizes.posts):
            account = authors[n]
            platform = account_platform[account]
            native = str(10**17 + n * 7919)
            post_id = f"{platform}:{native}"
            posted = rng.random() * SPAN_SECONDS
            post_ids.append(post_id)
            post_time.append(posted)
            status = statuses[n]
            checked = status != "unchecked"
            row: dict[str, Any] = {
                "id": post_id,
                "platform": platform,
                "kind": "video" if platform in ("youtube", "tiktok") or rng.random() < 0.1 else "post",
                "url": f"https://{platform}.example/user{account}/{native}",
                "native_id": native,
                "account_id": account_ids[account],
                "author_handle": f"user{account}",
                "author_name": f"User {account}",
                "text": _text(rng, 6, 30),
                "posted_at": _iso(posted),
                "posted_at_source": "snowflake",
                "media": "[]",
                "first_seen_at": _iso(posted + 86400),
                "last_seen_at": _iso(posted + 2 * 86400),
                "status": status,
                "unchanged_checks": rng.randint(0, 6),
                "check_errors": 0,
            }
            if checked:
                seen = posted + 86400 + rng.random() * (SPAN_SECONDS - posted)
                row["status_checked_at"] = _iso(seen)
                row["next_check_at"] = _iso(seen + 6 * 3600)
                if status in GONE_STATUSES:
                    row["status_changed_at"] = _iso(seen - 3600)
                    row["last_available_at"] = _iso(seen - 86400)
                    row["status_detail"] = "tombstone: this post was removed"
                    if rng.random() < 0.3:
                        row["archive_url"] = f"https://web.archive.org/web/2023/{row['url']}"
                        row["archive_captured_at"] = _iso(seen - 2 * 86400)
                else:
                    row["status_changed_at"] = _iso(posted + 86400)
                    row["last_available_at"] = _iso(seen) if status == "available" else None
            yield row

    counts["posts"] = _insert(conn, "posts", posts())

    # Embeds: every post cited once, the rest Zipf-like over posts (a few posts are cited thousands of times),
    # spread over articles 1 to 19 a piece (10 on average, to reach the target total).
    popular = _zipf_cumulative(sizes.posts, 0.9)
    extra = max(0, sizes.embeds - sizes.posts)
    cited = list(range(sizes.posts)) + _zipf_draws(rng, popular, extra)
    rng.shuffle(cited)
    methods = _weighted(rng, METHODS, len(cited))

    def embeds() -> Iterator[dict[str, Any]]:
        position = 0
        article = 0
        per_article = rng.randint(1, 19)
        seen: set[int] = set()
        for index, post in enumerate(cited):
            if position >= per_article and article < sizes.articles - 1:
                article += 1
                position = 0
                per_article = rng.randint(1, 19)
                seen = set()
            if post in seen:
                continue
            seen.add(post)
            position += 1
            when = _iso(article_time[article] + 3600)
            yield {
                "id": f"{article_ids[article]}:{post_ids[post]}",
                "article_id": article_ids[article],
                "post_id": post_ids[post],
                "method": methods[index],
                "position": position,
                "context": _text(rng, 4, 14),
                "first_seen_at": when,
                "last_seen_at": when,
                "removed_at": _iso(article_time[article] + 30 * 86400) if rng.random() < 0.01 else None,
            }

    counts["embeds"] = _insert(conn, "embeds", embeds())

    # Mentions in prose; a third resolve to a post. Notes: most about a mention or post.
    mention_ids: list[str] = []
    mention_post: list[str | None] = []

    def mentions() -> Iterator[dict[str, Any]]:
        for n in range(sizes.mentions):
            article = rng.randrange(sizes.articles)
            mention_id = f"{article_ids[article]}:m{n:08x}"
            post = post_ids[_zipf_draws(rng, popular, 1)[0]] if rng.random() < 0.33 else None
            mention_ids.append(mention_id)
            mention_post.append(post)
            yield {
                "id": mention_id,
                "article_id": article_ids[article],
                "post_id": post,
                "kind": rng.choice(("video", "video", "photo", "post", "audio")),
                "platform": rng.choice([p for p, _ in PLATFORMS]) if rng.random() < 0.6 else None,
                "source_name": f"User {rng.randrange(sizes.accounts)}",
                "source_description": _text(rng, 2, 6),
                "sentence": _text(rng, 8, 25),
                "position": rng.randint(1, 20),
                "first_seen_at": _iso(article_time[article] + 3600),
                "last_seen_at": _iso(article_time[article] + 3600),
            }

    counts["mentions"] = _insert(conn, "mentions", mentions())

    def notes() -> Iterator[dict[str, Any]]:
        for n in range(sizes.notes):
            mention = rng.randrange(len(mention_ids)) if rng.random() < 0.6 else None
            article_id = mention_ids[mention].split(":", 1)[0] if mention is not None else None
            post = mention_post[mention] if mention is not None else post_ids[rng.randrange(sizes.posts)]
            if article_id is None:
                article_id = article_ids[rng.randrange(sizes.articles)]
            verdict = rng.choice(("unverified", "unverified", "verified", "disputed"))
            yield {
                "id": f"{article_id}:n{n:08x}",
                "article_id": article_id,
                "post_id": post,
                "mention_id": mention_ids[mention] if mention is not None else None,
                "verifier": rng.choice(VERIFIERS),
                "verdict": verdict,
                "sentence": f"The video could not be independently {verdict}. " + _text(rng, 4, 12),
                "position": rng.randint(1, 20),
                "first_seen_at": _iso(rng.random() * SPAN_SECONDS),
                "last_seen_at": _iso(SPAN_SECONDS),
            }

    counts["verification_notes"] = _insert(conn, "verification_notes", notes())

    counts["runs"] = _insert(
        conn,
        "runs",
        (
            {
                "id": n + 1,
                "command": rng.choice(("ingest", "refresh", "refresh", "doctor")),
                "arguments": "[]",
                "started_at": _iso(n * SPAN_SECONDS / 3000),
                "finished_at": _iso(n * SPAN_SECONDS / 3000 + 600),
                "exit_code": 0 if rng.random() < 0.97 else 1,
                "counts": '{"checked": 100}',
                "errors": "[]",
            }
            for n in range(3000)
        ),
    )

    def checks() -> Iterator[dict[str, Any]]:
        for post in rng.sample(range(sizes.posts), sizes.checked_posts):
            when = post_time[post] + 86400
            final = statuses[post]
            number = rng.randint(1, 5)
            for k in range(number):
                when += rng.random() * 30 * 86400
                status = final if k == number - 1 else "available"
                yield {
                    "id": f"{post_ids[post]}:{k}",
                    "post_id": post_ids[post],
                    "checked_at": _iso(when),
                    "checker": rng.choice(("oembed", "syndication", "embed_page")),
                    "status": "error" if status == "unchecked" else status,
                    "http_status": 404 if status in gone else 200,
                    "detail": "answer",
                    "elapsed_ms": rng.randint(40, 900),
                    "url": f"https://check.example/{post}",
                    "outcome": "changed" if k == number - 1 and status in gone else "unchanged",
                    "run_id": rng.randint(1, 3000),
                }

    counts["checks"] = _insert(conn, "checks", checks())
    counts["post_aliases"] = _insert(
        conn,
        "post_aliases",
        (
            {
                "alias": f"twitter:pic-{n:08x}",
                "post_id": post_ids[_zipf_draws(rng, popular, 1)[0]],
                "reason": "resolved",
                "created_at": _iso(rng.random() * SPAN_SECONDS),
            }
            for n in range(sizes.posts // 100)
        ),
    )
    return counts


def build_database(path: Path, sizes: Sizes) -> dict[str, int]:
    """Create ``path`` with the real schema and fill it with synthetic rows; returns rows per table."""
    path.unlink(missing_ok=True)
    open_database(path).close()
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        # A bulk load into a throwaway file: no journal, no fsync, a big page cache.
        conn.execute("pragma journal_mode = delete")
        conn.execute("pragma synchronous = off")
        conn.execute("pragma cache_size = -1000000")
        conn.execute("pragma temp_store = memory")
        # Loading with indexes and full-text triggers in place costs a B-tree insert per index per row;
        # dropping them and building each once at the end is several times faster.
        saved = conn.execute(
            "select type, name, sql from sqlite_master where type in ('index', 'trigger') and sql is not null"
        ).fetchall()
        conn.execute("begin")
        for kind, name, _sql in saved:
            conn.execute(f"drop {kind} [{name}]")
        counts = _fill(conn, sizes)
        for kind, _name, sql in saved:
            if kind == "index":
                conn.execute(sql)
        # What the citation-count triggers (dropped above) would have kept while loading: with the indexes
        # back (a count per post without embeds' post_id index reads all three million embeds each time),
        # and before the triggers (the full-text ones would re-index every post for a count).
        if "citation_count" in _columns(conn, "posts"):
            conn.execute(
                "update posts set citation_count = "
                "(select count(*) from embeds where embeds.post_id = posts.id)"
            )
            conn.execute(
                "update accounts set citation_count = coalesce("
                "(select sum(citation_count) from posts where posts.account_id = accounts.id), 0)"
            )
        for kind, _name, sql in saved:
            if kind == "trigger":
                conn.execute(sql)
        for table in ("posts", "articles", "verification_notes", "mentions"):
            conn.execute(f"insert into [{table}_fts]([{table}_fts]) values ('rebuild')")
        conn.execute("commit")
        conn.execute("analyze")
        conn.execute("pragma journal_mode = wal")
    return counts


def database_path(sizes: Sizes, *, rebuild: bool = False, cache_dir: Path = CACHE_DIR) -> Path:
    """The cached synthetic database for ``sizes``, built when missing, migrated when older."""
    path = cache_dir / f"embedtrail-bench-{sizes.posts}-{sizes.articles}-{sizes.embeds}-{schema_key()}.db"
    if rebuild or not path.exists():
        partial = path.with_suffix(".partial")
        started = time.perf_counter()
        counts = build_database(partial, sizes)
        partial.rename(path)
        for suffix in ("-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
        rows = ", ".join(f"{table} {count:,}" for table, count in counts.items())
        print(f"built {path} in {time.perf_counter() - started:.0f} s: {rows}")
    else:
        print(f"using cached {path}")
    started = time.perf_counter()
    # New index migrations are built on the cached rows (and ANALYZE refreshed for the planner).
    db = open_database(path)
    db.execute("analyze")
    db.close()
    print(f"migrated and analyzed in {time.perf_counter() - started:.1f} s")
    return path


def _much_cited_post(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        # The generator cites low-numbered posts most (Zipf); the first post is the most cited one.
        row = conn.execute(
            "select post_id from embeds where rowid = (select min(rowid) from embeds)"
        ).fetchone()
        top = conn.execute(
            "select post_id, count(*) from embeds where post_id in "
            "(select id from posts order by rowid limit 5) group by post_id order by 2 desc limit 1"
        ).fetchone()
    return str(top[0] if top else row[0])


def _busy_handle(path: Path) -> str:
    # The 20th account by rank: thousands of cited posts. (The very first holds about 8% of all posts, more
    # than any real account; its timeline is a sort of a quarter of a million citations.)
    with closing(sqlite3.connect(path)) as conn:
        row = conn.execute("select handle from accounts where id like '%:user19'").fetchone()
    return str(row[0])


def _busiest_article(path: Path) -> tuple[str, str]:
    # The article citing the most posts, and its site (for the feed narrowed to one site).
    with closing(sqlite3.connect(path)) as conn:
        row = conn.execute(
            "select e.article_id, a.site_name from embeds e join articles a on a.id = e.article_id "
            "where e.article_id in (select article_id from embeds order by rowid limit 20000) "
            "group by e.article_id order by count(*) desc limit 1"
        ).fetchone()
    return str(row[0]), str(row[1])


def pages(path: Path) -> list[tuple[str, str]]:
    """(name, path) of every page timed, canned queries with realistic parameters."""
    post = _much_cited_post(path)
    article, site = _busiest_article(path)
    handle = _busy_handle(path)
    params: dict[str, dict[str, str]] = {
        "posts_gone_since_seen": {"platform": "twitter"},
        "unverified_videos": {"verifier": ""},
        "most_cited_accounts": {"platform": ""},
        "account_timeline": {"handle": f"@{handle}"},
        "articles_citing_post": {"post_id": post},
        "mentions_without_url": {"kind": "video"},
        "recent_changes": {"hours": "24"},
        "removed_after_edit": {},
    }
    metadata = load_metadata()
    names = list(metadata["databases"][DATABASE_NAME]["queries"])
    names += [name for name in metadata["plugins"]["embedtrail"]["schema_queries"] if name not in names]
    result = [("index", "/"), ("database", f"/{DATABASE_NAME}")]
    for name in names:
        query = urlencode(params.get(name, {}))
        result.append((f"query {name}", f"/{DATABASE_NAME}/{name}" + (f"?{query}" if query else "")))
    result += [
        ("provenance (most cited post)", f"/-/provenance/{quote(post, safe=':@')}"),
        ("posts faceted", f"/{DATABASE_NAME}/posts?_facet=platform&_facet=status"),
        ("posts search", f"/{DATABASE_NAME}/posts?_search=drone+footage"),
        ("articles search", f"/{DATABASE_NAME}/articles?_search=minister"),
        ("charts", "/-/embedtrail/charts"),
        ("article page (most posts)", f"/-/article/{article}"),
        ("search everything (common)", "/-/embedtrail/search?q=video"),
        ("search everything (rare)", "/-/embedtrail/search?q=minister+drone"),
        ("feed of changes", "/-/embedtrail/changes.atom"),
        ("feed, one platform", "/-/embedtrail/changes.atom?platform=telegram"),
        ("feed, one site", f"/-/embedtrail/changes.atom?{urlencode({'site': site})}"),
    ]
    for table in (
        "posts",
        "articles",
        "embeds",
        "accounts",
        "mentions",
        "verification_notes",
        "checks",
        "captures",
        "runs",
        "post_aliases",
        "gone_posts",
    ):
        result.append((f"table {table}", f"/{DATABASE_NAME}/{table}"))
    result.append(("row post", f"/{DATABASE_NAME}/posts/{quote(post.replace(':', '~3A'), safe='~')}"))
    return result


@dataclass
class Timing:
    name: str
    status: int
    first_ms: float
    times_ms: list[float]

    def quantile(self, q: float) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


async def _time_pages(
    path: Path, targets: list[tuple[str, str]], requests: int, immutable: bool, cache: bool
) -> list[Timing]:
    overrides = None if cache else {"plugins": {"embedtrail": {"response_cache": False}}}
    datasette = make_datasette(path, immutable=immutable, metadata_overrides=overrides)
    await datasette.invoke_startup()
    results = []
    for name, url in targets:
        started = time.perf_counter()
        warm = await datasette.client.get(url)
        first = (time.perf_counter() - started) * 1000
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = await datasette.client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        status = warm.status_code if warm.status_code != 200 else response.status_code
        timing = Timing(name, status, first, times)
        results.append(timing)
        flag = "" if timing.quantile(0.95) < GOAL_MS and status == 200 else "  SLOW"
        print(
            f"  {name:<34} {status:>4} {first:>9.1f} {statistics.median(times):>9.1f} "
            f"{timing.quantile(0.95):>9.1f} {max(times):>9.1f}{flag}",
            flush=True,
        )
    return results


def run(
    sizes: Sizes | None = None,
    *,
    requests: int = 20,
    only: Sequence[str] = (),
    rebuild: bool = False,
    immutable: bool = False,
    cache: bool = True,
    cache_dir: Path = CACHE_DIR,
) -> list[Timing]:
    """Build (or reuse) the synthetic database, time every page and print the table.

    ``first`` is the warm-up request: with the plugin's response cache (db/plugin/cache.py) on, it is what a
    visitor pays after the data changed; ``cache=False`` measures every request uncached."""
    sizes = sizes or Sizes()
    path = database_path(sizes, rebuild=rebuild, cache_dir=cache_dir)
    targets = [(name, url) for name, url in pages(path) if not only or any(word in name for word in only)]
    mode = ("immutable" if immutable else "mutable (live)") + (
        ", response cache on" if cache else ", no cache"
    )
    print(f"{len(targets)} pages, {requests} requests each after one warm-up, database served {mode}")
    print(f"  {'page':<34} {'HTTP':>4} {'first ms':>9} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    timings = asyncio.run(_time_pages(path, targets, requests, immutable, cache))
    slow = [t.name for t in timings if t.quantile(0.95) >= GOAL_MS or t.status != 200]
    print(f"{len(timings) - len(slow)} of {len(timings)} pages answer 200 with p95 under {GOAL_MS:.0f} ms")
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=Sizes.posts)
    parser.add_argument("--articles", type=int, default=Sizes.articles)
    parser.add_argument("--embeds", type=int, default=Sizes.embeds)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--immutable", action="store_true")
    parser.add_argument("--no-cache", action="store_true", help="turn the plugin's response cache off")
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR, help="where the built database is kept")
    args = parser.parse_args(argv)
    run(
        Sizes(args.posts, args.articles, args.embeds),
        requests=args.requests,
        only=args.only,
        rebuild=args.rebuild,
        immutable=args.immutable,
        cache=not args.no_cache,
        cache_dir=args.cache_dir,
    )


if __name__ == "__main__":
    main()
