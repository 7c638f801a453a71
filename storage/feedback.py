"""Feedback records: 👍/👎 with an optional comment, kept with the question, answer and citations.

Statements only; each method takes an open connection from `Database.connect()` (the caller owns it,
so that it can decide how failures are reported) and commits its own writes before returning.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from storage.db import Database

Rating = Literal["up", "down"]
RATINGS = ("up", "down")
MAX_COMMENT_CHARS = 1000
MAX_LIST = 1000
MAX_HISTORY_TURNS = 10  # the turns kept before the rated question (the newest ones)
MAX_HISTORY_TURN_CHARS = 2000

_COLUMNS = "id, created_at, rating, question, answer, citations, comment, channel, history, index_build"


@dataclass(frozen=True)
class FeedbackRow:
    """What a user gave, before it is stored."""

    rating: Rating
    question: str
    answer: str
    citations: list[Any]
    comment: str = ""
    channel: str = "web"
    history: list[dict[str, str]] = field(default_factory=list)  # [{role, content}] before the question
    index_build: str = ""  # the index build that answered


def bounded_history(history: list[dict[str, str]]) -> list[dict[str, str]]:
    """The last `MAX_HISTORY_TURNS` turns, each cut to `MAX_HISTORY_TURN_CHARS`."""
    return [{"role": str(t.get("role", "")), "content": str(t.get("content", ""))[:MAX_HISTORY_TURN_CHARS]}
            for t in history[-MAX_HISTORY_TURNS:]]


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
    history: list[dict[str, str]] = field(default_factory=list)
    index_build: str = ""

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
            "history": self.history,
            "index_build": self.index_build,
        }


def check_rating(rating: str) -> None:
    if rating not in RATINGS:
        raise ValueError("评价只能是 up（有帮助）或 down（没帮助）")


class FeedbackTable:
    """The ``feedback`` table of one database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, conn: Any, row: FeedbackRow, now: float | None = None) -> int:
        """Insert and commit; returns the new id."""
        check_rating(row.rating)
        cursor = conn.execute(
            self.db.sql("INSERT INTO feedback (created_at, rating, question, answer, citations, comment, channel,"
                        " history, index_build) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
            (time.time() if now is None else now, row.rating, row.question, row.answer,
             json.dumps(row.citations, ensure_ascii=False), row.comment[:MAX_COMMENT_CHARS], row.channel,
             json.dumps(bounded_history(row.history), ensure_ascii=False), row.index_build))
        feedback_id = int(cursor.fetchone()[0])
        conn.commit()
        return feedback_id

    def _update(self, conn: Any, column: str, value: Any, feedback_id: int) -> bool:
        cursor = conn.execute(self.db.sql(f"UPDATE feedback SET {column} = ? WHERE id = ?"),
                              (value, int(feedback_id)))
        conn.commit()
        return cursor.rowcount > 0

    def set_comment(self, conn: Any, feedback_id: int, comment: str) -> bool:
        """Attach (or replace) the comment; False when the id is unknown."""
        return self._update(conn, "comment", comment[:MAX_COMMENT_CHARS], feedback_id)

    def set_rating(self, conn: Any, feedback_id: int, rating: Rating) -> bool:
        """Change the rating (the user switched 👍 and 👎); False when the id is unknown."""
        check_rating(rating)
        return self._update(conn, "rating", rating, feedback_id)

    def recent(self, conn: Any, limit: int = 100, *, rating: Rating | None = None, since: float | None = None,
               until: float | None = None) -> list[FeedbackRecord]:
        """The newest records first (at most `MAX_LIST`), optionally of one rating and within [since, until)."""
        where, params = ["1 = 1"], []
        for clause, value in (("rating = ?", rating), ("created_at >= ?", since), ("created_at < ?", until)):
            if value is not None:
                where.append(clause)
                params.append(value)
        rows = conn.execute(self.db.sql(f"SELECT {_COLUMNS} FROM feedback WHERE {' AND '.join(where)}"
                                        " ORDER BY id DESC LIMIT ?"),
                            (*params, max(1, min(int(limit), MAX_LIST)))).fetchall()
        return [FeedbackRecord(id=int(r[0]), created_at=float(r[1]), rating=r[2], question=r[3], answer=r[4],
                               citations=json.loads(r[5]), comment=r[6], channel=r[7], history=json.loads(r[8]),
                               index_build=r[9]) for r in rows]

    def count(self, conn: Any) -> int:
        return int(conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0])

    def delete_older_than(self, conn: Any, cutoff: float) -> int:
        """Delete records created before `cutoff` (epoch seconds); returns how many went."""
        cursor = conn.execute(self.db.sql("DELETE FROM feedback WHERE created_at < ?"), (cutoff,))
        conn.commit()
        return int(cursor.rowcount)
