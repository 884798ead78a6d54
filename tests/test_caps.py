"""What one article may add is capped per table ([limits] max_*_per_article, scrapers.extract.capped): the
first rows in document order are kept and saved, the excess is reported on the run as a failure of that
source (and in runs.errors), and a document with thousands of notes or embeds no longer takes minutes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from embedtrail.scrapers.extract import capped
from embedtrail.scrapers.records import (
    ArticleMeta,
    Caps,
    Embed,
    Extraction,
    Mention,
    Post,
    VerificationNote,
)
from embedtrail.tracker.cli import cli


def tweet(n: int) -> Post:
    native = str(10**17 + n)
    return Post(f"twitter:{native}", "twitter", "post", f"https://x.com/a/status/{native}", native)


def test_capped_keeps_the_first_rows_and_lets_go_of_what_pointed_at_the_rest() -> None:
    posts = tuple(tweet(n) for n in range(5))
    mentions = tuple(Mention("video", f"Sentence {n}.", n, post_id=posts[n].id) for n in range(3))
    notes = (
        VerificationNote("Reuters", "unverified", "Reuters could not verify it.", 1, posts[4].id, 2),
        VerificationNote("AP", "verified", "AP verified it.", 2, posts[0].id, 0),
    )
    extraction = Extraction(
        ArticleMeta("https://n.example/a"),
        posts=posts,
        embeds=tuple(Embed(p.id, "link", i) for i, p in enumerate(posts)),
        mentions=mentions,
        notes=notes,
    )
    kept = capped(extraction, Caps(embeds=2, mentions=2, notes=5, accounts=5))
    assert [e.post_id for e in kept.embeds] == [posts[0].id, posts[1].id]
    assert [m.sentence for m in kept.mentions] == ["Sentence 0.", "Sentence 1."]
    assert {p.id for p in kept.posts} == {posts[0].id, posts[1].id}  # posts[2] only had a dropped mention
    # A note about a dropped post or mention stays, unlinked; one about a kept post keeps its link.
    assert (kept.notes[0].post_id, kept.notes[0].mention_index) == (None, None)
    assert (kept.notes[1].post_id, kept.notes[1].mention_index) == (posts[0].id, 0)
    assert kept.warnings == (
        "3 embeds beyond [limits] max_embeds_per_article (2) were not kept",
        "1 mentions beyond [limits] max_mentions_per_article (2) were not kept",
    )
    assert capped(extraction, Caps()) is extraction


def test_a_dump_of_thousands_of_notes_saves_the_first_and_reports_the_rest(
    tmp_path: Path, db_path: str
) -> None:
    dump = tmp_path / "dump.txt"
    dump.write_text(
        "url: https://news.example/dump\n\n"
        + "".join(
            f"Baza, a Telegram channel, posted video {i}. Reuters could not verify the footage {i}.\n\n"
            for i in range(3000)
        ),
        encoding="utf-8",
    )
    config = tmp_path / "caps.toml"
    config.write_text(
        "[limits]\nmax_notes_per_article = 50\nmax_mentions_per_article = 80\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        cli, ["ingest", "--db", db_path, "--config", str(config), "--json", str(dump)]
    )
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["saved"] == 1
    reasons = sorted(e["reason"] for e in summary["errors"])
    assert reasons == [
        "2920 mentions beyond [limits] max_mentions_per_article (80) were not kept",
        "2950 notes beyond [limits] max_notes_per_article (50) were not kept",
    ]
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("select count(*) from verification_notes").fetchone()[0] == 50
        assert connection.execute("select count(*) from mentions").fetchone()[0] == 80
        (errors,) = connection.execute("select errors from runs").fetchone()
    assert len(json.loads(errors)) == 2
