"""URL canonicalisation every platform module relies on.

Pure string work: split a URL once (``split``), lower-case the host, drop ``www.``/``m.`` where a platform
module asks for it, strip tracking parameters, and unwrap link shims (Facebook's ``l.php``, Google's
``/url?q=``) so that a post linked through one is still recognised.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

__all__ = [
    "ARTICLE_TRACKING_PARAMETERS",
    "BARE_ID",
    "BARE_ID_PLATFORMS",
    "PATH_SHIM_MARKS",
    "POST_URLS_BY_ID",
    "TRACKING_PARAMETERS",
    "SplitUrl",
    "canonical_article_url",
    "host_matches",
    "is_player_url",
    "is_shim_host",
    "mistyped_address",
    "owned_host",
    "quick_host",
    "split",
    "strip_tracking",
    "unwrap",
]

# A post's URL as a publisher's script builds it from the post's bare id and the platform's name, for
# placeholders and state records that keep only the id (``data-embed-type="twitter" data-embed-id="…"``,
# ``{"is": "tweet", "props": {"id": "…"}}``); the platform module then checks the id's form as for any URL.
POST_URLS_BY_ID = {
    "twitter": "https://x.com/i/status/{}",
    "x": "https://x.com/i/status/{}",
    "tweet": "https://x.com/i/status/{}",
    "youtube": "https://www.youtube.com/watch?v={}",
    "instagram": "https://www.instagram.com/p/{}/",
    "tiktok": "https://www.tiktok.com/embed/v2/{}",
    "vimeo": "https://vimeo.com/{}",
    "dailymotion": "https://www.dailymotion.com/video/{}",
}
BARE_ID = re.compile(r"^[A-Za-z0-9_-]{5,40}$")
# Platforms a bare id may be read for when nothing but a type or an element id names it: "x" is too short a
# word to name one, and Instagram's records and frames number things ("instagram-embed-0", a numeric media
# id) where a shortcode would be.
BARE_ID_PLATFORMS = frozenset(POST_URLS_BY_ID) - {"x", "instagram"}

# The addresses of a platform's embedded player or post frame: only an embed uses these, never a reader, so
# a link to one is the fallback of an embed that did not render (a consent placeholder's "view it on the
# site it originates from" link to player.vimeo.com/video/ID).
_PLAYER_URL = re.compile(
    r"^(?:https?:)?//(?:[a-z0-9-]+\.)*(?:"
    r"player\.vimeo\.com/video/"
    r"|youtube(?:-nocookie)?\.com/embed/"
    r"|dailymotion\.com/embed/video/|geo\.dailymotion\.com/player"
    r"|platform\.(?:twitter|x)\.com/embed/"
    r"|facebook\.com/plugins/(?:post|video)\.php"
    r"|instagram\.com/(?:p|reel|tv)/[^/?#]+/embed"
    r"|tiktok\.com/embed/"
    r"|rumble\.com/embed/"
    r"|streamable\.com/[eo]/"
    r")",
    re.I,
)


def is_player_url(url: str) -> bool:
    """Whether ``url`` is a platform's embedded player or post frame rather than a page readers open."""
    return _PLAYER_URL.match(url.strip()) is not None


