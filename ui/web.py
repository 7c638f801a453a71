"""The Gradio web app: 政策问答, 条文检索 and 申报自测 in one page, mounted on the FastAPI app.

Everything the page loads comes from this server: analytics off, system fonts only, local CSS/JS.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import gradio as gr
from fastapi import FastAPI
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ui.present import DISCLAIMER
from ui.state import AppState
from ui.tab_chat import build_chat_tab
from ui.tab_precheck import build_precheck_tab
from ui.tab_search import build_search_tab, document_choices, show_document

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE_TITLE = "政策通 · 龙岗区人工智能产业扶持政策助手"

# System fonts only: a closed network cannot reach web font hosts, and CJK fonts are large.
SANS_FONTS = ["PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
              "Source Han Sans SC", "WenQuanYi Micro Hei", "system-ui", "sans-serif"]
MONO_FONTS = ["SFMono-Regular", "Consolas", "Liberation Mono", "Noto Sans Mono CJK SC", "monospace"]


# Gradio's page template carries link-preview tags naming gradio.app, twitter.com handles and an image on
# raw.githubusercontent.com: on a closed network nothing may name an outside host.
_PREVIEW_META = re.compile(rb"<meta\s+(?:property|name)=\"(?:og|twitter):[^>]*>\s*", re.S)
_HTML_LANG = re.compile(rb"<html(\s+)lang=\"[^\"]*\"")


def clean_page(html: bytes, first_script: bytes = b"") -> bytes:
    """The page as served: `lang="zh-CN"`, no link-preview meta tags naming outside hosts, and
    `first_script` as the first thing the <head> runs."""
    html = _HTML_LANG.sub(rb'<html\1lang="zh-CN"', _PREVIEW_META.sub(b"", html), count=1)
    if first_script:
        html = html.replace(b"<head>", b"<head>\n<script>" + first_script + b"</script>", 1)
    return html


class PageFilter:
    """ASGI wrapper of the Gradio app that passes its HTML pages through `clean_page`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.first_script = (STATIC_DIR / "locale.js").read_bytes()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def filtered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                if (headers.get(b"content-type", b"").startswith(b"text/html")
                        and b"content-encoding" not in headers):
                    start = message
                    return
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = clean_page(b"".join(chunks), self.first_script)
                kept = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                await send({**start, "headers": [*kept, (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, filtered)


def make_theme() -> gr.themes.Base:
    """The page theme: Gradio's default look with system fonts, its blues and greys dark enough for a
    contrast of at least 4.5:1 (white on the 发送 button, the selected tab, field hints)."""
    return gr.themes.Default(primary_hue="blue", font=SANS_FONTS, font_mono=MONO_FONTS).set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        body_text_color_subdued="*neutral_600",
    )


def page_head() -> str:
    """Inline page script (citation clicks, 复制答复) and meta tags for the <head>."""
    script = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    return ('<meta name="referrer" content="same-origin">\n'
            f"<script>\n{script}\n</script>")


def build_blocks(state: AppState) -> gr.Blocks:
    """The three-tab page."""
    with gr.Blocks(title=PAGE_TITLE, analytics_enabled=False, fill_width=False) as demo:
        gr.Markdown("# 政策通\n龙岗区人工智能产业扶持政策问答、条文检索与申报自测　"
                    f"<span class='pa-disclaimer'>（{DISCLAIMER}）</span>",
                    elem_classes=["pa-header"], elem_id="pa-header")
        with gr.Tabs(elem_id="pa-tabs") as tabs:
            with gr.Tab("政策问答", id="ask", elem_id="pa-tab-ask"):
                chat = build_chat_tab(state)
            with gr.Tab("条文检索", id="search", elem_id="pa-tab-search"):
                search = build_search_tab(state)
            with gr.Tab("申报自测", id="precheck", elem_id="pa-tab-precheck"):
                build_precheck_tab(state)

        def _open_document(doc_id: str | None) -> tuple[Any, Any, str]:
            if not doc_id:
                gr.Warning("请先点击回答中的引用编号", title="注意")
                return gr.update(), gr.update(), gr.update()
            return gr.Tabs(selected="search"), gr.update(value=doc_id), show_document(state, doc_id)

        chat.open_doc.click(_open_document, chat.panel_doc, [tabs, search.doc_select, search.doc_view],
                            show_progress="hidden")

        def _refresh_documents() -> tuple[Any, Any]:
            # After an admin re-index the held documents may differ from those at start-up.
            choices = document_choices(state)
            return gr.update(choices=choices), gr.update(choices=choices)

        demo.load(_refresh_documents, None, [search.doc_filter, search.doc_select], show_progress="hidden")
    # Several people use the page at once; the answers and searches are read-only and thread-safe.
    demo.queue(default_concurrency_limit=16, max_size=256)
    return demo


def mount_web(app: FastAPI, state: AppState, path: str = "/") -> FastAPI:
    """Mount the Gradio page on `app` at `path` (after the API routes, which keep precedence)."""
    demo = build_blocks(state)
    app = gr.mount_gradio_app(
        app, demo, path=path,
        server_name=state.settings.host, server_port=state.settings.port,
        footer_links=[],  # no links to gradio.app or the Gradio API page
        theme=make_theme(),
        css_paths=[STATIC_DIR / "app.css", STATIC_DIR / "precheck.css"],
        head=page_head(),
        ssr_mode=False,
        show_error=False,
        enable_monitoring=False,
        pwa=False,
        mcp_server=False,
    )
    for route in app.routes:
        if isinstance(route, Mount) and route.path == path.rstrip("/") and not isinstance(route.app, PageFilter):
            route.app = PageFilter(route.app)
    return app
