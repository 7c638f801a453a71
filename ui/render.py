"""HTML and Markdown the web pages show. Pure functions of facade results; everything is escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.models import Answer
from retrieval.articles import ArticleLookup
from retrieval.models import GAP_MARKER, Citation, Clause, DocumentMeta, Hit
from ui.present import LEVEL_LABELS, cited_title, clause_reply, highlight, spoken_label, status_facts

_URL = re.compile(r"https?://[^\s；;，,（）()<>\"'“”]+")
_MARKER = re.compile(r"\[(\d{1,2})\]")

STATUS_TEXT: dict[str, str] = {
    "eligible": "符合条件",
    "ineligible": "不符合条件",
    "needs_info": "需补充信息",
    "not_estimable": "符合条件但无法估算金额",
}


def esc(value: object) -> str:
    """HTML-escape any value (None becomes empty)."""
    return html.escape("" if value is None else str(value))


def linkify_source(source: str) -> str:
    """A source line as HTML, with its URLs as links that open in a new tab."""
    out: list[str] = []
    last = 0
    for match in _URL.finditer(source):
        out.append(esc(source[last:match.start()]))
        url = match.group(0)
        out.append(f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(url)}</a>')
        last = match.end()
    out.append(esc(source[last:]))
    return "".join(out)


_BADGE_CSS = {"正式": "pa-badge-official", "征求意见稿": "pa-badge-draft", "征求意见通知": "pa-badge-draft",
              "尚未施行": "pa-badge-draft"}


def status_badge(status_label: str, note: str = "") -> str:
    """A coloured badge for 正式 / 征求意见稿 / 征求意见通知 / 已失效 / 已被取代 / 尚未施行."""
    css = _BADGE_CSS.get(status_label, "pa-badge-expired")
    title = f' title="{esc(note)}"' if note else ""
    return f'<span class="pa-badge {css}"{title}>{esc(status_label)}</span>'


def status_badges(doc: DocumentMeta, documents: Mapping[str, DocumentMeta] | None = None) -> str:
    """Every badge a document's standing calls for (a notice about a draft never shows a bare 正式)."""
    return " ".join(status_badge(badge, sentence) for badge, sentence in status_facts(doc, documents))


def official_link(doc: DocumentMeta) -> str:
    """The issuer's own address as a link, or a plain statement that none is on file."""
    if not doc.official_url:
        return "所存资料未载明"
    url = esc(doc.official_url)
    return f'<a href="{url}" target="_blank" rel="noopener noreferrer">{url}</a>'


def cite_link(number: int, citation: Citation) -> str:
    """A clickable citation marker; the page script opens the clause in the side panel."""
    return (f'<a class="pa-cite" href="#cite:{esc(citation.clause_id)}" '
            f'data-clause="{esc(citation.clause_id)}" '
            f'title="{esc(citation.display)}">[{number}]</a>')


# ---------------------------------------------------------------------------------------------------
# 政策问答


def citation_line(citation: Citation, documents: Mapping[str, DocumentMeta] | None = None) -> str:
    """A citation as the chat lists it: the official title and label, and the status when not plainly 正式."""
    doc = (documents or {}).get(citation.doc_id)
    if doc is None:
        return esc(citation.display) + ("" if citation.status == "正式" else f"（{esc(citation.status)}）")
    notes = [badge for badge, _ in status_facts(doc, documents) if badge != "正式"]
    return esc(cited_title(doc) + citation.label) + (f"（{esc('、'.join(notes))}）" if notes else "")


