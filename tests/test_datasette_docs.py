"""docs/datasette.md is tested: every route the plugin registers and every canned query (the metadata's
queries and the plugin's schema queries) is documented there, with the query's title and parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from embedtrail.db.plugin.pages import register_routes
from embedtrail.db.serving import LARGE_TABLE_SETTINGS, datasette_settings, load_metadata
from embedtrail.tracker.config import ServeConfig

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "datasette.md").read_text(encoding="utf-8")


def _queries() -> dict[str, dict[str, Any]]:
    metadata = load_metadata()
    queries: dict[str, dict[str, Any]] = dict(metadata["databases"]["embedtrail"]["queries"])
    for name, query in metadata["plugins"]["embedtrail"]["schema_queries"].items():
        queries.setdefault(name, query)
    return queries


def _route_path(pattern: str) -> str:
    """A route regex as the doc writes it: ``^/-/provenance/(?P<post_id>.+)$`` reads
    ``/-/provenance/<post_id>``."""
    path = pattern.removeprefix("^").removesuffix("$").replace("\\.", ".")
    while "(?P<" in path:
        start = path.index("(?P<")
        name_end = path.index(">", start)
        end = path.index(")", name_end)
        path = path[:start] + "<" + path[start + 4 : name_end] + ">" + path[end + 1 :]
    return path


@pytest.mark.parametrize("pattern", [pattern for pattern, _ in register_routes(None)])
def test_every_plugin_route_is_documented(pattern: str) -> None:
    path = _route_path(pattern)
    assert f"`{path}`" in DOC, f"docs/datasette.md does not document the route {path}"


def test_route_paths_read_like_urls() -> None:
    assert _route_path(r"^/-/provenance/(?P<post_id>.+)$") == "/-/provenance/<post_id>"
    assert _route_path(r"^/robots\.txt$") == "/robots.txt"


@pytest.mark.parametrize("name", sorted(_queries()))
def test_every_canned_query_is_documented(name: str) -> None:
    query = _queries()[name]
    assert f"`{name}`" in DOC, f"docs/datasette.md does not document the canned query {name}"
    # The query's own section: from its heading to the next heading.
    section = DOC[DOC.index(f"### `{name}`") :]
    end = section.find("\n#", 1)
    section = section if end < 0 else section[:end]
    assert query["title"] in section, f"{name}: title {query['title']!r} missing next to it"
    for param in query.get("params", []):
        assert f"`{param}`" in section, f"{name}: parameter {param} missing next to it"


@pytest.mark.parametrize("immutable", [False, True])
def test_every_datasette_setting_is_documented(immutable: bool) -> None:
    for key in [*datasette_settings(ServeConfig(), immutable=immutable), *LARGE_TABLE_SETTINGS]:
        assert f"`{key}`" in DOC, f"docs/datasette.md does not document the setting {key}"
