"""``embedtrail doctor``: run every checker once on a post known to exist, and say which ones still work.

Platforms change their answers without notice; a checker that no longer recognises them would report every
post as ``error`` (or worse). Each checker's ``[canaries]`` post should come back ``available``; the Wayback
lookup should answer at all. A checker whose host could not be reached is ``unreachable``, not broken, and
when no host answered at all the verdict is that the network is unreachable (``tracker.network``), not that
every platform changed at once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from .checkers import Checker, Target, run_check, wayback
from .checkers.flow import url_host
from .checkers.http import FetcherHttp, GatedHttp, LocalGate
from .config import Config
from .fetch import Fetcher, FetchSettings
from .network import HostUnreachable, NetworkWatch

__all__ = ["CanaryResult", "Diagnosis", "canary_target", "doctor"]


@dataclass(frozen=True, slots=True)
class CanaryResult:
    """One checker's canary run: ``ok`` when it answered as expected (``available``; wayback: any answer);
    ``unreachable`` when its host could not be connected to at all (so nothing says the platform changed)."""

    checker: str
    url: str
    ok: bool
    status: str
    detail: str
    elapsed_ms: int = 0
    unreachable: bool = False

    @property
    def state(self) -> str:
        """``ok``, ``UNREACHABLE`` or ``BROKEN``, as the command prints it."""
        return "ok" if self.ok else "UNREACHABLE" if self.unreachable else "BROKEN"


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Every canary's result, and why the network counts as unreachable when no host answered at all."""

    results: list[CanaryResult]
    unreachable: str | None = None


def canary_target(checker: str, url: str) -> Target:
    """The post a canary URL names, with the native id its platform module derives when there is one."""
    from embedtrail.scrapers import registry

    native: str | None = None
    try:
        ref = registry.by_name(checker).post_ref(url)
    except KeyError:
        ref = None
    if ref is not None and ref.kind != "account":
        native = ref.native_id
    return Target(f"{checker}:{native or url}", checker, native, url)


async def doctor(config: Config, *, transport: Any = None) -> Diagnosis:
    """Run every checker (and the Wayback lookup) on its ``[canaries]`` post; skips empty canaries."""
    from .checkers import CHECKERS

    results: list[CanaryResult] = []
    # One failure per host is enough to call it unreachable here: each host is asked only once or twice.
    watch = NetworkWatch(host_failures=1)
    async with Fetcher(FetchSettings.for_checks(config), transport=transport) as fetcher:
        http = GatedHttp(FetcherHttp(fetcher), LocalGate(), config.limits, watch)

        def unreachable(url: str) -> bool:
            return url_host(url) in watch.streak

        async def one(module: Checker) -> CanaryResult | None:
            url = getattr(config.canaries, module.NAME, "")
            if not url:
                return None
            try:
                checked = await run_check(module, canary_target(module.NAME, url), http, config.endpoints)
            except HostUnreachable as error:
                return CanaryResult(module.NAME, url, False, "error", str(error), unreachable=True)
            if checked is None:
                return CanaryResult(module.NAME, url, False, "error", "checker cannot build a request for it")
            verdict = checked.result
            return CanaryResult(
                module.NAME,
                url,
                verdict.status == "available",
                verdict.status,
                verdict.detail,
                checked.elapsed_ms,
                unreachable=verdict.status != "available" and unreachable(checked.url),
            )

        async def archive() -> CanaryResult | None:
            url = config.canaries.wayback
            if not url:
                return None
            request = wayback.build_lookup(url, config.endpoints)
            try:
                response = await http.send(request)
            except HostUnreachable as error:
                return CanaryResult("wayback", url, False, "error", str(error), unreachable=True)
            lookup = wayback.classify_lookup(response)
            detail = lookup.error or (
                f"snapshot {lookup.archive_url}" if lookup.archive_url else "no snapshot"
            )
            return CanaryResult(
                "wayback",
                url,
                lookup.error is None,
                "error" if lookup.error else "available",
                detail,
                response.elapsed_ms,
                unreachable=lookup.error is not None and unreachable(request.url),
            )

        answers = await asyncio.gather(*(one(module) for module in CHECKERS), archive())
        results = [answer for answer in answers if answer is not None]
    return Diagnosis(results, watch.unreachable)
