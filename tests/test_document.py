"""The one parse and the one walk (``scrapers.document``): decoding of awkward bodies, pages that must not
crash the parser or the walk, the text blocks the walk gathers, and the prefilters that let prose scrapers
skip paragraphs without changing what they find."""

from __future__ import annotations

import gc
import random
import re
import threading
import warnings
import weakref

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from embedtrail.scrapers import extract
from embedtrail.scrapers.document import CONTENT, collector_paused, decode_html, parse_html
from embedtrail.scrapers.notes import _CUE_WORDS, _CUES, _has_cue
from embedtrail.scrapers.text import (
    _KIND,
    _KIND_TRIE,
    _KIND_WORDS,
    _first_material,
    cached_sentences,
    fold_for_search,
    sentences,
)

URL = "https://news.example/2023/05/03/story"
RUSSIAN = (
    "Видео опубликовал в Telegram канал Baza, связанный с силовыми структурами России. "
    "Ролик показывает, как беспилотник пролетает над Кремлём. Источник: https://t.me/bazabazon/17843"
)
PAGE = f"<html><head><title>Новости</title></head><body><article><p>{RUSSIAN}</p></article></body></html>"


def block_texts(body: bytes | str, content_type: str | None = None) -> list[str]:
    return [block.text for block in parse_html(body, URL, content_type).blocks]


def post_ids(body: bytes | str) -> set[str]:
    return {post.id for post in extract(parse_html(body, URL)).posts}


# -- decoding ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (PAGE.encode("utf-16"), "utf-16"),  # with a byte-order mark
        (PAGE.encode("utf-16-le"), "utf-16-le"),  # without one
        (PAGE.encode("utf-16-be"), "utf-16-be"),
        (PAGE.encode("utf-32"), "utf-32"),
        (b"\xef\xbb\xbf" + PAGE.encode(), "utf-8"),
        (PAGE.encode(), "utf-8"),
    ],
    ids=["utf-16-bom", "utf-16-le", "utf-16-be", "utf-32-bom", "utf-8-bom", "utf-8"],
)
def test_unicode_pages_with_and_without_byte_order_marks(body: bytes, encoding: str) -> None:
    text, found = decode_html(body)
    assert found == encoding
    assert RUSSIAN in text and "\ufeff" not in text
    assert block_texts(body) == [RUSSIAN]
    assert post_ids(body) == {"telegram:bazabazon/17843"}


@pytest.mark.parametrize("codec", ["windows-1251", "koi8-r"])
@pytest.mark.parametrize("declared", ["meta", "http", "none"])
def test_russian_pages_in_8_bit_charsets(codec: str, declared: str) -> None:
    page = PAGE * 3  # enough text for detection when nothing is declared
    content_type = None
    if declared == "meta":
        page = page.replace(
            "<head>", f'<head><meta http-equiv="Content-Type" content="text/html; charset={codec}">', 1
        )
    elif declared == "http":
        content_type = f"text/html; charset={codec}"
    body = page.encode(codec)
    text, _ = decode_html(body, content_type)
    assert RUSSIAN in text
    assert block_texts(body, content_type)[0] == RUSSIAN


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        # <meta charset="utf-8"> on windows-1251 bytes: invalid UTF-8, so the declaration is a lie.
        (PAGE.replace("<head>", '<head><meta charset="utf-8">').encode("windows-1251") * 3, None),
        # The server says UTF-8, the bytes are KOI8-R.
        (PAGE.encode("koi8-r") * 3, "text/html; charset=utf-8"),
        # A page that claims UTF-16 but is plain ASCII (a common lie): read as what it is.
        (
            b'<html><head><meta charset="utf-16"></head><body><p>' + RUSSIAN.encode() + b"</p></body></html>",
            None,
        ),
        # An unknown charset name is ignored.
        (PAGE.encode(), "text/html; charset=x-no-such-charset"),
    ],
    ids=["meta-utf8-lie", "http-utf8-lie", "utf16-lie", "unknown-charset"],
)
def test_declared_charsets_that_lie(body: bytes, content_type: str | None) -> None:
    assert block_texts(body, content_type)[0] == RUSSIAN


