"""What ``reextract`` writes: an article read again by today's extractor from its stored latest capture,
saved in one transaction, with the sightings it no longer finds marked instead of deleted.

``compare`` says what a new extraction would change (new and dropped embeds, mentions and notes, and marks
lifted), so that ``--dry-run`` and the real run report the same thing; ``save_reextraction`` writes it.
Only sightings seen while the latest capture was the article's content are candidates for dropping: a row
last seen before that capture belongs to an earlier version of the article (an edit removed it), and the
latest capture says nothing about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from embedtrail.scrapers.records import Capture, Extraction
from embedtrail.scrapers.version import EXTRACTOR_VERSION

from .store import SIGHTINGS, SaveResult, _aliases, _existing, save_extraction, sighting_ids

__all__ = ["Comparison", "compare", "latest_captures", "save_reextraction"]


@dataclass
class Comparison:
    """What reading an article again changes, per table of ``SIGHTINGS``."""

    article_id: str
    new: dict[str, list[str]] = field(default_factory=dict)
    dropped: dict[str, list[str]] = field(default_factory=dict)
    found_again: dict[str, list[str]] = field(default_factory=dict)
    new_posts: list[str] = field(default_factory=list)
    previous_version: str | None = None

    @property
    def changed(self) -> bool:
        return any(self.new.values()) or any(self.dropped.values()) or any(self.found_again.values())

    def counts(self) -> dict[str, Any]:
        return {
            "new": {table: len(ids) for table, ids in self.new.items() if ids},
            "dropped": {table: len(ids) for table, ids in self.dropped.items() if ids},
            "found_again": {table: len(ids) for table, ids in self.found_again.items() if ids},
            "new_posts": len(self.new_posts),
        }


def latest_captures(db: Database, articles: list[str]) -> dict[str, dict[str, Any]]:
    """The newest capture row of each of ``articles`` (by ``fetched_at``, then insertion)."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(articles), 500):
        chunk = articles[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.query(
            f"""select * from captures c where c.article_id in ({marks})
                and c.id = (select c2.id from captures c2 where c2.article_id = c.article_id
                            order by c2.fetched_at desc, c2.id desc limit 1)""",
            chunk,
        ):
            found[row["article_id"]] = row
    return found


def compare(db: Database, article: str, capture: Capture, extraction: Extraction) -> Comparison:
    """What saving ``extraction`` (read from ``capture``, the article's latest) as ``article`` changes."""
    comparison = Comparison(article)
    row = db.execute("select extractor_version from articles where id = ?", [article]).fetchone()
    comparison.previous_version = row[0] if row else None
    found = sighting_ids(db, article, extraction)
    for table in SIGHTINGS:
        rows = {
            r["id"]: r
            for r in db.query(
                f"select id, last_seen_at, dropped_at from [{table}] where article_id = ?", [article]
            )
        }
        comparison.new[table] = sorted(found[table] - rows.keys())
        comparison.found_again[table] = sorted(i for i in found[table] & rows.keys() if rows[i]["dropped_at"])
        comparison.dropped[table] = sorted(
            identifier
            for identifier, r in rows.items()
            if identifier not in found[table]
            and r["dropped_at"] is None
            and (r["last_seen_at"] or "") >= capture.fetched_at
        )
    ids = [p.id for p in extraction.posts]
    aliases = _aliases(db, ids)
    known = _existing(db, "posts", [aliases.get(i, i) for i in ids])
    comparison.new_posts = sorted({aliases.get(i, i) for i in ids} - known.keys())
    return comparison


def save_reextraction(
    db: Database, capture: Capture, extraction: Extraction, comparison: Comparison, seen_at: str, now: str
) -> SaveResult:
    """Save ``extraction`` of the article's latest ``capture`` and mark what it no longer finds, in one
    transaction. ``seen_at`` is when that content was last read (the article's ``last_fetched_at``): what
    the extractor finds was there then, not now; ``now`` dates the marks."""
    with db.atomic():
        result = save_extraction(db, capture, extraction, seen_at)
        for table, ids in comparison.dropped.items():
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                db.execute(
                    f"update [{table}] set dropped_at = ?, dropped_by_extractor = ? where id in ({marks})",
                    [now, EXTRACTOR_VERSION, *chunk],
                )
        db.execute("update articles set extracted_at = ? where id = ?", [now, comparison.article_id])
    return result
