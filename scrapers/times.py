"""Turns the dates pages print ("May 3, 2023", "2023-05-03T10:00:00+02:00", "3 mai 2023", "3. Mai 2023",
"Wed, 03 May 2023 10:00:00 +0000", "2023年5月3日") into ISO 8601.

Times with a zone become UTC ``YYYY-MM-DDTHH:MM:SSZ``; a bare day stays ``YYYY-MM-DD`` (its zone is
unknown, so converting it would invent precision). Pure functions, no clock.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

__all__ = ["MONTHS", "format_utc", "parse_date", "snowflake_time", "stored_utc"]

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan janvier janv januar jänner enero ene gennaio genn janeiro jan leden ledna январь января",
        "february feb février févr fevrier februar febrero febbraio fevereiro fev únor února февраль февраля",
        "march mar mars märz maerz marzo março marco březen března март марта",
        "april apr avril abril aprile duben dubna апрель апреля",
        "may mai mayo maggio maio květen května май мая",
        "june jun juin juni junio giugno junho červen června июнь июня",
        "july jul juillet juil juli julio luglio julho červenec července июль июля",
        "august aug août aout agosto srpen srpna август августа",
        "september sep sept septembre septiembre setiembre settembre setembro září сентябрь сентября",
        "october oct octobre oktober okt octubre ottobre outubro říjen října октябрь октября",
        "november nov novembre noviembre novembro listopad listopadu ноябрь ноября",
        "december dec décembre decembre dezember dez diciembre dic dicembre dezembro prosinec prosince "
        "декабрь декабря",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS.setdefault(_name, _number)

_MONTH_NAMES = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
# Every pattern below is anchored on digits or a month name and has bounded repetition, so a search over
# a long string stays linear (dates are also parsed out of prose).
_MDY = re.compile(
    rf"\b(?P<month>{_MONTH_NAMES})\.?\s{{1,3}}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s{{1,3}}(?P<year>\d{{4}})\b",
    re.I,
)
_DMY = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th|er|\.|º|°)?\s{{1,3}}(?:de\s|of\s)?\s?(?P<month>{_MONTH_NAMES})\.?,?"
    rf"\s{{1,3}}(?:de\s{{1,3}})?(?P<year>\d{{4}})\b",
    re.I,
)
# 03.05.2023 (German, Czech, Russian) is day first; slashed dates are left alone (3/5 or 5/3 is a guess).
_DOTTED = re.compile(r"\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})\b")
_CJK = re.compile(r"(?P<year>\d{4})\s?年\s?(?P<month>\d{1,2})\s?月\s?(?P<day>\d{1,2})\s?日")
_RFC2822 = re.compile(
    r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}(?::\d{2})?\s+(?:[+-]\d{4}|[A-Z]{1,5})$"
)
_ISO = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?P<fraction>\.\d+)?\s?(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
)
# Longer values are not dates but text; parse_date reads only the start of them.
_MAX_DATE_TEXT = 300
_TWITTER_EPOCH_MS = 1288834974657
# The last status id issued before snowflake ids (2010-11-04); lower ids carry no time.
_LAST_PRE_SNOWFLAKE_ID = 29700859247


def format_utc(moment: datetime) -> str:
    """ISO 8601 UTC with a ``Z``, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stored_utc(value: str | None) -> str:
    """A stored time (ISO 8601, or a bare date) as ``format_utc`` writes it: a bare date is midnight UTC, a
    time without a zone is UTC, and an unreadable value is the epoch (formats such as Atom and WARC need a
    full time, never nothing)."""
    try:
        moment = datetime.fromisoformat((value or "").strip().replace("Z", "+00:00"))
    except ValueError:
        moment = datetime(1970, 1, 1, tzinfo=UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_utc(moment)


def snowflake_time(status_id: str | int, now: datetime | None = None) -> str | None:
    """Posting time encoded in a Twitter/X snowflake id, or None for pre-snowflake or impossible ids."""
    try:
        value = int(status_id)
    except (TypeError, ValueError):
        return None
    if value <= _LAST_PRE_SNOWFLAKE_ID or value >= 1 << 63:
        return None
    millis = (value >> 22) + _TWITTER_EPOCH_MS
    moment = datetime.fromtimestamp(millis / 1000, tz=UTC)
    if now is not None and moment > now + timedelta(days=1):
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return datetime(year, month, day).strftime("%Y-%m-%d")
    except ValueError:
        return None


def parse_date(value: str | None) -> str | None:
    """Parse an ISO timestamp, an RFC 2822 date, a Unix time or a written date (English, French, German,
    Spanish, Italian, Portuguese, Czech, Russian month names; CJK digits) into ISO 8601.

    Returns ``YYYY-MM-DDTHH:MM:SSZ`` when the zone is known, ``YYYY-MM-DDTHH:MM:SS`` for a local time,
    ``YYYY-MM-DD`` for a bare day, None for anything else (including impossible dates such as Feb 30).
    """
    if not value:
        return None
    value = value.strip()[:_MAX_DATE_TEXT]
    iso = _ISO.search(value)
    if iso:
        return _from_iso(iso)
    if _RFC2822.match(value):
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return format_utc(moment)
    for pattern in (_MDY, _DMY):
        match = pattern.search(value)
        if match:
            month = MONTHS.get(match.group("month").lower().rstrip("."))
            if month:
                return _valid(int(match.group("year")), month, int(match.group("day")))
    for pattern in (_DOTTED, _CJK):
        match = pattern.search(value)
        if match:
            return _valid(int(match.group("year")), int(match.group("month")), int(match.group("day")))
    if value.isdigit() and len(value) in (10, 13):
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        try:
            return format_utc(datetime.fromtimestamp(seconds, tz=UTC))
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _from_iso(iso: re.Match[str]) -> str | None:
    date, time, tz = iso.group("date"), iso.group("time"), iso.group("tz")
    day = _valid(*map(int, date.split("-")))
    if day is None or not time:
        return day
    # Nanosecond fractions (some CMSs print nine digits) are more than datetime takes; seconds are enough.
    try:
        if tz:
            tz = "+00:00" if tz in {"Z", "UTC", "GMT"} else tz
            if len(tz) == 5:
                tz = tz[:3] + ":" + tz[3:]
            return format_utc(datetime.fromisoformat(f"{date}T{time}{tz}"))
        return datetime.fromisoformat(f"{date}T{time}").strftime("%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return day
