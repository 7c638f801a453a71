"""Helpers for the UI tests: free ports, health polling, servers in a thread or a child process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from assistant.settings import PROJECT_ROOT

ADMIN_TOKEN = "test-admin-token-0123456789"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_health(base_url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    """Poll /healthz until it answers 200; fail early if the server process died."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before it was healthy")
        try:
            response = httpx.get(f"{base_url}/healthz", timeout=2.0)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[:200]}"
        except httpx.HTTPError as exc:
            last = type(exc).__name__
        time.sleep(0.5)
    raise TimeoutError(f"{base_url}/healthz not healthy after {timeout:.0f}s (last: {last})")


class ThreadedServer:
    """A uvicorn server running an ASGI app in a background thread."""

    def __init__(self, app, port: int) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                timeout_graceful_shutdown=2)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.base_url = f"http://127.0.0.1:{port}"

    def start(self) -> "ThreadedServer":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@contextmanager
def app_subprocess(data_dir: Path, *, port: int | None = None, extra_env: dict[str, str] | None = None,
                   args: list[str] | None = None, timeout: float = 120.0,
                   program: list[str] | None = None) -> Iterator[str]:
    """`python -m assistant.cli serve` (or `program serve`) as a child process; yields its base URL
    once healthy."""
    port = port or free_port()
    env = {**os.environ, "PA_DATA_DIR": str(data_dir), "GRADIO_ANALYTICS_ENABLED": "False",
           "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    program = program or [sys.executable, "-m", "assistant.cli"]
    command = [*program, "serve", "--host", "127.0.0.1", "--port", str(port), *(args or [])]
    log_path = data_dir / f"serve-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_for_health(base_url, timeout, process)
            except (TimeoutError, RuntimeError) as exc:
                raise AssertionError(f"{exc}\n--- server log ---\n"
                                     f"{log_path.read_text(errors='replace')[-4000:]}") from exc
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
