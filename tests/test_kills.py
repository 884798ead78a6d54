"""SIGKILL at random moments, at least 20 times each for ``embedtrail ingest`` and ``embedtrail refresh``: the
database stays intact, no article is half-written, nothing written before a kill is lost, no row names a
body the evidence store lacks, and the next run finishes the work with the counts an uninterrupted run
gives.

Kill moments come from a seeded ``random.Random``, so a failure names a reproducible schedule. Each run is
short (a local article server with 60 articles; the fake platform with 150 posts), so the whole file takes a
minute or two. A kill that lands after the run already finished is not counted.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import servers
from servers import LocalServer, Reply

from embedtrail.db.bodies import StoreConfig, open_store, verify
from embedtrail.db.store import open_database

sys.path.insert(0, str(Path(__file__).parent))
from fakeplatform import FakePlatform
from test_refresh import seed, tweet, write_config

# Seconds each: make test runs them, make test-fast leaves them out.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
KILLS = 20
ARTICLES = 60
EMBEDS_PER_ARTICLE = 4
SEED = 20240503
# Tables whose rows a kill must never take back, with their key.
KEPT = {
    "articles": "id",
    "captures": "id",
    "posts": "id",
    "embeds": "id",
    "accounts": "id",
    "checks": "rowid",
}


def article(n: int) -> bytes:
    """Article ``n``: three tweets of its own and one every article shares (so upserts meet old rows)."""
    own = "".join(
        f'<blockquote class="twitter-tweet"><p>Post {n}.{k}</p>&mdash; Person {k} (@person{k}) '
        f'<a href="https://twitter.com/person{k}/status/{10**17 + n * 10 + k}">May 3, 2023</a></blockquote>'
        for k in range(3)
    )
    shared = (
        '<blockquote class="twitter-tweet"><p>Shared</p>&mdash; Everyone (@everyone) '
        '<a href="https://twitter.com/everyone/status/1653711338587779072">May 3, 2023</a></blockquote>'
    )
    return (
        f"<!doctype html><html><head><title>Article {n}</title></head><body><article>"
        f"<h1>Article {n}</h1><p>Witnesses filmed the scene and posted it online.</p>{own}{shared}"
        "</article></body></html>"
    ).encode()


# Each article answers this late, so that its saves spread over seconds instead of coming in one burst once
# the extraction pool is up (without it, on a loaded machine, no kill landed while articles were written).
ARTICLE_DELAY = 0.1


@pytest.fixture(scope="module")
def article_server() -> Iterator[LocalServer]:
    replies = {f"/a/{n}": Reply(body=article(n), delay=ARTICLE_DELAY) for n in range(ARTICLES)}
    with servers.serve(replies) as server:
        yield server


def _start(args: list[str]) -> subprocess.Popen[bytes]:
    # A session of its own, so its extraction workers can be reaped with it after the kill.
    return subprocess.Popen(
        [sys.executable, "-m", "embedtrail.tracker", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _kill_at(process: subprocess.Popen[bytes], delay: float) -> bool:
    """SIGKILL ``process`` after ``delay`` seconds; True when it was still running (a real kill)."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # the pool workers it leaves behind, if any
    return running


def _kill_while_writing(process: subprocess.Popen[bytes], db_path: str, checks: int, delay: float) -> bool:
    """SIGKILL ``process`` ``delay`` seconds after the ``checks`` table first holds more than ``checks`` rows
    (or once 60 seconds passed); True when it was still running (a real kill)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and _written(db_path) <= checks:
        time.sleep(0.01)
    return _kill_at(process, delay)


def _written(db_path: str) -> int:
    """Rows in ``checks`` now (0 while the run holds a lock or has not made the table yet)."""
    try:
        with contextlib.closing(sqlite3.connect(db_path, timeout=1)) as connection:
            return connection.execute("select count(*) from checks").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _kill_while_rereading(process: subprocess.Popen[bytes], db_path: str, old: int, delay: float) -> bool:
    """SIGKILL ``process`` ``delay`` seconds after fewer than ``old`` articles are left to the older
    extractor (or once 60 seconds passed): a kill that lands while articles are being read again, however
    long the start-up took on a loaded machine. True when it was still running (a real kill)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and _outdated(db_path, old) >= old:
        time.sleep(0.005)
    return _kill_at(process, delay)


