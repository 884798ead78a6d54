"""Finds references to social-media material written in prose, with or without a URL: credits such as
"(Video: Russia's RT news)" and sentences such as "Baza, a Telegram channel with links to Russia's law
enforcement agencies, posted a video showing ...".

Each becomes a ``Mention`` with the credited source, its description, the platform when the prose names
one (names come from the platform modules' ``PROSE_NAMES``), the kind of material and the sentence.
Also home of the sentence splitter the verification-note scraper shares.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType

from .document import BOILERPLATE, TextBlock
from .records import Mention

__all__ = ["KINDS", "Sentence", "platform_named", "scan_mentions", "sentences"]

# Material words and the mention kind they stand for.
KINDS = {
    "video": "video", "videos": "video", "footage": "video", "clip": "video", "clips": "video",
    "livestream": "video", "recording": "video", "photo": "photo", "photos": "photo", "image": "photo",
    "images": "photo", "picture": "photo", "pictures": "photo", "photograph": "photo", "photographs": "photo",
    "screenshot": "photo", "screengrab": "photo", "post": "post", "posts": "post", "tweet": "post",
    "tweets": "post", "message": "post", "statement": "post", "audio": "audio",
}
_KIND_WORDS = "|".join(sorted(KINDS, key=len, reverse=True))
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9À-Ý])")
_NAME = r"(?P<name>(?:[A-Z0-9À-Ý][\w’'.&-]*\s+){0,4}?[A-Z0-9À-Ý][\w’'.&-]*)"
_VERBS = r"posted|published|shared|released|uploaded|circulated|aired|broadcast|put\s+out|showed|distributed|tweeted"
_CREDIT = re.compile(
    rf"\(\s*(?P<kind>{_KIND_WORDS})\s*(?:credit|courtesy)?\s*[:/]\s*(?P<source>[^()]{{2,100}}?)\s*\)", re.I
)
_CAPTION_CREDIT = re.compile(
    rf"(?:^|[.;|]\s*)(?P<kind>{_KIND_WORDS})\s*(?:credit|courtesy)?\s*:\s*(?P<source>[^.;|]{{2,100}})", re.I
)
_APPOSITIVE = re.compile(
    rf"{_NAME},\s+(?P<desc>(?:an?|the|one)\s[^,]{{3,160}}?),\s+(?:which\s+|who\s+)?(?:has\s+|had\s+|also\s+)?"
    rf"(?:{_VERBS})\s+(?:online\s+)?(?:a\s+|an\s+|the\s+|two\s+|three\s+|several\s+|new\s+)?(?:[\w-]+\s+)?"
    rf"(?P<kind>{_KIND_WORDS})\b"
)
_POSTED_ON = re.compile(
    rf"(?P<kind>{_KIND_WORDS})\s+(?:that\s+was\s+|which\s+was\s+|was\s+)?(?:{_VERBS})\s+(?:online\s+)?(?:on|to|via)\s+"
    rf"(?:the\s+)?(?P<platform>[A-Z][\w/]+)(?:\s+(?:channel|account|page)\s+(?P<channel>[A-Z@][\w’'.-]+))?"
    rf"(?:\s+by\s+{_NAME})?",
    re.I,
)
_NAME_POSTED = re.compile(
    rf"{_NAME}\s+(?:has\s+|had\s+|also\s+)?(?:{_VERBS})\s+(?:a\s+|an\s+|the\s+)?(?:[\w-]+\s+)?(?P<kind>{_KIND_WORDS})\s+"
    rf"(?:on|to|via)\s+(?:its\s+|his\s+|her\s+|their\s+)?(?P<platform>[A-Z][\w/]+)"
)
_LEADING_NOISE = re.compile(r"^(?:On|In|Late|Early|Earlier|Later|Meanwhile|But|And|Also|Then|The|A)\s+(?:\w+\s+)?", re.I)
_STOP_NAMES = frozenset({"it", "he", "she", "they", "this", "that", "the", "a", "an", "which", "who", "we", "i"})


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a text block and where it starts within the block."""

    text: str
    start: int


def sentences(text: str) -> list[Sentence]:
    """Split a paragraph into sentences (a plain rule: end punctuation, space, capital)."""
    found: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[start : match.start()].strip()
        if piece:
            found.append(Sentence(piece, start))
        start = match.end()
    tail = text[start:].strip()
    if tail:
        found.append(Sentence(tail, start))
    return found


