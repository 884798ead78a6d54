"""Builds realistic embedtrail databases for the Datasette tests, from corpus pages in fixtures/pages/.

``build_database`` runs the real pipeline (``scrapers.parse_html``/``parse_text`` → ``scrapers.extract`` →
``db.save_extraction``) over four saved pages and the seed article, adds hostile posts whose every field
carries an XSS payload, then records a check history with the real refresh functions. A "base" database stops
before the refresh migrations (no ``checks``, archive columns, ``embeds.removed_at`` or ``gone_posts``), as an
older embedtrail left it, so tests cover both schemas. Nothing here reads outside ``tests/``.

Also the page helpers every Datasette test uses: ``get`` (a page through ``datasette.client``, status
asserted), ``rows`` (a table or query as JSON objects), ``tags`` (every tag of a page), and the security
assertions ``assert_inert`` (no stored payload became markup) and ``assert_local_only`` (nothing loads from
another host).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from datasette.app import Datasette
from sqlite_utils import Database

from embedtrail import scrapers
from embedtrail.db import open_database, save_extraction
from embedtrail.db.checks import (
    ArchiveRecord,
    Check,
    CheckResult,
    apply_check,
    record_archive,
    update_removed_embeds,
)
from embedtrail.db.migrations import migrations
from embedtrail.scrapers.records import (
    Account,
    ArticleMeta,
    Capture,
    Embed,
    Extraction,
    Mention,
    Post,
    VerificationNote,
)
from embedtrail.tracker.config import RefreshConfig

# The saved pages are the labelled corpus pages; the seed is the shared copy of the sample article.
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pages"
SEED_FILE = Path(__file__).resolve().parent / "fixtures" / "seed" / "kremlin-drones.txt"

# Saved page → (its URL, how many days before "now" it was ingested).
PAGES = {
    "mashable-1.html": ("http://mashable.com/2014/12/22/stansted-power-outage/", 40),
    "apartmenttherapy-1.html": (
        "http://www.apartmenttherapy.com/knockyoursocksoff-interactive-childrens-books-holiday-gift-guide-"
        "from-apartment-therapy-213998",
        30,
    ),
    "9to5mac-1.html": ("https://9to5mac.com/2019/11/18/macbook-deals-airpods-more/", 20),
    "hertha-blog-1.html": ("http://www.hertha-blog.de/der-lange-und-die-alte-dame.html", 10),
}
SEED_URL = "https://news.example.com/2023/05/03/kremlin-drones"

# The seed's posts and credits, as the extractor finds them.
ANI_POST = "twitter:pic-tiXGUoLREi"
GERASHCHENKO_POST = "twitter:pic-w7Bv1jQzYk"

# A post whose every stored field is hostile. Pages must show all of it as inert text.
XSS_SCRIPT = '<script>alert("xss-script")</script>'
XSS_IMG = '<img src=x onerror=alert("xss-img")>'
XSS_JS_URL = 'javascript:alert("xss-js-url")'
XSS_DATA_URL = "data:text/html,<script>alert('xss-data-url')</script>"
XSS_POST = "twitter:990000000000000001"
XSS_ODD_POST = "telegram:chan\"><svg onload=alert('xss-id')>/1"
XSS_ARTICLE_URL = "https://xss.example/story"
XSS_MARKERS = ("xss-script", "xss-img", "xss-js-url", "xss-data-url", "xss-id")

# The first migration of the refresh change; a "base" database stops before it.
REFRESH_MIGRATION = "m005_checks"
# Confirm a gone status after half an hour, as the fixture's checks are an hour apart.
POLICY = RefreshConfig(confirm_after=1800.0)


@dataclass(frozen=True)
class Built:
    """A built database and the clock it was built with."""

    path: Path
    now: datetime


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with a Z, as embedtrail stores times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _capture(url: str, body: bytes, fetched_at: str, origin: str = "file") -> Capture:
    return Capture(
        url=url,
        final_url=url,
        fetched_at=fetched_at,
        http_status=None,
        content_type="text/html",
        bytes=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        origin=origin,
    )


def _xss_extraction() -> Extraction:
    account = Account(
        id="twitter:xss_account", platform="twitter", handle="xss_account", name=XSS_IMG, url=XSS_JS_URL
    )
    hostile = Post(
        id=XSS_POST,
        platform="twitter",
        kind="video",
        url=XSS_JS_URL,
        native_id="990000000000000001",
        author_handle="xss_account",
        author_name=XSS_IMG + XSS_SCRIPT,
        text=f"{XSS_SCRIPT} {XSS_IMG} see {XSS_JS_URL} and {XSS_DATA_URL}",
        posted_at="2023-05-03T10:00:00Z",
        posted_at_source="api",
        media=(XSS_DATA_URL, XSS_JS_URL, "https://media.example/clip.mp4"),
    )
    odd = Post(
        id=XSS_ODD_POST, platform="telegram", kind="post", url=XSS_DATA_URL, native_id="chan/1", text=XSS_IMG
    )
    return Extraction(
        article=ArticleMeta(
            url=XSS_ARTICLE_URL,
            site_name=XSS_SCRIPT,
            title=f"Story {XSS_IMG}",
            author=XSS_SCRIPT,
            published_at="2023-05-04T08:00:00Z",
            published_at_source="meta",
        ),
        posts=(hostile, odd),
        embeds=(
            Embed(post_id=XSS_POST, method="blockquote", position=1, context=f"Context {XSS_SCRIPT}"),
            Embed(post_id=XSS_ODD_POST, method="link", position=2, context=XSS_IMG),
        ),
        mentions=(
            Mention(
                kind="video",
                sentence=f"(Video: {XSS_IMG})",
                position=3,
                source_name=XSS_SCRIPT,
                source_description=XSS_IMG,
                platform="twitter",
                post_id=XSS_POST,
            ),
            Mention(
                kind="video", sentence=f"Footage credited to {XSS_SCRIPT}", position=4, source_name=XSS_IMG
            ),
        ),
        notes=(
            VerificationNote(
                verifier=XSS_SCRIPT,
                verdict="unverified",
                sentence=f"{XSS_IMG} could not verify the video.",
                position=5,
                post_id=XSS_POST,
            ),
        ),
        accounts=(account,),
    )


def _open(path: Path, schema: str) -> Database:
    if schema == "current":
        return open_database(path)
    # The schema before the refresh change (m005 onwards): what an older embedtrail left behind.
    db = Database(str(path))
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db, stop_before=REFRESH_MIGRATION)
    return db


def build_database(path: Path, now: datetime | None = None, *, schema: str = "current") -> Built:
    """Build the test database at ``path``; returns it with the clock used (default: the real now).

    ``schema="current"`` applies every migration and records checks, archive copies and a removed embed with
    the real refresh functions (``db.checks``); ``schema="base"`` stops before the refresh migrations and sets
    statuses by hand, as a database written by an older embedtrail would look.
    """
    now = now or datetime.now(UTC).replace(microsecond=0)
    db = _open(path, schema)
    try:
        for name, (url, days_ago) in PAGES.items():
            body = (FIXTURES / name).read_bytes()
            when = iso(now - timedelta(days=days_ago))
            extraction = scrapers.extract(scrapers.parse_html(body, url))
            save_extraction(db, _capture(url, body, when), extraction, when)
        seed = SEED_FILE.read_bytes()
        recent = iso(now - timedelta(hours=2))
        extraction = scrapers.extract(scrapers.parse_text(seed.decode("utf-8"), SEED_URL))
        save_extraction(db, _capture(SEED_URL, seed, recent, origin="text"), extraction, recent)
        hostile = _xss_extraction()
        save_extraction(db, _capture(XSS_ARTICLE_URL, b"xss", recent, origin="url"), hostile, recent)
        if schema == "current":
            _refresh(db, now)
    finally:
        db.close()
    if schema != "current":
        _set_statuses(path, now)
    return Built(path, now)


def _gone_candidates(conn: sqlite3.Connection | Database) -> list[str]:
    sql = (
        "select id from posts where platform = 'twitter' and id not like 'twitter:pic-%' and id != ? "
        "order by id limit 4"
    )
    if isinstance(conn, Database):
        return [row["id"] for row in conn.query(sql, [XSS_POST])]
    return [row[0] for row in conn.execute(sql, [XSS_POST])]


# Statuses given to the first four ordinary tweets, and to the seed's and the hostile posts.
TWEET_STATUSES = ("deleted", "suspended", "not_found", "available")


def _set_statuses(path: Path, now: datetime) -> None:
    """Statuses as refresh would leave them, written by hand (the base schema has no checks table)."""
    checked, changed = iso(now - timedelta(hours=1)), iso(now - timedelta(hours=3))
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "update posts set status = 'available', status_checked_at = ? where platform = 'youtube'",
            [checked],
        )
        for status, post in zip(TWEET_STATUSES, _gone_candidates(conn), strict=False):
            conn.execute(
                "update posts set status = ?, status_checked_at = ?, status_changed_at = ? where id = ?",
                [status, checked, changed, post],
            )
        for post in (XSS_POST, GERASHCHENKO_POST):
            conn.execute(
                "update posts set status = 'deleted', status_checked_at = ?, status_changed_at = ? "
                "where id = ?",
                [checked, changed, post],
            )
        conn.execute(
            "update posts set status = 'error', status_checked_at = ? where id = ?", [checked, ANI_POST]
        )


def _check(db: Database, post: str, status: str, when: datetime, detail: str = "test", **facts: Any) -> None:
    key = f"{post}@{iso(when)}"
    result = CheckResult(
        status=status,
        detail=detail,
        http_status=200 if status == "available" else 404,
        excerpt=detail,
        **facts,
    )
    apply_check(
        db,
        Check(
            key=key,
            post_id=post,
            checker="oembed",
            checked_at=iso(when),
            result=result,
            url=f"https://publish.example/oembed?id={post}",
            elapsed_ms=120,
        ),
        POLICY,
    )


def _refresh(db: Database, now: datetime) -> None:
    """A check history made by the real refresh functions: available, then gone, confirmed an hour on."""
    day, hour = timedelta(days=1), timedelta(hours=1)
    for post in [row["id"] for row in db.query("select id from posts where platform = 'youtube'")]:
        _check(db, post, "available", now - hour)
    gone = list(zip(TWEET_STATUSES, _gone_candidates(db), strict=False))
    gone += [("deleted", XSS_POST), ("deleted", GERASHCHENKO_POST)]
    for status, post in gone:
        _check(db, post, "available", now - 5 * day)
        if status != "available":
            detail = f"tombstone {XSS_SCRIPT}" if post == XSS_POST else f"{status} (test)"
            _check(db, post, status, now - 4 * hour, detail)
            _check(db, post, status, now - 3 * hour, detail)
    _check(db, ANI_POST, "error", now - hour, "timeout")
    # The platform's answer carries payloads too (written as a check row of a month ago, so the post's
    # status and every count stay as they are): the provenance page shows what it answered.
    answered = {
        "text": f"{XSS_SCRIPT} answered {XSS_IMG}",
        "author_name": XSS_IMG,
        "author_handle": "xss_account",
        "posted_at": None,
        "media": [XSS_JS_URL, XSS_DATA_URL, "https://pbs.example/answered.jpg"],
    }
    db.table("checks").insert(
        {
            "id": f"{XSS_POST}@answered",
            "post_id": XSS_POST,
            "checked_at": iso(now - timedelta(days=30)),
            "checker": "oembed",
            "status": "available",
            "http_status": 200,
            "detail": "oEmbed: 200",
            "post_as_answered": json.dumps(answered),
        }
    )
    record_archive(db, ArchiveRecord("posts", XSS_POST, iso(now - 2 * day), XSS_JS_URL, iso(now - 2 * day)))
    record_archive(
        db,
        ArchiveRecord(
            "posts",
            GERASHCHENKO_POST,
            iso(now - 2 * day),
            "https://web.archive.org/web/2023/https://pic.twitter.com/w7Bv1jQzYk",
            iso(now - 2 * day),
        ),
    )
    seed_article = next(db.query("select id from articles where url = ?", [SEED_URL]))["id"]
    record_archive(
        db,
        ArchiveRecord(
            "articles",
            seed_article,
            iso(now - day),
            f"https://web.archive.org/web/2023/{SEED_URL}",
            iso(now - day),
        ),
    )
    # An edit of the seed article dropped the Gerashchenko tweet.
    update_removed_embeds(db, seed_article, [ANI_POST], iso(now - hour))


# ---------------------------------------------------------------------------------------------- pages


async def get(datasette: Datasette, path: str, status: int = 200) -> Any:
    response = await datasette.client.get(path)
    assert response.status_code == status, (path, response.status_code, response.text[:2000])
    return response


async def rows(datasette: Datasette, path: str) -> list[dict[str, Any]]:
    """Rows of a table or query as a list of objects (``_shape=array``)."""
    base, _, query = path.partition("?")
    response = await get(datasette, f"{base}.json?_shape=array" + (f"&{query}" if query else ""))
    data: list[dict[str, Any]] = response.json()
    return data


class _Tags(HTMLParser):
    """Collects every tag with its attributes, and every dialog-capable construct, from a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def assert_inert(html: str, path: str) -> None:
    """No stored payload became markup, a link, or a resource on this page."""
    lowered = html.lower()
    for raw in ("<script>alert", "<img src=x", "<svg onload"):
        assert raw not in lowered, (path, raw)
    for tag, attrs in tags(html):
        for name, value in attrs.items():
            assert not name.startswith("on"), (path, tag, name)  # no event handler attribute at all
            if value is None:
                continue
            stripped = value.strip().lower()
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                assert not stripped.startswith(("javascript:", "data:", "vbscript:")), (path, tag, value)
            for marker in XSS_MARKERS:
                # Payloads may appear as text, or percent/tilde-encoded in a link to our own pages (a post
                # id, a facet value), never inside an attribute that does something.
                if marker in value:
                    parts = urlsplit(value)
                    own_link = (
                        name == "href"
                        and parts.scheme in ("", "http")
                        and parts.netloc in OWN_HOSTS
                        and not set("<>\"' ") & set(value)
                    )
                    harmless = name in ("title", "value", "data-column-description")
                    assert own_link or harmless, (path, tag, value)
        if tag == "script":
            # Datasette's own scripts are inline or from its own static files; ours add none.
            src = attrs.get("src")
            assert src is None or src.startswith("/"), (path, src)
        if tag in ("iframe", "img", "object", "embed", "frame"):
            raise AssertionError((path, f"<{tag}> on a page", attrs))


