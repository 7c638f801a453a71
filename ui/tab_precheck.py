"""申报自测 tab: the profile form (every field optional, a unit beside each amount), results as a table and
cards, the report as Markdown and as a printable page, and batch screening of a CSV list."""

from __future__ import annotations

import logging
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import gradio as gr

from prechecks.batch import BatchError, screen_csv, template_csv, to_csv
from ui.errors import profile_error_type
from ui.precheck_view import report_html, report_markdown, results_html
from ui.profile_form import (
    DEFAULT_UNIT,
    FIELD_LABELS,
    FIELDS,
    FLAG_CHOICES,
    ORG_CHOICES,
    ORG_UNKNOWN,
    SUPPORT_ITEMS,
    UNITS,
    UNKNOWN,
    FormError,
    errors_by_field,
    profile_lines,
    to_profile,
    unit_key,
)
from ui.render import esc
from ui.state import NOT_READY_MESSAGE, AppState

log = logging.getLogger(__name__)

RESULT_HINT = '<div class="pa-pc-hint">填写左侧信息后点击“开始自测”，这里将列出每个扶持项目的自测结果。</div>'
FIX_FIELDS = "请按提示修改标红的字段"
MAX_UPLOAD_BYTES = 1024 * 1024  # the web page's upload limit (ui.middleware); larger lists: CLI or API
CONFIRM_RESET = "() => confirm('确定清空已填写的内容和自测结果吗？')"
# Gradio has no inputmode option: mark the amount boxes so that phones bring up the number keyboard.
DECIMAL_KEYBOARD = """
const mark = () => document.querySelectorAll('.pa-money input, .pa-money textarea')
  .forEach((el) => el.setAttribute('inputmode', 'decimal'));
mark();
new MutationObserver(mark).observe(document.body, {childList: true, subtree: true});
"""


def _error_html(message: str) -> str:
    return f'<div class="pa-field-error" role="alert">⚠ {esc(message)}</div>'


def summary_dir() -> Path:
    """Where downloadable files are written (inside the temp dir Gradio may serve from)."""
    path = Path(tempfile.gettempdir()) / "policy-assistant-precheck"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _new_file(stem: str, suffix: str, text: str, encoding: str = "utf-8") -> str:
    path = summary_dir() / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}{suffix}"
    path.write_text(text, encoding=encoding)
    return str(path)


def run_precheck(state: AppState, values: dict[str, Any]) -> tuple[dict[str, str], str, list[str]]:
    """(errors by field, result HTML, report file paths [Markdown, HTML]) for the entered values."""
    try:
        profile = to_profile(values)
    except FormError as exc:
        return {exc.field: exc.message, "_form": FIX_FIELDS}, RESULT_HINT, []
    assistant = state.assistant
    if assistant is None:
        return {"_form": NOT_READY_MESSAGE}, RESULT_HINT, []
    try:
        items = assistant.precheck(profile)
    except profile_error_type() as exc:
        return {**errors_by_field(exc), "_form": FIX_FIELDS}, RESULT_HINT, []
    except Exception:  # noqa: BLE001 - a failed check must not break the page
        log.exception("precheck failed")
        return {"_form": "自测时出错，请稍后再试"}, RESULT_HINT, []
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    entered = profile_lines(values, FIELD_LABELS)
    return {}, results_html(items), [
        _new_file("申报自测结果", ".md", report_markdown(entered, items, stamp)),
        _new_file("申报自测结果", ".html", report_html(entered, items, stamp)),
    ]


def run_batch(state: AppState, path: str | None) -> tuple[str, str | None]:
    """(summary HTML, result CSV path) for an uploaded list."""
    if not path:
        return '<div class="pa-pc-hint">请先选择 CSV 文件。</div>', None
    assistant = state.assistant
    if assistant is None:
        return _error_html(NOT_READY_MESSAGE), None
    data = Path(path).read_bytes()
    if len(data) > MAX_UPLOAD_BYTES:
        return _error_html("文件超过 1 MiB；更长的名单请分批上传，或使用命令行 policy-assistant precheck --batch"), None
    try:
        batch = screen_csv(data, assistant.rules, assistant.corpus)
    except BatchError as exc:
        return _error_html(str(exc)), None
    notes = "".join(f'<li class="pa-pc-warn">{esc(w)}</li>' for w in batch.warnings)
    by_status: dict[str, int] = {}
    status_col = batch.columns.index("status_label")
    for row in batch.rows:
        if row[status_col]:
            by_status[row[status_col]] = by_status.get(row[status_col], 0) + 1
    counts = "，".join(f"{label} {count} 项" for label, count in by_status.items())
    summary = (f'<div class="pa-pc-batch-summary" role="status">已筛查 {batch.profiles} 个单位'
               f'（{batch.errors} 行有误，见结果文件 error 列）：{esc(counts) or "无结果"}。'
               f"{'<ul>' + notes + '</ul>' if notes else ''}</div>")
    return summary, _new_file("批量筛查结果", ".csv", to_csv(batch), "utf-8-sig")


