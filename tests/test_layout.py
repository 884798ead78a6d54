"""The installed layout: one namespace, ``embedtrail.*``, over the folders ``tracker/``, ``scrapers/`` and
``db/``.

The bare names ``db``, ``tracker`` and ``scrapers`` would collide with other distributions in site-packages,
so nothing may import them: run from the repository root they would still resolve (the working directory is on
``sys.path``) and load a second copy of every module beside the ``embedtrail.*`` one.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BARE_IMPORT = re.compile(r"^\s*(?:from|import)\s+(db|tracker|scrapers)\b", re.M)


@pytest.mark.parametrize(
    ("statement", "works"),
    [
        ("import embedtrail.db, embedtrail.tracker, embedtrail.scrapers", True),
        ("import embedtrail.db.plugin, embedtrail.tracker.cli", True),
        ("import db", False),
        ("import tracker", False),
        ("import scrapers", False),
    ],
)
def test_installed_namespace(tmp_path: Path, statement: str, works: bool) -> None:
    # Outside the checkout only what the distribution installed can be imported.
    result = subprocess.run(
        [sys.executable, "-c", statement], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert (result.returncode == 0) is works, result.stderr
    if not works:
        assert "ModuleNotFoundError" in result.stderr


def test_no_module_imports_a_bare_package_name() -> None:
    offenders = []
    for folder in ("tracker", "scrapers", "db", "tests", "benchmarks", "fuzz"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for match in BARE_IMPORT.finditer(path.read_text(encoding="utf-8")):
                line = path.read_text(encoding="utf-8").count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0).strip()}")
    assert offenders == []


def test_every_package_folder_is_installed() -> None:
    """A new sub-package folder must be listed in pyproject's explicit package list, or it is not
    installed."""
    import tomllib

    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        "embedtrail." + ".".join(init.parent.relative_to(ROOT).parts)
        for folder in ("tracker", "scrapers", "db")
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert found == declared


def test_every_benchmark_imports() -> None:
    """``make bench`` is not part of the suite; a benchmark that no longer imports should still fail here."""
    import importlib

    from benchmarks.__main__ import BENCHMARKS

    for name in BENCHMARKS:
        importlib.import_module(f"benchmarks.{name}")


def test_commands_run_outside_the_checkout(tmp_path: Path) -> None:
    """From any directory, as a volunteer runs them: nothing may lean on the checkout being on sys.path (the
    packaged metadata was once looked up as a bare ``db`` package, which only the checkout had)."""
    seed = ROOT / "samples" / "seed-kremlin-drones.txt"
    for command in (["ingest", "--silent", "--db", "e.db", str(seed)], ["publish", "public", "--db", "e.db"]):
        result = subprocess.run(
            [sys.executable, "-m", "embedtrail.tracker", *command],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "public" / "metadata.yaml").exists()


# The run's two orchestrators stay readable: each step of a run lives in a module of its own.
ORCHESTRATORS = ("tracker/refresh.py", "tracker/queue.py")


@pytest.mark.parametrize("path", ORCHESTRATORS)
def test_orchestrators_stay_short(path: str) -> None:
    lines = (ROOT / path).read_text(encoding="utf-8").count("\n")
    assert lines < 400, f"{path} has {lines} lines: move a step into a module of its own"
