"""Web cache poisoning through the Host header (db/settings.py, db/plugin/security.py, db/plugin/cache.py).

Datasette writes the request's scheme and Host into absolute URLs (``<link rel="alternate">``, the ``Link``
header, pagination and facet links). A page cache keyed only on path and query let one request with a forged
Host make every later visitor's copy of a slow page point at another site. Now a request naming another host
is answered 400, the cache key covers everything the answer depends on, and with ``[serve] base_url`` every
page names the public URL whatever the request said. Forged Hosts are sent to cached and uncached pages, with
and without a base URL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from conftest_datasette import build_database

from embedtrail.db.plugin import cache as cache_module
from embedtrail.db.serving import make_datasette, publish
from embedtrail.db.settings import LOCAL_HOSTS, ServeConfig, allowed_host_names, host_allowed, host_name

EVIL = "evil.example:666"
PAGES = ["/embedtrail/posts", "/embedtrail", "/embedtrail/posts.json", "/-/embedtrail/charts"]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("host") / "embedtrail.db"
    build_database(path)
    return path


@pytest.fixture(autouse=True)
def every_page_is_worth_caching(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test database is small: make every page count as expensive, so the cache is in play everywhere.
    monkeypatch.setattr(cache_module, "MIN_COST_SECONDS", 0.0)


def client(database: Path, config: ServeConfig, *, scheme: str = "http") -> httpx.AsyncClient:
    app = make_datasette(database, config=config, bound_host="127.0.0.1").app()
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"{scheme}://127.0.0.1:8001")


async def get(http: httpx.AsyncClient, path: str, host: str) -> httpx.Response:
    return await http.get(path, headers={"host": host})


@pytest_asyncio.fixture
async def local(database: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with client(database, ServeConfig()) as http:
        yield http


@pytest.mark.asyncio
@pytest.mark.parametrize("path", PAGES)
async def test_a_forged_host_is_refused_before_the_cache_and_datasette(
    local: httpx.AsyncClient, path: str
) -> None:
    warm = await get(local, path, "127.0.0.1:8001")  # the page is in the cache now
    assert warm.status_code == 200
    forged = await get(local, path, EVIL)
    assert forged.status_code == 400 and b"evil" not in forged.content
    again = await get(local, path, "127.0.0.1:8001")
    assert again.headers.get("x-embedtrail-cache") == "hit"
    assert "evil" not in again.text and "evil" not in again.headers.get("link", "")


@pytest.mark.asyncio
async def test_a_request_without_a_host_or_with_two_is_refused(local: httpx.AsyncClient) -> None:
    assert (
        await local.get("/embedtrail", headers=[("host", "localhost"), ("host", EVIL)])
    ).status_code == 400


@pytest.mark.asyncio
async def test_where_any_host_is_allowed_each_host_gets_its_own_cached_page(database: Path) -> None:
    # A published snapshot answers any Host by default: a forged one must only ever shape its own answer.
    async with client(database, ServeConfig(allowed_hosts=("*",))) as http:
        for path in PAGES:
            poisoned = await get(http, path, EVIL)
            assert poisoned.status_code == 200
            honest = await get(http, path, "embedtrail.example.org")
            assert "evil" not in honest.text and "evil" not in honest.headers.get("link", "")
            assert honest.headers.get("x-embedtrail-cache") is None  # a miss: another key
            again = await get(http, path, "embedtrail.example.org")
            assert again.headers.get("x-embedtrail-cache") == "hit" and again.text == honest.text


@pytest.mark.asyncio
async def test_the_scheme_is_part_of_the_key(database: Path) -> None:
    config = ServeConfig(allowed_hosts=("*",))
    async with client(database, config) as plain, client(database, config, scheme="https") as tls:
        # Two apps, two caches: within one app, http and https answers are told apart by the key.
        first = await get(plain, "/embedtrail/posts", "embedtrail.example.org")
        second = await get(tls, "/embedtrail/posts", "embedtrail.example.org")
    assert "http://embedtrail.example.org/" in first.text
    assert "https://embedtrail.example.org/" in second.text
    key_http = cache_module._key({"scheme": "http", "path": "/x", "headers": [(b"host", b"h")]})
    key_https = cache_module._key({"scheme": "https", "path": "/x", "headers": [(b"host", b"h")]})
    assert key_http != key_https


@pytest.mark.asyncio
async def test_with_a_base_url_every_page_names_it(database: Path) -> None:
    config = ServeConfig(base_url="https://embedtrail.example.org")
    async with client(database, config) as http:
        for host in ("127.0.0.1:8001", "embedtrail.example.org", "localhost"):
            answer = await get(http, "/embedtrail/posts", host)
            assert answer.status_code == 200
            assert "https://embedtrail.example.org/embedtrail/posts.json" in answer.text
            assert "127.0.0.1" not in answer.text and "localhost:" not in answer.text
        assert (await get(http, "/embedtrail/posts", EVIL)).status_code == 400


def test_a_published_snapshot_carries_its_host_rules(database: Path, tmp_path: Path) -> None:
    import yaml

    result = publish(database, tmp_path / "open", ServeConfig())
    plugin = yaml.safe_load(result.metadata.read_text())["plugins"]["embedtrail"]
    assert plugin["allowed_hosts"] == ["*"] and "base_url" not in plugin
    config = ServeConfig(base_url="https://e.example.org/", allowed_hosts=("e.example.org",))
    result = publish(database, tmp_path / "closed", config)
    plugin = yaml.safe_load(result.metadata.read_text())["plugins"]["embedtrail"]
    assert plugin["allowed_hosts"] == ["e.example.org"] and plugin["base_url"] == "https://e.example.org/"


@pytest.mark.parametrize(
    ("host", "allowed", "expected"),
    [
        ("localhost:8001", LOCAL_HOSTS, True),
        ("LOCALHOST", LOCAL_HOSTS, True),
        ("[::1]:8001", LOCAL_HOSTS, True),
        ("127.0.0.1.evil.example", LOCAL_HOSTS, False),
        (EVIL, LOCAL_HOSTS, False),
        ("", LOCAL_HOSTS, False),
        (None, ("*",), False),
        ("news.example.org", (".example.org",), True),
        ("example.org", (".example.org",), True),
        ("badexample.org", (".example.org",), False),
        ("anything:1", ("*",), True),
    ],
)
def test_host_rule(host: str | None, allowed: tuple[str, ...], expected: bool) -> None:
    assert host_allowed(host, allowed) is expected


def test_names_an_instance_answers_to() -> None:
    assert allowed_host_names(ServeConfig()) == LOCAL_HOSTS
    assert allowed_host_names(ServeConfig(), "192.0.2.7") == (*LOCAL_HOSTS, "192.0.2.7")
    assert allowed_host_names(ServeConfig(), "0.0.0.0") == LOCAL_HOSTS
    configured = ServeConfig(allowed_hosts=("a.example",), base_url="https://B.example:8443/x")
    assert allowed_host_names(configured, "192.0.2.7") == ("a.example", "b.example")
    assert host_name("[2001:db8::1]:443") == "[2001:db8::1]"
