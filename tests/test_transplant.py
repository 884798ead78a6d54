"""Gate: the platforms' embed codes placed in every corpus page count in the article's text and in an aside
between its paragraphs, and never in the page's footer or in a reader's comment (``tests/transplant.py``
says how they are placed).

The floors live in ``fixtures/corpus_floors.json`` under ``transplant`` and only ever go up. Run
``python -m tests.transplant`` to see which pages a placed post went the wrong way on.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

try:  # pytest imports tests/ as rootdir-relative or as a plain directory, depending on the invocation
    from tests.corpus_report import FLOORS, PAGES, load_labels
    from tests.transplant import (
        EMBED_CODES,
        PLACEMENTS,
        Result,
        block,
        evaluate,
        expected_ids,
        format_result,
        load_anchors,
        transplanted,
    )
except ImportError:  # pragma: no cover
    from corpus_report import FLOORS, PAGES, load_labels  # type: ignore
    from transplant import (  # type: ignore
        EMBED_CODES,
        PLACEMENTS,
        Result,
        block,
        evaluate,
        expected_ids,
        format_result,
        load_anchors,
        transplanted,
    )

from embedtrail import scrapers


@pytest.fixture(scope="module")
def result() -> Result:
    outcome = evaluate()
    print("\n" + format_result(outcome))  # shown with -s
    return outcome


def test_every_labelled_page_has_an_anchor_or_a_reason() -> None:
    # A page added to labels.json needs `python -m tests.transplant anchors` (bench extra) before it counts.
    anchors = load_anchors()
    assert sorted(anchors) == sorted(label["file"] for label in load_labels())
    for name, anchor in anchors.items():
        if "skip" in anchor:
            assert anchor["skip"], name
        else:
            assert isinstance(anchor["offset"], int) and anchor["paragraph"], name
            # the offset falls right after the end tag of the paragraph it names
            assert (PAGES / name).read_bytes()[: anchor["offset"]].lower().rstrip().endswith(b">"), name


def test_most_pages_are_anchored(result: Result) -> None:
    assert result.pages >= 0.9 * (result.pages + len(result.skipped))


def test_placement_floors(result: Result) -> None:
    floors: dict[str, Any] = json.loads(FLOORS.read_text(encoding="utf-8"))["transplant"]
    for placement in PLACEMENTS:
        share = result.found[placement] / result.tried[placement]
        assert share >= floors[placement], (placement, share, format_result(result))


def test_every_code_names_its_post_in_a_plain_article() -> None:
    # Each placement's block, alone in a plain article, yields exactly its twelve posts: the ids are valid.
    for placement in PLACEMENTS:
        page = f"<html><body><article><p>Text of the story.</p>{block(placement)}</article></body></html>"
        extraction = scrapers.extract(scrapers.parse_html(page.encode(), "https://news.example/story"))
        assert {post.id for post in extraction.posts if post.kind != "account"} == expected_ids(placement)
    assert len(expected_ids("text")) == len(EMBED_CODES)


def test_the_footer_block_goes_inside_the_last_footer() -> None:
    page = b"<html><body><p>One.</p><footer class='site'><p>Legal.</p></footer></body></html>"
    out, has_footer = transplanted(page, page.index(b"</p>") + 4)
    assert has_footer
    assert out.index(b"<footer class='site'>") < out.index(block("footer").encode()) < out.index(b"Legal.")
    assert transplanted(b"<html><body><p>One.</p></body></html>", 18)[1] is False
