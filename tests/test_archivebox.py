"""ArchiveBox 0.7 data folders and snapshots (``archive/<timestamp>/`` with ``index.json``), laid out as
ArchiveBox writes them (``index/json.py``, ``index/schema.py``, ``canonical_outputs``): each snapshot is one
page read from its best copy, not one article per output file."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlite_utils import Database
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from embedtrail.tracker.cli import cli
from embedtrail.tracker.sources import archivebox, module_for

ARTICLE = "https://news.example/2024/05/03/drones-over-the-river"
OTHER = "https://news.example/2024/05/04/quay"
TEXT = (
    "<p>Residents of the riverside district filmed lights over the water late on Thursday and posted the "
    "videos within minutes. The council said it had received dozens of calls about them overnight.</p>"
)
YOUTUBE_FRAME = (
    '<html><head><link rel=canonical href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"></head>'
    "<body></body></html>"
)
SINGLEFILE = (
    "<!DOCTYPE html> <html lang=en><!--\n Page saved with SingleFile \n url: " + ARTICLE + " \n saved date: "
    "Fri May 03 2024 23:14:20 GMT+0200 (Central European Summer Time)\n--><head><title>Drones over the river"
    "</title></head><body><article><h1>Drones over the river</h1>" + TEXT + '<div class="twitter-tweet '
    'twitter-tweet-rendered"><iframe data-tweet-id="1653711338587779072" sandbox="allow-popups" srcdoc="'
    + html.escape('<a href="https://twitter.com/localnews/status/1653711338587779072">9:14 PM</a>')
    + '"></iframe></div><iframe sandbox="allow-popups" srcdoc="'
    + html.escape(YOUTUBE_FRAME)
    + '"></iframe>'
    "<p>The police said they were looking into reports of the flights.</p></article></body></html>"
)
DOM = (
    "<html><head><title>Drones over the river</title></head><body><article>"
    + TEXT
    + '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe></article></body></html>'
)
EXPECTED = {"twitter:1653711338587779072", "youtube:dQw4w9WgXcQ"}


def run(
    output: str, status: str = "succeeded", end: str = "2024-05-03T21:14:20.456789+00:00"
) -> dict[str, Any]:
    return {
        "schema": "ArchiveResult",
        "cmd": ["tool", ARTICLE],
        "pwd": "/data/archive/1714770845.123",
        "cmd_version": "1.0",
        "output": output,
        "status": status,
        "start_ts": "2024-05-03T21:14:05.123456+00:00",
        "end_ts": end,
        "index_texts": None,
    }


def snapshot(folder: Path, url: str, history: dict[str, Any], files: dict[str, str | bytes]) -> None:
    folder.mkdir(parents=True)
    index = {
        "schema": "Link",
        "url": url,
        "title": "Drones over the river",
        "timestamp": folder.name,
        "updated": None,
        "tags": None,
        "sources": ["sources/1714770845-import.txt"],
        "history": history,
    }
    (folder / "index.json").write_text(json.dumps(index, indent=4))
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)


def warc_of(url: str, body: str) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    payload = body.encode()
    writer.write_record(
        writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(payload),
            length=len(payload),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2024-05-04T08:00:00Z"},
        )
    )
    return out.getvalue()


def data_folder(root: Path) -> Path:
    """An ArchiveBox data folder with three snapshots: a full one, one whose SingleFile run failed, one
    that kept only a WARC; and its own files."""
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "1714770845-import.txt").write_text(
        ARTICLE + "\nhttps://twitter.com/someone/status/1111111111111111111\n"
    )
    (root / "logs").mkdir()
    (root / "logs" / "errors.log").write_text("")
    (root / "ArchiveBox.conf").write_text("[SERVER_CONFIG]\nSECRET_KEY = x\n")
    (root / "index.sqlite3").write_bytes(b"SQLite format 3\x00")
    snapshot(
        root / "archive" / "1714770845.123",
        ARTICLE,
        {
            "singlefile": [run("singlefile.html")],
            "dom": [run("output.html")],
            "wget": [run("news.example/2024/05/03/drones-over-the-river.html")],
            "readability": [run("readability")],
            "htmltotext": [run("htmltotext.txt")],
        },
        {
            "index.html": f'<html><body><a href="{ARTICLE}">original</a>'
            '<a href="singlefile.html">SingleFile</a></body></html>',
            "singlefile.html": SINGLEFILE,
            "output.html": DOM,
            "news.example/2024/05/03/drones-over-the-river.html": DOM,
            "readability/content.html": "<div>" + TEXT + "</div>",
            "readability/content.txt": "Residents of the riverside district filmed lights",
            "mercury/content.html": "<div>" + TEXT + "</div>",
            "htmltotext.txt": "Drones over the river. Residents filmed lights.",
            "headers.json": "{}",
            "screenshot.png": b"\x89PNG\r\n\x1a\n",
            "output.pdf": b"%PDF-1.4",
            "warc/1714770845.warc.gz": warc_of(ARTICLE, DOM),
        },
    )
    snapshot(
        root / "archive" / "1714771000",
        OTHER,
        {"singlefile": [run("TimeoutError", status="failed")], "dom": [run("output.html")]},
        {"output.html": DOM.replace("dQw4w9WgXcQ", "aaaaaaaaaaa"), "index.html": "<html></html>"},
    )
    snapshot(
        root / "archive" / "1714772000",
        "https://news.example/2024/05/05/warc-only",
        {"wget": [run("warc/1714772000.warc.gz")]},
        {
            "warc/1714772000.warc.gz": warc_of(
                "https://news.example/2024/05/05/warc-only", DOM.replace("dQw4w9WgXcQ", "bbbbbbbbbbb")
            )
        },
    )
    return root


def ingest(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["ingest", "--json", *args], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def test_a_snapshot_folder_is_its_own_input_kind(tmp_path: Path) -> None:
    data_folder(tmp_path / "data")
    assert module_for(str(tmp_path / "data" / "archive" / "1714770845.123")) is archivebox
    assert module_for(str(tmp_path / "data")).NAME == "file"
    assert archivebox.snapshot(tmp_path / "data" / "archive") is None


def test_an_archivebox_data_folder_reads_one_page_per_snapshot(tmp_path: Path, db_path: str) -> None:
    root = data_folder(tmp_path / "data")
    code, report = ingest(str(root), "--db", db_path)
    assert code == 0, report
    assert report["documents"] == 3 and report["failed"] == 0
    assert report["skipped"] == {
        "an ArchiveBox snapshot's files (read as one page)": 18,
        "an ArchiveBox data folder's own files": 4,
    }
    with Database(db_path) as db:
        captures = {row["url"]: row for row in db.query("select * from captures")}
        embeds = {
            (row["url"], row["post_id"])
            for row in db.query(
                "select a.url, e.post_id from embeds e join articles a on a.id = e.article_id"
            )
        }
    assert set(captures) == {ARTICLE, OTHER, "https://news.example/2024/05/05/warc-only"}
    full = captures[ARTICLE]
    assert full["origin"] == "archivebox"
    assert full["archive_file"] == "1714770845.123/singlefile.html", "SingleFile's copy first"
    assert full["fetched_at"] == "2024-05-03T21:14:20Z", "when the run that made the copy ended"
    assert captures[OTHER]["archive_file"] == "1714771000/output.html", "a failed SingleFile run is passed"
    assert captures["https://news.example/2024/05/05/warc-only"]["origin"] == "warc"
    assert embeds == {
        (ARTICLE, "twitter:1653711338587779072"),
        (ARTICLE, "youtube:dQw4w9WgXcQ"),
        (OTHER, "youtube:aaaaaaaaaaa"),
        ("https://news.example/2024/05/05/warc-only", "youtube:bbbbbbbbbbb"),
    }, "the import list in sources/ is not an article citing its URLs"


def test_one_snapshot_named_directly(tmp_path: Path, db_path: str) -> None:
    root = data_folder(tmp_path / "data")
    code, report = ingest(str(root / "archive" / "1714770845.123"), "--db", db_path)
    assert code == 0 and report["documents"] == 1
    with Database(db_path) as db:
        assert {row["post_id"] for row in db.query("select post_id from embeds")} == EXPECTED


def test_broken_snapshots_are_not_snapshots_or_fail_alone(tmp_path: Path, db_path: str) -> None:
    root = tmp_path / "archive"
    (root / "1").mkdir(parents=True)
    (root / "1" / "index.json").write_text("{not json")
    (root / "1" / "page.html").write_text("<html><body>" + TEXT + "</body></html>")
    snapshot(root / "2", "javascript:alert(1)", {}, {"singlefile.html": SINGLEFILE})
    snapshot(root / "3", ARTICLE, {"singlefile": [run("../../escape.html")]}, {"screenshot.png": b"x"})
    (tmp_path / "escape.html").write_text(SINGLEFILE)
    code, report = ingest(str(root), "--db", db_path)
    assert code == 1
    (error,) = report["errors"]
    assert Path(error["source"]).name == "3" and "holds no saved page or WARC" in error["reason"]
    # Not snapshots, so their HTML files are read as saved pages: 1/page.html and 2/singlefile.html.
    assert report["documents"] == 2


def test_explain_reads_a_snapshots_page(tmp_path: Path) -> None:
    root = data_folder(tmp_path / "data")
    result = CliRunner().invoke(
        cli, ["explain", "--json", str(root / "archive" / "1714770845.123")], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    logged = {c["post_id"] for c in json.loads(result.output) if c["decision"] in {"embed", "link", "text"}}
    assert logged == EXPECTED
