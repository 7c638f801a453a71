"""The knowledge-base admin API over a real index: upload a DOCX, review, edit, publish, search, disable, delete;
hostile uploads change nothing; a rule whose quoted clause vanishes blocks publishing."""

from __future__ import annotations

import csv
import io
import json
import shutil
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from ui_helpers import ADMIN_TOKEN, make_docx

from assistant.service import PolicyAssistant
from assistant.settings import PROJECT_ROOT, Settings
from retrieval.corpus import local_corpus_dir

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
DOC_ID = "test-starbay-compute-voucher"
# Words no shipped document uses, so that only the uploaded document can answer.
TERM = "星湾算力券"


@pytest.fixture(scope="module")
def admin_settings(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings,
                   policy_assistant: PolicyAssistant) -> Settings:
    """A data dir of its own (these tests change the corpus), starting from a copy of the session's index."""
    data = tmp_path_factory.mktemp("pa-admin-data")
    shutil.copytree(built_settings.index_dir, data / "index", symlinks=True)
    return built_settings.model_copy(update={"data_dir": data, "admin_token": ADMIN_TOKEN,
                                             "rate_limit_per_minute": 0})


@pytest.fixture(scope="module")
def client(admin_settings: Settings) -> Iterator[TestClient]:
    from ui.app import create_app

    with TestClient(create_app(admin_settings, web=False)) as test_client:
        yield test_client


def upload(client: TestClient, name: str, data: bytes, **form: str):
    return client.post("/api/admin/documents", headers=AUTH, files={"file": (name, data)}, data=form)


def search_doc_ids(client: TestClient, query: str) -> list[str]:
    response = client.get("/api/search", params={"q": query, "k": 5})
    assert response.status_code == 200, response.text
    return [hit["doc_id"] for hit in response.json()["results"]]


def test_upload_review_edit_publish_disable_delete(client: TestClient, admin_settings: Settings) -> None:
    response = upload(client, "星湾算力券.docx", make_docx(), doc_id=DOC_ID, status="official")
    assert response.status_code == 200, response.text
    draft = response.json()
    assert draft["published"] is False and draft["doc_id"] == DOC_ID
    assert [c["label"] for c in draft["clauses"] if c["label"].startswith("第")] == ["第一条", "第二条", "第三条"]
    assert "一千元" in draft["preview"]["body"]
    assert not (local_corpus_dir(admin_settings.data_dir) / f"{DOC_ID}.md").exists()
    assert DOC_ID not in search_doc_ids(client, f"{TERM}每张面值多少")

    listed = client.get("/api/admin/documents", headers=AUTH).json()
    row = next(r for r in listed["documents"] if r["doc_id"] == DOC_ID)
    assert row["origin"] == "draft" and row["published"] is False and row["clause_count"] == len(draft["clauses"])
    assert any(r["origin"] == "shipped" for r in listed["documents"])

    # A wrong value is refused with the loader's reason and changes nothing.
    bad = client.patch(f"/api/admin/documents/{DOC_ID}", headers=AUTH, json={"status": "valid"})
    assert bad.status_code == 400 and "status" in bad.json()["error"]["message"]
    fixed = client.patch(f"/api/admin/documents/{DOC_ID}", headers=AUTH,
                         json={"title": "深圳市龙岗区星湾算力券兑换办法", "source": "区科技创新局提供的 Word 文件"})
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["document"]["title"] == "深圳市龙岗区星湾算力券兑换办法"

    published = client.post(f"/api/admin/documents/{DOC_ID}/publish", headers=AUTH)
    assert published.status_code == 200, published.text
    assert (local_corpus_dir(admin_settings.data_dir) / f"{DOC_ID}.md").is_file()
    assert search_doc_ids(client, f"{TERM}每张面值多少")[0] == DOC_ID
    answer = client.post("/api/ask", json={"question": f"{TERM}每张面值多少？"}).json()
    assert any(c["clause_id"].startswith(f"{DOC_ID}#") for c in answer["citations"]), answer
    row = next(r for r in client.get("/api/admin/documents", headers=AUTH).json()["documents"]
               if r["doc_id"] == DOC_ID)
    assert row["origin"] == "local" and row["enabled"] is True and row["title"] == "深圳市龙岗区星湾算力券兑换办法"

    assert client.post(f"/api/admin/documents/{DOC_ID}/disable", headers=AUTH).status_code == 200
    assert DOC_ID not in search_doc_ids(client, f"{TERM}每张面值多少")
    answer = client.post("/api/ask", json={"question": f"{TERM}每张面值多少？"}).json()
    assert not any(c["clause_id"].startswith(f"{DOC_ID}#") for c in answer["citations"])
    row = next(r for r in client.get("/api/admin/documents", headers=AUTH).json()["documents"]
               if r["doc_id"] == DOC_ID)
    assert row["enabled"] is False
    assert client.post(f"/api/admin/documents/{DOC_ID}/enable", headers=AUTH).status_code == 200
    assert search_doc_ids(client, f"{TERM}每张面值多少")[0] == DOC_ID

    # A correction uploaded as a draft and discarded leaves the published version alone.
    assert upload(client, "fix.docx", make_docx("龙岗区星湾算力券兑换办法（更正）"), doc_id=DOC_ID).status_code == 200
    assert client.delete(f"/api/admin/documents/{DOC_ID}", headers=AUTH).json() == {"doc_id": DOC_ID,
                                                                                    "draft_deleted": True}
    assert (local_corpus_dir(admin_settings.data_dir) / f"{DOC_ID}.md").is_file()

    deleted = client.delete(f"/api/admin/documents/{DOC_ID}", headers=AUTH)
    assert deleted.status_code == 200, deleted.text
    assert DOC_ID not in search_doc_ids(client, f"{TERM}每张面值多少")
    assert all(r["doc_id"] != DOC_ID for r in client.get("/api/admin/documents", headers=AUTH).json()["documents"])


