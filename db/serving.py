"""Serves an embedtrail database with Datasette, and publishes read-only snapshots of it for public instances.

``make_datasette`` builds the app for ``embedtrail serve``: the live database stays mutable (opened read-only
by Datasette, while ingest and refresh write to it in WAL mode), is always named ``embedtrail`` whatever its
file is called, and gets the packaged ``metadata.yaml``. ``serve`` runs that app with uvicorn. ``publish``
writes a consistent snapshot (``VACUUM INTO``) with its metadata and a README saying how to serve it
immutable or hand it to ``datasette publish`` / ``datasette package``.
"""

from __future__ import annotations

import copy
import ctypes
import hashlib
import os
import shlex
import shutil
import socket
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import uvicorn
import yaml
from datasette.app import Database, Datasette
from datasette.plugins import pm

from . import plugin
from .plugin.schema import DATABASE_NAME, resolve_queries, sqlite_schema
from .settings import ServeConfig, allowed_host_names

__all__ = [
    "DATABASE_NAME",
    "LARGE_TABLE_SETTINGS",
    "PLUGIN_INSTALL",
    "SNAPSHOT_NAME",
    "PublishError",
    "PublishResult",
    "datasette_settings",
    "load_metadata",
    "local_file_name",
    "make_datasette",
    "make_server",
    "publish",
    "serve",
    "serve_command",
    "without_local_paths",
]

SNAPSHOT_NAME = "embedtrail.db"
METADATA_NAME = "metadata.yaml"
README_NAME = "README.md"
# What `datasette publish` / `datasette package` must install on the host for the provenance pages, charts,
# cell rendering and robots.txt (the metadata and queries work without it).
PLUGIN_INSTALL = "embedtrail @ git+https://github.com/embedtrail/embedtrail"
# Tables whose row counts a publish reports.
# A snapshot published --with-bodies keeps them here, in the evidence store's layout.
BODIES_DIR = "bodies"
_COUNTED_TABLES = ("articles", "posts", "embeds", "mentions", "verification_notes", "accounts", "checks")


def load_metadata() -> dict[str, Any]:
    """The packaged ``db/metadata.yaml`` as a fresh dict (callers may change it)."""
    text = (files("embedtrail.db") / METADATA_NAME).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("db/metadata.yaml must hold a mapping")
    return data


