"""Batch screening over HTTP: the upload's own size limit, a bound on concurrent batches, CSV responses.

The API's general body limit (`ui.middleware`) is for JSON requests; a list of enterprises is larger, so
`POST /api/precheck/batch` gets its own limit here. A batch runs in a worker thread, at most
`MAX_CONCURRENT_BATCHES` at once; another request meanwhile is told to retry rather than queued.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from prechecks.batch import Batch, BatchError, screen_csv, template_csv, to_csv
from ui.errors import ApiError
from ui.middleware import BodySizeLimitMiddleware

BATCH_PATH = "/api/precheck/batch"
MAX_BATCH_BYTES = 8 * 1024 * 1024  # about 80,000 rows of the template
MAX_BATCH_PROFILES = 50_000
MAX_CONCURRENT_BATCHES = 2


class BodyLimits(BodySizeLimitMiddleware):
    """The general body limits, with the batch upload's own, larger limit (and those of `own`: path → bytes)."""

    def __init__(self, app: ASGIApp, /, own: dict[str, int] | None = None, **limits: int) -> None:
        super().__init__(app, **limits)
        self.own = {path: BodySizeLimitMiddleware(app, api_limit=limit)
                    for path, limit in ({BATCH_PATH: MAX_BATCH_BYTES} | (own or {})).items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "").rstrip("/") if scope["type"] == "http" else ""
        special = next((m for p, m in self.own.items() if path.endswith(p)), None)
        if special is not None:
            await special(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


class BatchRunner:
    """Screens uploaded CSV files off the event loop, a bounded number at a time."""

    def __init__(self) -> None:
        self._running = 0

    async def run(self, data: bytes, rules: Any, corpus: Any) -> Batch:
        """Screen `data`; 413/422/429 as `ApiError` with a Chinese message."""
        if len(data) > MAX_BATCH_BYTES:
            raise ApiError(413, "payload_too_large",
                           f"文件过大（上限 {MAX_BATCH_BYTES // 1024 // 1024} MiB），请分批上传")
        if data.count(b"\n") > MAX_BATCH_PROFILES + 1:
            raise ApiError(413, "too_many_rows", f"行数过多（每次最多 {MAX_BATCH_PROFILES} 个单位），请分批上传")
        if self._running >= MAX_CONCURRENT_BATCHES:
            raise ApiError(429, "batch_busy", "批量筛查任务较多，请稍后再试", {"Retry-After": "10"})
        self._running += 1
        try:
            return await run_in_threadpool(screen_csv, data, rules, corpus)
        except BatchError as exc:
            raise ApiError(422, "invalid_batch", str(exc)) from None
        finally:
            self._running -= 1


async def upload_bytes(request: Request) -> bytes:
    """The CSV of a request: the multipart field ``file``, or the raw body (``text/csv``)."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ApiError(400, "missing_file", "请以表单字段 file 上传 CSV 文件")
        return await upload.read()
    data = await request.body()
    if not data.strip():
        raise ApiError(400, "missing_file", "请上传 CSV 文件（表单字段 file，或请求体为 CSV 文本）")
    return data


def csv_download(text: str, filename: str) -> Response:
    """CSV text as a download, UTF-8 with BOM so that Excel shows the Chinese."""
    return Response(content=text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


def batch_json(batch: Batch) -> dict[str, Any]:
    """The JSON answer: the output table and what was noticed about the file."""
    return {"columns": batch.columns, "rows": batch.rows, "warnings": batch.warnings,
            "profiles": batch.profiles, "errors": batch.errors}


def template_download() -> Response:
    """The template to fill in."""
    return csv_download(template_csv(), "申报自测批量筛查模板.csv")


def result_download(batch: Batch) -> Response:
    """The screened table."""
    return csv_download(to_csv(batch), "申报自测批量筛查结果.csv")
