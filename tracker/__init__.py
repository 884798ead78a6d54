"""Orchestration and I/O: the command line, the ingest and refresh pipelines, fetching and configuration."""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__: list[str] = []