def _control(spec: Any) -> gr.components.Component:
    if spec.kind == "choice":
        return gr.Dropdown(choices=ORG_CHOICES, value=ORG_UNKNOWN, label=spec.label, info=spec.info or None,
                           elem_id=f"pa-field-{spec.key}")
    if spec.kind == "flag":
        return gr.Radio(choices=FLAG_CHOICES, value=UNKNOWN, label=spec.label, info=spec.info or None,
                        elem_id=f"pa-field-{spec.key}")
    if spec.kind == "money":
        # A text box, not gr.Number: Gradio's number box sends 0 when empty, so "unknown" could not be
        # entered. The form and the pre-check validate the value; messages show in Chinese below.
        return gr.Textbox(value="", label=spec.label, info=spec.info, placeholder="不填表示未知", max_lines=1,
                          max_length=24, elem_id=f"pa-field-{spec.key}", elem_classes=["pa-money"], scale=3)
    return gr.CheckboxGroup(choices=SUPPORT_ITEMS, value=[], label=spec.label, info=spec.info,
                            elem_id=f"pa-field-{spec.key}")


def build_precheck_tab(state: AppState) -> None:
    """Lay out the self-assessment tab and wire its events (inside an open gr.Tab)."""
    inputs: list[gr.components.Component] = []
    keys: list[str] = []
    errors: dict[str, gr.HTML] = {}
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=320, elem_id="pa-precheck-form"):
            gr.Markdown("填写贵单位情况。每一项都可以不填：只有会影响结论的问题才会在结果中追问。")
            errors["_form"] = gr.HTML("", elem_id="pa-error-_form", js_on_load=None)
            for spec in FIELDS:
                if spec.kind == "money":
                    with gr.Row(equal_height=True, elem_classes=["pa-money-row"]):
                        inputs.append(_control(spec))
                        keys.append(spec.key)
                        inputs.append(gr.Dropdown(choices=list(UNITS), value=DEFAULT_UNIT, label="单位", scale=1,
                                                  min_width=90, elem_id=f"pa-unit-{spec.key}"))
                        keys.append(unit_key(spec.key))
                else:
                    inputs.append(_control(spec))
                    keys.append(spec.key)
                errors[spec.key] = gr.HTML("", elem_id=f"pa-error-{spec.key}", js_on_load=None)
            with gr.Row():
                submit = gr.Button("开始自测", variant="primary", elem_id="pa-precheck-run")
                reset = gr.Button("清空", elem_id="pa-precheck-reset")
            confirmed = gr.Checkbox(False, visible=False)
            gr.HTML("", js_on_load=DECIMAL_KEYBOARD, elem_id="pa-precheck-keyboard")
        with gr.Column(scale=3, min_width=320):
            result = gr.HTML(RESULT_HINT, elem_id="pa-precheck-result", js_on_load=None)
            with gr.Row():
                download_md = gr.DownloadButton("下载结果（Markdown）", visible=False, elem_id="pa-precheck-download")
                download_html = gr.DownloadButton("下载可打印页面（HTML）", visible=False,
                                                  elem_id="pa-precheck-download-html")
            with gr.Accordion("批量筛查（上传 CSV 名单）", open=False, elem_id="pa-batch"):
                gr.Markdown("每行一个单位，表头用模板中的中文名称或字段名；是/否、1/0 均可，不清楚的留空。"
                            "文件不超过 1 MiB（约 1 万个单位），更长的名单请用命令行 "
                            "`policy-assistant precheck --batch`。")
                gr.DownloadButton("下载 CSV 模板", value=_new_file("批量筛查模板", ".csv", template_csv(),
                                                                          "utf-8-sig"), elem_id="pa-batch-template")
                upload = gr.File(label="上传 CSV 名单", file_types=[".csv"], type="filepath", elem_id="pa-batch-file")
                screen = gr.Button("开始批量筛查", elem_id="pa-batch-run")
                batch_summary = gr.HTML("", elem_id="pa-batch-summary", js_on_load=None)
                batch_download = gr.DownloadButton("下载筛查结果（CSV）", visible=False, elem_id="pa-batch-download")

    error_keys = list(errors)
    error_components = [errors[k] for k in error_keys]

    def _run(*values: Any) -> list[Any]:
        found, html, paths = run_precheck(state, dict(zip(keys, values)))
        shown = [_error_html(found[key]) if key in found else "" for key in error_keys]
        if not paths:
            return [*shown, html, gr.update(visible=False, value=None), gr.update(visible=False, value=None)]
        return [*shown, html, gr.update(visible=True, value=paths[0]), gr.update(visible=True, value=paths[1])]

    submit.click(_run, inputs, [*error_components, result, download_md, download_html])

    def _reset(ok: bool) -> list[Any]:
        if not ok:
            return [gr.update() for _ in range(len(inputs) + len(error_keys) + 3)]
        defaults = []
        for key in keys:
            spec = next((s for s in FIELDS if s.key == key), None)
            defaults.append(DEFAULT_UNIT if spec is None else
                            {"choice": ORG_UNKNOWN, "flag": UNKNOWN, "money": "", "items": []}[spec.kind])
        return [*defaults, *["" for _ in error_keys], RESULT_HINT, gr.update(visible=False, value=None),
                gr.update(visible=False, value=None)]

    reset.click(_reset, [confirmed], [*inputs, *error_components, result, download_md, download_html],
                js=CONFIRM_RESET, show_progress="hidden")

    def _screen(path: str | None) -> list[Any]:
        summary, out = run_batch(state, path)
        return [summary, gr.update(visible=out is not None, value=out)]

    screen.click(_screen, [upload], [batch_summary, batch_download])
