"""Datasette serving: metadata, canned queries, the plugin's pages and renderers, XSS, serve and publish.

Every page is fetched through ``datasette.client`` (no server, no network) from databases built by the real
pipeline out of pages in ``tests/fixtures/datasette/`` (see ``conftest_datasette``), in two schemas: the
current one, with a check history made by ``db.checks``, and the one before the refresh migrations.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest_datasette import (
    ANI_POST,
    GERASHCHENKO_POST,
    SEED_URL,
    XSS_ARTICLE_URL,
    XSS_ODD_POST,
    XSS_POST,
    Built,
    assert_inert,
    assert_local_only,
    build_database,
    get,
    rows,
    tags,
)
from datasette.app import Datasette
from markupsafe import Markup

from embedtrail import db
from embedtrail.db import open_database
from embedtrail.db.checks import GONE_STATUSES
from embedtrail.db.plugin import _html, charts
from embedtrail.db.plugin.schema import requirements_met, resolve_queries
from embedtrail.db.serving import PublishResult, load_metadata, make_datasette, publish
from embedtrail.db.store import article_key
from embedtrail.tracker.config import ServeConfig

# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def current_db(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A database with every migration and a check history (read-only use: tests must not write to it)."""
    return build_database(tmp_path_factory.mktemp("current") / "live.db")


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A database as an embedtrail from before the refresh migrations left it (read-only use)."""
    return build_database(tmp_path_factory.mktemp("base") / "old.db", schema="base")


@pytest.fixture
def fresh_db(tmp_path: Path) -> Built:
    """A private current-schema database a test may write to."""
    return build_database(tmp_path / "embedtrail.db")


def _close(datasette: Datasette) -> None:
    for database in datasette.databases.values():
        database.close()
    if datasette.executor is not None:
        datasette.executor.shutdown(wait=False)


@pytest.fixture
def ds(current_db: Built) -> Iterator[Datasette]:
    datasette = make_datasette(current_db.path)
    yield datasette
    _close(datasette)


@pytest.fixture
def base_ds(base_db: Built) -> Iterator[Datasette]:
    datasette = make_datasette(base_db.path)
    yield datasette
    _close(datasette)


# ---------------------------------------------------------------------------------------------- metadata


def _all_queries(metadata: dict[str, Any]) -> dict[str, dict[str, Any]]:
    queries = dict(metadata["databases"]["embedtrail"]["queries"])
    for name, query in metadata["plugins"]["embedtrail"]["schema_queries"].items():
        queries[f"schema:{name}"] = query
    return queries


def test_metadata_is_packaged_and_titled() -> None:
    metadata = load_metadata()
    assert metadata["title"] == "embedtrail"
    assert metadata["description"]
    assert set(metadata["databases"]) == {"embedtrail"}


def test_metadata_describes_every_table_and_column(current_db: Built) -> None:
    """Every table and view of the current schema, and every column, has a description."""
    tables = load_metadata()["databases"]["embedtrail"]["tables"]
    with closing(sqlite3.connect(current_db.path)) as conn:
        names = [
            row[0]
            for row in conn.execute("select name from sqlite_master where type in ('table', 'view')")
            if not re.search(r"_fts(_|$)|^sqlite_", row[0])
        ]
        for name in names:
            assert tables.get(name, {}).get("description"), f"no description for table {name}"
            if tables[name].get("hidden"):
                continue
            columns = [row[1] for row in conn.execute("select * from pragma_table_info(?)", [name])]
            described = tables[name].get("columns", {})
            missing = [column for column in columns if not described.get(column)]
            assert not missing, f"{name}: no description for {missing}"


def test_metadata_search_sort_and_labels() -> None:
    tables = load_metadata()["databases"]["embedtrail"]["tables"]
    for table in ("posts", "articles", "verification_notes", "mentions"):
        assert tables[table]["fts_table"] == f"{table}_fts"
        assert tables[table]["fts_pk"] == "rowid"
    for table in ("articles", "posts", "embeds", "mentions", "verification_notes", "runs", "checks"):
        assert tables[table]["sort_desc"].endswith("_at"), table
    assert tables["articles"]["label_column"] == "title"
    assert tables["accounts"]["label_column"] == "handle"
    facets = {facet for table in tables.values() for facet in table.get("facets", [])}
    assert {"platform", "status", "site_name", "verdict", "method", "kind"} <= facets


def test_every_query_is_documented_and_read_only() -> None:
    for name, query in _all_queries(load_metadata()).items():
        assert query.get("title") and query.get("description"), name
        assert not query.get("write"), name
        named = set(re.findall(r"(?<!:):([a-z_]+)", query["sql"]))
        assert named == set(query.get("params", [])), (name, named)
        assert "_" not in query["title"], name


def test_gone_lists_in_sql_match_db_checks() -> None:
    """SQL cannot import db.checks.GONE_STATUSES; every list the queries spell out must equal it."""
    spelled = 0
    for name, query in _all_queries(load_metadata()).items():
        for found in re.findall(r"status in \(([^()]*)\)", query["sql"]):
            assert sorted(re.findall(r"'([a-z_]+)'", found)) == sorted(GONE_STATUSES), name
            spelled += 1
    assert spelled >= 2


def test_schema_queries_name_their_requirements() -> None:
    for name, query in load_metadata()["plugins"]["embedtrail"]["schema_queries"].items():
        assert query["requires"], name


@pytest.mark.parametrize(
    ("requires", "expected"),
    [([], True), (["posts"], True), (["posts.status"], True), (["checks"], False), (["posts.nope"], False)],
)
def test_requirements_met(requires: list[str], expected: bool) -> None:
    assert requirements_met(requires, frozenset({"posts", "posts.status"})) is expected


def test_resolve_queries_overrides_and_drops_requires() -> None:
    base = {"a": {"sql": "select 1"}, "b": "select 2"}
    extra = {"a": {"sql": "select 3", "requires": ["t"]}, "c": {"sql": "select 4", "requires": ["u"]}}
    assert resolve_queries(base, extra, frozenset({"t"})) == {
        "a": {"sql": "select 3"},
        "b": {"sql": "select 2"},
    }
    assert resolve_queries(base, extra, frozenset())["a"] == {"sql": "select 1"}


# ---------------------------------------------------------------------------------------------- pages


@pytest.mark.asyncio
async def test_index_names_the_database_embedtrail(ds: Datasette) -> None:
    response = await get(ds, "/")
    assert "embedtrail" in response.text
    assert 'href="/embedtrail"' in response.text
    assert "_memory" not in response.text
    data = (await get(ds, "/.json")).json()
    assert list(data) == ["embedtrail"]


@pytest.mark.asyncio
async def test_database_page_lists_queries_for_its_schema(ds: Datasette, base_ds: Datasette) -> None:
    current = (await get(ds, "/embedtrail")).text
    for title in (
        "Posts gone since first seen",
        "Unverified videos and who said so",
        "Most-cited accounts",
        "Everything cited from one account",
        "All articles citing a post",
        "Posts an article stopped citing after an edit",
        "Mentions whose source has no URL yet",
        "What changed in the last 24 hours",
    ):
        assert title in current, title
    base = (await get(base_ds, "/embedtrail")).text
    assert "Posts an article stopped citing after an edit" not in base
    assert "Posts gone since first seen" in base
    assert "/-/embedtrail/charts" in current


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("table", "facets", "sort_desc"),
    [
        ("posts", {"platform", "status", "kind"}, "first_seen_at"),
        ("articles", {"site_name", "language"}, "published_at"),
        ("embeds", {"method"}, "first_seen_at"),
        ("mentions", {"kind", "platform"}, "first_seen_at"),
        ("verification_notes", {"verdict", "verifier"}, "first_seen_at"),
        ("checks", {"status", "checker", "outcome"}, "checked_at"),
        ("gone_posts", {"platform", "status"}, "status_changed_at"),
    ],
)
async def test_tables_have_facets_and_newest_first(
    ds: Datasette, table: str, facets: set[str], sort_desc: str
) -> None:
    data = (await get(ds, f"/embedtrail/{table}.json")).json()
    assert facets <= set(data["facet_results"]), data["facet_results"].keys()
    assert f"sorted by {sort_desc} descending" in data["human_description_en"]
    values = [row[data["columns"].index(sort_desc)] for row in data["rows"]]
    present = [value for value in values if value is not None]
    assert present == sorted(present, reverse=True)
    html = (await get(ds, f"/embedtrail/{table}")).text
    for facet in facets:
        assert f'data-facet="{facet}"' in html or f"facet-{facet}" in html, facet


@pytest.mark.asyncio
async def test_status_facet_counts_gone_posts(ds: Datasette) -> None:
    data = (await get(ds, "/embedtrail/posts.json?_facet=status")).json()
    counts = {item["value"]: item["count"] for item in data["facet_results"]["status"]["results"]}
    assert counts["deleted"] == 3  # one tweet, the seed's Gerashchenko post, the hostile post
    assert counts["suspended"] == 1 and counts["not_found"] == 1
    assert counts["available"] >= 2


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("table", "term", "expected"),
    [
        ("posts", "Putin", ANI_POST),
        ("posts", "Gerashchenko", GERASHCHENKO_POST),
        ("articles", "Kremlin", SEED_URL),
        ("verification_notes", "Reuters", "Reuters"),
        ("mentions", "Baza", "Baza"),
    ],
)
async def test_full_text_search(ds: Datasette, table: str, term: str, expected: str) -> None:
    found = await rows(ds, f"/embedtrail/{table}?_search={term}")
    assert found and any(expected in json.dumps(row) for row in found), found
    html = (await get(ds, f"/embedtrail/{table}?_search={term}")).text
    assert 'name="_search"' in html


@pytest.mark.asyncio
async def test_search_handles_fts_syntax_characters(ds: Datasette) -> None:
    # Volunteers paste quotes and colons; the default escaped search mode must not turn them into errors.
    await get(ds, '/embedtrail/posts?_search="twitter:pic" AND (')


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("?_sort=nonexistent", "Cannot sort table by nonexistent"),
        ("?_sort_desc=nonexistent", "Cannot sort table by nonexistent"),
        ("?_sort=url&_sort_desc=url", "Cannot use _sort and _sort_desc at the same time"),
        ("?_through={bad", "Invalid _through parameter: '{bad'"),
    ],
)
@pytest.mark.parametrize("table", ["posts", "gone_posts", "checks"])
async def test_a_malformed_table_url_is_a_bad_request_not_a_server_error(
    ds: Datasette, table: str, query: str, says: str
) -> None:
    # A typo in a shared link is the visitor's to fix: a 400 that says what is wrong, on the page and in JSON.
    with contextlib.redirect_stdout(io.StringIO()):  # Datasette prints every error it handles
        page = await ds.client.get(f"/embedtrail/{table}{query}")
        data = await ds.client.get(f"/embedtrail/{table}.json{query}")
    assert page.status_code == 400, page.text
    assert str(Markup.escape(says)) in page.text
    assert data.status_code == 400
    assert data.json()["error"] == says and data.json()["ok"] is False


@pytest.mark.asyncio
async def test_a_malformed_page_token_on_a_view_is_a_bad_request(ds: Datasette) -> None:
    # A view pages by its sort column; a token that is not one of its values fails in Datasette's parsing.
    with contextlib.redirect_stdout(io.StringIO()):
        data = await ds.client.get("/embedtrail/gone_posts.json?_next=zzz")
    assert data.status_code == 400
    assert data.json()["error"] == "Invalid _next parameter: 'zzz'"


@pytest.mark.asyncio
async def test_a_server_error_that_is_not_the_visitors_stays_a_server_error(
    ds: Datasette, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the malformed-URL cases above become 400s: a fault of the instance still reads as one.
    from datasette.views.table import TableView

    async def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("the disk is on fire")

    monkeypatch.setattr(TableView, "data", broken)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert (await ds.client.get("/embedtrail/posts?_sort=url")).status_code == 500


# ---------------------------------------------------------------------------------------------- queries


@pytest.mark.asyncio
async def test_posts_gone_since_first_seen(ds: Datasette, base_ds: Datasette) -> None:
    found = await rows(ds, "/embedtrail/posts_gone_since_seen")
    by_id = {row["post_id"]: row for row in found}
    assert GERASHCHENKO_POST in by_id and XSS_POST in by_id
    assert all(row["status"] in GONE_STATUSES for row in found)
    gerashchenko = by_id[GERASHCHENKO_POST]
    assert (
        gerashchenko["last_available_at"] and gerashchenko["gone_since"] > gerashchenko["last_available_at"]
    )
    assert gerashchenko["checks"] == 3
    assert json.loads(gerashchenko["article_urls"]) == [SEED_URL]
    assert gerashchenko["archive_url"].startswith("https://web.archive.org/")
    only_youtube = await rows(ds, "/embedtrail/posts_gone_since_seen?platform=youtube")
    assert only_youtube == []
    # Before the refresh migrations: the same question from the posts table alone.
    old = {row["post_id"]: row for row in await rows(base_ds, "/embedtrail/posts_gone_since_seen")}
    assert GERASHCHENKO_POST in old and old[GERASHCHENKO_POST]["citing_articles"] == 1
    assert "last_available_at" not in old[GERASHCHENKO_POST]


@pytest.mark.asyncio
async def test_unverified_videos_and_who_said_so(ds: Datasette) -> None:
    found = await rows(ds, "/embedtrail/unverified_videos")
    said = {row["said_by"]: row for row in found}
    assert "Reuters" in said
    assert "authenticity" in said["Reuters"]["sentence"]
    assert "Baza" in (said["Reuters"]["credited_in"] or "")
    narrowed = await rows(ds, "/embedtrail/unverified_videos?verifier=Reuters")
    assert [row["said_by"] for row in narrowed] == ["Reuters"]


@pytest.mark.asyncio
async def test_most_cited_accounts(ds: Datasette) -> None:
    found = await rows(ds, "/embedtrail/most_cited_accounts")
    assert found[0]["citations"] >= found[-1]["citations"]
    handles = {row["handle"].lower(): row for row in found}
    assert handles["gerashchenko_en"]["posts_gone"] == 1
    assert all(
        row["platform"] == "youtube"
        for row in await rows(ds, "/embedtrail/most_cited_accounts?platform=youtube")
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("handle", ["ANI", "@ani", " ani "])
async def test_everything_cited_from_one_account(ds: Datasette, handle: str) -> None:
    found = await rows(ds, f"/embedtrail/account_timeline?handle={handle}")
    assert [row["post_id"] for row in found] == [ANI_POST]
    assert found[0]["article_url"] == SEED_URL


@pytest.mark.asyncio
async def test_all_articles_citing_a_post(ds: Datasette, base_ds: Datasette) -> None:
    found = await rows(ds, f"/embedtrail/articles_citing_post?post_id={ANI_POST}")
    kinds = {row["cited_as"] for row in found}
    assert "text" in kinds and "credited in prose" in kinds
    assert all(row["article_url"] == SEED_URL for row in found)
    removed = await rows(ds, f"/embedtrail/articles_citing_post?post_id={GERASHCHENKO_POST}")
    assert removed[0]["removed_at"]
    old = await rows(base_ds, f"/embedtrail/articles_citing_post?post_id={GERASHCHENKO_POST}")
    assert old and "removed_at" not in old[0]


@pytest.mark.asyncio
async def test_articles_citing_post_follows_aliases(fresh_db: Built) -> None:
    with closing(sqlite3.connect(fresh_db.path)) as conn, conn:
        conn.execute(
            "insert into post_aliases (alias, post_id, reason, created_at) "
            "values ('twitter:old', ?, 'test', ?)",
            [ANI_POST, "2026-01-01T00:00:00Z"],
        )
    datasette = make_datasette(fresh_db.path)
    try:
        found = await rows(datasette, "/embedtrail/articles_citing_post?post_id=twitter:old")
        assert found and found[0]["article_url"] == SEED_URL
        response = await datasette.client.get("/-/provenance/twitter:old")
        assert response.status_code == 302
        assert response.headers["location"] == f"/-/provenance/{ANI_POST}"
    finally:
        _close(datasette)


@pytest.mark.asyncio
async def test_posts_an_article_stopped_citing(ds: Datasette, base_ds: Datasette) -> None:
    found = await rows(ds, "/embedtrail/removed_after_edit")
    assert [row["post_id"] for row in found] == [GERASHCHENKO_POST]
    assert found[0]["article_url"] == SEED_URL and found[0]["removed_at"]
    await get(base_ds, "/embedtrail/removed_after_edit", status=404)


@pytest.mark.asyncio
async def test_mentions_whose_source_has_no_url(ds: Datasette) -> None:
    found = await rows(ds, "/embedtrail/mentions_without_url")
    baza = [row for row in found if row["source_name"] == "Baza"]
    assert baza and baza[0]["kind"] == "video" and baza[0]["verification"] == "unverified by Reuters"
    assert all(
        row["kind"] == "photo" for row in await rows(ds, "/embedtrail/mentions_without_url?kind=photo")
    )


@pytest.mark.asyncio
async def test_what_changed_in_the_last_24_hours(ds: Datasette, base_ds: Datasette) -> None:
    found = await rows(ds, "/embedtrail/recent_changes")
    changes = {row["change"] for row in found}
    assert {
        "new article",
        "new post",
        "newly cited",
        "status now deleted",
        "citation removed by an edit",
    } <= changes
    assert "archived" not in changes  # archived two days ago
    assert "archived" in {row["change"] for row in await rows(ds, "/embedtrail/recent_changes?hours=72")}
    assert all(
        row["at"] >= (datetime.now(UTC) - timedelta(hours=25)).strftime("%Y-%m-%dT%H") for row in found
    )
    # Pages ingested 10+ days ago are not in the last day, but are in the last 30.
    assert "http://www.hertha-blog.de/der-lange-und-die-alte-dame.html" not in json.dumps(found)
    month = await rows(ds, "/embedtrail/recent_changes?hours=720")
    assert "http://www.hertha-blog.de/der-lange-und-die-alte-dame.html" in json.dumps(month)
    old = {row["change"] for row in await rows(base_ds, "/embedtrail/recent_changes")}
    assert "new article" in old and "archived" not in old


@pytest.mark.asyncio
async def test_queries_appear_when_a_live_database_is_migrated(tmp_path: Path) -> None:
    """Served while an older embedtrail's database is migrated: the richer queries show up without restart."""
    built = build_database(tmp_path / "embedtrail.db", schema="base")
    datasette = make_datasette(built.path)
    try:
        await get(datasette, "/embedtrail/removed_after_edit", status=404)
        open_database(built.path).close()  # any embedtrail command migrates on open
        await get(datasette, "/embedtrail/removed_after_edit")
        await get(datasette, "/embedtrail/checks")
    finally:
        _close(datasette)


