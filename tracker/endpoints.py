"""The ``[endpoints]`` and ``[canaries]`` tables, each key declared by the module that uses it.

Every external service embedtrail calls is an endpoint a test or an operator can point elsewhere; every
checker has a canary post ``embedtrail doctor`` expects to find available. Neither is listed by hand: a
checker module declares ``ENDPOINTS`` (key → ``Endpoint(default, meaning)``) and ``CANARY``, a source module
may declare ``ENDPOINTS``, and the tables here are built from the registries (``tracker.checkers.CHECKERS``,
the Wayback checker, ``tracker.sources.SOURCES``). The README's rows for both tables are generated from the
same declarations (``make docs``), so adding a platform is a module and a line in a registry, nothing more."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = [
    "Canaries",
    "Endpoint",
    "Endpoints",
    "Settings",
    "canary_rows",
    "default_endpoints",
    "endpoint_rows",
]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One external endpoint: its default base URL and what it is, for the documentation."""

    default: str
    meaning: str


class Settings(Mapping[str, str]):
    """A table of string settings whose keys the registries declare: read as ``table.key`` or
    ``table["key"]``; built with the declared defaults, overridden by keyword; immutable."""

    kind: ClassVar[str] = ""
    _values: dict[str, str]

    def __init__(self, **overrides: str) -> None:
        values = dict(self.defaults())
        unknown = sorted(set(overrides) - set(values))
        if unknown:
            raise TypeError(f"unknown {self.kind} key(s): {', '.join(unknown)}")
        values.update(overrides)
        object.__setattr__(self, "_values", values)

    @classmethod
    def defaults(cls) -> Mapping[str, str]:
        """Every declared key with its default."""
        raise NotImplementedError

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"no {self.kind} key {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and dict(self) == dict(other)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._values.items())))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._values.items())})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), dict(self._values)))

    def replace(self, **changes: str) -> Settings:
        """A copy with ``changes``."""
        return type(self)(**{**self._values, **changes})


def _rebuild(cls: type[Settings], values: dict[str, str]) -> Settings:
    return cls(**values)


@functools.cache
def _declared_endpoints() -> dict[str, Endpoint]:
    from .checkers import CHECKERS, wayback
    from .sources import SOURCES

    declared: dict[str, Endpoint] = {}
    modules: tuple[Any, ...] = (*CHECKERS, wayback, *SOURCES)
    for module in modules:
        for key, endpoint in getattr(module, "ENDPOINTS", {}).items():
            if key in declared and declared[key] != endpoint:
                raise RuntimeError(f"endpoint {key!r} is declared twice, differently ({module.__name__})")
            declared[key] = endpoint
    return declared


@functools.cache
def _declared_canaries() -> dict[str, str]:
    from .checkers import CHECKERS, wayback

    modules: tuple[Any, ...] = (*CHECKERS, wayback)
    return {module.NAME: module.CANARY for module in modules}


class Endpoints(Settings):
    """Base URLs of every external service embedtrail calls (``[endpoints]``)."""

    kind = "[endpoints]"

    @classmethod
    def defaults(cls) -> Mapping[str, str]:
        return {key: endpoint.default for key, endpoint in _declared_endpoints().items()}


class Canaries(Settings):
    """Posts ``embedtrail doctor`` expects each checker to find available (``[canaries]``; an empty string
    skips one)."""

    kind = "[canaries]"

    @classmethod
    def defaults(cls) -> Mapping[str, str]:
        return _declared_canaries()


@functools.cache
def default_endpoints() -> Endpoints:
    """The declared defaults, built once (for code that only asks what a checker could do)."""
    return Endpoints()


def endpoint_rows() -> str:
    """The README's ``[endpoints]`` table, from the declarations."""
    return "| key | default | meaning |\n|---|---|---|\n" + "".join(
        f"| `[endpoints] {key}` | `{endpoint.default}` | {endpoint.meaning} |\n"
        for key, endpoint in _declared_endpoints().items()
    )


def canary_rows() -> str:
    """The README's ``[canaries]`` table, from the declarations."""
    return "| key | default |\n|---|---|\n" + "".join(
        f"| `{name}` | <{url}> |\n" for name, url in _declared_canaries().items()
    )
