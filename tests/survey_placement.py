"""Places every form of the embed markup survey into the corpus's real page layouts and checks it counts.

The survey (``fixtures/embed_forms.json``, gated by ``tests/test_embed_forms.py``) checks each form between
two paragraphs of one minimal article; the placement check (``tests/transplant.py``) checks twelve standard
codes and a few wrapped forms in every corpus layout. This crosses the two: each survey form, given post ids
of its own, goes after the anchor paragraph of real pages (trafilatura's paragraph, ``transplant_anchors``),
followed by a paragraph of prose as articles write embeds, ten forms to a page copy. Groups rotate over the
pages, so every form meets a different set of layouts (about one page in 44 each; ``--rotation N`` shifts
which). A form that names a post must yield it; the forms that name none (chrome, short links, commented-out
embeds) are placed in groups of their own and must add nothing to what the page yields without them. The
groups naming posts go once more into a reader's comment after the same paragraph (``transplant.COMMENTS``),
where every post must be left out.

Ids: a form's post ids are rewritten (the last characters of the id made unique to the form) wherever the
markup writes them; a form whose ids are encoded beyond a plain replacement (base64, a DID, a channel path) is
checked on the minimal article first and, when its rewritten ids do not come out there, placed with its own
ids in a group of its own. ``python -m tests.survey_placement`` prints the result;
``tests/test_survey_placement.py`` pins it. ``--names-stripped`` places the forms in the pages with their
class and id names made opaque (``tests.ablation``): standard embed code on a site whose naming says nothing
to the extractor. A stress measure, as the ablation is, not a gate.
"""

from __future__ import annotations

import json
import string
import sys
from dataclasses import dataclass, field
from typing import Any

from embedtrail import scrapers

try:  # imported as tests.survey_placement (python -m) or as a top-level module (pytest's rootdir import)
    from tests.ablation import strip_names
    from tests.corpus_report import FIXTURES, PAGES, load_labels, page_url
    from tests.transplant import COMMENTS, load_anchors
except ImportError:  # pragma: no cover
    from ablation import strip_names  # type: ignore
    from corpus_report import FIXTURES, PAGES, load_labels, page_url  # type: ignore
    from transplant import COMMENTS, load_anchors  # type: ignore

FORMS: dict[str, dict[str, Any]] = json.loads((FIXTURES / "embed_forms.json").read_text(encoding="utf-8"))[
    "forms"
]
PROSE = (
    "<p>"
    + "The minister said on Tuesday that the talks would continue next week in the capital. " * 3
    + "</p>"
)
MINIMAL = (
    '<html><head><title>Story</title></head><body><header><nav><a href="/">Home</a></nav></header>'
    '<article class="article-body"><h1>Story headline here today</h1>{prose}{markup}{prose}</article>'
    "<footer>f</footer></body></html>"
)
GROUP_SIZE = 10
_ALPHANUMERIC = string.digits + string.ascii_letters


@dataclass(frozen=True)
class Form:
    name: str
    markup: str
    posts: tuple[str, ...]


@dataclass
class Result:
    """Which placed forms yielded their posts, over the anchored pages."""

    pages: int = 0
    tried: int = 0
    logged: int = 0
    # form name -> the pages it was missed on
    missed: dict[str, list[str]] = field(default_factory=dict)
    # page file -> posts that appeared only because forms naming none were placed
    strays: dict[str, list[str]] = field(default_factory=dict)
    # the same groups in a reader's comment after the paragraph: how many forms' posts were left out
    commented: int = 0
    left_out: int = 0
    # form name -> the pages where its post was logged from the comment
    from_comments: dict[str, list[str]] = field(default_factory=dict)
    rewritten: int = 0
    kept: list[str] = field(default_factory=list)


def _posts(page: bytes, url: str) -> set[str]:
    return {embed.post_id for embed in scrapers.extract(scrapers.parse_html(page, url)).embeds}