def test_pending_known_documents_listed(client: TestClient) -> None:
    listed = client.get("/api/admin/documents", headers=AUTH).json()
    held = {r["doc_id"] for r in listed["documents"]}
    assert listed["pending"], "known-documents.yaml lists documents not held"
    assert all(p["label"] == "待收录" and p["doc_id"] not in held for p in listed["pending"])


def _state_of(admin_settings: Settings) -> list[str]:
    data = Path(admin_settings.data_dir)
    return sorted(str(p.relative_to(data)) for p in (data / "corpus").rglob("*")) + \
        sorted(str(p.relative_to(data)) for p in (data / "drafts").rglob("*"))


@pytest.mark.parametrize("name,data,status,code", [
    ("tool.exe", b"MZ\x90\x00", 415, "unsupported_type"),
    ("broken.docx", b"PK\x03\x04 this is not a real Word file", 422, "import_failed"),
    ("empty.pdf", b"", 400, "empty_file"),
    ("notes.txt", b"\n\n   \n", 422, "import_failed"),
])
def test_hostile_uploads_change_nothing(client: TestClient, admin_settings: Settings, name: str, data: bytes,
                                        status: int, code: str) -> None:
    before = _state_of(admin_settings)
    response = upload(client, name, data)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert _state_of(admin_settings) == before


def test_too_large_upload_is_413_and_other_routes_keep_their_limit(client: TestClient,
                                                                   admin_settings: Settings) -> None:
    before = _state_of(admin_settings)
    response = upload(client, "big.txt", b"a" * (51 * 1024 * 1024))
    assert response.status_code == 413 and "上限" in response.json()["error"]["message"]
    assert _state_of(admin_settings) == before
    # A 1 MB upload passes the body limit (and is refused only because it is not a document) ...
    assert upload(client, "x.exe", b"a" * 1024 * 1024).status_code == 415
    # ... while the same body elsewhere is over the general limit.
    assert client.post("/api/ask", content=b"a" * 1024 * 1024,
                       headers={"Content-Type": "application/json"}).status_code == 413


