"""The plugin's own pages: a post's provenance, an article, search over everything, the feed of changes, the
attrition charts, stored bodies, the stylesheet, robots.txt.

Each is an async view returning ``Response.html(await datasette.render_template(...))``. Pages load nothing
from another host: no script, iframe or image; charts are inline SVG drawn on the server.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any
from urllib.parse import unquote

from datasette import NotFound
from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response

from embedtrail.db.checks import GONE_STATUSES
from embedtrail.scrapers.registry import PLATFORMS

from ._hookimpl import hookimpl
from ._html import article_path, provenance_path
from .article import load_article, resolve_article_alias
from .charts import age_svg, all_charts, cited_svg, platform_svg
from .evidence import body_response
from .feed import FeedFilter, atom_feed, load_changes
from .provenance import load_trail, resolve_alias
from .schema import DATABASE_NAME, database_schema
from .search import COUNT_CAP, search_everything

__all__ = ["register_routes"]

CHARTS_PATH = "/-/embedtrail/charts"
SEARCH_PATH = "/-/embedtrail/search"
FEED_PATH = "/-/embedtrail/changes.atom"
# Longest ?site= the feed takes: a site name or a host.
MAX_SITE_CHARS = 200
CSS_PATH = "/-/embedtrail/embedtrail.css"
# Public snapshots are for volunteers, not for search engines: crawling every facet link would also cost the
# host far more than the people it serves.
ROBOTS_TXT = "User-agent: *\nDisallow: /\n"


def _database(datasette: Any) -> Any:
    try:
        return datasette.get_database(DATABASE_NAME)
    except KeyError:
        raise NotFound(f"No database named {DATABASE_NAME}") from None


async def _ensure_can_view(datasette: Any, request: Any, table: str) -> None:
    # Most specific first: Datasette stops at the first permission that gives a definite answer.
    await datasette.ensure_permissions(
        request.actor,
        [("view-table", (DATABASE_NAME, table)), ("view-database", DATABASE_NAME), "view-instance"],
    )


async def provenance_page(datasette: Any, request: Any) -> Response:
    """``/-/provenance/<post_id>``: every article, credit, note, archive copy and check of one post."""
    post_id = unquote(request.url_vars["post_id"])
    await _ensure_can_view(datasette, request, "posts")
    database = _database(datasette)
    schema = await database_schema(database)
    trail = await load_trail(database, post_id, schema)
    if trail is None:
        merged_into = await resolve_alias(database, post_id)
        if merged_into is not None:
            return Response.redirect(provenance_path(merged_into, datasette.setting("base_url") or "/"))
        raise NotFound(f"No post with id {post_id}")
    context = {
        "trail": trail,
        "post": trail.post,
        "post_id": post_id,
        "database": DATABASE_NAME,
        "gone_statuses": sorted(GONE_STATUSES),
        "css_path": CSS_PATH,
        "charts_path": CHARTS_PATH,
    }
    return Response.html(
        await datasette.render_template("embedtrail_provenance.html", context, request=request)
    )


async def article_page(datasette: Any, request: Any) -> Response:
    """``/-/article/<article_id>``: what one article said and cited, its captures and its later edits."""
    article_id = unquote(request.url_vars["article_id"])
    await _ensure_can_view(datasette, request, "articles")
    database = _database(datasette)
    schema = await database_schema(database)
    trail = await load_article(database, article_id, schema)
    if trail is None:
        known_as = await resolve_article_alias(database, article_id, schema)
        if known_as is not None:
            return Response.redirect(article_path(known_as, datasette.setting("base_url") or "/"))
        raise NotFound(f"No article with id {article_id}")
    context = {"trail": trail, "article": trail.article, "article_id": article_id, "database": DATABASE_NAME}
    return Response.html(await datasette.render_template("embedtrail_article.html", context, request=request))


async def body_page(datasette: Any, request: Any) -> Response:
    """``/-/embedtrail/body/<sha256>``: a stored captured page or platform answer, as received
    (``?download=1`` as a file)."""
    await _ensure_can_view(datasette, request, "bodies")
    return await body_response(
        datasette, _database(datasette), request.url_vars["sha256"], bool(request.args.get("download"))
    )


async def search_page(datasette: Any, request: Any) -> Response:
    """``/-/embedtrail/search?q=``: posts, articles, prose credits and verification notes at once."""
    await _ensure_can_view(datasette, request, "posts")
    database = _database(datasette)
    query = request.args.get("q", "") or ""
    groups = (
        await search_everything(database, query, await database_schema(database)) if query.strip() else []
    )
    context = {
        "query": query.strip(),
        "groups": groups,
        "count_cap": COUNT_CAP,
        "database": DATABASE_NAME,
        "search_path": datasette.urls.path(SEARCH_PATH),
    }
    return Response.html(await datasette.render_template("embedtrail_search.html", context, request=request))


async def _feed_filter(database: Any, request: Any) -> FeedFilter | Response:
    """The feed's ?platform= and ?site=, or a 400 naming what is valid."""
    platform = (request.args.get("platform") or "").strip().lower() or None
    site = (request.args.get("site") or "").strip() or None
    if site is not None and len(site) > MAX_SITE_CHARS:
        return Response.text(f"site: at most {MAX_SITE_CHARS} characters\n", status=400)
    if platform is not None and platform not in {module.NAME for module in PLATFORMS}:
        # Platforms the registry does not know can still be in an older database.
        known = await database.execute("select 1 from posts where platform = ? limit 1", [platform])
        if known.first() is None:
            names = ", ".join(sorted(module.NAME for module in PLATFORMS))
            return Response.text(f"unknown platform {platform!r}; one of: {names}\n", status=400)
    return FeedFilter(platform, site)


