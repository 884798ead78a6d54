"""One refresh per database: an exclusive ``fcntl.flock`` on the database file itself.

The lock is on the file, not on a name: the same database reached through a symlink, a relative and an
absolute path, a hard link or a bind mount is one inode, and ``flock`` locks the inode, so a second refresh is
refused however it names the file. (SQLite's own locks are POSIX byte-range locks, which ``flock`` does not
touch on a local Linux file system.) The kernel drops a flock when its holder dies, so a lock left behind by a
killed process never blocks the next run. ``<resolved db>.lock`` only carries the holder's pid for the error
message."""

from __future__ import annotations

import contextlib
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
    """The file naming the lock holder's pid, beside the database's real path (symlinks resolved)."""
    return Path(f"{Path(db_path).resolve()}.lock")


class DatabaseLock:
    """``with DatabaseLock(db_path):`` raises LockHeld at once (no waiting) if another process holds it."""

    def __init__(self, db_path: str | os.PathLike[str]) -> None:
        self.database = Path(db_path)
        self.path = lock_path(db_path)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise LockHeld. Creates an empty database file when there is none yet."""
        fd = os.open(self.database, os.O_RDONLY | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockHeld(self.database, self._holder()) from None
        self._fd = fd
        with contextlib.suppress(OSError):  # the pid is a courtesy for the message, not the lock
            self.path.write_text(str(os.getpid()), encoding="ascii")

    def _holder(self) -> int | None:
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def release(self) -> None:
        """Drop the lock."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                self.path.write_text("", encoding="ascii")
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> DatabaseLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