def _outdated(db_path: str, unknown: int) -> int:
    """Articles still read by the older extractor (``unknown`` while the run holds a lock)."""
    try:
        with contextlib.closing(sqlite3.connect(db_path, timeout=1)) as connection:
            query = "select count(*) from articles where extractor_version = ?"
            return int(connection.execute(query, [OLD_EXTRACTOR]).fetchone()[0])
    except sqlite3.OperationalError:
        return unknown


def _rows(db_path: str) -> dict[str, set[object]]:
    with sqlite3.connect(db_path, timeout=30) as connection:
        tables = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
        return {
            table: {row[0] for row in connection.execute(f"select {key} from [{table}]")}
            for table, key in KEPT.items()
            if table in tables
        }


def _counts(db_path: str, tables: tuple[str, ...]) -> dict[str, int]:
    with sqlite3.connect(db_path, timeout=30) as connection:
        return {
            table: connection.execute(f"select count(*) from [{table}]").fetchone()[0] for table in tables
        }


def _assert_whole(db_path: str) -> None:
    """Integrity, foreign keys, and no article half-written: one with a capture has all its embeds, and one
    with embeds has its capture."""
    with sqlite3.connect(db_path, timeout=30) as connection:
        assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert connection.execute("pragma foreign_key_check").fetchall() == []
        rows = connection.execute(
            "select a.id, (select count(*) from captures c where c.article_id = a.id),"
            " (select count(*) from embeds e where e.article_id = a.id) from articles a"
        ).fetchall()
    for article_id, captures, embeds in rows:
        assert captures >= 1, f"article {article_id} has no capture"
        assert embeds == EMBEDS_PER_ARTICLE, f"article {article_id} has {embeds} embeds"


def _assert_evidence(db_path: str, *, captures: bool = True, checks: bool = False) -> None:
    """No row names a body the store lacks or holds damaged: every capture's (and, with ``checks``, every
    answered check's) body is in the store and indexed; what a kill leaves is only what verify explains
    (files no row names, half-written files in tmp/)."""
    db = open_database(db_path)
    try:
        store = open_store(db, StoreConfig())
        assert store is not None
        report = verify(db, store)
        assert report.ok, (report.missing, report.altered)
        if captures:
            assert report.not_kept.get("captures", 0) == 0, report.not_kept
        if checks:
            assert report.not_kept.get("checks", 0) == 0, report.not_kept
    finally:
        db.close()


def _ingest_args(db_path: str, server: LocalServer) -> list[str]:
    urls = [server.url(f"/a/{n}") for n in range(ARTICLES)]
    return ["ingest", "--db", db_path, "--allow-private", "--silent", *urls]


