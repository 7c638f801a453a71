"""Helpers of the retrieval tests (a module of its own: `conftest` is not importable by name)."""

from __future__ import annotations

import hashlib

import numpy as np

TINY_DOCS = ("sz-ai-pioneer-measures-2024", "lg-ai-rules-consultation-notice", "lg-itc-fund-measures-2026")


class HashEmbedder:
    """Bag of character bigrams hashed into 64 dimensions: fast, deterministic, no model."""

    name = "test/hash-bigrams-64"
    dim = 64

    def __init__(self) -> None:
        self.passage_calls = 0
        self.query_calls = 0

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for i in range(max(1, len(text) - 1)):
                bucket = int.from_bytes(hashlib.blake2b(text[i:i + 2].encode(), digest_size=2).digest(),
                                        "little") % self.dim
                out[row, bucket] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] /= norm if norm else 1.0
        return out

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.query_calls += 1
        return self._embed(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.passage_calls += 1
        return self._embed(texts)
