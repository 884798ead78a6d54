"""Sets up what every embedtrail page relies on: Jinja filters for the plugin's templates, connection
pragmas, and a warning at startup when no database is served under the name ``embedtrail``.
"""

from __future__ import annotations

import logging
from typing import Any

from datasette.utils import tilde_encode

from embedtrail.db.checks import GONE_STATUSES

from ._hookimpl import hookimpl
from ._html import (
    article_path,
    badge,
    key_links,
    link,
    link_list,
    provenance_path,
    source_link,
    utc_time,
)
from .schema import DATABASE_NAME
from .tables import arrange, clamp

__all__ = ["prepare_connection", "prepare_jinja2_environment", "startup"]

log = logging.getLogger(__name__)

# How long a read waits on a lock the writer holds. WAL readers rarely wait at all, but a checkpoint or the
# first read after a crash can briefly need one; waiting beats showing volunteers an error page.
BUSY_TIMEOUT_MS = 5000
# Read the file through a memory map instead of a read() system call per page: on a database of gigabytes
# an aggregate over millions of rows spent two thirds of its time in those calls (32 s against 16 s for
# the charts' citations pass). SQLite caps this at its compile-time maximum (2 GiB by default). The live
# file is only ever appended to and checkpointed, never truncated under readers (publish VACUUMs INTO a
# new file), which is what makes a map safe.
MMAP_SIZE = 2 * 1024 * 1024 * 1024


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    """Filters the plugin's templates use; each escapes its input and links only http(s) URLs."""
    env.filters["et_link"] = link
    env.filters["et_source"] = source_link
    env.filters["et_links"] = link_list
    env.filters["et_time"] = utc_time
    env.filters["et_badge"] = badge
    env.filters["et_tilde"] = lambda value: tilde_encode(str(value))
    env.filters["et_provenance"] = lambda post_id: provenance_path(
        str(post_id), datasette.setting("base_url") or "/"
    )
    env.filters["et_article"] = lambda article_id: article_path(
        str(article_id), datasette.setting("base_url") or "/"
    )
    env.globals["et_gone_statuses"] = sorted(GONE_STATUSES)
    env.filters["et_arrange"] = arrange
    env.filters["et_clamp"] = clamp
    env.filters["et_key_links"] = lambda key, table: key_links(
        key, table, datasette.setting("base_url") or "/"
    )


@hookimpl
def prepare_connection(conn: Any, database: str, datasette: Any) -> None:
    """Let reads of the live database wait briefly for a writer instead of failing, through a memory map."""
    if database == DATABASE_NAME:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")


@hookimpl
def startup(datasette: Any) -> None:
    """Warn when the plugin's pages have no database to read (served under another name)."""
    if DATABASE_NAME not in datasette.databases:
        log.warning(
            "embedtrail plugin: no database named %r; serve it with db.serving.make_datasette "
            "or as embedtrail.db",
            DATABASE_NAME,
        )