def test_ingest_survives_twenty_sigkills(article_server: LocalServer, tmp_path: Path) -> None:
    reference = str(tmp_path / "reference.db")
    started = time.monotonic()
    complete = _start(_ingest_args(reference, article_server))
    assert complete.wait(timeout=300) == 0
    full_run = time.monotonic() - started
    tables = ("articles", "captures", "posts", "embeds", "accounts")
    expected = _counts(reference, tables)
    assert expected["articles"] == ARTICLES and expected["embeds"] == ARTICLES * EMBEDS_PER_ARTICLE

    db_path = str(tmp_path / "killed.db")
    open_database(db_path).close()
    schedule = random.Random(SEED)
    kills = attempts = midway = 0
    while kills < KILLS:
        attempts += 1
        assert attempts < KILLS * 4, f"only {kills} kills landed in {attempts} runs"
        before = _rows(db_path)
        # Anywhere from start-up to the end of a full run: imports, migrations, fetches, the pool, commits.
        landed = _kill_at(_start(_ingest_args(db_path, article_server)), schedule.uniform(0.05, full_run))
        kills += landed
        _assert_whole(db_path)
        _assert_evidence(db_path)
        after = _rows(db_path)
        for table, ids in before.items():
            assert ids <= after[table], f"kill {kills}: rows of {table} written before it are gone"
        midway += landed and 0 < len(after["articles"]) < ARTICLES
    # Some kills must have landed while articles were being written, not only before or after.
    assert midway >= 1, f"no kill of {kills} landed while articles were being written"

    finish = _start(_ingest_args(db_path, article_server))
    assert finish.wait(timeout=300) == 0
    _assert_whole(db_path)
    assert _counts(db_path, tables) == expected


# --- reextract and forget -----------------------------------------------------------------------------------

OLD_EXTRACTOR = "0.0.1+0123456789ab"