TRACKING_PARAMETERS = frozenset(
    {
        "ref_src",
        "ref_url",
        "s",
        "t",
        "si",
        "feature",
        "igshid",
        "igsh",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "utm_name",
        "fbclid",
        "gclid",
        "mc_cid",
        "mc_eid",
        "ref",
        "src",
        "cmpid",
        "smid",
        "xmt",
        "mibextid",
        "rdt",
        "share_id",
        "_ga",
        "ocid",
        "cid",
        "ito",
        "taid",
        "__twitter_impression",
        "sr_share",
        "rss",
        "partner",
        "amp",
    }
)
_ARCHIVE_TODAY_TLDS = ("today", "ph", "is", "li", "vn", "md", "fo")
# Google's redirect (a link copied from its results) names the target in "q", or in "url" with "q" empty.
_GOOGLE_REDIRECT = "q|url"
_SHIMS = {
    "l.facebook.com": "u",
    "lm.facebook.com": "u",
    "www.google.com": _GOOGLE_REDIRECT,
    "google.com": _GOOGLE_REDIRECT,
    "t.umblr.com": "z",
    "href.li": "",
    "out.reddit.com": "url",
    # Embed proxies: Embedly's player frame names the original post in "url" (Medium, USA Today, Substack).
    "cdn.embedly.com": "url",
    # Iframely's frame (Ghost, Medium, many CMSs) and Twitframe name it in "url" too.
    "cdn.iframe.ly": "url",
    "iframe.ly": "url",
    "twitframe.com": "url",
    # A saved copy from the Wayback Machine links every URL through its archive: /web/<timestamp>/<url>,
    # on each host the archive has served it from (web-beta in 2016-17, wayback before 2013).
    "web.archive.org": "/web/",
    "web-beta.archive.org": "/web/",
    "wayback.archive.org": "/web/",
    # archive.today (on each of its domains) links every URL of a snapshot through /o/<code>/<url>, and
    # names a snapshot of a URL /<timestamp>/<url>, /newest/<url> or /oldest/<url>.
    **{f"{www}archive.{tld}": "/o/" for tld in _ARCHIVE_TODAY_TLDS for www in ("", "www.")},
    # s9e's MediaEmbed (XenForo, phpBB, Flarum) frames a post in /iframe/<n>/<platform>.min.html#<id>.
    "s9e.github.io": "#",
    # LiveJournal's player frame names the platform and the id:
    # l.lj-toys.com/?auth_token=…&source=youtube&vid=<id>.
    "l.lj-toys.com": "source",
}
_SHIM_HOSTS = frozenset(_SHIMS)
# Google's redirect on its country sites (www.google.co.in/url?…, google.de/url?…): the same shim, at /url.
_GOOGLE_COUNTRY = re.compile(r"^(?:www\.)?google\.(?:[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})$")
# Shims on the publisher's own host, known by their path: Drupal's remote-video media renders its player in an
# iframe of /media/oembed?url=<the video's URL>.
_PATH_SHIMS = {"/media/oembed": "url"}
PATH_SHIM_MARKS = tuple(f"{path}?" for path in _PATH_SHIMS)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.I)


@dataclass(frozen=True, slots=True)
class SplitUrl:
    """A URL split once: lower-case host without ``www.``, path, query pairs and fragment."""

    url: str
    scheme: str
    host: str
    path: str
    query: str
    fragment: str

    def param(self, name: str) -> str | None:
        """First value of query parameter ``name``."""
        for key, value in parse_qsl(self.query, keep_blank_values=True):
            if key == name:
                return value
        return None


def split(url: str) -> SplitUrl | None:
    """Split an absolute http(s) URL; protocol-relative URLs get ``https``. Returns None for anything else."""
    url = html.unescape(url.strip())
    if url.startswith("//"):
        url = "https:" + url
    if not url.lower().startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    # A host is letters, digits, dots, hyphens (and IDNA/IPv6 characters): control characters or spaces
    # mean a broken or hostile URL, never a platform (found by fuzzing: a Mastodon "host" with \x01 in it).
    if not host or any(ord(c) <= 32 or c in "\x7f<>\"'`{}|\\^" for c in host):
        return None
    if host.startswith("www."):
        host = host[4:]
    return SplitUrl(url, parts.scheme.lower(), host, parts.path or "/", parts.query, parts.fragment)


def quick_host(url: str) -> str | None:
    """The lower-case host of an absolute or protocol-relative URL, without ``www.`` and port; a cheap
    pre-check (no unescaping, no validation) for deciding whether a URL is worth splitting at all."""
    start = url.find("//")
    if start == -1 or (start > 0 and url[start - 1] != ":") or start > 6:
        return None
    end = start + 2
    length = len(url)
    while end < length and url[end] not in "/?#:\\":
        end += 1
    host = url[start + 2 : end].lower()
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    return host[4:] if host.startswith("www.") else host


def host_matches(host: str, domains: frozenset[str] | tuple[str, ...]) -> bool:
    """True when ``host`` is one of ``domains`` or a subdomain of one."""
    if host in domains:
        return True
    dot = host.find(".")
    while dot != -1:
        if host[dot + 1 :] in domains:
            return True
        dot = host.find(".", dot + 1)
    return False


# A language or country edition of a platform's site: de.twitter.com, pt-br.tiktok.com, fr.reddit.com. Old
# tweets and threads were linked from them, and the path is the same as on the main host.
_EDITION = re.compile(r"^[a-z]{2}(?:-[a-z]{2,4})?\.")


def owned_host(host: str, hosts: frozenset[str]) -> bool:
    """Whether ``host`` is one of a platform's ``hosts`` or a language edition of one (de.twitter.com)."""
    if host in hosts:
        return True
    edition = _EDITION.match(host)
    return edition is not None and host[edition.end() :] in hosts


_WAYBACK_PATH = re.compile(r"^/web/\d{1,14}[a-z_]*/(.+)$")


