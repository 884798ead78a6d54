"""Reads pages saved as one MHTML file (``.mhtml``, ``.mht``: Chrome's and Edge's "Webpage, Single File",
Internet Explorer's web archive; RFC 2557): the saved page is the archive's HTML part, known by the address
it was saved from and dated by when it was saved.

A browser saves each frame of the page as a part of its own and writes the frame's ``src`` as a ``cid:``
address naming that part; the address the frame was loaded from (an embedded video's player, a post's
embed frame) is only in the part's ``Content-Location``. So the page is handed on with every ``cid:``
address of a frame replaced by that location: the stored page then names its embeds as the page that was
saved did. The frames' own documents, images and style sheets stay in the volunteer's file.
Spec: https://www.rfc-editor.org/rfc/rfc2557 (MIME encapsulation of aggregate documents).
"""

from __future__ import annotations

import email.parser
import email.policy
import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path

from embedtrail.scrapers.times import format_utc

from .base import (
    HTML_TYPES,
    Document,
    Expansion,
    Failure,
    NotASavedPage,
    SourceContext,
    load_saved,
    saved_copy,
)

__all__ = [
    "FILE_FACTOR",
    "NAME",
    "NETWORK",
    "SUFFIXES",
    "WHAT",
    "NotMhtml",
    "Snapshot",
    "claims",
    "expand",
    "read",
    "unpack",
]

NAME = "mhtml"
NETWORK = False
SUFFIXES = (".mhtml", ".mht")
# An MHTML file carries the page's images, fonts and frames beside its HTML: the file may be this many times
# [fetch] max_bytes, the page itself no more than max_bytes.
FILE_FACTOR = 8
WHAT = "an MHTML file"
# Chrome writes cid:frame-<hex>@mhtml.blink; some tools write cid://...
_CID = re.compile(rb"cid:(?://)?([^\s\"'<>]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An MHTML file's page: its HTML with frame addresses restored, where and when it was saved, and how
    many frames were restored to their addresses."""

    body: bytes
    url: str | None
    saved_at: str | None
    content_type: str
    content_id: str | None
    frames: int


class NotMhtml(NotASavedPage):
    """The file is not an MHTML archive holding a page."""


def claims(source: str) -> bool:
    """A path ending in .mhtml or .mht."""
    return "://" not in source and source.lower().endswith(SUFFIXES)


def expand(source: str) -> Expansion:
    """An MHTML file is one page (directories are walked by the ``file`` source)."""
    return Expansion([source])


def unpack(data: bytes, max_bytes: int) -> Snapshot:
    """The page ``data`` (an MHTML file's bytes) holds; NotMhtml says why there is none."""
    message = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(data)
    parts = [part for part in message.walk() if not part.is_multipart()]
    pages = [part for part in parts if part.get_content_type() in HTML_TYPES]
    if not message.get("Content-Type") or not pages:
        kind = message.get_content_type() if message.get("Content-Type") else "no MIME headers"
        raise NotMhtml(f"not an MHTML archive holding a page ({kind})")
    main = _main_part(message, pages)
    body = main.get_payload(decode=True)
    if not isinstance(body, bytes):
        raise NotMhtml("the archive's page has no body")
    if len(body) > max_bytes:
        raise NotMhtml(f"too_large: the saved page is {len(body)} bytes, over the {max_bytes} byte limit")
    frames = {
        _content_id(part): location
        for part in parts
        if part is not main
        and _content_id(part)
        and (location := _location(part)).lower().startswith(("http://", "https://"))
    }
    restored = 0

    def frame_address(match: re.Match[bytes]) -> bytes:
        nonlocal restored
        location = frames.get(match.group(1).decode("ascii", "replace").lower())
        if location is None:
            return match.group(0)
        restored += 1
        return html.escape(location, quote=True).encode("ascii", "xmlcharrefreplace")

    body = _CID.sub(frame_address, body)
    url = (message.get("Snapshot-Content-Location") or _location(main)).strip()
    charset = main.get_content_charset()
    return Snapshot(
        body=body,
        url=url if url.lower().startswith(("http://", "https://")) else None,
        saved_at=_saved_at(message.get("Date")),
        content_type=main.get_content_type() + (f"; charset={charset}" if charset else ""),
        content_id=(main.get("Content-ID") or "").strip() or None,
        frames=restored,
    )


async def read(source: str, context: SourceContext) -> AsyncIterator[Document | Failure]:
    """Yield the saved page as a Document (origin ``mhtml``, under the address it was saved from; a page
    saved from no web address is a saved file, origin ``file``), or a Failure saying why there is none."""
    snapshot = load_saved(source, context.max_bytes, FILE_FACTOR, WHAT, unpack)
    if isinstance(snapshot, Failure):
        yield snapshot
        return
    yield saved_copy(
        source,
        snapshot.body,
        snapshot.url,
        snapshot.content_type,
        NAME,
        snapshot.saved_at or context.now(),
        archive_file=Path(source).name,
        archive_record_id=snapshot.content_id,
    )


def _main_part(message: Message, pages: list[Message]) -> Message:
    """The page itself: the part the archive's ``start`` parameter names, else the one at the snapshot's
    address, else the first HTML part (RFC 2557 section 7 and what Chrome and Internet Explorer write)."""
    start = (message.get_param("start") or "") if message.is_multipart() else ""
    if isinstance(start, str) and start.strip("<>"):
        for part in pages:
            if _content_id(part) == start.strip("<>").lower():
                return part
    snapshot = (message.get("Snapshot-Content-Location") or "").strip()
    for part in pages:
        if snapshot and _location(part) == snapshot:
            return part
    return pages[0]


def _content_id(part: Message) -> str:
    return (part.get("Content-ID") or "").strip().strip("<>").lower()


def _location(part: Message) -> str:
    return (part.get("Content-Location") or "").strip()


def _saved_at(value: str | None) -> str | None:
    """The archive's Date header as ISO 8601 UTC (``2024-05-03T21:14:00Z``), None when it does not parse."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    # RFC 5322's "-0000" (no zone known) parses naive: it is UTC.
    return format_utc(when if when.tzinfo is not None else when.replace(tzinfo=UTC))
