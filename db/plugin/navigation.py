"""Links the plugin's pages into Datasette's own: the stylesheet on every page, "Charts" in the menu."""

from __future__ import annotations

from typing import Any

from ._hookimpl import hookimpl

__all__ = ["extra_css_urls", "menu_links"]


@hookimpl
def extra_css_urls(
    template: str,
    database: str | None,
    table: str | None,
    columns: Any,
    view_name: str,
    request: Any,
    datasette: Any,
) -> list[str]:
    """The badge and link styles render_cell relies on."""
    return [str(datasette.urls.path("/-/embedtrail/embedtrail.css"))]


@hookimpl
def menu_links(datasette: Any, actor: Any, request: Any) -> list[dict[str, str]]:
    """A "Charts" entry in the navigation menu."""
    return [{"href": str(datasette.urls.path("/-/embedtrail/charts")), "label": "embedtrail charts"}]
