"""Pulls Twitter/X posts out of a parsed page: blockquote embeds, rendered widgets, AMP, and the flattened
plain-text form ("… pic.twitter.com/tiXGUoLREi — ANI (@ANI) May 3, 2023").

Status ids are snowflakes, so every post gets a posting time even when the page shows none. Posts known only
from flattened text get a stable derived id (``twitter:pic-<code>``, ``twitter:tco-<code>`` or
``twitter:text-<hash>``) that the refresh stage later resolves to the real status and merges.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import datetime

from bs4 import Tag

from .document import BOILERPLATE, CHROME, Node, ParsedDocument, TextBlock
from .records import Found, Post, PostRef, post_id, short_hash
from .sightings import containers, linked_ref
from .times import format_utc, parse_date, snowflake_time
from .urls import owned_host, split

__all__ = ["HOSTS", "NAME", "PROSE_NAMES", "post_ref", "scan", "scan_text", "status_url", "time_from_id"]

NAME = "twitter"
# How prose names the platform ("a Telegram channel", "posted on X").
PROSE_NAMES = ("Twitter", "X", "Twitter/X", "X/Twitter")
HOSTS = frozenset(
    {
        "twitter.com",
        "x.com",
        "mobile.twitter.com",
        "m.twitter.com",
        "mobile.x.com",
        "fxtwitter.com",
        "vxtwitter.com",
        "fixupx.com",
        "fixvx.com",
        "twittpr.com",
        "xcancel.com",
        "nitter.net",
        "nitter.poast.org",
        "nitter.privacydev.net",
        "platform.twitter.com",
        "platform.x.com",
        "pic.twitter.com",
        "pic.x.com",
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
        "i",
        "intent",
        "share",
        "home",
        "search",
        "hashtag",
        "explore",
        "settings",
        "login",
        "signup",
        "tos",
        "privacy",
        "about",
        "notifications",
        "messages",
        "compose",
        "account",
        "download",
        "widgets",
        "share?text",
        "en",
        "following",
        "followers",
        "lists",
    }
)
_HANDLE = re.compile(r"^/@?(?P<handle>[A-Za-z0-9_]{1,15})/?$")
_EMBED_ID = re.compile(r"[?&#]id=(\d{1,20})")
_DATE_TAIL = re.compile(r"\s*(?P<date>[^()]*?\d{4})\s*$")

_SHORT = re.compile(r"(?:https?://)?(?P<host>pic\.(?:twitter|x)\.com|t\.co)/(?P<code>[A-Za-z0-9]+)")
# The flattened form, read from its end: "(@handle)" and a written date anchor each post; the dash, the
# author's name, the trailing media/short/status links and the text are then found by looking back from
# the anchor within bounded windows, so a paragraph is scanned once whatever it holds (no lazy ``.*?``
# that a long paragraph without a byline would make quadratic).
_FLAT_DATE = (
    r"(?:[^\W\d_]{3,12}\.?\s{1,3}\d{1,2}(?:st|nd|rd|th)?,?\s{1,3}\d{4}"  # May 3, 2023 / May 3 2023
    # 3 May 2023 / 3. Mai 2023 / 3 de mayo de 2023
    r"|\d{1,2}(?:\.|st|nd|rd|th|er)?\s{1,3}(?:de\s{1,3})?[^\W\d_]{3,12}\.?,?\s{1,3}(?:de\s{1,3})?\d{4}"
    r"|\d{4}-\d{2}-\d{2}"  # 2023-05-03
    r"|\d{1,2}\.\d{1,2}\.\d{4}"  # 03.05.2023
    r"|\d{4}\s?年\s?\d{1,2}\s?月\s?\d{1,2}\s?日)"  # 2023年5月3日
)
_FLAT_ANCHOR = re.compile(rf"\(@(?P<handle>[A-Za-z0-9_]{{1,15}})\)\s{{0,3}}(?P<date>{_FLAT_DATE})")
# What separates the text from the byline: an em or en dash (spaced or not), its HTML entity, or a spaced
# hyphen ("Jean-Pierre" keeps its hyphen).
_FLAT_DASH = re.compile(r"—|–|―|&mdash;|&#8212;|&ndash;|(?<!\S)--?(?=\s)")
_FLAT_LINK = re.compile(
    r"(?:https?://)?(?:(?P<host>pic\.twitter\.com|pic\.x\.com|t\.co)/(?P<code>[A-Za-z0-9]{1,40})"
    r"|(?<![\w-])(?P<status>(?:www\.|mobile\.|m\.)?(?:twitter|x)\.com/[A-Za-z0-9_]{1,15}/status(?:es)?/\d{1,20}"
    r"[^\s<>()\"“”]{0,200}))"
)
_FLAT_AFTER_DATE = re.compile(r"\s{0,3}[(<]?(?P<url>https?://[^\s<>()\"“”]{1,300})")
# How far back from "(@" the dash may be (a display name is at most 50 characters), and how far back from
# the dash trailing links may start.
_FLAT_NAME_WINDOW = 120
_FLAT_LINK_WINDOW = 600
# Prose glued to a tweet when a page was flattened: "... last night.“As a result ..." - a sentence end with
# no space before an opening quote or a capitalised word. A closing straight quote ("men." — N. K.) is not
# an opening one, so a straight quote counts only when a capital follows it.
_GLUED = re.compile(r"(?<=[a-z0-9)\]])[.!?…][”’)]*(?=[“‘]|\"[A-Z#@]|[A-Z#@][a-z])")


def status_url(native_id: str, handle: str | None = None) -> str:
    """Canonical URL of a status."""
    return f"https://x.com/{handle or 'i'}/status/{native_id}"


def post_ref(url: str) -> PostRef | None:
    """Map a Twitter/X (or mirror) URL to a status (kind ``post``) or a profile (kind ``account``)."""
    parts = split(url)
    if parts is None:
        return None
    host = parts.host
    if not owned_host(host, HOSTS) and not host.startswith("nitter."):
        return None
    if host in {"pic.twitter.com", "pic.x.com", "t.co"}:
        return None
    path = parts.path
    fragment = parts.fragment
    if fragment[:3].upper() == "%21":
        # A CMS that percent-encodes the hashbang: twitter.com/#%21/user/status/ID
        fragment = "!" + fragment[3:]
    if fragment.startswith("!/"):
        path = "/#" + fragment
    if host in {"platform.twitter.com", "platform.x.com"}:
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


# The footer of a pasted tweet embed: "— Name (@handle)".
_BYLINE = re.compile(r"[—–-]\s*(?P<name>[^()—–]{1,80}?)\s*\(@(?P<handle>[A-Za-z0-9_]{1,15})\)")


def time_from_id(native_id: str) -> str | None:
    """Posting time encoded in a status id (snowflake), for ``extract`` to date posts found as plain links."""
    return snowflake_time(native_id)


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
        candidate = linked_ref(doc, href, post_ref) if isinstance(href, str) else None
        if candidate is not None and candidate.kind == "post":
            ref = candidate
            date_text = anchor.get_text(" ", strip=True)
            break
    if ref is None:
        for attr in ("data-tweet-id", "data-tweetid", "data-id"):
            ref = _carried(tag.get(attr))
            if ref is not None:
                break
    if ref is None:
        return None
    full = tag.get_text(" ", strip=True)
    name = handle = None
    byline = _BYLINE.search(full)
    if byline:
        name, handle = byline.group("name").strip(), byline.group("handle")
    return _shown(node, ref, name, handle or ref.handle, date_text)


def _shown(node: Node, ref: PostRef, name: str | None, handle: str | None, stamp: str | None) -> Found:
    """The tweet a blockquote shows: its first paragraph's text, its short links as media, and the day of
    its date link when the status id gives no time."""
    paragraph = node.tag.find("p")
    text = paragraph.get_text(" ", strip=True) if isinstance(paragraph, Tag) else None
    fields: dict[str, object] = {
        "author_name": name,
        "author_handle": handle,
        "text": text or None,
        "media": _short_links(node.tag) or None,
    }
    post = _status_post(ref, **fields)
    day = parse_date(stamp) if stamp else None
    if post.posted_at is None and day:
        post = _status_post(ref, **fields, posted_at=day, posted_at_source="embed_footer")
    return Found(post, "blockquote", node.position, text, block=node.block)


def _from_card(doc: ParsedDocument, node: Node) -> Found | None:
    """A tweet a publisher rendered as its own card in a blockquote, with no footer line to read: the
    author's profile linked (their name, their @handle), the text, and the post's link on its timestamp
    (BuzzFeed's ``blockquote.subbuzz-tweet__container``: ``<a href=…/status/ID>05:55 PM - 07 Jun 2019</a>``
    in a ``<time>``). One post's link on a date, beside a link to that same account, is the post shown, not
    a citation in a quote's text; anything else (two posts, no profile, a link on words) is left to the links
    scan."""
    ref: PostRef | None = None
    stamp: str | None = None
    profiles: list[tuple[str, str]] = []  # (handle, the link's words) of every account linked
    for anchor in node.tag.find_all("a", href=True):
        href = anchor.get("href")
        linked = linked_ref(doc, href, post_ref) if isinstance(href, str) else None
        if linked is None:
            continue
        if linked.kind == "account":
            profiles.append(((linked.handle or "").lower(), anchor.get_text(" ", strip=True)))
            continue
        if ref is not None and linked.native_id != ref.native_id:
            return None  # a quote naming two posts is not one post's card
        words = anchor.get_text(" ", strip=True)
        if anchor.find_parent("time") is None and anchor.find("time") is None and parse_date(words) is None:
            return None  # a post linked on words: a citation in the quote's text
        ref, stamp = linked, words
    if ref is None or ref.handle is None:
        return None
    own = [words for handle, words in profiles if handle == ref.handle.lower()]
    if not own:
        return None  # no link to the author: a quote that links a post, not a card showing it
    names = [words for words in own if words and not words.startswith("@")]
    return _shown(node, ref, names[0] if names else None, ref.handle, stamp)


# Blackbird Pie (Twitter's 2010 tool, and the WordPress plugins and scripts that copied it) pasted a tweet as
# a styled card: ``p.bbpTweet`` holding the text, then ``span.timestamp`` linking the status on its age, then
# ``span.metadata`` with the author, inside ``div.bbpBox`` (``bbpBox<ID>``, ``#bbpBox_<ID>``); the WordPress
# plugin's later cards are a ``div.bbpBox`` of spans and divs in the same order.
_PIE_TEXT = "bbpTweet"
_PIE_BOX = "bbpBox"
# Twitter's own date form, in the status link's title ("Wed Dec 08 00:25:30 +0000 2010").
_API_DATE = "%a %b %d %H:%M:%S %z %Y"
# Words beside an @handle longer than this are not the author's name.
_NAME_MAX = 80


def _pie_cards(doc: ParsedDocument) -> Iterator[Node]:
    """Blackbird Pie's cards: each ``p.bbpTweet``, and each ``div.bbpBox`` that holds none."""
    yield from doc.classed(_PIE_TEXT)
    for node in doc.classed(_PIE_BOX):
        if node.tag.find(class_=_PIE_TEXT) is None:
            yield node


