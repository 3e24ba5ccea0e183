"""In a real Chromium: the 驾驶舱's charts are drawn from the package's ECharts, and a click on a
chart's bar or on a tile's number opens the list of exactly that many rows.

Story: the county admin opens the 驾驶舱 at a desktop's 1366×900 and clicks 青山镇's bar of
培训人次按下级单位 — the ledger opens with as many 人次 as the bar said; back on the page they
click the 培训人次 tile and the ledger again shows its number. On a phone's 390×844 the tiles wrap
and the charts stack: the page never scrolls sideways. No policy violation on the way (the chart
data is in application/json blocks, the scripts are files). Needs Chromium as
tests/test_browser.py does.
"""

import re

import pytest
from test_browser import log_in
from test_browser_phone import PROBLEMS
from test_browser_xss import Watch

from tests.test_training import Training

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Where on the page an element of a chart is: its bar's middle, from ECharts' own coordinates.
BAR_POINT = """
([id, name]) => {
  const chart = window.rencaiCharts[id];
  const data = chart.getOption().series[0].data;
  const index = data.findIndex(d => d.name === name);
  const end = chart.convertToPixel({seriesIndex: 0}, [data[index].value, index]);
  const start = chart.convertToPixel({seriesIndex: 0}, [0, index]);
  const box = chart.getDom().getBoundingClientRect();
  return {x: box.left + (start[0] + end[0]) / 2, y: box.top + end[1], value: data[index].value};
}
"""


def listed_count(page) -> int:
    page.wait_for_load_state()
    found = re.search(r'<span id="attendance-count">(\d+)</span>', page.content())
    assert found, page.url
    return int(found.group(1))


def chart_id(page, title: str) -> str:
    heading = page.locator("#cockpit-charts h2", has_text=title)
    return heading.locator("xpath=..").locator(".cockpit-chart").get_attribute("id")


def test_a_bar_and_a_tile_open_lists_of_their_number(live_server, personas, county, people, page):
    Training(county, people)
    watch = Watch(page)
    page.set_viewport_size(DESKTOP)
    base = live_server.url
    log_in(page, base, personas.county_admin.username)
    page.goto(base + "/home/?year=2026&period=year")
    page.wait_for_function("window.rencaiCharts && Object.keys(window.rencaiCharts).length > 3")
    bars = chart_id(page, "培训人次按下级单位")
    page.locator(f"#{bars}").scroll_into_view_if_needed()
    point = page.evaluate(BAR_POINT, [bars, "青山镇"])
    assert point["value"] == 2  # 李四 and 王五 live in 石桥村, 青山镇
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r"/training/attendances/"))
    assert listed_count(page) == 2

    page.goto(base + "/home/?year=2026&period=year")
    tile = page.locator('[id="tile-training.attendance"] a[data-figure="training.attendance"]')
    shown = int(tile.first.inner_text())
    assert shown == 3
    tile.first.click()
    page.wait_for_url(re.compile(r"/training/attendances/"))
    assert listed_count(page) == shown
    assert watch.violations(page) == []


def test_the_phone_gets_every_chart_without_sideways_scroll(
    live_server, personas, county, people, page
):
    Training(county, people)
    watch = Watch(page)
    page.set_viewport_size(PHONE)
    base = live_server.url
    log_in(page, base, personas.chengguan_leader.username)
    page.goto(base + "/home/?year=2026&period=h1")
    page.wait_for_load_state("networkidle")
    drawn = page.evaluate("Object.keys(window.rencaiCharts || {}).length")
    assert drawn == page.locator(".cockpit-chart").count() >= 5
    problems = page.evaluate(PROBLEMS)
    assert problems == {"squeezed": [], "wide": 0}, problems
    widths = page.eval_on_selector_all(
        ".cockpit-chart canvas", "cs => cs.map(c => c.getBoundingClientRect().width)"
    )
    assert widths and max(widths) <= 390
    assert watch.violations(page) == []
