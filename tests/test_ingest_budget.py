"""A page over its extraction budget is recorded as failed and the run goes on (tracker.budget in ingest)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database

# Seconds each: make test runs them, make test-fast leaves them out.
pytestmark = pytest.mark.slow


def test_a_page_over_its_memory_budget_fails_alone(tmp_path: Path, db_path: str, seed_file: Path) -> None:
    # 200,000 nested elements: a tree of a few hundred MiB, far more than any real article needs.
    hostile = tmp_path / "nested.html"
    hostile.write_bytes(b"<html><body>" + b"<div>" * 200_000 + b"<p>x</p></body></html>")
    config = tmp_path / "budget.toml"
    config.write_text("[limits]\nextract_memory_mb = 64\n")
    # A process of its own, as cron starts it: the budget is what one page may add to a worker's address
    # space, and a worker forked from this long-running test process would start with its heap to reuse.
    command = ["ingest", "--db", db_path, "--config", str(config), "--json", str(hostile), str(seed_file)]
    result = subprocess.run(
        [sys.executable, "-m", "embedtrail.tracker", *command], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1, result.stdout + result.stderr
    summary = json.loads(result.stdout)
    assert summary["saved"] == 1
    (error,) = summary["errors"]
    assert error["source"] == str(hostile)
    assert error["reason"].startswith("extraction over budget: ")
    db = Database(db_path)
    assert db["articles"].count == 1 and db["posts"].count == 2
