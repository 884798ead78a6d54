"""Hostile pages: random and mutated HTML built from the saved corpus pages, deep nesting, huge attributes,
NUL bytes, lone surrogates, lying encodings and binary bodies, through ``scrapers.parse_html`` +
``scrapers.extract`` and through the whole ``embedtrail ingest`` (from files and from a local web server).

What must hold for any input: extraction returns records (never raises, never hangs past a generous bound),
every record is well formed and storable, and an honest re-encoding or a lying charset never loses a post the
original page yields. Known scraper weaknesses found here are ``xfail(strict=True)`` tests with a reproducer,
so the day they are fixed the suite says so.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import servers
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from servers import Reply, StartServer

from embedtrail.scrapers import extract, parse_html, parse_text
from embedtrail.scrapers.records import Extraction
from embedtrail.tracker.budget import run_with_budget
from embedtrail.tracker.cli import cli
from embedtrail.tracker.pipeline import extract_document

local_server = servers.local_server  # fixture: a real threaded HTTP server on 127.0.0.1

PAGES_DIR = Path(__file__).parent / "fixtures" / "pages"
PAGES = sorted(p.name for p in PAGES_DIR.glob("*.html"))
URL = "https://news.example/2024/story"
MiB = 1024 * 1024
# A bound against hangs for one hostile page, never a speed claim: linear work on these inputs takes a few
# seconds; the quadratic paths this file found take hours.
HANG_BOUND = 120.0
MEMORY_BOUND = 2048 * MiB

HYPOTHESIS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    derandomize=True,  # CI runs the same examples every time; the fuzz campaign (fuzz/) is the random search
)


@cache
def page(name: str) -> bytes:
    return (PAGES_DIR / name).read_bytes()


@cache
def baseline(name: str) -> frozenset[str]:
    """The post ids the untouched page yields."""
    return frozenset(p.id for p in extract(parse_html(page(name), URL)).posts)


def strings(value: Any) -> Iterator[str]:
    """Every string inside a record, recursively."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from strings(getattr(value, item.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from strings(item)


def assert_well_formed(extraction: Extraction, *, storable: bool = True) -> None:
    """What ``db.store.save_extraction`` relies on: ids shaped as the records say, and every embed, mention
    and note pointing at a post of the same extraction."""
    assert isinstance(extraction, Extraction)
    ids = {p.id for p in extraction.posts}
    for post in extraction.posts:
        # The rest is the native id, or a derived pic-/tco-/text- id for a post known only from prose.
        assert post.id.startswith(f"{post.platform}:") and len(post.id) > len(post.platform) + 1, post
        assert not any(c.isspace() or ord(c) < 32 for c in post.id), post
    for embed in extraction.embeds:
        assert embed.post_id in ids, embed
    for mention in extraction.mentions:
        assert mention.post_id is None or mention.post_id in ids, mention
    for note in extraction.notes:
        assert note.post_id is None or note.post_id in ids, note
    if storable:
        for text in strings(extraction):
            text.encode("utf-8")  # SQLite refuses lone surrogates: the whole article would be lost


# --- mutations of real pages --------------------------------------------------------------------------------

