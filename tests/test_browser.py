"""A real browser against a real server: Debian's chromium, driven by Playwright, on a uvicorn server on
127.0.0.1 serving a database built from the fixture pages.

It opens what volunteers open (the index, a table with facets, a search, a canned query, a provenance page,
the charts), saves screenshots to ``tests/artifacts/``, and checks what only a browser can: that no request
leaves for another host, that no stored payload runs (no dialog), and that the Content-Security-Policy breaks
none of Datasette's own scripts. Chromium comes from ``scripts/install-test-deps.sh`` (never ``playwright
install``: no internet); the tests skip only when it cannot be installed.
"""

from __future__ import annotations

import os
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import feedparser
import pytest
from conftest_datasette import (
    ANI_POST,
    GERASHCHENKO_POST,
    XSS_POST,
    build_database,
    build_sample_database,
)
from testdeps import require_program

from embedtrail.db.serving import make_datasette, make_server

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# `make screenshots` sets this to docs/screenshots: the README's pictures come from test_readme_screenshots.
SCREENSHOTS = Path(os.environ.get("EMBEDTRAIL_SCREENSHOTS") or ARTIFACTS / "readme")
# A laptop screen, on which the posts table must open on rows and show about 15 of them.
LAPTOP = {"width": 1440, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _ensure_chromium() -> None:
    """Debian's chromium, installed by scripts/install-test-deps.sh (never a Playwright download)."""
    require_program(str(CHROMIUM), "chromium")


@dataclass
class Server:
    """The running server's base URL and the host:port every request must go to."""

    url: str
    netloc: str


@contextmanager
def _serving(path: Path) -> Iterator[Server]:
    """uvicorn serving ``path`` on a random free port of 127.0.0.1, in a thread."""
    datasette = make_datasette(path)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uvicorn_server = make_server(datasette, host="127.0.0.1", port=port, log_level="warning")
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uvicorn_server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", f"127.0.0.1:{port}")
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        for database in datasette.databases.values():
            database.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The fixture database (hostile payloads included), served."""
    built = build_database(tmp_path_factory.mktemp("browser") / "embedtrail.db")
    with _serving(built.path) as running:
        yield running


@dataclass
class Observed:
    """Everything the browser did that a test asserts on."""

    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser_page(server: Server) -> Iterator[tuple[Page, Observed]]:
    """A headless chromium page recording every request, dialog, console error and page error."""
    _ensure_chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    observed = Observed()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("request", lambda request: observed.requests.append(request.url))
        page.on("pageerror", lambda error: observed.page_errors.append(str(error)))
        page.on(
            "console",
            lambda message: observed.console_errors.append(message.text) if message.type == "error" else None,
        )

        def on_dialog(dialog: Dialog) -> None:
            observed.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        try:
            yield page, observed
        finally:
            context.close()
            browser.close()


def _visit(page: Page, server: Server, path: str, screenshot: str) -> str:
    response = page.goto(server.url + path, wait_until="load")
    assert response is not None and response.status == 200, (path, response and response.status)
    page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
    html: str = page.content()
    return html


def _assert_clean(observed: Observed, server: Server) -> None:
    foreign = [url for url in observed.requests if urlsplit(url).netloc != server.netloc]
    assert not foreign, f"requests to other hosts: {foreign}"
    assert not observed.dialogs, f"a stored payload ran: {observed.dialogs}"
    assert not observed.page_errors, observed.page_errors
    # A CSP violation is logged as a console error: it would mean the policy breaks a Datasette script.
    assert not observed.console_errors, observed.console_errors


def test_index(browser_page: tuple[Page, Observed], server: Server) -> None:
    page, observed = browser_page
    html = _visit(page, server, "/", "index.png")
    assert "embedtrail" in html
    _assert_clean(observed, server)


def test_table_with_facets(browser_page: tuple[Page, Observed], server: Server) -> None:
    page, observed = browser_page
    _visit(page, server, "/embedtrail/posts", "posts-facets.png")
    for facet in ("platform", "status", "kind"):
        assert page.locator(f'.facet-info[data-column="{facet}"]').count() == 1, facet
    # Follow the status facet to the deleted posts, as a volunteer would.
    page.locator('.facet-info[data-column="status"] a', has_text="deleted").first.click()
    page.wait_for_load_state("load")
    assert "status=deleted" in page.url
    page.screenshot(path=str(ARTIFACTS / "posts-deleted.png"), full_page=True)
    assert page.locator(".et-badge.et-gone").count() >= 3
    _assert_clean(observed, server)


def test_search(browser_page: tuple[Page, Observed], server: Server) -> None:
    page, observed = browser_page
    _visit(page, server, "/embedtrail/posts", "search-form.png")
    page.fill('input[name="_search"]', "Putin")
    page.locator('input[name="_search"]').press("Enter")
    page.wait_for_load_state("load")
    assert "_search=Putin" in page.url
    page.screenshot(path=str(ARTIFACTS / "search-putin.png"), full_page=True)
    assert ANI_POST in page.content()
    _visit(page, server, "/embedtrail/posts?_search=alert", "search-xss.png")
    _assert_clean(observed, server)


def test_canned_query(browser_page: tuple[Page, Observed], server: Server) -> None:
    page, observed = browser_page
    html = _visit(page, server, "/embedtrail/posts_gone_since_seen", "query-gone.png")
    assert GERASHCHENKO_POST in html and XSS_POST in html
    _visit(page, server, "/embedtrail/account_timeline?handle=ANI", "query-account.png")
    assert page.locator("td.col-post_id", has_text=ANI_POST).count() == 1
    _assert_clean(observed, server)


def test_provenance_page(browser_page: tuple[Page, Observed], server: Server) -> None:
    page, observed = browser_page
    # Reach it the way volunteers do: from the post's row page.
    _visit(page, server, f"/embedtrail/posts/{GERASHCHENKO_POST.replace(':', '~3A')}", "post-row.png")
    page.locator("a", has_text="Provenance of this post").click()
    page.wait_for_load_state("load")
    page.screenshot(path=str(ARTIFACTS / "provenance.png"), full_page=True)
    assert page.locator("h1").inner_text() == f"Provenance of {GERASHCHENKO_POST}"
    assert page.locator("ol.et-timeline li").count() == 3
    _assert_clean(observed, server)


def test_stored_payloads_do_not_run(browser_page: tuple[Page, Observed], server: Server) -> None:
    page, observed = browser_page
    html = _visit(page, server, f"/-/provenance/{XSS_POST}", "provenance-xss.png")
    assert page.locator("script:not([src])").count() <= 2  # Datasette's own
    texts = page.locator(".et-text").all_inner_texts()
    # The article's text and the platform's answer: both shown, as text.
    assert len(texts) == 2 and all('<script>alert("xss-script")</script>' in text for text in texts)
    assert "javascript:" not in " ".join(
        page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    )
    # Clicking what looks like a link must not run anything either.
    page.locator(".et-inert").first.click()
    for path, shot in (
        ("/embedtrail/posts", "posts-xss.png"),
        (f"/embedtrail/posts/{XSS_POST.replace(':', '~3A')}", "post-row-xss.png"),
        ("/embedtrail/mentions", "mentions-xss.png"),
        ("/embedtrail/unverified_videos", "query-unverified-xss.png"),
    ):
        _visit(page, server, path, shot)
    page.wait_for_timeout(300)  # give any stray handler its chance
    assert "xss" in html
    _assert_clean(observed, server)


def test_charts(browser_page: tuple[Page, Observed], server: Server) -> None:
    page, observed = browser_page
    _visit(page, server, "/-/embedtrail/charts", "charts.png")
    assert page.locator("svg.et-chart").count() == 3
    _assert_clean(observed, server)


def test_posts_table_opens_on_rows(browser_page: tuple[Page, Observed], server: Server) -> None:
    """On a laptop screen the first rows show without scrolling and rows are short enough for ~15 a screen."""
    page, observed = browser_page
    page.set_viewport_size(LAPTOP)
    try:
        for table in ("posts", "articles", "embeds", "mentions", "verification_notes"):
            page.goto(f"{server.url}/embedtrail/{table}", wait_until="load")
            page.screenshot(path=str(ARTIFACTS / f"table-{table}.png"))
            first = page.locator("table.rows-and-columns tbody tr").first.bounding_box()
            assert first is not None and first["y"] < LAPTOP["height"] - 100, (table, first)
            heights = page.eval_on_selector_all(
                "table.rows-and-columns tbody tr", "rows => rows.map(r => r.getBoundingClientRect().height)"
            )
            assert statistics.median(heights) <= LAPTOP["height"] / 15, (table, heights)
            # The column descriptions are one click away, not a screen of text above the rows.
            assert not page.locator("dl.column-descriptions").is_visible()
            page.locator("details.et-columns summary").click()
            assert page.locator("dl.et-column-descriptions").is_visible()
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
    _assert_clean(observed, server)


def test_article_page(browser_page: tuple[Page, Observed], server: Server) -> None:
    page, observed = browser_page
    # Reach it as a volunteer would: from a post's trail, following the citing article.
    page.goto(f"{server.url}/-/provenance/{ANI_POST}", wait_until="load")
    page.locator("a", has_text="article page").first.click()
    page.wait_for_load_state("load")
    assert "/-/article/" in page.url
    page.screenshot(path=str(ARTIFACTS / "article.png"), full_page=True)
    assert page.locator("#cited li").count() == 1 and page.locator("#removed li").count() == 1
    assert "Reuters" in page.locator("#notes").inner_text()
    _assert_clean(observed, server)


def test_search_from_the_header(browser_page: tuple[Page, Observed], server: Server) -> None:
    page, observed = browser_page
    page.goto(f"{server.url}/embedtrail/posts", wait_until="load")
    page.fill("form.et-search-header input[name=q]", "Baza")
    page.locator("form.et-search-header input[name=q]").press("Enter")
    page.wait_for_load_state("load")
    assert "/-/embedtrail/search?q=Baza" in page.url
    page.screenshot(path=str(ARTIFACTS / "search-everything.png"), full_page=True)
    assert "Baza" in page.locator("#mentions").inner_text()
    assert page.locator("section.et-section h2").all_inner_texts() == [
        "Posts",
        "Articles",
        "Prose credits",
        "Verification notes",
    ]
    _visit(page, server, "/-/embedtrail/search?q=alert", "search-everything-xss.png")
    _assert_clean(observed, server)


def test_feed(browser_page: tuple[Page, Observed], server: Server) -> None:
    page, observed = browser_page
    page.goto(server.url + "/", wait_until="load")
    href = page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    assert href == "/-/embedtrail/changes.atom"
    response = page.request.get(server.url + href)
    assert response.status == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.body())
    assert not feed.bozo and any(GERASHCHENKO_POST in entry.title for entry in feed.entries)
    # A feed reader follows an entry to its page.
    page.goto(feed.entries[0].link, wait_until="load")
    assert page.locator("h1").count() == 1
    _assert_clean(observed, server)


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The bundled sample articles, ingested, with a made-up check history (conftest_datasette)."""
    path = tmp_path_factory.mktemp("sample") / "embedtrail.db"
    # Built on a thread of its own: the CLI it runs starts an event loop, and this thread already runs
    # Playwright's.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(build_sample_database, path).result()
    with _serving(path) as running:
        yield running


def test_readme_screenshots(browser_page: tuple[Page, Observed], sample_server: Server) -> None:
    """The pictures in the README: the main pages on the sample data, at laptop size, reached by clicking
    as a volunteer would. Written to ``tests/artifacts/readme/``, or to ``$EMBEDTRAIL_SCREENSHOTS`` (``make
    screenshots`` writes docs/screenshots)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser = browser_page[0].context.browser
    assert browser is not None
    context = browser.new_context(viewport=LAPTOP)
    try:
        page = context.new_page()
        page.goto(f"{sample_server.url}/embedtrail/posts", wait_until="load")
        page.screenshot(path=str(SCREENSHOTS / "posts.png"))
        gone = page.locator("tbody tr", has=page.locator(".et-gone")).first
        gone.locator("a.et-trail").click()
        page.wait_for_load_state("load")
        page.screenshot(path=str(SCREENSHOTS / "provenance.png"))
        page.locator("a", has_text="article page").first.click()
        page.wait_for_load_state("load")
        page.screenshot(path=str(SCREENSHOTS / "article.png"))
        page.fill("form.et-search-header input[name=q]", "drones")
        page.locator("form.et-search-header input[name=q]").press("Enter")
        page.wait_for_load_state("load")
        page.screenshot(path=str(SCREENSHOTS / "search.png"))
        page.goto(f"{sample_server.url}/-/embedtrail/charts", wait_until="load")
        page.screenshot(path=str(SCREENSHOTS / "charts.png"))
    finally:
        context.close()
    for name in ("posts", "provenance", "article", "search", "charts"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000, name
