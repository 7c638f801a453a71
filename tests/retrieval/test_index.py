"""Index builds are atomic, incomplete or damaged builds are never opened, and stale builds are rebuilt.

These tests exercise the index mechanics with a model-free embedder (`HashEmbedder`) over a copy of
three small documents, so that each build takes well under a second.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from retrieval_helpers import HashEmbedder

import retrieval.index as index_module
from retrieval.corpus import CorpusError, load_corpus
from retrieval.index import (
    CHUNK_CHARS,
    FORMAT_VERSION,
    IndexNotReady,
    build_index,
    chunk_clause,
    dense_vectors,
    ensure_index,
    index_status,
    open_index,
    read_manifest,
)
from retrieval.lexicon import Tokenizer
from retrieval.models import Clause, DocumentMeta


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def current(index_dir: Path) -> Path:
    return (index_dir / "current").resolve()


def builds(index_dir: Path) -> set[Path]:
    return set((index_dir / "builds").iterdir())


def status(corpus_dir: Path, index_dir: Path, embedder, tokenizer: Tokenizer) -> str:
    return index_status(corpus_dir, index_dir, embedder.name, tokenizer.lexicon.digest)


@pytest.fixture()
def built(tiny_corpus_dir: Path, tmp_path: Path, hash_embedder: HashEmbedder,
          tokenizer: Tokenizer) -> Path:
    """An index directory with one complete build of the tiny corpus; returns the index dir."""
    index_dir = tmp_path / "index"
    build_index(tiny_corpus_dir, index_dir, hash_embedder, tokenizer)
    return index_dir


def test_a_complete_build_opens_with_everything_consistent(tiny_corpus_dir: Path, built: Path,
                                                           hash_embedder: HashEmbedder,
                                                           tokenizer: Tokenizer) -> None:
    assert status(tiny_corpus_dir, built, hash_embedder, tokenizer) == "ok"
    loaded = open_index(built)
    corpus = load_corpus(tiny_corpus_dir)
    manifest = loaded.manifest
    assert manifest.format_version == FORMAT_VERSION and manifest.fingerprint == corpus.fingerprint
    assert manifest.embedder == hash_embedder.name and manifest.dim == hash_embedder.dim
    assert loaded.corpus.clauses == corpus.clauses and loaded.corpus.documents == corpus.documents
    assert len(loaded.tokens) == manifest.clauses == len(corpus.clauses)
    # A part's bare title comes back with the build, citable but not among the clauses searched.
    title = loaded.corpus.clause("sz-ai-pioneer-measures-2024#一、")
    assert loaded.corpus.titles == corpus.titles and title is not None and title.text == "一、丰富生态要素供给"
    assert title not in loaded.corpus.clauses
    assert loaded.corpus.title_clause("sz-ai-pioneer-measures-2024", "一、丰富生态要素供给") == title
    assert loaded.collection.count() == manifest.chunks >= manifest.clauses
    # The tokens of a clause include its document's short title (clause context) and its words.
    ordinal = [c.clause_id for c in corpus.clauses].index("sz-ai-pioneer-measures-2024#一、（二）")
    assert "训力券" in loaded.tokens[ordinal]
    # Every stored vector points back to a clause of the build.
    clause = corpus.clause("sz-ai-pioneer-measures-2024#一、（二）")
    vector = hash_embedder.embed_passages(chunk_clause(clause, corpus.documents[clause.doc_id]))[0]
    nearest = dense_vectors(loaded, vector, 3)
    assert nearest[0][0] == clause.clause_id and nearest[0][1] == pytest.approx(1.0, abs=1e-3)
    assert {cid for cid, _ in nearest} <= {c.clause_id for c in corpus.clauses}


class FailingEmbedder(HashEmbedder):
    """Embeds passages like `HashEmbedder`, then fails once it has been called (e.g. out of memory)."""

    def embed_passages(self, texts: list[str]):
        super().embed_passages(texts)
        raise MemoryError("simulated failure while embedding")


def test_a_build_failing_midway_leaves_the_previous_build_in_service(tiny_corpus_dir: Path, built: Path,
                                                                     tokenizer: Tokenizer) -> None:
    before, dirs_before = current(built), builds(built)
    (tiny_corpus_dir / "sz-ai-pioneer-measures-2024.md").write_text(
        (tiny_corpus_dir / "sz-ai-pioneer-measures-2024.md").read_text(encoding="utf-8")
        .replace("1000万元", "900万元"), encoding="utf-8")
    failing = FailingEmbedder()
    with pytest.raises(MemoryError):
        build_index(tiny_corpus_dir, built, failing, tokenizer)
    assert failing.passage_calls == 1, "the failure happened inside the build, after it started"
    assert current(built) == before and builds(built) == dirs_before, "no incomplete build is left"
    loaded = open_index(built)
    assert "最高1000万元" in loaded.corpus.clause("sz-ai-pioneer-measures-2024#一、（二）").text


def test_a_build_failing_after_writing_its_files_is_removed(tiny_corpus_dir: Path, built: Path,
                                                            hash_embedder: HashEmbedder, tokenizer: Tokenizer,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Chroma store, corpus.json and tokens.json written, the manifest not: the build dir is removed."""
    before, dirs_before = current(built), builds(built)

    def no_manifest(**_kwargs):
        assert any((d / "tokens.json").exists() for d in builds(built) - dirs_before)
        raise KeyboardInterrupt  # e.g. Ctrl-C just before the manifest

    monkeypatch.setattr(index_module, "Manifest", no_manifest)
    with pytest.raises(KeyboardInterrupt):
        build_index(tiny_corpus_dir, built, hash_embedder, tokenizer)
    monkeypatch.undo()
    assert current(built) == before and builds(built) == dirs_before
    assert open_index(built).path == before