def _from_pie(doc: ParsedDocument, node: Node) -> Found | None:
    """The tweet a Blackbird Pie card shows: its one status (the card's actions link it again, by id), the
    text before the element holding the status link, the author's name beside their @handle, and the day
    from the link's title."""
    ref: PostRef | None = None
    status: Tag | None = None
    for anchor in node.tag.find_all("a", href=True):
        href = anchor.get("href")
        linked = linked_ref(doc, href, post_ref) if isinstance(href, str) else None
        if linked is None or linked.kind != "post":
            continue
        if ref is not None and linked.native_id != ref.native_id:
            return None  # two posts: not one card
        if ref is None:
            ref, status = linked, anchor
    if ref is None or status is None:
        return None
    element: Tag = status
    while element.parent is not None and element.parent is not node.tag and not _text_before(element):
        element = element.parent
    before = reversed(list(element.previous_siblings))
    text = "".join(sibling.get_text() if isinstance(sibling, Tag) else str(sibling) for sibling in before)
    handle = ref.handle
    name: str | None = None
    for anchor in node.tag.find_all(["a", "strong"]):
        words = anchor.get_text(" ", strip=True)
        if handle and words.lstrip("@").lower() == handle.lower():
            following = anchor.find_next_sibling()
            nearby = following.get_text(" ", strip=True) if isinstance(following, Tag) else ""
            if nearby and len(nearby) <= _NAME_MAX and nearby.lower() != handle.lower():
                name = nearby
        elif anchor.name == "strong" and words and len(words) <= _NAME_MAX:
            name = words
    text = " ".join(text.split())
    fields: dict[str, object] = {"author_name": name, "author_handle": handle, "text": text or None}
    title = status.get("title")
    stamp = title if isinstance(title, str) else status.get_text(" ", strip=True)
    day = None if snowflake_time(ref.native_id) else _api_date(stamp) or parse_date(stamp)
    if day:
        fields.update(posted_at=day, posted_at_source="embed_footer")
    return Found(_status_post(ref, **fields), "blockquote", node.position, text or None, block=node.block)


