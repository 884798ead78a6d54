"""Finds the embed markup a page keeps only in its JSON state for the article it shows.

JS-rendered pages (React, Next.js, Arc/Fusion, CMS renderers) often serve the article's text as markup but
leave its embedded posts out of it: the script that renders the page builds them from a state object in a
``<script>`` (``window['__abcnews__'] = {...}``, ``__NEXT_DATA__``), where each embed is the platform's own
blockquote code as a string, often URL-encoded or entity-escaped. The same state usually holds other articles
too (the next story, recirculation rails, an infinite scroll), whose embeds are not this article's. So a piece
of embed markup counts only when the nearest record above it in the state that says which article it is
(a headline, a canonical URL) names this page; a record naming another article of the site rules it out.
Older pages write their player with a script instead (``document.write("<iframe src=…>")``, a function
setting a container's ``innerHTML``, or pointing an empty iframe's ``src`` at the player): ``written_frames``
gives the iframes such a script writes.
Pure: reads the parsed document and yields markup strings; ``extract`` reads them like any page's markup.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from .document import Node, ParsedDocument, page_titles, title_key
from .urls import BARE_ID, BARE_ID_PLATFORMS, POST_URLS_BY_ID, host_matches, quick_host

__all__ = ["HANDLER_ATTRIBUTES", "script_values", "state_markup", "state_strings", "written_frames"]

# Script types whose text is a page's state: JSON itself, or code assigning JSON literals (no type is code).
_JSON_TYPES = frozenset({"application/json", "application/ld+json"})
_CODE_TYPES = frozenset({"", "text/javascript", "application/javascript", "module"})
_STATE_TYPES = _JSON_TYPES | _CODE_TYPES
# State larger than this is not read (whole-site stores); the markers are looked for before any parsing.
_MAX_STATE_CHARS = 5_000_000
# At most this many JSON literals are tried per script (``= {`` can open code as well as data).
_MAX_LITERALS = 40
_ASSIGNED_OBJECT = re.compile(r"=\s*\{")
# State handed to the parser as a string literal: window.__DATA__ = JSON.parse(`{...}`) (or "..." / '...').
_PARSED_STRING = re.compile(r"JSON\.parse\(\s*([`\"'])")
# A React Server Components payload chunk (Next.js's App Router): rows of "<id>:<JSON>" in a string literal.
_FLIGHT_PUSH = re.compile(r"self\.__next_f\.push\(\[\s*1\s*,\s*\"")
_FLIGHT_ROW = re.compile(r"(?:^|\n)[0-9a-f]{1,8}:(?=[\[{])")
_JS_ESCAPE = re.compile(r"\\(.)", re.S)
_LITERAL_BODY = {quote: re.compile(rf"[^{quote}\\]*(?:\\.[^{quote}\\]*)*", re.S) for quote in "`\"'"}
_JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
# Keys whose value says which article a record is: these decide whether an embed below them is this page's.
# A slug this long names one article (short ones, "news" or "2024", name sections).
_MIN_SLUG = 8
_TITLE_KEYS = frozenset({"headline", "title", "seotitle", "socialtitle"})
_URL_KEYS = frozenset(
    {
        "url",
        "canonical",
        "canonicalurl",
        "canonical_url",
        "articleurl",
        "website_url",
        "permalink",
        "link",
        "shareurl",
        "share_url",
        "weburl",
    }
)
# A platform's player address, looked for just after an "iframe" a state writes (quotes maybe escaped).
_PLAYER_HOST = re.compile(
    r"youtube|youtu\.be|vimeo|dailymotion|facebook\.com|tiktok|instagram|twitter|x\.com|bsky|reddit|t\.me"
    r"|telegram|rumble|streamable|threads"
)
_PLAYER_WINDOW = 400
_PLAYER_TRIES = 200


def _names_player(text: str) -> bool:
    """Whether some "iframe" in ``text`` is followed closely by a platform's address."""
    index = text.find("iframe")
    tries = 0
    while index != -1 and tries < _PLAYER_TRIES:
        if _PLAYER_HOST.search(text, index, index + _PLAYER_WINDOW):
            return True
        index = text.find("iframe", index + 6)
        tries += 1
    return False