SPANISH = "El Mundial de Sudáfrica, según la FIFA: “ningún país” — 2010"


@pytest.mark.parametrize("declared", ['<meta charset="iso-8859-1">', '<meta charset="windows-1250">', ""])
def test_utf8_bytes_under_a_declared_8_bit_charset_are_utf8(declared: str) -> None:
    # Latin-1 decodes any byte, so the declaration never "fails": valid UTF-8 beyond ASCII is the answer (a
    # server's default ISO-8859-1, a template's stale meta), not "SudÃ¡frica".
    body = f"<html><head>{declared}</head><body><p>{SPANISH}</p></body></html>".encode()
    assert decode_html(body) == (
        f"<html><head>{declared}</head><body><p>{SPANISH}</p></body></html>",
        "utf-8",
    )


@pytest.mark.parametrize("label", ["iso-8859-1", "latin1", "us-ascii", "windows-1252"])
def test_latin1_labels_read_as_windows_1252_as_browsers_do(label: str) -> None:
    # Curly quotes and dashes are windows-1252's bytes 0x93, 0x94, 0x97; ISO-8859-1 would make them invisible
    # control characters. The byte 0x81, which windows-1252 leaves undefined, is a control to a browser too.
    body = (
        b'<html><head><meta charset="'
        + label.encode()
        + b'"></head><body><p>\x93Sud\xe1frica\x94 \x97 ok\x81</p>'
    )
    text, encoding = decode_html(body)
    assert encoding == "cp1252"
    assert "<p>“Sudáfrica” — ok\x81</p>" in text


def test_text_encoded_twice_is_decoded_back() -> None:
    # FEMA's page (2017): UTF-8 read as Latin-1 and saved as UTF-8 again, "Español" as "EspaÃ±ol" and a
    # pasted tweet's "— U.S. Army North (@USArmyNorth)" with "â\x80\x94" for its dash.
    twice = SPANISH.encode("utf-8").decode("latin-1").encode("utf-8")
    assert decode_html(b"<p>" + twice + b"</p>") == (f"<p>{SPANISH}</p>", "utf-8")
    once_and_twice = "<p>Über</p><p>Ã\x9cber</p>".encode()
    assert decode_html(once_and_twice)[0] == "<p>Über</p><p>Über</p>"


def test_text_that_only_looks_odd_is_left_as_written() -> None:
    # Guard: characters that happen to follow one another ("Ã" and "©" in a list of glyphs) are no proof of
    # mojibake when the run does not decode to anything sensible.
    for text in ("<p>Glyphs: Ã ©, â, €</p>", "<p>Große Straße, naïve café, 東京</p>"):
        assert decode_html(text.encode()) == (text, "utf-8")


def test_nul_bytes_are_dropped_not_an_early_end() -> None:
    body = b"<html><body><p>a\x00b https://t.me/baza/1</p>\x00\x00<p>after the NULs</p></body></html>"
    assert block_texts(body) == ["ab https://t.me/baza/1", "after the NULs"]
    assert block_texts(body.decode()) == ["ab https://t.me/baza/1", "after the NULs"]


def test_lone_surrogates_in_str_input() -> None:
    # A caller that decoded with errors="surrogateescape" hands over unpaired surrogates; a pair stays one
    # character.
    body = "<html><body><p>bad \udcff byte, \ud83d\ude00 pair https://t.me/baza/2</p></body></html>"
    assert block_texts(body) == ["bad \ufffd byte, \U0001f600 pair https://t.me/baza/2"]
    assert post_ids(body) == {"telegram:baza/2"}


