"""Feedback store faults: failing disk, full disk, read-only or unusable data directory, a killed server.

The answer never depends on the store: a failed write is logged (class and system message, never the
feedback text), counted in /metrics and reported as 503 `feedback_unavailable`; a write the server
acknowledged survives SIGKILL (SQLite in WAL mode, committed before the 201).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

import gradio as gr
import httpx
import pytest
from fastapi.testclient import TestClient
from rel_helpers import ADMIN_TOKEN, assert_error
from servers import ServerProcess

from assistant.service import PolicyAssistant
from assistant.settings import Settings
from ui.app import create_app
from ui.feedback import FeedbackStore
from ui.state import AppState
from ui.tab_chat import on_like, submit_comment

MARKER = "反馈正文标记-7f3a9c"
FEEDBACK = {"question": f"训力券怎么申请？{MARKER}", "answer": "根据……[1]", "rating": "down",
            "citations": [{"clause_id": "sz-ai-pioneer-measures-2024#一、（二）"}], "comment": MARKER}


def failing_connect(message: str):
    def connect(*_args, **_kwargs):
        raise sqlite3.OperationalError(message)
    return connect


class _FailingWrites:
    """A connection whose writes fail the way a full disk makes them fail; reads work."""

    def __init__(self, conn: sqlite3.Connection, message: str) -> None:
        self._conn, self._message = conn, message

    def execute(self, sql: str, *args):
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise sqlite3.OperationalError(self._message)
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self._conn, name)


@pytest.mark.parametrize("failure, message", [
    ("connect", "disk I/O error"),
    ("connect", "unable to open database file"),
    ("write", "database or disk is full"),
    ("write", "attempt to write a readonly database"),
])
def test_failing_store_answers_still_return_and_failure_is_logged(
        fresh_settings: Settings, mini_assistant: PolicyAssistant, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture, failure: str, message: str) -> None:
    """Store writes fail (I/O error, full disk, read-only): /api/ask answers; feedback is a logged 503."""
    app = create_app(fresh_settings, assistant=mini_assistant, web=False)
    store: FeedbackStore = app.state.pa.feedback
    if failure == "connect":
        monkeypatch.setattr(store, "_connect", failing_connect(message))
    else:
        real = store._connect
        monkeypatch.setattr(store, "_connect", lambda: _FailingWrites(real(), message))
    caplog.set_level(logging.INFO)
    with TestClient(app) as client:
        answer = client.post("/api/ask", json={"question": "训力券最高资助多少？"})
        assert answer.status_code == 200 and answer.json()["citations"]
        error = assert_error(client.post("/api/feedback", json=FEEDBACK), 503, "feedback_unavailable")
        assert "不受影响" in error["message"]
        assert client.get("/healthz").status_code == 200
        metrics = client.get("/metrics").text
    assert "pa_feedback_write_failures_total 1.0" in metrics
    failures = [r for r in caplog.records if getattr(r, "event", None) == "feedback_store_failure"]
    assert failures and failures[0].levelno == logging.ERROR
    assert failures[0].error_class == "sqlite3.OperationalError"
    assert message in failures[0].getMessage()
    assert MARKER not in caplog.text, "feedback text must not be logged"


def test_unusable_data_directory_at_start(fresh_settings: Settings, mini_assistant: PolicyAssistant,
                                          caplog: pytest.LogCaptureFixture) -> None:
    """The feedback file cannot be opened at start-up: the app starts and answers; it recovers when fixed."""
    blocker = fresh_settings.data_dir / "feedback.sqlite3"
    blocker.mkdir()  # a directory where the database file should be: sqlite cannot open it
    caplog.set_level(logging.INFO)
    app = create_app(fresh_settings, assistant=mini_assistant, web=False)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert client.post("/api/ask", json={"question": "训力券最高资助多少？"}).status_code == 200
        assert_error(client.post("/api/feedback", json=FEEDBACK), 503, "feedback_unavailable")
        assert any(getattr(r, "operation", None) == "open" for r in caplog.records)
        blocker.rmdir()  # the administrator fixes the directory: the next write works without a restart
        response = client.post("/api/feedback", json=FEEDBACK)
        assert response.status_code == 201, response.text


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root ignores file permissions; covered by the simulated read-only error")
def test_read_only_data_directory(fresh_settings: Settings, mini_assistant: PolicyAssistant) -> None:
    """A data directory made read-only (chmod) after start-up: answers continue, feedback gives 503."""
    app = create_app(fresh_settings, assistant=mini_assistant, web=False)
    db = fresh_settings.data_dir / "feedback.sqlite3"
    with TestClient(app) as client:
        assert client.post("/api/feedback", json=FEEDBACK).status_code == 201
        modes = {p: p.stat().st_mode for p in [fresh_settings.data_dir, *fresh_settings.data_dir.glob("feedback*")]}
        try:
            for path in modes:
                path.chmod(0o555 if path.is_dir() else 0o444)
            assert client.post("/api/ask", json={"question": "训力券最高资助多少？"}).status_code == 200
            assert_error(client.post("/api/feedback", json=FEEDBACK), 503, "feedback_unavailable")
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
    assert db.exists()


def test_web_like_with_failing_store_keeps_the_conversation(fresh_settings: Settings,
                                                            mini_assistant: PolicyAssistant,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    """👍 in the web page while the disk fails: a warning, no exception; the conversation is unchanged."""
    store = FeedbackStore(fresh_settings.data_dir / "feedback.sqlite3")
    monkeypatch.setattr(store, "_connect", failing_connect("disk I/O error"))
    state = AppState(settings=fresh_settings, feedback=store, api_limiter=None, web_limiter=None,  # type: ignore[arg-type]
                     assistant=mini_assistant)
    record = {"question": FEEDBACK["question"], "answer": "答", "citations": [], "message_index": 1,
              "feedback_id": None}
    conv = {"messages": [], "records": [record]}
    caplog.set_level(logging.INFO)
    with pytest.warns(UserWarning):  # gr.Warning outside a request context
        result = on_like(state, conv, gr.LikeData(None, {"index": 1, "value": "答", "liked": True}))
    assert result[0] is conv and record["feedback_id"] is None
    with pytest.warns(UserWarning):
        submit_comment(state, {**conv, "last_feedback_id": 3}, "有用")
    assert store.write_failures == 2
    assert MARKER not in caplog.text


def test_retention_purges_old_feedback_at_start_and_while_running(fresh_settings: Settings,
                                                                   mini_assistant: PolicyAssistant) -> None:
    """PA_FEEDBACK_RETENTION_DAYS: older records are deleted at start-up and again (hourly) on writes."""
    path = fresh_settings.data_dir / "feedback.sqlite3"
    store = FeedbackStore(path)
    old_id = store.add(rating="up", question="旧问题", answer="a", citations=[])
    new_id = store.add(rating="up", question="新问题", answer="a", citations=[])
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE feedback SET created_at = ? WHERE id = ?", (time.time() - 40 * 86400, old_id))
    app = create_app(fresh_settings.model_copy(update={"feedback_retention_days": 30}),
                     assistant=mini_assistant, web=False)
    running: FeedbackStore = app.state.pa.feedback
    assert [r.id for r in running.recent()] == [new_id]
    # While running: a record ages past the period; the next write after an hour purges it.
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE feedback SET created_at = ? WHERE id = ?", (time.time() - 31 * 86400, new_id))
    running._last_purge = time.monotonic() - 3601
    latest = running.add(rating="down", question="最新", answer="a", citations=[])
    assert [r.id for r in running.recent()] == [latest]
    # 0 keeps everything.
    keep = FeedbackStore(fresh_settings.data_dir / "keep.sqlite3", retention_days=0)
    keep_id = keep.add(rating="up", question="q", answer="a", citations=[])
    with sqlite3.connect(keep.path) as conn:
        conn.execute("UPDATE feedback SET created_at = 0")
    assert keep.purge_expired() == 0 and [r.id for r in keep.recent()] == [keep_id]


def test_sigkill_mid_write_loses_no_acknowledged_feedback(fresh_settings: Settings, tmp_path: Path,
                                                          record_property) -> None:
    """SIGKILL the server while clients post feedback: every acknowledged (201) record is there after restart."""
    env = {"PA_CORPUS_DIR": str(fresh_settings.corpus_dir), "PA_ADMIN_TOKEN": ADMIN_TOKEN}
    server = ServerProcess(fresh_settings.data_dir, env=env).start()
    acked: dict[int, str] = {}
    lock = threading.Lock()
    stop = threading.Event()
    attempts = [0]

    def writer(n: int) -> None:
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            i = 0
            while not stop.is_set():
                question = f"问题 {n}-{i} {MARKER}"
                with lock:
                    attempts[0] += 1
                try:
                    response = client.post("/api/feedback", json={**FEEDBACK, "question": question})
                except httpx.HTTPError:
                    return  # the server died mid-request: not acknowledged
                if response.status_code == 201:
                    with lock:
                        acked[response.json()["id"]] = question
                i += 1

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(4)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while len(acked) < 150 and time.monotonic() < deadline:
            time.sleep(0.05)
        db = fresh_settings.data_dir / "feedback.sqlite3"
        wal = db.with_name(db.name + "-wal")
        wal_bytes = wal.stat().st_size if wal.exists() else 0
        server.kill()  # while the writers are still posting
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        server.stop()
    assert len(acked) >= 20, f"only {len(acked)} writes acknowledged before the kill"

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = dict(conn.execute("SELECT id, question FROM feedback").fetchall())
    missing = {i: q for i, q in acked.items() if stored.get(i) != q}
    assert not missing, f"{len(missing)} acknowledged records lost, e.g. {list(missing.items())[:3]}"

    restarted = ServerProcess(fresh_settings.data_dir, env=env).start()
    try:
        review = httpx.get(f"{restarted.base_url}/api/admin/feedback", params={"limit": 1000},
                           headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=30)
        assert review.status_code == 200
        served = {r["id"] for r in review.json()["feedback"]}
        assert set(acked) <= served
        assert httpx.post(f"{restarted.base_url}/api/feedback", json=FEEDBACK, timeout=30).status_code == 201
    finally:
        restarted.stop()
    record_property("feedback_posts_attempted", attempts[0])
    record_property("feedback_acknowledged_before_kill", len(acked))
    record_property("feedback_rows_after_restart", len(stored))
    record_property("acknowledged_lost", len(missing))
    record_property("wal_bytes_at_kill", wal_bytes)
