"""Each training figure on a small known dataset, exactly — with the period boundaries (a
program counts in the period its last day falls in) and the outside-trainee rule."""

import datetime
from decimal import Decimal

import pytest

from rencai.orgs.models import OrgKind, OrgUnit
from rencai.people.models import Person
from rencai.training import figures, ledger_figures
from rencai.training.figures import Period
from rencai.training.models import Attendance, TrainingCategory, TrainingProgram, TrainingTarget
from tests.conftest import make_id

D = datetime.date


class Ledger:
    """P1 城关镇 种养殖技术, ends 2026-06-30 (the last day of 上半年): 张三 (东关村), 王五 (lives in
    石桥村, 青山镇) and 赵外 (from 邻县, outside the county).
    P2 城关镇 其他技术, ends 2026-07-01 (the first day of 下半年): 张三 again.
    P3 青山镇 种养殖技术, ends 2025-12-31: 李四 (last year).
    P4 县教育局 乡村工匠, 2026-06-20 to 2026-07-02 (ends in 下半年): 李四."""

    def __init__(self, county, people) -> None:
        neighbour = OrgUnit.objects.create(name="邻县", kind=OrgKind.COUNTY)
        village = OrgUnit.objects.create(name="外村", kind=OrgKind.VILLAGE, parent=neighbour)
        self.outsider = Person.objects.create(
            name="赵外",
            id_number=make_id("19800101", 44),
            gender="1",
            birth_date="1980-01-01",
            home_org=village,
        )
        cat = {c.name: c for c in TrainingCategory.objects.all()}
        self.farming, self.other = cat["种养殖技术"], cat["其他技术"]

        def program(name, category, organiser, start, end, trainees):
            p = TrainingProgram.objects.create(
                name=name, category=category, organiser=organiser, start_date=start, end_date=end
            )
            for person in trainees:
                Attendance.objects.create(program=p, person=person)
            return p

        program("P1", self.farming, county.chengguan, D(2026, 6, 28), D(2026, 6, 30),
                [people.zhang_san, people.wang_wu, self.outsider])  # fmt: skip
        program("P2", self.other, county.chengguan, D(2026, 7, 1), D(2026, 7, 1),
                [people.zhang_san])  # fmt: skip
        program("P3", self.farming, county.qingshan, D(2025, 12, 30), D(2025, 12, 31),
                [people.li_si])  # fmt: skip
        program("P4", cat["乡村工匠"], county.education, D(2026, 6, 20), D(2026, 7, 2),
                [people.li_si])  # fmt: skip


@pytest.fixture
def ledger(county, people) -> Ledger:
    return Ledger(county, people)


H1, H2, YEAR = Period.half(2026, 1), Period.half(2026, 2), Period.year(2026)


@pytest.mark.parametrize(
    "unit, period, expected",
    [
        ("chengguan", H1, 2),  # 张三 at P1, and 赵外 from outside the county under the organiser
        ("qingshan", H1, 1),  # 王五 at 城关镇's P1 counts where he lives
        ("county", H1, 3),
        ("chengguan", H2, 1),  # P2 ended on 1 July
        ("qingshan", H2, 1),  # 李四 at the 教育局's P4, which ended in July
        ("education", H2, 0),  # the 教育局 organised P4 but none of its trainees live there
        ("county", H2, 2),
        ("county", YEAR, 5),
        ("qingshan", Period.year(2025), 1),
        ("dongguan", YEAR, 2),  # 张三 twice
        ("county", Period(D(2026, 6, 30), D(2026, 7, 1)), 4),  # both boundaries included
        ("county", Period(D(2026, 7, 2), D(2026, 7, 2)), 1),
    ],
)
def test_attendances(ledger, county, unit, period, expected):
    assert figures.attendances(getattr(county, unit), period) == expected


