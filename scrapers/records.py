"""The records every stage passes along: scrapers return them, ``db`` stores them, nobody invents dicts.

Records are frozen dataclasses. Ids are computed here and in the platform modules (see ``post_id`` and
``article_id``), never re-derived in SQL or in ``db``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

__all__ = [
    "ERROR",
    "GONE_STATUSES",
    "POSTED_AT_SOURCES",
    "STATUSES",
    "UNCHECKABLE_PLATFORMS",
    "UNCHECKED",
    "Account",
    "ArticleMeta",
    "Caps",
    "Capture",
    "Check",
    "CheckResult",
    "Embed",
    "Extraction",
    "Found",
    "Mention",
    "Post",
    "PostRef",
    "VerificationNote",
    "account_id",
    "article_id",
    "better_posted_at",
    "embed_id",
    "mention_id",
    "note_id",
    "post_id",
    "short_hash",
]

# Where a post's time came from, best first: an API answer beats the id's own clock, which beats what an
# embed footer or a line of prose says (those carry only a day, in the page's time zone).
POSTED_AT_SOURCES = ("api", "snowflake", "embed_footer", "text")


def short_hash(*parts: str, length: int = 16) -> str:
    """Return the first ``length`` hex digits of the sha256 of ``parts`` joined by NUL."""
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:length]


def post_id(platform: str, native_id: str) -> str:
    """The public post id, ``platform:native_id`` (``twitter:1653711338587779072``)."""
    return f"{platform}:{native_id}"


def article_id(url: str) -> str:
    """Stable article id: 16 hex digits of the sha256 of the article's (canonicalised) URL."""
    return short_hash(url)


def account_id(platform: str, handle: str) -> str:
    """Account id ``platform:handle``; handles are compared without case and without a leading ``@``."""
    return f"{platform}:{handle.lstrip('@').lower()}"


def embed_id(article: str, post: str) -> str:
    """One embeds row per post per article: ``<article_id>:<post_id>``."""
    return f"{article}:{post}"


def mention_id(article: str, sentence: str, source_name: str | None, kind: str) -> str:
    """Mentions are identified by what they say, so re-ingesting the same text finds the same row."""
    return f"{article}:m{short_hash(sentence, source_name or '', kind, length=12)}"


def note_id(article: str, sentence: str, verifier: str | None) -> str:
    """Verification notes are identified by their sentence and verifier within an article."""
    return f"{article}:n{short_hash(sentence, verifier or '', length=12)}"


def better_posted_at(
    current: tuple[str | None, str | None], candidate: tuple[str | None, str | None]
) -> tuple[str | None, str | None]:
    """Pick the more trustworthy ``(posted_at, posted_at_source)`` of two, by ``POSTED_AT_SOURCES`` rank."""
    if candidate[0] is None:
        return current
    if current[0] is None:
        return candidate

    def rank(source: str | None) -> int:
        return POSTED_AT_SOURCES.index(source) if source in POSTED_AT_SOURCES else len(POSTED_AT_SOURCES)

    return candidate if rank(candidate[1]) < rank(current[1]) else current


@dataclass(frozen=True, slots=True)
class PostRef:
    """What a URL names on a platform: a post (``kind`` post/video/...) or an account (``kind`` account)."""

    platform: str
    native_id: str
    kind: str
    url: str
    handle: str | None = None

    @property
    def id(self) -> str:
        return post_id(self.platform, self.native_id)


@dataclass(frozen=True, slots=True)
class Post:
    """One distinct post or video, as far as one article shows it."""

    id: str
    platform: str
    kind: str
    url: str | None
    native_id: str | None
    author_handle: str | None = None
    author_name: str | None = None
    text: str | None = None
    posted_at: str | None = None
    posted_at_source: str | None = None
    media: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Account:
    """A platform account cited or authoring a cited post; id is ``platform:handle`` (handle lower-cased)."""

    id: str
    platform: str
    handle: str
    name: str | None = None
    url: str | None = None
    platform_id: str | None = None


@dataclass(frozen=True, slots=True)
class Found:
    """One sighting of a post in a document, as a platform module reports it.

    ``method`` is how the article carries it (``blockquote``, ``iframe``, ``script``, ``amp``, ``link``,
    ``text``, ...); ``position`` orders sightings within the document; ``context`` is the sentence or
    caption around it.
    """

    post: Post
    method: str
    position: int
    context: str | None = None
    # For posts written out inside a paragraph (a flattened tweet): where in that paragraph's text.
    span: tuple[int, int] | None = None
    # Index into ``ParsedDocument.blocks`` of the paragraph the sighting sits in, if any.
    block: int | None = None


