"""Finds references to social-media material written in prose, with or without a URL: credits such as
"(Video: Russia's RT news)" and sentences such as "Baza, a Telegram channel with links to Russia's law
enforcement agencies, posted a video showing ...".

Each becomes a ``Mention`` with the kind of material, the credited source, its description, the platform
when the prose names one (platform names come from the platform modules' ``PROSE_NAMES``, never from this
module) and the sentence. A mention needs a credited source or a named venue (a platform, or "social
media"); "the video shows ..." alone is not one, and neither is a photo credit to a news or picture agency.
Also home of the sentence splitter the verification-note scraper shares.

Every pattern here could run on every paragraph of every page, so each is anchored on a literal word and its
repetitions are bounded: the work per paragraph stays linear in its length. Most paragraphs name no material
and no platform, and a plain substring test on the lower-cased text (``fold_for_search``) rules them out
before any pattern runs; the patterns that open on a material word start where the first one can begin.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from types import ModuleType

from .document import CHROME, TextBlock
from .records import Mention

__all__ = [
    "KINDS",
    "Sentence",
    "cached_sentences",
    "fold_for_search",
    "platform_named",
    "scan_mentions",
    "sentences",
]

# Material words and the mention kind they stand for.
KINDS = {
    "video": "video",
    "videos": "video",
    "footage": "video",
    "clip": "video",
    "clips": "video",
    "livestream": "video",
    "livestreams": "video",
    "recording": "video",
    "recordings": "video",
    "reel": "video",
    "reels": "video",
    "vlog": "video",
    "photo": "photo",
    "photos": "photo",
    "image": "photo",
    "images": "photo",
    "picture": "photo",
    "pictures": "photo",
    "photograph": "photo",
    "photographs": "photo",
    "screenshot": "photo",
    "screenshots": "photo",
    "screengrab": "photo",
    "screengrabs": "photo",
    "post": "post",
    "posts": "post",
    "tweet": "post",
    "tweets": "post",
    "message": "post",
    "messages": "post",
    "statement": "post",
    "audio": "audio",
    "voice": "audio",
}
# "voice" is a kind only as the adjective of "voice message"/"voice note"; on its own it is not material.
_KIND_WORDS = "|".join(sorted((k for k in KINDS if k != "voice"), key=len, reverse=True))


def _trie(words: list[str]) -> str:
    """``words`` as one alternation factored by common prefixes ("v(?:ideo(?:s|)|log)"), trying them in the
    same order as ``"|".join(words)`` does. Python's ``re`` tries the branches of a plain alternation one by
    one at every position; factored, a position whose letter starts no word fails at once, which makes the
    patterns that look for a material word anywhere in a sentence several times faster. Branches with
    different first letters never match at the same place, so the matches and groups are the same."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[:1], []).append(word[1:])
    branches = []
    for first, rests in groups.items():
        if not first:
            branches.append("")
        elif len(rests) == 1:
            branches.append(re.escape(first + rests[0]))
        else:
            shared = rests[0]
            while not all(rest.startswith(shared) for rest in rests):
                shared = shared[:-1]
            tails = _trie([rest[len(shared) :] for rest in rests])
            branches.append(f"{re.escape(first + shared)}(?:{tails})")
    return "|".join(branches)


