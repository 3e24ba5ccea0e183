"""The seed's figures (issue 13 "Tests"): every value the seeded county (tests/seed_county.py)
expects is what `rencai figures --json` prints for its unit and period, and the list its number
drills down to shows the same count; the new figures' rules (青年 by age on the course's end
date, 逾期未整改 on the period's last day) hold at their edges."""

import datetime
import io
import json
import re
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal

import pytest

from rencai import cli, figures
from rencai.figures import Period, Scope, parse_period
from rencai.people.models import Person
from rencai.training.models import (
    Attendance,
    Inspection,
    RectificationItem,
    TrainingBase,
    TrainingCategory,
    TrainingProgram,
)
from tests.conftest import make_id
from tests.seed_county import seeded_county  # noqa: F401 -- the fixture

D = datetime.date

# A number on a list page followed by its unit of measure (共 <span>3000</span> 人次, 600 亩).
SHOWN = re.compile(r"(\d+(?:\.\d+)?)(?:</span>)?\s*(人次|人|个|对|场|亩|万元|头|只|羽|箱)")


def figures_json(unit: str, period: str) -> dict[str, dict]:
    """`rencai figures --unit … --period … --json`, run in-process: key → its row."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as done:
        cli.main(["figures", "--unit", unit, "--period", period, "--json"])
    assert done.value.code == 0, err.getvalue()
    return {row["key"]: row for row in json.loads(out.getvalue())["figures"]}


def plain(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


def shown_on(client, url: str) -> set[tuple[str, str]]:
    return set(SHOWN.findall(client.get(url).content.decode()))


def test_every_expected_value_is_what_rencai_figures_prints(seeded_county):  # noqa: F811
    seeded = seeded_county
    answers: dict[tuple[str, str], dict[str, dict]] = {}
    for (unit, period, key, *line), value in seeded.expected.items():
        if (unit, period) not in answers:
            answers[unit, period] = figures_json(seeded.unit_path(unit), period)
        row = answers[unit, period][key]
        if not line:
            assert row["value"] == plain(value), (unit, period, key)
            continue
        breakdown, line_key = line
        scope = Scope(seeded.unit(unit))
        lines = figures.figure(key).lines(breakdown, scope, parse_period(period))
        label = next(ln.label for ln in lines if ln.key == line_key)
        assert row["breakdowns"][breakdown][str(label)] == plain(value), (unit, period, key, line)
    # the seed's own sentence, from the registry: 3000 人次 of a 6000 target, 50.0 %
    town = answers["城关镇", seeded.h1]
    assert (town["training.achieved"]["value"], town["training.target"]["value"]) == (3000, 6000)
    assert town["training.target_progress"]["value"] == 50.0


def test_each_expected_number_opens_a_list_of_the_same_count(login, personas, seeded_county):  # noqa: F811
    seeded = seeded_county
    client = login(personas.county_admin)
    checked = 0
    for (unit, period, key, *line), value in seeded.expected.items():
        f = figures.figure(key)
        if f.measure == "%":
            continue
        scope, days = Scope(seeded.unit(unit), personas.county_admin), parse_period(period)
        if line:
            found = [ln for ln in f.lines(line[0], scope, days) if ln.key == line[1]]
            url = found[0].url
        else:
            url = f.url(scope, days)
        if url is None:
            continue
        assert (str(value), str(f.measure)) in shown_on(client, url), (unit, period, key, line)
        checked += 1
    assert checked >= 30


def test_the_bases_list_adds_up_the_seeds_bases(login, personas, seeded_county):  # noqa: F811
    client = login(personas.chengguan_admin)
    scope = Scope(seeded_county.units.chengguan, personas.chengguan_admin)
    url = figures.figure("training.bases").url(scope, parse_period(seeded_county.h1))
    html = client.get(url).content.decode()
    assert 'id="record-count">2</span> 个' in html
    assert '占地 <span id="land-total">600</span> 亩' in html
    assert '建筑（圈舍）面积 <span id="building-total">40</span> 亩' in html
    assert '投资 <span id="investment-total">230</span> 万元' in html
    assert "家禽 1500 只、羊 300 只、牛 100 头" in html
    # a base no longer in operation leaves the figures and the list alike
    TrainingBase.objects.filter(name="明远养殖场").update(status="suspended")
    assert figures.value("training.bases", scope, Period.year(seeded_county.year)) == 1
    assert figures.value("training.base_land_area", scope, Period.year(seeded_county.year)) == 500
    assert 'id="record-count">1</span> 个' in client.get(url).content.decode()


def test_a_youth_is_35_or_under_on_the_courses_last_day(county):
    """Born 36 years before the end date to the day: 36 that day, not a youth; born a day
    later: still 35. Born on 29 February 1988: 35 on 28 February 2024, 36 the day after."""
    from rencai.training.figures import youth_rows

    category = TrainingCategory.objects.get(name="种养殖技术")
    year = figures.today().year - 1
    courses = {D(year, 3, 1): [], D(2024, 2, 28): [], D(2024, 2, 29): []}
    births = {
        "turns 36 that day": (D(year - 36, 3, 1), D(year, 3, 1)),
        "36 tomorrow": (D(year - 36, 3, 2), D(year, 3, 1)),
        "36 in April": (D(year - 36, 4, 1), D(year, 3, 1)),
        "turned 36 last year": (D(year - 37, 12, 31), D(year, 3, 1)),
        "turns 36 next year": (D(year - 35, 1, 1), D(year, 3, 1)),
        "29 February, the day before": (D(1988, 2, 29), D(2024, 2, 28)),
        "29 February, that day": (D(1988, 2, 29), D(2024, 2, 29)),
    }
    people = {}
    for i, (name, (born, end)) in enumerate(births.items()):
        people[name] = Person.objects.create(
            name=f"学员{i}", id_number=make_id(born.strftime("%Y%m%d"), i),
            gender="1", birth_date=born, home_org=county.dongguan,
        )  # fmt: skip
        courses[end].append(people[name])
    for end, trainees in courses.items():
        program = TrainingProgram.objects.create(
            name=f"养殖{end}", category=category, organiser=county.chengguan,
            start_date=end, end_date=end,
        )  # fmt: skip
        Attendance.objects.bulk_create(Attendance(program=program, person=p) for p in trainees)
    period = Period(D(2024, 1, 1), D(year, 12, 31))
    counted = set(youth_rows(county.county, period).values_list("person", flat=True))
    assert {n for n, p in people.items() if p.pk in counted} == {
        "36 tomorrow",
        "36 in April",
        "turns 36 next year",
        "29 February, the day before",
    }
    youth = figures.figure("training.youth_trainees")
    assert youth.compute(Scope(county.county), period) == 4
    assert youth.compute(Scope(county.qingshan), period) == 0
    # the ledger's youth filter lists the same trainees
    assert {ln.value for ln in youth.lines("child_unit", Scope(county.county), period)} == {4, 0}


def test_an_item_is_overdue_on_the_periods_last_day(county):
    """Past due and not done on the counted day: the period's last day, or today while the
    period runs; a period that begins after today counts none."""
    year = figures.today().year - 1
    inspection = Inspection.objects.create(org=county.dongguan, date=D(year, 1, 5), inspectors="县")
    items = {
        "due 31 Mar, open": (D(year, 3, 31), None),
        "due 31 Mar, done 30 Apr": (D(year, 3, 31), D(year, 4, 30)),
        "due 30 Apr, done 30 Apr": (D(year, 4, 30), D(year, 4, 30)),
        "due 30 Apr, open": (D(year, 4, 30), None),
    }
    RectificationItem.objects.bulk_create(
        RectificationItem(
            inspection=inspection, description=k, owner="某", due_on=due, done_on=done
        )
        for k, (due, done) in items.items()
    )
    overdue = figures.figure("training.rectifications_overdue")
    town, village = Scope(county.chengguan), Scope(county.qingshan)
    assert overdue.compute(town, Period(D(year, 1, 1), D(year, 3, 31))) == 0  # due that day
    # 30 April: one undone past 31 March (the other was done that day; the 30 April ones are due)
    assert overdue.compute(town, Period.month(year, 4)) == 1
    assert overdue.compute(town, Period.month(year, 5)) == 2  # 31 May: both open items
    assert overdue.compute(village, Period.month(year, 5)) == 0  # another township's
    assert overdue.compute(town, Period.year(figures.today().year + 1)) == 0  # not begun
    by_child = overdue.lines("child_unit", town, Period.month(year, 5))
    assert {ln.label: ln.value for ln in by_child}["东关村"] == 2


def test_the_rectification_list_is_scoped_and_filtered(login, personas, seeded_county):  # noqa: F811
    """The 整改事项 list: 城关镇's items for its admin, none for another township's; the figure's
    filter lists the items overdue on 30 June; a half-given figure filter is a Chinese error."""
    s = seeded_county
    url = figures.figure("training.rectifications_overdue").url(
        Scope(s.units.chengguan), parse_period(s.h1)
    )
    own = login(personas.chengguan_admin).get(url).content.decode()
    assert 'id="record-count">2</span> 个' in own
    assert "圈舍消毒记录不全" in own and "安全警示标识缺失" in own
    assert "培训签到表未归档" not in own  # done by 30 June
    everything = login(personas.chengguan_admin).get("/training/rectifications/").content.decode()
    assert 'id="record-count">4</span> 个' in everything
    overdue_now = login(personas.chengguan_admin).get(
        "/training/rectifications/", {"state": "overdue"}
    )
    assert 'id="record-count">1</span> 个' in overdue_now.content.decode()
    other = login(personas.outsider_admin).get("/training/rectifications/").content.decode()
    assert 'id="record-count">0</span> 个' in other and "圈舍消毒记录不全" not in other
    half = login(personas.chengguan_admin).get(
        "/training/rectifications/", {"start": f"{s.year}-01-01"}
    )
    assert half.status_code == 200
    assert "请同时选择统计范围、开始日期和结束日期" in half.content.decode()
    bad = login(personas.chengguan_admin).get("/training/rectifications/", {"end": "2026-13-01"})
    assert bad.status_code == 200 and "有效" in bad.content.decode()


def test_the_ledgers_youth_filter_lists_the_youths(login, personas, seeded_county):  # noqa: F811
    s = seeded_county
    client = login(personas.county_admin)
    base = {"scope": s.units.chengguan.pk, "start": f"{s.year}-01-01", "end": f"{s.year}-06-30"}
    youths = client.get("/training/attendances/", {**base, "youth": "1", "per_person": "1"})
    assert 'id="attendance-count">500</span> 人' in youths.content.decode()
    rows = client.get("/training/attendances/", {**base, "youth": "1"})
    assert 'id="attendance-count">1500</span> 人次' in rows.content.decode()  # 2 × 500 + 500


def test_a_youth_from_outside_the_county_counts_at_the_organiser(county):
    """A trainee whose home is outside the county counts under the program's organiser, once
    per child unit however many of its courses they attended."""
    from rencai.orgs.models import OrgUnit

    elsewhere = OrgUnit.objects.create(name="外县", kind="county", division_code="433199000000")
    year = figures.today().year - 1
    visitor = Person.objects.create(
        name="外县青年", id_number=make_id(f"{year - 20}0101", 7, "433199"), gender="2",
        birth_date=D(year - 20, 1, 1), home_org=elsewhere,
    )  # fmt: skip
    category = TrainingCategory.objects.get(name="其他技术")
    for i, organiser in enumerate((county.dongguan, county.xiguan, county.shiqiao)):
        day = D(year, 3, 1 + i)
        program = TrainingProgram.objects.create(
            name=f"课{i}", category=category, organiser=organiser, start_date=day, end_date=day
        )
        Attendance.objects.create(program=program, person=visitor)
    youth = figures.figure("training.youth_trainees")
    whole = Scope(county.county)
    assert youth.compute(whole, Period.year(year)) == 1
    lines = {ln.label: ln.value for ln in youth.lines("child_unit", whole, Period.year(year))}
    assert (lines["城关镇"], lines["青山镇"], lines["县教育局"]) == (1, 1, 0)
    town = {ln.label: ln.value for ln in youth.lines("child_unit", Scope(county.chengguan),
                                                     Period.year(year))}  # fmt: skip
    assert (town["东关村"], town["西关村"]) == (1, 1)
    assert youth.compute(Scope(county.chengguan), Period.year(year)) == 1
