"""In Chromium at a phone's 390×844: a township leader drafts the half-year report, reads the
preview, saves it and reads the saved report — no text squeezed, no page scrolling sideways
(the checks of tests/test_browser_phone.py)."""

import pytest
from test_browser import log_in, screenshot
from test_browser_phone import PHONE, PROBLEMS

from rencai.reports.models import Report
from tests.seed_county import seeded_county  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_leader_drafts_and_saves_on_a_phone(live_server, personas, seeded_county, browser):  # noqa: F811
    s = seeded_county
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, live_server.url, personas.chengguan_leader.username)
        town = s.unit("城关镇")
        page.goto(f"{live_server.url}/reports/new/?unit={town.pk}&period={s.h1}")
        assert "完成年度目标 6000 人次的 50.0%" in page.locator("#report-preview").inner_text()
        problems = page.evaluate(PROBLEMS)
        assert not problems["squeezed"] and not problems["wide"], problems
        page.click("#report-save button[type=submit]")
        page.wait_for_load_state()
        report = Report.objects.get()
        assert page.url.endswith(f"/reports/{report.pk}/")
        assert page.locator("#no-changes").is_visible()
        problems = page.evaluate(PROBLEMS)
        screenshot(page, "phone_report_detail.png")
        assert not problems["squeezed"] and not problems["wide"], problems
    finally:
        context.close()
