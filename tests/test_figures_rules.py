"""The figures layer's rules (issue 11 item 5): the ledger counts what has happened, one rule for
a figure and the progress beside it; every 口径 states its rules; the 培训概况 and the 工作台 read
the registry; every count figure breaks down by child unit into exactly the child's own figure;
census figures take a Scope; the registry and the pages agree for the county, a township and the
outsider township (a drill-down list saying the figure's unit: tests/test_figure_lists.py)."""

import datetime
import re
from dataclasses import replace

import pytest
from django.utils import timezone

from rencai import figures
from rencai.census import figures as census_figures
from rencai.figures import CHILD_UNIT, Period, Scope
from rencai.orgs.models import OrgUnit
from rencai.training import figures as tf
from rencai.training import ledger_figures
from rencai.training.models import Attendance, TrainingCategory, TrainingProgram, TrainingTarget
from tests.test_figures_registry import world  # noqa: F401 -- the fixture, shared
from tests.test_training_figures import Results

DAY = datetime.timedelta(days=1)


@pytest.fixture
def day(monkeypatch) -> datetime.date:
    """Today, with a day after it in the same year (on 31 December the clock is set a day back:
    the rule needs a program that ends later this year)."""
    found = timezone.localdate()
    if (found.month, found.day) == (12, 31):
        found -= DAY
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: found)
    return found


def course(name, organiser, end, trainees, category="种养殖技术") -> TrainingProgram:
    program = TrainingProgram.objects.create(
        name=name,
        category=TrainingCategory.objects.get(name=category),
        organiser=organiser,
        start_date=end,
        end_date=end,
    )
    for person in trainees:
        Attendance.objects.create(program=program, person=person)
    return program


@pytest.fixture
def planned(county, people, day):
    """城关镇 trained 张三 and 王五 today; a course planned to end tomorrow has 张三 and 李四
    enrolled already (李四 only there, in another category). The county's target is 10."""
    course("已结束的班", county.chengguan, day, [people.zhang_san, people.wang_wu])
    course("计划中的班", county.chengguan, day + DAY, [people.zhang_san, people.li_si], "其他技术")
    TrainingTarget.objects.create(year=day.year, org=county.county, attendances=10)


def test_a_program_ending_after_today_counts_once_it_has_ended(
    login, personas, county, people, planned, day, monkeypatch
):
    """全年 培训人次 is what has happened: the planned course is not in it, and the number, the
    progress beside it on the page and the registry's value are one number."""
    year = Period.year(day.year)
    page = login(personas.county_admin).get("/training/", {"year": day.year, "period": "year"})
    total, total_url = page.context["total"]
    progress = page.context["own_progress"][0]
    scope = Scope(county.county)
    assert total == progress.achieved == figures.value("training.attendance", scope, year) == 2
    assert figures.value("training.achieved", scope, year) == 2
    assert figures.value("training.trainees", scope, year) == 2  # 李四 has not been trained yet
    assert tf.attendances(county.county, year) == tf.progress(county.county, day.year).achieved
    assert page.context["people"][0] == 2
    assert [row.name for row in page.context["by_category"]] == ["种养殖技术"]
    assert progress.until == day and f"end={day.isoformat()}" in total_url
    assert figures.value("training.time_progress", scope, year) == progress.expected_percent
    count = re.search(r'id="attendance-count">(\d+)<', page.client.get(total_url).content.decode())
    assert int(count.group(1)) == 2
    # tomorrow the course has ended: it counts, everywhere alike
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day + DAY)
    scope = Scope(county.county)
    assert figures.value("training.attendance", scope, year) == 4
    assert figures.value("training.trainees", scope, year) == 3
    assert tf.progress(county.county, day.year).achieved == 4


def test_a_period_that_begins_after_today_counts_nothing(
    login, personas, county, people, planned, day
):
    later = Period(day + DAY, day + 2 * DAY)
    scope = Scope(county.county)
    assert figures.value("training.attendance", scope, later) == 0
    assert figures.value("training.organised", scope, later) == 0
    assert tf.attendances(county.county, later) == 0
    assert Period(day, day + DAY).to(day) == Period(day, day)
    assert later.to(day) is None
    next_year = Period.year(day.year + 1)
    assert figures.value("training.time_progress", scope, next_year) == 0
    assert figures.value("training.achieved", scope, next_year) == 0
    page = login(personas.county_admin).get("/training/", {"year": day.year + 1})
    html = page.content.decode()
    assert page.context["total"][0] == 0 and "尚未开始" in html
    assert 'text-bg-warning">进度滞后' not in html


