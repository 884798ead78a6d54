"""A page over its extraction budget is recorded as failed and the run goes on (tracker.budget in ingest)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlite_utils import Database

from embedtrail.tracker.cli import cli


def test_a_page_over_its_memory_budget_fails_alone(tmp_path: Path, db_path: str, seed_file: Path) -> None:
    # 200,000 nested elements: a tree of a few hundred MiB, far more than any real article needs.
    hostile = tmp_path / "nested.html"
    hostile.write_bytes(b"<html><body>" + b"<div>" * 200_000 + b"<p>x</p></body></html>")
    config = tmp_path / "budget.toml"
    config.write_text("[limits]\nextract_memory_mb = 64\n")
    result = CliRunner().invoke(
        cli, ["ingest", "--db", db_path, "--config", str(config), "--json", str(hostile), str(seed_file)]
    )
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["saved"] == 1
    (error,) = summary["errors"]
    assert error["source"] == str(hostile)
    assert error["reason"].startswith("extraction over budget: ")
    db = Database(db_path)
    assert db["articles"].count == 1 and db["posts"].count == 2
