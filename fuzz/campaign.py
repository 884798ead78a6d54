"""A bounded fuzz campaign: every target for a share of ``--seconds`` (and at most ``--runs`` inputs each),
restarted after each crash so one crash does not end the search, with crashes grouped by where they happen.

Seeds are the saved snippet pages, the seed article and the first 8 KiB of a dozen saved corpus pages, so
the fuzzer starts from real publisher markup instead of empty input.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Crash", "TargetResult", "run_campaign", "write_seeds"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# After this many crashes of one target the rest of its time would only rediscover them.
MAX_SESSIONS = 25
_STATUS = re.compile(r"^#(\d+)\s", re.M)
_DONE = re.compile(r"Done (\d+) runs in")
_ARTIFACT = re.compile(r"Test unit written to (\S+)")


@dataclass
class Crash:
    """One distinct crash: its signature (exception and innermost frame, or ``timeout``/``oom``), how many
    times it was hit, and the inputs libFuzzer saved for it."""

    signature: str
    hits: int = 0
    artifacts: list[str] = field(default_factory=list)


@dataclass
class TargetResult:
    """What fuzzing one target did."""

    target: str
    inputs: int = 0
    seconds: float = 0.0
    sessions: int = 0
    crashes: dict[str, Crash] = field(default_factory=dict)


def write_seeds(directory: Path) -> int:
    """Fill ``directory`` with seed inputs (first byte: a content-type choice); returns how many."""
    directory.mkdir(parents=True, exist_ok=True)
    sources = sorted((FIXTURES / "snippets").glob("*")) + sorted((FIXTURES / "seed").glob("*"))
    pages = sorted((FIXTURES / "pages").glob("*.html"))
    count = 0
    for path in sources:
        (directory / f"seed-{path.name}").write_bytes(b"\x00" + path.read_bytes())
        count += 1
    for path in pages[:: max(1, len(pages) // 12)]:
        (directory / f"head-{path.name}").write_bytes(b"\x02" + path.read_bytes()[:8192])
        count += 1
    return count


def _signature(output: str) -> str:
    if "ALARM: working on the last Unit" in output or "ERROR: libFuzzer: timeout" in output:
        return "timeout"
    if "out-of-memory" in output:
        return "oom"
    frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)', output)
    ours = [f for f in frames if "/scrapers/" in f[0] or "/fuzz/" in f[0]] or frames
    lines = [
        line for line in output.splitlines() if re.match(r"^[A-Za-z_.]+(Error|Exception|Broken)\b", line)
    ]
    where = f"{Path(ours[-1][0]).name}:{ours[-1][1]} in {ours[-1][2]}" if ours else "?"
    # Quoted values differ between inputs that fail the same way: group by the message's shape.
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "…", lines[-1]) if lines else "crash"
    return f"{message} at {where}"


def _session(
    target: str, corpus: Path, artifacts: Path, seconds: float, runs: int | None, timeout: float, max_len: int
) -> tuple[int, str, int]:
    flags = [
        f"-max_total_time={max(1, int(seconds))}",
        f"-timeout={max(1, int(timeout))}",
        f"-max_len={max_len}",
        "-rss_limit_mb=2048",
        f"-artifact_prefix={artifacts}/{target}-",
        "-print_final_stats=1",
    ]
    if runs is not None:
        flags.append(f"-runs={runs}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.run(
        [sys.executable, "-m", "fuzz.worker", target, *flags, str(corpus)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=seconds + timeout + 120,  # a bound against a hung session; libFuzzer keeps to its own
    )
    output = process.stdout + process.stderr
    done = _DONE.search(output)
    executed = re.search(r"stat::number_of_executed_units:\s*(\d+)", output)
    counts = [int(n) for n in _STATUS.findall(output)]
    tried = int(executed.group(1)) if executed else int(done.group(1)) if done else max(counts, default=0)
    return tried, output, process.returncode


def run_campaign(
    targets: Sequence[str],
    seconds: float,
    runs: int | None = None,
    *,
    timeout: float = 10.0,
    max_len: int = 65536,
    work: Path | None = None,
    log: bool = True,
) -> list[TargetResult]:
    """Fuzz each of ``targets`` for ``seconds / len(targets)`` seconds and at most ``runs`` inputs.

    ``work`` keeps the corpora and crash inputs (``work/corpus-TARGET``, ``work/artifacts``); by default a
    temporary directory that is removed afterwards, unless a crash was found.
    """
    temporary = work is None
    base = Path(tempfile.mkdtemp(prefix="embedtrail-fuzz-")) if work is None else work
    artifacts = base / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    results = []
    share = seconds / max(1, len(targets))
    for target in targets:
        corpus = base / f"corpus-{target}"
        if not corpus.exists() or not any(corpus.iterdir()):
            write_seeds(corpus)
        result = TargetResult(target)
        started = time.monotonic()
        while result.sessions < MAX_SESSIONS:
            left = share - (time.monotonic() - started)
            remaining_runs = None if runs is None else runs - result.inputs
            if left < 1 or (remaining_runs is not None and remaining_runs <= 0):
                break
            tried, output, code = _session(target, corpus, artifacts, left, remaining_runs, timeout, max_len)
            result.sessions += 1
            result.inputs += tried
            if code == 0:
                break
            signature = _signature(output)
            crash = result.crashes.setdefault(signature, Crash(signature))
            crash.hits += 1
            crash.artifacts += _ARTIFACT.findall(output)
            if log:
                print(f"  {target}: crash: {signature}", file=sys.stderr, flush=True)
        result.seconds = time.monotonic() - started
        results.append(result)
    if temporary and not any(r.crashes for r in results):
        import shutil

        shutil.rmtree(base, ignore_errors=True)
    return results


def digest(path: str) -> str:
    """Short sha256 of a saved input, for naming it in a report."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
