"""``embedtrail explain``: every candidate of a page in document order with the extractor's decision and the
rule behind it, on real labelled pages; and the warning when a page holds platform embed markup and nothing
was logged (the run's summary and ``runs.errors``)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from click.testing import CliRunner, Result

from embedtrail import scrapers
from embedtrail.scrapers.explain import explain
from embedtrail.tracker.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "fixtures" / "pages"
KEYS = {"url", "platform", "post_id", "zone", "decided_by", "decision", "reason", "position"}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_every_logged_post_is_a_candidate_and_decisions_match_the_extraction() -> None:
    for name in (
        "vox-1.html",
        "mashable-1.html",
        "report24-a1.html",
        "bloomberg-b1.html",
        "usatoday-a1.html",
    ):
        doc = scrapers.parse_html((PAGES / name).read_bytes(), "https://news.example/story")
        extraction = scrapers.extract(doc)
        candidates = explain(doc)
        logged = {c.post_id for c in candidates if c.decision in {"embed", "link", "text"}}
        assert logged == {embed.post_id for embed in extraction.embeds}, name
        positions = [c.position for c in candidates]
        assert positions == sorted(positions), name  # document order
        assert all(c.reason for c in candidates)


def test_json_gives_one_object_per_candidate_with_the_documented_keys() -> None:
    result = run("explain", "--json", str(PAGES / "vox-1.html"))
    assert result.exit_code == 0
    candidates = json.loads(result.stdout)
    assert candidates and all(set(candidate) >= KEYS for candidate in candidates)
    byline = next(c for c in candidates if c["post_id"] == "twitter:@ajaromano")
    assert byline["decision"] == "dropped" and byline["zone"] == "boilerplate"
    assert byline["decided_by"] == "div.c-byline" and "chrome" in byline["reason"]


def test_a_page_whose_tweets_sit_in_chrome_says_so(tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    tweet = (
        '<blockquote class="twitter-tweet"><p>Drone footage</p>&mdash; Baza (@bazabazon) '
        '<a href="https://twitter.com/bazabazon/status/1653711338587779072">May 3, 2023</a></blockquote>'
    )
    page.write_text(
        f"<html><body><article><h1>Drones</h1><p>{'Words of the story. ' * 40}</p></article>"
        f'<div class="comments"><p>A reader wrote:</p>{tweet}</div></body></html>',
        encoding="utf-8",
    )
    result = run("explain", str(page))
    assert result.exit_code == 0
    assert "dropped  twitter:1653711338587779072" in result.output
    assert "inside page chrome (div.comments)" in result.output
    # ingest logs nothing from it, and says the markup was there.
    db = tmp_path / "embedtrail.db"
    ingest = run("ingest", "--db", str(db), str(page))
    assert "warning: " in ingest.stderr
    assert "recognised embed markup found (1 element(s)) but no post logged" in ingest.stderr
    assert ingest.exit_code == 0 and "1 to look at" in ingest.stdout  # a warning, not a failure
    with closing(sqlite3.connect(db)) as conn:
        errors = json.loads(conn.execute("select errors from runs").fetchone()[0])
        assert conn.execute("select count(*) from articles").fetchone()[0] == 1  # the article is saved
    assert any("embedtrail explain" in e["reason"] and e["kind"] == "warning" for e in errors)


def test_a_text_dump_explains_its_flattened_tweets() -> None:
    result = run("explain", str(ROOT / "samples" / "seed-kremlin-drones.txt"))
    assert result.exit_code == 0
    assert result.output.count("logged as text") == 2 and "2 candidate(s), 2 logged as posts" in result.output


def test_explain_shows_every_bare_url_the_extractor_reads() -> None:
    # Scheme-less URLs in a caption (Indonesian photo credits write "Instagram.com/@name") and in text are
    # read by the extractor; explain must show them too, with the same decision.
    body = (
        "<p>The council met on Tuesday evening to discuss the new budget proposal, which critics say cuts "
        "services.</p><figure><img src='/a.jpg'><figcaption>The mayor. (Instagram.com/@janemayor)"
        "</figcaption></figure><p>Baza posted the video: t.me/bazabazon/12345.</p>"
    )
    page = f"<html><body><article><h1>Council budget</h1>{body}</article></body></html>"
    doc = scrapers.parse_html(page, "https://news.example/story")
    extraction = scrapers.extract(doc)
    assert "instagram:janemayor" in {a.id for a in extraction.accounts}
    assert [e.post_id for e in extraction.embeds] == ["telegram:bazabazon/12345"]
    decisions = {(c.post_id, c.decision) for c in explain(doc)}
    assert decisions == {("instagram:@janemayor", "account"), ("telegram:bazabazon/12345", "link")}


def test_explain_writes_nothing_and_refuses_what_is_not_a_page(tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    assert run("explain", str(PAGES / "vox-1.html")).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    archive = tmp_path / "x.warc.gz"
    archive.write_bytes(b"")
    refused = run("explain", str(archive))
    assert refused.exit_code == 2 and "explain reads one page" in refused.output
    missing = run("explain", str(tmp_path / "nope.html"))
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_explain_names_the_structural_rules() -> None:
    # lesswrong-b1: the post body sits in div.commentOnSelection, which the prose rule shows is the body;
    # rootsofprogress-b1: "Comment on Reddit or debate me on Letter" points to the article's discussion.
    doc = scrapers.parse_html((PAGES / "lesswrong-b1.html").read_bytes(), "https://www.lesswrong.com/posts/x")
    tweet = next(c for c in explain(doc) if c.post_id == "twitter:1438198189782290433")
    assert tweet.decision == "link" and tweet.zone == "content"
    doc = scrapers.parse_html(
        (PAGES / "rootsofprogress-b1.html").read_bytes(), "https://rootsofprogress.org/x"
    )
    thread = next(c for c in explain(doc) if c.post_id == "reddit:jpbzfe")
    assert thread.decision == "dropped" and "discussed" in thread.reason


def test_a_player_beside_the_story_says_why_it_was_dropped() -> None:
    prose = "<p>" + "The choir's new managing director starts in January, the foundation said. " * 3 + "</p>"
    page = (
        '<html><head><meta property="og:title" content="New director for the choir"></head><body>'
        f'<div class="row"><div class="col-8"><h1>New director for the choir</h1>{prose * 3}</div>'
        '<div class="col-4"><iframe src="https://www.youtube.com/embed/c710qsogbPA"></iframe></div>'
        "</div></body></html>"
    )
    (candidate,) = explain(scrapers.parse_html(page, "https://example.com/a"))
    assert candidate.decision == "dropped"
    assert "after the page's headline, outside the element holding it" in candidate.reason


def test_a_rail_of_placeholders_keeping_bare_ids_is_explained() -> None:
    # closermag's playlist of the site's own videos below the story: placeholders naming each video only by
    # its bare id are candidates too, dropped as a rail, with that reason.
    doc = scrapers.parse_html((PAGES / "closermag-s1.html").read_bytes(), "https://www.closermag.fr/x")
    dropped = {c.post_id: c.reason for c in explain(doc) if c.platform == "dailymotion"}
    assert set(dropped) == {
        f"dailymotion:{i}" for i in ("x7o1lqw", "x7o1dxh", "x7o1cou", "x7nx0ws", "x7nx0e2")
    }
    assert all("video rail" in reason for reason in dropped.values())
