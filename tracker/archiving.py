"""``refresh --archive``: find a Wayback Machine snapshot of each post, and ask Save Page Now for one.

Posts without an archived copy are looked up (``[endpoints] wayback_available``); a post still available
with no snapshot is submitted to Save Page Now (``wayback_save``), at most ``[refresh] archive_max_per_run``
per run and ``archive_min_interval`` seconds apart, honouring the service's Retry-After. An accepted save is
found by a later run's lookup. Snapshots are not statuses: the answers go to the posts' archive columns.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlite_utils import Database

from embedtrail.db.checks import ArchiveRecord, record_archive

from .checkers import Http, wayback
from .checkers.flow import Sleep
from .checking import RefreshReport
from .config import Config
from .schedule import RefreshOptions, shifted

__all__ = ["archive_posts"]


async def archive_posts(
    db: Database,
    config: Config,
    options: RefreshOptions,
    http: Http,
    report: RefreshReport,
    now: Callable[[], str],
    sleep: Sleep,
) -> None:
    """Look up snapshots for posts without one and request saves for available ones; counts go to
    ``report.archive``. ``sleep`` returns False once the run is asked to stop."""
    settings = config.refresh
    rows = list(
        db.query(
            "select id, url, status from posts where archive_url is null and url like 'http%' "
            "and (archive_checked_at is null or archive_checked_at <= ?) "
            "order by archive_checked_at is not null, archive_checked_at, id limit ?",
            [shifted(now(), -settings.article_interval), options.limit or 1000],
        )
    )
    counts = report.archive
    saves = 0
    last_save = -1e18
    for row in rows:
        if not await sleep(0):
            break
        lookup = wayback.classify_lookup(await http.send(wayback.build_lookup(row["url"], config.endpoints)))
        if lookup.error:
            counts["lookup_errors"] += 1
            continue
        if lookup.archive_url:
            record_archive(
                db, ArchiveRecord("posts", row["id"], now(), lookup.archive_url, lookup.captured_at)
            )
            counts["found"] += 1
            continue
        if row["status"] != "available" or saves >= settings.archive_max_per_run:
            record_archive(db, ArchiveRecord("posts", row["id"], now()))
            counts["none"] += 1
            continue
        if not await sleep(last_save + settings.archive_min_interval - time.monotonic()):
            break
        last_save = time.monotonic()
        saves += 1
        request = wayback.build_save(
            row["url"], config.endpoints, settings.archive_access_key, settings.archive_secret_key
        )
        saved = wayback.classify_save(await http.send(request))
        counts[f"save_{saved.state}"] += 1
        if saved.state != "error":
            record_archive(db, ArchiveRecord("posts", row["id"], now()))
        if saved.retry_after is not None:
            last_save = max(last_save, time.monotonic() + saved.retry_after - settings.archive_min_interval)
