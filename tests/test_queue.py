"""The scale-out queue against a real redis-server (tests/redisserver.py) and the fake platform server:
records survive the JSON codec, the ledger and the host gate keep their promises, and refresh and ingest
over the queue with three worker processes lose nothing and write nothing twice when a worker and the
coordinator are killed mid-run, while per-host limits hold across workers. Never the internet."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio
from click.testing import CliRunner
from sqlite_utils import Database

from embedtrail.db.checks import CheckResult
from embedtrail.db.store import article_key, open_database, save_extraction
from embedtrail.scrapers.records import (
    Account,
    ArticleMeta,
    Capture,
    Embed,
    Extraction,
    Mention,
    Post,
    VerificationNote,
)
from embedtrail.tracker import queue as tq
from embedtrail.tracker import queue_results as tqr
from embedtrail.tracker import queue_worker
from embedtrail.tracker.checking import RefreshReport
from embedtrail.tracker.cli import cli
from embedtrail.tracker.clock import utc_now
from embedtrail.tracker.config import load_config
from embedtrail.tracker.ingest import ingest_sync
from embedtrail.tracker.queue_admin import queue_status
from embedtrail.tracker.queue_codec import from_json, to_json
from embedtrail.tracker.queue_dramatiq import make_broker, message
from embedtrail.tracker.queue_redis import HostGate, Ledger
from embedtrail.tracker.queue_settings import RESULT_ACTOR, RESULTS, parse_queue_url
from embedtrail.tracker.refresh import RefreshOptions

sys.path.insert(0, str(Path(__file__).parent))
from fakeplatform import FakePlatform
from redisserver import redis_server, redis_url  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
T0 = "2024-01-01T00:00:00Z"
WORKER = [sys.executable, "-m", "embedtrail.tracker", "worker"]


class MeasuredPlatform(FakePlatform):
    """The fake platform, answering after ``latency`` and recording the most requests it ever had in
    flight at once: the politeness limit measured where it matters, at the server."""

    def __init__(self, latency: float) -> None:
        super().__init__(delay=0.0)
        self.latency = latency
        self.in_flight = 0
        self.max_in_flight = 0
        self.gauge = threading.Lock()

    def answer(self, method: str, path: str, query: dict[str, str]) -> tuple[int, bytes, str, dict[str, str]]:
        with self.gauge:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(self.latency)
            return super().answer(method, path, query)
        finally:
            with self.gauge:
                self.in_flight -= 1


def write_config(fake: FakePlatform, tmp_path: Path, per_host: int = 3, extra: str = "") -> Path:
    path = tmp_path / "embedtrail.toml"
    path.write_text(
        fake.endpoints_toml()
        + "[fetch]\nallow_private = true\ntimeout = 5.0\ntotal_timeout = 10.0\n"
        + f"[limits]\nper_host_concurrency = {per_host}\nretry_backoff = 0.01\nretry_backoff_max = 0.05\n"
        + "max_retries = 2\n"
        + extra,
        encoding="utf-8",
    )
    return path


def tweets(count: int, start: int = 0) -> list[Post]:
    return [
        Post(
            f"twitter:{10**17 + n}",
            "twitter",
            "post",
            f"https://x.com/i/status/{10**17 + n}",
            str(10**17 + n),
        )
        for n in range(start, start + count)
    ]


def seed(db: Database, posts: list[Post], url: str = "https://news.example/a") -> None:
    extraction = Extraction(
        ArticleMeta(url),
        posts=tuple(posts),
        embeds=tuple(Embed(p.id, "blockquote", i) for i, p in enumerate(posts)),
    )
    save_extraction(db, Capture(url, url, T0, 200, "text/html", 1, "seed-" + url, "http"), extraction, T0)


def checks_per_post(db_path: str) -> dict[str, int]:
    with sqlite3.connect(db_path) as conn:
        return dict(conn.execute("select post_id, count(*) from checks group by post_id").fetchall())


def start_workers(queue: str, config: Path, count: int, threads: int = 4) -> list[subprocess.Popen[bytes]]:
    """``count`` worker processes; each one's log goes to ``worker-<pid>.log`` beside the config."""
    started = []
    for _ in range(count):
        with open(config.parent / f"worker-{len(started)}-{time.monotonic_ns()}.log", "wb") as log:
            started.append(
                subprocess.Popen(
                    [*WORKER, "--queue", queue, "--config", str(config), "--threads", str(threads)],
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                )
            )
    return started


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def workers_cleanup() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    stop_all(started)