def _rewritten(name: str, index: int) -> Form | None:
    """The form with post ids of its own (their last characters made ``index``'s), or None when the markup
    does not write them plainly enough for that."""
    form = FORMS[name]
    markup: str = form["markup"]
    posts: list[str] = []
    for post in form["posts"]:
        tail = post.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
        code = (
            str(index).zfill(4)
            if tail.isdigit()
            else _ALPHANUMERIC[index // 62 % 62] + _ALPHANUMERIC[index % 62]
        )
        if len(tail) <= len(code) + 2 or tail not in markup:
            return None
        new_tail = tail[: -len(code)] + code
        markup = markup.replace(tail, new_tail)
        posts.append(post[: len(post) - len(tail)] + new_tail)
    page = MINIMAL.format(prose=PROSE, markup=markup).encode()
    if sorted(_posts(page, "https://news.example/story")) != sorted(posts):
        return None
    return Form(name, markup, tuple(posts))


def groups() -> tuple[list[list[Form]], int, list[str]]:
    """The page copies' groups of forms; how many forms got ids of their own; the forms that kept theirs."""
    naming: list[Form] = []
    silent: list[Form] = []
    kept: list[Form] = []
    for index, name in enumerate(sorted(FORMS)):
        form = FORMS[name]
        if not form["posts"]:
            silent.append(Form(name, form["markup"], ()))
            continue
        rewritten = _rewritten(name, index + 100)
        if rewritten is None:
            kept.append(Form(name, form["markup"], tuple(form["posts"])))
        else:
            naming.append(rewritten)
    chunks = [naming[i : i + GROUP_SIZE] for i in range(0, len(naming), GROUP_SIZE)]
    chunks += [silent[i : i + GROUP_SIZE] for i in range(0, len(silent), GROUP_SIZE)]
    chunks += [[form] for form in kept]
    return chunks, len(naming), [form.name for form in kept]


def placed_in(page: bytes, offset: int, block: str, names_stripped: bool = False) -> bytes:
    """``page`` with ``block`` placed at ``offset``; ``names_stripped``: the page's own class and id names
    made opaque first (``tests.ablation``), the block's left as the survey writes them."""
    before, after = page[:offset], page[offset:]
    if names_stripped:
        # The anchor offset is between two elements, outside any tag, script or style sheet, so each side
        # strips as a page would.
        before, after = strip_names(before), strip_names(after)
    return before + block.encode() + after


def evaluate(rotation: int = 0, names_stripped: bool = False) -> Result:
    """Place each page's group after its anchor paragraph and score it. ``names_stripped``: in the pages
    with their class and id names made opaque (a site naming nothing the extractor reads), the forms as
    embed code writes them."""
    chunks, rewritten, kept = groups()
    anchors = load_anchors()
    result = Result(rewritten=rewritten, kept=kept)
    labels = [label for label in load_labels() if "skip" not in anchors.get(label["file"], {"skip": ""})]
    for index, label in enumerate(labels):
        name = label["file"]
        group = chunks[(index + rotation) % len(chunks)]
        page = (PAGES / name).read_bytes()
        offset = anchors[name]["offset"]
        placed = "".join(f"<div>{form.markup}</div>{PROSE}" for form in group)
        url = page_url(label)
        got = _posts(placed_in(page, offset, placed, names_stripped), url)
        result.pages += 1
        for form in group:
            if not form.posts:
                continue
            result.tried += 1
            if set(form.posts) <= got:
                result.logged += 1
            else:
                result.missed.setdefault(form.name, []).append(name)
        if not any(form.posts for form in group):
            strays = got - _posts(placed_in(page, offset, "", names_stripped), url)
            if strays:
                result.strays[name] = sorted(strays)
            continue
        # Ids of their own cannot be on the page already, so no extraction of the page alone is needed.
        quoted = COMMENTS.format(block="".join(f"<div>{form.markup}</div>" for form in group))
        logged = _posts(placed_in(page, offset, quoted, names_stripped), url)
        for form in group:
            result.commented += 1
            if set(form.posts) & logged:
                result.from_comments.setdefault(form.name, []).append(name)
            else:
                result.left_out += 1
    return result


def format_result(result: Result) -> str:
    lines = [f"{name:32} missed on {', '.join(pages)}" for name, pages in sorted(result.missed.items())]
    lines += [f"{name:32} stray posts {', '.join(posts)}" for name, posts in sorted(result.strays.items())]
    lines += [
        f"{name:32} logged from a comment on {', '.join(pages)}"
        for name, pages in sorted(result.from_comments.items())
    ]
    lines.append("")
    lines.append(
        f"{result.pages} pages, {result.rewritten} forms with ids of their own, {len(result.kept)} with "
        f"their survey ids alone in a copy ({', '.join(result.kept)})"
    )
    share = result.logged / result.tried if result.tried else 0.0
    lines.append(f"forms naming a post: {result.logged}/{result.tried} logged  {share:.4f}")
    lines.append(f"pages where forms naming none added a post: {len(result.strays)}")
    kept_out = result.left_out / result.commented if result.commented else 0.0
    counts = f"{result.left_out}/{result.commented}"
    lines.append(f"forms in a reader's comment: {counts} left out  {kept_out:.4f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    rotation = int(args[args.index("--rotation") + 1]) if "--rotation" in args else 0
    print(format_result(evaluate(rotation, names_stripped="--names-stripped" in args)))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
