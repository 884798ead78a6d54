"""The ``embedtrail`` command line: parses options, calls the pipeline modules, reports results.

Every command takes ``--db PATH`` (default ``$EMBEDTRAIL_DB``, else ``embedtrail.db``); commands that loop
take ``-s/--silent`` and draw progress only on a terminal. Exit codes: 0 success, 1 some sources or checks
failed (each printed with its reason and recorded in ``runs``), 2 usage error, 3 database locked by
another run.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlite_utils import Database

from embedtrail.db.bodies import store_root
from embedtrail.db.store import finish_run, open_database, start_run

from .config import Config, ConfigError, load_config

__all__ = ["cli"]

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXIT_FAILURES = 1
EXIT_LOCKED = 3
# The network was unreachable (every host failed to connect, none answered): the run stopped, nothing marked.
EXIT_OFFLINE = 4


def db_option(fn: F) -> F:
    """``--db PATH``, shared by every command."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False),
        envvar="EMBEDTRAIL_DB",
        default="embedtrail.db",
        show_default=True,
        show_envvar=True,
        help="SQLite database file",
    )(fn)


def config_option(fn: F) -> F:
    """``--config PATH``: the TOML configuration file."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False),
        default=None,
        help="TOML configuration file (default: $EMBEDTRAIL_CONFIG, else ./embedtrail.toml if present)",
    )(fn)


def silent_option(fn: F) -> F:
    """``-s/--silent``: no progress, no summary (for cron)."""
    return click.option(
        "-s", "--silent", is_flag=True, help="No progress bar and no summary line (for cron)"
    )(fn)


def queue_option(fn: F) -> F:
    """``--queue URL``: run over the Redis job queue (tracker.queue) instead of in this process."""
    return click.option(
        "--queue",
        "queue_url",
        metavar="URL",
        default=None,
        help="Hand the network work to 'embedtrail worker' processes through this Redis queue "
        "(redis://HOST:PORT/N); this process stays the only database writer",
    )(fn)


def _check_queue_url(url: str) -> None:
    from .queue_settings import parse_queue_url

    try:
        parse_queue_url(url)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--queue") from error


def _over_queue(queue_url: str, run: Callable[[Any, Any], T]) -> T:
    """Run ``run(tracker.queue, stop)`` with SIGTERM/SIGINT setting ``stop``; a bad queue URL is a usage
    error and an unreachable Redis a failure (exit 1)."""
    import threading

    import redis

    from . import queue
    from .stopping import stop_on_signals

    _check_queue_url(queue_url)
    stop = threading.Event()
    try:
        with stop_on_signals(stop):
            return run(queue, stop)
    except redis.RedisError as error:
        raise click.ClickException(f"queue unavailable at {queue_url}: {error}") from error


def _load_config(path: str | None) -> Config:
    try:
        return load_config(path)
    except ConfigError as error:
        raise click.UsageError(str(error)) from error


@contextmanager
def _database(path: str) -> Iterator[Database]:
    """Open the database (running migrations) and close it when the command ends. A write lock another
    process holds past the busy timeout, and a read-only file, end the command with a clear message (exit
    3 and 1), never a traceback."""
    try:
        db = open_database(path)
    except sqlite3.OperationalError as error:
        raise _database_error(path, error) from error
    except Exception as error:  # sqlite3.DatabaseError and OSError alike: say which file and why
        raise click.ClickException(f"cannot open database {path}: {error}") from error
    try:
        yield db
    except sqlite3.OperationalError as error:
        raise _database_error(path, error) from error
    finally:
        db.close()


class _DatabaseBusy(click.ClickException):
    """Another process kept the database's write lock longer than the busy timeout."""

    exit_code = EXIT_LOCKED


def _database_error(path: str, error: sqlite3.OperationalError) -> click.ClickException:
    message = str(error)
    if "locked" in message or "busy" in message:
        return _DatabaseBusy(
            f"database {path} is busy: another process held its write lock for more than 30 s "
            "(a large ingest or a publish?); nothing was written by this run, try again"
        )
    if "readonly" in message or "read-only" in message:
        return click.ClickException(
            f"database {path} is read-only ({message}): check the file's and its directory's permissions, "
            "or publish a snapshot to serve it read-only"
        )
    return click.ClickException(f"database {path}: {message}")


