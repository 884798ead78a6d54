"""One writer job per database: an exclusive ``fcntl.flock`` on ``<db>.lock``.

The kernel drops a flock when its holder dies, so a lock left behind by a killed process never blocks the
next run; the file only carries the holder's pid for the error message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

__all__ = ["DatabaseLock", "LockHeld", "lock_path"]


class LockHeld(RuntimeError):
    """Another process holds the database lock; ``pid`` is its process id when known."""

    def __init__(self, path: Path, pid: int | None) -> None:
        holder = f"process {pid}" if pid else "another process"
        super().__init__(f"{path} is locked by {holder}: another refresh is running on this database")
        self.path = path
        self.pid = pid


def lock_path(db_path: str | os.PathLike[str]) -> Path:
    """The lock file of a database file."""
    return Path(f"{os.fspath(db_path)}.lock")


class DatabaseLock:
    """``with DatabaseLock(db_path):`` raises LockHeld at once (no waiting) if another process holds it."""

    def __init__(self, db_path: str | os.PathLike[str]) -> None:
        self.path = lock_path(db_path)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise LockHeld."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            finally:
                os.close(fd)
            raise LockHeld(self.path, int(text) if text.isdigit() else None) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        """Drop the lock (the file stays; its presence means nothing without a flock on it)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> DatabaseLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