# Keys of a record's own id, and the numbers in a page's address that can be one: six digits or more standing
# alone between separators (shorter ones are years, days, page numbers).
_ARTICLE_ID_KEYS = frozenset(
    {"id", "articleid", "article_id", "contentid", "content_id", "storyid", "story_id"}
)
_PATH_ID = re.compile(r"(?<![0-9a-z])[0-9]{6,}(?![0-9a-z])")

# A string shorter than this holds no embed's markup (the shortest, an iframe with a src, is longer).
_SHORTEST_MARKUP = 30
# A title shorter than this is too generic to tell one article from another ("Video", "Live updates").
_MIN_TITLE = 20


class _Identity:
    """What the page says it is: its title keys and its URL paths (page URL, canonical link, ``og:url``)."""

    def __init__(self, doc: ParsedDocument) -> None:
        self.titles = {title for title in page_titles(doc) if len(title) >= _MIN_TITLE}
        self.paths: set[str] = set()
        self.ids: set[str] = set()  # the article's number in its own address ("…-103441563")
        self.host = quick_host(doc.url.strip())
        for node in doc.nodes_by_tag.get("meta", ()):
            content = node.tag.get("content")
            if (node.tag.get("property") or node.tag.get("name")) == "og:url" and isinstance(content, str):
                self._path(content)
        for node in doc.nodes_by_tag.get("h1", ())[:3]:
            self._title(node.tag.get_text())
        for node in doc.nodes_by_tag.get("link", ()):
            rel = node.tag.get("rel")
            href = node.tag.get("href")
            if isinstance(href, str) and "canonical" in (rel if isinstance(rel, list) else [rel]):
                self._path(href)
        self._path(doc.url)

    def _title(self, text: str) -> None:
        key = title_key(text)
        if len(key) >= _MIN_TITLE:
            self.titles.add(key)

    def _path(self, url: str) -> None:
        path = _path(url)
        if path:
            self.paths.add(path)
            self.ids.update(_PATH_ID.findall(path))

    def verdict(self, record: dict[str, object]) -> bool | None:
        """True when ``record`` names this article, False when it names another of the site's, else None."""
        other = False
        for key, value in record.items():
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str) or len(value) > 2000:
                continue
            name = key.lower()
            if name in _ARTICLE_ID_KEYS:
                # The record's own id, when the page's address carries it as a number of its own (20 Minuten's
                # "/story/…-103441563", {"id": "103441563", "title": …}): a title may be another variant of
                # the headline, the number is the article's.
                if value.strip() in self.ids:
                    return True
                continue
            if name in _TITLE_KEYS:
                # A page re-encoded into a narrower charset writes what it lacks as "&#252;", in scripts too.
                key_text = title_key(html.unescape(value) if "&" in value else value)
                if len(key_text) >= _MIN_TITLE and any(
                    title.startswith(key_text) or key_text.startswith(title) for title in self.titles
                ):
                    return True
                # A title alone does not rule a record out: an embed's own record may have one.
            elif name == "slug":
                # A slug is the last segment of the page's own path ("/recipe/6867/eukolos-mpaklavas").
                slug = value.strip().strip("/").lower()
                ends = "/" + slug
                if len(slug) >= _MIN_SLUG and any(path.rstrip("/").endswith(ends) for path in self.paths):
                    return True
            elif name in _URL_KEYS:
                path = _path(value)
                if not path:
                    continue
                if path in self.paths:
                    return True
                host = quick_host(value.strip())
                # Another page of this site (or a relative path): the record is another article.
                other = other or host is None or host == self.host
        return False if other else None

    def __bool__(self) -> bool:
        return bool(self.titles or self.paths)


def _path(url: str) -> str | None:
    """A URL's path without its trailing slash, when it names a page (at least two characters past '/')."""
    url = url.strip()
    if not url.startswith(("http://", "https://", "/")):
        return None
    try:
        path = urlsplit(url).path.rstrip("/")
    except ValueError:
        return None
    return path.lower() if len(path) > 2 else None