# Fragments a hostile or broken page is made of. Inserted anywhere, they open and never close, switch the
# parser's mode, or carry bytes no decoder expects.
SNIPPETS = [
    b"\x00",
    b"\x00" * 64,
    b"<",
    b"</",
    b"<!--",
    b"<![CDATA[",
    b"<script>",
    b"<style>",
    b"<textarea>",
    b"<plaintext>",
    b"<svg><foreignObject><math>",
    b"<table><tr><td>",
    b'<blockquote class="twitter-tweet"><a href="https://twitter.com/a/status/1',
    b"<a href='",
    b'<a href="https://x.com/a/status/12345678901234567890123456789">',
    b'<iframe src="https://www.youtube.com/embed/',
    b"<div>" * 200,
    b"</div>" * 200,
    b'<base href="javascript:alert(1)//">',
    b'<base href="https://evil.example/">',
    b'<meta charset="utf-16">',
    b'<meta charset="koi8-r">',
    b'<meta http-equiv="Content-Type" content="text/html; charset=x-no-such-codec">',
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xed\xa0\x80",  # a UTF-16 surrogate spelled in UTF-8: invalid
    b"\xc0\x80",  # an overlong NUL
    b"&#xD800;&#0;&#x110000;&#99999999999;",
    b'<p class="' + b"x" * 100_000 + b'">',
    b'<img data-src="' + b"https://twitter.com/a/status/1" * 3000 + b'">',
    b"\r" * 1000,
    "Привет, мир — это «статья» https://t.me/rybar/12345".encode("cp1251"),
    "Привет, мир https://t.me/rybar/12345".encode("koi8-r"),
]
CONTENT_TYPES = [
    None,
    "text/html",
    "text/html; charset=utf-8",
    'text/html; charset="utf-16"',
    "text/html; charset=koi8-r",
    "text/html; charset=windows-1251",
    "text/html; charset=iso-8859-1",
    "text/html; charset=x-no-such-codec",
    "application/octet-stream",
]


@st.composite
def mutated_pages(draw: st.DrawFn) -> tuple[str, bytes]:
    """A corpus page with up to six mutations: truncation, cut, duplication, random bytes, snippets."""
    name = draw(st.sampled_from(PAGES))
    body = page(name)
    for _ in range(draw(st.integers(0, 6))):
        at = int(draw(st.floats(0, 1)) * len(body))
        op = draw(st.sampled_from(["truncate", "cut", "duplicate", "bytes", "snippet", "snippet"]))
        if op == "truncate":
            body = body[:at]
        elif op == "cut":
            body = body[:at] + body[at + draw(st.integers(1, 50_000)) :]
        elif op == "duplicate":
            body = (
                body[:at] + body[at : at + draw(st.integers(1, 20_000))] * draw(st.integers(2, 5)) + body[at:]
            )
        elif op == "bytes":
            body = body[:at] + draw(st.binary(min_size=1, max_size=64)) + body[at:]
        else:
            body = body[:at] + draw(st.sampled_from(SNIPPETS)) + body[at:]
    return name, body


@pytest.mark.slow
@HYPOTHESIS
@given(mutated_pages(), st.sampled_from(CONTENT_TYPES))
def test_mutated_corpus_pages_extract_to_well_formed_records(
    mutated: tuple[str, bytes], content_type: str | None
) -> None:
    _name, body = mutated
    assert_well_formed(extract(parse_html(body, URL, content_type)))


@pytest.mark.slow
@HYPOTHESIS
@given(mutated_pages())
def test_mutated_pages_read_as_plain_text_extract_too(mutated: tuple[str, bytes]) -> None:
    # A .txt dump or a text/plain answer goes through the text parser with the same bytes.
    assert_well_formed(extract_document("text", mutated[1], URL, "text/plain"))


@HYPOTHESIS
@given(st.binary(max_size=20_000), st.sampled_from(CONTENT_TYPES))
@example(bytes(range(256)) * 40, "text/html")
@example(b"\x89PNG\r\n\x1a\n" + bytes(4000), "text/html; charset=utf-8")
@example(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 8, None)
@example(b"\xff\xfe" + b"\x00\xd8" * 500, None)  # UTF-16LE BOM then lone high surrogates
@example(b"\xfe\xff" + b"\xdc\x00" * 500, 'text/html; charset="utf-16"')
def test_binary_bodies_served_as_html(body: bytes, content_type: str | None) -> None:
    assert_well_formed(extract(parse_html(body, URL, content_type)))
    assert_well_formed(extract_document("text", body, URL, content_type))


# Lone surrogates are reachable only as str (decoders replace them in bytes), yet JSON escapes can make them.
SURROGATE_TEXT = st.text(st.characters(codec=None, categories=None), max_size=2000)