# Compounds where the material word is not material ("video game", "post office", "photo op").
_NOT_MATERIAL = (
    r"(?![-\w])(?!\s{1,3}(?:games?|calls?|conferenc\w*|chats?|links?|cameras?|op|ops|opportunit\w*|shoots?|"
    r"sessions?|editors?|editing|platforms?|services?|apps?|office|offices|code|cards?|boxes|production|"
    r"producers?|journalists?|evidence|surveillance|doorbell)\b)"
)
_KIND_TRIE = _trie(_KIND_WORDS.split("|"))
_KIND = rf"(?i:(?P<kind>{_KIND_TRIE})){_NOT_MATERIAL}"
# The shortest material words no other one starts with ("video" for "videos", "photo" for "photograph"): every
# match of ``_KIND`` begins with one of them, so a text holding none of them holds no material word.
_MATERIAL_WORDS = frozenset(KINDS) - {"voice"}
_KIND_STEMS = tuple(
    sorted(k for k in _MATERIAL_WORDS if not any(o != k and k.startswith(o) for o in _MATERIAL_WORDS))
)
# Each stem with the endings that complete it into a material word ("post": "", "s").
_KIND_ENDINGS = tuple(
    (stem, tuple(sorted(k[len(stem) :] for k in _MATERIAL_WORDS if k.startswith(stem))))
    for stem in _KIND_STEMS
)
# Characters that Python's case-insensitive matching equates with an ASCII letter although ``str.lower`` does
# not map them to it (dotted and dotless I, long s, the Kelvin sign); U+0130 also lengthens under ``lower``.
# A text holding one is searched with the patterns alone.
_CASEFOLD_ODD = ("\u0130", "\u0131", "\u017f", "\u212a")
# Up to two words before the material word ("a short video", "a new audio recording").
_KIND_SLOT = rf"(?:[\w’'-]{{1,25}}\s{{1,3}})??(?:(?P<adj>[\w’'-]{{1,25}})\s{{1,3}})??{_KIND}"
# How far before its material word a match of a pattern that opens with ``_KIND_SLOT`` can start: two words of
# at most 25 characters, each followed by at most three spaces.
_KIND_SLOT_REACH = 2 * (25 + 3)
# Pattern labels whose patterns open with ``_KIND_SLOT``. Such a pattern matches only where its rest matches
# right after a material word, and that does not depend on the words before it; so the same pattern opening
# with ``_KIND`` alone (its "tail") finds where it can match, far faster, and where it finds nothing the full
# pattern needs not run at all.
_OPEN_ON_KIND = frozenset({"material_venue", "material_by"})
_VERBS = (
    r"posted|posting|published|publishing|shared|sharing|released|releasing|uploaded|uploading|circulated|"
    r"circulating|aired|broadcast|put\s+out|distributed|tweeted|tweeting|streamed|livestreamed|obtained|"
    r"filmed|recorded"
)
# Verbs that, without a named venue, still credit a source with material ("Kadyrov posted a video").
_CREDITING_VERBS = frozenset(
    {
        "posted",
        "posting",
        "published",
        "shared",
        "sharing",
        "released",
        "uploaded",
        "circulated",
        "tweeted",
        "obtained",
        "filmed",
        "recorded",
        "streamed",
        "livestreamed",
    }
)
_DETERMINER = r"(?:(?:its|his|her|their|the|an?|own)\s{1,3}){0,2}"
# Where a parenthesised credit or a caption credit starts: "(Video: X)", "(Photo courtesy of X)".
_CREDIT_LEAD = r"\s{0,3}(?:(?i:credit|courtesy)\s{0,3})?(?:[:/]|(?i:\bvia\b|\bby\b|\bfrom\b|\bof\b))\s{0,3}"
_CREDIT = re.compile(rf"\(\s{{0,3}}{_KIND}{_CREDIT_LEAD}(?P<source>[^()]{{2,100}}?)\s{{0,3}}\)")
_CAPTION_CREDIT = re.compile(rf"(?:^|[.;|]\s{{0,3}}){_KIND}{_CREDIT_LEAD}(?P<source>[^.;|()]{{2,100}})")
# The fallback text of an embed ("View this post on Instagram") is the embed's chrome, not a citation.
_EMBED_CHROME = re.compile(
    r"(?:View|Watch|See)\s+(?:this|the)\s+(?:post|video|photo|profile|reel)\s+on\s", re.I
)
_CAPTION_LINE = re.compile(rf"{_KIND}\s{{0,3}}(?:(?i:credit)\s{{0,3}})?:")
_COURTESY = re.compile(rf"\b{_KIND}\s{{1,3}}(?i:courtesy\s{{1,3}}of|credit:?)\s{{1,3}}")
_SENTENCE_END = re.compile(r"(?<=[.!?…])(?P<close>[\"”’)]{0,3})\s+(?=[\"“‘(]?[A-Z0-9À-ÝА-ЯЁ])")
_LAST_WORD = re.compile(r"(\S{1,20})$")
# Words after which a full stop does not end a sentence ("Nov. 15", "Mr. Putin", "U.S. officials").
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "gov",
        "sen",
        "rep",
        "st",
        "mt",
        "no",
        "vs",
        "etc",
        "approx",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    }
)
# Picture and news agencies whose credit on a photo or a newsroom video is not cited social material.
_AGENCIES = re.compile(
    r"\b(?:getty|afp|ap|associated\s+press|reuters|epa|efe|shutterstock|alamy|istock|bettmann|dpa|ansa|xinhua|"
    r"sipa|anadolu|bloomberg|zuma|imago|picture[\s-]alliance|abaca|nurphoto|sopa|pa\s+(?:images|media|wire)|"
    r"tass|ria\s+novosti|apa|belga|kyodo|yonhap|eyevine|magnum|corbis|unsplash|pexels|wikimedia|"
    r"wikipedia|flickr|handout|file|staff|pool)\b",
    re.I,
)
_SCREENSHOT = re.compile(r"screen\s?(?:shot|grab|capture)", re.I)
_SOCIAL = re.compile(r"\bsocial\s{1,3}(?:media|networks?)\b", re.I)
# Words that end a name read backwards from its verb ("... said Ukraine's defence ministry posted ...").
_NAME_STOPS = frozenset(
    {
        "it",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "this",
        "that",
        "these",
        "those",
        "who",
        "which",
        "what",
        "said",
        "says",
        "say",
        "and",
        "but",
        "or",
        "as",
        "when",
        "after",
        "before",
        "while",
        "where",
        "because",
        "since",
        "then",
        "also",
        "reportedly",
        "later",
        "earlier",
        "had",
        "has",
        "have",
        "was",
        "were",
        "is",
        "are",
        "been",
        "be",
        "on",
        "in",
        "at",
        "by",
        "for",
        "to",
        "from",
        "with",
        "a",
        "an",
        "the",
        "according",
        "meanwhile",
        "however",
        "yesterday",
        "today",
        "tonight",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "its",
        "his",
        "her",
        "their",
        "our",
        "my",
        "there",
        "here",
        "one",
        "someone",
        "somebody",
        "people",
        "users",
        "user",
        "residents",
        "witnesses",
        "eyewitnesses",
        "officials",
        "many",
        "some",
        "several",
        "other",
        "others",
        "once",
        "first",
        "last",
        "so",
        "if",
        "not",
        "now",
        "just",
        "video",
        "footage",
        "photo",
        "image",
        "post",
        "clip",
        "began",
        "begin",
        "begins",
        "started",
        "start",
        "starts",
        "continued",
        "tried",
        "went",
        "kept",
        "soon",
        "again",
        "never",
        "even",
        "still",
        "already",
    }
)
_NAME_AFTER = re.compile(
    r"(?:(?i:the)\s{1,3})?(?P<name>[\w@’'.&-]{1,40}(?:\s{1,3}[\w@’'.&-]{1,40}){0,5}?)"
    r"(?=\s{1,3}(?:on|to|via|in|showing|shows|showed|that|which|who|and|as|after|from|at|during|earlier|"
    r"last|this|of\s+(?:a|an|the)\b|was|is|has|had)\b|\s{0,3}[,;:()\"“”]|[.!?…]?\s*$|[.!?…]\s)"
)
_SAID_IN = re.compile(r"\b(?:said|wrote|announced|claimed|stated|warned|added|says|writes)\s{1,3}in\s{1,3}$")
_LEADING_NOISE = re.compile(r"^(?:On|In|Late|Early|Earlier|Later|Meanwhile|But|And|Also|Then|The|A)\s+", re.I)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a text block and where it starts within the block."""

    text: str
    start: int


def sentences(text: str) -> list[Sentence]:
    """Split a paragraph into sentences: end punctuation, space, capital; not after an abbreviation or an
    initial ("Nov. 15", "U.S. officials", "N. K. Jemisin")."""
    found: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        word = _LAST_WORD.search(text, max(0, match.start() - 20), match.start())
        if word is not None:
            last = word.group(1).lstrip('("“‘').rstrip(".").lower()
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha() and word.group(1)[-1] == "."):
                continue
        # Closing quotes and brackets belong to the sentence they close.
        segment = text[start : match.end("close")]
        piece = segment.strip()
        if piece:
            # Offsets from the segment, not from the rest of the text: copying the rest for every sentence
            # made long paragraphs quadratic.
            found.append(Sentence(piece, start + len(segment) - len(segment.lstrip())))
        start = match.end()
    segment = text[start:]
    tail = segment.strip()
    if tail:
        found.append(Sentence(tail, start + len(segment) - len(segment.lstrip())))
    return found


@lru_cache(maxsize=2048)
def cached_sentences(text: str) -> tuple[Sentence, ...]:
    """``sentences(text)`` as a tuple, remembered for the last few thousand paragraphs: the mention and the
    verification-note scanners split the same paragraphs."""
    return tuple(sentences(text))


@dataclass(frozen=True, slots=True)
class _Venues:
    """The platforms' prose names compiled into the patterns that need them (one set per registry)."""

    names: dict[str, str]  # prose name, as written -> platform NAME
    lowered: frozenset[str]  # the names of more than one letter, lower-cased (for credits "Baza/telegram")
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    named: re.Pattern[str] | None
    tails: tuple[re.Pattern[str] | None, ...]  # per pattern in ``_OPEN_ON_KIND``: it opening on ``_KIND``


