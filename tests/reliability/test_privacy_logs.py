"""Privacy and structured logs: no question, chat text or profile in the logs; request id, timings and
error classes on every line that concerns a request.

Checked twice: in-process with the product's JSON log handler, and on the real server process
(`policy-assistant serve`), whose stderr is exactly what an operator would collect.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from rel_helpers import ELIGIBLE_PROFILE, assert_error
from servers import ServerProcess

from assistant.service import PolicyAssistant
from assistant.settings import Settings
from ui.app import create_app
from ui.observability import JsonFormatter, configure_logging, safe_traceback

MARKER = "隐私标记Q7xK2"           # a unique string no code path would produce on its own
PROFILE_MARKER = 987654.321       # a unique number in a pre-check profile
PROFILE_MARKER_TEXT = "987654"


@pytest.fixture()
def json_logs() -> Iterator[io.StringIO]:
    """The product's JSON log handler (as `serve` installs it) writing to a buffer, at DEBUG level."""
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, list(root.handlers)
    buffer = io.StringIO()
    handler = configure_logging("DEBUG", stream=buffer)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.handlers = saved_handlers
        root.setLevel(saved_level)
        logging.captureWarnings(False)


def exercise(client: httpx.Client | TestClient) -> dict[str, str]:
    """Send a question, a search, a streamed answer, a follow-up, a profile, feedback and bad input,
    each carrying the marker; return the request ids the server gave back."""
    ids: dict[str, str] = {}
    profile = {**ELIGIBLE_PROFILE, "compute_expense_wan": PROFILE_MARKER}
    calls = {
        "ask": lambda: client.post("/api/ask", json={"question": f"训力券最高资助多少？{MARKER}"}),
        "ask_history": lambda: client.post("/api/ask", json={
            "question": "那初创企业呢？", "history": [{"role": "user", "content": f"训力券{MARKER}"},
                                                  {"role": "assistant", "content": f"答{MARKER}"}]}),
        "stream": lambda: client.post("/api/ask", json={"question": f"算力补贴{MARKER}", "stream": True}),
        "search": lambda: client.get("/api/search", params={"q": f"训力券 {MARKER}"}),
        "precheck": lambda: client.post("/api/precheck", json=profile),
        "precheck_bad": lambda: client.post("/api/precheck", json={**profile, "org_type": MARKER}),
        "feedback": lambda: client.post("/api/feedback", json={"question": MARKER, "answer": MARKER,
                                                               "rating": "down", "comment": MARKER}),
        "too_long": lambda: client.post("/api/ask", json={"question": MARKER * 400}),
        "bad_json": lambda: client.post("/api/ask", content=f'{{"question": "{MARKER}"'.encode(),
                                        headers={"Content-Type": "application/json"}),
        "clause": lambda: client.get(f"/api/clauses/lg-ai-rules-explainer%23{MARKER}"),
    }
    for name, call in calls.items():
        response = call()
        assert response.status_code < 500, (name, response.status_code, response.text[:200])
        ids[name] = response.headers["x-request-id"]
    return ids


def log_lines(text: str) -> list[dict]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_questions_chat_and_profiles_are_not_logged(mini_settings: Settings, mini_assistant: PolicyAssistant,
                                                    json_logs: io.StringIO) -> None:
    """At DEBUG level, no log line holds a question, history, search text, feedback text or profile value."""
    with TestClient(create_app(mini_settings, assistant=mini_assistant, web=False)) as client:
        ids = exercise(client)
    text = json_logs.getvalue()
    assert text, "nothing was logged"
    assert MARKER not in text and PROFILE_MARKER_TEXT not in text
    lines = log_lines(text)
    assert len(lines) == len(text.splitlines()), "every line is JSON"
    access = {line["request_id"]: line for line in lines if line.get("event") == "request"}
    for request_id in ids.values():
        line = access[request_id]
        assert {"ts", "level", "route", "method", "status", "duration_ms"} <= set(line), line
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert access[ids["precheck_bad"]]["error_code"] == "invalid_profile"
    assert access[ids["bad_json"]]["error_code"] == "invalid_json"
    assert access[ids["clause"]]["route"] == "/api/clauses/{clause_id:path}"