def _text_before(element: Tag) -> bool:
    """Whether text or an element with text stands before ``element`` among its siblings."""
    for sibling in element.previous_siblings:
        if isinstance(sibling, Tag):
            if sibling.get_text(strip=True):
                return True
        elif str(sibling).strip():
            return True
    return False


def _api_date(value: str) -> str | None:
    try:
        return format_utc(datetime.strptime(value.strip(), _API_DATE))
    except ValueError:
        return None


def _from_component(doc: ParsedDocument, node: Node) -> Found | None:
    """A tweet a publishing platform rendered itself from the tweet's data, which it keeps on the element:
    Substack's ``<div class="tweet" data-attrs='{"url": …, "full_text": …, "username": …, "name": …,
    "date": …, "photos": [{"img_url": …}]}'>`` (every Substack newsletter and custom-domain site)."""
    raw = node.tag.get("data-attrs")
    if not isinstance(raw, str) or len(raw) > _COMPONENT_MAX:
        return None
    try:
        attrs = json.loads(raw)
    except ValueError:
        return None
    url = attrs.get("url") if isinstance(attrs, dict) else None
    ref = post_ref(url) if isinstance(url, str) else None
    if ref is None or ref.kind != "post":
        return None
    text, name, handle = (attrs.get(key) for key in ("full_text", "name", "username"))
    photos = attrs.get("photos")
    media = tuple(
        photo["img_url"]
        for photo in (photos if isinstance(photos, list) else ())
        if isinstance(photo, dict) and isinstance(photo.get("img_url"), str)
    )
    posted = _created_at(attrs.get("date"))
    post = _status_post(
        ref,
        author_name=name if isinstance(name, str) and name else None,
        author_handle=handle if isinstance(handle, str) and handle else ref.handle,
        text=_plain(text) if isinstance(text, str) else None,
        media=media or None,
        **({"posted_at": posted, "posted_at_source": "embed_data"} if posted else {}),
    )
    return Found(post, "embed", node.position, post.text, block=node.block)


