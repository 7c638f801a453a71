"""Pure ASGI middleware: the real client behind trusted proxies, request size limits, per-client rate
limits and security headers.

The size limit also rejects JSON bodies that are not UTF-8 or that hold lone surrogates (``"\\ud800"``),
which no part of the product could encode again; both get a 400 with a Chinese message.

Pure ASGI (not `BaseHTTPMiddleware`) so that streamed responses (server-sent events, Gradio's queue)
pass through untouched.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ui.errors import error_body
from ui.ratelimit import TokenBucketLimiter

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


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.9:51234"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class TrustedProxies:
    """The reverse proxies whose ``X-Forwarded-For`` is believed (``PA_TRUSTED_PROXIES``: addresses or CIDRs).

    Only a request whose peer is one of them is read through the header, and the client is the rightmost
    address in the chain that is not a trusted proxy: anything to its left was written by the client
    itself and may be forged. With no proxies configured the peer is the client, whatever the header says.
    """

    def __init__(self, spec: str = "") -> None:
        networks: list[Network] = []
        for item in (part.strip() for part in spec.split(",")):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"PA_TRUSTED_PROXIES 中的“{item}”不是 IP 地址或网段（例如 10.0.0.0/8、127.0.0.1）") from None
        self.networks = tuple(networks)

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, address: str) -> bool:
        parsed = _address(address)
        return parsed is not None and any(parsed in network for network in self.networks)

    def client(self, peer: str, forwarded_for: list[str]) -> str:
        """The client's address given the connection's peer and the ``X-Forwarded-For`` values in order."""
        if not self.trusts(peer):
            return peer
        hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
        for hop in reversed(hops):
            parsed = _address(hop)
            if parsed is None:  # garbage where an address should be: stop at the last address we trust
                break
            if not self.trusts(hop):
                return str(parsed)
            peer = str(parsed)
        return peer


class ClientAddressMiddleware:
    """Sets ``scope["client"]`` (and the scheme from ``X-Forwarded-Proto``) from a trusted proxy's headers.

    Everything inside (rate limits, error pages, Gradio) then sees the real client. Requests from other
    peers are left as they are, so the headers cannot be used to dodge a per-client limit.
    """

    def __init__(self, app: ASGIApp, proxies: TrustedProxies) -> None:
        self.app = app
        self.proxies = proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.proxies:
            peer, port = scope.get("client") or ("", 0)
            if self.proxies.trusts(str(peer)):
                forwarded = [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"x-forwarded-for"]
                # In place, not a copy: the outer middleware reads what the router records in this scope.
                scope["client"] = (self.proxies.client(str(peer), forwarded), port)
                proto = (_header(scope, b"x-forwarded-proto") or "").split(",")[-1].strip().lower()
                if proto in ("http", "https"):
                    scope["scheme"] = proto if scope["type"] == "http" else {"http": "ws", "https": "wss"}[proto]
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