@pytest.mark.asyncio
async def test_live_database_shows_writes_from_another_connection(fresh_db: Built) -> None:
    datasette = make_datasette(fresh_db.path)
    try:
        before = (await get(datasette, "/embedtrail/articles.json?_size=0")).json()[
            "filtered_table_rows_count"
        ]
        with closing(sqlite3.connect(fresh_db.path)) as writer:
            assert writer.execute("pragma journal_mode").fetchone()[0] == "wal"
            with writer:
                writer.execute(
                    "insert into articles (id, url, first_seen_at) values ('new', 'https://n.example/', ?)",
                    ["2026-01-01T00:00:00Z"],
                )
            # A writer holding a transaction open does not block readers in WAL mode.
            writer.execute("begin immediate")
            writer.execute("update articles set title = 'uncommitted' where id = 'new'")
            after = (await get(datasette, "/embedtrail/articles.json?_size=0")).json()
            assert after["filtered_table_rows_count"] == before + 1
            title = await rows(datasette, "/embedtrail/articles?id=new")
            assert title[0]["title"] is None
            writer.rollback()
    finally:
        _close(datasette)


# ---------------------------------------------------------------------------------------------- plugin pages


@pytest.mark.asyncio
async def test_provenance_page_shows_the_whole_trail(ds: Datasette) -> None:
    response = await get(ds, f"/-/provenance/{GERASHCHENKO_POST}")
    html = response.text
    assert "Provenance of twitter:pic-w7Bv1jQzYk" in html
    assert "Anton Gerashchenko" in html and "@Gerashchenko_en" in html
    assert "Embedded in 1 article" in html
    assert "Smoke was seen over Kremlin" in html  # the citing article's title
    assert "removed by an edit" in html
    assert 'href="https://web.archive.org/web/2023/https://pic.twitter.com/w7Bv1jQzYk"' in html
    assert "Check history" in html and html.count('class="et-badge') >= 4
    assert "(pending)" in html and "(changed)" in html
    assert "last seen available" in html
    assert 'href="https://pic.twitter.com/w7Bv1jQzYk"' in html  # media as a plain link
    assert f'href="/embedtrail/posts/{GERASHCHENKO_POST.replace(":", "~3A")}"' in html
    assert_local_only(html, response.url.path)


