"""``refresh --media`` (or ``[store] media = true``): download the images a post's platform answers list,
while the post is still up, into the evidence store.

Media URLs come from ``posts.media`` (the links platform answers and embeds gave). Each is fetched through
embedtrail's own client, so the private-address guard, the per-host limits and the timeouts hold as for
any fetch, with ``[store] media_max_bytes`` as the size cap and image types only; the bytes are kept by
sha256 like every body, and a ``media`` row records what was kept, or why not (a 404, a non-image, too
large, a refused address). Links to a platform's own pages (a flattened tweet's ``pic.twitter.com`` link
leads to the tweet, not to the photo) are not media files and are passed over. A failed download is tried
again on later runs, at most ``MAX_ATTEMPTS`` times. Videos (posts of kind ``video``) need the ``video``
extra: yt-dlp only reads the post's page to find a direct file (never downloads), and only for a URL on the
platform's own hosts that passes the address guard; the file itself comes through embedtrail's client, under
``[store] video_max_bytes`` and ``video_max_seconds``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from sqlite_utils import Database

from embedtrail.db.bodies import BodyStore, StoreError, keep_body
from embedtrail.scrapers.records import short_hash
from embedtrail.scrapers.registry import PLATFORMS, by_name

from .checking import RefreshReport
from .config import Config
from .fetch import Fetched, Fetcher, FetchError, FetchSettings
from .netguard import GuardPolicy, ResolutionError, address_problem, resolve, url_problem
from .schedule import RefreshOptions

__all__ = ["IMAGE_TYPES", "MAX_ATTEMPTS", "VIDEO_TYPES", "collect_media", "media_id"]

IMAGE_TYPES = ("image/*",)
VIDEO_TYPES = ("video/*", "application/octet-stream")
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


def _tried(db: Database) -> dict[str, tuple[str, int]]:
    """Each media row's outcome and attempts, by id."""
    rows = db.execute("select id, outcome, attempts from media")
    return {str(row[0]): (str(row[1]), int(row[2] or 0)) for row in rows}


def _still_wanted(tried: dict[str, tuple[str, int]], identifier: str) -> bool:
    """Not kept yet, and attempts left."""
    outcome, attempts = tried.get(identifier, ("", 0))
    return outcome != "kept" and attempts < MAX_ATTEMPTS


def _wanted(db: Database, limit: int) -> list[tuple[str, str]]:
    """(post id, URL) pairs to download: media of available posts with no kept copy and attempts left."""
    done = _tried(db)
    wanted: list[tuple[str, str]] = []
    for post_id, media in db.execute(
        "select id, media from posts where status = 'available' and media is not null and media != '[]' "
        "order by last_available_at desc, id limit ?",
        [limit],
    ):
        for url in _links(media):
            if _platform_page(url):
                continue
            if _still_wanted(done, media_id(post_id, url)):
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


def _videos(db: Database, limit: int) -> list[tuple[str, str, str]]:
    """(post id, platform, page URL) of available video posts with no kept copy and attempts left."""
    done = _tried(db)
    wanted = []
    for post_id, platform, url in db.execute(
        "select id, platform, url from posts where status = 'available' and kind = 'video' "
        "and url like 'http%' order by last_available_at desc, id limit ?",
        [limit],
    ):
        if _still_wanted(done, media_id(str(post_id), str(url))):
            wanted.append((str(post_id), str(platform), str(url)))
    return wanted


async def _refused(url: str, platform: str, policy: GuardPolicy) -> str | None:
    """Why yt-dlp may not read ``url``: it does its own networking, so the URL must be on the platform's own
    hosts (which do not redirect into private networks) and pass the address guard; None when it may."""
    try:
        hosts = by_name(platform).HOSTS
    except KeyError:  # a platform an older embedtrail knew
        hosts = None
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if not policy.allow_private and not (hosts and host in hosts):
        return f"not on {platform}'s own hosts: yt-dlp reads only platform pages"
    blocked = url_problem(url, policy)
    if blocked is not None:
        return str(blocked)
    if policy.allow_private:
        return None
    try:
        addresses = await resolve(host, urlsplit(url).port or 443)
    except (OSError, ResolutionError) as error:
        return f"dns: {error}"
    for address in addresses:
        problem = address_problem(address)
        if problem is not None:
            return f"private_address: {host} resolves to {address} ({problem})"
    return None