def _platform_names() -> list[str]:
    """Every platform a post can be on (the scrapers' registry): what --platform accepts."""
    from embedtrail.scrapers.registry import PLATFORMS

    return sorted(module.NAME for module in PLATFORMS)


def _known_posts(db: Database, post_ids: tuple[str, ...]) -> None:
    """A usage error naming the ``--post`` ids the database has no post for (aliases count)."""
    unknown = [
        post
        for post in post_ids
        if db.execute(
            "select 1 from posts where id = ? union all select 1 from post_aliases where alias = ?",
            [post, post],
        ).fetchone()
        is None
    ]
    if unknown:
        raise click.BadParameter(
            f"no such post: {', '.join(unknown)} (ids are platform:native_id, as in the posts table: "
            "twitter:1653711338587779072, youtube:dQw4w9WgXcQ)",
            param_hint="--post",
        )


def _http_urls(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """A usage error for an option's value that is no http(s) URL."""
    for value in values:
        if not value.lower().startswith(("http://", "https://")):
            raise click.BadParameter(f"{value!r} is not an http(s) URL")
    return values


# Failures printed one per line at the end of a run; the rest are counted (all are in runs.errors).
SHOWN_FAILURES = 20


def _list_failures(errors: list[dict[str, str]]) -> None:
    """Every failure on stderr as ``failed: SOURCE: REASON``, or the first ``SHOWN_FAILURES`` and how many
    more there are (printed with --silent too: cron mails what went wrong)."""
    for error in errors[:SHOWN_FAILURES]:
        click.echo(f"failed: {error.get('source') or '(run)'}: {error['reason']}", err=True)
    if len(errors) > SHOWN_FAILURES:
        click.echo(f"… and {len(errors) - SHOWN_FAILURES} more (see runs.errors)", err=True)


class _Progress:
    """A progress bar on stderr when it is a terminal; nothing otherwise or when silent."""

    def __init__(self, total: int, label: str, silent: bool) -> None:
        self.enabled = not silent and sys.stderr.isatty() and total > 1
        self.bar = click.progressbar(length=total, label=label, file=sys.stderr) if self.enabled else None
        if self.bar is not None:
            self.bar.__enter__()

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="embedtrail")
def cli() -> None:
    """embedtrail: keep the trail of the social-media posts and videos that news articles cite.

    Ingest articles, re-check what they cite, and publish the log with Datasette.
    """


