"""Graceful stops: SIGTERM and SIGINT (cron's kill, Ctrl-C) set a stop flag instead of killing the run.

A run that sees the flag takes no new work, lets what is in flight finish and writes it, so a stopped run
leaves nothing half-done and the next run picks up where it stopped. ``stop_on_signals`` serves threaded code
(the queue); ``stop_loop_on_signals`` an asyncio run (a local refresh).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Iterator

__all__ = ["stop_loop_on_signals", "stop_on_signals"]

_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGTERM/SIGINT for the duration of the block (main thread only)."""
    previous = {signum: signal.getsignal(signum) for signum in _SIGNALS}
    for signum in previous:
        signal.signal(signum, lambda *_: stop.set())
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def stop_loop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """Set ``stop`` on SIGTERM/SIGINT while the running loop is in the block (where the loop allows it)."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for signum in _SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
            installed.append(signum)
    try:
        yield
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
