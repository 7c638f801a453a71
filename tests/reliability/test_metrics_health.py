"""Observability: /metrics in Prometheus text with request counts and latency histograms by route
template, and a /healthz that really probes the index and the model."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from assistant.service import PolicyAssistant
from assistant.settings import Settings
from ui.app import create_app


def families(text: str) -> dict:
    return {f.name: f for f in text_string_to_metric_families(text)}


def test_metrics_count_requests_and_latency_by_route_template(mini_settings: Settings,
                                                               mini_assistant: PolicyAssistant) -> None:
    """Counts and latency histograms by route template; ids and unknown paths never become labels."""
    with TestClient(create_app(mini_settings, assistant=mini_assistant, web=False)) as client:
        clause_ids = [c.clause_id for c in mini_assistant.corpus.clauses[:15]]
        for clause_id in clause_ids:
            assert client.get("/api/clauses/" + quote(clause_id, safe="")).status_code == 200
        for n in range(40):
            client.get(f"/api/no-such-route-{n}")
            client.get(f"/random/path/{n}")
        client.post("/api/ask", json={"question": "训力券最高资助多少？"})
        client.post("/api/ask", json={"question": ""})
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    metrics = families(response.text)
    requests = {tuple(sorted(s.labels.items())): s.value for s in metrics["pa_http_requests"].samples
                if s.name == "pa_http_requests_total"}
    routes = {dict(labels)["route"] for labels in requests}
    assert not any("lg-ai" in r or "no-such-route" in r or "random" in r for r in routes), routes
    assert len(routes) <= 6, routes
    clause_key = (("method", "GET"), ("route", "/api/clauses/{clause_id:path}"), ("status", "200"))
    assert requests[clause_key] == len(clause_ids)
    assert requests[(("method", "POST"), ("route", "/api/ask"), ("status", "400"))] == 1
    histogram = metrics["pa_http_request_duration_seconds"]
    ask_buckets = [s for s in histogram.samples if s.name.endswith("_bucket") and s.labels["route"] == "/api/ask"]
    assert len(ask_buckets) >= 10 and max(s.value for s in ask_buckets) == 2
    assert metrics["pa_index_ready"].samples[0].value == 1
    assert metrics["pa_index_clauses"].samples[0].value == len(mini_assistant.corpus.clauses)
    assert "process_resident_memory_bytes" in response.text
    assert "pa_feedback_write_failures_total 0.0" in response.text


def test_apps_in_one_process_keep_separate_metrics(mini_settings: Settings,
                                                   mini_assistant: PolicyAssistant) -> None:
    """Each app has its own registry (no duplicate-registration errors, no shared counts)."""
    first = TestClient(create_app(mini_settings, assistant=mini_assistant, web=False))
    second = TestClient(create_app(mini_settings, assistant=mini_assistant, web=False))
    first.get("/api/documents")
    assert 'route="/api/documents"' in first.get("/metrics").text
    assert 'route="/api/documents"' not in second.get("/metrics").text


class _BrokenCollection:
    def count(self) -> int:
        raise RuntimeError("store closed")


def _with_index(assistant: PolicyAssistant, **changes) -> PolicyAssistant:
    index = assistant.retriever.index
    retriever = SimpleNamespace(index=dataclasses.replace(index, **changes.pop("index", {})),
                                embedder=changes.pop("embedder", assistant.retriever.embedder))
    return SimpleNamespace(retriever=retriever, corpus=assistant.corpus)  # type: ignore[return-value]


@pytest.mark.parametrize("damage", ["store-unreadable", "store-incomplete", "model-mismatch", "no-model"])
def test_healthz_probes_index_and_model(mini_settings: Settings, mini_assistant: PolicyAssistant,
                                        damage: str) -> None:
    """/healthz is 503 with a Chinese reason when the vector store fails or is short, or the model
    does not fit the index — not merely when nothing is loaded."""
    app = create_app(mini_settings, assistant=mini_assistant, web=False)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        manifest = mini_assistant.retriever.index.manifest
        broken = {
            "store-unreadable": lambda: _with_index(mini_assistant, index={"collection": _BrokenCollection()}),
            "store-incomplete": lambda: _with_index(mini_assistant, index={
                "manifest": dataclasses.replace(manifest, chunks=manifest.chunks + 1)}),
            "model-mismatch": lambda: _with_index(mini_assistant, embedder=SimpleNamespace(dim=manifest.dim * 2)),
            "no-model": lambda: _with_index(mini_assistant, embedder=None),
        }[damage]()
        app.state.pa.assistant = broken
        response = client.get("/healthz")
        assert response.status_code == 503
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["reason"])
        assert "pa_index_ready 0.0" in client.get("/metrics").text
        app.state.pa.assistant = mini_assistant
        assert client.get("/healthz").status_code == 200