def _literals(text: str, is_json: bool) -> Iterator[object]:
    """The JSON values a script holds: the whole text for a JSON script, else each object literal assigned in
    the code (``name = {...}``)."""
    decoder = json.JSONDecoder()
    if is_json:
        try:
            yield json.loads(text)
        except ValueError:
            return
        return
    for match in _PARSED_STRING.finditer(text):
        parsed = _parsed_literal(text, match.end(), match.group(1))
        if parsed is not None:
            yield parsed
    for match in _FLIGHT_PUSH.finditer(text):
        yield from _flight_rows(text, match.end())
    end = 0
    for tries, match in enumerate(_ASSIGNED_OBJECT.finditer(text)):
        if tries >= _MAX_LITERALS:
            return
        if match.start() < end:
            continue
        try:
            value, end = decoder.raw_decode(text, match.end() - 1)
        except ValueError:
            continue
        yield value


def _script_text(node: Node) -> str:
    """A script's text as a plain ``str`` (bs4's own string type indexes slowly), or ""."""
    string = node.tag.string
    return str(string) if string is not None else ""


def _inline_script(node: Node, types: frozenset[str]) -> tuple[str, str] | None:
    """(type, text) of an inline script of one of ``types`` (no type is ""), when it has text within the
    state cap; None for a script loaded from elsewhere, of another type, empty or too large."""
    tag = node.tag
    if tag.has_attr("src"):
        return None
    kind = tag.get("type")
    kind = kind.strip().lower() if isinstance(kind, str) else ""
    if kind not in types:
        return None
    text = _script_text(node)
    if not text or len(text) > _MAX_STATE_CHARS:
        return None
    return kind, text


def script_values(
    doc: ParsedDocument, needles: tuple[str, ...], at_least: int = 1
) -> Iterator[tuple[object, Node]]:
    """Every JSON value the page's inline scripts hold (a JSON script whole, or the literals code assigns or
    hands to ``JSON.parse``), with its script, from scripts whose text holds ``needles`` ``at_least`` times
    in all: a script is decoded only when it may hold what the caller looks for."""
    for node in doc.tagged("script"):
        script = _inline_script(node, _STATE_TYPES)
        if script is None:
            continue
        kind, text = script
        if sum(text.count(needle) for needle in needles) < at_least:
            continue
        for value in _literals(text, kind in _JSON_TYPES):
            yield value, node


def _parsed_literal(text: str, start: int, quote: str) -> object | None:
    """The JSON value in the JS string literal opening at ``start`` (after its quote), or None."""
    # The literal runs to the first quote no backslash escapes.
    body = _LITERAL_BODY[quote].match(text, start)
    index = body.end() if body is not None else len(text)
    if index >= len(text):
        return None
    # The literal's JS escapes undone as JS undoes them (a doubled backslash is one, an escaped quote a
    # quote); a "u" escape is left for JSON to read, and control characters are allowed in JSON strings.
    literal = _JS_ESCAPE.sub(_js_unescape, text[start:index])
    try:
        value: object = json.loads(literal, strict=False)
    except ValueError:
        return None
    return value


def _flight_rows(text: str, start: int) -> Iterator[object]:
    """The JSON rows of a React Server Components payload chunk, the string literal opening at ``start``:
    Next.js's App Router writes a page's data as ``self.__next_f.push([1,"3a:[…]\\n3b:{…}"])``, one row per
    line, each an id, a colon and JSON. A row split between two chunks is not read."""
    body = _LITERAL_BODY['"'].match(text, start)
    if body is None:
        return
    payload = _JS_ESCAPE.sub(_js_unescape, body.group(0))
    decoder = json.JSONDecoder()
    for row in _FLIGHT_ROW.finditer(payload):
        try:
            value, _end = decoder.raw_decode(payload, row.end())
        except ValueError:
            continue
        yield value


def _js_unescape(match: re.Match[str]) -> str:
    char = match.group(1)
    return "\\u" if char == "u" else _JS_ESCAPES.get(char, char)


@lru_cache(maxsize=8)
def _marker_pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(marker) for marker in markers))


