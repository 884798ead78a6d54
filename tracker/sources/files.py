"""Reads saved article pages (``.html``, ``.htm``) and plain-text article dumps (``.txt``) from disk,
alone or from a directory walked recursively in a stable order.

A file's capture is named by its ``file://`` URI. The page is read under the address the browser that
saved it noted (Chrome's and Internet Explorer's ``<!-- saved from url=(0042)https://… -->``, SingleFile's
``Page saved with SingleFile … url: https://…`` comment) when it noted one, so its links resolve and its
site is known as on the web; which URL names the article (its canonical URL first) is the pipeline's
decision.
"""

from __future__ import annotations

import html
import mimetypes
import re
import urllib.parse
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

from .base import Document, Expansion, Failure, SourceContext, make_capture, read_capped

__all__ = [
    "EXTENSIONS",
    "NAME",
    "NETWORK",
    "claims",
    "expand",
    "read",
    "saved_from",
    "saved_page",
    "supported_kinds",
]

NAME = "file"
NETWORK = False
EXTENSIONS = {".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text", ".text": "text"}
# Where a browser notes the address it saved a page from: the mark of the web (Chrome, Internet Explorer;
# the number is the address's length) and SingleFile's header comment (also written by ArchiveBox). Both sit
# at the top of the file, before or just after <html ...>.
_SAVED_FROM = re.compile(
    rb"<!--\s*saved from url=\(\d+\)(https?://[^\s<>\"']+?)\s*-->"
    rb"|<!--\s*(?:Page saved with SingleFile|Archive processed by SingleFile)\s+url: (https?://[^\s<>\"']+)",
    re.IGNORECASE,
)
_SAVED_FROM_HEAD = 8192
# "Webpage, Complete" saves (Chrome, Firefox, Edge): Page.html beside Page_files/, the folder holding the
# page's frames (each an .html file), images and scripts; a frame is written
# <iframe src="./Page_files/x.html">.
_FILES_FOLDER = "_files"
_FRAME_TAG = re.compile(rb"<i?frame\b[^>]*>", re.IGNORECASE)
_LOCAL_SRC = re.compile(
    rb"""(\ssrc\s*=\s*["'])((?:\./)?[^"'<>]*?_files/[^"'<>]+\.html?)(?=["'])""", re.IGNORECASE
)
# A page names at most this many of its saved frames (each costs a small read).
_MAX_FRAMES = 200


def claims(source: str) -> bool:
    """Anything that is not a URL is a path."""
    return "://" not in source


def supported_kinds() -> str:
    """Every file name ending embedtrail reads, for messages: ``.html, .htm, ..., .warc, .wacz``."""
    from . import archives, mhtml, webarchive

    return ", ".join([*EXTENSIONS, *mhtml.SUFFIXES, *webarchive.SUFFIXES, *archives.SUFFIXES])


def expand(source: str) -> Expansion:
    """A directory becomes its article files, the files another input kind claims (web archives, MHTML)
    and its ArchiveBox snapshots (each one page), recursively and sorted; the other files are counted by
    reason (hidden, unsupported type, a saved page's own folder, a snapshot's other outputs). A file stays
    itself."""
    from . import SOURCES, archivebox  # the registry imports this module first

    others = [module for module in SOURCES if module.NAME != NAME]
    path = Path(source)
    if not path.is_dir():
        return Expansion([source])
    items: list[str] = []
    skipped: Counter[str] = Counter()
    files: list[Path] = []
    for candidate in sorted(path.rglob("*")):
        if not candidate.is_file():
            continue
        if any(part.startswith(".") for part in candidate.relative_to(path).parts):
            skipped["hidden file"] += 1
        else:
            files.append(candidate)
    snapshots = {
        found.parent
        for found in files
        if found.name == archivebox.INDEX and archivebox.snapshot(found.parent) is not None
    }
    items.extend(str(folder) for folder in snapshots)
    # An ArchiveBox data folder's own files (its import lists in sources/, logs, its database) are not
    # articles: only its archive/ holds pages.
    data_folders = {
        found.parent
        for found in files
        if found.name == archivebox.CONFIG and (found.parent / "archive").is_dir()
    }
    for candidate in files:
        if snapshots and any(folder in snapshots for folder in candidate.parents):
            skipped["an ArchiveBox snapshot's files (read as one page)"] += 1
        elif data_folders and any(
            folder in candidate.parents and folder / "archive" not in candidate.parents
            for folder in data_folders
        ):
            skipped["an ArchiveBox data folder's own files"] += 1
        elif _in_saved_page_folder(candidate, path):
            skipped["a saved page's own files (Page_files/)"] += 1
        elif candidate.suffix.lower() in EXTENSIONS or any(m.claims(str(candidate)) for m in others):
            items.append(str(candidate))
        else:
            skipped[f"unsupported file type {candidate.suffix.lower() or '(none)'}"] += 1
    return Expansion(sorted(items), dict(skipped))


