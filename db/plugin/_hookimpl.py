"""Datasette's ``hookimpl`` marker with a type.

Datasette ships no type information, so under ``mypy --strict`` its decorator would erase the signature of
every hook implementation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from datasette import hookimpl as _datasette_hookimpl

__all__ = ["hookimpl"]

F = TypeVar("F", bound=Callable[..., Any])


def hookimpl(function: F) -> F:
    """Mark ``function`` as a Datasette hook implementation; returns it unchanged."""
    return cast(F, _datasette_hookimpl(function))
