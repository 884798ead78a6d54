"""``refresh --media`` (or ``[store] media = true``): download the images a post's platform answers list,
while the post is still up, into the evidence store.

Media URLs come from ``posts.media`` (the links platform answers and embeds gave). Each is fetched through
embedtrail's own client, so the private-address guard, the per-host limits and the timeouts hold as for
any fetch, with ``[store] media_max_bytes`` as the size cap and image types only; the bytes are kept by
sha256 like every body, and a ``media`` row records what was kept, or why not (a 404, a non-image, too
large, a refused address). Links to a platform's own pages (a flattened tweet's ``pic.twitter.com`` link
leads to the tweet, not to the photo) are not media files and are passed over. A failed download is tried
again on later runs, at most ``MAX_ATTEMPTS`` times. Videos are not downloaded: that needs yt-dlp, which
does its own networking past embedtrail's address guard (see the README).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from sqlite_utils import Database

from embedtrail.db.bodies import BodyStore, StoreError, keep_body
from embedtrail.scrapers.records import short_hash
from embedtrail.scrapers.registry import PLATFORMS

from .checking import RefreshReport
from .config import Config
from .fetch import Fetcher, FetchError, FetchSettings
from .schedule import RefreshOptions

__all__ = ["IMAGE_TYPES", "MAX_ATTEMPTS", "collect_media", "media_id"]

IMAGE_TYPES = ("image/*",)
# Downloads of one URL that failed this many times are not tried again.
MAX_ATTEMPTS = 3
# Posts looked at per run when --limit does not say.
DEFAULT_POSTS = 1000


def media_id(post_id: str, url: str) -> str:
    """``<post id>:<16 hex digits of the URL's hash>``: one row per post and media URL."""
    return f"{post_id}:{short_hash(url)}"


def _links(value: Any) -> list[str]:
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return []
    if not isinstance(items, list):
        return []
    return [
        item for item in items if isinstance(item, str) and item.lower().startswith(("http://", "https://"))
    ]


def _platform_page(url: str) -> bool:
    """A link to a page of a platform (``pic.twitter.com/…``, a YouTube watch page), not to a file: a
    flattened tweet's photo link leads to the tweet, and video pages need yt-dlp."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return any(module.HOSTS and host in module.HOSTS for module in PLATFORMS)


def _wanted(db: Database, limit: int) -> list[tuple[str, str]]:
    """(post id, URL) pairs to download: media of available posts with no kept copy and attempts left."""
    done: dict[str, tuple[str, int]] = {
        str(row[0]): (str(row[1]), int(row[2] or 0))
        for row in db.execute("select id, outcome, attempts from media")
    }
    wanted: list[tuple[str, str]] = []
    for post_id, media in db.execute(
        "select id, media from posts where status = 'available' and media is not null and media != '[]' "
        "order by last_available_at desc, id limit ?",
        [limit],
    ):
        for url in _links(media):
            if _platform_page(url):
                continue
            outcome, attempts = done.get(media_id(post_id, url), ("", 0))
            if outcome != "kept" and attempts < MAX_ATTEMPTS:
                wanted.append((str(post_id), url))
    return wanted


def _record(db: Database, post_id: str, url: str, values: dict[str, Any], now: str) -> None:
    identifier = media_id(post_id, url)
    with db.atomic():
        row = db.execute("select attempts from media where id = ?", [identifier]).fetchone()
        db.table("media").upsert(
            {
                "id": identifier,
                "post_id": post_id,
                "url": url,
                "fetched_at": now,
                "attempts": (int(row[0] or 0) if row else 0) + 1,
                "detail": None,
                "sha256": None,
                "content_type": None,
                "bytes": None,
                "http_status": None,
                **values,
            },
            pk="id",
        )


async def collect_media(
    db: Database,
    config: Config,
    options: RefreshOptions,
    store: BodyStore | None,
    report: RefreshReport,
    now: Callable[[], str],
    stopped: Callable[[], bool],
    transport: Any = None,
) -> None:
    """Download the media of available posts into ``store``; counts go to ``report.media``."""
    counts = report.media
    if store is None:
        report.error("media", "the evidence store is off ([store] enabled = false): no media kept", "media")
        return
    wanted = _wanted(db, options.limit or DEFAULT_POSTS)
    if not wanted:
        return
    settings = replace(FetchSettings.for_checks(config), max_bytes=config.store.media_max_bytes)
    async with Fetcher(settings, transport=transport) as fetcher:
        for post_id, url in wanted:
            if stopped():
                return
            result = await fetcher.get(url, content_types=IMAGE_TYPES)
            if isinstance(result, FetchError):
                counts["failed"] += 1
                report.error(url, f"media of {post_id}: {result.explained()}", "media")
                _record(
                    db,
                    post_id,
                    url,
                    {"outcome": "failed", "detail": result.explained(), "http_status": result.status},
                    now(),
                )
                continue
            moment = now()
            try:
                kept = keep_body(db, store, result.body, result.sha256, moment)
            except StoreError as error:
                counts["failed"] += 1
                report.error(url, f"media of {post_id}: not kept: {error}", "media")
                _record(db, post_id, url, {"outcome": "failed", "detail": f"not kept: {error}"}, moment)
                continue
            if kept is None:  # this very content was forgotten on request: it is not kept again
                counts["forgotten"] += 1
                _record(db, post_id, url, {"outcome": "forgotten", "detail": "taken down earlier"}, moment)
                continue
            counts["kept"] += 1
            _record(
                db,
                post_id,
                url,
                {
                    "outcome": "kept",
                    "sha256": result.sha256,
                    "content_type": result.content_type,
                    "bytes": len(result.body),
                    "http_status": result.status,
                },
                moment,
            )
