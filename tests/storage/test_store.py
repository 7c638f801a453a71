"""The durable store on both backends: SQLite (the embedded default) and a real PostgreSQL cluster.

Feedback keeps its fields and behaviour whichever database holds it; migrations are idempotent and safe
when replicas start together; an existing SQLite feedback file from before migrations is upgraded in
place with its records; shared values written by one process are read by another.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings
from storage import Database, KeyValue, open_database
from storage.db import SQLITE_FILE, redact_url
from storage.feedback import FeedbackRow
from storage.migrations import MIGRATIONS
from ui.app import create_app
from ui.feedback import FeedbackStore, FeedbackUnavailable

ADMIN = "storage-test-admin-token"
# The feedback schema as SQLite files were created before the store had migrations.
LEGACY_SCHEMA = """
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


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    """A new, empty database of each kind."""
    if request.param == "sqlite":
        return open_database("", tmp_path)
    cluster = request.getfixturevalue("pg_cluster")
    return open_database(cluster.create_database(), tmp_path)


def test_open_database_reads_the_url(tmp_path: Path) -> None:
    default = open_database("", tmp_path)
    assert default.dialect == "sqlite" and default.path == tmp_path / SQLITE_FILE
    assert open_database("sqlite:////srv/pa/state.db", tmp_path).path == Path("/srv/pa/state.db")
    pg = open_database("postgresql+psycopg://pa:s3cret@db.internal:5432/pa", tmp_path)
    assert pg.dialect == "postgresql" and pg.url.startswith("postgresql://")
    assert "s3cret" not in pg.description and "s3cret" not in redact_url(pg.url)
    with pytest.raises(ValueError, match="PA_DATABASE_URL"):
        open_database("mysql://x@y/z", tmp_path)


def test_migrations_are_idempotent_and_safe_when_replicas_start_together(database: Database) -> None:
    assert database.migrate() == [m.version for m in MIGRATIONS]
    assert database.migrate() == []
    # Four more "replicas" start at once on the migrated database, and on a fresh one.
    errors: list[BaseException] = []

    def start(db: Database) -> None:
        try:
            db.migrate()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(Database(database.dialect, path=database.path, url=database.url),))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert database.schema_version() == MIGRATIONS[-1].version


def test_feedback_round_trip(database: Database) -> None:
    """Every field survives, the newest comes first, comments and ratings change, retention deletes."""
    store = FeedbackStore(database, retention_days=30)
    citations = [{"clause_id": "lg-ai-rules-explainer#四、（三）", "label": "四、（三）", "quote": "“最高 1000 万元”"}]
    first = store.add(rating="up", question="训力券怎么申请？😀", answer="根据……[1]", citations=citations,
                      comment="有用", channel="api")
    second = store.add(rating="down", question="第二个问题", answer="答", citations=[])
    assert second > first
    records = store.recent()
    assert [r.id for r in records] == [second, first]
    kept = records[1]
    assert (kept.rating, kept.question, kept.answer, kept.citations, kept.comment, kept.channel) == (
        "up", "训力券怎么申请？😀", "根据……[1]", citations, "有用", "api")
    assert kept.to_dict()["created_at"][:4].isdigit()
    assert store.set_comment(second, "补充" * 600) and store.set_rating(second, "up")
    changed = store.recent(1)[0]
    assert changed.rating == "up" and len(changed.comment) == 1000
    assert not store.set_comment(10**9, "x")
    with pytest.raises(ValueError):
        store.add(rating="meh", question="q", answer="a", citations=[])  # type: ignore[arg-type]
    # An old record (written with an old timestamp) is purged by the retention period.
    with database.connect() as conn:
        store.table.add(conn, FeedbackRow("down", "很久以前", "a", []), now=time.time() - 40 * 86400)
    assert store.count() == 3
    assert store.purge_expired() == 1 and store.count() == 2


def test_shared_values_are_seen_by_another_process_view(database: Database) -> None:
    """Two `Database` objects on one store (two replicas): a value one writes, the other reads."""
    database.migrate()
    mine, theirs = KeyValue(database), KeyValue(Database(database.dialect, path=database.path, url=database.url))
    assert theirs.get("index.current") is None
    mine.set("index.current", {"build": "b-001", "chunks": 12})
    assert theirs.get("index.current") == {"build": "b-001", "chunks": 12}
    value, updated = theirs.get_with_time("index.current")
    assert value["build"] == "b-001" and abs(updated - time.time()) < 60
    # Only the replica that saw the current value wins a publish race.
    assert theirs.compare_and_set("index.current", value, {"build": "b-002"})
    assert not mine.compare_and_set("index.current", value, {"build": "b-003"})
    assert mine.get("index.current") == {"build": "b-002"}
    assert mine.compare_and_set("lock", None, "x") and not theirs.compare_and_set("lock", None, "y")
    assert mine.delete("lock") and mine.get("lock", "gone") == "gone"


def test_existing_sqlite_feedback_file_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / SQLITE_FILE
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(LEGACY_SCHEMA)
        conn.execute("INSERT INTO feedback (created_at, rating, question, answer, citations, comment, channel)"
                     " VALUES (?, 'down', '旧问题', '旧回答', '[]', '旧意见', 'web')", (time.time(),))
    store = FeedbackStore(open_database("", tmp_path))
    assert [(r.question, r.comment) for r in store.recent()] == [("旧问题", "旧意见")]
    assert store.db.schema_version() == MIGRATIONS[-1].version
    KeyValue(store.db).set("k", 1)
    new_id = store.add(rating="up", question="新问题", answer="a", citations=[])
    assert next(r.id for r in store.recent()) == new_id and store.count() == 2


def test_unreachable_postgresql_gives_a_503_and_recovers(pg_cluster, tmp_path: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    """The database server is down at start-up: the app starts; feedback is a logged 503; it recovers."""
    url = pg_cluster.create_database()
    dead = url.replace(f":{pg_cluster.port}/", ":1/").replace("postgres@", "postgres:pw-9f2c@")
    caplog.set_level(logging.INFO)
    store = FeedbackStore(open_database(dead, tmp_path))
    with pytest.raises(FeedbackUnavailable):
        store.add(rating="up", question="q", answer="a", citations=[])
    assert store.write_failures == 2  # the open at start-up and the write
    assert "pw-9f2c" not in caplog.text
    store.db.url = url  # the server is back (here: the right address): no restart needed
    assert store.add(rating="up", question="q", answer="a", citations=[]) > 0


def test_app_keeps_feedback_in_postgresql(pg_cluster, tmp_path: Path) -> None:
    """PA_DATABASE_URL: the API stores feedback in PostgreSQL and reviews it from there; no SQLite file."""
    url = pg_cluster.create_database()
    empty_corpus = tmp_path / "corpus"
    empty_corpus.mkdir()
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=empty_corpus, database_url=url,
                        admin_token=ADMIN, rate_limit_per_minute=0, llm_base_url="")
    app = create_app(settings, web=False)
    with TestClient(app) as client:
        posted = client.post("/api/feedback", json={"question": "问题", "answer": "回答", "rating": "down",
                                                    "citations": [], "comment": "意见"})
        assert posted.status_code == 201, posted.text
        review = client.get("/api/admin/feedback", headers={"Authorization": f"Bearer {ADMIN}"}).json()
    assert [(r["id"], r["comment"]) for r in review["feedback"]] == [(posted.json()["id"], "意见")]
    assert not (settings.data_dir / SQLITE_FILE).exists()
    assert FeedbackStore(open_database(url, tmp_path)).count() == 1
