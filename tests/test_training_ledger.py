"""The 培训台账 export in the layout offices file (program header, then its attendee list), the
培训人数 mode of the ledger list, and the program page's trainees a page at a time."""

import datetime

import pytest

from rencai.audit.models import AuditAction, AuditEvent
from rencai.people.models import Person
from rencai.training import figures
from rencai.training.models import Attendance
from tests.records_support import export_table
from tests.test_training import Training
from tests.test_training_web import ledger_count

LEDGER = "/training/attendances/"


@pytest.fixture
def training(county, people) -> Training:
    course = Training(county, people)
    course.chengguan_course.subsidy_per_attendance = 150
    course.chengguan_course.funding_source = "县财政"
    course.chengguan_course.location = "城关镇文化站"
    course.chengguan_course.teachers = "赵老师"
    course.chengguan_course.save()
    return course


def block(table: list[list], title: str) -> dict[str, str]:
    """The header of one program's block: {label: value}."""
    start = next(i for i, row in enumerate(table) if row[0] == title)
    pairs = {}
    for row in table[start + 1 : start + 6]:
        pairs[row[0]] = row[1]
        if row[3]:
            pairs[row[3]] = row[4]
    return pairs


def test_a_programs_ledger_has_the_office_header_then_its_trainees(
    personas, training, people, login
):
    client = login(personas.chengguan_admin)
    url = f"/training/programs/{training.chengguan_course.pk}/ledger.xlsx"
    table = export_table(client, url)
    header = block(table, "肉牛养殖技术培训 培训台账")
    assert header["培训名称"] == "肉牛养殖技术培训"
    assert header["类型"] == "种养殖技术"
    assert header["主办单位"] == "示范县/城关镇"
    assert header["起止时间"] == "2026年3月2日至2026年3月4日"
    assert header["地点"] == "城关镇文化站（大坪子养殖场）"
    assert header["主讲人"] == "赵老师"
    assert header["学时"] == "24"
    assert header["参训人数"] == "2"
    assert header["经费"] == "300.00 元（每人次 150.00 元 × 2 人次），来源：县财政"
    columns = next(r for r in table if r[0] == "序号")
    assert columns[:7] == [
        "序号",
        "姓名",
        "性别",
        "从事产业",
        "单位职务或家庭住址",
        "身份证号码",
        "联系方式",
    ]
    trainees = table[table.index(columns) + 1 :]
    assert [r[1] for r in trainees] == ["张三", "王五"]
    assert trainees[0][5] == people.zhang_san.masked_id_number  # masked without reveal
    assert trainees[0][6] == people.zhang_san.masked_phone
    assert trainees[1][4] == "示范县/青山镇/石桥村"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["rows"] == 2 and event.detail["masked"] is True


def test_a_user_who_may_reveal_exports_full_numbers(personas, training, people, login):
    admin = personas.chengguan_admin
    admin.can_reveal = True
    admin.save()
    table = export_table(
        login(admin), f"/training/programs/{training.chengguan_course.pk}/ledger.xlsx"
    )
    assert people.zhang_san.id_number in [str(c) for row in table for c in row]
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["masked"] is False


def test_the_filtered_ledger_exports_program_by_program(personas, training, login):
    client = login(personas.county_admin)
    table = export_table(client, f"{LEDGER}export.xlsx")
    titles = [r[0] for r in table if str(r[0]).endswith("培训台账")]
    assert titles == ["烤烟种植培训 培训台账", "肉牛养殖技术培训 培训台账"]  # latest first
    only = export_table(client, f"{LEDGER}export.xlsx?program={training.qingshan_course.pk}")
    assert [r[0] for r in only if str(r[0]).endswith("培训台账")] == ["烤烟种植培训 培训台账"]


def test_the_outsider_exports_only_its_own_villagers_rows(personas, training, login):
    """青山镇 sees 王五's row of 城关镇's course (he lives in 石桥村) and not 张三's."""
    table = export_table(login(personas.outsider_admin), f"{LEDGER}export.xlsx")
    names = [r[1] for r in table if isinstance(r[0], int | float) and r[1]]
    assert sorted(names) == ["李四", "王五"]
    assert block(table, "肉牛养殖技术培训 培训台账")["参训人数"] == "1"
    course = training.chengguan_course.pk
    assert (
        login(personas.outsider_admin).get(f"/training/programs/{course}/ledger.xlsx").status_code
        == 404
    )


def test_the_ledger_counts_people_once_in_per_person_mode(
    personas, training, people, login, county
):
    Attendance.objects.create(program=training.qingshan_course, person=people.zhang_san)
    client = login(personas.county_admin)
    params = {"scope": county.county.pk, "start": "2026-01-01", "end": "2026-12-31"}
    period = figures.Period.year(2026)
    assert (
        ledger_count(client.get(LEDGER, params)) == figures.attendances(county.county, period) == 4
    )
    per_person = client.get(LEDGER, {**params, "per_person": "1"})
    assert ledger_count(per_person) == figures.trainees(county.county, period) == 3


def test_the_program_page_lists_trainees_a_page_at_a_time(personas, training, county, login):
    course = training.chengguan_course
    for i in range(120):
        person = Person.objects.create(
            name=f"学员{i}",
            id_number=f"43313019900101{i:03d}X"[:18],
            birth_date=datetime.date(1990, 1, 1),
            gender="1",
            home_org=county.xiguan,
        )
        Attendance.objects.create(program=course, person=person)
    client = login(personas.chengguan_admin)
    first = client.get(f"/training/programs/{course.pk}/").content.decode()
    assert 'id="program-attendance-count">122<' in first
    assert first.count('<td class="masked">') == 100
    assert "第 1 / 2 页" in first
    second = client.get(f"/training/programs/{course.pk}/", {"page": 2}).content.decode()
    assert "学员119" in second and "学员0<" not in second