async def changes_feed(datasette: Any, request: Any) -> Response:
    """``/-/embedtrail/changes.atom[?platform=][&site=]``: confirmed status changes and removed embeds."""
    await _ensure_can_view(datasette, request, "posts")
    database = _database(datasette)
    chosen = await _feed_filter(database, request)
    if isinstance(chosen, Response):
        return chosen
    try:
        changes = await load_changes(database, await database_schema(database), chosen)
    except QueryInterrupted:
        # A cold disk can hold the first read past Datasette's time limit; a feed reader retries later.
        return Response.text(
            "The feed took longer than this server's time limit (sql_time_limit_ms); try again shortly.\n",
            status=503,
            headers={"Retry-After": "60"},
        )
    base_url = datasette.setting("base_url") or "/"
    query = request.query_string
    body = atom_feed(
        changes,
        absolute=lambda path: datasette.absolute_url(request, path),
        provenance=lambda post_id: provenance_path(post_id, base_url),
        article=lambda article_id: article_path(article_id, base_url),
        chosen=chosen,
        self_url=datasette.absolute_url(request, datasette.urls.path(FEED_PATH))
        + (f"?{query}" if query else ""),
    )
    return Response(body, content_type="application/atom+xml; charset=utf-8")


async def charts_page(datasette: Any, request: Any) -> Response:
    """``/-/embedtrail/charts``: posts cited over time and how many are gone, by platform and by age."""
    await _ensure_can_view(datasette, request, "posts")
    database = _database(datasette)
    schema = await database_schema(database)
    gone = tuple(sorted(GONE_STATUSES))
    charts = await all_charts(
        database, gone, with_checks="checks" in schema, with_outcomes="checks.outcome" in schema
    )
    unit, buckets, platforms, ages = charts.unit, charts.buckets, charts.platforms, charts.ages
    context = {
        "database": DATABASE_NAME,
        "css_path": CSS_PATH,
        "unit": unit,
        "buckets": buckets,
        "platforms": platforms,
        "ages": ages,
        "cited_chart": cited_svg(unit, buckets),
        "platform_chart": platform_svg(platforms),
        "age_chart": age_svg(ages),
        "with_checks": "checks" in schema,
        "gone_statuses": gone,
    }
    return Response.html(await datasette.render_template("embedtrail_charts.html", context, request=request))


async def stylesheet(request: Any) -> Response:
    """The plugin's stylesheet (served by a route so its URL does not depend on how the plugin was loaded)."""
    css = (files("embedtrail.db.plugin") / "static" / "embedtrail.css").read_text(encoding="utf-8")
    return Response(css, content_type="text/css; charset=utf-8", headers={"cache-control": "max-age=3600"})


async def robots(request: Any) -> Response:
    """``/robots.txt`` that keeps crawlers out."""
    return Response.text(ROBOTS_TXT)


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    """The plugin's pages."""
    return [
        # Post ids hold ":" and "/" (telegram:channel/123): take the rest of the path, percent-decoded.
        (r"^/-/provenance/(?P<post_id>.+)$", provenance_page),
        (r"^/-/article/(?P<article_id>[^/]+)$", article_page),
        (r"^/-/embedtrail/charts$", charts_page),
        (r"^/-/embedtrail/search$", search_page),
        (r"^/-/embedtrail/changes\.atom$", changes_feed),
        (r"^/-/embedtrail/body/(?P<sha256>[^/]+)$", body_page),
        (r"^/-/embedtrail/embedtrail\.css$", stylesheet),
        (r"^/robots\.txt$", robots),
    ]
