"""One post's check, the same wherever it runs: follow its short link first if it has one, send the checker's
request through a gated ``Http``, retry transient failures by ``tracker.retrying``'s rule.

The local refresh and the queue's workers both call ``check_post``; they differ only in the ``Http`` they pass
(whose gate is in-process or shared through Redis) and in where the ``Outcome`` is applied. The host a check
talks to (``request_host``) decides which per-host worker group and politeness gate it belongs to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from embedtrail.scrapers.records import ERROR
from embedtrail.tracker.config import Limits
from embedtrail.tracker.endpoints import Endpoints, default_endpoints
from embedtrail.tracker.retrying import retry_wait

from . import resolution, run_check
from .base import Answer, Checked, Checker, Http, Request, Response, ShortLinks, Target

__all__ = ["Outcome", "Sleep", "check_post", "checkable", "request_host", "url_host"]

# Wait this many seconds; returns False when the run was asked to stop meanwhile (then nothing more is tried).
Sleep = Callable[[float], Awaitable[bool]]


def url_host(url: str) -> str:
    """The ``host[:port]`` a URL names, lower-cased: the key of per-host limits and gates."""
    return urlsplit(url).netloc.lower()


def _short_link(module: Checker, target: Target) -> ShortLinks | None:
    """``module`` when ``target`` is a short link it must follow first, else None."""
    if isinstance(module, ShortLinks) and module.needs_resolution(target):
        return module
    return None


def request_host(module: Checker, target: Target, endpoints: Endpoints) -> str:
    """The host ``module``'s first request for ``target`` goes to ("" when it can build none)."""
    links = _short_link(module, target)
    request = links.build_resolve(target, endpoints) if links else module.build(target, endpoints)
    return url_host(request.url) if request is not None else ""


def checkable(module: Checker, target: Target) -> bool:
    """Whether ``module`` can check ``target`` at all (a text-only post without a link cannot)."""
    if _short_link(module, target) is not None:
        return True
    return module.build(target, default_endpoints()) is not None


@dataclass(frozen=True, slots=True)
class Outcome:
    """A finished check, before it is applied: the post asked about, the checker, the check (None when no
    request could be built, or when its host was unreachable: ``unreachable`` says why), and the status row
    its short link resolved to (merged before the check)."""

    target: Target
    checker: str
    checked: Checked | None
    merge: Mapping[str, Any] | None = None
    merge_reason: str | None = None
    unreachable: str | None = None

    @property
    def answerless(self) -> bool:
        """An ``error`` check with no HTTP answer behind it (no connection, a timeout)."""
        return (
            self.checked is not None
            and self.checked.result.status == ERROR
            and (self.checked.result.http_status is None)
        )


async def _with_retries(
    module: Checker, target: Target, http: Http, endpoints: Endpoints, limits: Limits, sleep: Sleep
) -> Checked | None:
    attempt = 0
    while True:
        checked = await run_check(module, target, http, endpoints)
        if checked is None:
            return None
        wait = retry_wait(checked.result, attempt, limits)
        if wait is None or not await sleep(wait):
            return checked
        attempt += 1


class _Recording:
    """The ``Http`` a check runs through, remembering every answer, so that the one its evidence was taken
    from can be kept (the evidence store) with its headers."""

    def __init__(self, http: Http) -> None:
        self.http = http
        self.responses: list[Response] = []

    async def send(self, request: Request) -> Response:
        response = await self.http.send(request)
        if response.status is not None:
            self.responses.append(response)
        return response

    def answer(self, checked: Checked | None) -> Checked | None:
        """``checked`` with the answer whose body its ``body_sha256`` names (the latest such)."""
        digest = None if checked is None else checked.result.body_sha256
        if checked is None or digest is None:
            return checked
        for response in reversed(self.responses):
            if hashlib.sha256(response.body).hexdigest() == digest:
                headers = tuple((str(k).lower(), str(v)) for k, v in response.headers.items())
                return replace(checked, answer=Answer(response.url, response.status, headers, response.body))
        return checked


async def check_post(
    module: Checker, target: Target, http: Http, endpoints: Endpoints, limits: Limits, sleep: Sleep
) -> Outcome:
    """Check ``target`` with ``module`` (resolving its short link first when it is a text-only post). The
    outcome's check carries the answer its evidence came from."""
    recording = _Recording(http)
    merge: Mapping[str, Any] | None = None
    reason: str | None = None
    checked_target = target
    links = _short_link(module, target)
    if links is not None:
        request = links.build_resolve(target, endpoints)
        if request is None:
            return Outcome(target, module.NAME, None)
        response: Response = await recording.send(request)
        row = resolution(links, response)
        if isinstance(row, Checked):
            return Outcome(target, module.NAME, recording.answer(row))
        merge, reason = row, f"short link {response.url} resolved"
        checked_target = Target(row["id"], row["platform"], row["native_id"], row["url"], "post")
    checked = await _with_retries(module, checked_target, recording, endpoints, limits, sleep)
    return Outcome(target, module.NAME, recording.answer(checked), merge, reason)
