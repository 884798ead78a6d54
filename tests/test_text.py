"""Prose scrapers: flattened tweets (``twitter.scan_text``), mentions (``text.scan_mentions``), the sentence
splitter, and the guarantees every prose scraper gives on arbitrary text (no exception, linear time)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from embedtrail import scrapers
from embedtrail.scrapers.document import CONTENT, TextBlock, parse_html
from embedtrail.scrapers.records import Found, Mention, short_hash
from embedtrail.scrapers.registry import PLATFORMS
from embedtrail.scrapers.text import platform_named, scan_mentions, sentences
from embedtrail.scrapers.twitter import scan_text

ROOT = Path(__file__).resolve().parent.parent


def flat(text: str) -> list[Found]:
    return list(scan_text(TextBlock(text, 1, CONTENT), 0))


def mentions(text: str, platforms: tuple[object, ...] = PLATFORMS) -> list[Mention]:
    return [m for m, _, _ in scan_mentions([TextBlock(text, 1, CONTENT)], platforms, {})]  # type: ignore[arg-type]


# --- flattened tweets -------------------------------------------------------------------------------------

TWEET = "Kremlin says two drones were downed over the residence"


@pytest.mark.parametrize(
    ("text", "post_id", "name", "handle", "media"),
    [
        (
            f"{TWEET} pic.twitter.com/tiXGUoLREi — ANI (@ANI) May 3, 2023",
            "twitter:pic-tiXGUoLREi",
            "ANI",
            "ANI",
            ("https://pic.twitter.com/tiXGUoLREi",),
        ),
        (
            f"{TWEET} https://pic.x.com/Ab12Cd — ANI (@ANI) May 3, 2023",
            "twitter:pic-Ab12Cd",
            "ANI",
            "ANI",
            ("https://pic.x.com/Ab12Cd",),
        ),
        (
            f"{TWEET} https://t.co/Zx9Yw8 – Anton Gerashchenko (@Gerashchenko_en) 3 May 2023",
            "twitter:tco-Zx9Yw8",
            "Anton Gerashchenko",
            "Gerashchenko_en",
            (),
        ),
        # A t.co link can wrap a URL several tweets share; the media link is the tweet's own and wins.
        (
            f"{TWEET} http://t.co/fU1QeMQPFC pic.twitter.com/xrDVp5Qaqn— Channel NewsAsia (@ChannelNewsAsia) "
            "December 31, 2014",
            "twitter:pic-xrDVp5Qaqn",
            "Channel NewsAsia",
            "ChannelNewsAsia",
            ("https://pic.twitter.com/xrDVp5Qaqn",),
        ),
        (
            f"{TWEET} - ANI (@ANI) 3. Mai 2023",
            f"twitter:text-{short_hash('ani', TWEET, length=12)}",
            "ANI",
            "ANI",
            (),
        ),
        (
            f"{TWEET} &mdash; ANI (@ANI) 3 mai 2023",
            f"twitter:text-{short_hash('ani', TWEET, length=12)}",
            "ANI",
            "ANI",
            (),
        ),
        (f"{TWEET} — N. K. Jemisin (@nkjemisin) 2023-05-03", None, "N. K. Jemisin", "nkjemisin", ()),
        (f"{TWEET} — Jean-Pierre Filiu (@jpfiliu) May 3 2023", None, "Jean-Pierre Filiu", "jpfiliu", ()),
        (
            f"{TWEET} pic.twitter.com/tiXGUoLREi — ANI (@ANI) 3 de mayo de 2023",
            "twitter:pic-tiXGUoLREi",
            "ANI",
            "ANI",
            ("https://pic.twitter.com/tiXGUoLREi",),
        ),
        (
            f"{TWEET} pic.twitter.com/tiXGUoLREi — ANI (@ANI) 3 мая 2023 г.",
            "twitter:pic-tiXGUoLREi",
            "ANI",
            "ANI",
            ("https://pic.twitter.com/tiXGUoLREi",),
        ),
    ],
)
def test_flattened_tweet_variants(
    text: str, post_id: str | None, name: str, handle: str, media: tuple[str, ...]
) -> None:
    [found] = flat(text)
    post = found.post
    if post_id is not None:
        assert post.id == post_id
    assert (post.author_name, post.author_handle, post.media) == (name, handle, media)
    assert post.text == TWEET
    assert post.posted_at == "2023-05-03" or post.posted_at == "2014-12-31"
    assert post.posted_at_source == "text"
    assert found.method == "text" and found.span is not None and found.span[1] <= len(text)


def test_text_split_over_several_lines_gives_the_same_id() -> None:
    one_line = flat(f"{TWEET} — ANI (@ANI) May 3, 2023")[0].post
    wrapped = flat("Kremlin says two drones\nwere downed over the\nresidence\n— ANI\n(@ANI)\nMay 3, 2023")[
        0
    ].post
    assert wrapped.id == one_line.id and wrapped.text == TWEET
    assert one_line.id.startswith("twitter:text-")


def test_derived_ids_are_stable_contract() -> None:
    # These formats are public (they are stored, and refresh resolves them); changing them orphans rows.
    assert flat("x pic.twitter.com/AbC — A (@a) May 3, 2023")[0].post.id == "twitter:pic-AbC"
    assert flat("x https://t.co/AbC — A (@a) May 3, 2023")[0].post.id == "twitter:tco-AbC"
    assert flat("Hello world — A (@A) May 3, 2023")[0].post.id == "twitter:text-" + short_hash(
        "a", "Hello world", length=12
    )


def test_several_tweets_in_one_paragraph() -> None:
    text = (
        "First tweet pic.twitter.com/a1 — Alice (@alice) May 3, 2023 Second tweet, replying "
        "pic.twitter.com/b2 — Bob (@bob) May 4, 2023"
    )
    first, second = flat(text)
    assert (first.post.text, first.post.author_handle, first.post.posted_at) == (
        "First tweet",
        "alice",
        "2023-05-03",
    )
    assert (second.post.text, second.post.author_handle, second.post.posted_at) == (
        "Second tweet, replying",
        "bob",
        "2023-05-04",
    )
    assert first.span is not None and second.span is not None and first.span[1] <= second.span[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The seed: prose and tweet glued by a flattened page ("...last night.“As a result").
        (
            "Two drones were targeted at the Kremlin last night.“As a result of their fall, there were "
            'no victims" - Putin’s office… pic.twitter.com/w7Bv1jQzYk — Anton Gerashchenko '
            "(@Gerashchenko_en) May 3, 2023",
            '“As a result of their fall, there were no victims" - Putin’s office…',
        ),
        (
            "Officials confirmed the strike.Drones hit the depot overnight pic.twitter.com/x1 — A (@a) "
            "May 3, 2023",
            "Drones hit the depot overnight",
        ),
        # A closing straight quote after a full stop is not glue.
        (
            'Woken up by "join our paranoia about vaguely brown men." — N. K. Jemisin (@nkjemisin) '
            "September 19, 2016",
            'Woken up by "join our paranoia about vaguely brown men."',
        ),
        (
            "It's as bad as the \"Meth. We're On It.\" campaign. pic.twitter.com/3BDnrvkoms— Mike Beauvais "
            "(@MikeBeauvais) November 18, 2019",
            "It's as bad as the \"Meth. We're On It.\" campaign.",
        ),
    ],
)
def test_tweet_text_starts_where_the_tweet_does(text: str, expected: str) -> None:
    [found] = flat(text)
    assert found.post.text == expected
    assert found.span is not None and text[found.span[0] :].startswith(expected[:10])


@pytest.mark.parametrize(
    "text",
    [
        f"{TWEET} https://twitter.com/ANI/status/1653711338587779072 — ANI (@ANI) May 3, 2023",
        f"{TWEET} — ANI (@ANI) May 3, 2023 https://twitter.com/ANI/status/1653711338587779072",
        f"{TWEET} pic.twitter.com/tiXGUoLREi — ANI (@ANI) May 3, 2023 (https://x.com/ANI/status/1653711338587779072)",
    ],
)
def test_inline_status_url_gives_the_real_id(text: str) -> None:
    [found] = flat(text)
    post = found.post
    assert post.id == "twitter:1653711338587779072"
    assert post.native_id == "1653711338587779072"
    assert post.posted_at_source == "snowflake" and post.posted_at is not None
    assert post.posted_at.startswith("2023-05-03")
    assert post.text == TWEET and post.author_handle == "ANI"


def test_linked_date_in_a_paragraph_gives_the_real_id() -> None:
    page = (
        "<html><body><article><p>Drones were downed pic.twitter.com/tiXGUoLREi — ANI (@ANI) "
        '<a href="https://twitter.com/ANI/status/1653711338587779072?ref_src=twsrc">May 3, 2023</a></p>'
        "</article></body></html>"
    )
    doc = parse_html(page, "https://example.com/a")
    index = next(i for i, b in enumerate(doc.blocks) if "(@ANI)" in b.text)
    [found] = list(scan_text(doc.blocks[index], index))
    assert found.post.id == "twitter:1653711338587779072"
    assert found.post.media == ("https://pic.twitter.com/tiXGUoLREi",)


@pytest.mark.parametrize(
    "text",
    [
        "Contact the reporter on Twitter (@jdoe) for comment.",
        "said Jean-Pierre (@jp) May 3, 2023 in a statement",  # no dash before the name
        "— ANI (@ANI) yesterday",  # no date
        "— ANI (@ANI) Feb 30, 2023",  # impossible date
        "Follow us (@embedtrail) for more.",
        "— (see https://example.com/(@a) May 3, 2023)",
    ],
)
def test_not_flattened_tweets(text: str) -> None:
    assert flat(text) == []


# --- mentions ----------------------------------------------------------------------------------------------

# (sentence, kind, source_name, platform); every row is one mention.
POSITIVE = [
    (
        "Russia today alleged an attack: RT news(Video: Russia’s RT news) pic.twitter.com/tiXGUoLREi",
        "video",
        "Russia's RT news",
        None,
    ),
    (
        "Smoke rises over the Kremlin (Photo: Ukrainian Defence Ministry/Twitter)",
        "photo",
        "Ukrainian Defence Ministry",
        "twitter",
    ),
    ("Smoke rises over the Kremlin (Video courtesy of Kyiv Independent)", "video", "Kyiv Independent", None),
    ("Smoke rises over the Kremlin (Screenshot: Telegram)", "photo", None, "telegram"),
    (
        "Baza, a Telegram channel with links to Russia’s law enforcement agencies, posted a video showing a "
        "flying "
        "object approaching the dome of the Kremlin Senate building.",
        "video",
        "Baza",
        "telegram",
    ),
    ("Rybar, a pro-Kremlin military blogger, posted a video showing the strike.", "video", "Rybar", None),
    (
        "Prigozhin, the head of the Wagner group, released an audio recording on Telegram.",
        "audio",
        "Prigozhin",
        "telegram",
    ),
    (
        "A video posted on Telegram by the Wagner group showed fighters in Bakhmut.",
        "video",
        "Wagner group",
        "telegram",
    ),
    (
        "Ukraine's defence ministry posted a video on its Telegram channel.",
        "video",
        "Ukraine's defence ministry",
        "telegram",
    ),
    (
        "Chechen leader Ramzan Kadyrov posted a video on his Telegram channel showing troops.",
        "video",
        "Chechen leader Ramzan Kadyrov",
        "telegram",
    ),
    ("Footage shared on social media showed a plume of smoke over the city.", "video", None, None),
    ("Video circulating on social media appeared to show the explosion.", "video", None, None),
    (
        "According to a video published by the Ukrainian military on YouTube, the tank was hit.",
        "video",
        "Ukrainian military",
        "youtube",
    ),
    ("In a video uploaded to TikTok, the soldier said he had not been paid.", "video", None, "tiktok"),
    ("A clip posted on the Telegram channel Rybar showed the bridge.", "video", "Rybar", "telegram"),
    (
        "A video of the strike posted on X by the Ukrainian air force showed the missile.",
        "video",
        "Ukrainian air force",
        "twitter",
    ),
    ("The footage, which was posted on Telegram, shows a drone.", "video", None, "telegram"),
    ("Zelensky shared a video on X showing the destroyed bridge.", "video", "Zelensky", "twitter"),
    ("Kadyrov said in a Telegram post that his forces had advanced.", "post", "Kadyrov", "telegram"),
    ("Musk wrote on X that the feature would return.", "post", "Musk", "twitter"),
    ("The Wagner chief posted an audio message on Telegram.", "audio", "Wagner chief", "telegram"),
    ("Police released footage of the arrest.", "video", "Police", None),
    ("Footage courtesy of Kyiv Independent shows the aftermath.", "video", "Kyiv Independent", None),
    ("Curious New Yorkers began posting photos and video of the plane on Twitter.", "photo", None, "twitter"),
]


@pytest.mark.parametrize(
    ("sentence", "kind", "source", "platform"), POSITIVE, ids=[p[0][:40] for p in POSITIVE]
)
def test_mentions_in_prose(sentence: str, kind: str, source: str | None, platform: str | None) -> None:
    [mention] = mentions(sentence)
    assert (mention.kind, mention.source_name, mention.platform) == (kind, source, platform)
    assert mention.sentence == sentence


NEGATIVE = [
    "The video shows a man running across the square.",
    "In the footage, a drone can be seen exploding over the dome.",
    "It posted a video.",
    "Nintendo released a video game on Monday.",
    "Officials said the video was recorded on Monday.",
    "She sent a message to X, her former employer.",
    "He said on Monday that the footage was fake.",
    "The photos were taken by a local resident.",
    "Smoke rises over the city (Photo: Getty Images)",
    "Smoke rises over the city (Image: gargantiopa / Getty Images)",
    "Smoke rises over the city (Video: Reuters)",
    "Footage obtained by The Associated Press shows the aftermath.",
    "Follow her on Twitter @AmyKup or on Facebook.",
    "The post office on Main Street was damaged.",
    "View this post on Instagram",
    "Sources: New York Times (2), NBC News (2), Kellyanne Conway/Twitter/ Photo Credit: Gage Skidmore/Flickr",
]


@pytest.mark.parametrize("sentence", NEGATIVE)
def test_not_mentions(sentence: str) -> None:
    assert mentions(sentence) == []


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("A drone over the Kremlin. Video: Baza/Telegram", ("video", "Baza", "telegram")),
        ("Video: Russia's RT news", ("video", "Russia's RT news", None)),
        ("Photo: screenshot from Telegram", ("photo", None, "telegram")),
        ("Photo: Reuters/Twitter", ("photo", "Reuters", "twitter")),
        ("Union Station, Chicago, 1960. Photo: Bettmann Archive/Getty", None),
        ("Gustav Lloyd Agerblad and Anders Tegnell. Photo: Jonathan Nackstrand/AFP", None),
        ("Coney Island, New York. Photo: Getty", None),
        ("Photo: Getty Images", None),
    ],
)
def test_caption_credits(caption: str, expected: tuple[str, str | None, str | None] | None) -> None:
    page = (
        f"<html><body><article><figure><img src=a.jpg><figcaption>{caption}</figcaption></figure></article>"
    )
    doc = parse_html(page, "https://example.com/a")
    found = [m for m, _, _ in scan_mentions(doc.blocks, PLATFORMS, {})]
    assert [(m.kind, m.source_name, m.platform) for m in found] == ([expected] if expected else [])


def test_credit_line_in_a_text_dump_is_a_caption() -> None:
    doc = scrapers.parse_text(
        "title Drones\n\nA drone over the Kremlin.\n\nVideo: Baza/Telegram\n", "https://e.x/a"
    )
    extraction = scrapers.extract(doc)
    assert [(m.kind, m.source_name, m.platform) for m in extraction.mentions] == [
        ("video", "Baza", "telegram")
    ]


def test_platform_names_come_from_the_registry() -> None:
    sentence = "In a video uploaded to Clipster, the soldier said he had not been paid."
    assert mentions(sentence) == []
    clipster = SimpleNamespace(NAME="clipster", PROSE_NAMES=("Clipster",))
    [mention] = mentions(sentence, (*PLATFORMS, clipster))
    assert mention.platform == "clipster"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("posted on X", "twitter"),
        ("Baza/Telegram", "telegram"),
        ("X", "twitter"),
        ("Malcolm X said", None),
        ("on Telegram and on YouTube", None),  # two platforms: not one
        ("telegram", None),  # names are matched as written
    ],
)
def test_platform_named(text: str, expected: str | None) -> None:
    assert platform_named(text, PLATFORMS) == expected


def test_mention_inside_a_flattened_tweet_is_tied_to_it() -> None:
    text = (
        "Drones downed over Moscow (Video: Russia’s RT news) pic.twitter.com/tiXGUoLREi — ANI (@ANI) "
        "May 3, 2023"
    )
    extraction = scrapers.extract(scrapers.parse_text(text, "https://e.x/a"))
    [mention] = extraction.mentions
    assert mention.post_id == "twitter:pic-tiXGUoLREi"


def test_two_patterns_on_one_sentence_are_one_mention() -> None:
    [mention] = mentions("Kadyrov wrote on Telegram, sharing a video of the assault on Telegram.")
    assert (mention.kind, mention.source_name, mention.platform) == ("video", "Kadyrov", "telegram")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two three. Four?", ["One.", "Two three.", "Four?"]),
        (
            "On Nov. 15 Mr. Smith met U.S. officials. They agreed.",
            ["On Nov. 15 Mr. Smith met U.S. officials.", "They agreed."],
        ),
        ("N. K. Jemisin wrote a book. It sold.", ["N. K. Jemisin wrote a book.", "It sold."]),
        ("“Quote.” Then prose.", ["“Quote.”", "Then prose."]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    split = sentences(text)
    assert [s.text for s in split] == expected
    assert all(text[s.start :].startswith(s.text) for s in split)


# --- robustness --------------------------------------------------------------------------------------------

# Words the prose patterns anchor on, so that random text reaches deep into them.
_TOKENS = st.sampled_from(
    [
        "(@",
        "(@a)",
        ")",
        "(",
        "—",
        "–",
        " - ",
        "&mdash;",
        "May 3, 2023",
        "3. Mai 2023",
        "2023-05-03",
        "pic.twitter.com/x",
        "https://t.co/a",
        "https://x.com/a/status/1653711338587779072",
        "video",
        "Video:",
        "footage",
        "posted",
        "shared",
        "on",
        "by",
        "Telegram",
        "X",
        "social media",
        "Baza,",
        "a Telegram channel",
        ",",
        ".",
        "“",
        '"',
        "Reuters",
        "could not",
        "verify",
        "verified by",
        "The",
        "the",
        "geolocated",
        "fake",
        "courtesy of",
        "\n",
        " ",
        "é",
        "Ω",
        "\x00",
        "’s",
    ]
)
_PROSE = st.one_of(
    st.text(max_size=400),
    st.lists(_TOKENS, max_size=120).map(" ".join),
    st.lists(_TOKENS, max_size=120).map("".join),
)


@settings(max_examples=300, deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow])
@given(_PROSE)
def test_prose_scrapers_never_raise(text: str) -> None:
    block = TextBlock(text, 1, CONTENT)
    list(scan_text(block, 0))
    scan_mentions([block], PLATFORMS, {})
    from embedtrail.scrapers.notes import scan_notes

    list(scan_notes([block]))
    scrapers.extract(scrapers.parse_text(text, "https://example.com/a"))


_ADVERSARIAL = textwrap.dedent(
    """
    import time
    from embedtrail import scrapers
    from embedtrail.scrapers.document import CONTENT, TextBlock
    from embedtrail.scrapers.notes import scan_notes
    from embedtrail.scrapers.registry import PLATFORMS
    from embedtrail.scrapers.text import scan_mentions
    from embedtrail.scrapers.twitter import scan_text

    n = 50_000
    pieces = ["(@a", "— ", "(@a) May 3, 2023 ", "— A (@a) May 3, 2023 ", "A ", "a, ", "video ", "posted ",
              "video posted on ", "Video: ", "(Video: ", "Reuters ", "could not ", "verified by ", ". ",
              "pic.twitter.com/a ", "https://t.co/", "x.com/a/status/1", "’s ", "a" , "A, a video, posted ",
              "by the ", "The A B C D E F G H ", "not ", "fake ", "unverified "]
    worst = 0.0
    for piece in pieces:
        text = (piece * (n // len(piece) + 1))[:n]
        block = TextBlock(text, 1, CONTENT)
        started = time.perf_counter()
        list(scan_text(block, 0))
        scan_mentions([block], PLATFORMS, {})
        list(scan_notes([block]))
        scrapers.extract(scrapers.parse_text(text, "https://example.com/a"))
        worst = max(worst, time.perf_counter() - started)
    print(f"worst {worst:.2f}s")
    """
)


def test_long_adversarial_paragraphs_finish() -> None:
    # Catastrophic backtracking shows as minutes, not milliseconds; a generous limit in a child process
    # keeps the test meaningful on a slow CI machine without a tight wall-clock assertion.
    result = subprocess.run(
        [sys.executable, "-c", _ADVERSARIAL],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
