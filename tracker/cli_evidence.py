"""The evidence commands: ``verify`` (re-hash what the store keeps), ``forget`` (a takedown, with a
tombstone), ``reextract`` (run today's extractor over stored bodies) and ``export`` (a WACZ of the stored
evidence). Registered on the ``embedtrail`` group by ``tracker.cli``; the work is done in ``db.bodies``,
``tracker.reextract`` and ``tracker.export``.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from pathlib import Path

import click
from sqlite_utils import Database

from embedtrail.db.bodies import forget as forget_bodies
from embedtrail.db.bodies import open_store
from embedtrail.db.bodies import verify as verify_store
from embedtrail.db.reextraction import Comparison
from embedtrail.db.store import finish_run, start_run

from .cli import (
    EXIT_FAILURES,
    _database,
    _list_failures,
    _load_config,
    _Progress,
    _since_option,
    cli,
    config_option,
    db_option,
    silent_option,
)
from .clock import utc_now

__all__ = ["forget", "reextract", "verify"]

# How many missing or altered bodies verify names before summing up the rest.
NAMED = 20


@contextmanager
def _read_only(path: str) -> Iterator[Database]:
    """The database opened read-only, without migrating it: verify changes nothing, not even the schema."""
    if not Path(path).exists():
        raise click.ClickException(f"no database at {path}: run 'embedtrail ingest' first")
    try:
        conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise click.ClickException(f"cannot open database {path}: {error}") from error
    with closing(conn):
        yield Database(conn)


def _named_by(db: Database, sha: str) -> str:
    """Which row names a body, for a message a volunteer can follow."""
    row = db.execute("select id, article_id from captures where sha256 = ? limit 1", [sha]).fetchone()
    if row:
        return f"capture {row[0]} of article {row[1]}"
    try:
        row = db.execute("select id, post_id from checks where body_sha256 = ? limit 1", [sha]).fetchone()
    except sqlite3.OperationalError:
        row = None
    return f"check {row[0]} of post {row[1]}" if row else "no row"


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON")
@db_option
@config_option
def verify(as_json: bool, db_path: str, config_path: str | None) -> None:
    """Re-hash every stored body against the database and report missing or altered ones.

    Each body the bodies table lists is read back from the evidence store, decompressed and hashed: a
    missing file or other bytes is named with the capture or check that cites it (exit 1). Also reported,
    as explained: files no row names (left by an interrupted run), rows whose bodies were never kept
    (captured before the store existed, or while it was off or full) and forgotten bodies (a forgotten body
    still on disk is a failure: run forget again). Changes nothing, not even an old schema.
    """
    config = _load_config(config_path)
    with _read_only(db_path) as db:
        if not db["bodies"].exists():
            raise click.ClickException(
                f"{db_path} has no evidence store yet: any other embedtrail command upgrades it"
            )
        # Checked even with [store] enabled = false: what was kept before is still evidence.
        store = open_store(db, replace(config.store, enabled=True))
        if store is None:
            raise click.ClickException(f"cannot locate the evidence store of {db_path}")
        report = verify_store(db, store)
        missing = [(sha, _named_by(db, sha)) for sha in report.missing]
        altered = [(sha, why, _named_by(db, sha)) for sha, why in report.altered]
    if as_json:
        click.echo(
            json.dumps(
                {
                    "store": str(store.root),
                    "checked": report.checked,
                    "missing": [{"sha256": sha, "named_by": by} for sha, by in missing],
                    "altered": [{"sha256": sha, "problem": why, "named_by": by} for sha, why, by in altered],
                    "forgotten_still_on_disk": report.forgotten_left,
                    "unreferenced_files": report.unreferenced,
                    "partial_writes": report.partials,
                    "rows_without_kept_body": report.not_kept,
                    "forgotten": report.forgotten,
                    "ok": report.ok,
                },
                indent=2,
            )
        )
    else:
        click.echo(
            f"verified {report.checked:,} stored bodies in {store.root}: {len(missing)} missing, "
            f"{len(altered)} altered"
        )
        for sha, by in missing[:NAMED]:
            click.echo(f"missing: {sha} (named by {by})")
        for sha, why, by in altered[:NAMED]:
            click.echo(f"altered: {sha}: {why} (named by {by})")
        more = len(missing) + len(altered) - min(len(missing), NAMED) - min(len(altered), NAMED)
        if more > 0:
            click.echo(f"… and {more} more (see --json)")
        for sha in report.forgotten_left[:NAMED]:
            click.echo(f"forgotten but still on disk: {sha} (run 'embedtrail forget' again)")
        if report.unreferenced:
            click.echo(
                f"{len(report.unreferenced)} stored file(s) no row names: left by an interrupted run "
                "(the rows naming them were never committed); harmless"
            )
        if report.partials:
            click.echo(
                f"{report.partials} half-written file(s) in {store.root / 'tmp'}: left by a killed run"
            )
        for table, count in report.not_kept.items():
            click.echo(
                f"{count:,} {table} row(s) with no kept body: saved before the store existed, or while it "
                "was off or full"
            )
        if report.forgotten:
            click.echo(f"{report.forgotten:,} body(ies) forgotten on request (see the forgotten table)")
    if not report.ok:
        raise SystemExit(EXIT_FAILURES)


def _unknown(db: Database, table: str, ids: tuple[str, ...]) -> list[str]:
    return [
        value
        for value in ids
        if db.execute(f"select 1 from {table} where id = ?", [value]).fetchone() is None
    ]


@cli.command()
@click.option("--article", "articles", multiple=True, metavar="ID", help="An article whose captures go")
@click.option("--post", "posts", multiple=True, metavar="ID", help="A post whose platform answers go")
@click.option(
    "--reason", required=True, help="Why (a takedown notice, a legal request): kept in the tombstone"
)
@click.option("--by", "requested_by", default=None, help="Who asked for it (default: the current user)")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON")
@db_option
@config_option
def forget(
    articles: tuple[str, ...],
    posts: tuple[str, ...],
    reason: str,
    requested_by: str | None,
    as_json: bool,
    db_path: str,
    config_path: str | None,
) -> None:
    """Remove the stored bodies of articles or posts, for a takedown or a legal request.

    The bytes of every capture of each --article, and of every platform answer behind the checks of each
    --post, leave the evidence store; a tombstone row (the forgotten table) keeps who asked, when, why and
    which digests went, and the same content is not stored again. The rows that say what was seen and when
    (articles, captures, posts, checks) stay. Run it again after an interruption: it finishes the job.
    """
    if not articles and not posts:
        raise click.UsageError("name what to forget: --article ID or --post ID (repeatable)")
    if not reason.strip():
        raise click.BadParameter("say why, for the tombstone", param_hint="--reason")
    config = _load_config(config_path)
    with _database(db_path) as db:
        unknown = _unknown(db, "articles", articles) + _unknown(db, "posts", posts)
        if unknown:
            raise click.BadParameter(f"no such article or post: {', '.join(unknown)}")
        result = forget_bodies(
            db,
            # Located even with [store] enabled = false: what was kept before must go too.
            open_store(db, replace(config.store, enabled=True)),
            articles=articles,
            posts=posts,
            reason=reason.strip(),
            requested_by=requested_by or getpass.getuser(),
            now=utc_now(),
        )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "tombstone": result.tombstone,
                    "bodies": result.bodies,
                    "removed": result.removed,
                    "already_absent": result.absent,
                },
                indent=2,
            )
        )
        return
    click.echo(
        f"forgot {len(result.bodies)} stored body(ies) (tombstone {result.tombstone}): {result.removed} "
        f"file(s) removed, {result.absent} already absent"
    )


def _changes_line(comparison: Comparison, dry_run: bool) -> str:
    """One article's changes, e.g. ``+2 embeds, +1 mentions, 1 notes no longer found``."""
    parts = [f"+{len(ids)} {table}" for table, ids in comparison.new.items() if ids]
    parts += [f"{len(ids)} {table} no longer found" for table, ids in comparison.dropped.items() if ids]
    parts += [f"{len(ids)} {table} found again" for table, ids in comparison.found_again.items() if ids]
    if comparison.new_posts:
        parts.append(f"{len(comparison.new_posts)} new posts")
    verb = "would change" if dry_run else "changed"
    return f"{comparison.article_id}: {verb}: {', '.join(parts)}"


