"""Real servers the replica tests start on loopback: a Chroma server (`chroma run`) and nginx in the
foreground with a generated configuration, and what the replicas share (`Backends`). PostgreSQL comes from
tests/storage/pg_cluster.py.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from assistant.settings import PROJECT_ROOT
from eval.serve import free_port

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
CHROMA = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
SAMPLE_CONFIG = PROJECT_ROOT / "deploy" / "nginx.conf"


def _stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@dataclass
class ChromaServer:
    """`chroma run` on 127.0.0.1 with its data in `path`."""

    path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> ChromaServer:
        log = open(self.path.parent / f"chroma-{self.port}.log", "wb")  # noqa: SIM115 - the server writes to it while it runs
        self.process = subprocess.Popen([CHROMA, "run", "--host", "127.0.0.1", "--port", str(self.port),
                                         "--path", str(self.path)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.process.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("chroma run did not answer its heartbeat")

    def stop(self) -> None:
        _stop(self.process)


class SlowEvents:
    """An upstream that sends server-sent events one second apart, without ``X-Accel-Buffering``: through
    a proxy that buffers, they would all arrive together at the end."""

    def __init__(self, events: int = 3, gap_s: float = 1.0) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for number in range(outer.events):
                    data = f"event: delta\ndata: {number}\n\n".encode()
                    self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                    self.wfile.flush()
                    time.sleep(outer.gap_s)
                self.wfile.write(b"0\r\n\r\n")

        self.events, self.gap_s = events, gap_s
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def nginx_config(sample: str, *, listen_port: int, upstreams: list[int], root: Path, extra: str = "") -> str:
    """The sample deploy/nginx.conf made runnable as an unprivileged foreground process on loopback.

    Only addresses, ports and paths change: the proxying rules under test are the sample's own.
    """
    servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in upstreams)
    text = sample.replace("    server 10.0.0.11:7860 max_fails=1 fail_timeout=5s;\n"
                          "    server 10.0.0.12:7860 max_fails=1 fail_timeout=5s;", servers)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen_port};")
    text = text.replace("server_name policy.example.gov.cn;", "server_name localhost;")
    # Test clients are all 127.0.0.1: the per-client limit would measure the test, not the proxy.
    text = text.replace("limit_req zone=pa_api burst=60 nodelay;", "")
    # Which replica answered, for the stickiness and fail-over checks.
    text = text.replace("add_header Set-Cookie $pa_set_cookie;",
                        "add_header Set-Cookie $pa_set_cookie;\n    add_header X-PA-Upstream $upstream_addr always;")
    # Test-only locations go in the sample's server block, so they inherit its proxy settings.
    text = text.replace("    location / {", extra + "    location / {", 1)
    head = (f"daemon off;\nworker_processes 2;\npid {root}/nginx.pid;\nerror_log {root}/error.log warn;\n"
            "events { worker_connections 1024; }\nhttp {\n"
            f"  access_log off;\n  client_body_temp_path {root}/body;\n  proxy_temp_path {root}/proxy;\n"
            f"  fastcgi_temp_path {root}/fastcgi;\n  uwsgi_temp_path {root}/uwsgi;\n  scgi_temp_path {root}/scgi;\n")
    return head + text + "\n}\n"


@dataclass
class Nginx:
    """nginx in the foreground (``daemon off``) with `deploy/nginx.conf` pointed at local replicas."""

    root: Path
    upstreams: list[int]
    extra: str = ""
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> Nginx:
        assert NGINX, "nginx is not installed"
        self.root.mkdir(parents=True, exist_ok=True)
        conf = self.root / "nginx.conf"
        conf.write_text(nginx_config(SAMPLE_CONFIG.read_text(encoding="utf-8"), listen_port=self.port,
                                     upstreams=self.upstreams, root=self.root, extra=self.extra),
                     encoding="utf-8")
        check = subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(self.root)], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
        self.process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(self.root)],
                                        stdout=subprocess.DEVNULL, stderr=open(self.root / "stderr.log", "wb"))  # noqa: SIM115 - nginx writes to it while it runs
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.root / 'error.log').read_text(errors='replace')}")
            try:
                httpx.get(f"{self.base_url}/nginx-health", timeout=2)
                return self
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("nginx did not start")

    def stop(self) -> None:
        _stop(self.process, signal.SIGQUIT)  # graceful shutdown of the master and its workers


ADMIN_TOKEN = "serving-test-admin-token"
# The documents the pre-check rules cite (pre-checks need them all); small enough to index in seconds.
DOCS = ("lg-ai-measures-en", "lg-ai-rules-consultation-notice", "lg-ai-rules-explainer", "lg-itc-fund-measures-2026",
        "sz-ai-pioneer-measures-2024")


@dataclass(frozen=True)
class Backends:
    """What the replicas share: database, Chroma server, corpus and data directory."""

    database_url: str
    chroma: ChromaServer
    corpus_dir: Path
    data_dir: Path

    def env(self, **extra: str) -> dict[str, str]:
        return {"PA_DATABASE_URL": self.database_url, "PA_CHROMA_HOST": "127.0.0.1",
                "PA_CHROMA_PORT": str(self.chroma.port), "PA_CORPUS_DIR": str(self.corpus_dir),
                "PA_DATA_DIR": str(self.data_dir), "PA_ADMIN_TOKEN": ADMIN_TOKEN,
                "PA_TRUSTED_PROXIES": "127.0.0.1", "PA_LOG_LEVEL": "WARNING", **extra}
