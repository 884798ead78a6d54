"""Refresh throughput against the latency bound: check N posts on the fake platform server answering after a
fixed delay, at several concurrencies; print checks/s next to the ideal (concurrency / latency) and the peak
memory of this process (resource.getrusage; the fake server runs in its own process).

    .venv/bin/python benchmarks/refresh_bench.py [--posts 10000] [--latency 0.05] [--concurrency 16 64 256]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from db.store import open_database, save_extraction  # noqa: E402
from scrapers.records import ArticleMeta, Capture, Embed, Extraction, Post  # noqa: E402
from tracker.config import load_config  # noqa: E402
from tracker.refresh import RefreshOptions, refresh_sync  # noqa: E402


def _serve(latency: float, ready: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from fakeplatform import FakePlatform

    fake = FakePlatform(delay=latency).start()
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64, 256])
    args = parser.parse_args()

    ready: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=_serve, args=(args.latency, ready), daemon=True)
    server.start()
    base, endpoints = ready.get(timeout=10)
    work = Path(tempfile.mkdtemp(prefix="refresh-bench-"))
    config_path = work / "bench.toml"
    config_path.write_text(endpoints + "[fetch]\nallow_private = true\n", encoding="utf-8")
    template = str(work / "template.db")
    started = time.perf_counter()
    _seed(template, args.posts)
    print(
        f"seeded {args.posts} posts in {time.perf_counter() - started:.1f}s; server {base}, "
        f"latency {args.latency * 1000:.0f} ms"
    )
    print(f"{'concurrency':>11} {'checks':>7} {'seconds':>8} {'checks/s':>9} {'ideal/s':>8} {'of ideal':>8}")
    for concurrency in args.concurrency:
        db_path = str(work / f"run-{concurrency}.db")
        Path(db_path).write_bytes(Path(template).read_bytes())
        config = load_config(config_path)
        config = replace(
            config,
            limits=replace(config.limits, concurrency=concurrency, per_host_concurrency=concurrency),
        )
        db = open_database(db_path)
        began = time.perf_counter()
        report = refresh_sync(db, config, RefreshOptions(), now=lambda: "2024-03-01T00:00:00Z")
        seconds = time.perf_counter() - began
        db.close()
        rate = report.checked / seconds
        ideal = concurrency / args.latency
        print(
            f"{concurrency:>11} {report.checked:>7} {seconds:>8.2f} {rate:>9.0f} {ideal:>8.0f} "
            f"{rate / ideal:>8.0%}   errors {report.failed}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (this process): {peak:.0f} MiB")
    server.terminate()


if __name__ == "__main__":
    main()
