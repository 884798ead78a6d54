"""Junk is not an article (issue 13): an empty file, a binary body (an executable, an image named .html or
.txt, binary data served as text/html) or a page with no text is a recorded failure with a reason, never a
saved article; files a directory holds that embedtrail does not read are counted by reason."""

from __future__ import annotations

import json
import sqlite3
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from embedtrail.tracker.cli import cli
from embedtrail.tracker.pipeline import not_an_article

GOOD = (
    b"<html><head><title>Story</title></head><body><article><p>The minister posted a video "
    b'<a href="https://twitter.com/a/status/1000000000000000001">on X</a>.</p></article></body></html>'
)


def png() -> bytes:
    header = (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    )
    return header + struct.pack(">I", 0) + b"IDAT" + zlib.compress(b"\x00\x00\x00\x00")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty: nothing to read"),
        (b"   \n\t ", "empty: nothing to read"),
        (png(), "a PNG image, not an article"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image, not an article"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "an executable (ELF), not an article"),
        (
            b"MZ\x90\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode",
            "a Windows executable, not an article",
        ),
        (b"%PDF-1.7\n", "a PDF document, not an article"),
        (bytes(range(256)) * 40, "binary data, not an article"),
    ],
)
def test_what_is_no_article(body: bytes, reason: str) -> None:
    assert not_an_article(body) == reason


@pytest.mark.parametrize(
    "body",
    [
        GOOD,
        GOOD.decode().encode("utf-16"),  # with a byte order mark
        GOOD.decode().encode("utf-16-le"),  # without one
        GOOD.decode().encode("utf-16-be"),
        GOOD.decode().encode("utf-32"),
        "Новости: Кремль заявил".encode("cp1251"),
        b"MZ is how the article starts, and it is still an article.",
    ],
)
def test_text_in_any_encoding_is_not_junk(body: bytes) -> None:
    assert not_an_article(body) is None


def test_a_directory_of_junk_saves_only_the_article(tmp_path: Path, db_path: str) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "good.html").write_bytes(GOOD)
    (folder / "empty.html").write_bytes(b"")
    (folder / "photo.html").write_bytes(png())
    (folder / "program.txt").write_bytes(b"\x7fELF\x02\x01\x01" + b"\x00" * 500)
    (folder / "shell.html").write_bytes(
        b"<html><head><title>Loading</title></head><body><div id=root></div></body></html>"
    )
    (folder / "report.pdf").write_bytes(b"%PDF-1.7\n")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / ".draft.html").write_bytes(GOOD)
    result = CliRunner().invoke(cli, ["ingest", "--db", db_path, "--json", str(folder)])
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["saved"] == 1
    assert {Path(e["source"]).name: e["reason"] for e in summary["errors"]} == {
        "empty.html": "not an article: empty: nothing to read",
        "photo.html": "not an article: a PNG image, not an article",
        "program.txt": "not an article: an executable (ELF), not an article",
        "shell.html": "not an article: no readable text and nothing cited",
    }
    assert summary["skipped"] == {
        "hidden file": 1,
        "unsupported file type .jpg": 1,
        "unsupported file type .pdf": 1,
    }
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("select count(*) from articles").fetchone()[0] == 1
    line = CliRunner().invoke(cli, ["ingest", "--db", db_path, str(folder)]).stdout
    assert "skipped: 1 hidden file, 1 unsupported file type .jpg, 1 unsupported file type .pdf" in line


def test_an_unsupported_file_names_every_kind_embedtrail_reads(tmp_path: Path, db_path: str) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.7\n")
    result = CliRunner().invoke(cli, ["ingest", "--db", db_path, str(report)])
    assert result.exit_code == 1
    assert (
        "unsupported file type .pdf: embedtrail reads "
        ".html, .htm, .xhtml, .txt, .text, .mhtml, .mht, .webarchive, .warc, .warc.gz, .wacz" in result.stderr
    )
