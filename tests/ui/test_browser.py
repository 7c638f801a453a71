"""End-to-end tests of the web app in real headless Chromium (Debian's package, driven by Playwright).

Each test checks that the page made no request to any host but the app's own (the page must work on a
closed network), and saves a screenshot of its tab under test-artifacts/.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import httpx
import pytest
from ui_helpers import ARTIFACTS, BROWSER_MARKS, TIMEOUT_MS

PAGE_READY_TARGET_S = 3.0

pytestmark = BROWSER_MARKS

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")


# -------------------------------------------------------------------------------------- fixtures




class PageRun:
    """A page in a fresh browser context that records every request leaving the app's origin."""

    def __init__(self, browser: sync_api.Browser, base_url: str) -> None:
        self.base_url = base_url
        self.origin = urlsplit(base_url).netloc
        self.external: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN",
                                           permissions=["clipboard-read", "clipboard-write"])
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.page.on("request", self._on_request)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _on_request(self, request: sync_api.Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc != self.origin:
            self.external.append(request.url)

    def open(self, path: str = "/") -> sync_api.Page:
        self.page.goto(self.base_url + path)
        return self.page

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def run(browser: sync_api.Browser, live_server: str) -> Iterator[PageRun]:
    """A fresh page on the live server; afterwards: no request left the server, no script error."""
    page_run = PageRun(browser, live_server)
    try:
        yield page_run
    finally:
        page_run.close()
    assert page_run.external == [], f"the page called other hosts: {page_run.external}"
    assert page_run.errors == [], f"script errors on the page: {page_run.errors}"


def open_app(run: PageRun) -> sync_api.Page:
    """The web app with its first tab (政策问答) ready for input."""
    page = run.open("/")
    page.locator("#pa-chatbot").wait_for(state="visible")
    page.locator("#pa-question textarea").wait_for(state="visible")
    return page


def open_tab(page: sync_api.Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def text_field(page: sync_api.Page, elem_id: str) -> sync_api.Locator:
    """The text input of a Gradio textbox (a textarea or an input, depending on its lines)."""
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def choose_radio(page: sync_api.Page, elem_id: str, label: str) -> None:
    page.locator(f"#{elem_id}").get_by_label(label, exact=True).check()


# ------------------------------------------------------------------------------------ page ready


def test_page_ready_within_target(browser: sync_api.Browser, live_server: str) -> None:
    """First meaningful paint of the chat tab: the chat, its suggested questions and the input shown.

    Measured in the page (performance.now(), from navigation start) in fresh contexts (cold cache);
    the median of three loads is compared with the 3 s target and written to test-artifacts/.
    """
    samples: list[dict[str, float]] = []
    for _ in range(3):
        page_run = PageRun(browser, live_server)
        try:
            page = page_run.open("/")
            ready_ms = page.wait_for_function(
                """() => {
                    const visible = (sel) => {
                        const el = document.querySelector(sel);
                        return el && el.getBoundingClientRect().height > 0;
                    };
                    return visible('#pa-chatbot') && visible('#pa-question textarea')
                        && document.body.innerText.includes('政策通')
                        && document.body.innerText.includes('龙岗区对企业购买算力有什么补贴')
                        ? performance.now() : null;
                }""", polling="raf").json_value()
            fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime"
                                " || null")
            samples.append({"ready_ms": round(float(ready_ms), 1),
                            "first_contentful_paint_ms": None if fcp is None else round(float(fcp), 1)})
            assert page_run.external == [], page_run.external
        finally:
            page_run.close()
    median_s = statistics.median(s["ready_ms"] for s in samples) / 1000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "page-ready.json").write_text(json.dumps(
        {"median_ready_s": round(median_s, 3), "target_s": PAGE_READY_TARGET_S, "samples": samples},
        ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"page ready (median of 3 cold loads): {median_s:.2f} s; samples {samples}")
    assert median_s <= PAGE_READY_TARGET_S, f"page ready took {median_s:.2f} s (target ≤ {PAGE_READY_TARGET_S} s)"


# ------------------------------------------------------------------------------------- 政策问答


def test_chat_answer_with_citation_panel(run: PageRun, http: httpx.Client) -> None:
    page = open_app(run)
    # An empty chat offers suggested questions and says the answers are for reference only.
    assert page.get_by_text("龙岗区对企业购买算力有什么补贴？").first.is_visible()
    assert "以主管部门审核结果为准" in page.locator("#pa-disclaimer").inner_text()

    text_field(page, "pa-question").fill("《实施细则》里的申报项目采用什么审核方式？")
    page.keyboard.press("Enter")
    marker = page.locator("#pa-chatbot a.pa-cite").first
    marker.wait_for(state="visible")
    bot_text = page.locator("#pa-chatbot").inner_text()
    assert "核准制" in bot_text
    assert "引用条文" in bot_text and "《" in bot_text

    # The chat's HTML sanitizer keeps the link's href (it drops data- attributes).
    href = marker.get_attribute("href") or ""
    assert href.startswith("#cite:"), href
    clause_id = unquote(href.removeprefix("#cite:"))
    assert "#" in clause_id
    marker.click()
    panel = page.locator(f"#pa-cite-panel .pa-panel[data-clause='{clause_id}']")
    panel.wait_for(state="visible")
    shown = panel.inner_text()

    clause = http.get("/api/clauses/" + quote(clause_id, safe="")).json()
    document = clause["document"]
    # The quoted clause, its document, its status and its source.
    squeeze = lambda text: re.sub(r"\s+", "", text)  # noqa: E731 - the panel wraps lines
    assert squeeze(clause["text"])[:60] in squeeze(shown)
    assert clause["title"] in shown  # the official title, as the standard reply reads it
    assert clause["status"] in ("正式", "征求意见稿")
    # A notice that announces a draft is badged 征求意见通知, never a bare 正式.
    assert panel.locator(".pa-badge").first.inner_text() in (clause["status"], "征求意见通知")
    # The official address (or a statement that none is on file), never the provenance of the copy.
    assert "官方原文" in shown and document["source"][:20] not in shown
    if clause["status"] == "征求意见稿":
        assert "征求意见稿" in panel.locator(".pa-warn").inner_text()
    run.screenshot("tab-ask.png")

    # The panel's button opens the whole document in 条文检索.
    page.locator("#pa-open-doc").click()
    page.locator(f"#pa-doc-view .pa-doc[data-doc='{document['doc_id']}']").wait_for(state="visible")

    # 新对话 empties the chat and the panel.
    open_tab(page, "政策问答")
    page.locator("#pa-new-chat").click()
    page.locator("#pa-chatbot a.pa-cite").first.wait_for(state="detached")
    assert page.locator("#pa-cite-panel .pa-panel[data-clause]").count() == 0


def test_chat_feedback_is_stored(run: PageRun, http: httpx.Client) -> None:
    page = open_app(run)
    before = http.get("/api/admin/feedback", headers=_admin()).json()["feedback"]
    page.get_by_text("深圳市“训力券”怎么申请，最多补贴多少？").first.click()
    page.locator("#pa-chatbot a.pa-cite").first.wait_for(state="visible")
    # The page speaks the browser's language: 赞 in zh-CN (Like elsewhere).
    page.locator("#pa-chatbot").get_by_role("button", name=re.compile("^(赞|Like)$")).last.click()
    page.locator("#pa-comment-row").wait_for(state="visible")
    text_field(page, "pa-comment").fill("回答清楚，引用准确")
    page.locator("#pa-comment-send").click()
    page.locator("#pa-comment-row").wait_for(state="hidden")
    after = http.get("/api/admin/feedback", headers=_admin()).json()["feedback"]
    new = [r for r in after if r["id"] not in {b["id"] for b in before}]
    assert len(new) == 1, after
    record = new[0]
    assert record["rating"] == "up" and record["comment"] == "回答清楚，引用准确"
    assert "训力券" in record["question"] and record["answer"] and record["citations"]
    assert record["index_build"] and record["history"] == []  # the build that answered; the first question


def _admin() -> dict[str, str]:
    from ui_helpers import ADMIN_TOKEN

    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


# ------------------------------------------------------------------------------------- 条文检索


def test_search_highlight_copy_reply_and_document_browser(run: PageRun) -> None:
    page = open_app(run)
    open_tab(page, "条文检索")
    text_field(page, "pa-search-box").fill("训力券")
    page.keyboard.press("Enter")
    first = page.locator("#pa-search-results .pa-result").first
    first.wait_for(state="visible")
    marks = page.locator("#pa-search-results mark").all_inner_texts()
    assert "训力券" in marks, marks
    citation = first.locator(".pa-result-head b").inner_text()
    assert citation.startswith("《") and "》" in citation

    first.locator("button.pa-copy").click()
    first.locator(".pa-copied").filter(has_text="已复制").wait_for(state="visible")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == first.locator("textarea.pa-reply").input_value()
    title = citation.split("》")[0] + "》"
    assert copied.startswith("您好") and title in copied and "训力券" in copied
    assert "以主管部门审核结果为准" in copied and "官方原文" in copied

    # Filter by status: only 征求意见稿 results remain.
    page.locator("#pa-filters").get_by_text("筛选").first.click()
    page.locator("#pa-filter-status").get_by_label("征求意见稿", exact=True).check()
    page.wait_for_function("""() => {
        const badges = [...document.querySelectorAll('#pa-search-results .pa-result-head .pa-badge')];
        return badges.length > 0 && badges.every(b => b.textContent.trim() === '征求意见稿'
                                                      || b.textContent.trim() === '已被取代');
    }""")
    run.screenshot("tab-search.png")

    # Document browser: every clause of a partially held document, with the gap marked.
    page.locator("#pa-doc-select input").click()
    page.get_by_role("option", name="《深圳市人工智能先锋城市若干措施》（正式）").click()
    doc = page.locator("#pa-doc-view .pa-doc[data-doc='sz-ai-pioneer-measures-2024']")
    doc.wait_for(state="visible")
    assert doc.locator(".pa-doc-clause").count() >= 4
    assert doc.locator(".pa-gap").first.inner_text().strip() == "〔以下原文未收录〕"
    doc.locator(".pa-gap").first.scroll_into_view_if_needed()
    run.screenshot("tab-search-document.png")


# 申报自测: tests/ui/test_browser_precheck.py (phone and laptop viewports, unit selector, batch upload).


# ------------------------------------------------------------------------------------------ widget


def test_widget_answers_with_citations(run: PageRun) -> None:
    page = run.open("/widget")
    text_field(page, "pw-form").fill("龙岗区对企业购买算力有什么补贴？")
    page.locator("#pw-send").click()
    cites = page.locator("#pw-log .pw-cites")
    cites.wait_for(state="visible")
    assert "引用条文" in cites.inner_text() and "《" in cites.inner_text()
    cites.locator("summary").first.click()
    assert cites.locator("blockquote").first.inner_text().strip()
    assert "以主管部门审核结果为准" in page.locator(".pw-foot").inner_text()
    run.screenshot("widget.png")


def test_widget_embeds_in_iframe(run: PageRun) -> None:
    page = run.page
    page.set_content(f'<iframe id="w" src="{run.base_url}/widget" width="400" height="600"></iframe>')
    frame = page.frame_locator("#w")
    frame.locator("#pw-input").wait_for(state="visible")
    assert "政策通" in frame.locator(".pw-head").inner_text()


# --------------------------------------------------------------------------------------- API docs


def test_api_docs_render_from_local_assets(run: PageRun) -> None:
    page = run.open("/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(state="visible")
    assert page.locator(".swagger-ui .opblock-summary-path", has_text="/api/ask").count() >= 1
