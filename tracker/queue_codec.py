"""Records to JSON and back for queue messages: frozen dataclasses (``CheckResult``, ``Capture``,
``Extraction`` and everything inside it) travel between machines as plain JSON, never pickles.

JSON, because a queue message is data from another machine: decoding it must not run code (pickle would),
and a worker on an older release must fail loudly on a shape it does not know rather than build a wrong
record. Decoding is driven by the dataclasses' own type hints, so a new field needs no change here.
"""

from __future__ import annotations

import base64
import dataclasses
import types
import typing
from functools import cache
from typing import Any, TypeVar, Union

__all__ = ["from_json", "to_json"]

T = TypeVar("T")
_BYTES = "__bytes_b64__"


def to_json(value: Any) -> Any:
    """``value`` as JSON-ready data: dataclasses become dicts, tuples lists, bytes a base64 wrapper."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, bytes):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot encode {type(value).__name__} for the queue")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_json(cls: type[T], data: Any) -> T:
    """Rebuild a ``cls`` record from ``to_json`` output. ValueError when ``data`` does not fit ``cls``."""
    result: T = _decode(cls, data)
    return result


def _decode(tp: Any, data: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        if data is None:
            return None
        options = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        if len(options) == 1:
            return _decode(options[0], data)
        for option in options:  # first member that decodes wins (only str | int style unions occur)
            try:
                return _decode(option, data)
            except (TypeError, ValueError):
                continue
        raise ValueError(f"{data!r} fits none of {tp}")
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(data, list):
            raise ValueError(f"expected a list for {tp}, got {type(data).__name__}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item) for item in data)
        if len(args) != len(data):
            raise ValueError(f"expected {len(args)} items for {tp}, got {len(data)}")
        return tuple(_decode(arg, item) for arg, item in zip(args, data, strict=True))
    if origin in (list, dict) or tp is Any:
        return data
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise ValueError(f"expected an object for {tp.__name__}, got {type(data).__name__}")
        hints = _hints(tp)
        known = {f.name for f in dataclasses.fields(tp)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"{tp.__name__} has no field {sorted(unknown)[0]!r}")
        return tp(**{name: _decode(hints[name], value) for name, value in data.items()})
    if tp is bytes:
        if not (isinstance(data, dict) and _BYTES in data):
            raise ValueError("expected base64 bytes")
        return base64.b64decode(data[_BYTES])
    if tp is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if tp in (str, int, float, bool):
        if not isinstance(data, tp) or (tp is int and isinstance(data, bool)):
            raise ValueError(f"expected {tp.__name__}, got {type(data).__name__}")
        return data
    if tp is type(None):
        if data is not None:
            raise ValueError("expected null")
        return None
    raise TypeError(f"cannot decode {tp!r}")
