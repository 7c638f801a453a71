"""Hostile input to the HTTP API and the web server: sizes, nesting, encodings, traversal, tokens.

Complements tests/ui/test_api.py (which covers bad JSON, wrong types, 64 KiB bodies and the basic
clause-id traversal shapes): every input class here gets a 4xx JSON error with a Chinese message (or
a plain 4xx from the static/web routes), never a 5xx, and never a file from outside what is served.
"""

from __future__ import annotations

import ast
import hmac
import http.client
import inspect
import json
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rel_helpers import ADMIN_TOKEN, ELIGIBLE_PROFILE, assert_error, is_chinese
from servers import ThreadedServer

import ui.api
from assistant.service import PolicyAssistant
from assistant.settings import PROJECT_ROOT, Settings
from ui.app import create_app
from ui.middleware import API_BODY_LIMIT, WEB_BODY_LIMIT

POST_ROUTES = {
    "/api/ask": {"question": "训力券最高资助多少？"},
    "/api/precheck": ELIGIBLE_PROFILE,
    "/api/feedback": {"question": "问", "answer": "答", "rating": "up"},
}
JSON = {"Content-Type": "application/json"}
SECRET_MARKERS = ("root:x:0:0", "def create_app", "SQLite format 3", "PRIVATE KEY", "[project]")


@pytest.fixture(scope="module")
def app(mini_settings: Settings, mini_assistant: PolicyAssistant) -> FastAPI:
    return create_app(mini_settings, assistant=mini_assistant, web=False)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def web_server(mini_settings: Settings, mini_assistant: PolicyAssistant) -> Iterator[ThreadedServer]:
    """The full app (API, static files, Gradio page) on a live port, for raw, un-normalised paths."""
    with ThreadedServer(create_app(mini_settings, assistant=mini_assistant, web=True)) as server:
        yield server


def raw_get(server: ThreadedServer, raw_path: str) -> tuple[int, str, str]:
    """GET a path exactly as written (no client-side normalisation of dot segments or encodings)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.putrequest("GET", raw_path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.getheader("content-type") or "", \
            response.read().decode("utf-8", errors="replace")
    finally:
        conn.close()


# ------------------------------------------------------------------------------------------ sizes


@pytest.mark.parametrize("path", [*POST_ROUTES, "/api/admin/reindex"])
def test_oversized_api_bodies_are_413(client: TestClient, path: str) -> None:
    """Every API POST route: a body one byte over 64 KiB is 413 before parsing; at the limit it is parsed."""
    over = b'{"pad": "' + b"x" * (API_BODY_LIMIT - 10) + b'"}'
    assert len(over) == API_BODY_LIMIT + 1
    assert_error(client.post(path, content=over, headers=JSON), 413, "payload_too_large")
    at_limit = over[:9] + over[10:]
    assert len(at_limit) == API_BODY_LIMIT
    assert client.post(path, content=at_limit, headers=JSON).status_code != 413


def test_oversized_web_body_is_413(client: TestClient) -> None:
    """The web app's queue endpoint: bodies over 1 MiB are refused too."""
    body = b'{"data": ["' + b"x" * WEB_BODY_LIMIT + b'"]}'
    assert_error(client.post("/gradio_api/queue/join", content=body, headers=JSON), 413, "payload_too_large")


# ---------------------------------------------------------------------------------------- nesting


@pytest.mark.parametrize("path", list(POST_ROUTES))
@pytest.mark.parametrize("shape", ["arrays", "objects", "in-field"])
def test_deeply_nested_json_is_4xx(client: TestClient, path: str, shape: str) -> None:
    """JSON nested tens of thousands deep (under the size limit): a 4xx JSON error, not a crash."""
    depth = 30000 if shape == "arrays" else 9000
    if shape == "arrays":
        body = "[" * depth + "]" * depth
    elif shape == "objects":
        body = '{"a":' * depth + "1" + "}" * depth
    else:
        field = {"/api/ask": "history", "/api/precheck": "org_type", "/api/feedback": "citations"}[path]
        body = json.dumps({**POST_ROUTES[path]})[:-1] + f', "{field}": ' + "[" * depth + "]" * depth + "}"
    assert len(body) < API_BODY_LIMIT
    response = client.post(path, content=body.encode(), headers=JSON)
    assert_error(response, (400, 422))


# --------------------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("raw", [
    b'{"question": "\xff\xfe\xfd"}',                       # not UTF-8 at all
    b'{"question": "\xc0\xaf\xc0\xae"}',                   # overlong encodings ("/" and ".")
    b'{"question": "\xe8\xae"}',                           # truncated multi-byte sequence
    b'{"question": "\xed\xa0\x80"}',                       # an encoded surrogate
    '{"question": "训力券"}'.encode("utf-16"),              # another encoding
    '{"question": "训力券"}'.encode("gb18030"),
], ids=["garbage", "overlong", "truncated", "cesu-surrogate", "utf-16", "gb18030"])
@pytest.mark.parametrize("path", list(POST_ROUTES))
def test_invalid_utf8_bodies_are_400(client: TestClient, path: str, raw: bytes) -> None:
    """Bodies that are not UTF-8: 400 `invalid_encoding` with a Chinese message, for every POST route."""
    assert_error(client.post(path, content=raw, headers=JSON), 400, "invalid_encoding")