# --- pure parts -----------------------------------------------------------------------------------------


def test_records_survive_the_codec() -> None:
    extraction = Extraction(
        ArticleMeta("https://news.example/a", title="Drones", publisher_handles=("@news",)),
        posts=(Post("twitter:1", "twitter", "post", "https://x.com/a/status/1", "1", media=("m.jpg",)),),
        embeds=(Embed("twitter:1", "blockquote", 0, "context"),),
        mentions=(Mention("video", "A video (RT)", 3, "RT"),),
        notes=(VerificationNote("BBC", "verified", "BBC verified it", 4, mention_index=0),),
        accounts=(Account("twitter:a", "twitter", "a"),),
        warnings=("w",),
    )
    capture = Capture(
        "https://n/a", "https://n/a", T0, 200, "text/html", 10, "ab", "http", headers=(("etag", "x"),)
    )
    result = CheckResult("deleted", "gone", 404, "excerpt", "sha", media=("a", "b"), retry_after=1.5)
    for record in (extraction, capture, result):
        assert from_json(type(record), to_json(record)) == record
    assert from_json(bytes, to_json(b"\x00\xff")) == b"\x00\xff"
    with pytest.raises(ValueError):
        from_json(CheckResult, {"status": "available", "detail": "x", "surprise": 1})


@pytest.mark.parametrize(
    ("url", "redis_part", "settings"),
    [
        ("redis://h:6379/0", "redis://h:6379/0", {}),
        (
            "redis://h:6379/2?visibility_timeout=5&batch=50",
            "redis://h:6379/2",
            {"visibility_timeout": 5.0, "batch": 50},
        ),
        (
            "redis://:pw@h/1?namespace=x&socket_timeout=3",
            "redis://:pw@h/1?socket_timeout=3",
            {"namespace": "x"},
        ),
    ],
)
def test_parse_queue_url(url: str, redis_part: str, settings: dict[str, Any]) -> None:
    parsed = parse_queue_url(url)
    assert parsed.redis_url == redis_part
    for key, value in settings.items():
        assert getattr(parsed, key) == value


@pytest.mark.parametrize("url", ["http://h:1/0", "redis://h/0?batch=x", "redis://h/0?visibility_timeout=0"])
def test_bad_queue_urls(url: str) -> None:
    with pytest.raises(ValueError):
        parse_queue_url(url)


def test_check_job_id_is_stable_per_check_generation() -> None:
    assert tq.check_job_id("twitter:1", None) == tq.check_job_id("twitter:1", None)
    assert tq.check_job_id("twitter:1", None) != tq.check_job_id("twitter:1", T0)
    assert tq.check_job_id("twitter:1", T0) != tq.check_job_id("twitter:2", T0)


def test_cli_rejects_a_bad_queue_url(db_path: str) -> None:
    result = CliRunner().invoke(cli, ["refresh", "--db", db_path, "--queue", "http://nope"])
    assert result.exit_code == 2 and "Redis URL" in result.output


# --- Redis parts ----------------------------------------------------------------------------------------


def test_ledger_claims_once_and_counts_per_host_and_worker(redis_url: str) -> None:  # noqa: F811
    client = redis.Redis.from_url(redis_url)
    ledger = Ledger(client, "t")
    assert ledger.claim("post:a", "j1", "check", "h1", 7, T0) == ("enqueue", "j1")
    # Recorded but never confirmed queued (a coordinator killed in between): enqueue it again.
    assert ledger.claim("post:a", "j1", "check", "h1", 7, T0) == ("enqueue", "j1")
    ledger.transition("j1", "queued", T0)
    assert ledger.claim("post:a", "j1", "check", "h1", 7, T0) == ("pending", "j1")
    assert ledger.claim("post:a", "j2", "check", "h1", 7, T0) == ("busy", "j1")
    ledger.transition("j1", "running", T0, worker="w1")
    ledger.transition("j1", "running", T0, worker="w2")  # redelivered after w1 died
    counts = ledger.counts()
    assert counts["running|host|h1"] == 1
    assert counts["running|worker|w1"] == 0 and counts["running|worker|w2"] == 1
    ledger.transition("j1", "done", T0, worker="w2")
    assert ledger.transition("j1", "running", T0, worker="w3") == "done"  # late duplicate: ignored
    assert ledger.transition("j1", "applied", T0, release=True) == "applied"
    assert ledger.transition("j1", "failed", T0) == "applied"  # final
    counts = ledger.counts()
    assert (
        counts["done|host|h1"] == 0 and counts["applied|host|h1"] == 1 and counts["finished|worker|w2"] == 1
    )
    assert ledger.open_jobs() == {}
    # The next check of the post is a new job.
    assert ledger.claim("post:a", "j2", "check", "h1", 8, T0) == ("enqueue", "j2")
    client.close()


