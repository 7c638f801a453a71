"""Pure ASGI middleware: request size limits, per-client rate limits and security headers.

The size limit also rejects JSON bodies that are not UTF-8 or that hold lone surrogates (``"\\ud800"``),
which no part of the product could encode again; both get a 400 with a Chinese message.

Pure ASGI (not `BaseHTTPMiddleware`) so that streamed responses (server-sent events, Gradio's queue)
pass through untouched.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Awaitable, Callable

from ui.errors import error_body
from ui.ratelimit import TokenBucketLimiter

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

API_BODY_LIMIT = 64 * 1024
# Gradio's queue posts the whole chat history with each message: allow more, but still bounded.
WEB_BODY_LIMIT = 1024 * 1024


async def send_json_error(send: Send, status: int, code: str, message: str,
                          headers: dict[str, str] | None = None) -> None:
    """Answer a request directly with the JSON error shape."""
    body = json.dumps(error_body(code, message), ensure_ascii=False).encode("utf-8")
    raw_headers = [(b"content-type", b"application/json; charset=utf-8"),
                   (b"content-length", str(len(body)).encode())]
    for key, value in (headers or {}).items():
        raw_headers.append((key.lower().encode(), value.encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


# A JSON \u escape of a UTF-16 surrogate: only then can a body decode to a string with a lone surrogate.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def json_body_problem(body: bytes) -> tuple[str, str] | None:
    """(code, Chinese message) when a JSON body is not UTF-8 or decodes to unencodable text, else None.

    Malformed JSON is left to the app, which answers 400 `invalid_json` itself.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid_encoding", "请求体必须是 UTF-8 编码的 JSON"
    if _SURROGATE_ESCAPE.search(body):
        try:
            json.dumps(json.loads(text), ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return "invalid_characters", "请求中含有无效的 Unicode 字符（孤立的代理项），请删除后重试"
        except (ValueError, RecursionError):
            return None
    return None


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return True  # FastAPI parses a body without a content type as JSON
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path == "/api"


class BodySizeLimitMiddleware:
    """Reject request bodies over the limit with 413 before the app parses them.

    The body is read here (up to the limit) and replayed to the app, so a chunked upload without a
    Content-Length cannot get past the limit either.
    """

    def __init__(self, app: ASGIApp, api_limit: int = API_BODY_LIMIT,
                 web_limit: int = WEB_BODY_LIMIT) -> None:
        self.app = app
        self.api_limit = api_limit
        self.web_limit = web_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.api_limit if _is_api(scope.get("path", "")) else self.web_limit
        message = f"请求内容过大（上限 {limit // 1024} KiB），请精简后再试"
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await send_json_error(send, 413, "payload_too_large", message)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            event = await receive()
            if event["type"] == "http.disconnect":
                return
            chunk = event.get("body", b"")
            size += len(chunk)
            if size > limit:
                await send_json_error(send, 413, "payload_too_large", message)
                return
            chunks.append(chunk)
            if not event.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and _is_json(_header(scope, b"content-type")):
            problem = json_body_problem(body)
            if problem is not None:
                await send_json_error(send, 400, *problem)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class RateLimitMiddleware:
    """Token-bucket limit per client address: API calls, and the web app's queued events."""

    def __init__(self, app: ASGIApp, api: TokenBucketLimiter, web: TokenBucketLimiter) -> None:
        self.app = app
        self.api = api
        self.web = web

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limiter: TokenBucketLimiter | None = None
        if _is_api(path) and scope.get("method") != "OPTIONS":
            limiter = self.api
        elif path.startswith("/gradio_api/") and scope.get("method") == "POST":
            limiter = self.web
        if limiter is not None:
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = limiter.check(str(client))
            if wait > 0:
                retry_after = str(max(1, math.ceil(wait)))
                await send_json_error(send, 429, "rate_limited",
                                      f"请求过于频繁，请{retry_after}秒后再试",
                                      {"Retry-After": retry_after})
                return
        await self.app(scope, receive, send)


class SecurityHeadersMiddleware:
    """Headers that cost nothing: no MIME sniffing, no referrer leaking to other sites."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                if b"x-content-type-options" not in present:
                    headers.append((b"x-content-type-options", b"nosniff"))
                if b"referrer-policy" not in present:
                    headers.append((b"referrer-policy", b"same-origin"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
