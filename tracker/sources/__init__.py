"""Input kinds: each module turns a source string into documents. ``SOURCES`` is the only list of them;
the first module that claims a source reads it (web URLs before paths)."""

from __future__ import annotations

from . import files, web
from .base import Document, Failure, SourceContext, SourceModule, make_capture

__all__ = ["SOURCES", "Document", "Failure", "SourceContext", "SourceModule", "make_capture", "module_for"]

SOURCES: tuple[SourceModule, ...] = (web, files)


def module_for(source: str) -> SourceModule:
    """The source module that reads ``source``."""
    for module in SOURCES:
        if module.claims(source):
            return module
    raise ValueError(f"no input kind reads {source!r}")
