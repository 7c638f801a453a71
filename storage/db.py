"""One database, SQLite or PostgreSQL: connections, placeholder style, errors and migrations.

Callers open a connection per unit of work (`connect()`), run SQL written with ``?`` placeholders through
`sql()`, and commit. A connection per call keeps the store safe to share across threads and worker
processes; PostgreSQL on loopback or a LAN opens one in a few milliseconds, which feedback and admin
writes can afford.

Migrations are ordered, idempotent DDL kept in code (`storage.migrations`); `migrate()` applies the ones a
database lacks under a lock (PostgreSQL advisory lock, SQLite write lock), so replicas starting together
do not race.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)

Dialect = Literal["sqlite", "postgresql"]

SQLITE_FILE = "feedback.sqlite3"  # the name feedback has always had under the data directory
BUSY_TIMEOUT_S = 10.0
PG_CONNECT_TIMEOUT_S = 5
# Any fixed number shared by all replicas: the lock held while migrations run.
_PG_MIGRATION_LOCK = 7_860_014


def _driver_errors() -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = (sqlite3.Error, OSError)
    try:
        import psycopg
    except ImportError:
        return errors
    return (*errors, psycopg.Error)


# Every error a storage call can raise because of the database or the disk (never a programming error).
StorageError: tuple[type[BaseException], ...] = _driver_errors()


def redact_url(url: str) -> str:
    """The URL with its password replaced, for logs and messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass
class Database:
    """A SQLite file (`path`) or a PostgreSQL server (`url`)."""

    dialect: Dialect
    path: Path | None = None
    url: str = field(default="", repr=False)  # may hold a password: never in a repr or a log

    @property
    def description(self) -> str:
        """Where the data lives, without secrets."""
        return str(self.path) if self.dialect == "sqlite" else redact_url(self.url)

    def sql(self, text: str) -> str:
        """Statements are written with ``?``; psycopg wants ``%s``."""
        return text if self.dialect == "sqlite" else text.replace("?", "%s")

    def connect(self) -> Any:
        """A new DB-API connection (sqlite3 or psycopg), in a transaction until `commit()`."""
        if self.dialect == "sqlite":
            assert self.path is not None
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            return conn
        import psycopg

        return psycopg.connect(self.url, connect_timeout=PG_CONNECT_TIMEOUT_S)

    def migrate(self) -> list[int]:
        """Apply missing migrations (idempotent); returns the versions applied now.

        An existing SQLite feedback file from before migrations existed already has the feedback table:
        its first migration (``CREATE … IF NOT EXISTS``) changes nothing and is recorded as applied.
        """
        if self.dialect == "sqlite":
            assert self.path is not None
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self.connect()) as conn:
            if self.dialect == "sqlite":
                mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                if str(mode).lower() != "wal":  # e.g. a file system without shared memory: still usable
                    log.warning("the SQLite store is not in WAL mode (%s)", mode,
                                extra={"event": "feedback_store", "operation": "open"})
                conn.execute("BEGIN IMMEDIATE")  # the write lock: one process migrates at a time
            else:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                         " applied_at DOUBLE PRECISION NOT NULL)")
            done = {int(row[0]) for row in conn.execute("SELECT version FROM schema_migrations").fetchall()}
            applied = []
            for migration in MIGRATIONS:
                if migration.version in done:
                    continue
                for statement in migration.statements(self.dialect):
                    conn.execute(statement)
                conn.execute(self.sql("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"),
                             (migration.version, time.time()))
                applied.append(migration.version)
            conn.commit()
        return applied

    def schema_version(self) -> int:
        """The highest migration applied (0 for an empty database)."""
        with closing(self.connect()) as conn:
            row = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)


def open_database(url: str, data_dir: Path) -> Database:
    """The database a `PA_DATABASE_URL` names: empty = SQLite under `data_dir`, ``postgresql://…`` = server.

    ``sqlite:///path/to/file`` names another SQLite file. Raises `ValueError` (Chinese) for other schemes.
    Nothing is opened here; call `migrate()` before first use.
    """
    url = (url or "").strip()
    if not url:
        return Database("sqlite", path=Path(data_dir) / SQLITE_FILE)
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("postgresql", "postgres") or scheme.startswith("postgresql+"):
        # SQLAlchemy-style "postgresql+psycopg://" is accepted too: libpq wants the plain scheme.
        return Database("postgresql", url="postgresql" + url[len(scheme):])
    if scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
        if not path:
            raise ValueError("PA_DATABASE_URL 的 SQLite 地址应写成 sqlite:///文件路径")
        return Database("sqlite", path=Path(path))  # sqlite:////abs/file or sqlite:///relative/file
    raise ValueError(f"PA_DATABASE_URL 只支持 postgresql://… 或 sqlite:///…，收到的是 {scheme or '无协议'} 地址")
