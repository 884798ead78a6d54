"""Runs every benchmark in turn: ``python -m benchmarks [NAME ...]`` (default: all).

With more than one benchmark, each runs in a process of its own: the peak RSS several of them report
(``ru_maxrss``) only ever grows within a process, so a benchmark run after the extraction one would report
that one's memory as its own (the WARC source showed 371 MB "over the 300 MB goal" that way; alone, 67 MB).
"""

from __future__ import annotations

import importlib
import subprocess
import sys

BENCHMARKS = ("extraction", "evidence_bench", "refresh_bench", "warc", "datasette_bench", "queue_bench")


def main(names: list[str]) -> int:
    chosen = names or list(BENCHMARKS)
    if len(chosen) > 1:
        failed = [
            name
            for name in chosen
            if subprocess.run([sys.executable, "-m", "benchmarks", name], check=False).returncode != 0
        ]
        if failed:
            print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1 if failed else 0
    name = chosen[0]
    print(f"\n=== {name} ===", flush=True)
    module = importlib.import_module(f"benchmarks.{name}")
    module.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