# A rendered tweet's data attribute is a few KiB; one far bigger is not that.
_COMPONENT_MAX = 200_000


def _plain(markup: str) -> str | None:
    """A rendered tweet's text without the links its renderer wrapped around URLs and mentions."""
    return html.unescape(_MARKUP.sub("", markup)).strip() or None


_MARKUP = re.compile(r"<[^<>]{0,2000}>")


def _created_at(value: object) -> str | None:
    """The v1.1 API's ``created_at`` ("Tue May 25 13:25:57 +0000 2021"), which rendered tweets keep, in
    ISO 8601 UTC."""
    if not isinstance(value, str):
        return None
    try:
        return format_utc(datetime.strptime(value.strip(), "%a %b %d %H:%M:%S %z %Y"))
    except ValueError:
        return parse_date(value)


def scan(doc: ParsedDocument) -> Iterator[Found]:
    """Embedded tweets: blockquotes (``twitter-tweet``/``twitter-video``), rendered widgets and iframes with
    ``data-tweet-id``, AMP ``amp-twitter``, publisher placeholders carrying a tweet id attribute, and tweets
    a publishing platform rendered from their data (Substack's ``div.tweet[data-attrs]``)."""
    for node in doc.classed("tweet"):
        if node.zone != BOILERPLATE and node.tag.has_attr("data-attrs"):
            component = _from_component(doc, node)
            if component is not None:
                yield component
    for node in _pie_cards(doc):
        if node.zone != BOILERPLATE:
            pie = _from_pie(doc, node)
            if pie is not None:
                yield pie
    # Only the innermost of nested blockquotes can be a pasted tweet (see sightings.containers).
    nested = containers(list(doc.tagged("blockquote")))
    for node in doc.classed("twitter-tweet", "twitter-video"):
        if node.zone == BOILERPLATE or node.tag.name not in {"blockquote", "div"} or node.position in nested:
            continue
        if node.tag.name == "blockquote":
            found = _from_blockquote(doc, node)
            if found is not None:
                yield found
    for node in doc.tagged("blockquote"):
        # A pasted embed whose class was stripped (readability-style cleaners, AMP conversions, some CMSs)
        # still reads "text — Name (@handle) <a href=…/status/…>date</a>".
        classes = node.tag.get("class") or ()
        # Not a recognised widget, only its shape: weak chrome (a sidebar quote box) cancels it too.
        if node.zone in CHROME or "twitter-tweet" in classes or "twitter-video" in classes:
            continue
        if node.tag.has_attr("data-tweet-id") or node.tag.has_attr("data-tweetid"):
            continue
        if node.position in nested:
            continue
        if "(@" in node.tag.get_text() and _BYLINE.search(node.tag.get_text(" ", strip=True)):
            found = _from_blockquote(doc, node)
            if found is not None:
                yield found
        else:
            card = _from_card(doc, node)
            if card is not None:
                yield card
    for node in doc.with_attribute("data-tweet-id", "data-tweetid"):
        if node.zone == BOILERPLATE:
            continue
        ref = _carried(node.tag.get("data-tweet-id") or node.tag.get("data-tweetid"))
        if ref is None:
            continue
        if node.tag.name == "blockquote" and node.position not in nested:
            found = _from_blockquote(doc, node)
            if found is not None:
                yield found
                continue
        method = _ID_CARRIER_METHODS.get(node.tag.name, "embed")
        yield Found(_status_post(ref), method, node.position, doc.block_text(node), block=node.block)


