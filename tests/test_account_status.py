"""Checks update the author's account: active, suspended, protected, and renamed (with the new handle)."""

from __future__ import annotations

from embedtrail.db.checks import Check, CheckResult, apply_check
from embedtrail.db.store import open_database, save_extraction
from embedtrail.scrapers.records import ArticleMeta, Capture, Embed, Extraction, Post
from embedtrail.tracker.config import RefreshConfig

NOW = "2026-01-01T00:00:00Z"


def setup(db_path: str):  # type: ignore[no-untyped-def]
    db = open_database(db_path)
    post = Post(
        "twitter:1653711338587779072",
        "twitter",
        "post",
        "https://x.com/oldname/status/1653711338587779072",
        "1653711338587779072",
        author_handle="OldName",
    )
    extraction = Extraction(
        ArticleMeta(url="https://news.example/a"), posts=(post,), embeds=(Embed(post.id, "blockquote", 1),)
    )
    save_extraction(
        db,
        Capture(
            "https://news.example/a", "https://news.example/a", NOW, 200, "text/html", 1, "a" * 64, "http"
        ),
        extraction,
        NOW,
    )
    return db


def check(db, key: str, result: CheckResult) -> None:  # type: ignore[no-untyped-def]
    apply_check(db, Check(key, "twitter:1653711338587779072", "twitter", NOW, result), RefreshConfig())


def test_a_check_marks_the_account_active_then_protected(db_path: str) -> None:
    db = setup(db_path)
    check(db, "k1", CheckResult("available", "ok", 200, author_handle="OldName", account_platform_id="42"))
    account = db["accounts"].get("twitter:oldname")
    assert (account["status"], account["platform_id"]) == ("active", "42")
    check(db, "k2", CheckResult("protected", "These posts are protected", 200))
    assert db["accounts"].get("twitter:oldname")["status"] == "protected"


def test_a_new_handle_for_the_same_post_marks_the_account_renamed(db_path: str) -> None:
    db = setup(db_path)
    check(db, "k1", CheckResult("available", "ok", 200, author_handle="NewName", account_platform_id="42"))
    assert db["accounts"].get("twitter:oldname")["status"] == "renamed"
    renamed = db["accounts"].get("twitter:newname")
    assert (renamed["handle"], renamed["platform_id"], renamed["status"]) == ("NewName", "42", "active")
