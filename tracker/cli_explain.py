"""``embedtrail explain SOURCE``: why a page yields what it yields, candidate by candidate, with no database
write. The page is read as ``ingest`` reads it (a URL through the guarded client, a saved page or a text
dump); ``scrapers.explain`` gives the decisions. Registered on the ``embedtrail`` group by ``tracker.cli``.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import click

from embedtrail.scrapers import parse_html, parse_text
from embedtrail.scrapers.document import ParsedDocument, decode_html
from embedtrail.scrapers.explain import as_json, explain

from .cli import _load_config, cli, config_option
from .config import Config
from .refetch import ARTICLE_TYPES
from .sources import archivebox, mhtml, webarchive
from .sources.base import Failure, document_kind, load_saved, read_capped
from .sources.files import EXTENSIONS, saved_page

__all__ = ["explain_command"]


async def _fetch(url: str, config: Config) -> tuple[bytes, str, str | None]:
    from .fetch import Fetcher, FetchError, settings_from_config

    async with Fetcher(settings_from_config(config.fetch)) as fetcher:
        result = await fetcher.get(url, content_types=ARTICLE_TYPES)
    if isinstance(result, FetchError):
        raise click.ClickException(f"{url}: {result.explained()}")
    return result.body, result.final_url, result.content_type


def _document(source: str, config: Config) -> ParsedDocument:
    if "://" in source:
        if not source.lower().startswith(("http://", "https://")):
            raise click.BadParameter("a URL must be http(s)", param_hint="SOURCE")
        body, url, content_type = asyncio.run(_fetch(source, config))
        kind = document_kind(content_type)
    else:
        path = Path(source)
        found = archivebox.snapshot(path) if path.is_dir() else None
        if found is not None and found.page is not None:
            read = read_capped(str(found.page), config.fetch.max_bytes)
            if isinstance(read, Failure):
                raise click.BadParameter(read.reason, param_hint="SOURCE")
            body, _noted = saved_page(read, found.page)
            return parse_html(body, found.url)
        if not path.is_file():
            raise click.BadParameter(f"no such file: {source}", param_hint="SOURCE")
        suffix = path.suffix.lower()
        for saved in (mhtml, webarchive):
            if saved.claims(source):
                return _saved_copy(path, config, saved)
        if suffix not in EXTENSIONS:
            raise click.BadParameter(
                "explain reads one page: a URL, a saved .html/.htm/.mhtml/.webarchive page or a .txt dump, "
                f"not {suffix or 'this'}",
                param_hint="SOURCE",
            )
        if path.stat().st_size > config.fetch.max_bytes:
            raise click.BadParameter(f"{source} is over [fetch] max_bytes", param_hint="SOURCE")
        body, content_type, noted = path.read_bytes(), None, None
        kind = EXTENSIONS[suffix]
        if kind == "html":
            body, noted = saved_page(body, path)
        url = noted or path.resolve().as_uri()
    if kind == "text":
        decoded, _encoding = decode_html(body, content_type)
        return parse_text(decoded, url)
    return parse_html(body, url, content_type)


def _saved_copy(path: Path, config: Config, saved: ModuleType) -> ParsedDocument:
    """A page saved into one file (MHTML, Safari's web archive), read as ``ingest`` reads it."""
    page = load_saved(str(path), config.fetch.max_bytes, saved.FILE_FACTOR, saved.WHAT, saved.unpack)
    if isinstance(page, Failure):
        raise click.BadParameter(page.reason, param_hint="SOURCE")
    return parse_html(page.body, page.url or path.resolve().as_uri(), page.content_type)


@cli.command(name="explain")
@click.argument("source")
@click.option("--json", "as_json_output", is_flag=True, help="One JSON object per candidate")
@click.option(
    "--allow-private", is_flag=True, help="Allow fetching private, loopback and link-local addresses"
)
@config_option
def explain_command(source: str, as_json_output: bool, allow_private: bool, config_path: str | None) -> None:
    """Show every post and profile candidate in a page and what the extractor did with each, and why.

    SOURCE is an http(s) URL, a saved .html/.htm page, a page saved as one .mhtml/.mht or .webarchive
    file, an ArchiveBox snapshot folder (its saved page) or a plain-text article (.txt). Candidates come in
    document order: the URL, the platform and post id it maps to, the zone it sits in (content, neutral,
    aside, boilerplate) and the element that decided the zone, the decision (embed, link, text, account, or
    dropped) and the rule behind it. Nothing is written to any database.
    """
    config = _load_config(config_path)
    if allow_private:
        config = replace(config, fetch=replace(config.fetch, allow_private=True))
    candidates = explain(_document(source, config))
    if as_json_output:
        click.echo(as_json(candidates))
        return
    if not candidates:
        click.echo("no candidate: the page names no post or profile embedtrail recognises")
        return
    for candidate in candidates:
        zone = candidate.zone + (f" ({candidate.decided_by})" if candidate.decided_by else "")
        where = f"[{zone}; {candidate.found_in}]"
        click.echo(f"{candidate.position:>6}  {candidate.decision:<8} {candidate.post_id}  {where}")
        click.echo(f"        {candidate.reason}  {candidate.url}")
    logged = sum(1 for candidate in candidates if candidate.decision in {"embed", "link", "text"})
    click.echo(f"{len(candidates)} candidate(s), {logged} logged as posts")
