"""The `PA_CHROMA_HOST` path against a real `chroma run` server on loopback: index, search, incremental
reindex (old collections deleted from the server), and a server restart while the app runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import chromadb
import pytest
from ingest_files import make_html
from retrieval_helpers import HashEmbedder

from assistant.runtime import load_retriever, rebuild_index
from assistant.settings import Settings
from eval.serve import free_port
from retrieval.index import VectorStoreUnavailable
from retrieval.ingest import ImportOptions, import_file

CHROMA = Path(sys.executable).with_name("chroma")


class ChromaServer:
    """`chroma run --path DIR --host 127.0.0.1 --port PORT` as a child process."""

    def __init__(self, path: Path, port: int) -> None:
        self.path, self.port = path, port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1",
                                         "--port", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                chromadb.HttpClient(host="127.0.0.1", port=self.port,
                                    settings=chromadb.Settings(anonymized_telemetry=False)).heartbeat()
                return
            except Exception:
                if self.process.poll() is not None:
                    raise RuntimeError("chroma run exited") from None
                time.sleep(0.2)
        raise RuntimeError("chroma run did not answer within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def collections(self) -> set[str]:
        client = chromadb.HttpClient(host="127.0.0.1", port=self.port,
                                     settings=chromadb.Settings(anonymized_telemetry=False))
        return {c.name for c in client.list_collections()}


@pytest.fixture()
def server(tmp_path: Path):
    if not CHROMA.exists() and shutil.which("chroma") is None:
        pytest.skip("the chroma command line is not installed")
    chroma = ChromaServer(tmp_path / "chroma-server", free_port())
    chroma.start()
    yield chroma
    chroma.stop()


def test_index_search_reindex_and_server_restart(server: ChromaServer, tiny_corpus_dir: Path,
                                                 tmp_path: Path) -> None:
    settings = Settings(corpus_dir=tiny_corpus_dir, data_dir=tmp_path / "data", chroma_host="127.0.0.1",
                        chroma_port=server.port)
    embedder = HashEmbedder()
    first = rebuild_index(settings, embedder)
    assert first.chroma_host == "127.0.0.1" and server.collections() == {first.collection}
    assert not (settings.index_dir / "current" / "chroma").exists(), "vectors live on the server"
    retriever = load_retriever(settings, build_if_needed=False, embedder=embedder)
    assert retriever.search("训力券", k=3, mode="dense")

    # Incremental reindex: a document imported into the local corpus; only its text is embedded.
    import_file(make_html(tmp_path / "measures.html"), settings.data_dir / "corpus",
                ImportOptions(doc_id="test-measures"))
    second = rebuild_index(settings, embedder)
    assert 0 < second.embedded < second.chunks
    third = rebuild_index(settings, embedder)  # nothing changed: nothing embedded
    assert third.embedded == 0
    # The build replaced last stays for open readers; older collections are deleted from the server.
    assert server.collections() == {second.collection, third.collection}
    retriever = load_retriever(settings, build_if_needed=False, embedder=embedder)
    hits = retriever.search("算力租用 补贴 比例", k=5)
    assert any(h.clause.doc_id == "test-measures" for h in hits)

    # The server restarts while the app runs: a clear error, then answers again without reopening.
    server.stop()
    with pytest.raises(VectorStoreUnavailable, match="暂时无法访问"):
        retriever.search("算力设备", k=3, mode="dense")
    server.start()
    assert retriever.search("算力设备", k=3, mode="dense")
