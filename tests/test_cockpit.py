"""The 驾驶舱 (issue 13 §1): every tile and chart is the registry's figure for the viewer's unit
and period, every number opens a list of the same count, 同比 compares the same days a year
earlier, the periods and bad input, the cache, and every business role lands on it."""

import datetime
import re
from decimal import Decimal

import pytest

from rencai import figures
from rencai.cockpit import panels, tiles
from rencai.figures import CHILD_UNIT, MONTH, Period, Scope
from rencai.training.models import Attendance, TrainingProgram
from tests.test_training import Training

pytestmark = pytest.mark.django_db

BUSINESS = ["county_admin", "chengguan_admin", "chengguan_leader", "chengguan_clerk"]
D = datetime.date


@pytest.fixture
def training(county, people) -> Training:
    return Training(county, people)


def registry_value(key: str, scope: Scope, period: Period):
    return figures.value(key, Scope(scope.unit), period)


@pytest.mark.parametrize("who", BUSINESS)
def test_the_tiles_and_charts_are_the_registry(login, personas, training, who):
    user = getattr(personas, who)
    response = login(user).get("/home/", {"year": 2026, "period": "year"})
    assert response.status_code == 200
    context = response.context
    scope, period = Scope(user.org, user), Period.year(2026)
    assert context["unit"] == user.org
    declared = tiles.tiles()
    assert [t.main.key for t in context["tiles"]] == [t.figure for t in declared]
    for view, tile in zip(context["tiles"], declared, strict=True):
        for key in tile.figure_keys():
            shown = next(
                s
                for s in (view.main, view.new, view.target, view.progress, view.time_progress)
                if s and s.key == key
            )
            assert shown.value == registry_value(key, scope, period), key
            assert shown.url == figures.figure(key).url(Scope(user.org), period), key
    for view, chart in zip(context["charts"], tiles.charts(), strict=True):
        f = figures.figure(chart.figure)
        if chart.kind == "gauge":
            assert view.items[0].value == registry_value(chart.figure, scope, period)
            continue
        lines = f.lines(chart.breakdown, Scope(user.org), period)
        assert [(i.label, i.value, i.url) for i in view.items] == [
            (str(line.label), line.value, line.url) for line in lines
        ], chart.title


def test_the_page_shows_the_seed_numbers(login, personas, training, county):
    """The county: 3 人次 of 3 people in 2026 against the target of 6000."""
    html = login(personas.county_admin).get("/home/?year=2026&period=year").content.decode()
    tile = html.split('id="tile-training.attendance"')[1].split("</div></div>")[0]
    assert re.search(r'data-figure="training.attendance">3</a>', tile)
    assert re.search(r'data-figure="training.target">6000</a>|>6000<', tile)
    assert "目标完成率" in tile and "时间进度" in tile
    assert re.search(r'data-figure="training.trainees">3</a>', html)
    for element_id in ("chart-1-data", "cockpit-tiles", "cockpit-charts"):
        assert f'id="{element_id}"' in html
    assert '<script id="chart-1-data" type="application/json">' in html
    assert "vendor/echarts/echarts.min.js" in html and "rencai/cockpit.js" in html
    assert "<script>" not in html and "style=" not in html  # the CSP: no inline script or style


def test_the_outsider_sees_nothing_of_chengguan(login, personas, training, county):
    client = login(personas.outsider_admin)
    own = client.get("/home/").content.decode()
    assert "城关镇" not in own.split('id="cockpit-tiles"')[1]
    response = client.get("/home/", {"org": county.chengguan.pk})
    assert response.status_code == 200
    assert "unit" not in response.context and "tiles" not in response.context
    assert "选择一个有效的选项" in response.content.decode()


def count_on_list(client, url: str) -> int:
    """The count a list page states: 共 N 人 / 人次 / 个 …"""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    found = re.search(r'<span id="[a-z-]*count">(\d+)</span>', html) or re.search(
        r"共 (\d+) 人", html
    )
    assert found, url
    return int(found.group(1))


@pytest.mark.parametrize(
    "who, query",
    [
        ("county_admin", "year=2026&period=year"),
        ("chengguan_admin", "year=2026&period=h1"),
        ("county_admin", "year=2026&period=q1"),
        ("chengguan_clerk", "year=2026&period=year"),
    ],
)
def test_every_number_opens_a_list_of_the_same_count(login, personas, training, who, query):
    """Tiles, 同比, and every element of every chart (the data table under it): each link's
    list shows the number. Percentages link to the rows of their numerator and are left out."""
    client = login(getattr(personas, who))
    html = client.get(f"/home/?{query}").content.decode()
    links = re.findall(r'<a href="([^"]+)" data-figure="([^"]+)">(\d+)</a>', html)
    assert len(links) >= 8, links
    for url, key, number in links:
        if figures.figure(key.split(":")[0]).measure == "%":
            continue
        assert count_on_list(client, url.replace("&amp;", "&")) == int(number), (key, url)


