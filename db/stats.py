"""Counts for ``embedtrail stats``: rows per table, posts per platform and per status. Read-only."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

__all__ = ["STATS_TABLES", "collect_stats"]

STATS_TABLES = (
    "articles",
    "captures",
    "posts",
    "accounts",
    "embeds",
    "mentions",
    "verification_notes",
    "runs",
)


def collect_stats(db: Database) -> dict[str, Any]:
    """``{"tables": {...}, "platforms": {...}, "statuses": {...}}`` with counts, largest first."""
    names = set(db.table_names())
    tables = {table: db[table].count for table in (*STATS_TABLES, "checks") if table in names}
    platforms = {
        row["platform"]: row["n"]
        for row in db.query(
            "select platform, count(*) as n from posts group by platform order by n desc, platform"
        )
    }
    statuses = {
        row["status"]: row["n"]
        for row in db.query("select status, count(*) as n from posts group by status order by n desc, status")
    }
    return {"tables": tables, "platforms": platforms, "statuses": statuses}
