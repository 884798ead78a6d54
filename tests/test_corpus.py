"""Score-floor gate: the extractor against the hand-labelled corpus in ``tests/fixtures/pages``.

Floors and a digest of every saved page live in ``tests/fixtures/corpus_floors.json``; a silently refreshed
page or a drop in precision, recall or method agreement fails here. Floors may only ever be raised. Run with
``-s`` (or ``python -m tests.corpus_report``) to see the per-page table of misses and false positives.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

try:  # pytest imports tests/ as rootdir-relative or as a plain directory, depending on the invocation
    from tests.corpus_report import FLOORS, LABELS, PAGES, Report, evaluate, format_report, load_labels
except ImportError:  # pragma: no cover
    from corpus_report import FLOORS, LABELS, PAGES, Report, evaluate, format_report, load_labels  # type: ignore

# A platform gets its own floors once it has this many labelled posts.
MIN_LABELLED = 3


@pytest.fixture(scope="module")
def floors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FLOORS.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def report() -> Report:
    result = evaluate()
    print("\n" + format_report(result))  # shown with -s
    return result


def test_labels_name_every_page_once() -> None:
    files = [page["file"] for page in load_labels()]
    assert len(files) == len(set(files))
    assert sorted(files) == sorted(path.name for path in PAGES.glob("*.html"))


def test_pages_match_their_digests(floors: dict[str, Any]) -> None:
    digests = floors["digests"]
    assert sorted(digests) == sorted(path.name for path in PAGES.glob("*.html"))
    for name, expected in digests.items():
        assert hashlib.sha256((PAGES / name).read_bytes()).hexdigest() == expected, name


def test_labels_agree_with_digests(floors: dict[str, Any]) -> None:
    # labels.json records the sha256 of each page as labelled; the pinned digest must be the same bytes.
    for page in json.loads(LABELS.read_text(encoding="utf-8"))["pages"]:
        assert floors["digests"][page["file"]] == page["sha256"], page["file"]


def test_overall_floors(report: Report, floors: dict[str, Any]) -> None:
    assert report.overall.precision >= floors["overall"]["precision"]
    assert report.overall.recall >= floors["overall"]["recall"]


def test_platform_floors(report: Report, floors: dict[str, Any]) -> None:
    pinned = floors["platforms"]
    for name, count in report.labelled.items():
        if count >= MIN_LABELLED:
            assert name in pinned, f"{name} has {count} labelled posts but no floor"
    for name, floor in pinned.items():
        score = report.platforms[name]
        assert score.precision >= floor["precision"], (name, score.precision)
        assert score.recall >= floor["recall"], (name, score.recall)


def test_method_agreement_floor(report: Report, floors: dict[str, Any]) -> None:
    assert report.method_agreement >= floors["method_agreement"]


def test_floors_are_reachable_numbers(floors: dict[str, Any]) -> None:
    values = [floors["overall"]["precision"], floors["overall"]["recall"], floors["method_agreement"]]
    values += [v for floor in floors["platforms"].values() for v in floor.values()]
    assert all(0.0 <= value <= 1.0 for value in values)


def test_negative_pages_yield_no_posts(report: Report) -> None:
    # The negatives are traps (share buttons, CSS-only classes, publisher rails): any post there is chrome.
    for page in report.pages:
        if not page.expected:
            assert not page.got, (page.file, page.got)