@cli.command()
@click.option(
    "--article", "articles", multiple=True, metavar="ID", help="An article to read again (repeatable)"
)
@click.option("--since", metavar="DATE", help="Articles with a capture taken on or after DATE")
@click.option("--outdated", is_flag=True, help="Articles last read by another extractor version than today's")
@click.option("--all", "everything", is_flag=True, help="Every article")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=None, help="Extraction worker processes (default: CPUs)"
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary and every article's changes as JSON")
@db_option
@config_option
@silent_option
def reextract(
    articles: tuple[str, ...],
    since: str | None,
    outdated: bool,
    everything: bool,
    dry_run: bool,
    workers: int | None,
    as_json: bool,
    db_path: str,
    config_path: str | None,
    silent: bool,
) -> None:
    """Run today's extractor over the stored bodies of articles already collected, with no network.

    Each chosen article's latest capture is read back from the evidence store and extracted again: new
    posts, embeds, prose credits and verification notes are added; those the extractor no longer finds are
    marked (dropped_at, dropped_by_extractor), never deleted; one transaction per article, on every core.
    Each article records the extractor version that read it (articles.extractor_version). Choose articles
    with --article (repeatable; an alias or the article's URL works too), --since, --outdated or --all
    (together: articles matching any). Exit code 1 when some articles could not be read again (their body
    is not stored, or was forgotten): each is named.
    """
    from .reextract import Selection, choose_articles, reextract_sync

    if not (articles or since or outdated or everything):
        raise click.UsageError("choose articles: --article ID, --since DATE, --outdated or --all")
    selection = Selection(articles, _since_option(since), outdated, everything)
    config = _load_config(config_path)
    with _database(db_path) as db:
        chosen, unknown = choose_articles(db, selection)
        if unknown:
            raise click.BadParameter(f"no such article: {', '.join(unknown)}", param_hint="--article")
        # Read even with [store] enabled = false: what was kept before is still there to read.
        store = open_store(db, replace(config.store, enabled=True))
        if store is None:
            raise click.ClickException(f"{db_path} has no evidence store to read bodies from")
        run = None if dry_run else start_run(db, "reextract", list(sys.argv[1:]), utc_now())
        bar = _Progress(len(chosen), "Re-extracting", silent)
        try:
            report = reextract_sync(
                db,
                store,
                config,
                chosen,
                dry_run=dry_run,
                workers=workers,
                progress=lambda article, error: bar.advance(),
            )
        finally:
            bar.close()
        errors = [{"source": f.source, "reason": f.reason} for f in report.failures]
        code = EXIT_FAILURES if report.failures else 0
        if run is not None:
            finish_run(db, run, utc_now(), report.counts(), errors, code)
    if as_json:
        click.echo(
            json.dumps(
                {
                    **report.counts(),
                    "articles_changed": [
                        {
                            "article_id": c.article_id,
                            "previous_extractor_version": c.previous_version,
                            "new": c.new,
                            "dropped": c.dropped,
                            "found_again": c.found_again,
                            "new_posts": c.new_posts,
                        }
                        for c in report.changes
                        if c.changed or c.new_posts
                    ],
                    "errors": errors,
                },
                indent=2,
            )
        )
    else:
        _list_failures(errors)
        if not silent:
            for comparison in report.changes:
                if comparison.changed or comparison.new_posts:
                    click.echo(_changes_line(comparison, dry_run))
            click.echo(report.summary())
    if code:
        click.get_current_context().exit(code)
