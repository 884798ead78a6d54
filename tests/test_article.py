"""Article metadata (``scrapers.article``) and the dates pages print (``scrapers.times``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from embedtrail.scrapers.article import scan_article
from embedtrail.scrapers.document import parse_html, parse_text
from embedtrail.scrapers.records import ArticleMeta
from embedtrail.scrapers.times import parse_date, snowflake_time

META = Path(__file__).resolve().parent / "fixtures" / "pages"

# Saved pages copied from the dev corpus: file -> the fields scan_article must read from it.
PAGES: dict[str, dict[str, object]] = {
    "elpais-1.html": {  # JSON-LD NewsArticle
        "canonical_url": "https://elpais.com/elpais/2020/02/18/ciencia/1582045946_459487.html",
        "site_name": "EL PAÍS",
        "title": "¿Ha llegado realmente la Antártida a los 20 grados?",
        "author": "Nuño Domínguez",
        "published_at": "2020-02-19T17:37:32Z",
        "published_at_source": "json_ld",
        "language": "es",
    },
    "postlight-1.html": {  # <meta value=...> instead of content=, twitter:site handle
        "canonical_url": "https://postlight.com/insights/three-ways-to-be-the-thermostat",
        "title": "Three Ways to Be the Thermostat",
        "author": "Gina Trapani",
        "published_at": "2022-10-05T16:00:00Z",
        "published_at_source": "meta",
        "language": "en-US",
        "publisher_handles": ("postlight",),
    },
    "hertha-blog-1.html": {  # hAtom <abbr class="published" title=...>, xhtml lang
        "canonical_url": "http://www.hertha-blog.de/der-lange-und-die-alte-dame.html",
        "title": "Der Lange und die alte Dame | Hertha BSC Blog",
        "published_at": "2017-07-23T17:06:45Z",
        "published_at_source": "microformat",
        "language": "de-DE",
    },
    "americanow-1.html": {  # Open Graph only
        "site_name": "America Now",
        "title": "Kellyanne Conway Named Counselor To Trump",
        "published_at": "2016-12-22T14:22:19Z",
        "language": "en",
    },
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_saved_pages(name: str) -> None:
    meta = scan_article(parse_html((META / name).read_bytes(), f"https://example.com/{name}"))
    assert meta.url == f"https://example.com/{name}"
    for field, expected in PAGES[name].items():
        assert getattr(meta, field) == expected, field


def _meta(head: str, body: str = "", html: str = "<html>") -> ArticleMeta:
    return scan_article(
        parse_html(f"{html}<head>{head}</head><body>{body}</body></html>", "https://example.com/a")
    )


def test_json_ld_graph_with_type_lists_and_entities() -> None:
    meta = _meta(
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "Organization", "name": "Example News"},'
        '{"@type": ["NewsArticle", "Article"], "headline": "Bike &amp; Style", "datePublished": '
        '"2023-05-03T10:00:00+02:00", '
        '"author": [{"@type": "Person", "name": "By Ann Lee"}, {"name": "Bo Kim"}],'
        '"inLanguage": "en_GB", "mainEntityOfPage": {"@id": "https://example.com/canonical"},}]}</script>'
    )
    assert meta.title == "Bike & Style"
    assert meta.published_at == "2023-05-03T08:00:00Z" and meta.published_at_source == "json_ld"
    assert meta.author == "Ann Lee, Bo Kim"
    assert meta.site_name == "Example News"
    assert meta.language == "en-GB"
    assert meta.canonical_url == "https://example.com/canonical"


def test_open_graph_and_meta_tags() -> None:
    meta = _meta(
        '<meta property="og:title" content="OG title"><meta property="og:site_name" content="Site">'
        '<meta property="article:published_time" content="2023-05-03T10:00:00Z">'
        '<meta name="author" content="Jane Roe | Example Media"><meta property="og:url" content="https://e.x/a">'
        '<meta name="twitter:site" content="@ExampleNews"><meta property="og:locale" content="fr_FR">'
        "<title>Title tag</title>"
    )
    assert (meta.title, meta.site_name, meta.author) == ("OG title", "Site", "Jane Roe")
    assert (meta.published_at, meta.published_at_source) == ("2023-05-03T10:00:00Z", "meta")
    assert meta.canonical_url == "https://e.x/a"
    assert meta.language == "fr-FR"
    assert meta.publisher_handles == ("examplenews",)


def test_multi_valued_itemprop() -> None:
    meta = _meta('<meta itemprop="datePublished dateCreated" content="2019-11-19T11:00:09.000Z">')
    assert meta.published_at == "2019-11-19T11:00:09Z"


def test_marked_time_beats_a_time_in_page_chrome() -> None:
    meta = _meta(
        "",
        '<nav><time datetime="2020-01-01">Jan 1</time></nav>'
        '<article><p>Text</p><time datetime="2023-05-03T10:00:00Z" pubdate>May 3</time></article>',
    )
    assert (meta.published_at, meta.published_at_source) == ("2023-05-03T10:00:00Z", "time_element")
    chrome_first = _meta(
        "", '<nav><time datetime="2020-01-01">Jan 1</time></nav><article><time>3 May 2023</time>'
    )
    assert chrome_first.published_at == "2023-05-03"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<html lang="en">', "en"),
        ('<html lang="EN-us">', "en-US"),
        ('<html xml:lang="de_DE">', "de-DE"),
        ('<html lang="{{ lang }}">', None),
        ("<html>", None),
    ],
)
def test_html_lang(html: str, expected: str | None) -> None:
    assert _meta("", "", html).language == expected


def test_url_like_site_names_and_bylines_are_dropped() -> None:
    meta = _meta(
        '<meta property="og:site_name" content="https://www.example.com">'
        '<meta name="author" content="https://example.com/staff/jane">'
    )
    assert (meta.site_name, meta.author) == (None, None)


def test_plain_text_header_lines() -> None:
    doc = parse_text(
        "date 2023-05-03\nurl https://example.com/story\ntitle Drones over the Kremlin\nauthor By Jane Roe\n"
        "site Example News\nlanguage en\n\nFirst paragraph.\n",
        "file:///dump.txt",
    )
    meta = scan_article(doc)
    assert meta == ArticleMeta(
        url="https://example.com/story",
        canonical_url="https://example.com/story",
        site_name="Example News",
        title="Drones over the Kremlin",
        author="Jane Roe",
        published_at="2023-05-03",
        published_at_source="text_header",
        language="en",
    )


def test_plain_text_without_headers_uses_a_short_lead_as_title() -> None:
    meta = scan_article(parse_text("Drones over the Kremlin\n\nBody text follows here.", "https://e.x/a"))
    assert (meta.title, meta.published_at) == ("Drones over the Kremlin", None)
    long_lead = "word " * 60
    assert scan_article(parse_text(long_lead, "https://e.x/a")).title is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("May 3, 2023", "2023-05-03"),
        ("May 3 2023", "2023-05-03"),
        ("May 3rd, 2023", "2023-05-03"),
        ("Sept. 3, 2023", "2023-09-03"),
        ("3 May 2023", "2023-05-03"),
        ("3rd of May, 2023", "2023-05-03"),
        ("3. Mai 2023", "2023-05-03"),
        ("3 mai 2023", "2023-05-03"),
        ("4 juillet 2023", "2023-07-04"),
        ("3 de mayo de 2023", "2023-05-03"),
        ("3 maggio 2023", "2023-05-03"),
        ("3 de maio de 2023", "2023-05-03"),
        ("3. května 2023", "2023-05-03"),
        ("3 мая 2023 г.", "2023-05-03"),
        ("03.05.2023", "2023-05-03"),
        ("2023年5月3日", "2023-05-03"),
        ("2023-05-03", "2023-05-03"),
        ("2023-05-03T10:00:00Z", "2023-05-03T10:00:00Z"),
        ("2023-05-03T10:00:00+0200", "2023-05-03T08:00:00Z"),
        ("2023-05-03T10:00:00.123456789Z", "2023-05-03T10:00:00Z"),
        ("2023-05-03 10:00", "2023-05-03T10:00:00"),
        ("Wed, 03 May 2023 10:00:00 +0200", "2023-05-03T08:00:00Z"),
        ("1683100800", "2023-05-03T08:00:00Z"),
        ("1683100800000", "2023-05-03T08:00:00Z"),
        ("2023-02-30", None),
        ("Feb 30, 2023", None),
        ("2023-05-03T25:00:00Z", "2023-05-03"),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value: str | None, expected: str | None) -> None:
    assert parse_date(value) == expected


def test_parse_date_reads_only_the_start_of_long_text() -> None:
    assert parse_date("May 3, 2023 " + "x" * 100_000) == "2023-05-03"
    assert parse_date("x" * 100_000 + " May 3, 2023") is None


def test_snowflake_time() -> None:
    assert snowflake_time("1653711338587779072") == "2023-05-03T10:41:22.247Z"
    assert snowflake_time("20") is None
    assert snowflake_time("not a number") is None
