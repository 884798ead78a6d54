"""The embedtrail Datasette plugin: provenance pages, attrition charts, cell rendering, schema-aware queries.

Registered through the ``datasette`` entry point ``embedtrail = "embedtrail.db.plugin"``. Datasette registers
this module, so the hook implementations of each concern module are imported here by name: ``pages`` (routes),
``render`` (render_cell), ``queries`` (canned_queries), ``navigation`` (stylesheet and menu), ``security``
(read-only methods, security headers), ``errors`` (a malformed table URL answered 400) and ``startup``
(Jinja filters, connection pragmas, startup check).
"""

from .errors import handle_exception
from .navigation import extra_css_urls, menu_links
from .pages import register_routes
from .queries import canned_queries
from .render import render_cell
from .schema import DATABASE_NAME
from .security import asgi_wrapper
from .startup import prepare_connection, prepare_jinja2_environment, startup

__all__ = [
    "DATABASE_NAME",
    "asgi_wrapper",
    "canned_queries",
    "extra_css_urls",
    "handle_exception",
    "menu_links",
    "prepare_connection",
    "prepare_jinja2_environment",
    "register_routes",
    "render_cell",
    "startup",
]
