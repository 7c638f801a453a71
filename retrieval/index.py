"""Build and open the search index: Chroma (dense) + BM25 tokens (lexical), swapped in atomically.

Layout under the index directory::

    current -> builds/<build-name>      symlink, replaced atomically after a build succeeds
    builds/<build-name>/manifest.json   written last: a build without it is incomplete
    builds/<build-name>/corpus.json     the documents and clauses the build was made from
    builds/<build-name>/tokens.json     BM25 tokens of every clause
    builds/<build-name>/chroma/         embedded Chroma store (absent with a Chroma server)
    vectors.sqlite3                     passage vectors by (model, exact text): only new text is embedded

A reader opens whatever `current` points to and only ever sees a complete build; a failed build leaves
the previous one in service. Every build is complete in itself, but costs little when little changed:
vectors of text embedded before come from the cache. With a Chroma server, the collections of removed
builds are deleted from the server. A build is stale when the corpus fingerprint or the embedder differs.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import chromadb
import numpy as np

from retrieval.corpus import CorpusDirs, CorpusError, corpus_files, fingerprint, load_corpus
from retrieval.embeddings import Embedder, VectorCache
from retrieval.lexicon import Lexicon, Tokenizer
from retrieval.models import Clause, Corpus, DocumentMeta

FORMAT_VERSION = 5  # bump when parsing, tokenisation, chunking or what a build stores changes
CHUNK_CHARS = 320
CHUNK_OVERLAP = 60
VECTOR_CACHE = "vectors.sqlite3"
KEEP_OLD_BUILDS = 1  # the build replaced last stays on disk so that open readers can finish

log = logging.getLogger(__name__)


class IndexNotReady(RuntimeError):
    """The index is missing, incomplete or stale; the message is for users (Chinese)."""


class VectorStoreUnavailable(IndexNotReady):
    """The Chroma server does not answer; the next request tries again (no restart of the app needed)."""


@dataclass(frozen=True)
class Manifest:
    """What a complete build records about itself."""

    format_version: int
    fingerprint: str
    embedder: str
    lexicon: str
    dim: int
    clauses: int
    chunks: int
    collection: str
    chroma_host: str
    built_at: float
    build_seconds: float
    embedded: int = -1  # chunks embedded by this build (the rest came from the vector cache); -1: unknown


@dataclass(frozen=True)
class ChromaLocation:
    """Where dense vectors live: an embedded store inside the build, or a Chroma server."""

    host: str = ""
    port: int = 8000

    def client(self, build_dir: Path) -> chromadb.api.ClientAPI:
        """A Chroma client for this location."""
        settings = chromadb.Settings(anonymized_telemetry=False)
        if self.host:
            return chromadb.HttpClient(host=self.host, port=self.port, settings=settings)
        return chromadb.PersistentClient(path=str(build_dir / "chroma"), settings=settings)


@dataclass
class LoadedIndex:
    """An opened build: the corpus it was made from, BM25 tokens and the Chroma collection."""

    path: Path
    manifest: Manifest
    corpus: Corpus
    tokens: list[list[str]]
    collection: chromadb.api.models.Collection.Collection
    # Set when this build is served although the corpus changed and could not be rebuilt.
    stale_reason: str | None = None


def clause_context(clause: Clause, doc: DocumentMeta, lexicon: Lexicon | None = None) -> str:
    """The header indexed with a clause: document, heading path and label give it context.

    An English clause also gets the Chinese terms for its policy words, so that Chinese questions
    reach it through both retrievers.
    """
    header = " ".join([doc.short_title, *clause.heading_path, clause.label])
    if lexicon is not None and doc.language == "en":
        header += " " + " ".join(lexicon.gloss(clause.text))
    return header


def chunk_clause(clause: Clause, doc: DocumentMeta, lexicon: Lexicon | None = None) -> list[str]:
    """Embedding texts of a clause: windows of its text, each prefixed with the clause context."""
    header = clause_context(clause, doc, lexicon)
    text = clause.text
    if len(text) <= CHUNK_CHARS:
        return [f"{header}\n{text}"]
    step = CHUNK_CHARS - CHUNK_OVERLAP
    return [f"{header}\n{text[i:i + CHUNK_CHARS]}" for i in range(0, len(text) - CHUNK_OVERLAP, step)]


def _corpus_to_json(corpus: Corpus) -> dict[str, object]:
    return {
        "fingerprint": corpus.fingerprint,
        "documents": [asdict(d) for d in corpus.documents.values()],
        "clauses": [asdict(c) for c in corpus.clauses],
        "titles": [asdict(c) for c in corpus.titles],
        "tables": [asdict(c) for c in corpus.tables],
    }


def _corpus_from_json(data: dict) -> Corpus:
    # JSON has no tuples: the tuple fields of DocumentMeta come back as lists.
    docs = {d["doc_id"]: DocumentMeta(**{**d, **{k: tuple(d.get(k, ())) for k in ("gaps", "supersedes",
                                                                                 "superseded_by")}})
            for d in data["documents"]}
    clauses, titles, tables = (tuple(Clause(**{**c, "heading_path": tuple(c["heading_path"])}) for c in data[key])
                               for key in ("clauses", "titles", "tables"))
    return Corpus(documents=docs, clauses=clauses, fingerprint=data["fingerprint"], titles=titles, tables=tables)


@contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index directory (across processes)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _swap_current(index_dir: Path, build_dir: Path) -> None:
    """Point `current` at `build_dir` atomically (rename of a fresh symlink)."""
    tmp_link = index_dir / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(build_dir.relative_to(index_dir))
    os.replace(tmp_link, index_dir / "current")


def _drop_server_collection(build: Path, chroma: ChromaLocation) -> None:
    """Delete a removed build's collection from the Chroma server it lives on (nothing else uses it)."""
    manifest = read_manifest(build)
    if manifest is None or not manifest.chroma_host or manifest.chroma_host != chroma.host:
        return
    try:
        chroma.client(build).delete_collection(manifest.collection)
    except Exception as exc:  # an unreachable server or a collection already gone: leave it, log it
        log.warning("无法删除 Chroma 服务器上的旧集合 %s：%s", manifest.collection, exc)