@pytest.mark.parametrize("path, body", [
    ("/api/ask", '{"question": "\\ud800训力券"}'),
    ("/api/ask", '{"question": "训力券", "history": [{"role": "user", "content": "\\udfff"}]}'),
    ("/api/ask", '{"question": "训力券\\ud83d"}'),
    ("/api/feedback", '{"question": "\\ud800", "answer": "a", "rating": "up"}'),
    ("/api/feedback", '{"question": "q", "answer": "a", "rating": "up", "comment": "\\udc00"}'),
    ("/api/precheck", '{"\\ud800": 1}'),
], ids=["ask-question", "ask-history", "ask-trailing-high", "feedback-question", "feedback-comment",
        "precheck-key"])
def test_lone_surrogates_are_400(client: TestClient, path: str, body: str) -> None:
    """JSON escapes of lone surrogates (which crashed the embedder with a 500) are refused with a 400."""
    assert_error(client.post(path, content=body.encode(), headers=JSON), 400, "invalid_characters")


def test_surrogate_pairs_and_unusual_characters_are_fine(client: TestClient) -> None:
    """Valid escapes (a surrogate pair = one emoji), control and bidi characters: answered normally."""
    for question in ('"训力券\\ud83d\\ude00最高多少"', '"训力券\\u0000\\u202e\\u200b最高多少"'):
        response = client.post("/api/ask", content=f'{{"question": {question}}}'.encode(), headers=JSON)
        assert response.status_code == 200, response.text
    search = client.get("/api/search", params={"q": "训力券\u0000\u202e"})
    assert search.status_code in (200, 400)


# Any code point, lone surrogates included (hypothesis leaves them out of text by default).
UNICODE = st.text(st.one_of(st.characters(codec=None), st.integers(0xD800, 0xDFFF).map(chr)), max_size=60)


@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(text=UNICODE, route=st.sampled_from(["ask", "history", "search", "feedback", "clause", "document"]))
def test_arbitrary_unicode_never_5xx(client: TestClient, text: str, route: str) -> None:
    """Any Unicode (surrogates, controls, private use, unassigned) in any text field or path: no 5xx."""
    escaped = json.dumps(text)  # ASCII with \\u escapes, lone surrogates included
    if route == "ask":
        response = client.post("/api/ask", content=f'{{"question": {escaped}}}'.encode(), headers=JSON)
    elif route == "history":
        body = f'{{"question": "训力券", "history": [{{"role": "user", "content": {escaped}}}]}}'
        response = client.post("/api/ask", content=body.encode(), headers=JSON)
    elif route == "feedback":
        body = f'{{"question": {escaped}, "answer": {escaped}, "rating": "up", "comment": {escaped}}}'
        response = client.post("/api/feedback", content=body.encode(), headers=JSON)
    else:
        encoded = text.encode("utf-8", "surrogatepass").hex()
        quoted = "".join(f"%{encoded[i:i + 2]}" for i in range(0, len(encoded), 2))
        url = {"search": f"/api/search?q={quoted}", "clause": f"/api/clauses/lg-ai-rules-explainer%23{quoted}",
               "document": f"/api/documents/{quoted}"}[route]
        response = client.get(url)
    assert response.status_code < 500, (route, text, response.text[:200])
    if response.status_code >= 400:
        assert_error(response, response.status_code)


# -------------------------------------------------------------------------------------- traversal

TRAVERSAL_API = [
    "/api/clauses/..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/clauses/%252e%252e%252f%252e%252e%252fetc%252fpasswd",      # double-encoded
    "/api/clauses/lg-ai-rules-explainer%23..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/clauses/lg-ai-rules-explainer%23%C0%AE%C0%AE%C0%AF",       # overlong UTF-8 dots and slash
    "/api/clauses/lg-ai-rules-explainer%23%EF%BC%8E%EF%BC%8E%EF%BC%8F",  # full-width ．．／
    "/api/clauses/lg-ai-rules-explainer%23x%00.md",                   # NUL byte
    "/api/clauses/..\\..\\windows\\win.ini",
    "/api/clauses/../../etc/passwd",
    "/api/documents/..%2F..%2F..%2Fetc%2Fpasswd",
    "/api/documents/%2e%2e%2f%2e%2e%2fcorpus%2fpolicies",
    "/api/documents/%252e%252e%252fetc%252fpasswd",
    "/api/documents/..%5C..%5Cwindows",
    "/api/documents/lg-ai-rules-explainer%00",
    "/api/documents/lg-ai-rules-explainer.md",
    "/api/documents/../../etc/passwd",
    "/api/documents/%2Fetc%2Fpasswd",
]


