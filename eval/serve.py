"""The product's server as a child process (`python -m ui.cli serve`, exactly as deployed), for
the load and soak benchmarks and the tests that need a real process (kill it, read its log)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from assistant.settings import PROJECT_ROOT


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(base_url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Poll /healthz until it answers 200; raise `RuntimeError` if `process` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{base_url}/healthz not healthy after {timeout:.0f} s")


@dataclass
class ServeProcess:
    """`serve` on loopback with the extractive backend and no per-client rate limit.

    `data_dir` None keeps the configured one; `env` adds or overrides `PA_*` settings; `program` is
    the command before `serve` (default: this interpreter's `-m ui.cli`). Use `start()` /
    `stop()`, or `with ServeProcess(...) as server:`.
    """

    data_dir: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    program: tuple[str, ...] = (sys.executable, "-m", "ui.cli")
    log_path: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 180.0) -> ServeProcess:
        """Start the server and wait until it is healthy; on failure stop it and show its log."""
        env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
               "PYTHONUNBUFFERED": "1", "PA_LLM_BASE_URL": "", "PA_RATE_LIMIT_PER_MINUTE": "0"}
        if self.data_dir is not None:
            env["PA_DATA_DIR"] = str(self.data_dir)
        env.update(self.env)
        if self.log_path is None:
            folder = self.data_dir if self.data_dir is not None else Path(tempfile.gettempdir())
            self.log_path = folder / f"serve-{self.port}-{int(time.time() * 1000)}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [*self.program, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_healthy(self.base_url, timeout, self.process)
        except RuntimeError as exc:
            self.stop()
            raise RuntimeError(f"{exc}\n--- server log ({self.log_path}) ---\n{self.log_text()[-4000:]}") from exc
        return self

    def log_text(self) -> str:
        """What the server has written to stdout and stderr so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing — as in a crash or an OOM kill."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited within 15 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
