"""The retrieval systems the harness compares.

hybrid  the product: `PolicyAssistant.retrieve`, the clauses the assistant answers from (those its answer
        cites first: an article asked by number, a document's date, an item's rule behind an amount are found
        by the answering stages), then the rest of what its search found.
search  the product's search alone, `Retriever.search(mode="hybrid")` (follow-ups resolved against history,
        BM25 + dense fusion, document and article-number priors), without the answering stages.
bm25    `Retriever.search(mode="bm25")` on the product's index: an ablation of the fusion, with the same
        conversation context the product searches with (follow-ups resolved the same way).
dense   `Retriever.search(mode="dense")`, likewise.
naive   the LangChain RAG a user would build first: each corpus file's body (front matter stripped) split by
        `RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)`, embedded with the same model
        into a fresh Chroma store, `similarity_search(question, k)`. Follow-ups use the raw question.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Protocol

import chromadb
from langchain_chroma import Chroma
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.models import Turn
from assistant.service import PolicyAssistant
from assistant.understanding.followup import conversation_context
from eval.dataset import Question
from eval.metrics import Retrieved
from retrieval.corpus import corpus_files, split_front_matter
from retrieval.embeddings import Embedder, LangChainEmbeddings
from retrieval.models import Hit
from retrieval.search import Mode, QueryError, Retriever

SYSTEMS: tuple[str, ...] = ("hybrid", "search", "bm25", "dense", "naive")
NAIVE_CHUNK_SIZE = 500
NAIVE_CHUNK_OVERLAP = 50


class RetrievalSystem(Protocol):
    """Anything that ranks passages for a question."""

    name: str

    def retrieve(self, question: Question, k: int) -> list[Retrieved]:
        """The top `k` passages for the question, best first."""
        ...


def history_turns(question: Question) -> list[Turn]:
    """The question's history as the assistant's `Turn` objects."""
    return [Turn(role=t.role, content=t.content) for t in question.history]  # type: ignore[arg-type]


def _from_hits(hits: list[Hit]) -> list[Retrieved]:
    return [Retrieved(clause_id=h.clause.clause_id, doc_id=h.clause.doc_id, text=h.clause.text)
            for h in hits]


class HybridSystem:
    """The product's retrieval, exactly as the assistant answers from it."""

    name = "hybrid"

    def __init__(self, assistant: PolicyAssistant):
        self._assistant = assistant

    def retrieve(self, question: Question, k: int) -> list[Retrieved]:
        try:
            return _from_hits(self._assistant.retrieve(question.question, history_turns(question), k=k))
        except QueryError:
            return []


class ModeSystem:
    """The product's search alone (`search`), or one of its retrievers alone (`bm25`, `dense`)."""

    def __init__(self, retriever: Retriever, mode: Mode, name: str = ""):
        self.name: str = name or mode
        self._retriever = retriever
        self._mode = mode

    def retrieve(self, question: Question, k: int) -> list[Retrieved]:
        context = conversation_context(question.question, history_turns(question))
        try:
            return _from_hits(self._retriever.search(question.question, k=k, mode=self._mode,
                                                     context=context.text,
                                                     context_weight=context.weight))
        except QueryError:
            return []


class NaiveSystem:
    """A plain LangChain RAG over the raw corpus files; call `close()` to delete its Chroma store."""

    name = "naive"

    def __init__(self, corpus_dir: Path, embedder: Embedder):
        self._workdir = tempfile.TemporaryDirectory(prefix="pa-naive-")
        splitter = RecursiveCharacterTextSplitter(chunk_size=NAIVE_CHUNK_SIZE,
                                                  chunk_overlap=NAIVE_CHUNK_OVERLAP)
        texts: list[str] = []
        metadatas: list[dict[str, str | int]] = []
        for path in corpus_files(corpus_dir):
            _meta, body = split_front_matter(path, path.read_text(encoding="utf-8"))
            for n, chunk in enumerate(splitter.split_text(body)):
                texts.append(chunk)
                metadatas.append({"doc_id": path.stem, "chunk": n})
        self.chunks = len(texts)
        self._store = Chroma(collection_name="naive-rag", embedding_function=LangChainEmbeddings(embedder),
                             persist_directory=self._workdir.name,
                             client_settings=chromadb.Settings(anonymized_telemetry=False))
        self._store.add_texts(texts, metadatas=metadatas,
                              ids=[f"{m['doc_id']}::{m['chunk']}" for m in metadatas])

    def retrieve(self, question: Question, k: int) -> list[Retrieved]:
        docs = self._store.similarity_search(question.question, k=k)
        return [Retrieved(clause_id=f"{d.metadata['doc_id']}::chunk{d.metadata['chunk']}",
                          doc_id=str(d.metadata["doc_id"]), text=d.page_content) for d in docs]

    def close(self) -> None:
        """Drop the collection and remove the temporary directory."""
        try:
            self._store.delete_collection()
        finally:
            self._workdir.cleanup()


def make_system(name: str, assistant: PolicyAssistant) -> RetrievalSystem:
    """Build one named system over the assistant's index and embedder."""
    retriever = assistant.retriever
    if name == "hybrid":
        return HybridSystem(assistant)
    if name in ("search", "bm25", "dense"):
        mode = "hybrid" if name == "search" else name
        return ModeSystem(retriever, mode, name)  # type: ignore[arg-type]  # mode is a Mode here
    if name == "naive":
        return NaiveSystem(assistant.settings.corpus_dir, retriever.embedder)
    raise ValueError(f"unknown system {name!r} (choose from {', '.join(SYSTEMS)})")
