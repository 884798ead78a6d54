"""Gate: every survey form placed in the corpus's real layouts (``tests/survey_placement.py`` says how) yields
its post, and the forms that name none add nothing. Floors in ``fixtures/corpus_floors.json`` under
``survey_placement``, only ever raised; ``python -m tests.survey_placement`` shows where a form was missed."""

from __future__ import annotations

import json
from typing import Any

import pytest

try:  # pytest imports tests/ as rootdir-relative or as a plain directory, depending on the invocation
    from tests.corpus_report import FLOORS
    from tests.survey_placement import FORMS, Result, evaluate, format_result, groups, placed_in
except ImportError:  # pragma: no cover
    from corpus_report import FLOORS  # type: ignore
    from survey_placement import FORMS, Result, evaluate, format_result, groups, placed_in  # type: ignore


@pytest.fixture(scope="module")
def result() -> Result:
    outcome = evaluate()
    print("\n" + format_result(outcome))  # shown with -s
    return outcome


def test_every_form_is_placed_once_per_round() -> None:
    chunks, rewritten, kept = groups()
    placed = [form.name for chunk in chunks for form in chunk]
    assert sorted(placed) == sorted(FORMS)
    # most forms get ids of their own, so that ten share a page copy without hiding each other's misses
    assert rewritten >= 0.8 * sum(1 for form in FORMS.values() if form["posts"])
    assert all(FORMS[name]["posts"] for name in kept)


def test_placed_forms_floors(result: Result) -> None:
    floors: dict[str, Any] = json.loads(FLOORS.read_text(encoding="utf-8"))["survey_placement"]
    assert result.pages > 600 and result.tried > 3000
    assert result.logged / result.tried >= floors["logged"], format_result(result)
    assert len(result.strays) <= floors["pages_with_strays"], format_result(result)
    assert result.commented == result.tried
    assert result.left_out / result.commented >= floors["left_out_of_comments"], format_result(result)


def test_names_stripped_placement_strips_the_page_and_keeps_the_forms_names() -> None:
    page = b"<div class='entry-content' id='post'><p class='lead'>Text.</p><script>var c='x';</script></div>"
    offset = page.index(b"<script>")
    form = "<blockquote class='twitter-tweet'><a href='https://twitter.com/a/status/1'>x</a></blockquote>"
    assert placed_in(page, offset, form) == page[:offset] + form.encode() + page[offset:]
    stripped = placed_in(page, offset, form, names_stripped=True).decode()
    assert "entry-content" not in stripped and "post" not in stripped and "lead" not in stripped
    assert form in stripped and "<script>var c='x';</script>" in stripped
