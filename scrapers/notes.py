"""Finds sentences that state the verification status of cited material ("Reuters could not immediately
verify the video's authenticity", "geolocated by BBC Verify", "the footage has not been independently
verified") and records who says so (the verifier) and what they conclude (the verdict).

Verdicts: ``unverified`` (could not verify / not independently verified), ``verified`` (verified,
geolocated, authenticated, confirmed as genuine), ``disputed`` (fake, doctored, debunked, misleading,
fact-checked as false). Which mention or post a note is about is decided in ``extract``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .document import BOILERPLATE, TextBlock
from .text import sentences

__all__ = ["VERDICTS", "NoteHit", "classify_sentence", "scan_notes"]

VERDICTS = ("unverified", "verified", "disputed")

_VERIFIER = r"(?P<verifier>(?:[A-Z][\w&’'.-]*|AP|AFP|BBC|CNN|NBC|ABC|CBS)(?:\s+(?:[A-Z][\w&’'.-]*|of|for|News))*)"
_MATERIAL = (
    r"video|videos|footage|clip|image|images|photo|photos|photograph|picture|pictures|post|posts|tweet|tweets|"
    r"recording|audio|authenticity|claim|claims|account|accounts|report|reports|content|material|it|them|"
    r"messages?|statement|location|details|veracity|provenance|origin|origins"
)
_NEGATION = r"(?:could\s+not|couldn['’]t|cannot|can\s*not|can['’]t|was\s+unable\s+to|were\s+unable\s+to|is\s+unable\s+to|" \
    r"are\s+unable\s+to|has\s+not\s+been\s+able\s+to|have\s+not\s+been\s+able\s+to|did\s+not|didn['’]t|has\s+not|" \
    r"have\s+not|had\s+not|was\s+not\s+able\s+to|were\s+not\s+able\s+to)"
_ADVERB = r"(?:\s+(?:immediately|independently|yet|fully|separately|itself|themselves|so\s+far))*"
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "unverified",
        re.compile(rf"{_VERIFIER}\s+{_NEGATION}{_ADVERB}\s+(?:verify|verified|authenticate|independently\s+verify)\b"),
    ),
    (
        "unverified",
        re.compile(
            rf"{_VERIFIER}\s+{_NEGATION}{_ADVERB}\s+(?:confirm|confirmed)\s+(?:the\s+|its\s+|their\s+|that\s+)?"
            rf"(?:\w+['’]s\s+)?(?:{_MATERIAL})\b"
        ),
    ),
    (
        "unverified",
        re.compile(
            rf"\b(?:has|have|had|could|can|was|were|is|are)\s+not\s+(?:yet\s+)?(?:been|be)\s+(?:independently\s+|immediately\s+)?"
            rf"(?:verified|authenticated|confirmed)(?:\s+by\s+{_VERIFIER})?"
        ),
    ),
    ("unverified", re.compile(rf"\b(?:unverified|unconfirmed)\b(?:.*?\bby\s+{_VERIFIER})?", re.I)),
    (
        "disputed",
        re.compile(
            rf"\b(?:fact[- ]check(?:ed|ers?)?|debunked|doctored|manipulated|fabricated|fake|deepfake|misleading|"
            rf"digitally\s+altered|old\s+footage|taken\s+out\s+of\s+context|recycled)\b(?:.*?\bby\s+{_VERIFIER})?",
            re.I,
        ),
    ),
    (
        "verified",
        re.compile(
            rf"\b(?:verified|geolocated|authenticated|geo-located)\s+by\s+{_VERIFIER}"
        ),
    ),
    (
        "verified",
        re.compile(
            rf"{_VERIFIER}\s+(?:has\s+|have\s+|had\s+|was\s+able\s+to\s+|were\s+able\s+to\s+|independently\s+)*"
            rf"(?:verified|geolocated|geo-located|authenticated|verify|confirmed\s+the\s+authenticity)\b"
        ),
    ),
    (
        "verified",
        re.compile(r"\b(?:has|have|had|was|were)\s+(?:been\s+)?(?:independently\s+)?(?:verified|geolocated|authenticated)\b"),
    ),
)
_CUES = re.compile(
    r"verif|geolocat|geo-locat|authentic|fact[- ]check|debunk|doctored|manipulated|fabricated|fake|misleading|"
    r"unconfirmed|confirm|digitally altered|out of context|recycled",
    re.I,
)
_NOT_A_VERIFIER = frozenset(
    {"it", "this", "that", "the", "they", "we", "he", "she", "which", "who", "police", "officials", "but", "however",
     "and", "a", "an", "its", "there", "these", "those", "authorities"}
)
_MATERIAL_RE = re.compile(rf"\b(?:{_MATERIAL})\b", re.I)


@dataclass(frozen=True, slots=True)
class NoteHit:
    """A verification sentence found in a block: verdict, verifier, sentence, offset within the block."""

    verdict: str
    verifier: str | None
    sentence: str
    start: int


def _clean_verifier(value: str | None) -> str | None:
    if not value:
        return None
    value = value.replace("’", "'").strip(" .,;:")
    words = value.split()
    while words and words[0].lower() in _NOT_A_VERIFIER:
        words.pop(0)
    while words and words[-1].lower() in {"of", "for", "news"} and len(words) > 1 and words[-1] != "News":
        words.pop()
    value = " ".join(words)
    if not value or value.lower() in _NOT_A_VERIFIER or len(value) > 60:
        return None
    return value


def classify_sentence(sentence: str) -> tuple[str, str | None] | None:
    """``(verdict, verifier)`` when ``sentence`` states a verification status, else None."""
    if not _CUES.search(sentence):
        return None
    for verdict, pattern in _RULES:
        match = pattern.search(sentence)
        if match is None:
            continue
        if verdict == "disputed" and not _MATERIAL_RE.search(sentence):
            continue
        verifier = _clean_verifier(match.groupdict().get("verifier"))
        return verdict, verifier
    return None


def scan_notes(blocks: Sequence[TextBlock]) -> Iterator[tuple[NoteHit, int]]:
    """Verification sentences in the article's blocks, with the index of the block each sits in."""
    for index, block in enumerate(blocks):
        if block.zone == BOILERPLATE or not block.text or not _CUES.search(block.text):
            continue
        for sentence in sentences(block.text):
            result = classify_sentence(sentence.text)
            if result is not None:
                yield NoteHit(result[0], result[1], sentence.text, sentence.start), index
