"""``embedtrail config`` never prints credentials: set secrets show as ``***`` in TOML and JSON output."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from embedtrail.tracker.cli import cli

SECRETS = {"archive_access_key": "AKIA-ACCESS", "archive_secret_key": "very-secret-key", "secret": "s3rv3"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "embedtrail.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_masks_set_secrets(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[refresh]\narchive_access_key = "AKIA-ACCESS"\narchive_secret_key = "very-secret-key"\n'
        '[serve]\nsecret = "s3rv3"\n',
    )
    runner = CliRunner()
    toml = runner.invoke(cli, ["config", "--config", str(path)])
    as_json = runner.invoke(cli, ["config", "--json", "--config", str(path)])
    assert toml.exit_code == 0 and as_json.exit_code == 0, toml.output + as_json.output
    for value in SECRETS.values():
        assert value not in toml.output and value not in as_json.output
    assert 'archive_access_key = "***"' in toml.output
    assert 'archive_secret_key = "***"' in toml.output
    assert 'secret = "***"' in toml.output
    data = json.loads(as_json.output)
    assert data["refresh"]["archive_access_key"] == "***"
    assert data["refresh"]["archive_secret_key"] == "***"
    assert data["serve"]["secret"] == "***"
    # Everything else is printed as it is.
    assert (
        data["refresh"]["base_interval"]
        == json.loads(runner.invoke(cli, ["config", "--json"]).output)["refresh"]["base_interval"]
    )


def test_config_shows_unset_secrets_as_unset(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["config", "--config", str(write(tmp_path, "[refresh]\n"))])
    assert result.exit_code == 0, result.output
    assert "# archive_secret_key is unset" in result.output
    assert "# archive_access_key is unset" in result.output
    assert "***" not in result.output
    data = json.loads(runner.invoke(cli, ["config", "--json", "--config", str(write(tmp_path, ""))]).output)
    assert data["refresh"]["archive_secret_key"] is None
