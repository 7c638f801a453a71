"""Session-wide fixtures: the real corpus, and one assistant over an index built once in a temp dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_cluster import TempCluster, missing_reason

from assistant.service import PolicyAssistant
from assistant.settings import PROJECT_ROOT, Settings
from retrieval.corpus import load_corpus
from retrieval.models import Corpus

CORPUS_DIR = PROJECT_ROOT / "corpus" / "policies"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The policy corpus shipped with the product."""
    return CORPUS_DIR


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """The parsed policy corpus."""
    return load_corpus(CORPUS_DIR)


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose data dir is a session temp dir: tests never touch the developer's data/."""
    return Settings(data_dir=tmp_path_factory.mktemp("pa-data"), llm_base_url="")


@pytest.fixture(scope="session")
def policy_assistant(built_settings: Settings) -> PolicyAssistant:
    """The product over the real corpus (extractive backend), its index built once per session."""
    return PolicyAssistant.from_settings(built_settings)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[TempCluster]:
    """A temporary PostgreSQL cluster on loopback for the session (skipped, with the reason, when it cannot run)."""
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    cluster = TempCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()