def test_the_outside_trainee_counts_once_for_the_county_and_not_for_a_township_elsewhere(
    ledger, county
):
    rows = figures.attendance_rows(county.county, YEAR)
    assert rows.filter(person=ledger.outsider).count() == 1
    assert not figures.attendance_rows(county.qingshan, YEAR).filter(person=ledger.outsider)


@pytest.mark.parametrize(
    "unit, period, expected",
    [
        ("chengguan", H1, 3),
        ("chengguan", YEAR, 4),
        ("qingshan", H1, 0),
        ("education", H2, 1),
        ("county", YEAR, 5),
    ],
)
def test_organised_attendances(ledger, county, unit, period, expected):
    assert figures.organised_attendances(getattr(county, unit), period) == expected


def test_trainees_count_people_not_attendances(ledger, county):
    assert figures.attendances(county.county, YEAR) == 5
    assert figures.trainees(county.county, YEAR) == 4  # 张三 came twice
    assert figures.trainees(county.dongguan, YEAR) == 1


def test_attendances_by_category(ledger, county):
    assert figures.attendances_by_category(county.county, YEAR) == {
        "种养殖技术": 3,
        "乡村工匠": 1,
        "其他技术": 1,
    }


def test_progress_against_the_year_target(ledger, county):
    target = TrainingTarget.objects.create(year=2026, org=county.county, attendances=10)
    year = figures.progress(county.county, 2026)
    assert (year.achieved, year.target, year.percent) == (5, 10, Decimal("50.0"))
    assert year.sentence() == "已培训 5 人次，完成年度目标 10 人次的 50.0%"
    assert year.behind  # the year is over: half the target is behind schedule
    half = figures.progress(county.county, 2026, until=D(2026, 6, 30))
    assert (half.achieved, half.percent, half.expected_percent) == (3, Decimal("30.0"),
                                                                     Decimal("49.6"))  # fmt: skip
    assert half.behind
    # 篇三: 3000 of 6000 人次 at mid-year is on schedule
    target.attendances = 6
    target.save()
    half = figures.progress(county.county, 2026, until=D(2026, 6, 30))
    assert half.sentence() == "已培训 3 人次，完成年度目标 6 人次的 50.0%"
    assert not half.behind


def test_progress_per_category_and_without_a_target(ledger, county):
    TrainingTarget.objects.create(
        year=2026, org=county.chengguan, category=ledger.farming, attendances=4
    )
    farming = figures.progress(county.chengguan, 2026, category=ledger.farming)
    assert (farming.achieved, farming.percent) == (2, Decimal("50.0"))
    none = figures.progress(county.qingshan, 2026)
    assert none.percent is None and not none.behind
    assert none.sentence() == "已培训 2 人次（未设年度目标）"


def test_targets_that_do_not_add_up(ledger, county):
    def target(unit, n):
        TrainingTarget.objects.create(year=2026, org=unit, attendances=n)

    target(county.county, 10)
    target(county.chengguan, 6)
    target(county.qingshan, 3)
    target(county.shiqiao, 3)
    found = {m.parent.org.name: m.children_total for m in figures.decomposition_mismatches(
        county.county, 2026)}  # fmt: skip
    # 示范县 10 ≠ 6 + 3; 城关镇 6 not decomposed to its villages; 青山镇 3 = 石桥村 3
    assert found == {"示范县": 9, "城关镇": 0}
    assert str(figures.decomposition_mismatches(county.qingshan, 2026) or "") == ""
    TrainingTarget.objects.filter(org=county.qingshan).update(attendances=4)
    assert {m.parent.org.name for m in figures.decomposition_mismatches(county.county, 2026)} == {
        "城关镇",
        "青山镇",
    }


