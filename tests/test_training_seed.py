"""The seed's 篇三 and 篇二, as the 培训概况 shows them: a township with its two training bases,
3,000 人次 in the first half-year — 2,000 种养殖类 and 500 其他技术类 — against a 6,000 人次 year
target (50.0 %), 20 trainees who started scale farms and 50 who became mine mechanics; a county
with 686 family farms, 820 cooperatives and 36,000 jobs driven. Every number is computed from
records, and each opens a list that shows it."""

import datetime
import re

import pytest

from rencai.people.models import Person
from rencai.training.models import (
    Attendance,
    Entity,
    Livestock,
    Outcome,
    TrainingBase,
    TrainingCategory,
    TrainingProgram,
    TrainingTarget,
)
from tests.conftest import make_id
from tests.test_training_overview import list_numbers, number_and_link

D = datetime.date


@pytest.fixture
def seed(county):
    """1,000 villagers of 东关村 at three first-half courses of 城关镇 (2 种养殖, 1 其他技术 …)."""
    town = county.chengguan
    for name, land, building, stock, money in (
        ("大坪子养殖场", "120", "15.5", (("牛", 100, "头"), ("羊", 300, "只")), "380"),
        ("明远养殖场", "80", "10", (("家禽", 500, "羽"),), "150"),
    ):
        base = TrainingBase.objects.create(
            name=name,
            org=town,
            kind="养殖场",
            land_area_mu=land,
            building_area_mu=building,
            investment_wan=money,
        )
        for kind, count, unit in stock:
            Livestock.objects.create(base=base, kind=kind, count=count, unit=unit)
    people = Person.objects.bulk_create(
        Person(
            name=f"村民{i}",
            id_number=make_id("19800101", i % 1000, f"43313{i // 1000}"),
            gender="1",
            birth_date=D(1980, 1, 1),
            home_org=county.dongguan,
        )
        for i in range(1000)
    )
    farming = TrainingCategory.objects.get(name="种养殖技术")
    other = TrainingCategory.objects.get(name="其他技术")
    craft = TrainingCategory.objects.get(name="乡村工匠")
    courses = [
        ("肉牛养殖技术培训", farming, D(2026, 3, 2)),
        ("山羊养殖技术培训", farming, D(2026, 4, 8)),
        ("电工技能培训", other, D(2026, 5, 6)),  # 500 of them
        ("乡村工匠培训", craft, D(2026, 6, 30)),  # the other 500, on the half's last day
    ]
    for name, category, day in courses:
        program = TrainingProgram.objects.create(
            name=name, category=category, organiser=town, start_date=day, end_date=day
        )
        trainees = people if category == farming else people[:500]
        if name == "乡村工匠培训":
            trainees = people[500:]
        Attendance.objects.bulk_create(Attendance(program=program, person=p) for p in trainees)
    TrainingTarget.objects.create(year=2026, org=town, attendances=6000)
    Outcome.objects.bulk_create(
        [Outcome(person=p, kind="scale_farm", date=D(2026, 5, 1)) for p in people[:20]]
        + [Outcome(person=p, kind="skilled_work", date=D(2026, 6, 1)) for p in people[20:70]]
    )
    Entity.objects.bulk_create(
        [
            Entity(name=f"家庭农场{i}", kind="family_farm", org=county.dongguan, jobs_driven=20)
            for i in range(686)
        ]
        + [
            Entity(
                name=f"合作社{i}",
                kind="cooperative",
                org=county.shiqiao,
                jobs_driven=28 if i < 140 else 27,
            )
            for i in range(820)
        ]
    )
    return town


def test_the_township_report_of_the_seed(login, personas, seed):
    client = login(personas.county_admin)
    html = client.get(f"/training/?org={seed.pk}&year=2026&period=h1").content.decode()
    assert number_and_link(html, "figure-total")[0] == 3000
    assert number_and_link(html, "figure-people")[0] == 1000
    assert "已培训 3000 人次，完成年度目标 6000 人次的 50.0%" in html
    rows = dict(
        re.findall(r"<tr><td>([^<]+)</td><td class=\"text-end\"><a href=\"[^\"]+\">(\d+)</a>", html)
    )
    assert (rows["种养殖技术"], rows["其他技术"]) == ("2000", "500")
    outcomes = re.search(r'id="outcomes">(.*?)</table>', html, re.S).group(1)
    assert re.search(
        r"创办规模养殖场</td><td class=\"text-end\"><a href=\"([^\"]+)\">20</a>", outcomes
    )
    assert re.search(
        r"从事技工/务工</td><td class=\"text-end\"><a href=\"([^\"]+)\">50</a>", outcomes
    )
    for url in re.findall(r'href="([^"]+)">(?:20|50)</a>', outcomes):
        assert list_numbers(client, url.replace("&amp;", "&"))["record-count"] in (20, 50)
    base = client.get("/training/bases/?org=" + str(seed.pk)).content.decode()
    assert "大坪子养殖场" in base and "明远养殖场" in base and "牛 100 头、羊 300 只" in base


def test_the_county_report_of_the_seed(login, personas, seed, county):
    client = login(personas.county_admin)
    html = client.get(f"/training/?org={county.county.pk}&year=2026&period=year").content.decode()
    entities = re.search(r'id="entities">(.*?)</table>', html, re.S).group(1)
    assert re.search(r"家庭农场</td><td class=\"text-end\"><a [^>]+>686</a>", entities)
    assert re.search(r"专业合作社</td><td class=\"text-end\"><a [^>]+>820</a>", entities)
    total = re.search(r'<th class="text-end"><a href="([^"]+)">(\d+)</a> 人</th>', entities)
    assert total.group(2) == "36000"  # 686 × 20 + 140 × 28 + 680 × 27
    shown = list_numbers(client, total.group(1).replace("&amp;", "&"))
    assert shown == {"record-count": 1506, "jobs-total": 36000}
