"""`create_app`: the FastAPI app serving the JSON API, the Gradio web app and the embeddable widget."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from assistant.service import PolicyAssistant
from assistant.settings import Settings
from storage import open_database
from ui.admin import MAX_UPLOAD_BODY, UPLOAD_PATH, build_admin_router
from ui.api import build_router
from ui.errors import install_error_handlers
from ui.feedback import FeedbackStore
from ui.middleware import ClientAddressMiddleware, RateLimitMiddleware, SecurityHeadersMiddleware, TrustedProxies
from ui.observability import install_observability
from ui.precheck_batch import BodyLimits
from ui.ratelimit import TokenBucketLimiter
from ui.replicas import BuildFollower
from ui.state import AppState

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_URL = "/ui-static"
DOCS_STATIC_URL = "/docs-assets"
# The web page fires an event per keystroke in 条文检索: give it more room than API clients.
WEB_RATE_FACTOR = 5

API_DESCRIPTION = """政策通 HTTP API：龙岗区人工智能产业扶持政策问答、条文检索与申报自测。

- 所有错误均返回 JSON：`{"error": {"code": "...", "message": "中文说明"}}`，状态码 4xx（服务未就绪为 503）。
- 请求体上限 64 KiB（超出返回 413）；按客户端 IP 限流（超出返回 429）。
- 回答仅供参考，以主管部门审核结果为准。
"""


def cors_origins(settings: Settings) -> list[str]:
    """Allowed CORS origins from the comma-separated setting (none by default)."""
    return [o.strip() for o in settings.cors_origins.split(",") if o.strip()]


def _offline_docs_assets() -> Path | None:
    # Swagger UI from the `fastapi-offline` package, so that /docs works on a closed network.
    try:
        import fastapi_offline
    except ImportError:
        return None
    static = Path(fastapi_offline.__file__).resolve().parent / "static"
    return static if (static / "swagger-ui-bundle.js").is_file() else None


def create_app(settings: Settings | None = None, assistant: PolicyAssistant | None = None,
               *, web: bool = True) -> FastAPI:
    """Build the app: load the `PolicyAssistant` once (unless given) and share it with every route.

    If loading fails the app still starts: `/healthz` answers 503 and the API explains, until an
    admin re-index succeeds.
    """
    settings = settings or Settings()
    # Gradio reads this at import and at launch; the page must not call home from a closed network.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    proxies = TrustedProxies(settings.trusted_proxies)  # a mistyped setting stops here, before any loading
    per_minute = settings.rate_limit_per_minute
    state = AppState(
        settings=settings,
        feedback=FeedbackStore(open_database(settings.database_url, settings.data_dir),
                               retention_days=settings.feedback_retention_days),
        api_limiter=TokenBucketLimiter(per_minute),
        web_limiter=TokenBucketLimiter(per_minute * WEB_RATE_FACTOR if per_minute > 0 else 0),
    )
    state.feedback.purge_expired()  # and again at most hourly while the app runs
    if assistant is not None:
        state.assistant = assistant
    else:
        state.load()

    docs_assets = _offline_docs_assets()
    app = FastAPI(
        title="政策通 API",
        description=API_DESCRIPTION,
        version="0.1.0",
        docs_url=None,  # never FastAPI's default page: it loads Swagger UI from a CDN
        redoc_url=None,
    )
    app.state.pa = state
    install_error_handlers(app)
    app.include_router(build_admin_router())  # before the API's catch-all for unknown /api/ paths
    app.include_router(build_router())
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="ui-static")
    if docs_assets is not None:
        app.mount(DOCS_STATIC_URL, StaticFiles(directory=docs_assets), name="docs-static")

        @app.get("/docs", include_in_schema=False)
        def swagger_docs(request: Request) -> HTMLResponse:
            root = request.scope.get("root_path", "")
            return get_swagger_ui_html(
                openapi_url=f"{root}{app.openapi_url}", title="政策通 API 文档",
                swagger_js_url=f"{root}{DOCS_STATIC_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{DOCS_STATIC_URL}/swagger-ui.css",
                swagger_favicon_url=f"{root}{DOCS_STATIC_URL}/favicon.png",
                swagger_ui_parameters={"validatorUrl": None},  # no online spec validator
            )
    else:
        @app.get("/docs", include_in_schema=False)
        def plain_docs(request: Request) -> HTMLResponse:
            root = request.scope.get("root_path", "")
            return HTMLResponse("<!doctype html><meta charset='utf-8'><title>政策通 API 文档</title>"
                                "<p>接口文档页面所需的 fastapi-offline 未安装；接口定义见 "
                                f"<a href='{root}{app.openapi_url}'>openapi.json</a>。</p>")

    @app.get("/admin", include_in_schema=False)
    def admin_page() -> FileResponse:
        # The knowledge-base admin page; every action it takes goes through the token-checked admin API.
        return FileResponse(STATIC_DIR / "admin.html", media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})

    @app.get("/widget", include_in_schema=False)
    def widget() -> FileResponse:
        # Meant for an <iframe> on the government site: no X-Frame-Options, no caching of stale copies.
        return FileResponse(STATIC_DIR / "widget.html", media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})

    # Middleware runs outermost-last-added: security headers wrap everything, then CORS, then limits.
    app.add_middleware(BodyLimits, own={UPLOAD_PATH: MAX_UPLOAD_BODY})  # the general limits; uploads' own
    app.add_middleware(RateLimitMiddleware, api=state.api_limiter, web=state.web_limiter)
    origins = cors_origins(settings)
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "Authorization", "Accept"], max_age=600)
    app.add_middleware(SecurityHeadersMiddleware)
    # Behind nginx: the limits and everything inside see the client nginx names, not nginx itself.
    app.add_middleware(ClientAddressMiddleware, proxies=proxies)
    # Outermost: request id, access log and /metrics see every answer, the limits' 413/429 included.
    install_observability(app, state.health, state.feedback)

    if settings.database_url or settings.workers > 1:
        # Replicas share the store: follow the index builds the others publish.
        follower = app.state.build_follower = BuildFollower(state).start()
        app.router.on_shutdown.append(follower.stop)  # no poll of a store that closes with the app

    if web:
        from ui.web import mount_web

        mount_web(app, state)
    return app
