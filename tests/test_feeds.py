"""Feeds and sitemaps as sources, end to end against a local server: conditional requests, the seen set,
``--since``, nested and gzipped sitemaps, broken XML, loops and deep nesting, and ``embedtrail sources``."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from embedtrail.tracker.cli import cli
from embedtrail.tracker.sources import SOURCES, feeds, module_for, sitemaps
from embedtrail.tracker.sources._listing import is_before, since_key
from tests import servers
from tests.servers import LocalServer, Reply, Seen, StartServer

local_server = servers.local_server


def article(n: int) -> bytes:
    return (
        f"<!doctype html><html><head><title>Story {n}</title></head><body><article>"
        f"<p>Residents filmed the drones and posted video number {n}.</p>"
        f'<blockquote class="twitter-tweet"><p>Drones {n}</p>&mdash; Local (@local{n}) '
        f'<a href="https://twitter.com/local{n}/status/16537113385877790{n:02d}">May 3, 2023</a>'
        f"</blockquote></article></body></html>"
    ).encode()


def rss(base: str, numbers: list[int]) -> bytes:
    items = "".join(
        f"<item><title>Story {n}</title><link>{base}/story/{n}</link>"
        f"<pubDate>Fri, {n:02d} Mar 2024 10:00:00 GMT</pubDate></item>"
        for n in numbers
    )
    channel = f"<channel><title>News</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


def atom(base: str, numbers: list[int]) -> bytes:
    entries = "".join(
        f'<entry><title>Story {n}</title><link rel="alternate" href="{base}/story/{n}"/>'
        f"<id>tag:news,{n}</id><updated>2024-03-{n:02d}T10:00:00Z</updated></entry>"
        for n in numbers
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>News</title><id>tag:news</id><updated>2024-03-20T00:00:00Z</updated>{entries}</feed>"
    ).encode()


def urlset(base: str, numbers: list[int], *, news: bool = False) -> bytes:
    rows = []
    for n in numbers:
        extra = (
            f"<news:news><news:publication><news:name>News</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>2024-03-{n:02d}T10:00:00Z</news:publication_date>"
            f"<news:title>Story {n}</news:title></news:news>"
            if news
            else f"<lastmod>2024-03-{n:02d}</lastmod>"
        )
        rows.append(
            f"<url><loc>{base}/story/{n}</loc>{extra}"
            f"<image:image><image:loc>{base}/img/{n}.jpg</image:loc></image:image></url>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
        'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">' + "".join(rows) + "</urlset>"
    ).encode()


def index(base: str, paths: list[str], lastmod: str | None = None) -> bytes:
    modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    rows = "".join(f"<sitemap><loc>{base}{path}</loc>{modified}</sitemap>" for path in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>'
    ).encode()


class Site:
    """A news site: stories /story/N, and whatever listing routes a test sets (callables get the base)."""

    def __init__(self, start: StartServer) -> None:
        self.listings: dict[str, Any] = {}
        self.missing: set[int] = set()
        self.server: LocalServer = start(self.route)

    @property
    def base(self) -> str:
        return self.server.base_url

    def route(self, seen: Seen) -> Reply:
        path = seen.path.split("?", 1)[0]
        if path.startswith("/story/"):
            n = int(path.rsplit("/", 1)[1])
            if n in self.missing:
                return Reply(status=404, body=b"gone")
            return Reply(body=article(n))
        listing = self.listings.get(path)
        if listing is None:
            return Reply(status=404, body=b"no such listing", content_type="text/plain")
        reply: Reply = listing(seen) if callable(listing) else listing
        return reply

    def stories_fetched(self) -> list[str]:
        return [p for p in self.server.paths() if p.startswith("/story/")]


@pytest.fixture
def site(local_server: StartServer) -> Site:
    return Site(local_server)


def run(*args: str) -> tuple[int, Any]:
    result = CliRunner().invoke(cli, [*args], catch_exceptions=False)
    if "--json" in args and result.stdout.strip()[:1] in ("{", "["):
        return result.exit_code, json.loads(result.stdout)
    return result.exit_code, {"stdout": result.stdout, "stderr": result.stderr}


def ingest(db_path: str, *args: str) -> tuple[int, dict[str, Any]]:
    return run("ingest", "--json", "--allow-private", "--db", db_path, *args)


def rows(db_path: str, sql: str) -> list[dict[str, Any]]:
    with Database(db_path) as db:
        return list(db.query(sql))


def etagged(body: bytes, etag: str, content_type: str) -> Any:
    def reply(seen: Seen) -> Reply:
        if seen.headers.get("if-none-match") == etag:
            return Reply(status=304, content_type=None)
        return Reply(body=body, content_type=content_type, headers=[("ETag", etag)])

    return reply


def test_prefixed_sources_are_claimed_by_their_modules() -> None:
    assert feeds in SOURCES and sitemaps in SOURCES
    assert module_for("feed:https://news.example/rss") is feeds
    assert module_for("sitemap:https://news.example/sitemap.xml") is sitemaps
    assert module_for("https://news.example/rss").NAME == "web"


@pytest.mark.parametrize(
    ("published", "since", "before"),
    [
        ("2024-03-01T10:00:00Z", "2024-03-02", True),
        ("2024-03-02T00:00:00Z", "2024-03-02", False),
        ("2024-03-01", "2024-03-01T12:00:00Z", False),
        ("2024-02-29", "2024-03-01T12:00:00Z", True),
        (None, "2024-03-01", False),
        ("2024-03-01T10:00:00Z", None, False),
    ],
)
def test_since_cut(published: str | None, since: str | None, before: bool) -> None:
    assert is_before(published, since) is before
    assert since_key("2024-03-01") == "2024-03-01T00:00:00Z"


def test_feed_ingests_new_articles_and_asks_conditionally(site: Site, db_path: str) -> None:
    site.listings["/rss"] = etagged(rss(site.base, [1, 2, 3]), '"v1"', "application/rss+xml")
    code, report = ingest(db_path, "--feed", site.base + "/rss")
    assert code == 0, report
    assert report["saved"] == 3
    assert len(site.stories_fetched()) == 3
    [source] = rows(db_path, "select * from sources")
    assert source["kind"] == "feed" and source["etag"] == '"v1"' and source["items_seen"] == 3
    assert source["last_status"] == "ok"
    items = rows(db_path, "select * from source_items order by item_url")
    assert [item["published_at"] for item in items] == [
        "2024-03-01T10:00:00Z",
        "2024-03-02T10:00:00Z",
        "2024-03-03T10:00:00Z",
    ]
    assert {r["origin"] for r in rows(db_path, "select origin from captures")} == {"http"}

    # Nothing new: the feed answers 304 and no article is fetched.
    code, report = ingest(db_path, "--feed", site.base + "/rss")
    assert code == 0 and report["documents"] == 0
    assert report["skipped"] == {"feed_not_modified": 1}
    assert site.server.requests[-1].headers.get("if-none-match") == '"v1"'
    assert len(site.stories_fetched()) == 3

    # A new version with one new item: only that article is fetched.
    site.listings["/rss"] = etagged(rss(site.base, [1, 2, 3, 4]), '"v2"', "application/rss+xml")
    code, report = ingest(db_path, "--feed", site.base + "/rss")
    assert code == 0 and report["saved"] == 1 and report["skipped"] == {"feed_seen": 3}
    assert site.stories_fetched()[-1] == "/story/4" and len(site.stories_fetched()) == 4


def test_atom_feed_since_and_last_modified(site: Site, db_path: str) -> None:
    def listing(seen: Seen) -> Reply:
        if seen.headers.get("if-modified-since") == "Wed, 20 Mar 2024 00:00:00 GMT":
            return Reply(status=304, content_type=None)
        headers = [("Last-Modified", "Wed, 20 Mar 2024 00:00:00 GMT")]
        return Reply(body=atom(site.base, [1, 5, 9]), content_type="application/atom+xml", headers=headers)

    site.listings["/atom"] = listing
    code, report = ingest(db_path, "--feed", site.base + "/atom", "--since", "2024-03-05")
    assert code == 0, report
    assert report["saved"] == 2 and report["skipped"] == {"feed_before_since": 1}
    assert sorted(site.stories_fetched()) == ["/story/5", "/story/9"]
    code, report = ingest(db_path, "--feed", site.base + "/atom")
    assert report["skipped"] == {"feed_not_modified": 1}


def test_failed_article_is_retried_and_validators_wait(site: Site, db_path: str) -> None:
    site.listings["/rss"] = etagged(rss(site.base, [1, 2]), '"v1"', "application/rss+xml")
    site.missing.add(2)
    code, report = ingest(db_path, "--feed", site.base + "/rss")
    assert code == 1 and report["saved"] == 1
    assert report["errors"] == [{"source": site.base + "/story/2", "reason": "http_status 404"}]
    [source] = rows(db_path, "select * from sources")
    assert source["etag"] is None and source["last_status"] == "partial"
    site.missing.clear()
    code, report = ingest(db_path, "--feed", site.base + "/rss")
    assert code == 0 and report["saved"] == 1 and report["skipped"] == {"feed_seen": 1}
    assert rows(db_path, "select etag from sources")[0]["etag"] == '"v1"'


def test_broken_feeds_fail_alone(site: Site, db_path: str) -> None:
    site.listings["/rss"] = Reply(body=rss(site.base, [1]), content_type="application/rss+xml")
    site.listings["/broken"] = Reply(
        body=b"<?xml version='1.0'?><rss><channel><title>oops</ti", content_type="text/xml"
    )
    site.listings["/html"] = Reply(body=b"<html><body>not a feed</body></html>")
    site.listings["/lenient"] = Reply(
        body=rss(site.base, [7]).replace(b"<title>News</title>", b"<title>News & Views</title>"),
        content_type="application/rss+xml",
    )
    code, report = ingest(
        db_path,
        *("--feed", site.base + "/broken"),
        *("--feed", site.base + "/html"),
        *("--feed", site.base + "/missing"),
        *("--feed", site.base + "/rss"),
        *("--feed", site.base + "/lenient"),
    )
    assert code == 1
    reasons = {error["source"]: error["reason"] for error in report["errors"]}
    assert reasons[f"feed:{site.base}/broken"].startswith("not a readable feed")
    assert reasons[f"feed:{site.base}/html"].startswith("not a readable feed")
    assert reasons[f"feed:{site.base}/missing"] == f"feed {site.base}/missing: http_status 404"
    assert report["saved"] == 2, "the good feed and the lenient parse of the ill-formed one go on"
    assert sorted(site.stories_fetched()) == ["/story/1", "/story/7"]


def test_feed_fetches_go_through_the_guarded_client(site: Site, db_path: str) -> None:
    site.listings["/rss"] = Reply(body=rss(site.base, [1]), content_type="application/rss+xml")
    code, report = run("ingest", "--json", "--db", db_path, "--feed", site.base + "/rss")
    assert code == 1
    [error] = report["errors"]
    assert error["reason"].startswith("feed ")
    # The guard's refusal, with what to do about it.
    assert "private_address: " in error["reason"] and "--allow-private" in error["reason"]
    assert site.server.paths() == []


def test_sitemap_index_nested_gzip_and_news(site: Site, db_path: str) -> None:
    site.listings["/sitemap.xml"] = Reply(
        body=index(site.base, ["/news.xml", "/archive.xml.gz"]), content_type="application/xml"
    )
    site.listings["/news.xml"] = Reply(
        body=urlset(site.base, [10, 11], news=True), content_type="application/xml"
    )
    site.listings["/archive.xml.gz"] = Reply(
        body=gzip.compress(urlset(site.base, [1, 2])), content_type="application/x-gzip"
    )
    code, report = ingest(db_path, "--sitemap", site.base + "/sitemap.xml", "--since", "2024-03-02")
    assert code == 0, report
    assert report["saved"] == 3 and report["skipped"] == {"sitemap_before_since": 1}
    assert sorted(site.stories_fetched()) == ["/story/10", "/story/11", "/story/2"]
    assert not any("/img/" in path for path in site.server.paths()), "image locs are not pages"
    published = {
        r["item_url"].rsplit("/", 1)[1]: r["published_at"]
        for r in rows(db_path, "select * from source_items")
    }
    assert published == {"10": "2024-03-10T10:00:00Z", "11": "2024-03-11T10:00:00Z", "2": "2024-03-02"}
    [source] = rows(db_path, "select * from sources")
    assert source["kind"] == "sitemap" and source["items_seen"] == 3


def test_sitemap_loops_depth_and_broken_xml_fail_alone(site: Site, db_path: str) -> None:
    site.listings["/loop-a.xml"] = Reply(body=index(site.base, ["/loop-b.xml", "/good.xml"]))
    site.listings["/loop-b.xml"] = Reply(body=index(site.base, ["/loop-a.xml"]))
    site.listings["/good.xml"] = Reply(body=urlset(site.base, [1]))
    for level in range(8):
        site.listings[f"/deep-{level}.xml"] = Reply(body=index(site.base, [f"/deep-{level + 1}.xml"]))
    site.listings["/deep-8.xml"] = Reply(body=urlset(site.base, [2]))
    site.listings["/broken.xml"] = Reply(
        body=b"<urlset><url><loc>" + site.base.encode() + b"/story/3</loc></url><url><loc>"
    )
    site.listings["/entities.xml"] = Reply(
        body=b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<urlset><url><loc>&e;</loc></url></urlset>"
    )
    site.listings["/feed-not-sitemap.xml"] = Reply(body=rss(site.base, [4]))
    code, report = ingest(
        db_path,
        *("--sitemap", site.base + "/loop-a.xml"),
        *("--sitemap", site.base + "/deep-0.xml"),
        *("--sitemap", site.base + "/broken.xml"),
        *("--sitemap", site.base + "/entities.xml"),
        *("--sitemap", site.base + "/feed-not-sitemap.xml"),
    )
    assert code == 1
    reasons = [error["reason"] for error in report["errors"]]
    assert any(r == f"sitemap loop: {site.base}/loop-a.xml is already being read" for r in reasons)
    assert any(r.startswith("sitemaps nest deeper than 3 levels: not following") for r in reasons)
    assert any(r.startswith("broken sitemap XML") for r in reasons)
    assert any(r.startswith("not a sitemap: root element is <rss>") for r in reasons)
    # The loop's good sibling and the page before the break went on; no entity was expanded.
    assert sorted(site.stories_fetched()) == ["/story/1", "/story/3"]
    assert not [p for p in site.server.paths() if "passwd" in p]


def test_sources_commands_and_ingest_sources(site: Site, db_path: str) -> None:
    site.listings["/rss"] = Reply(body=rss(site.base, [1]), content_type="application/rss+xml")
    site.listings["/sitemap.xml"] = Reply(body=urlset(site.base, [2]))
    code, out = run("ingest", "--db", db_path, "--sources")
    assert code == 2 and "no feeds or sitemaps remembered" in out["stderr"]
    assert run("sources", "add", "--db", db_path, "--kind", "feed", site.base + "/rss")[0] == 0
    assert run("sources", "add", "--db", db_path, "--kind", "sitemap", site.base + "/sitemap.xml")[0] == 0
    code, out = run("sources", "add", "--db", db_path, "--kind", "feed", site.base + "/rss")
    assert "already there" in out["stdout"]
    code, out = run("sources", "add", "--db", db_path, "--kind", "feed", "ftp://x")
    assert code == 2
    code, report = ingest(db_path, "--sources")
    assert code == 0 and report["saved"] == 2
    code, listed = run("sources", "list", "--db", db_path, "--json")
    assert [(s["kind"], s["items_seen"], s["last_status"]) for s in listed] == [
        ("feed", 1, "ok"),
        ("sitemap", 1, "ok"),
    ]
    code, out = run("sources", "list", "--db", db_path)
    assert "feed" in out["stdout"] and site.base + "/sitemap.xml" in out["stdout"]
    code, out = run("sources", "remove", "--db", db_path, site.base + "/rss")
    assert code == 0 and "removed" in out["stdout"]
    assert rows(db_path, "select count(*) as n from source_items")[0]["n"] == 1
    code, out = run("sources", "remove", "--db", db_path, site.base + "/rss")
    assert code == 1 and "not a remembered source" in out["stderr"]


def test_since_must_be_a_date(db_path: str, tmp_path: Path) -> None:
    code, out = run("ingest", "--db", db_path, "--feed", "https://news.example/rss", "--since", "last week")
    assert code == 2 and "--since" in out["stderr"]