@HYPOTHESIS
@given(SURROGATE_TEXT)
@example("\ud800 https://twitter.com/someone/status/1234567 \udfff said the video was real.")
def test_text_with_lone_surrogates(text: str) -> None:
    assert_well_formed(extract(parse_text(text, URL)), storable=False)
    assert_well_formed(extract(parse_html(text, URL)), storable=False)


@pytest.mark.slow
@HYPOTHESIS
@given(
    st.sampled_from(PAGES),
    st.sampled_from(
        [
            ("utf-16", None),  # with BOM, no declaration
            ("utf-16-le", "text/html; charset=utf-16"),  # no BOM, honest HTTP charset
            ("utf-16-be", "text/html; charset=utf-16be"),
            ("utf-16-le", None),  # no BOM, nothing declared (detection)
            ("cp1251", "text/html; charset=windows-1251"),
            ("koi8-r", "text/html; charset=koi8-r"),
            ("cp1251", None),
            ("koi8-r", None),
        ]
    ),
)
def test_honest_reencoding_keeps_every_post(name: str, encoding: tuple[str, str | None]) -> None:
    codec, content_type = encoding
    text = page(name).decode("utf-8", "replace")
    body = text.encode(codec, "xmlcharrefreplace")  # characters the codec lacks become &#NNN;, as servers do
    found = frozenset(p.id for p in extract(parse_html(body, URL, content_type)).posts)
    assert found == baseline(name)


@pytest.mark.slow
@HYPOTHESIS
@given(
    st.sampled_from(PAGES),
    st.sampled_from(["cp1251", "koi8-r", "utf-16-le", "utf-8"]),
    st.sampled_from(["utf-8", "utf-16", "windows-1251", "koi8-r", "iso-8859-1", "x-no-such-codec"]),
)
def test_a_lying_charset_loses_no_post(name: str, real: str, declared: str) -> None:
    # Post URLs are ASCII: whichever decoder wins, they must survive it.
    text = page(name).decode("utf-8", "replace")
    body = text.encode(real, "xmlcharrefreplace")
    found = frozenset(p.id for p in extract(parse_html(body, URL, f"text/html; charset={declared}")).posts)
    assert found == baseline(name)


# --- Russian pages ------------------------------------------------------------------------------------------

RUSSIAN = (
    "<html><head>{meta}<title>Новости дня</title></head><body><article>"
    "<p>Генштаб сообщил, что видео https://t.me/rybar/12345 опубликовано вчера вечером.</p>"
    '<blockquote class="twitter-tweet"><p>Дроны над Кремлём</p>&mdash; Имя (@handle) '
    '<a href="https://twitter.com/handle/status/1653711338587779072">May 3, 2023</a></blockquote>'
    "</article></body></html>"
)
RUSSIAN_POSTS = {"telegram:rybar/12345", "twitter:1653711338587779072"}


@pytest.mark.parametrize(
    ("codec", "meta", "content_type", "title_kept"),
    [
        ("cp1251", '<meta charset="windows-1251">', None, True),
        ("cp1251", "", "text/html; charset=windows-1251", True),
        ("cp1251", "", None, True),  # nothing declared: detection
        ("cp1251", '<meta charset="utf-8">', "text/html; charset=utf-8", True),  # UTF-8 lie, caught
        ("koi8-r", '<meta charset="koi8-r">', None, True),
        ("koi8-r", "", "text/html; charset=KOI8-R", True),
        ("koi8-r", "", None, True),
        ("koi8-r", '<meta charset="utf-8">', None, True),
        # A single-byte lie decodes without error, so it is followed, as browsers follow it; the page then
        # looks as wrong to its readers as to us, but the ASCII post URLs survive.
        ("koi8-r", '<meta charset="windows-1251">', None, False),
        # Unless the bytes beyond ASCII are all valid UTF-8, which text in an 8-bit charset never is: then
        # the label is a server's default or a stale template's, and the page is UTF-8.
        ("utf-8", "", "text/html; charset=koi8-r", True),
        ("utf-8", '<meta charset="windows-1251">', None, True),
        ("utf-16", "", None, True),
        ("utf-16-le", '<meta charset="utf-16">', None, True),
        ("utf-16-be", "", "text/html; charset=utf-16", True),
        ("utf-16-le", "", None, True),
        ("utf-16-le", '<meta charset="windows-1251">', None, True),  # a lie about UTF-16 bytes
    ],
)
def test_russian_pages_in_every_encoding(
    codec: str, meta: str, content_type: str | None, title_kept: bool
) -> None:
    body = RUSSIAN.format(meta=meta).encode(codec)
    extraction = extract(parse_html(body, URL, content_type))
    assert_well_formed(extraction)
    assert {p.id for p in extraction.posts} == RUSSIAN_POSTS
    assert (extraction.article.title == "Новости дня") is title_kept


