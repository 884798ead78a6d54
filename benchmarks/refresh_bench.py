"""Refresh throughput against the latency bound: check N posts on the fake platform server answering after a
fixed delay, at several concurrencies; print checks/s next to the ideal (concurrency / latency), the client's
CPU time per check and its peak memory.

The fake server (tests/fakeplatform.py, asyncio front end: a timer per answer, no thread per request) runs in
a process of its own, so its CPU is not charged to the client; its CPU time is printed too, to show it is not
the limit. ``python -m benchmarks refresh_bench`` runs the defaults; the script takes options:

    .venv/bin/python benchmarks/refresh_bench.py [--posts 10000] [--latency 0.05] [--concurrency 16 64 256]
        [--repeat 1] [--profile out.prof]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from embedtrail.db.store import open_database, save_extraction  # noqa: E402
from embedtrail.scrapers.records import ArticleMeta, Capture, Embed, Extraction, Post  # noqa: E402
from embedtrail.tracker.config import load_config  # noqa: E402
from embedtrail.tracker.refresh import RefreshOptions, refresh_sync  # noqa: E402

__all__ = ["run"]


def _serve(latency: float, ready: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from fakeplatform import FakePlatform

    fake = FakePlatform(delay=latency)
    fake.serve_forever_async(ready=lambda base: ready.put((base, fake.endpoints_toml())))


def _seed(db_path: str, posts: int) -> None:
    db = open_database(db_path)
    now = "2024-01-01T00:00:00Z"
    for start in range(0, posts, 500):
        batch = [
            Post(
                f"twitter:{10**17 + n}",
                "twitter",
                "post",
                f"https://x.com/i/status/{10**17 + n}",
                str(10**17 + n),
            )
            for n in range(start, min(start + 500, posts))
        ]
        url = f"https://news.example/{start}"
        extraction = Extraction(
            ArticleMeta(url),
            posts=tuple(batch),
            embeds=tuple(Embed(p.id, "blockquote", i) for i, p in enumerate(batch)),
        )
        save_extraction(db, Capture(url, url, now, 200, "text/html", 1, url, "http"), extraction, now)
    db.close()


def _cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU of this process, or of ``pid`` from /proc (0.0 where /proc is missing)."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_wait_seconds() -> float:
    """Time this process's main thread (the event loop) was ready to run but waited for a CPU (Linux
    schedstat; 0.0 elsewhere): on a shared machine this, not the client, can be what caps the rate."""
    try:
        return int(Path("/proc/thread-self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def _reset_peak_rss() -> bool:
    """Reset this process's peak RSS (Linux: writing 5 to clear_refs), so each run reports its own peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_rss_mib(resettable: bool) -> float:
    if resettable:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True)
class _Measure:
    checks: int
    seconds: float
    client_cpu: float
    cpu_wait: float
    server_cpu: float
    peak_mib: float
    errors: int


def _one(
    work: Path, template: str, config_path: Path, concurrency: int, tag: str, server_pid: int | None
) -> _Measure:
    db_path = str(work / f"run-{concurrency}-{tag}.db")
    Path(db_path).write_bytes(Path(template).read_bytes())
    config = load_config(config_path)
    config = replace(
        config,
        limits=replace(config.limits, concurrency=concurrency, per_host_concurrency=concurrency),
    )
    db = open_database(db_path)
    resettable = _reset_peak_rss()
    cpu, server_cpu, wait = _cpu_seconds(), _cpu_seconds(server_pid), _cpu_wait_seconds()
    began = time.perf_counter()
    report = refresh_sync(db, config, RefreshOptions(), now=lambda: "2024-03-01T00:00:00Z")
    seconds = time.perf_counter() - began
    measure = _Measure(
        report.checked,
        seconds,
        _cpu_seconds() - cpu,
        _cpu_wait_seconds() - wait,
        _cpu_seconds(server_pid) - server_cpu,
        _peak_rss_mib(resettable),
        report.failed,
    )
    db.close()
    Path(db_path).unlink()
    return measure


def run(argv: list[str] | None = None) -> None:
    """Seed a database, start the fake server in its own process, refresh at each concurrency, print the
    table (median of ``--repeat`` runs, with the spread of checks/s)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64, 256])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", help="write a cProfile of the client's runs to this file")
    args = parser.parse_args([] if argv is None else argv)

    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=_serve, args=(args.latency, ready), daemon=True)
    server.start()
    try:
        base, endpoints = ready.get(timeout=30)
        work = Path(tempfile.mkdtemp(prefix="refresh-bench-"))
        config_path = work / "bench.toml"
        config_path.write_text(endpoints + "[fetch]\nallow_private = true\n", encoding="utf-8")
        template = str(work / "template.db")
        started = time.perf_counter()
        _seed(template, args.posts)
        print(
            f"seeded {args.posts} posts in {time.perf_counter() - started:.1f}s; server {base} "
            f"(own process), latency {args.latency * 1000:.0f} ms, {os.cpu_count()} CPUs, "
            f"median of {args.repeat} run(s)"
        )
        print(
            f"{'concurrency':>11} {'checks/s':>9} {'ideal/s':>8} {'of ideal':>8} {'spread':>11} "
            f"{'client CPU/check':>16} {'CPU bound/s':>11} {'client core':>11} {'CPU wait':>8} "
            f"{'server CPU/req':>14} {'peak RSS':>9}"
        )
        profiler = None
        if args.profile:
            import cProfile

            # CPU time, not wall time: the machine may be shared, and time spent descheduled is not ours.
            profiler = cProfile.Profile(time.process_time)
        for concurrency in args.concurrency:
            measures = []
            for attempt in range(args.repeat):
                if profiler is not None:
                    profiler.enable()
                measures.append(_one(work, template, config_path, concurrency, str(attempt), server.pid))
                if profiler is not None:
                    profiler.disable()
            rates = [m.checks / m.seconds for m in measures]
            rate = statistics.median(rates)
            ideal = concurrency / args.latency
            checks = sum(m.checks for m in measures) or 1
            client_ms = 1000 * sum(m.client_cpu for m in measures) / checks
            server_ms = 1000 * sum(m.server_cpu for m in measures) / checks
            errors = sum(m.errors for m in measures)
            # "CPU bound" is the rate one whole core would allow at this CPU cost per check; "client core" is
            # the share of a core the client actually got; "CPU wait" the share of the run its event loop was
            # ready but waited for a CPU other processes held. Low "client core" with high "CPU wait" means a
            # shared machine, not the client, capped the rate.
            seconds = sum(m.seconds for m in measures) or 1.0
            core = sum(m.client_cpu for m in measures) / seconds
            waited = sum(m.cpu_wait for m in measures) / seconds
            print(
                f"{concurrency:>11} {rate:>9.0f} {ideal:>8.0f} {rate / ideal:>8.0%} "
                f"{min(rates):>5.0f}-{max(rates):<5.0f} {client_ms:>13.2f} ms "
                f"{1000 / client_ms if client_ms else 0:>11.0f} {core:>11.0%} {waited:>8.0%} "
                f"{server_ms:>11.2f} ms "
                f"{max(m.peak_mib for m in measures):>5.0f} MiB" + (f"  errors {errors}" if errors else "")
            )
        if profiler is not None:
            profiler.dump_stats(args.profile)
            print(f"profile written to {args.profile}")
    finally:
        server.terminate()
        server.join(5)


if __name__ == "__main__":
    run(sys.argv[1:])
