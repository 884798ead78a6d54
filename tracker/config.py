"""Configuration: one object built from defaults, a TOML file and environment variables.

The file is ``--config PATH``, else ``$EMBEDTRAIL_CONFIG``, else ``embedtrail.toml`` in the working
directory (a missing default file is fine; a missing explicit one is an error). Tables: ``[endpoints]``
(every external endpoint, so tests and operators can point them elsewhere), ``[limits]`` (politeness),
``[fetch]`` (HTTP client limits), ``[serve]`` (Datasette). Every key and its default is defined here,
once, and documented in README.md ("Configuration").
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from embedtrail.db.bodies import StoreConfig
from embedtrail.db.settings import ServeConfig
from embedtrail.scrapers.records import Caps

from .endpoints import Canaries, Endpoints, Settings

__all__ = [
    "DEFAULT_CONFIG_NAME",
    "Canaries",
    "Config",
    "ConfigError",
    "Endpoints",
    "FetchConfig",
    "Limits",
    "RefreshConfig",
    "ServeConfig",
    "StoreConfig",
    "load_config",
]

DEFAULT_CONFIG_NAME = "embedtrail.toml"


class ConfigError(ValueError):
    """The configuration file is missing, unreadable, or holds an unknown key or a wrong type."""


@dataclass(frozen=True)
class Limits:
    """Politeness settings for refresh checks."""

    concurrency: int = 16
    per_host_concurrency: int = 4
    min_interval_per_host: float = 0.0
    max_retries: int = 3
    retry_backoff: float = 1.0
    retry_backoff_max: float = 60.0
    max_retry_after: float = 900.0
    # Budget for extracting one page (0 switches a limit off): a page over it is recorded as failed.
    extract_seconds: float = 30.0
    extract_memory_mb: int = 1024
    # The most rows one article may add per table; the rest is reported on the run, not saved.
    max_embeds_per_article: int = Caps.embeds
    max_mentions_per_article: int = Caps.mentions
    max_notes_per_article: int = Caps.notes
    max_accounts_per_article: int = Caps.accounts

    def caps(self) -> Caps:
        """The per-article caps as the extractor takes them."""
        return Caps(
            self.max_embeds_per_article,
            self.max_mentions_per_article,
            self.max_notes_per_article,
            self.max_accounts_per_article,
        )


@dataclass(frozen=True)
class FetchConfig:
    """HTTP client settings shared by every fetch."""

    timeout: float = 20.0
    connect_timeout: float = 10.0
    # A deadline for a whole fetch, redirects included: the only defence against a server that trickles a
    # byte just inside the read timeout, forever.
    total_timeout: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 10
    max_connections: int = 32
    per_host_connections: int = 4
    allow_private: bool = False
    # Ports a fetched URL may use (any port once allow_private is on, for tests and intranets).
    allowed_ports: tuple[int, ...] = (80, 443, 8080, 8443)
    user_agent: str | None = None


@dataclass(frozen=True)
class RefreshConfig:
    """Scheduling of ``embedtrail refresh`` (seconds): back-off for unchanged posts, confirmation of gone
    statuses, article re-fetches and the Save Page Now budget."""

    base_interval: float = 6 * 3600.0
    backoff_factor: float = 2.0
    max_interval: float = 30 * 86400.0
    changed_interval: float = 3600.0
    recent_change: float = 3 * 86400.0
    confirm_after: float = 1800.0
    error_interval: float = 3600.0
    article_interval: float = 86400.0
    archive_min_interval: float = 30.0
    archive_max_per_run: int = 20
    archive_access_key: str | None = None
    archive_secret_key: str | None = None


@dataclass(frozen=True)
class ExportConfig:
    """``[export]``: signing of exported WACZ files by an authsign server (Webrecorder's signing service,
    the ``wacz-signing`` setup): unset, exports are unsigned."""

    signing_url: str | None = None
    signing_token: str | None = None


@dataclass(frozen=True)
class Config:
    """The effective configuration; ``source`` names the file it came from, if any."""

    endpoints: Endpoints = field(default_factory=Endpoints)
    limits: Limits = field(default_factory=Limits)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    serve: ServeConfig = field(default_factory=ServeConfig)
    refresh: RefreshConfig = field(default_factory=RefreshConfig)
    canaries: Canaries = field(default_factory=Canaries)
    store: StoreConfig = field(default_factory=StoreConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    source: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The configuration as plain tables (what ``embedtrail config`` prints)."""
        return {
            item.name: dict(value) if isinstance(value, Settings) else asdict(value)
            for item in fields(self)
            if item.name != "source" and (value := getattr(self, item.name)) is not None
        }


