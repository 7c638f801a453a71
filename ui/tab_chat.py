"""政策问答 tab: streaming chat with clickable citations, a side panel, 👍/👎 feedback and 新对话."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.models import Answer, Turn
from retrieval.index import IndexNotReady
from retrieval.search import QueryError
from storage.feedback import Rating
from ui.feedback import FeedbackUnavailable
from ui.present import DISCLAIMER
from ui.render import EMPTY_PANEL, answer_markdown, clause_panel_html, esc, streaming_markdown
from ui.replicas import served_build
from ui.state import NOT_READY_MESSAGE, AppState

log = logging.getLogger(__name__)

SUGGESTED_QUESTIONS = [
    "龙岗区对企业购买算力有什么补贴？",
    "深圳市“训力券”怎么申请，最多补贴多少？",
    "《实施细则》里的申报项目采用什么审核方式？",
    "征求意见稿和正式文件有什么不同？",
    "调用大模型开发应用可以获得哪些扶持？",
]

MAX_HISTORY_RECORDS = 10  # earlier exchanges sent to the assistant: enough for follow-ups


def _new_conversation() -> dict[str, Any]:
    return {"messages": [], "records": []}


@dataclass
class ChatTab:
    """The components of the chat tab other parts of the page wire to."""

    panel: gr.HTML
    panel_doc: gr.State
    open_doc: gr.Button


def _history(records: list[dict[str, Any]]) -> list[Turn]:
    turns: list[Turn] = []
    for record in records[-MAX_HISTORY_RECORDS:]:
        turns.append(Turn(role="user", content=record["question"]))
        turns.append(Turn(role="assistant", content=record["answer"]))
    return turns


def respond(state: AppState, message: str, conv: dict[str, Any],
            ) -> Iterator[tuple[list[dict[str, Any]], str, dict[str, Any]]]:
    """Stream the answer to `message` into the chat, then show it with citation links."""
    question = (message or "").strip()
    messages = list(conv["messages"])
    if not question:
        gr.Warning("请输入问题", title="注意")
        yield messages, message, conv
        return
    limit = state.settings.max_question_chars
    if len(question) > limit:
        gr.Warning(f"问题过长（{len(question)}字），请精简到{limit}字以内", title="注意")
        yield messages, message, conv
        return
    messages.append({"role": "user", "content": esc(question)})
    messages.append({"role": "assistant", "content": "正在检索相关条文…"})
    yield messages, "", conv

    assistant = state.assistant
    if assistant is None:
        messages[-1] = {"role": "assistant", "content": esc(NOT_READY_MESSAGE)}
        yield messages, "", {**conv, "messages": messages}
        return
    text = ""
    final: Answer | None = None
    try:
        for piece in assistant.stream_answer(question, _history(conv["records"])):
            if isinstance(piece, Answer):
                final = piece
                break
            text += str(piece)
            messages[-1] = {"role": "assistant", "content": streaming_markdown(text)}
            yield messages, "", conv
    except (QueryError, IndexNotReady) as exc:
        messages[-1] = {"role": "assistant", "content": esc(str(exc))}
        yield messages, "", {**conv, "messages": messages}
        return
    except Exception:  # noqa: BLE001 - a failed answer must not break the page
        log.exception("answer failed")
        messages[-1] = {"role": "assistant", "content": "抱歉，生成回答时出错，请稍后再试。"}
        yield messages, "", {**conv, "messages": messages}
        return
    if final is None:
        final = Answer(text=text, citations=[])
    messages[-1] = {"role": "assistant", "content": answer_markdown(final, assistant.corpus.documents)}
    record = {
        "question": question,
        "answer": final.text,
        "citations": [c.to_dict() for c in final.citations],
        "message_index": len(messages) - 1,
        "feedback_id": None,
    }
    yield messages, "", {"messages": messages, "records": [*conv["records"], record]}


def show_clause(state: AppState, target: str, conv: dict[str, Any]) -> tuple[str, str | None]:
    """The side panel for a clicked citation marker (`target` is "clause_id|nonce")."""
    clause_id = (target or "").split("|", 1)[0].strip()
    assistant = state.assistant
    if not clause_id or assistant is None:
        return EMPTY_PANEL, None
    clause = assistant.clause(clause_id)
    if clause is None:
        return f'<div class="pa-panel pa-warn">未找到条文：{esc(clause_id)}</div>', None
    doc = assistant.corpus.documents[clause.doc_id]
    quote = None
    for record in reversed(conv.get("records", [])):
        for citation in record["citations"]:
            if citation.get("clause_id") == clause_id:
                quote = citation.get("quote")
                break
        if quote:
            break
    return clause_panel_html(clause, doc, quote, assistant.corpus.documents), doc.doc_id


def _record_for(conv: dict[str, Any], index: Any) -> dict[str, Any] | None:
    position = index[0] if isinstance(index, (list, tuple)) else index
    for record in conv.get("records", []):
        if record["message_index"] == position:
            return record
    return None


def on_like(state: AppState, conv: dict[str, Any], data: gr.LikeData,
            ) -> tuple[dict[str, Any], Any, Any]:
    """Store 👍/👎 with the question, answer and citations; offer the optional comment box."""
    record = _record_for(conv, data.index)
    if record is None or data.liked not in (True, False):
        return conv, gr.update(), gr.update()
    rating: Rating = "up" if data.liked else "down"
    try:
        if record["feedback_id"] is None:
            earlier = [r for r in conv.get("records", []) if r["message_index"] < record["message_index"]]
            record["feedback_id"] = state.feedback.add(
                rating=rating, question=record["question"], answer=record["answer"],
                citations=record["citations"], channel="web",
                history=[{"role": t.role, "content": t.content} for t in _history(earlier)],
                index_build=served_build(state))
        else:
            state.feedback.set_rating(record["feedback_id"], rating)
    except FeedbackUnavailable as exc:  # logged by the store; the conversation carries on
        gr.Warning(exc.message, title="注意")
        return conv, gr.update(), gr.update()
    conv = {**conv, "last_feedback_id": record["feedback_id"]}
    gr.Info("感谢评价！如愿意，可在下方补充意见。", title="提示")
    label = "补充意见（可选）：哪里有帮助？" if rating == "up" else "补充意见（可选）：哪里不准确或缺少了什么？"
    return conv, gr.update(visible=True), gr.update(label=label, value="")


def submit_comment(state: AppState, conv: dict[str, Any], comment: str) -> tuple[Any, Any]:
    """Attach the optional comment to the feedback just given."""
    feedback_id = conv.get("last_feedback_id")
    text = (comment or "").strip()
    if feedback_id is None:
        gr.Warning("请先点击回答下方的 👍 或 👎", title="注意")
        return gr.update(), gr.update()
    if not text:
        gr.Warning("请填写意见内容", title="注意")
        return gr.update(), gr.update()
    if len(text) > 1000:
        gr.Warning("意见过长，请精简到1000字以内", title="注意")
        return gr.update(), gr.update()
    try:
        state.feedback.set_comment(int(feedback_id), text)
    except FeedbackUnavailable as exc:  # logged by the store; keep the comment box for a retry
        gr.Warning(exc.message, title="注意")
        return gr.update(), gr.update()
    gr.Info("意见已提交，感谢您的反馈", title="提示")
    return gr.update(visible=False), gr.update(value="")


def build_chat_tab(state: AppState) -> ChatTab:
    """Lay out the chat tab and wire its events (inside an open gr.Tab)."""
    conv = gr.State(_new_conversation())
    panel_doc = gr.State(None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=360):
            chatbot = gr.Chatbot(
                label="政策问答",
                show_label=False,  # the tab already names it; a floating label covered the first message
                elem_id="pa-chatbot",
                height=520,
                examples=[{"text": q} for q in SUGGESTED_QUESTIONS],
                placeholder="您好！我是政策通，可以解答龙岗区人工智能产业扶持政策的问题。可点击下方示例问题开始。",
                feedback_options=("Like", "Dislike"),
                sanitize_html=True,
                render_markdown=True,
                buttons=["copy"],
            )
            with gr.Row():
                message = gr.Textbox(label="您的问题", placeholder="请输入问题，按回车发送",
                                     elem_id="pa-question", scale=5, lines=1, max_lines=4,
                                     max_length=state.settings.max_question_chars)
                send = gr.Button("发送", variant="primary", scale=1, elem_id="pa-send", min_width=80)
            with gr.Row():
                new_chat = gr.Button("新对话", elem_id="pa-new-chat", size="sm")
            with gr.Row(visible=False, elem_id="pa-comment-row") as comment_row:
                comment = gr.Textbox(label="补充意见（可选）", elem_id="pa-comment", lines=2, scale=5,
                                     max_length=1000)
                comment_send = gr.Button("提交意见", scale=1, elem_id="pa-comment-send", min_width=80)
            gr.Markdown(f"⚠️ 回答由系统根据收录的政策原文自动生成，{DISCLAIMER}",
                        elem_classes=["pa-disclaimer"], elem_id="pa-disclaimer")
        with gr.Column(scale=2, min_width=300):
            gr.Markdown("## 引用条文", elem_id="pa-cite-heading")
            panel = gr.HTML(EMPTY_PANEL, elem_id="pa-cite-panel", js_on_load=None)
            open_doc = gr.Button("在“条文检索”中查看该文件全文", size="sm", elem_id="pa-open-doc")
    # Written by the page script when a citation marker is clicked; hidden but present in the DOM.
    cite_target = gr.Textbox(visible="hidden", elem_id="pa-cite-target", show_label=False)

    def _respond(text: str, current: dict[str, Any]):
        yield from respond(state, text, current)

    send_args = {"fn": _respond, "inputs": [message, conv], "outputs": [chatbot, message, conv],
                 "show_progress": "minimal"}
    message.submit(**send_args)
    send.click(**send_args)
    def _example(data: gr.SelectData) -> str:
        value = data.value
        return value.get("text", "") if isinstance(value, dict) else str(value or "")

    chatbot.example_select(_example, None, message, show_progress="hidden").then(**send_args)

    def _clear() -> tuple[Any, ...]:
        return [], "", _new_conversation(), EMPTY_PANEL, None, gr.update(visible=False), ""

    clear_outputs = [chatbot, message, conv, panel, panel_doc, comment_row, comment]
    new_chat.click(_clear, None, clear_outputs, show_progress="hidden")
    # The chatbot's own 清空 button must forget the conversation too, not only the bubbles.
    chatbot.clear(_clear, None, clear_outputs, show_progress="hidden")
    # The page script sets a new value (with a nonce) per click; `change` sees every one of them.
    cite_target.change(lambda target, current: show_clause(state, target, current),
                       [cite_target, conv], [panel, panel_doc], show_progress="hidden")

    def _like(current: dict[str, Any], data: gr.LikeData):
        return on_like(state, current, data)

    chatbot.like(_like, [conv], [conv, comment_row, comment], show_progress="hidden")
    comment_send.click(lambda current, text: submit_comment(state, current, text), [conv, comment],
                       [comment_row, comment], show_progress="hidden")
    return ChatTab(panel=panel, panel_doc=panel_doc, open_doc=open_doc)
