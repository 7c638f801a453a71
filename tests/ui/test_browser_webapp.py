"""The web app as its users meet it, in real headless Chromium at a phone (390×844) and a laptop (1366×900).

A hotline agent's search and standard reply, an enterprise owner's chat on a phone, the widget, the page's
language and focus ring, and an axe-core accessibility check of the three tabs and the widget. Every page
must make no request to another host; screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import resources
from urllib.parse import quote, urlsplit

import httpx
import pytest
from ui_helpers import ARTIFACTS, BROWSER_MARKS, TIMEOUT_MS

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}
TOUCH_TARGET_PX = 44

pytestmark = BROWSER_MARKS

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")




class Visit:
    """A page at one viewport, in an English-language browser (the page must still be Chinese), that
    records every request leaving the app's origin and every script error."""

    def __init__(self, browser: sync_api.Browser, base_url: str, viewport: str) -> None:
        self.base_url = base_url
        self.viewport = viewport
        self.origin = urlsplit(base_url).netloc
        self.external: list[str] = []
        self.errors: list[str] = []
        size = VIEWPORTS[viewport]
        self.context = browser.new_context(viewport=size, locale="en-US", has_touch=viewport == "phone",
                                           is_mobile=viewport == "phone",
                                           permissions=["clipboard-read", "clipboard-write"])
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.page.on("request", self._on_request)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _on_request(self, request: sync_api.Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob", "about") and parts.netloc != self.origin:
            self.external.append(request.url)

    def open(self, path: str = "/") -> sync_api.Page:
        self.page.goto(self.base_url + path)
        if path == "/":
            self.page.locator("#pa-question textarea").wait_for(state="visible")
        return self.page

    def screenshot(self, name: str, full_page: bool = False) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}-{self.viewport}.png"), full_page=full_page)


@pytest.fixture(params=sorted(VIEWPORTS))
def visit(request: pytest.FixtureRequest, browser: sync_api.Browser, live_server: str) -> Iterator[Visit]:
    """A fresh page at each viewport; afterwards: nothing left the server, no script error."""
    page_visit = Visit(browser, live_server, request.param)
    try:
        yield page_visit
    finally:
        page_visit.context.close()
    assert page_visit.external == [], f"the page called other hosts: {page_visit.external}"
    assert page_visit.errors == [], f"script errors on the page: {page_visit.errors}"


def search_for(page: sync_api.Page, text: str) -> sync_api.Locator:
    page.get_by_role("tab", name="条文检索").click()
    box = page.locator("#pa-search-box input, #pa-search-box textarea").first
    box.fill(text)
    box.press("Enter")
    results = page.locator("#pa-search-results")
    # The results of this query, not those of the one before.
    page.wait_for_function("(q) => { const r = document.querySelector('#pa-search-results .pa-results');"
                           " return r && r.dataset.query === q; }", arg=text)
    return results


