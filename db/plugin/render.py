"""Renders embedtrail cells in Datasette's table, row and query pages: badges, links, UTC times, post trails.

Only cells of the embedtrail database are touched, and only by column name, so canned queries that alias
their columns (``article_url``, ``post_id``) render the same way as tables. Everything else returns None
and is left to Datasette, which escapes it. Nothing stored is ever treated as markup.
"""

from __future__ import annotations

from typing import Any

from datasette.utils import tilde_encode
from markupsafe import Markup

from ._hookimpl import hookimpl
from ._html import article_path, badge, is_web_url, link, link_list, provenance_path, source_link, utc_time
from .schema import DATABASE_NAME

__all__ = ["render_cell"]

# Foreign-key columns and the table they point to: Datasette hands these over expanded ({"value", "label"}).
_FOREIGN_KEYS = {
    "article_id": "articles",
    "post_id": "posts",
    "account_id": "accounts",
    "mention_id": "mentions",
}
# Columns that hold a JSON array of URLs.
_URL_LIST_COLUMNS = frozenset({"media"})
# Time columns of canned queries whose names do not end in "_at".
_TIME_COLUMNS = frozenset({"at", "gone_since"})


def _row_value(row: Any, column: str) -> Any:
    try:
        return row[column]
    except (KeyError, IndexError, TypeError):
        return None


def _trail_link(post_id: str, datasette: Any) -> Markup:
    href = provenance_path(post_id, datasette.setting("base_url") or "/")
    return Markup(
        ' <a class="et-trail" href="{}" title="Everything known about this post">provenance</a>'
    ).format(href)


def _foreign_key(value: dict[str, Any], column: str, datasette: Any) -> Markup | None:
    other = _FOREIGN_KEYS.get(column)
    raw = value.get("value")
    if other is None or raw is None:
        return None
    label = value.get("label")
    text = str(raw) if label in (None, "") or label == raw else f"{label} ({raw})"
    if other == "articles":
        # An article's own page shows everything it cited; its row is one click further.
        href = article_path(str(raw), datasette.setting("base_url") or "/")
    else:
        href = datasette.urls.row(DATABASE_NAME, other, _tilde(str(raw)))
    html = Markup('<a href="{}">{}</a>').format(href, text)
    if other == "posts":
        html += _trail_link(str(raw), datasette)
    return html


def _tilde(value: str) -> str:
    # Datasette row URLs tilde-encode primary keys (post ids hold ":" and "/").
    return str(tilde_encode(value))


def _url_cell(row: Any, column: str, value: str) -> Markup:
    original = link(value)
    if column != "url":
        return original
    archived = _row_value(row, "archive_url")
    if not is_web_url(archived):
        return original
    # Original and archived side by side: when the post is gone the archive is the one that still works.
    return Markup('{} <span class="et-archived">· {}</span>').format(
        original, link(archived, "archived copy")
    )


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """HTML for the embedtrail cells this plugin owns; None for every other cell."""
    if database != DATABASE_NAME or not isinstance(column, str):
        return None
    if isinstance(value, dict):
        return _foreign_key(value, column, datasette)
    if value is None or value == "":
        return None
    if column == "status" and isinstance(value, str):
        return badge(value)
    if column.endswith("_at") or column in _TIME_COLUMNS:
        return utc_time(value)
    if column in _URL_LIST_COLUMNS or column.endswith("_urls"):
        return link_list(value)
    if isinstance(value, str) and value.lower().startswith("file:"):
        return source_link(value)
    if (column == "url" or column.endswith("_url")) and isinstance(value, str):
        return _url_cell(row, column, value)
    if isinstance(value, str) and column == "article_id":
        href = article_path(value, datasette.setting("base_url") or "/")
        return Markup('<a href="{}">{}</a>').format(href, value)
    if isinstance(value, str) and (column == "post_id" or (table == "posts" and column == "id")):
        text = Markup('<a href="{}">{}</a>').format(
            datasette.urls.row(DATABASE_NAME, "posts", _tilde(value)), value
        )
        return text + _trail_link(value, datasette)
    return None
