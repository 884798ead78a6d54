"""``python -m tracker`` runs the embedtrail command line."""

from .cli import cli

cli()
