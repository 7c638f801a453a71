"""Presentation helpers shared by the JSON API and the web app (labels, JSON shapes, reply text)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from assistant.claims import split_sentences
from retrieval.currency import reported_revision_note, shipped_known_documents
from retrieval.models import DRAFT_MARKS, GAP_MARKER, Clause, DocumentMeta

LEVEL_LABELS: dict[str, str] = {
    "national": "国家",
    "provincial": "广东省",
    "municipal": "深圳市",
    "district": "龙岗区",
}
STATUS_CHOICES: dict[str, str] = {
    "official": "正式",
    "draft-for-comment": "征求意见稿",
    "expired": "已失效",
}
DISCLAIMER = "仅供参考，以主管部门审核结果为准。"
MAX_REPLY_QUOTE_CHARS = 300  # about a minute read aloud; longer clauses are quoted by whole sentences
_ENDS_SENTENCE = re.compile(r"[。；;：:！？!?，,、）)”’]$")
_SECTION = re.compile(r"([一二三四五六七八九十]+)、")
_LEADING_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])\s*")


def document_json(doc: DocumentMeta, clause_count: int | None = None) -> dict[str, Any]:
    """One document's metadata as the API shows it."""
    out: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "short_title": doc.short_title,
        "issuer": doc.issuer,
        "level": doc.level,
        "level_label": LEVEL_LABELS.get(doc.level, doc.level),
        "doc_type": doc.doc_type,
        "doc_number": doc.doc_number,
        "status": doc.status,
        "status_label": doc.status_label,
        "published": doc.published,
        "effective_from": doc.effective_from,
        "effective_to": doc.effective_to,
        "language": doc.language,
        "completeness": doc.completeness,
        "partial": doc.is_partial,
        "gaps": list(doc.gaps),
        "official_url": doc.official_url,
        "source": doc.source,
        "notes": doc.notes,
    }
    if clause_count is not None:
        out["clause_count"] = clause_count
    return out


def clause_json(clause: Clause, doc: DocumentMeta) -> dict[str, Any]:
    """One clause with its citation fields."""
    return {
        "clause_id": clause.clause_id,
        "doc_id": clause.doc_id,
        "title": cited_title(doc),
        "label": clause.label,
        "locator": clause.locator,
        "kind": clause.kind,
        "heading_path": list(clause.heading_path),
        "text": clause.text,
        "ordinal": clause.ordinal,
        "status": doc.status_label,
        "official_url": doc.official_url,
        "source": doc.source,
    }


def document_items(doc: DocumentMeta, clauses: list[Clause]) -> list[dict[str, Any]]:
    """A document's clauses in order with its gaps (〔以下原文未收录〕) where the held copy has them."""
    gaps = set(doc.gaps)
    items: list[dict[str, Any]] = []
    for position, clause in enumerate(clauses):
        if position in gaps:
            items.append({"type": "gap", "text": GAP_MARKER})
        items.append({"type": "clause", **clause_json(clause, doc)})
    if len(clauses) in gaps:
        items.append({"type": "gap", "text": GAP_MARKER})
    return items


def cited_title(doc: DocumentMeta) -> str:
    """The document as a citation names it: its official title in 《》 (a title quoted inside uses 〈〉)."""
    return "《" + doc.title.strip().replace("《", "〈").replace("》", "〉") + "》"


def spoken_label(clause: Clause) -> str:
    """The clause's place as read out: 第六十五条, 一、（二）, 第六部分, 表1“总计”行, 序言."""
    locator = clause.locator
    section = _SECTION.fullmatch(locator)
    if section:
        return f"第{section.group(1)}部分"
    if clause.kind == "table_row" and "/" in locator:
        table, row = locator.split("/", 1)
        return f"{table}“{row}”行"
    return locator


def clause_body(clause: Clause) -> str:
    """The clause text without its own leading number, which the label already says (no 第六十五条：“第六十五条…)."""
    text = clause.text.strip()
    if clause.kind == "article" and text.startswith(clause.locator):
        return text[len(clause.locator):].lstrip(" \u3000：:")
    match = _LEADING_NUMBER.match(text)
    if match and clause.kind in ("item", "section"):
        return text[match.end():].lstrip(" \u3000：:")
    return text


def quoted(clause: Clause, quote: str | None = None, max_chars: int = MAX_REPLY_QUOTE_CHARS) -> str:
    """The words quoted, in “”: the whole clause, or whole sentences of it visibly marked ……（节选）.

    A quote is never cut inside a sentence; a clause longer than `max_chars` keeps its first sentences.
    """
    body = _one_paragraph(clause_body(clause)).replace("“", "‘").replace("”", "’")
    wanted = _one_paragraph(quote).replace("“", "‘").replace("”", "’") if quote else ""
    if wanted and wanted in body and wanted != body:
        return f"“……{wanted}……”（节选）"
    if len(body) <= max_chars:
        return f"“{body}”"
    kept = ""
    for sentence in split_sentences(body):
        if len(kept) + len(sentence) > max_chars and kept:
            break
        kept += sentence
        if len(kept) > max_chars:
            break
    return f"“{kept.strip()}……”（节选）"


