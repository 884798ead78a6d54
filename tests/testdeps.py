"""Programs from Debian that the suite drives for real (chromium, redis-server, wget), found where
``scripts/install-test-deps.sh`` installs them: tests never run apt-get themselves. ``make test`` (and so CI)
installs them before the run and sets ``EMBEDTRAIL_REQUIRE_TEST_DEPS=1``, which turns a missing program into a
failure; a developer running pytest directly on a machine without one sees the tests that need it skipped."""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest

__all__ = ["require_file", "require_program"]


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("EMBEDTRAIL_REQUIRE_TEST_DEPS"):
        pytest.fail(f"{reason}: scripts/install-test-deps.sh should have installed it")
    pytest.skip(f"{reason} (run scripts/install-test-deps.sh, or make test)")


def require_program(name: str, package: str) -> str:
    """The path of program ``name`` (an absolute path or a name on PATH), from Debian package ``package``."""
    found = name if os.path.isabs(name) and os.access(name, os.X_OK) else shutil.which(name)
    if not found:
        _unavailable(f"{name} is missing (Debian package {package})")
    return found


def require_file(path: str, what: str) -> str:
    """``path`` (relative to the checkout), which ``scripts/install-test-deps.sh`` fetches: ``what``."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found = os.path.join(root, path)
    if not os.path.isfile(found):
        _unavailable(f"{what} is missing ({path})")
    return found