def _merge(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``overrides`` into a copy of ``base``; mappings merge, everything else replaces."""
    merged = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _without_write_queries(metadata: dict[str, Any]) -> dict[str, Any]:
    # embedtrail's Datasette never writes: a writable canned query from an override would be the only write
    # endpoint Datasette 0.65 has, so none is let through.
    for database in (metadata.get("databases") or {}).values():
        queries = database.get("queries") if isinstance(database, dict) else None
        if isinstance(queries, dict):
            for name in [n for n, q in queries.items() if isinstance(q, dict) and q.get("write")]:
                del queries[name]
    return metadata


def datasette_settings(config: ServeConfig, *, immutable: bool) -> dict[str, Any]:
    """Datasette settings for a live (mutable) or published (immutable) instance."""
    return {
        "sql_time_limit_ms": config.sql_time_limit_ms,
        "max_returned_rows": config.max_returned_rows,
        # Downloading the whole file only makes sense (and Datasette only allows it) for a frozen snapshot.
        "allow_download": immutable,
    }


# Settings that keep table pages fast on a large database, for the app make_datasette builds. (publish's
# command line does not carry them yet: tests/test_datasette.py pins it.)
LARGE_TABLE_SETTINGS: dict[str, Any] = {
    # Suggestions run one query per column on every table page; on a table of a million posts each one runs
    # into its time limit, adding over a second to the page. The metadata names the facets worth having.
    "suggest_facets": False,
    # A facet over a million rows takes a few hundred milliseconds: allow that (instead of the default 200)
    # so the facets show; the plugin then caches the page until the data changes (db/plugin/cache.py).
    "facet_time_limit_ms": 500,
}


def _ensure_plugin_registered() -> None:
    # The entry point registers the plugin when embedtrail is installed; a checkout run without installing
    # (or a test that unregistered it) still gets the provenance pages.
    if not pm.is_registered(plugin) and pm.get_plugin("embedtrail") is None:
        pm.register(plugin, name="embedtrail")


def make_datasette(
    db_path: str | os.PathLike[str],
    *,
    immutable: bool = False,
    config: ServeConfig | None = None,
    metadata_overrides: Mapping[str, Any] | None = None,
    bound_host: str | None = None,
    store_root: Path | None = None,
) -> Datasette:
    """A Datasette app serving ``db_path`` under the name ``embedtrail`` with the packaged metadata.

    ``immutable=False`` (``embedtrail serve``) opens the live file read-only, so writers keep working in WAL
    mode and new rows, tables and columns show up on the next request. ``immutable=True`` is for snapshots
    that never change (faster counts, downloads allowed). ``metadata_overrides`` is deep-merged over the
    packaged metadata. ``bound_host`` (the address ``serve`` listens on) is one of the names the instance
    answers to, beside ``[serve] allowed_hosts`` (or the local names) and ``base_url``'s host.
    ``store_root`` is the evidence store whose bodies ``/-/embedtrail/body/<sha256>`` serves (default: a
    snapshot's ``bodies/`` beside the database). Raises FileNotFoundError when ``db_path`` does not exist;
    Datasette would otherwise fail on the first request.
    """
    path = Path(db_path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"database not found: {db_path}")
    config = config or ServeConfig()
    metadata = load_metadata()
    if metadata_overrides:
        metadata = _merge(metadata, metadata_overrides)
    metadata = _without_write_queries(metadata)
    own = metadata.setdefault("plugins", {}).setdefault("embedtrail", {})
    own.setdefault("allowed_hosts", list(allowed_host_names(config, bound_host)))
    if config.base_url:
        own.setdefault("base_url", config.base_url)
    _ensure_plugin_registered()
    datasette = Datasette(
        files=[],
        metadata=metadata,
        settings={**datasette_settings(config, immutable=immutable), **LARGE_TABLE_SETTINGS},
        secret=config.secret,
        cors=False,
    )
    # Datasette names a database after its file's stem; add it by hand so any file is served as "embedtrail"
    # and every URL in the metadata, queries and plugin holds. With no files Datasette adds an in-memory
    # "_memory" database, which volunteers have no use for.
    datasette.add_database(Database(datasette, path=str(path), is_mutable=not immutable), name=DATABASE_NAME)
    if "_memory" in datasette.databases:
        datasette.remove_database("_memory")
    # Where the plugin reads stored bodies from (db/plugin/evidence.py); not in the metadata, which anyone
    # can read at /-/metadata and which must not name a local directory.
    datasette.embedtrail_store_root = store_root
    return datasette


def make_server(
    datasette: Datasette, *, host: str = "127.0.0.1", port: int = 8001, log_level: str = "info"
) -> uvicorn.Server:
    """A uvicorn server for ``datasette``; call ``.run()`` (blocking) or ``.run(sockets=[sock])``."""
    return uvicorn.Server(
        uvicorn.Config(datasette.app(), host=host, port=port, log_level=log_level, lifespan="on")
    )


def serve(
    datasette: Datasette, *, host: str = "127.0.0.1", port: int = 8001, log_level: str = "info"
) -> None:
    """Serve ``datasette`` on ``host:port`` until interrupted (Ctrl-C); blocks.

    Raises OSError when the port is taken, before uvicorn starts.
    """
    # Fail with a plain error instead of uvicorn's log line and sys.exit when the port is busy.
    with closing(
        socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    ) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    make_server(datasette, host=host, port=port, log_level=log_level).run()


@dataclass(frozen=True)
class PublishResult:
    """What ``publish`` wrote and how to serve it."""

    directory: Path
    database: Path
    metadata: Path
    readme: Path
    command: tuple[str, ...]
    settings: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)
    queries: tuple[str, ...] = ()

    @property
    def command_line(self) -> str:
        """``command`` as one shell-quoted line."""
        return shlex.join(self.command)


def serve_command(settings: Mapping[str, Any], *, database: str = SNAPSHOT_NAME) -> tuple[str, ...]:
    """``datasette serve`` arguments that serve a published snapshot immutable with ``settings``.

    The secret is not among them: Datasette reads it from ``$DATASETTE_SECRET``.
    """
    command = ["datasette", "serve", "-i", database, "-m", METADATA_NAME]
    for key, value in settings.items():
        shown = ("on" if value else "off") if isinstance(value, bool) else str(value)
        command += ["--setting", key, shown]
    return tuple(command)


class _LiteralDumper(yaml.SafeDumper):
    """Dumps multi-line strings (the SQL) as literal blocks, so the published metadata stays readable."""


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _str_presenter)


def _snapshot(source: Path, target: Path) -> None:
    """Copy ``source`` into a new file ``target`` in one read transaction (consistent while others write)."""
    with closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as conn:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("VACUUM INTO ?", [str(target)])
    with closing(sqlite3.connect(target)) as snap:
        # Immutable readers ignore WAL files, and a snapshot is never written again: keep it one file.
        snap.execute("PRAGMA journal_mode = DELETE")
        verdict = snap.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"snapshot failed its integrity check: {verdict}")


def _readme(
    result_settings: Mapping[str, Any], command: Sequence[str], counts: Mapping[str, int], taken: str
) -> str:
    settings_args = " ".join(
        f"--setting {key} {('on' if v else 'off') if isinstance(v, bool) else v}"
        for key, v in result_settings.items()
    )
    extra = shlex.quote(settings_args)
    lines = [
        "# embedtrail snapshot",
        "",
        f"A read-only copy of an embedtrail database, taken {taken} with SQLite `VACUUM INTO` (one",
        "consistent transaction), and the Datasette metadata that describes it.",
        "",
        "| table | rows |",
        "| --- | ---: |",
        *(f"| {table} | {count:,} |" for table, count in counts.items()),
        "",
        "## Serve it",
        "",
        "Install the embedtrail plugin for the provenance pages, charts and robots.txt, then serve the file",
        "immutable (`-i`). Set `DATASETTE_SECRET` to the `[serve] secret` of embedtrail's configuration so",
        "signed cookies survive restarts; it is not written into this directory.",
        "",
        "```sh",
        f"pip install 'datasette>=0.65,<0.66' '{PLUGIN_INSTALL}'",
        f"DATASETTE_SECRET=... {shlex.join(command)}",
        "```",
        "",
        "## Hand it to `datasette publish` or `datasette package`",
        "",
        "Both serve the file immutable already; pass the same settings and install the plugin on the host:",
        "",
        "```sh",
        f"datasette publish cloudrun {SNAPSHOT_NAME} -m {METADATA_NAME} --install '{PLUGIN_INSTALL}' \\",
        f'    --extra-options {extra} --secret "$DATASETTE_SECRET"',
        f"datasette package {SNAPSHOT_NAME} -m {METADATA_NAME} --install '{PLUGIN_INSTALL}' \\",
        f'    --extra-options {extra} --secret "$DATASETTE_SECRET"',
        "```",
        "",
        "Without the plugin, add `--install datasette-block-robots` to keep crawlers out.",
        "",
        "The instance has no write endpoints: Datasette 0.65 only writes through writable canned queries,",
        "the metadata defines none, and the plugin answers 405 to any method but GET, HEAD and OPTIONS.",
        "Its pages load nothing from other hosts (a Content-Security-Policy says so to the browser too).",
        "",
    ]
    return "\n".join(lines)


class PublishError(ValueError):
    """The snapshot cannot be written there (a directory in use that ``force`` does not allow replacing)."""


# Columns of the snapshot that can name the publisher's machine: file:// URLs of saved files, the archive
# files a capture came from, the command lines of runs.
_LOCAL_URL_COLUMNS = (("articles", "url"), ("captures", "url"), ("captures", "final_url"))


def local_file_name(value: str) -> str:
    """What a ``file://`` URL becomes in anything published: ``local-file:<16 hex of its sha256>`` (stable,
    not reversible), so the publisher's folders are never named."""
    return "local-file:" + hashlib.sha256(value.encode()).hexdigest()[:16]


def without_local_paths(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` of ``table`` as it may leave the machine: its ``file://`` URLs renamed (``local_file_name``)
    and the archive file a capture came from dropped, as ``publish`` does to its snapshot."""
    cleaned = dict(row)
    for name, column in _LOCAL_URL_COLUMNS:
        value = cleaned.get(column)
        if name == table and isinstance(value, str) and value.lower().startswith("file:"):
            cleaned[column] = local_file_name(value)
    if table == "captures" and cleaned.get("archive_file"):
        cleaned["archive_file"] = None
    return cleaned


def _strip_local_paths(snapshot: Path) -> dict[str, int]:
    """Replace what names the publisher's files in ``snapshot``: ``file://`` URLs become
    ``local-file:<16 hex of their sha256>`` (stable, not reversible), archive file names and run arguments
    are dropped. Returns how many values changed per table."""
    changed: dict[str, int] = {}
    with closing(sqlite3.connect(snapshot)) as conn:
        conn.create_function("local_file", 1, local_file_name)
        schema = sqlite_schema(conn)  # "table" and "table.column" names
        for table, column in _LOCAL_URL_COLUMNS:
            if f"{table}.{column}" in schema:
                cursor = conn.execute(
                    f"update [{table}] set [{column}] = local_file([{column}]) where [{column}] like 'file:%'"
                )
                changed[table] = changed.get(table, 0) + cursor.rowcount
        if "captures.archive_file" in schema:
            cursor = conn.execute("update captures set archive_file = null where archive_file is not null")
            changed["captures"] = changed.get("captures", 0) + cursor.rowcount
        if "runs.arguments" in schema:
            changed["runs"] = conn.execute(
                "update runs set arguments = '[]' where arguments != '[]'"
            ).rowcount
        if "forgotten.requested_by" in schema:
            # A tombstone says what went and why; who on the team asked (a login name) stays private.
            changed["forgotten"] = conn.execute(
                "update forgotten set requested_by = null where requested_by is not null"
            ).rowcount
        # The full-text indexes (articles' covers its URL) are rebuilt from the cleaned rows, and VACUUM drops
        # the replaced values from free pages: nothing of the old values may linger in the file.
        for name in sorted(n for n in schema if n.endswith("_fts") and "." not in n):
            conn.execute(f"insert into [{name}] ([{name}]) values ('rebuild')")
        conn.commit()
        conn.execute("VACUUM")
    return changed


def _copy_bodies(snapshot: Path, store: Path, staged: Path) -> int:
    """Copy the stored bodies the snapshot's ``bodies`` table lists from the evidence store ``store`` into
    ``staged/bodies/`` (the store's own layout, so the plugin serves them); returns how many."""
    with closing(sqlite3.connect(f"{snapshot.resolve().as_uri()}?mode=ro", uri=True)) as snap:
        shas = [str(row[0]) for row in snap.execute("select sha256 from bodies")]
    copied = 0
    for sha in shas:
        relative = Path(BODIES_DIR) / sha[:2] / f"{sha}.zst"
        if not (store / relative).is_file():
            continue
        (staged / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(store / relative, staged / relative)
        copied += 1
    return copied


def _write_file(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all: a temporary name, fsync, rename."""
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _remove_stale_partials(directory: Path) -> None:
    """Delete what killed publishes left: ``<dir>.partial-<pid>`` directories and ``.*.partial-<pid>`` files
    of processes no longer running (a killed VACUUM INTO leaves a file as large as the database)."""
    candidates = [*directory.parent.glob(f"{directory.name}.partial-*")]
    if directory.is_dir():
        candidates += directory.glob(".*.partial-*")
    for leftover in candidates:
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and _running(int(pid)):
            continue
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _is_snapshot(directory: Path) -> bool:
    """Whether ``directory`` holds an embedtrail snapshot and nothing else (what publish may replace)."""
    names = {p.name for p in directory.iterdir()}
    return names <= {SNAPSHOT_NAME, METADATA_NAME, README_NAME, BODIES_DIR} and SNAPSHOT_NAME in names


def _swap_in(staged: Path, directory: Path) -> None:
    """Put the staged snapshot at ``directory``: an atomic exchange where the kernel has one (Linux
    renameat2), so a reader sees the old snapshot or the new one, never a mixture or none."""
    if not directory.exists():
        os.replace(staged, directory)
        return
    if not _exchange(staged, directory):
        retired = directory.with_name(f"{directory.name}.retired-{os.getpid()}")
        os.replace(directory, retired)
        os.replace(staged, directory)
        staged = retired
    shutil.rmtree(staged, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return bool(done == 0)


def publish(
    db_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    config: ServeConfig | None = None,
    *,
    force: bool = False,
    keep_paths: bool = False,
    bodies_from: Path | None = None,
) -> PublishResult:
    """Write a public snapshot of ``db_path`` into ``out_dir``: ``embedtrail.db``, ``metadata.yaml``, README.

    Everything is written into a staging directory beside ``out_dir`` first (the database with ``VACUUM
    INTO``, consistent while another process writes, switched out of WAL, integrity-checked, mode 0444;
    every file fsynced), then swapped in whole: a crash or a full disk leaves the previous snapshot as it
    was, and what a killed publish left behind is removed by the next. ``out_dir`` must be missing, empty
    or an earlier snapshot; anything else needs ``force``. Local paths are removed from the snapshot
    (``file://`` URLs, archive file names, run arguments, who asked for a forget) unless ``keep_paths``.
    The metadata holds exactly the canned queries the snapshot's schema supports. The secret is never
    written. ``bodies_from`` (an evidence store directory: ``publish --with-bodies``) copies the stored
    bodies into the snapshot's ``bodies/``. Raises FileNotFoundError for a missing ``db_path``,
    sqlite3.DatabaseError for an unreadable one, PublishError for a directory in use.
    """
    source = Path(db_path).resolve()
    if not source.is_file():
        raise FileNotFoundError(f"database not found: {db_path}")
    config = config or ServeConfig()
    directory = Path(out_dir).absolute()
    if directory.exists() and not directory.is_dir():
        raise PublishError(f"{out_dir} is not a directory")
    _remove_stale_partials(directory)
    if directory.is_dir() and any(directory.iterdir()) and not _is_snapshot(directory) and not force:
        raise PublishError(
            f"{out_dir} is not empty and holds more than an embedtrail snapshot: use --force to replace it"
        )
    directory.parent.mkdir(parents=True, exist_ok=True)
    staged = directory.with_name(f"{directory.name}.partial-{os.getpid()}")
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir()
    try:
        target = staged / SNAPSHOT_NAME
        _snapshot(source, target)
        if not keep_paths:
            _strip_local_paths(target)
        with closing(sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True)) as snap:
            schema = sqlite_schema(snap)
            counts = {
                table: int(snap.execute(f"select count(*) from [{table}]").fetchone()[0])
                for table in _COUNTED_TABLES
                if table in schema
            }
        with target.open("rb") as written:
            os.fsync(written.fileno())
        target.chmod(0o444)
        if bodies_from is not None and "bodies" in schema:
            counts["stored bodies published"] = _copy_bodies(target, bodies_from, staged)

        metadata = _without_write_queries(load_metadata())
        database = metadata.setdefault("databases", {}).setdefault(DATABASE_NAME, {})
        plugin_config = metadata.setdefault("plugins", {}).setdefault("embedtrail", {})
        queries = resolve_queries(database.get("queries"), plugin_config.pop("schema_queries", None), schema)
        database["queries"] = queries
        # Where the snapshot will be served is not known here: without configured names it answers any Host
        # (each page is cached per Host, so no request can change what another visitor sees).
        plugin_config["allowed_hosts"] = list(allowed_host_names(config)) if config.allowed_hosts else ["*"]
        if config.base_url:
            plugin_config["base_url"] = config.base_url
        _write_file(
            staged / METADATA_NAME,
            "# Datasette metadata for this embedtrail snapshot (generated by embedtrail publish).\n"
            + yaml.dump(metadata, Dumper=_LiteralDumper, sort_keys=False, allow_unicode=True, width=110),
        )
        settings = datasette_settings(config, immutable=True)
        command = serve_command(settings)
        taken = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        _write_file(staged / README_NAME, _readme(settings, command, counts, taken))
        _swap_in(staged, directory)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return PublishResult(
        directory=directory,
        database=directory / SNAPSHOT_NAME,
        metadata=directory / METADATA_NAME,
        readme=directory / README_NAME,
        command=command,
        settings=settings,
        counts=counts,
        queries=tuple(queries),
    )
