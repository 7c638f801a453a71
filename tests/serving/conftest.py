"""Real parts for the replica tests, started once per session on loopback: PostgreSQL (a temporary
cluster), a Chroma server with a small corpus indexed into it, and a shared data directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
from pg_cluster import TempCluster
from realparts import DOCS, NGINX, Backends, ChromaServer

from assistant.settings import PROJECT_ROOT


@pytest.fixture(scope="session")
def backends(tmp_path_factory: pytest.TempPathFactory, pg_cluster: TempCluster) -> Iterator[Backends]:
    """A Chroma server holding the index of a small corpus, a PostgreSQL database, a data dir."""
    root = tmp_path_factory.mktemp("serving")
    corpus = root / "corpus"
    corpus.mkdir()
    for doc_id in DOCS:
        shutil.copy(PROJECT_ROOT / "corpus" / "policies" / f"{doc_id}.md", corpus / f"{doc_id}.md")
    chroma = ChromaServer(root / "chroma").start()
    try:
        shared = Backends(database_url=pg_cluster.create_database(), chroma=chroma, corpus_dir=corpus,
                          data_dir=root / "data")
        built = subprocess.run([sys.executable, "-m", "ui.cli", "index"], cwd=PROJECT_ROOT,
                               env={**os.environ, "HF_HUB_OFFLINE": "1", **shared.env()},
                               capture_output=True, text=True, timeout=600)
        assert built.returncode == 0, built.stderr[-3000:]
        yield shared
    finally:
        chroma.stop()


@pytest.fixture(scope="session")
def nginx_required() -> None:
    if NGINX is None:
        pytest.skip("nginx is not installed: run scripts/install-nginx.sh")