@pytest.mark.asyncio
async def test_provenance_page_shows_credits_and_notes(ds: Datasette) -> None:
    html = (await get(ds, f"/-/provenance/{ANI_POST}")).text
    assert "Credited in prose" in html and "Russia&#39;s RT news" in html
    html = (await get(ds, f"/-/provenance/{XSS_POST}")).text
    assert "Verification notes" in html and "unverified" in html and "could not verify the video" in html


@pytest.mark.asyncio
async def test_provenance_page_without_refresh_schema(base_ds: Datasette) -> None:
    html = (await get(base_ds, f"/-/provenance/{GERASHCHENKO_POST}")).text
    assert "Embedded in 1 article" in html
    assert "Check history" not in html and "Archived copy" not in html


@pytest.mark.asyncio
async def test_provenance_page_for_unknown_post_is_404(ds: Datasette) -> None:
    await get(ds, "/-/provenance/twitter:404", status=404)


@pytest.mark.asyncio
async def test_provenance_links_from_tables_and_rows(ds: Datasette) -> None:
    """Every post in the posts table, a post's row page and post_id cells elsewhere lead to the trail."""
    table = (await get(ds, "/embedtrail/posts?_size=max")).text
    hrefs = {
        href
        for tag, attrs in tags(table)
        if tag == "a" and (href := attrs.get("href") or "").startswith("/-/provenance/")
    }
    assert len(hrefs) == len(await rows(ds, "/embedtrail/posts?_size=max&_col=id"))
    for href in sorted(hrefs):
        await get(ds, href)  # including the id with quotes, angle brackets and a slash
    row = (await get(ds, f"/embedtrail/posts/{GERASHCHENKO_POST.replace(':', '~3A')}")).text
    assert f'href="/-/provenance/{GERASHCHENKO_POST}"' in row and "Provenance of this post" in row
    embeds = (await get(ds, "/embedtrail/embeds")).text
    assert f'href="/-/provenance/{ANI_POST}"' in embeds
    query = (await get(ds, "/embedtrail/posts_gone_since_seen")).text
    assert f'href="/-/provenance/{GERASHCHENKO_POST}"' in query


