"""``embedtrail export``: the stored evidence of chosen articles and posts as one WACZ file a newsroom can
cite, open in ReplayWeb.page and check with ``wacz validate``.

The WACZ (1.1.1) holds ``archive/data.warc.gz`` with one WARC record per stored body, under its original
target URI, date and HTTP headers: every capture of each chosen article (a ``response`` record, or a
``resource`` record for a saved file, named by the article's URL, never by a local path), every platform
answer behind the checks of each chosen post and of each post a chosen article cites (``response``), and
their downloaded media; one ``resource`` record ``urn:embedtrail:rows`` with embedtrail's own rows for those
items as JSON (what it saw, where and when, and what is left out and why). Beside it: a CDXJ index
(``indexes/index.cdx``, written by Webrecorder's ``cdxj-indexer``), ``pages/pages.jsonl``,
``datapackage.json`` with the sha256 of every file and ``datapackage-digest.json``. Bodies that were
forgotten on request or are missing from the store are not exported and are named. Nothing is fetched; the
file is written aside and renamed, so a killed export leaves no partial WACZ under the chosen name.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from importlib import metadata
from pathlib import Path
from typing import Any

from cdxj_indexer.main import CDXJIndexer  # type: ignore[import-untyped]
from sqlite_utils import Database
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from embedtrail.db.bodies import BodyStore, StoreError, forgotten_tombstones
from embedtrail.db.serving import without_local_paths
from embedtrail.db.store import find_article, find_post
from embedtrail.scrapers.times import stored_utc

__all__ = ["WACZ_VERSION", "ExportReport", "LeftOut", "Signer", "export_wacz", "resolve_items"]

WACZ_VERSION = "1.1.1"
WARC_NAME = "data.warc.gz"
ROWS_URI = "urn:embedtrail:rows"
# The scratch directory an export writes in, beside its output: ``<SCRATCH><pid>-<random>``.
SCRATCH = ".embedtrail-export-"
# Headers that describe the transfer, not the content: the stored body is the decoded content, so they
# would make a replay tool decode it a second time.
_TRANSFER_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class LeftOut:
    """A body the export could not include, and why."""

    sha256: str
    named_by: str
    reason: str


@dataclass
class ExportReport:
    """What an export wrote: records per kind, bytes, and what it left out."""

    path: Path
    articles: list[str] = field(default_factory=list)
    posts: list[str] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)
    left_out: list[LeftOut] = field(default_factory=list)
    bytes: int = 0
    signed: bool = False
    # Why a configured signer did not sign, when it did not.
    not_signed: str | None = None

    def counts(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "articles": self.articles,
            "posts": self.posts,
            "records": dict(sorted(self.records.items())),
            "left_out": [vars(item) for item in self.left_out],
            "bytes": self.bytes,
            "signed": self.signed,
        }


def _rows(db: Database, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    return [dict(row) for row in db.query(sql, list(params))]


def resolve_items(
    db: Database, articles: Iterable[str], posts: Iterable[str]
) -> tuple[list[str], list[str], list[str]]:
    """The article and post ids named (aliases, old ids and article URLs resolved), and the names that
    match nothing."""
    found_articles: dict[str, None] = {}
    found_posts: dict[str, None] = {}
    unknown: list[str] = []
    for given in articles:
        article = find_article(db, given)
        if article is None:
            unknown.append(given)
        else:
            found_articles[article] = None
    for given in posts:
        post = find_post(db, given)
        if post is None:
            unknown.append(given)
        else:
            found_posts[post] = None
    return list(found_articles), list(found_posts), unknown


def _http_headers(stored: Any, status: int | None, content_type: str | None, size: int) -> tuple[Any, bool]:
    """The HTTP status line and headers of a response record: the ones recorded, or (when none were kept)
    a minimal block from the status and content type; True when synthesised."""
    try:
        recorded = json.loads(stored) if isinstance(stored, str) and stored else None
    except ValueError:
        recorded = None
    code = status or 200
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = "Unknown"
    line = f"{code} {phrase}"
    if isinstance(recorded, dict) and recorded:
        pairs = [
            (str(name), str(value))
            for name, value in recorded.items()
            if str(name).lower() not in _TRANSFER_HEADERS
        ]
        pairs.append(("Content-Length", str(size)))
        return StatusAndHeaders(line, pairs, protocol="HTTP/1.1"), False
    pairs = [("Content-Type", content_type or "application/octet-stream"), ("Content-Length", str(size))]
    return StatusAndHeaders(line, pairs, protocol="HTTP/1.1"), True


@dataclass
class _Record:
    kind: str  # capture, answer, media
    sha256: str
    uri: str
    date: str
    status: int | None
    headers: Any
    content_type: str | None
    named_by: str
    title: str | None = None
    resource: bool = False


class _Writer:
    """The WARC being written, and what went into it."""

    def __init__(
        self, fh: Any, store: BodyStore | None, report: ExportReport, forgotten: dict[str, str]
    ) -> None:
        self.warc = WARCWriter(fh, gzip=True)
        self.store = store
        self.report = report
        self.forgotten = forgotten
        self.pages: list[dict[str, Any]] = []
        self.written: set[tuple[str, str, str]] = set()

    def body(self, record: _Record) -> bytes | None:
        if record.sha256 in self.forgotten:
            self.report.left_out.append(
                LeftOut(record.sha256, record.named_by, self.forgotten[record.sha256])
            )
            return None
        if self.store is None:
            self.report.left_out.append(LeftOut(record.sha256, record.named_by, "no evidence store"))
            return None
        try:
            data = self.store.read(record.sha256)
        except StoreError as error:
            self.report.left_out.append(LeftOut(record.sha256, record.named_by, f"not in the store: {error}"))
            return None
        if hashlib.sha256(data).hexdigest() != record.sha256:
            self.report.left_out.append(
                LeftOut(record.sha256, record.named_by, "stored bytes altered (run 'embedtrail verify')")
            )
            return None
        return data

    def add(self, record: _Record) -> None:
        key = (record.sha256, record.uri, record.date)
        if key in self.written:  # the same answer named by two rows (a post cited twice)
            return
        data = self.body(record)
        if data is None:
            return
        self.written.add(key)
        warc_headers = {
            "WARC-Date": stored_utc(record.date),
            # The sha256 the database names the body by, so a reader can match record and row.
            "WARC-Embedtrail-Sha256": record.sha256,
            "WARC-Embedtrail-Source": record.named_by,
        }
        if record.resource:
            warc_headers["Content-Type"] = record.content_type or "application/octet-stream"
            warc = self.warc.create_warc_record(
                record.uri,
                "resource",
                payload=io.BytesIO(data),
                length=len(data),
                warc_headers_dict=warc_headers,
            )
        else:
            http, synthesised = _http_headers(record.headers, record.status, record.content_type, len(data))
            if synthesised:
                warc_headers["WARC-Embedtrail-Note"] = (
                    "HTTP headers not recorded; minimal headers synthesised"
                )
            warc = self.warc.create_warc_record(
                record.uri,
                "response",
                payload=io.BytesIO(data),
                length=len(data),
                http_headers=http,
                warc_headers_dict=warc_headers,
            )
        self.warc.write_record(warc)
        self.report.records[record.kind] = self.report.records.get(record.kind, 0) + 1
        if record.kind == "capture":
            self.pages.append(
                {"url": record.uri, "ts": stored_utc(record.date), "title": record.title or record.uri}
            )

    def rows(self, rows: dict[str, Any], created: str) -> None:
        data = json.dumps(rows, ensure_ascii=False, indent=1, default=str).encode()
        warc = self.warc.create_warc_record(
            ROWS_URI,
            "resource",
            payload=io.BytesIO(data),
            length=len(data),
            warc_headers_dict={"WARC-Date": created, "Content-Type": "application/json"},
        )
        self.warc.write_record(warc)


def _in(column: str, values: list[str]) -> tuple[str, list[str]]:
    return f"{column} in (select value from json_each(?))", [json.dumps(values)]


def _gather(db: Database, articles: list[str], posts: list[str]) -> tuple[dict[str, Any], list[_Record]]:
    """embedtrail's rows for the chosen items, and the records of their stored bodies."""
    rows: dict[str, Any] = {}
    where, params = _in("id", articles)
    rows["articles"] = _rows(db, f"select * from articles where {where} order by id", params)
    where, params = _in("article_id", articles)
    for table in ("captures", "embeds", "mentions", "verification_notes"):
        rows[table] = _rows(db, f"select * from [{table}] where {where} order by id", params)
    # An article's evidence includes the answers about the posts it cites.
    cited = [row["post_id"] for row in rows["embeds"]] + [
        row["post_id"] for row in rows["mentions"] if row.get("post_id")
    ]
    all_posts = list(dict.fromkeys([*posts, *cited]))
    where, params = _in("id", all_posts)
    rows["posts"] = _rows(db, f"select * from posts where {where} order by id", params)
    where, params = _in("post_id", all_posts)
    rows["checks"] = (
        _rows(db, f"select * from checks where {where} order by post_id, checked_at", params)
        if db["checks"].exists()
        else []
    )
    rows["media"] = (
        _rows(db, f"select * from media where {where} and outcome = 'kept' order by id", params)
        if db["media"].exists()
        else []
    )
    titles = {row["id"]: row.get("title") for row in rows["articles"]}
    urls = {row["id"]: row["url"] for row in rows["articles"]}
    records: list[_Record] = []
    for capture in rows["captures"]:
        file = capture.get("origin") == "file"
        records.append(
            _Record(
                kind="capture",
                sha256=capture["sha256"],
                # A saved file is named by its article's URL (declared, or urn:sha256), not the reader's path.
                uri=urls[capture["article_id"]] if file else (capture.get("final_url") or capture["url"]),
                date=capture["fetched_at"],
                status=capture.get("http_status"),
                headers=capture.get("headers"),
                content_type=capture.get("content_type"),
                named_by=f"capture {capture['id']} of article {capture['article_id']}",
                title=titles.get(capture["article_id"]),
                resource=file,
            )
        )
    for check in rows["checks"]:
        if check.get("body_sha256") and check.get("url"):
            headers = check.get("headers")
            content_type = None
            try:
                content_type = (json.loads(headers) or {}).get("content-type") if headers else None
            except ValueError:
                content_type = None
            records.append(
                _Record(
                    kind="answer",
                    sha256=check["body_sha256"],
                    uri=check["url"],
                    date=check["checked_at"],
                    status=check.get("http_status"),
                    headers=headers,
                    content_type=content_type,
                    named_by=f"check {check['id']} of post {check['post_id']}",
                )
            )
    for item in rows["media"]:
        records.append(
            _Record(
                kind="media",
                sha256=item["sha256"],
                uri=item["url"],
                date=item["fetched_at"],
                status=item.get("http_status"),
                headers=None,
                content_type=item.get("content_type"),
                named_by=f"media {item['id']} of post {item['post_id']}",
            )
        )
    return rows, records


