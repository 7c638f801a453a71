"""JSON API routes (FastAPI). Every route calls the shared `PolicyAssistant`; nothing else lives here."""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from assistant.models import Answer, Turn
from assistant.service import PolicyAssistant
from retrieval.index import IndexNotReady
from retrieval.search import QueryError, SearchFilters
from ui.errors import ApiError, error_body, profile_error_type
from ui.feedback import MAX_COMMENT_CHARS, day_bounds, feedback_csv
from ui.precheck_batch import (
    BATCH_PATH,
    MAX_BATCH_BYTES,
    MAX_BATCH_PROFILES,
    BatchRunner,
    batch_json,
    result_download,
    template_download,
    upload_bytes,
)
from ui.present import LEVEL_LABELS, STATUS_CHOICES, clause_json, clause_reply, document_items, document_json
from ui.replicas import publish_build, served_build
from ui.state import AppState

log = logging.getLogger(__name__)

MAX_HISTORY_TURNS = 40
MAX_TURN_CHARS = 8000
MAX_ID_CHARS = 200

_DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
# A locator is Chinese numbering, digits, letters and a few separators ("一、（二）", "表1/4", "1.(2)").
_LOCATOR = re.compile(r"^[\w\u3000-\u303f\uff00-\uffef（）()、.．/／-]{1,100}$")


# ---------------------------------------------------------------------------------------------------
# Request bodies


class HistoryTurn(BaseModel):
    """One earlier message of the conversation."""

    model_config = ConfigDict(extra="ignore")
    role: Literal["user", "assistant"]
    content: StrictStr = Field(max_length=MAX_TURN_CHARS)


class AskRequest(BaseModel):
    """Body of `POST /api/ask`."""

    model_config = ConfigDict(extra="ignore")
    question: StrictStr = Field(description="用户的问题")
    history: list[HistoryTurn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS,
                                       description="此前的对话，按时间先后")
    stream: StrictBool = Field(False, description="为 true 时以 server-sent events 流式返回")


class FeedbackRequest(BaseModel):
    """Body of `POST /api/feedback`."""

    model_config = ConfigDict(extra="ignore")
    question: StrictStr = Field(min_length=1, max_length=MAX_TURN_CHARS)
    answer: StrictStr = Field(max_length=50_000)
    citations: list[dict[str, Any] | StrictStr] = Field(default_factory=list, max_length=50)
    rating: Literal["up", "down"]
    comment: StrictStr = Field("", max_length=MAX_COMMENT_CHARS)
    history: list[HistoryTurn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS,
                                       description="提问之前的对话（保存最近若干轮）")


class ReplyResponse(BaseModel):
    """Body of `GET /api/clauses/{clause_id}/reply`."""

    text: str = Field(description="标准答复全文")


# ---------------------------------------------------------------------------------------------------
# Dependencies


def get_state(request: Request) -> AppState:
    """The app's shared state."""
    return request.app.state.pa


StateDep = Annotated[AppState, Depends(get_state)]


def get_assistant(state: StateDep) -> PolicyAssistant:
    """The loaded assistant (503 while the index is not ready)."""
    return state.require()


AssistantDep = Annotated[PolicyAssistant, Depends(get_assistant)]


def require_admin(state: StateDep,
                  authorization: Annotated[str | None, Header()] = None) -> None:
    """Bearer-token check for admin routes; disabled (404) when no token is configured."""
    token = state.settings.admin_token
    if not token:
        raise ApiError(404, "not_found", "管理接口未启用（未设置 PA_ADMIN_TOKEN）")
    scheme, _, provided = (authorization or "").strip().partition(" ")
    provided = provided.strip()
    if scheme.lower() != "bearer" or not provided:
        raise ApiError(401, "unauthorized", "缺少管理令牌：请在请求头中提供 Authorization: Bearer <令牌>",
                       {"WWW-Authenticate": "Bearer"})
    # Constant-time comparison so that response timing does not reveal the token.
    if not hmac.compare_digest(provided.encode("utf-8"), token.encode("utf-8")):
        raise ApiError(403, "forbidden", "管理令牌不正确")