@pytest.mark.asyncio
async def test_render_cell_badges_times_and_side_by_side_urls(ds: Datasette) -> None:
    html = (await get(ds, f"/embedtrail/posts/{GERASHCHENKO_POST.replace(':', '~3A')}")).text
    assert '<span class="et-badge et-gone" title="status: gone">deleted</span>' in html
    assert re.search(
        r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">[^<]+ UTC</time> <span class="et-ago">', html
    )
    assert (
        'rel="nofollow noopener noreferrer">https://pic.twitter.com/w7Bv1jQzYk</a> <span class="et-archived">'
        in html
    )
    assert ">archived copy</a>" in html
    accounts = (await get(ds, "/embedtrail/posts?id=" + GERASHCHENKO_POST)).text
    assert (
        'href="/embedtrail/accounts/twitter~3Agerashchenko_en">Gerashchenko_en (twitter:gerashchenko_en)</a>'
        in accounts
    )


@pytest.mark.asyncio
@pytest.mark.parametrize("which", ["current", "base"])
async def test_charts_page(ds: Datasette, base_ds: Datasette, which: str) -> None:
    datasette = ds if which == "current" else base_ds
    response = await get(datasette, "/-/embedtrail/charts")
    html = response.text
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="et-chart"') == 3
    assert "Posts cited per" in html and "Attrition by platform" in html and "Attrition by age" in html
    assert "<td>twitter</td>" in html or ">twitter</a></td>" in html
    assert_local_only(html, "/-/embedtrail/charts")
    assert "<script src" not in html.replace('<script src="/', "")


