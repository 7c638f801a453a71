"""Feedback store: 👍/👎 with an optional comment, kept with the question, answer and citations.

SQLite in WAL mode under ``settings.data_dir`` so that the bureau can review answers; readers never block
the writer. Each call opens its own connection, which keeps the store safe to share across threads.
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Rating = Literal["up", "down"]

MAX_COMMENT_CHARS = 1000

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
    """Append-only store of user feedback in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            conn.commit()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10.0)
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    def add(self, *, rating: Rating, question: str, answer: str, citations: list[Any],
            comment: str = "", channel: str = "web") -> int:
        """Store one feedback record and return its id."""
        if rating not in ("up", "down"):
            raise ValueError("评价只能是 up（有帮助）或 down（没帮助）")
        with closing(self._connect()) as conn:
            cursor = conn.execute(
                "INSERT INTO feedback (created_at, rating, question, answer, citations, comment, channel)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (time.time(), rating, question, answer, json.dumps(citations, ensure_ascii=False),
                 comment[:MAX_COMMENT_CHARS], channel),
            )
            conn.commit()
            return int(cursor.lastrowid or 0)

    def set_comment(self, feedback_id: int, comment: str) -> bool:
        """Attach (or replace) the comment of a stored record; False when the id is unknown."""
        with closing(self._connect()) as conn:
            cursor = conn.execute("UPDATE feedback SET comment = ? WHERE id = ?",
                                  (comment[:MAX_COMMENT_CHARS], int(feedback_id)))
            conn.commit()
            return cursor.rowcount > 0

    def set_rating(self, feedback_id: int, rating: Rating) -> bool:
        """Change the rating of a stored record (the user switched 👍 and 👎)."""
        if rating not in ("up", "down"):
            raise ValueError("评价只能是 up（有帮助）或 down（没帮助）")
        with closing(self._connect()) as conn:
            cursor = conn.execute("UPDATE feedback SET rating = ? WHERE id = ?",
                                  (rating, int(feedback_id)))
            conn.commit()
            return cursor.rowcount > 0

    def recent(self, limit: int = 100) -> list[FeedbackRecord]:
        """The newest records first."""
        with closing(self._connect()) as conn:
            rows = conn.execute(
                "SELECT id, created_at, rating, question, answer, citations, comment, channel"
                " FROM feedback ORDER BY id DESC LIMIT ?", (max(1, min(int(limit), 1000)),),
            ).fetchall()
        return [FeedbackRecord(id=r[0], created_at=r[1], rating=r[2], question=r[3], answer=r[4],
                               citations=json.loads(r[5]), comment=r[6], channel=r[7]) for r in rows]

    def count(self) -> int:
        """How many records are stored."""
        with closing(self._connect()) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    def purge_older_than(self, days: int) -> int:
        """Delete records older than `days` (the retention period); returns how many went."""
        if days <= 0:
            return 0
        cutoff = time.time() - days * 86400
        with closing(self._connect()) as conn:
            cursor = conn.execute("DELETE FROM feedback WHERE created_at < ?", (cutoff,))
            conn.commit()
            return cursor.rowcount
