"""申报自测 in a real browser (Debian chromium) on a phone (390×844) and a laptop (1366×900): the unit
selector, results as cards or a table, readable hints, stale messages cleared, 清空 asking first, and
the batch upload. Screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from ui_helpers import ARTIFACTS, BROWSER_MARKS, TIMEOUT_MS

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (test extra)")
pytestmark = BROWSER_MARKS

# WCAG relative luminance contrast of the element's text colour against white.
CONTRAST_JS = """(el) => {
  const rgb = getComputedStyle(el).color.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
  const L = 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
  return 1.05 / (L + 0.05);
}"""




@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server) -> Iterator[sync_api.Page]:
    """The 申报自测 tab at one viewport; afterwards: no other host called, no script error."""
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    external: list[str] = []
    errors: list[str] = []
    origin = urlsplit(live_server).netloc
    tab.on("request", lambda r: external.append(r.url) if urlsplit(r.url).netloc not in ("", origin)
           and urlsplit(r.url).scheme not in ("data", "blob") else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(live_server + "/")
    tab.get_by_role("tab", name="申报自测").click()
    tab.locator("#pa-precheck-form").wait_for(state="visible")
    tab.viewport_name = request.param  # type: ignore[attr-defined]
    try:
        yield tab
    finally:
        context.close()
    assert external == [] and errors == [], (external, errors)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"precheck-{page.viewport_name}-{name}.png"), full_page=True)


def pick(page, elem_id: str, option: str) -> None:
    page.locator(f"#{elem_id} input").first.click()
    page.get_by_role("option", name=option, exact=True).click()


def amount_box(page, key: str):
    return page.locator(f"#pa-field-{key} input, #pa-field-{key} textarea").first


def fill_longgang_enterprise(page) -> None:
    pick(page, "pa-field-org_type", "法人企业")
    for field in ("registered_in_longgang", "independent_legal_person", "tax_in_longgang", "stats_in_longgang"):
        page.locator(f"#pa-field-{field}").get_by_label("是", exact=True).check()


def test_unit_selector_and_results_layout(page) -> None:
    box = amount_box(page, "compute_expense_wan")
    assert box.get_attribute("inputmode") == "decimal"
    fill_longgang_enterprise(page)
    box.fill("8000000")
    pick(page, "pa-unit-compute_expense_wan", "元")  # 8,000,000元 = 800万元 → 800 × 30% = 240
    page.locator("#pa-precheck-run").click()
    card = page.locator("#pa-precheck-result .pa-pc-card[data-item='lg-compute']")
    card.wait_for(state="visible")
    assert "240.00 万元" in card.inner_text() and "800万元 × 30%" in card.inner_text()
    width = VIEWPORTS[page.viewport_name]["width"]
    assert card.bounding_box()["width"] <= width
    table = page.locator("#pa-precheck-result .pa-pc-table")
    if page.viewport_name == "phone":
        assert not table.is_visible()  # one card per item instead
    else:
        status = table.locator("tr.pa-status-eligible .pa-pc-status").first
        assert status.inner_text() == "符合条件"
        assert status.evaluate("el => getComputedStyle(el).whiteSpace") == "nowrap"
        assert status.bounding_box()["height"] < 40  # one line, not one per two characters
    hint = page.locator("#pa-field-is_startup").get_by_text("只影响", exact=False).first
    assert hint.evaluate(CONTRAST_JS) >= 4.5
    assert page.locator("#pa-precheck-download").is_visible()
    assert page.locator("#pa-precheck-download-html").is_visible()
    shot(page, "result")

    # A bad amount: a Chinese message by the field; once corrected, no stale message remains.
    box.fill("两千五")
    page.locator("#pa-precheck-run").click()
    page.locator("#pa-error-compute_expense_wan .pa-field-error").filter(has_text="数字").wait_for()
    assert "请按提示修改" in page.locator("#pa-error-_form").inner_text()
    shot(page, "error")
    box.fill("2500")
    pick(page, "pa-unit-compute_expense_wan", "万元")
    page.locator("#pa-precheck-run").click()
    page.locator("#pa-precheck-result .pa-pc-card[data-item='lg-compute']").filter(has_text="600.00").wait_for()
    assert page.locator("#pa-error-_form").inner_text().strip() == ""
    assert page.locator(".pa-field-error").count() == 0

    # 清空 asks first: dismissed keeps everything, accepted clears.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("#pa-precheck-reset").click()
    page.wait_for_timeout(500)
    assert box.input_value() == "2500"
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#pa-precheck-reset").click()
    page.locator("#pa-precheck-result .pa-pc-card").first.wait_for(state="detached")
    assert box.input_value() == ""


def test_batch_upload(page, tmp_path) -> None:
    listing = tmp_path / "名单.csv"
    listing.write_bytes("单位名称,主体类型,纳税地在龙岗区,购买算力的费用（万元）\n甲公司,法人企业,是,300\n乙,也许,,\n"
                        .encode("gb18030"))
    page.get_by_text("批量筛查（上传 CSV 名单）").click()
    # The accordion opens with an animation: wait for it rather than look at once (flaky on a loaded machine).
    page.locator("#pa-batch-template").wait_for(state="visible", timeout=TIMEOUT_MS)
    page.locator("#pa-batch-file input[type=file]").set_input_files(str(listing))
    page.locator("#pa-batch-run").click()
    summary = page.locator("#pa-batch-summary .pa-pc-batch-summary")
    summary.wait_for(state="visible")
    assert "已筛查 2 个单位" in summary.inner_text() and "1 行有误" in summary.inner_text()
    download = page.locator("#pa-batch-download")
    download.wait_for(state="visible")
    with page.expect_download() as info:
        download.click()
    text = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    assert text.count("\n") == 1 + 12 + 1 and "甲公司" in text
    shot(page, "batch")
