"""The database: schema and migrations, every write, and the Datasette metadata and plugin.

``db`` is the only package that writes to SQLite. It receives records from ``scrapers`` and never reaches
back upstream.
"""

import logging

from .migrations import migrate
from .store import SaveResult, finish_run, open_database, save_extraction, start_run

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["SaveResult", "finish_run", "migrate", "open_database", "save_extraction", "start_run"]