@pytest.mark.parametrize("body", ["https://x.com/someone/status/123", "notes.html", b"https://t.me/baza/1"])
def test_one_line_page_raises_no_bs4_advice(body: str | bytes) -> None:
    # bs4 takes a page that is one URL or file name for a caller's mistake and warns with a paragraph of
    # advice, which a volunteer's terminal would show; for embedtrail it is the page's whole content.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = parse_html(body, URL)
    assert [str(w.message)[:60] for w in caught] == []
    assert doc.soup is not None


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_binary_garbage_parses_to_nothing_much(seed: int) -> None:
    rng = random.Random(seed)
    body = bytes(rng.randrange(256) for _ in range(50_000))
    doc = parse_html(body, URL)
    extract(doc)  # no exception is the point
    assert doc.kind == "html"


@pytest.mark.parametrize("body", [b"", b"   \n", b"\x00\x00", b"\xff\xfe", "", "<", "<html"])
def test_empty_and_truncated_bodies(body: bytes | str) -> None:
    assert extract(parse_html(body, URL)).posts == ()


def test_deeply_nested_markup_does_not_crash() -> None:
    depth = 100_000
    body = (
        "<html><body>" + "<div>" * depth + "<p>Baza posted a video https://t.me/baza/3</p>" + "</div>" * depth
    )
    doc = parse_html(body + "</body></html>", URL)
    assert [block.text for block in doc.blocks] == ["Baza posted a video https://t.me/baza/3"]
    assert post_ids(body) == {"telegram:baza/3"}


def test_deeply_nested_inline_markup_inside_a_paragraph() -> None:
    depth = 20_000
    body = "<p>start " + "<span>" * depth + "middle" + "</span>" * depth + " end</p>"
    assert block_texts(body) == ["start middle end"]


# -- the walk's text blocks ---------------------------------------------------------------------------


def test_a_page_that_closes_its_html_element_at_once_is_read_whole() -> None:
    # cracked.com (2011): '<html xmlns="…" />' leaves lxml an empty <html> and a second one with the page.
    body = (
        '<!DOCTYPE html><html id="t" xmlns="http://www.w3.org/1999/xhtml" />\n<head><title>Privacy</title>'
        '</head><body><article><p>The people who once ran the <a href="http://www.youtube.com/watch?v='
        'OYecfV3ubP8">"1984" ad</a> now say you cannot use their products.</p></article></body></html>'
    )
    doc = parse_html(body, URL)
    assert [block.text for block in doc.blocks if block.zone == CONTENT]
    assert [embed.post_id for embed in extract(doc).embeds] == ["youtube:OYecfV3ubP8"]


def test_block_text_is_gathered_in_document_order() -> None:
    body = (
        "<html><body><article>"
        "<p>one <b>two <i>three</i></b> four<br>five<!-- hidden --><script>var x = 1;</script>"
        "<style>p{}</style><noscript>no <i>script</i></noscript><svg><text>drawn</text></svg>"
        "<math><mi>x</mi></math> six <textarea>typed</textarea></p>"
        "<ul><li>item <p>nested paragraph</p> tail</li></ul>"
        "<blockquote><p>quoted</p><p>twice</p></blockquote>"
        "</article></body></html>"
    )
    doc = parse_html(body, URL)
    assert [(block.text, block.zone) for block in doc.blocks] == [
        ("one two three four fivex six typed", CONTENT),  # no space is invented where markup had none
        ("item nested paragraph tail", CONTENT),
        ("quoted twice", CONTENT),  # a paragraph inside a block starts a new line, as it renders
    ]
    assert (" hidden ", doc.blocks[0].node.position if doc.blocks[0].node else 0) in doc.comments
    # Nested paragraphs are indexed as elements and point to the block around them.
    nested = [node for node in doc.tagged("p") if node.block == 1]
    assert len(nested) == 1 and doc.block_text(nested[0]) == "item nested paragraph tail"


