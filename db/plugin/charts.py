"""Attrition charts as inline SVG built on the server: no script, no other host, readable without JavaScript.

Three charts: posts cited per day (or week, or month, depending on the span) with how many of them are
gone now; the share of checked posts that are gone, by platform; and the share gone by the age of the
citing article when the post was checked. The SQL readers are async (Datasette ``Database``); the SVG
builders are pure and escape every label.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from markupsafe import Markup, escape

from embedtrail.db.checks import ERROR, UNCHECKED
from embedtrail.scrapers.records import UNCHECKABLE_PLATFORMS

__all__ = [
    "AGE_BUCKETS",
    "AgeShare",
    "Charts",
    "CitedBucket",
    "PlatformShare",
    "age_attrition",
    "age_svg",
    "all_charts",
    "cited_per_bucket",
    "cited_svg",
    "fill_gaps",
    "platform_attrition",
    "platform_caption",
    "platform_svg",
    "time_ticks",
]

# Age of the citing article when a post was checked, in months: [low, high) and the label shown.
AGE_BUCKETS: tuple[tuple[float, float, str], ...] = (
    (0, 1, "< 1 month"),
    (1, 3, "1–3 months"),
    (3, 6, "3–6 months"),
    (6, 12, "6–12 months"),
    (12, 24, "1–2 years"),
    (24, 60, "2–5 years"),
    (60, 10_000, "5+ years"),
)
# Answers that say nothing about the post itself; they are left out of every share.
_UNINFORMATIVE = (UNCHECKED, ERROR)
_DAYS_PER_MONTH = 30.4375
# Citation dates that start with a year; anything else (a stray text header) cannot be placed on the axis.
_DATE_GLOB = "'[0-9][0-9][0-9][0-9]-*'"
# More bars than this would be thinner than a pixel; the data is then drawn without filling gaps.
_MAX_BARS = 1200
# Each chart aggregates every citation: millions of rows on a large database, more than Datasette's
# sql_time_limit_ms allows a page (and Database.execute can only lower that limit). The charts page is
# cached until the data changes (cache.py), so the aggregate runs once per change rather than once per
# visitor; it gets this much time.
CHART_TIME_LIMIT_MS = 60_000

_GONE_COLOUR = "#b3261e"
_CITED_COLOUR = "#7a9cc6"
_TEXT_COLOUR = "#222"


@dataclass(frozen=True)
class CitedBucket:
    """Posts first cited in one day, week or month, and how many of them are gone now."""

    label: str
    cited: int
    gone: int


@dataclass(frozen=True)
class PlatformShare:
    """One platform's cited posts, how many have been checked, and how many of those are gone.
    ``checkable`` is False for platforms refresh has no anonymous check for (UNCHECKABLE_PLATFORMS)."""

    platform: str
    cited: int
    checked: int
    gone: int
    checkable: bool = True

    @property
    def share(self) -> float:
        return self.gone / self.checked if self.checked else 0.0


@dataclass(frozen=True)
class AgeShare:
    """Posts checked when their citing article was in one age bucket, and how many were gone then."""

    label: str
    checked: int
    gone: int

    @property
    def share(self) -> float:
        return self.gone / self.checked if self.checked else 0.0


# The date a post was cited: the citing article's publication date, else when embedtrail first saw it there.
_CITED_SQL = """
select e.post_id as post_id, min(substr(coalesce(a.published_at, e.first_seen_at), 1, 10)) as cited_on
from embeds e join articles a on a.id = e.article_id
group by e.post_id
"""


def _limited(conn: sqlite3.Connection, deadline: float, sql: str, params: dict[str, Any]) -> list[Any]:
    """Rows of ``sql``, interrupted once ``deadline`` (time.monotonic) has passed."""
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.set_progress_handler(None, 10_000)


async def _long_query(database: Any, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
    """Rows of ``sql`` on one of Datasette's read connections, interrupted after CHART_TIME_LIMIT_MS."""
    deadline = time.monotonic() + CHART_TIME_LIMIT_MS / 1000
    return list(await database.execute_fn(lambda conn: _limited(conn, deadline, sql, params or {})))


def _bucket_expression(first: str, last: str) -> tuple[str, str]:
    """SQL that maps ``cited_on`` to its bucket, and the bucket's name, chosen from the span of the data."""
    try:
        span = (date.fromisoformat(last) - date.fromisoformat(first)).days
    except ValueError:
        span = 10_000
    if span <= 92:
        return "cited_on", "day"
    if span <= 3 * 365:
        # Weeks start on Monday: step back to the previous Monday (or stay on it).
        return "date(cited_on, '-6 days', 'weekday 1')", "week"
    return "substr(cited_on, 1, 7)", "month"


