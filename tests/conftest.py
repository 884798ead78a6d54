"""Shared fixtures: database paths, the bundled sample articles, and closing every database a test opens."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    """A fresh database file path in the test's temporary directory."""
    return str(tmp_path / "embedtrail.db")


@pytest.fixture
def samples_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled sample articles (the seed and a handful of real saved pages)."""
    target = tmp_path / "samples"
    shutil.copytree(SAMPLES, target)
    return target


@pytest.fixture
def seed_file(samples_dir: Path) -> Path:
    """The seed article as a plain-text file."""
    return samples_dir / "seed-kremlin-drones.txt"


@pytest.fixture(autouse=True)
def close_all_databases(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Close every sqlite-utils Database a test opened, so WAL files and handles never leak between tests."""
    opened: list[Database] = []
    original = Database.__init__

    def tracking_init(self: Database, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        opened.append(self)

    monkeypatch.setattr(Database, "__init__", tracking_init)
    yield
    for db in opened:
        with contextlib.suppress(Exception):
            db.close()