def _marked(
    data: object, markers: re.Pattern[str], embed_records: bool = True
) -> Iterator[tuple[str | dict[str, object], tuple[dict[str, object], ...], tuple[str, ...]]]:
    """Every string in ``data`` holding a marker, and (with ``embed_records``) every record naming an embed
    (``_embed_record``), with the records (objects) above it, outermost first, and the keys that lead to
    it."""
    stack: list[tuple[object, tuple[dict[str, object], ...], tuple[str, ...]]] = [(data, (), ())]
    walked: set[int] = set()  # a devalued state can hold cycles: every object is walked once
    while stack:
        item, records, keys = stack.pop()
        if isinstance(item, (dict, list)):
            if id(item) in walked:
                continue
            walked.add(id(item))
        if isinstance(item, str):
            if len(item) > _SHORTEST_MARKUP and markers.search(item):
                yield item, records, keys
        elif isinstance(item, dict):
            if embed_records and (_embed_record(item) or _own_video(item) is not None):
                yield item, records, keys
            inner = (*records, item)
            stack.extend((value, inner, (*keys, str(key))) for key, value in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((value, records, keys) for value in reversed(item))


# A state's record of an embed names the platform (or an iframe) in one of these keys and keeps the URL in
# one of the URL keys, itself or in its attributes: {"provider": "Instagram", "url": "…/p/…"} (Nuxt),
# {"type": "iframe", "subtype": "youtube", "attribs": {"src": "…/embed/…"}} (a body as a node tree).
_NAME_KEYS = (
    "provider",
    "type",
    "subtype",
    "__typename",
    "@type",
    "platform",
    "service",
    "embedType",
    "embed_type",
    "tag",
    # A body's blocks typed by the component that renders them: Vue's ``is``, Strapi's ``__component``,
    # Sanity's ``_type``, and block types of other CMSs.
    "is",
    "component",
    "__component",
    "_type",
    "blockType",
    "block_type",
    "kind",
)
# Record names that say "an embed" without naming the platform ("DocumentBlockExternalContent", "oembed",
# "SocialEmbed"): the URL's own platform decides, as for an iframe.
_GENERIC_EMBED = re.compile(r"embed|externalcontent|external_content", re.I)
_RECORD_URL_KEYS = ("url", "src", "href", "embedUrl", "embed_url", "permalink", "link")
_RECORD_URL_KEY_SET = frozenset(_RECORD_URL_KEYS)
_ATTRIBUTE_KEYS = ("attribs", "attributes", "attrs", "props")
_PLATFORM_HOSTS = {
    "instagram": ("instagram.com", "instagr.am"),
    "twitter": ("twitter.com", "x.com"),
    "tweet": ("twitter.com", "x.com"),
    "x": ("twitter.com", "x.com"),
    "youtube": ("youtube.com", "youtu.be", "youtube-nocookie.com"),
    "tiktok": ("tiktok.com",),
    "facebook": ("facebook.com", "fb.com"),
    "vimeo": ("vimeo.com",),
    "bluesky": ("bsky.app",),
    "threads": ("threads.net", "threads.com"),
    "reddit": ("reddit.com", "redd.it"),
    "telegram": ("t.me", "telegram.me"),
    "dailymotion": ("dailymotion.com", "dai.ly"),
}
# The video platforms' hosts, for a record's own video field (``_own_video``).
_VIDEO_HOSTS = frozenset(
    host for platform in ("youtube", "vimeo", "dailymotion") for host in _PLATFORM_HOSTS[platform]
)
# Keys leading to records that are not the article's own embeds: rails and lists of other things. Only keys
# of a few words are read so: a GraphQL cache writes whole queries into its keys.
_KEY_WORDS = 40
_RAIL_KEY = re.compile(
    r"related|recommend|popular|trending|teaser|promo|playlist|recirc|sidebar|rail|latest|more", re.I
)


_NAME_KEY_SET = frozenset(_NAME_KEYS)


def _record_names(record: dict[str, object]) -> set[str]:
    """What a record says it is, lower case: the values of its name keys."""
    return {
        value.lower() for key in _NAME_KEY_SET.intersection(record) if isinstance(value := record[key], str)
    }


# A record's field holding its video's address ("video_url", "videoUrl", "youtube_url"): on the record of the
# article itself (a recipe's, a story's), the video the page shows once its script runs.
_VIDEO_FIELD = re.compile(r"^(?:video|youtube|vimeo)_?url$", re.I)
# Also as a string's escaped JSON (a React Server Components payload: \"videoUrl\":\"https://…).
_VIDEO_FIELD_HINT = re.compile(
    r'\\*"(?:video|youtube|vimeo)_?url\\*"\s*:\s*\\*"(?:https?:)?(?:\\?/){2}', re.I
)


def _own_video(record: dict[str, object]) -> str | None:
    """The video address a record keeps in a field named for it, when that address is a video platform's."""
    for key, value in record.items():
        if not isinstance(value, str) or not _VIDEO_FIELD.match(key):
            continue
        url = value.strip()
        if host_matches(quick_host(url) or "", _VIDEO_HOSTS):
            return url
    return None


def _under_rail(keys: Iterable[str]) -> bool:
    """Whether a short key on the path down to a record names a rail of other pages' records."""
    return any(len(key) <= _KEY_WORDS and _RAIL_KEY.search(key) for key in keys)


def _video_block(record: dict[str, object]) -> bool:
    """Whether a record says it is a video block of a body (its type names a video: "VideoBlockRecord",
    "video_block", "videoEmbed")."""
    return any("video" in name for name in _record_names(record))


def _embed_record(record: dict[str, object]) -> bool:
    names = _record_names(record)
    if not names:
        return False
    return (
        any(_any_platform(name) for name in names)
        or bool(_named_platforms(names))
        or _id_record_url(record, names) is not None
    )


def _named_platforms(names: set[str]) -> set[str]:
    """The platforms a record's names name, whole ("Instagram") or as a word ("youtube_video",
    "embeds.tweet"); "x" only whole, as a word it is too short to mean X."""
    named = {name for name in names if name in _PLATFORM_HOSTS}
    named.update(
        word for name in names for word in _NAME_WORD.findall(name) if word in _PLATFORM_HOSTS and word != "x"
    )
    return named


# Keys of a record that keeps only the post's id, the platform named by its type: {"is": "tweet", "props":
# {"id": "1230201168091078656"}} (Fox News), {"_type": "youtube", "videoId": "…"}, {"__component":
# "embeds.tweet", "tweetId": "…"}. Instagram's records key a numeric media id as "id", never a shortcode.
_ID_KEYS = (
    "id",
    "tweetId",
    "tweet_id",
    "statusId",
    "status_id",
    "videoId",
    "video_id",
    "embedId",
    "embed_id",
    "postId",
    "post_id",
)
_NAME_WORD = re.compile(r"[a-z0-9]+")


def _id_platform(names: set[str]) -> str | None:
    """The one platform whose post a record's type names by a word ("tweet", "embeds.tweet",
    "youtube_video"), or None; "x" is too short a word to name one."""
    named = {word for name in names for word in _NAME_WORD.findall(name) if word in BARE_ID_PLATFORMS}
    return next(iter(named)) if len(named) == 1 else None


def _id_record_url(record: dict[str, object], names: set[str]) -> str | None:
    """The post URL a record typed by a platform (``names``, its ``_record_names``) builds from the bare id it
    keeps, itself or in its props."""
    platform = _id_platform(names)
    if platform is None:
        return None
    places: list[dict[str, object]] = [record]
    places.extend(inner for key in _ATTRIBUTE_KEYS if isinstance(inner := record.get(key), dict))
    for place in places:
        for key in _ID_KEYS:
            value = place.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if isinstance(value, str) and BARE_ID.match(value.strip()):
                return POST_URLS_BY_ID[platform].format(value.strip())
    return None


def _any_platform(name: str) -> bool:
    """Whether a record's name says it embeds whatever its URL is (an iframe, an external-content block)."""
    return name == "iframe" or bool(_GENERIC_EMBED.search(name))


def _record_markup(record: dict[str, object]) -> str | None:
    """The player markup a page's script would render for an embed record: an iframe of its URL, when the
    URL is on the platform the record names (any platform for an iframe record)."""
    names = _record_names(record)
    places: list[dict[str, object]] = [record]
    places.extend(inner for key in _ATTRIBUTE_KEYS if isinstance(inner := record.get(key), dict))
    for place in places:
        for key in _url_keys(place):
            url = place.get(key)
            if not isinstance(url, str) or not url.strip().startswith(("http://", "https://", "//")):
                continue
            host = quick_host(url.strip()) or ""
            if any(_any_platform(name) for name in names) or any(
                host == known or host.endswith("." + known)
                for platform in _named_platforms(names)
                for known in _PLATFORM_HOSTS[platform]
            ):
                return f'<iframe src="{html.escape(url.strip(), quote=True)}"></iframe>'
    built = _id_record_url(record, names)
    return None if built is None else f'<iframe src="{html.escape(built, quote=True)}"></iframe>'


def _url_keys(place: dict[str, object]) -> list[str]:
    """The keys of a record that may hold its embed's URL: the usual names first, then any other key
    named as a URL ("tweet_url", "videoUrl", "instagramURL": block fields a CMS's editors named)."""
    others = [key for key in place if key.lower().endswith("url") and key not in _RECORD_URL_KEY_SET]
    return [*_RECORD_URL_KEYS, *others]


def _decoded(value: str) -> str:
    """Markup as the page's script would write it: URL-encoding and HTML entities undone."""
    if "%3C" in value or "%3c" in value:
        value = unquote(value)
    if "&lt;" in value:
        value = html.unescape(value)
    return value


# A state holding embed records: a key that names a platform, or a node-tree iframe.
_RECORD_HINT = re.compile(
    r'"(?:provider|subtype|embedType|embed_type|platform|service)"'
    r'|"(?:@?type|__typename)"\s*:\s*"[^"]{0,60}(?:iframe|[Ee]mbed|ExternalContent)'
    r'|"(?:is|component|__component|_type|type|blockType|block_type|kind|__typename)"\s*:\s*"[^"]{0,40}?'
    r"(?:[Tt]weet|[Tt]witter|[Yy]ou[Tt]ube|[Tt]ik[Tt]ok|[Vv]imeo|[Dd]ailymotion)"
)
# Nuxt 3 writes its state flattened (devalue): a list whose objects hold indexes into the list. Wrappers such
# as ["Reactive", 1] stand for the value they wrap; negative indexes are undefined, holes and NaN.
_DEVALUE_WRAPPERS = frozenset(
    {"Reactive", "ShallowReactive", "Ref", "ShallowRef", "EmptyRef", "EmptyShallowRef"}
)


def _devalued(data: object) -> object:
    """``data`` itself, or the object graph a devalue-flattened list stands for."""
    if not isinstance(data, list) or len(data) < 2 or not _flattened_root(data[0]):
        return data
    size = len(data)
    made: list[object] = [None] * size
    for index, value in enumerate(data):
        if isinstance(value, dict):
            made[index] = {}
        elif isinstance(value, list) and not (value and isinstance(value[0], str)):
            made[index] = []
        elif not isinstance(value, list):
            made[index] = value

    def ref(index: object) -> object:
        # A wrapper chain is followed a few steps at most; a longer one is a malformed or hostile state.
        for _ in range(8):
            if not isinstance(index, int) or not 0 <= index < size:
                return None
            value = data[index]
            if isinstance(value, list) and value and isinstance(value[0], str):
                if value[0] in _DEVALUE_WRAPPERS and len(value) > 1:
                    index = value[1]
                    continue
                return value[1] if len(value) > 1 and isinstance(value[1], str) else None
            return made[index]
        return None

    for index, value in enumerate(data):
        target = made[index]
        if isinstance(value, dict) and isinstance(target, dict):
            for key, child in value.items():
                target[key] = ref(child)
        elif isinstance(value, list) and isinstance(target, list):
            target.extend(ref(child) for child in value)
    return ref(0)


def _flattened_root(first: object) -> bool:
    if isinstance(first, list):
        return bool(first) and first[0] in _DEVALUE_WRAPPERS
    return isinstance(first, dict) and bool(first) and all(type(value) is int for value in first.values())


def _verdict(records: Iterable[dict[str, object]], identity: _Identity) -> bool | None:
    """Whether the nearest record naming an article names this one (None: no record names any)."""
    for record in reversed(tuple(records)):
        verdict = identity.verdict(record)
        if verdict is not None:
            return verdict
    return None


def state_strings(
    doc: ParsedDocument, needles: tuple[str, ...], at_least: int = 1
) -> Iterator[tuple[str, Node, bool | None]]:
    """(string, script, verdict) for every string of the page's state holding one of ``needles``, from
    scripts holding them ``at_least`` times: the verdict says whether the nearest record above the string
    naming an article names this page (None: none does)."""
    identity: _Identity | None = None
    pattern = _marker_pattern(needles)
    for data, node in script_values(doc, needles, at_least):
        for value, records, _keys in _marked(_devalued(data), pattern, embed_records=False):
            if not isinstance(value, str):
                continue
            if identity is None:
                identity = _Identity(doc)
            yield value, node, _verdict(records, identity) if identity else None


def state_markup(doc: ParsedDocument, markers: tuple[str, ...]) -> Iterator[tuple[str, Node, bool]]:
    """(markup, script, is this article's) for every string in the page's JSON state that holds a platform's
    embed markup (one of ``markers``: class names such as ``twitter-tweet``, or ``<iframe``), in document
    order."""
    identity: _Identity | None = None  # read from the page only when some script holds embed markup
    # "<iframe" is looked for as "iframe": a state may write it "\\u003ciframe", "%3Ciframe", "&lt;iframe".
    bare = _marker_pattern(tuple(marker.lstrip("<") for marker in markers))
    classed = _marker_pattern(tuple(marker for marker in markers if not marker.startswith("<")))
    for node in doc.tagged("script"):
        script = _inline_script(node, _STATE_TYPES)
        if script is None:
            continue
        kind, text = script
        hinted = _RECORD_HINT.search(text) or _VIDEO_FIELD_HINT.search(text)
        if not bare.search(text) and not hinted:
            continue
        if not classed.search(text) and not _names_player(text) and not hinted:
            continue  # "iframe" only in code or styles, never with a player's address: nothing to read
        for data in _literals(text, kind in _JSON_TYPES):
            for value, records, keys in _marked(_devalued(data), bare):
                if identity is None:
                    identity = _Identity(doc)
                if isinstance(value, dict):
                    markup = _record_markup(value)
                    if markup is None:
                        # The article's own record keeping its video's address: only a record that names
                        # this page itself (by title or URL), not one below it (a rail of other recipes).
                        video = _own_video(value)
                        if video is None:
                            continue
                        player = f'<iframe src="{html.escape(video, quote=True)}"></iframe>'
                        if identity and identity.verdict(value) is True:
                            yield player, node, True
                        elif _video_block(value) and not _under_rail(keys):
                            # A block of a body typed as a video ("VideoBlockRecord" among DatoCMS's
                            # content blocks): the article's when the record above it names this page.
                            yield player, node, bool(identity) and bool(_verdict(records, identity))
                        continue
                    if _under_rail(keys):
                        continue
                else:
                    markup = _decoded(value)
                yield markup, node, bool(identity) and bool(_verdict(records, identity))


# How a script puts markup into the page: the DOM's writers and jQuery's.
_WRITERS = re.compile(
    r"document\.write|\.innerHTML\s*[+]?=|\.outerHTML\s*=|insertAdjacentHTML"
    r"|\.(?:html|append|prepend|after|before|replaceWith)\(\s*[\w\"'`]"
)
# An iframe's opening tag in a script's text once its JS escapes (\", \/, \x3c, \u003c) are undone.
_WRITTEN_FRAME = re.compile(r"<iframe\b[^<>]*>", re.I)
_FRAME_ESCAPES = re.compile(r"\\(?:u003|x3)([cCeE])|\\(.)")


def _frame_unescape(match: re.Match[str]) -> str:
    angle = match.group(1)
    return match.group(2) if angle is None else "<" if angle in "cC" else ">"


# How a script points an iframe the page already has at a player: the DOM's src property, setAttribute,
# jQuery's attr/prop.
_SRC_SETTERS = re.compile(
    r"\.src\s*=(?!=)|\.setAttribute\(\s*[\"']src[\"']|\.(?:attr|prop)\(\s*[\"']src[\"']\s*,"
)
# An absolute address in a string literal of a script's text.
_ADDRESS_LITERAL = re.compile(r"[\"'`]((?:https?:)?//[^\"'`\s<>]+)")


# An inline event handler (``onclick``) that writes the player when the reader clicks a facade: SPIP's
# oEmbed plugin keeps the iframe URL-encoded in ``.html(decodeURIComponent('%3Ciframe…'))``.
HANDLER_ATTRIBUTES = ("onclick",)
_ENCODED_ANGLE = re.compile(r"%3[cC]")


# A platform's player API building the player from the video's id, with no iframe in the script's text:
# YouTube's IFrame API (``new YT.Player('player', {videoId: 'M7lc1UVf-VE'})``), Vimeo's
# (``new Vimeo.Player('id', {id: 76979871})`` or ``{url: 'https://vimeo.com/76979871'}``) and Dailymotion's
# (``DM.player(element, {video: 'x7tgad0'})``, ``dailymotion.createPlayer('id', {video: 'x7tgad0'})``): the
# call, then the id in its options, which follow within ``_CALL_WINDOW`` characters.
_PLAYER_CALLS = (
    (
        re.compile(r"new\s+YT\.Player\s*\("),
        re.compile(r"""\bvideoId\s*:\s*["'`]([\w-]{11})["'`]"""),
        "https://www.youtube.com/embed/{}",
    ),
    (
        re.compile(r"new\s+Vimeo\.Player\s*\("),
        re.compile(
            r"""\bid\s*:\s*["'`]?(\d{5,12})\b|\burl\s*:\s*["'`]https?://(?:www\.)?vimeo\.com/(\d{5,12})\b"""
        ),
        "https://player.vimeo.com/video/{}",
    ),
    (
        re.compile(r"\bDM\.player\s*\(|\bdailymotion\.createPlayer\s*\("),
        re.compile(r"""\bvideo\s*:\s*["'`]([a-zA-Z0-9]{5,10})["'`]"""),
        "https://www.dailymotion.com/embed/video/{}",
    ),
)
_CALL_WINDOW = 600


def _api_players(text: str) -> list[str]:
    """The players a script builds through a platform's player API, as the iframes those APIs insert."""
    frames: list[str] = []
    for call, option, player in _PLAYER_CALLS:
        for match in call.finditer(text):
            found = option.search(text, match.end(), _call_end(text, match.end()))
            ident = next((group for group in found.groups() if group), None) if found else None
            if ident:
                frames.append(f'<iframe src="{player.format(ident)}"></iframe>')
    return frames


def _call_end(text: str, start: int) -> int:
    """Where the arguments of a call opened just before ``start`` end (its closing parenthesis, quotes
    skipped), at most ``_CALL_WINDOW`` characters on: an id in code after the call is not its option."""
    depth = 0
    quote = ""
    end = min(len(text), start + _CALL_WINDOW)
    index = start
    while index < end:
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return index
            depth -= 1
        index += 1
    return end


def written_frames(node: Node) -> list[str]:
    """The iframes an inline script, or an inline event handler, writes into the page, as markup
    (``<iframe src=…></iframe>``): iframe tags in the text of code that writes markup (``document.write``,
    ``innerHTML``, jQuery's ``.html(…)``), the addresses code that sets an iframe's ``src`` gives it (an
    empty ``<iframe id="ID">`` beside ``document.getElementById("ID").src = "https://www.youtube.com/embed/ID?…"
    + host``, as General Mills' recipe sites load the recipe's video), and the players a script builds through
    a platform's player API (``new YT.Player(…, {videoId: …})``). Code that only keeps such a string (a
    slideshow's data, a template for later) writes nothing here."""
    if node.tag.name == "script":
        script = _inline_script(node, _CODE_TYPES)
        if script is None:
            return []
        text = script[1]
        players = _api_players(text) if "Player" in text or "player(" in text else []
        return _frames_written(text) + players
    return [
        frame
        for name in HANDLER_ATTRIBUTES
        if isinstance(handler := node.tag.get(name), str) and len(handler) <= _MAX_STATE_CHARS
        for frame in _frames_written(handler)
    ]


def _frames_written(text: str) -> list[str]:
    if "iframe" not in text and "IFRAME" not in text:
        return []
    writes, sets = _WRITERS.search(text), _SRC_SETTERS.search(text)
    if not writes and not sets:
        return []
    if "\\" in text:
        text = _FRAME_ESCAPES.sub(_frame_unescape, text)
    if writes and "decodeURIComponent" in text and _ENCODED_ANGLE.search(text):
        text = unquote(text)
    frames = [match.group(0) + "</iframe>" for match in _WRITTEN_FRAME.finditer(text)] if writes else []
    if sets:
        frames.extend(
            f'<iframe src="{html.escape(match.group(1))}"></iframe>'
            for match in _ADDRESS_LITERAL.finditer(text)
        )
    return frames
