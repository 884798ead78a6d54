"""The pages volunteers work in: table layout (rows first, useful columns first), the article page, search
over everything, the Atom feed of changes, and charts that do not mislead.

Fetched through ``datasette.client`` from the database ``conftest_datasette.build_database`` makes with the
real pipeline and the real refresh functions; what only a browser can tell (row heights, what is visible
above the fold) is in ``test_browser.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote, urlsplit

import feedparser
import pytest
from conftest_datasette import (
    ANI_POST,
    GERASHCHENKO_POST,
    SEED_URL,
    XSS_POST,
    Built,
    assert_inert,
    assert_local_only,
    build_database,
    get,
    tags,
)
from datasette.app import Datasette

from embedtrail.db.plugin import charts, tables
from embedtrail.db.plugin.charts import PlatformShare
from embedtrail.db.plugin.feed import CHANGES, changes_condition
from embedtrail.db.plugin.search import COUNT_CAP
from embedtrail.db.serving import make_datasette
from embedtrail.scrapers.records import UNCHECKABLE_PLATFORMS


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_database(tmp_path_factory.mktemp("pages") / "embedtrail.db")


@pytest.fixture
def ds(built: Built) -> Iterator[Datasette]:
    datasette = make_datasette(built.path)
    yield datasette
    for database in datasette.databases.values():
        database.close()


def _seed_article(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("select id from articles where url = ?", [SEED_URL]).fetchone()[0])


def _header_columns(html: str) -> list[str]:
    return [attrs["data-column"] or "" for tag, attrs in tags(html) if tag == "th" and "data-column" in attrs]


def _first_row_columns(html: str) -> list[str]:
    cells: list[str] = []
    for tag, attrs in tags(html):
        if tag == "tr" and cells:
            break
        if tag == "td" and "data-column" in attrs:
            cells.append(attrs["data-column"] or "")
    return cells


# ------------------------------------------------------------------------------------------ table layout


@pytest.mark.asyncio
@pytest.mark.parametrize("table", ["posts", "articles", "embeds", "mentions", "verification_notes"])
async def test_tables_open_on_data_with_useful_columns_first(ds: Datasette, table: str) -> None:
    html = (await get(ds, f"/embedtrail/{table}")).text
    headers = _header_columns(html)
    leading = [name for name in tables.LEADING_COLUMNS[table] if name in headers]
    assert headers[: len(leading)] == leading, headers
    # Each row's cells are arranged the same way as the headers, so values sit under their column.
    assert _first_row_columns(html) == headers
    # The descriptions moved behind a toggle (Datasette's list is hidden by the stylesheet) and onto the
    # headers as titles.
    assert '<details class="et-columns">' in html
    titled = [attrs for tag, attrs in tags(html) if tag == "th" and attrs.get("title")]
    assert len(titled) == len(headers)
    # The rows come before the advanced export and the schema, right after the facets.
    assert html.index('<table class="rows-and-columns et-rows">') < html.index('id="export"')


@pytest.mark.asyncio
async def test_posts_table_status_badge_first_and_long_text_clamped(ds: Datasette) -> None:
    html = (await get(ds, "/embedtrail/posts")).text
    assert _header_columns(html)[:6] == [
        "status",
        "platform",
        "author_name",
        "author_handle",
        "posted_at",
        "citation_count",
    ]
    assert 'data-column="status"><span class="et-badge' in html
    assert '<td class="col-text type-str" data-column="text"><div class="et-clamp" title=' in html
    css = (await get(ds, "/-/embedtrail/embedtrail.css")).text
    assert "body.db-embedtrail dl.column-descriptions { display: none; }" in css
    assert "-webkit-line-clamp: 2" in css


@pytest.mark.asyncio
async def test_sorting_and_column_selection_still_work(ds: Datasette) -> None:
    html = (await get(ds, "/embedtrail/posts?_sort_desc=citation_count&_col=text&_col=platform")).text
    assert _header_columns(html) == ["platform", "text", "id"]
    assert _first_row_columns(html) == ["platform", "text", "id"]


@pytest.mark.asyncio
async def test_row_keys_link_to_the_plugin_pages(ds: Datasette, built: Built) -> None:
    posts = (await get(ds, "/embedtrail/posts")).text
    assert f'href="/-/provenance/{GERASHCHENKO_POST}" title="Everything known about this post">trail' in posts
    article = _seed_article(built.path)
    articles = (await get(ds, "/embedtrail/articles")).text
    assert f'href="/-/article/{article}"' in articles
    # article_id cells, as foreign keys (embeds) and as plain query columns, lead to the article page.
    embeds = (await get(ds, "/embedtrail/embeds")).text
    assert f'<a href="/-/article/{article}">' in embeds
    query = (
        await get(ds, f"/embedtrail?sql=select+article_id+from+embeds+where+article_id='{article}'")
    ).text
    assert f'<a href="/-/article/{article}">{article}</a>' in query
    row = (await get(ds, f"/embedtrail/articles/{article}")).text
    assert f'href="/-/article/{article}"' in row


# ------------------------------------------------------------------------------------------ article page


@pytest.mark.asyncio
async def test_article_page_shows_everything_the_article_cited(ds: Datasette, built: Built) -> None:
    article = _seed_article(built.path)
    html = (await get(ds, f"/-/article/{article}")).text
    assert "<h1>Smoke was seen over Kremlin" in html
    assert "text_header" in html  # where the publication time came from
    # Every capture: when, origin, sha256.
    with closing(sqlite3.connect(built.path)) as conn:
        sha, origin = conn.execute(
            "select sha256, origin from captures where article_id = ?", [article]
        ).fetchone()
    assert sha[:16] in html and f"<td>{origin}</td>" in html
    # The post still cited, with its method, context and status badge; the one an edit removed, apart.
    cited = html[html.index('id="cited"') : html.index('id="removed"')]
    assert ANI_POST in cited and "cited as <strong>text</strong>" in cited and "et-badge" in cited
    removed = html[html.index('id="removed"') : html.index('id="credits"')]
    assert GERASHCHENKO_POST in removed and "<strong>removed</strong>" in removed
    # Prose credits and the verification note (Reuters about Baza, which links to no post).
    credits = html[html.index('id="credits"') : html.index('id="notes"')]
    assert "Baza" in credits and "Russia&#39;s RT news" in credits
    notes = html[html.index('id="notes"') : html.index('id="captures"')]
    assert "Reuters" in notes and "could not immediately verify" in notes
    # Linked from provenance pages.
    provenance = (await get(ds, f"/-/provenance/{ANI_POST}")).text
    assert f'href="/-/article/{article}"' in provenance


@pytest.mark.asyncio
async def test_article_page_lists_posts_in_document_order(ds: Datasette, built: Built) -> None:
    with closing(sqlite3.connect(built.path)) as conn:
        article, count = conn.execute(
            "select article_id, count(*) from embeds where removed_at is null group by article_id "
            "order by count(*) desc limit 1"
        ).fetchone()
        ordered = [
            row[0]
            for row in conn.execute(
                "select post_id from embeds where article_id = ? order by position, post_id", [article]
            )
        ]
    assert count >= 5
    html = (await get(ds, f"/-/article/{article}")).text
    positions = [html.index(f">{post}</a>") for post in ordered]
    assert positions == sorted(positions)


@pytest.mark.asyncio
async def test_article_page_for_unknown_or_aliased_ids(ds: Datasette, built: Built, tmp_path: Path) -> None:
    await get(ds, "/-/article/0000000000000000", status=404)
    # Datasette answers an encoded slash with a redirect to its tilde-encoded form, which is no article.
    moved = await ds.client.get("/-/article/..%2F..%2Fetc")
    assert moved.status_code == 302
    await get(ds, moved.headers["location"], status=404)
    copy = tmp_path / "aliased.db"
    copy.write_bytes(built.path.read_bytes())
    article = _seed_article(copy)
    with closing(sqlite3.connect(copy)) as conn, conn:
        conn.execute(
            "insert into article_aliases (alias, article_id) values ('feedfacefeedface', ?)", [article]
        )
    aliased = make_datasette(copy)
    try:
        response = await aliased.client.get("/-/article/feedfacefeedface")
        assert response.status_code == 302 and response.headers["location"] == f"/-/article/{article}"
    finally:
        for database in aliased.databases.values():
            database.close()


@pytest.mark.asyncio
async def test_article_page_never_shows_a_local_path(tmp_path: Path) -> None:
    built = build_database(tmp_path / "embedtrail.db")
    with closing(sqlite3.connect(built.path)) as conn, conn:
        article = _seed_article(built.path)
        conn.execute(
            "update captures set url = 'file:///home/volunteer/Desktop/kremlin.txt' where article_id = ?",
            [article],
        )
        conn.execute(
            "update articles set url = 'file:///home/volunteer/Desktop/kremlin.txt' where id = ?", [article]
        )
    datasette = make_datasette(built.path)
    try:
        for path in (f"/-/article/{article}", f"/-/provenance/{ANI_POST}", "/-/embedtrail/search?q=Kremlin"):
            html = (await get(datasette, path)).text
            assert "/home/volunteer" not in html and "local file" in html, path
    finally:
        for database in datasette.databases.values():
            database.close()


# ------------------------------------------------------------------------------------------ search


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("query", "section", "expected"),
    [
        ("Putin", "posts", ANI_POST),
        ("Kremlin", "articles", "Smoke was seen over Kremlin"),
        ("Baza", "mentions", "a Telegram channel with links to Russia"),
        ("authenticity", "notes", "could not immediately verify"),
    ],
)
async def test_search_everything_groups_results_by_kind(
    ds: Datasette, query: str, section: str, expected: str
) -> None:
    html = (await get(ds, f"/-/embedtrail/search?q={quote(query)}")).text
    start = html.index(f'<section class="et-section" id="{section}">')
    end = html.find("</section>", start)
    assert expected.replace("'", "&#39;") in html[start:end]
    # Every kind has its heading, and a link to its table's own search.
    for heading in ("Posts", "Articles", "Prose credits", "Verification notes"):
        assert f"<h2>{heading}</h2>" in html
    table = {"notes": "verification_notes"}.get(section, section)
    assert f"/embedtrail/{table}?_search={quote(query)}" in html[start:end]


@pytest.mark.asyncio
async def test_search_finds_a_post_by_its_id_and_survives_fts_syntax(ds: Datasette) -> None:
    html = (await get(ds, f"/-/embedtrail/search?q={quote(GERASHCHENKO_POST)}")).text
    posts = html[html.index('id="posts"') :]
    assert f">{GERASHCHENKO_POST}</a>" in posts
    for hostile in (
        '"unbalanced',
        "AND OR NOT",
        "*",
        "NEAR(",
        "col:value",
        "-",
        "(((",
        "'; drop table posts",
    ):
        await get(ds, f"/-/embedtrail/search?q={quote(hostile)}")
    empty = (await get(ds, "/-/embedtrail/search?q=")).text
    assert 'name="q"' in empty and 'id="posts"' not in empty
    long = (await get(ds, "/-/embedtrail/search?q=" + "word%20" * 500)).text
    assert "<h1>Search</h1>" in long


@pytest.mark.asyncio
async def test_search_box_in_the_header_and_on_the_index(ds: Datasette) -> None:
    for path in (
        "/",
        "/embedtrail",
        "/embedtrail/posts",
        f"/-/provenance/{ANI_POST}",
        "/-/embedtrail/charts",
    ):
        html = (await get(ds, path)).text
        forms = [attrs for tag, attrs in tags(html) if tag == "form" and attrs.get("role") == "search"]
        assert any(form.get("action") == "/-/embedtrail/search" for form in forms), path
    index = (await get(ds, "/")).text
    assert 'class="et-search-big"' in index
    assert '<link rel="alternate" type="application/atom+xml"' in index


@pytest.mark.asyncio
async def test_search_echoes_the_query_escaped(ds: Datasette) -> None:
    payload = '"><script>alert("xss-q")</script>'
    html = (await get(ds, f"/-/embedtrail/search?q={quote(payload)}")).text
    assert "<script>alert" not in html
    assert "&#34;&gt;&lt;script&gt;" in html
    hits = (await get(ds, "/-/embedtrail/search?q=alert")).text
    assert_inert(hits, "search")
    assert_local_only(hits, "search")


def test_search_counts_are_capped() -> None:
    assert COUNT_CAP >= 100


# ------------------------------------------------------------------------------------------ feed


async def _feed(ds: Datasette, query: str = "") -> feedparser.FeedParserDict:
    response = await get(ds, "/-/embedtrail/changes.atom" + query)
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert "content-security-policy" in response.headers
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


@pytest.mark.asyncio
async def test_feed_lists_confirmed_changes_and_removed_embeds(ds: Datasette) -> None:
    feed = await _feed(ds)
    titles = [entry.title for entry in feed.entries]
    # Each gone post once: the confirming check, not the pending one before it, nor the earlier checks.
    gone = [title for title in titles if GERASHCHENKO_POST in title and title.startswith("Gone:")]
    assert gone == [f"Gone: {GERASHCHENKO_POST} by Anton Gerashchenko (@Gerashchenko_en) is deleted"]
    assert any(title.startswith("Removed by an edit: " + GERASHCHENKO_POST) for title in titles)
    # Nothing unconfirmed or failed: the ANI post only had a timeout.
    assert not any(ANI_POST in title for title in titles)
    # Newest first, with absolute links to pages that exist, and unique ids.
    updated = [entry.updated for entry in feed.entries]
    assert updated == sorted(updated, reverse=True)
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)
    for entry in feed.entries:
        parts = urlsplit(entry.link)
        assert parts.scheme == "http" and parts.netloc == "localhost", entry.link
        await get(ds, parts.path)
    gone_entry = next(entry for entry in feed.entries if entry.title == gone[0])
    assert "was available" in gone_entry.summary and "Evidence: deleted (test)" in gone_entry.summary
    assert feed.feed.links[0].rel == "self"


@pytest.mark.asyncio
async def test_feed_per_platform_and_per_site(ds: Datasette) -> None:
    youtube = await _feed(ds, "?platform=youtube")
    assert youtube.entries == [] and "on youtube" in youtube.feed.title
    twitter = await _feed(ds, "?platform=twitter")
    assert twitter.entries and all("twitter:" in entry.title for entry in twitter.entries)
    by_host = await _feed(ds, "?site=news.example.com")
    assert any(GERASHCHENKO_POST in entry.title for entry in by_host.entries)
    assert all(
        "news.example.com" in entry.summary or "Kremlin" in entry.title or GERASHCHENKO_POST in entry.title
        for entry in by_host.entries
    )
    nowhere = await _feed(ds, "?site=elsewhere.example")
    assert nowhere.entries == []
    response = await ds.client.get("/-/embedtrail/changes.atom?platform=twiter")
    assert response.status_code == 400 and "twitter" in response.text and "one of" in response.text


@pytest.mark.asyncio
async def test_feed_of_a_big_site_is_the_same_feed(ds: Datasette, monkeypatch: pytest.MonkeyPatch) -> None:
    # A site with many articles is tested change by change instead of listed first: same entries.
    listed = await _feed(ds, "?site=news.example.com")
    monkeypatch.setattr("embedtrail.db.plugin.feed.BIG_SITE_ARTICLES", 1)
    tested = await _feed(ds, "?site=news.example.com")
    assert listed.entries and [entry.id for entry in tested.entries] == [entry.id for entry in listed.entries]


@pytest.mark.asyncio
async def test_feed_past_the_time_limit_says_so(ds: Datasette, monkeypatch: pytest.MonkeyPatch) -> None:
    from datasette.database import QueryInterrupted

    async def interrupted(*args: object, **kwargs: object) -> None:
        raise QueryInterrupted(Exception("interrupted"), "select 1", {})

    monkeypatch.setattr("embedtrail.db.plugin.pages.load_changes", interrupted)
    response = await ds.client.get("/-/embedtrail/changes.atom")
    assert response.status_code == 503 and "time limit" in response.text
    assert response.headers["retry-after"] == "60"


@pytest.mark.asyncio
async def test_feed_escapes_stored_payloads(ds: Datasette) -> None:
    response = await get(ds, "/-/embedtrail/changes.atom")
    assert b"<script>" not in response.content and b"<img" not in response.content
    feed = feedparser.parse(response.content)
    xss = [entry for entry in feed.entries if XSS_POST in entry.title]
    assert xss and "<script>" in xss[0].summary  # the payload is text in the feed, escaped in the XML


@pytest.mark.asyncio
async def test_feed_survives_characters_xml_cannot_carry(tmp_path: Path) -> None:
    built = build_database(tmp_path / "embedtrail.db")
    with closing(sqlite3.connect(built.path)) as conn, conn:
        conn.execute(
            "update posts set text = 'bell \a and nul-ish \x0b here' where id = ?", [GERASHCHENKO_POST]
        )
    datasette = make_datasette(built.path)
    try:
        feed = await _feed(datasette)
        assert any("bell  and nul-ish  here" in entry.summary for entry in feed.entries)
    finally:
        for database in datasette.databases.values():
            database.close()


@pytest.mark.asyncio
async def test_feed_on_a_database_without_refresh_tables(tmp_path: Path) -> None:
    built = build_database(tmp_path / "old.db", schema="base")
    datasette = make_datasette(built.path)
    try:
        feed = await _feed(datasette)
        assert feed.entries == []
    finally:
        for database in datasette.databases.values():
            database.close()


# ------------------------------------------------------------------------------------------ charts


def test_uncheckable_platforms_are_not_zero_percent_gone() -> None:
    instagram = PlatformShare("instagram", 12, 0, 0, checkable=False)
    waiting = PlatformShare("telegram", 3, 0, 0)
    checked = PlatformShare("twitter", 10, 4, 1)
    assert charts.platform_caption(instagram).startswith("not checkable")
    assert charts.platform_caption(waiting) == "nothing checked yet (3 cited)"
    assert charts.platform_caption(checked) == "25% gone (1 of 4 checked, 10 cited)"
    svg = str(charts.platform_svg([instagram, waiting, checked]))
    assert "0% gone" not in svg and svg.count('stroke-dasharray="4 3"') == 2
    assert {"instagram", "facebook", "threads"} == UNCHECKABLE_PLATFORMS


@pytest.mark.asyncio
async def test_charts_page_marks_instagram_not_checkable(tmp_path: Path) -> None:
    built = build_database(tmp_path / "embedtrail.db")
    with closing(sqlite3.connect(built.path)) as conn, conn:
        article = conn.execute("select id from articles limit 1").fetchone()[0]
        conn.execute(
            "insert into posts (id, platform, kind, url, native_id, first_seen_at, last_seen_at, status) "
            "values ('instagram:Cx1', 'instagram', 'post', 'https://www.instagram.com/p/Cx1/', 'Cx1', "
            "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'unchecked')"
        )
        conn.execute(
            "insert into embeds (id, article_id, post_id, method, position, first_seen_at, last_seen_at) "
            "values (?, ?, 'instagram:Cx1', 'embed', 1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
            [f"{article}:instagram:Cx1", article],
        )
    datasette = make_datasette(built.path)
    try:
        html = (await get(datasette, "/-/embedtrail/charts")).text
    finally:
        for database in datasette.databases.values():
            database.close()
    assert "not checkable: no anonymous check exists (1 cited)" in html
    assert "not checkable (no anonymous check exists)" in html  # its row in the numbers table
    assert "nothing checked yet (1 cited)" in html  # telegram and vimeo posts were never checked
    assert "0% gone (0 of 0" not in html


@pytest.mark.parametrize(
    ("unit", "labels", "bar", "expected"),
    [
        # Ten years of months: a label per year, at January.
        (
            "month",
            [f"{year}-{month:02d}" for year in range(2015, 2025) for month in range(1, 13)],
            7.0,
            [str(year) for year in range(2015, 2025)],
        ),
        # Three months of days: a label every week, with the month's name.
        ("day", ["2024-03-01", "2024-03-02", *[f"2024-03-{d:02d}" for d in range(3, 32)]], 12.0, None),
        # A single bar that starts a year.
        ("week", ["2024-01-01"], 20.0, ["2024"]),
    ],
)
def test_time_axis_ticks_fall_on_calendar_boundaries(
    unit: str, labels: list[str], bar: float, expected: list[str] | None
) -> None:
    ticks = charts.time_ticks(unit, labels, bar)
    texts = [text for _index, text in ticks]
    if expected is not None:
        assert texts == expected
    else:
        assert texts[0] == "1 Mar" and texts[1] == "8 Mar"
    gaps = [(b[0] - a[0]) * bar for a, b in pairwise(ticks)]
    assert all(gap >= 40 for gap in gaps)


def test_time_axis_of_long_weekly_span_uses_quarters_or_years() -> None:
    start = date(2021, 1, 4)
    labels = [(start + timedelta(weeks=i)).isoformat() for i in range(150)]
    texts = [text for _i, text in charts.time_ticks("week", labels, 6.0)]
    assert texts[:2] == ["Apr 2021", "Jul 2021"] and all(" " in text for text in texts)
    crowded = [text for _i, text in charts.time_ticks("week", labels, 1.0)]
    assert crowded == ["2022", "2023"]
    assert charts.time_ticks("month", ["not a date", "2024-01"], 10) == []


def test_chart_y_axis_is_round() -> None:
    svg = str(
        charts.cited_svg("month", [charts.CitedBucket("2024-01", 17, 2), charts.CitedBucket("2024-02", 3, 0)])
    )
    for tick in ("0", "5", "10", "15", "20"):
        assert f">{tick}</text>" in svg
    assert ">posts cited</text>" in svg and "Publication month of the citing article" in svg


def test_feed_reads_its_partial_index(built: Built) -> None:
    """The feed's condition is the partial index's, word for word: SQLite refuses ``indexed by`` a partial
    index whose condition the query does not imply ("no query solution")."""
    with closing(sqlite3.connect(built.path)) as conn:
        indexed = conn.execute("select sql from sqlite_master where name = 'idx_checks_feed'").fetchone()[0]
        assert indexed.endswith(f"where {CHANGES}")
        plan = " ".join(
            row[3]
            for row in conn.execute(
                "explain query plan select c.id from checks c indexed by idx_checks_feed "
                f"join posts p on p.id = c.post_id where ({changes_condition('c')}) "
                "and p.platform = 'telegram' order by c.checked_at desc limit 50"
            )
        )
        assert "USING INDEX idx_checks_feed" in plan and "TEMP B-TREE" not in plan
        with pytest.raises(sqlite3.OperationalError, match="no query solution"):
            conn.execute(
                "select id from checks indexed by idx_checks_feed where outcome = 'changed'"
            ).fetchall()