def _carried(value: object) -> PostRef | None:
    """The status an id attribute names: its id, or the status's whole address where a publisher writes that
    instead (La Vanguardia's ``<amp-twitter data-tweetid="https://twitter.com/user/status/…">``)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value.isdigit():
        return PostRef(NAME, value, "post", status_url(value))
    ref = post_ref(value) if "/status" in value else None
    return ref if ref is not None and ref.kind == "post" else None


# How an element that carries a tweet id attribute embeds it.
_ID_CARRIER_METHODS = {"amp-twitter": "amp", "iframe": "iframe"}


def _flat_links(text: str, lo: int, hi: int) -> list[re.Match[str]]:
    """The links written just before ``hi`` (only whitespace between them and up to ``hi``), in order."""
    start = max(lo, hi - _FLAT_LINK_WINDOW)
    links = list(_FLAT_LINK.finditer(text, start, hi))
    trailing: list[re.Match[str]] = []
    end = hi
    for link in reversed(links):
        if text[link.end() : end].strip():
            break
        trailing.append(link)
        end = link.start()
    trailing.reverse()
    return trailing


def _flat_status(url: str) -> PostRef | None:
    ref = post_ref(url if url.startswith(("http://", "https://")) else "https://" + url)
    return ref if ref is not None and ref.kind == "post" else None


def _status_anchors(block: TextBlock) -> dict[str, list[PostRef]]:
    """Status links of an HTML paragraph keyed by their text: a flattened tweet whose date is still a link
    (``<a href=".../status/1">May 3, 2023</a>``) gets its real id from it."""
    if block.node is None:
        return {}
    anchors: dict[str, list[PostRef]] = {}
    for anchor in block.node.tag.find_all("a", href=True):
        href = anchor.get("href")
        ref = _flat_status(href) if isinstance(href, str) else None
        if ref is not None:
            anchors.setdefault(" ".join(anchor.get_text(" ").split()), []).append(ref)
    return anchors


def _flat_post(
    block: TextBlock, index: int, anchor: re.Match[str], lo: int, anchors: dict[str, list[PostRef]]
) -> Found | None:
    """The flattened tweet ending at ``anchor`` whose text starts no earlier than ``lo``, or None when what
    precedes the anchor is not a byline."""
    text = block.text
    day = parse_date(anchor.group("date"))
    if day is None:
        return None
    at = anchor.start()
    dashes = list(_FLAT_DASH.finditer(text, max(lo, at - _FLAT_NAME_WINDOW), at))
    if not dashes:
        return None
    dash = dashes[-1]
    name = " ".join(text[dash.end() : at].split())
    if len(name) > 80 or any(mark in name for mark in ("(", ")", "http", "pic.", "—", "–")):
        return None
    handle = anchor.group("handle")
    end = anchor.end()
    links = _flat_links(text, lo, dash.start())
    body_end = links[0].start() if links else dash.start()
    body_start = lo
    # Only prose paragraphs can hold prose before a tweet; a blockquote holds the tweet alone.
    if block.node is None or block.node.tag.name != "blockquote":
        glued = [m.end() for m in _GLUED.finditer(text, lo, body_end)]
        if glued:
            body_start = glued[-1]
    body = " ".join(text[body_start:body_end].split())
    body_start += len(text[body_start:body_end]) - len(text[body_start:body_end].lstrip())

    status: PostRef | None = None
    for link in links:
        if link.group("status"):
            status = _flat_status(link.group("status"))
            if status is not None:
                break
    after = _FLAT_AFTER_DATE.match(text, end)
    if after is not None:
        ref = _flat_status(after.group("url"))
        if ref is not None:
            status = status or ref
            end = after.end()
    if status is None and anchors.get(anchor.group("date")):
        status = anchors[anchor.group("date")].pop(0)

    pics = [m for m in links if (m.group("host") or "").startswith("pic.")]
    media = tuple(dict.fromkeys(f"https://{m.group('host')}/{m.group('code')}" for m in pics))
    if status is not None:
        post = _status_post(
            status,
            author_name=name or None,
            author_handle=handle,
            text=body or None,
            media=media or None,
            posted_at=day,
            posted_at_source="text",
        )
    else:
        # A media link is the tweet's own; a t.co link may wrap a URL several tweets share, so it is second.
        short = [m for m in links if m.group("host")]
        short.sort(key=lambda m: not m.group("host").startswith("pic."))
        if short:
            first = short[0]
            prefix = "pic" if first.group("host").startswith("pic.") else "tco"
            native = f"{prefix}-{first.group('code')}"
            url: str | None = f"https://{first.group('host')}/{first.group('code')}"
        else:
            native = f"text-{short_hash(handle.lower(), body, length=12)}"
            url = None
        post = Post(
            id=post_id(NAME, native),
            platform=NAME,
            kind="post",
            url=url,
            native_id=None,
            author_handle=handle,
            author_name=name or None,
            text=body or None,
            posted_at=day,
            posted_at_source="text",
            media=media,
        )
    return Found(post, "text", block.position, block.text, span=(body_start, end), block=index)


def scan_text(block: TextBlock, index: int) -> Iterator[Found]:
    """Flattened tweets in one paragraph of prose (text dumps, and pages whose embeds lost their markup):
    "text [pic.twitter.com/… | t.co/… | status URL] — Name (@handle) May 3, 2023", one or several per
    paragraph, dates in the languages tweet widgets print. Linear in the paragraph's length."""
    text = block.text
    if "(@" not in text:
        return
    anchors = _status_anchors(block)
    lo = 0
    for anchor in _FLAT_ANCHOR.finditer(text):
        found = _flat_post(block, index, anchor, lo, anchors)
        if found is not None and found.span is not None:
            lo = found.span[1]
            yield found
