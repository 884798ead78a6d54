"""Checks Truth Social posts with its Mastodon-compatible status API ``<api>/statuses/<id>``
(docs/platforms.md §19). Truth Social runs a fork of Mastodon on one server, so the answers are Mastodon's and
``mastodon.classify`` reads them: 200 with the status (author, time, text, media), 404 not found, 410 deleted.
"""

from __future__ import annotations

from embedtrail.scrapers.records import CheckResult
from embedtrail.tracker.endpoints import Endpoint, Endpoints

from . import mastodon
from .base import Request, Response, Target

__all__ = ["CANARY", "ENDPOINTS", "NAME", "PLATFORMS", "build", "classify"]

NAME = "truthsocial"
PLATFORMS = ("truthsocial",)
ENDPOINTS = {
    "truthsocial_api": Endpoint(
        "https://truthsocial.com/api/v1", "Truth Social status API (Mastodon-compatible)"
    )
}
# A post `embedtrail doctor` expects this checker to find available: the platform's first post by its owner.
CANARY = "https://truthsocial.com/@realDonaldTrump/posts/107780257626128497"


def build(target: Target, endpoints: Endpoints) -> Request | None:
    """The status API URL of the post's id."""
    if target.kind == "account" or not target.native or not target.native.isdigit():
        return None
    return Request(
        f"{endpoints.truthsocial_api}/statuses/{target.native}", headers=(("Accept", "application/json"),)
    )


def classify(response: Response) -> CheckResult:
    """Classify a status API answer (Mastodon's shape)."""
    return mastodon.classify(response)