# ---------------------------------------------------------------------------------------------------
# Validation helpers


def clean_question(question: str, max_chars: int) -> str:
    """The question stripped; 400 with a Chinese message when empty or too long."""
    text = question.strip()
    if not text:
        raise ApiError(400, "empty_question", "请输入问题")
    if len(text) > max_chars:
        raise ApiError(400, "question_too_long", f"问题过长（{len(text)}字），请精简到{max_chars}字以内")
    return text


def check_doc_id(doc_id: str) -> str:
    """A syntactically valid document id, else 400."""
    if not _DOC_ID.match(doc_id):
        raise ApiError(400, "invalid_doc_id", "文件编号格式不正确")
    return doc_id


def check_clause_id(clause_id: str) -> str:
    """A syntactically valid clause id ``{doc_id}#{locator}``, else 400 (path-traversal shapes too)."""
    if (len(clause_id) > MAX_ID_CHARS or ".." in clause_id or "\\" in clause_id
            or clause_id.startswith("/") or "#" not in clause_id):
        raise ApiError(400, "invalid_clause_id",
                       "条文编号格式不正确，应为“文件编号#条款”，其中 # 需编码为 %23")
    doc_id, _, locator = clause_id.partition("#")
    if not _DOC_ID.match(doc_id) or not _LOCATOR.match(locator):
        raise ApiError(400, "invalid_clause_id", "条文编号格式不正确，应为“文件编号#条款”")
    return clause_id


def _split_values(values: list[str]) -> set[str]:
    return {v.strip() for raw in values for v in raw.split(",") if v.strip()}


def search_filters(assistant: PolicyAssistant, docs: list[str], levels: list[str],
                   statuses: list[str]) -> SearchFilters:
    """Filters from query parameters (English keys or Chinese labels); 400 on unknown values."""
    doc_ids = _split_values(docs)
    unknown = sorted(d for d in doc_ids if d not in assistant.corpus.documents)
    if unknown:
        raise ApiError(400, "unknown_document", f"未找到文件：{'、'.join(unknown)}")
    return SearchFilters(doc_ids=frozenset(doc_ids),
                         levels=_chosen(levels, LEVEL_LABELS, "invalid_level", "层级"),
                         statuses=_chosen(statuses, STATUS_CHOICES, "invalid_status", "状态"))


def _chosen(raw: list[str], labels: dict[str, str], code: str, name: str) -> frozenset[str]:
    """The keys a filter parameter selects, each given as a key or its Chinese label."""
    keys = {v: k for k, v in labels.items()} | {k: k for k in labels}
    chosen: set[str] = set()
    for value in _split_values(raw):
        if value not in keys:
            raise ApiError(400, code, f"{name}“{value}”无效，可选：{'、'.join(labels)}（或{'、'.join(labels.values())}）")
        chosen.add(keys[value])
    return frozenset(chosen)


def _facade_error(exc: Exception) -> ApiError:
    if isinstance(exc, QueryError):
        return ApiError(400, "invalid_query", str(exc))
    if isinstance(exc, IndexNotReady):
        return ApiError(503, "index_not_ready", str(exc))
    if isinstance(exc, profile_error_type()):
        return ApiError(422, "invalid_profile", str(exc))
    raise exc


# ---------------------------------------------------------------------------------------------------
# Routes


