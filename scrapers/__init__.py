"""Pure extraction: a parsed document in, records out. No network, no database, no clock.

``PLATFORMS`` is the only list of platform modules; nothing else in the project names a platform.
"""

import logging

from .document import ParsedDocument, parse_html, parse_text
from .extract import extract
from .records import (
    Account,
    ArticleMeta,
    Capture,
    Embed,
    Extraction,
    Found,
    Mention,
    Post,
    PostRef,
    VerificationNote,
)
from .registry import PLATFORMS, by_name

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "PLATFORMS",
    "Account",
    "ArticleMeta",
    "Capture",
    "Embed",
    "Extraction",
    "Found",
    "Mention",
    "ParsedDocument",
    "Post",
    "PostRef",
    "VerificationNote",
    "by_name",
    "extract",
    "parse_html",
    "parse_text",
]
