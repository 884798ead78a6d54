"""Web archives as sources: WARC and WACZ files generated here with warcio, files written by real capture
tools (wget --warc-file, warcio's capture_http, py-wacz), and damaged archives; each ingested end to end."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlite_utils import Database
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from embedtrail.tracker.cli import cli
from embedtrail.tracker.sources import SOURCES, archives, module_for
from tests import servers
from tests.servers import Reply, StartServer

local_server = servers.local_server
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
ARCHIVES = Path(__file__).resolve().parent / "fixtures" / "archives"
VOX = (SAMPLES / "vox-1.html").read_bytes()
NJ = (SAMPLES / "nj-1.html").read_bytes()
TWEET_PAGE = (
    b"<!doctype html><html><head><title>Drones over the river</title></head><body><article>"
    b"<p>Residents filmed the drones and posted the video.</p>"
    b'<blockquote class="twitter-tweet"><p>Drones over the river tonight</p>&mdash; Local News '
    b'(@localnews) <a href="https://twitter.com/localnews/status/1653711338587779072">May 3, 2023</a>'
    b"</blockquote></article></body></html>"
)


def html_headers(*extra: tuple[str, str], status: str = "200 OK") -> StatusAndHeaders:
    return StatusAndHeaders(
        status, [("Content-Type", "text/html; charset=utf-8"), *extra], protocol="HTTP/1.1"
    )


def response(
    writer: WARCWriter,
    uri: str,
    body: bytes,
    headers: StatusAndHeaders | None = None,
    date: str = "2024-03-01T12:00:00Z",
) -> Any:
    record = writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(body),
        length=len(body),  # a known length spares warcio a temporary file it never closes
        http_headers=headers or html_headers(),
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(record)
    return record


def write_sample_warc(path: Path, *, gz: bool = True) -> dict[str, str]:
    """A WARC with two articles, a repeat of one, a changed copy, a revisit, a request, an image, a 404,
    a chunked gzip-encoded page and a page without Content-Type. Returns record ids by name."""
    ids: dict[str, str] = {}
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        request = writer.create_warc_record(
            "https://news.example/vox",
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(
                "GET /vox HTTP/1.1", [("Host", "news.example")], is_http_request=True
            ),
        )
        writer.write_record(request)
        record = response(writer, "https://news.example/vox", VOX, html_headers(("X-Served-By", "cache-1")))
        ids["vox"] = record.rec_headers.get_header("WARC-Record-ID")
        record = response(
            writer, "https://news.example/tweet", TWEET_PAGE, date="2024-03-02T08:30:00.123456Z"
        )
        ids["tweet"] = record.rec_headers.get_header("WARC-Record-ID")
        response(writer, "https://news.example/vox", VOX, date="2024-03-03T00:00:00Z")  # same payload again
        revisit = writer.create_revisit_record(
            "https://news.example/tweet",
            digest=record.rec_headers.get_header("WARC-Payload-Digest"),
            refers_to_uri="https://news.example/tweet",
            refers_to_date="2024-03-02T08:30:00Z",
            http_headers=html_headers(),
        )
        writer.write_record(revisit)
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        response(writer, "https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), image)
        response(
            writer,
            "https://news.example/missing",
            b"<html><body>nope</body></html>",
            html_headers(status="404 Not Found"),
        )
        encoded = gzip.compress(NJ, mtime=0)
        chunked = (
            b"".join(
                f"{len(encoded[i : i + 4000]):x}\r\n".encode() + encoded[i : i + 4000] + b"\r\n"
                for i in range(0, len(encoded), 4000)
            )
            + b"0\r\n\r\n"
        )
        record = response(
            writer,
            "https://news.example/nj",
            chunked,
            html_headers(("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")),
        )
        ids["nj"] = record.rec_headers.get_header("WARC-Record-ID")
        untyped = StatusAndHeaders("200 OK", [("Server", "old")], protocol="HTTP/1.0")
        response(writer, "https://news.example/untyped", TWEET_PAGE.replace(b"river", b"lake"), untyped)
    return ids


def write_wacz(path: Path, warc: Path, pages: list[str] | None) -> None:
    """A WACZ package as Browsertrix lays it out: archive/, pages/pages.jsonl, datapackage.json."""
    with zipfile.ZipFile(path, "w") as package:
        package.write(warc, f"archive/{warc.name}", compress_type=zipfile.ZIP_STORED)
        if pages is not None:
            lines = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})]
            lines += [
                json.dumps({"id": str(n), "url": url, "ts": "2024-03-01T12:00:00Z"})
                for n, url in enumerate(pages)
            ]
            package.writestr("pages/pages.jsonl", "\n".join(lines) + "\n")
        package.writestr("datapackage.json", json.dumps({"profile": "data-package", "wacz_version": "1.1.1"}))


def ingest(*args: str) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(cli, ["ingest", "--json", *args], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout), result.stderr


def captures(db_path: str) -> list[dict[str, Any]]:
    with Database(db_path) as db:
        return list(db.query("select * from captures order by url, fetched_at"))


@pytest.fixture
def sample_warc(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    path = tmp_path / "crawl.warc.gz"
    ids = write_sample_warc(path)
    yield path, ids


def test_archives_are_registered_before_plain_files() -> None:
    assert archives in SOURCES
    for name in ("a.warc", "a.warc.gz", "A.WACZ"):
        assert module_for(name) is archives
    assert module_for("a.html").NAME == "file"
    assert module_for("https://example.com/a.warc").NAME == "web"


def test_warc_records_become_article_captures(sample_warc: tuple[Path, dict[str, str]], db_path: str) -> None:
    path, ids = sample_warc
    code, report, stderr = ingest(str(path), "--db", db_path)
    assert code == 0, stderr
    assert report["documents"] == 4 and report["failed"] == 0
    assert report["skipped"] == {
        "warc_duplicate": 1,
        "warc_not_html": 1,
        "warc_not_ok": 1,
        "warc_not_response": 2,
        "warc_revisit": 1,
    }
    rows = {row["url"]: row for row in captures(db_path)}
    assert set(rows) == {
        "https://news.example/nj",
        "https://news.example/tweet",
        "https://news.example/untyped",
        "https://news.example/vox",
    }
    vox = rows["https://news.example/vox"]
    assert vox["origin"] == "warc"
    assert vox["archive_file"] == "crawl.warc.gz"
    assert vox["archive_record_id"] == ids["vox"]
    assert vox["fetched_at"] == "2024-03-01T12:00:00Z"
    assert vox["http_status"] == 200
    assert vox["payload_digest"].startswith("sha1:")
    assert json.loads(vox["headers"])["x-served-by"] == "cache-1"
    assert vox["bytes"] == len(VOX)
    assert rows["https://news.example/tweet"]["fetched_at"] == "2024-03-02T08:30:00Z"
    nj = rows["https://news.example/nj"]
    assert nj["bytes"] == len(NJ), "chunked transfer and gzip content encoding are undone"
    assert json.loads(nj["headers"])["content-encoding"] == "gzip"
    with Database(db_path) as db:
        articles = {row["url"] for row in db.query("select url from articles")}
        assert "https://news.example/tweet" in articles, "an archived article is known by its target URI"
        posts = {row["post_id"] for row in db.query("select post_id from embeds")}
    assert "twitter:1653711338587779072" in posts


def test_reading_an_archive_again_stores_nothing_twice(
    sample_warc: tuple[Path, dict[str, str]], db_path: str
) -> None:
    path, _ = sample_warc
    ingest(str(path), "--db", db_path)
    copy = path.with_name("copy.warc.gz")
    shutil.copy(path, copy)
    code, report, _ = ingest(str(copy), "--db", db_path)
    assert code == 0
    assert report["new"].get("captures", 0) == 0
    assert len(captures(db_path)) == 4


def test_same_url_and_digest_from_another_archive_is_one_capture(tmp_path: Path, db_path: str) -> None:
    # The payload digest covers the body as sent: a second archive holding it with another transfer
    # encoding decodes to the same bytes, and the store recognises the (URL, digest) pair either way.
    first, second = tmp_path / "one.warc", tmp_path / "two.warc"
    for path in (first, second):
        with path.open("wb") as out:
            response(WARCWriter(out, gzip=False), "https://news.example/tweet", TWEET_PAGE)
    code, report, _ = ingest(str(first), str(second), "--db", db_path)
    assert code == 0 and report["documents"] == 2
    assert len(captures(db_path)) == 1


def test_uncompressed_warc_and_directories(tmp_path: Path, db_path: str) -> None:
    folder = tmp_path / "volunteer"
    (folder / "nested").mkdir(parents=True)
    write_sample_warc(folder / "nested" / "plain.warc", gz=False)
    (folder / "saved.html").write_bytes(TWEET_PAGE.replace(b"river", b"sea"))
    (folder / "notes.md").write_text("not an input")
    code, report, stderr = ingest(str(folder), "--db", db_path)
    assert code == 0, stderr
    assert report["sources"] == 2 and report["documents"] == 5
    origins = sorted(row["origin"] for row in captures(db_path))
    assert origins == ["file", "warc", "warc", "warc", "warc"]
    assert {row["archive_file"] for row in captures(db_path) if row["origin"] == "warc"} == {"plain.warc"}


def test_wacz_reads_only_listed_pages(
    sample_warc: tuple[Path, dict[str, str]], tmp_path: Path, db_path: str
) -> None:
    warc, ids = sample_warc
    package = tmp_path / "crawl.wacz"
    write_wacz(package, warc, ["https://news.example/vox", "https://news.example/nj"])
    code, report, stderr = ingest(str(package), "--db", db_path)
    assert code == 0, stderr
    assert report["skipped"]["warc_not_a_page"] == 2
    rows = captures(db_path)
    assert [row["url"] for row in rows] == ["https://news.example/nj", "https://news.example/vox"]
    assert {row["archive_file"] for row in rows} == {"crawl.wacz#archive/crawl.warc.gz"}
    assert {row["archive_record_id"] for row in rows} == {ids["vox"], ids["nj"]}


def test_wacz_without_page_list_reads_every_html_response(
    sample_warc: tuple[Path, dict[str, str]], tmp_path: Path, db_path: str
) -> None:
    warc, _ = sample_warc
    package = tmp_path / "bare.wacz"
    write_wacz(package, warc, None)
    code, report, _ = ingest(str(package), "--db", db_path)
    assert code == 0 and report["documents"] == 4


def test_real_tool_captures_wget_and_pywacz(tmp_path: Path, db_path: str) -> None:
    # Written by GNU Wget 1.21.3 (--warc-file) against a local server, then packed by py-wacz 0.6.0.
    code, report, stderr = ingest(str(ARCHIVES / "wget-capture.warc.gz"), "--db", db_path)
    assert code == 0, stderr
    assert report["documents"] == 2
    assert report["skipped"] == {"warc_not_html": 1, "warc_not_ok": 1, "warc_not_response": 8}
    code, report, _ = ingest(str(ARCHIVES / "pywacz-capture.wacz"), "--db", db_path)
    assert code == 0 and report["documents"] == 2 and report["new"].get("captures", 0) == 0
    rows = captures(db_path)
    assert [row["url"] for row in rows] == [
        "http://127.0.0.1:18765/index.html",
        "http://127.0.0.1:18765/nj.html",
    ]
    assert all(row["origin"] == "warc" and row["archive_file"] == "wget-capture.warc.gz" for row in rows)


@pytest.mark.skipif(shutil.which("wget") is None, reason="wget is not installed")
def test_live_wget_capture_of_a_local_server(local_server: StartServer, tmp_path: Path, db_path: str) -> None:
    server = local_server(
        {"/story": Reply(body=TWEET_PAGE), "/style.css": Reply(body=b"p{}", content_type="text/css")}
    )
    subprocess.run(
        [
            "wget",
            "-q",
            "--warc-file",
            str(tmp_path / "live"),
            "-O",
            "/dev/null",
            server.url("/story"),
            server.url("/style.css"),
        ],
        check=True,
        timeout=60,
    )
    code, _, stderr = ingest(str(tmp_path / "live.warc.gz"), "--db", db_path)
    assert code == 0, stderr
    assert [row["url"] for row in captures(db_path)] == [server.url("/story")]


def test_warcio_capture_http_of_a_local_server(
    local_server: StartServer, tmp_path: Path, db_path: str
) -> None:
    from warcio.capture_http import capture_http  # type: ignore[import-untyped]

    server = local_server({"/story": Reply(body=TWEET_PAGE)})
    path = tmp_path / "captured.warc.gz"
    with capture_http(str(path)), urllib.request.urlopen(server.url("/story")) as answer:
        assert answer.read() == TWEET_PAGE
    code, report, stderr = ingest(str(path), "--db", db_path)
    assert code == 0, stderr
    assert report["documents"] == 1
    assert captures(db_path)[0]["url"] == server.url("/story")


def test_oversized_and_bomb_records_are_skipped(tmp_path: Path, db_path: str) -> None:
    config = tmp_path / "small.toml"
    config.write_text("[fetch]\nmax_bytes = 100000\n")
    path = tmp_path / "big.warc.gz"
    bomb = gzip.compress(bytes(50 * 1024 * 1024), compresslevel=1)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        response(writer, "https://news.example/huge", b"<html>" + b"<p>x</p>" * 20000)
        response(writer, "https://news.example/bomb", bomb, html_headers(("Content-Encoding", "gzip")))
        response(writer, "https://news.example/tweet", TWEET_PAGE)
    code, report, _ = ingest(str(path), "--db", db_path, "--config", str(config))
    assert code == 0
    assert report["skipped"] == {"warc_too_large": 2}
    assert [row["url"] for row in captures(db_path)] == ["https://news.example/tweet"]


def test_damaged_archives_fail_alone(
    sample_warc: tuple[Path, dict[str, str]], tmp_path: Path, db_path: str
) -> None:
    warc, _ = sample_warc
    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"this is not a web archive\r\n\r\n" * 10)
    truncated = tmp_path / "truncated.warc"
    write_sample_warc(truncated, gz=False)
    data = truncated.read_bytes()
    truncated.write_bytes(data[: data.index(b"https://news.example/logo.png") + 200])
    bad_gzip = tmp_path / "bad.warc.gz"
    bad_gzip.write_bytes(warc.read_bytes()[:3000] + b"\x00garbage" * 100)
    not_zip = tmp_path / "not-zip.wacz"
    not_zip.write_bytes(b"PK not really")
    empty_wacz = tmp_path / "empty.wacz"
    with zipfile.ZipFile(empty_wacz, "w") as package:
        package.writestr("datapackage.json", "{}")
    missing = tmp_path / "missing.warc"
    sources = [garbage, truncated, bad_gzip, not_zip, empty_wacz, missing, warc]
    code, report, _ = ingest(*map(str, sources), "--db", db_path)
    assert code == 1
    reasons = {Path(error["source"]).name: error["reason"] for error in report["errors"]}
    assert set(reasons) == {
        "garbage.warc",
        "truncated.warc",
        "bad.warc.gz",
        "not-zip.wacz",
        "empty.wacz",
        "missing.warc",
    }
    assert "not a WARC file" in reasons["garbage.warc"]
    assert "damaged archive" in reasons["truncated.warc"]
    assert "damaged archive" in reasons["bad.warc.gz"]
    assert "not a WACZ" in reasons["not-zip.wacz"]
    assert "no archive/" in reasons["empty.wacz"]
    assert reasons["missing.warc"] == "no such file"
    # The good archive went on, and the truncated one kept the records before the damage.
    # Sources are read concurrently: whichever copy of vox and tweet came first is the one stored.
    rows = captures(db_path)
    assert sorted(row["url"] for row in rows) == [
        "https://news.example/nj",
        "https://news.example/tweet",
        "https://news.example/untyped",
        "https://news.example/vox",
    ]
    assert {row["archive_file"] for row in rows} <= {"truncated.warc", "crawl.warc.gz"}
