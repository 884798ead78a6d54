"""``embedtrail export``: a WACZ of the stored evidence that the reference validator accepts, holding the
original bytes under their original URLs, dates and headers, embedtrail's own rows, and nothing that was
forgotten; written whole or not at all.

The samples are served by a local server and ingested from it, checked against the fake platform, and the
network is gone before exporting.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fakeplatform import FakePlatform
from servers import LocalServer, Reply, Seen, serve
from warcio.archiveiterator import ArchiveIterator

from embedtrail.tracker.cli import cli
from embedtrail.tracker.export import ROWS_URI, SCRATCH

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _query(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


def wacz_validate(path: Path) -> subprocess.CompletedProcess[str]:
    """The reference validator (the ``wacz`` package), as a user runs it."""
    program = shutil.which("wacz", path=str(Path(sys.executable).parent))
    assert program, "the wacz package is in the test extra"
    return subprocess.run([program, "validate", "-f", str(path)], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("export")
    db = folder / "embedtrail.db"
    routes = {
        f"/news/{path.name}": Reply(
            body=path.read_bytes(),
            content_type="text/plain; charset=utf-8" if path.suffix == ".txt" else "text/html; charset=utf-8",
        )
        for path in SAMPLES.iterdir()
    }
    web: LocalServer = serve(routes)
    with FakePlatform() as fake:
        config = folder / "embedtrail.toml"
        config.write_text(fake.endpoints_toml() + "[fetch]\nallow_private = true\n", encoding="utf-8")
        urls = [web.url(f"/news/{path.name}") for path in sorted(SAMPLES.iterdir())]
        assert run("ingest", "--silent", "--db", str(db), "--config", str(config), *urls).exit_code == 0
        assert run("refresh", "--silent", "--all", "--db", str(db), "--config", str(config)).exit_code in (
            0,
            1,
        )
    web.close()
    yield db


def _records(path: Path) -> list[dict[str, object]]:
    with zipfile.ZipFile(path) as wacz, wacz.open("archive/data.warc.gz") as warc:
        found = []
        for record in ArchiveIterator(warc):
            body = record.content_stream().read()
            found.append(
                {
                    "type": record.rec_type,
                    "uri": record.rec_headers.get_header("WARC-Target-URI"),
                    "date": record.rec_headers.get_header("WARC-Date"),
                    "sha256": hashlib.sha256(body).hexdigest(),
                    "declared": record.rec_headers.get_header("WARC-Embedtrail-Sha256"),
                    "status": record.http_headers.get_statuscode() if record.http_headers else None,
                    "headers": dict(record.http_headers.headers) if record.http_headers else {},
                    "body": body,
                }
            )
    return found


def test_an_article_exports_as_a_valid_wacz_with_its_original_bytes(collected: Path, tmp_path: Path) -> None:
    article = _query(collected, "select id from articles where url like '%vox-1.html'")[0][0]
    output = tmp_path / "vox.wacz"
    result = run("export", "--db", str(collected), "--article", str(article), "-o", str(output), "--json")
    assert result.exit_code == 0, result.output + result.stderr
    summary = json.loads(result.stdout)
    assert (
        summary["records"]["capture"] == 1 and summary["records"]["answer"] >= 1 and summary["left_out"] == []
    )
    validation = wacz_validate(output)
    assert validation.returncode == 0 and "is valid" in validation.stdout, validation.stdout
    records = _records(output)
    capture = _query(
        collected, "select url, final_url, fetched_at, sha256 from captures where article_id = ?", (article,)
    )
    (_url, final_url, fetched_at, sha) = capture[0]
    page = next(r for r in records if r["uri"] == final_url)
    assert page["type"] == "response" and page["sha256"] == sha == page["declared"]
    assert page["date"] == fetched_at and page["status"] == "200"
    assert page["body"] == (SAMPLES / "vox-1.html").read_bytes()  # the bytes as served, byte for byte
    assert page["headers"]["content-type"].startswith("text/html")
    # Every answer about a post the article cites: its URL, date and body as the platform sent them.
    cited = {
        str(row[0])
        for row in _query(collected, "select post_id from embeds where article_id = ?", (article,))
    }
    checks = _query(
        collected,
        "select url, checked_at, body_sha256 from checks where body_sha256 is not null and post_id in "
        "(select post_id from embeds where article_id = ?)",
        (article,),
    )
    answers = {
        (r["uri"], r["date"], r["sha256"])
        for r in records
        if r["type"] == "response" and r["uri"] != final_url
    }
    assert {(str(u), str(d), str(s)) for u, d, s in checks} <= answers
    # embedtrail's own rows, for the reader of the archive.
    rows = json.loads(next(r for r in records if r["uri"] == ROWS_URI)["body"])  # type: ignore[arg-type]
    assert rows["articles"][0]["id"] == article and {p["id"] for p in rows["posts"]} >= cited
    # The index and the page list a replay tool reads.
    with zipfile.ZipFile(output) as wacz:
        index = wacz.read("indexes/index.cdx").decode()
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").decode().splitlines()]
        package = json.loads(wacz.read("datapackage.json"))
        digest = json.loads(wacz.read("datapackage-digest.json"))
        assert wacz.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        for resource in package["resources"]:
            data = wacz.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and resource[
                "bytes"
            ] == len(data)
        assert digest["hash"] == "sha256:" + hashlib.sha256(wacz.read("datapackage.json")).hexdigest()
    assert final_url in index and '"filename": "data.warc.gz"' in index
    assert pages[0]["format"] == "json-pages-1.0" and pages[1]["url"] == final_url
    assert package["wacz_version"] == "1.1.1" and package["mainPageURL"] == final_url


def test_a_saved_file_is_named_by_its_article_never_by_a_path(tmp_path: Path) -> None:
    db = tmp_path / "embedtrail.db"
    assert run("ingest", "--silent", "--db", str(db), str(SAMPLES / "seed-kremlin-drones.txt")).exit_code == 0
    article, url = _query(db, "select id, url from articles")[0]
    output = tmp_path / "seed.wacz"
    assert run("export", "--db", str(db), "--article", str(article), "-o", str(output)).exit_code == 0
    assert wacz_validate(output).returncode == 0
    records = _records(output)
    capture = next(r for r in records if r["type"] == "resource" and r["uri"] != ROWS_URI)
    assert capture["uri"] == url and capture["body"] == (SAMPLES / "seed-kremlin-drones.txt").read_bytes()
    with zipfile.ZipFile(output) as wacz:
        for name in wacz.namelist():
            data = wacz.read(name)
            if name.endswith(".gz"):
                data = gzip.decompress(data)
            assert b"file://" not in data and str(tmp_path).encode() not in data, name


def test_a_post_exports_its_answers(collected: Path, tmp_path: Path) -> None:
    post = str(
        _query(collected, "select post_id from checks where body_sha256 is not null order by post_id")[0][0]
    )
    output = tmp_path / "post.wacz"
    result = run("export", "--db", str(collected), "--post", post, "-o", str(output), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["records"] == {
        "answer": len(
            _query(
                collected,
                "select distinct body_sha256, checked_at from checks "
                "where post_id = ? and body_sha256 is not null",
                (post,),
            )
        )
    }
    assert wacz_validate(output).returncode == 0


def test_forgotten_bodies_are_named_and_left_out(collected: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(collected, db)
    shutil.copytree(collected.with_name("embedtrail.store"), tmp_path / "copy.store")
    article, sha = _query(db, "select article_id, sha256 from captures order by id limit 1")[0]
    assert run("forget", "--db", str(db), "--article", str(article), "--reason", "court order").exit_code == 0
    output = tmp_path / "forgotten.wacz"
    result = run("export", "--db", str(db), "--article", str(article), "-o", str(output))
    assert result.exit_code == 1
    assert f"left out: {sha}" in result.stderr and "court order" in result.stderr
    assert wacz_validate(output).returncode == 0
    records = _records(output)
    assert all(r["sha256"] != sha for r in records)
    rows = json.loads(next(r for r in records if r["uri"] == ROWS_URI)["body"])  # type: ignore[arg-type]
    assert rows["left_out"][0]["sha256"] == sha and "court order" in rows["left_out"][0]["reason"]


def test_an_article_is_named_by_its_id_an_older_id_or_its_url(collected: Path, tmp_path: Path) -> None:
    article, url = _query(collected, "select id, url from articles order by id limit 1")[0]
    with closing(sqlite3.connect(collected)) as conn, conn:
        conn.execute(
            "insert or ignore into article_aliases (alias, article_id) values ('0ldid0ldid0ldid0', ?)",
            [article],
        )
    for given in (str(article), str(url), "0ldid0ldid0ldid0"):
        result = run(
            "export", "--db", str(collected), "--article", given, "-o", str(tmp_path / "a.wacz"), "--json"
        )
        assert result.exit_code == 0 and json.loads(result.stdout)["articles"] == [article], given


def test_usage_errors(collected: Path, tmp_path: Path) -> None:
    nothing = run("export", "--db", str(collected), "-o", str(tmp_path / "x.wacz"))
    assert nothing.exit_code == 2 and "--article" in nothing.stderr
    typo = run("export", "--db", str(collected), "--article", "nope", "-o", str(tmp_path / "x.wacz"))
    assert typo.exit_code == 2 and "no such article or post: nope" in typo.stderr
    article = str(_query(collected, "select id from articles limit 1")[0][0])
    zip_name = run("export", "--db", str(collected), "--article", article, "-o", str(tmp_path / "x.zip"))
    assert zip_name.exit_code == 2 and ".wacz" in zip_name.stderr
    assert not (tmp_path / "x.wacz").exists()


def test_abandoned_scratch_is_cleared(collected: Path, tmp_path: Path) -> None:
    # What a killed export left (its process is gone) is removed by the next export into that directory.
    abandoned = tmp_path / f"{SCRATCH}999999999-abc"
    abandoned.mkdir()
    (abandoned / "data.warc.gz").write_bytes(b"half")
    article = str(_query(collected, "select id from articles limit 1")[0][0])
    assert (
        run("export", "--db", str(collected), "--article", article, "-o", str(tmp_path / "a.wacz")).exit_code
        == 0
    )
    assert not abandoned.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["a.wacz"]


def _signing_server() -> LocalServer:
    """An authsign-shaped signing server: POST {"hash", "created"} answers the signed hash."""

    def sign(seen: Seen) -> Reply:
        if seen.method != "POST" or seen.headers.get("authorization") != "bearer s3cret":
            return Reply(status=403, body=b"{}", content_type="application/json")
        asked = json.loads(seen.body)
        signed = {
            "hash": asked["hash"],
            "created": asked["created"],
            "software": "authsign-test",
            "signature": "MEUCIQ",
            "domain": "signer.example",
            "domainCert": "-----BEGIN CERTIFICATE-----",
            "timeSignature": "MIIE",
            "timestampCert": "-----BEGIN CERTIFICATE-----",
        }
        return Reply(body=json.dumps(signed).encode(), content_type="application/json")

    return serve(sign)


def test_an_export_is_signed_where_a_signing_server_is_configured(collected: Path, tmp_path: Path) -> None:
    article = str(_query(collected, "select id from articles limit 1")[0][0])
    signer = _signing_server()
    try:
        config = tmp_path / "sign.toml"
        config.write_text(
            f'[fetch]\nallow_private = true\n[export]\nsigning_url = "{signer.url("/sign")}"\n'
            'signing_token = "s3cret"\n',
            encoding="utf-8",
        )
        output = tmp_path / "signed.wacz"
        args = [
            "export",
            "--db",
            str(collected),
            "--config",
            str(config),
            "--article",
            article,
            "-o",
            str(output),
        ]
        result = run(*args, "--json")
        assert result.exit_code == 0 and json.loads(result.stdout)["signed"] is True
        with zipfile.ZipFile(output) as wacz:
            digest = json.loads(wacz.read("datapackage-digest.json"))
            created = json.loads(wacz.read("datapackage.json"))["created"]
        assert digest["signedData"]["hash"] == digest["hash"] and digest["signedData"]["created"] == created
        validation = wacz_validate(output)
        assert validation.returncode == 0, validation.stdout
        # A server that signs something else, or refuses: the export is kept, unsigned, and says so.
        config.write_text(config.read_text().replace("s3cret", "wrong"), encoding="utf-8")
        refused = run(*args)
        assert refused.exit_code == 0 and "is not signed: the signing server answered 403" in refused.stderr
        with zipfile.ZipFile(output) as wacz:
            assert "signedData" not in json.loads(wacz.read("datapackage-digest.json"))
    finally:
        signer.close()
    # The token never shows in `embedtrail config`.
    shown = run("config", "--config", str(config))
    assert "wrong" not in shown.output and "***" in shown.output
