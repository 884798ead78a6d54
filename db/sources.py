"""Feeds and sitemaps embedtrail re-reads (``sources``) and the articles each already gave (``source_items``).

``SourceMemory`` is what ``tracker.sources`` modules see (conditional-request validators, the unseen items
of a listing); ``add_source``, ``list_sources`` and ``remove_source`` back ``embedtrail sources``. A listed
item is marked seen only after its article was saved, so an article that failed is tried again next run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

__all__ = ["KINDS", "SourceMemory", "add_source", "list_sources", "remove_source"]

KINDS = ("feed", "sitemap")


def add_source(db: Database, url: str, kind: str, now: str) -> bool:
    """Remember ``url`` as a ``kind`` source; returns False if it was already there (its kind is updated)."""
    if kind not in KINDS:
        raise ValueError(f"unknown source kind {kind!r}: expected one of {', '.join(KINDS)}")
    with db.atomic():
        known = list(db.query("select kind from sources where url = ?", [url]))
        if known:
            if known[0]["kind"] != kind:
                db.table("sources").update(url, {"kind": kind, "etag": None, "last_modified": None})
            return False
        db.table("sources").insert({"url": url, "kind": kind, "added_at": now, "items_seen": 0}, pk="url")
    return True


def list_sources(db: Database) -> list[dict[str, Any]]:
    """Every remembered source, oldest first."""
    return list(db.query("select * from sources order by added_at, url"))


def remove_source(db: Database, url: str) -> bool:
    """Forget ``url`` and what it listed; returns False if it was not there."""
    with db.atomic():
        if not list(db.query("select 1 from sources where url = ?", [url])):
            return False
        db.execute("delete from source_items where source_url = ?", [url])
        db.execute("delete from sources where url = ?", [url])
    return True


class SourceMemory:
    """``tracker.sources.SourceState`` over the database, plus ``saw`` for the pipeline."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified stored for ``url`` (None, None if unknown)."""
        rows = list(self.db.query("select etag, last_modified from sources where url = ?", [url]))
        if not rows:
            return None, None
        return rows[0]["etag"], rows[0]["last_modified"]

    def unseen(self, source_url: str, item_urls: Sequence[str]) -> list[str]:
        """The ``item_urls`` that ``source_url`` has not given before, in order, without repeats."""
        wanted = list(dict.fromkeys(item_urls))
        seen: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            seen.update(
                row["item_url"]
                for row in self.db.query(
                    f"select item_url from source_items where source_url = ? and item_url in ({marks})",
                    [source_url, *chunk],
                )
            )
        return [url for url in wanted if url not in seen]

    def checked(
        self, url: str, kind: str, etag: str | None, last_modified: str | None, status: str, now: str
    ) -> None:
        """Record a read of ``url`` (adding it as a ``kind`` source if new) with its validators."""
        with self.db.atomic():
            if not list(self.db.query("select 1 from sources where url = ?", [url])):
                self.db.table("sources").insert(
                    {"url": url, "kind": kind, "added_at": now, "items_seen": 0}, pk="url"
                )
            self.db.table("sources").update(
                url,
                {"etag": etag, "last_modified": last_modified, "last_checked_at": now, "last_status": status},
            )

    def saw(self, source_url: str, item_url: str, published_at: str | None, now: str) -> None:
        """Mark ``item_url`` as given by ``source_url`` (after its article was saved)."""
        with self.db.atomic():
            if not list(self.db.query("select 1 from sources where url = ?", [source_url])):
                return  # the source was removed while the run went on
            inserted = self.db.execute(
                "insert or ignore into source_items (source_url, item_url, published_at, first_seen_at) "
                "values (?, ?, ?, ?)",
                [source_url, item_url, published_at, now],
            ).rowcount
            if inserted:
                self.db.execute("update sources set items_seen = items_seen + 1 where url = ?", [source_url])
