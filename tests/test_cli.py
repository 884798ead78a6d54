"""The command line: ingest, stats, config; exit codes, --from-file, --silent, --db and $EMBEDTRAIL_DB."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from embedtrail.tracker.cli import cli


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(cli, list(args), input=input, env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def counts(db_path: str) -> dict[str, int]:
    db = Database(db_path)
    return {
        t: db[t].count
        for t in ("articles", "captures", "posts", "embeds", "mentions", "verification_notes", "accounts")
    }


def test_ingest_samples_then_again_changes_no_counts(db_path: str, samples_dir: Path) -> None:
    code, out, err = run("ingest", "--db", db_path, str(samples_dir))
    assert code == 0, err
    assert out.startswith("ingested 9 documents from 9 sources: 9 saved")
    first = counts(db_path)
    assert first["articles"] == 9 and first["captures"] == 9 and first["posts"] >= 40
    code, out, _ = run("ingest", "--db", db_path, str(samples_dir))
    assert code == 0
    assert "(9 unchanged)" in out and "new: nothing" in out
    assert counts(db_path) == first


def test_seed_acceptance_through_the_cli(db_path: str, seed_file: Path) -> None:
    code, _, err = run("ingest", "--db", db_path, str(seed_file))
    assert code == 0, err
    db = Database(db_path)
    (article,) = db["articles"].rows
    assert article["published_at"] == "2023-05-03"
    posts = {p["author_handle"]: p for p in db["posts"].rows}
    assert set(posts) == {"ANI", "Gerashchenko_en"}
    ani = posts["ANI"]
    assert ani["platform"] == "twitter" and ani["author_name"] == "ANI"
    assert ani["posted_at"] == "2023-05-03" and ani["posted_at_source"] == "text"
    assert ani["text"].startswith("#WATCH | Russia today alleged")
    assert json.loads(ani["media"]) == ["https://pic.twitter.com/tiXGUoLREi"]
    anton = posts["Gerashchenko_en"]
    assert anton["author_name"] == "Anton Gerashchenko"
    assert json.loads(anton["media"]) == ["https://pic.twitter.com/w7Bv1jQzYk"]
    mentions = {m["source_name"]: m for m in db["mentions"].rows}
    assert mentions["Russia's RT news"]["kind"] == "video"
    assert mentions["Russia's RT news"]["post_id"] == ani["id"]
    baza = mentions["Baza"]
    assert baza["kind"] == "video" and baza["platform"] == "telegram"
    assert baza["source_description"].startswith("a Telegram channel with links to Russia")
    (note,) = db["verification_notes"].rows
    assert note["verifier"] == "Reuters" and note["verdict"] == "unverified"
    assert note["mention_id"] == baza["id"]
    before = counts(db_path)
    assert run("ingest", "--db", db_path, str(seed_file))[0] == 0
    assert counts(db_path) == before


def test_bad_sources_are_reported_recorded_and_do_not_stop_the_rest(
    db_path: str, tmp_path: Path, seed_file: Path
) -> None:
    unsupported = tmp_path / "notes.pdf"
    unsupported.write_bytes(b"%PDF-1.4")
    missing = tmp_path / "missing.html"
    code, out, err = run("ingest", "--db", db_path, str(missing), str(unsupported), str(seed_file))
    assert code == 1
    assert f"failed: {missing}: no such file or directory" in err
    assert f"failed: {unsupported}: unsupported file type .pdf" in err
    assert "1 saved" in out and "2 failed" in out
    db = Database(db_path)
    assert db["articles"].count == 1
    run_row = next(iter(db["runs"].rows))
    assert run_row["exit_code"] == 1 and run_row["finished_at"]
    reasons = {e["source"]: e["reason"] for e in json.loads(run_row["errors"])}
    assert reasons[str(missing)] == "no such file or directory"
    assert json.loads(run_row["counts"])["failed"] == 2


def test_from_file_and_stdin(db_path: str, tmp_path: Path, samples_dir: Path) -> None:
    listing = tmp_path / "sources.txt"
    listing.write_text(
        f"# the seed\n{samples_dir / 'seed-kremlin-drones.txt'}\n\n{samples_dir / 'vox-1.html'}\n"
    )
    code, out, _ = run("ingest", "--db", db_path, "--from-file", str(listing))
    assert code == 0 and "2 saved" in out
    code, out, _ = run("ingest", "--db", db_path, "--from-file", "-", input=f"{samples_dir / 'nj-1.html'}\n")
    assert code == 0 and "1 saved" in out
    assert Database(db_path)["articles"].count == 3


def test_usage_errors_exit_2(db_path: str, tmp_path: Path) -> None:
    code, _, err = run("ingest", "--db", db_path)
    assert code == 2 and "give at least one SOURCE" in err
    code, _, err = run("ingest", "--db", db_path, "--from-file", str(tmp_path / "nope.txt"), "x.html")
    assert code == 2 and "cannot read --from-file" in err
    bad = tmp_path / "bad.toml"
    bad.write_text("[endpoints]\nno_such_key = 1\n")
    code, _, err = run("config", "--config", str(bad))
    assert code == 2 and "unknown key [endpoints] no_such_key" in err


def test_silent_prints_nothing_and_json_summary(db_path: str, seed_file: Path) -> None:
    code, out, err = run("ingest", "--silent", "--db", db_path, str(seed_file))
    assert (code, out, err) == (0, "", "")
    code, out, _ = run("ingest", "--json", "--db", db_path, str(seed_file))
    data = json.loads(out)
    assert code == 0 and data["saved"] == 1 and data["unchanged"] == 1 and data["errors"] == []


def test_db_from_environment(tmp_path: Path, seed_file: Path) -> None:
    target = tmp_path / "from-env.db"
    code, _, _ = run("ingest", str(seed_file), env={"EMBEDTRAIL_DB": str(target)})
    assert code == 0 and Database(str(target))["articles"].count == 1


def test_stats_text_and_json(db_path: str, samples_dir: Path) -> None:
    run("ingest", "--db", db_path, str(samples_dir))
    code, out, _ = run("stats", "--db", db_path, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["tables"]["articles"] == 9
    assert data["statuses"] == {"unchecked": data["tables"]["posts"]}
    assert set(data["platforms"]) >= {"twitter", "youtube"}
    code, out, _ = run("stats", "--db", db_path)
    assert code == 0 and "posts by platform:" in out and "twitter" in out


def test_stats_without_database_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("stats", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no database at" in err


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path, seed_file: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not sqlite" * 100)
    code, _, err = run("ingest", "--db", str(broken), str(seed_file))
    assert code == 1 and f"cannot open database {broken}" in err


def test_config_prints_defaults_and_file_values(tmp_path: Path) -> None:
    code, out, _ = run("config", env={"EMBEDTRAIL_CONFIG": ""})
    assert code == 0 and 'twitter_oembed = "https://publish.twitter.com/oembed"' in out
    custom = tmp_path / "embedtrail.toml"
    custom.write_text(
        '[endpoints]\nyoutube_oembed = "http://127.0.0.1:9/oembed"\n[limits]\nconcurrency = 8\n'
    )
    code, out, _ = run("config", "--json", "--config", str(custom))
    data = json.loads(out)
    assert data["endpoints"]["youtube_oembed"] == "http://127.0.0.1:9/oembed"
    assert data["limits"]["concurrency"] == 8


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and "Usage:" in out


def test_a_database_busy_past_the_timeout_is_exit_3_not_a_traceback(
    db_path: str, seed_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Round two: a second writer crashed with "database is locked" from start_run."""
    from embedtrail.db import migrations

    assert CliRunner().invoke(cli, ["ingest", "--silent", "--db", db_path, str(seed_file)]).exit_code == 0
    monkeypatch.setattr(migrations, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db_path)
    holder.execute("BEGIN IMMEDIATE")  # another process writing a huge page, say
    try:
        result = CliRunner().invoke(cli, ["ingest", "--db", db_path, str(seed_file)])
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == 3, result.output
    assert "is busy: another process held its write lock" in result.stderr
    assert "Traceback" not in result.output


