"""What keeping the evidence costs: store size and compression ratio of the labelled pages (per 1,000
pages), a whole ``embedtrail ingest`` of the pages with the store on and off side by side, and
``embedtrail reextract --all`` of the same articles from the store against ingesting them, and an export of
1,000 articles' evidence to one WACZ.

Each command runs in a fresh process (start-up, the worker pool and SQLite writes included), as a volunteer
runs it; runs alternate store on and off and the median of ``--repeat`` runs is reported. Pages are the dev
corpus (``tests/fixtures/pages``): real articles, as fetched.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "fixtures" / "pages"


def _embedtrail(*args: str) -> float:
    """Seconds one ``embedtrail`` command takes in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "embedtrail.tracker", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    # Exit code 1 is "some inputs failed": the corpus holds JS-rendered shells with no readable text, which
    # ingest reports as not articles and goes on with the rest, as it should.
    if done.returncode not in (0, 1):
        raise subprocess.CalledProcessError(done.returncode, done.args, stderr=done.stderr)
    return time.perf_counter() - started


def _ingest(folder: Path, name: str, store: bool) -> tuple[float, Path]:
    db = folder / f"{name}.db"
    config = folder / f"{name}.toml"
    config.write_text(f"[store]\nenabled = {'true' if store else 'false'}\n", encoding="utf-8")
    seconds = _embedtrail("ingest", "--silent", "--db", str(db), "--config", str(config), str(PAGES))
    return seconds, db


EXPORT_ARTICLES = 1000
_HEAD = re.compile(rb"<head\b[^>]*>", re.I)


def _export_thousand(folder: Path) -> tuple[float, int, int]:
    """Seconds to export the evidence of ``EXPORT_ARTICLES`` articles (the dev pages, copied under distinct
    canonical URLs) to one WACZ; its size in bytes and its records."""
    pages = sorted(PAGES.glob("*.htm*"))
    source = folder / "thousand"
    source.mkdir()
    # A few corpus pages are JS-rendered shells that ingest refuses as not articles: copy a few more pages
    # than needed and export the first thousand articles.
    for number in range(EXPORT_ARTICLES + EXPORT_ARTICLES // 20):
        body = pages[number % len(pages)].read_bytes()
        marker = f'<link rel="canonical" href="https://bench.example/article/{number}">'.encode()
        # Before any canonical link the page declares (the first one wins), so each copy is its own article.
        head = _HEAD.search(body)
        at = head.end() if head else 0
        source.joinpath(f"a{number}.html").write_bytes(body[:at] + marker + body[at:])
    db = folder / "thousand.db"
    _embedtrail("ingest", "--silent", "--db", str(db), str(source))
    with closing(sqlite3.connect(db)) as conn:
        ids = [str(row[0]) for row in conn.execute("select id from articles order by id")][:EXPORT_ARTICLES]
    args = ["export", "--db", str(db), "-o", str(folder / "thousand.wacz"), "--json"]
    for identifier in ids:
        args += ["--article", identifier]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "embedtrail.tracker", *args], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    report = json.loads(done.stdout)
    assert len(ids) == EXPORT_ARTICLES, f"{len(ids)} articles: copies of a page merged"
    return seconds, int(report["bytes"]), sum(report["records"].values())


def run(repeat: int = 5) -> dict[str, Any]:
    """Measure and print; returns the numbers."""
    pages = sorted(PAGES.glob("*.htm*"))
    raw = sum(path.stat().st_size for path in pages)
    on: list[float] = []
    off: list[float] = []
    reextract: list[float] = []
    stored = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _ingest(folder, "warm-up", True)  # the page cache and .pyc files, for both sides alike
        for attempt in range(repeat):
            seconds, db = _ingest(folder, f"on-{attempt}", True)
            on.append(seconds)
            seconds, _ = _ingest(folder, f"off-{attempt}", False)
            off.append(seconds)
            reextract.append(_embedtrail("reextract", "--silent", "--db", str(db), "--all"))
            with closing(sqlite3.connect(db)) as conn:
                stored = int(conn.execute("select coalesce(sum(stored_size), 0) from bodies").fetchone()[0])
                kept = int(conn.execute("select count(*) from bodies").fetchone()[0])
                articles = int(conn.execute("select count(*) from articles").fetchone()[0])
    results = {
        "pages": len(pages),
        "articles": articles,
        "bodies": kept,
        "raw_mb": raw / 1e6,
        "stored_mb": stored / 1e6,
        "ratio": raw / stored if stored else 0.0,
        "stored_mb_per_1000_pages": stored / len(pages) * 1000 / 1e6,
        "raw_mb_per_1000_pages": raw / len(pages) * 1000 / 1e6,
        "ingest_store_on_s": statistics.median(on),
        "ingest_store_off_s": statistics.median(off),
        "reextract_s": statistics.median(reextract),
    }
    with tempfile.TemporaryDirectory() as tmp:
        export_s, export_bytes, export_records = _export_thousand(Path(tmp))
    results.update(
        {"export_articles": EXPORT_ARTICLES, "export_s": export_s, "export_mb": export_bytes / 1e6,
         "export_records": export_records}
    )  # fmt: skip
    results["store_overhead"] = results["ingest_store_on_s"] / results["ingest_store_off_s"] - 1
    results["ingest_pages_per_s"] = len(pages) / results["ingest_store_on_s"]
    results["reextract_pages_per_s"] = articles / results["reextract_s"]
    print(
        f"\n{len(pages)} pages ({articles} articles), {results['raw_mb']:.1f} MB as fetched; "
        f"median of {repeat} runs, each a fresh process\n"
    )
    print(f"{'':<44} {'value':>12}")
    print(f"{'store: bytes on disk (zstd level 3)':<44} {results['stored_mb']:>9.2f} MB")
    print(f"{'store: compression ratio':<44} {results['ratio']:>11.1f}x")
    print(f"{'store: per 1,000 such pages':<44} {results['stored_mb_per_1000_pages']:>9.1f} MB")
    print(f"{'  (as fetched, per 1,000 pages)':<44} {results['raw_mb_per_1000_pages']:>9.1f} MB")
    print(f"{'ingest, store off':<44} {results['ingest_store_off_s']:>10.2f} s")
    print(f"{'ingest, store on':<44} {results['ingest_store_on_s']:>10.2f} s")
    print(f"{'  store overhead (goal: at most +10%)':<44} {results['store_overhead']:>+11.1%}")
    print(f"{'reextract --all of the same articles':<44} {results['reextract_s']:>10.2f} s")
    print(
        f"{'  pages/s: reextract vs ingest':<44} "
        f"{results['reextract_pages_per_s']:>5.0f} vs {results['ingest_pages_per_s']:.0f}"
    )
    print(
        f"{'export of 1,000 articles (one WACZ)':<44} {results['export_s']:>10.2f} s "
        f"({export_records:,} records, {results['export_mb']:.0f} MB)"
    )
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="Print the numbers as JSON too")
    options = parser.parse_args(argv)
    results = run(options.repeat)
    if options.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