def test_a_half_written_build_is_incomplete_never_opened_and_rebuilt(tiny_corpus_dir: Path, built: Path,
                                                                     hash_embedder: HashEmbedder,
                                                                     tokenizer: Tokenizer) -> None:
    half = built / "builds" / "20000101-000000-halfwritten-1"
    shutil.copytree(current(built), half)
    (half / "manifest.json").unlink()
    link = built / "current"
    link.unlink()
    link.symlink_to(half.relative_to(built))
    assert status(tiny_corpus_dir, built, hash_embedder, tokenizer) == "incomplete"
    with pytest.raises(IndexNotReady) as caught:
        open_index(built)
    assert is_chinese(str(caught.value)) and "policy-assistant index" in str(caught.value)
    loaded = ensure_index(tiny_corpus_dir, built, hash_embedder, tokenizer)
    assert loaded.path != half and read_manifest(loaded.path) is not None
    assert not half.exists(), "incomplete builds are pruned after a successful build"


def test_a_build_of_another_format_version_is_not_opened(tiny_corpus_dir: Path, built: Path,
                                                         hash_embedder: HashEmbedder,
                                                         tokenizer: Tokenizer) -> None:
    manifest_path = current(built) / "manifest.json"
    data = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest_path.write_text(json.dumps({**data, "format_version": FORMAT_VERSION - 1}), encoding="utf-8")
    assert status(tiny_corpus_dir, built, hash_embedder, tokenizer) == "incomplete"
    with pytest.raises(IndexNotReady):
        open_index(built)
    assert ensure_index(tiny_corpus_dir, built, hash_embedder, tokenizer).manifest.format_version == FORMAT_VERSION


def test_no_index_at_all(tiny_corpus_dir: Path, tmp_path: Path, hash_embedder: HashEmbedder,
                         tokenizer: Tokenizer) -> None:
    assert status(tiny_corpus_dir, tmp_path / "none", hash_embedder, tokenizer) == "missing"
    with pytest.raises(IndexNotReady) as caught:
        open_index(tmp_path / "none")
    assert "请先运行" in str(caught.value)


def test_a_corpus_change_makes_the_index_stale_and_ensure_index_rebuilds(tiny_corpus_dir: Path, built: Path,
                                                                         hash_embedder: HashEmbedder,
                                                                         tokenizer: Tokenizer) -> None:
    old = current(built)
    path = tiny_corpus_dir / "sz-ai-pioneer-measures-2024.md"
    path.write_text(path.read_text(encoding="utf-8").replace("提高资助比例至60%", "提高资助比例至70%"),
                    encoding="utf-8")
    assert status(tiny_corpus_dir, built, hash_embedder, tokenizer) == "stale"
    loaded = ensure_index(tiny_corpus_dir, built, hash_embedder, tokenizer)
    assert loaded.path != old and current(built) == loaded.path
    assert "提高资助比例至70%" in loaded.corpus.clause("sz-ai-pioneer-measures-2024#一、（二）").text
    assert status(tiny_corpus_dir, built, hash_embedder, tokenizer) == "ok"
    assert old.exists(), "the build replaced last stays on disk for readers that still have it open"
    # A new document is picked up too, and the next rebuild prunes the oldest build.
    extra = Path(__file__).resolve().parents[2] / "corpus" / "policies" / "lg-ai-rules-explainer.md"
    shutil.copy(extra, tiny_corpus_dir / extra.name)
    assert status(tiny_corpus_dir, built, hash_embedder, tokenizer) == "stale"
    newest = ensure_index(tiny_corpus_dir, built, hash_embedder, tokenizer)
    assert "lg-ai-rules-explainer" in newest.corpus.documents
    assert builds(built) == {newest.path, loaded.path}


