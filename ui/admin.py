"""Knowledge-base admin API: upload a file as a draft, review and edit it, publish it into the local corpus,
list, disable/enable and delete documents. Every route needs the admin token (`ui.api.require_admin`).

Drafts live under `<data dir>/drafts/<doc_id>/<doc_id>.md` (not indexed); publishing moves one into the local
corpus (`retrieval.corpus.local_corpus_dir`), which is layered over the shipped corpus, and rebuilds the index
incrementally. Disabled doc_ids are kept in the shared store; `assistant.runtime.corpus_layers` leaves them out.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from assistant.runtime import DISABLED_DOCUMENTS_KEY
from prechecks.lint import lint_rules
from retrieval.corpus import CorpusError, corpus_files, load_corpus, load_document, local_corpus_dir, split_front_matter
from retrieval.currency import KnownDocuments, KnownDocumentsError, date_span
from retrieval.ingest import ImportOptions, IngestError, import_file
from retrieval.ingest.importer import FIELD_ORDER, MAX_FILE_BYTES, SUFFIXES, render
from storage import KeyValue, StorageError
from ui.api import StateDep, _reindex, check_doc_id, require_admin
from ui.errors import ApiError
from ui.present import document_json
from ui.state import AppState

UPLOAD_PATH = "/api/admin/documents"
# The multipart envelope around a file of MAX_FILE_BYTES.
MAX_UPLOAD_BODY = MAX_FILE_BYTES + 1024 * 1024
DRAFTS = "drafts"
# Front-matter fields an administrator may edit (doc_id names the file and stays).
EDITABLE = tuple(f for f in FIELD_ORDER if f != "doc_id")


def drafts_dir(state: AppState) -> Path:
    return Path(state.settings.data_dir) / DRAFTS


def draft_path(state: AppState, doc_id: str) -> Path:
    return drafts_dir(state) / doc_id / f"{doc_id}.md"


def local_path(state: AppState, doc_id: str) -> Path:
    return local_corpus_dir(state.settings.data_dir) / f"{doc_id}.md"


def shipped_path(state: AppState, doc_id: str) -> Path:
    return Path(state.settings.corpus_dir) / f"{doc_id}.md"


def _store(state: AppState) -> KeyValue:
    return KeyValue(state.feedback.db)


def disabled_ids(state: AppState) -> set[str]:
    try:
        return set(_store(state).get(DISABLED_DOCUMENTS_KEY) or ())
    except StorageError as exc:
        raise ApiError(503, "store_unavailable", "存储不可用，无法读取停用的文件列表，请稍后再试") from exc


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _checked(doc_id: str, text: str) -> tuple[Any, list[Any]]:
    """Parse `text` as the corpus loader will (its metadata and clauses); 400 with the loader's problem when it
    is not valid."""
    with tempfile.TemporaryDirectory(prefix="pa-admin-") as tmp:
        probe = Path(tmp) / f"{doc_id}.md"
        probe.write_text(text, encoding="utf-8")
        try:
            doc, parsed = load_document(probe)
            return doc, parsed.clauses
        except CorpusError as exc:
            raise ApiError(400, "invalid_document", f"文件不符合语料格式：{exc.problem}") from None


def _preview(doc_id: str, text: str, warnings: list[str] | None = None) -> dict[str, Any]:
    """What the review screen shows: metadata, parsed clauses beside the Markdown text, warnings."""
    doc, clauses = _checked(doc_id, text)
    meta, body = split_front_matter(Path(f"{doc_id}.md"), text)
    return {"doc_id": doc_id, "meta": {k: _plain(v) for k, v in meta.items()}, "body": body, "text": text,
            "document": document_json(doc, len(clauses)),
            "clauses": [{"clause_id": c.clause_id, "label": c.label, "text": c.text} for c in clauses],
            "warnings": list(warnings or [])}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _expired(effective_to: str | None) -> bool:
    span = date_span(effective_to) if effective_to else None
    return bool(span and span[1] < date.today())


# ---------------------------------------------------------------------------------------------------
# Operations (run in a worker thread)


async def _upload(request: Request, state: AppState) -> dict[str, Any]:
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception as exc:  # noqa: BLE001 - any malformed multipart body
        raise ApiError(400, "invalid_upload", "上传内容无法解析，请以表单字段 file 上传文件") from exc
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise ApiError(400, "missing_file", "请选择要上传的文件（表单字段 file）")
    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ApiError(415, "unsupported_type", f"不支持的文件类型 {suffix or '（无扩展名）'}：可上传 PDF、Word"
                       "（.docx/.doc/.wps）、网页（.html）、纯文本（.txt/.md）")
    data = await upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ApiError(413, "payload_too_large", f"文件过大（上限 {MAX_FILE_BYTES // 1024 // 1024} MB）")
    if not data:
        raise ApiError(400, "empty_file", "上传的文件是空的")
    doc_id = form.get("doc_id") or None
    status = form.get("status") or None
    if doc_id is not None:
        check_doc_id(str(doc_id))
    # A safe local name: the user's file name only lends its stem (for the derived doc_id) and suffix.
    stem = "".join(ch for ch in Path(upload.filename or "upload").stem if ch.isalnum() or ch in "-_")[:80] or "upload"
    return await run_in_threadpool(_import_draft, state, stem + suffix, data,
                                   str(doc_id) if doc_id else None, str(status) if status else None)


def _import_draft(state: AppState, name: str, data: bytes, doc_id: str | None, status: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pa-upload-") as tmp:
        source = Path(tmp) / name
        source.write_bytes(data)
        staging = Path(tmp) / "out"
        try:
            result = import_file(source, staging, ImportOptions(doc_id=doc_id, status=status, replace=True))
        except IngestError as exc:
            raise ApiError(422, "import_failed", f"导入失败：{exc}") from None
        text = result.path.read_text(encoding="utf-8")
    draft = draft_path(state, result.doc_id)
    _write_atomic(draft, text)
    replaces = local_path(state, result.doc_id).is_file() or shipped_path(state, result.doc_id).is_file()
    if replaces:
        result.warnings.append(f"已有文件 {result.doc_id}：发布后将以此版本代替它")
    return result.to_dict() | {"path": str(draft), "published": False, "replaces": replaces,
                               "preview": _preview(result.doc_id, text, result.warnings)}


def _edit(state: AppState, doc_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    path = draft_path(state, doc_id)
    if not path.is_file():
        path = local_path(state, doc_id)
    if not path.is_file():
        raise ApiError(404, "document_not_found",
                       f"没有可编辑的草稿或本地文件：{doc_id}（随产品提供的文件请先上传新版本）")
    meta, body = split_front_matter(path, path.read_text(encoding="utf-8"))
    unknown = sorted(set(changes) - set(EDITABLE) - {"body"})
    if unknown:
        raise ApiError(400, "invalid_field", f"不能修改的字段：{'、'.join(unknown)}")
    body = changes.pop("body", body)
    if not isinstance(body, str) or not body.strip():
        raise ApiError(400, "invalid_body", "正文不能为空")
    meta |= {k: (v.strip() or None) if isinstance(v, str) else v for k, v in changes.items()}
    text = render(meta, body)
    preview = _preview(doc_id, text)  # validated exactly as the corpus loader does, before writing
    _write_atomic(path, text)
    return preview | {"published": path != draft_path(state, doc_id)}


def _publish(state: AppState, doc_id: str, force: bool) -> dict[str, Any]:
    draft = draft_path(state, doc_id)
    if not draft.is_file():
        raise ApiError(404, "draft_not_found", f"没有待发布的草稿：{doc_id}")
    layers = (Path(state.settings.corpus_dir), local_corpus_dir(state.settings.data_dir))
    assistant = state.require()
    try:
        before = {str(p) for p in lint_rules(assistant.rules, load_corpus(layers))}
        after = [p for p in lint_rules(assistant.rules, load_corpus((*layers, draft.parent)))
                 if str(p) not in before]
    except CorpusError as exc:
        raise ApiError(400, "invalid_document", f"发布后语料无法加载：{exc.problem}") from None
    if after and not force:
        names = "；".join(f"{p.entry}（{p.parameter}）：{p.message}" for p in after[:10])
        raise ApiError(409, "rules_broken", f"发布会使扶持规则与原文不一致，已取消发布：{names}。"
                       "请核对原文；确认无误时可强制发布（force），再请技术人员更新规则")
    target = local_path(state, doc_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(draft, target)
    shutil.rmtree(draft.parent, ignore_errors=True)
    result = _locked_reindex(state)
    return {"doc_id": doc_id, "published": True, "rule_warnings": [str(p) for p in after], "index": result}


def _locked_reindex(state: AppState) -> dict[str, Any]:
    if not state.reindex_lock.acquire(timeout=600):
        raise ApiError(409, "reindex_running", "索引正在重建，请稍后再试")
    try:
        return _reindex(state)
    finally:
        state.reindex_lock.release()


def _set_enabled(state: AppState, doc_id: str, enabled: bool) -> dict[str, Any]:
    known = {p.stem for p in corpus_files((Path(state.settings.corpus_dir),
                                           local_corpus_dir(state.settings.data_dir)))}
    if doc_id not in known:
        raise ApiError(404, "document_not_found", f"未找到文件：{doc_id}")
    disabled = disabled_ids(state)
    disabled = disabled - {doc_id} if enabled else disabled | {doc_id}
    try:
        _store(state).set(DISABLED_DOCUMENTS_KEY, sorted(disabled))
    except StorageError as exc:
        raise ApiError(503, "store_unavailable", "存储不可用，未能更改，请稍后再试") from exc
    return {"doc_id": doc_id, "enabled": enabled, "index": _locked_reindex(state)}


def _delete(state: AppState, doc_id: str) -> dict[str, Any]:
    """Discard the draft if there is one (a published version stays); else remove the local document."""
    draft, local = draft_path(state, doc_id), local_path(state, doc_id)
    if draft.is_file():
        shutil.rmtree(draft.parent, ignore_errors=True)
        return {"doc_id": doc_id, "draft_deleted": True}
    if not local.is_file():
        if shipped_path(state, doc_id).is_file():
            raise ApiError(400, "shipped_document", "随产品提供的文件不能删除，可以停用它")
        raise ApiError(404, "document_not_found", f"未找到草稿或本地文件：{doc_id}")
    local.unlink()
    return {"doc_id": doc_id, "restored_shipped": shipped_path(state, doc_id).is_file(),
            "index": _locked_reindex(state)}


def _listing(state: AppState) -> dict[str, Any]:
    shipped = Path(state.settings.corpus_dir)
    local = local_corpus_dir(state.settings.data_dir)
    disabled = disabled_ids(state)
    rows: list[dict[str, Any]] = []
    for path in corpus_files((shipped, local)):
        origin = "local" if path.parent == local else "shipped"
        rows.append(_row(path, origin, enabled=path.stem not in disabled, published=True,
                         replaces_shipped=origin == "local" and (shipped / path.name).is_file()))
    drafts = drafts_dir(state)
    for path in sorted(drafts.glob("*/*.md")) if drafts.is_dir() else []:
        rows.append(_row(path, "draft", enabled=False, published=False))
    held = {r["doc_id"] for r in rows}
    try:
        known = KnownDocuments.load().entries
    except KnownDocumentsError:
        known = ()
    pending = [{"doc_id": k.id, "title": k.title, "doc_number": k.doc_number, "issuer": k.issuer,
                "published": k.published, "effective_from": k.effective_from, "effective_to": k.effective_to,
                "url": k.url, "status": k.status, "origin": "known", "label": "待收录",
                "relation": {name: list(ids) for name, ids in k.relation.items()}}
               for k in known if k.id not in held]
    return {"documents": rows, "pending": pending}


def _row(path: Path, origin: str, *, enabled: bool, published: bool, replaces_shipped: bool = False) -> dict[str, Any]:
    try:
        doc, parsed = load_document(path)
    except CorpusError as exc:
        return {"doc_id": path.stem, "origin": origin, "error": exc.problem, "enabled": enabled,
                "published": published}
    return document_json(doc, len(parsed.clauses)) | {
        "origin": origin, "enabled": enabled, "published": published, "expired": _expired(doc.effective_to),
        "replaces_shipped": replaces_shipped}


# ---------------------------------------------------------------------------------------------------
# Routes


def build_admin_router() -> APIRouter:
    """The admin document routes (all behind the admin token)."""
    router = APIRouter(tags=["管理"], dependencies=[Depends(require_admin)])

    @router.post(UPLOAD_PATH, summary="上传文件为草稿（需管理令牌）",
                 description="multipart 表单：`file`（PDF/Word/HTML/TXT/MD，上限 50 MB），可选 `doc_id`、`status`。"
                             "返回 `import --json` 的 JSON 加 `\"published\": false` 和预览（`preview`：元数据、正文、"
                             "解析出的条文）。草稿存于数据目录，尚未进入语料。")
    async def upload(request: Request, state: StateDep) -> dict[str, Any]:
        return await _upload(request, state)

    @router.get("/api/admin/documents", summary="全部文件：随产品提供、本地、草稿，以及待收录的已知文件")
    async def listing(state: StateDep) -> dict[str, Any]:
        return await run_in_threadpool(_listing, state)

    @router.get("/api/admin/documents/{doc_id}", summary="一个草稿或文件的预览（元数据、正文、条文）")
    async def preview(doc_id: str, state: StateDep) -> dict[str, Any]:
        check_doc_id(doc_id)
        for path, published in ((draft_path(state, doc_id), False), (local_path(state, doc_id), True),
                                (shipped_path(state, doc_id), True)):
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                return await run_in_threadpool(_preview, doc_id, text) | {"published": published}
        raise ApiError(404, "document_not_found", f"未找到文件：{doc_id}")

    @router.patch("/api/admin/documents/{doc_id}", summary="修改草稿或本地文件的元数据（及正文 body）",
                  description="请求体为要修改的字段（如 title、status、published、source、supersedes），可含 "
                              "`body`（Markdown 正文）。按语料格式校验，有误时返回 400 且不作修改。"
                              "已发布的本地文件修改后需重建索引。")
    async def edit(doc_id: str, state: StateDep,
                   changes: dict[str, Any] = Body(..., description="要修改的字段")) -> dict[str, Any]:
        check_doc_id(doc_id)
        result = await run_in_threadpool(_edit, state, doc_id, dict(changes))
        if result["published"]:
            result["index"] = await run_in_threadpool(_locked_reindex, state)
        return result

    @router.post("/api/admin/documents/{doc_id}/publish", summary="发布草稿：进入本地语料并增量重建索引",
                 description="先运行规则检查：若某条扶持规则引用的原文被改动或删除，返回 409 并说明是哪条规则，"
                             "除非 `force=true`。")
    async def publish(doc_id: str, state: StateDep,
                      force: bool = Query(False, description="规则检查不通过时仍发布")) -> dict[str, Any]:
        check_doc_id(doc_id)
        return await run_in_threadpool(_publish, state, doc_id, force)

    @router.post("/api/admin/documents/{doc_id}/disable", summary="停用文件（不再检索、不再引用）")
    async def disable(doc_id: str, state: StateDep) -> dict[str, Any]:
        check_doc_id(doc_id)
        return await run_in_threadpool(_set_enabled, state, doc_id, False)

    @router.post("/api/admin/documents/{doc_id}/enable", summary="重新启用文件")
    async def enable(doc_id: str, state: StateDep) -> dict[str, Any]:
        check_doc_id(doc_id)
        return await run_in_threadpool(_set_enabled, state, doc_id, True)

    @router.delete("/api/admin/documents/{doc_id}",
                   summary="放弃草稿；没有草稿时删除本地文件（随产品提供的同名文件随即恢复）")
    async def delete(doc_id: str, state: StateDep) -> dict[str, Any]:
        check_doc_id(doc_id)
        return await run_in_threadpool(_delete, state, doc_id)

    return router

