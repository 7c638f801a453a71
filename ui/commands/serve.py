"""`policy-assistant serve`: the web app and HTTP API (127.0.0.1:7860 by default).

``--workers N`` (or ``PA_WORKERS``) runs N uvicorn worker processes on one port, for the JSON API: the
Gradio page keeps sessions in process memory and needs one process per port behind a sticky proxy (see
docs/deploy.md). Each worker loads its own assistant, so the vector store must be a Chroma server (``PA_CHROMA_HOST``): the embedded store
cannot be opened by several processes. The index is made ready once, before the workers start, and
Prometheus runs in multiprocess mode so that `/metrics` adds up every worker.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.settings import Settings
from ui.commands import EXIT_USAGE

if TYPE_CHECKING:
    from fastapi import FastAPI

WORKERS_NEED_CHROMA_SERVER = (
    "--workers {workers} 需要独立的 Chroma 向量服务：内嵌向量库不能被多个进程同时打开。"
    "请先启动 Chroma 服务（例如 chroma run --host 127.0.0.1 --port 8000 --path /srv/policy-assistant/chroma），"
    "再设置 PA_CHROMA_HOST（及 PA_CHROMA_PORT）后重试；单进程运行无需任何设置。"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `serve` sub-command."""
    parser = subparsers.add_parser("serve", help="启动网页应用与 HTTP API（默认 127.0.0.1:7860）")
    parser.add_argument("--host", default=None, help="监听地址（默认取 PA_HOST，即 127.0.0.1）")
    parser.add_argument("--port", type=int, default=None, help="监听端口（默认取 PA_PORT，即 7860）")
    parser.add_argument("--workers", type=int, default=None,
                        help="服务进程数（默认取 PA_WORKERS，即 1；大于 1 时需设置 PA_CHROMA_HOST）")
    parser.set_defaults(func=run)


def configuration_problem(settings: Settings) -> str | None:
    """A Chinese explanation when the settings cannot be served, checked before anything is loaded."""
    if settings.workers < 1:
        return "--workers 至少为 1"
    if settings.workers > 1 and not settings.chroma_host.strip():
        return WORKERS_NEED_CHROMA_SERVER.format(workers=settings.workers)
    from storage import open_database
    from ui.middleware import TrustedProxies

    try:
        TrustedProxies(settings.trusted_proxies)
        open_database(settings.database_url, settings.data_dir)
    except ValueError as exc:
        return str(exc)
    return None


def metrics_dir(settings: Settings) -> Path:
    """Prometheus multiprocess files for the workers on this port (one directory per server)."""
    return settings.data_dir / "prometheus" / str(settings.port)


def worker_app() -> FastAPI:
    """The app of one worker process (a uvicorn factory): settings from the environment, JSON logs."""
    from ui.app import create_app
    from ui.observability import configure_logging

    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(settings)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Build the app once (or once per worker) and serve it with uvicorn until interrupted."""
    # Before Gradio is imported: a closed network must not be called from the server either.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    updates = {k: v for k, v in (("host", args.host), ("port", args.port), ("workers", args.workers))
               if v is not None}
    if updates:
        settings = settings.model_copy(update=updates)
    problem = configuration_problem(settings)
    if problem:
        print(f"无法启动：{problem}", file=sys.stderr)
        return EXIT_USAGE
    import uvicorn

    from ui.observability import configure_logging

    # JSON log lines on stderr, uvicorn's included; no uvicorn access log: it would write query strings
    # (questions typed into 条文检索) to the log. The app logs each request without them.
    configure_logging(settings.log_level)
    options: dict[str, Any] = dict(host=settings.host, port=settings.port, log_level=settings.log_level.lower(),
                   proxy_headers=False, server_header=False, timeout_graceful_shutdown=5,
                   log_config=None, access_log=False)
    banner = (f"政策通已启动：http://{settings.host}:{settings.port}/ （API 文档：/docs，嵌入式窗口：/widget）"
              + (f"，{settings.workers} 个服务进程" if settings.workers > 1 else ""))
    if settings.workers == 1:
        from ui.app import create_app

        app = create_app(settings)
        print(banner, flush=True)
        uvicorn.run(app, **options)
        return 0
    _prepare_workers(settings)
    print(banner, flush=True)
    print("注意：网页应用的会话保存在各进程内，多进程共用一个端口时网页可能无法正常对话；需要网页时请每个进程单独一个端口、"
          "经 nginx 按 Cookie 粘滞（见 docs/deploy.md）。JSON API 和 /widget 不受影响。", file=sys.stderr, flush=True)
    uvicorn.run(f"{__name__}:worker_app", factory=True, workers=settings.workers, **options)
    return 0


def _prepare_workers(settings: Settings) -> None:
    """Make the index ready once, and hand the workers a clean metrics directory and the settings."""
    from assistant.runtime import load_retriever

    # Built (if missing or stale) here, so that N workers do not each build it at the same time.
    load_retriever(settings)
    folder = metrics_dir(settings)
    shutil.rmtree(folder, ignore_errors=True)  # counters of an earlier run are not this run's
    folder.mkdir(parents=True, exist_ok=True)
    # Workers are new interpreters that read their settings from the environment: pass the overrides.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    os.environ["PA_HOST"], os.environ["PA_PORT"] = settings.host, str(settings.port)
    os.environ["PA_WORKERS"] = str(settings.workers)