@pytest.mark.parametrize(
    "period, until",
    [
        (Period.year(2026), D(2026, 12, 31)),
        (Period.half(2026, 1), D(2026, 6, 30)),
        (Period.half(2026, 2), D(2026, 8, 1)),
        (Period(D(2025, 12, 1), D(2026, 6, 30)), D(2026, 6, 30)),
    ],
)
@pytest.mark.parametrize("scope", ["county", "chengguan", "qingshan"])
def test_the_grouped_figures_equal_the_per_unit_ones(ledger, county, scope, period, until):
    """ledger_summary / by_category are the overview's one-query forms of the figures above."""
    unit = getattr(county, scope)
    children = list(OrgUnit.objects.filter(parent=unit).order_by("path"))
    TrainingTarget.objects.create(year=2026, org=county.dongguan, attendances=2)
    summary = ledger_figures.ledger_summary(unit, children, period, 2026, until)
    assert summary.attendances == figures.attendances(unit, period)
    assert summary.trainees == figures.trainees(unit, period)
    assert summary.achieved == figures.progress(unit, 2026, until=until).achieved
    lines = summary.lines
    assert [line.unit for line in lines] == children
    for line in lines:
        assert line.attendances == figures.attendances(line.unit, period)
        assert line.trainees == figures.trainees(line.unit, period)
        assert line.progress == figures.progress(line.unit, 2026, until=until)
    categories = figures.by_category(unit, period)
    assert summary.categories == categories
    assert {c.name: c.attendances for c in categories} == figures.attendances_by_category(
        unit, period
    )
    for line in categories:
        rows = figures.attendance_rows(unit, period).filter(program__category=line.category_id)
        assert line.trainees == rows.values("person").distinct().count()


@pytest.mark.parametrize("until", [D(2026, 6, 30), D(2026, 7, 1), D(2026, 12, 31)])
def test_progress_of_many_targets_equals_each_ones(ledger, county, until):
    farming = TrainingCategory.objects.get(name="种养殖技术")
    for unit, n in ((county.county, 10), (county.chengguan, 4), (county.dongguan, 2),
                    (county.qingshan, 3), (county.education, 1)):  # fmt: skip
        TrainingTarget.objects.get_or_create(year=2026, org=unit, category=None,
                                             defaults={"attendances": n})  # fmt: skip
        TrainingTarget.objects.create(year=2026, org=unit, category=farming, attendances=n)
    TrainingTarget.objects.create(year=2025, org=county.qingshan, attendances=1)
    targets = list(TrainingTarget.objects.select_related("org", "category"))
    many = figures.progress_many(targets, lambda year: min(until, D(year, 12, 31)))
    assert set(many) == {t.pk for t in targets}
    for t in targets:
        one = figures.progress(t.org, t.year, until=min(until, D(t.year, 12, 31)),
                               category=t.category)  # fmt: skip
        assert many[t.pk] == one, t


def test_a_one_county_installation_counts_without_unit_conditions(county, people):
    """When the county is the only tree, its figures skip the unit conditions (`_within`):
    the same numbers as counting every row, and its children's lines still add up."""
    from tests.test_training import Training

    Training(county, people)
    year = Period.year(2026)
    assert OrgUnit.objects.is_sole_root(county.county)
    assert figures.attendances(county.county, year) == Attendance.objects.count() == 3
    assert figures.organised_attendances(county.county, year) == 3
    children = list(OrgUnit.objects.filter(parent=county.county).order_by("path"))
    lines = ledger_figures.ledger_summary(
        county.county, children, year, 2026, D(2026, 12, 31)
    ).lines
    assert {line.unit.name: line.attendances for line in lines} == {
        "城关镇": 1,  # 张三
        "青山镇": 2,  # 王五 at 城关镇's course and 李四 at its own: both live in 石桥村
        "县教育局": 0,
    }
    for line in lines:
        assert line.attendances == figures.attendances(line.unit, year)
        assert line.trainees == figures.trainees(line.unit, year)
    summary = ledger_figures.ledger_summary(county.county, children, year, 2026, D(2026, 12, 31))
    assert summary.categories == figures.by_category(county.county, year)
    assert (summary.attendances, summary.trainees) == (3, 3)


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(D(2026, 2, 1), D(2026, 1, 31))


