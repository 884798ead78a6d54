"""Schema upgrades under pressure (db.migrations.migrate): an older database (``m021_sources``, committed in
tests/fixtures/upgrade) upgraded by two commands at once, or killed at random moments during the upgrade, ends
upgraded once, with ``PRAGMA integrity_check`` ok and every row and counter right; two commands on a brand-new
database at once do not fail in migrations."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from embedtrail.db.migrations import migrations

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "upgrade" / "m021.db"
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ALL = [migration.name for migration in migrations._migrations]
TABLES = ("articles", "captures", "posts", "embeds", "mentions", "verification_notes", "accounts", "checks")

pytestmark = pytest.mark.slow

# Opens the database (and so upgrades it), then does nothing: what every command does first.
OPEN = "import sys; from embedtrail.db.store import open_database; open_database(sys.argv[1]).close()"


def counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        return {table: conn.execute(f"select count(*) from {table}").fetchone()[0] for table in TABLES}


def assert_upgraded_once(path: Path, expected: dict[str, int]) -> None:
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        applied = [row[0] for row in conn.execute("select name from _sqlite_migrations order by name")]
        assert applied == sorted(ALL), "every migration applied exactly once"
        assert {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES} == expected
        wrong = conn.execute(
            "select count(*) from posts where citation_count is not "
            "(select count(*) from embeds where embeds.post_id = posts.id)"
        ).fetchone()[0]
        assert wrong == 0, "citation_count must equal each post's embeds"
        accounts = conn.execute(
            "select count(*) from accounts where citation_count is not (select count(*) from embeds "
            "join posts on posts.id = embeds.post_id where posts.account_id = accounts.id)"
        ).fetchone()[0]
        assert accounts == 0
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"


@pytest.fixture
def old_database(tmp_path: Path) -> Path:
    target = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, target)
    return target


def test_the_fixture_is_an_m021_database() -> None:
    with closing(sqlite3.connect(FIXTURE)) as conn:
        applied = [row[0] for row in conn.execute("select name from _sqlite_migrations")]
    assert applied[-1] == "m021_sources" and "m030_fast_pages" not in applied
    assert counts(FIXTURE)["embeds"] > 0


def test_two_commands_upgrading_at_once(old_database: Path) -> None:
    expected = counts(old_database)
    for _round in range(3):
        target = old_database.with_name(f"round-{_round}.db")
        shutil.copyfile(FIXTURE, target)
        both = [
            subprocess.Popen([sys.executable, "-c", OPEN, str(target)], stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        for process in both:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
        assert_upgraded_once(target, expected)


def test_killed_during_the_upgrade_at_random_moments(old_database: Path) -> None:
    expected = counts(old_database)
    chance = random.Random(2026)
    # How long a whole upgrade takes on this machine (interpreter start included): the kills land at random
    # moments within it, so a fast machine does not finish every upgrade before the first kill.
    timed = old_database.with_name("timed.db")
    shutil.copyfile(FIXTURE, timed)
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", OPEN, str(timed)], check=True)
    whole = time.monotonic() - started
    killed = 0
    for _ in range(12):
        target = old_database.with_name(f"killed-{killed}.db")
        shutil.copyfile(FIXTURE, target)
        process = subprocess.Popen([sys.executable, "-c", OPEN, str(target)])
        time.sleep(
            chance.uniform(0.3, 0.95) * whole
        )  # after the interpreter starts, somewhere in the upgrade
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed += 1
        process.wait()
        with closing(sqlite3.connect(target)) as conn:
            assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
            names = {row[0] for row in conn.execute("select name from _sqlite_migrations")}
        # All or nothing: a killed upgrade leaves the old schema, never half of the new one.
        assert names in ({*ALL}, {n for n in ALL if ALL.index(n) <= ALL.index("m021_sources")})
        finish = subprocess.run([sys.executable, "-c", OPEN, str(target)], capture_output=True, text=True)
        assert finish.returncode == 0, finish.stderr
        assert_upgraded_once(target, expected)
    assert killed > 0, "no kill landed: the timing window missed every upgrade"


def test_two_ingests_and_a_serve_on_a_brand_new_database(tmp_path: Path) -> None:
    database = tmp_path / "new.db"
    seed = SAMPLES / "seed-kremlin-drones.txt"
    ingest = [
        sys.executable,
        "-m",
        "embedtrail.tracker",
        "ingest",
        "--silent",
        "--db",
        str(database),
        str(seed),
    ]
    stats = [sys.executable, "-m", "embedtrail.tracker", "stats", "--db", str(database)]
    for _round in range(3):
        database.unlink(missing_ok=True)
        started = [subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True) for cmd in (ingest, ingest)]
        for process in started:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            assert "UNIQUE constraint" not in err and "already exists" not in err
        with closing(sqlite3.connect(database)) as conn:
            assert conn.execute("select count(*) from articles").fetchone()[0] == 1
            assert sorted(row[0] for row in conn.execute("select name from _sqlite_migrations")) == sorted(
                ALL
            )
    database.unlink()
    # A serve starting while an ingest creates the database: the serve's own first step is the migration.
    serve_first = subprocess.Popen(stats, stderr=subprocess.PIPE, text=True)
    writer = subprocess.Popen(ingest, stderr=subprocess.PIPE, text=True)
    for process in (serve_first, writer):
        _, err = process.communicate(timeout=120)
        assert "UNIQUE constraint" not in err and "already exists" not in err, err
    assert writer.returncode == 0