@pytest.mark.parametrize("raw_path", TRAVERSAL_API)
def test_traversal_in_api_routes_is_rejected(web_server: ThreadedServer, raw_path: str) -> None:
    """Traversal shapes (encoded, double-encoded, overlong, full-width, NUL, backslash) in clause and
    document routes: a 4xx JSON error; nothing outside the corpus is read."""
    status, content_type, body = raw_get(web_server, raw_path)
    assert 400 <= status < 500, (raw_path, status, body[:200])
    if content_type.startswith("application/json"):
        error = json.loads(body)["error"]
        assert is_chinese(error["message"])
    assert not any(marker in body for marker in SECRET_MARKERS)


@pytest.mark.parametrize("raw_path", [
    "/ui-static/../../ui/app.py",
    "/ui-static/..%2F..%2Fui%2Fapp.py",
    "/ui-static/%2e%2e/%2e%2e/pyproject.toml",
    "/ui-static/..%5C..%5Cpyproject.toml",
    "/docs-assets/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/gradio_api/file=/etc/passwd",
    "/gradio_api/file=..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/gradio_api/file=%2Fetc%2Fpasswd",
    "/gradio_api/file={root}/pyproject.toml",
    "/gradio_api/file={root}/ui/app.py",
    "/gradio_api/file={data}/feedback.sqlite3",
    "/gradio_api/file={data}/index/current/corpus.json",
    "/file={root}/pyproject.toml",
    "/static/../../../../etc/passwd",
    "/assets/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
])
def test_traversal_in_static_and_web_routes_is_refused(web_server: ThreadedServer, mini_settings: Settings,
                                                       raw_path: str) -> None:
    """Static files, Swagger assets and Gradio's file route serve nothing outside their directories:
    not the source, not the feedback database, not the index, not /etc/passwd."""
    path = raw_path.format(root=PROJECT_ROOT, data=mini_settings.data_dir)
    status, _, body = raw_get(web_server, path)
    assert status in (400, 403, 404), (path, status, body[:200])
    assert not any(marker in body for marker in SECRET_MARKERS), (path, body[:200])


# ------------------------------------------------------------------------------------------ admin


@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    ({"Authorization": ADMIN_TOKEN}, 401),                          # no scheme
    ({"Authorization": f"Token {ADMIN_TOKEN}"}, 401),                # wrong scheme
    ({"Authorization": "Bearer"}, 401),
    ({"Authorization": f"Bearer {ADMIN_TOKEN[:-1]}"}, 403),          # a prefix of the token
    ({"Authorization": f"Bearer {ADMIN_TOKEN.upper()}"}, 403),        # case changed
    ({"Authorization": f"Bearer {ADMIN_TOKEN} {ADMIN_TOKEN}"}, 403),
    ({"Authorization": "Bearer " + "x" * 8000}, 403),                # very long
    ({"Authorization": b"Bearer \xe9\xe8\xff"}, 403),                 # non-ASCII (latin-1) bytes
    ({"X-Admin-Token": ADMIN_TOKEN}, 401),                           # token in another header
], ids=["none", "no-scheme", "wrong-scheme", "bearer-empty", "token-prefix", "case-changed", "token-twice",
        "8000-chars", "non-ascii", "other-header"])
def test_admin_routes_refuse_missing_or_wrong_tokens(client: TestClient, headers: dict, status: int) -> None:
    """Admin routes without or with a wrong token: 401/403 JSON errors; no re-index is started."""
    assert_error(client.post("/api/admin/reindex", headers=headers), status)
    assert_error(client.get("/api/admin/feedback", headers=headers), status)
    assert_error(client.get(f"/api/admin/feedback?token={ADMIN_TOKEN}", headers=headers), status)


def test_admin_token_comparison_is_constant_time(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The token check goes through hmac.compare_digest (no early exit on the first differing byte)."""
    source = inspect.getsource(ui.api.require_admin)
    calls = [n for n in ast.walk(ast.parse(source.strip()))
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "compare_digest"]
    assert calls, "require_admin must compare tokens with hmac.compare_digest"
    assert "==" not in "".join(line for line in source.splitlines() if "token" in line and "compare" not in line
                               and "if not token" not in line)
    seen: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a, b):
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(ui.api.hmac, "compare_digest", spy)
    assert_error(client.get("/api/admin/feedback", headers={"Authorization": "Bearer wrong"}), 403)
    assert client.get("/api/admin/feedback", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).status_code == 200
    assert len(seen) == 2 and seen[1] == (ADMIN_TOKEN.encode(), ADMIN_TOKEN.encode())


def test_headers_and_methods(client: TestClient) -> None:
    """Odd methods and content types on API routes: JSON 4xx errors."""
    for method in ("PUT", "DELETE", "PATCH"):
        assert_error(client.request(method, "/api/ask", json={"question": "x"}), 405)
    assert_error(client.post("/api/ask", content=b"question=x",
                             headers={"Content-Type": "application/x-www-form-urlencoded"}), (400, 415, 422))
    assert_error(client.post("/api/ask", content=b"\x00" * 100, headers=JSON), 400)
    assert_error(client.get("/api/search", params={"q": "训力券", "k": "1e309"}), 422)
    assert_error(client.get("/api/search", params={"q": "训力券", "k": "-1"}), 422)
