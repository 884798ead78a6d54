"""Runs Datasette for ``embedtrail serve``: the live database, the project's metadata and plugin, uvicorn.

The database is served mutable (WAL), so ingest and refresh can write while volunteers read.
"""

from __future__ import annotations

from .config import ServeConfig

__all__ = ["serve_forever"]


def serve_forever(db_path: str, *, host: str, port: int, config: ServeConfig) -> None:
    """Serve ``db_path`` as the ``embedtrail`` database until interrupted."""
    import uvicorn

    from db.serving import make_datasette

    datasette = make_datasette(db_path, immutable=False, config=config)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on")
