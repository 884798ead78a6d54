"""Turns the dates pages print ("May 3, 2023", "2023-05-03T10:00:00+02:00", "3 mai 2023") into ISO 8601.

Times with a zone become UTC ``YYYY-MM-DDTHH:MM:SSZ``; a bare day stays ``YYYY-MM-DD`` (its zone is
unknown, so converting it would invent precision). Pure functions, no clock.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

__all__ = ["MONTHS", "format_utc", "parse_date", "snowflake_time"]

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
        "december dec décembre decembre dezember dez diciembre dic dicembre dezembro prosinec prosince декабрь декабря",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS.setdefault(_name, _number)

_MONTH_NAMES = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_MDY = re.compile(rf"\b(?P<month>{_MONTH_NAMES})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.I)
_DMY = re.compile(rf"\b(?P<day>\d{{1,2}})(?:er|\.|º|°)?\s+(?:de\s+)?(?P<month>{_MONTH_NAMES})\.?,?\s+(?:de\s+)?(?P<year>\d{{4}})\b", re.I)
_ISO = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?)\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
)
_TWITTER_EPOCH_MS = 1288834974657
# The last status id issued before snowflake ids (2010-11-04); lower ids carry no time.
_LAST_PRE_SNOWFLAKE_ID = 29700859247


def format_utc(moment: datetime) -> str:
    """ISO 8601 UTC with a ``Z``, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
    """Parse an ISO timestamp or a written date into ISO 8601 (UTC when the zone is known)."""
    if not value:
        return None
    value = value.strip()
    iso = _ISO.search(value)
    if iso:
        date, time, tz = iso.group("date"), iso.group("time"), iso.group("tz")
        if time and tz:
            tz = "+00:00" if tz in {"Z", "UTC", "GMT"} else tz
            if len(tz) == 5:
                tz = tz[:3] + ":" + tz[3:]
            try:
                moment = datetime.fromisoformat(f"{date}T{time}{tz}")
            except ValueError:
                return _valid(*map(int, date.split("-")))
            return format_utc(moment)
        if time:
            try:
                return datetime.fromisoformat(f"{date}T{time}").strftime("%Y-%m-%dT%H:%M:%S")
            except ValueError:
                return _valid(*map(int, date.split("-")))
        return _valid(*map(int, date.split("-")))
    for pattern in (_MDY, _DMY):
        match = pattern.search(value)
        if match:
            month = MONTHS.get(match.group("month").lower().rstrip("."))
            if month:
                return _valid(int(match.group("year")), month, int(match.group("day")))
    if value.isdigit() and len(value) in (10, 13):
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        try:
            return format_utc(datetime.fromtimestamp(seconds, tz=UTC))
        except (OverflowError, OSError, ValueError):
            return None
    return None
