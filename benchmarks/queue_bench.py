"""Refresh over the Redis queue: throughput with 1, 2 and 4 worker processes against the fake platform
server answering after 50 ms, the scaling ratio against one worker, and the coordinator's write rate
(results applied per second of write time). Starts its own redis-server (tests/redisserver.py).

This machine has 2 cores shared by the coordinator, the workers, Redis and the fake server, so scaling
flattens well before the latency bound; on separate machines each worker brings its own cores.

    .venv/bin/python benchmarks/queue_bench.py [--posts 2000] [--latency 0.05] [--workers 1 2 4]
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from embedtrail.db.store import open_database, save_extraction  # noqa: E402
from embedtrail.scrapers.records import ArticleMeta, Capture, Embed, Extraction, Post  # noqa: E402
from embedtrail.tracker.config import load_config  # noqa: E402
from embedtrail.tracker.queue import refresh_queued  # noqa: E402
from embedtrail.tracker.queue_admin import queue_status  # noqa: E402
from embedtrail.tracker.refresh import RefreshOptions  # noqa: E402

WORKER = [sys.executable, "-m", "embedtrail.tracker", "worker"]


def _serve(latency: float, ready: Any) -> None:
    from fakeplatform import FakePlatform  # type: ignore[import-not-found]

    fake = FakePlatform(delay=latency)
    serve_async = getattr(fake, "serve_forever_async", None)
    if serve_async is not None:  # the asyncio front end: no thread per slow answer
        serve_async(ready=lambda base: ready.put((base, fake.endpoints_toml())))
        return
    fake.start()
    ready.put((fake.base, fake.endpoints_toml()))
    while True:
        time.sleep(3600)


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


def _one(
    queue: str, config_path: Path, template: str, work: Path, workers: int, threads: int
) -> dict[str, float]:
    db_path = str(work / f"run-{workers}.db")
    shutil.copy(template, db_path)
    processes = [
        subprocess.Popen(
            [*WORKER, "--queue", queue, "--config", str(config_path), "--threads", str(threads)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        deadline = time.monotonic() + 30
        while sum(1 for w in queue_status(queue).workers.values() if w.get("alive")) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError("workers did not start")
            time.sleep(0.1)
        db = open_database(db_path)
        timings: dict[str, float] = {}
        started = time.perf_counter()
        report = refresh_queued(db, load_config(config_path), RefreshOptions(), queue, timings=timings)
        elapsed = time.perf_counter() - started
        db.close()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    return {
        "checked": report.checked,
        "errors": report.failed,
        "seconds": elapsed,
        "rate": report.checked / elapsed,
        "enqueue_seconds": timings.get("enqueue_seconds", 0.0),
        "write_rate": timings.get("applied", 0.0) / max(timings.get("write_seconds", 0.0), 1e-9),
    }


def run(
    posts: int = 2000, latency: float = 0.05, worker_counts: tuple[int, ...] = (1, 2, 4), threads: int = 16
) -> None:
    """Run the benchmark and print one line per worker count, then the scaling ratios."""
    from redisserver import RedisServer  # type: ignore[import-not-found]

    binary = shutil.which("redis-server")
    if binary is None:
        print("redis-server is not installed (scripts/install-test-deps.sh installs it): skipped")
        return
    server = RedisServer(binary).start()
    ready: Any = multiprocessing.Queue()
    fake = multiprocessing.Process(target=_serve, args=(latency, ready), daemon=True)
    fake.start()
    base, endpoints = ready.get(timeout=10)
    work = Path(tempfile.mkdtemp(prefix="queue-bench-"))
    try:
        config_path = work / "bench.toml"
        # Per-host limits above the workers' total concurrency, so the workers are what is measured; the
        # gate still runs (a Redis round trip per request) as it would in production.
        config_path.write_text(
            endpoints
            + "[fetch]\nallow_private = true\n[limits]\nconcurrency = 256\nper_host_concurrency = 256\n",
            encoding="utf-8",
        )
        template = str(work / "template.db")
        _seed(template, posts)
        print(
            f"{posts} posts; fake server {base} at {latency * 1000:.0f} ms; {threads} threads per worker; "
            f"{multiprocessing.cpu_count()} CPUs"
        )
        results: dict[int, dict[str, float]] = {}
        for count in worker_counts:
            server.flush()
            result = _one(server.url, config_path, template, work, count, threads)
            results[count] = result
            ideal = count * threads / latency
            print(
                f"  {count} worker{'s' if count != 1 else ' '}: {result['checked']:.0f} checks in "
                f"{result['seconds']:.1f}s = {result['rate']:.0f}/s (latency bound {ideal:.0f}/s); "
                f"enqueue {result['enqueue_seconds']:.2f}s; writer {result['write_rate']:.0f} results/s; "
                f"{result['errors']:.0f} errors"
            )
        first = results[worker_counts[0]]["rate"]
        ratios = ", ".join(f"{c}: {r['rate'] / first:.2f}x" for c, r in results.items())
        print(f"  scaling vs {worker_counts[0]} worker: {ratios}")
    finally:
        fake.terminate()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    run(args.posts, args.latency, tuple(args.workers), args.threads)


if __name__ == "__main__":
    main()
