"""``refresh --media``: the images a post's platform answers list, downloaded through embedtrail's own client
(its address guard, its size cap, image types only) into the evidence store, recorded row by row with what
was kept or why not, shown on the provenance page and removed by ``forget --post``.

Images are served by a local server; the platform answers by the fake platform.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fakeplatform import FakePlatform
from servers import LocalServer, Reply, serve

from embedtrail.db.bodies import StoreConfig, open_store, store_root, verify
from embedtrail.db.serving import make_datasette
from embedtrail.db.store import open_database
from embedtrail.tracker.cli import cli
from embedtrail.tracker.media import MAX_ATTEMPTS, media_id

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _query(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def images() -> Iterator[LocalServer]:
    server = serve(
        {
            "/photo.png": Reply(body=PNG, content_type="image/png"),
            "/gone.png": Reply(status=404, body=b"not found", content_type="text/plain"),
            "/page.html": Reply(body=b"<html>a page, not an image</html>"),
            "/huge.jpg": Reply(body=b"\xff\xd8\xff" + b"0" * 200_000, content_type="image/jpeg"),
        }
    )
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    with FakePlatform() as server:
        yield server


@pytest.fixture
def setup(tmp_path: Path, images: LocalServer, fake: FakePlatform) -> tuple[Path, Path, str]:
    """The samples ingested; one tweet's answer lists four media links (and a script URL, never fetched)."""
    db = tmp_path / "embedtrail.db"
    assert run("ingest", "--silent", "--db", str(db), str(SAMPLES)).exit_code == 0
    post = str(
        _query(db, "select id from posts where platform = 'twitter' and native_id glob '[0-9]*' order by id")[
            0
        ][0]
    )
    links = [images.url(path) for path in ("/photo.png", "/gone.png", "/page.html", "/huge.jpg")]
    with closing(sqlite3.connect(db)) as conn, conn:
        # A flattened tweet's pic.twitter.com link leads to the tweet, not to a file: passed over.
        listed = [*links, "javascript:alert(1)", "https://pic.twitter.com/16xocpihlY"]
        conn.execute("update posts set media = ? where id = ?", [json.dumps(listed), post])
    config = tmp_path / "embedtrail.toml"
    config.write_text(
        fake.endpoints_toml() + "[fetch]\nallow_private = true\n[store]\nmedia_max_bytes = 100000\n",
        encoding="utf-8",
    )
    return db, config, post


def _media(db: Path) -> dict[str, tuple[object, ...]]:
    rows = _query(db, "select url, outcome, detail, sha256, http_status, attempts from media")
    return {str(row[0]).rsplit("/", 1)[1]: row[1:] for row in rows}


def test_refresh_media_keeps_images_and_says_why_not(
    setup: tuple[Path, Path, str], images: LocalServer
) -> None:
    db, config, post = setup
    result = run("refresh", "--db", str(db), "--config", str(config), "--post", post, "--media")
    assert result.exit_code == 1  # three downloads failed: named, the rest saved
    media = _media(db)
    assert set(media) == {"photo.png", "gone.png", "page.html", "huge.jpg"}
    outcome, _detail, sha, status, attempts = media["photo.png"]
    assert outcome == "kept" and sha == hashlib.sha256(PNG).hexdigest() and status == 200 and attempts == 1
    assert media["gone.png"][0] == "failed" and media["gone.png"][3] == 404
    assert media["page.html"][0] == "failed" and "text/html" in str(media["page.html"][1])
    assert media["huge.jpg"][0] == "failed" and "too_large" in str(media["huge.jpg"][1])
    assert "media: failed 3, kept 1" in result.output
    assert f"media of {post}" in result.output
    database = open_database(db)
    try:
        store = open_store(database, StoreConfig())
        assert store is not None and store.read(str(sha)) == PNG
        assert verify(database, store).ok
    finally:
        database.close()
    assert "javascript" not in " ".join(images.paths())
    # Kept media are not fetched again; failures are tried again, at most MAX_ATTEMPTS times in all.
    for _ in range(MAX_ATTEMPTS + 1):
        run("refresh", "--db", str(db), "--config", str(config), "--post", post, "--media", "--silent")
    assert images.paths().count("/photo.png") == 1
    assert images.paths().count("/gone.png") == MAX_ATTEMPTS
    assert _media(db)["gone.png"][4] == MAX_ATTEMPTS


def test_media_urls_meet_the_address_guard(
    setup: tuple[Path, Path, str], images: LocalServer, fake: FakePlatform, tmp_path: Path
) -> None:
    db, _config, post = setup
    # Media links come from strangers' pages and answers: without --allow-private a loopback link is refused
    # before any connection. (No post is on rumble, so no post is checked: media are collected alone.)
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("update posts set status = 'available' where id = ?", [post])
    strict = tmp_path / "strict.toml"
    strict.write_text("[store]\nmedia = true\n", encoding="utf-8")
    result = run("refresh", "--db", str(db), "--config", str(strict), "--platform", "rumble")
    assert result.exit_code == 1, result.output
    assert images.paths() == []
    media = _media(db)
    assert media and all(
        outcome == "failed" and "private" in str(detail) for outcome, detail, *_ in media.values()
    )


