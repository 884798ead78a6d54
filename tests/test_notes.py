"""Verification notes: which sentences state a verification status, the verifier and verdict they name, and
which mention or post ``extract`` ties each one to."""

from __future__ import annotations

import pytest

from embedtrail import scrapers
from embedtrail.scrapers.document import CONTENT, TextBlock
from embedtrail.scrapers.notes import VERDICTS, classify_sentence, scan_notes

# (sentence, verdict, verifier)
NOTES = [
    ("Reuters could not immediately verify the video’s authenticity.", "unverified", "Reuters"),
    ("The footage has not been independently verified.", "unverified", None),
    (
        "The Associated Press was unable to independently verify the video.",
        "unverified",
        "The Associated Press",
    ),
    ("The AP could not independently verify the footage.", "unverified", "The Associated Press"),
    ("CNN could not independently verify the footage.", "unverified", "CNN"),
    ("The Washington Post could not verify the video.", "unverified", "The Washington Post"),
    ("It was not possible to independently verify the footage.", "unverified", None),
    ("The authenticity of the video could not be independently confirmed.", "unverified", None),
    ("The video cannot be independently verified.", "unverified", None),
    ("There was no way to independently verify the video.", "unverified", None),
    ("The clip, which has not been verified by BBC Verify, circulated widely.", "unverified", "BBC Verify"),
    ("An unverified video circulating online appeared to show the explosion.", "unverified", None),
    ("Reuters could not immediately verify the report.", "unverified", "Reuters"),
    ("The video was geolocated by BBC Verify to a street in Bakhmut.", "verified", "BBC Verify"),
    ("BBC Verify geolocated the footage to a road north of Kherson.", "verified", "BBC Verify"),
    ("CNN has geolocated the video to a village near Bakhmut.", "verified", "CNN"),
    ("The video has been verified by the BBC.", "verified", "BBC"),
    ("CNN verified the video was not doctored.", "verified", "CNN"),
    ("The Pentagon confirmed the video was authentic.", "verified", "The Pentagon"),
    ("A fact-check by AFP found the clip was filmed in 2015.", "disputed", "AFP"),
    ("AFP Fact Check found the video was old footage from Syria.", "disputed", "AFP Fact Check"),
    ("The claim was debunked by Snopes.", "disputed", "Snopes"),
    ("The image appears to have been doctored.", "disputed", None),
    ("The clip is old footage from a 2014 military exercise.", "disputed", None),
    ("Experts questioned the authenticity of the footage.", "disputed", None),
]


@pytest.mark.parametrize(("sentence", "verdict", "verifier"), NOTES, ids=[n[0][:40] for n in NOTES])
def test_verification_sentences(sentence: str, verdict: str, verifier: str | None) -> None:
    assert verdict in VERDICTS
    assert classify_sentence(sentence) == (verdict, verifier)


# Sentences with a verification word that say nothing about cited material.
NOT_NOTES = [
    "Officials could not confirm the death toll.",
    "Police could not confirm whether anyone was hurt.",
    "Reuters could not verify the number of casualties.",
    "The death toll could not be independently verified.",
    "Musk's verified account posted the clip.",
    "The account was verified in 2019.",
    "Trump called the reports fake news.",
    "The theory has been debunked.",
    "Users must verify their email address before posting.",
    "The Kremlin confirmed that Putin was not in the building.",
]


@pytest.mark.parametrize("sentence", NOT_NOTES)
def test_not_verification_notes(sentence: str) -> None:
    assert classify_sentence(sentence) is None


def test_scan_notes_reports_what_a_sentence_is_about() -> None:
    block = TextBlock(
        "Smoke rose over the dome. Reuters could not verify the video. Reuters could not verify the claims.",
        1,
        CONTENT,
    )
    hits = [hit for hit, _ in scan_notes([block])]
    assert [(h.verifier, h.about) for h in hits] == [("Reuters", "material"), ("Reuters", "context")]
    assert block.text[hits[0].start :].startswith("Reuters could not verify the video.")


def _extract(text: str) -> scrapers.Extraction:
    return scrapers.extract(scrapers.parse_text(text, "https://example.com/a"))


