"""What every checker shares: the request and response records, the target, and pure evidence helpers.

A checker module builds ``Request`` objects from config endpoints and turns each ``Response`` into a
``CheckResult`` with a pure ``classify``; the I/O (``Http.send``) belongs to ``tracker.refresh``. Transport
failures arrive as a ``Response`` with ``status=None`` and an ``error``, so classify sees every outcome.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape
from typing import Any, Protocol, runtime_checkable

from embedtrail.scrapers.records import ERROR, CheckResult
from embedtrail.tracker.endpoints import Endpoint, Endpoints
from embedtrail.tracker.retrying import parse_retry_after as _retry_after

__all__ = [
    "EXCERPT_CHARS",
    "Answer",
    "Checked",
    "Checker",
    "Http",
    "Request",
    "Response",
    "ShortLinks",
    "Target",
    "evidence",
    "json_body",
    "parse_retry_after",
    "result",
    "send_and_classify",
    "strip_tags",
    "transient",
]

EXCERPT_CHARS = 300


@dataclass(frozen=True, slots=True)
class Target:
    """The post to check: its id, platform, native id (may be None for text-only posts) and URL."""

    id: str
    platform: str
    native_id: str | None
    url: str | None
    kind: str = "post"

    @property
    def native(self) -> str:
        """The part of the id after ``platform:``."""
        return self.id.split(":", 1)[1] if ":" in self.id else self.id


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request a checker wants made."""

    url: str
    method: str = "GET"
    params: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    data: tuple[tuple[str, str], ...] = ()
    follow_redirects: bool = True


@dataclass(frozen=True, slots=True)
class Response:
    """What came back; ``status`` None means no HTTP answer (``error`` says why: timeout, refused...; and
    ``failure`` is the fetch layer's error kind, such as ``dns`` or ``connection``)."""

    url: str
    status: int | None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    elapsed_ms: int = 0
    failure: str | None = None

    def header(self, name: str) -> str | None:
        """A header value, case-insensitively."""
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Checker(Protocol):
    """The interface of a module in ``tracker.checkers`` (mypy checks every module in ``CHECKERS``
    against it). A module may add ``check(target, http, endpoints)`` when one request is not enough, and
    ``needs_resolution``/``build_resolve``/``resolve_location``/``status_post`` when some of its posts are
    short links to follow first; those are looked up with ``getattr``."""

    @property
    def NAME(self) -> str: ...

    @property
    def PLATFORMS(self) -> tuple[str, ...]: ...

    @property
    def ENDPOINTS(self) -> Mapping[str, Endpoint]: ...

    @property
    def CANARY(self) -> str: ...

    def build(self, target: Target, endpoints: Endpoints) -> Request | None: ...

    def classify(self, response: Response) -> CheckResult: ...


@runtime_checkable
class ShortLinks(Protocol):
    """What a checker adds when some of its posts are only short links (``t.co/…``) to follow first."""

    def needs_resolution(self, target: Target) -> bool: ...

    def build_resolve(self, target: Target, endpoints: Endpoints) -> Request | None: ...

    def resolve_location(self, response: Response) -> str | None: ...

    def status_post(self, location: str | None) -> Mapping[str, Any] | None: ...


class Http(Protocol):
    """The I/O side: send one request, never raise (failures come back as ``Response.error``)."""

    async def send(self, request: Request) -> Response: ...


def evidence(response: Response) -> tuple[str | None, str | None]:
    """``(excerpt, sha256)`` of the body: the first characters as text, and the digest of all of it."""
    if response.status is None:
        return (response.error[:EXCERPT_CHARS] if response.error else None), None
    excerpt = re.sub(r"\s+", " ", response.text[: EXCERPT_CHARS * 2]).strip()[:EXCERPT_CHARS]
    return excerpt or None, hashlib.sha256(response.body).hexdigest()


def result(response: Response, status: str, detail: str, **facts: Any) -> CheckResult:
    """A CheckResult carrying ``response``'s status code and evidence."""
    excerpt, digest = evidence(response)
    return CheckResult(
        status=status,
        detail=detail,
        http_status=response.status,
        excerpt=excerpt,
        body_sha256=digest,
        **facts,
    )


def json_body(response: Response) -> Any:
    """The body parsed as JSON, or None when it is not JSON."""
    try:
        return json.loads(response.body)
    except (ValueError, UnicodeDecodeError):
        return None


def parse_retry_after(value: str | None, now_epoch: float | None = None) -> float | None:
    """Seconds to wait for a ``Retry-After`` value: delta-seconds, or an HTTP-date relative to ``now_epoch``
    (without ``now_epoch`` a date gives None). The parsing is ``tracker.retrying.parse_retry_after``'s."""
    if not value or (now_epoch is None and not value.strip().isdigit()):
        return None
    return _retry_after(value, datetime.fromtimestamp(now_epoch or 0.0, UTC))


def transient(response: Response) -> CheckResult | None:
    """The ``error`` result for answers no platform can be judged by (no answer, 429, 5xx), else None."""
    if response.status is None:
        return result(response, ERROR, f"no response: {response.error or 'unknown failure'}")
    if response.status == 429:
        retry = parse_retry_after(response.header("retry-after"))
        return result(response, ERROR, "rate limited (429)", retry_after=retry)
    if response.status >= 500:
        return result(response, ERROR, f"server error ({response.status})")
    return None


def strip_tags(html: str) -> str:
    """Plain text of a small HTML fragment (oEmbed html, status content)."""
    text = re.sub(r"<br\s*/?>|</p>", "\n", html, flags=re.I)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"[ \t]+", " ", unescape(text)).strip()


@dataclass(frozen=True, slots=True)
class Answer:
    """The platform answer a check's evidence (``CheckResult.body_sha256``) was taken from: what the evidence
    store keeps, with the URL and headers a WARC record of it needs."""

    url: str
    status: int | None
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True, slots=True)
class Checked:
    """A finished check before it is applied: the result, the URL asked, the time the answer took, and the
    answer its evidence came from (None when there was no answer)."""

    result: CheckResult
    url: str
    elapsed_ms: int
    answer: Answer | None = None


async def send_and_classify(http: Http, request: Request, classify: Any) -> tuple[Response, CheckResult]:
    """Send ``request`` and classify the answer (the one I/O step most checkers need)."""
    response = await http.send(request)
    return response, classify(response)