def _archived_target(path: re.Pattern[str], parts: SplitUrl) -> str:
    """The URL a web archive's link archives, written after the archive's own path (``path``'s group 1),
    with the link's query; "" when the path names none."""
    match = path.match(parts.path)
    if match is None:
        return ""
    target = match.group(1)
    if target.startswith(("http:/", "https:/")) and not target.startswith(("http://", "https://")):
        target = target.replace(":/", "://", 1)  # servers collapse the double slash in a path
    return target + (f"?{parts.query}" if parts.query else "")


def _wayback_target(parts: SplitUrl) -> str:
    """The URL a Wayback Machine link archives (``/web/20220721143126/https://…``, with its query)."""
    return _archived_target(_WAYBACK_PATH, parts)


# /o/<code>/<url> (a snapshot's outlink), /<timestamp>/<url> (20230503120000 or 2023.05.03-120000),
# /newest/<url>, /oldest/<url>; a bare code (/AbCdE) names a snapshot, not what it archived.
_ARCHIVE_TODAY_PATH = re.compile(
    r"^/(?:o/[A-Za-z0-9]{1,12}|\d{4}(?:\.?\d{2}){2}(?:-?\d{1,6})?|newest|oldest)/(https?:/.+)$"
)


def _archive_today_target(parts: SplitUrl) -> str:
    """The URL an archive.today link archives, with its query (``/o/AbCdE/https://…``)."""
    target = _archived_target(_ARCHIVE_TODAY_PATH, parts)
    if not parts.query and "%3F" in target.upper():
        target = unquote(target)  # an outlink whose query was escaped into the path (watch%3Fv=ID)
    return target


_S9E_FRAME = re.compile(r"^/iframe/\d+/([a-z]+)(?:\.min)?\.html$")


def _s9e_target(parts: SplitUrl) -> str:
    """The post an s9e frame shows, as its platform's URL: the fragment's first part is the post's id."""
    match = _S9E_FRAME.match(parts.path)
    template = POST_URLS_BY_ID.get(match.group(1)) if match else None
    ident = parts.fragment.split("#", 1)[0]
    return template.format(ident) if template and BARE_ID.match(ident) else ""


def _source_target(parts: SplitUrl) -> str:
    """The post a LiveJournal-style player frame shows: its ``source`` platform's URL for its ``vid``."""
    template = POST_URLS_BY_ID.get((parts.param("source") or "").lower())
    ident = parts.param("vid") or ""
    return template.format(ident) if template and BARE_ID.match(ident) else ""


def is_shim_host(host: str) -> bool:
    """Whether links through ``host`` may carry another URL (``unwrap`` reads them)."""
    return host in _SHIM_HOSTS or _GOOGLE_COUNTRY.match(host) is not None


def unwrap(url: str, depth: int = 3) -> str:
    """Follow link shims (``l.facebook.com/l.php?u=``, ``google.com/url?q=``) to the URL they carry."""
    for _ in range(depth):
        parts = split(url)
        if parts is None and url.startswith("/") and any(mark in url for mark in PATH_SHIM_MARKS):
            parts = split("https://publisher.invalid" + url)  # a path shim is on the page's own host
        if parts is None:
            return url
        key = _SHIMS.get(parts.host)
        if key is None and parts.path == "/url" and _GOOGLE_COUNTRY.match(parts.host):
            key = _GOOGLE_REDIRECT
        if key is None:
            key = next((k for path, k in _PATH_SHIMS.items() if parts.path.endswith(path)), None)
        if key is None:
            return url
        if key == "/web/":
            target = _wayback_target(parts)
        elif key == "/o/":
            target = _archive_today_target(parts)
        elif key == "#":
            target = _s9e_target(parts)
        elif key == "source":
            target = _source_target(parts)
        elif "|" in key:
            target = next((value for name in key.split("|") if (value := parts.param(name))), "")
        else:
            target = (parts.query or parts.path.lstrip("/")) if key == "" else (parts.param(key) or "")
        target = unquote(target) if "%" in target and "://" not in target else target
        if not target or not _SCHEME.match(target):
            return url
        url = target
    return url


# A relative href whose first segment is a host name ("www.youtube.com/watch?v=…", "twitter.com/a/status/1"):
# the writer left out the scheme, so the browser sends the reader to a path of the publisher's own site, but
# the address the text cites is the platform's. A file name ("index.html/…") is a path, not a host.
_HOST_FIRST = re.compile(
    r"^(?:[a-z0-9-]+\.)+(?!(?:s?html?|php|aspx?|jsp|cgi|xml|json)/)[a-z]{2,12}(?=/)", re.I
)
# An absolute address written inside a relative href: a Markdown slip pasting "[url](url)" as the link's
# target ("%5Bhttps://youtu.be/…%5D(https://youtu.be/…)"); WordPress's typographic quotes turn a pasted
# href="“https://…”" into one whose quotes are part of it.
_WRITTEN_INSIDE = re.compile(r"https?://[^\s()\[\]<>\"'\u2018\u2019\u201c\u201d\u2032\u2033«»]+", re.I)


