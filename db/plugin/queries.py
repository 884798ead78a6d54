"""Offers the canned queries that need optional schema (``checks``, archive columns, ``embeds.removed_at``).

The SQL lives in ``db/metadata.yaml`` under ``plugins.embedtrail.schema_queries``; this hook only decides, at
each request, which of them the served database can run, so a live database that a refresh migrates while
Datasette is running gains the richer queries without a restart.
"""

from __future__ import annotations

from typing import Any

from ._hookimpl import hookimpl
from .schema import DATABASE_NAME, database_schema, resolve_queries

__all__ = ["canned_queries"]


@hookimpl
def canned_queries(datasette: Any, database: str, actor: Any) -> Any:
    """The schema queries the database supports, keyed by name (they replace base queries of that name)."""
    if database != DATABASE_NAME:
        return None

    async def inner() -> dict[str, dict[str, Any]]:
        config = datasette.plugin_config("embedtrail") or {}
        schema_queries = config.get("schema_queries")
        if not schema_queries:
            return {}
        # Datasette asks for canned queries on every table page too: read only the columns queries require.
        tables = {
            requirement.split(".", 1)[0]
            for query in schema_queries.values()
            if isinstance(query, dict)
            for requirement in query.get("requires", ())
            if "." in requirement
        }
        schema = await database_schema(datasette.get_database(database), tables)
        return resolve_queries(None, schema_queries, schema)

    return inner
