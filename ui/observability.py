"""Observability: structured JSON logs with a request id, and Prometheus metrics at ``/metrics``.

Privacy by default: a log line names the route template (``/api/clauses/{clause_id:path}``), never the raw
path or query string, and never a request or response body, so questions, chat history and pre-check
profiles are not written to the logs. Exception messages are logged only for system-level errors
(disk, database, network) whose text does not come from the user; other errors log their class only.

Metrics use their own `CollectorRegistry` per app (several apps can live in one process, as in tests) and
label requests by route template, so ids in paths cannot blow up label cardinality.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.process_collector import ProcessCollector
from starlette.responses import Response
from starlette.routing import Mount
from starlette.types import Message, Receive, Scope, Send

from storage import StorageError
from ui.errors import error_class_of
from ui.middleware import send_json_error

if TYPE_CHECKING:
    from fastapi import FastAPI

# What the metrics read from the app at scrape time: readiness with details.
HealthProbe = Callable[[], "tuple[bool, dict[str, Any]]"]


class FailureSource(Protocol):
    """A store that counts its failed writes and reports each new one (the feedback store)."""

    write_failures: int
    on_failure: Callable[[], None] | None

ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_ID_HEADER = "X-Request-ID"
METRICS_PATH = "/metrics"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
ACCESS_LOGGER = "pa.access"
UNMATCHED_ROUTE = "unmatched"
# A request slower than this is logged as a warning.
SLOW_REQUEST_S = 5.0
# Latency buckets (seconds): cached searches take milliseconds, answers tens of ms, builds minutes.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Routes whose requests are logged at DEBUG: probes and scrapes would drown the access log.
QUIET_ROUTES = frozenset({"/healthz", METRICS_PATH})
# Exceptions whose messages describe the system (disk, database, network), not what a user typed.
SYSTEM_ERRORS: tuple[type[BaseException], ...] = (*StorageError, MemoryError, RecursionError)

# An incoming id is reused (so that a proxy's id correlates) only when it is short and plain.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

request_id_var: ContextVar[str | None] = ContextVar("pa_request_id", default=None)

# Fields of a log record that the JSON formatter writes when present (passed with `extra=`).
LOG_FIELDS = ("request_id", "method", "route", "status", "duration_ms", "error_code", "error_class",
              "operation", "event")

access_log = logging.getLogger(ACCESS_LOGGER)
error_log = logging.getLogger("pa.errors")


def current_request_id() -> str | None:
    """The id of the request being handled in this context (None outside a request)."""
    return request_id_var.get()


def safe_error_text(exc: BaseException) -> str:
    """The exception's message if it is a system error; else its class only (messages may hold user text)."""
    if isinstance(exc, SYSTEM_ERRORS):
        return f"{error_class_of(exc)}: {exc}"[:500]
    return error_class_of(exc)


