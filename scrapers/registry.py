"""The registry of platform modules: the one place that names them.

Each module exposes ``NAME``, ``HOSTS`` (domains it owns, or None when it recognises URLs by shape on any
host), ``post_ref(url)`` and ``scan(doc)``, and optionally ``scan_text(block, index)`` for posts written out
in prose and ``time_from_id(native_id)`` where the platform's ids encode the posting time. Adding a
platform is adding a module and one entry here.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    bluesky,
    dailymotion,
    facebook,
    instagram,
    mastodon,
    reddit,
    rumble,
    streamable,
    telegram,
    threads,
    tiktok,
    truthsocial,
    twitter,
    vimeo,
    vkvideo,
    youtube,
)

__all__ = ["PLATFORMS", "by_name"]

PLATFORMS: tuple[ModuleType, ...] = (
    bluesky,
    dailymotion,
    facebook,
    instagram,
    mastodon,
    reddit,
    rumble,
    streamable,
    telegram,
    threads,
    tiktok,
    truthsocial,
    twitter,
    vimeo,
    vkvideo,
    youtube,
)


def by_name(name: str) -> ModuleType:
    """The platform module called ``name``; raises KeyError for an unknown name."""
    for module in PLATFORMS:
        if name == module.NAME:
            return module
    raise KeyError(name)
