"""Reads pages saved by Safari as a web archive (``.webarchive``, Safari's default "Save As" format on a Mac):
a property list whose ``WebMainResource`` holds the page's HTML, the address it was loaded from and its text
encoding, beside the page's images and scripts (``WebSubresources``) and its frames (``WebSubframeArchives``).

The page is handed on as saved, known by its ``WebResourceURL`` (origin ``webarchive``; a page saved from no
web address is a saved file, origin ``file``). Safari writes frames' ``src`` as the addresses they were
loaded from, so the page names its embeds as it did on the web; the frames' own archives stay in the file.
Format: WebKit's LegacyWebArchive (the keys below), read with the standard library's plistlib.
"""

from __future__ import annotations

import plistlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    "NotWebArchive",
    "SavedPage",
    "claims",
    "expand",
    "read",
    "unpack",
]

NAME = "webarchive"
NETWORK = False
SUFFIXES = (".webarchive",)
# A web archive carries the page's images and frames beside its HTML: the file may be this many times
# [fetch] max_bytes, the page itself no more than max_bytes (as for MHTML).
FILE_FACTOR = 8
WHAT = "a web archive"


@dataclass(frozen=True, slots=True)
class SavedPage:
    """A web archive's page: its HTML, the address it was saved from (None: not a web address), its
    Content-Type with the encoding Safari noted, and how many frames the archive kept."""

    body: bytes
    url: str | None
    content_type: str
    frames: int


class NotWebArchive(NotASavedPage):
    """The file is not a Safari web archive holding a page."""


def claims(source: str) -> bool:
    """A path ending in .webarchive."""
    return "://" not in source and source.lower().endswith(SUFFIXES)


def expand(source: str) -> Expansion:
    """A web archive is one page (directories are walked by the ``file`` source)."""
    return Expansion([source])


def unpack(data: bytes, max_bytes: int) -> SavedPage:
    """The page ``data`` (a .webarchive's bytes) holds; NotWebArchive says why there is none."""
    try:
        archive: Any = plistlib.loads(data)
    except Exception as error:  # plistlib fails on hostile input in many ways (expat, struct, recursion)
        raise NotWebArchive(f"not a Safari web archive ({type(error).__name__})") from None
    main = archive.get("WebMainResource") if isinstance(archive, dict) else None
    if not isinstance(main, dict):
        raise NotWebArchive("not a Safari web archive (no WebMainResource)")
    body = main.get("WebResourceData")
    mime = str(main.get("WebResourceMIMEType") or "").strip().lower()
    if not isinstance(body, bytes) or mime not in HTML_TYPES:
        raise NotWebArchive(f"the web archive holds no HTML page ({mime or 'no type'})")
    if len(body) > max_bytes:
        raise NotWebArchive(
            f"too_large: the saved page is {len(body)} bytes, over the {max_bytes} byte limit"
        )
    url = str(main.get("WebResourceURL") or "").strip()
    encoding = main.get("WebResourceTextEncodingName")
    frames = archive.get("WebSubframeArchives")
    return SavedPage(
        body=body,
        url=url if url.lower().startswith(("http://", "https://")) else None,
        content_type=mime + (f"; charset={encoding}" if isinstance(encoding, str) and encoding else ""),
        frames=len(frames) if isinstance(frames, list) else 0,
    )


async def read(source: str, context: SourceContext) -> AsyncIterator[Document | Failure]:
    """Yield the saved page as a Document, or a Failure saying why there is none."""
    page = load_saved(source, context.max_bytes, FILE_FACTOR, WHAT, unpack)
    if isinstance(page, Failure):
        yield page
        return
    yield saved_copy(
        source, page.body, page.url, page.content_type, NAME, context.now(), archive_file=Path(source).name
    )
