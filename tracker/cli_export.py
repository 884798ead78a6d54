"""``embedtrail export``: the command; the WACZ is written by ``tracker.export``. Registered on the
``embedtrail`` group by ``tracker.cli``.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from embedtrail.db.bodies import open_store

from .cli import _database, _load_config, cli, config_option, db_option
from .clock import utc_now
from .config import Config
from .fetch import make_client, settings_from_config

if TYPE_CHECKING:  # the WACZ writer (Datasette's snapshot rules, cdxj-indexer) loads only when export runs
    from .export import Signer

__all__ = ["export"]


def _signer(config: Config) -> Signer:
    """Sign through the configured authsign server (``[export] signing_url``, ``signing_token``), with the
    project's guarded client: POST {"hash", "created"}, and the answer is the digest's ``signedData`` when it
    signs that very hash and time."""
    url = str(config.export.signing_url)
    headers = (
        {"Authorization": f"bearer {config.export.signing_token}"} if config.export.signing_token else {}
    )

    async def ask(digest: str, created: str) -> dict[str, Any] | str:
        async with make_client(settings_from_config(config.fetch)) as client:
            response = await client.post(url, json={"hash": digest, "created": created}, headers=headers)
        if response.status_code != 200:
            return f"the signing server answered {response.status_code}"
        answer = response.json()
        if not isinstance(answer, dict) or answer.get("hash") != digest or answer.get("created") != created:
            return "the signing server signed something else"
        return answer

    def sign(digest: str, created: str) -> dict[str, Any] | str:
        try:
            return asyncio.run(ask(digest, created))
        except Exception as error:  # an unreachable or refused server: the export is kept, unsigned
            return f"{type(error).__name__}: {error}"

    return sign


@cli.command()
@click.option(
    "--article",
    "articles",
    multiple=True,
    metavar="ID",
    help="An article to export (repeatable; an older id or its URL works too)",
)
@click.option("--post", "posts", multiple=True, metavar="ID", help="A post to export (repeatable)")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The WACZ file to write (replaced whole, never left half-written)",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was exported as JSON")
@db_option
@config_option
def export(
    articles: tuple[str, ...],
    posts: tuple[str, ...],
    output: Path,
    as_json: bool,
    db_path: str,
    config_path: str | None,
) -> None:
    """Write the stored evidence of articles and posts as a WACZ file (WACZ 1.1.1).

    For each --article: every capture as it was fetched or read, and the platform answers (and kept media)
    of the posts it cites; for each --post: its platform answers and media. Each is a WARC record under its
    original URL, date and headers, beside embedtrail's own rows for them (urn:embedtrail:rows). The file
    opens in ReplayWeb.page and passes 'wacz validate'. Bodies forgotten on request or missing from the
    store are left out and named (exit 1). Nothing is fetched. With [export] signing_url set, the digest is
    signed by that authsign server (the export is kept unsigned, with a warning, when it cannot sign).
    """
    from .export import export_wacz, resolve_items

    if not articles and not posts:
        raise click.UsageError("name what to export: --article ID or --post ID (repeatable)")
    if output.suffix.lower() != ".wacz":
        raise click.BadParameter("the file name must end in .wacz", param_hint="-o/--output")
    config = _load_config(config_path)
    with _database(db_path) as db:
        found_articles, found_posts, unknown = resolve_items(db, articles, posts)
        if unknown:
            raise click.BadParameter(f"no such article or post: {', '.join(unknown)}")
        store = open_store(db, replace(config.store, enabled=True))
        signer = _signer(config) if config.export.signing_url else None
        report = export_wacz(db, store, found_articles, found_posts, output, utc_now(), signer)
    if report.not_signed is not None:
        click.echo(f"warning: {output} is not signed: {report.not_signed}", err=True)
    if as_json:
        click.echo(json.dumps(report.counts(), indent=2))
    else:
        records = (
            ", ".join(f"{count} {kind}(s)" for kind, count in sorted(report.records.items())) or "no bodies"
        )
        click.echo(f"wrote {output} ({report.bytes:,} bytes): {records}")
        for item in report.left_out:
            click.echo(f"left out: {item.sha256} ({item.named_by}): {item.reason}", err=True)
    if report.left_out:
        click.get_current_context().exit(1)
