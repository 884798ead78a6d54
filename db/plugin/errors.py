"""Answers a visitor's malformed table URL with a 400 that says what is wrong, not a server error.

Datasette 0.65 raises a plain ``DatasetteError`` (status 500) for a sort by a column the table does not have
(``?_sort=nope``, ``?_sort_desc=nope``, both at once) and lets a malformed pagination token (``?_next=abc``)
or ``?_through=`` value escape as an uncaught exception: a typo in a shared link then reads as the instance
failing, and a monitor that alerts on 5xx pages its operator. ``handle_exception`` turns exactly those into
Datasette's own error page (or JSON) with status 400 and the same message; every other exception is left to
Datasette's handler, so a real failure still reads as one.
"""

from __future__ import annotations

from typing import Any

from ._hookimpl import hookimpl

__all__ = ["handle_exception"]

# Datasette's own wording for a sort the table cannot take (datasette/views/table.py).
_SORT_MESSAGES = ("Cannot sort table by ", "Cannot use _sort and _sort_desc at the same time")
# The table page's parameters whose malformed values reach Datasette's code unchecked.
_PARSED_PARAMETERS = frozenset({"_next", "_through"})


def _bad_request(request: Any, exception: Exception) -> str | None:
    """What the visitor got wrong, when ``exception`` is a malformed table URL's doing; else None."""
    # Datasette imports its plugins while its views are still loading: its own classes load here, when used.
    from datasette.views.base import DatasetteError

    if isinstance(exception, DatasetteError):
        message = str(exception.message)
        return message if exception.status == 500 and message.startswith(_SORT_MESSAGES) else None
    if isinstance(exception, (ValueError, KeyError, IndexError, TypeError)):
        bad = sorted(_PARSED_PARAMETERS.intersection(request.args.keys()))
        if bad:
            return f"Invalid {' or '.join(bad)} parameter: {', '.join(repr(request.args[b]) for b in bad)}"
    return None


@hookimpl
def handle_exception(datasette: Any, request: Any, exception: Exception) -> Any:
    """A 400 for a malformed table URL (see the module docstring); None for everything else."""
    message = _bad_request(request, exception)
    if message is None:
        return None
    from datasette.handle_exception import handle_exception as datasette_error_page
    from datasette.views.base import DatasetteError

    # Datasette's own handler renders it: the same template, JSON shape and headers as any of its 400s.
    return datasette_error_page(datasette, request, DatasetteError(message, title="Bad request", status=400))
