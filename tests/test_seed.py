"""The acceptance test: the seed article (the kind of text users start from) yields exactly what it cites."""

from __future__ import annotations

from pathlib import Path

import pytest

from embedtrail import scrapers
from embedtrail.scrapers.records import Extraction

SEED = Path(__file__).resolve().parent / "fixtures" / "seed" / "kremlin-drones.txt"
URL = "https://example.com/kremlin-drones"


@pytest.fixture(scope="module")
def extraction() -> Extraction:
    return scrapers.extract(scrapers.parse_text(SEED.read_text(encoding="utf-8"), URL))


def test_article_published_2023_05_03(extraction: Extraction) -> None:
    assert extraction.article.url == URL
    assert extraction.article.published_at == "2023-05-03"


def test_exactly_the_two_flattened_tweets(extraction: Extraction) -> None:
    assert [p.author_handle for p in extraction.posts] == ["ANI", "Gerashchenko_en"]
    assert all(p.platform == "twitter" for p in extraction.posts)
    assert [e.method for e in extraction.embeds] == ["text", "text"]


def test_ani_post(extraction: Extraction) -> None:
    ani = extraction.posts[0]
    assert (ani.author_name, ani.author_handle) == ("ANI", "ANI")
    assert ani.posted_at == "2023-05-03" and ani.posted_at_source == "text"
    assert ani.media == ("https://pic.twitter.com/tiXGUoLREi",)
    assert ani.id == "twitter:pic-tiXGUoLREi"
    assert ani.text is not None and ani.text.startswith("#WATCH | Russia today alleged")


def test_gerashchenko_post_starts_after_the_glued_prose(extraction: Extraction) -> None:
    post = extraction.posts[1]
    assert (post.author_name, post.author_handle) == ("Anton Gerashchenko", "Gerashchenko_en")
    assert post.media == ("https://pic.twitter.com/w7Bv1jQzYk",)
    assert post.posted_at == "2023-05-03"
    assert post.text is not None and post.text.startswith("“As a result of their fall")
    assert "last night" not in post.text


def test_mentions(extraction: Extraction) -> None:
    assert len(extraction.mentions) == 2
    rt, baza = extraction.mentions
    assert (rt.kind, rt.source_name, rt.post_id) == ("video", "Russia's RT news", extraction.posts[0].id)
    assert (baza.kind, baza.source_name, baza.platform) == ("video", "Baza", "telegram")
    assert baza.source_description is not None
    assert baza.source_description.startswith("a Telegram channel with links to Russia")
    assert baza.post_id is None


def test_reuters_note_is_about_the_baza_video(extraction: Extraction) -> None:
    assert len(extraction.notes) == 1
    note = extraction.notes[0]
    assert (note.verifier, note.verdict) == ("Reuters", "unverified")
    assert note.sentence == "Reuters could not immediately verify the video’s authenticity."
    assert note.mention_index is not None
    assert extraction.mentions[note.mention_index].source_name == "Baza"


def test_accounts_are_the_two_authors(extraction: Extraction) -> None:
    assert sorted(a.id for a in extraction.accounts) == ["twitter:ani", "twitter:gerashchenko_en"]


def test_extraction_is_deterministic(extraction: Extraction) -> None:
    again = scrapers.extract(scrapers.parse_text(SEED.read_text(encoding="utf-8"), URL))
    assert again == extraction


def test_windows_line_endings_and_wrapped_lines_give_the_same_posts(extraction: Extraction) -> None:
    # The same dump saved on Windows, with the tweet paragraphs wrapped at 60 columns.
    text = SEED.read_text(encoding="utf-8")
    wrapped = []
    for paragraph in text.split("\n\n"):
        words, line, lines = paragraph.split(), "", []
        for word in words:
            if len(line) + len(word) > 60:
                lines.append(line)
                line = ""
            line = f"{line} {word}".strip()
        lines.append(line)
        wrapped.append("\r\n".join(lines))
    again = scrapers.extract(scrapers.parse_text("\r\n\r\n".join(wrapped), URL))
    assert [p.id for p in again.posts] == [p.id for p in extraction.posts]
    assert [p.text for p in again.posts] == [p.text for p in extraction.posts]