# The methods of a post cited in words (a link, or a post written out in prose), as opposed to one shown by
# embed markup (``blockquote``, ``iframe``, ``script``, ``amp``, ...).
TEXT_METHODS = frozenset({"link", "text"})


@dataclass(frozen=True, slots=True)
class Embed:
    """A post's appearance in an article (the strongest form it took there)."""

    post_id: str
    method: str
    position: int
    context: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """A reference to material in prose, with or without a URL: "(Video: Russia's RT news)"."""

    kind: str
    sentence: str
    position: int
    source_name: str | None = None
    source_description: str | None = None
    platform: str | None = None
    post_id: str | None = None


@dataclass(frozen=True, slots=True)
class VerificationNote:
    """A sentence stating whether cited material was verified, and what it is about.

    ``mention_index`` points into ``Extraction.mentions``; ``post_id`` names a post directly.
    """

    verifier: str | None
    verdict: str
    sentence: str
    position: int
    post_id: str | None = None
    mention_index: int | None = None


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What the page says about itself."""

    url: str
    canonical_url: str | None = None
    site_name: str | None = None
    title: str | None = None
    author: str | None = None
    published_at: str | None = None
    published_at_source: str | None = None
    language: str | None = None
    publisher_handles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Capture:
    """One fetched or read copy of a document."""

    url: str
    final_url: str
    fetched_at: str
    http_status: int | None
    content_type: str | None
    bytes: int
    sha256: str
    origin: str
    # Set for captures read from a web archive (origin ``warc``) or an archived copy (``wayback``).
    archive_file: str | None = None
    archive_record_id: str | None = None
    headers: tuple[tuple[str, str], ...] | None = None
    payload_digest: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything one document yields; ``db.store.save_extraction`` writes it in one transaction."""

    article: ArticleMeta
    posts: tuple[Post, ...] = ()
    embeds: tuple[Embed, ...] = ()
    mentions: tuple[Mention, ...] = ()
    notes: tuple[VerificationNote, ...] = ()
    accounts: tuple[Account, ...] = ()
    # What could not be kept, said in a line each (rows over the per-article caps): the run reports them.
    warnings: tuple[str, ...] = field(default=())
    # What a volunteer should look at though nothing was lost (embed markup found, no post logged): the run
    # reports them beside its failures, without failing.
    notices: tuple[str, ...] = field(default=())
    # Characters of readable text outside page chrome: 0 for a page that is no article at all.
    text_chars: int = 0


@dataclass(frozen=True)
class Caps:
    """The most rows one article may add per table (``[limits] max_*_per_article``): far above any real
    article, so that one hostile document cannot fill the database or hold the write lock for minutes."""

    embeds: int = 5000
    mentions: int = 5000
    notes: int = 2000
    accounts: int = 5000


# --- availability checks ------------------------------------------------------------------------------
# The status vocabulary and the check records: produced by the checkers' pure classify, applied by
# db.checks. The meaning of each status is documented in db.checks and the README.

STATUSES = ("available", "deleted", "protected", "suspended", "restricted", "not_found", "error")
GONE_STATUSES = frozenset({"deleted", "protected", "suspended", "restricted", "not_found"})
ERROR = "error"
UNCHECKED = "unchecked"
# Platforms with no anonymous availability check (docs/platforms.md §4.3, §6.3, §11.3: a GET sees a login
# wall): refresh never checks their posts, and pages call them "not checkable" rather than "none gone".
UNCHECKABLE_PLATFORMS = frozenset({"instagram", "facebook", "threads"})


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one checker concluded from one platform answer (``classify``'s return value; no I/O, no clock).

    ``excerpt`` and ``body_sha256`` are the evidence; ``author_*``, ``account_platform_id``, ``posted_at``,
    ``text`` and ``media`` are facts the answer revealed; ``resolved_url`` is where a short link led;
    ``retry_after`` is the server's wait hint (seconds) for transient errors.
    """

    status: str
    detail: str
    http_status: int | None = None
    excerpt: str | None = None
    body_sha256: str | None = None
    author_handle: str | None = None
    author_name: str | None = None
    account_platform_id: str | None = None
    posted_at: str | None = None
    text: str | None = None
    media: tuple[str, ...] = ()
    resolved_url: str | None = None
    retry_after: float | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


@dataclass(frozen=True, slots=True)
class Check:
    """One applied unit: a post's result, when, by which checker; ``key`` makes re-applying a no-op."""

    key: str
    post_id: str
    checker: str
    checked_at: str
    result: CheckResult
    url: str | None = None
    elapsed_ms: int | None = None
    run_id: int | None = None
    # The response headers of the answer the evidence came from (lower-case names), when kept.
    headers: tuple[tuple[str, str], ...] | None = None
