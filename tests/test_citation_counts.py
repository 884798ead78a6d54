"""Citation counts on posts and accounts (m033) follow every write: ingest, merges, deletes."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from embedtrail.db.checks import merge_post
from embedtrail.db.store import open_database
from embedtrail.tracker.config import Config
from embedtrail.tracker.ingest import ingest_sync


def exact_counts(db: Database) -> tuple[dict[str, int], dict[str, int]]:
    posts = {
        r["id"]: r["n"]
        for r in db.query(
            "select posts.id, count(embeds.id) as n from posts left join embeds on embeds.post_id = posts.id "
            "group by posts.id"
        )
    }
    accounts = {
        r["id"]: r["n"]
        for r in db.query(
            "select accounts.id, count(embeds.id) as n from accounts "
            "left join posts on posts.account_id = accounts.id "
            "left join embeds on embeds.post_id = posts.id group by accounts.id"
        )
    }
    return posts, accounts


def stored_counts(db: Database) -> tuple[dict[str, int], dict[str, int]]:
    return (
        {r["id"]: r["citation_count"] for r in db.query("select id, citation_count from posts")},
        {r["id"]: r["citation_count"] for r in db.query("select id, citation_count from accounts")},
    )


def test_counts_follow_ingest_merges_and_deletes(db_path: str, samples_dir: Path) -> None:
    db = open_database(db_path)
    report = ingest_sync(db, [str(samples_dir)], Config())
    assert report.failed == 0
    assert stored_counts(db) == exact_counts(db)
    assert max(stored_counts(db)[1].values()) > 1
    ingest_sync(db, [str(samples_dir)], Config())  # re-ingesting changes no count
    assert stored_counts(db) == exact_counts(db)
    # A text-only tweet resolved to its status and merged: its citations move with its embeds.
    merge_post(
        db,
        "twitter:pic-tiXGUoLREi",
        {
            "id": "twitter:1653711338587779072",
            "platform": "twitter",
            "kind": "post",
            "native_id": "1653711338587779072",
            "url": "https://x.com/ANI/status/1653711338587779072",
            "author_handle": "ANI",
        },
        "short link resolved",
        "2026-01-01T00:00:00Z",
    )
    assert stored_counts(db) == exact_counts(db)
    assert stored_counts(db)[0]["twitter:1653711338587779072"] == 1
    with db.conn:
        db.execute("delete from embeds where post_id = 'twitter:1653711338587779072'")
    assert stored_counts(db) == exact_counts(db)
