"""HTTP API tests against the real app (uvicorn on a free port) and app variants (TestClient)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient
from servers import sse_events
from ui_helpers import ADMIN_TOKEN

from assistant.service import PolicyAssistant
from assistant.settings import Settings
from ui.app import create_app
from ui.feedback import FeedbackStore

ASK_KEYS = {"answer", "citations", "prechecks", "refused"}
CITATION_KEYS = {"clause_id", "title", "label", "quote"}
ELIGIBLE_PROFILE = {"org_type": "enterprise", "registered_in_longgang": True,
                    "independent_legal_person": True, "tax_in_longgang": True,
                    "stats_in_longgang": True, "compute_expense_wan": 500}


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict:
    """The response is the contract's JSON error with a Chinese message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    if code is not None:
        assert body["error"]["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["error"]["message"]), body
    return body["error"]


def clause_url(clause_id: str) -> str:
    return "/api/clauses/" + quote(clause_id, safe="")


def variant(settings: Settings, assistant: PolicyAssistant, **overrides: object) -> TestClient:
    """A TestClient for an app built with some settings changed (API only: faster to build)."""
    return TestClient(create_app(settings.model_copy(update=overrides), assistant=assistant, web=False))


# ----------------------------------------------------------------------------------------- health


def test_healthz_ready(http: httpx.Client) -> None:
    response = http.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["documents"] >= 10 and body["clauses"] > 100


def test_healthz_503_when_index_cannot_load(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=tmp_path / "no-corpus")
    with TestClient(create_app(settings, web=False)) as client:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"
        assert_error(client.get("/api/search", params={"q": "算力"}), 503, "index_not_ready")
        assert_error(client.post("/api/ask", json={"question": "算力补贴"}), 503, "index_not_ready")


# -------------------------------------------------------------------------------------------- ask


def test_ask_returns_cited_answer(http: httpx.Client) -> None:
    response = http.post("/api/ask", json={"question": "《实施细则》里的申报项目采用什么审核方式？"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= ASK_KEYS
    assert body["refused"] is False
    assert "核准制" in body["answer"]
    assert body["citations"], body
    for citation in body["citations"]:
        assert set(citation) >= CITATION_KEYS
        assert http.get(clause_url(citation["clause_id"])).status_code == 200


def test_ask_with_history(http: httpx.Client) -> None:
    history = [{"role": "user", "content": "龙岗区对企业购买算力有什么补贴？"},
               {"role": "assistant", "content": "按算力费用的30%给予补贴。"}]
    response = http.post("/api/ask", json={"question": "最多补贴多少？", "history": history})
    assert response.status_code == 200
    assert set(response.json()) >= ASK_KEYS


@pytest.mark.parametrize("how", ["body", "accept"])
def test_ask_streams_server_sent_events(http: httpx.Client, how: str) -> None:
    payload: dict = {"question": "《实施细则》里的申报项目采用什么审核方式？"}
    headers = {}
    if how == "body":
        payload["stream"] = True
    else:
        headers["Accept"] = "text/event-stream"
    with http.stream("POST", "/api/ask", json=payload, headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    events = sse_events(text)
    names = [name for name, _ in events]
    assert names[-1] == "final"
    assert names.count("delta") >= 1 and set(names) <= {"delta", "final"}
    final = json.loads(events[-1][1])
    assert set(final) >= ASK_KEYS
    streamed = "".join(json.loads(data)["text"] for name, data in events if name == "delta")
    assert streamed.strip() and "核准制" in streamed


def test_ask_stream_with_bad_question_is_plain_json_error(http: httpx.Client) -> None:
    response = http.post("/api/ask", json={"question": "  ", "stream": True})
    assert_error(response, 400, "empty_question")


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_ask_empty_question(http: httpx.Client, question: str) -> None:
    assert_error(http.post("/api/ask", json={"question": question}), 400, "empty_question")


def test_ask_question_of_20000_chars(http: httpx.Client) -> None:
    error = assert_error(http.post("/api/ask", json={"question": "测" * 20_000}), 400, "question_too_long")
    assert "20000" in error["message"]


def test_ask_bad_json(http: httpx.Client) -> None:
    response = http.post("/api/ask", content=b'{"question": "x",', headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_json")


@pytest.mark.parametrize("payload, fragment", [
    ({"question": 123}, "问题"),
    ({"question": ["a"]}, "问题"),
    ({"question": None}, "问题"),
    ({}, "问题"),
    ({"question": "算力", "history": "not a list"}, "对话历史"),
    ({"question": "算力", "history": [{"role": "system", "content": "x"}]}, "角色"),
    ({"question": "算力", "history": [{"role": "user", "content": 5}]}, "内容"),
    ({"question": "算力", "stream": "yes"}, "流式"),
])
def test_ask_wrong_types(http: httpx.Client, payload: dict, fragment: str) -> None:
    error = assert_error(http.post("/api/ask", json=payload), 422)
    assert fragment in error["message"]


def test_ask_body_not_an_object(http: httpx.Client) -> None:
    assert_error(http.post("/api/ask", json=["question"]), 422)


def test_oversize_body_is_413(http: httpx.Client) -> None:
    body = json.dumps({"question": "算力", "history": [{"role": "user", "content": "x" * 70_000}]})
    assert_error(http.post("/api/ask", content=body, headers={"Content-Type": "application/json"}),
                 413, "payload_too_large")


def test_oversize_chunked_body_without_length_is_413(http: httpx.Client) -> None:
    def chunks():
        yield b'{"question": "'
        for _ in range(80):
            yield b"x" * 1024
        yield b'"}'

    response = http.post("/api/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    assert_error(response, 413, "payload_too_large")


# ----------------------------------------------------------------------------------------- search


def test_search_shape(http: httpx.Client) -> None:
    response = http.get("/api/search", params={"q": "训力券", "k": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "训力券"
    assert 1 <= len(body["results"]) <= 3
    for hit in body["results"]:
        assert {"clause_id", "doc_id", "title", "label", "text", "score"} <= set(hit)


def test_search_filters(http: httpx.Client) -> None:
    by_doc = http.get("/api/search", params={"q": "扶持", "doc": "lg-ai-rules-explainer", "k": 10}).json()
    assert by_doc["results"] and {h["doc_id"] for h in by_doc["results"]} == {"lg-ai-rules-explainer"}
    drafts = http.get("/api/search", params={"q": "算力", "status": "draft-for-comment", "k": 10}).json()
    assert drafts["results"] and {h["status"] for h in drafts["results"]} == {"征求意见稿"}
    by_label = http.get("/api/search", params={"q": "算力", "status": "征求意见稿"}).json()
    assert {h["status"] for h in by_label["results"]} == {"征求意见稿"}
    documents = {d["doc_id"]: d for d in http.get("/api/documents").json()["documents"]}
    national = http.get("/api/search", params=[("q", "人工智能"), ("level", "national"), ("k", "10")]).json()
    assert national["results"]
    assert {documents[h["doc_id"]]["level"] for h in national["results"]} == {"national"}
    two = http.get("/api/search", params={"q": "人工智能", "level": "national,municipal", "k": 20}).json()
    assert {documents[h["doc_id"]]["level"] for h in two["results"]} <= {"national", "municipal"}


@pytest.mark.parametrize("params, status, code", [
    ({"q": ""}, 400, "invalid_query"),
    ({"q": "   "}, 400, "invalid_query"),
    ({"q": "？？？"}, 400, "invalid_query"),
    ({"q": "算力", "k": 0}, 422, None),
    ({"q": "算力", "k": 51}, 422, None),
    ({"q": "算力", "k": "abc"}, 422, None),
    ({"q": "算力", "level": "city"}, 400, "invalid_level"),
    ({"q": "算力", "status": "final"}, 400, "invalid_status"),
    ({"q": "算力", "doc": "no-such-doc"}, 400, "unknown_document"),
])
def test_search_errors(http: httpx.Client, params: dict, status: int, code: str | None) -> None:
    assert_error(http.get("/api/search", params=params), status, code)


def test_search_query_too_long(http: httpx.Client) -> None:
    assert_error(http.get("/api/search", params={"q": "算" * 3000}), 400, "invalid_query")


# --------------------------------------------------------------------------------------- precheck


def test_precheck_estimate(http: httpx.Client) -> None:
    response = http.post("/api/precheck", json=ELIGIBLE_PROFILE)
    assert response.status_code == 200
    items = {item["item_id"]: item for item in response.json()}
    compute = items["lg-compute"]
    assert compute["status"] == "eligible"
    assert compute["estimate_wan"] == pytest.approx(150.0)
    assert {"name", "formula", "reasons", "citations"} <= set(compute)


@pytest.mark.parametrize("profile, field", [
    ({**ELIGIBLE_PROFILE, "compute_expense_wan": -5}, "compute_expense_wan"),
    ({**ELIGIBLE_PROFILE, "org_type": "company"}, "org_type"),
    ({"org_type": "enterprise", "registered_in_longgang": "是"}, "registered_in_longgang"),
    ({**ELIGIBLE_PROFILE, "tax_in_longgang": "yes"}, "tax_in_longgang"),
])
def test_precheck_invalid_profile(http: httpx.Client, profile: dict, field: str) -> None:
    error = assert_error(http.post("/api/precheck", json=profile), 422, "invalid_profile")
    assert field in error["message"]


def test_precheck_body_must_be_object(http: httpx.Client) -> None:
    assert_error(http.post("/api/precheck", json=[1, 2]), 422)
    assert_error(http.post("/api/precheck", content=b"{", headers={"Content-Type": "application/json"}),
                 400, "invalid_json")


# -------------------------------------------------------------------------------------- documents


def test_documents_list(http: httpx.Client, shared_assistant: PolicyAssistant) -> None:
    body = http.get("/api/documents").json()
    docs = body["documents"]
    assert [d["doc_id"] for d in docs] == [d.doc_id for d in shared_assistant.documents()]
    for doc in docs:
        assert doc["status_label"] in {"正式", "征求意见稿", "已失效"}
        assert doc["clause_count"] >= 1


def test_document_clauses_in_order_with_gaps(http: httpx.Client, shared_assistant: PolicyAssistant) -> None:
    partial = [d for d in shared_assistant.documents() if d.gaps]
    assert partial, "the corpus has documents with gaps"
    for doc in partial:
        body = http.get(f"/api/documents/{doc.doc_id}").json()
        items = body["items"]
        clauses = [i for i in items if i["type"] == "clause"]
        assert [c["clause_id"] for c in clauses] == [
            c.clause_id for c in shared_assistant.corpus.doc_clauses(doc.doc_id)]
        assert [c["ordinal"] for c in clauses] == sorted(c["ordinal"] for c in clauses)
        gap_positions = []
        seen = 0
        for item in items:
            if item["type"] == "gap":
                assert item["text"] == "〔以下原文未收录〕"
                gap_positions.append(seen)
            else:
                seen += 1
        assert tuple(gap_positions) == doc.gaps


@pytest.mark.parametrize("doc_id, status, code", [
    ("no-such-document", 404, "document_not_found"),
    ("BAD_ID", 400, "invalid_doc_id"),
    ("..", 400, None),
    ("%2e%2e", 400, None),
])
def test_document_errors(http: httpx.Client, doc_id: str, status: int, code: str | None) -> None:
    response = http.get(f"/api/documents/{doc_id}")
    assert response.status_code in (status, 404)
    assert_error(response, response.status_code, code if response.status_code == status else None)


# ---------------------------------------------------------------------------------------- clauses


@pytest.mark.parametrize("clause_id", [
    "lg-ai-rules-explainer#四、（三）",
    "sz-ai-industry-regulation-2022#第十二条",
    "lg-ai-rules-explainer#表1/3",
])
def test_clause_by_encoded_id(http: httpx.Client, clause_id: str) -> None:
    response = http.get(clause_url(clause_id))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["clause_id"] == clause_id
    assert body["text"]
    assert body["status"] in {"正式", "征求意见稿"}
    assert body["document"]["doc_id"] == clause_id.split("#")[0]


def test_clause_unknown_is_404(http: httpx.Client) -> None:
    assert_error(http.get(clause_url("sz-ai-industry-regulation-2022#第九百条")), 404, "clause_not_found")
    assert_error(http.get(clause_url("no-such-doc#第一条")), 404, "clause_not_found")


@pytest.mark.parametrize("raw_path", [
    "/api/clauses/..%2F..%2Fetc%2Fpasswd",
    "/api/clauses/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/api/clauses/lg-ai-rules-explainer%23..%2F..%2Fsecret",
    "/api/clauses/lg-ai-rules-explainer%23%E5%9B%9B%5C..%5Cwin",
    "/api/clauses/%2Fetc%2Fpasswd%23x",
    "/api/clauses/lg-ai-rules-explainer",
    "/api/clauses/lg-ai-rules-explainer%23",
    "/api/clauses/lg-ai-rules-explainer%23%3Cscript%3E",
    "/api/clauses/" + "a" * 300 + "%23x",
])
def test_clause_traversal_and_malformed_ids_rejected(live_server: str, raw_path: str) -> None:
    # Sent as-is so that no client-side normalisation of dot segments hides the attempt.
    url = httpx.URL(live_server + raw_path)
    with httpx.Client(timeout=10) as client:
        response = client.send(client.build_request("GET", url))
    assert response.status_code in (400, 404)
    assert_error(response, response.status_code)


# --------------------------------------------------------------------------------------- feedback


def test_feedback_is_stored(http: httpx.Client, ui_settings: Settings) -> None:
    payload = {"question": "训力券怎么申请？", "answer": "根据……[1]",
               "citations": [{"clause_id": "sz-ai-pioneer-measures-2024#一、（二）"}],
               "rating": "down", "comment": "没有说明申请时间"}
    response = http.post("/api/feedback", json=payload)
    assert response.status_code == 201
    feedback_id = response.json()["id"]
    store = FeedbackStore(ui_settings.data_dir / "feedback.sqlite3")
    record = next(r for r in store.recent(50) if r.id == feedback_id)
    assert (record.rating, record.question, record.comment) == ("down", payload["question"], payload["comment"])
    assert record.citations == payload["citations"]
    import sqlite3

    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("payload", [
    {"question": "x", "answer": "y", "rating": "meh"},
    {"answer": "y", "rating": "up"},
    {"question": "x", "answer": "y", "rating": "up", "comment": "长" * 1001},
    {"question": "x", "answer": 5, "rating": "up"},
])
def test_feedback_validation(http: httpx.Client, payload: dict) -> None:
    assert_error(http.post("/api/feedback", json=payload), 422)


# ------------------------------------------------------------------------------------------ admin


def test_admin_disabled_without_token(ui_settings: Settings, shared_assistant: PolicyAssistant) -> None:
    with variant(ui_settings, shared_assistant, admin_token="") as client:
        response = client.post("/api/admin/reindex", headers={"Authorization": "Bearer anything"})
        assert response.status_code in (403, 404)
        assert_error(response, response.status_code)


@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
    ({"Authorization": "Bearer"}, 401),  # scheme without a token (HTTP forbids a trailing space)
    ({"Authorization": "Bearer wrong-token"}, 403),
    ({"Authorization": f"Bearer {ADMIN_TOKEN}x"}, 403),
])
def test_admin_rejects_missing_or_wrong_token(http: httpx.Client, headers: dict, status: int) -> None:
    assert_error(http.post("/api/admin/reindex", headers=headers), status)
    assert_error(http.get("/api/admin/feedback", headers=headers), status)


def test_admin_reindex_with_token(ui_settings: Settings, shared_assistant: PolicyAssistant,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The route's wiring: rebuild, then swap in a freshly loaded assistant (rebuild itself faked)."""
    import assistant.runtime as runtime
    from retrieval.index import read_manifest

    manifest = read_manifest((ui_settings.index_dir / "current").resolve())
    calls: list[Settings] = []
    monkeypatch.setattr(runtime, "rebuild_index", lambda settings: calls.append(settings) or manifest)
    app = create_app(ui_settings, assistant=shared_assistant, web=False)
    app.state.pa.factory = lambda settings: shared_assistant
    with TestClient(app) as client:
        response = client.post("/api/admin/reindex", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "ok" and response.json()["clauses"] == manifest.clauses
        assert len(calls) == 1
        assert client.get("/healthz").status_code == 200
        review = client.get("/api/admin/feedback", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert review.status_code == 200 and isinstance(review.json()["feedback"], list)


@pytest.mark.slow
def test_admin_reindex_real_build(tmp_path: Path, shared_assistant: PolicyAssistant) -> None:
    settings = Settings(data_dir=tmp_path / "data", admin_token=ADMIN_TOKEN)
    with TestClient(create_app(settings, web=False)) as client:
        response = client.post("/api/admin/reindex", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
                               timeout=600)
        assert response.status_code == 200, response.text
        assert client.get("/api/search", params={"q": "训力券"}).status_code == 200


# ------------------------------------------------------------------------------- limits and CORS


def test_rate_limit_429(ui_settings: Settings, shared_assistant: PolicyAssistant) -> None:
    with variant(ui_settings, shared_assistant, rate_limit_per_minute=3) as client:
        statuses = [client.get("/api/documents").status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        response = client.get("/api/documents")
        error = assert_error(response, 429, "rate_limited")
        assert "频繁" in error["message"]
        assert int(response.headers["Retry-After"]) >= 1
        assert client.get("/healthz").status_code == 200, "health checks are not rate limited"


def test_cors_off_by_default(http: httpx.Client) -> None:
    response = http.get("/api/documents", headers={"Origin": "https://example.org"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_configurable(ui_settings: Settings, shared_assistant: PolicyAssistant) -> None:
    origin = "https://www.lg.gov.cn"
    with variant(ui_settings, shared_assistant, cors_origins=f"{origin}, https://other.example") as client:
        preflight = client.options("/api/ask", headers={"Origin": origin,
                                                        "Access-Control-Request-Method": "POST"})
        assert preflight.headers["access-control-allow-origin"] == origin
        response = client.get("/api/documents", headers={"Origin": origin})
        assert response.headers["access-control-allow-origin"] == origin
        other = client.get("/api/documents", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


# ------------------------------------------------------------------------------ errors and pages


def test_unknown_api_route_and_method(http: httpx.Client) -> None:
    assert_error(http.get("/api/nope"), 404, "not_found")
    assert_error(http.delete("/api/search"), 405, "method_not_allowed")
    assert_error(http.get("/api/ask"), 405, "method_not_allowed")


def test_openapi_docs_are_local(http: httpx.Client) -> None:
    spec = http.get("/openapi.json").json()
    for path in ("/api/ask", "/api/search", "/api/precheck", "/api/documents", "/api/documents/{doc_id}",
                 "/api/clauses/{clause_id}", "/api/feedback", "/healthz", "/api/admin/reindex"):
        assert path in spec["paths"], path
    docs = http.get("/docs")
    assert docs.status_code == 200
    assert "cdn.jsdelivr.net" not in docs.text and "unpkg.com" not in docs.text
    assert http.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_widget_page(http: httpx.Client) -> None:
    response = http.get("/widget")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "x-frame-options" not in response.headers, "the widget must be embeddable in an iframe"
    assert "http://" not in response.text and "https://" not in response.text
    assert http.get("/ui-static/widget.js").status_code == 200


def test_web_page_served(http: httpx.Client) -> None:
    response = http.get("/")
    assert response.status_code == 200
    assert "政策通" in response.text
    assert response.headers.get("x-content-type-options") == "nosniff"
