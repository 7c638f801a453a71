"""申报自测 tab: the profile form, per-field validation messages, the result table and a Markdown download."""

from __future__ import annotations

import logging
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import gradio as gr

from ui.errors import profile_error_type
from ui.present import DISCLAIMER
from ui.profile_form import (
    BOOL_CHOICES,
    FIELD_LABELS,
    FIELDS,
    FLAG_CHOICES,
    ORG_TYPES,
    SUPPORT_ITEMS,
    UNKNOWN,
    FormError,
    errors_by_field,
    to_profile,
)
from ui.render import esc, precheck_markdown, precheck_table_html
from ui.state import NOT_READY_MESSAGE, AppState

log = logging.getLogger(__name__)

RESULT_HINT = '<div class="pa-muted">填写左侧信息后点击“开始自测”，这里将列出每个扶持项目的自测结果。</div>'


def _error_html(message: str) -> str:
    return f'<div class="pa-field-error" role="alert">⚠ {esc(message)}</div>'


def summary_dir() -> Path:
    """Where downloadable summaries are written (inside the temp dir Gradio may serve from)."""
    path = Path(tempfile.gettempdir()) / "policy-assistant-precheck"
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_precheck(state: AppState, values: dict[str, Any]) -> tuple[dict[str, str], str, str | None]:
    """(errors by field, result table HTML, summary file path) for the entered values."""
    try:
        profile = to_profile(values)
    except FormError as exc:
        return {exc.field: exc.message}, RESULT_HINT, None
    assistant = state.assistant
    if assistant is None:
        return {"_form": NOT_READY_MESSAGE}, RESULT_HINT, None
    try:
        items = assistant.precheck(profile)
    except profile_error_type() as exc:
        return errors_by_field(exc), RESULT_HINT, None
    except Exception:  # noqa: BLE001 - a failed check must not break the page
        log.exception("precheck failed")
        return {"_form": "自测时出错，请稍后再试"}, RESULT_HINT, None
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    markdown = precheck_markdown(profile, items, FIELD_LABELS, stamp)
    path = summary_dir() / f"申报自测结果-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}.md"
    path.write_text(markdown, encoding="utf-8")
    return {}, precheck_table_html(items), str(path)


def build_precheck_tab(state: AppState) -> None:
    """Lay out the self-assessment tab and wire its events (inside an open gr.Tab)."""
    inputs: list[gr.components.Component] = []
    errors: dict[str, gr.HTML] = {}
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=320, elem_id="pa-precheck-form"):
            gr.Markdown("填写贵单位情况（不确定的可不填），系统按已收录的政策条文逐项自测。金额单位均为**万元**。")
            form_error = gr.HTML("", elem_id="pa-error-_form", js_on_load=None)
            errors["_form"] = form_error
            for spec in FIELDS:
                if spec.kind == "choice":
                    control = gr.Dropdown(choices=ORG_TYPES, value="enterprise", label=spec.label,
                                          elem_id=f"pa-field-{spec.key}")
                elif spec.kind == "bool":
                    control = gr.Radio(choices=BOOL_CHOICES, value=None, label=spec.label,
                                       info=spec.info or None, elem_id=f"pa-field-{spec.key}")
                elif spec.kind == "flag":
                    control = gr.Radio(choices=FLAG_CHOICES, value=UNKNOWN, label=spec.label,
                                       info=spec.info or None, elem_id=f"pa-field-{spec.key}")
                elif spec.kind == "money":
                    # A text box, not gr.Number: Gradio's number box shows and sends 0 when empty, so
                    # "unknown" could not be entered, and it rejects a negative number in English.
                    # The form and the pre-check validate the value; messages show in Chinese below.
                    control = gr.Textbox(value="", label=spec.label, info=spec.info, placeholder="不填表示未知",
                                         max_lines=1, max_length=20, elem_id=f"pa-field-{spec.key}")
                else:
                    control = gr.CheckboxGroup(choices=SUPPORT_ITEMS, value=[], label=spec.label,
                                               info=spec.info, elem_id=f"pa-field-{spec.key}")
                inputs.append(control)
                errors[spec.key] = gr.HTML("", elem_id=f"pa-error-{spec.key}", js_on_load=None)
            with gr.Row():
                submit = gr.Button("开始自测", variant="primary", elem_id="pa-precheck-run")
                reset = gr.Button("清空", elem_id="pa-precheck-reset")
        with gr.Column(scale=3, min_width=360):
            result = gr.HTML(RESULT_HINT, elem_id="pa-precheck-result", js_on_load=None)
            download = gr.DownloadButton("下载自测结果（Markdown）", visible=False,
                                         elem_id="pa-precheck-download")
            gr.Markdown(f"⚠️ 自测结果{DISCLAIMER}", elem_classes=["pa-disclaimer"])

    error_keys = list(errors)
    error_components = [errors[k] for k in error_keys]

    def _run(*values: Any) -> list[Any]:
        found, table, path = run_precheck(state, {spec.key: v for spec, v in zip(FIELDS, values)})
        shown = [_error_html(found[key]) if key in found else "" for key in error_keys]
        if found:
            gr.Warning("请按提示修改标红的字段")
        if path is None:
            return [*shown, table, gr.update(visible=False, value=None)]
        return [*shown, table, gr.update(visible=True, value=path)]

    submit.click(_run, inputs, [*error_components, result, download])

    def _reset() -> list[Any]:
        defaults: list[Any] = []
        for spec in FIELDS:
            defaults.append({"choice": "enterprise", "bool": None, "flag": UNKNOWN, "money": "",
                             "items": []}[spec.kind])
        return [*defaults, *["" for _ in error_keys], RESULT_HINT, gr.update(visible=False, value=None)]

    reset.click(_reset, None, [*inputs, *error_components, result, download], show_progress="hidden")