@pytest.mark.asyncio
async def test_charts_count_gone_posts(ds: Datasette) -> None:
    database = ds.get_database("embedtrail")
    gone = tuple(sorted(GONE_STATUSES))
    shares = {share.platform: share for share in await charts.platform_attrition(database, gone)}
    assert shares["twitter"].gone == 5
    assert shares["youtube"].gone == 0 and shares["youtube"].checked == shares["youtube"].cited
    unit, buckets = await charts.cited_per_bucket(database, gone)
    assert unit == "month"  # articles from 2014 to 2023 span years
    assert sum(bucket.gone for bucket in buckets) == 5
    ages = await charts.age_attrition(database, gone, with_checks=True, with_outcomes=True)
    assert sum(age.gone for age in ages) >= 5
    assert ages[-1].label == "5+ years" and ages[-1].checked > 0


@pytest.mark.parametrize(
    ("unit", "first", "last", "expected"),
    [
        ("month", "2014-11", "2015-02", ["2014-11", "2014-12", "2015-01", "2015-02"]),
        ("week", "2024-01-01", "2024-01-15", ["2024-01-01", "2024-01-08", "2024-01-15"]),
        ("day", "2024-02-28", "2024-03-01", ["2024-02-28", "2024-02-29", "2024-03-01"]),
    ],
)
def test_cited_buckets_stand_on_an_even_time_axis(
    unit: str, first: str, last: str, expected: list[str]
) -> None:
    filled = charts.fill_gaps(unit, [charts.CitedBucket(first, 2, 1), charts.CitedBucket(last, 3, 0)])
    assert [bucket.label for bucket in filled] == expected
    assert sum(bucket.cited for bucket in filled) == 5