_SECTIONS: dict[str, type] = {
    "endpoints": Endpoints,
    "limits": Limits,
    "fetch": FetchConfig,
    "serve": ServeConfig,
    "refresh": RefreshConfig,
    "canaries": Canaries,
    "store": StoreConfig,
    "export": ExportConfig,
}


def _coerce(section: str, key: str, value: Any, default: Any, annotation: str) -> Any:
    if "tuple[str" in annotation:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise ConfigError(f"[{section}] {key} must be a list of strings")
    if "tuple" in annotation:
        if isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return tuple(value)
        raise ConfigError(f"[{section}] {key} must be a list of integers")
    if "bool" in annotation:
        if isinstance(value, bool):
            return value
        raise ConfigError(f"[{section}] {key} must be true or false")
    if "int" in annotation and "float" not in annotation:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ConfigError(f"[{section}] {key} must be an integer")
    if "float" in annotation:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise ConfigError(f"[{section}] {key} must be a number")
    if isinstance(value, str):
        return value
    if value is None and default is None:
        return None
    raise ConfigError(f"[{section}] {key} must be a string")


def _section(name: str, values: dict[str, Any]) -> Any:
    cls: Any = _SECTIONS[name]
    if issubclass(cls, Settings):
        # Tables whose keys the registries declare (tracker.endpoints): strings only.
        declared = cls.defaults()
        for key, value in values.items():
            if key not in declared:
                raise ConfigError(f"unknown key [{name}] {key}; known keys: {', '.join(sorted(declared))}")
            if not isinstance(value, str):
                raise ConfigError(f"[{name}] {key} must be a string")
        return cls(**values)
    known = {f.name: f for f in fields(cls)}
    defaults = cls()
    updates: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"unknown key [{name}] {key}; known keys: {', '.join(sorted(known))}")
        updates[key] = _coerce(name, key, value, getattr(defaults, key), str(known[key].type))
    return replace(defaults, **updates)


def load_config(path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None) -> Config:
    """Build the effective configuration.

    ``path`` (``--config``) wins over ``$EMBEDTRAIL_CONFIG``, which wins over ``./embedtrail.toml``. An
    explicit path that does not exist raises ConfigError; so do unknown keys and wrong types.
    """
    env = os.environ if environ is None else environ
    explicit = path is not None or bool(env.get("EMBEDTRAIL_CONFIG"))
    chosen = Path(path) if path is not None else Path(env.get("EMBEDTRAIL_CONFIG") or DEFAULT_CONFIG_NAME)
    if not chosen.exists():
        if explicit:
            raise ConfigError(f"config file not found: {chosen}")
        return Config()
    try:
        data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read config file {chosen}: {error}") from error
    sections: dict[str, Any] = {}
    for name, values in data.items():
        if name not in _SECTIONS:
            raise ConfigError(f"unknown table [{name}] in {chosen}; known tables: {', '.join(_SECTIONS)}")
        if not isinstance(values, dict):
            raise ConfigError(f"[{name}] in {chosen} must be a table")
        sections[name] = _section(name, values)
    return Config(**sections, source=str(chosen))
