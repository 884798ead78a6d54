"""What is due: the posts a refresh checks and the articles it re-fetches, best first.

A pure selection over the database, shared by the local run and the queue's coordinator: never-checked posts
first, then the oldest checks; ``next_check_at`` (written by ``db.checks.apply_check`` from the back-off
policy) says when a post is due again. ``RefreshOptions`` narrows the selection (platforms, posts, age, a
limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from .checkers import Target, for_target
from .checkers.flow import checkable

__all__ = ["RefreshOptions", "due_articles", "due_posts", "shifted"]


@dataclass(frozen=True)
class RefreshOptions:
    """What to refresh. ``older_than`` (seconds) re-checks posts not checked that recently, whatever the
    back-off says; ``everything`` ignores the schedule; ``post_ids`` picks posts by id (aliases resolve)."""

    limit: int | None = None
    platforms: tuple[str, ...] = ()
    post_ids: tuple[str, ...] = ()
    older_than: float | None = None
    everything: bool = False
    articles: bool = False
    archive: bool = False
    # Download the images the posts' platform answers list (refresh --media, [store] media).
    media: bool = False
    run_id: int | None = None


def shifted(now: str, seconds: float) -> str:
    """``now`` (ISO 8601 UTC) moved by ``seconds``, in the same form."""
    moment = datetime.fromisoformat(now.replace("Z", "+00:00")) + timedelta(seconds=seconds)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _target(row: dict[str, Any]) -> Target:
    return Target(row["id"], row["platform"], row.get("native_id"), row.get("url"), row.get("kind") or "post")


def due_posts(db: Database, now: str, options: RefreshOptions) -> list[Target]:
    """Posts to check now, best first: never checked, then the oldest checks. Posts no checker can check
    (text-only posts without a link, login-walled platforms) are left out without counting against
    ``limit``."""
    where: list[str] = []
    params: list[Any] = []
    if options.post_ids:
        ids = list(options.post_ids)
        marks = ",".join("?" * len(ids))
        where.append(
            f"(id in ({marks}) or id in (select post_id from post_aliases where alias in ({marks})))"
        )
        params += ids + ids
    elif not options.everything:
        if options.older_than is not None:
            where.append("(status_checked_at is null or status_checked_at <= ?)")
            params.append(shifted(now, -options.older_than))
        else:
            where.append("(next_check_at is null or next_check_at <= ?)")
            params.append(now)
    if options.platforms:
        where.append(f"platform in ({','.join('?' * len(options.platforms))})")
        params += list(options.platforms)
    sql = "select id, platform, native_id, url, kind from posts"
    if where:
        sql += " where " + " and ".join(where)
    sql += " order by status_checked_at is not null, status_checked_at, id"
    targets: list[Target] = []
    for row in db.query(sql, params):
        target = _target(row)
        module = for_target(target)
        if module is None or not checkable(module, target):
            continue
        targets.append(target)
        if options.limit is not None and len(targets) >= options.limit:
            break
    return targets


def due_articles(db: Database, now: str, interval: float, options: RefreshOptions) -> list[dict[str, Any]]:
    """Articles with a web URL not fetched for ``interval`` seconds (all of them with ``everything``),
    least recently fetched first."""
    sql = "select id, url, last_fetched_at from articles where (url like 'http://%' or url like 'https://%')"
    params: list[Any] = []
    if not options.everything:
        sql += " and (last_fetched_at is null or last_fetched_at <= ?)"
        params.append(shifted(now, -interval))
    sql += " order by last_fetched_at, id"
    if options.limit is not None:
        sql += f" limit {int(options.limit)}"
    return list(db.query(sql, params))
