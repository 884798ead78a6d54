"""Reads the extractor's decisions over a directory of unlabelled saved pages, for a developer to check.

Labels exist for the corpus only; pages without labels still show decisions a reader can check on the page
itself. Four reports, each printed and optionally written as JSON:

- ``decisions DIR OUT``: ``explain`` over every page (every candidate with its decision, reason, zone and the
  element that decided it), the input of the other reports;
- ``diff OLD NEW``: the decisions that changed between two ``decisions`` runs (a rule should change only its
  own pages');
- ``unconsidered DIR``: post URLs in a page's bytes that ``explain`` never listed as a candidate, with the
  text before each (commented-out markup, thumbnails and other pages' titles are most of them; the rest may
  be markup the extractor does not read);
- ``second-opinion DIR DECISIONS``: trafilatura's main text as a second opinion (the post links it keeps that
  embedtrail dropped, and the posts embedtrail logged that it leaves out, on pages where it kept one).

``python -m tests.audit_pages decisions /path/to/pages /tmp/a.json`` (about 30 pages a second on one core);
``tests/test_audit_pages.py`` runs each report on a few pages of its own.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from embedtrail import scrapers
from embedtrail.scrapers.explain import explain
from embedtrail.scrapers.links import Router
from embedtrail.scrapers.registry import PLATFORMS

BASE_URL = "https://site.example/story/"  # saved pages rarely say where they were served from
# An address in a page's bytes, also inside scripts' escaped JSON (https:\/\/…).
_ADDRESS = re.compile(r"(?:https?:)?(?:\\?/){2}[A-Za-z0-9.-]+\.[a-z]{2,}(?:\\?/[^\s\"'<>\\]*)+", re.I)
_HREF = re.compile(r'href="([^"]+)"')
_CONTEXT = 120
Decisions = dict[str, list[dict[str, Any]]]

_router = Router(PLATFORMS)


def pages(directory: Path) -> list[Path]:
    """The saved pages in ``directory`` (``.html``/``.htm``, recursively), in name order."""
    return sorted(p for p in directory.rglob("*") if p.suffix.lower() in (".html", ".htm") and p.is_file())


def post_id(url: str) -> str | None:
    """The post ``url`` names (``platform:native_id``), or None for accounts and other addresses."""
    if not _router.claims(url):
        return None
    ref = _router.ref(url)
    return ref.id if ref is not None and ref.kind != "account" else None


def decide(path: Path) -> list[dict[str, Any]]:
    """Every post candidate ``explain`` lists for the page at ``path`` (accounts left out)."""
    doc = scrapers.parse_html(path.read_bytes(), BASE_URL)
    return [
        {
            "post_id": c.post_id,
            "url": c.url,
            "decision": c.decision,
            "reason": c.reason,
            "zone": c.zone,
            "decided_by": c.decided_by,
            "found_in": c.found_in,
            "position": c.position,
        }
        for c in explain(doc)
        if c.kind != "account"
    ]


def decisions(directory: Path) -> Decisions:
    """``decide`` over every page of ``directory``, by path relative to it; a page that fails is reported
    with its error instead of stopping the run."""
    result: Decisions = {}
    for path in pages(directory):
        name = str(path.relative_to(directory))
        try:
            result[name] = decide(path)
        except Exception as error:  # a tool for reading: one bad page must not end the run
            result[name] = [{"error": repr(error)}]
    return result


def diff(old: Decisions, new: Decisions) -> list[tuple[str, str, str | None, str | None]]:
    """``(page, url, old decision, new decision)`` for every candidate whose decision changed, appeared or
    disappeared, keyed by URL and position."""
    changed = []
    for page in sorted(set(old) | set(new)):
        before = {(c.get("url"), c.get("position")): c.get("decision") for c in old.get(page, [])}
        after = {(c.get("url"), c.get("position")): c.get("decision") for c in new.get(page, [])}
        for key in sorted(set(before) | set(after), key=lambda k: (str(k[0]), k[1] or 0)):
            if before.get(key) != after.get(key):
                changed.append((page, str(key[0]), before.get(key), after.get(key)))
    return changed


def unconsidered(path: Path) -> list[dict[str, str]]:
    """Post URLs in the bytes of the page at ``path`` that ``explain`` lists no candidate for, each once,
    with the text before its first occurrence."""
    seen = {c["post_id"] for c in decide(path)}
    text = path.read_bytes().decode("utf-8", "replace")
    found: dict[str, dict[str, str]] = {}
    for match in _ADDRESS.finditer(text):
        url = html.unescape(match.group(0).replace("\\/", "/"))
        url = "https:" + url if url.startswith("//") else url
        post = post_id(url)
        if post is None or post in seen or post in found:
            continue
        before = text[max(0, match.start() - _CONTEXT) : match.start()]
        found[post] = {"post_id": post, "url": url, "before": " ".join(before.split())}
    return list(found.values())


def trafilatura_links(path: Path) -> set[str] | None:
    """The posts linked from trafilatura's main text of the page (None when it finds no main text)."""
    import trafilatura  # the bench extra's: a second opinion, never the extractor's own

    main = trafilatura.extract(path.read_bytes(), output_format="html", include_links=True, url=BASE_URL)
    if not main:
        return None
    return {post for post in (post_id(html.unescape(u)) for u in _HREF.findall(main)) if post is not None}