@pytest.fixture(scope="module")
def collected(article_server: LocalServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The articles ingested once (the store on), then made to look as an older extractor left them: one
    embed of each article missing, every article read by an older version."""
    db_path = tmp_path_factory.mktemp("collected") / "embedtrail.db"
    assert _start(_ingest_args(str(db_path), article_server)).wait(timeout=300) == 0
    with sqlite3.connect(db_path) as connection:
        connection.execute("delete from embeds where id in (select max(id) from embeds group by article_id)")
        connection.execute("update articles set extractor_version = ?", [OLD_EXTRACTOR])
    return db_path


def _copy_collection(collected: Path, into: Path) -> str:
    shutil.copy(collected, into / "embedtrail.db")
    shutil.copytree(collected.with_name("embedtrail.store"), into / "embedtrail.store")
    return str(into / "embedtrail.db")


def _assert_reextracted_whole(db_path: str) -> None:
    """Each article read by one extractor or the other, never half: the old one's three embeds, or the new
    one's four."""
    with sqlite3.connect(db_path, timeout=30) as connection:
        assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert connection.execute("pragma foreign_key_check").fetchall() == []
        rows = connection.execute(
            "select a.extractor_version, (select count(*) from embeds e where e.article_id = a.id) "
            "from articles a"
        ).fetchall()
    for version, embeds in rows:
        expected = EMBEDS_PER_ARTICLE - 1 if version == OLD_EXTRACTOR else EMBEDS_PER_ARTICLE
        assert embeds == expected, f"an article read by {version} has {embeds} embeds"


def test_reextract_survives_twenty_sigkills(collected: Path, tmp_path: Path) -> None:
    reference = _copy_collection(collected, _fresh_dir(tmp_path, "reference"))
    args = ["reextract", "--db", reference, "--outdated", "--silent"]
    started = time.monotonic()
    assert _start(args).wait(timeout=300) == 0, "the uninterrupted reextract failed"
    full_run = time.monotonic() - started
    _assert_reextracted_whole(reference)
    tables = ("articles", "captures", "posts", "embeds", "accounts")
    expected = _counts(reference, tables)
    # A run with nothing outdated left is start-up alone (imports, migrations, the pool): every other kill
    # lands after it, among the saves, so a slow machine does not spend all twenty on start-up.
    started = time.monotonic()
    assert _start(args).wait(timeout=300) == 0
    start_up = min(time.monotonic() - started, full_run)

    db_path = _copy_collection(collected, _fresh_dir(tmp_path, "killed"))
    args = ["reextract", "--db", db_path, "--outdated", "--silent"]
    schedule = random.Random(SEED)
    kills = attempts = midway = 0
    while kills < KILLS:
        attempts += 1
        assert attempts < KILLS * 6, f"only {kills} kills landed in {attempts} runs"
        before = _rows(db_path)
        with sqlite3.connect(db_path) as connection:
            old_before = connection.execute(
                "select count(*) from articles where extractor_version = ?", [OLD_EXTRACTOR]
            ).fetchone()[0]
        delay = schedule.uniform(0.05 if attempts % 2 else start_up, full_run)
        if attempts % 3 == 0:
            # Every third run is killed once its first articles are saved: under load the saves are a sliver
            # of a run, and timed kills alone may all land in the start-up or after the last save.
            landed = _kill_while_rereading(_start(args), db_path, old_before, delay / 20)
        else:
            landed = _kill_at(_start(args), delay)
        kills += landed
        _assert_reextracted_whole(db_path)
        _assert_evidence(db_path)
        after = _rows(db_path)
        for table, ids in before.items():
            assert ids <= after[table], f"kill {kills}: rows of {table} written before it are gone"
        with sqlite3.connect(db_path) as connection:
            old_after = connection.execute(
                "select count(*) from articles where extractor_version = ?", [OLD_EXTRACTOR]
            ).fetchone()[0]
        midway += landed and 0 < old_after < old_before
        if old_after == 0:  # everything read: start again from the old state for the next kills
            db_path = _copy_collection(collected, _fresh_dir(tmp_path, f"again-{attempts}"))
            args = ["reextract", "--db", db_path, "--outdated", "--silent"]
    assert midway >= 1, f"no kill of {kills} landed while articles were being read again"
    assert _start(args).wait(timeout=300) == 0, "the run after the kills failed"
    _assert_reextracted_whole(db_path)
    assert _counts(db_path, tables) == expected


def _fresh_dir(tmp_path: Path, name: str) -> Path:
    fresh = tmp_path / name
    fresh.mkdir()
    return fresh


def test_forget_survives_sigkills(collected: Path, tmp_path: Path) -> None:
    db_path = _copy_collection(collected, _fresh_dir(tmp_path, "forgetting"))
    with sqlite3.connect(db_path) as connection:
        articles = [row[0] for row in connection.execute("select id from articles order by id")]
    schedule = random.Random(SEED)
    kills = attempts = 0
    for article_id in articles[: KILLS * 2]:
        args = ["forget", "--db", db_path, "--article", article_id, "--reason", "takedown", "--by", "test"]
        attempts += 1
        # Forget is quick: kills land in start-up, in the transaction or among the file deletions.
        kills += _kill_at(_start(args), schedule.uniform(0.05, 1.2))
        with sqlite3.connect(db_path, timeout=30) as connection:
            assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
            assert connection.execute("pragma foreign_key_check").fetchall() == []
        db = open_database(db_path)
        try:
            store = open_store(db, StoreConfig())
            assert store is not None
            report = verify(db, store)
        finally:
            db.close()
        # Nothing a capture names is missing or damaged; what a kill leaves is a forgotten file still on
        # disk (the tombstone names it) or a file no row names, both explained, both finished by forget.
        assert report.missing == [] and report.altered == [], (report.missing, report.altered)
        if report.forgotten_left:
            assert _start(args).wait(timeout=60) == 0
    assert kills >= KILLS // 2, f"only {kills} of {attempts} kills landed"
    db = open_database(db_path)
    try:
        store = open_store(db, StoreConfig())
        assert store is not None
        assert verify(db, store).ok
    finally:
        db.close()


def test_export_survives_sigkills(collected: Path, tmp_path: Path) -> None:
    # A WACZ is written aside and renamed: a kill leaves either no file, or a whole earlier one.
    db_path = _copy_collection(collected, _fresh_dir(tmp_path, "exporting"))
    with sqlite3.connect(db_path) as connection:
        articles = [row[0] for row in connection.execute("select id from articles order by id")]
    output = tmp_path / "evidence.wacz"
    args = ["export", "--db", db_path, "-o", str(output)]
    for article_id in articles:
        args += ["--article", article_id]
    started = time.monotonic()
    assert _start(args).wait(timeout=300) == 0
    full_run = time.monotonic() - started
    whole = output.read_bytes()
    output.unlink()
    schedule = random.Random(SEED)
    kills = attempts = 0
    while kills < KILLS // 2:
        attempts += 1
        assert attempts < KILLS * 4, f"only {kills} kills landed in {attempts} runs"
        kills += _kill_at(_start(args), schedule.uniform(0.05, full_run))
        if output.exists():
            with zipfile.ZipFile(output) as wacz:
                assert wacz.testzip() is None and "datapackage-digest.json" in wacz.namelist()
            output.unlink()
        assert [p.name for p in tmp_path.iterdir() if p.suffix == ".wacz"] == []
    assert _start(args).wait(timeout=300) == 0
    with zipfile.ZipFile(output) as final, zipfile.ZipFile(io.BytesIO(whole)) as reference:
        # Record ids and times differ from run to run; the members and the stored bodies do not.
        assert final.namelist() == reference.namelist() and final.testzip() is None
        assert final.read("pages/pages.jsonl").count(b"\n") == reference.read("pages/pages.jsonl").count(
            b"\n"
        )
    # What the killed runs left beside the output was cleared by the last one.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evidence.wacz", "exporting"]


# --- refresh ------------------------------------------------------------------------------------------------

POSTS = 150


def test_refresh_survives_twenty_sigkills(tmp_path: Path) -> None:
    with FakePlatform() as fake:
        config = write_config(fake, tmp_path)
        db_path = str(tmp_path / "refresh.db")
        db = open_database(db_path)
        seed(db, [tweet(str(5000 + n)) for n in range(POSTS)])
        db.close()
        fake.delay = 0.01  # long enough that kills land between checks, short enough for twenty runs
        schedule = random.Random(SEED)
        kills = attempts = midway = 0
        args = ["refresh", "--db", db_path, "--config", str(config), "--all", "--silent"]
        while kills < KILLS:
            attempts += 1
            assert attempts < KILLS * 4, f"only {kills} kills landed in {attempts} runs"
            before = _rows(db_path)
            # Killed a random moment after the run began writing checks: on a loaded machine a fixed delay
            # from the start lands before the first write as often as not, and tests nothing.
            landed = _kill_while_writing(
                _start(args), db_path, len(before["checks"]), schedule.uniform(0.0, 0.6)
            )
            kills += landed
            _assert_refresh_whole(db_path)
            # The seeded capture was written directly, not read: only the checks' answers are the run's.
            _assert_evidence(db_path, captures=False, checks=True)
            after = _rows(db_path)
            for table, ids in before.items():
                assert ids <= after[table], f"kill {kills}: rows of {table} written before it are gone"
            midway += landed and len(before["checks"]) < len(after["checks"])
        # Most kills must land while checks are being written (the run had written some, not all).
        assert midway >= KILLS // 2
        fake.delay = 0.0
        finish = _start(args)
        assert finish.wait(timeout=300) == 0
        _assert_refresh_whole(db_path)
        with sqlite3.connect(db_path) as connection:
            statuses = dict(
                connection.execute("select status, count(*) from posts group by status").fetchall()
            )
            unchecked = connection.execute(
                "select count(*) from posts where status_checked_at is null"
            ).fetchone()
        # What an uninterrupted run gives: every post checked, every one available.
        assert statuses == {"available": POSTS} and unchecked[0] == 0


def _assert_refresh_whole(db_path: str) -> None:
    with sqlite3.connect(db_path, timeout=30) as connection:
        assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert connection.execute("pragma foreign_key_check").fetchall() == []
        # A post's status and the check that set it are written together, or not at all.
        orphan = connection.execute(
            "select count(*) from posts where status_checked_at is not null and not exists "
            "(select 1 from checks where checks.post_id = posts.id"
            " and checks.checked_at = posts.status_checked_at)"
        ).fetchone()[0]
        assert orphan == 0