_ENCODED_MARKS = ("%3a", "%3A", "%5b", "%5B")  # an encoded ":" or "[" of an address pasted inside
# A scheme typed with a slip: a stray mark before it (".https://", a sentence's full stop kept in the pasted
# href) or a doubled colon ("https:://"). Browsers read the first as a path of the site and the second as no
# address at all; either way the writer meant the address after it.
_SLIPPED_SCHEME = re.compile(
    r"^(?:[.,;:]+(?=https?://)|(?=https?::+//))(?P<scheme>https?)::*//(?P<rest>\S+)$", re.I
)


def glued_address(url: str) -> str | None:
    """The absolute address that code glued onto another address's host, or None: a base prefixed to an
    address that was absolute already (``//web.archive.orghttps://www.youtube.com/embed/ID``, a page rebuilt
    from the Wayback Machine whose archive prefix was cut short; ``https://example.comhttps://youtu.be/ID``, a
    theme writing its site's address before every link). No browser reaches the first host; the second
    address is the one meant."""
    start = url.find("//")
    if start == -1 or start > 6 or url.find("//", start + 2) == -1:
        return None  # most URLs hold one "//": no second address, and no character-by-character read
    begin = start + 2
    end = begin
    length = len(url)
    while end < length and url[end] not in "/?#":
        end += 1
    host = url[begin:end].lower()
    for scheme in ("https:", "http:"):
        glued = host.find(scheme)
        if glued > 0 and host.endswith(scheme) and url.startswith("//", end):
            return url[begin + glued :]
    return None


def mistyped_address(href: str) -> str | None:
    """The absolute address a relative href means when its writer mistyped it, or None: a scheme left out
    before a host name, or an absolute address pasted inside the relative one (the last one, which is the
    target of a Markdown "[text](target)"; or the one between typographic quotes); a scheme with a stray mark
    before it or a doubled colon. Relative hrefs into the site (``/a/b``, ``#c``, ``page.html``) give None;
    so do absolute ones, which mean what they say."""
    slipped = _SLIPPED_SCHEME.match(href) if href else None
    if slipped is not None:
        return f"{slipped['scheme'].lower()}://{slipped['rest']}"
    if not href or href[0] in "/#?." or _SCHEME.match(href):
        return None
    if "%" in href and any(mark in href for mark in _ENCODED_MARKS):
        href = unquote(href)
    if "://" in href:
        inside = _WRITTEN_INSIDE.findall(href)
        return inside[-1].rstrip(".,;:!") if inside else None
    if _HOST_FIRST.match(href):
        return "https://" + href
    return None


def strip_tracking(url: str) -> str:
    """Drop tracking query parameters and the fragment; keep everything else as given."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMETERS and not k.lower().startswith("utm_")
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


# Query parameters that only say where a reader came from; an article's own parameters (``?t=123`` of a forum
# thread, ``?id=`` of a CMS) are kept. Narrower than TRACKING_PARAMETERS, which is for platform post URLs.
ARTICLE_TRACKING_PARAMETERS = (
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "igsh",
    "mibextid",
    "_ga",
    "_gl",
    "smid",
    "ocid",
    "cmpid",
    "ncid",
    "sr_share",
    "__twitter_impression",
    # A presentation switch, not another article: ?amp=1 is the AMP view of the same page.
    "amp",
    "outputtype",
)


def canonical_article_url(url: str) -> str:
    """Canonical form of an article URL, used for its id: w3lib's canonical URL (scheme and host
    lower-cased, query parameters sorted, percent-encoding normalised, fragment dropped) without the
    default port and without tracking parameters (``utm_*`` and ``ARTICLE_TRACKING_PARAMETERS``). File URLs
    are returned unchanged."""
    if not url.lower().startswith(("http://", "https://")):
        return url
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return url
    netloc = host
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    if ":" in host:
        netloc = f"[{host}]" + (f":{port}" if port else "")
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair
        and not (name := pair.split("=", 1)[0].lower()).startswith("utm_")
        and name not in ARTICLE_TRACKING_PARAMETERS
    )
    bare = urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))
    try:
        return str(canonicalize_url(bare))
    except ValueError:  # w3lib refuses a few malformed URLs that urlsplit accepted: keep our own form
        return bare
