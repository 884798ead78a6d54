"""Refresh safeguards: a re-fetched article that turned into a consent or paywall page does not mark its
embeds removed; the progress bar appears only on a terminal; per-host limits count host and port."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import click.testing
import pytest
from click.testing import CliRunner

from embedtrail.db.store import open_database
from embedtrail.tracker.cli import cli
from embedtrail.tracker.config import Config, load_config
from embedtrail.tracker.fetch import Fetcher, FetchSettings
from embedtrail.tracker.refresh import RefreshOptions, refresh_sync
from embedtrail.tracker.walls import wall_suspected

sys.path.insert(0, str(Path(__file__).parent))
from fakeplatform import FakePlatform
from test_refresh import Clock, seed, tweet, write_config

ARTICLE = """<html><head><title>Story</title></head><body><article>
<p>Lead paragraph of the story, with enough words to be the article body here.</p>
{embeds}
<p>{filler}</p></article></body></html>"""
TWEET = (
    '<blockquote class="twitter-tweet"><p>Hi</p>&mdash; Jack (@jack) '
    '<a href="https://twitter.com/jack/status/20">March 21, 2006</a></blockquote>'
)
FILLER = "More reporting on what happened, who said what and when. " * 40


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    with FakePlatform() as server:
        yield server


@pytest.fixture
def config(fake: FakePlatform, tmp_path: Path) -> Config:
    return load_config(write_config(fake, tmp_path))


# --- consent and paywall pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new_embeds", "old_embeds", "new_bytes", "old_bytes", "page", "suspected"),
    [
        (0, 2, 900, 40_000, b"<html>hello</html>", "shrank"),  # much shorter
        (0, 2, 39_000, 40_000, b"<p>Please accept all cookies to continue</p>", "accept all cookies"),
        (0, 1, 39_000, 40_000, b"<div>Already a subscriber? Sign in</div>", "already a subscriber"),
        (
            0,
            1,
            39_000,
            40_000,
            "<p>We value your privacy \u2014 choose</p>".encode(),
            "we value your privacy",
        ),
        (0, 1, 39_000, None, b"<p>Subscribe to continue reading</p>", "subscribe to continue"),
        (0, 2, 39_000, 40_000, b"<p>The story, edited: the video is gone.</p>", None),  # a real edit
        (1, 2, 900, 40_000, b"<p>accept all cookies</p>", None),  # still has an embed: judged normally
        (0, 0, 900, 40_000, b"<p>accept all cookies</p>", None),  # nothing to lose
    ],
)
def test_wall_suspected(
    new_embeds: int,
    old_embeds: int,
    new_bytes: int,
    old_bytes: int | None,
    page: bytes,
    suspected: str | None,
) -> None:
    reason = wall_suspected(new_embeds, old_embeds, new_bytes, old_bytes, page)
    if suspected is None:
        assert reason is None
    else:
        assert reason is not None and suspected in reason


def _embeds(db_path: str) -> dict[str, str | None]:
    db = open_database(db_path)
    try:
        return {r["post_id"]: r["removed_at"] for r in db.query("select post_id, removed_at from embeds")}
    finally:
        db.close()


def test_consent_page_does_not_mark_embeds_removed(db_path: str, fake: FakePlatform, config: Config) -> None:
    db = open_database(db_path)
    url = f"{fake.base}/articles/story"
    fake.articles["story"] = ARTICLE.format(embeds=TWEET, filler=FILLER)
    seed(db, [tweet("20")], url=url)
    clock = Clock()
    report = refresh_sync(db, config, RefreshOptions(articles=True), now=clock)
    assert report.articles["fetched"] == 1 and not report.errors
    captures = db.table("captures").count
    title = next(iter(db.query("select title from articles")))["title"]

    # A cookie wall of about the same size (so only its wording gives it away).
    wall = "<p>We value your privacy. Accept all cookies to continue to the site.</p>"
    fake.articles["story"] = ARTICLE.format(embeds="", filler=FILLER).replace(
        "<title>Story", "<title>Consent"
    )
    fake.articles["story"] = fake.articles["story"].replace("<article>", "<article>" + wall)
    clock.advance(2 * 86400)
    report = refresh_sync(db, config, RefreshOptions(articles=True), now=clock)
    assert report.articles["walled"] == 1 and report.articles["embeds_removed"] == 0
    assert _embeds(db_path) == {"twitter:20": None}
    assert [(e["kind"], e["source"]) for e in report.errors] == [("article", url)]
    assert "consent or paywall" in report.errors[0]["reason"]
    # The capture is recorded as evidence; the article's metadata is not taken from the wall.
    assert db.table("captures").count == captures + 1
    assert next(iter(db.query("select title from articles")))["title"] == title

    # A much shorter page without embeds is suspected too.
    fake.articles["story"] = "<html><body><p>Subscribe.</p></body></html>"
    clock.advance(2 * 86400)
    report = refresh_sync(db, config, RefreshOptions(articles=True), now=clock)
    assert report.articles["walled"] == 1 and _embeds(db_path) == {"twitter:20": None}
    assert "shrank" in report.errors[0]["reason"]


def test_real_edit_that_drops_the_only_embed_still_marks_it_removed(
    db_path: str, fake: FakePlatform, config: Config
) -> None:
    db = open_database(db_path)
    url = f"{fake.base}/articles/story"
    fake.articles["story"] = ARTICLE.format(embeds=TWEET, filler=FILLER)
    seed(db, [tweet("20")], url=url)
    clock = Clock()
    refresh_sync(db, config, RefreshOptions(articles=True), now=clock)
    fake.articles["story"] = ARTICLE.format(embeds="<p>The post was taken down.</p>", filler=FILLER)
    clock.advance(2 * 86400)
    report = refresh_sync(db, config, RefreshOptions(articles=True), now=clock)
    assert report.articles["embeds_removed"] == 1 and not report.articles["walled"]
    assert _embeds(db_path) == {"twitter:20": clock.value}


# --- progress -----------------------------------------------------------------------------------------------


def test_refresh_reports_its_total_then_each_check(db_path: str, fake: FakePlatform, config: Config) -> None:
    db = open_database(db_path)
    seed(db, [tweet(str(n)) for n in range(20, 25)])
    totals: list[int] = []
    ticks: list[None] = []
    report = refresh_sync(
        db, config, RefreshOptions(), now=Clock(), on_start=totals.append, progress=lambda: ticks.append(None)
    )
    assert totals == [5] and len(ticks) == report.checked == 5


@pytest.mark.parametrize(
    ("tty", "silent", "bar"), [(True, False, True), (True, True, False), (False, False, False)]
)
def test_progress_bar_only_on_a_terminal_and_not_silent(
    db_path: str,
    fake: FakePlatform,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tty: bool,
    silent: bool,
    bar: bool,
) -> None:
    db = open_database(db_path)
    seed(db, [tweet(str(n)) for n in range(20, 24)])
    db.close()
    # CliRunner's stderr is never a terminal; pretend it is for the tty cases.
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: tty)
    args = ["refresh", "--db", db_path, "--config", str(write_config(fake, tmp_path))]
    result = CliRunner().invoke(cli, args + (["--silent"] if silent else []))
    assert result.exit_code == 0, result.output
    assert ("Refreshing" in result.stderr) is bar
    assert "Refreshing" not in result.stdout


# --- per-host limits ----------------------------------------------------------------------------------------


def _serve_async(delay: float) -> tuple[FakePlatform, threading.Event, threading.Thread]:
    fake = FakePlatform(delay=delay)
    listening, stop = threading.Event(), threading.Event()
    thread = threading.Thread(
        target=fake.serve_forever_async,
        kwargs={"ready": lambda base: listening.set(), "stop": stop},
        daemon=True,
    )
    thread.start()
    assert listening.wait(10)
    return fake, stop, thread


def test_per_host_limit_counts_host_and_port() -> None:
    one, stop_one, thread_one = _serve_async(0.4)
    two, stop_two, thread_two = _serve_async(0.4)
    try:
        assert one.base.rsplit(":", 1)[0] == two.base.rsplit(":", 1)[0]  # same address, two ports
        settings = FetchSettings(allow_private=True, per_host_connections=1)

        async def main() -> tuple[float, float]:
            async with Fetcher(settings) as fetcher:
                began = time.monotonic()
                await asyncio.gather(
                    fetcher.get(f"{one.base}/twitter/tco/a"), fetcher.get(f"{two.base}/twitter/tco/b")
                )
                apart = time.monotonic() - began
                began = time.monotonic()
                await asyncio.gather(
                    fetcher.get(f"{one.base}/twitter/tco/a"), fetcher.get(f"{one.base}/twitter/tco/b")
                )
                return apart, time.monotonic() - began

        two_servers, one_server = asyncio.run(main())
        # Two ports are two hosts, answered side by side; two requests to one host still take turns.
        assert two_servers < 0.75 and one_server >= 0.75
    finally:
        stop_one.set()
        stop_two.set()
        thread_one.join(10)
        thread_two.join(10)
