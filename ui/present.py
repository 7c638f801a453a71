"""Presentation helpers shared by the JSON API and the web app (labels, JSON shapes, reply text)."""

from __future__ import annotations

import html
import re
from typing import Any, Iterable

from retrieval.models import GAP_MARKER, Citation, Clause, DocumentMeta, Hit

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
        "title": f"《{doc.short_title}》",
        "label": clause.label,
        "locator": clause.locator,
        "kind": clause.kind,
        "heading_path": list(clause.heading_path),
        "text": clause.text,
        "ordinal": clause.ordinal,
        "status": doc.status_label,
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


def standard_reply(citation: Citation, *, max_quote_chars: int = 160) -> str:
    """A short reply a hotline agent can read out or paste: the clause, where it is from, the caveat."""
    quote = re.sub(r"\s+", " ", citation.quote).strip()
    if len(quote) > max_quote_chars:
        quote = quote[:max_quote_chars].rstrip("，,、；; ") + "……"
    status = "" if citation.status == "正式" else f"（该文件为{citation.status}，最终以正式发布文本为准）"
    return (f"您好，根据{citation.title}{citation.label}{status}：“{quote}”"
            f"具体以主管部门审核结果为准。原文出处：{citation.source}")


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


def hit_json(hit: Hit) -> dict[str, Any]:
    """A search hit in the `search --json` shape."""
    return hit.to_dict()
