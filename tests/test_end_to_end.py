"""The whole path: articles served by a local HTTP server → `embedtrail ingest` → SQLite → `embedtrail serve`
→ Datasette's JSON API, with a real uvicorn process answering on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from embedtrail.tracker.cli import cli
from tests import servers
from tests.servers import LocalServer, Reply, StartServer, redirect

local_server = servers.local_server
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def page(name: str) -> Reply:
    return Reply(body=(SAMPLES / name).read_bytes())


@pytest.fixture
def articles(local_server: StartServer) -> LocalServer:
    seed = (SAMPLES / "seed-kremlin-drones.txt").read_bytes()
    return local_server(
        {
            "/news/vox": page("vox-1.html"),
            "/news/nj": page("nj-1.html"),
            "/news/liveblog": page("telegraph-liveblog-1.html"),
            "/dumps/seed.txt": Reply(body=seed, content_type="text/plain; charset=utf-8"),
            "/short/vox": redirect("/news/vox", 301),
            "/gone": Reply(status=404, body=b"not here"),
            "/feed.pdf": Reply(body=b"%PDF-1.7", content_type="application/pdf"),
        }
    )


def ingest(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["ingest", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_web_articles_to_datasette_json(articles: LocalServer, db_path: str) -> None:
    urls = [
        articles.url(p)
        for p in ("/news/vox", "/news/nj", "/dumps/seed.txt", "/short/vox", "/gone", "/feed.pdf")
    ]
    code, out, err = ingest("--db", db_path, "--allow-private", *urls)
    assert code == 1
    assert f"failed: {articles.url('/gone')}: http_status 404" in err
    assert f"failed: {articles.url('/feed.pdf')}: unsupported content type application/pdf" in err
    assert "4 saved" in out and "2 failed" in out
    db = Database(db_path)
    article_urls = {row["url"] for row in db["articles"].rows}
    # The short link and the page it redirects to are one article, captured once (same bytes).
    assert article_urls == {
        articles.url("/news/vox"),
        articles.url("/news/nj"),
        articles.url("/dumps/seed.txt"),
    }
    assert db["captures"].count == 3
    capture = next(db["captures"].rows_where("url = ?", [articles.url("/short/vox")]), None) or next(
        db["captures"].rows_where("final_url = ?", [articles.url("/news/vox")])
    )
    assert capture["http_status"] == 200 and capture["origin"] == "http" and capture["bytes"] > 1000
    assert len(capture["sha256"]) == 64
    assert db["posts"].count_where("author_handle = 'ANI'") == 1


def test_served_database_answers_json(articles: LocalServer, db_path: str) -> None:
    code, _, err = ingest(
        "--db", db_path, "--allow-private", articles.url("/news/nj"), articles.url("/dumps/seed.txt")
    )
    assert code == 0, err
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "embedtrail.tracker", "serve", "--db", db_path, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "EMBEDTRAIL_CONFIG": ""},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(base + "/embedtrail/posts.json?_shape=array&_size=max", timeout=5)
                break
            except httpx.TransportError:
                assert process.poll() is None, "embedtrail serve exited"
                assert time.monotonic() < deadline, "embedtrail serve did not come up"
                time.sleep(0.25)
        assert response.status_code == 200
        posts = response.json()
        handles = {p["author_handle"] for p in posts}
        assert {"ANI", "Gerashchenko_en"} <= handles
        assert all(p["status"] == "unchecked" for p in posts)
        articles_json = httpx.get(base + "/embedtrail/articles.json?_shape=array", timeout=5).json()
        assert {a["url"] for a in articles_json} == {
            articles.url("/news/nj"),
            articles.url("/dumps/seed.txt"),
        }
        search = httpx.get(base + "/embedtrail/posts.json?_search=Putin&_shape=array", timeout=5).json()
        assert any(p["author_handle"] in {"ANI", "Gerashchenko_en"} for p in search)
        notes = httpx.get(base + "/embedtrail/verification_notes.json?_shape=array", timeout=5).json()
        assert [(n["verifier"], n["verdict"]) for n in notes] == [("Reuters", "unverified")]
        # The live database stays writable while it is served.
        code, _, _ = ingest("--db", db_path, "--allow-private", articles.url("/news/vox"))
        assert code == 0
        later = httpx.get(base + "/embedtrail/articles.json?_shape=array", timeout=5).json()
        assert len(later) == 3
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_private_addresses_are_refused_without_the_flag(articles: LocalServer, db_path: str) -> None:
    code, _, err = ingest("--db", db_path, articles.url("/news/vox"))
    assert code == 1
    assert "private_address" in err
    assert articles.connections == 0


def test_many_urls_overlap_their_network_waits(local_server: StartServer, db_path: str) -> None:
    body = (SAMPLES / "vox-1.html").read_bytes()
    server = local_server(
        lambda seen: Reply(body=body.replace(b"</title>", seen.path.encode() + b"</title>"), delay=0.05)
    )
    sources = [server.url(f"/a/{i}") for i in range(120)]
    listing = Path(db_path).with_suffix(".txt")
    listing.write_text("\n".join(sources))
    code, out, _ = ingest("--db", db_path, "--allow-private", "--from-file", str(listing), "--json")
    assert code == 0
    assert json.loads(out)["saved"] == 120
    # Requests waited on the network side by side, limited per host.
    assert 1 < server.max_in_flight <= 4
