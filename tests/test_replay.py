"""An exported WACZ opens in ReplayWeb.page (the npm package ``replaywebpage``, pinned and fetched by
``scripts/install-test-deps.sh``), in a real browser: the article is replayed from the archive, as captured,
with nothing fetched from the web.

The article is served by a local server, ingested, exported, and the server closed before replaying; the
ReplayWeb.page assets and the WACZ are served from another local server, as a newsroom would host them.
"""

from __future__ import annotations

import functools
import shutil
import sqlite3
import threading
import time
from contextlib import closing
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import Reply, serve
from testdeps import require_file, require_program

from embedtrail.tracker.cli import cli

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
REPLAY = "build/replaywebpage-2.5.3/package"
ARTICLE = ROOT / "samples" / "vox-1.html"
TITLE = "Donald Trump’s tweets fit a pattern of harassment Twitter has banned before - Vox"


class StaticSite:
    """``root`` served by the standard library's static file server on 127.0.0.1 (ReplayWeb.page's service
    worker needs a host that answers for any file under ``replay/`` before it takes over)."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_Quiet, directory=str(root))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_an_export_replays_in_replaywebpage(tmp_path: Path) -> None:
    chromium = require_program("/usr/bin/chromium", "chromium")
    ui = Path(require_file(f"{REPLAY}/ui.js", "ReplayWeb.page"))
    sw = Path(require_file(f"{REPLAY}/sw.js", "ReplayWeb.page"))
    from playwright.sync_api import sync_playwright

    web = serve({"/news/vox.html": Reply(body=ARTICLE.read_bytes())})
    config = tmp_path / "embedtrail.toml"
    config.write_text("[fetch]\nallow_private = true\n", encoding="utf-8")
    db = tmp_path / "embedtrail.db"
    runner = CliRunner()
    url = web.url("/news/vox.html")
    assert (
        runner.invoke(cli, ["ingest", "--silent", "--db", str(db), "--config", str(config), url]).exit_code
        == 0
    )
    web.close()
    with closing(sqlite3.connect(db)) as conn:
        article = conn.execute("select id from articles").fetchone()[0]
    wacz = tmp_path / "evidence.wacz"
    assert (
        runner.invoke(cli, ["export", "--db", str(db), "--article", article, "-o", str(wacz)]).exit_code == 0
    )
    page = (
        '<!doctype html><html><head><script src="/ui.js"></script></head><body>'
        f'<replay-web-page style="display:block;height:800px" source="/evidence.wacz" url="{url}" '
        'replayBase="/replay/" embed="replayonly"></replay-web-page></body></html>'
    )
    # A static file host, as a newsroom would put ReplayWeb.page and the file online.
    root = tmp_path / "site"
    (root / "replay").mkdir(parents=True)
    (root / "index.html").write_text(page, encoding="utf-8")
    shutil.copy(ui, root / "ui.js")
    shutil.copy(ui, root / "replay" / "ui.js")
    shutil.copy(sw, root / "replay" / "sw.js")
    shutil.copy(wacz, root / "evidence.wacz")
    site = StaticSite(root)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            try:
                tab = browser.new_page(viewport={"width": 1280, "height": 900})
                outside: list[str] = []
                tab.context.on(
                    "request",
                    lambda request: (
                        outside.append(request.url)
                        if not request.url.startswith((site.base_url, "blob:", "data:", "chrome-extension:"))
                        else None
                    ),
                )
                tab.goto(site.url("/index.html"))
                replayed = None
                deadline = time.monotonic() + 90
                reloaded = False
                while replayed is None and time.monotonic() < deadline:
                    tab.wait_for_timeout(500)  # lets Playwright take in the frames the replay opens
                    for frame in tab.frames:
                        if frame.url.endswith("mp_/" + url):
                            replayed = frame
                    if replayed is None and not reloaded and time.monotonic() > deadline - 60:
                        # On a first visit the service worker can register after the viewer asked for the
                        # archive (a loaded machine): a reader reloads, and so does the test, once.
                        tab.reload()
                        reloaded = True
                assert replayed is not None, [frame.url for frame in tab.frames]
                replayed.wait_for_load_state()
                assert replayed.evaluate("document.title") == TITLE
                assert "harassment" in replayed.evaluate("document.body.innerText")
                artifacts = ROOT / "tests" / "artifacts"
                artifacts.mkdir(exist_ok=True)
                tab.screenshot(path=str(artifacts / "replaywebpage-export.png"))
            finally:
                browser.close()
    finally:
        site.close()
    # The page's own subresources (fonts, scripts on vox-cdn) were not archived: the replay asks its service
    # worker for them, which answers from the archive or not at all; the browser itself reaches nothing else.
    assert outside == [], outside