def answer_markdown(answer: Answer, documents: Mapping[str, DocumentMeta] | None = None) -> str:
    """The final answer for the chat: text with clickable markers, then the numbered citations."""
    citations = answer.citations
    text = esc(answer.text)

    def link(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if 1 <= number <= len(citations):
            return cite_link(number, citations[number - 1])
        return match.group(0)

    body = caveats_as_list(_MARKER.sub(link, text))
    if not citations:
        return body
    lines = [body, "", '<div class="pa-cite-list"><b>引用条文</b>（点击编号查看原文）<br>']
    for number, citation in enumerate(citations, start=1):
        lines.append(f"{cite_link(number, citation)} {citation_line(citation, documents)}<br>")
    lines.append("</div>")
    return "\n".join(lines)


_CAVEAT = re.compile(r"^(注意|提示|说明|提醒)[:：]\s*")
_SENTENCE_GAP = re.compile(r"(?<=[。！？；])\s+")
CAVEATS_OPEN_MAX = 2  # more caveats than this fold into a closed <details>


def caveats_as_list(body: str) -> str:
    """The answer with its caveat lines (注意：…, 提示：…) gathered into a short list after the text,
    folded into 注意事项（N 条） when there are many."""
    kept: list[str] = []
    caveats: list[str] = []
    under_heading = False  # under a heading "注意：" alone, the "· " lines that follow are its caveats
    for line in body.split("\n"):
        match = _CAVEAT.match(line.strip())
        if match:
            rest = line.strip()[match.end():]
            caveats += [c for c in _SENTENCE_GAP.split(rest) if c.strip()]
            under_heading = not rest.strip()
        elif under_heading and line.strip().startswith("· "):
            caveats.append(line.strip()[2:])
        else:
            under_heading = False
            kept.append(line)
    if not caveats:
        return body
    items = "".join(f"<li>{c}</li>" for c in caveats)
    listing = f'<ul class="pa-caveats">{items}</ul>'
    if len(caveats) > CAVEATS_OPEN_MAX:
        listing = (f'<details class="pa-caveats-box"><summary>注意事项（{len(caveats)} 条，点击展开）</summary>'
                   f"{listing}</details>")
    else:
        listing = f'<div class="pa-caveats-box"><b>注意事项</b>{listing}</div>'
    return "\n".join(kept).rstrip() + "\n\n" + listing


def streaming_markdown(text: str) -> str:
    """Partial answer text while it streams (escaped; markers become links at the end)."""
    return esc(text) + " ▌"


def clause_panel_html(clause: Clause, doc: DocumentMeta, quote: str | None = None,
                      documents: Mapping[str, DocumentMeta] | None = None) -> str:
    """The side panel: the quoted clause, its document, status and official address (as in the reply)."""
    path = " › ".join(clause.heading_path)
    notes = "".join(f'<p class="pa-warn">{esc(sentence)}。</p>'
                    for badge, sentence in status_facts(doc, documents) if badge != "正式")
    partial_note = '<p class="pa-muted">本文件收录不完整（部分原文未收录）。</p>' if doc.is_partial else ""
    quoted = ""
    if quote and quote.strip() and quote.strip() != clause.text.strip():
        quoted = f'<div class="pa-quote-label">回答引用的原文：</div><blockquote class="pa-quote">{esc(quote)}</blockquote>'
    meta = [f"<dt>文件</dt><dd>{esc(cited_title(doc))}</dd>",
            f"<dt>发文机关</dt><dd>{esc(doc.issuer)}</dd>"]
    if doc.doc_number:
        meta.append(f"<dt>文号</dt><dd>{esc(doc.doc_number)}</dd>")
    if doc.published:
        meta.append(f"<dt>发布日期</dt><dd>{esc(doc.published)}</dd>")
    meta.append(f"<dt>层级</dt><dd>{esc(LEVEL_LABELS.get(doc.level, doc.level))}</dd>")
    meta.append(f"<dt>官方原文</dt><dd>{official_link(doc)}</dd>")
    return (
        f'<div class="pa-panel" data-clause="{esc(clause.clause_id)}">'
        f'<h3>{esc(cited_title(doc))}{esc(spoken_label(clause))} {status_badges(doc, documents)}</h3>'
        f'{notes}'
        f'<div class="pa-muted">{esc(path)}</div>'
        f'{quoted}'
        f'<div class="pa-clause-text">{esc(clause.text)}</div>'
        f'<dl class="pa-meta">{"".join(meta)}</dl>{partial_note}'
        f'<button type="button" class="pa-copy pa-copy-reply" data-clause="{esc(clause.clause_id)}">复制答复</button>'
        f'<span class="pa-copied" aria-live="polite"></span>'
        f'<textarea class="pa-reply" readonly rows="4" hidden aria-label="标准答复">'
        f'{esc(clause_reply(clause, doc, quote, documents))}</textarea></div>'
    )


EMPTY_PANEL = ('<div class="pa-panel pa-muted">点击回答中的引用编号（如 [1]），'
               "可在此查看所引条文原文、所在文件、文件状态（正式/征求意见稿）及来源。</div>")


# ---------------------------------------------------------------------------------------------------
# 条文检索


def article_notice_html(lookup: ArticleLookup) -> str:
    """What the search says about an article the query names exactly but a document does not hold."""
    css = "pa-article-found" if lookup.found else "pa-warn pa-article-missing"
    return f'<div class="pa-article-notice {css}" role="status">{esc(lookup.message(cited_title(lookup.doc)))}</div>'


def result_card_html(rank: int, hit: Hit, words: Sequence[str],
                     documents: Mapping[str, DocumentMeta] | None = None, exact: bool = False) -> str:
    """One result: citation, badges, highlighted text, then its 复制答复 (the next Tab stop after the card)."""
    clause, doc = hit.clause, hit.doc
    label = f"{cited_title(doc)}{spoken_label(clause)}"
    reply = clause_reply(clause, doc, documents=documents)
    return (
        f'<article class="pa-result{" pa-result-exact" if exact else ""}" data-clause="{esc(clause.clause_id)}" '
        f'tabindex="0" aria-label="第{rank}条结果：{esc(label)}">'
        f'<div class="pa-result-head"><span class="pa-rank">{rank}</span>'
        f'<b class="pa-result-title">{esc(label)}</b> {status_badges(doc, documents)}'
        f'<span class="pa-muted"> {esc(LEVEL_LABELS.get(doc.level, doc.level))}</span></div>'
        f'<div class="pa-clause-text">{highlight(clause.text, words)}</div>'
        f'<div class="pa-actions"><button type="button" class="pa-copy" data-clause="{esc(clause.clause_id)}" '
        f'aria-label="复制答复：{esc(label)}">复制答复</button>'
        f'<span class="pa-copied" aria-live="polite"></span></div>'
        f'<textarea class="pa-reply" readonly rows="4" hidden aria-label="标准答复">{esc(reply)}</textarea>'
        f'</article>'
    )


def search_results_html(query: str, hits: Sequence[Hit], terms: Iterable[str], *, total: int | None = None,
                        shown: int | None = None, lookups: Sequence[ArticleLookup] = (), notes: Sequence[str] = (),
                        documents: Mapping[str, DocumentMeta] | None = None, total_capped: bool = False) -> str:
    """Result cards: exact-article answers first, an honest count, and one 复制答复 per card.

    `hits` is every ranked result (`total` of them, `total_capped` when the search stopped counting);
    the first `shown` are displayed; `notes` are said above them (e.g. an article no document has).
    """
    notices = [article_notice_html(lookup) for lookup in lookups if not lookup.found]
    notices += [f'<div class="pa-article-notice pa-warn pa-article-missing" role="status">{esc(n)}</div>'
                for n in notes]
    exact = {lookup.clause.clause_id for lookup in lookups if lookup.found and lookup.clause is not None}
    wrap = f'<div class="pa-results" data-query="{esc(query)}">'
    if not hits:
        return "\n".join([wrap, *notices, f'<div class="pa-muted pa-count">没有找到与“{esc(query)}”相关的条文，'
                                            "请换个说法或减少筛选条件。</div></div>"])
    words = list(terms)
    total = len(hits) if total is None else total
    shown = min(len(hits), shown or len(hits))
    more = "以上" if total_capped else ""
    count = f"显示前 {shown} 条，共 {total} 条{more}" if total > shown else f"共 {total} 条"
    if notices and not exact:
        count += "（以下为其他相关条文，并非所查条款）"
    parts = [wrap, *notices, f'<div class="pa-muted pa-count" role="status">{count}</div>']
    for rank, hit in enumerate(hits[:shown], start=1):
        parts.append(result_card_html(rank, hit, words, documents, exact=hit.clause.clause_id in exact))
    return "\n".join([*parts, "</div>"])


def document_html(doc: DocumentMeta, clauses: Sequence[Clause],
                  documents: Mapping[str, DocumentMeta] | None = None) -> str:
    """A whole held document: metadata, then every clause in order with gaps marked."""
    gaps = set(doc.gaps)
    parts = [
        f'<div class="pa-doc" data-doc="{esc(doc.doc_id)}">',
        f'<h2 class="pa-doc-title">{esc(cited_title(doc))} {status_badges(doc, documents)}</h2>',
        '<dl class="pa-meta">',
        f"<dt>发文机关</dt><dd>{esc(doc.issuer)}</dd>",
        f"<dt>文号</dt><dd>{esc(doc.doc_number or '—')}</dd>",
        f"<dt>发布日期</dt><dd>{esc(doc.published or '—')}</dd>",
        f"<dt>层级</dt><dd>{esc(LEVEL_LABELS.get(doc.level, doc.level))}</dd>",
        f"<dt>收录</dt><dd>{'不完整（缺漏处已标出）' if doc.is_partial else '全文'}，共 {len(clauses)} 条</dd>",
        f"<dt>官方原文</dt><dd>{official_link(doc)}</dd>",
        # The provenance of the held copy (may be a repost): shown here only, never in a reply.
        f"<dt>本副本来源</dt><dd>{linkify_source(doc.source)}</dd>",
        "</dl>",
    ]
    for position, clause in enumerate(clauses):
        if position in gaps:
            parts.append(f'<div class="pa-gap">{esc(GAP_MARKER)}</div>')
        parts.append(f'<div class="pa-doc-clause" id="clause-{position}">'
                     f'<span class="pa-locator">{esc(clause.label)}</span>'
                     f'<div class="pa-clause-text">{esc(clause.text)}</div></div>')
    if len(clauses) in gaps:
        parts.append(f'<div class="pa-gap">{esc(GAP_MARKER)}</div>')
    parts.append("</div>")
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------------
# 申报自测


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _text_of(entry: Any) -> str:
    if isinstance(entry, Mapping):
        for key in ("text", "question", "reason", "message", "description", "field", "label"):
            if entry.get(key):
                return str(entry[key])
        return "；".join(f"{k}：{v}" for k, v in entry.items())
    return str(entry)


def _citation_text(entry: Any) -> str:
    if isinstance(entry, Mapping):
        title = str(entry.get("title", ""))
        label = str(entry.get("label", ""))
        status = str(entry.get("status", ""))
        suffix = f"（{status}）" if status and status != "正式" else ""
        return f"{title}{label}{suffix}" or str(entry.get("clause_id", ""))
    return str(entry)


def _item_citation_refs(entry: Any) -> list[str]:
    if isinstance(entry, Mapping):
        refs = _as_list(entry.get("citations")) + _as_list(entry.get("citation"))
        return [_citation_text(r) for r in refs]
    return []


def item_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of one pre-check result the page shows, read defensively."""
    estimate = item.get("estimate_wan")
    return {
        "name": str(item.get("name") or item.get("item_id") or ""),
        "item_id": str(item.get("item_id") or ""),
        "status": str(item.get("status") or ""),
        "status_text": STATUS_TEXT.get(str(item.get("status")), str(item.get("status") or "")),
        "estimate": "—" if estimate is None else f"{float(estimate):,.2f}",
        "formula": str(item.get("formula") or "—"),
        "reasons": [(_text_of(r), _item_citation_refs(r)) for r in _as_list(item.get("reasons"))],
        "citations": [_citation_text(c) for c in _as_list(item.get("citations"))],
        "missing": [_text_of(m) for m in _as_list(item.get("missing") or item.get("missing_info")
                                                   or item.get("needs"))],
        "caveats": [_with_refs(c) for c in _as_list(item.get("caveats") or item.get("notes"))],
    }


def _with_refs(entry: Any) -> str:
    refs = _item_citation_refs(entry)
    return _text_of(entry) + (f"（{'；'.join(refs)}）" if refs else "")
