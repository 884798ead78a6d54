"""Measures how much the extractor leans on class and id names: the labelled corpus scored as it is, and
again with every class and id token replaced by an opaque one.

The issue asks for the article's main content to be told "by structure, not only by class names". Sites
built with CSS modules or utility classes (``x81c4f2``, ``mt-4 flex``), and sites naming their markup in a
language the extractor has no word list for, give it nothing to read in their class names. This report
rewrites each labelled page that way before parsing it: every ``class`` and ``id`` token outside
``<script>`` and ``<style>`` becomes ``x`` and seven hex digits of its MD5 (so that equal names stay equal, as
a page's own repeated cards are), except the class names a platform's own embed code writes
(``twitter-tweet``, ``instagram-media`` …), which a site keeps whatever its own naming. Tag names, roles,
``itemprop`` and ``data-`` attributes stay. It prints both scores and the pages whose result changed;
``python -m tests.ablation``. It is a stress measure, not a gate: labels describe the pages as published.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from typing import Any

from embedtrail import scrapers
from tests import corpus_report

# The class-name prefixes a platform's embed code writes into the page: a site's naming does not reach them.
PLATFORM_CLASS_PREFIXES = (
    "twitter-tweet",
    "twitter-video",
    "twitter-timeline",
    "twitter-follow",
    "twitter-share",
    "twitter-hashtag",
    "twitter-mention",
    "instagram-media",
    "tiktok-embed",
    "fb-post",
    "fb-video",
    "fb-page",
    "fb-like",
    "fb-comments",
    "fb-share",
    "reddit-embed",
    "reddit-card",
    "bluesky-embed",
    "mastodon-embed",
    "text-post-media",
    "truthsocial-embed",
    "tumblr-post",
    "imgur-embed",
    "telegram-post",
)
_TAG = re.compile(rb"<[a-zA-Z][^<>]*>")
_NAMING = re.compile(rb"(\s(?:class|id)\s*=\s*)(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"'\\]+))", re.IGNORECASE)
_RAW_TEXT = re.compile(rb"(<script\b.*?</script\s*>|<style\b.*?</style\s*>)", re.IGNORECASE | re.DOTALL)


def _opaque(token: bytes) -> bytes:
    if token.decode("latin-1").lower().startswith(PLATFORM_CLASS_PREFIXES):
        return token
    # MD5 names a token here; nothing depends on it being hard to reverse.
    return b"x" + hashlib.md5(token).hexdigest()[:7].encode()


def _rename(match: re.Match[bytes]) -> bytes:
    value = next(group for group in match.groups()[1:] if group is not None)
    return match.group(1) + b'"' + b" ".join(_opaque(token) for token in value.split()) + b'"'


def strip_names(body: bytes) -> bytes:
    """``body`` with its class and id tokens made opaque (outside scripts and style sheets)."""
    parts = _RAW_TEXT.split(body)
    for index in range(0, len(parts), 2):  # the even parts are markup; the odd ones scripts and styles
        parts[index] = _TAG.sub(lambda tag: _NAMING.sub(_rename, tag.group(0)), parts[index])
    return b"".join(parts)


@dataclass
class Outcome:
    """One page's false positives and misses, as published and with its names stripped."""

    file: str
    split: str
    extra: frozenset[str]
    missed: frozenset[str]
    stripped_extra: frozenset[str]
    stripped_missed: frozenset[str]


@dataclass
class Tally:
    """Posts found, extra and missed over the corpus."""

    found: int = 0
    extra: int = 0
    missed: int = 0

    def add(self, found: int, extra: frozenset[str], missed: frozenset[str]) -> None:
        self.found += found
        self.extra += len(extra)
        self.missed += len(missed)

    def line(self, name: str) -> str:
        precision = self.found / (self.found + self.extra) if self.found + self.extra else 1.0
        recall = self.found / (self.found + self.missed) if self.found + self.missed else 1.0
        return (
            f"{name:15} precision {precision:.4f}  recall {recall:.4f}  "
            f"(tp {self.found}, fp {self.extra}, fn {self.missed})"
        )


def _score(body: bytes, label: dict[str, Any]) -> tuple[int, frozenset[str], frozenset[str]]:
    extraction = scrapers.extract(scrapers.parse_html(body, corpus_report.page_url(label)))
    got = {post.id for post in extraction.posts if post.kind != "account"}
    expected = {post["id"] for post in label["posts"]}
    return len(got & expected), frozenset(got - expected), frozenset(expected - got)


def measure() -> tuple[list[Outcome], Tally, Tally]:
    """Every labelled page scored twice: the outcomes, and the tallies as published and names stripped."""
    outcomes: list[Outcome] = []
    published, stripped = Tally(), Tally()
    for label in corpus_report.load_labels():
        body = (corpus_report.PAGES / label["file"]).read_bytes()
        found, extra, missed = _score(body, label)
        published.add(found, extra, missed)
        stripped_found, stripped_extra, stripped_missed = _score(strip_names(body), label)
        stripped.add(stripped_found, stripped_extra, stripped_missed)
        outcomes.append(
            Outcome(label["file"], label.get("split", "dev"), extra, missed, stripped_extra, stripped_missed)
        )
    return outcomes, published, stripped


def main() -> int:
    """Print both scores and the pages whose result changed; exit status 0."""
    outcomes, published, stripped = measure()
    for outcome in outcomes:
        gained = (outcome.stripped_extra - outcome.extra) | (outcome.stripped_missed - outcome.missed)
        lost = (outcome.extra - outcome.stripped_extra) | (outcome.missed - outcome.stripped_missed)
        if gained or lost:
            print(
                f"{outcome.file:36} {outcome.split:6} extra +{len(outcome.stripped_extra - outcome.extra)} "
                f"missed +{len(outcome.stripped_missed - outcome.missed)} mended {len(lost)}"
            )
    print(published.line("published"))
    print(stripped.line("names stripped"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
