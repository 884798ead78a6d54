"""What the scale-out coordinator (``tracker.queue``) does with each result a worker sends back: a check's
answer is written through ``tracker.checking.apply_outcome`` and a source's documents through
``db.store.save_extraction``, with their bodies kept first (``db.bodies``), exactly as a local run writes
them. A malformed result is recorded as a failure of its post or source; the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from embedtrail.db.bodies import BodyStore, StoreError, keep_body
from embedtrail.db.store import save_extraction
from embedtrail.scrapers.records import Capture, CheckResult, Extraction

from .checkers import Checked, Target
from .checkers.base import Answer
from .checkers.flow import Outcome
from .checking import RefreshReport, apply_outcome
from .config import Config
from .ingest import IngestReport
from .queue_codec import from_json
from .sources import Failure

__all__ = ["apply_check_result", "apply_source_result"]


def apply_check_result(
    db: Database,
    payload: dict[str, Any],
    config: Config,
    now: Callable[[], str],
    run_id: int | None,
    report: RefreshReport,
    progress: Callable[[], None] | None,
    store: BodyStore | None = None,
) -> None:
    """Write one check job's result through ``apply_outcome`` (as a local run writes its checks), keyed by
    the job id."""
    post = str(payload.get("post", ""))
    if payload.get("kind") != "check":
        report.error(post, f"unexpected result kind {payload.get('kind')!r}")
        return
    try:
        checked_data = payload.get("checked")
        checked = (
            None
            if checked_data is None
            else Checked(
                from_json(CheckResult, checked_data["result"]),
                checked_data.get("url") or "",
                checked_data.get("elapsed_ms") or 0,
                None if checked_data.get("answer") is None else from_json(Answer, checked_data["answer"]),
            )
        )
        merge = payload.get("merge")
        target = Target(post, post.split(":", 1)[0], None, None)
        outcome = Outcome(
            target,
            str(payload["checker"]),
            checked,
            None if not merge else merge["row"],
            None if not merge else str(merge["reason"]),
        )
    except Exception as error:  # a malformed result: recorded, the batch goes on
        report.error(post, f"unreadable result: {type(error).__name__}: {error}")
        return
    written = apply_outcome(
        db,
        outcome,
        config.refresh,
        key=str(payload["job"]),
        now=now(),
        run_id=run_id,
        report=report,
        store=store,
    )
    if written and progress is not None:
        progress()


def apply_source_result(
    db: Database,
    payload: dict[str, Any],
    now: Callable[[], str],
    report: IngestReport,
    progress: Callable[[str, str | None], None] | None,
    store: BodyStore | None = None,
) -> None:
    """Save one source job's documents (each body kept before its capture) and count them in ``report``."""
    source = str(payload.get("source", ""))
    error: str | None = None
    for item_source, reason in payload.get("failures", []):
        error = report.fail(str(item_source), str(reason))
    for document in payload.get("documents", []):
        report.documents += 1
        try:
            capture = from_json(Capture, document["capture"])
            extraction = from_json(Extraction, document["extraction"])
            if "body" in document:  # workers from before the evidence store send none
                keep_body(db, store, from_json(bytes, document["body"]), capture.sha256, now())
            saved = save_extraction(db, capture, extraction, now())
            report.notices.extend(Failure(source, notice) for notice in extraction.notices)
        except StoreError as error_:  # as in tracker.pipeline: kept with its bytes or not at all
            error = report.fail(source, f"not saved: {error_}")
            continue
        except Exception as exc:  # recorded per source; its savepoint was rolled back
            error = report.fail(source, f"database write failed: {type(exc).__name__}: {exc}")
            continue
        report.saved_one(saved)
    if progress:
        progress(source, error)