def _software() -> str:
    try:
        return f"embedtrail {metadata.version('embedtrail')}"
    except metadata.PackageNotFoundError:
        return "embedtrail"


# Signs a digest: the server's ``signedData``, or the reason it could not sign.
Signer = Callable[[str, str], dict[str, Any] | str]


def export_wacz(
    db: Database,
    store: BodyStore | None,
    articles: list[str],
    posts: list[str],
    path: Path,
    now: str,
    signer: Signer | None = None,
) -> ExportReport:
    """Write the WACZ of ``articles`` and ``posts`` (ids as stored) to ``path``; returns what it holds.
    ``signer(hash, created)`` returns the ``signedData`` of ``datapackage-digest.json`` (an authsign
    server's answer), or why it could not sign (the export is then unsigned, and ``not_signed`` says why)."""
    report = ExportReport(path, list(articles), list(posts))
    created = stored_utc(now)
    rows, records = _gather(db, articles, posts)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(path.parent)
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH}{os.getpid()}-", dir=path.parent) as scratch:
        warc_path = Path(scratch) / WARC_NAME
        with warc_path.open("wb") as fh:
            tombstones = forgotten_tombstones(db)
            forgotten = {sha: f"forgotten on request {at}: {why}" for sha, (at, why) in tombstones.items()}
            writer = _Writer(fh, store, report, forgotten)
            for record in records:
                writer.add(record)
            # An export leaves the machine: no row names the exporter's folders (as with publish).
            for table in ("articles", "captures"):
                rows[table] = [without_local_paths(table, row) for row in rows[table]]
            rows["left_out"] = [vars(item) for item in report.left_out]
            rows["exported_at"] = created
            rows["software"] = _software()
            writer.rows(rows, created)
        index = io.StringIO()
        CDXJIndexer(output=index, inputs=[str(warc_path)], sort=True, filename=WARC_NAME).process_all()
        title = _title(rows)
        pages = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": title})]
        pages += [
            json.dumps({"id": f"page-{number}", **page}, ensure_ascii=False)
            for number, page in enumerate(writer.pages, 1)
        ]
        members: list[tuple[str, bytes | Path, int]] = [
            (f"archive/{WARC_NAME}", warc_path, zipfile.ZIP_STORED),
            ("indexes/index.cdx", index.getvalue().encode(), zipfile.ZIP_STORED),
            ("pages/pages.jsonl", ("\n".join(pages) + "\n").encode(), zipfile.ZIP_DEFLATED),
        ]
        package = _datapackage(members, title, rows, created, writer.pages)
        package_bytes = json.dumps(package, indent=2).encode()
        digest: dict[str, Any] = {
            "path": "datapackage.json",
            "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest(),
        }
        if signer is not None:
            signed = signer(digest["hash"], created)
            if isinstance(signed, dict):
                digest["signedData"] = signed
                report.signed = True
            else:
                report.not_signed = signed
        members.append(("datapackage.json", package_bytes, zipfile.ZIP_DEFLATED))
        members.append(
            ("datapackage-digest.json", json.dumps(digest, indent=2).encode(), zipfile.ZIP_DEFLATED)
        )
        partial = Path(scratch) / "export.wacz"
        with zipfile.ZipFile(partial, "w") as wacz:
            for name, content, compression in members:
                if isinstance(content, Path):
                    wacz.write(content, name, compress_type=compression)
                else:
                    wacz.writestr(
                        zipfile.ZipInfo(name, _zip_time(created)), content, compress_type=compression
                    )
        with partial.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, path)
    report.bytes = path.stat().st_size
    return report