def test_chart_svg_escapes_labels() -> None:
    svg = charts.cited_svg("day", [charts.CitedBucket('<script>alert("x")</script>', 3, 1)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    svg = charts.platform_svg([charts.PlatformShare("<b>p</b>", 4, 2, 1)])
    assert "<b>" not in svg and "50% gone" in svg
    assert "Nothing checked yet" in charts.age_svg([charts.AgeShare("< 1 month", 0, 0)])


@pytest.mark.asyncio
async def test_stylesheet_robots_and_security_headers(ds: Datasette) -> None:
    css = await get(ds, "/-/embedtrail/embedtrail.css")
    assert css.headers["content-type"].startswith("text/css") and ".et-badge" in css.text
    robots = await get(ds, "/robots.txt")
    assert robots.text == "User-agent: *\nDisallow: /\n"
    page = await get(ds, "/embedtrail/posts")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-src 'none'" in policy and "http" not in policy
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "/-/embedtrail/embedtrail.css" in page.text


@pytest.mark.asyncio
async def test_no_write_endpoints(ds: Datasette) -> None:
    for name, query in (await ds.get_canned_queries("embedtrail", None)).items():
        assert not query.get("write"), name
    for path in ("/embedtrail/recent_changes", "/embedtrail/posts", "/embedtrail", "/-/logout"):
        response = await ds.client.post(path, data={"hours": "1"})
        assert response.status_code == 405, path
        assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert (await ds.client.request("DELETE", "/embedtrail/posts")).status_code == 405


# ---------------------------------------------------------------------------------------------- XSS


XSS_PAGES = [
    "/",
    "/embedtrail",
    "/embedtrail/posts",
    "/embedtrail/posts?_search=alert",
    "/embedtrail/posts?_facet=author_name&_facet=url",
    f"/embedtrail/posts/{XSS_POST.replace(':', '~3A')}",
    "/embedtrail/articles",
    "/embedtrail/accounts",
    "/embedtrail/embeds",
    "/embedtrail/mentions",
    "/embedtrail/verification_notes",
    "/embedtrail/checks",
    "/embedtrail/gone_posts",
    "/embedtrail/captures",
    "/embedtrail/posts_gone_since_seen",
    "/embedtrail/unverified_videos",
    "/embedtrail/most_cited_accounts",
    "/embedtrail/account_timeline?handle=xss_account",
    f"/embedtrail/articles_citing_post?post_id={XSS_POST}",
    "/embedtrail/mentions_without_url",
    "/embedtrail/recent_changes",
    "/embedtrail?sql=select+*+from+posts",
    f"/-/provenance/{XSS_POST}",
    "/-/embedtrail/charts",
    f"/-/article/{article_key(XSS_ARTICLE_URL)}",
    "/-/embedtrail/search?q=alert",
    "/-/embedtrail/search?q=xss_account",
    "/-/embedtrail/search?q=Story",
]


@pytest.mark.asyncio
@pytest.mark.parametrize("path", XSS_PAGES)
async def test_stored_payloads_stay_inert(ds: Datasette, path: str) -> None:
    html = (await get(ds, path)).text
    assert_inert(html, path)
    assert_local_only(html, path)


@pytest.mark.asyncio
async def test_payloads_are_shown_escaped_not_dropped(ds: Datasette) -> None:
    """The inert test means something only if the payloads reach the page, as text."""
    html = (await get(ds, f"/-/provenance/{XSS_POST}")).text
    assert "&lt;script&gt;alert(&#34;xss-script&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(&#34;xss-img&#34;)&gt;" in html
    inert = '<span class="et-inert" title="not a web link">'
    assert inert + "javascript:alert(&#34;xss-js-url&#34;)</span>" in html
    assert inert + "data:text/html,&lt;script&gt;" in html
    assert 'href="https://media.example/clip.mp4"' in html  # the one real URL is still a link
    assert 'href="https://xss.example/story"' in html
    table = (await get(ds, "/embedtrail/posts")).text
    assert "javascript:alert(&#34;xss-js-url&#34;)" in table
    odd = (await get(ds, "/-/provenance/" + XSS_ODD_POST.replace("/", "%2F"))).text
    assert_inert(odd, "odd id")
    assert "&lt;svg onload=alert(&#39;xss-id&#39;)&gt;" in odd


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://x.com/a/status/1", True),
        ("http://example.org/", True),
        ("HTTPS://EXAMPLE.ORG/", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("vbscript:msgbox", False),
        ("//evil.example/x", False),
        ("https://", False),
        ("https://a.example/\nb", False),
        ("/relative", False),
        (None, False),
        (42, False),
    ],
)
def test_only_web_urls_become_links(value: object, expected: bool) -> None:
    assert _html.is_web_url(value) is expected
    html = _html.link(value, "label")
    assert isinstance(html, Markup)
    assert ("<a " in html) is expected


def test_link_escapes_quotes_in_urls() -> None:
    html = _html.link('https://a.example/"onmouseover="alert(1)')
    assert 'href="https://a.example/&#34;onmouseover=&#34;alert(1)"' in html


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "just now"),
        (90, "1 minute ago"),
        (3 * 3600, "3 hours ago"),
        (2 * 86400, "2 days ago"),
        (40 * 86400, "1 month ago"),
        (800 * 86400, "2 years ago"),
        (-3600, "in 1 hour"),
    ],
)
def test_relative_time(seconds: int, expected: str) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert _html.relative_time(now - timedelta(seconds=seconds), now) == expected


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2023-05-03T10:41:22.247Z", "2023-05-03 10:41:22 UTC"),
        ("2023-05-03T12:41:22+02:00", "2023-05-03 10:41:22 UTC"),
        ("2023-05-03T10:41:22", "2023-05-03 10:41:22 UTC"),
        ("2023-05-03", "2023-05-03</time>"),
        ("<b>not a time</b>", "&lt;b&gt;not a time&lt;/b&gt;"),
    ],
)
def test_utc_time(stored: str, shown: str) -> None:
    assert shown in _html.utc_time(stored, datetime(2026, 1, 1, tzinfo=UTC))


