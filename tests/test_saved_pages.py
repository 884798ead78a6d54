"""Pages a browser saved "complete" (``Page.html`` beside ``Page_files/``): each frame is a file of the
folder, written into the page as ``<iframe src="./Page_files/x.html">``, with Chrome's mark of the web
(``<!-- saved from url=(NNNN)… -->``, Chromium's WebFrameSerializer) naming the address the frame was
loaded from. The page reads with its frames put back to those addresses; the folder's files are never
articles of their own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlite_utils import Database

from embedtrail.tracker.cli import cli
from embedtrail.tracker.sources.files import saved_page

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def motw(url: str) -> bytes:
    """Chrome's mark of the web, as WebFrameSerializer writes it before <html>."""
    return f"\n<!-- saved from url=({len(url):04d}){url} -->\n".encode()


ARTICLE = "https://news.example/2024/05/03/drones-over-the-river"
PAGE = (
    b"<!DOCTYPE html>"
    + motw(ARTICLE)
    + b"""<html lang="en"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>Drones over the river</title>
<script src="./Drones over the river_files/widgets.js.download"></script></head><body>
<article><h1>Drones over the river</h1>
<p>Residents of the riverside district filmed lights over the water late on Thursday and posted the
videos within minutes. The council said it had received dozens of calls about them overnight.</p>
<div class="twitter-tweet twitter-tweet-rendered"><iframe id="twitter-widget-0" title="X Post"
src="./Drones over the river_files/Tweet.html" data-tweet-id="1653711338587779072"></iframe></div>
<p>A video shared on YouTube shows the lights moving in formation. Reuters could not immediately verify
the video's authenticity.</p>
<iframe width="560" height="315" title="YouTube video player" frameborder="0" allowfullscreen=""
src="./Drones over the river_files/dQw4w9WgXcQ.html"></iframe>
<p>Another resident posted photos of the lights on Instagram, taken from a balcony above the quay.</p>
<iframe class="instagram-media instagram-media-rendered" id="instagram-embed-0"
src="./Drones%20over%20the%20river_files/captioned.html"></iframe>
<p>The police said they were looking into reports of the flights over the quay.</p></article>
<aside><iframe title="3rd party ad content" src="./Drones over the river_files/saved_resource.html"></iframe>
<iframe src="./Drones over the river_files/missing.html"></iframe></aside>
</body></html>"""
)
FRAMES = {
    "Tweet.html": (
        "https://platform.twitter.com/embed/Tweet.html?dnt=false&embedId=twitter-widget-0"
        "&frame=false&id=1653711338587779072&lang=en",
        b"<html><body><article><div lang=en>Drones over the river tonight</div>"
        b'<a href="https://twitter.com/localnews/status/1653711338587779072">9:14 PM</a>'
        b"</article></body></html>",
    ),
    "dQw4w9WgXcQ.html": (
        "https://www.youtube.com/embed/dQw4w9WgXcQ?feature=oembed",
        b"<html><head><title>Lights over the river - YouTube</title></head><body></body></html>",
    ),
    "captioned.html": (
        "https://www.instagram.com/p/C6abcDEfGhI/embed/captioned/?cr=1&v=14&wp=540",
        b"<html><body><div class=Caption>riverwatcher Lights over the quay tonight</div></body></html>",
    ),
    "saved_resource.html": (
        "https://ads.example/slot?id=7",
        b"<html><body><a href='https://www.youtube.com/watch?v=aaaaaaaaaaa'>Watch our ad</a></body></html>",
    ),
}
EXPECTED = {"twitter:1653711338587779072", "youtube:dQw4w9WgXcQ", "instagram:C6abcDEfGhI"}