def _read_source_file(path: str) -> list[str]:
    stream = sys.stdin if path == "-" else None
    try:
        text = stream.read() if stream else Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise click.UsageError(f"cannot read --from-file {path}: {error.strerror or error}") from error
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@cli.command()
@click.argument("sources", nargs=-1)
@click.option(
    "--from-file", "from_file", metavar="FILE", help="Read one source per line from FILE ('-' for stdin)"
)
@click.option(
    "--allow-private", is_flag=True, help="Allow fetching private, loopback and link-local addresses"
)
@click.option(
    "--workers", type=click.IntRange(1, 64), default=None, help="Extraction worker processes (default: CPUs)"
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON")
@queue_option
@db_option
@config_option
@silent_option
@click.option(
    "--feed",
    "feeds",
    multiple=True,
    callback=_http_urls,
    metavar="URL",
    help="Ingest the new articles of this RSS or Atom feed (repeatable)",
)
@click.option(
    "--sitemap",
    "sitemaps",
    multiple=True,
    callback=_http_urls,
    metavar="URL",
    help="Ingest the new pages this sitemap or sitemap index lists (repeatable)",
)
@click.option(
    "--sources",
    "all_sources",
    is_flag=True,
    help="Also read every feed and sitemap 'embedtrail sources' remembers",
)
@click.option(
    "--since",
    metavar="DATE",
    help="Skip feed and sitemap items published before DATE (2024-03-01 or an ISO time)",
)
@click.option(
    "--wayback",
    "wayback_urls",
    multiple=True,
    callback=_http_urls,
    metavar="URL",
    help="Ingest the closest Wayback Machine snapshot of this article (repeatable)",
)
@click.option(
    "--wayback-fallback",
    is_flag=True,
    help="Read an article that answers 404/410 or cannot be fetched from its closest Wayback snapshot",
)
def ingest(
    sources: tuple[str, ...],
    feeds: tuple[str, ...],
    sitemaps: tuple[str, ...],
    all_sources: bool,
    since: str | None,
    wayback_urls: tuple[str, ...],
    wayback_fallback: bool,
    from_file: str | None,
    allow_private: bool,
    workers: int | None,
    as_json: bool,
    queue_url: str | None,
    db_path: str,
    config_path: str | None,
    silent: bool,
) -> None:
    """Extract the posts and videos that articles cite, and log them.

    A SOURCE is an http(s) URL, a saved .html/.htm page, a page saved as one .mhtml/.mht or
    .webarchive file, a plain-text article (.txt), a web archive (.warc, .warc.gz, .wacz), an ArchiveBox
    snapshot folder (one page) or a directory of them (searched recursively); feed:URL, sitemap:URL and
    wayback:URL are the same as --feed, --sitemap and --wayback. Feeds and sitemaps are remembered, and
    later runs fetch only the articles they did not give before. Exit code 0 when every source succeeded,
    1 when some failed.
    """
    from dataclasses import replace

    from .clock import utc_now
    from .ingest import expand_sources, ingest_sync

    items = list(sources)
    if from_file:
        items.extend(_read_source_file(from_file))
    items.extend(f"feed:{url}" for url in feeds)
    items.extend(f"sitemap:{url}" for url in sitemaps)
    items.extend(f"wayback:{url}" for url in wayback_urls)
    if not items and not all_sources:
        raise click.UsageError(
            "give at least one SOURCE, --from-file, --feed, --sitemap, --wayback or --sources"
        )
    since_value = _since_option(since)
    config = _load_config(config_path)
    if allow_private:
        config = replace(config, fetch=replace(config.fetch, allow_private=True))
    with _database(db_path) as db:
        if all_sources:
            from embedtrail.db.sources import list_sources

            items.extend(f"{row['kind']}:{row['url']}" for row in list_sources(db))
            if not items:
                raise click.UsageError(
                    "no feeds or sitemaps remembered: add one with 'embedtrail sources add'"
                )
        run = start_run(db, "ingest", list(sys.argv[1:]), utc_now())
        expanded, _, _ = expand_sources(items)
        bar = _Progress(len(expanded), "Ingesting", silent)

        def progress(source: str, error: str | None) -> None:
            bar.advance()

        try:
            if queue_url:
                report = _over_queue(
                    queue_url,
                    lambda q, stop: q.ingest_queued(
                        db, items, config, queue_url, progress=progress, stop=stop, workers=workers
                    ),
                )
            else:
                report = ingest_sync(
                    db,
                    items,
                    config,
                    progress=progress,
                    workers=workers,
                    since=since_value,
                    wayback_fallback=wayback_fallback,
                )
        finally:
            bar.close()
        errors = [{"source": f.source, "reason": f.reason} for f in report.failures]
        warnings = [{"source": f.source, "reason": f.reason, "kind": "warning"} for f in report.notices]
        code = EXIT_FAILURES if report.failures else 0
        # Warnings are recorded with the failures (kind "warning") but do not fail the run.
        finish_run(db, run, utc_now(), report.counts(), errors + warnings, code)
    if as_json:
        click.echo(json.dumps({**report.counts(), "errors": errors, "warnings": warnings}, indent=2))
    else:
        _list_failures(errors)
        for warning in warnings[:SHOWN_FAILURES]:
            click.echo(f"warning: {warning['source']}: {warning['reason']}", err=True)
        if not silent:
            click.echo(report.summary())
    if code:
        click.get_current_context().exit(code)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON")
@db_option
def stats(as_json: bool, db_path: str) -> None:
    """Print row counts per table, and posts per platform and per status."""
    from embedtrail.db.stats import collect_stats

    if not Path(db_path).exists():
        raise click.ClickException(f"no database at {db_path}: run 'embedtrail ingest' first")
    with _database(db_path) as db:
        data = collect_stats(db)
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    click.echo("tables:")
    for table, count in data["tables"].items():
        click.echo(f"  {table:<20} {count:>8}")
    click.echo("posts by platform:")
    for platform, count in data["platforms"].items():
        click.echo(f"  {platform:<20} {count:>8}")
    click.echo("posts by status:")
    for status, count in data["statuses"].items():
        click.echo(f"  {status:<20} {count:>8}")


# Keys whose values are credentials: `embedtrail config` output ends up in bug reports and logs.
_SECRET_KEYS = frozenset({"archive_access_key", "archive_secret_key", "secret", "signing_token"})


def _mask_secrets(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (config sections) with every set secret replaced by ``"***"``; unset ones stay unset."""
    return {
        section: (
            {k: ("***" if k in _SECRET_KEYS and v not in (None, "") else v) for k, v in values.items()}
            if isinstance(values, dict)
            else values
        )
        for section, values in data.items()
    }


@cli.command(name="config")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON instead of TOML")
@config_option
def show_config(as_json: bool, config_path: str | None) -> None:
    """Print the effective configuration (defaults overlaid with the config file)."""
    config = _load_config(config_path)
    data = _mask_secrets(config.as_dict())
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"# source: {config.source or 'defaults (no config file)'}")
    for section, values in data.items():
        click.echo(f"\n[{section}]")
        for key, value in values.items():
            if value is None:
                click.echo(f"# {key} is unset")
            else:
                click.echo(f"{key} = {json.dumps(value)}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="Port to listen on"
)
@db_option
@config_option
def serve(host: str, port: int, db_path: str, config_path: str | None) -> None:
    """Serve the database with Datasette, with embedtrail's metadata, canned queries and plugin.

    The database stays live: ingest and refresh can write while it serves. It is always named
    'embedtrail', so the posts table is at /embedtrail/posts.
    """
    from embedtrail.db.serving import make_datasette
    from embedtrail.db.serving import serve as run_server

    config = _load_config(config_path)
    if not Path(db_path).exists():
        raise click.ClickException(f"no database at {db_path}: run 'embedtrail ingest' first")
    with _database(db_path):
        pass  # bring the schema up to date before Datasette reads it
    datasette = make_datasette(
        db_path,
        immutable=False,
        config=config.serve,
        bound_host=host,
        store_root=store_root(Path(db_path).resolve(), config.store) if config.store.enabled else None,
    )
    click.echo(
        f"Serving {db_path} as 'embedtrail' at http://{host}:{port}/embedtrail (Ctrl-C to stop)", err=True
    )
    try:
        run_server(datasette, host=host, port=port, log_level="warning")
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror or error}") from error


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
@db_option
@config_option
@click.option("--force", is_flag=True, help="Replace DIRECTORY even if it holds more than a snapshot")
@click.option(
    "--with-bodies", is_flag=True, help="Also publish the stored bodies (captured pages, platform answers)"
)
@click.option(
    "--keep-paths", is_flag=True, help="Keep local file paths (file:// URLs, archive names, run arguments)"
)
def publish(
    directory: str, db_path: str, config_path: str | None, force: bool, with_bodies: bool, keep_paths: bool
) -> None:
    """Write a read-only snapshot of the database for a public instance into DIRECTORY.

    DIRECTORY gets embedtrail.db (a consistent VACUUM INTO copy, safe while refresh writes), metadata.yaml
    and a README with the command line that serves it immutable, or hands it to 'datasette publish' or
    'datasette package'. The snapshot is built beside DIRECTORY and swapped in whole, so a crash or a full
    disk leaves the previous one intact. DIRECTORY must be missing, empty or an earlier snapshot (else
    --force). Local file paths are removed from the snapshot unless --keep-paths. The stored bodies (the
    evidence store: every captured page and platform answer) stay out unless --with-bodies: a page's bytes
    may hold what its publisher has since taken down, and a public instance is a republication.
    """
    from embedtrail.db.serving import publish as write_snapshot

    config = _load_config(config_path)
    if not Path(db_path).exists():
        raise click.ClickException(f"no database at {db_path}: run 'embedtrail ingest' first")
    with _database(db_path):
        pass  # a snapshot of an old schema would lack the published queries' tables
    try:
        result = write_snapshot(
            db_path,
            directory,
            config.serve,
            force=force,
            keep_paths=keep_paths,
            bodies_from=store_root(Path(db_path).resolve(), config.store) if with_bodies else None,
        )
    except (OSError, ValueError) as error:
        raise click.ClickException(f"cannot publish to {directory}: {error}") from error
    counts = ", ".join(f"{n} {t}" for t, n in result.counts.items())
    click.echo(f"Wrote {result.database} ({counts}), {result.metadata} and {result.readme}")
    click.echo("Serve it with:")
    click.echo(f"  cd {result.directory} && {result.command_line}")


@cli.command()
@click.option("--limit", type=click.IntRange(1), default=None, help="Check at most N posts (and N articles)")
@click.option(
    "--platform",
    "platforms",
    multiple=True,
    type=click.Choice(_platform_names(), case_sensitive=False),
    metavar="NAME",
    help="Only this platform (repeat)",
)
@click.option("--post", "post_ids", multiple=True, metavar="ID", help="Check this post now (repeatable)")
@click.option("--older-than", "older_than", metavar="DURATION", help="Unchecked for DURATION (30m, 6h, 2d)")
@click.option("--all", "everything", is_flag=True, help="Every post, ignoring the schedule")
@click.option("--articles", is_flag=True, help="Also re-fetch due articles and mark embeds they dropped")
@click.option("--archive", is_flag=True, help="Also look up and request Wayback snapshots (rate limited)")
@click.option("--media", is_flag=True, help="Also download the images of available posts into the store")
@click.option("--allow-private", is_flag=True, help="Allow private, loopback and link-local addresses")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON")
@queue_option
@db_option
@config_option
@silent_option
def refresh(
    limit: int | None,
    platforms: tuple[str, ...],
    post_ids: tuple[str, ...],
    older_than: str | None,
    everything: bool,
    articles: bool,
    archive: bool,
    media: bool,
    allow_private: bool,
    as_json: bool,
    queue_url: str | None,
    db_path: str,
    config_path: str | None,
    silent: bool,
) -> None:
    """Re-check the status of due posts and record what changed.

    Never-checked posts go first, then the oldest checks; unchanged posts back off up to a ceiling. A post
    only counts as gone after a second check confirms it. Exit code 0 when every check got an answer, 1
    when some failed, 3 when another refresh holds the database, 4 when the network was unreachable (no
    host could be reached and none answered: the run stops early and marks nothing). SIGTERM finishes
    in-flight checks first.
    """
    from dataclasses import replace

    from .clock import utc_now
    from .durations import parse_duration
    from .lock import DatabaseLock, LockHeld
    from .refresh import RefreshOptions, refresh_sync

    if everything and older_than:
        raise click.UsageError("--all and --older-than do not combine")
    try:
        older = parse_duration(older_than) if older_than else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--older-than") from error
    config = _load_config(config_path)
    if allow_private:
        config = replace(config, fetch=replace(config.fetch, allow_private=True))
    lock = DatabaseLock(db_path)
    try:
        lock.acquire()
    except LockHeld as held:
        click.echo(f"Error: {held}", err=True)
        click.get_current_context().exit(EXIT_LOCKED)
    try:
        with _database(db_path) as db:
            _known_posts(db, post_ids)
            run = start_run(db, "refresh", list(sys.argv[1:]), utc_now())
            options = RefreshOptions(
                limit=limit,
                platforms=platforms,
                post_ids=post_ids,
                older_than=older,
                everything=everything,
                articles=articles,
                archive=archive,
                media=media,
                run_id=run,
            )
            if queue_url:
                report = _over_queue(
                    queue_url, lambda q, stop: q.refresh_queued(db, config, options, queue_url, stop=stop)
                )
            else:
                bar: _Progress | None = None

                def on_start(total: int) -> None:
                    nonlocal bar
                    bar = _Progress(total, "Refreshing", silent)

                def advance() -> None:
                    if bar is not None:
                        bar.advance()

                try:
                    report = refresh_sync(
                        db, config, options, handle_signals=True, progress=advance, on_start=on_start
                    )
                finally:
                    if bar is not None:
                        bar.close()
            failed = EXIT_FAILURES if report.errors else 0
            code = EXIT_OFFLINE if report.unreachable is not None else failed
            finish_run(db, run, utc_now(), report.counts(), report.errors, code)
    finally:
        lock.release()
    if as_json:
        click.echo(json.dumps({**report.counts(), "error_list": report.errors}, indent=2))
    else:
        if report.unreachable is not None:
            click.echo(f"Error: {report.unreachable}; nothing was marked", err=True)
        _list_failures([e for e in report.errors if e.get("kind") != "network"])
        if not silent:
            click.echo(report.summary())
    if code:
        click.get_current_context().exit(code)


@cli.command()
@click.option("--allow-private", is_flag=True, help="Allow private, loopback and link-local addresses")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON")
@config_option
def doctor(allow_private: bool, as_json: bool, config_path: str | None) -> None:
    """Check every checker against its canary post ([canaries] in the config) and say which work.

    Each is ok, UNREACHABLE (its host could not be connected to) or BROKEN (it answered, but not as the
    checker expects: the platform changed its answers, or blocks us). Exit code 1 when one is broken or
    unreachable, 4 when no host could be reached at all (the network, not the platforms).
    """
    import asyncio
    from dataclasses import asdict, replace

    from .doctor import doctor as run_doctor

    config = _load_config(config_path)
    if allow_private:
        config = replace(config, fetch=replace(config.fetch, allow_private=True))
    diagnosis = asyncio.run(run_doctor(config))
    results = diagnosis.results
    if as_json:
        click.echo(json.dumps([{**asdict(r), "state": r.state} for r in results], indent=2))
    else:
        for r in results:
            line = f"{r.checker:<12} {r.state:<11} {r.status:<10} {r.elapsed_ms:>6} ms  {r.detail}  <{r.url}>"
            click.echo(line)
    if diagnosis.unreachable is not None:
        click.echo(f"Error: {diagnosis.unreachable}: no checker could be judged", err=True)
        click.get_current_context().exit(EXIT_OFFLINE)
    broken = [r.checker for r in results if not r.ok and not r.unreachable]
    unreachable = [r.checker for r in results if r.unreachable]
    if broken or unreachable:
        parts = [f"broken: {', '.join(broken)}"] if broken else []
        parts += [f"unreachable: {', '.join(unreachable)}"] if unreachable else []
        raise click.ClickException("; ".join(parts))


# --- inputs volunteers already have: remembered feeds and sitemaps ---


def _since_option(value: str | None) -> str | None:
    """``--since`` as ISO 8601 UTC (a bare date stays a date); a usage error if it is no date."""
    if value is None:
        return None
    from embedtrail.scrapers.times import parse_date

    parsed = parse_date(value) if value[:4].isdigit() else None
    if parsed is None:
        raise click.BadParameter(
            f"{value!r} is not a date (2024-03-01 or 2024-03-01T12:00:00Z)", param_hint="--since"
        )
    return parsed if len(parsed) == 10 or parsed.endswith("Z") else parsed + "Z"


@cli.group(name="sources")
def sources_group() -> None:
    """Remember feeds and sitemaps for 'embedtrail ingest --sources' (for a cron job)."""


@sources_group.command(name="add")
@click.argument("urls", nargs=-1, required=True)
@click.option("--kind", type=click.Choice(["feed", "sitemap"]), required=True, help="What the URLs are")
@db_option
def sources_add(urls: tuple[str, ...], kind: str, db_path: str) -> None:
    """Remember each URL as a feed or sitemap; 'ingest --sources' reads them all."""
    from embedtrail.db.sources import add_source

    from .clock import utc_now

    for url in urls:
        if not url.lower().startswith(("http://", "https://")):
            raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URLS")
    with _database(db_path) as db:
        for url in urls:
            added = add_source(db, url, kind, utc_now())
            click.echo(f"{'added' if added else 'already there'}: {kind} {url}")


@sources_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON")
@db_option
def sources_list(as_json: bool, db_path: str) -> None:
    """List the remembered feeds and sitemaps, when each was last read and how many articles it gave."""
    from embedtrail.db.sources import list_sources

    with _database(db_path) as db:
        rows = list_sources(db)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no feeds or sitemaps remembered")
        return
    for row in rows:
        checked = row["last_checked_at"] or "never read"
        status = row["last_status"] or "-"
        click.echo(
            f"{row['kind']:<8} {row['items_seen']:>6} items  {checked:<20}  {status:<12}  {row['url']}"
        )


@sources_group.command(name="remove")
@click.argument("urls", nargs=-1, required=True)
@db_option
def sources_remove(urls: tuple[str, ...], db_path: str) -> None:
    """Forget each feed or sitemap URL and the articles it gave (the articles stay)."""
    from embedtrail.db.sources import remove_source

    missing = []
    with _database(db_path) as db:
        for url in urls:
            if remove_source(db, url):
                click.echo(f"removed: {url}")
            else:
                missing.append(url)
    if missing:
        raise click.ClickException(f"not a remembered source: {', '.join(missing)}")


def _required_queue_option(fn: F) -> F:
    return click.option(
        "--queue",
        "queue_url",
        metavar="URL",
        required=True,
        help="Redis URL of the queue (redis://HOST:PORT/N)",
    )(fn)


@cli.command()
@_required_queue_option
@click.option(
    "--threads", type=click.IntRange(1, 256), default=8, show_default=True, help="Jobs in flight at once"
)
@click.option("--allow-private", is_flag=True, help="Allow private, loopback and link-local addresses")
@config_option
def worker(queue_url: str, threads: int, allow_private: bool, config_path: str | None) -> None:
    """Do check and ingest jobs from the queue until stopped: fetch, check or extract, send results back.

    Start any number, on any machine; a worker never opens the database. Per-host limits and 429 pauses
    ([limits] in the config) are shared by all workers through Redis. SIGTERM finishes jobs in flight and
    puts the rest back on the queue.
    """
    from dataclasses import replace

    from .queue_worker import run_worker

    _check_queue_url(queue_url)
    config = _load_config(config_path)
    if allow_private:
        config = replace(config, fetch=replace(config.fetch, allow_private=True))
    click.echo(f"worker taking jobs from {queue_url} with {threads} threads (Ctrl-C to stop)", err=True)
    try:
        run_worker(queue_url, config, threads=threads, handle_signals=True)
    except Exception as error:  # redis errors at start-up, mostly: say which queue
        raise click.ClickException(f"worker stopped: {type(error).__name__}: {error}") from error


@cli.group(name="queue")
def queue_group() -> None:
    """Inspect the job queue that 'refresh --queue' and 'ingest --queue' use, and re-queue failed jobs."""


@queue_group.command(name="status")
@_required_queue_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON")
def queue_status_command(queue_url: str, as_json: bool) -> None:
    """Show messages per queue (waiting, taken, delayed for retry, dead letters) and jobs per host (queued,
    running, done awaiting the writer, applied, failed) and per worker."""
    import redis

    from .queue_admin import queue_status

    _check_queue_url(queue_url)
    try:
        status = queue_status(queue_url)
    except redis.RedisError as error:
        raise click.ClickException(f"queue unavailable at {queue_url}: {error}") from error
    if as_json:
        click.echo(json.dumps(status.as_dict(), indent=2, sort_keys=True))
        return
    click.echo(f"{'queue':<10} {'waiting':>8} {'taken':>8} {'delayed':>8} {'dead':>8}")
    for name, counts in status.queues.items():
        waiting, taken, delayed, dead = (counts[k] for k in ("waiting", "taken", "delayed", "dead"))
        click.echo(f"{name:<10} {waiting:>8} {taken:>8} {delayed:>8} {dead:>8}")
    click.echo(f"\n{'host':<28} {'queued':>7} {'running':>7} {'done':>7} {'applied':>8} {'failed':>7}")
    for host, c in status.hosts.items():
        click.echo(
            f"{host:<28} {c['queued']:>7} {c['running']:>7} {c['done']:>7} {c['applied']:>8} {c['failed']:>7}"
        )
    click.echo(f"\n{'worker':<28} {'state':>6} {'seen':>7} {'running':>7} {'finished':>8} {'failed':>7}")
    for name, w in status.workers.items():
        state = "alive" if w.get("alive") else "gone"
        seen = f"{w['last_seen_seconds']:.0f}s" if "last_seen_seconds" in w else "-"
        click.echo(f"{name:<28} {state:>6} {seen:>7} {w['running']:>7} {w['finished']:>8} {w['failed']:>7}")
    click.echo(f"\n{status.open_jobs} open job{'s' if status.open_jobs != 1 else ''}")


@queue_group.command(name="retry")
@_required_queue_option
def queue_retry_command(queue_url: str) -> None:
    """Put every dead-lettered job back on its queue, with fresh retries."""
    import redis

    from .queue_admin import retry_failed

    _check_queue_url(queue_url)
    try:
        count = retry_failed(queue_url)
    except redis.RedisError as error:
        raise click.ClickException(f"queue unavailable at {queue_url}: {error}") from error
    click.echo(f"re-queued {count} failed job{'s' if count != 1 else ''}")


# The evidence commands (verify, forget, reextract, export) live in their own module and register on `cli`.
from . import cli_evidence, cli_explain, cli_export  # noqa: E402, F401
