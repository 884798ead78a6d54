"""The evidence store: every captured document and every platform answer kept as bytes, verified, forgotten
on request, published only when asked, and served as bytes, never as a page.

Documents come from the bundled samples and a local article server; platform answers from the fake platform
(``fakeplatform``); everything runs through the CLI a volunteer uses.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner, Result
from fakeplatform import FakePlatform

from embedtrail.db.bodies import BodyStore, StoreConfig, StoreFull, open_store, store_root, verify
from embedtrail.db.serving import make_datasette
from embedtrail.db.store import open_database
from embedtrail.tracker.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def ingested(tmp_path: Path) -> Path:
    """The samples ingested into a fresh database, with the store on (the default)."""
    db = tmp_path / "embedtrail.db"
    assert run("ingest", "--silent", "--db", str(db), str(SAMPLES)).exit_code == 0
    return db


def _query(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


def _store(db: Path) -> BodyStore:
    database = open_database(db)
    try:
        store = open_store(database, StoreConfig())
    finally:
        database.close()
    assert store is not None
    return store


# ------------------------------------------------------------------------------------------ storing


def test_every_capture_keeps_its_bytes_once(ingested: Path) -> None:
    store = _store(ingested)
    assert store.root == ingested.with_name("embedtrail.store")
    captures = _query(ingested, "select sha256, bytes from captures")
    bodies = dict(_query(ingested, "select sha256, size from bodies"))
    assert len(captures) == 9 and {sha for sha, _ in captures} <= set(bodies)
    originals = {hashlib.sha256(p.read_bytes()).hexdigest(): p.read_bytes() for p in SAMPLES.iterdir()}
    for sha, size in captures:
        data = store.read(str(sha))
        assert hashlib.sha256(data).hexdigest() == sha and len(data) == size == bodies[sha]
        assert data == originals[sha]  # the file as it was read, byte for byte
    # Stored compressed, once: reading the samples again stores nothing more.
    before = sorted(path for _sha, path in store.files())
    assert run("ingest", "--silent", "--db", str(ingested), str(SAMPLES)).exit_code == 0
    assert sorted(path for _sha, path in _store(ingested).files()) == before
    stored, raw = _query(ingested, "select sum(stored_size), sum(size) from bodies")[0]
    assert isinstance(stored, int) and isinstance(raw, int) and stored < raw / 2


def test_store_off_keeps_nothing(tmp_path: Path) -> None:
    config = tmp_path / "embedtrail.toml"
    config.write_text("[store]\nenabled = false\n", encoding="utf-8")
    db = tmp_path / "off.db"
    assert run("ingest", "--silent", "--db", str(db), "--config", str(config), str(SAMPLES)).exit_code == 0
    assert _query(db, "select count(*) from bodies") == [(0,)]
    assert not (tmp_path / "off.store").exists()


def test_store_location_is_configurable(tmp_path: Path) -> None:
    config = tmp_path / "embedtrail.toml"
    config.write_text('[store]\nlocation = "evidence"\n', encoding="utf-8")
    db = tmp_path / "db" / "where.db"
    db.parent.mkdir()
    assert run("ingest", "--silent", "--db", str(db), "--config", str(config), str(SAMPLES)).exit_code == 0
    assert len(list((db.parent / "evidence" / "bodies").rglob("*.zst"))) == 9
    assert store_root(db, StoreConfig(location="/abs/elsewhere")) == Path("/abs/elsewhere")


def test_a_full_store_says_so_and_saves_nothing_half(tmp_path: Path) -> None:
    config = tmp_path / "embedtrail.toml"
    config.write_text("[store]\nmax_bytes = 60000\n", encoding="utf-8")
    db = tmp_path / "full.db"
    result = CliRunner().invoke(cli, ["ingest", "--db", str(db), "--config", str(config), str(SAMPLES)])
    assert result.exit_code == 1
    assert "not saved: the evidence store is full" in result.output and "[store] max_bytes" in result.output
    saved = _query(db, "select count(*) from captures")[0][0]
    assert 0 < saved < 9
    # Every saved capture has its body; no document was saved without it.
    assert _query(db, "select count(*) from captures where sha256 not in (select sha256 from bodies)") == [
        (0,)
    ]
    used = _query(db, "select sum(stored_size) from bodies")[0][0]
    assert isinstance(used, int) and used <= 60000
    assert not list((tmp_path / "full.store" / "tmp").glob("*"))


def test_store_write_is_atomic_and_idempotent(tmp_path: Path) -> None:
    store = BodyStore(tmp_path / "s", max_bytes=10_000)
    first = store.write(b"hello" * 100)
    again = store.write(b"hello" * 100)
    assert first.new and not again.new and first.sha256 == again.sha256
    assert store.read(first.sha256) == b"hello" * 100
    assert not list((tmp_path / "s" / "tmp").iterdir())
    with pytest.raises(StoreFull):
        store.write(os.urandom(20_000))


# ------------------------------------------------------------------------------------------ verify


def test_verify_passes_names_damage_and_changes_nothing(ingested: Path) -> None:
    result = run("verify", "--db", str(ingested))
    assert result.exit_code == 0 and "verified 9 stored bodies" in result.output
    store = _store(ingested)
    (sha, article), *_ = _query(ingested, "select sha256, article_id from captures order by id")
    path = store.path(str(sha))
    original = path.read_bytes()
    path.write_bytes(zstandard.ZstdCompressor().compress(b"something else"))
    before = hashlib.sha256(ingested.read_bytes()).hexdigest()
    damaged = CliRunner().invoke(cli, ["verify", "--db", str(ingested)])
    assert damaged.exit_code == 1
    assert f"altered: {sha}" in damaged.output and f"article {article}" in damaged.output
    path.write_bytes(b"not zstd at all")
    assert CliRunner().invoke(cli, ["verify", "--db", str(ingested)]).exit_code == 1
    path.unlink()
    missing = CliRunner().invoke(cli, ["verify", "--db", str(ingested), "--json"])
    assert missing.exit_code == 1
    report = json.loads(missing.output)
    assert report["missing"] == [{"sha256": sha, "named_by": f"capture 1 of article {article}"}]
    assert hashlib.sha256(ingested.read_bytes()).hexdigest() == before  # read only
    path.write_bytes(original)
    assert run("verify", "--db", str(ingested)).exit_code == 0


def test_verify_explains_what_an_interrupted_run_leaves(ingested: Path) -> None:
    store = _store(ingested)
    # A body written but never indexed (killed before its row committed), and a half-written one.
    orphan = store.write(b"<html>never indexed</html>")
    (store.root / "tmp" / "abc.partial").write_bytes(b"half")
    result = run("verify", "--db", str(ingested))
    assert result.exit_code == 0
    assert "1 stored file(s) no row names: left by an interrupted run" in result.output
    assert "1 half-written file(s)" in result.output
    report = verify(open_database(ingested), store)
    assert report.unreferenced == [orphan.sha256] and report.ok


def test_verify_counts_rows_whose_bodies_were_never_kept(tmp_path: Path) -> None:
    config = tmp_path / "off.toml"
    config.write_text("[store]\nenabled = false\n", encoding="utf-8")
    db = tmp_path / "embedtrail.db"
    assert run("ingest", "--silent", "--db", str(db), "--config", str(config), str(SAMPLES)).exit_code == 0
    result = run("verify", "--db", str(db))
    assert result.exit_code == 0 and "9 captures row(s) with no kept body" in result.output


def test_verify_never_migrates_an_old_database(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    old.write_bytes((ROOT / "tests" / "fixtures" / "upgrade" / "m021.db").read_bytes())
    before = old.read_bytes()
    result = CliRunner().invoke(cli, ["verify", "--db", str(old)])
    assert result.exit_code == 1 and "has no evidence store yet" in result.output
    assert old.read_bytes() == before


# ------------------------------------------------------------------------------------------ forget


def test_forget_removes_the_bytes_keeps_the_trail_and_a_tombstone(ingested: Path) -> None:
    article, sha = _query(ingested, "select article_id, sha256 from captures order by id limit 1")[0]
    store = _store(ingested)
    assert store.has(str(sha))
    result = run(
        "forget",
        "--db",
        str(ingested),
        "--article",
        str(article),
        "--reason",
        "DMCA 2026-12-01",
        "--by",
        "desk editor",
    )
    assert "forgot 1 stored body(ies) (tombstone 1): 1 file(s) removed" in result.output
    assert not store.has(str(sha))
    assert _query(ingested, "select count(*) from captures where article_id = ?", (article,)) == [(1,)]
    assert _query(ingested, "select target, reason, requested_by, body_count from forgotten") == [
        (f"article {article}", "DMCA 2026-12-01", "desk editor", 1)
    ]
    assert _query(ingested, "pragma integrity_check") == [("ok",)]
    verified = run("verify", "--db", str(ingested))
    assert verified.exit_code == 0 and "1 body(ies) forgotten on request" in verified.output
    # The same content read again is not kept again.
    assert run("ingest", "--silent", "--db", str(ingested), str(SAMPLES)).exit_code == 0
    assert not store.has(str(sha))


def test_forget_finishes_what_an_interrupted_forget_left(ingested: Path) -> None:
    article, sha = _query(ingested, "select article_id, sha256 from captures order by id limit 1")[0]
    store = _store(ingested)
    kept = store.path(str(sha)).read_bytes()
    run("forget", "--db", str(ingested), "--article", str(article), "--reason", "takedown")
    # As if killed after the tombstone committed and before the file went.
    store.path(str(sha)).write_bytes(kept)
    left = CliRunner().invoke(cli, ["verify", "--db", str(ingested)])
    assert left.exit_code == 1 and f"forgotten but still on disk: {sha}" in left.output
    again = run("forget", "--db", str(ingested), "--article", str(article), "--reason", "takedown")
    assert "1 file(s) removed" in again.output
    assert run("verify", "--db", str(ingested)).exit_code == 0


def test_forget_usage_errors(ingested: Path) -> None:
    for args, expected in (
        (["--reason", "x"], "name what to forget"),
        (["--article", "nope", "--reason", "x"], "no such article or post: nope"),
        (["--post", "twitter:1"], "Missing option '--reason'"),
        (["--post", "twitter:1", "--reason", "  "], "say why"),
    ):
        result = CliRunner().invoke(cli, ["forget", "--db", str(ingested), *args])
        assert result.exit_code == 2 and expected in result.output, (args, result.output)


# ------------------------------------------------------------------------------------------ check answers


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    with FakePlatform() as server:
        yield server


def test_refresh_keeps_every_platform_answer_with_its_headers(ingested: Path, fake: FakePlatform) -> None:
    config = ingested.with_name("embedtrail.toml")
    config.write_text(fake.endpoints_toml() + "[fetch]\nallow_private = true\n", encoding="utf-8")
    deleted = str(
        _query(
            ingested,
            "select native_id from posts where platform = 'twitter' "
            "and native_id glob '[0-9]*' order by id limit 1",
        )[0][0]
    )
    fake.set("twitter", deleted, "deleted")
    result = run("refresh", "--all", "--silent", "--db", str(ingested), "--config", str(config))
    assert result.exit_code in (0, 1)
    answered = _query(
        ingested, "select post_id, body_sha256, headers from checks where body_sha256 is not null"
    )
    assert len(answered) >= 40
    store = _store(ingested)
    for _post, sha, headers in answered:
        assert store.has(str(sha)), sha
        assert json.loads(str(headers))["content-type"]
    sha = _query(ingested, "select body_sha256 from checks where post_id = ?", (f"twitter:{deleted}",))[0][0]
    answer = json.loads(store.read(str(sha)))
    assert answer["__typename"] == "TweetTombstone"  # the fake's syndication answer, as received
    assert run("verify", "--db", str(ingested)).exit_code == 0
    # Forgetting a post removes its answers.
    forgotten = run("forget", "--db", str(ingested), "--post", f"twitter:{deleted}", "--reason", "request")
    assert "file(s) removed" in forgotten.output and not store.has(str(sha))


# ------------------------------------------------------------------------------------------ serving


@pytest.mark.asyncio
async def test_stored_bodies_are_served_as_bytes_never_as_pages(ingested: Path) -> None:
    database = open_database(ingested)
    root = store_root(database, StoreConfig())
    database.close()
    sha = str(_query(ingested, "select sha256 from captures order by id limit 1")[0][0])
    datasette = make_datasette(ingested, store_root=root)
    try:
        response = await datasette.client.get(f"/-/embedtrail/body/{sha}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        assert "sandbox" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert hashlib.sha256(response.content).hexdigest() == sha
        download = await datasette.client.get(f"/-/embedtrail/body/{sha}?download=1")
        assert download.headers["content-disposition"].startswith("attachment")
        for bad in ("0" * 64, "not-a-digest", sha.upper()):
            assert (await datasette.client.get(f"/-/embedtrail/body/{bad}")).status_code == 404
        article = str(_query(ingested, "select article_id from captures where sha256 = ?", (sha,))[0][0])
        page = (await datasette.client.get(f"/-/article/{article}")).text
        assert f'href="/-/embedtrail/body/{sha}"' in page
    finally:
        for db in datasette.databases.values():
            db.close()
    # Without the store (a snapshot published without bodies) the link target says so.
    bare = make_datasette(ingested)
    try:
        response = await bare.client.get(f"/-/embedtrail/body/{sha}")
        assert response.status_code == 404 and "not published" in response.text
    finally:
        for db in bare.databases.values():
            db.close()


def test_publish_leaves_bodies_out_unless_asked(ingested: Path, tmp_path: Path) -> None:
    article = _query(ingested, "select article_id from captures order by id limit 1")[0][0]
    run("forget", "--db", str(ingested), "--article", str(article), "--reason", "x", "--by", "alice")
    plain = tmp_path / "public"
    assert run("publish", str(plain), "--db", str(ingested)).exit_code == 0
    assert not (plain / "bodies").exists()
    assert _query(plain / "embedtrail.db", "select requested_by from forgotten") == [(None,)]
    full = tmp_path / "public-full"
    result = run("publish", str(full), "--db", str(ingested), "--with-bodies")
    assert result.exit_code == 0 and "8 stored bodies published" in result.output
    assert len(list((full / "bodies").rglob("*.zst"))) == 8
    # A snapshot with bodies can be republished over (its bodies/ is part of a snapshot).
    assert run("publish", str(full), "--db", str(ingested), "--with-bodies").exit_code == 0


def test_the_post_as_last_shown_survives_its_deletion(ingested: Path, fake: FakePlatform) -> None:
    # Checked while available (the answer shows the text), then deleted: the provenance page still shows
    # what the platform last showed, with its date and a link to the answer's bytes, as text only.
    config = ingested.with_name("embedtrail.toml")
    config.write_text(fake.endpoints_toml() + "[fetch]\nallow_private = true\n", encoding="utf-8")
    native = str(
        _query(
            ingested,
            "select native_id from posts where platform = 'twitter' "
            "and native_id glob '[0-9]*' order by id limit 1",
        )[0][0]
    )
    post = f"twitter:{native}"
    args = ["refresh", "--silent", "--db", str(ingested), "--config", str(config)]
    assert run(*args, "--all").exit_code in (0, 1)
    fake.set("twitter", native, "deleted")
    assert run(*args, "--all").exit_code in (0, 1)
    checks = _query(
        ingested, "select status, post_as_answered from checks where post_id = ? order by checked_at", (post,)
    )
    assert [status for status, _ in checks] == ["available", "deleted"]
    shown = json.loads(str(checks[0][1]))
    assert shown["author_handle"] == "jarredsumner" and shown["text"].startswith("Underdocumented")
    assert checks[1][1] is None  # a tombstone shows nothing of the post
    database = open_database(ingested)
    root = store_root(database, StoreConfig())
    database.close()
    datasette = make_datasette(ingested, store_root=root)
    try:
        page = asyncio.run(datasette.client.get(f"/-/provenance/{post}")).text
    finally:
        for db in datasette.databases.values():
            db.close()
    assert "The post as the platform answered" in page
    section = page.split("The post as the platform answered", 1)[1].split("</section>", 1)[0]
    assert "Underdocumented: `bun build --compile`" in section and "@jarredsumner" in section
    sha = _query(
        ingested, "select body_sha256 from checks where post_id = ? and status = 'available'", (post,)
    )
    assert f'href="/-/embedtrail/body/{sha[0][0]}"' in section
    assert "<img" not in section and "pbs.twimg.com" not in section.split("<ul", 1)[0]
