"""Reads web archives volunteers already have: WARC files (``.warc``, ``.warc.gz``; ISO 28500) and WACZ
packages (``.wacz``: Browsertrix, Webrecorder, ArchiveBox), streaming one record at a time with warcio.

Each 2xx HTML ``response`` record is an article capture (origin ``warc``) known by its target URI, dated by
its WARC-Date, with the record's HTTP status and headers. Revisit, request, metadata and non-HTML records,
oversized bodies and repeats of a URL with the same payload digest are skipped and counted. A WACZ's page
list (``pages/pages.jsonl``), when it has one, tells pages from the iframes and resources around them.
Hostile archives cost their reader, not the run: header lines, header counts and page-list lines are capped
while they are read, before decompressed bytes pile up (a 1 MB ``.warc.gz`` whose header inflates to a GiB
fails at the first 64 KiB), each overrun is a failure of that archive, and the reading runs in a child
process under ``[limits] extract_memory_mb`` like extraction (``tracker.budget.stream_with_budget``).
Spec: https://iipc.github.io/warc-specifications/ and https://specs.webrecorder.net/wacz/1.1.1/
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import zipfile
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.bufferedreaders import (  # type: ignore[import-untyped]
    BUFF_SIZE,
    ChunkedDataReader,
    DecompressingBufferedReader,
)
from warcio.exceptions import ArchiveLoadFailed  # type: ignore[import-untyped]

from embedtrail.tracker.budget import BudgetExceeded, stream_with_budget
from embedtrail.tracker.clock import utc_now
from embedtrail.tracker.fetch import BodyError, decode_capped

from .base import HTML_TYPES, Document, Expansion, Failure, SourceContext, make_capture

__all__ = ["MANY_DOCUMENTS", "NAME", "NETWORK", "SUFFIXES", "claims", "expand", "read"]

NAME = "warc"
# Yields many documents per source: the pipeline starts its process pool for it.
MANY_DOCUMENTS = True
NETWORK = False
SUFFIXES = (".warc", ".warc.gz", ".wacz")
_READ_SIZE = 64 * 1024
# WACZ page lists; extraPages.jsonl holds pages a crawl found but was not seeded with.
_PAGE_LISTS = ("pages/pages.jsonl", "pages/extraPages.jsonl")
# What a record's WARC and HTTP headers may hold (real ones are a few KiB; servers refuse more than 8-64 KiB):
# a longer line, more lines or more bytes before the body fail the archive as damaged.
MAX_HEADER_LINE = 64 * 1024
MAX_HEADER_LINES = 500
MAX_HEADER_BYTES = 256 * 1024
# A WACZ page list: one line per page, a URL and a title or two; and the whole list.
MAX_PAGE_LINE = 64 * 1024
MAX_PAGE_LIST_BYTES = 64 * 1024 * 1024


class HeaderTooLarge(ValueError):
    """A record's headers go past the caps: the archive is damaged or hostile."""


class _HeaderCappedReader(DecompressingBufferedReader):  # type: ignore[misc]
    """warcio's reader, with the lines it reads capped. warcio reads headers with ``readline`` and bodies
    with ``read``, so the lines read since the last ``read`` are one record's headers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_lines = 0
        self.header_bytes = 0

    def readline(self, length: int | None = None) -> bytes:
        limit = MAX_HEADER_LINE + 1 if not length else min(length, MAX_HEADER_LINE + 1)
        line: bytes = super().readline(limit)
        if len(line) > MAX_HEADER_LINE and not line.endswith(b"\n"):
            raise HeaderTooLarge(f"a header line longer than {MAX_HEADER_LINE} bytes")
        self.header_lines += 1
        self.header_bytes += len(line)
        if self.header_lines > MAX_HEADER_LINES:
            raise HeaderTooLarge(f"more than {MAX_HEADER_LINES} header lines in one record")
        if self.header_bytes > MAX_HEADER_BYTES:
            raise HeaderTooLarge(f"more than {MAX_HEADER_BYTES} bytes of headers in one record")
        return line

    def read(self, length: int | None = None) -> bytes:
        self.header_lines = self.header_bytes = 0
        data: bytes = super().read(length)
        return data


class _CappedArchiveIterator(ArchiveIterator):  # type: ignore[misc]
    """warcio's ArchiveIterator reading through a ``_HeaderCappedReader``."""

    def __init__(self, fileobj: IO[bytes], **kwargs: Any) -> None:
        super().__init__(fileobj, **kwargs)
        self.reader = _HeaderCappedReader(self.fh, block_size=BUFF_SIZE)


