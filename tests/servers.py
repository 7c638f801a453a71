"""Real HTTP servers for the tests: the app in a background thread, or `serve` as a child process
(`eval.serve`, which the benchmarks use too)."""

from __future__ import annotations

import threading
import time

import uvicorn

from eval.serve import ServeProcess as ServerProcess
from eval.serve import free_port

__all__ = ["ServerProcess", "ThreadedServer", "free_port", "sse_events"]


class ThreadedServer:
    """A uvicorn server running an ASGI app in a background thread (the live HTTP path, in-process).

    Use `start()`/`stop()`, or `with ThreadedServer(app) as server:`.
    """

    def __init__(self, app, port: int | None = None) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                timeout_graceful_shutdown=2, access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.base_url = f"http://127.0.0.1:{self.port}"

    def start(self) -> ThreadedServer:
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

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def sse_events(text: str) -> list[tuple[str, str]]:
    """(event, data) pairs of a server-sent events body."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if data:
            events.append((name, "\n".join(data)))
    return events
