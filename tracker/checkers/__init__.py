"""Status checkers, one module per platform, and the registry that names them.

Each module exposes ``NAME``, ``PLATFORMS`` (the post platforms it checks), ``build(target, endpoints)`` →
``Request | None`` and a pure ``classify(response)`` → ``CheckResult``; a module may add
``check(target, http, endpoints)`` when one request is not enough (Twitter asks oEmbed for a second
opinion). ``wayback`` is separate: snapshots are not statuses. The status vocabulary is ``STATUSES`` (see
``db.checks`` for what each means and the confirmation rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from embedtrail.scrapers.records import ERROR, GONE_STATUSES, STATUSES
from embedtrail.tracker.endpoints import Endpoints, default_endpoints

from . import (
    bluesky,
    dailymotion,
    generic,
    mastodon,
    telegram,
    tiktok,
    truthsocial,
    twitter,
    vimeo,
    wayback,
    youtube,
)
from .base import Checked, Checker, Http, Request, Response, ShortLinks, Target, result

__all__ = [
    "CHECKERS",
    "GONE_STATUSES",
    "STATUSES",
    "Checked",
    "Checker",
    "Http",
    "Request",
    "Response",
    "Target",
    "by_name",
    "for_target",
    "resolution",
    "run_check",
    "wayback",
]

# The only list of checkers; ``generic`` last, as the fallback.
CHECKERS: tuple[Checker, ...] = (
    twitter,
    youtube,
    vimeo,
    tiktok,
    dailymotion,
    telegram,
    bluesky,
    mastodon,
    truthsocial,
    generic,
)


def by_name(name: str) -> Checker:
    """The checker called ``name``; KeyError for an unknown name."""
    for module in CHECKERS:
        if name == module.NAME:
            return module
    raise KeyError(name)


def for_target(target: Target) -> Checker | None:
    """The checker for ``target``'s platform; ``generic`` for other platforms with a URL, except those
    with no anonymous check; None when nothing can check it."""
    for module in CHECKERS:
        if target.platform in module.PLATFORMS:
            return module
    if target.platform in generic.EXCLUDED_PLATFORMS or target.kind == "account":
        return None
    return generic if generic.build(target, default_endpoints()) is not None else None


async def run_check(module: Checker, target: Target, http: Http, endpoints: Endpoints) -> Checked | None:
    """Check ``target`` with ``module``: its own ``check`` if it has one, else one request classified.
    Returns None when the module cannot build a request for this target."""
    custom = getattr(module, "check", None)
    if custom is not None:
        checked: Checked | None = await custom(target, http, endpoints)
        return checked
    request = module.build(target, endpoints)
    if request is None:
        return None
    response = await http.send(request)
    return Checked(module.classify(response), response.url, response.elapsed_ms)


def resolution(module: ShortLinks, response: Response) -> Mapping[str, Any] | Checked:
    """Where a short link's answer leads: the status row the text-only post merges into, or the ``error``
    check to record when it leads nowhere or elsewhere (never a gone status: that is no evidence)."""
    location = module.resolve_location(response)
    row: Mapping[str, Any] | None = module.status_post(location)
    if row is not None:
        return row
    reason = (
        f"short link leads to {location}, not a status"
        if location
        else f"short link not resolved (HTTP {response.status or response.error})"
    )
    return Checked(result(response, ERROR, reason), response.url, response.elapsed_ms)
