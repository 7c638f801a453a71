"""Incremental indexing: a corpus change re-embeds only text never embedded before by the same model;
every build stays complete and is swapped in atomically."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

import numpy as np
import pytest
from ingest_files import make_html
from retrieval_helpers import HashEmbedder

from assistant.settings import Settings
from retrieval.index import VECTOR_CACHE, build_index, open_index
from retrieval.ingest import ImportOptions, import_file
from retrieval.lexicon import Tokenizer
from ui.commands.index import run


class RecordingEmbedder(HashEmbedder):
    """Counts the passages it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.passages: list[str] = []

    def embed_passages(self, texts: list[str]):
        self.passages += texts
        return super().embed_passages(texts)


def _vectors(index_dir: Path) -> dict[str, np.ndarray]:
    got = open_index(index_dir).collection.get(include=["embeddings"])
    return dict(zip(got["ids"], np.asarray(got["embeddings"])))


@pytest.fixture()
def layers(tiny_corpus_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    return tiny_corpus_dir, tmp_path / "data" / "corpus"


def test_adding_replacing_and_removing_documents_embeds_only_new_text(layers, tmp_path: Path,
                                                                     tokenizer: Tokenizer) -> None:
    index_dir = tmp_path / "data" / "index"
    embedder = RecordingEmbedder()
    first = build_index(layers, index_dir, embedder, tokenizer)
    assert first.embedded == first.chunks == len(embedder.passages)
    assert (index_dir / VECTOR_CACHE).is_file()

    embedder.passages.clear()  # add a document
    import_file(make_html(tmp_path / "measures.html"), layers[1], ImportOptions(doc_id="test-measures"))
    added = build_index(layers, index_dir, embedder, tokenizer)
    new_chunks = [t for t in embedder.passages]
    assert added.chunks > first.chunks and added.embedded == added.chunks - first.chunks == len(new_chunks)
    assert all("促进智能产业发展" in t for t in new_chunks)

    embedder.passages.clear()  # replace it with one changed article
    local = layers[1] / "test-measures.md"
    local.write_text(local.read_text(encoding="utf-8").replace("三百万元", "四百万元"), encoding="utf-8")
    replaced = build_index(layers, index_dir, embedder, tokenizer)
    assert replaced.embedded == len(embedder.passages) == 1 and "四百万元" in embedder.passages[0]

    embedder.passages.clear()  # remove it: nothing to embed, the first build's vectors again
    local.unlink()
    removed = build_index(layers, index_dir, embedder, tokenizer)
    assert removed.embedded == 0 and embedder.passages == [] and removed.chunks == first.chunks


def test_cached_vectors_equal_fresh_ones(layers, tmp_path: Path, tokenizer: Tokenizer) -> None:
    build_index(layers, tmp_path / "a", HashEmbedder(), tokenizer)
    build_index(layers, tmp_path / "a", HashEmbedder(), tokenizer)  # all from the cache
    build_index(layers, tmp_path / "b", HashEmbedder(), tokenizer, vector_cache=False)
    cached, fresh = _vectors(tmp_path / "a"), _vectors(tmp_path / "b")
    assert cached.keys() == fresh.keys()
    assert all(np.allclose(cached[k], fresh[k]) for k in cached)


def test_another_model_never_reuses_vectors(layers, tmp_path: Path, tokenizer: Tokenizer) -> None:
    build_index(layers, tmp_path / "index", HashEmbedder(), tokenizer)
    other = RecordingEmbedder()
    other.name = "test/another-model"
    manifest = build_index(layers, tmp_path / "index", other, tokenizer)
    assert manifest.embedded == manifest.chunks


def test_a_damaged_cache_costs_time_not_the_build(layers, tmp_path: Path, tokenizer: Tokenizer) -> None:
    index_dir = tmp_path / "index"
    build_index(layers, index_dir, HashEmbedder(), tokenizer)
    (index_dir / VECTOR_CACHE).write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (index_dir / f"{VECTOR_CACHE}{suffix}").unlink(missing_ok=True)
    manifest = build_index(layers, index_dir, HashEmbedder(), tokenizer)
    assert manifest.embedded == manifest.chunks
    assert open_index(index_dir).manifest == manifest


def test_the_index_command_says_how_many_chunks_it_embedded_and_reused(tiny_corpus_dir: Path, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(corpus_dir=tiny_corpus_dir, data_dir=tmp_path / "data", llm_base_url="")
    assert run(Namespace(), settings) == 0
    first = capsys.readouterr().out
    assert run(Namespace(), settings) == 0
    second = capsys.readouterr().out
    assert "沿用缓存 0 个" in first and "新计算 0 个" in second