_VENUES: dict[tuple[tuple[str, tuple[str, ...]], ...], _Venues] = {}


def _venues(platforms: Sequence[ModuleType]) -> _Venues:
    key = tuple((str(m.NAME), tuple(getattr(m, "PROSE_NAMES", ()))) for m in platforms)
    cached = _VENUES.get(key)
    if cached is not None:
        return cached
    names: dict[str, str] = {}
    for name, prose in key:
        for word in prose:
            names.setdefault(word, name)
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    # Names are matched as written ("X", "Threads" and "Rumble" are also ordinary words in other cases).
    venue = rf"(?P<platform>{alternation})(?![\w/])" if alternation else r"(?P<platform>(?!))"
    place = rf"(?:{venue}|(?i:(?P<social>social\s{{1,3}}(?:media|networks?)|the\s+internet)))"
    suffix = (
        r"(?:\s{1,3}(?i:channel|account|page)\s{1,3}(?:(?:called|named)\s{1,3})?(?P<channel>@?[A-Z][\w’'.-]{1,40})"
        r"|\s{1,3}(?i:channel|account|page|feed|profile|handle|story|stories))?"
    )
    tail_by = r"(?:\s{1,3}by\s{1,3}(?P<by2>[^.;,()]{1,80}))?"
    patterns = (
        # Baza, a Telegram channel with links to ..., posted a video showing ...
        (
            "appositive",
            re.compile(
                rf",\s{{1,3}}(?P<desc>(?i:an?|the|one)\s[^,]{{3,160}}?),\s{{1,3}}(?:(?i:which|who)\s{{1,3}})?"
                rf"(?:(?:has|had|also|later|reportedly|then|first)\s{{1,3}}){{0,2}}(?P<verb>{_VERBS})\s{{1,3}}"
                rf"(?:online\s{{1,3}})?{_KIND_SLOT}"
            ),
        ),
        # Kadyrov posted a video on his Telegram channel / Police released footage of the arrest.
        (
            "name_verb",
            re.compile(
                rf"\b(?:(?:has|had|also|later|reportedly|then|first|just)\s{{1,3}}){{0,2}}(?P<verb>{_VERBS})\s{{1,3}}"
                rf"(?:online\s{{1,3}})?{_KIND_SLOT}(?:(?:\s{{1,3}}[^.;]{{0,120}}?)?\s{{1,3}}(?:on|to|via|in)\s{{1,3}}"
                rf"{_DETERMINER}{place}{suffix})?"
            ),
        ),
        # A video posted on Telegram by X / footage shared on social media / a video published by X on
        # YouTube / a post on X / in a video uploaded to TikTok.
        (
            "material_venue",
            re.compile(
                rf"{_KIND_SLOT},?\s{{1,3}}(?:(?:that|which|who)\s{{1,3}})?(?:(?:was|were|is|are|being|been|has|have|"
                rf"had|first|later|widely|also)\s{{1,3}}){{0,3}}(?:(?P<verb>{_VERBS})\s{{1,3}})?"
                rf"(?:online\s{{1,3}})?(?:by\s{{1,3}}(?P<by1>[^.;,()]{{1,80}}?)\s{{1,3}})?"
                rf"(?:on|to|via)\s{{1,3}}{_DETERMINER}{place}{suffix}{tail_by}"
            ),
        ),
        # A video of the strike posted on Telegram / footage from the scene shared on social media.
        (
            "material_venue",
            re.compile(
                rf"{_KIND_SLOT}\s{{1,3}}(?:of|showing|from)\b[^.;]{{0,80}}?\s(?:(?:that|which)\s{{1,3}})?"
                rf"(?:(?:was|were|is|are|being|been|has|have|had|first|later|widely)\s{{1,3}}){{0,3}}"
                rf"(?P<verb>{_VERBS})\s{{1,3}}(?:online\s{{1,3}})?(?:by\s{{1,3}}(?P<by1>[^.;,()]{{1,80}}?)\s{{1,3}})?"
                rf"(?:on|to|via)\s{{1,3}}{_DETERMINER}{place}{suffix}{tail_by}"
            ),
        ),
        # A video posted by X (no venue; only counts with a credited source).
        (
            "material_by",
            re.compile(
                rf"{_KIND_SLOT}\s{{1,3}}(?:(?:that|which)\s{{1,3}})?(?:(?:was|were|is|are|being|been|has|have|"
                rf"had|first|later|widely)\s{{1,3}}){{0,3}}(?P<verb>{_VERBS})\s{{1,3}}(?:online\s{{1,3}})?by\s{{1,3}}"
            ),
        ),
        # ... said in a Telegram post / in an X post / a YouTube video.
        (
            "venue_material",
            re.compile(
                rf"(?:\b(?P<sverb>said|wrote|announced|claimed|stated|warned|added|posted|shared|says|writes)\s{{1,3}}"
                rf"(?:in|on|via)\s{{1,3}})?\b(?i:an?|the|its|his|her|their)\s{{1,3}}{venue}\s{{1,3}}"
                rf"(?:(?i:channel|account)\s{{1,3}})?{_KIND}"
            ),
        ),
        # Kadyrov wrote on Telegram / the ministry said on X.
        (
            "said_on",
            re.compile(
                rf"\b(?P<sverb>wrote|said|says|writes|announced|claimed|stated|warned|posted|tweeted|shared)\s{{1,3}}"
                rf"(?:on|via)\s{{1,3}}{_DETERMINER}{venue}"
            ),
        ),
    )
    # In credits a platform may follow a slash ("Baza/Telegram"), so only word characters bound it here.
    named = re.compile(rf"(?<!\w)(?P<platform>{alternation})(?!\w)") if alternation else None
    tails = tuple(
        re.compile(_KIND + pattern.pattern.removeprefix(_KIND_SLOT)) if label in _OPEN_ON_KIND else None
        for label, pattern in patterns
    )
    if not all(p.pattern.startswith(_KIND_SLOT) for label, p in patterns if label in _OPEN_ON_KIND):
        raise AssertionError("a pattern in _OPEN_ON_KIND must open with _KIND_SLOT")
    built = _Venues(names, frozenset(n.lower() for n in names if len(n) > 1), patterns, named, tails)
    _VENUES[key] = built
    return built