def _prune(index_dir: Path, keep: Path, chroma: ChromaLocation = ChromaLocation()) -> None:
    """Remove incomplete builds and all but the newest superseded complete builds."""
    builds = sorted((index_dir / "builds").iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    superseded = 0
    for build in builds:
        if build == keep:
            continue
        complete = (build / "manifest.json").exists()
        if complete and superseded < KEEP_OLD_BUILDS:
            superseded += 1
            continue
        if complete:
            _drop_server_collection(build, chroma)
        shutil.rmtree(build, ignore_errors=True)


def build_index(corpus_dir: CorpusDirs, index_dir: Path, embedder: Embedder, tokenizer: Tokenizer,
                chroma: ChromaLocation = ChromaLocation(), *, vector_cache: bool = True) -> Manifest:
    """Parse the corpus and build a new index; swap it in only when every step has succeeded.

    Passage vectors come from the cache under `index_dir` where the same model embedded the same text
    before (`vector_cache=False` embeds everything).
    """
    with _build_lock(index_dir):
        started = time.perf_counter()
        corpus = load_corpus(corpus_dir)  # raises CorpusError before anything is written
        # Unique even for two builds of one corpus by one process within a second.
        name = (f"{time.strftime('%Y%m%d-%H%M%S')}-{corpus.fingerprint[:12]}-{os.getpid()}"
                f"-{secrets.token_hex(3)}")
        build_dir = index_dir / "builds" / name
        build_dir.mkdir(parents=True)
        try:
            lexicon = tokenizer.lexicon
            tokens = [tokenizer.tokens(clause_context(c, corpus.documents[c.doc_id], lexicon)
                                       + "\n" + c.text)
                      for c in corpus.clauses]
            ids, texts, metas = [], [], []
            for clause in corpus.clauses:
                for n, chunk in enumerate(chunk_clause(clause, corpus.documents[clause.doc_id], lexicon)):
                    ids.append(f"{clause.clause_id}::{n}")
                    texts.append(chunk)
                    metas.append({"clause_id": clause.clause_id, "doc_id": clause.doc_id})
            if vector_cache:
                vectors, embedded = VectorCache(index_dir / VECTOR_CACHE).embed_passages(embedder, texts)
            else:
                vectors, embedded = embedder.embed_passages(texts), len(texts)
            collection_name = f"pa-{name}"[:60].rstrip("-")
            client = chroma.client(build_dir)
            collection = client.create_collection(collection_name, metadata={"hnsw:space": "cosine"},
                                                  embedding_function=None)
            batch = 2000
            for i in range(0, len(ids), batch):
                collection.add(ids=ids[i:i + batch], embeddings=vectors[i:i + batch],
                               metadatas=metas[i:i + batch], documents=texts[i:i + batch])
            (build_dir / "corpus.json").write_text(
                json.dumps(_corpus_to_json(corpus), ensure_ascii=False), encoding="utf-8")
            (build_dir / "tokens.json").write_text(json.dumps(tokens, ensure_ascii=False),
                                                   encoding="utf-8")
            manifest = Manifest(
                format_version=FORMAT_VERSION, fingerprint=corpus.fingerprint, embedder=embedder.name,
                lexicon=lexicon.digest, dim=embedder.dim, clauses=len(corpus.clauses), chunks=len(ids),
                collection=collection_name, chroma_host=chroma.host, built_at=time.time(),
                build_seconds=round(time.perf_counter() - started, 3), embedded=embedded)
            # The manifest is written last, through a rename: its presence marks a complete build.
            tmp = build_dir / "manifest.json.tmp"
            tmp.write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")
            os.replace(tmp, build_dir / "manifest.json")
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        _swap_current(index_dir, build_dir)
        _prune(index_dir, build_dir, chroma)
        return manifest


def read_manifest(build_dir: Path) -> Manifest | None:
    """The manifest of a complete build, or None when the build is missing or incomplete."""
    try:
        data = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None
    return manifest if manifest.format_version == FORMAT_VERSION else None


def index_status(corpus_dir: CorpusDirs, index_dir: Path, embedder_name: str, lexicon_digest: str) -> str:
    """'ok', 'missing', 'incomplete' or 'stale' for the build in service.

    A build is stale when the corpus, the embedding model or the lexicon it was made with changed.
    """
    current = index_dir / "current"
    if not current.exists():
        return "missing"
    manifest = read_manifest(current.resolve())
    if manifest is None:
        return "incomplete"
    if (manifest.fingerprint != fingerprint(corpus_files(corpus_dir))
            or manifest.embedder != embedder_name or manifest.lexicon != lexicon_digest):
        return "stale"
    return "ok"


def open_index(index_dir: Path, chroma: ChromaLocation = ChromaLocation()) -> LoadedIndex:
    """Open the build in service; raise `IndexNotReady` with a user message if there is none."""
    build_dir = (index_dir / "current").resolve()
    manifest = read_manifest(build_dir)
    if manifest is None:
        raise IndexNotReady(f"索引不存在或不完整（{index_dir}）：请先运行 `policy-assistant index`")
    try:
        if not chroma.host and not (build_dir / "chroma" / "chroma.sqlite3").is_file():
            # Checked here: a client cached in this process would still serve a deleted store.
            raise FileNotFoundError(build_dir / "chroma" / "chroma.sqlite3")
        corpus = _corpus_from_json(json.loads((build_dir / "corpus.json").read_text(encoding="utf-8")))
        tokens = json.loads((build_dir / "tokens.json").read_text(encoding="utf-8"))
        collection = chroma.client(build_dir).get_collection(manifest.collection)
    except Exception as exc:  # any damage inside a build makes it unusable as a whole
        raise IndexNotReady(f"索引文件已损坏（{build_dir.name}）：请运行 `policy-assistant index` 重建。"
                          f"（{type(exc).__name__}）") from exc
    # Every part must come from the build the manifest describes: never serve texts of one corpus with
    # tokens or vectors of another.
    if (corpus.fingerprint != manifest.fingerprint or len(corpus.clauses) != manifest.clauses
            or len(tokens) != len(corpus.clauses) or collection.count() != manifest.chunks):
        raise IndexNotReady(f"索引文件不完整（{build_dir.name}）：请运行 `policy-assistant index` 重建。")
    return LoadedIndex(path=build_dir, manifest=manifest, corpus=corpus, tokens=tokens,
                       collection=collection)


def ensure_index(corpus_dir: CorpusDirs, index_dir: Path, embedder: Embedder, tokenizer: Tokenizer,
                 chroma: ChromaLocation = ChromaLocation()) -> LoadedIndex:
    """Open the index, building it first when it is missing, incomplete, damaged or stale.

    When the corpus cannot be built (a malformed file: `CorpusError`) the previous complete build
    stays in service, provided it was embedded with the same model; the error is logged. With no
    usable previous build the `CorpusError` is raised.
    """
    try:
        status = index_status(corpus_dir, index_dir, embedder.name, tokenizer.lexicon.digest)
    except CorpusError:
        status = "stale"  # the corpus directory is unreadable; the build below reports why
    if status == "ok":
        try:
            return open_index(index_dir, chroma)
        except IndexNotReady:
            pass
    try:
        build_index(corpus_dir, index_dir, embedder, tokenizer, chroma)
    except CorpusError as exc:
        previous = read_manifest((index_dir / "current").resolve())
        if previous is None or previous.embedder != embedder.name or previous.dim != embedder.dim:
            raise
        try:
            loaded = open_index(index_dir, chroma)
        except IndexNotReady:
            raise exc from None
        log.error("语料有误，无法重建索引，继续使用原索引 %s：%s", loaded.path.name, exc)
        return replace(loaded, stale_reason=str(exc))
    return open_index(index_dir, chroma)


def dense_vectors(loaded: LoadedIndex, query_vector: np.ndarray, n: int) -> list[tuple[str, float]]:
    """Nearest chunks to a query vector, as (clause_id, cosine similarity), best first."""
    n = max(1, min(n, loaded.manifest.chunks))
    try:
        result = loaded.collection.query(query_embeddings=[query_vector], n_results=n,
                                         include=["metadatas", "distances"])
    except Exception as exc:
        if not loaded.manifest.chroma_host:
            raise
        # A server restart or a network fault: say so; the client reconnects on the next query.
        raise VectorStoreUnavailable(f"向量库服务器 {loaded.manifest.chroma_host} 暂时无法访问，请稍后再试"
                                     f"（{type(exc).__name__}）") from exc
    return [(meta["clause_id"], 1.0 - float(dist))
            for meta, dist in zip(result["metadatas"][0], result["distances"][0])]
