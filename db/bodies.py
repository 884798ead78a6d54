"""The evidence store: the bytes of every captured document and of every platform answer behind a check,
zstd-compressed, addressed by their sha256 and kept once however many rows share them.

The store is a directory beside the database (``embedtrail.store/`` next to ``embedtrail.db`` unless
``[store] location`` says otherwise): ``bodies/ab/<sha256>.zst``. A directory rather than a second SQLite
file because bodies are written by whichever process fetched them (ingest, refresh, the queue's
coordinator) without taking the database's write lock for megabytes at a time, because a takedown
(``forget``) must free the bytes at once (a deleted SQLite page keeps them until VACUUM), and because a copy
(``publish --with-bodies``, rsync, a backup) is a copy of files. The ``bodies`` table is its index: a row is
committed only once its file is complete (written to ``tmp/``, fsynced, renamed into place), and every row
that names a body (``captures.sha256``, ``checks.body_sha256``) is committed after the body's row. So a killed
run can leave a complete file no row names (``verify`` reports it as left by an interrupted run), never a
row naming a missing or half-written file. ``forget`` records a tombstone (``forgotten``, with the digests
in ``forgotten_bodies``) before deleting, and a forgotten body is not stored again when the same content
comes back.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import zstandard
from sqlite_utils import Database

__all__ = [
    "BodyStore",
    "ForgetResult",
    "StoreConfig",
    "StoreError",
    "StoreFull",
    "Stored",
    "VerifyReport",
    "forget",
    "forgotten_tombstones",
    "keep_body",
    "open_store",
    "stored_shas",
    "verify",
]

SUFFIX = ".zst"


@dataclass(frozen=True)
class StoreConfig:
    """The ``[store]`` table: where bodies are kept, whether at all, and how much room they may take."""

    enabled: bool = True
    # A directory, relative to the database file's; by default <database stem>.store beside the database.
    location: str | None = None
    # Compressed bytes on disk, all bodies together; a body that would pass it is not stored (the run says).
    max_bytes: int = 50 * 1024**3
    compression_level: int = 3
    # Download the images platform answers list (refresh --media turns it on for one run).
    media: bool = False
    # The largest media file kept; a bigger one is recorded as not kept.
    media_max_bytes: int = 20 * 1024**2
    # Videos (with the video extra, yt-dlp): the largest file and the longest duration kept.
    video_max_bytes: int = 200 * 1024**2
    video_max_seconds: int = 600


class StoreError(Exception):
    """A body could not be stored or read; the message says what to do."""


class StoreFull(StoreError):
    """Storing a body would take the store past ``[store] max_bytes``."""


@dataclass(frozen=True)
class Stored:
    """A body in the store: its digest, raw and stored sizes, and whether this call wrote it."""

    sha256: str
    size: int
    stored_size: int
    new: bool


class BodyStore:
    """The store's directory. ``write`` is idempotent and atomic; ``used`` counts stored bytes (read from
    the ``bodies`` table when the store is opened, then kept by this process)."""

    def __init__(self, root: Path, *, max_bytes: int, level: int = 3, used: int = 0) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.level = level
        self.used = used

    def path(self, sha256: str) -> Path:
        """Where the body with digest ``sha256`` lives."""
        return self.root / "bodies" / sha256[:2] / f"{sha256}{SUFFIX}"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def write(self, data: bytes, sha256: str | None = None) -> Stored:
        """Store ``data`` (its digest is computed when not given) unless it is there already."""
        digest = sha256 or hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.is_file():
            return Stored(digest, len(data), target.stat().st_size, new=False)
        packed = zstandard.ZstdCompressor(level=self.level, write_content_size=True).compress(data)
        if self.used + len(packed) > self.max_bytes:
            raise StoreFull(
                f"the evidence store is full: {self.used:,} of {self.max_bytes:,} bytes used and this body "
                f"needs {len(packed):,} more (raise [store] max_bytes, or forget what may go)"
            )
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            scratch = self.root / "tmp"
            scratch.mkdir(parents=True, exist_ok=True)
            partial = scratch / f"{digest}.{uuid.uuid4().hex}.partial"
            with open(partial, "wb") as handle:
                handle.write(packed)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, target)
            _fsync_directory(target.parent)
        except OSError as error:
            raise StoreError(
                f"cannot write to the evidence store {self.root}: {error.strerror or error}"
            ) from error
        self.used += len(packed)
        return Stored(digest, len(data), len(packed), new=True)

    def read(self, sha256: str) -> bytes:
        """The body with digest ``sha256``; StoreError when it is missing or unreadable."""
        try:
            packed = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise StoreError(f"body {sha256} is not in the store") from None
        try:
            return bytes(zstandard.ZstdDecompressor().decompress(packed))
        except zstandard.ZstdError as error:
            raise StoreError(f"body {sha256} is damaged: {error}") from error

    def delete(self, sha256: str) -> bool:
        """Remove a body's file; True when there was one."""
        target = self.path(sha256)
        try:
            size = target.stat().st_size
            target.unlink()
        except FileNotFoundError:
            return False
        self.used = max(0, self.used - size)
        return True

    def files(self) -> Iterator[tuple[str, Path]]:
        """Every complete body file: (digest, path)."""
        bodies = self.root / "bodies"
        if not bodies.is_dir():
            return
        for shard in sorted(bodies.iterdir()):
            if shard.is_dir():
                for item in sorted(shard.iterdir()):
                    if item.name.endswith(SUFFIX):
                        yield item.name[: -len(SUFFIX)], item

    def partials(self) -> list[Path]:
        """Half-written files a killed run left in ``tmp/`` (never named by any row)."""
        scratch = self.root / "tmp"
        return sorted(scratch.glob("*.partial")) if scratch.is_dir() else []