def in_viewport(page: sync_api.Page, locator: sync_api.Locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and size is not None and box["y"] >= -1 and box["y"] < size["height"] - 20


# ---------------------------------------------------------------------------- 条文检索 and the reply


def test_exact_article_copy_reply_by_keyboard(visit: Visit, http: httpx.Client) -> None:
    page = visit.open("/")
    results = search_for(page, "数据条例第六十五条")
    page.wait_for_function("""() => {
        const first = document.querySelector('#pa-search-results .pa-result');
        return first && first.dataset.clause === 'sz-data-regulation-2021#第六十五条';
    }""")
    first = results.locator(".pa-result").first
    assert "pa-result-exact" in (first.get_attribute("class") or "")
    assert re.search(r"(显示前 8 条，共 \d+ 条(以上)?)|(共 \d+ 条)", results.locator(".pa-count").inner_text())
    assert first.locator(".pa-result-title").inner_text() == "《深圳经济特区数据条例》第六十五条"

    # Keyboard: the card, then one Tab to its 复制答复, Enter copies the standard reply of the API.
    first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "复制答复"
    assert page.evaluate("document.activeElement.closest('.pa-result').dataset.clause") == \
        "sz-data-regulation-2021#第六十五条"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "the focused 复制答复 shows no focus ring"
    page.keyboard.press("Enter")
    first.locator(".pa-copied").filter(has_text="已复制").wait_for(state="visible")
    expected = http.get("/api/clauses/" + quote("sz-data-regulation-2021#第六十五条", safe="") + "/reply").json()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == expected["text"]
    assert "第六十五条：“第六十五条" not in copied and copied.count("第六十五条") == 1
    assert "LawRefBook" not in copied
    visit.screenshot("search-exact-article")

    # An article past the end of a full document: said so, not some other article passed off as it.
    search_for(page, "数据条例第105条")
    notice = results.locator(".pa-article-missing")
    notice.wait_for(state="visible")
    assert "全文共一百条" in notice.inner_text() and "没有第一百零五条" in notice.inner_text()
    assert results.locator(".pa-result-exact").count() == 0
    assert "并非所查条款" in results.locator(".pa-count").inner_text()

    # An article no held document has, when the query names none.
    search_for(page, "第105条")
    assert "收录的文件中都没有第一百零五条" in results.locator(".pa-article-missing").inner_text()

    # An article beyond a partial copy: the held copy stops before it.
    search_for(page, "专项资金管理办法第九条")
    page.wait_for_function("() => (document.querySelector('#pa-search-results .pa-article-missing') || {})"
                           ".textContent?.includes('第九条不在所存文本中')")
    visit.screenshot("search-beyond-held-copy")


def test_status_badges_cannot_mislead(visit: Visit) -> None:
    page = visit.open("/")
    results = search_for(page, "征求意见通知 征求意见时间")
    card = results.locator(".pa-result[data-clause^='lg-ai-rules-consultation-notice#']").first
    card.wait_for(state="visible")
    badges = card.locator(".pa-result-head .pa-badge").all_inner_texts()
    assert "征求意见通知" in badges and "正式" not in badges, badges
    # The draft itself is labelled as a draft, and a superseded draft says so.
    results = search_for(page, "深圳市人工智能先锋城市若干措施（征求意见稿） 训力券")
    draft = results.locator(".pa-result[data-clause^='sz-ai-pioneer-measures-2024-draft#']").first
    draft.wait_for(state="visible")
    draft_badges = draft.locator(".pa-result-head .pa-badge").all_inner_texts()
    assert draft_badges[:2] == ["征求意见稿", "已被取代"], draft_badges
    visit.screenshot("search-badges")


# ---------------------------------------------------------------------------------------- 政策问答


def test_chat_citation_feedback_and_labels(visit: Visit) -> None:
    page = visit.open("/")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    # No floating chatbot label over the messages.
    assert page.locator("#pa-chatbot [data-testid='block-label']").count() == 0
    page.locator("#pa-chatbot").get_by_text("深圳市“训力券”怎么申请，最多补贴多少？").first.click()
    marker = page.locator("#pa-chatbot a.pa-cite").first
    marker.wait_for(state="visible")
    # Citation markers look like links.
    assert page.evaluate("(el) => getComputedStyle(el).textDecorationLine", marker.element_handle()) == "underline"
    # Gradio's own message buttons speak Chinese, and are big enough to tap on a phone.
    like = page.locator("#pa-chatbot button[aria-label='赞']").last
    like.wait_for(state="visible")
    assert page.locator("#pa-chatbot button[aria-label='Like'], #pa-chatbot button[aria-label='Copy message']"
                        ).count() == 0
    if visit.viewport == "phone":
        for button in (like, page.locator("#pa-chatbot button[aria-label='踩']").last):
            box = button.bounding_box()
            assert box and box["width"] >= TOUCH_TARGET_PX and box["height"] >= TOUCH_TARGET_PX, box

    # A tapped citation brings its text into view.
    marker.click()
    panel = page.locator("#pa-cite-panel .pa-panel[data-clause]")
    panel.wait_for(state="visible")
    page.wait_for_function("""() => {
        const p = document.querySelector('#pa-cite-panel .pa-panel[data-clause]');
        const r = p && p.getBoundingClientRect();
        return r && r.top >= -1 && r.top < window.innerHeight - 40;
    }""")
    assert "官方原文" in panel.inner_text()
    visit.screenshot("chat-citation")

    # 👍 opens the comment box in view, with a Chinese notification.
    like.click()
    comment = page.locator("#pa-comment-row textarea")
    comment.wait_for(state="visible")
    page.wait_for_function("""() => {
        const r = document.querySelector('#pa-comment-row textarea').getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
    }""")
    toast = page.locator(".toast-body, [data-testid='toast-body']").first
    toast.wait_for(state="visible")
    assert "感谢评价" in toast.inner_text()
    assert not re.search(r"\b(Info|Warning)\b", toast.inner_text()), toast.inner_text()
    visit.screenshot("chat-feedback")


def test_focus_ring_on_send_and_phone_input_size(visit: Visit) -> None:
    page = visit.open("/")
    page.locator("#pa-question textarea").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "pa-send" or \
        page.evaluate("document.activeElement.closest('#pa-send') !== null")
    style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
    assert style[0] != "none" and style[1] >= 2, style
    if visit.viewport == "phone":
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#pa-question textarea')).fontSize)")
        assert size >= 16, size


# ------------------------------------------------------------------------------------------ widget


def test_widget_feedback_and_examples_return(visit: Visit, http: httpx.Client) -> None:
    page = visit.open("/widget")
    examples = page.locator("#pw-suggest button")
    count = examples.count()
    assert count >= 2
    examples.first.click()
    rate = page.locator(".pw-rate-btn").first
    rate.wait_for(state="visible")
    box = rate.bounding_box()
    assert box and box["width"] >= TOUCH_TARGET_PX and box["height"] >= TOUCH_TARGET_PX
    # Citations name the official title and never the provenance of the held copy.
    cites = page.locator(".pw-cites").inner_text()
    assert "来源：" not in cites
    rate.click()
    page.locator(".pw-rate-note").filter(has_text="感谢您的反馈").wait_for(state="visible")
    visit.screenshot("widget-answer")
    page.locator("#pw-new").click()
    assert page.locator("#pw-suggest button").count() == count
    # They still work after 新对话.
    page.locator("#pw-suggest button").nth(1).click()
    page.locator(".pw-rate-btn").first.wait_for(state="visible")


# ----------------------------------------------------------------------------- closed network, axe


def test_page_names_no_outside_host(http: httpx.Client) -> None:
    page = http.get("/").text
    assert re.search(r"<html\s+lang=\"zh-CN\"", page)
    for tag in re.findall(r"<(?:meta|link)\b[^>]*>", page, re.S):
        assert not re.search(r"https?://(?!127\.0\.0\.1|localhost)", tag), tag
    assert "gradio.app" not in " ".join(re.findall(r"<meta\b[^>]*>", page, re.S))


PAGES = {"ask": "政策问答", "search": "条文检索", "precheck": "申报自测"}
# Pages this web work owns; the calculator tab's findings are reported, not asserted here.
OWNED = {"ask", "search", "widget"}


def _axe(page: sync_api.Page) -> list[dict[str, object]]:
    source = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    page.evaluate(source)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    return list(result)


def test_axe_no_serious_violations(visit: Visit) -> None:
    found: dict[str, list[dict[str, object]]] = {}
    page = visit.open("/")
    for key, tab in PAGES.items():
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(500)
        found[key] = _axe(page)
    visit.open("/widget")
    visit.page.locator("#pw-input").wait_for(state="visible")
    found["widget"] = _axe(visit.page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{visit.viewport}.json").write_text(json.dumps(found, ensure_ascii=False, indent=2),
                                                          encoding="utf-8")
    serious = {key: [v for v in violations if v["impact"] in ("serious", "critical")]
               for key, violations in found.items()}
    print(json.dumps(serious, ensure_ascii=False, indent=1))
    owned = {key: v for key, v in serious.items() if key in OWNED and v}
    assert owned == {}, owned
