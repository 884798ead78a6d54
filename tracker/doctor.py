"""``embedtrail doctor``: run every checker once on a post known to exist, and say which ones still work.

Platforms change their answers without notice; a checker that no longer recognises them would report every
post as ``error`` (or worse). Each checker's ``[canaries]`` post should come back ``available``; the Wayback
lookup should answer at all.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from .checkers import Target, run_check, wayback
from .checkers.http import FetcherHttp
from .config import Config
from .fetch import Fetcher, FetchSettings

__all__ = ["CanaryResult", "canary_target", "doctor"]


@dataclass(frozen=True, slots=True)
class CanaryResult:
    """One checker's canary run: ``ok`` when it answered as expected (``available``; wayback: any answer)."""

    checker: str
    url: str
    ok: bool
    status: str
    detail: str
    elapsed_ms: int = 0


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


async def doctor(config: Config, *, transport: Any = None) -> list[CanaryResult]:
    """Run every checker (and the Wayback lookup) on its ``[canaries]`` post; skips empty canaries."""
    from .checkers import CHECKERS

    results: list[CanaryResult] = []
    async with Fetcher(FetchSettings.for_checks(config), transport=transport) as fetcher:
        http = FetcherHttp(fetcher)

        async def one(module: ModuleType) -> CanaryResult | None:
            url = getattr(config.canaries, module.NAME, "")
            if not url:
                return None
            checked = await run_check(module, canary_target(module.NAME, url), http, config.endpoints)
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
            )

        async def archive() -> CanaryResult | None:
            url = config.canaries.wayback
            if not url:
                return None
            response = await http.send(wayback.build_lookup(url, config.endpoints))
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
            )

        answers = await asyncio.gather(*(one(module) for module in CHECKERS), archive())
        results = [answer for answer in answers if answer is not None]
    return results
