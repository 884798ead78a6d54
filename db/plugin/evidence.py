"""Serves stored bodies from the evidence store (``db/bodies.py``): the captured page or platform answer with
a given sha256, as the bytes that were received, never as a page.

A body is served only while the ``bodies`` table lists it (a forgotten body is gone even if a file lingers)
and only from the store ``embedtrail serve`` names, or a published snapshot's ``bodies/`` beside its
database. Fetched bytes are never trusted: text is sent as ``text/plain`` (a captured article's HTML shows as
its source), anything else as a download, both with ``nosniff`` and a Content-Security-Policy ``sandbox``, so
no byte of it can run in the instance's origin.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import zstandard
from datasette import NotFound
from datasette.utils.asgi import Response

__all__ = ["MAX_SERVED_BYTES", "body_response", "store_directory"]

# Bodies bigger than this are not served inline (the fetch cap is 10 MiB by default).
MAX_SERVED_BYTES = 64 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SANDBOX = "sandbox; default-src 'none'"


def store_directory(datasette: Any, database_path: str | None) -> Path | None:
    """Where stored bodies are read from: the store ``serve`` was given, else ``bodies/`` of a snapshot."""
    configured = getattr(datasette, "embedtrail_store_root", None)
    if configured is not None:
        return Path(configured)
    if database_path:
        beside = Path(database_path).resolve().parent
        if (beside / "bodies").is_dir():
            return beside
    return None


async def body_response(datasette: Any, database: Any, sha256: str, download: bool) -> Response:
    """The stored body ``sha256`` as a response, or NotFound saying why there is none."""
    if not _SHA256.match(sha256):
        raise NotFound("A body is named by its sha256: 64 lower-case hex digits")
    row = (await database.execute("select size from bodies where sha256 = ?", [sha256])).first()
    if row is None:
        raise NotFound(f"No stored body {sha256} (never kept, or forgotten on request)")
    root = store_directory(datasette, database.path)
    path = None if root is None else root / "bodies" / sha256[:2] / f"{sha256}.zst"
    if path is None or not path.is_file():
        raise NotFound(f"Body {sha256} is kept, but not published with this instance")
    if int(row[0]) > MAX_SERVED_BYTES:
        raise NotFound(f"Body {sha256} is {int(row[0]):,} bytes, too big to serve; export it instead")
    try:
        data = zstandard.ZstdDecompressor().decompress(path.read_bytes(), max_output_size=MAX_SERVED_BYTES)
    except zstandard.ZstdError:
        raise NotFound(f"Body {sha256} is damaged in the store (embedtrail verify names it)") from None
    headers = {
        "content-security-policy": _SANDBOX,
        "x-content-type-options": "nosniff",
        "cache-control": "max-age=86400, immutable",
    }
    try:
        data.decode("utf-8")
        text = True
    except UnicodeDecodeError:
        text = False
    name = f"{sha256}.{'txt' if text else 'bin'}"
    disposition = "attachment" if download or not text else "inline"
    headers["content-disposition"] = f'{disposition}; filename="{name}"'
    content_type = "text/plain; charset=utf-8" if text else "application/octet-stream"
    return Response(data, content_type=content_type, headers=headers)
