"""The seeded county: records that reproduce the figures of the seed texts (issue 13 "Tests"), the
one world the figures, tables, report and alert tests of issue 13 assert against.

篇三's township is 城关镇 of the fixture county (tests/conftest.py): two 实训基地 — 大坪子养殖场
(占地 500 亩, 圈舍 30 亩, 牛 100 头, 羊 300 只, 家禽 500 只, 投入 150 万元) and 明远养殖场 (占地
100 亩, 圈舍 10 亩, 家禽 1000 只, 投入 80 万元); 1,000 villagers of 东关村 at four courses of the
first half-year: 3,000 人次, 2,000 种养殖类 (two courses everyone attended), 500 其他技术类 and 500
乡村工匠; a year target of 6,000 人次 (50.0 %); 500 of the villagers are youths (25 at the courses'
end), so 500 青年 were trained; 20 started scale farms and 50 became mine mechanics (培训成效). An
inspection of 大坪子养殖场 left four rectification items: two undone past their due date on 30
June, one on 31 December (or today), one not yet due.
篇一's county: 686 家庭农场 (东关村, 20 jobs each) and 820 专业合作社 (石桥村, 140 × 28 + 680 × 27
jobs): 36,000 带动就业; 26 戏曲 teams and 100 民间文艺 teams.

The half-year is fully past: `YEAR` is this year when today is after 30 June, else the last
(computed when the fixture is built, never at import).

Use: ``from tests.seed_county import seeded_county  # noqa: F401`` and take the `seeded_county`
fixture; its `expected` maps ``(unit short name, period text, figure key)`` — or ``(…, figure
key, breakdown key, line key)`` for one line of a breakdown (`Line.key`: a category's pk, a
kind's code, a child unit's pk) — to the value the registry must give (`rencai figures
--unit 示范县/城关镇 --period 2026H1`). Units are named as `unit_path` names them."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from rencai.figures import Period, today
from rencai.orgs.models import OrgUnit
from rencai.people.models import Person
from rencai.training.models import (
    ArtTeam,
    Attendance,
    Entity,
    Inspection,
    Livestock,
    Outcome,
    RectificationItem,
    TrainingBase,
    TrainingCategory,
    TrainingProgram,
    TrainingTarget,
)
from tests.conftest import County, make_id

D = datetime.date

BASES = (  # 篇三: name, 占地面积, 圈舍占地面积 (亩), 投入资金 (万元), 存栏 (品种, 数量, 单位)
    (
        "大坪子养殖场",
        "500",
        "30",
        "150",
        (("牛", 100, "头"), ("羊", 300, "只"), ("家禽", 500, "只")),
    ),
    ("明远养殖场", "100", "10", "80", (("家禽", 1000, "只"),)),
)
VILLAGERS = 1000  # of 东关村; the even-numbered are youths


def seed_year() -> int:
    """The year whose first half-year is fully past: this year after 30 June, else the last."""
    day = today()
    return day.year if day > D(day.year, 6, 30) else day.year - 1


@dataclass
class SeededCounty:
    """The fixture county with the seed's records, and what every figure must say of them."""

    units: County
    year: int
    categories: dict[str, TrainingCategory]  # name → category (种养殖技术, 其他技术, 乡村工匠)
    bases: dict[str, TrainingBase]
    villagers: list[Person]
    expected: dict[tuple, Any] = field(default_factory=dict)

    @property
    def h1(self) -> str:
        """The seed's half-year as `rencai figures --period` takes it (2026H1)."""
        return f"{self.year}H1"

    @property
    def whole_year(self) -> str:
        return str(self.year)

    def period(self, text: str) -> Period:
        from rencai.figures import parse_period

        return parse_period(text)

    def unit(self, short: str) -> OrgUnit:
        """A unit by its short name (城关镇, 示范县 …)."""
        return OrgUnit.objects.get(name=short)

    @staticmethod
    def unit_path(short: str) -> str:
        """The path `rencai figures --unit` takes (示范县/城关镇; 示范县 itself)."""
        return short if short == "示范县" else f"示范县/{short}"


