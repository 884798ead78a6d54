"""Adding a platform is one scraper module, one checker module and a line in each registry: its config keys,
canary, documentation and test endpoints follow from the modules (tracker.endpoints). Truth Social, added
that way, is the example: its URLs are its own posts (no longer Mastodon statuses of an unknown server), its
endpoint and canary appear in the configuration and the README, and refresh checks its posts."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from fakeplatform import FakePlatform

from embedtrail.db.store import open_database, save_extraction
from embedtrail.scrapers import mastodon, registry
from embedtrail.scrapers.records import ArticleMeta, Capture, Embed, Extraction, Post
from embedtrail.tracker.checkers import CHECKERS, by_name, for_target, truthsocial
from embedtrail.tracker.checkers.base import Response, Target
from embedtrail.tracker.config import Config, ConfigError, load_config
from embedtrail.tracker.endpoints import Canaries, Endpoints, canary_rows, endpoint_rows
from embedtrail.tracker.refresh import RefreshOptions, refresh_sync

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
NOW = "2026-01-01T00:00:00Z"


def test_every_checker_declares_its_endpoints_and_canary() -> None:
    endpoints, canaries = Endpoints(), Canaries()
    for module in CHECKERS:
        assert module.NAME in canaries
        for key, endpoint in module.ENDPOINTS.items():
            assert endpoints[key] == endpoint.default
            assert f"`[endpoints] {key}`" in README and endpoint.meaning in endpoint_rows()
        assert f"| `{module.NAME}` |" in canary_rows()


def test_the_fake_platform_serves_every_endpoint() -> None:
    # A declared endpoint the fake does not serve would send a test to the internet.
    with FakePlatform() as fake:
        served = tomllib.loads(fake.endpoints_toml())["endpoints"]
        base = fake.base
    assert set(served) == set(Endpoints())
    assert all(url.startswith(base) for url in served.values())


def test_endpoint_tables_take_only_declared_string_keys(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[endpoints]\ntruthsocial_api = "http://127.0.0.1:9/api/v1"\n', encoding="utf-8")
    assert load_config(path).endpoints.truthsocial_api == "http://127.0.0.1:9/api/v1"
    path.write_text('[endpoints]\ntruthsocal_api = "http://x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key \\[endpoints\\] truthsocal_api; known keys: "):
        load_config(path)
    path.write_text("[canaries]\ntruthsocial = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a string"):
        load_config(path)
    assert Config().as_dict()["canaries"]["truthsocial"].startswith("https://truthsocial.com/")


def test_truth_social_urls_are_not_mastodon_statuses() -> None:
    url = "https://truthsocial.com/@realDonaldTrump/posts/113575465411434183"
    assert mastodon.post_ref(url) is None
    ref = registry.by_name("truthsocial").post_ref(url)
    assert ref is not None and ref.id == "truthsocial:113575465411434183" and ref.handle == "realDonaldTrump"
    assert for_target(Target(ref.id, "truthsocial", ref.native_id, ref.url)) is truthsocial


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, b'{"id": "1", "account": {"id": "7", "acct": "someone"}, "content": "<p>hi</p>"}', "available"),
        (404, b'{"error": "Record not found"}', "not_found"),
        (410, b'{"error": "Gone"}', "deleted"),
        (503, b"", "error"),
    ],
)
def test_truth_social_answers(status: int, body: bytes, expected: str) -> None:
    result = by_name("truthsocial").classify(
        Response("https://t.example/api/v1/statuses/1", status, {}, body)
    )
    assert result.status == expected


def test_refresh_checks_truth_social_posts(tmp_path: Path, db_path: str) -> None:
    posts = [
        Post(f"truthsocial:{n}", "truthsocial", "post", f"https://truthsocial.com/@someone/posts/{n}", str(n))
        for n in (113575465411434183, 113575465411434184)
    ]
    db = open_database(db_path)
    url = "https://news.example/a"
    embeds = tuple(Embed(p.id, "iframe", i) for i, p in enumerate(posts))
    save_extraction(
        db,
        Capture(url, url, NOW, 200, "text/html", 1, "seed", "http"),
        Extraction(ArticleMeta(url), posts=tuple(posts), embeds=embeds),
        NOW,
    )
    with FakePlatform() as fake:
        fake.set("truthsocial", "113575465411434184", "deleted")
        config = tmp_path / "c.toml"
        config.write_text(fake.endpoints_toml() + "[fetch]\nallow_private = true\n", encoding="utf-8")
        report = refresh_sync(db, load_config(config), RefreshOptions())
    assert report.checked == 2
    assert report.statuses == {"available": 1, "deleted": 1}
    row = next(iter(db.query("select author_handle from posts where id = ?", [posts[0].id])))
    assert row["author_handle"]
