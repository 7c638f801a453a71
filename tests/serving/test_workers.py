"""`serve --workers N`: several processes on one port over a Chroma server, `/metrics` adding them up
(the two-worker server is in the slow suite: two full processes start).

N > 1 without a Chroma server stops at once with a Chinese explanation: the embedded vector store cannot
be opened by several processes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from realparts import Backends

from assistant.settings import PROJECT_ROOT
from eval.serve import ServeProcess
from ui.cli import main


def test_workers_without_a_chroma_server_is_a_clear_error(capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PA_CHROMA_HOST", raising=False)
    assert main(["serve", "--workers", "3"]) == 2
    message = capsys.readouterr().err
    assert "无法启动" in message and "PA_CHROMA_HOST" in message and "chroma run" in message
    monkeypatch.setenv("PA_TRUSTED_PROXIES", "10.0.0.0/33")
    assert main(["serve"]) == 2
    assert "PA_TRUSTED_PROXIES" in capsys.readouterr().err


def _counter(metrics: str, route: str) -> float:
    pattern = rf'^pa_http_requests_total\{{method="GET",route="{re.escape(route)}",status="200"\}} (\S+)$'
    found = re.search(pattern, metrics, re.M)
    return float(found.group(1)) if found else 0.0


MULTIPROCESS_WORKER = """
from ui.observability import Metrics
metrics = Metrics()
for _ in range({count}):
    metrics.observe("GET", "/api/search", 200, 0.01)
metrics.in_progress.inc()
print(metrics.render().decode())
"""


def test_metrics_add_up_across_processes(tmp_path: Path) -> None:
    """In multiprocess mode each process writes its counts to the shared directory; any scrape sums them."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PYTHONPATH": str(PROJECT_ROOT)}
    outputs = [subprocess.run([sys.executable, "-c", MULTIPROCESS_WORKER.format(count=count)], env=env,
                              capture_output=True, text=True, timeout=120, check=True).stdout
               for count in (3, 4)]
    assert _counter(outputs[0], "/api/search") == 3.0  # the first worker alone so far
    assert _counter(outputs[1], "/api/search") == 7.0  # the second scrape sees both
    assert "process_resident_memory_bytes" not in outputs[1]  # would describe one worker only


@pytest.mark.slow
def test_two_workers_share_the_port_and_metrics_count_every_request(backends: Backends) -> None:
    server = ServeProcess(env=backends.env(PA_WORKERS="2")).start(timeout=300)
    try:
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            for number in range(30):
                assert client.get("/api/search", params={"q": f"训力券 {number}"}).status_code == 200
            feedback = client.post("/api/feedback", json={"question": "多进程", "answer": "答", "rating": "up",
                                                          "citations": []})
            assert feedback.status_code == 201
            # Whichever worker answers the scrape, it reports all 30 searches.
            scrapes = [client.get("/metrics").text for _ in range(6)]
        assert all(_counter(text, "/api/search") == 30.0 for text in scrapes), [
            line for line in scrapes[0].splitlines() if line.startswith("pa_http_requests_total")]
        assert "pa_index_ready 1.0" in scrapes[0]
        files = list((backends.data_dir / "prometheus" / str(server.port)).glob("*.db"))
        pids = {re.sub(r"\D", "", f.stem.rsplit("_", 1)[-1]) for f in files}
        assert len(pids) >= 2, f"expected files of two workers, found {sorted(f.name for f in files)}"
    finally:
        server.stop()
    time.sleep(0.5)