def test_media_on_the_provenance_page_and_forgotten_with_the_post(setup: tuple[Path, Path, str]) -> None:
    db, config, post = setup
    run("refresh", "--db", str(db), "--config", str(config), "--post", post, "--media", "--silent")
    sha = hashlib.sha256(PNG).hexdigest()
    database = open_database(db)
    root = store_root(database, StoreConfig())
    database.close()
    datasette = make_datasette(db, store_root=root)
    try:
        page = asyncio.run(datasette.client.get(f"/-/provenance/{post}")).text
        served = asyncio.run(datasette.client.get(f"/-/embedtrail/body/{sha}?download=1"))
    finally:
        for database_ in datasette.databases.values():
            database_.close()
    section = page.split("Media kept", 1)[1].split("</section>", 1)[0]
    assert (
        f'href="/-/embedtrail/body/{sha}?download=1"' in section
        and "not kept (failed: http_status 404)" in section
    )
    assert "<img" not in section
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-disposition"].startswith("attachment")
    forgotten = run("forget", "--db", str(db), "--post", post, "--reason", "request", "--json")
    assert sha in json.loads(forgotten.output)["bodies"]
    assert _query(db, "select count(*) from bodies where sha256 = ?", (sha,)) == [(0,)]
    assert run("verify", "--db", str(db)).exit_code == 0
    # The row stays (what was kept, and when); the same image is not kept again.
    assert _query(db, "select outcome from media where id = ?", (media_id(post, _url(db, "photo.png")),)) == [
        ("kept",)
    ]


def _url(db: Path, name: str) -> str:
    return next(str(row[0]) for row in _query(db, "select url from media") if str(row[0]).endswith(name))


def test_media_needs_the_store(setup: tuple[Path, Path, str], tmp_path: Path, fake: FakePlatform) -> None:
    db, _config, post = setup
    off = tmp_path / "off.toml"
    off.write_text(
        fake.endpoints_toml() + "[fetch]\nallow_private = true\n[store]\nenabled = false\n", encoding="utf-8"
    )
    result = run("refresh", "--db", str(db), "--config", str(off), "--post", post, "--media")
    assert result.exit_code == 1 and "the evidence store is off" in result.output
    assert _query(db, "select count(*) from media") == [(0,)]


CLIP = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 20


@pytest.fixture
def videos() -> Iterator[LocalServer]:
    server = serve({"/clip.mp4": Reply(body=CLIP, content_type="video/mp4")})
    try:
        yield server
    finally:
        server.close()


def _video_post(db: Path, url: str) -> str:
    """A YouTube post of the samples, made available and pointed at ``url`` (a local video file)."""
    post = str(
        _query(db, "select id from posts where platform = 'youtube' and kind = 'video' order by id")[0][0]
    )
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("update posts set status = 'available', media = null")
        conn.execute("update posts set status = 'gone' where kind = 'video' and id != ?", [post])
        conn.execute("update posts set url = ? where id = ?", [url, post])
    return post


def test_videos_come_through_yt_dlp_and_embedtrails_own_client(
    setup: tuple[Path, Path, str], videos: LocalServer, tmp_path: Path
) -> None:
    pytest.importorskip("yt_dlp")
    db, _config, _post = setup
    url = videos.url("/clip.mp4")
    post = _video_post(db, url)
    config = tmp_path / "video.toml"
    config.write_text("[fetch]\nallow_private = true\n[store]\nmedia = true\n", encoding="utf-8")
    result = run("refresh", "--db", str(db), "--config", str(config), "--platform", "rumble")
    assert "videos_kept 1" in result.output, result.output
    row = _query(
        db, "select outcome, sha256, content_type, bytes from media where id = ?", (media_id(post, url),)
    )
    assert row == [("kept", hashlib.sha256(CLIP).hexdigest(), "video/mp4", len(CLIP))]
    # Kept: not fetched again by the next run.
    requests = len(videos.paths())
    run("refresh", "--db", str(db), "--config", str(config), "--platform", "rumble", "--silent")
    assert len(videos.paths()) == requests


def test_videos_meet_the_size_cap_and_the_guard(
    setup: tuple[Path, Path, str], videos: LocalServer, tmp_path: Path
) -> None:
    pytest.importorskip("yt_dlp")
    db, _config, _post = setup
    url = videos.url("/clip.mp4")
    post = _video_post(db, url)
    small = tmp_path / "small.toml"
    small.write_text(
        "[fetch]\nallow_private = true\n[store]\nmedia = true\nvideo_max_bytes = 1000\n", encoding="utf-8"
    )
    run("refresh", "--db", str(db), "--config", str(small), "--platform", "rumble", "--silent")
    outcome, detail = _query(db, "select outcome, detail from media where id = ?", (media_id(post, url),))[0]
    assert outcome == "failed" and "too_large" in str(detail)
    # Without --allow-private, a video URL off the platform's own hosts never reaches yt-dlp or the network.
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("delete from media")
    before = len(videos.paths())
    strict = tmp_path / "strict.toml"
    strict.write_text("[store]\nmedia = true\n", encoding="utf-8")
    result = run("refresh", "--db", str(db), "--config", str(strict), "--platform", "rumble")
    assert len(videos.paths()) == before
    assert "not on youtube's own hosts" in result.output