async def read(source: str, context: SourceContext) -> AsyncIterator[Document | Failure]:
    """Yield the file as a Document, or a Failure saying why it cannot be read."""
    path = Path(source)
    kind = EXTENSIONS.get(path.suffix.lower())
    if not path.exists():
        yield Failure(source, "no such file or directory")
        return
    if kind is None:
        yield Failure(
            source, f"unsupported file type {path.suffix or '(none)'}: embedtrail reads {supported_kinds()}"
        )
        return
    body = read_capped(source, context.max_bytes)
    if isinstance(body, Failure):
        yield body
        return
    uri = path.resolve().as_uri()
    content_type = mimetypes.guess_type(path.name)[0] or ("text/html" if kind == "html" else "text/plain")
    noted = None
    if kind == "html":
        body, noted = saved_page(body, path)
    capture = make_capture(uri, uri, context.now(), body, "file", content_type=content_type)
    yield Document(source, noted or uri, body, kind, capture)


def saved_page(body: bytes, path: Path) -> tuple[bytes, str | None]:
    """A saved page as it is read: its bytes with the frames saved beside it put back to their addresses
    (``_restore_frames``), and the address the browser that saved it noted (``saved_from``)."""
    return _restore_frames(body, path), saved_from(body)


def _in_saved_page_folder(candidate: Path, root: Path) -> bool:
    """Whether ``candidate`` lies in the folder a browser saved a page's frames, images and scripts in
    ("Webpage, Complete": ``Page.html`` beside ``Page_files/``). Its HTML files are the page's frames and
    ads, each read as part of the page (``_restore_frames``), never articles of their own."""
    folder = candidate.parent
    while folder != root and root in folder.parents:
        if folder.name.endswith(_FILES_FOLDER) and _saved_page_of(folder) is not None:
            return True
        folder = folder.parent
    return False


def _saved_page_of(folder: Path) -> Path | None:
    stem = folder.name[: -len(_FILES_FOLDER)]
    for suffix in (".html", ".htm", ".xhtml"):
        page = folder.with_name(stem + suffix)
        if page.is_file():
            return page
    return None


def _restore_frames(body: bytes, path: Path) -> bytes:
    """``body`` with each frame saved beside it put back to the address it was loaded from.

    A browser saving a page "complete" saves each frame (an embedded player, a post's embed frame, an ad) as
    a file in ``Page_files/`` and writes the frame's ``src`` as that file's path: the embed's address is
    only in the mark of the web Chrome writes at the top of the frame's file."""
    if _FILES_FOLDER.encode() + b"/" not in body:
        return body
    folder = path.resolve().parent
    restored = 0

    def frame_address(match: re.Match[bytes]) -> bytes:
        nonlocal restored
        written = match.group(2)
        if restored >= _MAX_FRAMES:
            return match.group(0)
        local = html.unescape(urllib.parse.unquote(written.decode("utf-8", "replace")))
        frame = (folder / local).resolve()
        if folder not in frame.parents or not frame.is_file():
            return match.group(0)
        try:
            with frame.open("rb") as fh:
                address = saved_from(fh.read(_SAVED_FROM_HEAD))
        except OSError:
            return match.group(0)
        if address is None:
            return match.group(0)
        restored += 1
        return match.group(1) + html.escape(address, quote=True).encode("ascii", "xmlcharrefreplace")

    def in_frame(tag: re.Match[bytes]) -> bytes:
        return _LOCAL_SRC.sub(frame_address, tag.group(0))

    return _FRAME_TAG.sub(in_frame, body)


def saved_from(body: bytes) -> str | None:
    """The address the browser that saved this page noted at its top, or None."""
    match = _SAVED_FROM.search(body, 0, _SAVED_FROM_HEAD)
    if match is None:
        return None
    return (match.group(1) or match.group(2)).decode("ascii", "replace")
