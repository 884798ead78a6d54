"""Pulls Twitter/X posts out of a parsed page: blockquote embeds, rendered widgets, AMP, and the flattened
plain-text form ("… pic.twitter.com/tiXGUoLREi — ANI (@ANI) May 3, 2023").

Status ids are snowflakes, so every post gets a posting time even when the page shows none. Posts known only
from flattened text get a stable derived id (``twitter:pic-<code>``, ``twitter:tco-<code>`` or
``twitter:text-<hash>``) that the refresh stage later resolves to the real status and merges.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import Tag

from .document import BOILERPLATE, Node, ParsedDocument, TextBlock
from .records import Found, Post, PostRef, post_id, short_hash
from .times import parse_date, snowflake_time
from .urls import split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "scan", "scan_text", "status_url"]

NAME = "twitter"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Twitter", "X", "Twitter/X", "X/Twitter")
HOSTS = frozenset(
    {
        "twitter.com", "x.com", "mobile.twitter.com", "m.twitter.com", "mobile.x.com", "fxtwitter.com",
        "vxtwitter.com", "fixupx.com", "fixvx.com", "twittpr.com", "xcancel.com", "nitter.net",
        "nitter.poast.org", "nitter.privacydev.net", "platform.twitter.com", "pic.twitter.com", "pic.x.com",
        "t.co",
    }
)
_STATUS_PATH = re.compile(
    r"^/(?:#!/)?(?:(?P<user>[A-Za-z0-9_]{1,15})/status(?:es)?|i/web/status|i/status|statuses|i/videos(?:/tweet)?"
    r"|i/cards/tfw/v1)/(?P<id>\d{1,20})(?:[/?#]|$)",
    re.I,
)
_RESERVED = frozenset(
    {
        "i", "intent", "share", "home", "search", "hashtag", "explore", "settings", "login", "signup", "tos",
        "privacy", "about", "notifications", "messages", "compose", "account", "download", "widgets",
        "share?text", "en", "following", "followers", "lists",
    }
)
_HANDLE = re.compile(r"^/@?(?P<handle>[A-Za-z0-9_]{1,15})/?$")
_EMBED_ID = re.compile(r"[?&#]id=(\d{1,20})")
_DATE_TAIL = re.compile(r"\s*(?P<date>[^()]*?\d{4})\s*$")

# The flattened form: text, optional media/short links, a dash, "Name (@handle)", a written date.
_FLAT = re.compile(
    r"(?P<body>.*?)\s*(?:(?P<links>(?:(?:https?://)?(?:pic\.(?:twitter|x)\.com|t\.co)/[A-Za-z0-9]+\s*)+))?"
    r"\s*(?:—|–|&mdash;|-{1,2})\s*(?P<name>[^()\n—–]{1,80}?)\s*\(@(?P<handle>[A-Za-z0-9_]{1,15})\)\s*"
    r"(?P<date>(?:[A-Za-zÀ-ÿ]+\.?\s+\d{1,2},?\s+\d{4})|(?:\d{1,2}\.?\s+[A-Za-zÀ-ÿ]+\.?\s+\d{4})|(?:\d{4}-\d{2}-\d{2}))",
    re.S,
)
_SHORT = re.compile(r"(?:https?://)?(?P<host>pic\.(?:twitter|x)\.com|t\.co)/(?P<code>[A-Za-z0-9]+)")
# Prose glued to the tweet text when a page was flattened: a sentence end followed by no space.
_GLUED = re.compile(r"[.!?…][\"”’)]?(?=[“\"‘A-Z#@])")


def status_url(native_id: str, handle: str | None = None) -> str:
    """Canonical URL of a status."""
    return f"https://x.com/{handle or 'i'}/status/{native_id}"


def post_ref(url: str) -> PostRef | None:
    """Map a Twitter/X (or mirror) URL to a status (kind ``post``) or a profile (kind ``account``)."""
    parts = split(url)
    if parts is None:
        return None
    host = parts.host
    if host not in HOSTS and not host.startswith("nitter."):
        return None
    if host in {"pic.twitter.com", "pic.x.com", "t.co"}:
        return None
    path = parts.path
    if parts.fragment.startswith("!/"):
        path = "/#" + parts.fragment
    if host == "platform.twitter.com":
        match = _EMBED_ID.search("?" + parts.query) if "embed" in path.lower() else None
        if match:
            return PostRef(NAME, match.group(1), "post", status_url(match.group(1)))
        return None
    match = _STATUS_PATH.match(path)
    if match:
        native = match.group("id").lstrip("0") or "0"
        user = match.group("user")
        handle = user if user and user.lower() not in _RESERVED else None
        return PostRef(NAME, native, "post", status_url(native, handle), handle)
    profile = _HANDLE.match(path)
    if profile and profile.group("handle").lower() not in _RESERVED and not parts.query.startswith("status"):
        handle = profile.group("handle")
        return PostRef(NAME, "@" + handle.lower(), "account", f"https://x.com/{handle}", handle)
    return None


def _status_post(ref: PostRef, **fields: object) -> Post:
    posted = snowflake_time(ref.native_id)
    values: dict[str, object] = {
        "id": ref.id,
        "platform": NAME,
        "kind": "post",
        "url": ref.url,
        "native_id": ref.native_id,
        "author_handle": ref.handle,
        "posted_at": posted,
        "posted_at_source": "snowflake" if posted else None,
    }
    values.update({k: v for k, v in fields.items() if v is not None})
    if posted:
        values["posted_at"], values["posted_at_source"] = posted, "snowflake"
    return Post(**values)  # type: ignore[arg-type]


def _short_links(tag: Tag) -> tuple[str, ...]:
    media: list[str] = []
    for anchor in tag.find_all("a"):
        text = anchor.get_text(" ", strip=True)
        for match in _SHORT.finditer(text):
            if match.group("host").startswith("pic."):
                media.append(f"https://{match.group('host')}/{match.group('code')}")
    return tuple(dict.fromkeys(media))


def _from_blockquote(doc: ParsedDocument, node: Node) -> Found | None:
    tag = node.tag
    anchors = tag.find_all("a", href=True)
    ref: PostRef | None = None
    date_text: str | None = None
    for anchor in reversed(anchors):
        href = anchor.get("href")
        candidate = post_ref(doc.absolute(href)) if isinstance(href, str) else None
        if candidate is not None and candidate.kind == "post":
            ref = candidate
            date_text = anchor.get_text(" ", strip=True)
            break
    if ref is None:
        for attr in ("data-tweet-id", "data-tweetid", "data-id"):
            value = tag.get(attr)
            if isinstance(value, str) and value.isdigit():
                ref = PostRef(NAME, value, "post", status_url(value))
                break
    if ref is None:
        return None
    paragraph = tag.find("p")
    text = paragraph.get_text(" ", strip=True) if isinstance(paragraph, Tag) else None
    full = tag.get_text(" ", strip=True)
    name = handle = None
    byline = re.search(r"[—–-]\s*(?P<name>[^()—–]{1,80}?)\s*\(@(?P<handle>[A-Za-z0-9_]{1,15})\)", full)
    if byline:
        name, handle = byline.group("name").strip(), byline.group("handle")
    footer_day = parse_date(date_text) if date_text else None
    post = _status_post(ref, author_name=name, author_handle=handle or ref.handle, text=text or None,
                        media=_short_links(tag) or None)
    if post.posted_at is None and footer_day:
        post = _status_post(ref, author_name=name, author_handle=handle or ref.handle, text=text or None,
                            media=_short_links(tag) or None, posted_at=footer_day, posted_at_source="embed_footer")
    return Found(post, "blockquote", node.position, text, block=node.block)


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """Embedded tweets: blockquotes (``twitter-tweet``/``twitter-video``), rendered widgets and iframes with
    ``data-tweet-id``, AMP ``amp-twitter`` and publisher placeholders carrying a tweet id attribute."""
    for node in doc.classed("twitter-tweet", "twitter-video"):
        if node.zone == BOILERPLATE or node.tag.name not in {"blockquote", "div"}:
            continue
        if node.tag.name == "blockquote":
            found = _from_blockquote(doc, node)
            if found is not None:
                yield found
    for node in doc.with_attribute("data-tweet-id", "data-tweetid"):
        if node.zone == BOILERPLATE:
            continue
        value = node.tag.get("data-tweet-id") or node.tag.get("data-tweetid")
        if not isinstance(value, str) or not value.strip().isdigit():
            continue
        native = value.strip()
        if node.tag.name == "blockquote":
            found = _from_blockquote(doc, node)
            if found is not None:
                yield found
                continue
        method = "amp" if node.tag.name == "amp-twitter" else "iframe" if node.tag.name == "iframe" else "embed"
        yield Found(_status_post(PostRef(NAME, native, "post", status_url(native))), method, node.position,
                    doc.block_text(node), block=node.block)


def _flat_post(block: TextBlock, index: int, match: re.Match[str]) -> Found:
    body = match.group("body")
    start = match.start("body") + len(body) - len(body.lstrip())
    glued = list(_GLUED.finditer(body))
    if glued:
        start = match.start("body") + glued[-1].end()
        body = body[glued[-1].end() :]
    body = body.strip()
    handle = match.group("handle")
    links = [m for m in _SHORT.finditer(match.group("links") or "")]
    media = tuple(f"https://{m.group('host')}/{m.group('code')}" for m in links if m.group("host").startswith("pic."))
    if links:
        first = links[0]
        prefix = "pic" if first.group("host").startswith("pic.") else "tco"
        native = f"{prefix}-{first.group('code')}"
    else:
        native = f"text-{short_hash(handle.lower(), body, length=12)}"
    day = parse_date(match.group("date"))
    post = Post(
        id=post_id(NAME, native),
        platform=NAME,
        kind="post",
        url=f"https://{links[0].group('host')}/{links[0].group('code')}" if links else None,
        native_id=None,
        author_handle=handle,
        author_name=match.group("name").strip(),
        text=body or None,
        posted_at=day,
        posted_at_source="text" if day else None,
        media=media,
    )
    return Found(post, "text", block.position, block.text, span=(start, match.end()), block=index)


def scan_text(block: TextBlock, index: int) -> Iterator[Found]:
    """Flattened tweets in one paragraph of prose (text dumps and pages whose embeds lost their markup)."""
    text = block.text
    if "(@" not in text:
        return
    for match in _FLAT.finditer(text):
        yield _flat_post(block, index, match)
