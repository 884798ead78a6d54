"""Web archives whose headers are bombs (tracker.sources.archives): header lines, header counts and page-list
lines are capped while they are read, each overrun is a recorded failure of that archive (never a quiet
skip), memory stays small, and the reading runs under the extraction memory budget, so an archive that gets
past the caps costs its reader process, not the run."""

from __future__ import annotations

import asyncio
import gzip
import json
import subprocess
import sys
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from embedtrail.tracker.sources import Document, Failure, SourceContext, archives
from embedtrail.tracker.sources.archives import MAX_HEADER_LINE, MAX_HEADER_LINES

MiB = 1024 * 1024
PAGE = b"<!doctype html><html><body><p>See https://twitter.com/a/status/1000000000000000001</p></body></html>"


def record(http_headers: bytes = b"", body: bytes = PAGE, warc_extra: bytes = b"") -> bytes:
    """One WARC response record for https://news.example/a (HTTP status line, headers, body)."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + http_headers + b"\r\n" + body
    head = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/a\r\n"
        b"WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n" + warc_extra
        + b"Content-Type: application/http; msgtype=response\r\nContent-Length: " + str(len(http)).encode()
        + b"\r\n\r\n"
    )  # fmt: skip
    return head + http + b"\r\n\r\n"


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9)


def read_all(
    path: Path, memory_bytes: int | None = None
) -> tuple[list[Document], list[Failure], dict[str, int]]:
    context = SourceContext(fetcher=None, max_bytes=10 * MiB, now=lambda: "2025-01-01T00:00:00Z")
    context.memory_bytes = memory_bytes

    async def collect() -> list[Document | Failure]:
        return [item async for item in archives.read(str(path), context)]

    items = asyncio.run(collect())
    documents = [i for i in items if isinstance(i, Document)]
    failures = [i for i in items if isinstance(i, Failure)]
    return documents, failures, dict(context.skipped)


def peak_while(path: Path) -> tuple[list[Document], list[Failure], dict[str, int], int]:
    tracemalloc.start()
    try:
        documents, failures, skipped = read_all(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return documents, failures, skipped, peak


@pytest.mark.parametrize(
    ("name", "bomb"),
    [
        # 1 MB on disk; the WARC header line inflates to 256 MiB.
        ("warc_header_line", record(warc_extra=b"X-Bomb: " + b"a" * (256 * MiB) + b"\r\n")),
        # The HTTP header inflates to 256 MiB inside the record's payload.
        ("http_header_line", record(http_headers=b"X-Bomb: " + b"a" * (256 * MiB) + b"\r\n")),
        # Many short header lines.
        ("header_count", record(http_headers=b"".join(b"X-%d: 1\r\n" % n for n in range(100_000)))),
    ],
)
def test_a_header_bomb_fails_its_archive_with_little_memory(tmp_path: Path, name: str, bomb: bytes) -> None:
    path = tmp_path / f"{name}.warc.gz"
    path.write_bytes(gz(record()) + gz(bomb) + gz(record(body=PAGE.replace(b"0001", b"0002"))))
    assert path.stat().st_size < 2 * MiB
    documents, failures, skipped, peak = peak_while(path)
    assert len(documents) == 1  # the record before the bomb is kept
    (failure,) = failures
    assert "damaged archive" in failure.reason and "HeaderTooLarge" in failure.reason, failure.reason
    assert str(MAX_HEADER_LINE) in failure.reason or str(MAX_HEADER_LINES) in failure.reason
    assert "warc_not_http" not in skipped  # a failure, not a harmless skip
    assert peak < 64 * MiB, f"peak {peak // MiB} MiB"  # one decompressed block or two, not the 256 MiB


def test_a_wacz_page_list_of_one_endless_line_is_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "bomb.wacz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("archive/data.warc.gz", gz(record()))
        package.writestr("pages/pages.jsonl", b'{"url": "' + b"a" * (256 * MiB) + b'"}\n')
    assert path.stat().st_size < 2 * MiB
    documents, failures, _skipped, peak = peak_while(path)
    assert [f.reason for f in failures] == [
        f"unreadable WACZ page list: pages/pages.jsonl has a line longer than {archives.MAX_PAGE_LINE} bytes"
    ]
    assert len(documents) == 1  # without a page list, every HTML response is a page
    assert peak < 64 * MiB, f"peak {peak // MiB} MiB"  # one decompressed block or two, not the 256 MiB


@pytest.mark.slow
def test_an_archive_past_the_caps_meets_the_memory_budget(tmp_path: Path, db_path: str) -> None:
    # With the body cap lifted by the operator, a 600 KB gzip body that inflates to 512 MiB gets past every
    # cap: the reader process runs out of its 64 MiB budget, and the run records it and goes on.
    body = zlib.compress(b"<html>" + b" " * (512 * MiB), 9)
    bomb = record(http_headers=b"Content-Encoding: deflate\r\n", body=body)
    path = tmp_path / "budget.warc.gz"
    path.write_bytes(gz(record()) + gz(bomb))
    config = tmp_path / "budget.toml"
    config.write_text("[fetch]\nmax_bytes = 2000000000\n[limits]\nextract_memory_mb = 64\n", encoding="utf-8")
    seed = Path(__file__).resolve().parent.parent / "samples" / "seed-kremlin-drones.txt"
    result = subprocess.run(
        [sys.executable, "-m", "embedtrail.tracker", "ingest", "--db", db_path, "--config", str(config),
         "--json", str(path), str(seed)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    reasons = [e["reason"] for e in summary["errors"]]
    assert reasons == ["reading the archive went over the memory budget: more than 64 MiB"], reasons
    assert summary["saved"] == 2  # the archive's first page and the seed