def _villagers(units: County, year: int) -> list[Person]:
    """1,000 villagers of 东关村: the even-numbered 25 in `year` (youths), the others 50."""
    people = []
    for i in range(VILLAGERS):
        born = D(year - 25 if i % 2 == 0 else year - 50, 1, 1)
        person = Person(
            name=f"村民{i}",
            id_number=make_id(born.strftime("%Y%m%d"), i % 1000, f"43313{i // 1000}"),
            gender="1" if i % 3 else "2",
            birth_date=born,
            home_org=units.dongguan,
        )
        person.fill_derived()
        people.append(person)
    return Person.objects.bulk_create(people)


def _bases(units: County) -> dict[str, TrainingBase]:
    found = {}
    for name, land, building, money, stock in BASES:
        base = TrainingBase.objects.create(
            name=name,
            org=units.chengguan,
            kind="养殖场",
            land_area_mu=Decimal(land),
            building_area_mu=Decimal(building),
            investment_wan=Decimal(money),
        )
        Livestock.objects.bulk_create(
            Livestock(base=base, kind=kind, count=count, unit=unit) for kind, count, unit in stock
        )
        found[name] = base
    return found


def _ledger(
    units: County, year: int, people: list[Person], categories: dict[str, TrainingCategory]
) -> None:
    """Four first-half courses of 城关镇 at 大坪子养殖场: 2 × 1,000 种养殖, 500 其他技术 (the first
    half of the villagers), 500 乡村工匠 (the second half, on the half-year's last day)."""
    courses = (
        ("肉牛养殖技术培训", "种养殖技术", D(year, 3, 2), people),
        ("山羊养殖技术培训", "种养殖技术", D(year, 4, 8), people),
        ("电工技能培训", "其他技术", D(year, 5, 6), people[:500]),
        ("乡村工匠培训", "乡村工匠", D(year, 6, 30), people[500:]),
    )
    for name, category, day, trainees in courses:
        program = TrainingProgram.objects.create(
            name=name, category=categories[category], organiser=units.chengguan,
            start_date=day, end_date=day,
        )  # fmt: skip
        Attendance.objects.bulk_create(Attendance(program=program, person=p) for p in trainees)
    TrainingTarget.objects.create(year=year, org=units.chengguan, attendances=6000)


def _results(units: County, year: int, people: list[Person], base: TrainingBase) -> None:
    """Outcomes, entities, art teams and an inspection's rectification items."""
    Outcome.objects.bulk_create(
        [Outcome(person=p, kind="scale_farm", date=D(year, 5, 1)) for p in people[:20]]
        + [Outcome(person=p, kind="skilled_work", date=D(year, 6, 1)) for p in people[20:70]]
    )
    Entity.objects.bulk_create(
        [
            Entity(name=f"家庭农场{i}", kind="family_farm", org=units.dongguan, jobs_driven=20)
            for i in range(686)
        ]
        + [
            Entity(
                name=f"合作社{i}",
                kind="cooperative",
                org=units.shiqiao,
                jobs_driven=28 if i < 140 else 27,
            )
            for i in range(820)
        ]
    )
    teams = [
        (f"戏曲团队{i}", "opera", units.xiguan if i < 16 else units.shiqiao) for i in range(26)
    ]
    teams += [(f"民间文艺团队{i}", "folk", units.dongguan if i < 60 else units.shiqiao)
              for i in range(100)]  # fmt: skip
    ArtTeam.objects.bulk_create(ArtTeam(name=n, kind=k, org=o) for n, k, o in teams)
    inspection = Inspection.objects.create(
        org=units.chengguan, base=base, date=D(year, 4, 20), inspectors="县人才办"
    )
    RectificationItem.objects.bulk_create(
        RectificationItem(inspection=inspection, description=text, owner="基地负责人",
                          due_on=due, done_on=done)
        for text, due, done in (
            ("圈舍消毒记录不全", D(year, 5, 31), None),  # overdue ever since 1 June
            ("培训签到表未归档", D(year, 5, 15), D(year, 6, 10)),  # late, done by 30 June
            ("安全警示标识缺失", D(year, 6, 15), D(year, 7, 10)),  # undone on 30 June
            ("消防器材过期", today() + datetime.timedelta(days=30), None),  # not yet due
        )
    )  # fmt: skip


