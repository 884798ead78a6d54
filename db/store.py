"""All writes to the embedtrail database: one article's extraction in one transaction, and run records.

``save_extraction`` upserts the article, its capture (only when the content is new), accounts, posts,
embeds, mentions and verification notes inside a single ``db.atomic()``, so a crash or a bad page never
leaves an article half-written. Re-saving identical content changes nothing but ``last_fetched_at`` and
``last_seen_at``. Known values are never overwritten with unknown ones; posting times are only replaced by
better-sourced ones; ids that were merged into another post (``post_aliases``) resolve to it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from embedtrail.scrapers.records import (
    Capture,
    Extraction,
    Post,
    account_id,
    article_id,
    better_posted_at,
    embed_id,
    mention_id,
    note_id,
)
from embedtrail.scrapers.urls import canonical_article_url
from embedtrail.scrapers.version import EXTRACTOR_VERSION

from .migrations import migrate

__all__ = [
    "FOUND_AGAIN",
    "SIGHTINGS",
    "SaveResult",
    "WritingDatabase",
    "article_id_in",
    "article_key",
    "find_article",
    "find_post",
    "finish_run",
    "open_database",
    "save_extraction",
    "sighting_ids",
    "start_run",
]


class WritingDatabase(Database):
    """A sqlite-utils Database whose outermost ``atomic()`` begins IMMEDIATE.

    A DEFERRED transaction (sqlite-utils' plain BEGIN) reads first and asks for the write lock later; when
    another process (refresh while ingest runs, the queue coordinator while serve reads) took it in the
    meantime, SQLite answers "database is locked" at once instead of waiting out ``busy_timeout``, because
    waiting could deadlock. Taking the write lock at BEGIN makes every writer wait its turn instead.
    Nested ``atomic()`` blocks stay savepoints.
    """

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        if self.conn.in_transaction:
            with super().atomic() as db:
                yield db
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")


def open_database(path: str | Path) -> Database:
    """Open (creating if needed) an embedtrail database and bring its schema up to date.

    Its transactions take the write lock when they begin, so concurrent writers wait (up to the busy
    timeout) instead of failing with "database is locked".
    """
    db = WritingDatabase(str(path))
    migrate(db)
    return db


def article_key(url: str) -> str:
    """The id an article at ``url`` gets (16 hex digits of the sha256 of its canonical URL)."""
    return article_id(canonical_article_url(url))


def article_id_in(db: Database, url: str) -> str:
    """The id of the article at ``url`` in ``db``: ``article_key``, or the older article it is an alias of
    (``article_aliases``: articles saved before a change of the canonical form keep their ids)."""
    key = article_key(url)
    try:
        row = db.execute("select article_id from article_aliases where alias = ?", [key]).fetchone()
    except sqlite3.OperationalError:  # a schema from before m090_article_aliases
        return key
    return str(row[0]) if row else key


def find_article(db: Database, given: str) -> str | None:
    """The id of the article ``given`` names: its id, an older id (``article_aliases``), or its URL pasted
    whole; None when it names none."""
    row = db.execute("select id from articles where id = ?", [given]).fetchone()
    if row is None:
        row = db.execute("select article_id from article_aliases where alias = ?", [given]).fetchone()
    if row is None and ("://" in given or given.startswith("urn:")):
        row = db.execute("select id from articles where id = ?", [article_id_in(db, given)]).fetchone()
    return None if row is None else str(row[0])


def find_post(db: Database, given: str) -> str | None:
    """The id of the post ``given`` names: its id or an id merged into it (``post_aliases``), else None."""
    row = db.execute("select id from posts where id = ?", [given]).fetchone()
    if row is None:
        row = db.execute("select post_id from post_aliases where alias = ?", [given]).fetchone()
    return None if row is None else str(row[0])


@dataclass
class SaveResult:
    """What one save changed: new rows per table, and whether the capture was new content."""

    article_id: str
    new_article: bool = False
    new_capture: bool = False
    new: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, amount: int = 1) -> None:
        if amount:
            self.new[table] = self.new.get(table, 0) + amount


def _existing(db: Database, table: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    ids = list(dict.fromkeys(ids))
    rows: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.query(f"select * from [{table}] where id in ({marks})", chunk):
            rows[row["id"]] = row
    return rows


def _aliases(db: Database, ids: Iterable[str]) -> dict[str, str]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {
        row["alias"]: row["post_id"]
        for row in db.query(f"select alias, post_id from post_aliases where alias in ({marks})", ids)
    }


def _merge_post_row(row: dict[str, Any] | None, post: Post, now: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": post.id,
        "platform": post.platform,
        "kind": post.kind,
        "url": post.url,
        "native_id": post.native_id,
        "account_id": account_id(post.platform, post.author_handle) if post.author_handle else None,
        "author_handle": post.author_handle,
        "author_name": post.author_name,
        "text": post.text,
        "posted_at": post.posted_at,
        "posted_at_source": post.posted_at_source,
        "media": json.dumps(list(post.media)),
        "last_seen_at": now,
    }
    if row is None:
        record["first_seen_at"] = now
        record["status"] = "unchecked"
        return record
    for key in ("url", "native_id", "account_id", "author_handle", "author_name", "text"):
        if row.get(key) is not None:
            record[key] = row[key]
    record["posted_at"], record["posted_at_source"] = better_posted_at(
        (row.get("posted_at"), row.get("posted_at_source")), (post.posted_at, post.posted_at_source)
    )
    try:
        known = json.loads(row.get("media") or "[]")
    except ValueError:
        known = []
    record["media"] = json.dumps(list(dict.fromkeys([*known, *post.media])))
    return record


def _archive_columns(capture: Capture) -> dict[str, str]:
    """The m020 capture columns that are set: web archive provenance, headers as one JSON object (names
    lower-cased, repeated values joined by ``", "``) and the payload digest. Only set ones are written, so
    a capture without them still saves into a database built before m020 (tests build such schemas)."""
    columns: dict[str, str] = {}
    if capture.headers is not None:
        joined: dict[str, str] = {}
        for name, value in capture.headers:
            key = name.lower()
            joined[key] = f"{joined[key]}, {value}" if key in joined else value
        columns["headers"] = json.dumps(joined, ensure_ascii=False)
    for name in ("archive_file", "archive_record_id", "payload_digest"):
        value = getattr(capture, name)
        if value is not None:
            columns[name] = value
    return columns


def _insert(db: Database, table: str, rows: list[dict[str, Any]], *, ignore: bool = False) -> None:
    """Insert ``rows`` (all with the same keys) in one batch."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f"[{c}]" for c in columns)
    marks = ", ".join("?" * len(columns))
    verb = "insert or ignore" if ignore else "insert"
    db.conn.executemany(
        f"{verb} into [{table}] ({names}) values ({marks})", [[row[c] for c in columns] for row in rows]
    )


def _update(db: Database, table: str, rows: list[dict[str, Any]]) -> None:
    """Update rows by ``id``, one batch per set of columns."""
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        shapes.setdefault(tuple(k for k in row if k != "id"), []).append(row)
    for columns, batch in shapes.items():
        if not columns:
            continue
        assignments = ", ".join(f"[{c}] = ?" for c in columns)
        db.conn.executemany(
            f"update [{table}] set {assignments} where id = ?",
            [[*(row[c] for c in columns), row["id"]] for row in batch],
        )


def _upsert_sightings(
    db: Database, table: str, records: dict[str, dict[str, Any]], now: str, result: SaveResult
) -> None:
    """Insert new sighting rows (stamping ``first_seen_at``) and refresh known ones; counts new rows."""
    known = _existing(db, table, records)
    _insert(db, table, [{**r, "first_seen_at": now} for i, r in records.items() if i not in known])
    _update(db, table, [r for i, r in records.items() if i in known])
    result.count(table, len(records) - len(known))


# A sighting the extractor finds again is no longer marked as dropped by an earlier reextract.
FOUND_AGAIN: dict[str, Any] = {"dropped_at": None, "dropped_by_extractor": None}

# The tables of things seen in an article, whose rows reextract marks when no longer found.
SIGHTINGS = ("embeds", "mentions", "verification_notes")


def sighting_ids(db: Database, article: str, extraction: Extraction) -> dict[str, set[str]]:
    """The ids of the ``SIGHTINGS`` rows that saving ``extraction`` as ``article`` writes (old post ids
    resolved as ``save_extraction`` resolves them)."""
    cited = [e.post_id for e in extraction.embeds]
    cited += [m.post_id for m in extraction.mentions if m.post_id]
    aliases = _aliases(db, cited)
    return {
        "embeds": {embed_id(article, aliases.get(e.post_id, e.post_id)) for e in extraction.embeds},
        "mentions": {mention_id(article, m.sentence, m.source_name, m.kind) for m in extraction.mentions},
        "verification_notes": {note_id(article, n.sentence, n.verifier) for n in extraction.notes},
    }


def save_extraction(db: Database, capture: Capture, extraction: Extraction, now: str) -> SaveResult:
    """Write one document's capture and extraction in one transaction; returns what was new."""
    meta = extraction.article
    article = article_id_in(db, meta.url)
    result = SaveResult(article)
    with db.atomic():
        existing_article = _existing(db, "articles", [article]).get(article)
        values = {
            "url": meta.url,
            "canonical_url": meta.canonical_url,
            "site_name": meta.site_name,
            "title": meta.title,
            "author": meta.author,
            "published_at": meta.published_at,
            "published_at_source": meta.published_at_source,
            "language": meta.language,
        }
        # Which rules read it, and when (m094): reextract compares these with today's extractor. A database
        # held at an older schema (a test's, or one being served while upgrading) has no such columns.
        versioned = "extractor_version" in db.table("articles").columns_dict
        if versioned:
            values.update({"extractor_version": EXTRACTOR_VERSION, "extracted_at": now})
        found_again = FOUND_AGAIN if versioned else {}
        if existing_article is None:
            db.table("articles").insert(
                {"id": article, **values, "first_seen_at": now, "last_fetched_at": capture.fetched_at},
                pk="id",
            )
            result.new_article = True
            result.count("articles")
        else:
            update = {k: v for k, v in values.items() if v is not None and k != "url"}
            last = existing_article.get("last_fetched_at")
            update["last_fetched_at"] = max(capture.fetched_at, last) if last else capture.fetched_at
            db.table("articles").update(article, update)

        known_capture = list(
            db.query("select id from captures where article_id = ? and sha256 = ?", [article, capture.sha256])
        )
        if not known_capture and capture.payload_digest:
            # An archive's payload digest covers the body as sent; the same URL and digest is the same copy
            # even when the archive stored it with another transfer or content encoding.
            known_capture = list(
                db.query(
                    "select id from captures where url = ? and payload_digest = ?",
                    [capture.url, capture.payload_digest],
                )
            )
        if not known_capture:
            db.table("captures").insert(
                {
                    "article_id": article,
                    "url": capture.url,
                    "final_url": capture.final_url,
                    "fetched_at": capture.fetched_at,
                    "http_status": capture.http_status,
                    "content_type": capture.content_type,
                    "bytes": capture.bytes,
                    "sha256": capture.sha256,
                    "origin": capture.origin,
                    **_archive_columns(capture),
                }
            )
            result.new_capture = True
            result.count("captures")

        accounts = _existing(db, "accounts", [a.id for a in extraction.accounts])
        new_accounts: dict[str, dict[str, Any]] = {}
        account_updates: list[dict[str, Any]] = []
        for account in extraction.accounts:
            row = accounts.get(account.id)
            if row is None:
                new_accounts[account.id] = {
                    "id": account.id,
                    "platform": account.platform,
                    "handle": account.handle,
                    "name": account.name,
                    "url": account.url,
                    "platform_id": account.platform_id,
                    "first_seen_at": now,
                    "last_seen_at": now,
                }
            else:
                update = {"id": account.id, "last_seen_at": now}
                for key in ("name", "url", "platform_id"):
                    value = getattr(account, key)
                    if row.get(key) is None and value is not None:
                        update[key] = value
                account_updates.append(update)

        aliases = _aliases(db, [p.id for p in extraction.posts])
        resolved = {p.id: aliases.get(p.id, p.id) for p in extraction.posts}
        posts = _existing(db, "posts", resolved.values())
        new_posts: dict[str, dict[str, Any]] = {}
        post_updates: dict[str, dict[str, Any]] = {}
        for post in extraction.posts:
            target = resolved[post.id]
            row = new_posts.get(target) or post_updates.get(target) or posts.get(target)
            record = _merge_post_row(row, post, now)
            record["id"] = target
            if row is not None and "first_seen_at" in row:
                record["first_seen_at"] = row["first_seen_at"]
            author = record.get("account_id")
            if author and author not in accounts and author not in new_accounts:
                # An author account not in this extraction's accounts: create it so the foreign key holds.
                handle = record.get("author_handle") or author.split(":", 1)[1]
                new_accounts[author] = {
                    "id": author,
                    "platform": post.platform,
                    "handle": handle,
                    "name": post.author_name,
                    "url": None,
                    "platform_id": None,
                    "first_seen_at": now,
                    "last_seen_at": now,
                }
            if target in posts:
                post_updates[target] = {k: v for k, v in record.items() if k != "first_seen_at"}
            else:
                new_posts[target] = record
        # Rows are written in batches (one statement per table and shape), not one at a time: a page with
        # thousands of links held the write lock for minutes when each row was its own call.
        _insert(db, "accounts", list(new_accounts.values()), ignore=True)
        _update(db, "accounts", account_updates)
        _insert(db, "posts", list(new_posts.values()))
        _update(db, "posts", list(post_updates.values()))
        result.count("accounts", len(new_accounts))
        result.count("posts", len(new_posts))

        embed_rows: dict[str, dict[str, Any]] = {}
        for embed in extraction.embeds:
            cited = resolved.get(embed.post_id, embed.post_id)
            identifier = embed_id(article, cited)
            embed_rows.setdefault(
                identifier,
                {
                    "id": identifier,
                    "article_id": article,
                    "post_id": cited,
                    "method": embed.method,
                    "position": embed.position,
                    "context": embed.context,
                    "last_seen_at": now,
                    **found_again,
                },
            )
        _upsert_sightings(db, "embeds", embed_rows, now, result)

        mention_ids = [mention_id(article, m.sentence, m.source_name, m.kind) for m in extraction.mentions]
        mention_rows: dict[str, dict[str, Any]] = {}
        for identifier, mention in zip(mention_ids, extraction.mentions, strict=True):
            mention_rows.setdefault(
                identifier,
                {
                    "id": identifier,
                    "article_id": article,
                    "post_id": resolved.get(mention.post_id, mention.post_id) if mention.post_id else None,
                    "kind": mention.kind,
                    "platform": mention.platform,
                    "source_name": mention.source_name,
                    "source_description": mention.source_description,
                    "sentence": mention.sentence,
                    "position": mention.position,
                    "last_seen_at": now,
                    **found_again,
                },
            )
        _upsert_sightings(db, "mentions", mention_rows, now, result)

        note_rows: dict[str, dict[str, Any]] = {}
        for note in extraction.notes:
            identifier = note_id(article, note.sentence, note.verifier)
            about_mention = mention_ids[note.mention_index] if note.mention_index is not None else None
            note_rows.setdefault(
                identifier,
                {
                    "id": identifier,
                    "article_id": article,
                    "post_id": resolved.get(note.post_id, note.post_id) if note.post_id else None,
                    "mention_id": about_mention,
                    "verifier": note.verifier,
                    "verdict": note.verdict,
                    "sentence": note.sentence,
                    "position": note.position,
                    "last_seen_at": now,
                    **found_again,
                },
            )
        _upsert_sightings(db, "verification_notes", note_rows, now, result)
    return result


def start_run(db: Database, command: str, arguments: list[str], now: str) -> int:
    """Record the start of a command run; returns the run id."""
    with db.atomic():
        table = db.table("runs").insert(
            {
                "command": command,
                "arguments": json.dumps(arguments),
                "started_at": now,
                "counts": "{}",
                "errors": "[]",
            }
        )
    return int(str(table.last_pk))


def finish_run(
    db: Database, run: int, now: str, counts: dict[str, Any], errors: list[dict[str, str]], exit_code: int
) -> None:
    """Record how a run ended: its counts, each failure (source and reason) and its exit code."""
    with db.atomic():
        db.table("runs").update(
            run,
            {
                "finished_at": now,
                "counts": json.dumps(counts, sort_keys=True),
                "errors": json.dumps(errors),
                "exit_code": exit_code,
            },
        )
