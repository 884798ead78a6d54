"""One libFuzzer session of one target, in a process of its own: ``python -m fuzz.worker TARGET [flags]``.

The campaign (``fuzz.campaign``) starts this, so that libFuzzer's exit on the first crash ends a session,
not the campaign. ``scrapers`` is imported under atheris' instrumentation so coverage guides the mutations.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    """Fuzz ``argv[1]`` with the libFuzzer flags that follow it; never returns (libFuzzer exits)."""
    import atheris  # type: ignore[import-untyped]  # no stubs are published

    with atheris.instrument_imports(include=["embedtrail.scrapers"]):
        import embedtrail.scrapers  # instrumented here; the targets import it lazily
        import embedtrail.scrapers.document  # noqa: F401
    from fuzz.targets import TARGETS

    target = TARGETS[argv[1]]
    atheris.Setup([argv[0], *argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
