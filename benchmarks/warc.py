"""WARC streaming: records per second and peak memory of ``tracker.sources.archives`` on a generated archive.

``python -m benchmarks warc`` writes a 2 GB uncompressed WARC (set ``EMBEDTRAIL_BENCH_WARC_GB`` for another
size) of article pages, images, revisits, a few oversized pages and a gzip bomb, then reads it back in a fresh
process through the archives source (the work ``embedtrail ingest`` does before extraction: record parsing,
bounded decoding, duplicate keys, capture records) and reports records/s, MB/s and peak RSS against the
300 MB goal. ``--compare`` also times bare record iteration with warcio and, if installed, FastWARC.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "samples" / "vox-1.html").read_bytes()
GOAL_MB = 300
MiB = 1024 * 1024


def _rss_mb() -> float:
    # ru_maxrss is KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path: Path, size: int) -> int:
    """Write a WARC of about ``size`` bytes; returns the number of records."""
    from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
    from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

    def headers(content_type: str, *extra: tuple[str, str]) -> StatusAndHeaders:
        return StatusAndHeaders("200 OK", [("Content-Type", content_type), *extra], protocol="HTTP/1.1")

    records = 0
    bomb = gzip.compress(bytes(256 * MiB), compresslevel=1)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=False)

        def write(uri: str, kind: str, body: bytes, http: StatusAndHeaders) -> None:
            nonlocal records
            record = writer.create_warc_record(
                uri, kind, payload=io.BytesIO(body), length=len(body), http_headers=http
            )
            writer.write_record(record)
            records += 1

        n = 0
        while out.tell() < size:
            n += 1
            body = PAGE + f"<!-- page {n} -->".encode()
            write(f"https://news.example/story/{n}", "response", body, headers("text/html; charset=utf-8"))
            if n % 10 == 0:
                write(f"https://news.example/img/{n}.jpg", "response", bytes(20_000), headers("image/jpeg"))
            if n % 25 == 0:
                revisit = writer.create_revisit_record(
                    f"https://news.example/story/{n}",
                    digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                    refers_to_uri=f"https://news.example/story/{n}",
                    refers_to_date="2024-03-01T12:00:00Z",
                    http_headers=headers("text/html"),
                )
                writer.write_record(revisit)
                records += 1
            if n % 5000 == 1:
                # Pages over the 10 MiB cap, and a 256 MiB gzip bomb: neither may be held in memory.
                huge = b"<p>x</p>" * (5 * MiB)
                write(f"https://news.example/huge/{n}", "response", huge, headers("text/html"))
                write(
                    f"https://news.example/bomb/{n}",
                    "response",
                    bomb,
                    headers("text/html", ("Content-Encoding", "gzip")),
                )
    return records


def read(path: Path, memory_mb: int = 0) -> dict[str, float | int | dict[str, int]]:
    """Stream ``path`` through the archives source; counts, speed and peak RSS. With ``memory_mb``, as ingest
    reads it: in a child process under that memory budget."""
    from embedtrail.tracker.sources import SourceContext, archives
    from embedtrail.tracker.sources.base import Document

    baseline = _rss_mb()
    context = SourceContext(
        fetcher=None,
        max_bytes=10 * MiB,
        now=lambda: "2024-01-01T00:00:00Z",
        memory_bytes=memory_mb * MiB or None,
    )
    documents = 0
    failures = 0

    async def consume() -> None:
        nonlocal documents, failures
        async for item in archives.read(str(path), context):
            if isinstance(item, Document):
                documents += 1
            else:
                failures += 1

    started = time.perf_counter()
    asyncio.run(consume())
    seconds = time.perf_counter() - started
    records = documents + sum(context.skipped.values())
    size = path.stat().st_size
    return {
        "records": records,
        "documents": documents,
        "failures": failures,
        "skipped": dict(context.skipped),
        "seconds": round(seconds, 2),
        "records_per_s": round(records / seconds),
        "mb_per_s": round(size / MiB / seconds),
        "rss_baseline_mb": round(baseline),
        "rss_peak_mb": round(_rss_mb()),
    }


def compare(path: Path) -> dict[str, dict[str, float]]:
    """Bare iteration with warcio and FastWARC, each in its own process so peak memory is its own."""
    results = {}
    for name in ("warcio", "fastwarc"):
        answer = subprocess.run(
            [sys.executable, "-m", "benchmarks.warc", "--bare", name, str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if answer.returncode == 0:
            results[name] = json.loads(answer.stdout)
    return results


def bare(library: str, path: Path) -> dict[str, float]:
    """Parse every record and read its body raw in 64 KiB pieces (no content decoding, so both libraries
    do the same work and neither holds a whole body)."""
    started = time.perf_counter()
    count = 0
    with path.open("rb") as stream:
        if library == "warcio":
            from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]

            for record in ArchiveIterator(stream):
                if record.http_headers is not None:
                    record.http_headers.get_header("Content-Type")
                while record.raw_stream.read(65536):
                    pass
                count += 1
        else:
            from fastwarc.warc import ArchiveIterator as FastIterator  # type: ignore[import-not-found, unused-ignore]

            for fast in FastIterator(stream, parse_http=True, fsspec_args=False):
                if fast.http_headers is not None:
                    fast.http_headers.get("Content-Type")
                while fast.reader.read(65536):
                    pass
                count += 1
    seconds = time.perf_counter() - started
    return {
        "records": count,
        "records_per_s": round(count / seconds),
        "mb_per_s": round(path.stat().st_size / MiB / seconds),
        "rss_peak_mb": round(_rss_mb()),
    }


def run(compare_libraries: bool = False) -> None:
    gigabytes = float(os.environ.get("EMBEDTRAIL_BENCH_WARC_GB", "2"))
    with tempfile.TemporaryDirectory(prefix="embedtrail-warc-") as folder:
        path = Path(folder) / "bench.warc"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "benchmarks.warc", "--generate", str(path), str(int(gigabytes * 1024**3))],
            cwd=ROOT,
            check=True,
        )
        print(f"generated {path.stat().st_size / 1024**3:.2f} GB in {time.perf_counter() - started:.0f}s")
        for label, budget in (("in process", "0"), ("under the 1024 MiB budget, as ingest", "1024")):
            answer = subprocess.run(
                [sys.executable, "-m", "benchmarks.warc", "--read", str(path), budget],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(answer.stdout)
            verdict = "under" if result["rss_peak_mb"] < GOAL_MB else "OVER"
            r = result
            print(
                f"archives source, {label}: {r['records']} records ({r['documents']} pages) "
                f"in {r['seconds']}s: {r['records_per_s']} records/s, {r['mb_per_s']} MB/s; "
                f"peak RSS {r['rss_peak_mb']} MB (after imports {r['rss_baseline_mb']} MB), "
                f"{verdict} the {GOAL_MB} MB goal"
            )
        print(f"skipped: {json.dumps(result['skipped'], sort_keys=True)}; failures: {result['failures']}")
        if compare_libraries:
            for name, numbers in compare(path).items():
                print(
                    f"bare {name}: {numbers['records_per_s']} records/s, {numbers['mb_per_s']} MB/s, "
                    f"peak RSS {numbers['rss_peak_mb']} MB"
                )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--generate"]:
        generate(Path(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1:2] == ["--read"]:
        print(json.dumps(read(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)))
    elif sys.argv[1:2] == ["--bare"]:
        print(json.dumps(bare(sys.argv[2], Path(sys.argv[3]))))
    else:
        run(compare_libraries="--compare" in sys.argv)
