"""Coverage-guided fuzzing (atheris/libFuzzer) of what reads strangers' pages: the HTML and text parsers and
every platform extractor behind ``scrapers.extract``.

``python -m fuzz --seconds N --runs N`` runs a bounded campaign over every target (see ``fuzz.campaign``);
each target is one module here with a ``test_one_input(data)`` that raises on a broken invariant. A crash is
an uncaught exception, a record that breaks what ``db.store`` relies on, or an input slower than
``--timeout`` seconds; libFuzzer writes the input that did it into the artifacts directory.
"""

from .targets import TARGETS, check_extraction

__all__ = ["TARGETS", "check_extraction"]
