"""条文检索 tab for hotline staff: search as you type, filters, highlighted clauses, 复制答复, document browser."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import gradio as gr

from retrieval.articles import ArticleLookup, find_article, locators_in
from retrieval.index import IndexNotReady
from retrieval.search import QueryError, SearchFilters
from ui.present import LEVEL_LABELS, STATUS_CHOICES, match_terms
from ui.render import document_html, esc, search_results_html
from ui.state import NOT_READY_MESSAGE, AppState

log = logging.getLogger(__name__)

SEARCH_K = 8  # results shown
COUNT_K = 50  # results counted (the search's own maximum); "共 50 条以上" beyond
SEARCH_HINT = ('<div class="pa-muted">输入关键词或问题即可检索，例如：“算力 补贴比例”“训力券”“促进条例第十二条”。'
               "每条结果可一键“复制答复”，得到带出处的标准答复。</div>")


@dataclass
class SearchTab:
    """Components other parts of the page wire to."""

    doc_select: gr.Dropdown
    doc_view: gr.HTML
    doc_filter: gr.Dropdown


def document_choices(state: AppState) -> list[tuple[str, str]]:
    """(label, doc_id) for every held document."""
    assistant = state.assistant
    if assistant is None:
        return []
    return [(f"《{d.short_title}》（{d.status_label}）", d.doc_id) for d in assistant.documents()]


def run_search(state: AppState, query: str, docs: list[str] | None, levels: list[str] | None,
               statuses: list[str] | None) -> str:
    """Result cards for the query and filters (or a hint / a message)."""
    text = (query or "").strip()
    if not text:
        return SEARCH_HINT
    assistant = state.assistant
    if assistant is None:
        return f'<div class="pa-warn">{esc(NOT_READY_MESSAGE)}</div>'
    if len(text) > state.settings.max_question_chars:
        return f'<div class="pa-warn">检索内容过长，请精简到{state.settings.max_question_chars}字以内</div>'
    filters = SearchFilters(doc_ids=frozenset(docs or ()), levels=frozenset(levels or ()),
                            statuses=frozenset(statuses or ()))
    try:
        hits = assistant.search(text, COUNT_K, filters)
    except (QueryError, IndexNotReady) as exc:
        return f'<div class="pa-warn">{esc(str(exc))}</div>'
    lookups, missing = article_lookups(state, text)
    tokens: list[str] = []
    tokenizer = getattr(assistant.retriever, "tokenizer", None)
    if tokenizer is not None:
        try:
            tokens = list(tokenizer.query_tokens(text))
        except Exception:  # noqa: BLE001 - highlighting is cosmetic
            log.debug("query tokens unavailable", exc_info=True)
    terms = match_terms(text, [h.clause.text for h in hits[:SEARCH_K]], tokens)
    notes = [f"收录的文件中都没有{'、'.join(missing)}；如查某份文件的条款，请写明文件名称，例如“数据条例第十条”。"
             ] if missing else []
    return search_results_html(text, hits, terms, total=len(hits), shown=SEARCH_K, lookups=lookups, notes=notes,
                               documents=assistant.corpus.documents, total_capped=len(hits) >= COUNT_K)


def article_lookups(state: AppState, text: str) -> tuple[list[ArticleLookup], list[str]]:
    """Exact-article answers for the articles a query names (same rule as the chat), and the locators
    no held document has when the query names no document."""
    assistant = state.assistant
    locators = locators_in(text)
    if assistant is None or not locators:
        return [], []
    corpus = assistant.corpus
    named = sorted(assistant.retriever.documents_named(text))
    if named:
        return [find_article(corpus.documents[d], corpus.doc_clauses(d), loc)
                for d in named for loc in locators], []
    held = {c.locator for c in corpus.clauses}
    return [], [loc for loc in locators if loc not in held]


def show_document(state: AppState, doc_id: str | None) -> str:
    """The document browser view of one document."""
    assistant = state.assistant
    if assistant is None:
        return f'<div class="pa-warn">{esc(NOT_READY_MESSAGE)}</div>'
    if not doc_id or doc_id not in assistant.corpus.documents:
        return '<div class="pa-muted">请选择文件。</div>'
    doc = assistant.corpus.documents[doc_id]
    return document_html(doc, assistant.corpus.doc_clauses(doc_id), assistant.corpus.documents)


def build_search_tab(state: AppState) -> SearchTab:
    """Lay out the search tab and wire its events (inside an open gr.Tab)."""
    choices = document_choices(state)
    with gr.Row():
        query = gr.Textbox(label="检索条文", placeholder="输入关键词或问题，边输入边检索，回车立即检索",
                           elem_id="pa-search-box", scale=4, max_length=state.settings.max_question_chars)
    # Closed by default: from the search box one Tab reaches 筛选, the next the first result, the next
    # its 复制答复 (an agent on a call keeps both hands on the keyboard).
    with gr.Accordion("筛选：文件、层级、状态", open=False, elem_id="pa-filters"), gr.Row():
        doc_filter = gr.Dropdown(choices=choices, multiselect=True, label="文件", value=[],
                                 elem_id="pa-filter-doc", scale=3)
        level_filter = gr.CheckboxGroup(choices=[(v, k) for k, v in LEVEL_LABELS.items()], label="层级",
                                        elem_id="pa-filter-level", scale=2)
        status_filter = gr.CheckboxGroup(choices=[(v, k) for k, v in STATUS_CHOICES.items()],
                                         label="状态", elem_id="pa-filter-status", scale=2)
    results = gr.HTML(SEARCH_HINT, elem_id="pa-search-results", js_on_load=None)
    with gr.Accordion("文件浏览：按顺序查看收录文件的全部条文", open=True, elem_id="pa-doc-browser"):
        doc_select = gr.Dropdown(choices=choices, value=choices[0][1] if choices else None,
                                 label="选择文件", elem_id="pa-doc-select")
        doc_view = gr.HTML(show_document(state, choices[0][1] if choices else None),
                           elem_id="pa-doc-view", js_on_load=None)

    inputs = [query, doc_filter, level_filter, status_filter]

    def _search(text: str, docs: list[str], levels: list[str], statuses: list[str]) -> str:
        return run_search(state, text, docs, levels, statuses)

    # `change`, not `input`: Gradio's textbox fires `input` on keypress only, which IME input (how
    # Chinese is typed) and deletions never produce. Only the latest value matters while typing.
    query.change(_search, inputs, results, trigger_mode="always_last", show_progress="hidden",
                 concurrency_limit=None)
    query.submit(_search, inputs, results, show_progress="hidden", concurrency_limit=None)
    for control in (doc_filter, level_filter, status_filter):
        control.change(_search, inputs, results, trigger_mode="always_last", show_progress="hidden",
                       concurrency_limit=None)
    doc_select.change(lambda doc_id: show_document(state, doc_id), doc_select, doc_view,
                      show_progress="hidden")
    return SearchTab(doc_select=doc_select, doc_view=doc_view, doc_filter=doc_filter)
