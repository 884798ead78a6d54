"""The refresh fast path keeps its guarantees: the asyncio fake server the benchmark uses answers like the
threaded one, the sharded connection pool reuses connections per origin and never exceeds its limit, the
guard's cached origin verdicts still refuse private addresses, and batched writes lose no check."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpcore
import pytest

from embedtrail.db.store import open_database
from embedtrail.tracker.config import load_config
from embedtrail.tracker.fetch import Fetcher, FetchSettings, make_client
from embedtrail.tracker.netguard import GuardPolicy, url_problem
from embedtrail.tracker.refresh import RefreshOptions, refresh_sync
from embedtrail.tracker.transport import GuardedTransport

sys.path.insert(0, str(Path(__file__).parent))
from fakeplatform import FakePlatform
from test_refresh import Clock, post_row, seed, tweet, write_config


@pytest.fixture
def async_fake() -> Iterator[FakePlatform]:
    """The benchmark's front end (a timer per answer, no thread per request), served from a thread here."""
    fake = FakePlatform(delay=0.01)
    listening = threading.Event()
    stop = threading.Event()
    thread = threading.Thread(
        target=fake.serve_forever_async,
        kwargs={"ready": lambda base: listening.set(), "stop": stop},
        daemon=True,
    )
    thread.start()
    assert listening.wait(10)
    yield fake
    stop.set()
    thread.join(10)


def test_async_fake_server_answers_like_the_threaded_one(
    db_path: str, async_fake: FakePlatform, tmp_path: Path
) -> None:
    config = load_config(write_config(async_fake, tmp_path))
    config = replace(config, limits=replace(config.limits, concurrency=8, per_host_concurrency=8))
    db = open_database(db_path)
    seed(db, [tweet(str(n)) for n in range(20, 60)])
    async_fake.set("twitter", "21", "deleted")
    async_fake.set("twitter", "22", "404")
    report = refresh_sync(db, config, RefreshOptions(), now=Clock())
    assert report.checked == 40 and not report.errors
    assert post_row(db, "twitter:20")["status"] == "available"
    # A gone answer on a first check is the post's first known status.
    assert post_row(db, "twitter:21")["status"] == "deleted"
    assert post_row(db, "twitter:22")["status"] == "not_found"
    # 40 syndication requests and oEmbed's second opinion for the two gone posts.
    assert async_fake.hits["/twitter/tweet-result"] == 40
    assert async_fake.hits["/twitter/oembed"] == 2
    assert db.execute("select count(*) from checks").fetchone()[0] == 40


def test_every_check_is_written_even_when_the_run_ends_between_batches(
    db_path: str, async_fake: FakePlatform, tmp_path: Path
) -> None:
    config = load_config(write_config(async_fake, tmp_path))
    db = open_database(db_path)
    seed(db, [tweet(str(n)) for n in range(100, 103)])
    report = refresh_sync(db, config, RefreshOptions(), now=Clock())
    assert report.checked == 3
    assert db.execute("select count(*) from checks").fetchone()[0] == 3
    assert db.execute("select count(*) from posts where status = 'available'").fetchone()[0] == 3


def test_run_commits_without_fsync_and_restores_the_setting(
    db_path: str, async_fake: FakePlatform, tmp_path: Path
) -> None:
    config = load_config(write_config(async_fake, tmp_path))
    db = open_database(db_path)
    seed(db, [tweet("100")])
    assert db.execute("pragma synchronous").fetchone()[0] == 2  # FULL, the connection's own choice
    seen: list[int] = []
    refresh_sync(
        db,
        config,
        RefreshOptions(),
        now=Clock(),
        on_start=lambda n: seen.append(db.execute("pragma synchronous").fetchone()[0]),
    )
    assert seen == [1]  # NORMAL while the run commits its batches
    assert db.execute("pragma synchronous").fetchone()[0] == 2


def test_sharded_pool_reuses_connections_and_respects_its_limit(async_fake: FakePlatform) -> None:
    settings = FetchSettings(allow_private=True, max_connections=6, per_host_connections=6)

    async def main() -> tuple[int, int, int]:
        async with Fetcher(settings) as fetcher:
            urls = [f"{async_fake.base}/twitter/tco/missing-{n}" for n in range(60)]
            results = await asyncio.gather(*(fetcher.get(url) for url in urls))
            assert all(not result.ok and result.status == 404 for result in results)
            transport = fetcher.client._transport
            assert isinstance(transport, GuardedTransport)
            pool = transport.pool
            first = len(pool.connections)
            await asyncio.gather(*(fetcher.get(url) for url in urls))
            return first, len(pool.connections), len(urls)

    first, second, asked = asyncio.run(main())
    # Never more connections than the limit; the second round reuses the first round's connections.
    assert 1 <= first <= 6 and second <= 6
    assert asked == 60


def test_sharded_pool_limits_in_flight_requests_without_a_fetcher(async_fake: FakePlatform) -> None:
    """Used directly (as FetcherHttp's raw requests use the client), the pool still queues beyond its size."""
    client = make_client(FetchSettings(allow_private=True, max_connections=3))
    transport = client._transport
    assert isinstance(transport, GuardedTransport)

    async def main() -> int:
        peak = 0

        async def one(n: int) -> None:
            nonlocal peak
            async with client.stream("GET", f"{async_fake.base}/twitter/tco/x{n}") as response:
                busy = sum(1 for c in transport.pool.connections if not c.is_idle())
                peak = max(peak, busy)
                await response.aread()

        await asyncio.gather(*(one(n) for n in range(12)))
        await client.aclose()
        return peak

    assert asyncio.run(main()) == 3


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://localhost/x",
        "http://169.254.169.254/latest/meta-data",
        "http://0x7f000001/",
        "http://example.com:22/",
    ],
)
def test_cached_origin_verdicts_still_refuse(url: str) -> None:
    policy = GuardPolicy()
    for _ in range(3):  # the second and third answers come from the cache
        blocked = url_problem(url, policy)
        assert blocked is not None and blocked.kind in ("private_address", "bad_port")
    assert url_problem(url, GuardPolicy(allow_private=True, allowed_ports=(22, 80))) is None


@pytest.mark.parametrize(
    ("connections", "keepalive", "sizes", "kept"),
    [
        (6, 6, [1] * 6, [1] * 6),
        (6, 2, [1] * 6, [1, 1, 0, 0, 0, 0]),  # idle connections are kept by the shards a light load uses
        (3, None, [1] * 3, [1] * 3),
        (None, 5, [None], [5]),  # no limit: one pool, as httpx builds it
    ],
)
def test_sharded_pool_splits_limits_like_one_pool(
    connections: int | None, keepalive: int | None, sizes: list[int | None], kept: list[int | None]
) -> None:
    from embedtrail.tracker.transport import _ShardedPool

    made: list[tuple[int | None, int | None]] = []

    def factory(size: int | None, keep: int | None) -> httpcore.AsyncConnectionPool:
        made.append((size, keep))
        return httpcore.AsyncConnectionPool(max_connections=size, max_keepalive_connections=keep)

    _ShardedPool(factory, connections, keepalive)
    assert [size for size, _ in made] == sizes and [keep for _, keep in made] == kept