def test_provenance_path_encodes_ids() -> None:
    assert _html.provenance_path("telegram:rybar/48213") == "/-/provenance/telegram:rybar%2F48213"
    assert _html.provenance_path('a:"<>', "/base/") == "/base/-/provenance/a:%22%3C%3E"


# ---------------------------------------------------------------------------------------------- serving


@pytest.mark.asyncio
async def test_make_datasette_names_any_file_embedtrail(current_db: Built, tmp_path: Path) -> None:
    copy = tmp_path / "some other name.db"
    shutil.copy(current_db.path, copy)
    config = ServeConfig(secret="s3cret", sql_time_limit_ms=750, max_returned_rows=123)
    datasette = make_datasette(copy, config=config, metadata_overrides={"title": "Our instance"})
    try:
        assert list(datasette.databases) == ["_internal", "embedtrail"] or set(datasette.databases) == {
            "_internal",
            "embedtrail",
        }
        assert datasette.setting("sql_time_limit_ms") == 750
        assert datasette.setting("max_returned_rows") == 123
        assert datasette.setting("allow_download") is False
        assert datasette._secret == "s3cret"
        assert datasette.get_database("embedtrail").is_mutable
        assert "Our instance" in (await get(datasette, "/")).text
        assert len(await rows(datasette, "/embedtrail/posts?_size=max")) <= 123
    finally:
        _close(datasette)


