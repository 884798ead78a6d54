"""tracker.budget: one page over its time or memory budget fails alone, and the pages beside it are saved.

The slow page is a real hostile input (nested ``twitter-tweet`` blockquotes, see test_hardening.py), not a
sleep, so the budget is shown to stop what it exists to stop.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from embedtrail.tracker.budget import BudgetExceeded, BudgetPool, run_with_budget
from embedtrail.tracker.pipeline import extract_document

# Seconds each: make test runs them, make test-fast leaves them out.
pytestmark = pytest.mark.slow

# 20,000 nested embeds: about 700 KB, far longer than any budget here to extract (quadratic in scrapers).
# A page that keeps a scraper busy: the quadratic nested-blockquote scan that first showed the need for a
# budget is fixed, so the endless work is simulated (pure Python, as a scraper loop would be).
NESTED = b"<!-- endless work -->"


def extract_or_spin(kind: str, body: bytes, url: str, content_type: str | None) -> object:
    if body == NESTED:
        while True:
            pass
    return extract_document(kind, body, url, content_type)


MiB = 1024 * 1024


def page(n: int) -> bytes:
    return b"<p>See https://twitter.com/someone/status/%d for the video.</p>" % (1000 + n)


def hog(size: int) -> int:
    """Allocate ``size`` bytes at once (a page that balloons the tree does the same, in steps)."""
    return len(bytearray(size))


def die() -> None:
    """A worker killed from outside (the OOM killer) or crashing in C."""
    os.kill(os.getpid(), signal.SIGKILL)


def boom() -> None:
    raise ValueError("a scraper bug")


def test_a_slow_page_is_stopped_in_a_child_process() -> None:
    with pytest.raises(BudgetExceeded) as caught:
        run_with_budget(extract_or_spin, ("html", NESTED, "https://news.example/a", None), 1.0, 512 * MiB)
    assert caught.value.kind == "time"
    assert "time budget" in str(caught.value)


def test_an_allocation_over_the_budget_is_a_memory_failure() -> None:
    with pytest.raises(BudgetExceeded) as caught:
        run_with_budget(hog, (2048 * MiB,), 30.0, 256 * MiB)
    assert caught.value.kind == "memory"


def test_within_budget_results_and_exceptions_pass_through() -> None:
    extraction = run_with_budget(
        extract_document, ("html", page(1), "https://news.example/a", None), 30, 512 * MiB
    )
    assert [p.id for p in extraction.posts] == ["twitter:1001"]
    with pytest.raises(ValueError, match="a scraper bug"):
        run_with_budget(boom, (), 30, 512 * MiB)
    # No limit at all is allowed too (None switches it off).
    assert run_with_budget(hog, (10,), None, None) == 10


def test_a_crashing_child_is_reported_not_raised_as_eof() -> None:
    with pytest.raises(BudgetExceeded) as caught:
        run_with_budget(die, (), 30, None)
    assert caught.value.kind == "crash"


def test_the_budget_never_limits_the_calling_process() -> None:
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(BudgetExceeded):
        run_with_budget(hog, (1024 * MiB,), 30, 64 * MiB)
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler, None)


def test_pool_fails_the_hostile_page_and_saves_its_neighbours() -> None:
    async def main() -> tuple[list[object], int]:
        pool = BudgetPool(
            2,
            seconds=2.0,
            memory_bytes=512 * MiB,
            preload=["embedtrail.scrapers", "embedtrail.tracker.ingest"],
        )
        try:
            bodies = [NESTED if n == 3 else page(n) for n in range(10)]
            jobs = [pool.run(extract_or_spin, "html", b, "https://news.example/a", None) for b in bodies]
            results: list[object] = list(await asyncio.gather(*jobs, return_exceptions=True))
            # A worker killed outright: the pool is replaced, the neighbours retried, the page failed.
            results.extend(await asyncio.gather(pool.run(die), return_exceptions=True))
            results.append(await pool.run(hog, 10))  # and the replaced pool still works
            return results, pool.restarts
        finally:
            pool.shutdown()

    started = time.monotonic()
    results, restarts = asyncio.run(main())
    assert time.monotonic() - started < 120  # a bound against hangs, not a speed claim
    failed = [n for n, r in enumerate(results) if isinstance(r, BudgetExceeded)]
    assert failed == [3, 10]
    assert isinstance(results[3], BudgetExceeded) and results[3].kind == "time"
    assert isinstance(results[10], BudgetExceeded) and results[10].kind == "crash"
    saved = [r for r in results[:10] if not isinstance(r, BaseException)]
    assert len(saved) == 9 and all(len(r.posts) == 1 for r in saved)  # type: ignore[attr-defined]
    assert results[11:] == [10]
    assert restarts >= 1