def save_complete(folder: Path) -> Path:
    """The page and its _files folder, as Chrome's "Webpage, Complete" lays them out."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "Drones over the river.html"
    page.write_bytes(PAGE)
    files = folder / "Drones over the river_files"
    files.mkdir()
    for name, (url, body) in FRAMES.items():
        (files / name).write_bytes(b"<!DOCTYPE html>" + motw(url) + body)
    (files / "widgets.js.download").write_bytes(b"!function(){}();")
    (files / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return page


def ingest(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["ingest", "--json", *args], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def test_a_complete_save_reads_as_one_page_with_its_frames(tmp_path: Path, db_path: str) -> None:
    save_complete(tmp_path / "saved")
    code, report = ingest(str(tmp_path / "saved"), "--db", db_path)
    assert code == 0, report
    assert report["documents"] == 1, "the frames in Page_files/ are the page's, not articles"
    assert report["skipped"] == {"a saved page's own files (Page_files/)": 6}
    with Database(db_path) as db:
        assert [row["url"] for row in db.query("select url from articles")] == [ARTICLE]
        posts = {row["post_id"] for row in db.query("select post_id from embeds")}
    assert posts == EXPECTED, "the ad frame in the aside and its link are not the article's"


def test_frames_are_put_back_only_from_files_that_name_their_address(tmp_path: Path) -> None:
    page = save_complete(tmp_path)
    body, noted = saved_page(PAGE, page)
    assert noted == ARTICLE
    assert b'src="https://www.youtube.com/embed/dQw4w9WgXcQ?feature=oembed"' in body
    assert b'src="https://www.instagram.com/p/C6abcDEfGhI/embed/captioned/?cr=1&amp;v=14&amp;wp=540"' in body
    assert b'src="./Drones over the river_files/missing.html"' in body, "no such file: left as written"
    assert b'src="./Drones over the river_files/widgets.js.download"' in body, "only frames are put back"
    # A frame file without a mark of the web (Firefox writes none) names nothing.
    (tmp_path / "Drones over the river_files" / "dQw4w9WgXcQ.html").write_bytes(b"<html></html>")
    body, _ = saved_page(PAGE, page)
    assert b'src="./Drones over the river_files/dQw4w9WgXcQ.html"' in body


def test_a_frame_path_cannot_leave_the_pages_folder(tmp_path: Path) -> None:
    outside = tmp_path / "secret_files"
    outside.mkdir()
    (outside / "x.html").write_bytes(motw("https://www.youtube.com/embed/dQw4w9WgXcQ") + b"<html></html>")
    page = tmp_path / "inbox" / "page.html"
    page.parent.mkdir()
    body = b'<html><body><p>Text</p><iframe src="../secret_files/x.html"></iframe></body></html>'
    assert saved_page(body, page)[0] == body


def test_the_page_alone_still_reads(tmp_path: Path, db_path: str) -> None:
    # Moved without its folder: the tweet is still known by its frame's data-tweet-id, the rest is lost.
    (tmp_path / "page.html").write_bytes(PAGE)
    code, report = ingest(str(tmp_path / "page.html"), "--db", db_path)
    assert code == 0 and report["documents"] == 1
    with Database(db_path) as db:
        assert {row["post_id"] for row in db.query("select post_id from embeds")} == {
            "twitter:1653711338587779072"
        }


def test_a_real_chrome_save_without_its_folder_is_unchanged(tmp_path: Path) -> None:
    # El Tiempo's page, saved by Chrome (its frames' folder was not kept): the page reads as written.
    page = tmp_path / "eltiempo.html"
    shutil.copy(PAGES / "eltiempo-i1.html", page)
    body = page.read_bytes()
    assert b'src="./eltiempo.com-candidatos_files/Tweet.html"' in body
    restored, noted = saved_page(body, page)
    assert restored == body
    assert noted is not None and noted.startswith(
        "https://www.eltiempo.com/colombia/medellin/elecciones-2022"
    )


def test_a_folder_named_files_without_its_page_is_read(tmp_path: Path, db_path: str) -> None:
    # Only a folder beside its page is a saved page's own: a volunteer's "case_files" folder is read.
    folder = tmp_path / "cases" / "case_files"
    folder.mkdir(parents=True)
    (folder / "article.html").write_bytes(PAGE)
    code, report = ingest(str(tmp_path / "cases"), "--db", db_path)
    assert code == 0 and report["documents"] == 1 and not report.get("skipped")


def test_explain_reads_a_complete_save_as_ingest_does(tmp_path: Path) -> None:
    page = save_complete(tmp_path)
    result = CliRunner().invoke(cli, ["explain", "--json", str(page)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    logged = {c["post_id"] for c in json.loads(result.output) if c["decision"] in {"embed", "link", "text"}}
    assert logged == EXPECTED
