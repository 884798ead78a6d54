"""``embedtrail publish`` is crash-safe and publishes nothing private (db/serving.py publish).

Round two found that a full disk truncated a good ``metadata.yaml`` beside the new database, that a SIGKILL
during ``VACUUM INTO`` left partial files nobody removed, and (issue 13) that a snapshot carried the
publisher's local paths. Now the snapshot is built beside its directory and swapped in whole, stale partials
are removed, a directory holding anything else needs ``--force``, and local paths are stripped unless
``--keep-paths``.
"""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from embedtrail.db import serving
from embedtrail.db.serving import PublishError, publish
from embedtrail.tracker.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ARCHIVE = Path(__file__).resolve().parent / "fixtures" / "archives"


def everything_in(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A database of saved files without canonical URLs (captures read from file:// paths), a text dump and a
    web archive."""
    path = tmp_path / "private" / "embedtrail.db"
    path.parent.mkdir()
    local = tmp_path / "private" / "notes-on-a-source.html"
    local.write_text(
        '<html><body><article><p>The clip: <a href="https://twitter.com/a/status/1000000000000000009">'
        "here</a>.</p></article></body></html>",
        encoding="utf-8",
    )
    sources = [
        str(local),
        str(SAMPLES / "seed-kremlin-drones.txt"),
        *map(str, sorted(ARCHIVE.glob("*.warc*"))),
    ]
    # A process of its own, as a volunteer runs it: runs.arguments records its real command line.
    result = subprocess.run(
        [sys.executable, "-m", "embedtrail.tracker", "ingest", "--silent", "--db", str(path), *sources],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("select count(*) from captures where url like 'file:%'").fetchone()[0] >= 1
        assert conn.execute("select count(*) from runs where arguments like '%private%'").fetchone()[0] >= 1
    return path


def test_a_snapshot_names_no_local_path(database: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = CliRunner().invoke(cli, ["publish", str(out), "--db", str(database)])
    assert result.exit_code == 0, result.output
    published = everything_in(out)
    assert b"file://" not in published
    assert str(tmp_path).encode() not in published
    assert b"notes-on-a-source" not in published
    with closing(sqlite3.connect(out / "embedtrail.db")) as conn:
        assert conn.execute("select count(*) from captures where url like 'local-file:%'").fetchone()[0] >= 1
        assert conn.execute("select count(*) from captures where archive_file is not null").fetchone()[0] == 0
        assert {row[0] for row in conn.execute("select arguments from runs")} == {"[]"}
    kept = tmp_path / "kept"
    assert (
        CliRunner().invoke(cli, ["publish", str(kept), "--db", str(database), "--keep-paths"]).exit_code == 0
    )
    assert b"file://" in everything_in(kept)


def test_a_directory_holding_other_files_needs_force(database: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("someone's page", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["publish", str(out), "--db", str(database)])
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert (out / "index.html").exists() and not (out / "embedtrail.db").exists()
    forced = CliRunner().invoke(cli, ["publish", str(out), "--db", str(database), "--force"])
    assert forced.exit_code == 0, forced.output
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "embedtrail.db", "metadata.yaml"]
    # An earlier snapshot is replaced without --force, whole.
    again = CliRunner().invoke(cli, ["publish", str(out), "--db", str(database)])
    assert again.exit_code == 0, again.output
    assert not list(tmp_path.glob("site.*")), "no staging or retired directory is left"


def test_a_full_disk_leaves_the_previous_snapshot_intact(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "public"
    publish(database, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    original = serving._write_file

    def full_disk(path: Path, text: str) -> None:
        if path.name == "metadata.yaml":
            raise OSError(errno.ENOSPC, "No space left on device")
        original(path, text)

    monkeypatch.setattr(serving, "_write_file", full_disk)
    with pytest.raises(OSError, match="No space left"):
        publish(database, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(tmp_path.glob("public.*")), "the staging directory is removed"


def test_what_a_killed_publish_leaves_is_removed_by_the_next(database: Path, tmp_path: Path) -> None:
    # A database large enough that VACUUM INTO takes a while.
    with closing(sqlite3.connect(database)) as conn:
        conn.execute("create table filler (blob)")
        conn.executemany("insert into filler values (randomblob(100000))", [()] * 600)
        conn.commit()
    out = tmp_path / "public"
    process = subprocess.Popen(
        [sys.executable, "-m", "embedtrail.tracker", "publish", str(out), "--db", str(database)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    staged = tmp_path / f"public.partial-{process.pid}"
    deadline = time.monotonic() + 60
    while not (staged / "embedtrail.db").exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert staged.exists(), "the kill landed after the publish finished: make the filler larger"
    publish(database, out)
    assert not staged.exists()
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "embedtrail.db", "metadata.yaml"]


def test_a_stale_partial_file_inside_the_directory_goes_too(database: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    publish(database, out)
    leftover = out / ".embedtrail.db.partial-99999999"
    leftover.write_bytes(b"x" * 1000)
    publish(database, out)
    assert not leftover.exists()


def test_publish_refuses_a_file_as_its_directory(database: Path, tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(PublishError):
        publish(database, target)