def _one_paragraph(text: str) -> str:
    """Lines joined for reading out: a short heading line takes a colon, an unfinished line a full stop."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    out = ""
    for n, line in enumerate(lines):
        if out and not _ENDS_SENTENCE.search(out):
            out += "：" if n == 1 and len(out) <= 20 else "。"
        out += line
    return re.sub(r"\s+", " ", out)


def _today() -> str:
    return date.today().isoformat()


def status_facts(doc: DocumentMeta, documents: Mapping[str, DocumentMeta] | None = None,
                 today: str | None = None) -> list[tuple[str, str]]:
    """(badge, sentence) pairs about a document's standing, most important first.

    Badges never mislead: a notice that announces a draft says so instead of a bare 正式; a draft says
    征求意见稿; a superseded or expired document says so.
    """
    documents = documents or {}
    today = today or _today()
    facts: list[tuple[str, str]] = []
    if doc.status == "draft-for-comment":
        facts.append(("征求意见稿", "该文件为征求意见稿，不是正式发布的文件，最终以正式发布文本为准"))
    elif doc.status == "expired" or (doc.effective_to and str(doc.effective_to) < today):
        until = f"（有效期至{doc.effective_to}）" if doc.effective_to else ""
        facts.append(("已失效", f"该文件已失效{until}"))
    elif any(mark in doc.title for mark in DRAFT_MARKS):
        facts.append(("征求意见通知", "该文件是征求意见的通知，所涉文件当时为征求意见稿，不是正式发布的文件"))
    else:
        facts.append(("正式", "该文件为正式发布的文件"))
    if doc.superseded_by:
        names = "、".join(cited_title(documents[d]) if d in documents else d for d in doc.superseded_by)
        facts.append(("已被取代", f"已被{names}取代，请以其为准"))
    if doc.effective_from and str(doc.effective_from) > today:
        facts.append(("尚未施行", f"自{doc.effective_from}起施行"))
    facts += [("有新版本未收录", reported_revision_note(doc, entry).rstrip("。"))
              for entry in shipped_known_documents().reported_newer_versions(doc.doc_id) if entry.id not in documents]
    return facts


def clause_reply(clause: Clause, doc: DocumentMeta, quote: str | None = None,
                 documents: Mapping[str, DocumentMeta] | None = None, today: str | None = None) -> str:
    """The standard reply a hotline agent reads out or pastes (the one builder of it).

    Official title, document number where known, the label once, the quote complete or marked
    （节选）, the document's status, and the official address where known — never the provenance
    `source` of the held copy, which may be a repost.
    """
    number = f"（{doc.doc_number}）" if doc.doc_number else ""
    status = "；".join(sentence for _badge, sentence in status_facts(doc, documents, today))
    parts = [f"您好，根据{cited_title(doc)}{number}{spoken_label(clause)}：{quoted(clause, quote)}",
             f"{status}。"]
    if doc.is_partial:
        parts.append("系统所存文本不完整，完整内容请以正式文件为准。")
    parts.append(f"官方原文：{doc.official_url}。" if doc.official_url else "官方原文网址：所存资料未载明。")
    parts.append(f"以上内容{DISCLAIMER}")
    return "".join(parts)


def highlight(text: str, terms: Iterable[str]) -> str:
    """HTML-escaped `text` with every occurrence of `terms` wrapped in <mark>."""
    wanted = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not wanted:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in wanted), re.IGNORECASE)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last:match.start()]))
        out.append(f"<mark>{html.escape(match.group(0))}</mark>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def match_terms(query: str, hit_texts: Iterable[str], tokens: Iterable[str] = ()) -> list[str]:
    """The words of a query worth highlighting: query tokens (and 2-char pieces) found in the results."""
    joined = "\n".join(hit_texts)
    candidates: set[str] = {t for t in tokens if len(t) >= 2 or (t and not t.isascii())}
    for run in re.findall(r"[\u4e00-\u9fff]+|[A-Za-z0-9.]+", query):
        if len(run) <= 4:
            candidates.add(run)
        else:
            # Long Chinese runs are seldom quoted verbatim; their 2-character pieces usually are.
            candidates.update(run[i:i + 2] for i in range(len(run) - 1))
    stop = {"什么", "怎么", "如何", "哪些", "多少", "可以", "是否", "请问", "一下", "我们", "企业的"}
    return sorted((t for t in candidates if t not in stop and t in joined), key=len, reverse=True)
