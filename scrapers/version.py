"""The extractor's version: the name of the rules that read an article, recorded on each article
(``articles.extractor_version``) so that ``reextract`` knows what an older embedtrail read and a volunteer can
tell which rules produced a row.

It is the package version plus a digest of the extractor's own source files, so any change to the rules
(a new release or a local edit) is a new version without anyone remembering to bump a number, and the same
code always has the same name.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

__all__ = ["EXTRACTOR_VERSION", "extractor_version"]


def extractor_version(directory: Path = Path(__file__).parent) -> str:
    """``<package version>+<12 hex digits of the sources' sha256>``."""
    try:
        package = metadata.version("embedtrail")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        package = "0"
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*.py")):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return f"{package}+{digest.hexdigest()[:12]}"


EXTRACTOR_VERSION = extractor_version()
