"""The tracker's one clock: "now" as ISO 8601 UTC text, the form every stored time takes.

Pipelines take a ``now`` callable defaulting to ``utc_now``, so tests control time by passing their own.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["utc_now"]


def utc_now() -> str:
    """Now, as ISO 8601 UTC to the second (``2026-11-25T13:12:08Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