@pytest.mark.parametrize("unit", ["county", "chengguan", "qingshan", "dongguan"])
def test_the_tallies_leave_out_trainees_of_courses_not_yet_ended(
    county, people, planned, day, unit
):
    """A whole year or half-year read from the tallies (which count by half-year) gives what the
    ledger rows give when counted to today: 培训人数 by unit and category too."""
    scope = getattr(county, unit)
    children = list(OrgUnit.objects.filter(parent=scope).order_by("path"))
    half = Period.half(day.year, 1 if day.month <= 6 else 2)
    for period in (Period.year(day.year), half):
        tallied = ledger_figures.ledger_summary(scope, children, period, day.year, period.end)
        counted = ledger_figures._counted_summary(scope, children, period, day.year, period.end)
        assert tallied == counted, (unit, period)


LEDGER = ("training.attendance", "training.trainees", "training.organised")
PROGRESS = ("training.target", "training.achieved", "training.target_progress")


def test_every_rule_is_stated_as_a_rule():
    """The 口径 of each registered figure states the rules its count depends on."""
    rules = {key: str(f.rule) for key, f in figures.registry().items()}
    for key in (*LEDGER, "training.achieved"):
        assert "结束日期" in rules[key] or "结束的项目" in rules[key], key
        assert "不晚于今天" in rules[key] or "统计截止日" in rules[key], key
    for key in ("training.attendance", "training.trainees"):
        assert "村主办的项目" in rules[key]  # a village's courses count for its township
        assert "本县另一乡镇的学员，计入其户籍所在乡镇" in rules[key]
        assert "本县以外的学员，计入主办单位" in rules[key]
    assert "村主办的项目计入该村及其所在乡镇" in rules["training.organised"]
    formula = "完成率 < 时间进度，时间进度 =（统计截止日 − 1月1日 + 1）÷ 当年天数 × 100%"
    assert formula in rules["training.target_progress"]
    time = figures.figure("training.time_progress")
    assert (str(time.label), time.measure) == ("时间进度", "%")
    for key, rule in rules.items():
        assert "期间" in rule, key  # which date puts a record in the period, or that none does


def test_the_overview_reads_the_registry(login, personas, county, planned, day, monkeypatch):
    """The page shows what the registry answers: a registered figure changed is a page changed."""
    registered = figures.registry()
    for key, number in (("training.attendance", 4242), ("training.mentorships", 77)):
        monkeypatch.setitem(
            registered, key, replace(registered[key], compute=lambda s, p, n=number: n)
        )
    html = login(personas.county_admin).get("/training/", {"year": day.year}).content.decode()
    assert 'id="figure-total"' in html and ">4242</a>" in html and ">77</a>" in html


def test_the_cockpit_reads_the_registry(login, personas, county, people, monkeypatch):
    """The 驾驶舱 (which replaced the 工作台) shows what the registry answers: a registered
    figure changed is a page changed."""
    registered = figures.registry()
    active = registered["people.active"]
    monkeypatch.setitem(registered, "people.active", replace(active, compute=lambda s, p: 900))
    html = login(personas.chengguan_admin).get("/home/").content.decode()
    assert 'data-figure="people.active">900</a>' in html


def child_unit_figures():
    return [
        f for f in figures.registry().values() if any(b.key == CHILD_UNIT for b in f.breakdowns)
    ]


def test_the_count_figures_break_down_by_child_unit():
    keys = {f.key for f in child_unit_figures()}
    assert {
        "people.active",
        "training.attendance",
        "training.trainees",
        "training.organised",
        "training.outcomes",
        "training.entities",
        "training.performances",
        "training.mentorships",
        "training.art_teams",
        "census.completeness",
        "census.reporting_rate",
    } <= keys


@pytest.mark.parametrize("name", ["county", "chengguan", "qingshan"])
def test_each_child_units_line_is_that_units_own_figure(county, people, world, name):  # noqa: F811
    """By child unit: one line per active child (no 村民小组), its number the figure of the
    child's scope and its link the figure's list for the child."""
    Results(county, people)
    unit = getattr(county, name)
    scope = Scope(unit)
    children = [c.pk for c in scope.children]
    below = OrgUnit.objects.filter(parent=unit, is_active=True).exclude(kind="group")
    assert children == [c.pk for c in below.in_tree_order()]
    for period in (Period.year(2026), Period.half(2026, 1)):
        for f in child_unit_figures():
            lines = f.lines(CHILD_UNIT, scope, period)
            assert [line.key for line in lines] == children, f.key
            for line, child in zip(lines, scope.children, strict=True):
                own = Scope(child)
                assert line.value == f.compute(own, period), (f.key, child.name, period)
                assert line.url == f.url(own, period), (f.key, child.name)