def platform_named(text: str, platforms: Sequence[ModuleType]) -> str | None:
    """The platform whose prose name appears in ``text`` (whole word, as written), if exactly one does.

    A one-letter name ("X") counts only after "on", "via" or "to", or alone in a credit ("Photo: Name/X").
    """
    return _named_in(text, _venues(platforms))


def _named_in(text: str, venues: _Venues) -> str | None:
    if venues.named is None:
        return None
    found: set[str] = set()
    for match in venues.named.finditer(text):
        word = match.group("platform")
        if len(word) == 1:
            before = text[max(0, match.start() - 5) : match.start()].lower()
            after = text[match.end() : match.end() + 1]
            alone = text.strip(" /") == word or before.endswith("/") or after == "/"
            if not (alone or re.search(r"\b(?:on|via|to)\s{1,3}$", before)):
                continue
        found.add(venues.names[word])
    return found.pop() if len(found) == 1 else None


def _normalise_name(value: str | None) -> str | None:
    if not value:
        return None
    value = value.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    value = " ".join(value.split()).strip(' .,;:-—–"')
    value = _LEADING_NOISE.sub("", value) if " " in value else value
    if not value or value.lower() in _NAME_STOPS or len(value) > 80:
        return None
    if not any(c.isupper() or c.isdigit() or c == "@" for c in value):
        return None
    return value


