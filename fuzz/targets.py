"""The fuzz targets: bytes in, an exception out when an invariant breaks.

Each target is a plain function so tests and the reproducer (``python -m fuzz --reproduce FILE``) call it
without atheris; the campaign runs it under libFuzzer with the ``scrapers`` package instrumented.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["CONTENT_TYPES", "TARGETS", "URL", "check_extraction", "html_target", "text_target"]

URL = "https://news.example/2024/story"
# The first input byte picks what the server claimed, so the fuzzer explores the decoders' choices too.
CONTENT_TYPES: tuple[str | None, ...] = (
    None,
    "text/html",
    "text/html; charset=utf-8",
    "text/html; charset=utf-16",
    "text/html; charset=windows-1251",
    "text/html; charset=koi8-r",
    "text/html; charset=iso-8859-1",
    "text/html; charset=x-bogus",
)


class InvariantBroken(AssertionError):
    """An extraction that ``db.store.save_extraction`` would reject or store wrongly."""


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _strings(getattr(value, item.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def check_extraction(extraction: Any) -> None:
    """Raise ``InvariantBroken`` unless post ids are ``platform:rest`` (the native id or a derived
    ``pic-``/``tco-``/``text-`` id) without spaces or control characters, every embed, mention and note names
    a post of the extraction, and every string can be stored (UTF-8, so no lone surrogates)."""
    ids = {post.id for post in extraction.posts}
    for post in extraction.posts:
        rest = post.id.removeprefix(f"{post.platform}:")
        if rest == post.id or not rest or any(c.isspace() or ord(c) < 32 for c in post.id):
            raise InvariantBroken(f"malformed post id {post.id!r}")
    for item in (*extraction.embeds, *extraction.mentions, *extraction.notes):
        if item.post_id is not None and item.post_id not in ids:
            raise InvariantBroken(f"{type(item).__name__} names a post not extracted: {item.post_id!r}")
    for text in _strings(extraction):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise InvariantBroken(f"unstorable string {text[:80]!r}: {error}") from None


def html_target(data: bytes) -> None:
    """The HTML path of ingest: decode, parse once, run every extractor."""
    from embedtrail.scrapers import extract, parse_html

    content_type = CONTENT_TYPES[data[0] % len(CONTENT_TYPES)] if data else None
    check_extraction(extract(parse_html(data[1:], URL, content_type)))


def text_target(data: bytes) -> None:
    """The plain-text path (``.txt`` dumps, ``text/plain`` answers): decode, split, run every extractor."""
    from embedtrail.scrapers import extract, parse_text
    from embedtrail.scrapers.document import decode_html

    text, _ = decode_html(data, "text/plain")
    check_extraction(extract(parse_text(text, URL)))


TARGETS: dict[str, Callable[[bytes], None]] = {"html": html_target, "text": text_target}
