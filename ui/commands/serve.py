"""`policy-assistant serve`: the web app and HTTP API (127.0.0.1:7860 by default)."""

from __future__ import annotations

import argparse
import os

from assistant.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `serve` sub-command."""
    parser = subparsers.add_parser("serve", help="启动网页应用与 HTTP API（默认 127.0.0.1:7860）")
    parser.add_argument("--host", default=None, help="监听地址（默认取 PA_HOST，即 127.0.0.1）")
    parser.add_argument("--port", type=int, default=None, help="监听端口（默认取 PA_PORT，即 7860）")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Build the app once and serve it with uvicorn until interrupted."""
    # Before Gradio is imported: a closed network must not be called from the server either.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    updates = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    if updates:
        settings = settings.model_copy(update=updates)
    import uvicorn

    from ui.app import create_app
    from ui.observability import configure_logging

    # JSON log lines on stderr, uvicorn's included; no uvicorn access log: it would write query strings
    # (questions typed into 条文检索) to the log. The app logs each request without them.
    configure_logging(settings.log_level)
    app = create_app(settings)
    print(f"政策通已启动：http://{settings.host}:{settings.port}/ （API 文档：/docs，嵌入式窗口：/widget）",
          flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level.lower(),
                proxy_headers=False, server_header=False, timeout_graceful_shutdown=5,
                log_config=None, access_log=False)
    return 0
