"""The schema, as ordered migrations kept in code. Never edit a released migration: add the next one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    summary: str
    sqlite: tuple[str, ...]
    postgresql: tuple[str, ...]

    def statements(self, dialect: str) -> tuple[str, ...]:
        return self.sqlite if dialect == "sqlite" else self.postgresql


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1, "feedback records (the schema feedback.sqlite3 files had before migrations existed)",
        sqlite=(
            """CREATE TABLE IF NOT EXISTS feedback (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                created_at  REAL    NOT NULL,
                rating      TEXT    NOT NULL CHECK (rating IN ('up', 'down')),
                question    TEXT    NOT NULL,
                answer      TEXT    NOT NULL,
                citations   TEXT    NOT NULL,
                comment     TEXT    NOT NULL DEFAULT '',
                channel     TEXT    NOT NULL DEFAULT 'web'
            )""",
            "CREATE INDEX IF NOT EXISTS feedback_created ON feedback (created_at)",
        ),
        postgresql=(
            """CREATE TABLE IF NOT EXISTS feedback (
                id          BIGSERIAL PRIMARY KEY,
                created_at  DOUBLE PRECISION NOT NULL,
                rating      TEXT    NOT NULL CHECK (rating IN ('up', 'down')),
                question    TEXT    NOT NULL,
                answer      TEXT    NOT NULL,
                citations   TEXT    NOT NULL,
                comment     TEXT    NOT NULL DEFAULT '',
                channel     TEXT    NOT NULL DEFAULT 'web'
            )""",
            "CREATE INDEX IF NOT EXISTS feedback_created ON feedback (created_at)",
        ),
    ),
    Migration(
        2, "shared key/value state (e.g. the index build in service), with the time of each change",
        sqlite=(
            """CREATE TABLE IF NOT EXISTS shared_state (
                key         TEXT PRIMARY KEY,
                value       TEXT NOT NULL,
                updated_at  REAL NOT NULL
            )""",
        ),
        postgresql=(
            """CREATE TABLE IF NOT EXISTS shared_state (
                key         TEXT PRIMARY KEY,
                value       TEXT NOT NULL,
                updated_at  DOUBLE PRECISION NOT NULL
            )""",
        ),
    ),
    Migration(
        3, "feedback keeps the conversation before the question (JSON) and the index build that answered",
        sqlite=(
            "ALTER TABLE feedback ADD COLUMN history TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE feedback ADD COLUMN index_build TEXT NOT NULL DEFAULT ''",
        ),
        postgresql=(
            "ALTER TABLE feedback ADD COLUMN IF NOT EXISTS history TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE feedback ADD COLUMN IF NOT EXISTS index_build TEXT NOT NULL DEFAULT ''",
        ),
    ),
)