def test_another_embedder_or_lexicon_makes_the_index_stale(tiny_corpus_dir: Path, built: Path,
                                                           tokenizer: Tokenizer) -> None:
    assert index_status(tiny_corpus_dir, built, "another/model", tokenizer.lexicon.digest) == "stale"
    assert index_status(tiny_corpus_dir, built, HashEmbedder.name, "another-lexicon") == "stale"


@pytest.mark.parametrize("damage", ["tokens-garbled", "tokens-short", "corpus-missing", "chroma-missing"])
def test_a_damaged_build_is_refused_in_chinese_and_rebuilt(tiny_corpus_dir: Path, built: Path,
                                                           hash_embedder: HashEmbedder, tokenizer: Tokenizer,
                                                           damage: str) -> None:
    damaged = current(built)
    if damage == "tokens-garbled":
        (damaged / "tokens.json").write_text('[["训力券", "算', encoding="utf-8")
    elif damage == "tokens-short":
        tokens = json.loads((damaged / "tokens.json").read_text(encoding="utf-8"))
        (damaged / "tokens.json").write_text(json.dumps(tokens[:-1]), encoding="utf-8")
    elif damage == "corpus-missing":
        (damaged / "corpus.json").unlink()
    else:
        shutil.rmtree(damaged / "chroma")
    with pytest.raises(IndexNotReady) as caught:
        open_index(built)
    assert is_chinese(str(caught.value)) and "重建" in str(caught.value)
    loaded = ensure_index(tiny_corpus_dir, built, hash_embedder, tokenizer)
    assert loaded.path != damaged and len(loaded.tokens) == len(loaded.corpus.clauses)


def test_a_broken_corpus_file_keeps_the_previous_build_in_service(tiny_corpus_dir: Path, built: Path,
                                                                  hash_embedder: HashEmbedder,
                                                                  tokenizer: Tokenizer) -> None:
    before = current(built)
    (tiny_corpus_dir / "zz-broken.md").write_text("no front matter\n", encoding="utf-8")
    with pytest.raises(CorpusError):
        build_index(tiny_corpus_dir, built, hash_embedder, tokenizer)
    loaded = ensure_index(tiny_corpus_dir, built, hash_embedder, tokenizer)
    assert loaded.path == before and current(built) == before
    assert loaded.stale_reason and "zz-broken.md" in loaded.stale_reason
    # A previous build made with another model cannot serve: the corpus error is raised.
    other = HashEmbedder()
    other.name = "test/another-model"
    with pytest.raises(CorpusError, match=r"zz-broken\.md"):
        ensure_index(tiny_corpus_dir, built, other, tokenizer)


def test_a_broken_corpus_with_no_previous_build_raises(tiny_corpus_dir: Path, tmp_path: Path,
                                                       hash_embedder: HashEmbedder, tokenizer: Tokenizer) -> None:
    (tiny_corpus_dir / "zz-broken.md").write_text("no front matter\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"zz-broken\.md"):
        ensure_index(tiny_corpus_dir, tmp_path / "index", hash_embedder, tokenizer)
    assert not list((tmp_path / "index").glob("builds/*")), "nothing was written"


def test_long_clauses_are_chunked_with_their_context() -> None:
    doc = DocumentMeta(doc_id="d", title="某某条例", short_title="某条例", issuer="x", level="municipal",
                       doc_type="regulation", status="official", language="zh", completeness="full",
                       source="x")
    text = "第九条 " + "".join(f"第{i}句话说明一个要求。" for i in range(80))
    clause = Clause(clause_id="d#第九条", doc_id="d", locator="第九条", kind="article",
                    heading_path=("第二章 产业",), text=text, ordinal=0)
    chunks = chunk_clause(clause, doc)
    assert len(chunks) > 1
    header = "某条例 第二章 产业 第九条"
    assert all(chunk.startswith(header + "\n") for chunk in chunks)
    assert all(len(chunk) <= len(header) + 1 + CHUNK_CHARS for chunk in chunks)
    covered = "".join(chunk[len(header) + 1:] for chunk in chunks)
    assert all(sentence in covered for sentence in ("第0句话", "第40句话", "第79句话说明一个要求。"))
    short = Clause(clause_id="d#第一条", doc_id="d", locator="第一条", kind="article", heading_path=(),
                   text="第一条 短。", ordinal=1)
    assert chunk_clause(short, doc) == ["某条例 第一条\n第一条 短。"]