def platform_named(text: str, platforms: Sequence[ModuleType]) -> str | None:
    """The platform whose prose name appears in ``text`` (whole word), if exactly one does."""
    named = []
    for module in platforms:
        for name in getattr(module, "PROSE_NAMES", ()):
            if len(name) == 1:
                pattern = rf"(?:\bon\s+|\bvia\s+|\bto\s+)(?:{re.escape(name)})\b(?![-\w])"
            else:
                pattern = rf"(?<![\w/]){re.escape(name)}(?![\w])"
            if re.search(pattern, text):
                named.append(module.NAME)
                break
    return named[0] if len(set(named)) == 1 else None


def _normalise_name(value: str | None) -> str | None:
    if not value:
        return None
    value = value.replace("’", "'").replace("‘", "'").strip(" .,;:-—–\"“”")
    value = _LEADING_NOISE.sub("", value) if " " in value else value
    if not value or value.lower() in _STOP_NAMES:
        return None
    return value


@dataclass(frozen=True, slots=True)
class _Hit:
    kind: str
    source: str | None
    description: str | None
    platform: str | None
    start: int
    sentence: str


def _hits_in(block_text: str, platforms: Sequence[ModuleType], caption: bool) -> Iterator[_Hit]:
    for sentence in sentences(block_text):
        text = sentence.text
        for match in _CREDIT.finditer(text):
            source = match.group("source")
            yield _Hit(KINDS[match.group("kind").lower()], _normalise_name(source), None,
                       platform_named(source, platforms), sentence.start + match.start(), text)
        if caption:
            for match in _CAPTION_CREDIT.finditer(text):
                source = match.group("source")
                platform = platform_named(source, platforms)
                if platform or re.search(r"screen\s?(?:shot|grab)|social media", source, re.I):
                    yield _Hit(KINDS[match.group("kind").lower()], _normalise_name(source), None, platform,
                               sentence.start + match.start(), text)
        for match in _APPOSITIVE.finditer(text):
            description = match.group("desc").strip()
            yield _Hit(KINDS[match.group("kind").lower()], _normalise_name(match.group("name")), description,
                       platform_named(description, platforms), sentence.start + match.start(), text)
        for match in _NAME_POSTED.finditer(text):
            platform = platform_named("on " + match.group("platform"), platforms)
            if platform is None:
                continue
            yield _Hit(KINDS[match.group("kind").lower()], _normalise_name(match.group("name")), None, platform,
                       sentence.start + match.start(), text)
        for match in _POSTED_ON.finditer(text):
            platform = platform_named("on " + match.group("platform"), platforms)
            if platform is None and "social media" not in match.group(0).lower():
                continue
            source = match.group("name") or match.group("channel")
            yield _Hit(KINDS[match.group("kind").lower()], _normalise_name(source), None, platform,
                       sentence.start + match.start(), text)


def scan_mentions(
    blocks: Sequence[TextBlock], platforms: Sequence[ModuleType], post_spans: dict[int, list[tuple[int, int, str]]]
) -> list[tuple[Mention, int, int]]:
    """Mentions in the article's text blocks, each with its block index and offset in the block.

    ``post_spans`` maps a block index to ``(start, end, post_id)`` spans of posts written in that block (an
    embedded tweet's text, a flattened tweet); a mention inside one is linked to that post.
    """
    found: list[tuple[Mention, int, int]] = []
    seen: set[tuple[int, str, str | None]] = set()
    for index, block in enumerate(blocks):
        if block.zone == BOILERPLATE or not block.text:
            continue
        caption = block.node is not None and block.node.tag.name in {"figcaption", "caption"}
        for hit in _hits_in(block.text, platforms, caption):
            key = (index, hit.sentence, hit.source)
            if key in seen:
                continue
            seen.add(key)
            post = None
            for start, end, candidate in post_spans.get(index, ()):
                if start <= hit.start < end:
                    post = candidate
                    break
            mention = Mention(
                kind=hit.kind,
                sentence=hit.sentence,
                position=block.position,
                source_name=hit.source,
                source_description=hit.description,
                platform=hit.platform,
                post_id=post,
            )
            found.append((mention, index, hit.start))
    return found
