"""Pages saved as one MHTML file: Chrome's own "Webpage, Single File" output (a committed sample written by
Debian's chromium with tests/fixtures/mhtml/make_samples.py, and one written at test time), an Internet
Explorer style web archive, a page saved from disk, and files that only claim to be MHTML; each ingested end
to end, and read by ``explain``."""

from __future__ import annotations

import email.policy
import json
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from embedtrail.tracker.cli import cli
from embedtrail.tracker.sources import SOURCES, mhtml, module_for
from tests.testdeps import require_program

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "mhtml"
CHROME = FIXTURES / "drones-chrome.mhtml"
ARTICLE = "https://news.example/2024/05/03/drones-over-the-river"
EXPECTED = {"twitter:1653711338587779072", "youtube:dQw4w9WgXcQ", "instagram:C6abcDEfGhI"}


def ingest(*args: str) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(cli, ["ingest", "--json", *args], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout), result.stderr


def rows(db_path: str, sql: str) -> list[dict[str, Any]]:
    with Database(db_path) as db:
        return list(db.query(sql))


def explained(source: Path, *options: str) -> Any:
    result = CliRunner().invoke(cli, ["explain", *options, str(source)], catch_exceptions=False)
    return result


def test_mhtml_files_are_their_own_input_kind() -> None:
    assert mhtml in SOURCES
    for name in ("page.mhtml", "saved/Page.MHT", "a b.mhtml"):
        assert module_for(name) is mhtml
    assert module_for("page.html").NAME == "file"
    assert module_for("https://example.com/page.mhtml").NAME == "web"


def test_chrome_single_file_page_yields_the_posts_its_frames_showed(db_path: str) -> None:
    # Chrome writes each frame's src as cid:frame-…@mhtml.blink; the YouTube player and the Instagram embed
    # are known only by the frame parts' Content-Location, the tweet also by its frame's data-tweet-id.
    assert b'src=3D"cid:frame-' in CHROME.read_bytes()
    code, report, stderr = ingest(str(CHROME), "--db", db_path)
    assert code == 0, stderr
    assert report["documents"] == 1 and report["failed"] == 0
    (capture,) = rows(db_path, "select * from captures")
    assert capture["origin"] == "mhtml"
    assert capture["url"] == capture["final_url"] == ARTICLE
    assert capture["fetched_at"] == "2026-12-05T11:40:14Z", "dated by the archive's Date header"
    assert capture["archive_file"] == "drones-chrome.mhtml"
    assert capture["archive_record_id"].startswith("<frame-") and capture["archive_record_id"].endswith(
        "@mhtml.blink>"
    )
    (article,) = rows(db_path, "select * from articles")
    assert article["url"] == ARTICLE, "known by the address it was saved from, not the reader's path"
    assert article["title"] == "Drones over the river: what residents filmed"
    assert article["published_at"] == "2024-05-03T09:00:00Z"
    embeds = rows(db_path, "select post_id, method from embeds")
    assert {row["post_id"] for row in embeds} == EXPECTED, "the ad frame in the aside is not a post"
    assert {row["method"] for row in embeds} == {"iframe"}
    notes = rows(db_path, "select * from verification_notes")
    assert any("could not immediately verify" in json.dumps(note) for note in notes)


