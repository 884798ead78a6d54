"""db.store: one transaction per article, idempotent re-saves, merging sightings, aliases, rollback."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from embedtrail.db.store import article_key, open_database, save_extraction
from embedtrail.scrapers.records import (
    ArticleMeta,
    Capture,
    Embed,
    Extraction,
    Mention,
    Post,
    VerificationNote,
)

NOW = "2026-01-01T00:00:00Z"
LATER = "2026-01-02T00:00:00Z"


def capture(sha: str = "a" * 64, url: str = "https://news.example/a") -> Capture:
    return Capture(url, url, NOW, 200, "text/html", 10, sha, "http")


def tweet(**fields: object) -> Post:
    values: dict[str, object] = {
        "id": "twitter:1653711338587779072",
        "platform": "twitter",
        "kind": "post",
        "url": "https://x.com/ANI/status/1653711338587779072",
        "native_id": "1653711338587779072",
    }
    values.update(fields)
    return Post(**values)  # type: ignore[arg-type]


def extraction(*posts: Post, url: str = "https://news.example/a", title: str | None = "Title") -> Extraction:
    return Extraction(
        article=ArticleMeta(url=url, title=title),
        posts=posts,
        embeds=tuple(Embed(p.id, "blockquote", i, "context") for i, p in enumerate(posts)),
        mentions=(Mention("video", "(Video: RT)", 1, "RT", post_id=posts[0].id if posts else None),),
        notes=(
            VerificationNote("Reuters", "unverified", "Reuters could not verify it.", 2, mention_index=0),
        ),
    )


def test_new_database_has_the_contract_and_wal(db_path: str) -> None:
    db = open_database(db_path)
    assert db.journal_mode == "wal"
    contract = {
        "articles": [
            "id",
            "url",
            "canonical_url",
            "site_name",
            "title",
            "author",
            "published_at",
            "language",
            "first_seen_at",
            "last_fetched_at",
        ],
        "captures": [
            "id",
            "article_id",
            "url",
            "final_url",
            "fetched_at",
            "http_status",
            "content_type",
            "bytes",
            "sha256",
            "origin",
        ],
        "posts": [
            "id",
            "platform",
            "kind",
            "url",
            "native_id",
            "author_handle",
            "author_name",
            "text",
            "posted_at",
            "posted_at_source",
            "media",
            "first_seen_at",
            "last_seen_at",
            "status",
            "status_checked_at",
            "status_changed_at",
        ],
        "accounts": ["id", "platform", "handle", "name", "url", "first_seen_at"],
        "embeds": [
            "id",
            "article_id",
            "post_id",
            "method",
            "position",
            "context",
            "first_seen_at",
            "last_seen_at",
        ],
        "mentions": [
            "id",
            "article_id",
            "post_id",
            "kind",
            "platform",
            "source_name",
            "source_description",
            "sentence",
        ],
        "verification_notes": [
            "id",
            "article_id",
            "post_id",
            "mention_id",
            "verifier",
            "verdict",
            "sentence",
        ],
        "runs": ["id", "command", "started_at", "finished_at", "counts", "errors"],
    }
    for table, columns in contract.items():
        assert set(columns) <= set(db[table].columns_dict), table
    for table in ("posts", "articles", "verification_notes"):
        assert db[table].detect_fts() == f"{table}_fts"
    for table in ("captures", "embeds", "mentions", "verification_notes", "posts"):
        indexed = {tuple(i.columns) for i in db[table].indexes}
        for fk in db[table].foreign_keys:
            assert any(cols[0] == fk.column for cols in indexed), (table, fk.column)


def test_migrating_twice_is_a_no_op(db_path: str) -> None:
    open_database(db_path).close()
    db = open_database(db_path)
    assert db["_sqlite_migrations"].count == len({r["name"] for r in db["_sqlite_migrations"].rows})


def test_save_is_idempotent_but_touches_last_seen(db_path: str) -> None:
    db = open_database(db_path)
    first = save_extraction(db, capture(), extraction(tweet()), NOW)
    assert first.new_article and first.new_capture
    assert first.new == {
        "articles": 1,
        "captures": 1,
        "posts": 1,
        "embeds": 1,
        "mentions": 1,
        "verification_notes": 1,
    }
    second = save_extraction(db, capture(), extraction(tweet()), LATER)
    assert not second.new_article and not second.new_capture and second.new == {}
    post = db["posts"].get("twitter:1653711338587779072")
    assert (post["first_seen_at"], post["last_seen_at"]) == (NOW, LATER)
    embed = next(iter(db["embeds"].rows))
    assert (embed["first_seen_at"], embed["last_seen_at"]) == (NOW, LATER)
    assert db["captures"].count == 1
    note = next(iter(db["verification_notes"].rows))
    mention = next(iter(db["mentions"].rows))
    assert note["mention_id"] == mention["id"] and mention["post_id"] == post["id"]
    assert list(db.query("PRAGMA foreign_key_check")) == []


def test_new_content_adds_a_capture(db_path: str) -> None:
    db = open_database(db_path)
    save_extraction(db, capture("a" * 64), extraction(tweet()), NOW)
    result = save_extraction(db, capture("b" * 64), extraction(tweet()), LATER)
    assert result.new_capture and db["captures"].count == 2
    assert db["articles"].get(article_key("https://news.example/a"))["last_fetched_at"] == NOW


def test_sightings_fill_gaps_but_never_erase(db_path: str) -> None:
    db = open_database(db_path)
    save_extraction(
        db, capture(), extraction(tweet(author_handle="ANI", text="first text", media=("m1",))), NOW
    )
    save_extraction(
        db,
        capture("c" * 64, "https://other.example/b"),
        extraction(tweet(author_name="ANI", text=None, media=("m2",)), url="https://other.example/b"),
        LATER,
    )
    post = db["posts"].get("twitter:1653711338587779072")
    assert post["author_handle"] == "ANI" and post["author_name"] == "ANI" and post["text"] == "first text"
    assert json.loads(post["media"]) == ["m1", "m2"]
    assert post["account_id"] == "twitter:ani"
    assert db["embeds"].count == 2


def test_better_posting_time_wins(db_path: str) -> None:
    db = open_database(db_path)
    save_extraction(db, capture(), extraction(tweet(posted_at="2023-05-03", posted_at_source="text")), NOW)
    save_extraction(
        db,
        capture(),
        extraction(tweet(posted_at="2023-05-03T10:00:00.000Z", posted_at_source="snowflake")),
        NOW,
    )
    save_extraction(
        db, capture(), extraction(tweet(posted_at="2023-05-04", posted_at_source="embed_footer")), NOW
    )
    post = db["posts"].get("twitter:1653711338587779072")
    assert (post["posted_at"], post["posted_at_source"]) == ("2023-05-03T10:00:00.000Z", "snowflake")


def test_aliases_send_later_sightings_to_the_merged_post(db_path: str) -> None:
    db = open_database(db_path)
    save_extraction(db, capture(), extraction(tweet()), NOW)
    db["post_aliases"].insert(
        {
            "alias": "twitter:pic-tiXGUoLREi",
            "post_id": "twitter:1653711338587779072",
            "reason": "short link resolved",
            "created_at": NOW,
        }
    )
    text_only = Post(
        "twitter:pic-tiXGUoLREi",
        "twitter",
        "post",
        "https://pic.twitter.com/tiXGUoLREi",
        None,
        author_handle="ANI",
    )
    save_extraction(
        db,
        capture("d" * 64, "https://seed.example/"),
        extraction(text_only, url="https://seed.example/"),
        LATER,
    )
    assert [r["id"] for r in db["posts"].rows] == ["twitter:1653711338587779072"]
    assert {r["post_id"] for r in db["embeds"].rows} == {"twitter:1653711338587779072"}


def test_a_failure_mid_save_leaves_nothing_half_written(db_path: str) -> None:
    db = open_database(db_path)
    save_extraction(db, capture(), extraction(tweet()), NOW)
    before = {
        t: db[t].count
        for t in db.table_names()
        if not t.endswith(("_fts", "_data", "_idx", "_docsize", "_config"))
    }
    # The embeds come after the article, its capture, accounts and posts: fail there, for real.
    db.execute(
        "create trigger fail_embeds before insert on embeds begin select raise(abort, 'disk on fire'); end"
    )
    other = tweet(id="twitter:20", native_id="20", url="https://x.com/jack/status/20")
    with pytest.raises(sqlite3.IntegrityError, match="disk on fire"):
        save_extraction(
            db,
            capture("e" * 64, "https://news.example/new"),
            extraction(other, url="https://news.example/new"),
            LATER,
        )
    db.execute("drop trigger fail_embeds")
    after = {t: db[t].count for t in before}
    assert after == before


def test_an_articles_own_query_parameters_keep_articles_apart(db_path: str) -> None:
    # A forum's thread parameter is the article; only tracking parameters and parameter order are not.
    from embedtrail.db.store import article_key

    assert article_key("https://forum.example/viewtopic.php?t=1") != article_key(
        "https://forum.example/viewtopic.php?t=2"
    )
    assert article_key("https://forum.example/viewtopic.php?t=1&utm_source=x&fbclid=Y#p5") == article_key(
        "https://Forum.Example:443/viewtopic.php?t=1"
    )
    assert article_key("https://n.example/a?b=2&a=1") == article_key("https://n.example/a?a=1&b=2")


def test_articles_saved_before_the_canonical_form_changed_keep_their_ids(db_path: str) -> None:
    """m090: an article saved under the old rule (which stripped ``t``) is found again by its URL."""
    from embedtrail.db.migrations import migrations
    from embedtrail.db.store import WritingDatabase, article_id_in, article_key
    from embedtrail.scrapers.records import article_id

    url = "https://forum.example/viewtopic.php?t=1&utm_source=feed"
    old_id = article_id("https://forum.example/viewtopic.php")  # what the old rule made of it
    db = WritingDatabase(db_path)
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db, stop_before="m090_article_aliases")
    db["articles"].insert({"id": old_id, "url": url, "first_seen_at": "2024-01-01T00:00:00Z"})
    migrations.apply(db)
    assert article_key(url) != old_id
    assert article_id_in(db, url) == old_id
    capture = Capture(url, url, "2025-01-01T00:00:00Z", 200, "text/html", 1, "x" * 64, "http")
    save_extraction(db, capture, Extraction(ArticleMeta(url)), "2025-01-01T00:00:00Z")
    assert [row["id"] for row in db.query("select id from articles")] == [old_id]
    assert article_id_in(db, "https://forum.example/viewtopic.php?t=2") == article_key(
        "https://forum.example/viewtopic.php?t=2"
    )


def test_a_saved_file_without_a_url_is_known_by_its_content(tmp_path: Path, db_path: str) -> None:
    """The same document read from two paths is one article, and no path names it."""
    from click.testing import CliRunner

    from embedtrail.tracker.cli import cli

    page = b"<html><body><article><p>See https://twitter.com/a/status/1000000000000000003</p></article></body></html>"
    first = tmp_path / "inbox" / "copy.html"
    second = tmp_path / "elsewhere" / "another-name.html"
    for path in (first, second):
        path.parent.mkdir()
        path.write_bytes(page)
    for path in (first, second):
        assert CliRunner().invoke(cli, ["ingest", "--silent", "--db", db_path, str(path)]).exit_code == 0
    db = open_database(db_path)
    (article,) = list(db.query("select id, url from articles"))
    assert article["url"].startswith("urn:sha256:") and str(tmp_path) not in article["url"]
    assert db["captures"].count == 1


SAVED_BODY = (
    b"<html><head><title>Lights over the quay</title>{head}</head><body><article>"
    b"<h1>Lights over the quay</h1>"
    b"<p>Residents filmed the lights and posted the video: "
    b'<a href="/2024/05/03/earlier">earlier report</a>, '
    b"https://twitter.com/a/status/1000000000000000003</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("note", "head", "expected"),
    [
        # Chrome's and Internet Explorer's mark of the web, before <html>.
        (
            b"<!DOCTYPE html>\r\n<!-- saved from url=(0032)https://news.example/2024/quay -->\r\n",
            b"",
            "https://news.example/2024/quay",
        ),
        # SingleFile's comment, the first child of <html> (ArchiveBox's singlefile.html too).
        (
            b"<!DOCTYPE html> <html lang=en><!--\n Page saved with SingleFile \n url: "
            b"https://news.example/2024/quay?utm_source=x \n saved date: Fri May 03 2024 23:14:05\n-->",
            b"",
            "https://news.example/2024/quay",
        ),
        # The page's own canonical link names it first; the note only when the page names nothing.
        (
            b"<!-- saved from url=(0037)https://m.news.example/2024/quay.amp -->",
            b'<link rel="canonical" href="https://news.example/2024/quay">',
            "https://news.example/2024/quay",
        ),
        # A note that is no web address (a page saved from disk, or IE's about:internet) names nothing.
        (b"<!-- saved from url=(0014)about:internet -->", b"", None),
    ],
)
def test_a_saved_page_is_known_by_the_address_its_browser_noted(
    tmp_path: Path, db_path: str, note: bytes, head: bytes, expected: str | None
) -> None:
    from click.testing import CliRunner

    from embedtrail.tracker.cli import cli

    page = tmp_path / "Lights over the quay.html"
    page.write_bytes(note + SAVED_BODY.replace(b"{head}", head))
    assert CliRunner().invoke(cli, ["ingest", "--silent", "--db", db_path, str(page)]).exit_code == 0
    db = open_database(db_path)
    (article,) = list(db.query("select id, url from articles"))
    if expected is None:
        assert article["url"].startswith("urn:sha256:")
    else:
        assert article["url"].startswith(expected)
        assert article["id"] == article_key(expected), "the same article a live fetch of it would be"
    (capture,) = list(db.query("select url, origin from captures"))
    assert capture == {"url": page.resolve().as_uri(), "origin": "file"}, "the capture names the file read"
    assert [row["post_id"] for row in db.query("select post_id from embeds")] == [
        "twitter:1000000000000000003"
    ]


def test_mastodon_authors_move_to_their_full_addresses_on_upgrade(db_path: str) -> None:
    # Before m097 an author was kept by name alone: "alice" on two servers shared one accounts row. The
    # upgrade names each by "user@server" (the server in the status's id) and moves the citations with them.
    db = open_database(db_path)
    posts = [
        Post(
            f"mastodon:{host}/10999999999999999{n}",
            "mastodon",
            "post",
            f"https://{host}/@alice/10999999999999999{n}",
            f"{host}/10999999999999999{n}",
            author_handle="alice",
        )
        for n, host in enumerate(["mastodon.social", "Chaos.Social", "mastodon.social"])
    ]
    save_extraction(db, capture(), extraction(*posts), NOW)
    assert [r["id"] for r in db["accounts"].rows] == ["mastodon:alice"]
    db.execute("delete from _sqlite_migrations where name = 'm097_mastodon_addresses'")
    db.conn.commit()
    db.close()
    db = open_database(db_path)
    accounts = {r["id"]: (r["handle"], r["citation_count"]) for r in db["accounts"].rows}
    assert accounts == {
        "mastodon:alice@mastodon.social": ("alice@mastodon.social", 2),
        "mastodon:alice@chaos.social": ("alice@chaos.social", 1),
    }
    handles = {r["id"]: (r["author_handle"], r["account_id"]) for r in db["posts"].rows}
    assert handles["mastodon:Chaos.Social/109999999999999991"] == (
        "alice@chaos.social",
        "mastodon:alice@chaos.social",
    )
    assert db.execute("pragma foreign_key_check").fetchall() == []
    # Upgraded and new sightings agree: saving the same posts as today's extractor names them adds no row.
    today = [replace(post, author_handle=f"alice@{post.native_id.split('/')[0].lower()}") for post in posts]
    save_extraction(db, capture(), extraction(*today), LATER)
    assert db["accounts"].count == 2