def claims(source: str) -> bool:
    """Paths ending in .warc, .warc.gz or .wacz."""
    return "://" not in source and source.lower().endswith(SUFFIXES)


def expand(source: str) -> Expansion:
    """An archive is one source."""
    return Expansion([source])


@dataclass(frozen=True, slots=True)
class _Skip:
    reason: str


_Item = Document | Failure | _Skip


async def read(source: str, context: SourceContext) -> AsyncIterator[Document | Failure]:
    """Yield each HTML page capture in the archive as a Document; a Failure for an unreadable archive (or
    WACZ member), after the records read before the damage."""
    path = Path(source)
    if not path.is_file():
        yield Failure(source, "no such file" if not path.exists() else "not a file")
        return
    if context.memory_bytes:
        records: Iterator[_Item] = stream_with_budget(
            _read_archive, (source, path, context.max_bytes), context.memory_bytes, _PRELOAD
        )
    else:
        records = _read_archive(source, path, context.max_bytes)
    # warcio reads blocking files; each step runs in a thread so fetches of other sources keep going.
    done = object()
    while True:
        try:
            item = await asyncio.to_thread(next, records, done)
        except BudgetExceeded as exceeded:
            yield Failure(source, f"reading the archive went {exceeded}")
            return
        if item is done:
            return
        if isinstance(item, _Skip):
            context.skip(item.reason)
        elif isinstance(item, Document | Failure):
            yield item


_PRELOAD = ("embedtrail.tracker.sources.archives",)


def _read_archive(source: str, path: Path, max_bytes: int) -> Iterator[_Item]:
    """Every item of the archive at ``path``: documents, skips and failures (top-level: a child process
    runs it)."""
    if path.name.lower().endswith(".wacz"):
        yield from _read_wacz(source, path, max_bytes)
    else:
        yield from _read_warc_file(source, path, max_bytes)


def _read_warc_file(source: str, path: Path, max_bytes: int) -> Iterator[_Item]:
    try:
        stream = path.open("rb")
    except OSError as error:
        yield Failure(source, f"cannot read file: {error.strerror or error}")
        return
    with stream:
        yield from _records(source, path.name, stream, max_bytes, pages=None, size=path.stat().st_size)


def _read_wacz(source: str, path: Path, max_bytes: int) -> Iterator[_Item]:
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        yield Failure(source, f"not a WACZ (zip) file: {error}")
        return
    with package:
        names = package.namelist()
        members = sorted(
            n for n in names if n.startswith("archive/") and n.lower().endswith((".warc", ".warc.gz"))
        )
        if not members:
            yield Failure(source, "WACZ holds no archive/*.warc or archive/*.warc.gz member")
            return
        try:
            pages = _page_urls(package, names)
        except (zipfile.BadZipFile, OSError, UnicodeDecodeError, ValueError) as error:
            yield Failure(source, f"unreadable WACZ page list: {error}")
            pages = None
        for member in members:
            label = f"{path.name}#{member}"
            try:
                stream = package.open(member)
            except (zipfile.BadZipFile, OSError, NotImplementedError) as error:
                yield Failure(source, f"{member}: cannot open: {error}")
                continue
            with stream:
                size = package.getinfo(member).file_size
                yield from _records(source, label, stream, max_bytes, pages=pages, size=size)


def _page_urls(package: zipfile.ZipFile, names: list[str]) -> set[str] | None:
    """The page URLs a WACZ lists, or None when it lists none (then every HTML response is a page)."""
    urls: set[str] = set()
    found = False
    for name in _PAGE_LISTS:
        if name not in names:
            continue
        found = True
        total = 0
        with package.open(name) as lines:
            while raw := lines.readline(MAX_PAGE_LINE + 1):
                # Read a line at a time and within bounds: one endless line must not inflate in memory.
                if len(raw) > MAX_PAGE_LINE and not raw.endswith(b"\n"):
                    raise ValueError(f"{name} has a line longer than {MAX_PAGE_LINE} bytes")
                total += len(raw)
                if total > MAX_PAGE_LIST_BYTES:
                    raise ValueError(f"{name} is longer than {MAX_PAGE_LIST_BYTES} bytes")
                line = raw.decode("utf-8")
                if not line.strip():
                    continue
                entry = json.loads(line)
                if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                    urls.add(entry["url"])
    return urls if found else None