def _cited_buckets(
    query: Callable[[str, dict[str, Any]], list[Any]], cited: str, gone: tuple[str, ...]
) -> tuple[str, list[CitedBucket]]:
    # One pass over every citation, by day; the span of those days then picks the bucket size, and the few
    # thousand days are summed into weeks or months by the same SQL expressions, not a second full pass.
    days = query(
        f"""
        select cited_on, count(*) as cited, sum(p.status in (select value from json_each(:gone))) as gone
        from {cited} c join posts p on p.id = c.post_id
        where cited_on glob {_DATE_GLOB}
        group by cited_on order by cited_on
        """,
        {"gone": json.dumps(list(gone))},
    )
    if not days:
        return "day", []
    expression, unit = _bucket_expression(days[0][0], days[-1][0])
    rows = query(
        f"""
        select {expression} as bucket, sum(cited), sum(gone) from (
          select json_extract(value, '$[0]') as cited_on, json_extract(value, '$[1]') as cited,
                 json_extract(value, '$[2]') as gone
          from json_each(:days)
        )
        group by bucket order by bucket
        """,
        {"days": json.dumps([list(day) for day in days])},
    )
    found = [CitedBucket(str(row[0]), int(row[1]), int(row[2] or 0)) for row in rows]
    return unit, fill_gaps(unit, found)


async def cited_per_bucket(database: Any, gone: tuple[str, ...]) -> tuple[str, list[CitedBucket]]:
    """Posts by the day (week, month) they were first cited, with how many are gone now; (unit, buckets)."""
    deadline = time.monotonic() + CHART_TIME_LIMIT_MS / 1000
    return await database.execute_fn(  # type: ignore[no-any-return]
        lambda conn: _cited_buckets(
            lambda sql, params: _limited(conn, deadline, sql, params), f"({_CITED_SQL})", gone
        )
    )


def _next_label(unit: str, label: str) -> str:
    if unit == "month":
        year, month = int(label[:4]), int(label[5:7])
        return f"{year + month // 12:04d}-{month % 12 + 1:02d}"
    step = timedelta(days=7 if unit == "week" else 1)
    return (date.fromisoformat(label) + step).isoformat()


def fill_gaps(unit: str, buckets: list[CitedBucket]) -> list[CitedBucket]:
    """``buckets`` with an empty bucket for every day (week, month) between the first and the last, so
    the bars stand on an even time axis. Labels that are not dates are returned as they are."""
    if len(buckets) < 2:
        return buckets
    known = {bucket.label: bucket for bucket in buckets}
    label, last = buckets[0].label, buckets[-1].label
    filled: list[CitedBucket] = []
    try:
        while label <= last and len(filled) <= _MAX_BARS:
            filled.append(known.get(label, CitedBucket(label, 0, 0)))
            label = _next_label(unit, label)
    except ValueError:
        return buckets
    return filled if len(filled) <= _MAX_BARS else buckets


_PLATFORM_SQL = """
select p.platform, count(*) as cited,
       sum(p.status not in (select value from json_each(:skip))) as checked,
       sum(p.status in (select value from json_each(:gone))) as gone
from posts p
where exists (select 1 from embeds e where e.post_id = p.id)
group by p.platform order by cited desc, p.platform
"""


def _platform_shares(rows: list[Any]) -> list[PlatformShare]:
    return [
        PlatformShare(
            str(row[0]),
            int(row[1]),
            int(row[2] or 0),
            int(row[3] or 0),
            checkable=str(row[0]) not in UNCHECKABLE_PLATFORMS,
        )
        for row in rows
    ]


async def platform_attrition(database: Any, gone: tuple[str, ...]) -> list[PlatformShare]:
    """Per platform: cited posts, checked posts (an informative answer) and gone posts, most cited first."""
    rows = await _long_query(
        database,
        _PLATFORM_SQL,
        {"gone": json.dumps(list(gone)), "skip": json.dumps(list(_UNINFORMATIVE))},
    )
    return _platform_shares(rows)