def _fsync_directory(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _database_file(db: Database) -> Path | None:
    row = db.execute("pragma database_list").fetchone()
    return Path(row[2]) if row and row[2] else None


def store_root(db: Database | Path, config: StoreConfig) -> Path | None:
    """The store directory for a database (None for an in-memory one)."""
    path = db if isinstance(db, Path) else _database_file(db)
    if path is None:
        return None
    if config.location:
        location = Path(config.location).expanduser()
        return location if location.is_absolute() else path.parent / location
    return path.with_name(f"{path.stem}.store")


def open_store(db: Database, config: StoreConfig) -> BodyStore | None:
    """The store of ``db``, or None when ``[store] enabled = false`` or the database is in memory. The space
    already used is read from the ``bodies`` table."""
    if not config.enabled:
        return None
    root = store_root(db, config)
    if root is None:
        return None
    try:
        used = int(db.execute("select coalesce(sum(stored_size), 0) from bodies").fetchone()[0])
    except sqlite3.OperationalError:  # a database from before the store
        used = 0
    return BodyStore(root, max_bytes=config.max_bytes, level=config.compression_level, used=used)


def keep_body(db: Database, store: BodyStore | None, data: bytes, sha256: str, now: str) -> Stored | None:
    """Store ``data`` and commit its ``bodies`` row (before the caller commits any row naming it). None when
    there is no store. Raises StoreFull or StoreError; nothing is recorded then."""
    if store is None:
        return None
    if db.execute("select 1 from forgotten_bodies where sha256 = ?", [sha256]).fetchone():
        # Taken down: the same content arriving again is not kept again.
        return None
    stored = store.write(data, sha256)
    with db.atomic():
        db.execute(
            "insert or ignore into bodies (sha256, size, stored_size, stored_at) values (?, ?, ?, ?)",
            [stored.sha256, stored.size, stored.stored_size, now],
        )
    return stored


def stored_shas(db: Database, shas: Iterable[str]) -> set[str]:
    """Which of ``shas`` have a stored body."""
    wanted = [sha for sha in dict.fromkeys(shas) if sha]
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(
            row[0] for row in db.execute(f"select sha256 from bodies where sha256 in ({marks})", chunk)
        )
    return found


@dataclass
class VerifyReport:
    """What ``verify`` found. ``missing`` and ``altered`` are failures (exit 1); the rest is explained."""

    checked: int = 0
    missing: list[str] = field(default_factory=list)
    altered: list[tuple[str, str]] = field(default_factory=list)
    forgotten_left: list[str] = field(default_factory=list)
    unreferenced: list[str] = field(default_factory=list)
    partials: int = 0
    not_kept: dict[str, int] = field(default_factory=dict)
    forgotten: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered or self.forgotten_left)


def forgotten_tombstones(db: Database, sha256: str | None = None) -> dict[str, tuple[str, str]]:
    """When and why each forgotten body (or only ``sha256``) was forgotten, by digest; empty for a database
    from before the store."""
    sql = (
        "select b.sha256, f.forgotten_at, f.reason from forgotten_bodies b "
        "join forgotten f on f.id = b.forgotten_id"
    )
    if sha256 is not None:
        sql += " where b.sha256 = ?"
    try:
        rows = db.execute(sql, [] if sha256 is None else [sha256]).fetchall()
    except sqlite3.OperationalError:  # no forgotten tables yet
        return {}
    return {str(sha): (str(at), str(reason)) for sha, at, reason in rows}


