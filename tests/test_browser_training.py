"""In a real Chromium: the 培训概况 page's numbers lead to ledger lists of the same count.

Story: the county admin opens 人才培育 from the menu, reads the year's 培训人次, clicks it and
finds the 培训台账 showing exactly that many 人次; back on the overview, 城关镇's number in the
per-unit table does the same. Needs Chromium as tests/test_browser.py does."""

import re

import pytest
from test_browser import log_in, screenshot

from tests.test_training import Training

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_overview_numbers_open_lists_of_the_same_count(live_server, personas, county, people, page):
    Training(county, people)
    log_in(page, live_server.url, personas.county_admin.username)
    page.get_by_role("link", name="人才培育").click()
    page.wait_for_url(re.compile(r"/training/$"))
    # the dataset's year, whatever today's is
    page.select_option("#id_period", "year")
    page.fill("#id_year", "2026")
    page.click("#overview-filter button[type=submit]")
    page.wait_for_url(re.compile(r"/training/\?.*year=2026"))
    screenshot(page, "training_overview.png")

    total = page.locator("#figure-total")
    number = int(total.inner_text())
    assert number == 3
    total.click()
    page.wait_for_url(re.compile(r"/training/attendances/\?"))
    assert int(page.locator("#attendance-count").inner_text()) == number
    screenshot(page, "training_ledger.png")

    page.go_back()
    row = page.locator("#by-unit tbody tr").filter(has_text="城关镇")
    link = row.locator("td").nth(1).get_by_role("link")
    number = int(link.inner_text())
    assert number == 1  # 张三; 王五 lives in 青山镇
    link.click()
    page.wait_for_url(re.compile(r"/training/attendances/\?.*scope="))
    assert int(page.locator("#attendance-count").inner_text()) == number


def test_a_trainee_is_enrolled_by_typing_a_name(live_server, personas, county, people, page):
    """登记学员 (issue 12 item 11): typing 拼音首字母 offers 张三 masked (htmx); picking enrols."""
    training = Training(county, people)
    program = training.qingshan_course
    log_in(page, live_server.url, personas.county_admin.username)
    page.goto(f"{live_server.url}/training/programs/{program.pk}/")
    page.fill("#id_id_number", "zs")
    choice = page.locator(f"#enrol-person-{people.zhang_san.pk}")
    choice.wait_for()
    label = page.locator("#enrol-choices").inner_text()
    assert people.zhang_san.masked_id_number in label and "东关村" in label
    assert people.zhang_san.id_number not in label
    choice.check()
    page.click("#enrol-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/training/programs/{program.pk}/$"))
    assert "张三" in page.locator("#attendee-table").inner_text()
