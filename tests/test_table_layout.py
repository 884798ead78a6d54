"""Pages laid out in tables, as trade-press sites were (SYS-CON's Cloud Computing Expo, 2015): the story is
a cell's paragraphs, its headline a ``<div class="storytitle">``, and the right-hand cell holds the site's
promo player (written by ``document.write``) with links to earlier editions of it. The cell holding the
story is a layout cell, not one paragraph of it; the headline is found by its text and its class; and the
videos in the cell beside the story are the site's."""

from __future__ import annotations

from embedtrail import scrapers
from embedtrail.scrapers.explain import explain

TITLE = "IHS to Hold Conference Call and Webcast on September 29"
PROSE = (
    "<p>" + "IHS Inc. will release its financial results for the third quarter before the open. " * 3 + "</p>"
)
PROMO = (
    '<script>document.write("<iframe src=\\"http://player.vimeo.com/video/135486041?autoplay=1\\">'
    '</iframe>");</script><center><p><a href="https://vimeo.com/107940713">2014 Edition</a> | '
    '<a href="https://vimeo.com/72989109">2013 Edition</a></p></center>'
)
# The left-hand cell's exhibitor listings outweigh the story, as on SYS-CON's pages: the story's class marks
# too little of the page's text to be taken for its body on that evidence alone.
LISTINGS = (
    "<table>"
    + "<tr><td>Exhibitor listings and sponsor news for the Santa Clara show, with booth numbers</td></tr>"
    * 40
    + "</table>"
)
PAGE = (
    f"<html><head><title>{TITLE} | Cloud Computing Expo</title></head><body>"
    '<table id="mainpanelTable"><tr>'
    '<td id="leftpanel"><a href="/">Home</a> <a href="/news">News</a>{listings}</td>'
    '<td id="mainpanel"><div class="storybody"><div class="storycategory">From the Wires</div>'
    '<div class="{headline_class}">{headline}</div><div class="writtenby">By: Business Wire</div>'
    "{story}</div></td>"
    '<td id="panel6"><table><tr><td class="eventheader">Promotional Video</td></tr>'
    "<tr><td>{column}</td></tr></table></td></tr></table></body></html>"
)


def _page(
    column: str = PROMO,
    story: str = PROSE * 3,
    headline: str = TITLE,
    headline_class: str = "storytitle",
) -> scrapers.ParsedDocument:
    html = PAGE.format(
        column=column, story=story, headline=headline, headline_class=headline_class, listings=LISTINGS
    )
    return scrapers.parse_html(html.encode(), "https://cloudcomputingexpo.example/node/3432136")


def _posts(doc: scrapers.ParsedDocument) -> list[str]:
    return [embed.post_id for embed in scrapers.extract(doc).embeds]


def test_a_layout_cell_holding_paragraphs_is_not_one_paragraph() -> None:
    doc = _page()
    texts = [block.text for block in doc.blocks]
    assert sum(1 for text in texts if text.startswith("IHS Inc. will release")) == 3
    assert not any(TITLE in text and "IHS Inc." in text for text in texts)
    # A cell of words alone (a data table's cell) is still a block of text.
    assert "From the Wires" not in texts and "Promotional Video" in texts


def test_the_promo_player_and_its_links_beside_the_story_are_the_sites() -> None:
    assert _posts(_page()) == []


def test_the_same_player_and_links_in_the_story_are_the_storys() -> None:
    doc = _page(column="", story=PROSE + PROMO + PROSE * 2)
    assert _posts(doc) == ["vimeo:135486041", "vimeo:107940713", "vimeo:72989109"]


def test_a_headline_needs_both_the_title_and_a_class_naming_it() -> None:
    # Without either, no story container is known, and the column's videos are read as before.
    assert _posts(_page(headline_class="storyhead")) == [
        "vimeo:135486041",
        "vimeo:107940713",
        "vimeo:72989109",
    ]
    assert _posts(_page(headline="Cloud Expo news")) == [
        "vimeo:135486041",
        "vimeo:107940713",
        "vimeo:72989109",
    ]


def test_a_lesser_heading_is_not_taken_for_the_headline() -> None:
    # An <h4 class="title"> above one column of a table layout says nothing of the other columns (icg600's
    # videos stand in a column beside such a heading and are the article's).
    html = PAGE.replace('<div class="{headline_class}">{headline}</div>', '<h4 class="title">{headline}</h4>')
    doc = scrapers.parse_html(
        html.format(column=PROMO, story=PROSE * 3, headline=TITLE, listings=LISTINGS).encode(),
        "https://example.org/a",
    )
    assert _posts(doc) == ["vimeo:135486041", "vimeo:107940713", "vimeo:72989109"]


def test_a_link_to_a_post_in_the_column_beside_the_story_is_the_sites_and_its_embed_counts() -> None:
    # The right-hand cell is a column of the layout beside the story's own (td#mainpanel): a tweet linked
    # there is the site's, as its videos there are. The tweet's own embed markup counts wherever it sits.
    status = "https://twitter.com/IHS/status/637239588410531840"
    assert _posts(_page(column=f'<p><a href="{status}">Our statement</a></p>')) == []
    embed = (
        '<blockquote class="twitter-tweet"><p>Our statement</p>&mdash; IHS (@IHS) '
        f'<a href="{status}">August 28, 2015</a></blockquote>'
    )
    assert _posts(_page(column=embed)) == ["twitter:637239588410531840"]


def test_explain_names_the_column_rule_for_the_player_and_its_links() -> None:
    dropped = [c for c in explain(_page()) if c.platform == "vimeo"]
    assert [c.post_id for c in dropped] == ["vimeo:135486041", "vimeo:107940713", "vimeo:72989109"]
    assert all(c.decision == "dropped" and "a column beside the story" in c.reason for c in dropped)
