"""The knowledge-base admin page in real headless Chromium: a wrong token is refused; log in, upload a Word file
the test makes, fix a metadata field, publish, see the public answer cite it; disable it and see it go.
Screenshots go to test-artifacts/; the page makes no request to another host."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from servers import ThreadedServer
from ui_helpers import ADMIN_TOKEN, ARTIFACTS, BROWSER_MARKS, make_docx

from assistant.service import PolicyAssistant
from assistant.settings import Settings

TIMEOUT_MS = 120_000  # publishing rebuilds the index
DOC_ID = "browser-starbay-voucher"
QUESTION = "星湾算力券每张面值多少？"

pytestmark = BROWSER_MARKS

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings,
                 policy_assistant: PolicyAssistant) -> Iterator[str]:
    """The app over a data dir of its own (the test changes the corpus), from a copy of the session's index."""
    from ui.app import create_app

    data = tmp_path_factory.mktemp("pa-admin-browser")
    shutil.copytree(built_settings.index_dir, data / "index", symlinks=True)
    settings = built_settings.model_copy(update={"data_dir": data, "admin_token": ADMIN_TOKEN,
                                                 "rate_limit_per_minute": 0})
    server = ThreadedServer(create_app(settings)).start()  # with the web app: the chat tab is asked
    try:
        yield server.base_url
    finally:
        server.stop()


def cited_docs(base_url: str) -> set[str]:
    answer = httpx.post(f"{base_url}/api/ask", json={"question": QUESTION}, timeout=60).json()
    return {c["doc_id"] for c in answer["citations"]}


def chat_cited_clauses(page: sync_api.Page, base_url: str) -> list[str]:
    """Ask QUESTION in the 政策问答 tab as the public would; the clause ids its citation markers link to."""
    page.goto(base_url + "/")
    page.get_by_role("tab", name="政策问答").click()
    page.locator("#pa-question textarea, #pa-question input").first.fill(QUESTION)
    page.keyboard.press("Enter")
    page.locator("#pa-chatbot a.pa-cite").first.wait_for(state="visible")
    hrefs = page.locator("#pa-chatbot a.pa-cite").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return [unquote(h.removeprefix("#cite:")) for h in hrefs if h]


def test_admin_upload_fix_publish_ask_disable(browser: sync_api.Browser, admin_server: str, tmp_path: Path) -> None:
    docx_file = tmp_path / "星湾算力券兑换办法.docx"
    docx_file.write_bytes(make_docx())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    external: list[str] = []
    errors: list[str] = []
    context = None
    try:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        origin = urlsplit(admin_server).netloc
        page.on("request", lambda r: external.append(r.url)
                if urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != origin else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{admin_server}/admin")

        # A wrong token is refused and the page stays closed.
        page.fill("#token", "not-the-token")
        page.click("#login button")
        page.locator("#login-error").filter(has_text="管理令牌不正确").wait_for()
        assert page.locator("#app").is_hidden()
        page.screenshot(path=str(ARTIFACTS / "admin-wrong-token.png"))

        page.fill("#token", ADMIN_TOKEN)
        page.click("#login button")
        page.locator("#docs tbody tr").first.wait_for()
        assert page.locator("#pending tbody tr").count() > 0  # 待收录 entries
        page.screenshot(path=str(ARTIFACTS / "admin-documents.png"), full_page=True)

        page.click("nav button[data-tab=upload]")
        page.set_input_files("#file", str(docx_file))
        page.fill("#upload-doc-id", DOC_ID)
        page.click("#upload-form button[type=submit]")
        page.locator("#preview").wait_for(state="visible")
        assert "第二条" in page.locator("#clauses").inner_text()
        assert "一千元" in page.input_value("#body")
        page.fill("#meta-form input[name=title]", "深圳市龙岗区星湾算力券兑换办法")
        page.screenshot(path=str(ARTIFACTS / "admin-preview.png"), full_page=True)
        assert DOC_ID not in cited_docs(admin_server)

        page.click("#publish")
        page.locator("#message").filter(has_text="已发布").wait_for()
        row = page.locator(f"#docs tbody tr[data-doc={DOC_ID}]")
        row.wait_for()
        assert "深圳市龙岗区星湾算力券兑换办法" in row.inner_text()
        page.screenshot(path=str(ARTIFACTS / "admin-published.png"), full_page=True)
        assert DOC_ID in cited_docs(admin_server)

        # The public chat answers from the new document and cites it.
        chat = context.new_page()
        chat.on("pageerror", lambda exc: errors.append(str(exc)))
        assert any(c.startswith(f"{DOC_ID}#") for c in chat_cited_clauses(chat, admin_server))
        chat.screenshot(path=str(ARTIFACTS / "admin-published-chat.png"), full_page=True)
        chat.close()

        # The hit test shows the ranked clauses and the public answer.
        page.click("nav button[data-tab=hits]")
        page.fill("#hit-q", QUESTION)
        page.click("#hit-form button")
        page.locator("#hit-answer").filter(has_text=DOC_ID).wait_for()
        assert DOC_ID in page.locator("#hits li").first.inner_text()
        page.screenshot(path=str(ARTIFACTS / "admin-hit-test.png"), full_page=True)

        page.click("nav button[data-tab=docs]")
        page.locator(f"#docs tbody tr[data-doc={DOC_ID}] button[data-act=disable]").click()
        page.locator("#message").filter(has_text="已停用").wait_for()
        page.locator(f"#docs tbody tr.disabled[data-doc={DOC_ID}]").wait_for()
        page.screenshot(path=str(ARTIFACTS / "admin-disabled.png"), full_page=True)
        assert DOC_ID not in cited_docs(admin_server)
    finally:
        if context is not None:
            context.close()
    assert external == [], f"the page called other hosts: {external}"
    assert errors == [], f"script errors on the page: {errors}"