def _remove_abandoned(directory: Path) -> None:
    """Scratch directories a killed export left beside its output (their process is gone)."""
    for scratch in directory.glob(f"{SCRATCH}*"):
        pid = scratch.name.removeprefix(SCRATCH).split("-", 1)[0]
        if not pid.isdigit() or _running(int(pid)):
            continue
        shutil.rmtree(scratch, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _zip_time(created: str) -> tuple[int, int, int, int, int, int]:
    moment = datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _title(rows: dict[str, Any]) -> str:
    articles = rows["articles"]
    if len(articles) == 1:
        return f"embedtrail evidence: {articles[0].get('title') or articles[0]['url']}"
    return f"embedtrail evidence: {len(articles)} article(s), {len(rows['posts'])} post(s)"


def _datapackage(
    members: list[tuple[str, bytes | Path, int]],
    title: str,
    rows: dict[str, Any],
    created: str,
    pages: list[dict[str, Any]],
) -> dict[str, Any]:
    resources = []
    for name, content, _compression in members:
        if isinstance(content, Path):
            with content.open("rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
            size = content.stat().st_size
        else:
            digest, size = hashlib.sha256(content).hexdigest(), len(content)
        resources.append(
            {"name": Path(name).name.lower(), "path": name, "hash": f"sha256:{digest}", "bytes": size}
        )
    package: dict[str, Any] = {
        "profile": "data-package",
        "resources": resources,
        "title": title,
        "description": (
            "Captures of the articles, the platform answers about the posts they cite and embedtrail's own "
            f"rows ({ROWS_URI}): {len(rows['articles'])} article(s), {len(rows['posts'])} post(s)."
        ),
        "created": created,
        "wacz_version": WACZ_VERSION,
        "software": _software(),
    }
    if pages:
        package["mainPageURL"] = pages[0]["url"]
        package["mainPageDate"] = pages[0]["ts"]
    return package