def test_unexpected_errors_log_class_and_request_id_not_message(mini_settings: Settings,
                                                                 mini_assistant: PolicyAssistant,
                                                                 json_logs: io.StringIO,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """An unhandled error: 500 JSON for the client; the log has its class, traceback and request id,
    but not its message (which could quote the user)."""
    def broken(question, history=()):
        raise ValueError(f"cannot answer {question}")

    monkeypatch.setattr(mini_assistant, "answer", broken)
    with TestClient(create_app(mini_settings, assistant=mini_assistant, web=False),
                    raise_server_exceptions=False) as client:
        response = client.post("/api/ask", json={"question": f"训力券{MARKER}"},
                               headers={"X-Request-ID": "trace-42"})
    assert_error(response, 500, "internal_error")
    assert response.headers["x-request-id"] == "trace-42"
    text = json_logs.getvalue()
    assert MARKER not in text
    lines = [line for line in log_lines(text) if line.get("request_id") == "trace-42"]
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert errors and any(line.get("error_class") == "ValueError" and "traceback" in line for line in errors)
    access = next(line for line in lines if line.get("event") == "request")
    assert access["status"] == 500 and access["error_code"] == "internal_error"


def test_system_errors_keep_their_message() -> None:
    """Disk and database errors keep their (system) message in the traceback; others only their class."""
    try:
        raise OSError(28, "No space left on device")
    except OSError:
        import sys
        assert "No space left on device" in safe_traceback(sys.exc_info())
    try:
        raise KeyError(MARKER)
    except KeyError:
        import sys
        text = safe_traceback(sys.exc_info())
        assert "KeyError" in text and MARKER not in text
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    record.request_id = "abc"
    assert json.loads(JsonFormatter().format(record)) | {"ts": 0} == \
        {"ts": 0, "level": "INFO", "logger": "x", "message": "hello world", "request_id": "abc"}


def test_request_ids_are_generated_or_safely_reused(mini_settings: Settings,
                                                    mini_assistant: PolicyAssistant) -> None:
    """Each response carries X-Request-ID: a proxy's plain id is reused, anything odd is replaced."""
    with TestClient(create_app(mini_settings, assistant=mini_assistant, web=False)) as client:
        first = client.get("/api/documents").headers["x-request-id"]
        second = client.get("/api/documents").headers["x-request-id"]
        assert first != second and len(first) == 32
        assert client.get("/healthz", headers={"X-Request-ID": "lb-probe.1"}).headers["x-request-id"] == "lb-probe.1"
        for hostile in ("a" * 65, "x y", "<script>", "id\u00e9"):
            value = hostile.encode("latin-1")
            echoed = client.get("/healthz", headers={"X-Request-ID": value}).headers["x-request-id"]
            assert echoed != hostile and len(echoed) == 32


def test_server_process_logs_json_without_private_text(fresh_settings: Settings, record_property) -> None:
    """`policy-assistant serve` as deployed: JSON lines on stderr, no uvicorn access log with query
    strings, no marker from questions, searches, chat or profiles; one access line per request."""
    server = ServerProcess(fresh_settings.data_dir, env={"PA_CORPUS_DIR": str(fresh_settings.corpus_dir),
                                                          "PA_LOG_LEVEL": "DEBUG"}).start()
    try:
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            ids = exercise(client)
            assert client.get("/").status_code == 200  # the web page too
    finally:
        server.stop()
    text = server.log_text()
    assert MARKER not in text and PROFILE_MARKER_TEXT not in text
    assert "q=" not in text, "a query string reached the log"
    lines = log_lines(text)
    served = {line["request_id"] for line in lines if line.get("event") == "request"}
    assert set(ids.values()) <= served
    # Besides the start-up banner, only output that bypasses logging (a C library, say) is not JSON.
    non_json = [line for line in text.splitlines() if line.strip() and not line.startswith("{")]
    assert not [line for line in non_json if "uvicorn" in line or "HTTP/1.1" in line], non_json[:5]
    record_property("json_log_lines", len(lines))
    record_property("other_lines", len(non_json))
