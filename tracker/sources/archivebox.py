"""Reads ArchiveBox snapshots (``archive/<timestamp>/`` of an ArchiveBox 0.7 data folder): each is one page,
known by the URL its ``index.json`` names, however many copies of it ArchiveBox made.

A snapshot holds the page several times over (SingleFile's ``singlefile.html``, Chrome's DOM in
``output.html``, wget's copy, readability's and mercury's extracts, plain text, a WARC, a PDF, a screenshot);
read one by one they would be several articles, some of them fragments. The page is read once, from the
first copy that holds the whole rendered page (SingleFile, then the DOM, then wget's), dated by the end of
the run that made it; a snapshot with none of them is read from its WARC. The other outputs are counted as
passed over. Layout: ArchiveBox's ``Link`` index (``url``, ``timestamp``, ``history``), ``index/json.py``
and ``index/schema.py`` of ArchiveBox 0.7.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from embedtrail.scrapers.times import format_utc

from . import archives
from .base import Document, Expansion, Failure, SourceContext, read_capped, saved_copy

__all__ = ["CONFIG", "INDEX", "NAME", "NETWORK", "Snapshot", "claims", "expand", "read", "snapshot"]

NAME = "archivebox"
NETWORK = False
INDEX = "index.json"
# What marks an ArchiveBox data folder (beside its archive/, sources/ and logs/).
CONFIG = "ArchiveBox.conf"
# The outputs that are the whole rendered page, best first, with the file each writes when its history
# entry does not name one.
_PAGE_METHODS = (("singlefile", "singlefile.html"), ("dom", "output.html"), ("wget", None))
_INDEX_MAX = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An ArchiveBox snapshot: its folder, the URL it archived, when, and its saved page (None: none)."""

    folder: Path
    url: str
    timestamp: str
    page: Path | None
    saved_at: str | None


def snapshot(folder: Path) -> Snapshot | None:
    """The ArchiveBox snapshot ``folder`` holds, or None when it is not one (no ``index.json`` naming an
    http(s) URL and a timestamp)."""
    index = folder / INDEX
    try:
        if not index.is_file() or index.stat().st_size > _INDEX_MAX:
            return None
        info: Any = json.loads(index.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict):
        return None
    url, timestamp = info.get("url"), info.get("timestamp")
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return None
    if not isinstance(timestamp, str | int | float) or not isinstance(info.get("history", {}), dict):
        return None
    page, saved_at = _page(folder, info.get("history") or {})
    return Snapshot(folder, url, str(timestamp), page, saved_at or _epoch(str(timestamp)))


def claims(source: str) -> bool:
    """A folder holding an ArchiveBox snapshot."""
    return "://" not in source and Path(source).is_dir() and snapshot(Path(source)) is not None


def expand(source: str) -> Expansion:
    """A snapshot is one page (a folder of many snapshots is walked by the ``file`` source)."""
    return Expansion([source])


async def read(source: str, context: SourceContext) -> AsyncIterator[Document | Failure]:
    """Yield the snapshot's page as a Document (origin ``archivebox``), from its WARC when it kept no page
    file, or a Failure saying why there is none."""
    from .files import saved_page  # the registry imports this module first

    found = snapshot(Path(source))
    if found is None:
        yield Failure(source, "not an ArchiveBox snapshot (no index.json naming its URL)")
        return
    if found.page is None:
        warcs = sorted((found.folder / "warc").glob("*.warc*")) if (found.folder / "warc").is_dir() else []
        if not warcs:
            yield Failure(source, f"ArchiveBox snapshot {found.timestamp} holds no saved page or WARC")
            return
        for warc in warcs:
            async for item in archives.read(str(warc), context):
                yield item
        return
    body = read_capped(str(found.page), context.max_bytes)
    if isinstance(body, Failure):
        yield body
        return
    body, _noted = saved_page(body, found.page)
    yield saved_copy(
        source,
        body,
        found.url,
        "text/html",
        NAME,
        found.saved_at or context.now(),
        archive_file=f"{found.folder.name}/{found.page.relative_to(found.folder).as_posix()}",
    )


def _page(folder: Path, history: dict[str, Any]) -> tuple[Path | None, str | None]:
    """The best saved copy of the page in ``folder`` and when it was made."""
    for method, default in _PAGE_METHODS:
        runs = history.get(method)
        for run in reversed(runs if isinstance(runs, list) else []):
            if not isinstance(run, dict) or run.get("status") != "succeeded":
                continue
            output = run.get("output")
            page = _inside(folder, output if isinstance(output, str) else default)
            if page is not None:
                return page, _iso(run.get("end_ts"))
        if default is not None and (page := _inside(folder, default)) is not None:
            return page, None
    return None, None


def _inside(folder: Path, name: str | None) -> Path | None:
    """``folder/name`` when it is an HTML file inside ``folder``."""
    if not name or not name.lower().endswith((".html", ".htm")):
        return None
    path = (folder / name).resolve()
    return path if folder.resolve() in path.parents and path.is_file() else None


def _iso(value: object) -> str | None:
    """An ArchiveBox time (ISO 8601 with an offset) as ``2024-05-03T21:14:05Z``."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return format_utc(when if when.tzinfo is not None else when.replace(tzinfo=UTC))


def _epoch(timestamp: str) -> str | None:
    """A snapshot's timestamp (seconds since 1970, as its folder is named) as ISO 8601."""
    try:
        return format_utc(datetime.fromtimestamp(float(timestamp), UTC))
    except (ValueError, OverflowError, OSError):
        return None