def safe_traceback(exc_info: tuple[Any, Any, Any]) -> str:
    """A traceback whose exception lines carry class names only, except for system errors."""
    _, exc, tb = exc_info
    if exc is None:
        return ""
    lines: list[str] = []
    seen: set[int] = set()
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    for position, item in enumerate(reversed(chain)):
        if position:
            lines.append("\nDuring handling of the above exception, another exception occurred:\n")
        frames = traceback.extract_tb(item.__traceback__ if item is not exc else tb)
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_list(frames))
        lines.append(safe_error_text(item) + "\n")
    return "".join(lines).rstrip()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and the request fields."""

    def format(self, record: logging.LogRecord) -> str:
        created = time.gmtime(record.created)
        data: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", created) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            data["request_id"] = request_id
        for key in LOG_FIELDS:
            if key != "request_id" and hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_info and record.exc_info[1] is not None:
            data.setdefault("error_class", error_class_of(record.exc_info[1]))
            data["traceback"] = safe_traceback(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class RequestIdFilter(logging.Filter):
    """Stamps every record with the current request id (for formatters other than `JsonFormatter`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id()
        return True


_HANDLER_MARK = "_pa_json_handler"


def configure_logging(level: str = "INFO", stream: Any = None) -> logging.Handler:
    """Send all logs to `stream` (stderr) as JSON lines; idempotent (replaces its own earlier handler).

    Uvicorn's loggers propagate to this handler when uvicorn is started with ``log_config=None``; its
    access log is turned off by the caller, because `ObservabilityMiddleware` logs requests without
    their query strings.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.captureWarnings(True)  # Python warnings become JSON lines too
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    # Libraries that log every outgoing request or internal chatter at INFO.
    for name in ("httpx", "httpcore", "chromadb", "urllib3", "bm25s"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    return handler


# ----------------------------------------------------------------------------------------- metrics


class _StateCollector:
    """Index readiness, read from the app state at scrape time (with several workers: the one answering)."""

    def __init__(self, health: HealthProbe) -> None:
        self.health = health

    def collect(self) -> Iterable[Any]:
        ready = GaugeMetricFamily("pa_index_ready", "1 when the index and the embedding model are loaded")
        clauses = GaugeMetricFamily("pa_index_clauses", "Clauses in the index in service")
        try:
            ok, details = self.health()
        except Exception:  # noqa: BLE001 - a failing probe is reported as not ready
            ok, details = False, {}
        ready.add_metric([], 1.0 if ok else 0.0)
        clauses.add_metric([], float(details.get("clauses", 0) or 0))
        return [ready, clauses]

    def describe(self) -> Iterable[Any]:
        return []


def multiprocess_dir() -> str | None:
    """Prometheus multiprocess mode's directory, set by `serve --workers N` before the workers start."""
    return os.environ.get(MULTIPROC_ENV) or None


class Metrics:
    """The app's Prometheus metrics, in a registry of its own.

    With several worker processes (``PROMETHEUS_MULTIPROC_DIR`` set before they start) every counter and
    histogram writes its values to files in that directory, and a scrape — whichever worker answers it —
    adds up all workers' files, so `/metrics` counts every request once. Process metrics (memory, CPU)
    are then left out: they would describe only the worker that happened to answer.
    """

    def __init__(self, health: HealthProbe | None = None, feedback: FailureSource | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("pa_http_requests", "HTTP requests by method, route template and status",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("pa_http_request_duration_seconds",
                                 "HTTP request latency by method and route template (until the last byte)",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.in_progress = Gauge("pa_http_requests_in_progress", "HTTP requests being handled",
                                 registry=self.registry, multiprocess_mode="livesum")
        self.exceptions = Counter("pa_http_exceptions", "Unhandled exceptions by class",
                                  ["error_class"], registry=self.registry)
        self.feedback_failures = Counter("pa_feedback_write_failures",
                                         "Feedback records that could not be stored (disk, database)",
                                         registry=self.registry)
        self.multiprocess = multiprocess_dir() is not None
        if self.multiprocess:
            self.scrape_registry = CollectorRegistry()
            MultiProcessCollector(self.scrape_registry)
        else:
            self.scrape_registry = self.registry
            ProcessCollector(registry=self.registry)  # process_resident_memory_bytes, cpu, open fds
        if health is not None:
            self.scrape_registry.register(_StateCollector(health))
        if feedback is not None:
            # Failures before the metrics existed (the store could not open at start-up) count too.
            self.feedback_failures.inc(feedback.write_failures)
            feedback.on_failure = self.feedback_failures.inc

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.scrape_registry)


def route_label(scope: Scope, routes: Iterable[Any] = ()) -> str:
    """The route template that served a request: bounded label values whatever the raw path was.

    FastAPI records the `APIRoute` it chose in the scope; for mounted apps (static files, the web page)
    the mount's prefix is used, as ``/ui-static/{path}``.
    """
    route = scope.get("route")
    path = getattr(route, "path", None)
    if route is not None and isinstance(path, str) and not isinstance(route, Mount):
        return path or "/"
    raw = scope.get("path", "")
    for candidate in routes:
        if isinstance(candidate, Mount):
            prefix = candidate.path
            if raw == prefix or raw.startswith(prefix + "/"):
                return prefix + "/{path}"
    return UNMATCHED_ROUTE


def _error_code(body: bytes) -> str | None:
    try:
        data = json.loads(body)
        code = data["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None
    return code if isinstance(code, str) and len(code) <= 64 else None


class ObservabilityMiddleware:
    """Request id, access log line and metrics for every HTTP request (pure ASGI: streams pass through).

    Added last, so it is the outermost middleware and also sees the 413/429 answers of the limits.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: Iterable[Any] = ()) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes  # the app's route list (live: the web page is mounted after this)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for key, value in scope.get("headers", []):
            if key.lower() == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = incoming if incoming and _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        method = scope.get("method", "GET").upper()
        method = method if method in KNOWN_METHODS else "OTHER"
        started = time.perf_counter()
        status = 500
        error_code: str | None = None
        error_class: str | None = None
        sniff = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, sniff, error_code
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("ascii")))
                message = {**message, "headers": headers}
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                sniff = status >= 400 and content_type.startswith(b"application/json")
            elif message["type"] == "http.response.body" and sniff:
                sniff = False
                body = message.get("body", b"")
                if body and len(body) <= 8192:
                    error_code = _error_code(body)
            await send(message)

        started_response = False

        async def tracked_send(message: Message) -> None:
            nonlocal started_response
            if message["type"] == "http.response.start":
                started_response = True
            await send_wrapper(message)

        self.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, tracked_send)
        except Exception as exc:  # the last line of defence: log once, answer the contract's JSON 500
            error_class = error_class_of(exc)
            self.metrics.exceptions.labels(error_class).inc()
            error_log.error("unhandled error in %s %s", method, route_label(scope, self.routes), exc_info=exc,
                            extra={"event": "unhandled_error", "error_class": error_class,
                                   "request_id": request_id})
            if started_response:
                raise  # the response is under way: the server can only drop the connection
            await send_json_error(tracked_send, 500, "internal_error", "服务器内部错误，请稍后再试")
        except BaseException as exc:  # cancelled, or the server is shutting down
            error_class = error_class_of(exc)
            raise
        finally:
            self.metrics.in_progress.dec()
            seconds = time.perf_counter() - started
            route = route_label(scope, self.routes)
            self.metrics.observe(method, route, status, seconds)
            level = logging.INFO
            if route in QUIET_ROUTES and status < 400:
                level = logging.DEBUG
            if status >= 500 or seconds >= SLOW_REQUEST_S:
                level = logging.WARNING if status < 500 else logging.ERROR
            if access_log.isEnabledFor(level):
                fields: dict[str, Any] = {"event": "request", "request_id": request_id, "method": method,
                                          "route": route, "status": status,
                                          "duration_ms": round(seconds * 1000, 1)}
                if error_code:
                    fields["error_code"] = error_code
                if error_class:
                    fields["error_class"] = error_class
                access_log.log(level, "%s %s %s %.1fms", method, route, status, seconds * 1000,
                               extra=fields)
            request_id_var.reset(token)


def install_observability(app: FastAPI, health: HealthProbe, feedback: FailureSource | None = None) -> Metrics:
    """Add `/metrics` and the outermost `ObservabilityMiddleware` (call after the other middleware)."""
    metrics = Metrics(health, feedback)

    def prometheus_metrics() -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST,
                        headers={"Cache-Control": "no-store"})

    app.add_api_route(METRICS_PATH, prometheus_metrics, methods=["GET"], include_in_schema=False,
                      response_class=Response)
    app.add_middleware(ObservabilityMiddleware, metrics=metrics, routes=app.router.routes)
    app.state.metrics = metrics
    return metrics
