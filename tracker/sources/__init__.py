"""Input kinds: each module turns a source string into documents. ``SOURCES`` is the only list of them;
the first module that claims a source reads it (web URLs before paths, archives before other files)."""

from __future__ import annotations

from . import archivebox, archives, feeds, files, mhtml, sitemaps, wayback, web, webarchive
from .base import (
    Document,
    Expansion,
    Failure,
    Listing,
    SourceContext,
    SourceModule,
    SourceState,
    make_capture,
)

__all__ = [
    "SOURCES",
    "Document",
    "Expansion",
    "Failure",
    "Listing",
    "SourceContext",
    "SourceModule",
    "SourceState",
    "make_capture",
    "module_for",
    "needs_network",
]

# Order matters only where two modules could claim a source: web archives, saved-page files (MHTML,
# Safari's .webarchive) and ArchiveBox snapshot folders before plain files and folders. Feeds, sitemaps
# and archived copies are named by a prefix (``feed:URL``, ``sitemap:URL``, ``wayback:URL``).
SOURCES: tuple[SourceModule, ...] = (
    web,
    feeds,
    sitemaps,
    wayback,
    archives,
    mhtml,
    webarchive,
    archivebox,
    files,
)


def module_for(source: str) -> SourceModule:
    """The source module that reads ``source``."""
    for module in SOURCES:
        if module.claims(source):
            return module
    scheme = source.split("://", 1)[0] if "://" in source else ""
    raise ValueError(
        f"no input kind reads {source!r}: embedtrail reads http:// and https:// URLs, feed:URL, sitemap:URL, "
        "wayback:URL, and paths of saved pages (.html, .mhtml, .webarchive), text dumps and web archives"
        + (f" (not {scheme}://)" if scheme else "")
    )


def needs_network(source: str) -> bool:
    """Whether reading ``source`` needs the HTTP client (a module says so with ``NETWORK = False``)."""
    return bool(getattr(module_for(source), "NETWORK", True))
