"""The plugin's response cache (db/plugin/cache.py): an expensive anonymous page is served again until another
connection commits, never for requests with cookies or credentials, never for errors or cookies set."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from embedtrail.db.plugin import cache as cache_module
from embedtrail.db.plugin.cache import App, Message, ResponseCache, Scope, cache_responses


class FakeApp:
    """An ASGI app that takes ``cost`` seconds per answer and counts how often it was asked."""

    def __init__(
        self, cost: float = 0.06, status: int = 200, headers: list[tuple[bytes, bytes]] | None = None
    ):
        self.cost, self.status, self.calls = cost, status, 0
        self.headers = headers or [(b"content-type", b"text/html; charset=utf-8")]

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        self.calls += 1
        await asyncio.sleep(self.cost)
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": f"answer {self.calls}".encode()})


@pytest.fixture
def db_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "e.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("pragma journal_mode = wal")
        conn.execute("create table t (x)")
        conn.commit()
    yield path


async def fetch(
    app: App, path: str = "/embedtrail/posts", headers: list[tuple[bytes, bytes]] | None = None
) -> Message:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": headers or []}
    await app(scope, receive, send)
    start = sent[0]
    return {
        "status": start["status"],
        "headers": dict(start["headers"]),
        "body": b"".join(m.get("body", b"") for m in sent[1:]),
    }


def write(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("insert into t values (1)")
        conn.commit()


@pytest.mark.asyncio
async def test_expensive_page_is_served_again_until_another_connection_commits(db_file: Path) -> None:
    fake = FakeApp()
    app = cache_responses(fake, ResponseCache(lambda: [str(db_file)]))
    first = await fetch(app)
    again = await fetch(app)
    assert fake.calls == 1 and again["body"] == first["body"] == b"answer 1"
    assert again["headers"][b"x-embedtrail-cache"] == b"hit" and b"age" in again["headers"]
    assert b"x-embedtrail-cache" not in first["headers"]
    assert (await fetch(app, "/embedtrail/articles"))["body"] == b"answer 2"  # another page, another entry
    write(db_file)
    assert (await fetch(app))["body"] == b"answer 3"
    assert fake.calls == 3


@pytest.mark.asyncio
async def test_cheap_pages_are_not_cached(db_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # "Cheap" is measured: a loaded machine can stretch any answer, so the threshold moves instead.
    monkeypatch.setattr(cache_module, "MIN_COST_SECONDS", 10.0)
    fake = FakeApp()
    app = cache_responses(fake, ResponseCache(lambda: [str(db_file)]))
    await fetch(app)
    await fetch(app)
    assert fake.calls == 2


@pytest.mark.asyncio
@pytest.mark.parametrize("header", [b"cookie", b"authorization"])
async def test_personal_requests_bypass_the_cache(db_file: Path, header: bytes) -> None:
    fake = FakeApp()
    app = cache_responses(fake, ResponseCache(lambda: [str(db_file)]))
    await fetch(app)
    answer = await fetch(app, headers=[(header, b"ds_actor=someone")])
    assert answer["body"] == b"answer 2" and fake.calls == 2


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (500, [(b"content-type", b"text/html")]),
        (200, [(b"content-type", b"text/html"), (b"set-cookie", b"csrftoken=abc")]),
        (200, [(b"content-type", b"text/csv; charset=utf-8")]),
    ],
)
async def test_errors_cookies_and_csv_are_not_cached(
    db_file: Path, status: int, headers: list[tuple[bytes, bytes]]
) -> None:
    fake = FakeApp(status=status, headers=headers)
    app = cache_responses(fake, ResponseCache(lambda: [str(db_file)]))
    await fetch(app)
    await fetch(app)
    assert fake.calls == 2


@pytest.mark.asyncio
async def test_a_very_expensive_page_may_be_a_little_stale(
    db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "MIN_STALE_COST_SECONDS", 0.05)
    monkeypatch.setattr(cache_module, "STALE_SECONDS_PER_COST_SECOND", 20.0)
    fake = FakeApp(cost=0.06)  # may be served up to 1.2 s old
    app = cache_responses(fake, ResponseCache(lambda: [str(db_file)]))
    await fetch(app)
    write(db_file)
    assert (await fetch(app))["body"] == b"answer 1"
    await asyncio.sleep(1.5)
    assert (await fetch(app))["body"] == b"answer 2"


def test_lru_keeps_within_its_budget() -> None:
    store = ResponseCache(lambda: [], max_bytes=10)
    for n in range(5):
        store.put(("/p", str(n).encode(), ""), cache_module._Entry(200, [], b"12345", (), 0.0, 1.0))
    assert store.get(("/p", b"4", ""), (), 0.0) is not None
    assert store.get(("/p", b"3", ""), (), 0.0) is not None
    assert store.get(("/p", b"2", ""), (), 0.0) is None