def test_chrome_that_broken_markup_leaves_inside_a_block_is_not_its_text() -> None:
    # thelocal.se closes its excerpt's <h2> with </h3>, so the whole body (and, placed there, a comment
    # section quoting a tweet) is one heading block; the comment's text is not the article's, and neither is
    # the flattened tweet in it.
    comment = (
        '<div id="comments" class="comments-area"><ol class="comment-list"><li class="comment"><p>Look:</p>'
        '<blockquote class="twitter-tweet"><p>What a day</p>&mdash; Anna (@anna) '
        '<a href="https://x.com/anna/status/1754567890123456789">May 5, 2024</a></blockquote></li></ol></div>'
    )
    body = (
        '<html><body><main class="article-single__main"><h2 class="article-single__excerpt">The excerpt.</h3>'
        '<div id="articleBody"><p>'
        + "The story goes on for a while here. " * 4
        + "</p>"
        + comment
        + "<p>The end.</p></main></body></html>"
    )
    doc = parse_html(body, URL)
    heading = doc.blocks[0]
    assert heading.zone == CONTENT and "The story goes on" in heading.text and "The end." in heading.text
    assert "Look:" not in heading.text and "What a day" not in heading.text
    assert extract(doc).embeds == ()


def test_a_block_read_again_outside_its_quotes_leaves_its_chrome_out_too() -> None:
    # The same open heading, now holding an embedded tweet of the article: the block is read again for bare
    # URLs outside the tweet's quote, and a comment's bare post URL there is still the comment's, while the
    # story's own bare URL is the article's. (Found by placing the survey's forms in a reader's comment.)
    comment = (
        '<div id="comments" class="comments-area"><ol class="comment-list"><li class="comment">'
        "<p>Posted on Instagram: https://www.instagram.com/p/C1abcDEFghX/</p></li></ol></div>"
    )
    body = (
        '<html><body><main class="article-single__main"><h2 class="article-single__excerpt">The excerpt.</h3>'
        '<div id="articleBody"><p>'
        + "The story goes on for a while here. "
        * 4
        + "</p><blockquote class='twitter-tweet'><p>What a day</p>&mdash; Anna (@anna) "
        "<a href='https://x.com/anna/status/1754567890123456789'>May 5, 2024</a></blockquote>"
        "<p>The ministry posted it: https://www.facebook.com/ministry/posts/223456789012341</p>"
        + comment
        + "<p>The end.</p></main></body></html>"
    )
    posts = {embed.post_id for embed in extract(parse_html(body, URL)).embeds}
    assert posts == {"twitter:1754567890123456789", "facebook:223456789012341"}


def test_an_inline_elements_chrome_words_keep_its_text_in_the_block() -> None:
    # A quoted post's author line in a <span class="tweet-author"> ("author" is a chrome word) is its text.
    body = (
        "<html><body><article><p>" + "The story goes on for a while here. " * 4 + "</p><blockquote><p>The "
        'bridge is closed</p><span class="tweet-author">Ben (@ben) June 3, 2023</span></blockquote>'
        "</article></body></html>"
    )
    assert parse_html(body, URL).blocks[1].text.endswith("Ben (@ben) June 3, 2023")


def test_attributes_are_indexed_once_per_element() -> None:
    body = (
        '<div class="a b" data-src="//cdn.example/x.mp4" cite="" videoid="v1">'
        '<blockquote cite="https://t.me/baza/4"></blockquote><link href="/style.css"><base href="https://b.example/">'
        '<a href=" //t.me/baza/5 ">x</a></div>'
    )
    doc = parse_html(body, URL)
    assert [n.tag.name for n in doc.classed("a", "b")] == ["div", "div"]
    assert [n.tag.name for n in doc.with_attribute("data-src", "videoid", "cite")] == [
        "div",
        "div",
        "blockquote",
    ]
    assert [(u.url, u.attribute) for u in doc.urls] == [
        ("https://cdn.example/x.mp4", "data-src"),
        ("https://t.me/baza/4", "cite"),
        ("https://t.me/baza/5", "href"),
    ]
    assert doc.base_url == "https://b.example/"


# -- prefilters: a skipped paragraph is one the patterns could not have matched ------------------------------

