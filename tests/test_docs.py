"""Documentation is tested: every command, option, config key, table and plugin route is documented, the CLI
reference is regenerated from --help, and every module states its responsibility."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from embedtrail import db, scrapers, tracker
from embedtrail.db.store import open_database
from embedtrail.tracker.cli import cli
from embedtrail.tracker.config import Config

ROOT = Path(__file__).resolve().parent.parent
README_PATH = ROOT / "README.md"
README = README_PATH.read_text(encoding="utf-8")
REFERENCE = ROOT / "docs" / "cli-reference.md"


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found.extend(commands(command, f"{prefix}{name} "))
    return found


@pytest.mark.parametrize("generated", [REFERENCE, README_PATH], ids=lambda p: p.name)
def test_generated_docs_are_current(generated: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", str(generated)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, (
        f"{generated.name} is stale: run `make docs`\n" + result.stdout + result.stderr
    )


@pytest.mark.parametrize(("name", "command"), commands(cli), ids=[name for name, _ in commands(cli)])
def test_every_command_and_option_is_documented(name: str, command: click.Command) -> None:
    reference = REFERENCE.read_text(encoding="utf-8")
    assert f"## embedtrail {name}\n" in reference
    top = name.split()[0]
    assert f"embedtrail {top}" in README, f"README does not mention `embedtrail {top}`"
    assert command.help, f"{name} has no docstring"
    for param in command.params:
        for flag in param.opts:
            if flag.startswith("--"):
                assert flag in reference, f"{name} {flag} is not in the CLI reference"


def test_every_config_key_is_documented() -> None:
    for name, table in Config().as_dict().items():
        for key in table:
            if name == "canaries":
                assert f"| `{key}` |" in README.split("`[canaries]`, one post", 1)[1], key
            else:
                assert f"`[{name}] {key}`" in README, f"[{name}] {key} undocumented"


def test_every_table_and_view_is_documented(tmp_path: Path) -> None:
    database = open_database(tmp_path / "docs.db")
    names = [t for t in database.table_names() if not t.startswith("_") and "_fts" not in t]
    for table in names + database.view_names():
        assert f"**`{table}`**" in README, f"table {table} has no section in README's data model"
    for name in (
        m.name for m in __import__("embedtrail.db.migrations", fromlist=["migrations"]).migrations._migrations
    ):
        assert f"`{name}`" in README, f"migration {name} is missing from the schema history"


def _modules() -> list[str]:
    names = []
    for package in (scrapers, tracker, db):
        names.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_every_module_opens_with_its_responsibility(name: str) -> None:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree)
    assert docstring and len(docstring.split()) >= 5, f"{name} needs a docstring saying what it is for"


@pytest.mark.parametrize("package", [scrapers, tracker, db], ids=lambda p: p.__name__)
def test_package_exports_are_sorted_and_real(package: object) -> None:
    exported = package.__all__

    def isort_style(name: str) -> tuple[int, str]:
        # ruff's RUF022 order: CONSTANTS, then Classes, then functions, each alphabetical.
        return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)

    assert exported == sorted(exported, key=isort_style)
    for name in exported:
        assert hasattr(package, name), name


def test_every_platform_note_the_code_cites_exists() -> None:
    """Code that says "see docs/platforms.md §N" points at a section the repository holds."""
    import re

    notes = (ROOT / "docs" / "platforms.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (\d+)\. ", notes, re.M))
    cited = {
        (str(path.relative_to(ROOT)), number)
        for folder in ("tracker", "scrapers", "db")
        for path in (ROOT / folder).rglob("*.py")
        for number in re.findall(r"docs/platforms\.md §(\d+)", path.read_text(encoding="utf-8"))
    }
    assert cited, "no citations found: the pattern is stale"
    assert {(path, number) for path, number in cited if number not in sections} == set()


def _heading_anchors(markdown: str) -> set[str]:
    """The fragment GitHub gives each heading: lower case, punctuation dropped, spaces as hyphens."""
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        for heading in re.findall(r"^#{1,6} (.+)$", markdown, re.M)
    }


@pytest.mark.parametrize(
    "document",
    [README_PATH, ROOT / "SECURITY.md", *sorted((ROOT / "docs").glob("*.md"))],
    ids=lambda p: p.name,
)
def test_every_local_link_in_the_docs_leads_somewhere(document: Path) -> None:
    """A link to a file of the repository (and to a heading in it) names one that exists: moving a section
    into its own page must not leave the README pointing at nothing."""
    # Code spans and blocks quote markup and patterns (a regex's `](…)`), not links.
    text = re.sub(r"```.*?```|`[^`\n]*`", "", document.read_text(encoding="utf-8"), flags=re.S)
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target == "url":
            continue  # an address on the web, or a placeholder in an example of Markdown
        path, _, fragment = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        # A fragment names a heading of the Markdown file it points into.
        if not linked.exists() or (fragment and fragment not in _heading_anchors(linked.read_text("utf-8"))):
            broken.append(target)
    assert broken == []