def test_the_stored_page_names_its_frames_and_reads_the_same_again(db_path: str, tmp_path: Path) -> None:
    ingest(str(CHROME), "--db", db_path)
    (capture,) = rows(db_path, "select sha256, bytes, content_type from captures")
    body = mhtml.unpack(CHROME.read_bytes(), 10 * 1024 * 1024).body
    assert capture["bytes"] == len(body)
    assert b"cid:frame-" not in body and b'src="https://www.youtube.com/embed/dQw4w9WgXcQ"' in body
    assert "Caf\u00e9 owners".encode() in body, "quoted-printable undone, UTF-8 kept"
    # The same file again, and a copy under another name: one article, one capture.
    copy = tmp_path / "copy.mht"
    copy.write_bytes(CHROME.read_bytes())
    code, report, _ = ingest(str(CHROME), str(copy), "--db", db_path)
    assert code == 0 and report["failed"] == 0
    assert len(rows(db_path, "select id from captures")) == 1
    assert len(rows(db_path, "select id from articles")) == 1
    # Read again from the evidence store alone: the stored page still names its frames' posts.
    again = CliRunner().invoke(cli, ["reextract", "--all", "--json", "--db", db_path], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    kept = rows(db_path, "select post_id from embeds where dropped_at is null")
    assert {row["post_id"] for row in kept} == EXPECTED


def test_unpack_restores_only_frames_it_holds() -> None:
    snapshot = mhtml.unpack(CHROME.read_bytes(), 10 * 1024 * 1024)
    assert snapshot.url == ARTICLE
    assert snapshot.saved_at == "2026-12-05T11:40:14Z"
    assert snapshot.frames == 4
    assert b"https://platform.twitter.com/embed/Tweet.html?dnt=false&amp;embedId=twitter-widget-0" in (
        snapshot.body
    ), "a frame address goes into the attribute HTML-escaped"
    unknown = CHROME.read_bytes().replace(b"Content-ID: <frame-2D77", b"Content-ID: <other-2D77")
    assert mhtml.unpack(unknown, 10 * 1024 * 1024).frames == 3


def _ie_archive(location: str | None, page: str, charset: str = "windows-1252") -> bytes:
    """A web archive as Internet Explorer and Word write it: no Snapshot-Content-Location, each part
    named by its Content-Location, the page base64-encoded in its own charset, frames by their URL."""
    archive = MIMEMultipart("related", type="text/html")
    archive["Subject"] = "Lights over the quay"
    archive["Date"] = "Fri, 03 May 2024 23:14:05 +0200"
    part = MIMEText(page, "html", charset)
    if location:
        part["Content-Location"] = location
    archive.attach(part)
    image = MIMEImage(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "gif")
    image["Content-Location"] = "https://news.example/pixel.gif"
    archive.attach(image)
    return archive.as_bytes(policy=email.policy.compat32)


IE_PAGE = (
    "<html><head><title>Caf\u00e9 owners film lights over the quay</title></head><body><article>"
    "<h1>Caf\u00e9 owners film lights over the quay</h1>"
    "<p>Caf\u00e9 owners on the quay filmed the lights and posted the video on Thursday night, and the "
    "council said it had received dozens of calls about them.</p>"
    '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe><img src="pixel.gif">'
    "<p>The police said they were looking into the reports.</p></article></body></html>"
)


def test_internet_explorer_web_archive(tmp_path: Path, db_path: str) -> None:
    saved = tmp_path / "quay.mht"
    saved.write_bytes(_ie_archive("https://news.example/quay", IE_PAGE))
    code, _report, stderr = ingest(str(saved), "--db", db_path)
    assert code == 0, stderr
    (capture,) = rows(db_path, "select * from captures")
    assert capture["origin"] == "mhtml" and capture["url"] == "https://news.example/quay"
    assert capture["fetched_at"] == "2024-05-03T21:14:05Z", "the Date header, in UTC"
    assert capture["content_type"] == "text/html; charset=windows-1252"
    (article,) = rows(db_path, "select url, title from articles")
    assert article["url"] == "https://news.example/quay"
    assert [row["post_id"] for row in rows(db_path, "select post_id from embeds")] == ["youtube:dQw4w9WgXcQ"]
    assert article["title"] == "Caf\u00e9 owners film lights over the quay", "decoded in the part's charset"


def test_page_saved_from_disk_is_a_saved_file_and_names_no_path(tmp_path: Path, db_path: str) -> None:
    saved = tmp_path / "home-page.mhtml"
    archive = _ie_archive("file:///home/volunteer/Downloads/quay.html", IE_PAGE, "utf-8")
    saved.write_bytes(b"Snapshot-Content-Location: file:///home/volunteer/Downloads/quay.html\n" + archive)
    code, _report, stderr = ingest(str(saved), "--db", db_path)
    assert code == 0, stderr
    (capture,) = rows(db_path, "select origin, url from captures")
    assert capture["origin"] == "file" and capture["url"] == saved.resolve().as_uri()
    (article,) = rows(db_path, "select url from articles")
    assert article["url"].startswith("urn:sha256:"), "no path of the volunteer's disk names the article"
    assert "volunteer" not in json.dumps(rows(db_path, "select * from embeds"))


def test_a_directory_reads_its_mhtml_files(tmp_path: Path, db_path: str) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "drones.mhtml").write_bytes(CHROME.read_bytes())
    (folder / "quay.MHT").write_bytes(_ie_archive("https://news.example/quay", IE_PAGE))
    (folder / "receipt.pdf").write_bytes(b"%PDF-1.4")
    code, report, stderr = ingest(str(folder), "--db", db_path)
    assert code == 0, stderr
    assert report["documents"] == 2
    assert report["skipped"] == {"unsupported file type .pdf": 1}
    urls = {row["url"] for row in rows(db_path, "select url from articles")}
    assert urls == {ARTICLE, "https://news.example/quay"}


