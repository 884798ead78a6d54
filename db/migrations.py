"""The database schema, as an ordered set of sqlite-utils migrations: the only place tables are defined.

Never edit a migration that has shipped; add a new one. ``migrate(db)`` brings any embedtrail database (or a
new empty file) up to date and is called by every command that opens one. The schema is the project's
public data contract; README.md ("Data model") documents every table and column.
"""

from __future__ import annotations

import sqlite3
import time

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

__all__ = ["FTS_TABLES", "migrate", "migrations"]

migrations = Migrations("embedtrail")

# Columns each table's full-text index covers (kept current by triggers).
FTS_TABLES = {
    "posts": ["text", "author_name", "author_handle"],
    "articles": ["title", "site_name", "author", "url"],
    "verification_notes": ["sentence", "verifier"],
    "mentions": ["sentence", "source_name", "source_description"],
}


@migrations(transactional=False)
def m001_wal(db: Database) -> None:
    # WAL lets Datasette read while ingest and refresh write; it cannot be switched inside a transaction.
    db.enable_wal()


@migrations()
def m002_core_tables(db: Database) -> None:
    db.table("articles").create(
        {
            "id": str,
            "url": str,
            "canonical_url": str,
            "site_name": str,
            "title": str,
            "author": str,
            "published_at": str,
            "published_at_source": str,
            "language": str,
            "first_seen_at": str,
            "last_fetched_at": str,
        },
        pk="id",
        not_null={"url", "first_seen_at"},
    )
    db.table("captures").create(
        {
            "id": int,
            "article_id": str,
            "url": str,
            "final_url": str,
            "fetched_at": str,
            "http_status": int,
            "content_type": str,
            "bytes": int,
            "sha256": str,
            "origin": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "url", "fetched_at", "sha256", "origin"},
    )
    db.table("accounts").create(
        {
            "id": str,
            "platform": str,
            "handle": str,
            "name": str,
            "url": str,
            "platform_id": str,
            "first_seen_at": str,
            "last_seen_at": str,
        },
        pk="id",
        not_null={"platform", "handle", "first_seen_at"},
    )
    db.table("posts").create(
        {
            "id": str,
            "platform": str,
            "kind": str,
            "url": str,
            "native_id": str,
            "account_id": str,
            "author_handle": str,
            "author_name": str,
            "text": str,
            "posted_at": str,
            "posted_at_source": str,
            "media": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "status": str,
            "status_checked_at": str,
            "status_changed_at": str,
        },
        pk="id",
        foreign_keys=[("account_id", "accounts", "id")],
        not_null={"platform", "kind", "first_seen_at", "status"},
        defaults={"status": "unchecked", "media": "[]"},
    )
    db.table("embeds").create(
        {
            "id": str,
            "article_id": str,
            "post_id": str,
            "method": str,
            "position": int,
            "context": str,
            "first_seen_at": str,
            "last_seen_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("post_id", "posts", "id")],
        not_null={"article_id", "post_id", "method", "first_seen_at"},
    )
    db.table("mentions").create(
        {
            "id": str,
            "article_id": str,
            "post_id": str,
            "kind": str,
            "platform": str,
            "source_name": str,
            "source_description": str,
            "sentence": str,
            "position": int,
            "first_seen_at": str,
            "last_seen_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("post_id", "posts", "id")],
        not_null={"article_id", "kind", "sentence", "first_seen_at"},
    )
    db.table("verification_notes").create(
        {
            "id": str,
            "article_id": str,
            "post_id": str,
            "mention_id": str,
            "verifier": str,
            "verdict": str,
            "sentence": str,
            "position": int,
            "first_seen_at": str,
            "last_seen_at": str,
        },
        pk="id",
        foreign_keys=[
            ("article_id", "articles", "id"),
            ("post_id", "posts", "id"),
            ("mention_id", "mentions", "id"),
        ],
        not_null={"article_id", "verdict", "sentence", "first_seen_at"},
    )
    db.table("runs").create(
        {
            "id": int,
            "command": str,
            "arguments": str,
            "started_at": str,
            "finished_at": str,
            "exit_code": int,
            "counts": str,
            "errors": str,
        },
        pk="id",
        not_null={"command", "started_at"},
    )
    # Old ids of posts merged into another (a text-only tweet later resolved to its status id): lookups by
    # the old id still find the post.
    db.table("post_aliases").create(
        {"alias": str, "post_id": str, "reason": str, "created_at": str},
        pk="alias",
        foreign_keys=[("post_id", "posts", "id")],
        not_null={"post_id", "created_at"},
    )


@migrations()
def m003_indexes(db: Database) -> None:
    db.index_foreign_keys()
    db.table("captures").create_index(["article_id", "sha256"], unique=True)
    db.table("articles").create_index(["url"])
    db.table("articles").create_index(["site_name"])
    db.table("articles").create_index(["published_at"])
    db.table("posts").create_index(["platform", "status"])
    db.table("posts").create_index(["status"])
    db.table("posts").create_index(["status_changed_at"])
    db.table("posts").create_index(["first_seen_at"])
    db.table("posts").create_index(["posted_at"])
    db.table("posts").create_index(["author_handle"])
    db.table("embeds").create_index(["article_id", "post_id"], unique=True)
    db.table("embeds").create_index(["method"])
    db.table("mentions").create_index(["kind"])
    db.table("verification_notes").create_index(["verdict"])
    db.table("runs").create_index(["started_at"])


@migrations()
def m004_full_text(db: Database) -> None:
    for table, columns in FTS_TABLES.items():
        db.table(table).enable_fts(columns, create_triggers=True, tokenize="unicode61 remove_diacritics 2")


# How long a writer waits for another's write lock before giving up (the command then says the database is
# busy).
BUSY_TIMEOUT_MS = 30_000


def _enable_wal(db: Database, wait: float = BUSY_TIMEOUT_MS / 1000) -> None:
    """Switch to WAL, waiting while another process holds the file: SQLite answers a journal-mode change
    "database is locked" at once, without its busy timeout, while another connection works on a new file."""
    deadline = time.monotonic() + wait
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def migrate(db: Database) -> None:
    """Apply every pending migration, and set the connection pragmas embedtrail relies on.

    Safe when several processes open the same database at once (two ingests on a new file, ingest and serve,
    an upgrade of an old database): the pending migrations are applied in one transaction that takes the
    write lock first and looks again at what is pending once it has it, so each migration runs once, and a
    process killed half-way leaves the database as it was before the upgrade.
    """
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if "_sqlite_migrations" in db.table_names() and not migrations.pending(db):
        return
    if not db.execute("pragma database_list").fetchone()[2]:  # in memory: no other process can see it
        migrations.apply(db)
        return
    # The one step that cannot run inside a transaction, and is harmless to repeat (m001_wal then only
    # records itself): switching to WAL.
    _enable_wal(db)
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        migrations.apply(db)
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


# --- refresh: status checks, confirmation, back-off, archive snapshots, removed embeds ---


@migrations()
def m005_checks(db: Database) -> None:
    # One row per observation of a post by a checker; ``id`` is the check's unique key, so a result applied
    # twice (a queue re-delivering it) is recorded once.
    db.table("checks").create(
        {
            "id": str,
            "post_id": str,
            "checked_at": str,
            "checker": str,
            "status": str,
            "http_status": int,
            "detail": str,
            "elapsed_ms": int,
            "url": str,
            "excerpt": str,
            "body_sha256": str,
            "outcome": str,
            "run_id": int,
        },
        pk="id",
        foreign_keys=[("post_id", "posts", "id"), ("run_id", "runs", "id")],
        not_null={"post_id", "checked_at", "checker", "status"},
    )
    db.table("checks").create_index(["post_id", "checked_at"])
    db.table("checks").create_index(["status"])
    db.table("checks").create_index(["outcome"])
    db.table("checks").create_index(["run_id"])
    posts = db.table("posts")
    for column, kind in (
        ("status_detail", str),
        ("pending_status", str),  # a gone status seen once, awaiting a confirming second check
        ("pending_since", str),
        ("next_check_at", str),
        ("unchanged_checks", int),
        ("check_errors", int),
        ("last_available_at", str),
        ("archive_url", str),
        ("archive_captured_at", str),
        ("archive_checked_at", str),
    ):
        posts.add_column(column, kind)
    db.execute("update posts set unchanged_checks = 0, check_errors = 0")
    posts.create_index(["next_check_at"])
    posts.create_index(["status_checked_at"])
    for column in ("archive_url", "archive_captured_at", "archive_checked_at"):
        db.table("articles").add_column(column, str)
    db.table("articles").create_index(["last_fetched_at"])
    db.table("accounts").add_column("status", str)
    db.table("accounts").add_column("status_checked_at", str)
    db.table("embeds").add_column("removed_at", str)


@migrations()
def m006_gone_posts(db: Database) -> None:
    # Posts once seen available and now (confirmed) gone, with the articles citing them.
    db.create_view(
        "gone_posts",
        """
        select
          posts.id as post_id, posts.platform, posts.url, posts.author_handle, posts.status,
          posts.status_detail, posts.status_changed_at, posts.last_available_at, posts.archive_url,
          count(distinct embeds.article_id) as citing_articles,
          json_group_array(distinct articles.url) as article_urls
        from posts
          left join embeds on embeds.post_id = posts.id
          left join articles on articles.id = embeds.article_id
        where posts.last_available_at is not null
          and posts.status in ('deleted', 'protected', 'suspended', 'restricted', 'not_found')
        group by posts.id
        """,
    )


# --- inputs volunteers already have: web archives, feeds and sitemaps, archived copies ---


@migrations()
def m020_archive_captures(db: Database) -> None:
    # Where a capture read from a web archive came from, the HTTP headers it was served with (JSON object),
    # and the payload digest the archive recorded (WARC-Payload-Digest), so a payload seen again under the
    # same URL is not stored twice.
    captures = db.table("captures")
    for column in ("archive_file", "archive_record_id", "headers", "payload_digest"):
        captures.add_column(column, str)
    captures.create_index(["url", "payload_digest"])


@migrations()
def m021_sources(db: Database) -> None:
    # Feeds and sitemaps a cron job re-reads: conditional-request validators and what they listed so far.
    db.table("sources").create(
        {
            "url": str,
            "kind": str,
            "etag": str,
            "last_modified": str,
            "added_at": str,
            "last_checked_at": str,
            "last_status": str,
            "items_seen": int,
        },
        pk="url",
        not_null={"kind", "added_at"},
        defaults={"items_seen": 0},
    )
    # One row per article URL a source listed and embedtrail saved: the next run fetches only new ones.
    db.table("source_items").create(
        {"source_url": str, "item_url": str, "published_at": str, "first_seen_at": str},
        pk=("source_url", "item_url"),
        foreign_keys=[("source_url", "sources", "url")],
        not_null={"first_seen_at"},
    )


# --- publishing: indexes and a view shape that keep Datasette pages fast on millions of rows ---


@migrations()
def m030_fast_pages(db: Database) -> None:
    # Each table page sorts by its metadata sort_desc column; without an index Datasette sorts the whole
    # table for every page (three million embeds: seconds). recent_changes reads each of these columns
    # from "24 hours ago" on, which an index turns into a short range instead of a scan.
    for table, column in (
        ("articles", "first_seen_at"),
        ("posts", "pending_since"),
        ("posts", "archive_captured_at"),
        ("embeds", "first_seen_at"),
        ("embeds", "removed_at"),
        ("mentions", "first_seen_at"),
        ("verification_notes", "first_seen_at"),
        ("accounts", "last_seen_at"),
        ("captures", "fetched_at"),
        ("checks", "checked_at"),
        ("post_aliases", "created_at"),
    ):
        db.table(table).create_index([column], if_not_exists=True)
    # The provenance page of a post cited by thousands of articles lists the first ones seen, in this order.
    db.table("embeds").create_index(["post_id", "first_seen_at"], if_not_exists=True)
    # unverified_videos: the newest unverified notes first, without sorting every note.
    db.table("verification_notes").create_index(["verdict", "first_seen_at"], if_not_exists=True)
    # gone_posts (count and its platform and status facets) reads only these columns of gone posts.
    db.table("posts").create_index(["status", "platform", "last_available_at"], if_not_exists=True)
    # account_timeline matches handles case-insensitively, with exactly these expressions.
    db.execute("create index if not exists idx_posts_lower_author_handle on posts (lower(author_handle))")
    db.execute("create index if not exists idx_accounts_lower_handle on accounts (lower(handle))")
    # gone_posts: the same columns and rows as m006's view, but per-post subqueries instead of a join
    # grouped by post. SQLite can then flatten the view: a page sorted by status_changed_at reads only the
    # rows it shows and a count reads only an index, instead of aggregating every citation of every gone
    # post on each request.
    db.execute("drop view if exists gone_posts")
    db.create_view(
        "gone_posts",
        """
        select
          posts.id as post_id, posts.platform, posts.url, posts.author_handle, posts.status,
          posts.status_detail, posts.status_changed_at, posts.last_available_at, posts.archive_url,
          (select count(distinct embeds.article_id) from embeds where embeds.post_id = posts.id)
            as citing_articles,
          (select json_group_array(distinct articles.url)
             from embeds join articles on articles.id = embeds.article_id
            where embeds.post_id = posts.id) as article_urls
        from posts
        where posts.last_available_at is not null
          and posts.status in ('deleted', 'protected', 'suspended', 'restricted', 'not_found')
        """,
    )


@migrations()
def m031_citations_index(db: Database) -> None:
    # The charts group every citation by post, with its article and first sighting: with all three in one
    # index that pass reads the index alone instead of fetching three million embed rows. It also serves
    # the provenance page's first citations of a post (post_id, first_seen_at), so m030's index on just
    # those two goes.
    db.table("embeds").create_index(["post_id", "first_seen_at", "article_id"], if_not_exists=True)
    db.execute("drop index if exists idx_embeds_post_id_first_seen_at")
    # ...and looks up each citation's article for its publication date: one index probe instead of the
    # primary-key probe plus a row fetch, three million times.
    db.table("articles").create_index(["id", "published_at"], if_not_exists=True)


@migrations()
def m032_facet_indexes(db: Database) -> None:
    # Every facet the metadata puts on a table page is a GROUP BY over the whole table: with an index on the
    # column it reads that index alone (tens of megabytes) instead of every row (gigabytes), which on a
    # million posts is the difference between under a tenth of a second and over half a second per facet.
    # The other facet columns are indexed already (m003, m005, m030).
    for table, column in (
        ("posts", "kind"),
        ("articles", "language"),
        ("accounts", "platform"),
        ("captures", "origin"),
        ("captures", "http_status"),
        ("mentions", "platform"),
        ("verification_notes", "verifier"),
        ("checks", "checker"),
    ):
        db.table(table).create_index([column], if_not_exists=True)


@migrations()
def m033_citation_counts(db: Database) -> None:
    # Ranking accounts by citations grouped every embed by account: over a second on three million embeds,
    # past Datasette's time limit. Triggers keep a count of citations (embeds rows) on each post and each
    # account, whoever writes (ingest, refresh merges, the queue coordinator), so the ranking is an index
    # read. Counts follow inserts, deletes, embeds re-pointed by a merge, and posts moving account.
    db.table("posts").add_column("citation_count", int, not_null_default=0)
    db.table("accounts").add_column("citation_count", int, not_null_default=0)
    db.execute(
        "update posts set citation_count = (select count(*) from embeds where embeds.post_id = posts.id)"
    )
    db.execute(
        "update accounts set citation_count = coalesce("
        "(select sum(citation_count) from posts where posts.account_id = accounts.id), 0)"
    )
    # One statement per execute: executescript would COMMIT the migration's transaction half-way.
    triggers = """
        create trigger embeds_citation_ai after insert on embeds begin
          update posts set citation_count = citation_count + 1 where id = new.post_id;
          update accounts set citation_count = citation_count + 1
            where id = (select account_id from posts where id = new.post_id);
        end;
        create trigger embeds_citation_ad after delete on embeds begin
          update posts set citation_count = citation_count - 1 where id = old.post_id;
          update accounts set citation_count = citation_count - 1
            where id = (select account_id from posts where id = old.post_id);
        end;
        create trigger embeds_citation_au after update of post_id on embeds
        when old.post_id is not new.post_id begin
          update posts set citation_count = citation_count - 1 where id = old.post_id;
          update accounts set citation_count = citation_count - 1
            where id = (select account_id from posts where id = old.post_id);
          update posts set citation_count = citation_count + 1 where id = new.post_id;
          update accounts set citation_count = citation_count + 1
            where id = (select account_id from posts where id = new.post_id);
        end;
        create trigger posts_citation_account_au after update of account_id on posts
        when old.account_id is not new.account_id begin
          update accounts set citation_count = citation_count - old.citation_count where id = old.account_id;
          update accounts set citation_count = citation_count + new.citation_count where id = new.account_id;
        end;
        create trigger posts_citation_ad after delete on posts begin
          update accounts set citation_count = citation_count - old.citation_count where id = old.account_id;
        end;
        """
    for statement in triggers.split("end;")[:-1]:
        db.execute(statement + "end;")
    db.table("accounts").create_index(["citation_count"], if_not_exists=True)
    db.table("accounts").create_index(["platform", "citation_count"], if_not_exists=True)
    # ...and counts each ranked account's gone posts by index range, not by reading its posts.
    db.table("posts").create_index(["account_id", "status"], if_not_exists=True)
    # The full-text triggers re-indexed a row on every update, and refresh updates posts' status columns on
    # every check (ingest touches last_seen_at): re-index only when an indexed column changes.
    for table, columns in FTS_TABLES.items():
        quoted = ", ".join(f'"{c}"' for c in columns)
        old_values = ", ".join(f'old."{c}"' for c in columns)
        new_values = ", ".join(f'new."{c}"' for c in columns)
        db.execute(f'drop trigger if exists "{table}_au"')
        db.execute(
            f'create trigger "{table}_au" after update of {quoted} on "{table}" begin\n'
            f'  insert into "{table}_fts" ("{table}_fts", rowid, {quoted})\n'
            f"    values ('delete', old.rowid, {old_values});\n"
            f'  insert into "{table}_fts" (rowid, {quoted}) values (new.rowid, {new_values});\n'
            "end"
        )


# --- article ids under the w3lib canonical URL ---


@migrations()
def m090_article_aliases(db: Database) -> None:
    # Article URLs are canonicalised with w3lib from here on, keeping an article's own query parameters (a
    # forum thread's ?t=1 and ?t=2 were one article before) and sorting them. Existing articles keep their
    # ids: the id their URL has under the new rule is recorded as an alias, so the next ingest of the same
    # URL lands on the same article instead of starting another.
    from embedtrail.scrapers.records import article_id
    from embedtrail.scrapers.urls import canonical_article_url

    db.table("article_aliases").create(
        {"alias": str, "article_id": str},
        pk="alias",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id"},
    )
    db.table("article_aliases").create_index(["article_id"])
    ids = {row[0] for row in db.execute("select id from articles")}
    aliases: dict[str, str] = {}
    for old, url in db.execute("select id, url from articles order by first_seen_at, id").fetchall():
        new = article_id(canonical_article_url(url))
        # Two old articles whose URLs now canonicalise alike: the first keeps the alias.
        if new != old and new not in ids and new not in aliases:
            aliases[new] = old
    db.table("article_aliases").insert_all(
        ({"alias": alias, "article_id": article} for alias, article in aliases.items()), batch_size=500
    )


@migrations()
def m091_file_articles_by_content(db: Database) -> None:
    # A saved file that declares no URL is known by its content from here on (urn:sha256:<digest>), not by
    # the path it was read from. Articles saved before keep their ids: the content name of each of their
    # captures becomes an alias, so reading the same file again lands on the same article.
    from embedtrail.scrapers.records import article_id

    pairs = db.execute(
        "select distinct captures.sha256, articles.id from articles "
        "join captures on captures.article_id = articles.id where articles.url like 'file:%'"
    ).fetchall()
    db.conn.executemany(
        "insert or ignore into article_aliases (alias, article_id) values (?, ?)",
        [(article_id(f"urn:sha256:{digest}"), article) for digest, article in pairs],
    )


@migrations()
def m092_evidence_store(db: Database) -> None:
    # The evidence store (db/bodies.py) keeps the bytes behind captures and checks in files; these tables are
    # its index and its tombstones. checks.headers keeps the platform answer's response headers beside its
    # body, as captures.headers does for documents.
    db.table("bodies").create(
        {"sha256": str, "size": int, "stored_size": int, "stored_at": str},
        pk="sha256",
        not_null={"size", "stored_size", "stored_at"},
    )
    db.table("forgotten").create(
        {
            "id": int,
            "target": str,
            "reason": str,
            "requested_by": str,
            "forgotten_at": str,
            "body_count": int,
        },
        pk="id",
        not_null={"target", "reason", "forgotten_at"},
    )
    db.table("forgotten_bodies").create(
        {"sha256": str, "forgotten_id": int},
        pk="sha256",
        foreign_keys=[("forgotten_id", "forgotten", "id")],
    )
    if db.table("checks").exists():
        db.table("checks").add_column("headers", str)


@migrations()
def m093_feed_index(db: Database) -> None:
    # The feed of changes (/-/embedtrail/changes.atom) reads confirmed changes newest first, often for one
    # platform: a partial index holding only those checks lets it stop after the entries it shows instead of
    # sorting every change (0.55 s for one platform on 900,000 checks). The condition is the feed's own
    # (db.plugin.feed.CHANGES), word for word, or SQLite would not use the index.
    if db.table("checks").exists() and "outcome" in db.table("checks").columns_dict:
        db.execute(
            "create index if not exists idx_checks_feed on checks (checked_at) where "
            "outcome in ('changed', 'returned') or (outcome = 'first' and status in "
            "('deleted', 'not_found', 'protected', 'restricted', 'suspended'))"
        )


@migrations()
def m094_extractor_versions(db: Database) -> None:
    # reextract runs today's extractor over stored bodies. Each article says which extractor last read it;
    # a sighting the newer extractor no longer finds is marked, not deleted (its history stays).
    if db.table("articles").exists():
        db.table("articles").add_column("extractor_version", str)
        db.table("articles").add_column("extracted_at", str)
    for table in ("embeds", "mentions", "verification_notes"):
        if db.table(table).exists():
            db.table(table).add_column("dropped_at", str)
            db.table(table).add_column("dropped_by_extractor", str)


@migrations()
def m095_posts_as_answered(db: Database) -> None:
    # What each platform answer showed of the post (text, author, handle, posting time, media links), so the
    # provenance page can show the post as first answered and as last shown while available, after it is gone.
    if db.table("checks").exists():
        db.table("checks").add_column("post_as_answered", str)


@migrations()
def m096_media(db: Database) -> None:
    # Media files a post's platform answers list, downloaded on request (refresh --media, [store] media):
    # one row per post and URL, kept in the evidence store by sha256 like any body, or why not.
    db.table("media").create(
        {
            "id": str,
            "post_id": str,
            "url": str,
            "outcome": str,
            "detail": str,
            "sha256": str,
            "content_type": str,
            "bytes": int,
            "http_status": int,
            "fetched_at": str,
            "attempts": int,
        },
        pk="id",
        not_null={"post_id", "url", "outcome", "fetched_at"},
        foreign_keys=[("post_id", "posts", "id")],
    )
    db.table("media").create_index(["post_id"])
    db.table("media").create_index(["sha256"])


@migrations()
def m097_mastodon_addresses(db: Database) -> None:
    # A Mastodon author is "user@server": "alice" on one server is not "alice" on another, and their
    # statuses must not share one accounts row (nor its status). Authors were kept by name alone; the server
    # is the one in each status's id ("<host>/<status id>"). Each author's row is copied under its full
    # address (the citation triggers move the counts as posts move) and the old row goes once no post
    # names it.
    if not (db.table("posts").exists() and db.table("accounts").exists()):
        return
    columns = [c for c in db.table("accounts").columns_dict if c not in ("id", "handle", "citation_count")]
    listed = ", ".join(columns)
    rows = db.execute(
        "select id, native_id, author_handle, account_id from posts where platform = 'mastodon' "
        "and author_handle is not null and instr(author_handle, '@') = 0 and instr(native_id, '/') > 1"
    ).fetchall()
    for post_id, native_id, handle, old_account in rows:
        address = f"{handle}@{native_id.split('/', 1)[0].lower()}"
        new_account = f"mastodon:{address.lower()}"
        if old_account is not None:
            db.execute(
                f"insert or ignore into accounts (id, handle, {listed}) "
                f"select ?, ?, {listed} from accounts where id = ?",
                [new_account, address, old_account],
            )
        db.execute(
            "update posts set author_handle = ?, account_id = ? where id = ?",
            [address, new_account if old_account is not None else None, post_id],
        )
    db.execute(
        "delete from accounts where platform = 'mastodon' and instr(handle, '@') = 0 "
        "and id not in (select account_id from posts where account_id is not null)"
    )