# --- deep nesting, huge attributes, NUL ---------------------------------------------------------------------

TAIL = b"<p>Watch https://twitter.com/someone/status/1653711338587779072 now.</p>"


def budgeted(body: bytes, kind: str = "html") -> Extraction:
    """Extract in a child process under the hang bound, as a budgeted ingest would."""
    return run_with_budget(extract_document, (kind, body, URL, "text/html"), HANG_BOUND, MEMORY_BOUND)


@pytest.mark.slow
@pytest.mark.parametrize(
    "opening",
    [
        b"<div>",
        b"<span>",
        b"<p><span>",
        b"<b><i>",
        b"<table><tr><td>",
        b"<ul><li>",
        b'<a href="https://twitter.com/a/status/1">',
        b'<section class="article-body">',
        b'<aside class="sidebar">',
        b"<article>",
        b"<figure><figcaption>",
        b'<div class="fb-post" data-href="https://www.facebook.com/a/posts/123">',
        b'<q cite="https://twitter.com/a/status/1">',
    ],
)
def test_a_hundred_thousand_levels_of_nesting(opening: bytes) -> None:
    extraction = budgeted(opening * 100_000 + TAIL)
    assert_well_formed(extraction)


# Found by this file: twitter.scan read every blockquote's whole subtree (find_all, get_text), so nested
# blockquotes cost O(depth²): 6,000 levels (72 KB) took 20 s. Fixed: only the innermost of nested blockquotes
# is read (scrapers.sightings.containers), and tracker.budget bounds whatever else a page tries.
@pytest.mark.parametrize("opening", [b"<blockquote>", b'<blockquote class="twitter-tweet">'])
def test_nested_blockquotes_extract_within_the_bound(opening: bytes) -> None:
    run_with_budget(extract_document, ("html", opening * 20_000 + TAIL, URL, None), 10.0, MEMORY_BOUND)


# Found by this file: instagram.scan took get_text() of every instagram-media blockquote, so nesting them was
# quadratic too: 6,000 levels (580 KB) took 3.3 s. Fixed the same way as the twitter scan.
INSTAGRAM_OPENING = (
    b'<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/ABC123/">'
)


def test_nested_instagram_blockquotes_extract_within_the_bound() -> None:
    # The twitter scan alone would exceed any bound here, so only the instagram module is timed.
    run_with_budget(_instagram_scan, (INSTAGRAM_OPENING * 30_000 + TAIL,), 10.0, MEMORY_BOUND)


# Found by the stop that made lists of posts closing with their ages a stream: a link in a list beside the
# text asked whether the list's container holds a paragraph (every paragraph under it, once per link), and a
# link printing an age read its parent's whole text, so 3,000 such links took 3.4 s and 30,000 took 514 s.
# Both now read each container once, and a parent's text only as far as a timestamp line can run.
AGED_LIST = (
    b"<ul>"
    + b"".join(
        b'<li>tweet text %d <a href="https://twitter.com/a/status/%d">%d hours ago</a></li>'
        % (n, 10**17 + n, n % 50 + 1)
        for n in range(10_000)
    )
    + b"</ul>"
)
AGED_BLOCK = (
    b"<ul><li>"
    + b"".join(
        b'<a href="https://twitter.com/a/status/%d">1 hour ago</a> ' % (10**17 + n) for n in range(5_000)
    )
    + b"</li></ul>"
)


