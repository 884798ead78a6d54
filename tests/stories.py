"""A minimal article page for tests of the extractor's placement rules: a headline and two paragraphs of
prose around the markup under test, inside ``<main><article>``, and what the extractor logs from it.

The class tests of the audits and of batch x share it, so that a rule is tested against the same story
page; older class modules keep the page variants they were written with (another site path, a table
layout)."""

from __future__ import annotations

from embedtrail import scrapers
from embedtrail.scrapers.records import Extraction

URL = "https://news.example/2024/story/"
PROSE = (
    "<p>" + "The council met on Monday and the opposition walked out before the vote was taken. " * 2 + "</p>"
)


def story(inner: str, after: str = "") -> str:
    """A story page with ``inner`` between its two paragraphs and ``after`` beside the article in
    ``<main>``."""
    return (
        f"<html><body><main><article><h1>Vote</h1>{PROSE}{inner}{PROSE}</article>{after}</main></body></html>"
    )


def extracted(html: str, url: str = URL) -> Extraction:
    """What the extractor makes of ``html`` read as the page at ``url``."""
    return scrapers.extract(scrapers.parse_html(html.encode(), url))


def logged(html: str, url: str = URL) -> dict[str, str]:
    """The posts the extractor logs from ``html``, by id, with the method of each."""
    return {embed.post_id: embed.method for embed in extracted(html, url).embeds}
