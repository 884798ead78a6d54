"""Places the platforms' standard embed codes into every labelled corpus page and checks where they count.

The corpus measures the extractor on the embeds that real pages happen to carry. This measures the rule the
extraction issue states for every page layout: a recognised embed counts wherever it sits in the article
(between its paragraphs, or in an ``<aside>`` placed in the text), and never inside page chrome. Each page
gets five blocks, each with its own post ids: the twelve platforms' embed codes (as each platform's embed
dialog writes them) after a paragraph of the article's text, again wrapped in ``<aside class="sidebar
widget">`` after that paragraph, again at the start of the page's last ``<footer>``, the forms the issue names
(``WRAPPED_FORMS``) after the paragraph, and the codes again in a reader's comment (WordPress's comment
markup, ``COMMENTS``) after the paragraph, where they must be left out. The paragraph is chosen by another
tool, not by embedtrail: the longest paragraph of trafilatura's main text outside quotations, lists, captions
and chrome (``fixtures/transplant_anchors.json``, written by ``python -m tests.transplant anchors``, which
needs the bench extra); pages where a reader saw that trafilatura's paragraph is not the article's are skipped
with the reason. ``tests/test_transplant.py`` pins the result; ``python -m tests.transplant`` prints it.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from embedtrail import scrapers

try:  # imported as tests.transplant (python -m) or as a top-level module (pytest's rootdir import)
    from tests.corpus_report import FIXTURES, PAGES, load_labels, page_url
except ImportError:  # pragma: no cover
    from corpus_report import FIXTURES, PAGES, load_labels, page_url  # type: ignore

ANCHORS = FIXTURES / "transplant_anchors.json"

# The embed codes, as each platform's embed dialog writes them; {n} (a digit) and {r} (a letter, for Bluesky's
# base-32 record keys) make the ids of each placement distinct.
EMBED_CODES: dict[str, tuple[str, str]] = {
    "twitter": (
        '<blockquote class="twitter-tweet" data-media-max-width="560"><p lang="en" dir="ltr">What a day at '
        "the harbour, part {n}</p>&mdash; Anna (@anna) "
        '<a href="https://x.com/anna/status/17{n}4567890123456789?ref_src=twsrc%5Etfw">May {n}, 2024</a>'
        "</blockquote>",
        "twitter:17{n}4567890123456789",
    ),
    "instagram": (
        '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagra'
        "m.com/p/C{n}abcDEFghi/"
        '?utm_source=ig_embed" data-instgrm-version="14"><a href="https://www.instagram.com/p/C{n}abcDEFghi/'
        '?utm_source=ig_embed">View this post on Instagram</a></blockquote>',
        "instagram:C{n}abcDEFghi",
    ),
    "tiktok": (
        '<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@user/video/72{n}4567890123456789" '
        'data-video-id="72{n}4567890123456789"><section><a href="https://www.tiktok.com/@user">@user</a>'
        "</section></blockquote>",
        "tiktok:72{n}4567890123456789",
    ),
    "youtube": (
        '<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXc{n}?si=abc" '
        'title="YouTube video player" frameborder="0" allowfullscreen></iframe>',
        "youtube:dQw4w9WgXc{n}",
    ),
    "facebook": (
        '<div class="fb-post" data-href="https://www.facebook.com/someone/posts/12345678901234{n}" '
        'data-width="500"></div>',
        "facebook:12345678901234{n}",
    ),
    "bluesky": (
        '<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:abcdefghijklmnopqrstuvwx/'
        'app.bsky.feed.post/3kabcdefghi{r}x" data-bluesky-cid="x"><p>hi</p>&mdash; A (<a href="https://'
        'bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx?ref_src=embed">@a.bsky.social</a>) <a href="https'
        '://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/3kabcdefghi{r}x?ref_src=embed">May 1, 2024'
        "</a></blockquote>",
        "bluesky:did:plc:abcdefghijklmnopqrstuvwx/3kabcdefghi{r}x",
    ),
    "threads": (
        '<blockquote class="text-post-media" data-text-post-permalink="https://www.threads.net/@zuck/post/'
        'C{n}xyzDEFghi" data-text-post-version="0"><a href="https://www.threads.net/@zuck'
        '/post/C{n}xyzDEFghi">'
        "Post by @zuck</a></blockquote>",
        "threads:C{n}xyzDEFghi",
    ),
    "reddit": (
        '<blockquote class="reddit-embed-bq" data-embed-height="316"><a href="https://www.reddit.com/r/news/'
        'comments/abc12{n}/some_title/">Some title</a><br> by <a href="https://www.reddit.com/user/someone/">'
        'u/someone</a> in <a href="https://www.reddit.com/r/news/">news</a></blockquote>',
        "reddit:abc12{n}",
    ),
    "telegram": (
        '<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-post="durov/12{n}" '
        'data-width="100%"></script>',
        "telegram:durov/12{n}",
    ),
    "vimeo": (
        '<iframe src="https://player.vimeo.com/video/12345678{n}?h=abc" width="640" height="360" '
        'allow="autoplay; fullscreen"></iframe>',
        "vimeo:12345678{n}",
    ),
    "mastodon": (
        '<blockquote class="mastodon-embed" data-embed-url="https://mastodon.social/@Garg'
        "ron/11000000000000000"
        '{n}/embed"><a href="https://mastodon.social/@Gargron/11000000000000000{n}">Post by @Gargron</a>'
        "</blockquote>",
        "mastodon:mastodon.social/11000000000000000{n}",
    ),
    "dailymotion": (
        '<iframe src="https://www.dailymotion.com/embed/video/x8abcd{n}" width="640" height="360"></iframe>',
        "dailymotion:x8abcd{n}",
    ),
}
# The forms the extraction issue names, as real pages wrap them: a tweet whose footer line is a paragraph
# of its own inside a Gutenberg figure, an Instagram embed deep in a page builder's columns, a bare post URL
# in a paragraph, a post linked from a paragraph of prose, a link crediting a screenshot of a post, a consent
# manager's placeholder whose only trace is the player's address, a consent-blocked iframe, a lite-youtube
# element, and a Gutenberg embed that did not render.
WRAPPED_FORMS: dict[str, tuple[str, str]] = {
    "figure-tweet": (
        '<figure class="wp-block-embed is-type-rich is-provider-twitter wp-block-embed-twitter"><div class="'
        'wp-block-embed__wrapper"><blockquote class="twitter-tweet" data-width="550" data-dnt="true"><p lang='
        '"en" dir="ltr">The bridge is closed again tonight</p><p>&mdash; Ben (@ben) <a href="https://twitter'
        '.com/ben/status/18{n}4567890123456789?ref_src=twsrc%5Etfw">June {n}, 2023</a></p></blockquote></div>'
        "</figure>",
        "twitter:18{n}4567890123456789",
    ),
    "page-builder": (
        '<div class="elementor-section elementor-top-section"><div class="elementor-conta'
        "iner elementor-column-"
        'gap-default"><div class="elementor-column elementor-col-100"><div class="element'
        'or-widget-wrap"><div '
        'class="elementor-element elementor-widget elementor-widget-html"><div class="ele'
        "mentor-widget-contain"
        'er"><blockquote class="instagram-media" data-instgrm-permalink="https://www.inst'
        "agram.com/p/D{n}abcDE"
        'Fghi/" data-instgrm-version="14"><a href="https://www.instagram.com/p/D{n}abcDEF'
        'ghi/">View this post '
        "on Instagram</a></blockquote></div></div></div></div></div></div>",
        "instagram:D{n}abcDEFghi",
    ),
    "bare-url": (
        "<p>The ministry posted the statement on its page: https://www.facebook.com/ministry/posts/2234567890"
        "1234{n}</p>",
        "facebook:22345678901234{n}",
    ),
    "prose-link": (
        '<p>Earlier that day the spokesman <a href="https://twitter.com/spokes/status/16{n}4567890123456789">'
        "wrote on X</a> that the talks had failed and that no date was set for the next round.</p>",
        "twitter:16{n}4567890123456789",
    ),
    "screenshot-credit": (
        '<figure><img src="/images/screenshot.jpg" alt="A screenshot of the post"><figcap'
        "tion>The post before "
        'it was deleted. (Twitter: <a href="https://twitter.com/carla/status/19{n}4567890'
        '123456789">@carla</a>)'
        "</figcaption></figure>",
        "twitter:19{n}4567890123456789",
    ),
    "consent-placeholder": (
        '<div class="embed-consent" data-consent-src="https://www.youtube.com/embed/eQw4w9WgXc{n}"><p>Click '
        "to load the video from YouTube.</p></div>",
        "youtube:eQw4w9WgXc{n}",
    ),
    "consent-iframe": (
        '<iframe data-cookieblock-src="https://player.vimeo.com/video/22345678{n}" data-cookieconsent="market'
        'ing"></iframe>',
        "vimeo:22345678{n}",
    ),
    "lite-youtube": ('<lite-youtube videoid="fQw4w9WgXc{n}"></lite-youtube>', "youtube:fQw4w9WgXc{n}"),
    "unrendered-embed": (
        '<figure class="wp-block-embed is-type-video is-provider-tiktok wp-block-embed-ti'
        'ktok"><div class="wp-'
        'block-embed__wrapper">\nhttps://www.tiktok.com/@user/video/73{n}4567890123456789\n</div></figure>',
        "tiktok:73{n}4567890123456789",
    ),
}
# Placement -> (the digit in its ids, whether its posts must be logged).
PLACEMENTS: dict[str, tuple[int, bool]] = {
    "text": (1, True),
    "aside": (2, True),
    "footer": (3, False),
    "forms": (4, True),
    "comments": (5, False),
}
# A reader's comment quoting the posts, in WordPress's comment markup (``comments_template()``), placed in the
# text after the paragraph: the hardest place for a comment section, inside the article's own element.
COMMENTS = (
    '<div id="comments" class="comments-area"><h2 class="comments-title">2 thoughts on the story</h2>'
    '<ol class="comment-list"><li id="comment-48" class="comment even thread-even depth-1"><article '
    'id="div-comment-48" class="comment-body"><div class="comment-meta"><div class="comment-author vcard">'
    '<b class="fn">Reader</b> <span class="says">says:</span></div></div><div class="comment-content"><p>'
    "Look at what they posted before the vote:</p>{block}</div></article></li></ol></div>"
)


def _filled(placement: str) -> dict[str, tuple[str, str]]:
    """The placement's codes and post ids, with the placement's own digit and letter written in."""
    digit = PLACEMENTS[placement][0]
    codes = WRAPPED_FORMS if placement == "forms" else EMBED_CODES
    letter = "abcde"[digit - 1]
    return {
        name: (code.format(n=digit, r=letter), post.format(n=digit, r=letter))
        for name, (code, post) in codes.items()
    }


# Forms that are paragraphs of text themselves: written together in one block, two paragraphs of running
# text (apart from the page's paragraphs, so that they change nothing around the other placements).
_PARAGRAPHS = ("bare-url", "prose-link")


def block(placement: str) -> str:
    """The placement's embed codes with its own ids, each in a paragraph-level wrapper of its own (the
    paragraph forms together in one)."""
    codes = {name: code for name, (code, _) in _filled(placement).items()}
    paragraphs = "".join(codes.pop(name) for name in _PARAGRAPHS if name in codes)
    return (f"<div>{paragraphs}</div>" if paragraphs else "") + "".join(
        f"<div>{code}</div>" for code in codes.values()
    )


def expected_ids(placement: str) -> set[str]:
    return {post for _, post in _filled(placement).values()}


# A page's last <footer> opening tag: its contents are the footer in every parser (the end tag is not: a
# stray </div> closes a footer early in lxml and in browsers alike). One inside a script is not in the page
# at all: a template's text (crainscleveland-an1's paywall dialog, an EJS template in <script
# type="text/template">), so scripts' bodies are passed over.
_FOOTER_START = re.compile(rb"<footer(?:\s[^>]*)?>", re.I)
_SCRIPT = re.compile(rb"<script\b.*?</script\s*>", re.I | re.S)


def transplanted(page: bytes, offset: int) -> tuple[bytes, bool]:
    """``page`` with the text, aside, forms and comments blocks after byte ``offset`` and the footer block at
    the start of its last ``<footer>`` (when it has one after the offset); and whether it had one."""
    inserted = (
        block("text").encode()
        + b'<aside class="sidebar widget">'
        + block("aside").encode()
        + b"</aside>"
        + block("forms").encode()
        + COMMENTS.format(block=block("comments")).encode()
    )
    out = page[:offset] + inserted + page[offset:]
    scripts = [match.span() for match in _SCRIPT.finditer(out)]
    footers = [
        footer
        for footer in _FOOTER_START.finditer(out)
        if not any(start < footer.start() < end for start, end in scripts)
    ]
    if footers and footers[-1].start() > offset:
        start = footers[-1].end()
        return out[:start] + block("footer").encode() + out[start:], True
    return out, False


@dataclass
class Result:
    """Which placed posts the extractor logged, per placement, over the pages with an anchor."""

    pages: int = 0
    footers: int = 0
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PLACEMENTS, 0))
    tried: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PLACEMENTS, 0))
    # page file -> placement -> the placed posts that went the wrong way (missed, or logged from chrome)
    wrong: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def load_anchors() -> dict[str, dict[str, Any]]:
    anchors: dict[str, dict[str, Any]] = json.loads(ANCHORS.read_text(encoding="utf-8"))["pages"]
    return anchors


def evaluate() -> Result:
    """Place the blocks in every anchored page and score them."""
    anchors = load_anchors()
    result = Result()
    for label in load_labels():
        name = label["file"]
        anchor = anchors.get(name, {"skip": "no anchor recorded"})
        if "skip" in anchor:
            result.skipped[name] = anchor["skip"]
            continue
        page, has_footer = transplanted((PAGES / name).read_bytes(), anchor["offset"])
        extraction = scrapers.extract(scrapers.parse_html(page, page_url(label)))
        got = {post.id for post in extraction.posts if post.kind != "account"}
        result.pages += 1
        result.footers += has_footer
        for placement, (_, counted) in PLACEMENTS.items():
            if placement == "footer" and not has_footer:
                continue
            wanted = expected_ids(placement)
            right = wanted & got if counted else wanted - got
            result.tried[placement] += len(wanted)
            result.found[placement] += len(right)
            if len(right) < len(wanted):
                result.wrong.setdefault(name, {})[placement] = sorted(wanted - right)
    return result


def format_result(result: Result) -> str:
    lines = []
    for name, placements in sorted(result.wrong.items()):
        for placement, posts in placements.items():
            lines.append(f"{name:32} {placement:7} {len(posts):2} wrong: {', '.join(posts)}")
    lines.append("")
    lines.append(
        f"{result.pages} pages with an anchor ({result.footers} with a <footer>), "
        f"{len(result.skipped)} skipped"
    )
    for placement, (_, counted) in PLACEMENTS.items():
        tried = result.tried[placement]
        share = result.found[placement] / tried if tried else 1.0
        what = "logged" if counted else "left out (chrome)"
        lines.append(f"  {placement:7} {result.found[placement]:5}/{tried:<5} {what}  {share:.4f}")
    return "\n".join(lines)


# Pages where a reader found that trafilatura's longest main-text paragraph is not the article's.
NOT_THE_ARTICLE = {
    "fitandwell-ac2.html": "the author's bio box after the story (Future's author card, above the comments)",
    "theweek-a1.html": "a paragraph of the next story in the SpeedReads stream, not the canonical one",
    "urdupoint-d1.html": "a line of the site footer",
    "breadtopia-j4.html": "the newsletter pop-up's text",
    "musingmind-b1.html": "a Webflow block hidden by its condition (w-condition-invisible)",
    "buzzfeed-c1.html": "a category description in the OneTrust cookie-preferences dialog",
    "upworthy-h3.html": "the video transcript inside the story's own <footer> of credits",
    "upworthy-h3-2.html": "the video transcript inside the story's own <footer> of credits",
    "accountancyage-n1.html": "a reader's comment (div.visitors_comment_block 'US GAAP & IFRS')",
    "theregister-q1.html": "a reader's comment in the forum under the story (div#in_article_forums)",
    "dhnet-s2.html": "an ad box's disclaimer (div#promoBox); its lines, a cinema partner box's (div#cinebel)",
    "vegan-pratique-x3.html": "the recipe categories box of an Elementor sidebar widget",
    "tablespoon-aa2.html": "the recipe's copyright line (div.recipePartCopyRight); its steps are list items",
    "setn-ao5.html": "a teaser of another video in the 'more videos' list beside the story (dl > dd > p)",
    "adweek-at6.html": "the print copy of the story (div#print-content, after the page's main column)",
}
_WORDS = re.compile(r"\s+")
_NOT_RUNNING_TEXT = [
    "blockquote",
    "q",
    "li",
    "td",
    "th",
    "figure",
    "figcaption",
    "aside",
    "nav",
    "footer",
    "header",
]


def _key(text: str) -> str:
    return _WORDS.sub(" ", text).strip()[:80]


_P_END = re.compile(r"</p\s*>", re.I)
_BLOCK_START = re.compile(r"<(p|div|section|article|table|ul|ol)[\s>]", re.I)


def _paragraph_end(text: str, start: int) -> int | None:
    """Where the paragraph opened at ``start`` ends (after its ``</p>``), or None when it is not closed
    before another block opens."""
    close = _P_END.search(text, start)
    if close is None:
        return None
    if _BLOCK_START.search(text, start + 2, close.start()):
        return None
    return close.end()


def _line_break_anchor(soup: Any, text: str, starts: list[int], main: str) -> tuple[int, int, str] | None:
    """Where a page that writes its story without paragraphs (lines of text between ``<br>``s, as older CMSs
    and LiveJournal did) ends its longest line of the main text: just after that line's ``<br>``."""
    from bs4 import NavigableString

    best: tuple[int, int, str] | None = None
    for br in soup.find_all("br"):
        line = br.previous_sibling
        if type(line) is not NavigableString or br.sourceline is None:
            continue
        key = _key(str(line))
        if len(key) < 40 or key not in main or br.find_parent(_NOT_RUNNING_TEXT) is not None:
            continue
        start = starts[br.sourceline - 1] + (br.sourcepos or 0)
        close = text.find(">", start)
        if close != -1 and (best is None or len(key) > best[0]):
            best = (len(key), close + 1, key)
    return best


