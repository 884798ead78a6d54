"""Archived copies as sources: ``ingest --wayback URL`` and ``--wayback-fallback``, against a local server
standing in for the availability API and the replay host (``[endpoints]`` point at it)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from embedtrail.tracker.cli import cli
from embedtrail.tracker.sources import module_for, wayback
from tests import servers
from tests.servers import LocalServer, Reply, Seen, StartServer

local_server = servers.local_server
STORY = (
    b"<!doctype html><html><head><title>Drones</title></head><body><article>"
    b"<p>Residents filmed the drones and posted the video.</p>"
    b'<blockquote class="twitter-tweet"><p>Drones over the river</p>&mdash; Local (@localnews) '
    b'<a href="https://twitter.com/localnews/status/1653711338587779072">May 3, 2023</a>'
    b"</blockquote></article></body></html>"
)


class Archive:
    """The availability API at /wayback/available and raw snapshots at /web/<ts>id_/<url>."""

    def __init__(self, start: StartServer) -> None:
        self.snapshots: dict[str, str] = {}  # original URL -> timestamp
        self.server: LocalServer = start(self.route)

    def route(self, seen: Seen) -> Reply:
        from urllib.parse import parse_qs, urlsplit

        parts = urlsplit(seen.path)
        if parts.path == "/wayback/available":
            url = parse_qs(parts.query)["url"][0]
            timestamp = self.snapshots.get(url)
            closest = (
                {
                    "available": True,
                    "status": "200",
                    "timestamp": timestamp,
                    "url": f"http://web.archive.org/web/{timestamp}/{url}",
                }
                if timestamp
                else None
            )
            body = {"url": url, "archived_snapshots": {"closest": closest} if closest else {}}
            return Reply(body=json.dumps(body).encode(), content_type="application/json")
        if parts.path.startswith("/web/"):
            timestamp, original = seen.path[len("/web/") :].split("/", 1)
            if timestamp.endswith("id_") and self.snapshots.get(original) == timestamp[:-3]:
                return Reply(body=STORY, headers=[("X-Archive-Orig-Server", "nginx")])
        return Reply(status=404, body=b"not archived", content_type="text/plain")


@pytest.fixture
def archive(local_server: StartServer) -> Archive:
    return Archive(local_server)


@pytest.fixture
def config(archive: Archive, tmp_path: Path) -> str:
    path = tmp_path / "embedtrail.toml"
    base = archive.server.base_url
    path.write_text(
        f'[endpoints]\nwayback_available = "{base}/wayback/available"\nwayback_replay = "{base}/web"\n'
    )
    return str(path)


def ingest(db_path: str, config: str, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(
        cli,
        ["ingest", "--json", "--allow-private", "--db", db_path, "--config", config, *args],
        catch_exceptions=False,
    )
    return result.exit_code, json.loads(result.stdout)


def captures(db_path: str) -> list[dict[str, Any]]:
    with Database(db_path) as db:
        return list(
            db.query(
                "select captures.*, articles.url as article_url "
                "from captures join articles on articles.id = article_id"
            )
        )


@pytest.mark.parametrize(
    ("snapshot", "raw"),
    [
        (
            "https://web.archive.org/web/20130919044612/http://example.com/",
            "https://replay.test/web/20130919044612id_/http://example.com/",
        ),
        (
            "http://web.archive.org/web/20130919044612im_/http://example.com/a?b=1",
            "https://replay.test/web/20130919044612id_/http://example.com/a?b=1",
        ),
        ("https://web.archive.org/", None),
    ],
)
def test_raw_snapshot_url(snapshot: str, raw: str | None) -> None:
    assert wayback.raw_snapshot_url(snapshot, "https://replay.test/web/") == raw


def test_wayback_sources_are_claimed() -> None:
    assert module_for("wayback:https://news.example/story") is wayback


def test_ingest_wayback_takes_the_closest_snapshot(archive: Archive, config: str, db_path: str) -> None:
    archive.snapshots["https://news.example/story"] = "20240301120000"
    code, report = ingest(db_path, config, "--wayback", "https://news.example/story")
    assert code == 0, report
    [capture] = captures(db_path)
    assert capture["origin"] == "wayback"
    assert capture["article_url"] == "https://news.example/story", "the article keeps its original URL"
    assert capture["url"] == "https://news.example/story"
    assert capture["final_url"] == "https://web.archive.org/web/20240301120000/https://news.example/story"
    assert capture["fetched_at"] == "2024-03-01T12:00:00Z"
    assert json.loads(capture["headers"])["x-archive-orig-server"] == "nginx"
    assert "/web/20240301120000id_/https://news.example/story" in archive.server.paths()
    with Database(db_path) as db:
        assert [r["post_id"] for r in db.query("select post_id from embeds")] == [
            "twitter:1653711338587779072"
        ]


def test_no_snapshot_is_a_clear_failure(archive: Archive, config: str, db_path: str) -> None:
    code, report = ingest(db_path, config, "--wayback", "https://news.example/never")
    assert code == 1
    assert report["errors"] == [{"source": "https://news.example/never", "reason": "wayback: no snapshot"}]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_fallback_for_gone_and_unreachable_articles(
    archive: Archive, config: str, db_path: str, local_server: StartServer
) -> None:
    site = local_server({"/gone": Reply(status=410, body=b"deleted"), "/here": Reply(body=STORY)})
    unreachable = f"http://127.0.0.1:{closed_port()}/story"
    for url in (site.url("/gone"), unreachable):
        archive.snapshots[url] = "20240302080000"
    code, report = ingest(
        db_path, config, site.url("/gone"), unreachable, site.url("/here"), "--wayback-fallback"
    )
    assert code == 0, report
    by_url = {row["article_url"]: row for row in captures(db_path)}
    assert by_url[site.url("/gone")]["origin"] == "wayback"
    assert by_url[unreachable]["origin"] == "wayback"
    assert by_url[site.url("/here")]["origin"] == "http"
    # Without the flag a gone page is a failure, and the archive is never asked.
    asked = len(archive.server.paths())
    code, report = ingest(db_path, config, site.url("/gone"))
    assert code == 1 and report["errors"][0]["reason"] == "http_status 410"
    assert len(archive.server.paths()) == asked


def test_fallback_failure_says_both(
    archive: Archive, config: str, db_path: str, local_server: StartServer
) -> None:
    site = local_server({"/gone": Reply(status=404, body=b"nope")})
    code, report = ingest(db_path, config, site.url("/gone"), "--wayback-fallback")
    assert code == 1
    assert report["errors"][0]["reason"] == "http_status 404; wayback fallback: wayback: no snapshot"


def test_feed_items_fall_back_too(
    archive: Archive, config: str, db_path: str, local_server: StartServer
) -> None:
    feed: dict[str, Reply] = {}
    site = local_server(feed)
    feed["/rss"] = Reply(
        body=(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"<item><link>{site.url('/gone')}</link></item></channel></rss>"
        ).encode(),
        content_type="application/rss+xml",
    )
    archive.snapshots[site.url("/gone")] = "20240303000000"
    code, report = ingest(db_path, config, "--feed", site.url("/rss"), "--wayback-fallback")
    assert code == 0, report
    [capture] = captures(db_path)
    assert capture["origin"] == "wayback" and capture["article_url"] == site.url("/gone")