def _name_before(text: str, end: int) -> str | None:
    """The name that ends at ``end``, read backwards: at most six words, stopping at punctuation and at the
    words that cannot be part of a name; it must start with a capital, a digit or an ``@``."""
    words = text[max(0, end - 160) : end].split()
    name: list[str] = []
    for position in range(len(words) - 1, -1, -1):
        word = words[position]
        if word[-1] in ",;:" or word[-1] in "!?…" or word in {"—", "–", "-"}:
            break
        if (
            word.endswith(".")
            and len(word) > 2
            and word[:-1].lower() not in _ABBREVIATIONS
            and not (len(word) <= 4 and word[:-1].replace(".", "").isupper())
        ):
            break
        clean = word.strip('"“”‘’()[]')
        lowered = clean.lower()
        if lowered == "the" and position > 0 and words[position - 1].lower() == "of" and name:
            name.insert(0, clean)
            continue
        # Lower-case words belong to a name ("Ukraine's defence ministry"), but adverbs and past tenses
        # ("quickly", "allegedly", "started") end it.
        if lowered in _NAME_STOPS or not clean or (clean.islower() and clean.endswith(("ly", "ed"))):
            break
        name.insert(0, clean)
        if len(name) >= 6:
            break
    while name and not (name[0][0].isupper() or name[0][0].isdigit() or name[0][0] == "@"):
        name.pop(0)
    while name and name[0].lower() in {"of", "the"}:
        name.pop(0)
    return _normalise_name(" ".join(name)) if name else None


