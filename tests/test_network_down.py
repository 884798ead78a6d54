"""A dead network is not every platform breaking (tracker.network): refresh stops early and marks nothing,
a single dead host is skipped after a few failures, and doctor says "network unreachable" instead of calling
every checker broken."""

from __future__ import annotations

import json
import socket
import sqlite3
import time
from pathlib import Path

from click.testing import CliRunner
from fakeplatform import FakePlatform

from embedtrail.db.store import open_database, save_extraction
from embedtrail.scrapers.records import ArticleMeta, Capture, Embed, Extraction, Post
from embedtrail.tracker.cli import EXIT_OFFLINE, cli
from embedtrail.tracker.network import NetworkWatch, connection_level

NOW = "2026-01-01T00:00:00Z"


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def posts(count: int) -> list[Post]:
    """``count`` posts spread over five platforms, each checked through a host of its own."""
    made: list[Post] = []
    for n in range(count):
        native = f"{100000000000000000 + n}"
        match n % 5:
            case 0:
                made.append(
                    Post(f"twitter:{native}", "twitter", "post", f"https://x.com/a/status/{native}", native)
                )
            case 1:
                vid = f"vid{n:08d}"[:11]
                made.append(Post(f"youtube:{vid}", "youtube", "video", f"https://youtu.be/{vid}", vid))
            case 2:
                made.append(
                    Post(f"telegram:baza/{n}", "telegram", "post", f"https://t.me/baza/{n}", f"baza/{n}")
                )
            case 3:
                made.append(Post(f"vimeo:{n}", "vimeo", "video", f"https://vimeo.com/{n}", str(n)))
            case _:
                made.append(
                    Post(f"dailymotion:x{n}", "dailymotion", "video", f"https://dai.ly/x{n}", f"x{n}")
                )
    return made


def seed(db_path: str, made: list[Post]) -> None:
    db = open_database(db_path)
    url = "https://news.example/a"
    extraction = Extraction(
        ArticleMeta(url),
        posts=tuple(made),
        embeds=tuple(Embed(p.id, "blockquote", i) for i, p in enumerate(made)),
    )
    save_extraction(db, Capture(url, url, NOW, 200, "text/html", 1, "seed", "http"), extraction, NOW)
    db.close()


def offline_config(tmp_path: Path, extra: str = "") -> Path:
    """Every endpoint on a closed port of its own: what a machine without a network sees."""
    names = (
        "twitter_oembed",
        "twitter_syndication",
        "youtube_oembed",
        "vimeo_oembed",
        "tiktok_oembed",
        "dailymotion_oembed",
        "telegram",
        "bluesky",
        "wayback_available",
        "wayback_save",
    )
    lines = ["[endpoints]"] + [f'{name} = "http://127.0.0.1:{closed_port()}/x"' for name in names]
    path = tmp_path / "offline.toml"
    path.write_text(
        "\n".join(lines)
        + "\n[fetch]\nallow_private = true\nconnect_timeout = 2.0\n"
        + "[limits]\nretry_backoff = 1.0\nmax_retries = 3\n"
        + extra,
        encoding="utf-8",
    )
    return path


def test_refresh_with_the_network_down_stops_early_and_marks_nothing(tmp_path: Path, db_path: str) -> None:
    seed(db_path, posts(150))
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["refresh", "--db", db_path, "--config", str(offline_config(tmp_path))])
    elapsed = time.monotonic() - started
    print(f"offline refresh of 150 posts stopped after {elapsed:.1f}s")  # shown with -s; for the notes
    assert result.exit_code == EXIT_OFFLINE, result.output
    assert "network unreachable" in result.stderr and "nothing was marked" in result.stderr
    assert result.stderr.count("failed:") == 0  # one message, not one per post
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("select count(*) from checks").fetchone()[0] == 0
        untouched = connection.execute(
            "select count(*) from posts where status = 'unchecked' and coalesce(check_errors, 0) = 0 "
            "and next_check_at is null"
        ).fetchone()[0]
        assert untouched == 150
        code, errors = connection.execute("select exit_code, errors from runs order by id desc").fetchone()
    assert code == EXIT_OFFLINE
    (error,) = json.loads(errors)
    assert error["reason"].startswith("network unreachable: no connection to ")


def test_a_single_dead_host_is_skipped_after_a_few_failures(tmp_path: Path, db_path: str) -> None:
    made = [p for p in posts(60) if p.platform in ("twitter", "telegram")]
    seed(db_path, made)
    with FakePlatform() as fake:
        dead = f"http://127.0.0.1:{closed_port()}/telegram"
        toml = fake.endpoints_toml().replace(f'telegram = "{fake.base}/telegram"', f'telegram = "{dead}"')
        config = tmp_path / "one-dead.toml"
        config.write_text(
            toml + "[fetch]\nallow_private = true\n[limits]\nretry_backoff = 0.01\nmax_retries = 2\n"
            "per_host_concurrency = 1\n",
            encoding="utf-8",
        )
        result = CliRunner().invoke(cli, ["refresh", "--db", db_path, "--config", str(config), "--json"])
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["statuses"].get("available") == 12  # every tweet
    host_lines = [e for e in summary["error_list"] if e["kind"] == "host"]
    assert len(host_lines) == 1 and "host unreachable" in host_lines[0]["reason"]
    assert host_lines[0]["reason"].endswith("posts not checked")
    with sqlite3.connect(db_path) as connection:
        telegram_checks = connection.execute(
            "select count(*) from checks where post_id like 'telegram:%'"
        ).fetchone()[0]
    # The first failures are recorded as errors (another host answered: the network works); the rest waited.
    assert telegram_checks <= NetworkWatch().host_failures
    assert summary["skipped"] >= 12 - NetworkWatch().host_failures


def test_doctor_says_network_unreachable_not_broken(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["doctor", "--config", str(offline_config(tmp_path))])
    assert result.exit_code == EXIT_OFFLINE, result.output
    assert "network unreachable" in result.stderr
    assert "BROKEN" not in result.stdout
    assert "UNREACHABLE" in result.stdout


def test_connection_level_failures() -> None:
    assert connection_level("dns") and connection_level("connection") and connection_level("tls")
    assert connection_level("timeout", "timed out connecting: x")
    assert not connection_level("timeout", "timed out waiting for data")
    assert not connection_level("http_status") and not connection_level(None)


def test_the_watch_needs_several_hosts_and_no_answer() -> None:
    watch = NetworkWatch()
    for host in ("a:1", "b:1"):
        watch.failure(host, "connection: refused")
    assert watch.unreachable is None
    watch.failure("c:1", "connection: refused")
    assert watch.unreachable is not None and "3 hosts" in watch.unreachable
    watch.answer("d:1")
    assert watch.unreachable is None  # one answer proves the network works
    two = NetworkWatch(hosts=2)
    two.failure("a:1", "dns: no such host")
    two.failure("b:1", "dns: no such host")
    assert two.unreachable is not None
