"""``embedtrail serve`` reading while ``ingest`` and ``refresh`` write the same file (WAL): 600 requests, 60
at a time, from an async load generator all answer 200, no "database is locked" reaches a reader or a
writer, and every write lands. A second test runs ingest and refresh at the same moment (writer against
writer).

Everything is a real process on 127.0.0.1: the served instance (uvicorn), the writers (the CLI, in loops), an
article server and the fake platform. Refresh only checks Twitter posts, whose endpoints the fake platform
answers, so nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import servers
from servers import LocalServer, Reply

sys.path.insert(0, str(Path(__file__).parent))
from fakeplatform import FakePlatform
from test_kills import article
from test_refresh import write_config

# Seconds each: make test runs them, make test-fast leaves them out.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 600
CONCURRENCY = 60
ARTICLES = 40
PAGES = (
    "/embedtrail",
    "/embedtrail/posts",
    "/embedtrail/posts.json?_shape=array&_size=50",
    "/embedtrail/articles",
    "/embedtrail/embeds.json",
    "/embedtrail/checks?_sort_desc=checked_at",
    "/embedtrail/recent_changes",
    "/embedtrail/most_cited_accounts",
    "/embedtrail?sql=select+count(*)+from+embeds",
    "/-/provenance/twitter:1653711338587779072",
    "/-/embedtrail/charts",
)


def _cli(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "embedtrail.tracker", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def article_server() -> Iterator[LocalServer]:
    with servers.serve({f"/a/{n}": Reply(body=article(n)) for n in range(ARTICLES)}) as server:
        yield server


class Writers:
    """Runs the commands over and over until stopped, keeping every exit code and stderr: in turn in one
    thread (``together=False``), or each in a thread of its own so that writers overlap (``together=True``).
    """

    def __init__(self, commands: list[list[str]], *, together: bool) -> None:
        self.stop = threading.Event()
        self.results: list[tuple[str, int, str]] = []
        groups = [[c] for c in commands] if together else [commands]
        self.threads = [threading.Thread(target=self._loop, args=(g,), daemon=True) for g in groups]

    def _loop(self, commands: list[list[str]]) -> None:
        while not self.stop.is_set():
            for command in commands:
                process = _cli(command)
                _, err = process.communicate(timeout=300)
                self.results.append((command[0], process.returncode, err))

    def ran(self) -> set[str]:
        """The commands that finished at least once."""
        return {name for name, _, _ in self.results}

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=300)


async def _load(base: str, total: int, concurrency: int) -> tuple[Counter[int], list[str]]:
    """``total`` GETs over ``PAGES``, ``concurrency`` at a time; the status counts and any locked bodies."""
    statuses: Counter[int] = Counter()
    locked: list[str] = []
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:

        async def one(n: int) -> None:
            async with gate:
                path = PAGES[n % len(PAGES)]
                try:
                    try:
                        response = await client.get(path)
                    except (httpx.ReadError, httpx.RemoteProtocolError):
                        # A kept-alive connection the server closed (its keep-alive timeout) just as the
                        # client reused it: the client's race, not the server failing; a GET is sent again
                        # once, as browsers do. A second failure counts.
                        response = await client.get(path)
                except httpx.HTTPError as error:
                    statuses[0] += 1
                    locked.append(f"{path}: {type(error).__name__}: {error}")
                    return
                statuses[response.status_code] += 1
                if "database is locked" in response.text or response.status_code != 200:
                    locked.append(f"{path}: {response.status_code} {response.text[:300]}")

        await asyncio.gather(*(one(n) for n in range(total)))
    return statuses, locked


def test_serve_under_load_while_ingest_and_refresh_write(article_server: LocalServer, tmp_path: Path) -> None:
    with FakePlatform() as fake:
        config = write_config(fake, tmp_path)
        db_path = str(tmp_path / "live.db")
        # Everything the load asks for exists before it starts (the provenance page's post among it).
        urls = [article_server.url(f"/a/{n}") for n in range(ARTICLES)]
        first = _cli(["ingest", "--db", db_path, "--allow-private", "--silent", *urls])
        _, err = first.communicate(timeout=300)
        assert first.returncode == 0, err
        port = _free_port()
        serve = _cli(["serve", "--db", db_path, "--port", str(port)])
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/-/versions.json", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "serve did not start"
                assert serve.poll() is None, serve.communicate()
                time.sleep(0.1)
            ingest = ["ingest", "--db", db_path, "--allow-private", "--silent", *urls]
            refresh = ["refresh", "--db", db_path, "--config", str(config), "--all", "--platform", "twitter",
                       "--silent"]  # fmt: skip
            with Writers([ingest, refresh], together=False) as writers:
                statuses, problems = asyncio.run(_load(base, REQUESTS, CONCURRENCY))
                # The load must overlap writes: wait until each writer has finished at least once.
                deadline = time.monotonic() + 240
                while writers.ran() != {"ingest", "refresh"}:
                    assert time.monotonic() < deadline, writers.results
                    time.sleep(0.2)
        finally:
            serve.terminate()
            serve.communicate(timeout=30)
    assert problems == [], problems[:5]
    assert statuses == Counter({200: REQUESTS})
    with sqlite3.connect(db_path) as connection:
        failures = connection.execute("select command, errors from runs where exit_code != 0").fetchall()
    for name, code, err in writers.results:
        assert "locked" not in err.lower(), (name, err)
        assert code == 0, (name, code, err[-2000:], failures[:3])
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert connection.execute("pragma journal_mode").fetchone()[0] == "wal"
        saved = connection.execute(
            "select count(*) from captures where url like 'http://127.0.0.1:%'"
        ).fetchone()
        checked = connection.execute("select count(*) from checks").fetchone()
    assert saved[0] == ARTICLES and checked[0] > 0


# Found by this file: ingest and refresh writing at the same moment failed with "database is locked". Both
# opened their transactions with a plain BEGIN (DEFERRED, sqlite-utils' atomic()), read, then wrote: when the
# other writer held or had just committed the write lock, SQLite could not upgrade the read transaction and
# returned SQLITE_BUSY at once, without waiting out busy_timeout. db.store.WritingDatabase now begins every
# outermost transaction IMMEDIATE, so writers wait their turn. A race: it failed in every run before the fix.
def test_ingest_and_refresh_writing_at_once_never_report_locked(
    article_server: LocalServer, tmp_path: Path
) -> None:
    with FakePlatform() as fake:
        config = write_config(fake, tmp_path)
        db_path = str(tmp_path / "writers.db")
        urls = [article_server.url(f"/a/{n}") for n in range(ARTICLES)]
        ingest = ["ingest", "--db", db_path, "--allow-private", "--silent", *urls]
        first = _cli(ingest)
        _, err = first.communicate(timeout=300)
        assert first.returncode == 0, err
        refresh = ["refresh", "--db", db_path, "--config", str(config), "--all", "--platform", "twitter",
                   "--silent"]  # fmt: skip
        with Writers([ingest, refresh], together=True) as writers:
            deadline = time.monotonic() + 240
            while len(writers.results) < 8:
                assert time.monotonic() < deadline, writers.results
                time.sleep(0.2)
    with sqlite3.connect(db_path) as connection:
        errors = [row[0] for row in connection.execute("select errors from runs")]
    assert not any("locked" in text for text in errors), [e for e in errors if "locked" in e][:2]
