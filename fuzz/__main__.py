"""``python -m fuzz --seconds N --runs N``: a bounded fuzz campaign over every target; prints inputs tried and
crashes, exit code 1 when a crash was found. ``python -m fuzz --reproduce FILE [--target T]`` replays one
saved input through a target without atheris and shows the traceback.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from .campaign import run_campaign
from .targets import TARGETS


def main(argv: list[str] | None = None) -> int:
    """Parse options, run the campaign or the reproducer, print the report; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__)
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="time for the whole campaign (split per target)"
    )
    parser.add_argument("--runs", type=int, default=None, help="at most this many inputs per target")
    parser.add_argument(
        "--target", action="append", choices=sorted(TARGETS), help="only this target (repeat)"
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="an input slower than this is a crash")
    parser.add_argument("--work", type=Path, default=None, help="keep corpora and crash inputs here")
    parser.add_argument("--reproduce", type=Path, default=None, help="replay this saved input and exit")
    options = parser.parse_args(argv)
    targets = options.target or sorted(TARGETS)
    if options.reproduce is not None:
        data = options.reproduce.read_bytes()
        failed = 0
        for name in targets:
            try:
                TARGETS[name](data)
                print(f"{name}: ok")
            except Exception:
                failed += 1
                print(f"{name}: CRASH")
                traceback.print_exc()
        return 1 if failed else 0
    results = run_campaign(targets, options.seconds, options.runs, timeout=options.timeout, work=options.work)
    total_inputs = sum(r.inputs for r in results)
    total_crashes = sum(len(r.crashes) for r in results)
    for result in results:
        print(
            f"{result.target}: {result.inputs} inputs tried in {result.seconds:.0f}s "
            f"({result.sessions} session{'s' if result.sessions != 1 else ''}), "
            f"{len(result.crashes)} distinct crashes"
        )
        for crash in result.crashes.values():
            saved = ", ".join(crash.artifacts[:3]) or "no input saved"
            print(f"  {crash.hits}x {crash.signature}  [{saved}]")
    print(f"total: {total_inputs} inputs tried, {total_crashes} distinct crashes")
    return 1 if total_crashes else 0


if __name__ == "__main__":
    sys.exit(main())