def test_year_on_year_on_a_two_year_ledger(login, personas, training, county, people):
    """同比 compares the days of the period counted so far with the same days a year earlier:
    a 2025 course that ended in May counts; one ending on 28 December 2025 is past today's
    date of a year ago and does not."""
    may = TrainingProgram.objects.create(
        name="2025年养殖培训",
        category=training.farming,
        organiser=county.chengguan,
        start_date=D(2025, 5, 10),
        end_date=D(2025, 5, 12),
    )
    late = TrainingProgram.objects.create(
        name="2025年冬季培训",
        category=training.farming,
        organiser=county.chengguan,
        start_date=D(2025, 12, 28),
        end_date=D(2025, 12, 28),
    )
    Attendance.objects.create(program=may, person=people.zhang_san)
    Attendance.objects.create(program=may, person=people.li_si)
    Attendance.objects.create(program=late, person=people.wang_wu)
    client = login(personas.county_admin)
    context = client.get("/home/?year=2026&period=year").context
    tile = next(t for t in context["tiles"] if t.main.key == "training.attendance")
    (yoy,) = tile.year_on_year
    assert yoy.now.value == 3 and yoy.before.value == 2
    assert yoy.change == panels.change_percent(3, 2) == 50 and str(yoy.change) == "50.0"
    assert yoy.period.start == D(2025, 1, 1) and yoy.period.end < D(2025, 12, 28)
    assert count_on_list(client, yoy.before.url) == 2
    people_tile = next(t for t in context["tiles"] if t.main.key == "people.active")
    assert [y.now.key for y in people_tile.year_on_year] == ["people.new"]  # 在册人才: stock
    html = client.get("/home/?year=2026&period=year").content.decode()
    assert '同比增长 <span class="yoy-change">50.0%</span>' in html
    # 2025 has no 2024 to compare with: the number a year earlier is 0, no percentage
    context = client.get("/home/?year=2025&period=year").context
    tile = next(t for t in context["tiles"] if t.main.key == "training.attendance")
    assert tile.year_on_year[0].before.value == 0 and tile.year_on_year[0].change is None


def test_change_percent_and_the_day_a_year_earlier():
    assert panels.change_percent(1, 3) == Decimal("-66.7")
    assert str(panels.change_percent(1, 3)) == "-66.7"
    assert panels.change_percent(5, 0) is None and panels.change_percent(None, 3) is None
    assert panels.a_year_earlier(D(2028, 2, 29)) == D(2027, 2, 28)


def test_a_period_not_begun_has_no_year_on_year(login, personas, training):
    context = login(personas.county_admin).get("/home/?year=2099&period=year").context
    assert all(not tile.year_on_year for tile in context["tiles"])


@pytest.mark.parametrize(
    "query, period",
    [
        ("period=year", Period.year(2026)),
        ("period=h1", Period.half(2026, 1)),
        ("period=h2", Period.half(2026, 2)),
        ("period=q2", Period.quarter(2026, 2)),
        ("period=custom&start=2026-03-01&end=2026-03-31", Period(D(2026, 3, 1), D(2026, 3, 31))),
    ],
)
def test_each_period_is_asked_of_the_registry(login, personas, training, query, period):
    user = personas.county_admin
    context = login(user).get(f"/home/?year=2026&{query}").context
    assert context["period"] == period
    tile = next(t for t in context["tiles"] if t.main.key == "training.attendance")
    assert tile.main.value == figures.value("training.attendance", Scope(user.org), period)


