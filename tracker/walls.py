"""Consent walls and paywalls: a re-fetched article page that lost every embed is often not the article at
all.

A cookie wall, a consent interstitial or a paywall served in place of the article would otherwise read as an
edit that removed every embed, and marking those embeds removed on that evidence would be a false obituary.
``wall_suspected`` is the pure rule (a much shorter page, or one that says what walls say); ``walled_page``
applies it to what the database knows of the article's previous version.
"""

from __future__ import annotations

from sqlite_utils import Database

__all__ = ["WALL_MARKERS", "WALL_SHRINK", "wall_suspected", "walled_page"]

# A re-fetched page that lost every embed is often not the article at all but a cookie wall, a consent
# interstitial or a paywall; marking its embeds removed on that evidence would be a false obituary.
WALL_SHRINK = 0.5  # "much shorter": under half the bytes of the last capture
WALL_MARKERS = (
    "accept all cookies",
    "accept cookies",
    "cookie consent",
    "cookie settings",
    "consent to the use of",
    "we value your privacy",
    "before you continue",
    "manage your privacy",
    "your privacy choices",
    "subscribe to continue",
    "subscribe to read",
    "subscribe now to",
    "subscribers only",
    "for subscribers",
    "already a subscriber",
    "already subscribed",
    "to continue reading",
    "sign in to continue",
    "log in to continue",
    "create a free account",
    "paywall",
    "premium content",
)
_WALL_SCAN_BYTES = 256 * 1024


def wall_suspected(
    new_embeds: int, old_embeds: int, new_bytes: int, old_bytes: int | None, page: bytes
) -> str | None:
    """Why a re-fetched article page that lost all its embeds is probably a consent or paywall page and not
    the article (a short reason), or None. Pure: only a page with no embeds whose previous version had some
    is suspected, when it is under ``WALL_SHRINK`` of the last capture's size or says one of
    ``WALL_MARKERS``."""
    if new_embeds or not old_embeds:
        return None
    if old_bytes and new_bytes < old_bytes * WALL_SHRINK:
        return f"page shrank from {old_bytes} to {new_bytes} bytes (consent or paywall page?)"
    text = page[:_WALL_SCAN_BYTES].decode("utf-8", "replace").lower()
    for marker in WALL_MARKERS:
        if marker in text:
            return f"page looks like a consent or paywall page ({marker!r})"
    return None


def walled_page(db: Database, article: str, body: bytes) -> str | None:
    """``wall_suspected`` for a re-fetched ``body`` of ``article``, against what the database holds of it."""
    old_embeds = db.execute(
        "select count(*) from embeds where article_id = ? and removed_at is null", [article]
    ).fetchone()[0]
    if not old_embeds:
        return None
    last = db.execute(
        "select bytes from captures where article_id = ? order by fetched_at desc, id desc limit 1", [article]
    ).fetchone()
    return wall_suspected(0, old_embeds, len(body), last[0] if last else None, body)