def _name_after(text: str, start: int) -> str | None:
    """The name that starts at ``start`` ("by <Ukraine's defence ministry> on YouTube")."""
    match = _NAME_AFTER.match(text, start)
    if match is None:
        return None
    words = match.group("name").split()
    while words and words[-1].lower() in _NAME_STOPS:
        words.pop()
    if not words or not (words[0][0].isupper() or words[0][0].isdigit() or words[0][0] == "@"):
        return None
    return _normalise_name(" ".join(words))


@dataclass(frozen=True, slots=True)
class _Hit:
    kind: str
    source: str | None
    description: str | None
    platform: str | None
    start: int
    sentence: str
    sentence_start: int


def _kind(match: re.Match[str]) -> str:
    """The kind of material: the adjective's when it is itself a material word ("video message", "audio
    recording"), else the noun's."""
    adjective = (match.groupdict().get("adj") or "").lower()
    return KINDS.get(adjective) or KINDS[match.group("kind").lower()]


def _credit(raw: str, venues: _Venues) -> tuple[str | None, str | None, bool]:
    """Read a credit ("Baza/Telegram", "@user via X", "screenshot from Telegram", "social media") into
    ``(source name, platform, names a venue or a screenshot)``."""
    raw = " ".join(raw.split())
    platform = _named_in(raw, venues)
    source = None
    for part in re.split(r"\s*/\s*|\s+(?i:via|on|from|through)\s+|,\s*", raw):
        part = part.strip()
        if not part or part in venues.names or part.lower() in venues.lowered:
            continue
        if _SCREENSHOT.search(part) or _SOCIAL.search(part):
            continue
        source = _normalise_name(re.sub(r"^(?i:courtesy\s+of|credit:?|by|of)\s+", "", part))
        if source:
            break
    venue = platform is not None or bool(_SCREENSHOT.search(raw)) or bool(_SOCIAL.search(raw))
    return source, platform, venue


def _credit_counts(kind: str, source: str | None, platform: str | None, venue: bool) -> bool:
    """A photo credit counts only when it names a platform, social media or a screenshot; any credit to a
    picture or news agency without one is a picture desk's credit, not cited material."""
    if venue:
        return True
    if kind == "photo" or source is None:
        return False
    return not _AGENCIES.search(source)


def fold_for_search(text: str) -> str | None:
    """``text`` lower-cased for substring tests that stand in for case-insensitive patterns, or None when
    lower-casing is not faithful to them (a character that such a pattern equates with an ASCII letter but
    ``str.lower`` does not, see ``_CASEFOLD_ODD``). Offsets in the result are offsets in ``text``."""
    if not text.isascii() and any(odd in text for odd in _CASEFOLD_ODD):
        return None
    return text.lower()