def test_host_gate_holds_the_limit_the_interval_and_a_pause_across_clients(redis_url: str) -> None:  # noqa: F811
    async def scenario() -> tuple[int, list[float], float]:
        clients = [redis.asyncio.Redis.from_url(redis_url) for _ in range(3)]
        gates = [HostGate(c, "t", limit=2, ttl=2.0, holder_prefix=f"w{i}:") for i, c in enumerate(clients)]
        in_flight = peak = 0

        async def one(gate: HostGate) -> None:
            nonlocal in_flight, peak
            async with gate.slot("example.org"):
                in_flight += 1
                peak = max(peak, in_flight)
                await asyncio.sleep(0.02)
                in_flight -= 1

        await asyncio.gather(*(one(gates[i % 3]) for i in range(30)))
        spaced = HostGate(clients[0], "t", limit=5, interval=0.05)
        starts: list[float] = []
        for _ in range(4):
            async with spaced.slot("slow.example"):
                starts.append(time.monotonic())
        await gates[1].pause("paused.example", 0.3)
        began = time.monotonic()
        async with gates[2].slot("paused.example"):
            waited = time.monotonic() - began
        for client in clients:
            await client.aclose()
        return peak, starts, waited

    peak, starts, waited = asyncio.run(scenario())
    assert peak == 2
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 0.045
    assert waited >= 0.25


def test_a_dead_holders_slot_frees_itself(redis_url: str) -> None:  # noqa: F811
    async def scenario() -> float:
        client = redis.asyncio.Redis.from_url(redis_url)
        gate = HostGate(client, "t", limit=1, ttl=0.5)
        # A holder that never releases nor renews: what a SIGKILLed worker leaves behind.
        await gate._acquire(keys=gate._keys("h"), args=["dead", 1, gate.ttl_ms, 0])
        began = time.monotonic()
        async with gate.slot("h"):
            waited = time.monotonic() - began
        await client.aclose()
        return waited

    assert 0.3 <= asyncio.run(scenario()) < 3


# --- end to end -----------------------------------------------------------------------------------------


