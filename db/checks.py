"""Status checks: the status vocabulary, the check record, and applying one check to the database.

Status vocabulary (``STATUSES``); every checker maps every answer to exactly one, with a ``detail``:

- ``available``  the platform shows the post to a logged-out viewer.
- ``deleted``    positive evidence the post was removed (by its author or the platform).
- ``protected``  the post exists but only approved followers see it (protected/private account or video).
- ``suspended``  the author's account is suspended, taken down or deactivated.
- ``restricted`` withheld from logged-out or embedding viewers (age, country, sensitivity, embedding off).
- ``not_found``  the platform says there is no such post for us, and does not say why (deleted, private or
  never existed).
- ``error``      no usable answer: timeout, connection failure, 5xx, 429, a soft block or a response we do
  not recognise. Transient; never overwrites a known status.

Posts start as ``unchecked``. Rules applied by ``decide`` (pure) and ``apply_check`` (one transaction):
no false obituaries — a move from a known status to a gone one (``GONE_STATUSES``) is only pending until a
second check at least ``Policy.confirm_after`` seconds later agrees; ``error`` never replaces a status; a post
that comes back is applied at once and its check row says ``returned``. Applying the same check (same
``key``) twice changes nothing the second time, so a queue may deliver results more than once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlite_utils import Database

from embedtrail.scrapers.records import (
    ERROR,
    GONE_STATUSES,
    STATUSES,
    UNCHECKED,
    Check,
    CheckResult,
    account_id,
    better_posted_at,
    embed_id,
)

__all__ = [
    "ERROR",
    "GONE_STATUSES",
    "STATUSES",
    "UNCHECKED",
    "Applied",
    "ArchiveRecord",
    "Check",
    "CheckResult",
    "Policy",
    "PostState",
    "Transition",
    "apply_check",
    "decide",
    "merge_post",
    "record_archive",
    "update_removed_embeds",
]


class Policy(Protocol):
    """The re-check intervals ``decide`` applies, in seconds: back-off for unchanged posts, confirmation
    delay, error retry. The ``[refresh]`` section of the configuration (``RefreshConfig``) is one; its
    defaults are the only ones."""

    @property
    def base_interval(self) -> float: ...

    @property
    def backoff_factor(self) -> float: ...

    @property
    def max_interval(self) -> float: ...

    @property
    def changed_interval(self) -> float: ...

    @property
    def recent_change(self) -> float: ...

    @property
    def confirm_after(self) -> float: ...

    @property
    def error_interval(self) -> float: ...


@dataclass(frozen=True, slots=True)
class PostState:
    """The scheduling-relevant part of a posts row."""

    status: str = UNCHECKED
    status_changed_at: str | None = None
    pending_status: str | None = None
    pending_since: str | None = None
    unchanged_checks: int = 0
    check_errors: int = 0


@dataclass(frozen=True, slots=True)
class Transition:
    """What a check does to a post: new state, when to check next, and a one-word ``outcome`` for the log.

    Outcomes: ``first`` (first known status), ``unchanged``, ``pending`` (gone, awaiting confirmation),
    ``unconfirmed`` (a pending gone status was not confirmed), ``changed``, ``returned`` (gone → available),
    ``error``.
    """

    state: PostState
    next_check_at: str
    outcome: str
    changed: bool


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def _fmt(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _after(now: str, seconds: float) -> str:
    return _fmt(_parse(now) + timedelta(seconds=seconds))


def decide(state: PostState, status: str, now: str, policy: Policy) -> Transition:
    """The pure state machine behind ``apply_check``: ``state`` plus an observed ``status`` at ``now``."""
    if status == ERROR:
        errors = state.check_errors + 1
        wait = min(policy.error_interval * policy.backoff_factor ** (errors - 1), policy.max_interval)
        if state.pending_status is not None:
            # A pending confirmation should not wait longer than the error back-off would anyway.
            wait = min(wait, policy.confirm_after)
        return Transition(
            PostState(
                state.status,
                state.status_changed_at,
                state.pending_status,
                state.pending_since,
                state.unchanged_checks,
                errors,
            ),
            _after(now, wait),
            "error",
            False,
        )
    known = state.status not in (UNCHECKED, ERROR)
    if not known:
        new = PostState(status, now, None, None, 0, 0)
        return Transition(new, _after(now, policy.base_interval), "first", True)
    if status == state.status:
        count = state.unchanged_checks + 1
        recent = (
            state.status_changed_at is not None
            and (_parse(now) - _parse(state.status_changed_at)).total_seconds() < policy.recent_change
        )
        wait = (
            policy.changed_interval
            if recent
            else min(policy.base_interval * policy.backoff_factor ** (count - 1), policy.max_interval)
        )
        outcome = "unconfirmed" if state.pending_status is not None else "unchanged"
        return Transition(
            PostState(state.status, state.status_changed_at, None, None, count, 0),
            _after(now, wait),
            outcome,
            False,
        )
    if status in GONE_STATUSES:
        if state.pending_status == status and state.pending_since is not None:
            waited = (_parse(now) - _parse(state.pending_since)).total_seconds()
            if waited >= policy.confirm_after:
                return Transition(
                    PostState(status, now, None, None, 0, 0),
                    _after(now, policy.changed_interval),
                    "changed",
                    True,
                )
            return Transition(
                PostState(
                    state.status,
                    state.status_changed_at,
                    status,
                    state.pending_since,
                    state.unchanged_checks,
                    0,
                ),
                _after(state.pending_since, policy.confirm_after),
                "pending",
                False,
            )
        return Transition(
            PostState(state.status, state.status_changed_at, status, now, state.unchanged_checks, 0),
            _after(now, policy.confirm_after),
            "pending",
            False,
        )
    outcome = "returned" if state.status in GONE_STATUSES else "changed"
    return Transition(
        PostState(status, now, None, None, 0, 0), _after(now, policy.changed_interval), outcome, True
    )


@dataclass(frozen=True, slots=True)
class Applied:
    """What ``apply_check`` did: ``duplicate`` when the key was already applied."""

    outcome: str
    changed: bool
    duplicate: bool = False
    status: str | None = None


def _state(row: dict[str, Any]) -> PostState:
    return PostState(
        row.get("status") or UNCHECKED,
        row.get("status_changed_at"),
        row.get("pending_status"),
        row.get("pending_since"),
        int(row.get("unchanged_checks") or 0),
        int(row.get("check_errors") or 0),
    )


def _as_answered(result: CheckResult) -> dict[str, Any]:
    """The ``post_as_answered`` column (m095): what the answer showed of the post, as JSON; nothing (and so
    no column a pre-m095 database lacks) when it showed nothing."""
    shown = {
        "text": result.text,
        "author_name": result.author_name,
        "author_handle": result.author_handle,
        "posted_at": result.posted_at,
        "media": list(result.media),
    }
    if result.status == ERROR or not any(shown.values()):
        return {}
    return {"post_as_answered": json.dumps(shown, ensure_ascii=False)}


def _merge_facts(db: Database, row: dict[str, Any], result: CheckResult, now: str) -> dict[str, Any]:
    """Facts from a positive answer fill what the post row lacks; known values are never overwritten."""
    update: dict[str, Any] = {}
    if result.status == ERROR:
        return update
    for column, value in (
        ("author_handle", result.author_handle),
        ("author_name", result.author_name),
        ("text", result.text),
    ):
        if value and not row.get(column):
            update[column] = value
    if result.posted_at:
        posted, source = better_posted_at(
            (row.get("posted_at"), row.get("posted_at_source")), (result.posted_at, "api")
        )
        if posted != row.get("posted_at"):
            update["posted_at"], update["posted_at_source"] = posted, source
    if result.media:
        try:
            known = json.loads(row.get("media") or "[]")
        except ValueError:
            known = []
        merged = list(dict.fromkeys([*known, *result.media]))
        if merged != known:
            update["media"] = json.dumps(merged)
    handle = row.get("author_handle") or result.author_handle
    if handle:
        account = account_id(row["platform"], handle)
        if not row.get("account_id"):
            update["account_id"] = account
        existing = db.conn.execute("select platform_id from accounts where id = ?", [account]).fetchone()
        account_status = _ACCOUNT_STATUS.get(result.status)
        answered = (result.author_handle or "").lstrip("@")
        if answered and answered.lower() != handle.lstrip("@").lower():
            # The platform answers for the same post under another handle: the account was renamed. The
            # new handle gets its own row (same platform id); the old one stays, marked, so links hold.
            account_status = "renamed"
            renamed = account_id(row["platform"], answered)
            if db.conn.execute("select 1 from accounts where id = ?", [renamed]).fetchone() is None:
                _insert(
                    db,
                    "accounts",
                    {
                        "id": renamed,
                        "platform": row["platform"],
                        "handle": answered,
                        "name": result.author_name,
                        "platform_id": result.account_platform_id,
                        "status": "active",
                        "status_checked_at": now,
                        "first_seen_at": now,
                        "last_seen_at": now,
                    },
                )
        if existing is None:
            _insert(
                db,
                "accounts",
                {
                    "id": account,
                    "platform": row["platform"],
                    "handle": handle.lstrip("@"),
                    "name": result.author_name,
                    "platform_id": result.account_platform_id,
                    "status": account_status,
                    "status_checked_at": now,
                    "first_seen_at": now,
                    "last_seen_at": now,
                },
            )
        else:
            changes: dict[str, Any] = {}
            if result.account_platform_id and not existing[0]:
                changes["platform_id"] = result.account_platform_id
            if account_status is not None:
                changes["status"] = account_status
                changes["status_checked_at"] = now
            if changes:
                _update(db, "accounts", account, changes)
    return update


# What a post's check says about its author's account (accounts.status): suspended and protected are
# account-wide on every platform checked; any answer showing the post means the account is active.
_ACCOUNT_STATUS = {"suspended": "suspended", "protected": "protected", "available": "active"}


# apply_check runs once per check, thousands of times a run: it writes with plain statements on the
# connection. sqlite-utils' table.update/insert re-read the schema (sqlite_master, table_info) on every call,
# which was ~1 ms of the ~1.1 ms a check cost. Table and column names below come from this module, never
# from data.
def _update(db: Database, table: str, key: str, values: dict[str, Any]) -> None:
    assignments = ", ".join(f"[{column}] = ?" for column in values)
    db.conn.execute(f"update [{table}] set {assignments} where id = ?", [*values.values(), key])


def _insert(db: Database, table: str, values: dict[str, Any]) -> None:
    columns = ", ".join(f"[{column}]" for column in values)
    marks = ", ".join("?" * len(values))
    db.conn.execute(f"insert into [{table}] ({columns}) values ({marks})", list(values.values()))


def _post_row(db: Database, post_id: str) -> dict[str, Any] | None:
    cursor = db.conn.execute("select * from posts where id = ?", [post_id])
    found = cursor.fetchone()
    if found is None:
        return None
    return dict(zip((column[0] for column in cursor.description), found, strict=True))


def apply_check(db: Database, check: Check, policy: Policy) -> Applied:
    """Record ``check`` and move its post's status by the confirmation rule, in one transaction.

    Returns what happened. A check whose key is already recorded is a no-op (``duplicate=True``); a check
    for a post that no longer exists (merged into another) follows ``post_aliases``.
    """
    result = check.result
    with db.atomic():
        conn = db.conn
        if conn.execute("select 1 from checks where id = ?", [check.key]).fetchone() is not None:
            return Applied("duplicate", False, True)
        post_id = check.post_id
        alias = conn.execute("select post_id from post_aliases where alias = ?", [post_id]).fetchone()
        if alias is not None:
            post_id = alias[0]
        row = _post_row(db, post_id)
        if row is None:
            raise KeyError(f"no post {check.post_id}")
        transition = decide(_state(row), result.status, check.checked_at, policy)
        state = transition.state
        update: dict[str, Any] = {
            "status": state.status,
            "status_changed_at": state.status_changed_at,
            "status_checked_at": check.checked_at,
            "pending_status": state.pending_status,
            "pending_since": state.pending_since,
            "unchanged_checks": state.unchanged_checks,
            "check_errors": state.check_errors,
            "next_check_at": transition.next_check_at,
        }
        if result.status != ERROR:
            update["status_detail"] = result.detail
        if result.status == "available":
            update["last_available_at"] = check.checked_at
        update.update(_merge_facts(db, row, result, check.checked_at))
        _update(db, "posts", post_id, update)
        _insert(
            db,
            "checks",
            {
                "id": check.key,
                "post_id": post_id,
                "checked_at": check.checked_at,
                "checker": check.checker,
                "status": result.status,
                "http_status": result.http_status,
                "detail": result.detail,
                "elapsed_ms": check.elapsed_ms,
                "url": check.url,
                "excerpt": result.excerpt,
                "body_sha256": result.body_sha256,
                "outcome": transition.outcome,
                "run_id": check.run_id,
                # Written only when there are headers: a database from before m092 has no such column.
                **({"headers": json.dumps(dict(check.headers))} if check.headers else {}),
                **_as_answered(result),
            },
        )
    return Applied(transition.outcome, transition.changed, False, state.status)


def merge_post(db: Database, old_id: str, new: dict[str, Any], reason: str, now: str) -> str:
    """Merge post ``old_id`` into the post described by ``new`` (a posts row with at least ``id``,
    ``platform``, ``kind``); creates it if needed, re-points embeds, mentions, notes, checks and aliases,
    records ``old_id`` in ``post_aliases`` and deletes the old row. One transaction;
    merging an already merged id is a no-op. Returns the surviving id.
    """
    target = str(new["id"])
    with db.atomic():
        old_rows = list(db.query("select * from posts where id = ?", [old_id]))
        if not old_rows or old_id == target:
            alias = list(db.query("select post_id from post_aliases where alias = ?", [old_id]))
            return str(alias[0]["post_id"]) if alias else str(target)
        old = old_rows[0]
        existing = list(db.query("select * from posts where id = ?", [target]))
        if existing:
            current = existing[0]
            update: dict[str, Any] = {}
            for column in ("url", "native_id", "account_id", "author_handle", "author_name", "text"):
                if not current.get(column) and (new.get(column) or old.get(column)):
                    update[column] = new.get(column) or old.get(column)
            posted = better_posted_at(
                (current.get("posted_at"), current.get("posted_at_source")),
                (new.get("posted_at"), new.get("posted_at_source")),
            )
            posted = better_posted_at(posted, (old.get("posted_at"), old.get("posted_at_source")))
            update["posted_at"], update["posted_at_source"] = posted
            media = [*json.loads(current.get("media") or "[]"), *json.loads(old.get("media") or "[]")]
            update["media"] = json.dumps(list(dict.fromkeys(media)))
            update["first_seen_at"] = min(current["first_seen_at"], old["first_seen_at"])
            update["last_seen_at"] = (
                max(current.get("last_seen_at") or "", old.get("last_seen_at") or "") or None
            )
            db.table("posts").update(target, update)
        else:
            record = {k: v for k, v in old.items()}
            for column, value in new.items():
                if value is not None:
                    record[column] = value
            posted = better_posted_at(
                (old.get("posted_at"), old.get("posted_at_source")),
                (new.get("posted_at"), new.get("posted_at_source")),
            )
            record["posted_at"], record["posted_at_source"] = posted
            record["id"] = target
            # Citation counts (m033) are kept by triggers: the new row starts at none, and re-pointing the
            # old post's embeds below moves its citations over.
            record.pop("citation_count", None)
            if record.get("account_id") and not list(
                db.query("select 1 from accounts where id = ?", [record["account_id"]])
            ):
                record["account_id"] = old.get("account_id")
            db.table("posts").insert(record, pk="id")
        for embed in list(db.query("select * from embeds where post_id = ?", [old_id])):
            new_embed = embed_id(embed["article_id"], target)
            if list(db.query("select 1 from embeds where id = ?", [new_embed])):
                db.execute("delete from embeds where id = ?", [embed["id"]])
            else:
                db.execute(
                    "update embeds set id = ?, post_id = ? where id = ?", [new_embed, target, embed["id"]]
                )
        for table in ("mentions", "verification_notes", "checks"):
            db.execute(f"update [{table}] set post_id = ? where post_id = ?", [target, old_id])
        db.execute("update post_aliases set post_id = ? where post_id = ?", [target, old_id])
        db.table("post_aliases").insert(
            {"alias": old_id, "post_id": target, "reason": reason, "created_at": now},
            pk="alias",
            replace=True,
        )
        db.execute("delete from posts where id = ?", [old_id])
    return target


def update_removed_embeds(
    db: Database, article: str, present_posts: Iterable[str], now: str
) -> dict[str, int]:
    """After re-fetching ``article``: embeds whose post the new version lacks get ``removed_at``; embeds
    that are back lose it. Post ids are resolved through ``post_aliases``.
    Returns ``{"removed": n, "restored": m}``.
    """
    ids = list(dict.fromkeys(present_posts))
    resolved = set(ids)
    if ids:
        marks = ",".join("?" * len(ids))
        for row in db.query(f"select alias, post_id from post_aliases where alias in ({marks})", ids):
            resolved.discard(row["alias"])
            resolved.add(row["post_id"])
    counts = {"removed": 0, "restored": 0}
    with db.atomic():
        for row in list(
            db.query("select id, post_id, removed_at from embeds where article_id = ?", [article])
        ):
            if row["post_id"] in resolved and row["removed_at"] is not None:
                db.table("embeds").update(row["id"], {"removed_at": None})
                counts["restored"] += 1
            elif row["post_id"] not in resolved and row["removed_at"] is None:
                db.table("embeds").update(row["id"], {"removed_at": now})
                counts["removed"] += 1
    return counts


@dataclass(frozen=True, slots=True)
class ArchiveRecord:
    """A Wayback lookup or save result for one post or article."""

    table: str
    id: str
    checked_at: str
    archive_url: str | None = None
    captured_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def record_archive(db: Database, record: ArchiveRecord) -> None:
    """Store a snapshot found (or looked for) for a post or an article; "none found" keeps a known one."""
    if record.table not in ("posts", "articles"):
        raise ValueError(record.table)
    update: dict[str, Any] = {"archive_checked_at": record.checked_at}
    if record.archive_url:
        update["archive_url"] = record.archive_url
        update["archive_captured_at"] = record.captured_at
    with db.atomic():
        db.table(record.table).update(record.id, update)