def test_files_that_are_not_saved_pages_fail_alone(tmp_path: Path, db_path: str) -> None:
    junk = tmp_path / "junk.mhtml"
    junk.write_bytes(b"just some notes, no MIME here\n" * 20)
    binary = tmp_path / "binary.mht"
    binary.write_bytes(bytes(range(256)) * 64)
    images_only = tmp_path / "images.mhtml"
    only = MIMEMultipart("related")
    only.attach(MIMEImage(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "gif"))
    images_only.write_bytes(only.as_bytes())
    huge = tmp_path / "huge.mhtml"
    huge.write_bytes(
        _ie_archive("https://news.example/huge", IE_PAGE.replace("</body>", "x" * 5000 + "</body>"))
    )
    missing = tmp_path / "missing.mhtml"
    good = tmp_path / "good.mhtml"
    good.write_bytes(CHROME.read_bytes())
    sources = [junk, binary, images_only, huge, missing, good]
    config = tmp_path / "embedtrail.toml"
    config.write_text("[fetch]\nmax_bytes = 4096\n")
    code, report, _ = ingest(*map(str, sources), "--db", db_path, "--config", str(config))
    assert code == 1, "some sources failed"
    reasons = {Path(error["source"]).name: error["reason"] for error in report["errors"]}
    assert set(reasons) == {"junk.mhtml", "binary.mht", "images.mhtml", "huge.mhtml", "missing.mhtml"}
    assert "not an MHTML archive holding a page" in reasons["junk.mhtml"]
    assert "not an MHTML archive holding a page" in reasons["binary.mht"]
    assert "not an MHTML archive holding a page (multipart/related)" in reasons["images.mhtml"]
    assert "too_large" in reasons["huge.mhtml"]
    assert "no such file" in reasons["missing.mhtml"]
    assert {row["url"] for row in rows(db_path, "select url from articles")} == {ARTICLE}


def test_a_file_cut_short_keeps_what_was_saved(tmp_path: Path, db_path: str) -> None:
    data = CHROME.read_bytes()
    cut = tmp_path / "cut.mhtml"
    # Cut inside the page part, after the tweet's frame and before the YouTube player.
    cut.write_bytes(data[: data.index(b"A video shared on YouTube")])
    code, report, stderr = ingest(str(cut), "--db", db_path)
    assert code == 0, stderr
    assert report["failed"] == 0
    posts = {row["post_id"] for row in rows(db_path, "select post_id from embeds")}
    assert posts == {"twitter:1653711338587779072"}, "the frame part is gone: the tweet's id is in its frame"


def test_explain_reads_an_mhtml_page_as_ingest_does() -> None:
    result = explained(CHROME, "--json")
    assert result.exit_code == 0, result.output
    candidates = json.loads(result.output)
    logged = {c["post_id"] for c in candidates if c["decision"] in {"embed", "link", "text"}}
    assert logged == EXPECTED
    text = explained(CHROME)
    assert "3 logged as posts" in text.output


def test_explain_says_why_a_file_is_not_a_saved_page(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mhtml"
    junk.write_bytes(b"nothing\n")
    result = explained(junk)
    assert result.exit_code == 2
    assert "not an MHTML archive holding a page" in result.output


@pytest.mark.browser
def test_a_page_chrome_saves_now_reads_the_same(tmp_path: Path, db_path: str) -> None:
    # Chrome's MHTML writer changes with Chrome: the committed sample is checked against today's chromium.
    require_program("/usr/bin/chromium", "chromium")
    from tests.fixtures.mhtml.make_samples import capture

    saved = tmp_path / "today.mhtml"
    capture(saved)
    code, _report, stderr = ingest(str(saved), "--db", db_path)
    assert code == 0, stderr
    assert {row["post_id"] for row in rows(db_path, "select post_id from embeds")} == EXPECTED
    assert rows(db_path, "select url from articles") == [{"url": ARTICLE}]