def _material_starts(text: str) -> list[int] | None:
    """Offsets in ``text`` where a material word starts, in order (a superset of where ``_KIND`` matches), or
    None when lower-casing cannot tell (then any place may hold one)."""
    folded = fold_for_search(text)
    if folded is None:
        return None
    size = len(folded)
    starts: list[int] = []
    for stem, endings in _KIND_ENDINGS:
        at = folded.find(stem)
        while at >= 0:
            end = at + len(stem)
            for ending in endings:
                # The word must end there, as ``_KIND``'s look-ahead demands: no \w and no - after it.
                after = end + len(ending)
                if folded.startswith(ending, end) and (
                    after == size or not (folded[after].isalnum() or folded[after] in "_-")
                ):
                    starts.append(at)
                    break
            at = folded.find(stem, at + 1)  # "tweetweet": occurrences of a stem may overlap
    starts.sort()
    return starts


def _first_material(text: str) -> int | None:
    """Where the first material word in ``text`` can start (0 when unknown), or None when it holds none."""
    starts = _material_starts(text)
    if starts is None:
        return 0
    return starts[0] if starts else None


# Pattern labels whose matches need no material word ("Kadyrov wrote on Telegram"): they need a platform name.
_WORDLESS = frozenset({"said_on"})


def _hits_in(block_text: str, venues: _Venues, caption: bool) -> Iterator[_Hit]:
    # Every credit and every pattern but "said on <platform>" needs a material word; that one needs a
    # platform's name as written. A block with neither (most of them) cannot hold a mention. Material words
    # are found once per block; a sentence's are those inside it (a word at a sentence's end is followed by
    # punctuation or space in the block too, so it ends there as it does in the sentence).
    starts = _material_starts(block_text)
    named = any(name in block_text for name in venues.names)
    if starts == [] and not named:
        return
    for sentence in cached_sentences(block_text):
        text = sentence.text
        first: int | None = 0
        if starts is not None:
            index = bisect_left(starts, sentence.start)
            inside = index < len(starts) and starts[index] < sentence.start + len(text)
            first = starts[index] - sentence.start if inside else None
        if first is None and not (named and any(name in text for name in venues.names)):
            continue
        if _EMBED_CHROME.match(text):
            continue
        if first is not None:
            for at, found in _credits_in(text, venues, caption):
                yield _Hit(*found, sentence.start + at, text, sentence.start)
        for (label, pattern), tail in zip(venues.patterns, venues.tails, strict=True):
            if first is None:
                if label not in _WORDLESS:
                    continue
                matches = pattern.finditer(text)
            elif tail is not None:
                # A match's material word starts where its tail matches, at or after the first material word,
                # and the match starts at most _KIND_SLOT_REACH before it. Searching from ``pos`` finds the
                # same matches: none can start earlier, and look-behinds and ``\b`` still see the text before.
                anchor = tail.search(text, first)
                if anchor is None:
                    continue
                matches = pattern.finditer(text, max(0, anchor.start() - _KIND_SLOT_REACH))
            else:
                matches = pattern.finditer(text)
            for match in matches:
                read = _from_match(label, match, text, venues)
                if read is not None:
                    yield _Hit(*read, sentence.start + match.start(), text, sentence.start)


_Read = tuple[str, str | None, str | None, str | None]  # kind, source, description, platform


def _credits_in(text: str, venues: _Venues, caption: bool) -> Iterator[tuple[int, _Read]]:
    """Credits in one sentence: "(Video: X)", "Footage courtesy of X" and, in captions, "Video: X"."""
    for match in _CREDIT.finditer(text):
        kind = _kind(match)
        source, platform, venue = _credit(match.group("source"), venues)
        if _credit_counts(kind, source, platform, venue):
            yield match.start(), (kind, source, None, platform)
    if caption:
        for match in _CAPTION_CREDIT.finditer(text):
            kind = _kind(match)
            source, platform, venue = _credit(match.group("source"), venues)
            if _credit_counts(kind, source, platform, venue):
                yield match.start("kind"), (kind, source, None, platform)
    for match in _COURTESY.finditer(text):
        kind = _kind(match)
        source = _name_after(text, match.end())
        platform = _named_in(text[match.end() : match.end() + 120], venues)
        if _credit_counts(kind, source, platform, platform is not None):
            yield match.start(), (kind, source, None, platform)


