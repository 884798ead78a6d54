"""Refresh end to end against the fake platform server (tests/fakeplatform.py, real sockets on 127.0.0.1):
status transitions and their confirmation, back-off scheduling, retries and Retry-After, slow hosts,
short-link merges, article edits, the database lock, SIGTERM and SIGKILL. Never the internet."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from embedtrail.db.checks import Check, CheckResult, PostState, apply_check, decide
from embedtrail.db.store import article_key, open_database, save_extraction
from embedtrail.scrapers.records import ArticleMeta, Capture, Embed, Extraction, Post
from embedtrail.tracker.cli import cli
from embedtrail.tracker.config import Config, RefreshConfig, load_config
from embedtrail.tracker.durations import parse_duration
from embedtrail.tracker.lock import DatabaseLock, LockHeld
from embedtrail.tracker.refresh import RefreshOptions, refresh_sync
from embedtrail.tracker.schedule import due_posts

sys.path.insert(0, str(Path(__file__).parent))
from fakeplatform import FakePlatform

ROOT = Path(__file__).resolve().parent.parent
T0 = "2024-01-01T00:00:00Z"


class Clock:
    """A settable "now" for refresh (ISO strings)."""

    def __init__(self, now: str = "2024-03-01T00:00:00Z") -> None:
        self.value = now

    def __call__(self) -> str:
        return self.value

    def advance(self, seconds: float) -> None:
        from datetime import datetime, timedelta

        moment = datetime.fromisoformat(self.value.replace("Z", "+00:00")) + timedelta(seconds=seconds)
        self.value = moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    with FakePlatform() as server:
        yield server


def write_config(fake: FakePlatform, tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "embedtrail.toml"
    path.write_text(
        fake.endpoints_toml()
        + "[fetch]\nallow_private = true\ntimeout = 5.0\n"
        + "[limits]\nretry_backoff = 0.01\nretry_backoff_max = 0.05\nmax_retries = 2\n"
        + extra,
        encoding="utf-8",
    )
    return path


@pytest.fixture
def config(fake: FakePlatform, tmp_path: Path) -> Config:
    return load_config(write_config(fake, tmp_path))


def seed(db: Database, posts: list[Post], url: str = "https://news.example/a", now: str = T0) -> str:
    extraction = Extraction(
        ArticleMeta(url),
        posts=tuple(posts),
        embeds=tuple(Embed(p.id, "blockquote", i) for i, p in enumerate(posts)),
    )
    capture = Capture(url, url, now, 200, "text/html", 1, "seed-" + url, "http")
    save_extraction(db, capture, extraction, now)
    return article_key(url)


def tweet(native: str) -> Post:
    return Post(f"twitter:{native}", "twitter", "post", f"https://x.com/someone/status/{native}", native)


def post_row(db: Database, post: str) -> dict[str, Any]:
    return next(iter(db.query("select * from posts where id = ?", [post])))


def checks(db: Database, post: str) -> list[dict[str, Any]]:
    return list(db.query("select * from checks where post_id = ? order by checked_at, rowid", [post]))


# --- the pure state machine ---------------------------------------------------------------------------

POLICY = RefreshConfig(
    base_interval=100,
    backoff_factor=2,
    max_interval=1000,
    changed_interval=10,
    recent_change=50,
    confirm_after=30,
    error_interval=5,
)


@pytest.mark.parametrize(
    ("state", "observed", "status", "pending", "outcome"),
    [
        (PostState(), "available", "available", None, "first"),
        (PostState(), "deleted", "deleted", None, "first"),
        (PostState(), "error", "unchecked", None, "error"),
        (PostState("available", T0), "available", "available", None, "unchanged"),
        (PostState("available", T0), "deleted", "available", "deleted", "pending"),
        (PostState("available", T0), "error", "available", None, "error"),
        (PostState("deleted", T0), "error", "deleted", None, "error"),
        (PostState("deleted", T0), "available", "available", None, "returned"),
        (PostState("not_found", T0), "available", "available", None, "returned"),
        (
            PostState("available", T0, "deleted", "2024-01-01T00:00:00Z"),
            "available",
            "available",
            None,
            "unconfirmed",
        ),
        (
            PostState("available", T0, "deleted", "2024-01-01T00:00:00Z"),
            "deleted",
            "deleted",
            None,
            "changed",
        ),
        (
            PostState("available", T0, "deleted", "2024-01-01T00:00:50Z"),
            "deleted",
            "available",
            "deleted",
            "pending",
        ),
        (
            PostState("available", T0, "deleted", "2024-01-01T00:00:00Z"),
            "suspended",
            "available",
            "suspended",
            "pending",
        ),
        (
            PostState("available", T0, "deleted", "2024-01-01T00:00:00Z"),
            "error",
            "available",
            "deleted",
            "error",
        ),
        (PostState("deleted", T0), "suspended", "deleted", "suspended", "pending"),
    ],
)
def test_decide(state: PostState, observed: str, status: str, pending: str | None, outcome: str) -> None:
    transition = decide(state, observed, "2024-01-01T00:01:00Z", POLICY)
    assert (transition.state.status, transition.state.pending_status, transition.outcome) == (
        status,
        pending,
        outcome,
    )


def test_backoff_grows_to_ceiling_and_recent_changes_come_back_sooner() -> None:
    state = PostState("available", "2023-01-01T00:00:00Z")
    waits = []
    now = "2024-01-01T00:00:00Z"
    for _ in range(6):
        transition = decide(state, "available", now, POLICY)
        waits.append(transition.next_check_at)
        state = transition.state
    assert waits == [
        "2024-01-01T00:01:40Z",
        "2024-01-01T00:03:20Z",
        "2024-01-01T00:06:40Z",
        "2024-01-01T00:13:20Z",
        "2024-01-01T00:16:40Z",
        "2024-01-01T00:16:40Z",
    ]
    recent = decide(PostState("deleted", "2023-12-31T23:59:50Z"), "deleted", now, POLICY)
    assert recent.next_check_at == "2024-01-01T00:00:10Z"
    errors = [
        decide(PostState("available", T0, check_errors=n), "error", now, POLICY).next_check_at
        for n in range(3)
    ]
    assert errors == ["2024-01-01T00:00:05Z", "2024-01-01T00:00:10Z", "2024-01-01T00:00:20Z"]


# --- applying checks ----------------------------------------------------------------------------------


def test_apply_is_idempotent_and_unchanged_recheck_only_adds_a_check(db_path: str) -> None:
    db = open_database(db_path)
    seed(db, [tweet("20")])
    first = Check("k1", "twitter:20", "twitter", "2024-01-02T00:00:00Z", CheckResult("available", "shown"))
    assert apply_check(db, first, RefreshConfig()).outcome == "first"
    assert apply_check(db, first, RefreshConfig()).duplicate
    assert len(checks(db, "twitter:20")) == 1
    before = {t: list(db.query(f"select * from [{t}]")) for t in db.table_names() if t != "checks"}
    again = replace(first, key="k2", checked_at="2024-01-02T00:00:00Z")
    assert apply_check(db, again, RefreshConfig()).outcome == "unchanged"
    after = {t: list(db.query(f"select * from [{t}]")) for t in db.table_names() if t != "checks"}
    changed = {t for t in before if before[t] != after[t]}
    assert changed == {"posts"}
    row_before = before["posts"][0]
    row_after = after["posts"][0]
    diff = {k for k in row_before if row_before[k] != row_after[k]}
    # Only the schedule moves: the back-off counter and the next check time.
    assert diff == {"unchanged_checks", "next_check_at"}
    assert len(checks(db, "twitter:20")) == 2


# --- refresh against the fake platforms ---------------------------------------------------------------


def test_every_platform_round_trip(db_path: str, fake: FakePlatform, config: Config) -> None:
    db = open_database(db_path)
    posts = [
        tweet("20"),
        Post(
            "youtube:dQw4w9WgXcQ",
            "youtube",
            "video",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "dQw4w9WgXcQ",
        ),
        Post("vimeo:76979871", "vimeo", "video", "https://vimeo.com/76979871", "76979871"),
        Post(
            "tiktok:6718335390845095173",
            "tiktok",
            "video",
            "https://www.tiktok.com/@scout2015/video/6718335390845095173",
            "6718335390845095173",
        ),
        Post(
            "dailymotion:x7tgad0",
            "dailymotion",
            "video",
            "https://www.dailymotion.com/video/x7tgad0",
            "x7tgad0",
        ),
        Post("telegram:durov/43", "telegram", "post", "https://t.me/durov/43", "durov/43"),
        Post(
            "bluesky:chris.blue/3lbx3zind3c2v",
            "bluesky",
            "post",
            "https://bsky.app/profile/chris.blue/post/3lbx3zind3c2v",
            "chris.blue/3lbx3zind3c2v",
        ),
        Post("mastodon:local/1234567", "mastodon", "post", f"{fake.base}/@Gargron/1234567", "local/1234567"),
        Post("video:clip", "video", "video", f"{fake.base}/generic/clip.mp4", "clip"),
    ]
    seed(db, posts)
    fake.set("vimeo", "76979871", "404")
    fake.set("tiktok", "6718335390845095173", "gone")
    fake.set("telegram", "durov/43", "gone")
    report = refresh_sync(db, config, RefreshOptions(), now=Clock())
    statuses = {row["id"]: row["status"] for row in db.query("select id, status from posts")}
    assert statuses == {
        "twitter:20": "available",
        "youtube:dQw4w9WgXcQ": "available",
        "vimeo:76979871": "not_found",
        "tiktok:6718335390845095173": "not_found",
        "dailymotion:x7tgad0": "available",
        "telegram:durov/43": "not_found",
        "bluesky:chris.blue/3lbx3zind3c2v": "available",
        "mastodon:local/1234567": "available",
        "video:clip": "available",
    }
    assert report.checked == 9 and not report.errors
    # Facts from positive answers fill gaps; the author's account gets its platform id.
    row = post_row(db, "twitter:20")
    assert row["author_name"] == "Jarred Sumner" and row["last_available_at"] == "2024-03-01T00:00:00Z"
    account = next(iter(db.query("select * from accounts where id = 'twitter:jarredsumner'")))
    assert account["platform_id"] == "2489440172" and account["status"] == "active"
    evidence = checks(db, "twitter:20")[0]
    assert evidence["body_sha256"] and evidence["excerpt"] and evidence["http_status"] == 200
    assert evidence["elapsed_ms"] is not None


@pytest.mark.parametrize("gone", ["deleted", "suspended", "protected", "restricted", "404", "empty"])
def test_gone_needs_confirmation_then_is_listed_and_can_return(
    db_path: str, fake: FakePlatform, tmp_path: Path, gone: str
) -> None:
    config = load_config(write_config(fake, tmp_path, "[refresh]\nconfirm_after = 1800\n"))
    expected = {"404": "not_found", "empty": "not_found"}.get(gone, gone)
    db = open_database(db_path)
    seed(db, [tweet("20")])
    clock = Clock()
    refresh_sync(db, config, RefreshOptions(), now=clock)
    assert post_row(db, "twitter:20")["status"] == "available"

    fake.set("twitter", "20", gone)
    clock.advance(7 * 3600)
    report = refresh_sync(db, config, RefreshOptions(), now=clock)
    row = post_row(db, "twitter:20")
    assert (row["status"], row["pending_status"], report.pending) == ("available", expected, 1)
    assert row["status_changed_at"] == "2024-03-01T00:00:00Z"
    assert list(db.query("select * from gone_posts")) == []

    # Too soon for the confirming check: not due yet.
    clock.advance(60)
    assert refresh_sync(db, config, RefreshOptions(), now=clock).checked == 0
    clock.advance(1800)
    report = refresh_sync(db, config, RefreshOptions(), now=clock)
    row = post_row(db, "twitter:20")
    assert (row["status"], row["pending_status"], report.changed) == (expected, None, 1)
    assert row["status_changed_at"] == clock.value
    gone_rows = list(db.query("select * from gone_posts"))
    assert len(gone_rows) == 1 and gone_rows[0]["last_available_at"] == "2024-03-01T00:00:00Z"
    assert json.loads(gone_rows[0]["article_urls"]) == ["https://news.example/a"]

    fake.set("twitter", "20", "available")
    clock.advance(3600)
    report = refresh_sync(db, config, RefreshOptions(), now=clock)
    assert (post_row(db, "twitter:20")["status"], report.returned) == ("available", 1)
    assert [c["outcome"] for c in checks(db, "twitter:20")] == ["first", "pending", "changed", "returned"]


def test_unconfirmed_gone_is_dropped(db_path: str, fake: FakePlatform, config: Config) -> None:
    db = open_database(db_path)
    seed(db, [tweet("20")])
    clock = Clock()
    refresh_sync(db, config, RefreshOptions(), now=clock)
    fake.set("twitter", "20", "deleted")
    clock.advance(7 * 3600)
    refresh_sync(db, config, RefreshOptions(), now=clock)
    fake.set("twitter", "20", "available")
    clock.advance(3600)
    refresh_sync(db, config, RefreshOptions(), now=clock)
    row = post_row(db, "twitter:20")
    assert (row["status"], row["pending_status"], row["status_changed_at"]) == (
        "available",
        None,
        "2024-03-01T00:00:00Z",
    )
    assert checks(db, "twitter:20")[-1]["outcome"] == "unconfirmed"


@pytest.mark.parametrize("failure", ["500", "429", "html", "slow"])
def test_errors_never_overwrite_a_known_status(
    db_path: str, fake: FakePlatform, tmp_path: Path, failure: str
) -> None:
    path = write_config(fake, tmp_path, "[refresh]\nconfirm_after = 0\n")
    path.write_text(path.read_text().replace("timeout = 5.0", "timeout = 0.5"))
    config = load_config(path)
    fake.slow_seconds = 1.5
    fake.retry_after = "0"
    db = open_database(db_path)
    seed(db, [tweet("20")])
    clock = Clock()
    refresh_sync(db, config, RefreshOptions(), now=clock)
    fake.set("twitter", "20", failure)
    clock.advance(7 * 3600)
    report = refresh_sync(db, config, RefreshOptions(), now=clock)
    row = post_row(db, "twitter:20")
    assert row["status"] == "available" and row["check_errors"] == 1
    assert report.statuses["error"] == 1 and len(report.errors) == 1
    assert checks(db, "twitter:20")[-1]["status"] == "error"
    if failure in ("500", "429", "slow"):  # transient: retried (max_retries = 2) before giving up
        assert fake.hits["/twitter/tweet-result"] == 1 + 3


def test_retry_after_is_honoured_and_then_succeeds(db_path: str, fake: FakePlatform, config: Config) -> None:
    db = open_database(db_path)
    seed(db, [tweet("20")])
    fake.set("twitter", "20", "429")
    fake.retry_after = "1"

    def heal() -> None:
        time.sleep(0.3)
        fake.set("twitter", "20", "available")

    import threading

    threading.Thread(target=heal).start()
    started = time.monotonic()
    report = refresh_sync(db, config, RefreshOptions(), now=Clock())
    assert time.monotonic() - started >= 0.9  # waited Retry-After, not the tiny configured back-off
    assert post_row(db, "twitter:20")["status"] == "available" and not report.errors


def test_slow_host_does_not_stall_others(db_path: str, fake: FakePlatform, tmp_path: Path) -> None:
    config = load_config(write_config(fake, tmp_path, ""))
    config = replace(config, limits=replace(config.limits, concurrency=4, per_host_concurrency=2))
    # Every telegram post answers slowly; youtube posts are quick and live on a second server, named
    # "localhost" so that it is another host to the fetcher's per-host limits too (they key on the name).
    with FakePlatform() as quick:
        other = quick.base.replace("127.0.0.1", "localhost")
        config = replace(config, endpoints=config.endpoints.replace(youtube_oembed=f"{other}/youtube/oembed"))
        db = open_database(db_path)
        slow_posts = [
            Post(f"telegram:chan/{i}", "telegram", "post", f"https://t.me/chan/{i}", f"chan/{i}")
            for i in range(4)
        ]
        videos = [Post(f"youtube:{i:011d}", "youtube", "video", None, f"{i:011d}") for i in range(20)]
        seed(db, slow_posts + videos)
        fake.slow_seconds = 1.0
        for i in range(4):
            fake.set("telegram", f"chan/{i}", "slow")
        finished: dict[str, float] = {}
        started = time.monotonic()

        def tick() -> None:
            done = {row["id"] for row in db.query("select post_id as id from checks")}
            for post in done:
                finished.setdefault(post, time.monotonic() - started)

        refresh_sync(db, config, RefreshOptions(), now=Clock(), progress=tick)
        video_times = [finished[p.id] for p in videos]
        assert max(video_times) < 1.0, video_times  # all quick checks done while the slow host still works
        assert min(finished[p.id] for p in slow_posts) >= 0.9


def test_short_link_merge(db_path: str, fake: FakePlatform, config: Config) -> None:
    db = open_database(db_path)
    flat = Post(
        "twitter:pic-AbC123",
        "twitter",
        "post",
        "https://pic.twitter.com/AbC123",
        None,
        author_handle="ANI",
        author_name="ANI",
        text="Visuals from the spot",
        media=("https://pic.twitter.com/AbC123",),
    )
    article = seed(db, [flat])
    db.table("mentions").insert(
        {
            "id": "m1",
            "article_id": article,
            "post_id": flat.id,
            "kind": "video",
            "sentence": "s",
            "first_seen_at": T0,
        }
    )
    db.table("verification_notes").insert(
        {
            "id": "n1",
            "article_id": article,
            "post_id": flat.id,
            "verdict": "unverified",
            "sentence": "s",
            "first_seen_at": T0,
        }
    )
    fake.short_links["AbC123"] = "https://twitter.com/ANI/status/1653711338587779072/photo/1"
    report = refresh_sync(db, config, RefreshOptions(), now=Clock())
    assert report.merged == 1 and report.checked == 1
    real = "twitter:1653711338587779072"
    assert list(db.query("select id from posts")) == [{"id": real}]
    row = post_row(db, real)
    assert row["status"] == "available" and row["text"] == "Visuals from the spot"
    assert row["posted_at_source"] == "api"  # the syndication answer beats the snowflake
    assert json.loads(row["media"]) == ["https://pic.twitter.com/AbC123"]
    assert [r["post_id"] for r in db.query("select post_id from embeds")] == [real]
    assert [r["id"] for r in db.query("select id from embeds")] == [f"{article}:{real}"]
    assert [r["post_id"] for r in db.query("select post_id from mentions")] == [real]
    assert [r["post_id"] for r in db.query("select post_id from verification_notes")] == [real]
    alias = next(iter(db.query("select * from post_aliases")))
    assert (alias["alias"], alias["post_id"]) == ("twitter:pic-AbC123", real)
    # A later ingest of the same flattened tweet lands on the real post (db.store resolves aliases).
    seed(db, [flat], url="https://news.example/b", now="2024-03-02T00:00:00Z")
    assert [r["id"] for r in db.query("select id from posts")] == [real]
    # And --post with the old id still finds it.
    assert [t.id for t in due_posts(db, "2030-01-01T00:00:00Z", RefreshOptions(post_ids=(flat.id,)))] == [
        real
    ]


def test_unresolvable_short_link_is_an_error_not_an_obituary(
    db_path: str, fake: FakePlatform, config: Config
) -> None:
    db = open_database(db_path)
    seed(db, [Post("twitter:tco-Zz9", "twitter", "post", "https://t.co/Zz9", None, author_handle="x")])
    fake.short_links["Zz9"] = "https://buff.ly/2uSOHDs"  # the t.co link of a flattened tweet led outside
    report = refresh_sync(db, config, RefreshOptions(), now=Clock())
    row = post_row(db, "twitter:tco-Zz9")
    assert row["status"] == "unchecked" and report.statuses["error"] == 1
    assert "buff.ly" in checks(db, "twitter:tco-Zz9")[0]["detail"]


def test_scheduling_options(db_path: str, fake: FakePlatform, config: Config) -> None:
    db = open_database(db_path)
    seed(
        db,
        [tweet(str(n)) for n in (100, 200, 300)]
        + [
            Post("youtube:aaaaaaaaaaa", "youtube", "video", None, "aaaaaaaaaaa"),
            Post("twitter:text-abc", "twitter", "post", None, None),
        ],
    )  # text-only: nothing to check
    clock = Clock()
    assert refresh_sync(db, config, RefreshOptions(limit=2), now=clock).checked == 2
    clock.advance(60)
    # Never-checked first.
    assert {t.id for t in due_posts(db, clock.value, RefreshOptions())} == {
        "twitter:300",
        "youtube:aaaaaaaaaaa",
    }
    assert [t.id for t in due_posts(db, clock.value, RefreshOptions(platforms=("youtube",)))] == [
        "youtube:aaaaaaaaaaa"
    ]
    refresh_sync(db, config, RefreshOptions(), now=clock)
    clock.advance(60)
    assert due_posts(db, clock.value, RefreshOptions()) == []
    assert len(due_posts(db, clock.value, RefreshOptions(everything=True))) == 4
    assert len(due_posts(db, clock.value, RefreshOptions(older_than=30))) == 4
    assert len(due_posts(db, clock.value, RefreshOptions(older_than=3600))) == 0
    # Oldest checks first once everything has been checked.
    clock.advance(7 * 3600)
    assert [t.id for t in due_posts(db, clock.value, RefreshOptions())][:2] == ["twitter:100", "twitter:200"]


def test_articles_removed_at_set_and_cleared(db_path: str, fake: FakePlatform, config: Config) -> None:
    db = open_database(db_path)
    url = f"{fake.base}/articles/story"
    page = """<html><head><title>Story</title></head><body><article><p>Lead paragraph of the story.</p>
    {embeds}<p>More text.</p></article></body></html>"""
    tweet_embed = (
        '<blockquote class="twitter-tweet"><p>Hi</p>&mdash; Jack (@jack) '
        '<a href="https://twitter.com/jack/status/20">March 21, 2006</a></blockquote>'
    )
    video_embed = '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>'
    fake.articles["story"] = page.format(embeds=tweet_embed + video_embed)
    seed(db, [tweet("20"), Post("youtube:dQw4w9WgXcQ", "youtube", "video", None, "dQw4w9WgXcQ")], url=url)
    clock = Clock()
    clock.advance(0)
    report = refresh_sync(db, config, RefreshOptions(articles=True), now=clock)
    assert report.articles["fetched"] == 1 and report.articles["embeds_removed"] == 0
    captures = db.table("captures").count

    fake.articles["story"] = page.format(embeds=video_embed)
    clock.advance(2 * 86400)
    report = refresh_sync(db, config, RefreshOptions(articles=True), now=clock)
    assert report.articles["embeds_removed"] == 1 and report.articles["changed"] == 1
    removed = {r["post_id"]: r["removed_at"] for r in db.query("select post_id, removed_at from embeds")}
    assert removed == {"twitter:20": clock.value, "youtube:dQw4w9WgXcQ": None}
    assert db.table("captures").count == captures + 1

    # Unchanged content: no new capture.
    clock.advance(2 * 86400)
    report = refresh_sync(db, config, RefreshOptions(articles=True), now=clock)
    assert report.articles["unchanged"] == 1 and db.table("captures").count == captures + 1

    fake.articles["story"] = page.format(embeds=tweet_embed + video_embed)
    clock.advance(2 * 86400)
    report = refresh_sync(db, config, RefreshOptions(articles=True), now=clock)
    assert report.articles["embeds_restored"] == 1
    assert {r["removed_at"] for r in db.query("select removed_at from embeds")} == {None}


def test_archive_lookup_and_save(db_path: str, fake: FakePlatform, tmp_path: Path) -> None:
    config = load_config(
        write_config(fake, tmp_path, "[refresh]\narchive_min_interval = 0.2\narchive_max_per_run = 1\n")
    )
    db = open_database(db_path)
    seed(db, [tweet("1"), tweet("2"), tweet("3")])
    fake.archived["https://x.com/someone/status/1"] = "http://web.archive.org/web/20240102030405/x"
    report = refresh_sync(db, config, RefreshOptions(archive=True), now=Clock())
    assert report.archive == {"found": 1, "save_accepted": 1, "none": 1}
    row = post_row(db, "twitter:1")
    assert row["archive_url"] == "https://web.archive.org/web/20240102030405/x"
    assert row["archive_captured_at"] == "2024-01-02T03:04:05Z"
    assert fake.hits["/wayback/save"] == 1
    assert post_row(db, "twitter:3")["archive_checked_at"] is not None


def test_parse_duration() -> None:
    assert parse_duration("6h") == 21600 and parse_duration("90s") == 90 and parse_duration("2d") == 172800
    for wrong in ("soon", "6", "", "6 hours"):
        with pytest.raises(ValueError, match=r"use e\.g\. 90s, 30m, 6h"):
            parse_duration(wrong)


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--platform", "twiter"], "'twiter' is not one of 'bluesky', 'dailymotion', 'facebook'"),
        (["--post", "twitter:nope"], "no such post: twitter:nope (ids are platform:native_id"),
        (["--older-than", "6"], "not a duration: '6' (use e.g. 90s, 30m, 6h, 2d, 1w)"),
        (["--limit", "0"], "0 is not in the range x>=1"),
    ],
)
def test_mistyped_refresh_options_are_usage_errors(
    db_path: str, fake: FakePlatform, tmp_path: Path, arguments: list[str], says: str
) -> None:
    seed(open_database(db_path), [tweet("20")])
    result = CliRunner().invoke(
        cli, ["refresh", "--db", db_path, "--config", str(write_config(fake, tmp_path)), *arguments]
    )
    assert result.exit_code == 2, result.output
    assert says in result.stderr
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("select count(*) from checks").fetchone()[0] == 0


# --- the CLI, the lock, signals -------------------------------------------------------------------------


def test_cli_refresh_json_and_exit_codes(db_path: str, fake: FakePlatform, tmp_path: Path) -> None:
    config = write_config(fake, tmp_path)
    db = open_database(db_path)
    seed(db, [tweet("20"), tweet("21")])
    db.close()
    fake.set("twitter", "21", "500")
    runner = CliRunner()
    result = runner.invoke(cli, ["refresh", "--db", db_path, "--config", str(config), "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["checked"] == 2 and data["statuses"] == {"available": 1, "error": 1}
    fake.set("twitter", "21", "available")
    result = runner.invoke(cli, ["refresh", "--db", db_path, "--config", str(config), "--post", "twitter:21"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("checked 1 post: ")
    run = list(Database(db_path).query("select * from runs order by id"))
    assert [r["exit_code"] for r in run] == [1, 0] and run[0]["command"] == "refresh"
    assert runner.invoke(cli, ["refresh", "--db", db_path, "--all", "--older-than", "1h"]).exit_code == 2
    assert runner.invoke(cli, ["refresh", "--db", db_path, "--older-than", "soon"]).exit_code == 2


def test_lock_exit_3_and_stale_lock(db_path: str, fake: FakePlatform, tmp_path: Path) -> None:
    config = write_config(fake, tmp_path)
    open_database(db_path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; sys.path.insert(0, sys.argv[2]);"
            "from embedtrail.tracker.lock import DatabaseLock;"
            "l = DatabaseLock(sys.argv[1]); l.acquire(); print('locked', flush=True); time.sleep(60)",
            db_path,
            str(ROOT),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = CliRunner().invoke(cli, ["refresh", "--db", db_path, "--config", str(config)])
        assert result.exit_code == 3
        assert f"locked by process {holder.pid}" in result.output
        with pytest.raises(LockHeld):
            DatabaseLock(db_path).acquire()
    finally:
        holder.kill()
        holder.communicate()
    # The killed holder's lock file is still there, but the lock died with it.
    assert Path(db_path + ".lock").exists()
    result = CliRunner().invoke(cli, ["refresh", "--db", db_path, "--config", str(config)])
    assert result.exit_code == 0, result.output


def _run_cli(args: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "embedtrail.tracker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_checks(db_path: str, count: int, timeout: float = 20.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(db_path, timeout=5) as connection:
                done = connection.execute("select count(*) from checks").fetchone()[0]
        except sqlite3.OperationalError:
            done = 0
        if done >= count:
            return int(done)
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} checks after {timeout}s")


def _consistent(db_path: str) -> None:
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert connection.execute("pragma foreign_key_check").fetchall() == []
        # Every checked post has the check that set it, and every check row's post moved with it.
        orphan = connection.execute(
            "select count(*) from posts where status_checked_at is not null and not exists "
            "(select 1 from checks where checks.post_id = posts.id"
            " and checks.checked_at = posts.status_checked_at)"
        ).fetchone()[0]
        assert orphan == 0


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_interrupted_run_leaves_a_consistent_db_and_the_next_run_continues(
    db_path: str, fake: FakePlatform, tmp_path: Path, how: signal.Signals
) -> None:
    config = write_config(fake, tmp_path, "")
    config.write_text(
        config.read_text().replace("[limits]\n", "[limits]\nconcurrency = 2\nper_host_concurrency = 2\n")
    )
    db = open_database(db_path)
    seed(db, [tweet(str(1000 + n)) for n in range(40)])
    db.close()
    fake.delay = 0.05
    process = _run_cli(["refresh", "--db", db_path, "--config", str(config)])
    _wait_for_checks(db_path, 4)
    process.send_signal(how)
    out, err = process.communicate(timeout=20)
    done = len(list(Database(db_path).query("select id from checks")))
    assert 0 < done < 40
    _consistent(db_path)
    if how == signal.SIGTERM:
        assert process.returncode == 0, err
        assert "(stopped early)" in out
        run = next(iter(Database(db_path).query("select * from runs")))
        assert run["finished_at"] is not None and json.loads(run["counts"])["interrupted"] is True
    else:
        assert process.returncode == -signal.SIGKILL
    fake.delay = 0.0
    second = _run_cli(["refresh", "--db", db_path, "--config", str(config)])
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert f"checked {40 - done} posts" in out
    _consistent(db_path)
    assert {r["status"] for r in Database(db_path).query("select status from posts")} == {"available"}


def test_doctor_reports_each_checker(fake: FakePlatform, tmp_path: Path) -> None:
    canaries = (
        f'[canaries]\nmastodon = "{fake.base}/@Gargron/1234567"\ngeneric = "{fake.base}/generic/page"\n'
    )
    config = write_config(fake, tmp_path, canaries)
    runner = CliRunner()
    result = runner.invoke(cli, ["doctor", "--config", str(config)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    names = [line.split()[0] for line in lines]
    assert names == [
        "twitter",
        "youtube",
        "vimeo",
        "tiktok",
        "dailymotion",
        "telegram",
        "bluesky",
        "mastodon",
        "truthsocial",
        "generic",
        "wayback",
    ]
    assert all(line.split()[1] == "ok" for line in lines)
    fake.set("vimeo", "76979871", "404")
    result = runner.invoke(cli, ["doctor", "--config", str(config), "--json"])
    assert result.exit_code == 1
    assert "broken: vimeo" in result.output
    config.write_text(config.read_text() + 'twitter = ""\n')
    result = runner.invoke(cli, ["doctor", "--config", str(config)])
    assert "twitter" not in result.output.split("\n")[0]


def test_the_refresh_lock_holds_whatever_path_names_the_database(tmp_path: Path) -> None:
    """Round two: the lock was keyed by the path string, so a symlink or another path ran a second refresh."""
    real = tmp_path / "data" / "e.db"
    real.parent.mkdir()
    open_database(real).close()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    hard = tmp_path / "data" / "hard.db"
    os.link(real, hard)
    relative = os.path.relpath(real)
    with DatabaseLock(real):
        for other in (link, relative, str(real.parent / "." / "e.db")):
            with pytest.raises(LockHeld) as held:
                DatabaseLock(other).acquire()
            assert held.value.pid == os.getpid()
        # A hard link (or a bind mount) is another name of the same inode: still held, holder unnamed.
        with pytest.raises(LockHeld):
            DatabaseLock(hard).acquire()
    with DatabaseLock(link), pytest.raises(LockHeld):  # released: any name takes it again
        DatabaseLock(real).acquire()


def test_a_second_refresh_through_a_symlink_exits_3(db_path: str, fake: FakePlatform, tmp_path: Path) -> None:
    config = write_config(fake, tmp_path)
    open_database(db_path).close()
    link = tmp_path / "elsewhere.db"
    link.symlink_to(db_path)
    with DatabaseLock(db_path):
        result = CliRunner().invoke(cli, ["refresh", "--db", str(link), "--config", str(config)])
    assert result.exit_code == 3, result.output
    assert "locked by process" in result.stderr