def test_note_links_to_the_nearest_mention_before_it() -> None:
    extraction = _extract(
        "A video posted on Telegram by Rybar showed the bridge.\n\n"
        "Baza, a Telegram channel, posted a video showing the dome. Reuters could not verify the video."
    )
    [note] = extraction.notes
    assert note.mention_index is not None
    assert extraction.mentions[note.mention_index].source_name == "Baza"


def test_note_naming_a_source_links_to_it_even_when_another_is_closer() -> None:
    extraction = _extract(
        "A video posted on Telegram by Rybar showed the bridge.\n\n"
        "Baza, a Telegram channel, posted a video showing the dome.\n\n"
        "The Rybar video could not be independently verified."
    )
    [note] = extraction.notes
    assert note.mention_index is not None
    assert extraction.mentions[note.mention_index].source_name == "Rybar"


def test_note_links_to_a_flattened_post() -> None:
    extraction = _extract(
        "Drones downed over Moscow pic.twitter.com/tiXGUoLREi — ANI (@ANI) May 3, 2023\n\n"
        "The footage has not been independently verified."
    )
    [note] = extraction.notes
    assert note.post_id == "twitter:pic-tiXGUoLREi"
    assert note.mention_index is None


def test_note_before_any_material_links_to_nothing() -> None:
    [note] = _extract("The footage has not been independently verified.\n\nNothing else here.").notes
    assert (note.post_id, note.mention_index) == (None, None)


def test_context_note_needs_material_close_by() -> None:
    # "the claims" is about cited material only right after it; three paragraphs on, it is about the story.
    near = _extract(
        "Kadyrov said in a Telegram post that his forces had advanced. Reuters could not verify the claims."
    )
    assert [(n.verifier, n.verdict) for n in near.notes] == [("Reuters", "unverified")]
    assert near.notes[0].mention_index == 0
    far = _extract(
        "Kadyrov said in a Telegram post that his forces had advanced.\n\nThe war continues.\n\n"
        "Shelling went on overnight.\n\nReuters could not verify the claims."
    )
    assert far.notes == ()
    alone = _extract("Reuters could not immediately verify the report.")
    assert alone.notes == ()


def test_same_sentence_twice_is_one_note() -> None:
    extraction = _extract(
        "Baza posted a video on Telegram. Reuters could not verify the video.\n\n"
        "Baza posted a video on Telegram. Reuters could not verify the video."
    )
    assert len(extraction.notes) == 1


def _html(body: str) -> scrapers.Extraction:
    page = f"<html><head><title>Drones</title></head><body><article>{body}</article></body></html>"
    return scrapers.extract(scrapers.parse_html(page.encode(), "https://news.example.com/kremlin"))


BAZA_EMBED = (
    '<script async src="https://telegram.org/js/telegram-widget.js?22" '
    'data-telegram-post="bazabazon/17900"></script>'
)
BAZA_PROSE = (
    "<p>Baza, a Telegram channel with links to Russia's law enforcement agencies, posted a video showing a "
    "flying object approaching the dome of the Kremlin Senate building.</p>"
    "<p>Reuters could not immediately verify the video's authenticity.</p>"
)


def test_a_credit_resolves_to_the_post_of_its_source_and_brings_its_note() -> None:
    """The Baza credit is written away from the embed (which comes first, as a lead video): the mention
    resolves to Baza's embedded post by its handle, so the note about the credit reaches that post."""
    extraction = _html(f"<p>Smoke rose over the Kremlin.</p>{BAZA_EMBED}<p>Officials spoke.</p>{BAZA_PROSE}")
    [mention] = extraction.mentions
    assert (mention.source_name, mention.post_id) == ("Baza", "telegram:bazabazon/17900")
    [note] = extraction.notes
    assert note.verifier == "Reuters" and note.post_id == "telegram:bazabazon/17900"
    assert note.mention_index == 0


@pytest.mark.parametrize(
    "embed",
    [
        # Another platform's post by a source of the same name.
        '<blockquote class="twitter-tweet"><a href="https://twitter.com/bazabazon/status/1">x</a></blockquote>',
        # Another Telegram channel.
        BAZA_EMBED.replace("bazabazon", "rybar"),
    ],
)
def test_a_credit_stays_unresolved_without_a_post_of_its_source(embed: str) -> None:
    extraction = _html(f"{embed}{BAZA_PROSE}")
    [mention] = extraction.mentions
    assert mention.post_id is None