def _from_match(label: str, match: re.Match[str], text: str, venues: _Venues) -> _Read | None:
    """``(kind, source, description, platform)`` for one pattern match, or None when it credits nothing."""
    groups = match.groupdict()
    word = groups.get("platform")
    platform = venues.names.get(word) if word else None
    social = bool(groups.get("social"))
    if label == "appositive":
        description = " ".join(match.group("desc").replace("’", "'").split())
        source = _name_before(text, match.start())
        platform = platform or _named_in(description, venues)
        if source is None and platform is None:
            return None
        return _kind(match), source, description, platform
    if label == "name_verb":
        source = _name_before(text, match.start())
        kind = _kind(match)
        # Without a venue only a named source sharing video or audio is cited material.
        verb = match.group("verb")
        crediting = (
            source is not None
            and kind in {"video", "audio"}
            and verb in _CREDITING_VERBS
            and not _AGENCIES.fullmatch(source)
        )
        if platform is None and not social and not crediting:
            return None
        return kind, source, None, platform
    if label == "material_venue":
        source = None
        for group in ("by1", "channel", "by2"):
            if source is None and groups.get(group):
                source = _name_after(groups[group] + " ", 0)
        if source is None:
            said = _SAID_IN.search(text, max(0, match.start() - 40), match.start())
            if said is not None:
                source = _name_before(text, said.start())
        if groups.get("verb") is None and text[match.start("kind") : match.end()].lower().find(" to ") >= 0:
            return None  # "a message to X" is addressed to someone, not posted anywhere
        return _kind(match), source, None, platform
    if label == "material_by":
        source = _name_after(text, match.end())
        kind = _kind(match)
        if source is None or kind not in {"video", "audio"} or _AGENCIES.fullmatch(source):
            return None
        return kind, source, None, None
    if label == "venue_material":
        source = _name_before(text, match.start()) if groups.get("sverb") else None
        return _kind(match), source, None, platform
    if label == "said_on":
        return "post", _name_before(text, match.start()), None, platform
    return None


def _merge(hits: list[_Hit]) -> list[_Hit]:
    """One mention per material per sentence: hits of one sentence that agree (same kind, or a generic
    ``post`` beside a video or photo, with the same or no source) are one mention with what each adds."""
    merged: list[_Hit] = []
    for hit in hits:
        for index, other in enumerate(merged):
            if other.sentence_start != hit.sentence_start or other.sentence != hit.sentence:
                continue
            same_kind = other.kind == hit.kind or "post" in {other.kind, hit.kind}
            same_source = hit.source is None or other.source is None or hit.source == other.source
            if same_kind and same_source:
                kind = other.kind if other.kind != "post" else hit.kind
                merged[index] = replace(
                    other,
                    kind=kind,
                    source=other.source or hit.source,
                    description=other.description or hit.description,
                    platform=other.platform or hit.platform,
                    start=min(other.start, hit.start),
                )
                break
        else:
            merged.append(hit)
    return merged


def scan_mentions(
    blocks: Sequence[TextBlock],
    platforms: Sequence[ModuleType],
    post_spans: dict[int, list[tuple[int, int, str]]],
) -> list[tuple[Mention, int, int]]:
    """Mentions in the article's text blocks, each with its block index and offset in the block.

    ``post_spans`` maps a block index to ``(start, end, post_id)`` spans of posts written in that block (an
    embedded tweet's text, a flattened tweet); a mention inside one is linked to that post.
    """
    found: list[tuple[Mention, int, int]] = []
    venues = _venues(platforms)
    for index, block in enumerate(blocks):
        if block.zone in CHROME or not block.text:
            continue
        tag = block.node.tag.name if block.node is not None else None
        # Captions, and short lines that start with a credit ("Video: Baza/Telegram" in a text dump).
        caption = tag in {"figcaption", "caption"} or (
            len(block.text) < 200 and _CAPTION_LINE.match(block.text) is not None
        )
        for hit in _merge(list(_hits_in(block.text, venues, caption))):
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