class Results:
    """城关镇: 2 scale farms and 1 skilled worker in 2026 (one in December 2025), 2 family farms
    (one founded 2027) and a cooperative; a master in 东关村 teaching a 石桥村 apprentice from
    2025 to March 2026; shows in 东关村 (2026) and 石桥村 (2026)."""

    def __init__(self, county, people) -> None:
        from rencai.training.models import ArtTeam, Entity, Mentorship, Outcome, Performance

        def outcome(person, kind, day):
            Outcome.objects.create(person=person, kind=kind, date=day)

        outcome(people.zhang_san, "scale_farm", D(2026, 3, 1))
        outcome(people.zhang_san, "skilled_work", D(2026, 12, 31))
        outcome(people.zhang_san, "scale_farm", D(2025, 12, 31))
        outcome(people.li_si, "scale_farm", D(2026, 5, 1))  # 青山镇
        for name, kind, founded, jobs in (
            ("甲家庭农场", "family_farm", D(2020, 1, 1), 5),
            ("乙家庭农场", "family_farm", D(2027, 1, 1), 7),
            ("丙合作社", "cooperative", None, 30),
        ):
            Entity.objects.create(
                name=name, kind=kind, org=county.dongguan, founded_on=founded, jobs_driven=jobs
            )
        Mentorship.objects.create(
            master=people.zhang_san,
            apprentice=people.li_si,
            craft="花灯",
            start_date=D(2025, 6, 1),
            end_date=D(2026, 3, 1),
        )
        team = ArtTeam.objects.create(name="花灯剧团", kind="opera", org=county.chengguan)
        Performance.objects.create(team=team, date=D(2026, 2, 1), village=county.dongguan,
                                   programme="百座戏台千场戏", audience=300)  # fmt: skip
        Performance.objects.create(team=team, date=D(2026, 2, 2), village=county.shiqiao,
                                   programme="文艺三下乡")  # fmt: skip


@pytest.fixture
def results(county, people) -> Results:
    return Results(county, people)


def test_outcomes_by_kind(results, county):
    assert figures.outcomes_by_kind(county.chengguan, YEAR) == {"scale_farm": 1, "skilled_work": 1}
    assert figures.outcomes_by_kind(county.county, YEAR) == {"scale_farm": 2, "skilled_work": 1}
    assert figures.outcomes_by_kind(county.chengguan, Period.year(2025)) == {"scale_farm": 1}
    assert figures.outcome_rows(county.qingshan, H1).count() == 1


def test_entities_by_kind_with_jobs_driven(results, county):
    assert figures.entities_by_kind(county.chengguan, YEAR) == {
        "family_farm": (1, 5),  # the one founded in 2027 is not yet there
        "cooperative": (1, 30),  # no founding date: counted
    }
    assert figures.entities_by_kind(county.county, Period.year(2027))["family_farm"] == (2, 12)
    assert figures.entities_by_kind(county.qingshan, YEAR) == {}


def test_mentorships_under_way_in_the_period(results, county):
    assert figures.mentorship_rows(county.qingshan, H1).count() == 1  # the apprentice's side
    assert figures.mentorship_rows(county.chengguan, H1).count() == 1  # the master's side
    assert figures.mentorship_rows(county.county, H2).count() == 0  # ended 1 March
    assert figures.mentorship_rows(county.county, Period(D(2026, 3, 1), D(2026, 3, 1))).count() == 1


def test_performances_where_they_were_held(results, county):
    assert figures.performance_rows(county.chengguan, YEAR).count() == 1
    assert figures.performance_rows(county.qingshan, YEAR).count() == 1
    assert figures.audience(county.county, YEAR) == 300  # a blank audience counts 0
    assert figures.performance_rows(county.county, Period.year(2025)).count() == 0