@pytest.mark.parametrize("body", [AGED_LIST, AGED_BLOCK], ids=["10k-aged-items", "5k-ages-in-one-item"])
def test_many_links_printing_ages_extract_within_the_bound(body: bytes) -> None:
    run_with_budget(extract_document, ("html", body + TAIL, URL, None), 10.0, MEMORY_BOUND)


# Found by the stop that made grids of picture tiles a feed: each grid asked whether the element around it
# held prose, reading that element's whole subtree, so 2,000 grids side by side took 96 s. Each element is
# read once now (2.6 s).
TILE_GRIDS = (
    b"<main><article><h1>Harbour road closes</h1>"
    + b"<p>The council voted on Tuesday to close the old harbour road to cars for the summer.</p>" * 3
    + b"</article><div>"
    + b"".join(
        b"<ul>"
        + b"".join(
            b'<li><a href="https://www.instagram.com/p/C%010d/"><img src="/t.jpg"></a></li>'
            % (grid * 6 + tile)
            for tile in range(6)
        )
        + b"</ul>"
        for grid in range(2_000)
    )
    + b"</div></main>"
)


def test_two_thousand_tile_grids_extract_within_the_bound() -> None:
    run_with_budget(extract_document, ("html", TILE_GRIDS + TAIL, URL, None), 30.0, MEMORY_BOUND)


# Found by the stop that told credited pictures and scripts in an embed's wrappers by structure: each
# credited picture asked whether the element holding the gallery wrote running text, and each script whether
# the element above its wrappers held paragraphs, reading that element's children every time (20,000
# pictures: 78 s; 20,000 players: minutes). Each element is read once now (7 s and 4 s).
_PROSE = b"<p>The council voted on Tuesday to close the old harbour road to cars for the summer, it said.</p>"
_UNNAMED = (
    b"<html><head><title>Harbour road closes to cars</title></head><body>"
    b"<div><div><h1>Harbour road closes to cars</h1>"
)
CREDITED_GALLERY = (
    _UNNAMED
    + _PROSE
    + b"".join(
        b'<div><a href="https://twitter.com/user%d/status/%d"><img src="/s.jpg"></a>'
        b"<p>Shot (@user%d/Twitter)</p></div>" % (n, 10**17 + n, n)
        for n in range(20_000)
    )
    + _PROSE
    + b"</div></div></body></html>"
)
WRAPPED_SCRIPTS = (
    _UNNAMED
    + _PROSE
    + b"".join(
        b"<div><div><div><span></span>"
        b"<script>render('https://www.youtube.com/embed/%011d')</script></div></div></div>" % n + _PROSE
        for n in range(20_000)
    )
    + b"</div></div></body></html>"
)


@pytest.mark.parametrize(
    "body", [CREDITED_GALLERY, WRAPPED_SCRIPTS], ids=["credited-gallery", "wrapped-scripts"]
)
def test_twenty_thousand_unnamed_pictures_or_players_extract_within_the_bound(body: bytes) -> None:
    extraction = run_with_budget(extract_document, ("html", body, URL, None), 30.0, MEMORY_BOUND)
    assert len(extraction.embeds) == 20_000


# Found by batch al's show notes (video links one per paragraph): the rule that drops a player below a theme's
# related-stories list read every later sibling of each link's paragraph, so 2,000 such links took 160 s
# and 5,000 about 17 minutes. Each parent's children are read once per page now (5,000: a few seconds).
VIDEO_LINES = (
    _UNNAMED
    + _PROSE
    + b"".join(
        b'<p><a href="https://www.youtube.com/watch?v=%011d">Clip %d</a></p>' % (n, n) for n in range(5_000)
    )
    + b"</div></div></body></html>"
)


def test_five_thousand_video_links_a_paragraph_each_extract_within_the_bound() -> None:
    extraction = run_with_budget(extract_document, ("html", VIDEO_LINES, URL, None), 30.0, MEMORY_BOUND)
    assert len(extraction.embeds) == 5_000