def build_anchors() -> dict[str, dict[str, Any]]:
    """Choose each page's paragraph with trafilatura (bench extra) and record the byte offset after it."""
    import trafilatura
    from bs4 import BeautifulSoup

    anchors: dict[str, dict[str, Any]] = {}
    for label in load_labels():
        name = label["file"]
        if name in NOT_THE_ARTICLE:
            anchors[name] = {"skip": NOT_THE_ARTICLE[name]}
            continue
        raw = (PAGES / name).read_bytes()
        main = _WORDS.sub(" ", trafilatura.extract(raw, include_comments=False, favor_precision=True) or "")
        soup = BeautifulSoup(raw, "html.parser")
        text = raw.decode(soup.original_encoding or "utf-8", errors="replace")
        lines = text.split("\n")
        starts = [0]
        for line in lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        best: tuple[int, int, str] | None = None
        for paragraph in soup.find_all("p"):
            key = _key(paragraph.get_text())
            if len(key) < 40 or key not in main or paragraph.sourceline is None:
                continue
            if paragraph.find_parent(_NOT_RUNNING_TEXT) is not None:
                continue  # a quotation, list item, table cell or caption: no place for the article's embeds
            start = starts[paragraph.sourceline - 1] + (paragraph.sourcepos or 0)
            end = _paragraph_end(text, start)
            length = len(paragraph.get_text())
            if end is not None and (best is None or length > best[0]):
                best = (length, end, key)
        if best is None:
            best = _line_break_anchor(soup, text, starts, main)
        if best is None:
            anchors[name] = {"skip": "no closed paragraph or line of trafilatura's main text"}
            continue
        offset = len(text[: best[1]].encode(soup.original_encoding or "utf-8", errors="replace"))
        if not raw[:offset].lower().endswith(b">"):
            anchors[name] = {"skip": "the page's bytes do not decode one to one"}
            continue
        anchors[name] = {"offset": offset, "paragraph": best[2]}
    return anchors


def main(argv: list[str] | None = None) -> int:
    """``anchors``: rewrite the anchors file (needs trafilatura); otherwise print the result."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["anchors"]:
        anchors = build_anchors()
        data = {
            "chosen_by": "the longest <p> of trafilatura.extract(favor_precision=True)'s main text, outside "
            "quotations, lists, tables, captions and chrome",
            "pages": anchors,
        }
        ANCHORS.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{sum('offset' in a for a in anchors.values())} anchors, {len(anchors)} pages")
        return 0
    print(format_result(evaluate()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
