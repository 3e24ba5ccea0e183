"""In Chromium at a phone's 390×844: the 统计报表 page is usable (nothing squeezed, no sideways
scroll), the unit picker offers the clerk's jurisdiction only, and 下载统计报表 downloads the
workbook of the picked unit. Needs Chromium as tests/test_browser.py does."""

import openpyxl
import pytest
from test_browser import log_in, screenshot
from test_browser_phone import PHONE, PROBLEMS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_statements_page_on_a_phone_downloads_the_workbook(
    live_server, personas, people, browser, tmp_path
):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, accept_downloads=True)
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        log_in(page, live_server.url, personas.chengguan_admin.username)
        page.goto(live_server.url + "/statements/")
        problems = page.evaluate(PROBLEMS)
        screenshot(page, "phone_statements.png")
        assert not problems["squeezed"] and not problems["wide"], problems
        offered = page.eval_on_selector_all(
            "select[name=unit] option", "options => options.map(o => o.textContent.trim())"
        )
        assert offered[0] == "城关镇" and "青山镇" not in offered and "示范县" not in offered
        page.fill("input[name=period]", "2026H1")
        with page.expect_download() as download:
            page.get_by_role("button", name="下载统计报表").click()
        path = tmp_path / "statements.xlsx"
        download.value.save_as(path)
        assert download.value.suggested_filename.startswith("统计报表-城关镇-2026H1")
        book = openpyxl.load_workbook(path)
        assert book["人才资源总量及结构"]["A2"].value == "填报单位：示范县/城关镇"
    finally:
        context.close()