def _instagram_scan(body: bytes) -> int:
    from embedtrail.scrapers import by_name

    return len(list(by_name("instagram").scan(parse_html(body, URL))))


@pytest.mark.parametrize(
    "body",
    [
        b'<a href="https://twitter.com/a/status/1' + b"1" * (20 * MiB) + b'">x</a>' + TAIL,
        b'<div class="' + b"story-body " * 1_000_000 + b'">' + TAIL + b"</div>",
        b"<div " + b" ".join(b"data-a%d=x" % n for n in range(200_000)) + b">" + TAIL,
        b'<img src="data:image/png;base64,' + b"A" * (20 * MiB) + b'">' + TAIL,
        b'<p title="' + b"\x00" * MiB + b'">' + TAIL,
        b'<iframe srcdoc="' + b"&lt;p&gt;" * 500_000 + b'"></iframe>' + TAIL,
    ],
    ids=["20MB-href", "1M-classes", "200k-attributes", "20MB-data-url", "1MB-NUL-attribute", "4MB-srcdoc"],
)
def test_huge_attributes(body: bytes) -> None:
    extraction = budgeted(body)
    assert_well_formed(extraction)
    assert "twitter:1653711338587779072" in {p.id for p in extraction.posts}


def test_nul_bytes_everywhere_lose_nothing() -> None:
    name = "vox-1.html"
    # NUL before every tag and inside every URL: the parser drops NULs, so nothing may change.
    body = page(name).replace(b"<", b"\x00<").replace(b"https://", b"https:/\x00/")
    found = {p.id for p in extract(parse_html(body, URL)).posts}
    assert found == baseline(name)
    assert_well_formed(extract(parse_html(b"\x00" * MiB + TAIL, URL)))


# Found by this file: a JSON-LD string escape such as "\ud800" becomes a lone surrogate in ArticleMeta
# (json.loads keeps it), SQLite refuses to encode it, and save_extraction fails: the whole article and its
# embeds are lost ("database write failed: UnicodeEncodeError ... surrogates not allowed").
# Fix belongs in scrapers/article.py (replace lone surrogates after json.loads); routed to its owner.
JSON_LD_SURROGATE = (
    b'<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "Bad \\ud800 news",'
    b' "author": {"name": "X \\udfff"}}</script></head><body>' + TAIL + b"</body></html>"
)


def test_json_ld_surrogate_escapes_are_storable() -> None:
    assert_well_formed(extract(parse_html(JSON_LD_SURROGATE, URL)))


# --- the whole ingest ---------------------------------------------------------------------------------------

