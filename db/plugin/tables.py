"""How the embedtrail tables are laid out on Datasette's table and row pages: which columns come first, which
long cells are clamped to two lines, and what a row's key links to besides its row page.

Datasette shows columns in schema order, which puts what a volunteer looks for (a post's status, who posted
it, how often it was cited) at the far right of thirty columns. ``arrange`` reorders the header cells and
every row's cells the same way, with the columns named in ``LEADING_COLUMNS`` first and the rest after in
schema order; nothing is hidden (``?_col=`` and ``?_nocol=`` still work). Used by the
``_embedtrail_table.html`` template through the ``et_arrange`` and ``et_clamp`` filters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["CLAMPED_COLUMNS", "LEADING_COLUMNS", "ONE_LINE_COLUMNS", "REFERENCE_COLUMNS", "arrange", "clamp"]

# What a volunteer reads first in each table; any column not named keeps its schema order after these.
LEADING_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "posts": (
        "status",
        "platform",
        "author_name",
        "author_handle",
        "posted_at",
        "citation_count",
        "text",
        "id",
        "kind",
        "url",
    ),
    "articles": ("title", "site_name", "published_at", "author", "id", "url", "language", "first_seen_at"),
    "embeds": ("post_id", "method", "context", "article_id", "first_seen_at", "removed_at"),
    "mentions": ("source_name", "kind", "platform", "sentence", "post_id", "article_id"),
    "verification_notes": ("verdict", "verifier", "sentence", "post_id", "mention_id", "article_id"),
    "accounts": ("platform", "handle", "name", "status", "citation_count", "url"),
    "checks": ("checked_at", "post_id", "status", "outcome", "checker", "http_status", "detail"),
    "captures": ("article_id", "fetched_at", "origin", "http_status", "bytes", "sha256"),
}
# Free text that would make a row many lines tall: shown two lines high, whole on the row page and on hover.
CLAMPED_COLUMNS = frozenset(
    {
        "text",
        "title",
        "context",
        "sentence",
        "status_detail",
        "detail",
        "excerpt",
        "headers",
        "source_description",
        "media",
    }
)
# References to another row, shown as that row's label (an article's title, a post's author) and id.
REFERENCE_COLUMNS = frozenset({"article_id", "post_id", "mention_id", "account_id"})
# Short text that still wraps into a tall row (names, handles): one line, cut with an ellipsis.
ONE_LINE_COLUMNS = frozenset(
    {"author_name", "author_handle", "author", "site_name", "source_name", "verifier"}
)


def _name(item: Any) -> str:
    """The column of a header (Datasette's column dict) or of a cell (its cell dict)."""
    if isinstance(item, Mapping):
        return str(item.get("name", item.get("column", "")))
    return ""


def arrange(items: Iterable[Any], table: str | None) -> list[Any]:
    """``items`` (a table page's ``display_columns``, or one of its rows) in the table's reading order.

    A row is Datasette's ``Row`` (its cells under ``.cells``) or a plain list of cell dicts. Tables with no
    order of their own keep Datasette's.
    """
    cells = list(getattr(items, "cells", items))
    leading = LEADING_COLUMNS.get(table or "")
    if not leading:
        return cells
    rank = {name: index for index, name in enumerate(leading)}
    last = len(leading)
    # sorted() is stable: the columns not named keep their schema order.
    return sorted(cells, key=lambda item: rank.get(_name(item), last))


def clamp(column: str | None) -> str | None:
    """The CSS class that clamps cells of ``column`` in a table (``et-clamp``: two lines, narrower for a
    reference to another row; ``et-line``: one line), or None for cells shown whole."""
    if column in CLAMPED_COLUMNS:
        return "et-clamp"
    if column in REFERENCE_COLUMNS:
        return "et-clamp et-ref"
    if column in ONE_LINE_COLUMNS:
        return "et-line"
    return None