def test_census_figures_take_a_scope_and_ask_the_tree_once(county, world, monkeypatch):  # noqa: F811
    """Every registered figure — census ones too — of a scope asks the tree once; the census
    functions still take a unit."""
    assert census_figures.completeness(county.chengguan) == census_figures.completeness(
        Scope(county.chengguan)
    )
    manager = type(OrgUnit.objects)
    asked: list[str] = []
    original = manager.subtree_ids

    def counted(self, unit):
        asked.append(unit.name)
        return original(self, unit)

    monkeypatch.setattr(manager, "subtree_ids", counted)
    scope = Scope(county.chengguan)
    for f in figures.registry().values():
        f.compute(scope, Period.half(2026, 1))
    assert asked == ["城关镇"]


PERSONAS = ["county_admin", "chengguan_admin", "outsider_admin"]


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("period", ["year", "h1"])
def test_the_overview_is_the_registry(login, personas, county, people, world, who, period):  # noqa: F811
    """On the test ledger, every number of the 培训概况 is the registry's for the viewer's unit."""
    Results(county, people)
    user = getattr(personas, who)
    page = login(user).get("/training/", {"year": 2026, "period": period})
    scope = Scope(user.org, user)
    asked = Period.year(2026) if period == "year" else Period.half(2026, 1)
    value = lambda key: figures.value(key, scope, asked)  # noqa: E731
    context = page.context
    for name, key in (("total", "training.attendance"), ("people", "training.trainees"),
                      ("organised", "training.organised"), ("mentorships", "training.mentorships"),
                      ("teams", "training.art_teams")):  # fmt: skip
        assert context[name] == (value(key), figures.figure(key).url(scope, asked)), name
    own = context["own_progress"][0]
    assert (own.target, own.achieved) == (value("training.target"), value("training.achieved"))
    assert own.percent == value("training.target_progress")
    assert own.expected_percent == value("training.time_progress")
    categories = figures.figure("training.attendance").lines("category", scope, asked)
    assert [(r.name, r.attendances.value) for r in context["by_category"]] == [
        (line.label, line.value) for line in categories
    ]
    for row in context["by_unit"]:
        child = Scope(row.unit)
        assert row.attendances.value == value_of("training.attendance", child, asked)
        assert row.trainees.value == value_of("training.trainees", child, asked)
        assert row.progress.achieved == value_of("training.achieved", child, asked)
        assert row.progress.percent == value_of("training.target_progress", child, asked)
    assert context["performances"][:2] == (
        value("training.performances"),
        value("training.audience"),
    )
    assert context["entity_total"][:2] == (
        value("training.entities"),
        value("training.jobs_driven"),
    )
    assert sum(line.value for line in context["outcomes"]) == value("training.outcomes")


def value_of(key: str, scope: Scope, period: Period):
    return figures.value(key, scope, period)


@pytest.mark.parametrize("who", PERSONAS)
def test_the_cockpit_has_the_workbenchs_figures(login, personas, county, people, who):
    """What the 工作台 showed — 人员 by status, 在册人才 by category and by child unit — is on the
    驾驶舱, each line the registry's."""
    user = getattr(personas, who)
    context = login(user).get("/home/").context
    scope, period = Scope(user.org, user), Period.year(figures.today().year)
    charts = {(c.items[0].key.split(":")[0], c.kind): c for c in context["charts"] if c.items}
    shown = {
        ("people.persons", "status"): charts[("people.persons", "pie")],
        ("people.active", "category"): charts[("people.active", "treemap")],
        ("people.active", CHILD_UNIT): charts[("people.active", "bar")],
    }
    for (key, breakdown), chart in shown.items():
        lines = figures.figure(key).lines(breakdown, scope, period)
        assert [(i.label, i.value, i.url) for i in chart.items] == [
            (str(line.label), line.value, line.url) for line in lines
        ]
    assert sum(i.value for i in charts[("people.persons", "pie")].items) == figures.value(
        "people.persons", scope, period
    )
