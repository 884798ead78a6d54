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
    from tests.corpus_report import (
        FLOORS,
        LABELS,
        PAGES,
        SPLITS,
        Report,
        evaluate,
        format_report,
        load_labels,
    )
except ImportError:  # pragma: no cover
    from corpus_report import (  # type: ignore
        FLOORS,
        LABELS,
        PAGES,
        SPLITS,
        Report,
        evaluate,
        format_report,
        load_labels,
    )

# A platform gets its own floors once it has this many labelled posts.
MIN_LABELLED = 3


@pytest.fixture(scope="module")
def floors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FLOORS.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module", params=SPLITS)
def scored(request: pytest.FixtureRequest) -> tuple[str, Report]:
    """Each split scored on its own: ``dev`` (rules may be tuned on it) and ``slice`` (kept aside)."""
    split = str(request.param)
    result = evaluate(split)
    print(f"\n[{split}]\n" + format_report(result))  # shown with -s
    return split, result


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


def test_every_page_is_in_a_split() -> None:
    assert {page.get("split") for page in load_labels()} == set(SPLITS)


def test_overall_floors(scored: tuple[str, Report], floors: dict[str, Any]) -> None:
    split, report = scored
    assert report.overall.precision >= floors[split]["overall"]["precision"], split
    assert report.overall.recall >= floors[split]["overall"]["recall"], split


def test_platform_floors(scored: tuple[str, Report], floors: dict[str, Any]) -> None:
    split, report = scored
    pinned = floors[split]["platforms"]
    for name, count in report.labelled.items():
        if count >= MIN_LABELLED:
            assert name in pinned, f"{split}: {name} has {count} labelled posts but no floor"
    for name, floor in pinned.items():
        score = report.platforms[name]
        assert score.precision >= floor["precision"], (split, name, score.precision)
        assert score.recall >= floor["recall"], (split, name, score.recall)


def test_method_agreement_floor(scored: tuple[str, Report], floors: dict[str, Any]) -> None:
    split, report = scored
    assert report.method_agreement >= floors[split]["method_agreement"], split


def test_cited_accounts_floor(scored: tuple[str, Report], floors: dict[str, Any]) -> None:
    """The profiles an article's body cites (labelled as ``accounts``) reach the accounts table."""
    split, report = scored
    labelled, found = report.accounts
    assert labelled and found / labelled >= floors[split]["accounts_recall"], (split, found, labelled)


def test_floors_are_reachable_numbers(floors: dict[str, Any]) -> None:
    for split in SPLITS:
        pinned = floors[split]
        values = [pinned["overall"]["precision"], pinned["overall"]["recall"], pinned["method_agreement"]]
        values.append(pinned["accounts_recall"])
        values += [v for floor in pinned["platforms"].values() for v in floor.values()]
        assert all(0.0 <= value <= 1.0 for value in values), split


def test_negative_pages_yield_few_posts(scored: tuple[str, Report], floors: dict[str, Any]) -> None:
    # The negatives are traps (share buttons, CSS-only classes, publisher rails, next-article feeds): a post
    # found there is chrome. The pinned ceiling only goes down.
    split, report = scored
    yielding = [(page.file, sorted(page.got)) for page in report.pages if not page.expected and page.got]
    assert len(yielding) <= floors[split]["negatives_with_posts"], yielding


def test_a_batch_is_scored_alone_and_by_source() -> None:
    # A new batch's first measurement is `python -m tests.corpus_report --batch <b>`; the report splits the
    # pages from the dev corpus's own repositories from the rest, so the two can be quoted apart.
    report = evaluate("fresh", "k")
    batch_files = {page["file"] for page in load_labels() if page.get("batch") == "k"}
    assert {page.file for page in report.pages} == batch_files
    text = format_report(report)
    assert "by source, the dev corpus's five repositories" in text
