"""``embedtrail reextract``: today's extractor over stored bodies, with no network.

What an older extractor wrote is made by hand from a real ingest (rows it missed deleted, a false positive
added, its version recorded), then ``reextract`` is run through the CLI as a volunteer runs it after an
upgrade: it adds what it finds, marks what it no longer finds, says so per article, and writes nothing
with ``--dry-run``. Pages are served by a local server that is stopped before re-extracting.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner, Result
from servers import LocalServer, Reply, serve

from embedtrail.scrapers.version import EXTRACTOR_VERSION, extractor_version
from embedtrail.tracker.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
OLD = "0.0.1+0123456789ab"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _query(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


def _write(db: Path, sql: str, params: tuple[object, ...] = ()) -> None:
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(sql, params)


def _dump(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return list(conn.iterdump())


@pytest.fixture
def web() -> Iterator[LocalServer]:
    """The samples served over HTTP, as a volunteer's articles are."""
    routes = {
        f"/{path.name}": Reply(
            body=path.read_bytes(),
            content_type="text/plain; charset=utf-8" if path.suffix == ".txt" else "text/html; charset=utf-8",
        )
        for path in SAMPLES.iterdir()
    }
    server = serve(routes)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def collected(tmp_path: Path, web: LocalServer) -> Path:
    """The samples ingested from the web, then the web gone: only the store holds the pages now."""
    db = tmp_path / "embedtrail.db"
    config = tmp_path / "embedtrail.toml"
    config.write_text("[fetch]\nallow_private = true\n", encoding="utf-8")
    urls = [web.url(f"/{path.name}") for path in sorted(SAMPLES.iterdir())]
    result = run("ingest", "--silent", "--db", str(db), "--config", str(config), *urls)
    assert result.exit_code == 0, result.output
    web.close()
    return db


def _as_an_older_extractor_left_it(db: Path) -> dict[str, object]:
    """Rows an older extractor would have left: one embed and every mention of an article missing, a link it
    took for a citation, and its own version on every article."""
    article, embed = _query(db, "select article_id, id from embeds order by id limit 1")[0]
    mentions = _query(db, "select id from mentions")
    assert mentions, "the samples hold prose credits"
    post = _query(
        db,
        "select id from posts where id not in (select post_id from embeds where article_id = ?) limit 1",
        (article,),
    )[0][0]
    bogus = f"{article}:{post}"
    last_fetched = _query(db, "select last_fetched_at from articles where id = ?", (article,))[0][0]
    _write(
        db,
        "insert into embeds (id, article_id, post_id, method, position, context, first_seen_at, last_seen_at)"
        " values (?, ?, ?, 'link', 9999, 'a sidebar link', ?, ?)",
        (bogus, article, post, last_fetched, last_fetched),
    )
    _write(db, "delete from embeds where id = ?", (embed,))
    _write(db, "delete from mentions")
    _write(db, "update articles set extractor_version = ?", (OLD,))
    return {"article": article, "embed": embed, "mentions": len(mentions), "bogus": bogus}


def test_the_version_names_the_rules() -> None:
    assert EXTRACTOR_VERSION.split("+")[1] == extractor_version().split("+")[1]
    assert len(EXTRACTOR_VERSION.split("+")[1]) == 12


def test_ingest_records_the_extractor_that_read_each_article(collected: Path) -> None:
    versions = {row[0] for row in _query(collected, "select extractor_version from articles")}
    assert versions == {EXTRACTOR_VERSION}