def test_refresh_over_the_queue_survives_killed_worker_and_coordinator(
    redis_url: str,  # noqa: F811
    tmp_path: Path,
    db_path: str,
    workers_cleanup: list[subprocess.Popen[bytes]],
) -> None:
    posts = 150
    with MeasuredPlatform(latency=0.05) as fake:
        config = write_config(fake, tmp_path, per_host=3)
        db = open_database(db_path)
        seed(db, tweets(posts))
        db.close()
        queue = redis_url + "?visibility_timeout=2"
        workers_cleanup.extend(start_workers(queue, config, 3))
        coordinator_args = [sys.executable, "-m", "embedtrail.tracker", "refresh", "--queue", queue]
        coordinator_args += ["--db", db_path, "--config", str(config), "--json"]

        def applied() -> int:
            return sum(checks_per_post(db_path).values())

        def wait_for(count: int, timeout: float = 60) -> None:
            deadline = time.monotonic() + timeout
            while applied() < count:
                assert time.monotonic() < deadline, f"only {applied()} of {count} checks written"
                time.sleep(0.02)

        first = subprocess.Popen(
            coordinator_args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for(25)
        workers_cleanup[0].send_signal(signal.SIGKILL)  # mid-job: it holds jobs and host slots
        wait_for(60)
        first.send_signal(signal.SIGKILL)  # mid-run: results queued and taken but not written
        first.wait(timeout=10)
        assert applied() < posts
        second = subprocess.run(coordinator_args, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr
        per_post = checks_per_post(db_path)
        # Every due post got exactly one applied result, across both coordinator runs.
        assert len(per_post) == posts and set(per_post.values()) == {1}
        # Per-host politeness held across the three workers, measured at the server.
        assert fake.max_in_flight <= 3
        assert fake.max_in_flight >= 2  # and the work really was spread out
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        unchecked = conn.execute("select count(*) from posts where status_checked_at is null").fetchone()[0]
        assert unchecked == 0
    status = queue_status(queue)
    assert status.open_jobs == 0
    assert all(q["waiting"] == 0 and q["dead"] == 0 for name, q in status.queues.items() if name != "results")
    (host,) = status.hosts.values()
    assert host["queued"] == host["running"] == host["done"] == 0 and host["applied"] >= posts
    # The restarted coordinator enqueued nothing new: only the first run's jobs were ever applied.
    assert host["applied"] == posts


def test_results_applied_twice_change_nothing(
    redis_url: str,  # noqa: F811
    tmp_path: Path,
    db_path: str,
    workers_cleanup: list[subprocess.Popen[bytes]],
) -> None:
    with FakePlatform() as fake:
        config = load_config(write_config(fake, tmp_path))
        db = open_database(db_path)
        seed(db, tweets(3))
        workers_cleanup.extend(start_workers(redis_url, write_config(fake, tmp_path), 1))
        report = tq.refresh_queued(db, config, RefreshOptions(), redis_url)
        assert report.checked == 3
        before = list(db.query("select * from posts order by id"))
        # Replay every result once more, as a redelivery would, and let a coordinator take them.
        broker = make_broker(parse_queue_url(redis_url))
        ledger = Ledger(broker.client, parse_queue_url(redis_url).namespace)
        for row in db.query("select id, post_id from checks"):
            payload = {"job": row["id"], "kind": "check", "post": row["post_id"], "checker": "twitter"}
            payload["merge"] = None
            payload["checked"] = {
                "result": to_json(CheckResult("deleted", "x")),
                "url": None,
                "elapsed_ms": 1,
            }
            broker.enqueue(message(RESULTS, RESULT_ACTOR, payload))
        waiting = {row["id"]: "post:" + row["post_id"] for row in db.query("select * from checks")}
        again = RefreshReport()

        def apply(payloads: list[dict[str, Any]]) -> None:
            with db.atomic():
                for payload in payloads:
                    tqr.apply_check_result(db, payload, config, utc_now, None, again, None)

        collector = tq._Collector(
            broker, ledger, parse_queue_url(redis_url), waiting, apply, lambda *a: None, lambda r: None,
            threading.Event(), utc_now,
        )  # fmt: skip
        collector.run()
        broker.close()
        assert again.duplicates == 3 and again.checked == 0
        assert list(db.query("select * from posts order by id")) == before
        assert db.execute("select count(*) from checks").fetchone()[0] == 3


def test_a_result_written_by_a_coordinator_killed_before_its_ledger_update_closes_its_job(
    redis_url: str,  # noqa: F811
    tmp_path: Path,
    db_path: str,
    workers_cleanup: list[subprocess.Popen[bytes]],
) -> None:
    # The window the end-to-end kill test hits only under load: the batch is committed, the coordinator dies
    # before the ledger says "applied". The post is checked, so no later run selects it; the next run must
    # still close its job, or 'queue status' shows it open for good.
    with FakePlatform() as fake:
        config = load_config(write_config(fake, tmp_path))
        db = open_database(db_path)
        seed(db, tweets(2))
        workers_cleanup.extend(start_workers(redis_url, write_config(fake, tmp_path), 1))
        assert tq.refresh_queued(db, config, RefreshOptions(), redis_url).checked == 2
        settings = parse_queue_url(redis_url)
        client = redis.Redis.from_url(redis_url)
        ledger = Ledger(client, settings.namespace)
        written = db.execute("select id, post_id from checks order by id").fetchall()
        stale = "q" + "0" * 31  # a job with no checks row: its result was never written
        for job, post in [*written, (stale, "twitter:unwritten")]:
            client.delete(ledger.job_key(job))  # as it was before the ledger update: done, not applied
            assert ledger.claim(f"post:{post}", job, "check", "h", None, T0)[0] in ("enqueue", "pending")
            ledger.transition(job, "done", T0, worker="w")
        # Nothing is due: the run only closes what was written and waits for nothing.
        again = tq.refresh_queued(db, config, RefreshOptions(), redis_url)
        assert again.checked == 0
        assert ledger.open_jobs() == {"post:twitter:unwritten": stale}
        assert {ledger.job(job)["state"] for job, _ in written} == {"applied"}
        client.close()


def test_failed_jobs_go_to_the_dead_letter_list_and_retry_brings_them_back(
    redis_url: str,  # noqa: F811
    tmp_path: Path,
    db_path: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FakePlatform() as fake:
        config = load_config(write_config(fake, tmp_path))
        db = open_database(db_path)
        seed(db, tweets(2))
        queue = redis_url + "?max_retries=0&visibility_timeout=2"
        real = queue_worker._check_job
        broken = {"twitter:100000000000000001"}

        async def flaky(state: Any, payload: dict[str, Any]) -> dict[str, Any]:
            if payload["target"]["id"] in broken:
                raise RuntimeError("checker exploded")
            return await real(state, payload)

        monkeypatch.setattr(queue_worker, "_check_job", flaky)
        stop_worker = threading.Event()
        worker = threading.Thread(
            target=queue_worker.run_worker,
            args=(queue, config),
            kwargs={"threads": 2, "stop": stop_worker, "name": "w"},
        )
        worker.start()
        try:
            report = tq.refresh_queued(db, config, RefreshOptions(), queue)
            assert report.checked == 1
            assert report.errors == [
                {
                    "source": "twitter:100000000000000001",
                    "reason": "job failed: RuntimeError: checker exploded",
                    "kind": "post",
                }
            ]
            status = queue_status(queue)
            assert status.queues["checks"]["dead"] == 1
            assert status.workers["w"]["failed"] == 1
            broken.clear()
            result = CliRunner().invoke(cli, ["queue", "retry", "--queue", queue])
            assert result.exit_code == 0 and "re-queued 1 failed job" in result.output
            # The re-queued job is the same job (same check key): the next run waits for it, writes it once.
            again = tq.refresh_queued(db, config, RefreshOptions(), queue)
            assert again.checked == 1 and not again.errors
            assert checks_per_post(db_path) == {p.id: 1 for p in tweets(2)}
            shown = CliRunner().invoke(cli, ["queue", "status", "--queue", queue])
            assert shown.exit_code == 0 and "applied" in shown.output and "w " in shown.output
        finally:
            stop_worker.set()
            worker.join(timeout=60)


def test_ingest_over_the_queue_saves_what_a_local_run_saves(
    redis_url: str,  # noqa: F811
    tmp_path: Path,
    workers_cleanup: list[subprocess.Popen[bytes]],
) -> None:
    pages = sorted(SAMPLES.glob("*.html"))[:4]
    with FakePlatform() as fake:
        for page in pages:
            fake.articles[page.stem] = page.read_text(encoding="utf-8")
        config_path = write_config(fake, tmp_path)
        config = load_config(config_path)
        urls = [f"{fake.base}/articles/{page.stem}" for page in pages] + [f"{fake.base}/articles/missing"]
        sources = [*urls, str(SAMPLES / "seed-kremlin-drones.txt")]
        workers_cleanup.extend(start_workers(redis_url, config_path, 2))
        queued_db = open_database(tmp_path / "queued.db")
        report = tq.ingest_queued(queued_db, sources, config, redis_url)
        local_db = open_database(tmp_path / "local.db")
        local = ingest_sync(local_db, sources, config)
    assert report.saved == local.saved == len(pages) + 1
    assert [f.source for f in report.failures] == [f.source for f in local.failures] == [urls[-1]]
    for table in ("articles", "posts", "embeds", "mentions"):
        assert queued_db[table].count == local_db[table].count, table
    assert article_key(urls[0]) in {r["id"] for r in queued_db.query("select id from articles")}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")
def test_worker_command_stops_cleanly_on_sigterm(redis_url: str, tmp_path: Path) -> None:  # noqa: F811
    with FakePlatform() as fake:
        (process,) = start_workers(redis_url, write_config(fake, tmp_path), 1)
        deadline = time.monotonic() + 20
        while not queue_status(redis_url).workers and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
