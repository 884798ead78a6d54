"""Durations as people type them on the command line: ``90s``, ``30m``, ``6h``, ``2d``, ``1w``."""

from __future__ import annotations

import re

__all__ = ["parse_duration"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.I)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """``"6h"`` → 21600.0; units s, m, h, d, w, always written (``6`` alone could mean six of anything).
    ValueError for anything else."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 30m, 6h, 2d, 1w)")
    return float(match.group(1)) * _UNITS[match.group(2).lower()]