def test_reextract_without_the_network_gains_and_marks(collected: Path) -> None:
    old = _as_an_older_extractor_left_it(collected)
    counts_before = _query(collected, "select count(*) from embeds")[0][0]
    result = run("reextract", "--db", str(collected), "--outdated", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["read"] == 9 and summary["failed"] == 0 and summary["dry_run"] is False
    assert summary["new"] == {"embeds": 1, "mentions": old["mentions"]}
    assert summary["dropped"] == {"embeds": 1}
    changed = {entry["article_id"]: entry for entry in summary["articles_changed"]}
    assert changed[old["article"]]["new"]["embeds"] == [old["embed"]]
    assert changed[old["article"]]["dropped"]["embeds"] == [old["bogus"]]
    assert changed[old["article"]]["previous_extractor_version"] == OLD
    # Found again, and the false positive marked, not deleted: its history stays.
    assert _query(collected, "select count(*) from embeds")[0][0] == counts_before + 1
    dropped = _query(
        collected, "select dropped_at, dropped_by_extractor from embeds where id = ?", (old["bogus"],)
    )
    assert dropped[0][0] and dropped[0][1] == EXTRACTOR_VERSION
    assert _query(collected, "select count(*) from embeds where dropped_at is not null")[0][0] == 1
    assert {row[0] for row in _query(collected, "select extractor_version from articles")} == {
        EXTRACTOR_VERSION
    }
    # The new rows are dated by when the page was read, not by this run.
    seen = _query(
        collected,
        "select e.first_seen_at, a.last_fetched_at from embeds e join articles a on a.id = e.article_id "
        "where e.id = ?",
        (old["embed"],),
    )[0]
    assert seen[0] == seen[1]
    # Everything current now: a second run changes nothing and reads nothing outdated.
    again = json.loads(run("reextract", "--db", str(collected), "--all", "--json").output)
    assert again["read"] == 9 and again["changed"] == 0 and again["dropped"] == {}
    assert json.loads(run("reextract", "--db", str(collected), "--outdated", "--json").output)["read"] == 0
    assert _query(collected, "pragma integrity_check") == [("ok",)]


def test_a_row_found_again_loses_its_mark(collected: Path) -> None:
    embed = _query(collected, "select id from embeds limit 1")[0][0]
    _write(
        collected, "update embeds set dropped_at = '2026-01-01T00:00:00Z', dropped_by_extractor = ?", (OLD,)
    )
    result = json.loads(run("reextract", "--db", str(collected), "--all", "--json").output)
    total = _query(collected, "select count(*) from embeds")[0][0]
    assert result["found_again"] == {"embeds": total}
    assert _query(collected, "select dropped_at from embeds where id = ?", (embed,)) == [(None,)]


def test_rows_of_an_earlier_version_of_the_article_are_not_marked(collected: Path) -> None:
    # An embed last seen before the latest capture was taken belongs to an older version of the page (an
    # edit removed it): the latest capture says nothing about it.
    article, capture_time = _query(
        collected, "select article_id, max(fetched_at) from captures group by article_id limit 1"
    )[0]
    post = _query(
        collected,
        "select id from posts where id not in (select post_id from embeds where article_id = ?) limit 1",
        (article,),
    )[0][0]
    _write(
        collected,
        "insert into embeds (id, article_id, post_id, method, position, context, first_seen_at, last_seen_at,"
        " removed_at) values (?, ?, ?, 'embed', 1, '', '2020-01-01', '2020-01-02', ?)",
        (f"{article}:{post}", article, post, capture_time),
    )
    result = json.loads(run("reextract", "--db", str(collected), "--all", "--json").output)
    assert result["dropped"] == {}
    assert _query(collected, "select dropped_at from embeds where id = ?", (f"{article}:{post}",)) == [
        (None,)
    ]


def test_dry_run_says_the_same_and_writes_nothing(collected: Path) -> None:
    _as_an_older_extractor_left_it(collected)
    before = _dump(collected)
    dry = run("reextract", "--db", str(collected), "--outdated", "--dry-run")
    assert dry.exit_code == 0
    assert "would change" in dry.output.splitlines()[-1]
    assert "no longer found" in dry.output and "+1 embeds" in dry.output
    assert _dump(collected) == before  # not even a runs row
    real = run("reextract", "--db", str(collected), "--outdated")
    assert [line.replace("would change", "changed") for line in dry.output.splitlines()[:-1]] == (
        real.output.splitlines()[:-1]
    )
    runs = _query(collected, "select command, exit_code from runs where command = 'reextract'")
    assert runs == [("reextract", 0)]


def test_articles_chosen_by_id_alias_url_and_time(collected: Path, web: LocalServer) -> None:
    article, url = _query(collected, "select id, url from articles order by id limit 1")[0]
    by_id = json.loads(run("reextract", "--db", str(collected), "--article", str(article), "--json").output)
    assert by_id["articles"] == 1
    by_url = json.loads(run("reextract", "--db", str(collected), "--article", str(url), "--json").output)
    assert by_url["articles"] == 1
    _write(
        collected,
        "insert into article_aliases (alias, article_id) values ('0ldid0ldid0ldid0', ?)",
        (article,),
    )
    by_alias = json.loads(
        run("reextract", "--db", str(collected), "--article", "0ldid0ldid0ldid0", "--json").output
    )
    assert by_alias["articles"] == 1
    later = json.loads(run("reextract", "--db", str(collected), "--since", "2999-01-01", "--json").output)
    assert later["articles"] == 0
    every = json.loads(run("reextract", "--db", str(collected), "--since", "2000-01-01", "--json").output)
    assert every["articles"] == 9


def test_usage_errors(collected: Path) -> None:
    bare = run("reextract", "--db", str(collected))
    assert bare.exit_code == 2 and "--all" in bare.output
    typo = run("reextract", "--db", str(collected), "--article", "nosucharticle")
    assert typo.exit_code == 2 and "no such article: nosucharticle" in typo.output
    bad_date = run("reextract", "--db", str(collected), "--since", "yesterday")
    assert bad_date.exit_code == 2


def test_bodies_not_stored_forgotten_or_altered_are_named_and_the_rest_go_on(collected: Path) -> None:
    store = collected.with_name("embedtrail.store")
    rows = _query(
        collected,
        "select a.id, c.sha256 from articles a join captures c on c.article_id = a.id order by a.id",
    )
    (forgotten, _), (altered, altered_sha), (missing, missing_sha) = rows[0], rows[1], rows[2]
    assert (
        run(
            "forget",
            "--db",
            str(collected),
            "--article",
            str(forgotten),
            "--reason",
            "takedown notice",
            "--by",
            "legal",
        ).exit_code
        == 0
    )
    path = store / "bodies" / str(altered_sha)[:2] / f"{altered_sha}.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(b"<p>other words</p>"))
    (store / "bodies" / str(missing_sha)[:2] / f"{missing_sha}.zst").unlink()
    result = run("reextract", "--db", str(collected), "--all")
    assert result.exit_code == 1
    assert f"failed: {forgotten}: its latest capture was forgotten on request" in result.output
    assert "takedown notice" in result.output
    assert f"failed: {altered}: stored body {altered_sha} is altered" in result.output
    assert f"failed: {missing}: its latest capture's body is not in the evidence store" in result.output
    assert "read 6 of 9 articles" in result.output and "3 failed" in result.output
    errors = json.loads(_query(collected, "select errors from runs where command = 'reextract'")[0][0])
    assert len(errors) == 3
    assert _query(collected, "pragma integrity_check") == [("ok",)]


def test_store_off_still_reads_what_was_kept(collected: Path, tmp_path: Path) -> None:
    config = tmp_path / "off.toml"
    config.write_text("[store]\nenabled = false\n", encoding="utf-8")
    result = json.loads(
        run("reextract", "--db", str(collected), "--config", str(config), "--all", "--json").output
    )
    assert result["read"] == 9 and result["failed"] == 0


def test_text_dumps_are_read_as_text(collected: Path) -> None:
    # The seed article is a plain-text dump: read again as text, its two flattened tweets and the Reuters
    # note are found again where they were.
    article = _query(collected, "select article_id from captures where content_type like 'text/plain%'")[0][0]
    _write(collected, "delete from verification_notes where article_id = ?", (article,))
    result = json.loads(run("reextract", "--db", str(collected), "--article", str(article), "--json").output)
    assert result["new"].get("verification_notes") == 1
    assert result["dropped"] == {}


def test_a_copy_of_the_database_elsewhere_reads_its_own_store(collected: Path, tmp_path: Path) -> None:
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copy(collected, moved / "embedtrail.db")
    shutil.copytree(collected.with_name("embedtrail.store"), moved / "embedtrail.store")
    result = json.loads(run("reextract", "--db", str(moved / "embedtrail.db"), "--all", "--json").output)
    assert result["read"] == 9 and result["failed"] == 0
    digest = hashlib.sha256((SAMPLES / "vox-1.html").read_bytes()).hexdigest()
    assert _query(moved / "embedtrail.db", "select count(*) from captures where sha256 = ?", (digest,)) == [
        (1,)
    ]


def test_live_captures_keep_their_response_headers(collected: Path) -> None:
    # The raw headers are kept with live captures as with archived ones (the evidence of what was served).
    rows = _query(collected, "select url, headers from captures")
    assert len(rows) == 9
    for _url, headers in rows:
        kept = json.loads(str(headers))
        assert kept["content-type"].startswith(("text/html", "text/plain")) and "content-length" in kept
