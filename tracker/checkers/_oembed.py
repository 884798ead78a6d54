"""The shared shape of oEmbed checks (YouTube, Vimeo, TikTok, Dailymotion): ``?url=<post url>&format=json``
answered by 200 JSON with ``html`` when the post is shown. Platform modules add their own readings of the
error answers.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from embedtrail.scrapers.records import ERROR, CheckResult

from .base import Request, Response, json_body, result, transient

__all__ = ["available", "oembed_request"]


def oembed_request(endpoint: str, url: str, json_format: bool = True) -> Request:
    """``GET endpoint?url=<url>[&format=json]``."""
    params: tuple[tuple[str, str], ...] = (("url", url),)
    if json_format:
        params += (("format", "json"),)
    return Request(endpoint, params=params, headers=(("Accept", "application/json"),))


def _handle(author_url: object) -> str | None:
    if not isinstance(author_url, str):
        return None
    path = urlsplit(author_url).path.strip("/").split("/")
    return path[-1] if path and path[-1] else None


def available(response: Response, label: str) -> CheckResult | None:
    """The ``available`` result for 200 oEmbed JSON with ``html``, an ``error`` for other 200 bodies and for
    transient answers, else None (the caller reads the error codes)."""
    failed = transient(response)
    if failed is not None:
        return failed
    if response.status != 200:
        return None
    data = json_body(response)
    if not isinstance(data, dict) or "html" not in data:
        return result(response, ERROR, f"{label}: 200 without oEmbed JSON")
    title = data.get("title")
    return result(
        response,
        "available",
        f"{label}: shown",
        author_handle=_handle(data.get("author_url")),
        author_name=data.get("author_name") if isinstance(data.get("author_name"), str) else None,
        text=title if isinstance(title, str) and title else None,
    )
