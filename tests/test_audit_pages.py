"""The developer's audit of unlabelled pages (``tests/audit_pages.py``), run on pages of its own: each report
finds what it is for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

try:
    from tests.audit_pages import decisions, diff, main, second_opinion, unconsidered
except ImportError:  # pragma: no cover
    from audit_pages import decisions, diff, main, second_opinion, unconsidered  # type: ignore

from tests.stories import PROSE

CITED = "https://twitter.com/anna/status/1714567890123456789"
IN_FOOTER = "https://twitter.com/site/status/1914567890123456789"
COMMENTED = "kbO1loS1o44"


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    story = (
        f"<html><body><article><h1>Floods</h1>{PROSE}<p>The mayor <a href='{CITED}'>posted</a> a video.</p>"
        f"<!-- <iframe src='https://www.youtube.com/embed/{COMMENTED}'></iframe> -->{PROSE}</article>"
        f"<footer><a href='{IN_FOOTER}'>Our latest post</a></footer></body></html>"
    )
    (tmp_path / "story.html").write_text(story, encoding="utf-8")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "empty.htm").write_text("<html><body><p>Nothing here.</p></body></html>")
    (tmp_path / "notes.txt").write_text(CITED)  # not a saved page
    return tmp_path


def test_decisions_list_every_candidate_of_every_page(directory: Path) -> None:
    made = decisions(directory)
    assert sorted(made) == ["nested/empty.htm", "story.html"]
    assert made["nested/empty.htm"] == []
    by_url = {c["url"]: c for c in made["story.html"]}
    assert by_url[CITED]["decision"] == "link"
    assert by_url[IN_FOOTER]["decision"] == "dropped"
    assert "chrome" in by_url[IN_FOOTER]["reason"]


def test_diff_names_changed_new_and_gone_decisions(directory: Path) -> None:
    old = decisions(directory)
    new = json.loads(json.dumps(old))
    new["story.html"][0]["decision"] = "dropped"
    gone = new["story.html"].pop()
    assert diff(old, old) == []
    changed = diff(old, new)
    assert ("story.html", old["story.html"][0]["url"], old["story.html"][0]["decision"], "dropped") in changed
    assert ("story.html", gone["url"], gone["decision"], None) in changed


def test_unconsidered_finds_post_urls_no_candidate_names(directory: Path) -> None:
    rows = unconsidered(directory / "story.html")
    assert [row["post_id"] for row in rows] == [f"youtube:{COMMENTED}"]
    assert rows[0]["before"].endswith("<!-- <iframe src='")


def test_second_opinion_sorts_the_disagreements(directory: Path) -> None:
    made = decisions(directory)
    opinions = {
        "story.html": {"twitter:1914567890123456789", "youtube:aaaaaaaaaaa"},
        "nested/empty.htm": None,  # no main text: the page is not compared
    }
    report = second_opinion(directory, made, lambda path: opinions[str(path.relative_to(directory))])
    assert [row["post_id"] for row in report["dropped"]] == ["twitter:1914567890123456789"]
    assert [row["post_id"] for row in report["unseen"]] == ["youtube:aaaaaaaaaaa"]
    assert [row["post_id"] for row in report["logged_only"]] == ["twitter:1714567890123456789"]


def test_the_command_line_writes_and_compares_runs(
    directory: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run.json"
    assert main(["decisions", str(directory), str(out)]) == 0
    assert "2 pages" in capsys.readouterr().out
    assert main(["diff", str(out), str(out)]) == 0
    assert "0 decisions changed on 0 pages" in capsys.readouterr().out
    assert main(["unconsidered", str(directory)]) == 0
    assert "1 post URLs never considered" in capsys.readouterr().out
    assert main(["nonsense"]) == 2