def _age_shares(
    query: Callable[[str, dict[str, Any]], list[Any]],
    cited: str,
    gone: tuple[str, ...],
    *,
    with_checks: bool,
    with_outcomes: bool,
) -> list[AgeShare]:
    if with_checks:
        unconfirmed = "and coalesce(c.outcome, '') != 'pending'" if with_outcomes else ""
        observations = f"""
            select c.post_id, c.status, c.checked_at from checks c
            where c.status not in (select value from json_each(:skip)) {unconfirmed}
        """
    else:
        observations = """
            select p.id as post_id, p.status, p.status_checked_at as checked_at from posts p
            where p.status_checked_at is not null and p.status not in (select value from json_each(:skip))
        """
    buckets = " ".join(
        f"when months < {high} then {index}" for index, (_low, high, _label) in enumerate(AGE_BUCKETS)
    )
    rows = query(
        f"""
        with cited as (select * from {cited}),
        aged as (
          select o.post_id, o.status, o.checked_at,
                 (julianday(o.checked_at) - julianday(cited.cited_on)) / {_DAYS_PER_MONTH} as months
          from ({observations}) o join cited on cited.post_id = o.post_id
          where julianday(o.checked_at) is not null and julianday(cited.cited_on) is not null
        ),
        bucketed as (
          select post_id, status, checked_at, case when months < 0 then null {buckets} end as bucket
          from aged
        ),
        latest as (
          select bucket, status,
                 row_number() over (partition by post_id, bucket order by checked_at desc) as n
          from bucketed where bucket is not null
        )
        select bucket, count(*) as checked, sum(status in (select value from json_each(:gone))) as gone
        from latest where n = 1 group by bucket order by bucket
        """,
        {"gone": json.dumps(list(gone)), "skip": json.dumps(list(_UNINFORMATIVE))},
    )
    found = {int(row[0]): (int(row[1]), int(row[2] or 0)) for row in rows}
    return [
        AgeShare(label, *found.get(index, (0, 0))) for index, (_low, _high, label) in enumerate(AGE_BUCKETS)
    ]


async def age_attrition(
    database: Any, gone: tuple[str, ...], *, with_checks: bool, with_outcomes: bool = False
) -> list[AgeShare]:
    """Share of checked posts that were gone, by the age of the citing article when they were checked.

    With the ``checks`` table every check counts (a post contributes to each age bucket once, with the last
    check in it); without it, each post's latest status counts once, at the age of its last check. With
    ``checks.outcome``, a gone answer still awaiting its confirming check (outcome ``pending``) is left out,
    as refresh leaves it out of the post's status: no false obituaries.
    """
    deadline = time.monotonic() + CHART_TIME_LIMIT_MS / 1000
    return await database.execute_fn(  # type: ignore[no-any-return]
        lambda conn: _age_shares(
            lambda sql, params: _limited(conn, deadline, sql, params),
            f"({_CITED_SQL})",
            gone,
            with_checks=with_checks,
            with_outcomes=with_outcomes,
        )
    )


@dataclass(frozen=True)
class Charts:
    """The numbers behind the three charts."""

    unit: str
    buckets: list[CitedBucket]
    platforms: list[PlatformShare]
    ages: list[AgeShare]


# A per-connection scratch table (TEMP: allowed on read-only and immutable connections) holding the first
# citation date of every post, so the bucket and age charts share one pass over every citation.
_CITED_TEMP = "temp.embedtrail_cited"


async def all_charts(
    database: Any, gone: tuple[str, ...], *, with_checks: bool, with_outcomes: bool
) -> Charts:
    """The three charts, as cited_per_bucket, platform_attrition and age_attrition give them, read on one
    connection with a single pass over the citations (the most expensive part of each)."""
    deadline = time.monotonic() + CHART_TIME_LIMIT_MS / 1000
    gone_json = json.dumps(list(gone))
    skip_json = json.dumps(list(_UNINFORMATIVE))

    def run(conn: sqlite3.Connection) -> Charts:
        def query(sql: str, params: dict[str, Any]) -> list[Any]:
            return _limited(conn, deadline, sql, params)

        conn.execute(f"drop table if exists {_CITED_TEMP}")
        try:
            # Keyed by post, for the age chart's join with the checks.
            query(f"create table {_CITED_TEMP} (post_id text primary key, cited_on text) without rowid", {})
            query(f"insert into {_CITED_TEMP} {_CITED_SQL}", {})
            unit, buckets = _cited_buckets(query, _CITED_TEMP, gone)
            platforms = _platform_shares(query(_PLATFORM_SQL, {"gone": gone_json, "skip": skip_json}))
            ages = _age_shares(query, _CITED_TEMP, gone, with_checks=with_checks, with_outcomes=with_outcomes)
        finally:
            conn.execute(f"drop table if exists {_CITED_TEMP}")
        return Charts(unit, buckets, platforms, ages)

    return await database.execute_fn(run)  # type: ignore[no-any-return]


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="et-chart" role="img" viewBox="0 0 {w} {h}" '
        'width="100%" style="max-width:{w}px" preserveAspectRatio="xMinYMin meet" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"><title>{t}</title>{b}</svg>'
    ).format(w=width, h=height, t=title, b=Markup("".join(body)))


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 13, extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{_TEXT_COLOUR}"{extra}>{escape(text)}</text>'
    )


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# The least room a tick label gets, in SVG units: "Sep 2024" at 12 units is about 52 wide.
_TICK_ROOM = {"day": 48.0, "month": 62.0, "quarter": 62.0, "year": 40.0}