def build_router() -> APIRouter:
    """All API routes (the app adds them before mounting the web pages)."""
    router = APIRouter()

    @router.get("/healthz", tags=["运维"], summary="健康检查：索引与向量模型已加载时返回 200")
    def healthz(state: StateDep) -> JSONResponse:
        ready, details = state.health()
        return JSONResponse(details, status_code=200 if ready else 503)

    @router.post("/api/ask", tags=["问答"], summary="政策问答（可流式）",
                 description="返回 `ask --json` 的 JSON。`stream: true` 或 `Accept: text/event-stream` "
                             "时以 server-sent events 返回：若干 `delta` 事件（data 为 {\"text\": 片段}），"
                             "最后一个 `final` 事件（data 为完整 JSON）；出错时为 `error` 事件。")
    async def ask(body: AskRequest, request: Request, state: StateDep,
                  assistant: AssistantDep) -> Any:
        question = clean_question(body.question, state.settings.max_question_chars)
        history = [Turn(role=t.role, content=t.content) for t in body.history]
        wants_stream = body.stream or "text/event-stream" in request.headers.get("accept", "")
        if not wants_stream:
            try:
                answer = await run_in_threadpool(assistant.answer, question, history)
            except Exception as exc:  # noqa: BLE001 - mapped or re-raised
                raise _facade_error(exc) from exc
            return answer.to_dict()
        return await _stream_response(assistant, question, history)

    @router.get("/api/search", tags=["检索"], summary="条文检索",
                description="返回 `search --json` 的 JSON。doc/level/status 可重复或用逗号分隔。")
    async def search(assistant: AssistantDep,
                     q: Annotated[str, Query(description="问题或关键词")] = "",
                     k: Annotated[int, Query(ge=1, le=50, description="返回条数")] = 5,
                     doc: Annotated[list[str], Query(description="文件编号")] = [],  # noqa: B006
                     level: Annotated[list[str], Query(description="层级")] = [],  # noqa: B006
                     status: Annotated[list[str], Query(description="状态")] = [],  # noqa: B006
                     ) -> dict[str, Any]:
        filters = search_filters(assistant, doc, level, status)
        try:
            hits = await run_in_threadpool(assistant.search, q, k, filters)
        except Exception as exc:  # noqa: BLE001 - mapped or re-raised
            raise _facade_error(exc) from exc
        return {"query": q, "results": [h.to_dict() for h in hits]}

    @router.post("/api/precheck", tags=["申报自测"], summary="申报自测",
                 description="请求体为企业画像（EnterpriseProfile 字段，均可不填：未知的事实只在影响结论时追问），"
                             "返回 `precheck --json` 的 JSON：每个扶持项目一项，含 status、estimate_wan、formula、"
                             "reasons、citations、missing、caveats，以及 conditions（每个条件的 verdict "
                             "met/unmet/unknown "
                             "与出处）、conditions_met（“X/N”）、irrelevant_unknowns、alternatives、warnings（如疑似按元误填"
                             "的金额）和 application（window/materials/department/review_mode/stacking，各为 {text, "
                             "citation}，未载明时 text 为“所存文件未载明”、citation 为 null）。")
    async def precheck(assistant: AssistantDep,
                       profile: Annotated[dict[str, Any], Body(description="企业画像")],
                       ) -> list[dict[str, Any]]:
        try:
            return await run_in_threadpool(assistant.precheck, profile)
        except Exception as exc:  # noqa: BLE001 - mapped or re-raised
            raise _facade_error(exc) from exc

    batches = BatchRunner()

    @router.post(BATCH_PATH, tags=["申报自测"], summary="批量筛查（CSV 上传）",
                 description="上传 CSV（表单字段 `file`，或请求体为 `text/csv`），每行一个单位，表头为企业画像字段名或"
                             "中文名称（模板见 `GET /api/precheck/template.csv`）；UTF-8（可带 BOM）或 GB18030。"
                             "返回每个单位 × 每个扶持项目一行：`{\"columns\", \"rows\", \"warnings\", \"profiles\", "
                             "\"errors\"}`；`format=csv` 时返回 CSV 文件。有误的行在 `error` 列说明，不影响其他行。"
                             f"文件上限 {MAX_BATCH_BYTES // 1024 // 1024} MiB、{MAX_BATCH_PROFILES} 个单位。",
                 response_model=None)
    async def precheck_batch(request: Request, assistant: AssistantDep,
                             format: Annotated[Literal["json", "csv"], Query(description="返回格式")] = "json",
                             ) -> Any:
        data = await upload_bytes(request)
        batch = await batches.run(data, assistant.rules, assistant.corpus)
        return result_download(batch) if format == "csv" else batch_json(batch)

    @router.get("/api/precheck/template.csv", tags=["申报自测"], summary="批量筛查 CSV 模板", response_model=None)
    def precheck_template() -> Any:
        return template_download()

    @router.get("/api/documents", tags=["文件"], summary="收录的全部政策文件")
    def documents(assistant: AssistantDep) -> dict[str, Any]:
        return {"documents": [document_json(d, len(assistant.corpus.doc_clauses(d.doc_id)))
                              for d in assistant.documents()]}

    @router.get("/api/documents/{doc_id}", tags=["文件"], summary="一个文件的全部条文（按顺序，含缺漏标记）")
    def document(doc_id: str, assistant: AssistantDep) -> dict[str, Any]:
        check_doc_id(doc_id)
        doc = assistant.corpus.documents.get(doc_id)
        if doc is None:
            raise ApiError(404, "document_not_found", f"未找到文件：{doc_id}")
        clauses = assistant.corpus.doc_clauses(doc_id)
        return {"document": document_json(doc, len(clauses)), "items": document_items(doc, clauses)}

    # Before the plain clause route, whose `path` parameter would otherwise take "…/reply" too.
    @router.get("/api/clauses/{clause_id:path}/reply", tags=["文件"], summary="一个条文的标准答复（热线坐席朗读或粘贴）",
                response_model=ReplyResponse,
                description="返回 `{\"text\"}`：文件正式名称、文号（如有）、条款、所引原文（完整或标明“节选”）、"
                            "文件状态和官方原文网址（如有；不给出转载来源）。条文编号须 URL 编码（# 为 %23）。")
    def clause_reply_text(clause_id: str, assistant: AssistantDep) -> dict[str, str]:
        check_clause_id(clause_id)
        found = assistant.clause(clause_id)
        if found is None:
            raise ApiError(404, "clause_not_found", f"未找到条文：{clause_id}")
        documents = assistant.corpus.documents
        return {"text": clause_reply(found, documents[found.doc_id], documents=documents)}

    @router.get("/api/clauses/{clause_id:path}", tags=["文件"], summary="一个条文",
                description="条文编号形如 `sz-ai-industry-regulation-2022#第十二条`，须 URL 编码（# 为 %23）。")
    def clause(clause_id: str, assistant: AssistantDep) -> dict[str, Any]:
        check_clause_id(clause_id)
        found = assistant.clause(clause_id)
        if found is None:
            raise ApiError(404, "clause_not_found", f"未找到条文：{clause_id}")
        doc = assistant.corpus.documents[found.doc_id]
        return {**clause_json(found, doc), "document": document_json(doc)}

    @router.post("/api/feedback", tags=["反馈"], status_code=201, summary="对回答的评价（👍/👎 与意见）")
    async def feedback(body: FeedbackRequest, state: StateDep) -> dict[str, Any]:
        feedback_id = await run_in_threadpool(
            state.feedback.add, rating=body.rating, question=body.question, answer=body.answer,
            citations=list(body.citations), comment=body.comment, channel="api",
            history=[t.model_dump() for t in body.history], index_build=served_build(state))
        return {"id": feedback_id, "message": "感谢您的反馈"}

    @router.post("/api/admin/reindex", tags=["管理"], summary="重建检索索引（需管理令牌）",
                 dependencies=[Depends(require_admin)])
    async def reindex(state: StateDep) -> dict[str, Any]:
        if not state.reindex_lock.acquire(blocking=False):
            raise ApiError(409, "reindex_running", "索引正在重建，请稍后再试")
        try:
            return await run_in_threadpool(_reindex, state)
        finally:
            state.reindex_lock.release()

    @router.get("/api/admin/feedback", tags=["管理"], summary="最近的用户反馈（需管理令牌）",
                description="可按评价（rating=up|down）和日期（since/until，YYYY-MM-DD，含起止日）筛选；"
                            "`format=csv` 时导出 CSV。", dependencies=[Depends(require_admin)], response_model=None)
    async def feedback_review(state: StateDep,
                              limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                              rating: Annotated[Literal["up", "down"] | None, Query(description="评价")] = None,
                              since: Annotated[str | None, Query(description="起始日期")] = None,
                              until: Annotated[str | None, Query(description="截止日期（含）")] = None,
                              format: Annotated[Literal["json", "csv"], Query(description="返回格式")] = "json",
                              ) -> Any:
        records = await run_in_threadpool(state.feedback.recent, limit, rating=rating,
                                          **day_bounds(since, until))
        return feedback_csv(records) if format == "csv" else {"feedback": [r.to_dict() for r in records]}

    @router.api_route("/api", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    @router.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                      include_in_schema=False)
    def unknown_api_route(request: Request) -> None:
        # Without this, unknown /api/ paths would fall through to the web app's HTML 404.
        # Scan this router's own routes: FastAPI ≥ 0.16x wraps included routers, so the app's route
        # list no longer holds the `APIRoute`s themselves.
        path = request.scope.get("path", request.url.path)
        for route in router.routes:
            if not isinstance(route, APIRoute) or route.path in ("/api", "/api/{rest:path}"):
                continue
            if route.path_regex.match(path):
                raise ApiError(405, "method_not_allowed", f"该接口不支持 {request.method} 请求")
        raise ApiError(404, "not_found", "接口不存在，请查看 /docs 中的接口列表")

    return router


