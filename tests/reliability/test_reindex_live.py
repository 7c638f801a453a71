"""Re-indexing while serving: concurrent queries on the live HTTP server during POST /api/admin/reindex.

Queries keep succeeding, served from the old index until the new one is swapped in; never a mix.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx
from fastapi.testclient import TestClient
from rel_helpers import ADMIN_TOKEN, assert_error
from servers import ThreadedServer
from test_index_faults import PROBE_TERM, add_probe_doc

from assistant.service import PolicyAssistant
from assistant.settings import Settings
from ui.app import create_app

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
OLD_DOCS = 5
NEW_DOC = "zz-reliability-probe"


@dataclass
class Probe:
    kind: str
    started: float
    ended: float
    status: int
    new_index: bool | None  # None: the response does not tell


def _query(client: httpx.Client, kind: str) -> Probe:
    started = time.monotonic()
    if kind == "search":
        response = client.get("/api/search", params={"q": PROBE_TERM, "k": 3})
        seen = response.json()["results"] if response.status_code == 200 else []
        new = any(hit["doc_id"] == NEW_DOC for hit in seen)
    elif kind == "documents":
        response = client.get("/api/documents")
        docs = {d["doc_id"] for d in response.json()["documents"]} if response.status_code == 200 else set()
        new = NEW_DOC in docs
        assert len(docs) in (0, OLD_DOCS, OLD_DOCS + 1), "a document list from neither index"
    else:
        response = client.post("/api/ask", json={"question": f"{PROBE_TERM}给予什么支持？"})
        body = response.json() if response.status_code == 200 else {}
        new = any(c["clause_id"].startswith(NEW_DOC) for c in body.get("citations", []))
    return Probe(kind, started, time.monotonic(), response.status_code, new)


def test_queries_during_reindex_all_succeed_on_old_then_new(fresh_settings: Settings,
                                                            record_property) -> None:
    """Threads query the live server while an admin re-index runs: every query 200, old index until the swap."""
    assistant = PolicyAssistant.from_settings(fresh_settings)
    add_probe_doc(fresh_settings.corpus_dir)  # the corpus changes; the next build holds one more document
    probes: list[Probe] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    lock = threading.Lock()

    with ThreadedServer(create_app(fresh_settings, assistant=assistant, web=False)) as server:
        def worker(kinds: tuple[str, ...]) -> None:
            with httpx.Client(base_url=server.base_url, timeout=60) as client:
                n = 0
                while not stop.is_set():
                    try:
                        probe = _query(client, kinds[n % len(kinds)])
                    except BaseException as exc:
                        errors.append(exc)
                        return
                    with lock:
                        probes.append(probe)
                    n += 1
                    time.sleep(0.02)

        threads = [threading.Thread(target=worker, args=(kinds,), daemon=True)
                   for kinds in (("search",), ("documents",), ("ask",), ("search", "documents"))]
        for thread in threads:
            thread.start()
        # Queries answered by the old index first; on a loaded machine the first answers take a while.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not errors and len(probes) < 4:
            time.sleep(0.1)
        reindex_started = time.monotonic()
        with httpx.Client(base_url=server.base_url, timeout=300) as admin:
            response = admin.post("/api/admin/reindex", headers=AUTH)
        reindex_ended = time.monotonic()
        time.sleep(1.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    assert not errors, errors
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ok"
    assert all(p.status == 200 for p in probes), [p for p in probes if p.status != 200][:5]
    before = [p for p in probes if p.ended < reindex_started]
    during = [p for p in probes if p.started >= reindex_started and p.ended <= reindex_ended]
    after = [p for p in probes if p.started > reindex_ended]
    assert before and during and after, (len(before), len(during), len(after))
    assert not any(p.new_index for p in before), "the new index was served before the re-index"
    # Until the swap every answer comes from the old index; after it only from the new one.
    assert all(p.new_index for p in after if p.kind in ("search", "documents"))
    # The swap is one assignment: once any response came from the new index, every later query does too.
    telling = [p for p in probes if p.kind in ("search", "documents")]
    first_new_end = min((p.ended for p in telling if p.new_index), default=None)
    assert first_new_end is not None
    assert all(p.new_index for p in telling if p.started > first_new_end), "old index served after the new one"
    record_property("queries_total", len(probes))
    record_property("queries_during_reindex", len(during))
    record_property("reindex_seconds", round(reindex_ended - reindex_started, 2))
    record_property("max_query_latency_during_reindex_s",
                    round(max(p.ended - p.started for p in during), 3))
    record_property("non_200", sum(p.status != 200 for p in probes))


def test_second_reindex_while_one_runs_is_409(fresh_settings: Settings,
                                              mini_assistant: PolicyAssistant) -> None:
    """Two admins re-index at once: the second gets 409 `reindex_running` (Chinese), the first succeeds."""
    app = create_app(fresh_settings, assistant=mini_assistant, web=False)
    with ThreadedServer(app) as server:
        results: list[httpx.Response] = []

        def first() -> None:
            with httpx.Client(base_url=server.base_url, timeout=300) as client:
                results.append(client.post("/api/admin/reindex", headers=AUTH))

        thread = threading.Thread(target=first)
        thread.start()
        deadline = time.monotonic() + 30
        while not app.state.pa.reindex_lock.locked() and time.monotonic() < deadline:
            time.sleep(0.01)
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            assert_error(client.post("/api/admin/reindex", headers=AUTH), 409, "reindex_running")
        thread.join(timeout=300)
    assert results and results[0].status_code == 200, results[0].text if results else "no answer"


def test_reindex_that_cannot_load_keeps_old_index_serving(fresh_settings: Settings,
                                                          mini_assistant: PolicyAssistant) -> None:
    """The new build succeeds but loading it fails: 500 with a Chinese message, the old index keeps serving."""
    app = create_app(fresh_settings, assistant=mini_assistant, web=False)

    def failing_factory(_settings: Settings) -> PolicyAssistant:
        raise OSError("simulated: cannot open the new build")

    app.state.pa.factory = failing_factory
    with TestClient(app) as client:
        assert_error(client.post("/api/admin/reindex", headers=AUTH), 500, "reindex_failed")
        assert client.get("/healthz").status_code == 200
        response = client.get("/api/search", params={"q": "训力券"})
        assert response.status_code == 200 and response.json()["results"]
        assert client.post("/api/ask", json={"question": "训力券最高资助多少？"}).status_code == 200
