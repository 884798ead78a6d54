"""What an embedtrail database holds right now, so pages and queries can use optional tables and columns.

Later migrations add tables (``checks``), columns (``posts.archive_url``, ``embeds.removed_at``) and views
(``gone_posts``); a database served while an older embedtrail wrote it lacks them. Pages and canned queries
ask here instead of assuming. A schema is a frozen set of names: ``"table"`` for every table and view, and
``"table.column"`` for every column.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "DATABASE_NAME",
    "Schema",
    "database_schema",
    "requirements_met",
    "resolve_queries",
    "sqlite_schema",
]

# The name the database is served under, whatever its file is called (see db.serving.make_datasette).
DATABASE_NAME = "embedtrail"

Schema = frozenset[str]


def _schema(columns: Mapping[str, Iterable[str]]) -> Schema:
    names: set[str] = set()
    for table, table_columns in columns.items():
        names.add(table)
        names.update(f"{table}.{column}" for column in table_columns)
    return frozenset(names)


async def database_schema(database: Any, columns_of: Iterable[str] | None = None) -> Schema:
    """The schema of a Datasette ``Database``, read fresh each call: every table and view, and the columns
    of those named in ``columns_of`` (default: all of them; one PRAGMA per table, so hooks that run on
    every request name only the tables they ask about)."""
    names = list(await database.table_names()) + list(await database.view_names())
    wanted = set(names) if columns_of is None else set(columns_of) & set(names)
    columns: dict[str, list[str]] = {name: [] for name in names}
    for name in wanted:
        columns[name] = list(await database.table_columns(name))
    return _schema(columns)


def sqlite_schema(conn: sqlite3.Connection) -> Schema:
    """The schema of an open SQLite connection (tables, views and their columns)."""
    names = [row[0] for row in conn.execute("select name from sqlite_master where type in ('table', 'view')")]
    columns = {
        name: [row[1] for row in conn.execute("select * from pragma_table_info(?)", [name])] for name in names
    }
    return _schema(columns)


def requirements_met(requires: Iterable[str], schema: Schema) -> bool:
    """True when every ``"table"`` or ``"table.column"`` in ``requires`` is in ``schema``."""
    return all(name in schema for name in requires)


def resolve_queries(
    base: Mapping[str, Any] | None, schema_queries: Mapping[str, Any] | None, schema: Schema
) -> dict[str, dict[str, Any]]:
    """The canned queries a database with ``schema`` can run.

    ``base`` are the queries every embedtrail database supports; each of ``schema_queries`` is added,
    replacing a base query of the same name, when the database has everything its ``requires`` lists. The
    result is a new dict of copies without ``requires`` (Datasette would not know the key).
    """
    queries: dict[str, dict[str, Any]] = {}
    for name, query in (base or {}).items():
        queries[name] = copy.deepcopy(query) if isinstance(query, dict) else {"sql": query}
    for name, query in (schema_queries or {}).items():
        if not isinstance(query, dict) or not requirements_met(query.get("requires", ()), schema):
            continue
        queries[name] = {key: copy.deepcopy(value) for key, value in query.items() if key != "requires"}
    return queries
