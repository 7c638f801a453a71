"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions protocol, with scripted replies.

Each test scripts the replies it expects (`FakeOpenAIServer.script`); every POST to
``/v1/chat/completions`` takes the next one. A reply can be text, tool calls, or a failure mode:
``slow`` (sleeps before answering), ``stall`` (streams a little, then goes silent), ``error`` (HTTP 500),
``garbage`` (a 200 whose body is not the protocol) or ``empty`` (a well-formed reply with no text).
Both the JSON and the SSE streaming (``data: {...}`` … ``data: [DONE]``) forms are served. Requests are
recorded so tests can check what the client sent (e.g. the tool message of a follow-up request).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Mode = Literal["ok", "slow", "stall", "error", "garbage", "empty"]


@dataclass(frozen=True)
class ToolCall:
    """A function call the fake model makes."""

    name: str
    arguments: dict[str, Any] | str  # a str is sent as-is (to script malformed arguments)
    id: str = "call_1"

    @property
    def arguments_json(self) -> str:
        return self.arguments if isinstance(self.arguments, str) else json.dumps(self.arguments, ensure_ascii=False)


@dataclass(frozen=True)
class Reply:
    """One scripted answer to one chat-completions request."""

    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    mode: Mode = "ok"
    delay_s: float = 0.0  # slow: before answering; stall: after `stall_after` content deltas
    chunk_chars: int = 4  # streaming: characters per content delta
    stall_after: int = 1


@dataclass
class FakeOpenAIServer:
    """The scripted server; `start()` it, `script()` replies per test, `stop()` it at the end."""

    model: str = "fake-model"
    requests: list[dict[str, Any]] = field(default_factory=list)
    _replies: deque[Reply] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The OpenAI base URL of the server, ``http://127.0.0.1:PORT/v1``."""
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> FakeOpenAIServer:
        """Listen on a free port in a background thread."""
        handler = _make_handler(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def script(self, *replies: Reply) -> None:
        """Forget earlier requests and replies; answer the next requests with `replies`, in order."""
        with self._lock:
            self._replies.clear()
            self._replies.extend(replies)
            self.requests.clear()

    def _next(self, request: dict[str, Any]) -> Reply | None:
        with self._lock:
            self.requests.append(request)
            return self._replies.popleft() if self._replies else None


def _completion(server: FakeOpenAIServer, reply: Reply) -> dict[str, Any]:
    content = reply.text if reply.text or not reply.tool_calls else None
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reply.tool_calls:
        message["tool_calls"] = [
            {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments_json}}
            for call in reply.tool_calls
        ]
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": server.model,
        "choices": [{"index": 0, "message": message, "logprobs": None,
                     "finish_reason": "tool_calls" if reply.tool_calls else "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def _chunk(server: FakeOpenAIServer, delta: dict[str, Any], finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": server.model,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n".encode()


def _stream_chunks(server: FakeOpenAIServer, reply: Reply) -> list[bytes]:
    chunks = [_chunk(server, {"role": "assistant", "content": ""})]
    step = max(1, reply.chunk_chars)
    for start in range(0, len(reply.text), step):
        chunks.append(_chunk(server, {"content": reply.text[start:start + step]}))
    for index, call in enumerate(reply.tool_calls):
        chunks.append(_chunk(server, {"tool_calls": [{"index": index, "id": call.id, "type": "function",
                                                      "function": {"name": call.name, "arguments": ""}}]}))
        arguments = call.arguments_json
        for start in range(0, len(arguments), 7):  # arguments arrive in pieces, as real servers send them
            chunks.append(_chunk(server, {"tool_calls": [{"index": index,
                                                          "function": {"arguments": arguments[start:start + 7]}}]}))
    chunks.append(_chunk(server, {}, "tool_calls" if reply.tool_calls else "stop"))
    chunks.append(b"data: [DONE]\n\n")
    return chunks


def _make_handler(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": server.model, "object": "model"}]})
            else:
                self._json(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._json(404, {"error": {"message": "not found"}})
                return
            length = int(self.headers.get("Content-Length") or 0)
            request = json.loads(self.rfile.read(length) or b"{}")
            reply = server._next(request)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                self._answer(request, reply)

        def _answer(self, request: dict[str, Any], reply: Reply | None) -> None:
            if reply is None:
                self._json(500, {"error": {"message": "fake server: no scripted reply left"}})
                return
            if reply.mode == "slow":
                time.sleep(reply.delay_s)
            if reply.mode == "error":
                self._json(500, {"error": {"message": "internal error", "type": "server_error"}})
                return
            streaming = bool(request.get("stream"))
            if reply.mode == "garbage":
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream" if streaming else "application/json")
                self.end_headers()
                self.wfile.write(b"data: <html>\x00 not json {{{\n\n" if streaming else b"<html>\x00 not json {{{")
                return
            if reply.mode == "empty":
                reply = Reply(text="")
            if not streaming:
                self._json(200, _completion(server, reply))
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            for index, chunk in enumerate(_stream_chunks(server, reply)):
                if reply.mode == "stall" and index == 1 + reply.stall_after:  # chunk 0 carries the role
                    time.sleep(reply.delay_s)
                self.wfile.write(chunk)
                self.wfile.flush()

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
