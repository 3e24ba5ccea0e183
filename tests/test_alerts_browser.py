"""The 预警 badge and inbox in a real Chromium at a phone's 390×844: the badge stays in sight
with the menu folded, leads to the inbox, and marking an item as seen lowers it; the inbox and
the 数据质量 page neither squeeze text nor scroll sideways. Needs Chromium (test_browser.py)."""

import pytest
from test_browser import log_in, screenshot
from test_browser_phone import PHONE, PROBLEMS

from tests.test_alerts import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_badge_and_the_inbox_on_a_phone(live_server, county, people, personas, browser):
    World(county, people, personas)
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, live_server.url, personas.chengguan_admin.username)
        page.goto(live_server.url + "/people/")
        badge = page.locator("#alert-badge")
        assert badge.is_visible() and page.locator("#mainnav").is_hidden()
        assert badge.inner_text().split() == ["预警", "5"]
        badge.click()
        page.wait_for_url(live_server.url + "/alerts/")
        assert page.locator(".alert-unseen li").count() == 5
        problems = page.evaluate(PROBLEMS)
        screenshot(page, "phone_alerts_inbox.png")
        assert problems == {"squeezed": [], "wide": 0}
        page.locator(".alert-unseen button").first.click()
        page.wait_for_load_state("networkidle")
        assert page.locator("#alert-badge").inner_text().split() == ["预警", "4"]
        assert page.locator(".alert-seen li").count() == 1
        page.goto(live_server.url + "/alerts/quality/")
        assert page.locator("#quality-table tbody tr").count() == 4  # 城关镇 and its 3 units
        problems = page.evaluate(PROBLEMS)
        screenshot(page, "phone_alerts_quality.png")
        assert problems == {"squeezed": [], "wide": 0}
    finally:
        context.close()
