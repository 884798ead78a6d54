"""Finds sentences that state the verification status of cited material ("Reuters could not immediately
verify the video's authenticity", "geolocated by BBC Verify", "the footage has not been independently
verified") and records who says so (the verifier) and what they conclude (the verdict).

Verdicts: ``unverified`` (could not verify / not independently verified / unconfirmed), ``verified``
(verified, geolocated, authenticated, confirmed as genuine), ``disputed`` (fake, doctored, debunked, old
footage, taken out of context, fact-checked). A note must be about cited material: a sentence that names
material ("the video", "the footage's authenticity") is one; a sentence about claims, reports or "it" is
one only when ``extract`` finds a mention or post close before it; "officials could not confirm the death
toll" is none. Which mention or post a note is about is decided in ``extract``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .document import CHROME, TextBlock
from .text import cached_sentences, fold_for_search

__all__ = ["ABOUT", "VERDICTS", "NoteHit", "classify_sentence", "scan_notes"]

VERDICTS = ("unverified", "verified", "disputed")
# What a note's sentence is about: ``material`` (it names a video, photo, post ...) or ``context`` (a claim,
# a report, "it"), which only counts next to cited material.
ABOUT = ("material", "context")

# A verifier is a run of capitalised words ("Reuters", "The Associated Press", "BBC Verify"); the run is
# bounded so that a long run of capitals cannot make the search quadratic.
_VERIFIER = r"(?P<verifier>(?:The\s+)?[A-Z][\w&’'.-]{0,30}(?:\s+(?:[A-Z][\w&’'.-]{0,30}|of|for)){0,5})"
_NEGATION = (
    r"(?:could\s+not|couldn['’]t|cannot|can\s+not|can['’]t|(?:was|were|is|are|has\s+been|have\s+been)\s+unable\s+to|"
    r"(?:has|have|had)\s+not\s+been\s+able\s+to|(?:was|were)\s+not\s+able\s+to|did\s+not|didn['’]t|"
    r"(?:has|have|had)\s+not|(?:has|have|had)n['’]t|(?:is|are)\s+not\s+able\s+to)"
)
_ADVERB = (
    r"(?:\s+(?:immediately|independently|yet|fully|separately|itself|themselves|so\s+far|definitively)){0,3}"
)
_NOT_ACCOUNT = r"(?!\s+(?:accounts?|badges?|users?|profiles?|checks?|checkmarks?|handles?|pages?|status)\b)"
_STRONG = (
    r"videos?|footage|clips?|images?|photos?|photographs?|pictures?|posts?|tweets?|recordings?|audio|"
    r"livestreams?|screenshots?|screengrabs?|authenticity|veracity|provenance|geolocation"
)
_STRONG_RE = re.compile(rf"\b(?:{_STRONG})\b", re.I)
# Context words: claims and reports are cited material only when a mention or post is close by.
_WEAK_RE = re.compile(
    r"\b(?:claims?|reports?|statements?|messages?|allegations?|assertions?)\b"
    r"|\b(?:verify|confirm|authenticate|geolocate)\s+(?:it|them|this|these|those)\b"
    r"|^(?:It|This|They|These|Those)\s+(?:could|can|has|have|had|was|were|is|are|cannot|couldn['’]t)\b",
    re.I,
)
_DISPUTED_WORDS = (
    r"fact[- ]?check(?:ed|ers?|ing|s)?|debunk(?:ed|s|ing)?|doctored|digitally\s+(?:altered|manipulated)|"
    r"deep\s?fakes?|fabricated|old\s+(?:footage|video|videos|images?|photos?)|(?:taken|shown|presented)\s+out\s+of\s+"
    r"context|recycled|misattributed|photoshopped|miscaptioned"
)
_DISPUTED_NEGATED = re.compile(
    r"(?:\bnot|n['’]t|\bno\s+(?:signs?|evidence|indication)\s+(?:of|that)|\bnever)\s+(?:\w+\s+){0,2}$", re.I
)
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "unverified",
        re.compile(
            rf"(?:{_VERIFIER}\s+)?\b{_NEGATION}{_ADVERB}\s+(?:verify|verified|authenticate|authenticated|geolocate|"
            rf"geolocated|independently\s+verify|confirm\s+the\s+authenticity)\b"
        ),
    ),
    (
        "unverified",
        re.compile(
            rf"(?:{_VERIFIER}\s+)?\b{_NEGATION}{_ADVERB}\s+(?:confirm|confirmed)\s+(?:the\s+|its\s+|their\s+|that\s+the\s+)?"
            rf"(?:\w+['’]s\s+)?(?i:{_STRONG})\b",
        ),
    ),
    (
        "unverified",
        re.compile(
            r"(?:\b(?:has|have|had|could|can|was|were|is|are|would)\s+not|\bcannot|\b(?:can|could|has|have|had|was|"
            r"were|is|are)n['’]t)\s+(?:yet\s+|immediately\s+)?(?:be|been)\s+(?:(?:independently|immediately|yet|fully)\s+)?"
            rf"(?:verified|authenticated|confirmed|geolocated)(?:\s+(?:independently|immediately))?(?:\s+by\s+{_VERIFIER})?"
        ),
    ),
    (
        "unverified",
        re.compile(
            r"\b(?:not|n['’]t)\s+(?:been\s+)?(?:possible|able)\s+to\s+(?:independently\s+|immediately\s+)?"
            r"(?:verify|confirm|authenticate|geolocate)|\bno\s+way\s+(?:to|of)\s+(?:independently\s+)?"
            r"(?:verify|verifying|confirm|confirming|authenticate|authenticating)",
            re.I,
        ),
    ),
    (
        "unverified",
        re.compile(
            rf"\b(?i:unverified|unconfirmed|unauthenticated){_NOT_ACCOUNT}(?:[^.]{{0,80}}?\bby\s+(?:the\s+)?{_VERIFIER})?"
        ),
    ),
    (
        "disputed",
        re.compile(rf"\b(?i:{_DISPUTED_WORDS})\b(?:[^.]{{0,80}}?\bby\s+(?:the\s+)?{_VERIFIER})?"),
    ),
    (
        "disputed",
        re.compile(
            rf"\b(?:{_STRONG})\s+(?:is|was|were|are|appears?\s+to\s+(?:be|have\s+been)|seems?\s+to\s+be|has\s+been|"
            r"had\s+been|may\s+have\s+been|turned\s+out\s+to\s+be)\s+(?:a\s+|an\s+)?(?:fake|manipulated|misleading|false|"
            r"altered|edited|staged|fabricated|doctored|inauthentic|not\s+authentic|not\s+genuine|from\s+(?:a\s+)?"
            r"(?:different|previous|earlier|another))\b"
            rf"|\b(?:fake|manipulated|misleading|doctored|altered|fabricated|staged)\s+(?:{_STRONG})\b"
            r"|\b(?:question(?:ed|s|ing)?|cast\s+doubts?\s+on|disputed?|challenged?)\s+(?:the\s+)?(?:\w+['’]s\s+)?"
            r"(?:authenticity|veracity)",
            re.I,
        ),
    ),
    (
        "verified",
        re.compile(
            rf"\b(?:verified|geolocated|geo-located|authenticated)\s+(?:independently\s+)?by\s+(?:the\s+)?{_VERIFIER}"
        ),
    ),
    (
        "verified",
        re.compile(
            rf"{_VERIFIER}\s+(?:(?:has|have|had|was\s+able\s+to|were\s+able\s+to|independently|also|since|later)\s+)"
            rf"{{0,3}}(?:verified|geolocated|geo-located|authenticated|verify|geolocate|confirmed\s+the\s+authenticity)"
            rf"\b{_NOT_ACCOUNT}"
        ),
    ),
    (
        "verified",
        re.compile(
            r"\b(?:has|have|had|was|were)\s+(?:been\s+)?(?:independently\s+)?(?:verified|geolocated|authenticated)\b"
            + _NOT_ACCOUNT
        ),
    ),
    (
        "verified",
        re.compile(
            rf"\b(?:{_STRONG})\s+(?:is|was|were|are|appears?\s+to\s+be)\s+(?:authentic|genuine)\b", re.I
        ),
    ),
)
# Words without which no rule can match a sentence. Tested as substrings of the lower-cased text (a few
# ``in`` tests are far cheaper than one case-insensitive alternation over every paragraph); ``_CUES`` is the
# same test as a pattern, for text that lower-casing does not fold faithfully (see ``fold_for_search``).
_CUE_WORDS = (
    "verif",
    "geolocat",
    "geo-locat",
    "authentic",
    "factcheck",
    "fact-check",
    "fact check",
    "debunk",
    "doctored",
    "manipulated",
    "fabricated",
    "fake",
    "misleading",
    "confirm",
    "altered",
    "out of context",
    "recycled",
    "misattributed",
    "photoshopped",
    "miscaptioned",
    "staged",
    "genuine",
    "old footage",
    "old video",
    "edited",
    "veracity",
)
_CUES = re.compile("|".join(re.escape(word) for word in _CUE_WORDS), re.I)


def _has_cue(text: str) -> bool:
    folded = fold_for_search(text)
    if folded is None:
        return _CUES.search(text) is not None
    return any(word in folded for word in _CUE_WORDS)


# Who says a disputed verdict when no "by X" names them: the sentence's subject ("AFP Fact Check found ...").
_SUBJECT = re.compile(
    rf"^{_VERIFIER}(?:['’]s\s+(?:fact[- ]?check\w*|analysis|investigation|team|reporters))?"
    r"\s+(?:has\s+|have\s+|had\s+)?"
    r"(?:found|said|says|concluded|determined|established|reported|noted|showed|shown|confirmed|verified|geolocated|"
    r"debunked|rated|analysed|analyzed)\b"
)
_NOT_A_VERIFIER = frozenset(
    {
        "it",
        "this",
        "that",
        "the",
        "they",
        "we",
        "he",
        "she",
        "which",
        "who",
        "police",
        "officials",
        "but",
        "however",
        "and",
        "a",
        "an",
        "its",
        "there",
        "these",
        "those",
        "authorities",
        "meanwhile",
        "although",
        "though",
        "while",
        "still",
        "so",
        "yet",
        "when",
        "if",
        "in",
        "on",
        "at",
        "as",
        "i",
        "you",
        "our",
        "their",
        "his",
        "her",
    }
)
_ALIASES = {"AP": "The Associated Press", "Associated Press": "The Associated Press"}


@dataclass(frozen=True, slots=True)
class NoteHit:
    """A verification sentence found in a block: verdict, verifier, sentence, offset within the block, and
    whether the sentence names material itself (``about`` is one of ``ABOUT``)."""

    verdict: str
    verifier: str | None
    sentence: str
    start: int
    about: str = "material"


def _clean_verifier(value: str | None) -> str | None:
    if not value:
        return None
    value = value.replace("’", "'").strip(" .,;:")
    words = value.split()
    while (
        words
        and words[0].lower() in _NOT_A_VERIFIER
        and not (words[0] == "The" and len(words) > 1 and words[1][:1].isupper())
    ):
        words.pop(0)
    while len(words) > 1 and words[-1] in {"of", "for"}:
        words.pop()
    value = " ".join(words)
    if value.endswith("'s"):
        value = value[:-2]
    if not value or value.lower() in _NOT_A_VERIFIER or len(value) > 60:
        return None
    # "The BBC" and "BBC" are one verifier; the press agency is known by its full name.
    bare = value[4:] if value.startswith("The ") and value[4:] in {"BBC", "AP", "CNN", "AFP"} else value
    return _ALIASES.get(bare, bare)


def _about(sentence: str) -> str | None:
    if _STRONG_RE.search(sentence):
        return "material"
    if _WEAK_RE.search(sentence):
        return "context"
    return None


def classify_sentence(sentence: str) -> tuple[str, str | None] | None:
    """``(verdict, verifier)`` when ``sentence`` states the verification status of material or of a claim,
    else None (``scan_notes`` also reports whether the sentence names the material itself)."""
    found = _classify(sentence)
    return (found[0], found[1]) if found else None


def _classify(sentence: str) -> tuple[str, str | None, str] | None:
    if not _has_cue(sentence):
        return None
    about = _about(sentence)
    if about is None:
        return None
    for verdict, pattern in _RULES:
        for match in pattern.finditer(sentence):
            if verdict == "disputed" and _DISPUTED_NEGATED.search(
                sentence, max(0, match.start() - 40), match.start()
            ):
                continue
            verifier = _clean_verifier(match.groupdict().get("verifier"))
            if verifier is None and verdict != "unverified":
                subject = _SUBJECT.match(sentence)
                verifier = _clean_verifier(subject.group("verifier")) if subject else None
            return verdict, verifier, about
    return None


def scan_notes(blocks: Sequence[TextBlock]) -> Iterator[tuple[NoteHit, int]]:
    """Verification sentences in the article's blocks, with the index of the block each sits in."""
    for index, block in enumerate(blocks):
        if block.zone in CHROME or not block.text or not _has_cue(block.text):
            continue
        for sentence in cached_sentences(block.text):
            result = _classify(sentence.text)
            if result is not None:
                verdict, verifier, about = result
                yield NoteHit(verdict, verifier, sentence.text, sentence.start, about), index
