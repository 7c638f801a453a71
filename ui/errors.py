"""JSON errors for the HTTP API: always ``{"error": {"code", "message"}}`` with a Chinese message."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


def error_class_of(exc: BaseException) -> str:
    """The class name logged for an exception (module-qualified outside builtins)."""
    cls = type(exc)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__name__}"

# Messages for HTTP statuses raised by the framework itself (unknown route, wrong method …).
_STATUS_MESSAGES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求格式不正确"),
    401: ("unauthorized", "缺少访问令牌"),
    403: ("forbidden", "无权访问"),
    404: ("not_found", "请求的资源不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("payload_too_large", "请求内容过大"),
    415: ("unsupported_media_type", "请求内容类型不受支持，请使用 application/json"),
    429: ("rate_limited", "请求过于频繁，请稍后再试"),
    500: ("internal_error", "服务器内部错误，请稍后再试"),
    503: ("unavailable", "服务暂不可用，请稍后再试"),
}

# Chinese names of request fields, so that validation messages name the field as users know it.
FIELD_LABELS: dict[str, str] = {
    "question": "问题",
    "history": "对话历史",
    "role": "角色",
    "content": "内容",
    "stream": "流式输出开关",
    "q": "检索内容",
    "k": "返回条数",
    "doc": "文件",
    "level": "层级",
    "status": "状态",
    "rating": "评价",
    "comment": "补充意见",
    "answer": "回答",
    "citations": "引用",
    "body": "请求体",
}


class ApiError(Exception):
    """An error the API reports to the caller as JSON with a 4xx/5xx status."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_body(code: str, message: str) -> dict[str, Any]:
    """The JSON body of every error response."""
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """A JSON error response."""
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [p for p in loc if p not in ("body", "query", "path", "header")]
    if not parts:
        return FIELD_LABELS["body"]
    named: list[str] = []
    for part in parts:
        if isinstance(part, int):
            named.append(f"第{part + 1}项")
        else:
            named.append(FIELD_LABELS.get(str(part), str(part)))
    return "·".join(named)


def validation_message(errors: list[dict[str, Any]]) -> tuple[str, str]:
    """(code, Chinese message) for the first pydantic validation error."""
    if not errors:
        return "invalid_request", "请求参数不正确"
    first = errors[0]
    kind = str(first.get("type", ""))
    loc = tuple(first.get("loc", ()))
    field = _field_path(loc)
    ctx = first.get("ctx") or {}
    if kind == "json_invalid":
        return "invalid_json", "请求体不是有效的 JSON"
    if kind == "missing":
        return "missing_field", f"缺少必填字段：{field}"
    if kind in ("string_type", "string_sub_type"):
        return "invalid_type", f"{field}必须是文字"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "invalid_type", f"{field}必须是整数"
    if kind in ("float_type", "float_parsing"):
        return "invalid_type", f"{field}必须是数字"
    if kind in ("bool_type", "bool_parsing"):
        return "invalid_type", f"{field}必须是 true 或 false"
    if kind in ("list_type",):
        return "invalid_type", f"{field}必须是列表"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "invalid_type", f"{field}必须是 JSON 对象"
    if kind == "literal_error":
        return "invalid_value", f"{field}的取值不正确，可选：{ctx.get('expected', '')}"
    if kind == "string_too_long":
        return "too_long", f"{field}过长，请精简到{ctx.get('max_length')}字以内"
    if kind == "string_too_short":
        return "too_short", f"{field}不能为空"
    if kind == "too_long":
        return "too_long", f"{field}条目过多，最多{ctx.get('max_length')}条"
    if kind in ("greater_than_equal", "greater_than"):
        return "out_of_range", f"{field}不能小于{ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return "out_of_range", f"{field}不能大于{ctx.get('le', ctx.get('lt'))}"
    if kind == "extra_forbidden":
        return "unknown_field", f"不支持的字段：{field}"
    if kind == "value_error":
        # Our own validators raise ValueError with a Chinese message already.
        message = str(first.get("msg", "")).removeprefix("Value error, ")
        return "invalid_value", message or f"{field}的取值不正确"
    return "invalid_request", f"{field}的取值不正确"


def install_error_handlers(app: FastAPI) -> None:
    """Make every error the app returns the JSON shape of the contract."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        code, message = validation_message(list(exc.errors()))
        status = 400 if code == "invalid_json" else 422
        return error_response(status, code, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _STATUS_MESSAGES.get(exc.status_code, ("http_error", "请求无法处理"))
        if isinstance(exc.detail, str) and _is_chinese(exc.detail):
            message = exc.detail
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        code, message = _STATUS_MESSAGES[500]
        return error_response(500, code, message)


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def profile_error_type() -> type[Exception]:
    """`prechecks.profile.ProfileError` (a user-facing invalid-profile error), when available."""
    try:
        from prechecks.profile import ProfileError
    except ImportError:  # the pre-check package is optional for the rest of the API
        return _NoProfileError
    return ProfileError


class _NoProfileError(Exception):
    """Placeholder that never matches, used while `prechecks.profile` is absent."""