@pytest.mark.parametrize("headers,status", [({}, 401), ({"Authorization": "Bearer wrong-token"}, 403)])
def test_admin_document_routes_need_the_token(client: TestClient, headers: dict, status: int) -> None:
    assert client.get("/api/admin/documents", headers=headers).status_code == status
    assert client.post("/api/admin/documents", headers=headers,
                       files={"file": ("a.docx", make_docx())}).status_code == status
    assert client.post(f"/api/admin/documents/{DOC_ID}/publish", headers=headers).status_code == status
    assert client.delete("/api/admin/documents/lg-ai-rules-explainer", headers=headers).status_code == status


def test_shipped_document_cannot_be_deleted(client: TestClient) -> None:
    response = client.delete("/api/admin/documents/lg-ai-rules-explainer", headers=AUTH)
    assert response.status_code == 400 and "停用" in response.json()["error"]["message"]


def test_publish_blocked_when_a_rule_loses_its_quoted_clause(client: TestClient, admin_settings: Settings) -> None:
    shipped = (PROJECT_ROOT / "corpus" / "policies" / "lg-itc-fund-measures-2026.md").read_text(encoding="utf-8")
    front = shipped.split("\n---", 1)[0] + "\n---\n\n"
    response = upload(client, "lg-itc-fund-measures-2026.md", (front + "第一条 本办法自发布之日起施行。\n").encode())
    assert response.status_code == 200, response.text
    assert response.json()["doc_id"] == "lg-itc-fund-measures-2026" and response.json()["replaces"] is True
    blocked = client.post("/api/admin/documents/lg-itc-fund-measures-2026/publish", headers=AUTH)
    assert blocked.status_code == 409, blocked.text
    message = blocked.json()["error"]["message"]
    assert "规则" in message and "force" in message
    assert not (local_corpus_dir(admin_settings.data_dir) / "lg-itc-fund-measures-2026.md").exists()
    assert client.delete("/api/admin/documents/lg-itc-fund-measures-2026", headers=AUTH).status_code == 200


def test_feedback_keeps_history_and_build_filters_and_exports_csv(client: TestClient) -> None:
    history = [{"role": "user", "content": "龙岗区有哪些算力补贴？"}, {"role": "assistant", "content": "有算力券……"}]
    for rating, question in (("down", "算力券怎么兑换？"), ("up", "谁负责解释？")):
        response = client.post("/api/feedback", json={"question": question, "answer": "答", "rating": rating,
                                                      "citations": [], "history": history, "comment": "意见"})
        assert response.status_code == 201, response.text
    down = client.get("/api/admin/feedback", headers=AUTH, params={"rating": "down"}).json()["feedback"]
    assert down and all(r["rating"] == "down" for r in down)
    assert down[0]["history"] == history and down[0]["index_build"]
    today = client.get("/api/admin/feedback", headers=AUTH, params={"since": time.strftime("%Y-%m-%d")}).json()
    assert len(today["feedback"]) >= 2
    assert client.get("/api/admin/feedback", headers=AUTH, params={"until": "2000-01-01"}).json()["feedback"] == []
    assert client.get("/api/admin/feedback", headers=AUTH, params={"since": "昨天"}).status_code == 400
    exported = client.get("/api/admin/feedback", headers=AUTH, params={"format": "csv"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert {"算力券怎么兑换？", "谁负责解释？"} <= {r["question"] for r in rows}
    assert json.loads(rows[0]["history"]) == history


def test_existing_feedback_records_migrate(tmp_path: Path) -> None:
    from storage import Database, FeedbackTable
    from storage.migrations import MIGRATIONS

    db = Database("sqlite", path=tmp_path / "old.sqlite3")
    with closing(db.connect()) as conn:  # a store as migrations 1-2 left it, with one record
        for statement in (s for m in MIGRATIONS[:2] for s in m.sqlite):
            conn.execute(statement)
        conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)")
        conn.execute("INSERT INTO schema_migrations VALUES (1, 0), (2, 0)")
        conn.execute("INSERT INTO feedback (created_at, rating, question, answer, citations) "
                     "VALUES (1, 'down', '旧问题', '旧回答', '[]')")
        conn.commit()
    assert 3 in db.migrate()
    with closing(db.connect()) as conn:
        [record] = FeedbackTable(db).recent(conn)
    assert (record.question, record.history, record.index_build) == ("旧问题", [], "")