def test_make_datasette_drops_write_queries_from_overrides(current_db: Built) -> None:
    overrides = {
        "databases": {"embedtrail": {"queries": {"wipe": {"sql": "delete from posts", "write": True}}}}
    }
    datasette = make_datasette(current_db.path, metadata_overrides=overrides)
    try:
        assert "wipe" not in (datasette.metadata("queries", database="embedtrail") or {})
        assert "recent_changes" in datasette.metadata("queries", database="embedtrail")
    finally:
        _close(datasette)


def test_make_datasette_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        make_datasette(tmp_path / "nope.db")


def test_plugin_is_registered_under_its_entry_point_name() -> None:
    from datasette.plugins import pm

    assert pm.get_plugin("embedtrail") is db.plugin


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions.
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


@pytest.mark.parametrize("module", [db.plugin, db.serving])
def test_exports_are_sorted_and_complete(module: Any) -> None:
    assert module.__all__ == sorted(module.__all__, key=_isort_key)
    for name in module.__all__:
        assert hasattr(module, name), name


# ---------------------------------------------------------------------------------------------- publish


def _published(result: PublishResult) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(result.metadata.read_text(encoding="utf-8"))
    return data


@pytest.mark.asyncio
async def test_publish_writes_an_immutable_snapshot(fresh_db: Built, tmp_path: Path) -> None:
    out = tmp_path / "public"
    config = ServeConfig(secret="never-written", sql_time_limit_ms=500, max_returned_rows=200)
    result = publish(fresh_db.path, out, config)
    assert result.database == out / "embedtrail.db"
    assert stat.S_IMODE(result.database.stat().st_mode) == 0o444
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "embedtrail.db", "metadata.yaml"]
    with closing(sqlite3.connect(f"{result.database.as_uri()}?mode=ro", uri=True)) as snap:
        assert snap.execute("pragma journal_mode").fetchone()[0] == "delete"
        assert snap.execute("select count(*) from posts").fetchone()[0] == result.counts["posts"]
    assert result.counts["checks"] > 0
    assert result.command == (
        "datasette", "serve", "-i", "embedtrail.db", "-m", "metadata.yaml",
        "--setting", "sql_time_limit_ms", "500", "--setting", "max_returned_rows", "200",
        "--setting", "allow_download", "on",
    )  # fmt: skip
    metadata = _published(result)
    queries = metadata["databases"]["embedtrail"]["queries"]
    assert "removed_after_edit" in queries and "requires" not in queries["removed_after_edit"]
    assert "gone_posts" in queries["posts_gone_since_seen"]["sql"]
    assert "schema_queries" not in metadata["plugins"]["embedtrail"]
    assert set(result.queries) == set(queries)
    readme = result.readme.read_text(encoding="utf-8")
    assert (
        result.command_line in readme
        and "datasette publish cloudrun" in readme
        and "datasette package" in readme
    )
    for path in out.iterdir():
        assert b"never-written" not in path.read_bytes()
    # The published metadata works as is, with Datasette's own file loading.
    served = Datasette(immutables=[str(result.database)], metadata=metadata, settings=result.settings)
    try:
        await get(served, "/embedtrail/removed_after_edit")
        await get(served, f"/-/provenance/{GERASHCHENKO_POST}")
        await get(served, "/embedtrail.db")  # downloads are on for snapshots
    finally:
        _close(served)
    # Publishing again replaces the read-only snapshot.
    assert publish(fresh_db.path, out, config).database.exists()


def test_publish_of_an_old_schema_offers_only_queries_it_can_run(tmp_path: Path) -> None:
    built = build_database(tmp_path / "old.db", schema="base")
    result = publish(built.path, tmp_path / "out")
    queries = _published(result)["databases"]["embedtrail"]["queries"]
    assert "removed_after_edit" not in queries
    with closing(sqlite3.connect(f"{result.database.as_uri()}?mode=ro", uri=True)) as snap:
        for query in queries.values():
            params = {param: "" for param in query.get("params", [])}
            snap.execute(query["sql"], params).fetchall()  # every query runs on the snapshot


def test_publish_is_consistent_while_another_connection_writes(fresh_db: Built, tmp_path: Path) -> None:
    with closing(sqlite3.connect(fresh_db.path)) as writer:
        writer.execute("begin immediate")
        writer.execute(
            "insert into articles (id, url, first_seen_at) values ('pending', 'https://p.example/', 'x')"
        )
        result = publish(fresh_db.path, tmp_path / "out")
        writer.rollback()
    with closing(sqlite3.connect(f"{result.database.as_uri()}?mode=ro", uri=True)) as snap:
        assert snap.execute("select count(*) from articles where id = 'pending'").fetchone()[0] == 0
        assert snap.execute("pragma quick_check").fetchone()[0] == "ok"


def test_publish_missing_database(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        publish(tmp_path / "nope.db", tmp_path / "out")