@pytest.mark.parametrize(
    "query, message",
    [
        ("period=custom", "自定义期间须填写开始日期和结束日期"),
        ("period=custom&start=2026-05-01&end=2026-04-01", "结束日期早于开始日期"),
        ("period=custom&start=2026-13-01&end=2026-04-01", "输入一个有效的日期"),
        ("period=custom&start=1900-01-01&end=2026-04-01", "日期超出范围"),
        ("period=decade", "选择一个有效的选项"),
        ("year=abc", "输入整数"),
        ("year=99999", "小于或等于2100"),
        ("org=abc", "选择一个有效的选项"),
    ],
)
def test_bad_input_is_a_chinese_message(login, personas, query, message):
    response = login(personas.county_admin).get(f"/home/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "tiles" not in response.context


def test_the_month_line_is_one_pass_and_adds_up(login, personas, training, county):
    """培训人次 month by month: one line per month of the period, the months adding up to the
    figure, each month's list showing its number."""
    client = login(personas.county_admin)
    scope, period = Scope(county.county), Period.half(2026, 1)
    lines = figures.figure("training.attendance").lines(MONTH, scope, period)
    assert [line.label for line in lines] == ["1月", "2月", "3月", "4月", "5月", "6月"]
    assert [line.value for line in lines] == [0, 0, 2, 1, 0, 0]
    assert sum(line.value for line in lines) == figures.value("training.attendance", scope, period)
    for line in lines:
        assert count_on_list(client, line.url) == line.value
    custom = Period(D(2025, 12, 15), D(2026, 3, 3))
    lines = figures.figure("training.attendance").lines(MONTH, scope, custom)
    assert [line.label for line in lines] == ["2025年12月", "2026年1月", "2026年2月", "2026年3月"]
    assert lines[-1].value == 0  # the course ends on 4 March
    assert figures.months(custom)[0] == Period(D(2025, 12, 15), D(2025, 12, 31))


def test_a_township_breaks_down_to_its_villages(login, personas, training, county):
    context = login(personas.chengguan_admin).get("/home/?year=2026").context
    bars = next(c for c in context["charts"] if c.title == "培训人次按下级单位")
    names = [item.label for item in bars.items]
    assert names == [c.name for c in Scope(county.chengguan).children]
    assert sum(item.value for item in bars.items) <= 1  # 张三 of 东关村 (王五 lives in 青山镇)
    people = next(c for c in context["charts"] if c.kind == "treemap")
    assert people.items and all(item.url for item in people.items)


def test_the_figures_are_cached_until_a_record_changes(login, personas, training, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(personas.chengguan_admin)

    def attendance() -> int:
        context = client.get("/home/?year=2026").context
        return next(t for t in context["tiles"] if t.main.key == "training.attendance").main.value

    with CaptureQueriesContext(connection) as cold:
        assert attendance() == 1
    with CaptureQueriesContext(connection) as warm:
        assert attendance() == 1
    assert len(warm) < len(cold) - 5
    Attendance.objects.create(program=training.qingshan_course, person=people.zhang_san)
    assert attendance() == 2  # 张三 of 东关村 at 青山镇's course counts for 城关镇


def test_the_report_and_table_links_follow_the_period(login, personas, training, county):
    from django.urls import NoReverseMatch, reverse

    html = login(personas.county_admin).get("/home/?year=2026&period=q3").content.decode()
    for name, element_id in (("statements:download", "statements-link"),
                             ("reports:new", "report-link")):  # fmt: skip
        try:
            url = reverse(name)
        except NoReverseMatch:
            assert f'id="{element_id}"' not in html
            continue
        assert f'id="{element_id}" href="{url}?unit={county.county.pk}&amp;period=2026Q3"' in html
        assert figures.parse_period("2026Q3") == Period.quarter(2026, 3)


@pytest.mark.parametrize("who", BUSINESS)
def test_every_business_role_lands_on_the_cockpit(login, personas, who):
    client = login(getattr(personas, who))
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/home/"
    assert "驾驶舱" in response.content.decode()


def test_the_security_roles_cannot_open_it(login, personas):
    for who in ("sysadmin", "secadmin", "auditor"):
        assert login(getattr(personas, who)).get("/home/").status_code == 403


def test_the_declarations_name_registered_figures():
    registered = figures.registry()
    for tile in tiles.tiles():
        assert set(tile.figure_keys()) <= set(registered), tile
        assert set(tile.year_on_year) <= set(tile.figure_keys()), tile
    for chart in tiles.charts():
        f = registered[chart.figure]
        assert chart.breakdown in {b.key for b in f.breakdowns} | {""}, chart
    kinds = {chart.kind for chart in tiles.charts()}
    assert {"bar", "line", "gauge"} <= kinds and kinds & {"pie", "treemap"}
    assert any(chart.breakdown == CHILD_UNIT for chart in tiles.charts())
    with pytest.raises(ValueError):
        tiles.Chart("x", "radar", "people.active", 1, "category")


def test_a_chart_of_no_numbers_says_so(login, personas, training):
    """报送率 of a year without a census round: no empty chart, a sentence instead."""
    response = login(personas.county_admin).get("/home/?year=2026")
    rates = next(c for c in response.context["charts"] if c.items[0].key.startswith("census."))
    assert not rates.drawable
    html = response.content.decode()
    assert f'id="{rates.element_id}"' not in html and "本期没有可画的数" in html
