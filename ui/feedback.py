"""Feedback store: 👍/👎 with an optional comment, kept with the question, answer and citations.

SQLite in WAL mode under ``settings.data_dir`` so that the bureau can review answers; readers never block
the writer, and a write acknowledged to the user is committed (a killed server loses nothing it
acknowledged). Each call opens its own connection, which keeps the store safe to share across threads.

The store never takes the app down: when the data directory is read-only, the disk is full or the file
is damaged, the failure is logged (error class and the system's message, never the feedback text) and
counted, and the caller gets `FeedbackUnavailable` (HTTP 503 with a Chinese message). Answers do not
depend on the store. Records older than the retention period (`PA_FEEDBACK_RETENTION_DAYS`) are deleted
at start-up and then at most hourly while the app runs.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal, TypeVar

from ui.errors import ApiError, error_class_of

Rating = Literal["up", "down"]

MAX_COMMENT_CHARS = 1000
PURGE_INTERVAL_S = 3600.0
UNAVAILABLE_MESSAGE = "反馈暂时无法保存（存储不可用），请稍后再试；问答和检索不受影响"

log = logging.getLogger(__name__)

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at  REAL    NOT NULL,
    rating      TEXT    NOT NULL CHECK (rating IN ('up', 'down')),
    question    TEXT    NOT NULL,
    answer      TEXT    NOT NULL,
    citations   TEXT    NOT NULL,
    comment     TEXT    NOT NULL DEFAULT '',
    channel     TEXT    NOT NULL DEFAULT 'web'
);
CREATE INDEX IF NOT EXISTS feedback_created ON feedback (created_at);
"""


class FeedbackUnavailable(ApiError):
    """The store could not read or write (read-only directory, full disk, damaged file): HTTP 503."""

    def __init__(self, operation: str, cause: BaseException | None = None) -> None:
        super().__init__(503, "feedback_unavailable", UNAVAILABLE_MESSAGE)
        self.operation = operation
        self.cause = cause


@dataclass(frozen=True)
class FeedbackRecord:
    """One stored piece of feedback."""

    id: int
    created_at: float
    rating: Rating
    question: str
    answer: str
    citations: list[Any]
    comment: str
    channel: str

    def to_dict(self) -> dict[str, Any]:
        """JSON shape for the review route."""
        return {
            "id": self.id,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self.created_at)),
            "rating": self.rating,
            "question": self.question,
            "answer": self.answer,
            "citations": self.citations,
            "comment": self.comment,
            "channel": self.channel,
        }


class FeedbackStore:
    """Append-only store of user feedback in one SQLite file.

    `retention_days` > 0 deletes records older than that many days (at most once per
    `PURGE_INTERVAL_S`, after a write); 0 keeps records until an administrator deletes them.
    """

    def __init__(self, path: Path, retention_days: int = 0) -> None:
        self.path = Path(path)
        self.retention_days = int(retention_days)
        self.write_failures = 0
        self._lock = threading.Lock()  # opening the store
        self._count_lock = threading.Lock()
        self._ready = False
        self._last_purge: float | None = None
        try:
            self._ensure_ready()
        except FeedbackUnavailable:
            pass  # logged; the app serves answers, and the next write tries again

    # ------------------------------------------------------------------------------------ internals

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10.0)
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with closing(self._connect()) as conn:
                    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                    if str(mode).lower() != "wal":
                        log.warning("feedback store is not in WAL mode", extra={"event": "feedback_store",
                                                                                  "operation": "open"})
                    conn.executescript(_SCHEMA)
                    conn.commit()
            except (sqlite3.Error, OSError) as exc:
                raise self._failed("open", exc) from exc
            self._ready = True

    def _failed(self, operation: str, exc: BaseException) -> FeedbackUnavailable:
        """Log and count a storage failure (no feedback text is logged) and return the error to raise."""
        with self._count_lock:
            self.write_failures += 1
        log.error("feedback store %s failed: %s: %s", operation, type(exc).__name__, exc,
                  extra={"event": "feedback_store_failure", "operation": operation,
                         "error_class": error_class_of(exc)})
        return FeedbackUnavailable(operation, exc)

    def _run(self, operation: str, work: Callable[[sqlite3.Connection], T]) -> T:
        self._ensure_ready()
        try:
            with closing(self._connect()) as conn:
                return work(conn)
        except (sqlite3.Error, OSError) as exc:
            raise self._failed(operation, exc) from exc

    # ------------------------------------------------------------------------------------ writes

    def add(self, *, rating: Rating, question: str, answer: str, citations: list[Any],
            comment: str = "", channel: str = "web") -> int:
        """Store one feedback record and return its id (committed before returning)."""
        if rating not in ("up", "down"):
            raise ValueError("评价只能是 up（有帮助）或 down（没帮助）")
        row = (time.time(), rating, question, answer, json.dumps(citations, ensure_ascii=False),
               comment[:MAX_COMMENT_CHARS], channel)

        def insert(conn: sqlite3.Connection) -> int:
            cursor = conn.execute(
                "INSERT INTO feedback (created_at, rating, question, answer, citations, comment, channel)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)", row)
            conn.commit()
            return int(cursor.lastrowid or 0)

        feedback_id = self._run("add", insert)
        self._maybe_purge()
        return feedback_id

    def set_comment(self, feedback_id: int, comment: str) -> bool:
        """Attach (or replace) the comment of a stored record; False when the id is unknown."""
        def update(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute("UPDATE feedback SET comment = ? WHERE id = ?",
                                  (comment[:MAX_COMMENT_CHARS], int(feedback_id)))
            conn.commit()
            return cursor.rowcount > 0

        return self._run("set_comment", update)

    def set_rating(self, feedback_id: int, rating: Rating) -> bool:
        """Change the rating of a stored record (the user switched 👍 and 👎)."""
        if rating not in ("up", "down"):
            raise ValueError("评价只能是 up（有帮助）或 down（没帮助）")

        def update(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute("UPDATE feedback SET rating = ? WHERE id = ?",
                                  (rating, int(feedback_id)))
            conn.commit()
            return cursor.rowcount > 0

        return self._run("set_rating", update)

    # ------------------------------------------------------------------------------------ reads

    def recent(self, limit: int = 100) -> list[FeedbackRecord]:
        """The newest records first."""
        def select(conn: sqlite3.Connection) -> list[tuple]:
            return conn.execute(
                "SELECT id, created_at, rating, question, answer, citations, comment, channel"
                " FROM feedback ORDER BY id DESC LIMIT ?", (max(1, min(int(limit), 1000)),),
            ).fetchall()

        rows = self._run("recent", select)
        return [FeedbackRecord(id=r[0], created_at=r[1], rating=r[2], question=r[3], answer=r[4],
                               citations=json.loads(r[5]), comment=r[6], channel=r[7]) for r in rows]

    def count(self) -> int:
        """How many records are stored."""
        return self._run("count", lambda conn: int(conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]))

    # ------------------------------------------------------------------------------------ retention

    def purge_older_than(self, days: int) -> int:
        """Delete records older than `days` (the retention period); returns how many went.

        Never raises: a store that cannot be written is logged, and 0 is returned.
        """
        if days <= 0:
            return 0
        cutoff = time.time() - days * 86400

        def delete(conn: sqlite3.Connection) -> int:
            cursor = conn.execute("DELETE FROM feedback WHERE created_at < ?", (cutoff,))
            conn.commit()
            return cursor.rowcount

        self._last_purge = time.monotonic()
        try:
            removed = self._run("purge", delete)
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
