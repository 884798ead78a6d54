"""Small HTML builders every page and cell renderer shares: links, status badges, UTC times, post URLs.

Stored text is never markup: every builder escapes what it is given and returns ``Markup`` only for HTML
it built itself. Only ``http(s)`` URLs become links; ``javascript:``, ``data:`` and anything else stays
inert text. Links leave with ``rel="nofollow noopener noreferrer"`` so a volunteer's click does not tell
the platform which instance (or which post trail) they came from.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape

from embedtrail.db.checks import ERROR, GONE_STATUSES, UNCHECKED

__all__ = [
    "GONE_STATUSES",
    "article_path",
    "badge",
    "is_web_url",
    "key_links",
    "link",
    "link_list",
    "parse_time",
    "provenance_path",
    "relative_time",
    "source_link",
    "status_category",
    "utc_time",
]

# Anything a browser could treat as a line break, tab or control character makes a URL suspect.
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f]")


def is_web_url(value: object) -> bool:
    """True when ``value`` is an absolute http(s) URL with a host and no whitespace or control characters."""
    if not isinstance(value, str):
        return False
    if _UNSAFE_URL_CHARS.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def link(url: object, text: object | None = None, *, css_class: str = "et-ext") -> Markup:
    """An outbound link to ``url`` when it is a web URL, else the escaped text; never anything else."""
    label = url if text is None else text
    if not is_web_url(url):
        # Show what is stored, not the label: a volunteer should see that this "link" is not one.
        shown = label if url in (None, "") else url
        return Markup('<span class="et-inert" title="not a web link">{}</span>').format(
            "" if shown is None else str(shown)
        )
    return Markup('<a href="{}" class="{}" rel="nofollow noopener noreferrer">{}</a>').format(
        str(url), css_class, "" if label is None else str(label)
    )


def source_link(url: object, text: object | None = None) -> Markup:
    """Where a copy came from: ``link`` for a web URL, "local file" for a ``file:`` URL (where a volunteer's
    saved copy sat on their disk is nobody's business on a served page), and a note for the content name
    (``urn:sha256:``) of a saved file that declared no URL."""
    if isinstance(url, str) and url.lower().startswith("file:"):
        return Markup('<span class="local-file" title="read from a local file">local file</span>')
    if isinstance(url, str) and url.lower().startswith("urn:sha256:"):
        # A saved file that declared no URL is known by its content's digest.
        return Markup('<span class="et-none" title="{}">a saved file with no URL</span>').format(url)
    return link(url, text)


def link_list(value: object) -> Markup | None:
    """A JSON array of URLs (``posts.media``, ``json_group_array(url)``) as a list of links, else None."""
    if not isinstance(value, str):
        return None
    try:
        items = json.loads(value)
    except ValueError:
        return None
    if not isinstance(items, list):
        return None
    parts = [link(item) for item in items if item not in (None, "")]
    if not parts:
        return Markup('<span class="et-none">none</span>')
    return Markup('<ul class="et-links">{}</ul>').format(
        Markup("").join(Markup("<li>{}</li>").format(part) for part in parts)
    )


def status_category(status: str | None) -> str:
    """A status's colour: available, gone (``db.checks.GONE_STATUSES``), unchecked, error or other."""
    if status in (None, "", UNCHECKED):
        return "unchecked"
    if status == "available":
        return "available"
    if status in GONE_STATUSES:
        return "gone"
    if status == ERROR:
        return "error"
    return "other"


def badge(status: object) -> Markup:
    """A status as a coloured badge; the class comes from a fixed list, the text is escaped."""
    text = "" if status is None else str(status)
    category = status_category(text)
    return Markup('<span class="et-badge et-{}" title="{}">{}</span>').format(
        category, f"status: {category}", text or "unchecked"
    )


def parse_time(value: object) -> tuple[datetime, bool] | None:
    """Parse a stored UTC ISO 8601 time (or date); returns (aware datetime, date_only) or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    date_only = len(text) == 10
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        # embedtrail stores UTC everywhere; a naive value is UTC without its suffix.
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC), date_only


def relative_time(moment: datetime, now: datetime) -> str:
    """``moment`` relative to ``now`` in rough words: "3 days ago", "in 2 hours", "just now"."""
    seconds = (now - moment).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    units = (
        (365 * 86400, "year"),
        (30 * 86400, "month"),
        (7 * 86400, "week"),
        (86400, "day"),
        (3600, "hour"),
        (60, "minute"),
    )
    for size, name in units:
        if seconds >= size:
            amount = int(seconds // size)
            words = f"{amount} {name}{'' if amount == 1 else 's'}"
            return f"in {words}" if future else f"{words} ago"
    return "just now"


def utc_time(value: object, now: datetime | None = None) -> Markup:
    """A stored time as absolute UTC with a relative hint; unparseable values come back as escaped text."""
    parsed = parse_time(value)
    if parsed is None:
        return Markup(escape("" if value is None else str(value)))
    moment, date_only = parsed
    now = now or datetime.now(UTC)
    shown = moment.strftime("%Y-%m-%d") if date_only else moment.strftime("%Y-%m-%d %H:%M:%S UTC")
    machine = moment.strftime("%Y-%m-%d") if date_only else moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return Markup('<time datetime="{}">{}</time> <span class="et-ago">({})</span>').format(
        machine, shown, relative_time(moment, now)
    )


def provenance_path(post_id: str, base_url: str = "/") -> str:
    """Path of the provenance page of ``post_id``; the id is percent-encoded (ids may hold ``/``)."""
    return f"{base_url.rstrip('/')}/-/provenance/{quote(post_id, safe=':@')}"


def article_path(article_id: str, base_url: str = "/") -> str:
    """Path of the article page of ``article_id``, percent-encoded."""
    return f"{base_url.rstrip('/')}/-/article/{quote(article_id, safe='')}"


def key_links(key: object, table: str | None, base_url: str = "/") -> Markup:
    """The plugin's page for a row key, linked after it: a post's provenance, an article's article page."""
    if key in (None, ""):
        return Markup("")
    if table == "posts":
        href, text, title = provenance_path(str(key), base_url), "trail", "Everything known about this post"
    elif table == "articles":
        href, text, title = article_path(str(key), base_url), "article page", "Everything this article cited"
    else:
        return Markup("")
    return Markup(' <a class="et-trail" href="{}" title="{}">{}</a>').format(href, title, text)
