"""How 申报自测 results read: a summary table (wide screens) and one card per item, and the downloadable
report as Markdown and as a printable HTML page — Chinese labels only, never internal values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ui.present import DISCLAIMER
from ui.render import esc, item_fields

VERDICT_TEXT = {"met": "✓ 满足", "unmet": "✗ 不满足", "unknown": "？ 待确认"}
APPLICATION_TEXT = {"window": "申报时间", "materials": "申报材料", "department": "受理部门",
                    "review_mode": "审核方式", "stacking": "与其他项目的关系"}


def cite_text(citation: Mapping[str, Any] | None) -> str:
    """A citation as people read it: 《title》label."""
    if not citation:
        return ""
    title = str(citation.get("title", ""))
    return f"{title if title.startswith('《') else f'《{title}》'}{citation.get('label', '')}"


def _conditions(item: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    return [(VERDICT_TEXT.get(c.get("verdict", ""), ""), str(c.get("text", "")), cite_text(c.get("citation")))
            for c in item.get("conditions") or []]


def _application(item: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    facts = item.get("application") or {}
    return [(APPLICATION_TEXT[key], str(facts[key].get("text", "")), cite_text(facts[key].get("citation")))
            for key in APPLICATION_TEXT if key in facts]


def _list(title: str, entries: Sequence[str], css: str = "") -> str:
    if not entries:
        return ""
    items = "".join(f"<li>{esc(e)}</li>" for e in entries)
    return f'<div class="pa-pc-block {css}"><strong>{esc(title)}</strong><ul>{items}</ul></div>'


def _card(item: Mapping[str, Any]) -> str:
    f = item_fields(item)
    conditions = "".join(
        f'<li><span class="pa-pc-verdict">{esc(v)}</span> {esc(t)}'
        f'<span class="pa-pc-cite">（{esc(c)}）</span></li>' for v, t, c in _conditions(item))
    application = "".join(
        f"<li><strong>{esc(k)}：</strong>{esc(t)}" + (f'<span class="pa-pc-cite">（{esc(c)}）</span>' if c else "")
        + "</li>" for k, t, c in _application(item))
    met = item.get("conditions_met") or ""
    estimate = "" if f["estimate"] == "—" else f'<span class="pa-pc-estimate">{esc(f["estimate"])} 万元</span>'
    return (
        f'<article class="pa-pc-card pa-status-{esc(f["status"])}" data-item="{esc(f["item_id"])}">'
        f'<header><h4>{esc(f["name"])}</h4><span class="pa-pc-status">{esc(f["status_text"])}</span>{estimate}</header>'
        f'<p class="pa-pc-formula">{esc(f["formula"])}</p>'
        + _list("请核对", [str(w) for w in item.get("warnings") or []], "pa-pc-warn")
        + _list("尚需回答", f["missing"])
        + (f'<details open><summary>申报条件（满足 {esc(met)}）</summary><ul>{conditions}</ul></details>'
           if conditions else "")
        + (f"<details><summary>申报信息</summary><ul>{application}</ul></details>" if application else "")
        + (f'<details><summary>注意事项（{len(f["caveats"])}）</summary><ul>'
           + "".join(f"<li>{esc(c)}</li>" for c in f["caveats"]) + "</ul></details>" if f["caveats"] else "")
        + "</article>")


def results_html(items: Sequence[Mapping[str, Any]]) -> str:
    """The summary table (shown on wide screens) and one card per item."""
    if not items:
        return '<div class="pa-pc-hint">没有可自测的扶持项目。</div>'
    rows = []
    for item in items:
        f = item_fields(item)
        rows.append(f'<tr class="pa-status-{esc(f["status"])}"><td>{esc(f["name"])}</td>'
                    f'<td class="pa-pc-status">{esc(f["status_text"])}</td>'
                    f'<td class="pa-num">{esc(f["estimate"])}</td>'
                    f'<td class="pa-num">{esc(item.get("conditions_met", ""))}</td>'
                    f'<td>{esc("；".join(f["missing"]) or "—")}</td></tr>')
    table = ('<div class="pa-pc-table-wrap"><table class="pa-pc-table"><thead><tr><th>扶持项目</th><th>状态</th>'
             '<th>估算金额（万元）</th><th>条件满足</th><th>尚需回答</th></tr></thead><tbody>'
             + "".join(rows) + "</tbody></table></div>")
    cards = '<div class="pa-pc-cards">' + "".join(_card(item) for item in items) + "</div>"
    return f'<div class="pa-pc-results">{table}{cards}<p class="pa-pc-hint">{esc(DISCLAIMER)}</p></div>'


# --- the downloadable report ----------------------------------------------------------------------

def report_markdown(profile_lines: Sequence[tuple[str, str]], items: Sequence[Mapping[str, Any]],
                    generated_at: str) -> str:
    """The report as Markdown: what was entered (in words), then each item."""
    lines = ["# 政策通 · 申报自测结果", "", f"生成时间：{generated_at}", "", f"> {DISCLAIMER}", "",
             "## 填写的单位情况", ""]
    lines += [f"- {label}：{value}" for label, value in profile_lines]
    lines += ["", "## 结果一览", "", "| 扶持项目 | 状态 | 估算金额（万元） | 条件满足 |", "|---|---|---|---|"]
    for item in items:
        f = item_fields(item)
        met = item.get("conditions_met", "")
        lines.append(f"| {_cell(f['name'])} | {f['status_text']} | {f['estimate']} | {met} |")
    for item in items:
        f = item_fields(item)
        lines += ["", f"## {f['name']}：{f['status_text']}", "", f"计算方式：{f['formula']}", ""]
        lines += [f"- 请核对：{w}" for w in item.get("warnings") or []]
        lines += [f"- 尚需回答：{m}" for m in f["missing"]]
        lines += [f"- 申报条件 {v}：{t}（{c}）" for v, t, c in _conditions(item)]
        lines += [f"- {k}：{t}" + (f"（{c}）" if c else "") for k, t, c in _application(item)]
        lines += [f"- 注意：{c}" for c in f["caveats"]]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")


PRINT_CSS = """body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#111;
max-width:960px;margin:2em auto;padding:0 1em;line-height:1.6}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #999;padding:4px 6px;text-align:left;vertical-align:top}th{background:#eee}
.pa-pc-status{white-space:nowrap}.pa-pc-cite{color:#444}.pa-pc-card{border:1px solid #999;padding:8px 12px;
margin:12px 0;break-inside:avoid}.pa-pc-table-wrap{overflow-x:auto}details>summary{font-weight:bold}
@media print{body{margin:0;max-width:none}details{display:block}details>*{display:block}
.pa-pc-card{page-break-inside:avoid}a{color:#000}}"""


def report_html(profile_lines: Sequence[tuple[str, str]], items: Sequence[Mapping[str, Any]],
                generated_at: str) -> str:
    """The report as a standalone page to print (or save as PDF from the browser)."""
    entered = "".join(f"<li>{esc(label)}：{esc(value)}</li>" for label, value in profile_lines)
    body = results_html(items).replace("<details>", "<details open>")
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>申报自测结果</title>'
            f"<style>{PRINT_CSS}</style></head><body><h1>政策通 · 申报自测结果</h1>"
            f"<p>生成时间：{esc(generated_at)}</p><h2>填写的单位情况</h2><ul>{entered}</ul>"
            f"<h2>结果</h2>{body}</body></html>")