def _records(
    source: str,
    archive_file: str,
    stream: IO[bytes],
    max_bytes: int,
    *,
    pages: set[str] | None,
    size: int,
) -> Iterator[_Item]:
    """The items of one WARC stream; a damaged stream ends with a Failure naming the archive and offset."""
    # Keys of (URL, payload digest) already yielded: 16 bytes each, so memory grows by ~100 bytes per page,
    # not per byte of archive.
    seen: set[bytes] = set()
    records = _CappedArchiveIterator(stream, no_record_parse=False, arc2warc=False)
    try:
        for record in records:
            if record.format != "warc":
                # warcio also reads ARC and is lenient about headers: text that is no WARC at all would
                # otherwise pass as a stream of odd records.
                yield Failure(
                    source, f"{archive_file}: not a WARC file (record {records.offset} is not WARC/1.x)"
                )
                return
            item = _item(source, archive_file, record, max_bytes, pages, seen)
            # Read what the record left unread: a record shorter than its Content-Length is a truncated
            # archive, whose last body must not pass as a whole page.
            while record.raw_stream.read(_READ_SIZE):
                pass
            if getattr(record.raw_stream, "limit", 0) > 0:
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                yield Failure(source, f"{archive_file}: damaged archive: record {record_id} is truncated")
                return
            yield item
        if records.offset < size:
            # warcio ends quietly at a record whose headers are cut off; the bytes it left say so.
            yield Failure(
                source,
                f"{archive_file}: damaged archive: {size - records.offset} bytes after byte {records.offset} "
                "are not a complete WARC record",
            )
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as error:
        offset = getattr(records, "offset", None)
        where = f" near byte {offset}" if offset is not None else ""
        yield Failure(source, f"{archive_file}: damaged archive{where}: {type(error).__name__}: {error}")


def _item(
    source: str,
    archive_file: str,
    record: Any,
    max_bytes: int,
    pages: set[str] | None,
    seen: set[bytes],
) -> _Item:
    kind = record.rec_type
    if kind == "revisit":
        return _Skip("warc_revisit")
    if kind != "response":
        return _Skip("warc_not_response")
    http = record.http_headers
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if http is None or not uri.lower().startswith(("http://", "https://")):
        return _Skip("warc_not_http")
    status = _status(http.get_statuscode())
    if status is None or not 200 <= status < 300:
        return _Skip("warc_not_ok")
    content_type = http.get_header("Content-Type")
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime and mime not in HTML_TYPES:
        return _Skip("warc_not_html")
    if pages is not None and uri not in pages:
        return _Skip("warc_not_a_page")
    digest = record.rec_headers.get_header("WARC-Payload-Digest")
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    try:
        body = decode_capped(_payload(record), http.get_header("Content-Encoding"), max_bytes)
    except BodyError as error:
        if error.kind == "too_large":
            return _Skip("warc_too_large")
        return Failure(source, f"{archive_file} {record_id}: {error}")
    if not mime and not _looks_like_html(body):
        return _Skip("warc_not_html")
    key = hashlib.blake2b(
        f"{uri}\n{digest or hashlib.sha256(body).hexdigest()}".encode(), digest_size=16
    ).digest()
    if key in seen:
        return _Skip("warc_duplicate")
    seen.add(key)
    capture = make_capture(
        uri,
        uri,
        _iso(record.rec_headers.get_header("WARC-Date")) or utc_now(),
        body,
        "warc",
        status,
        content_type,
        archive_file=archive_file,
        archive_record_id=record_id,
        headers=tuple((str(name), str(value)) for name, value in http.headers),
        payload_digest=digest,
    )
    return Document(source, uri, body, "html", capture)


def _payload(record: Any) -> Iterable[bytes]:
    """The entity body as stored: de-chunked, still content-encoded (decoded by ``decode_capped``)."""
    raw: Any = record.raw_stream
    if (record.http_headers.get_header("Transfer-Encoding") or "").lower() == "chunked":
        raw = ChunkedDataReader(raw, decomp_type=None)
    while True:
        chunk = raw.read(_READ_SIZE)
        if not chunk:
            return
        yield chunk


def _status(code: object) -> int | None:
    try:
        return int(str(code))
    except ValueError:
        return None


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _iso(warc_date: str | None) -> str | None:
    """WARC-Date (``2024-03-01T12:00:00Z``, WARC 1.1 may add fractions of a second) to seconds."""
    if not warc_date or len(warc_date) < 19:
        return None
    return warc_date[:19] + "Z"