def _reindex(state: AppState) -> dict[str, Any]:
    from assistant.runtime import rebuild_index
    from retrieval.corpus import CorpusError

    try:
        manifest = rebuild_index(state.settings)
    except CorpusError as exc:
        raise ApiError(500, "reindex_failed", f"索引构建失败，原索引保持不变：{exc}") from exc
    state.load()
    if state.load_error is not None:
        raise ApiError(500, "reindex_failed", f"索引已构建但无法加载，原索引继续使用：{state.load_error}")
    publish_build(state)  # the other replicas load it within seconds
    return {"status": "ok", "clauses": manifest.clauses, "chunks": manifest.chunks,
            "embedder": manifest.embedder, "build_seconds": round(manifest.build_seconds, 2),
            "message": "索引已重建"}


async def _stream_response(assistant: PolicyAssistant, question: str,
                           history: list[Turn]) -> EventSourceResponse:
    """Server-sent events: `delta` events with text pieces, then `final` with the full JSON."""
    pieces = iterate_in_threadpool(iter(assistant.stream_answer(question, history)))
    # Take the first piece before answering 200, so that a bad question still gets a JSON 4xx.
    try:
        first = await pieces.__anext__()
    except StopAsyncIteration:
        first = None
    except Exception as exc:  # noqa: BLE001 - mapped or re-raised
        raise _facade_error(exc) from exc

    async def events() -> AsyncIterator[ServerSentEvent]:
        item: Any = first
        try:
            while item is not None:
                if isinstance(item, Answer):
                    yield ServerSentEvent(json.dumps(item.to_dict(), ensure_ascii=False), event="final")
                    return
                yield ServerSentEvent(json.dumps({"text": str(item)}, ensure_ascii=False), event="delta")
                try:
                    item = await pieces.__anext__()
                except StopAsyncIteration:
                    item = None
        except Exception as exc:  # noqa: BLE001 - the stream has started: report in-band
            log.exception("streaming answer failed")
            message = str(exc) if isinstance(exc, (QueryError, IndexNotReady)) else "生成回答时出错，请稍后再试"
            yield ServerSentEvent(json.dumps(error_body("stream_failed", message), ensure_ascii=False),
                                  event="error")

    return EventSourceResponse(events(), ping=15, headers={"Cache-Control": "no-store"})