def _direct_file(url: str, max_bytes: int, max_seconds: int) -> tuple[str | None, str]:
    """Ask yt-dlp (no download) for a direct http(s) file of the video under the caps: (file URL, why not)."""
    import yt_dlp  # type: ignore[import-untyped]

    options = {"quiet": True, "no_warnings": True, "skip_download": True, "noplaylist": True,
               "socket_timeout": 20, "logger": _Silent()}  # fmt: skip
    with yt_dlp.YoutubeDL(options) as ydl:
        info = ydl.extract_info(url, download=False)
    if not isinstance(info, dict):
        return None, "yt-dlp found no video"
    duration = info.get("duration")
    if isinstance(duration, int | float) and duration > max_seconds:
        return None, f"too_long: {duration:.0f} s is over [store] video_max_seconds ({max_seconds})"
    formats = [info, *(info.get("formats") or [])]
    fitting = [
        item
        for item in formats
        if isinstance(item, dict)
        and str(item.get("url", "")).startswith(("http://", "https://"))
        and item.get("protocol", "https") in {"http", "https"}
        and (item.get("vcodec") != "none")
        and int(item.get("filesize") or item.get("filesize_approx") or 0) <= max_bytes
    ]
    if not fitting:
        return None, "no single-file format under [store] video_max_bytes"
    best = max(fitting, key=lambda item: (int(item.get("height") or 0), int(item.get("filesize") or 0)))
    return str(best["url"]), ""


class _Silent:
    """yt-dlp's logger: its messages are not embedtrail's output."""

    def debug(self, message: str) -> None:
        pass

    def warning(self, message: str) -> None:
        pass

    def error(self, message: str) -> None:
        pass


async def _collect_videos(
    db: Database,
    config: Config,
    options: RefreshOptions,
    store: BodyStore,
    report: RefreshReport,
    now: Callable[[], str],
    stopped: Callable[[], bool],
    transport: Any,
) -> None:
    counts = report.media
    wanted = _videos(db, options.limit or DEFAULT_POSTS)
    if not wanted:
        return
    try:
        import yt_dlp  # noqa: F401
    except ImportError:
        counts["videos_skipped"] += len(wanted)  # the video extra is optional: said in the summary
        return
    caps = config.store
    settings = replace(FetchSettings.for_checks(config), max_bytes=caps.video_max_bytes)
    async with Fetcher(settings, transport=transport) as fetcher:
        for post_id, platform, url in wanted:
            if stopped():
                return
            why = await _refused(url, platform, settings.policy())
            if why is None:
                try:
                    direct, why = await asyncio.to_thread(
                        _direct_file, url, caps.video_max_bytes, caps.video_max_seconds
                    )
                except Exception as error:  # yt-dlp's own errors: recorded per video, the run goes on
                    direct, why = None, f"yt-dlp: {type(error).__name__}: {str(error)[:200]}"
            else:
                direct = None
            if direct is None:
                counts["failed"] += 1
                report.error(url, f"video of {post_id}: {why}", "media")
                _record(db, post_id, url, {"outcome": "failed", "detail": why}, now())
                continue
            result = await fetcher.get(direct, content_types=VIDEO_TYPES)
            _keep(db, store, report, post_id, url, result, now(), "video", f"file: {direct}")


def _keep(
    db: Database,
    store: BodyStore,
    report: RefreshReport,
    post_id: str,
    url: str,
    result: Fetched | FetchError,
    now: str,
    kind: str,
    detail: str | None = None,
) -> None:
    """Keep one downloaded image or video (``kind``) in the store and record its ``media`` row, or record
    why it was not kept; counts go to ``report.media`` (kept videos as ``videos_kept``)."""
    counts = report.media
    if isinstance(result, FetchError):
        counts["failed"] += 1
        report.error(url, f"{kind} of {post_id}: {result.explained()}", "media")
        failed = {"outcome": "failed", "detail": result.explained(), "http_status": result.status}
        _record(db, post_id, url, failed, now)
        return
    try:
        kept = keep_body(db, store, result.body, result.sha256, now)
    except StoreError as error:
        counts["failed"] += 1
        report.error(url, f"{kind} of {post_id}: not kept: {error}", "media")
        _record(db, post_id, url, {"outcome": "failed", "detail": f"not kept: {error}"}, now)
        return
    if kept is None:  # this very content was forgotten on request: it is not kept again
        counts["forgotten"] += 1
        _record(db, post_id, url, {"outcome": "forgotten", "detail": "taken down earlier"}, now)
        return
    counts["videos_kept" if kind == "video" else "kept"] += 1
    values = {
        "outcome": "kept",
        "sha256": result.sha256,
        "content_type": result.content_type,
        "bytes": len(result.body),
        "http_status": result.status,
        "detail": detail,
    }
    _record(db, post_id, url, values, now)


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
    if store is None:
        report.error("media", "the evidence store is off ([store] enabled = false): no media kept", "media")
        return
    await _collect_videos(db, config, options, store, report, now, stopped, transport)
    wanted = _wanted(db, options.limit or DEFAULT_POSTS)
    if not wanted:
        return
    settings = replace(FetchSettings.for_checks(config), max_bytes=config.store.media_max_bytes)
    async with Fetcher(settings, transport=transport) as fetcher:
        for post_id, url in wanted:
            if stopped():
                return
            result = await fetcher.get(url, content_types=IMAGE_TYPES)
            _keep(db, store, report, post_id, url, result, now(), "media")