# The host datasette.client calls the instance by; Datasette writes it into <link rel="alternate">.
OWN_HOSTS = ("", "localhost")


def assert_local_only(html: str, path: str) -> None:
    """Nothing on the page loads from another host (links elsewhere are fine, resources are not)."""
    for tag, attrs in tags(html):
        for name in ("src", "srcset", "data"):
            value = attrs.get(name)
            if value:
                assert urlsplit(value).netloc in OWN_HOSTS, (path, tag, value)
        if tag == "link" and attrs.get("href"):
            assert urlsplit(attrs["href"] or "").netloc in OWN_HOSTS, (path, attrs)


# ---------------------------------------------------------------------------------------------- sample data


SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def build_sample_database(path: Path, now: datetime | None = None) -> Path:
    """The database a volunteer has after ``make run`` and a few weeks of refreshes: the bundled sample
    articles ingested by the CLI, then a check history recorded with the real refresh functions
    (``db.checks.apply_check``): every post answered "available" three weeks ago; a week ago every fourth
    tweet answered deleted or suspended and one video not found, confirmed by a second check an hour later.
    The statuses are made up for the pictures; README screenshots are made from this (``make
    screenshots``)."""
    from click.testing import CliRunner

    from embedtrail.tracker.cli import cli

    now = now or datetime.now(UTC).replace(microsecond=0)
    result = CliRunner().invoke(
        cli, ["ingest", str(SAMPLES), "--db", str(path), "--silent"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    db = Database(path)
    try:
        posts = [
            row["id"]
            for row in db.query("select id from posts where platform in ('twitter', 'youtube') order by id")
        ]
        tweets = [
            post for post in posts if post.startswith("twitter:") and not post.startswith("twitter:pic-")
        ]
        gone = {
            post: ("deleted" if index % 8 == 1 else "suspended")
            for index, post in enumerate(tweets)
            if index % 4 == 1
        }
        videos = [post for post in posts if post.startswith("youtube:")]
        gone.update({post: "not_found" for post in videos[:1]})
        for post in posts:
            _check(db, post, "available", now - timedelta(days=21), "oEmbed: 200")
        for post, status in gone.items():
            detail = f"{status}: the platform's answer (sample)"
            _check(db, post, status, now - timedelta(days=7), detail)
            _check(db, post, status, now - timedelta(days=7) + timedelta(hours=1), detail)
    finally:
        db.close()
    return path