_KIND_RE = re.compile(_KIND)
_TRICKY = [
    "He posted a video",
    "posted",
    "the Washington Post",
    "VIDEO",
    "Photographs.",
    "video-game",
    "videos_",
    "xvideo",
    "a ſcreenshot",  # long s: re's IGNORECASE equates it with s
    "İmage",
    "\u212aelvin",
    "PHOTOS:",
    "vlog\u00a0",
    "a message, a statement",
    "",
]
_PIECES = (
    "video videos post posted Photo photograph IMAGE verif Geo-located FAKE confirm old footage é ß Σ . x"
)
_ALPHABET = st.sampled_from(
    [*_PIECES.split(), "ſ", "İ", "ı", "\u212a", "-", "_", " ", "\u00a0", "fact check"]
)


@pytest.mark.parametrize("text", _TRICKY)
def test_material_prefilter_never_skips_a_material_word(text: str) -> None:
    first = _first_material(text)
    match = _KIND_RE.search(text)
    if match is not None:
        assert first is not None and first <= match.start()


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join))
def test_prefilters_agree_with_the_patterns(text: str) -> None:
    match = _KIND_RE.search(text)
    first = _first_material(text)
    if match is not None:
        assert first is not None and first <= match.start()
    assert _has_cue(text) == (_CUES.search(text) is not None)


def test_fold_for_search_keeps_offsets() -> None:
    assert fold_for_search("Video ſ") is None
    for text in ["Видео VIDEO", "ÉCOLE Photo", "plain"]:
        folded = fold_for_search(text)
        assert folded is not None and len(folded) == len(text)
    assert all(word == word.lower() for word in _CUE_WORDS)


_PLAIN_KIND = re.compile(rf"(?i:(?P<kind>{_KIND_WORDS}))(?![-\w])")
_TRIE_KIND = re.compile(rf"(?i:(?P<kind>{_KIND_TRIE}))(?![-\w])")


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join))
def test_factored_material_words_match_as_the_plain_alternation(text: str) -> None:
    plain = [(m.span(), m.group("kind")) for m in _PLAIN_KIND.finditer(text)]
    assert [(m.span(), m.group("kind")) for m in _TRIE_KIND.finditer(text)] == plain


def test_sentences_are_split_once_for_both_prose_scanners() -> None:
    text = "Baza posted a video on Telegram. Reuters could not verify the footage."
    assert cached_sentences(text) == tuple(sentences(text))
    assert cached_sentences(text) is cached_sentences(text)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_left_as_it_was_found(enabled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # As in an extraction worker, the process's only thread (this test process has others).
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        extract(parse_html(b"<p>https://t.me/baza/6</p>", URL))
        assert gc.isenabled() is enabled
        with pytest.raises(ZeroDivisionError), collector_paused():
            assert not gc.isenabled()
            1 / 0  # noqa: B018
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_a_worker_page_is_freed_as_soon_as_it_is_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    # The parsed tree is cyclic, so only the collector frees it: the sweep at the end of one page's
    # extraction frees it there, rather than carrying it into older generations to be examined again.
    from embedtrail.scrapers import document
    from embedtrail.tracker.pipeline import extract_document

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    trees: list[weakref.ref[object]] = []
    parse = document._soup

    def remembered(text: str) -> object:
        soup = parse(text)
        trees.append(weakref.ref(soup))
        return soup

    monkeypatch.setattr(document, "_soup", remembered)
    page = b"<article><p>Text</p><blockquote class=twitter-tweet><a href=https://x.com/a/status/1>x</a></blockquote>"
    was = gc.isenabled()
    try:
        gc.enable()
        extraction = extract_document("html", page, URL, None)
        assert [embed.post_id for embed in extraction.embeds] == ["twitter:1"]
        assert len(trees) == 1 and trees[0]() is None
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_the_collector_keeps_running_beside_other_threads() -> None:
    # The collector is process-wide: pausing it for one thread's page would pause it for all of them.
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert gc.isenabled()
        with collector_paused():
            assert gc.isenabled()
    finally:
        stop.set()
        other.join()
