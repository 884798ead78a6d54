"""Runs every benchmark in turn: ``python -m benchmarks [NAME ...]`` (default: all)."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("extraction", "evidence_bench", "refresh_bench", "warc", "datasette_bench", "queue_bench")


def main(names: list[str]) -> None:
    for name in names or list(BENCHMARKS):
        print(f"\n=== {name} ===")
        module = importlib.import_module(f"benchmarks.{name}")
        module.run()


if __name__ == "__main__":
    main(sys.argv[1:])