def _expected(s: SeededCounty) -> dict[tuple, Any]:
    """What the registry must say of the seeded records: the seed's numbers, and the few the
    fixture adds (the 乡村工匠 500, the rectification items)."""
    town, h1, year = "城关镇", s.h1, s.whole_year
    c = {name: cat.pk for name, cat in s.categories.items()}
    u = s.units
    e: dict[tuple, Any] = {
        # 篇三: the township's half-year
        (town, h1, "training.attendance"): 3000,
        (town, h1, "training.attendance", "category", c["种养殖技术"]): 2000,
        (town, h1, "training.attendance", "category", c["其他技术"]): 500,
        (town, h1, "training.attendance", "category", c["乡村工匠"]): 500,
        (town, h1, "training.attendance", "child_unit", u.dongguan.pk): 3000,
        (town, h1, "training.trainees"): 1000,
        (town, h1, "training.target"): 6000,
        (town, h1, "training.achieved"): 3000,
        (town, h1, "training.target_progress"): Decimal("50.0"),
        (town, h1, "training.youth_trainees"): 500,
        (town, h1, "training.youth_trainees", "category", c["种养殖技术"]): 500,
        (town, h1, "training.youth_trainees", "category", c["其他技术"]): 250,
        (town, h1, "training.youth_trainees", "category", c["乡村工匠"]): 250,
        (town, h1, "training.outcomes"): 70,
        (town, h1, "training.outcomes", "kind", "scale_farm"): 20,
        (town, h1, "training.outcomes", "kind", "skilled_work"): 50,
        (town, h1, "training.bases"): 2,
        (town, h1, "training.base_land_area"): Decimal("600"),
        (town, h1, "training.base_building_area"): Decimal("40"),
        (town, h1, "training.base_investment"): Decimal("230"),
        (town, h1, "training.livestock_head"): 100,
        (town, h1, "training.livestock_head", "kind", "牛"): 100,
        (town, h1, "training.livestock_piece"): 1800,
        (town, h1, "training.livestock_piece", "kind", "羊"): 300,
        (town, h1, "training.livestock_piece", "kind", "家禽"): 1500,
        (town, h1, "training.rectifications_overdue"): 2,
        (town, year, "training.rectifications_overdue"): 1,
        # 篇一: the county's stock
        ("示范县", year, "training.attendance"): 3000,
        ("示范县", year, "training.attendance", "child_unit", u.chengguan.pk): 3000,
        ("示范县", year, "training.youth_trainees"): 500,
        ("示范县", year, "training.entities"): 1506,
        ("示范县", year, "training.entities", "kind", "family_farm"): 686,
        ("示范县", year, "training.entities", "kind", "cooperative"): 820,
        ("示范县", year, "training.jobs_driven"): 36000,
        ("示范县", year, "training.art_teams"): 126,
        ("示范县", year, "training.art_teams", "kind", "opera"): 26,
        ("示范县", year, "training.art_teams", "kind", "folk"): 100,
        ("示范县", year, "training.art_teams", "child_unit", u.chengguan.pk): 76,
        ("示范县", year, "training.art_teams", "child_unit", u.qingshan.pk): 50,
        ("示范县", year, "training.bases"): 2,
        ("示范县", year, "training.base_investment"): Decimal("230"),
    }
    return e


@pytest.fixture
def seeded_county(county) -> SeededCounty:
    """The fixture county holding the seed's records (see the module's docstring)."""
    year = seed_year()
    categories = {
        name: TrainingCategory.objects.get(name=name)
        for name in ("种养殖技术", "其他技术", "乡村工匠")
    }
    bases = _bases(county)
    people = _villagers(county, year)
    _ledger(county, year, people, categories)
    _results(county, year, people, bases["大坪子养殖场"])
    seeded = SeededCounty(county, year, categories, bases, people)
    seeded.expected = _expected(seeded)
    return seeded