HOSTILE_FILES: dict[str, bytes] = {
    "truncated.html": page("vox-1.html")[: len(page("vox-1.html")) // 3],
    "nested-divs.html": b"<div>" * 100_000 + TAIL,
    "huge-attribute.html": b'<a href="' + b"x" * (5 * MiB) + b'">' + TAIL,
    "nul.html": b"\x00".join([b"<p>", TAIL, b"</p>"]),
    "binary.html": bytes(range(256)) * 4000,
    "utf16-bom.html": ("<html><body>" + TAIL.decode() + "</body></html>").encode("utf-16"),
    "utf16-nobom.html": ('<html><meta charset="utf-16"><body>' + TAIL.decode() + "</body></html>").encode(
        "utf-16-le"
    ),
    "cp1251.html": RUSSIAN.format(meta='<meta charset="windows-1251">').encode("cp1251"),
    "koi8r-lying.html": RUSSIAN.format(meta='<meta charset="utf-8">').encode("koi8-r"),
    "surrogates.txt": "url https://news.example/txt\n\n\ud800 text \udfff".encode("utf-8", "surrogatepass"),
    "empty.html": b"",
}


def _ingest(db_path: str, *sources: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["ingest", "--db", db_path, "--allow-private", "--json", *sources])
    return result.exit_code, result.output


def _run_errors(db_path: str) -> list[dict[str, str]]:
    with sqlite3.connect(db_path) as connection:
        row = connection.execute("select errors, finished_at from runs order by id desc limit 1").fetchone()
    assert row[1] is not None, "the run did not finish"
    errors: list[dict[str, str]] = json.loads(row[0])
    return errors


def _assert_consistent(db_path: str) -> None:
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert connection.execute("pragma foreign_key_check").fetchall() == []
        bare = connection.execute(
            "select count(*) from articles a"
            " where not exists (select 1 from captures c where c.article_id = a.id)"
        ).fetchone()[0]
        assert bare == 0, "an article without its capture"


def test_ingest_of_hostile_files_saves_the_good_ones(tmp_path: Path, db_path: str) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    for name, body in HOSTILE_FILES.items():
        (folder / name).write_bytes(body)
    for name in ("vox-1.html", "nytimes-1.html"):
        (folder / name).write_bytes(page(name))
    code, output = _ingest(db_path, str(folder))
    errors = _run_errors(db_path)
    assert code == (1 if errors else 0), output
    failed = {Path(e["source"]).name for e in errors}
    assert failed <= set(HOSTILE_FILES), errors
    with sqlite3.connect(db_path) as connection:
        embedded = {r[0] for r in connection.execute("select post_id from embeds")}
    assert baseline("vox-1.html") | baseline("nytimes-1.html") <= embedded
    assert embedded >= RUSSIAN_POSTS
    assert "twitter:1653711338587779072" in embedded
    _assert_consistent(db_path)


def test_ingest_of_hostile_pages_from_a_web_server(local_server: StartServer, db_path: str) -> None:
    routes: dict[str, servers.Route] = {
        "/binary-as-html": Reply(body=bytes(range(256)) * 4000, content_type="text/html"),
        "/utf16-no-bom": Reply(
            body=("<p>" + TAIL.decode() + "</p>").encode("utf-16-le"),
            content_type="text/html; charset=utf-16",
        ),
        "/lying-charset": Reply(
            body=RUSSIAN.format(meta="").encode("koi8-r"), content_type="text/html; charset=utf-8"
        ),
        "/cp1251": Reply(
            body=RUSSIAN.format(meta="").encode("cp1251"), content_type="text/html; charset=cp1251"
        ),
        "/nested": Reply(body=b"<span>" * 100_000 + TAIL),
        "/nul": Reply(body=b"\x00" * 100_000 + TAIL),
        "/truncated": Reply(body=page("vox-1.html")[:50_000]),
        "/bogus-charset": Reply(body=TAIL, content_type="text/html; charset=x-no-such-codec"),
        "/good": Reply(body=page("vox-1.html")),
    }
    server = local_server(routes)
    code, output = _ingest(db_path, *(server.url(path) for path in routes))
    # Binary bodies are no article, whatever the server calls them, and neither is a page cut off before any
    # of its text (issue 13): recorded failures, not saved articles.
    junk = {
        "/binary-as-html": "not an article: binary data, not an article",
        "/nul": "not an article: binary data, not an article",
        "/truncated": "not an article: no readable text and nothing cited",
    }
    assert code == 1, output
    assert {(e["source"], e["reason"]) for e in _run_errors(db_path)} == {
        (server.url(path), reason) for path, reason in junk.items()
    }
    with sqlite3.connect(db_path) as connection:
        saved = {r[0] for r in connection.execute("select url from captures")}
        embedded = {r[0] for r in connection.execute("select post_id from embeds")}
    assert saved == {server.url(path) for path in routes if path not in junk}
    assert RUSSIAN_POSTS | baseline("vox-1.html") <= embedded
    _assert_consistent(db_path)


def test_ingest_saves_a_page_with_json_ld_surrogate_escapes(tmp_path: Path, db_path: str) -> None:
    (tmp_path / "ld.html").write_bytes(JSON_LD_SURROGATE)
    code, output = _ingest(db_path, str(tmp_path / "ld.html"))
    assert code == 0, output