def second_opinion(
    directory: Path, made: Decisions, main_links: Callable[[Path], set[str] | None] = trafilatura_links
) -> dict[str, list[dict[str, Any]]]:
    """Where the second opinion and embedtrail disagree: ``dropped`` lists the posts ``main_links`` finds in
    the main text that embedtrail dropped (with the reason of the first sighting), ``unseen`` the ones it
    never considered, and ``logged_only`` the posts embedtrail logged on pages where the main text links at
    least one post but not these."""
    report: dict[str, list[dict[str, Any]]] = {"dropped": [], "unseen": [], "logged_only": []}
    for name, candidates in made.items():
        linked = main_links(directory / name)
        if not linked:
            continue
        by_post: dict[str, list[dict[str, Any]]] = {}
        for candidate in candidates:
            if "post_id" in candidate:
                by_post.setdefault(candidate["post_id"], []).append(candidate)
        for post in sorted(linked):
            sightings = by_post.get(post)
            if not sightings:
                report["unseen"].append({"page": name, "post_id": post})
            elif all(s["decision"] == "dropped" for s in sightings):
                report["dropped"].append({"page": name, "post_id": post, "reason": sightings[0]["reason"]})
        for post, sightings in sorted(by_post.items()):
            logged = [s for s in sightings if s["decision"] != "dropped"]
            if logged and post not in linked:
                report["logged_only"].append(
                    {"page": name, "post_id": post, "found_in": logged[0]["found_in"]}
                )
    return report


def _reasons(rows: Iterable[dict[str, Any]]) -> Counter[str]:
    return Counter(str(row.get("reason", ""))[:60] for row in rows)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in {"decisions", "diff", "unconsidered", "second-opinion"}:
        print(__doc__)
        return 2
    command, args = argv[0], argv[1:]
    if command == "decisions":
        made = decisions(Path(args[0]))
        Path(args[1]).write_text(json.dumps(made), encoding="utf-8")
        dropped = [c for cs in made.values() for c in cs if c.get("decision") == "dropped"]
        print(f"{len(made)} pages, {sum(map(len, made.values()))} candidates, {len(dropped)} dropped")
        for reason, count in _reasons(dropped).most_common(15):
            print(f"  {count:6d}  {reason}")
    elif command == "diff":
        old, new = (json.loads(Path(arg).read_text(encoding="utf-8")) for arg in args[:2])
        changed = diff(old, new)
        for page, url, before, after in changed:
            print(f"{page}  {url[:90]}  {before} -> {after}")
        print(f"{len(changed)} decisions changed on {len({c[0] for c in changed})} pages")
    elif command == "unconsidered":
        directory = Path(args[0])
        total = 0
        for path in pages(directory):
            for row in unconsidered(path):
                total += 1
                print(f"{path.relative_to(directory)}  {row['post_id']}  …{row['before'][-70:]}")
        print(f"{total} post URLs never considered")
    else:
        directory = Path(args[0])
        report = second_opinion(directory, json.loads(Path(args[1]).read_text(encoding="utf-8")))
        for kind, rows in report.items():
            print(f"{kind}: {len(rows)}")
            for row in rows:
                print("  " + "  ".join(str(value)[:80] for value in row.values()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
