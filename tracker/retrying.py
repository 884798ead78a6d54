"""When to ask again: the Retry-After header, and which failed checks are retried after how long.

Pure rules shared by the fetch layer, the checkers and both executors of a refresh (local and queued), so a
429 or a 5xx is waited out the same way wherever the request was made. Exponential back-off with jitter,
capped by ``[limits] retry_backoff_max``; a server's own Retry-After wins, unless it asks for longer than
``max_retry_after``; an answer we did not recognise (a 4xx other than 429) is never retried.
"""

from __future__ import annotations

import email.utils
import random
import re
from datetime import UTC, datetime

from embedtrail.scrapers.records import ERROR, CheckResult

from .config import Limits

__all__ = ["parse_retry_after", "retry_wait"]


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP-date), or None if absent/invalid.

    A date in the past gives 0. Pure: ``now`` is passed in.
    """
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]+", value):
        return float(int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # RFC 9110 dates are GMT
    return max(0.0, (when - now).total_seconds())


def retry_wait(result: CheckResult, attempt: int, limits: Limits) -> float | None:
    """Seconds before retrying a check that ended in ``result`` after ``attempt`` retries, or None when it
    should not be retried."""
    if result.status != ERROR or attempt >= limits.max_retries:
        return None
    code = result.http_status
    if code is not None and code != 429 and code < 500:
        return None  # an answer we did not recognise: asking again will not help
    if result.retry_after is not None:
        return None if result.retry_after > limits.max_retry_after else result.retry_after
    base = min(limits.retry_backoff * (2.0**attempt), limits.retry_backoff_max)
    return base + random.uniform(0, base / 2)  # jitter, so retries of many posts do not align
