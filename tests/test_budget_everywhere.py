"""Every path that extracts a page does it under the ``[limits]`` budget (tracker.pipeline): a hostile page
re-fetched by ``refresh --articles`` or read by a queue worker fails alone, as it does in ingest.

The hostile page is a nesting bomb (200,000 nested elements: a tree of a few hundred MiB) and the budget
64 MiB. Commands run in processes of their own, as cron and workers do: the budget is what one page may add
to a worker's address space, and workers forked from this long-running test process would start with its
heap to reuse.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fakeplatform import FakePlatform
from redisserver import redis_server, redis_url  # noqa: F401  (fixtures)

from embedtrail.db.store import article_key

# Seconds each: make test runs them, make test-fast leaves them out.
pytestmark = pytest.mark.slow

BOMB = "<html><body>" + "<div>" * 200_000 + "<p>x</p></body></html>"
GOOD = (
    "<html><head><title>Story</title></head><body><article><p>The video was posted on "
    '<a href="https://twitter.com/someone/status/{id}">Twitter</a>.</p></article></body></html>'
)


def embedtrail(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "embedtrail.tracker", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_config(fake: FakePlatform, tmp_path: Path) -> Path:
    path = tmp_path / "budget.toml"
    path.write_text(
        fake.endpoints_toml() + "[fetch]\nallow_private = true\n[limits]\nextract_memory_mb = 64\n",
        encoding="utf-8",
    )
    return path


def test_refresh_articles_extracts_a_refetched_page_under_the_budget(tmp_path: Path, db_path: str) -> None:
    with FakePlatform() as fake:
        fake.articles["bomb"] = GOOD.format(id=1001)
        fake.articles["fine"] = GOOD.format(id=1002)
        config = write_config(fake, tmp_path)
        urls = [f"{fake.base}/articles/bomb", f"{fake.base}/articles/fine"]
        first = embedtrail("ingest", "--db", db_path, "--config", str(config), *urls)
        assert first.returncode == 0, first.stderr
        # The first article's page turns hostile; the second is edited to cite another post.
        fake.articles["bomb"] = BOMB
        fake.articles["fine"] = GOOD.format(id=1003)
        result = embedtrail(
            "refresh",
            "--db",
            db_path,
            "--config",
            str(config),
            "--articles",
            "--all",
            "--json",
        )
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    errors = [e for e in summary["error_list"] if e["kind"] == "article" and e["source"] == urls[0]]
    assert len(errors) == 1 and errors[0]["reason"].startswith("extraction over budget: "), summary
    assert summary["articles"]["fetched"] == 1 and summary["articles"]["changed"] == 1
    with sqlite3.connect(db_path) as connection:
        cited = {
            row[0]
            for row in connection.execute(
                "select post_id from embeds where article_id = ? and removed_at is null",
                [article_key(urls[1])],
            )
        }
        kept = connection.execute(
            "select count(*) from embeds where article_id = ? and removed_at is null", [article_key(urls[0])]
        ).fetchone()[0]
    assert cited == {"twitter:1003"}
    assert kept == 1  # the hostile version changed nothing


def test_a_queue_worker_extracts_under_the_budget(redis_url: str, tmp_path: Path, db_path: str) -> None:  # noqa: F811
    with FakePlatform() as fake:
        fake.articles["bomb"] = BOMB
        fake.articles["fine"] = GOOD.format(id=1004)
        config = write_config(fake, tmp_path)
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "embedtrail.tracker",
                "worker",
                "--queue",
                redis_url,
                "--config",
                str(config),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            urls = [f"{fake.base}/articles/bomb", f"{fake.base}/articles/fine"]
            result = embedtrail(
                "ingest", "--db", db_path, "--config", str(config), "--queue", redis_url, "--json", *urls
            )
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    (error,) = summary["errors"]
    assert error["source"] == urls[0] and error["reason"].startswith("extraction over budget: ")
    assert summary["saved"] == 1
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("select post_id from embeds").fetchall() == [("twitter:1004",)]
