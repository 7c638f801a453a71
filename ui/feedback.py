"""Feedback store: 👍/👎 with an optional comment, kept with the question, answer and citations.

The records live in the durable store (`storage`): a SQLite file in WAL mode under ``settings.data_dir``
by default, or the PostgreSQL server that ``PA_DATABASE_URL`` names, which several replicas share. A write
acknowledged to the user is committed (a killed server loses nothing it acknowledged). Each call opens
its own connection, which keeps the store safe to share across threads and processes.

The store never takes the app down: when the data directory is read-only, the disk is full, the file
is damaged or the database server is unreachable, the failure is logged (error class and the system's
message, never the feedback text) and counted, and the caller gets `FeedbackUnavailable` (HTTP 503 with
a Chinese message). Answers do not depend on the store. Records older than the retention period
(`PA_FEEDBACK_RETENTION_DAYS`) are deleted at start-up and then at most hourly while the app runs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import threading
import time
from collections.abc import Callable
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from fastapi.responses import Response

from storage import Database, FeedbackRecord, FeedbackRow, FeedbackTable, StorageError
from storage.feedback import MAX_COMMENT_CHARS, Rating, check_rating
from ui.errors import ApiError, error_class_of
from ui.precheck_batch import csv_download

__all__ = ["MAX_COMMENT_CHARS", "FeedbackRecord", "FeedbackStore", "FeedbackUnavailable", "Rating"]

PURGE_INTERVAL_S = 3600.0
UNAVAILABLE_MESSAGE = "反馈暂时无法保存（存储不可用），请稍后再试；问答和检索不受影响"

log = logging.getLogger(__name__)

T = TypeVar("T")


class FeedbackUnavailable(ApiError):
    """The store could not read or write (read-only directory, full disk, damaged file): HTTP 503."""

    def __init__(self, operation: str, cause: BaseException | None = None) -> None:
        super().__init__(503, "feedback_unavailable", UNAVAILABLE_MESSAGE)
        self.operation = operation
        self.cause = cause


class FeedbackStore:
    """Append-only store of user feedback in the durable store (`db`: a `Database`, or a SQLite file path).

    `retention_days` > 0 deletes records older than that many days (at most once per
    `PURGE_INTERVAL_S`, after a write); 0 keeps records until an administrator deletes them.
    """

    def __init__(self, db: Database | Path, retention_days: int = 0) -> None:
        self.db = db if isinstance(db, Database) else Database("sqlite", path=Path(db))
        self.table = FeedbackTable(self.db)
        self.retention_days = int(retention_days)
        self.write_failures = 0
        self.on_failure: Callable[[], None] | None = None  # the app's metrics count failures through it
        self._lock = threading.Lock()  # opening the store
        self._count_lock = threading.Lock()
        self._ready = False
        self._last_purge: float | None = None
        # Logged when it fails; the app serves answers, and the next write tries again.
        with contextlib.suppress(FeedbackUnavailable):
            self._ensure_ready()

    @property
    def path(self) -> Path | None:
        """The SQLite file (None with PostgreSQL)."""
        return self.db.path

    # ------------------------------------------------------------------------------------ internals

    def _connect(self) -> Any:
        return self.db.connect()

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            try:
                self.db.migrate()
            except StorageError as exc:
                raise self._failed("open", exc) from exc
            self._ready = True

    def _failed(self, operation: str, exc: BaseException) -> FeedbackUnavailable:
        """Log and count a storage failure (no feedback text is logged) and return the error to raise."""
        with self._count_lock:
            self.write_failures += 1
        if self.on_failure is not None:
            self.on_failure()
        log.error("feedback store %s failed: %s: %s", operation, type(exc).__name__, exc,
                  extra={"event": "feedback_store_failure", "operation": operation,
                         "error_class": error_class_of(exc)})
        return FeedbackUnavailable(operation, exc)

    def _run(self, operation: str, work: Callable[[Any], T]) -> T:
        self._ensure_ready()
        try:
            with closing(self._connect()) as conn:
                return work(conn)
        except StorageError as exc:
            raise self._failed(operation, exc) from exc

    # ------------------------------------------------------------------------------------ writes

    def add(self, *, rating: Rating, question: str, answer: str, citations: list[Any],
            comment: str = "", channel: str = "web", history: list[dict[str, str]] | None = None,
            index_build: str | None = None) -> int:
        """Store one feedback record and return its id (committed before returning)."""
        check_rating(rating)
        row = FeedbackRow(rating=rating, question=question, answer=answer, citations=citations,
                          comment=comment, channel=channel, history=list(history or []),
                          index_build=index_build or "")
        feedback_id = self._run("add", lambda conn: self.table.add(conn, row))
        self._maybe_purge()
        return feedback_id

    def set_comment(self, feedback_id: int, comment: str) -> bool:
        """Attach (or replace) the comment of a stored record; False when the id is unknown."""
        return self._run("set_comment", lambda conn: self.table.set_comment(conn, feedback_id, comment))

    def set_rating(self, feedback_id: int, rating: Rating) -> bool:
        """Change the rating of a stored record (the user switched 👍 and 👎)."""
        check_rating(rating)
        return self._run("set_rating", lambda conn: self.table.set_rating(conn, feedback_id, rating))

    # ------------------------------------------------------------------------------------ reads

    def recent(self, limit: int = 100, **filters: Any) -> list[FeedbackRecord]:
        """The newest records first (filters: rating, since, until — see `FeedbackTable.recent`)."""
        return self._run("recent", lambda conn: self.table.recent(conn, limit, **filters))

    def count(self) -> int:
        """How many records are stored."""
        return self._run("count", self.table.count)

    # ------------------------------------------------------------------------------------ retention

    def purge_older_than(self, days: int) -> int:
        """Delete records older than `days` (the retention period); returns how many went.

        Never raises: a store that cannot be written is logged, and 0 is returned.
        """
        if days <= 0:
            return 0
        cutoff = time.time() - days * 86400
        self._last_purge = time.monotonic()
        try:
            removed = self._run("purge", lambda conn: self.table.delete_older_than(conn, cutoff))
        except FeedbackUnavailable:
            return 0
        if removed:
            log.info("feedback retention: deleted %d records older than %d days", removed, days,
                     extra={"event": "feedback_purge", "operation": "purge"})
        return removed

    def purge_expired(self) -> int:
        """Apply the configured retention period now."""
        return self.purge_older_than(self.retention_days)

    def _maybe_purge(self) -> None:
        if self.retention_days > 0 and (self._last_purge is None
                                        or time.monotonic() - self._last_purge >= PURGE_INTERVAL_S):
            self.purge_expired()


def day_bounds(since: str | None, until: str | None) -> dict[str, float]:
    """Epoch bounds of the days [since, until] (local time, both included); 400 on a malformed date."""
    bounds: dict[str, float] = {}
    for name, value, shift in (("since", since, 0), ("until", until, 1)):
        if value:
            try:
                day = date.fromisoformat(value.strip())
            except ValueError:
                raise ApiError(400, "invalid_date", f"日期“{value}”格式不正确，应为 YYYY-MM-DD") from None
            bounds[name] = time.mktime((day + timedelta(days=shift)).timetuple())
    return bounds


FEEDBACK_CSV_COLUMNS = ("id", "created_at", "rating", "comment", "question", "history", "answer", "citations",
                        "index_build", "channel")


def feedback_csv(records: list[FeedbackRecord]) -> Response:
    """Feedback records as a CSV download (history and citations as JSON text)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FEEDBACK_CSV_COLUMNS)
    for record in records:
        row = record.to_dict()
        writer.writerow([json.dumps(row[c], ensure_ascii=False) if isinstance(row[c], (list, dict)) else row[c]
                         for c in FEEDBACK_CSV_COLUMNS])
    return csv_download(out.getvalue(), "feedback.csv")