def verify(db: Database, store: BodyStore) -> VerifyReport:
    """Re-hash every stored body against its ``bodies`` row; count the rows whose bodies were never kept
    (captured before the store existed, or while it was off or full) or were forgotten; find files no row
    names. Reads only: neither the database nor the store is changed."""
    report = VerifyReport()
    indexed: dict[str, int] = {}
    for sha, size in db.execute("select sha256, size from bodies"):
        indexed[str(sha)] = int(size)
    for sha, size in indexed.items():
        report.checked += 1
        path = store.path(sha)
        if not path.is_file():
            report.missing.append(sha)
            continue
        try:
            data = store.read(sha)
        except StoreError as error:
            report.altered.append((sha, f"unreadable ({error.__cause__ or error})"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha:
            report.altered.append((sha, f"its bytes hash to {digest}"))
        elif len(data) != size:
            report.altered.append((sha, f"{len(data):,} bytes where {size:,} were stored"))
    forgotten = set(forgotten_tombstones(db))
    report.forgotten = len(forgotten)
    for table, column in (("captures", "sha256"), ("checks", "body_sha256"), ("media", "sha256")):
        try:
            rows = db.execute(f"select distinct {column} from {table} where {column} is not null").fetchall()
        except sqlite3.OperationalError:  # no checks table yet
            continue
        kept = sum(1 for (sha,) in rows if sha in indexed or sha in forgotten)
        if len(rows) - kept:
            report.not_kept[table] = len(rows) - kept
    for sha, _path in store.files():
        if sha in indexed:
            continue
        if sha in forgotten:
            report.forgotten_left.append(sha)
        else:
            report.unreferenced.append(sha)
    report.partials = len(store.partials())
    return report


@dataclass
class ForgetResult:
    """What ``forget`` did: the tombstone's id, and how many bodies it removed (and found already gone)."""

    tombstone: int
    bodies: list[str]
    removed: int = 0
    absent: int = 0


def bodies_of(db: Database, *, articles: Iterable[str] = (), posts: Iterable[str] = ()) -> list[str]:
    """The digests of the stored bodies behind ``articles`` (their captures) and ``posts`` (the platform
    answers of their checks, and their downloaded media)."""
    shas: list[str] = []
    for article in articles:
        shas += [row[0] for row in db.execute("select sha256 from captures where article_id = ?", [article])]
    for post in posts:
        with contextlib.suppress(sqlite3.OperationalError):  # no checks table yet
            shas += [
                row[0]
                for row in db.execute(
                    "select body_sha256 from checks where post_id = ? and body_sha256 is not null", [post]
                )
            ]
        with contextlib.suppress(sqlite3.OperationalError):  # no media table yet
            shas += [
                row[0]
                for row in db.execute(
                    "select sha256 from media where post_id = ? and sha256 is not null", [post]
                )
            ]
    return list(dict.fromkeys(sha for sha in shas if sha))


def forget(
    db: Database,
    store: BodyStore | None,
    *,
    articles: Iterable[str] = (),
    posts: Iterable[str] = (),
    reason: str,
    requested_by: str,
    now: str,
) -> ForgetResult:
    """Remove the stored bodies behind ``articles`` and ``posts`` (a takedown, a legal request): a tombstone
    row says who asked, when, why and which bodies went; then the bodies' rows go, in the same transaction,
    and then their files. A body another row also names is removed too: the request is about the content.
    Killed after the commit, the files that remain are named by the tombstone; ``forget`` again removes
    them. The rows naming the bodies (captures, checks) stay: what was seen, and when, is the trail."""
    articles, posts = list(articles), list(posts)
    shas = bodies_of(db, articles=articles, posts=posts)
    target = ", ".join([*(f"article {a}" for a in articles), *(f"post {p}" for p in posts)])
    with db.atomic():
        cursor = db.execute(
            "insert into forgotten (target, reason, requested_by, forgotten_at, body_count) "
            "values (?, ?, ?, ?, ?)",
            [target, reason, requested_by, now, len(shas)],
        )
        tombstone = int(cursor.lastrowid or 0)
        db.conn.executemany(
            "insert or ignore into forgotten_bodies (sha256, forgotten_id) values (?, ?)",
            [(sha, tombstone) for sha in shas],
        )
        for start in range(0, len(shas), 500):
            chunk = shas[start : start + 500]
            db.execute(f"delete from bodies where sha256 in ({', '.join('?' * len(chunk))})", chunk)
    result = ForgetResult(tombstone, shas)
    if store is not None:
        for sha in shas:
            if store.delete(sha):
                result.removed += 1
            else:
                result.absent += 1
    return result