def test_a_read_only_database_is_a_clear_error(
    db_path: str, seed_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from embedtrail.db import store
    from embedtrail.tracker import cli as cli_module

    assert CliRunner().invoke(cli, ["ingest", "--silent", "--db", db_path, str(seed_file)]).exit_code == 0

    def read_only(path: str) -> object:
        db = store.open_database(path)
        db.execute("PRAGMA query_only = ON")  # what a file the process may not write looks like to SQLite
        return db

    monkeypatch.setattr(cli_module, "open_database", read_only)
    result = CliRunner().invoke(cli, ["ingest", "--db", db_path, str(seed_file)])
    assert result.exit_code == 1, result.output
    assert "is read-only" in result.stderr and "Traceback" not in result.output


def test_every_failure_is_listed_or_counted(db_path: str, tmp_path: Path) -> None:
    missing = [str(tmp_path / f"gone-{n}.html") for n in range(25)]
    result = CliRunner().invoke(cli, ["ingest", "--silent", "--db", db_path, *missing])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:20] == [f"failed: {path}: no such file or directory" for path in missing[:20]]
    assert lines[20:] == ["… and 5 more (see runs.errors)"]
    with sqlite3.connect(db_path) as connection:
        (errors,) = connection.execute("select errors from runs").fetchone()
    assert [e["source"] for e in json.loads(errors)] == missing
    assert all(set(e) == {"source", "reason"} for e in json.loads(errors))


@pytest.mark.parametrize("option", ["--feed", "--sitemap", "--wayback"])
def test_a_url_option_without_an_http_url_is_a_usage_error(db_path: str, option: str) -> None:
    result = CliRunner().invoke(cli, ["ingest", "--db", db_path, option, "news.example/feed.xml"])
    assert result.exit_code == 2
    assert "'news.example/feed.xml' is not an http(s) URL" in result.stderr


def test_errors_a_volunteer_can_act_on_say_how(db_path: str) -> None:
    sources = ["ftp://example.com/a", "http://127.0.0.1:9/a", "http://u:p@example.com/"]
    result = CliRunner().invoke(cli, ["ingest", "--db", db_path, *sources])
    said = {
        source: line for line in result.stderr.splitlines() for source in sources if f" {source}: " in line
    }
    assert (
        "embedtrail reads http:// and https:// URLs" in said[sources[0]]
        and "(not ftp://)" in said[sources[0]]
    )
    assert "127.0.0.1 is loopback" in said[sources[1]] and "--allow-private" in said[sources[1]]
    assert "sends no credentials" in said[sources[2]]


def test_a_dns_failure_names_its_host() -> None:
    from embedtrail.tracker.fetch import FetchError

    detail = "nope.invalid: Name or service not known"
    error = FetchError("https://nope.invalid/a", "dns", detail, "2025-01-01T00:00:00Z")
    hint = "check the host name, and that this machine can resolve names"
    assert error.explained() == f"dns: {detail} ({hint})"


def test_the_command_line_loads_datasette_and_the_cdxj_indexer_only_for_the_commands_that_use_them() -> None:
    # Every cron run of ingest or refresh starts a process: Datasette and cdxj-indexer (with the pkg_resources
    # it loads) cost it most of a second of imports it never needs.
    import subprocess
    import sys

    code = (
        "import sys; from embedtrail.tracker.cli import cli; "
        "print(sorted(m for m in ('datasette', 'cdxj_indexer', 'pkg_resources') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