def _calendar(unit: str, label: str) -> date | None:
    """The first day of the bucket ``label`` names (a day, the Monday of a week, or a month)."""
    try:
        return date.fromisoformat(f"{label}-01" if unit == "month" else label)
    except ValueError:
        return None


def time_ticks(unit: str, labels: list[str], bar: float) -> list[tuple[int, str]]:
    """Where to label a time axis of ``labels`` (one bar of width ``bar`` each): (bar index, text) at
    calendar boundaries, the finest of days, months, quarters and years (then every 2nd, 5th, 10th... year)
    whose labels do not crowd each other. Returns no ticks when the labels are not dates."""
    days = [_calendar(unit, label) for label in labels]
    if not days or any(day is None for day in days):
        return []
    known = [day for day in days if day is not None]

    def boundaries(key: Callable[[date], Any], starts: Callable[[date], bool]) -> list[int]:
        # A bucket starts a new month (quarter, year) when its key differs from the previous bucket's; the
        # first bucket only when it begins exactly on that boundary.
        return [
            index
            for index, day in enumerate(known)
            if (index == 0 and starts(day)) or (index > 0 and key(day) != key(known[index - 1]))
        ]

    levels: list[tuple[str, list[int]]] = []
    if unit == "day":
        levels.append(("day", list(range(0, len(known), 7))))
    levels.append(("month", boundaries(lambda d: (d.year, d.month), lambda d: d.day == 1)))
    levels.append(
        (
            "quarter",
            boundaries(lambda d: (d.year, (d.month - 1) // 3), lambda d: d.day == 1 and d.month % 3 == 1),
        )
    )
    years = boundaries(lambda d: d.year, lambda d: d.day == 1 and d.month == 1)
    levels.append(("year", years))
    for step in (2, 5, 10, 25, 50, 100):
        levels.append(("year", [index for index in years if known[index].year % step == 0]))
    for name, indexes in levels:
        if len(indexes) < 2 and name != "year":
            continue
        gaps = [b - a for a, b in pairwise(indexes)]
        if not gaps or min(gaps) * bar >= _TICK_ROOM[name]:
            return [(index, _tick_text(name, known[index])) for index in indexes]
    return []


def _tick_text(level: str, day: date) -> str:
    if level == "day":
        return f"{day.day} {_MONTHS[day.month - 1]}"
    if level == "year":
        return str(day.year)
    return f"{_MONTHS[day.month - 1]} {day.year}"


def _nice_step(peak: int) -> int:
    """A round step (1, 2, 5 x 10^n) giving at most four gridlines up to ``peak``."""
    raw = max(1.0, peak / 4)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return int(factor * magnitude)
    return int(10 * magnitude)


def cited_svg(unit: str, buckets: list[CitedBucket]) -> Markup:
    """Stacked bars: posts cited per bucket, the part gone now in red; one ``<title>`` tooltip per bar; a
    y axis of round numbers, an x axis labelled at calendar boundaries, a legend."""
    if not buckets:
        return Markup('<p class="et-none">No citations yet.</p>')
    left, bottom, top, plot_height = 64, 74, 14, 220
    bar = max(1.0, min(24.0, 900 / len(buckets)))
    width = int(max(left + bar * len(buckets) + 24, 520))
    height = top + plot_height + bottom
    step = _nice_step(max(b.cited for b in buckets))
    scale_top = max(step, math.ceil(max(b.cited for b in buckets) / step) * step)
    body: list[str] = []
    for tick in range(0, scale_top + 1, step):
        y = top + plot_height - plot_height * tick / scale_top
        body.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(_text(left - 8, y + 4, f"{tick:,}", anchor="end", size=12))
    middle = top + plot_height / 2
    body.append(
        _text(
            16, middle, "posts cited", anchor="middle", size=12, extra=f' transform="rotate(-90 16 {middle})"'
        )
    )
    for index, item in enumerate(buckets):
        x = left + index * bar
        cited_h = plot_height * item.cited / scale_top
        gone_h = plot_height * item.gone / scale_top
        tooltip = escape(f"{unit} {item.label}: {item.cited:,} cited, {item.gone:,} gone now")
        body.append(
            f"<g><title>{tooltip}</title>"
            f'<rect x="{x + 0.5:.1f}" y="{top + plot_height - cited_h:.1f}" width="{max(bar - 1, 0.5):.1f}" '
            f'height="{cited_h:.1f}" fill="{_CITED_COLOUR}"/>'
            f'<rect x="{x + 0.5:.1f}" y="{top + plot_height - gone_h:.1f}" width="{max(bar - 1, 0.5):.1f}" '
            f'height="{gone_h:.1f}" fill="{_GONE_COLOUR}"/></g>'
        )
    axis = top + plot_height
    body.append(f'<line x1="{left}" x2="{width - 10}" y1="{axis}" y2="{axis}" stroke="#888"/>')
    for index, text in time_ticks(unit, [b.label for b in buckets], bar):
        x = left + index * bar
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{axis}" y2="{axis + 5}" stroke="#888"/>')
        body.append(_text(x, axis + 19, text, anchor="middle", size=12))
    body.append(
        _text(
            left,
            axis + 42,
            f"Publication {unit} of the citing article (or when embedtrail first saw it)",
            size=12,
        )
    )
    legend = axis + 62
    body.append(f'<rect x="{left}" y="{legend - 10}" width="12" height="12" fill="{_CITED_COLOUR}"/>')
    body.append(_text(left + 18, legend, "cited", size=12))
    body.append(f'<rect x="{left + 70}" y="{legend - 10}" width="12" height="12" fill="{_GONE_COLOUR}"/>')
    body.append(_text(left + 88, legend, "of those, gone now", size=12))
    return _svg(width, height, f"Posts cited per {unit}, and how many are gone now", body)


def _share_rows(title: str, rows: list[tuple[str, float | None, str]]) -> Markup:
    """Horizontal bars, one per row: (label, share 0..1, caption). A share of None (nothing to divide:
    not checkable, nothing checked yet) draws an outlined empty bar, never a 0% one."""
    if not rows:
        return Markup('<p class="et-none">Nothing checked yet.</p>')
    label_width, bar_width, row_height = 150, 400, 28
    width = label_width + bar_width + 330
    height = row_height * len(rows) + 10
    body: list[str] = []
    for index, (label, share, caption) in enumerate(rows):
        y = 5 + index * row_height
        body.append(_text(label_width - 8, y + 18, label, anchor="end"))
        if share is None:
            body.append(
                f'<rect x="{label_width + 0.5}" y="{y + 4.5}" width="{bar_width - 1}" '
                f'height="{row_height - 9}" fill="none" stroke="#bbb" stroke-dasharray="4 3"/>'
            )
        else:
            body.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{bar_width}" height="{row_height - 8}" '
                'fill="#eee"/>'
            )
            body.append(
                f"<g><title>{escape(f'{label}: {caption}')}</title>"
                f'<rect x="{label_width}" y="{y + 4}" width="{bar_width * share:.1f}" '
                f'height="{row_height - 8}" fill="{_GONE_COLOUR}"/></g>'
            )
        body.append(_text(label_width + bar_width + 8, y + 18, caption, size=12))
    return _svg(width, height, title, body)


def platform_caption(share: PlatformShare) -> str:
    """What a platform's bar says: its share gone, or why there is none."""
    if not share.checkable:
        return f"not checkable: no anonymous check exists ({share.cited:,} cited)"
    if not share.checked:
        return f"nothing checked yet ({share.cited:,} cited)"
    return f"{share.share:.0%} gone ({share.gone:,} of {share.checked:,} checked, {share.cited:,} cited)"


def platform_svg(shares: list[PlatformShare]) -> Markup:
    """Share of checked posts gone, one bar per platform; not checkable and unchecked platforms say so."""
    if not shares:
        return Markup('<p class="et-none">No citations yet.</p>')
    rows = [(s.platform, s.share if s.checkable and s.checked else None, platform_caption(s)) for s in shares]
    return _share_rows("Share of checked posts gone, by platform", rows)


def age_svg(shares: list[AgeShare]) -> Markup:
    """Share of checked posts gone, one bar per age of the citing article at check time."""
    if not any(s.checked for s in shares):
        return _share_rows("Share of checked posts gone, by age of the citing article", [])
    rows = [
        (
            s.label,
            s.share if s.checked else None,
            f"{s.share:.0%} gone ({s.gone:,} of {s.checked:,} checked)"
            if s.checked
            else "nothing checked at this age",
        )
        for s in shares
    ]
    return _share_rows("Share of checked posts gone, by age of the citing article", rows)
