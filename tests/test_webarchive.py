"""Pages Safari saved as a web archive (``.webarchive``: WebKit's LegacyWebArchive property list, binary as
Safari writes it, or XML): known by the main resource's address, decoded in the encoding Safari noted, with
the frames' addresses as Safari wrote them; and files that only claim to be web archives."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlite_utils import Database

from embedtrail.tracker.cli import cli
from embedtrail.tracker.sources import SOURCES, module_for, webarchive

ARTICLE = "https://news.example/2024/05/03/drones-over-the-river"
# The page as Safari serialises it after the embed scripts ran: frames keep the addresses they loaded.
PAGE = """<html lang="en"><head><meta charset="utf-8">
<title>Caf\u00e9 owners film drones over the river</title>
</head><body><article><h1>Caf\u00e9 owners film drones over the river</h1>
<p>Residents of the riverside district filmed lights over the water late on Thursday and posted the
videos within minutes. The council said it had received dozens of calls about them overnight.</p>
<div class="twitter-tweet twitter-tweet-rendered"><iframe id="twitter-widget-0" title="X Post"
src="https://platform.twitter.com/embed/Tweet.html?dnt=false&amp;id=1653711338587779072&amp;lang=en"
data-tweet-id="1653711338587779072"></iframe></div>
<p>A video shared on YouTube shows the lights moving in formation. Reuters could not immediately verify
the video's authenticity.</p>
<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>
<iframe class="instagram-media instagram-media-rendered" id="instagram-embed-0"
src="https://www.instagram.com/p/C6abcDEfGhI/embed/captioned/?cr=1&amp;v=14"></iframe>
<p>The police said they were looking into reports of the flights over the quay.</p></article>
</body></html>"""
EXPECTED = {"twitter:1653711338587779072", "youtube:dQw4w9WgXcQ", "instagram:C6abcDEfGhI"}


def resource(url: str, data: bytes, mime: str, encoding: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"WebResourceURL": url, "WebResourceData": data, "WebResourceMIMEType": mime}
    if encoding:
        item["WebResourceTextEncodingName"] = encoding
    item["WebResourceFrameName"] = ""
    return item


def archive(
    url: str = ARTICLE,
    page: str = PAGE,
    encoding: str = "UTF-8",
    fmt: plistlib.PlistFormat = plistlib.FMT_BINARY,
) -> bytes:
    frame = {
        "WebMainResource": resource(
            "https://www.youtube.com/embed/dQw4w9WgXcQ", b"<html></html>", "text/html"
        )
    }
    return plistlib.dumps(
        {
            "WebMainResource": resource(url, page.encode(encoding), "text/html", encoding),
            "WebSubresources": [resource("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n", "image/png")],
            "WebSubframeArchives": [frame],
        },
        fmt=fmt,
    )


def ingest(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["ingest", "--json", *args], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def rows(db_path: str, sql: str) -> list[dict[str, Any]]:
    with Database(db_path) as db:
        return list(db.query(sql))


def test_web_archives_are_their_own_input_kind() -> None:
    assert webarchive in SOURCES
    assert module_for("Drones.webarchive") is webarchive
    assert module_for("https://example.com/a.webarchive").NAME == "web"


def test_a_safari_web_archive_yields_its_posts(tmp_path: Path, db_path: str) -> None:
    saved = tmp_path / "Drones over the river.webarchive"
    saved.write_bytes(archive())
    assert saved.read_bytes().startswith(b"bplist00"), "binary, as Safari writes it"
    code, report = ingest(str(saved), "--db", db_path)
    assert code == 0, report
    (capture,) = rows(db_path, "select * from captures")
    assert capture["origin"] == "webarchive" and capture["url"] == ARTICLE
    assert capture["archive_file"] == "Drones over the river.webarchive"
    assert capture["content_type"] == "text/html; charset=UTF-8"
    (article,) = rows(db_path, "select url, title from articles")
    assert article == {"url": ARTICLE, "title": "Caf\u00e9 owners film drones over the river"}
    assert {row["post_id"] for row in rows(db_path, "select post_id from embeds")} == EXPECTED


def test_xml_archives_and_the_encoding_safari_noted(tmp_path: Path, db_path: str) -> None:
    page = PAGE.replace('<meta charset="utf-8">', "")
    saved = tmp_path / "latin.webarchive"
    saved.write_bytes(archive(page=page, encoding="windows-1252", fmt=plistlib.FMT_XML))
    code, report = ingest(str(saved), "--db", db_path)
    assert code == 0, report
    (article,) = rows(db_path, "select title from articles")
    assert article["title"] == "Caf\u00e9 owners film drones over the river"


def test_a_page_saved_from_disk_names_no_path(tmp_path: Path, db_path: str) -> None:
    saved = tmp_path / "local.webarchive"
    saved.write_bytes(archive(url="file:///Users/volunteer/Desktop/drones.html"))
    code, _ = ingest(str(saved), "--db", db_path)
    assert code == 0
    (capture,) = rows(db_path, "select origin from captures")
    assert capture["origin"] == "file"
    (article,) = rows(db_path, "select url from articles")
    assert article["url"].startswith("urn:sha256:")


def test_files_that_are_not_web_archives_fail_alone(tmp_path: Path, db_path: str) -> None:
    (tmp_path / "in").mkdir()
    folder = tmp_path / "in"
    (folder / "junk.webarchive").write_bytes(b"bplist00 this is not a property list")
    (folder / "xml.webarchive").write_bytes(b"<?xml version='1.0'?><plist><dict><key>a</key>")
    (folder / "empty.webarchive").write_bytes(plistlib.dumps({"Other": 1}, fmt=plistlib.FMT_BINARY))
    image = {"WebMainResource": resource("https://news.example/a.png", b"\x89PNG", "image/png")}
    (folder / "image.webarchive").write_bytes(plistlib.dumps(image, fmt=plistlib.FMT_BINARY))
    (folder / "good.webarchive").write_bytes(archive())
    code, report = ingest(str(folder), "--db", db_path)
    assert code == 1
    reasons = {Path(error["source"]).name: error["reason"] for error in report["errors"]}
    assert set(reasons) == {"junk.webarchive", "xml.webarchive", "empty.webarchive", "image.webarchive"}
    assert "not a Safari web archive" in reasons["junk.webarchive"]
    assert "not a Safari web archive" in reasons["xml.webarchive"]
    assert "no WebMainResource" in reasons["empty.webarchive"]
    assert "holds no HTML page (image/png)" in reasons["image.webarchive"]
    assert [row["url"] for row in rows(db_path, "select url from articles")] == [ARTICLE]


def test_explain_reads_a_web_archive(tmp_path: Path) -> None:
    saved = tmp_path / "a.webarchive"
    saved.write_bytes(archive())
    result = CliRunner().invoke(cli, ["explain", "--json", str(saved)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    logged = {c["post_id"] for c in json.loads(result.output) if c["decision"] in {"embed", "link", "text"}}
    assert logged == EXPECTED
    junk = tmp_path / "junk.webarchive"
    junk.write_bytes(b"nothing")
    result = CliRunner().invoke(cli, ["explain", str(junk)])
    assert result.exit_code == 2 and "not a Safari web archive" in result.output
