"""培训班次 and 培训台账 through the 培训班次表 import/export and the API: scoped, checked row
by row, all or nothing, and a 人次 entered only by the program's organiser."""

import pytest

from rencai.training.models import Attendance, TrainingProgram
from tests.records_support import export_table, import_sheet, problems
from tests.test_api import token_client
from tests.test_training import Training

HEADER = ["培训名称", "类型", "主办单位", "实训基地", "开始日期", "结束日期", "学时", "主讲人",
          "地点", "每人次补贴（元）", "经费来源", "备注"]  # fmt: skip


@pytest.fixture
def training(county, people) -> Training:
    return Training(county, people)


def row(name="电商直播培训", **changes):
    values = {
        "name": name, "category": "其他技术", "organiser": "示范县/城关镇", "base": "",
        "start": "2026-05-06", "end": "2026-05-07", "hours": 12, "teachers": "孙老师",
        "location": "城关镇文化站", "subsidy": "80", "source": "县财政", "notes": "",
    }  # fmt: skip
    values.update(changes)
    return list(values.values())


def test_the_sheet_creates_updates_and_leaves_programs_unchanged(personas, training):
    admin = personas.chengguan_admin
    rows = [row(), row("肉牛养殖技术培训", category="种养殖技术", base="大坪子养殖场",
                       start="2026-03-02", end="2026-03-04", hours=24)]  # fmt: skip
    outcome = import_sheet("programs", admin, HEADER, rows)
    assert outcome.ok, problems(outcome)
    assert (outcome.summary()["new"], outcome.summary()["updated"]) == (1, 1)
    new = TrainingProgram.objects.get(name="电商直播培训")
    assert (new.category.name, new.organiser.name, str(new.subsidy_per_attendance)) == (
        "其他技术",
        "城关镇",
        "80.00",
    )
    assert TrainingProgram.objects.get(pk=training.chengguan_course.pk).teachers == "孙老师"
    assert import_sheet("programs", admin, HEADER, rows).summary()["unchanged"] == 2


def test_a_bad_programs_sheet_names_every_problem_and_changes_nothing(personas, training):
    before = TrainingProgram.objects.count()
    rows = [
        row("甲", end="2026-05-01"),
        row("乙", category="烹饪"),
        row("丙", organiser="示范县/青山镇"),
        row("丁", base="不存在的基地", hours="-2"),
        row("戊", start="2026-02-30"),
    ]
    outcome = import_sheet("programs", personas.chengguan_admin, HEADER, rows)
    text = problems(outcome)
    assert "第 2 行〔结束日期〕：结束日期不能早于开始日期" in text
    assert "第 3 行〔类型〕" in text and "烹饪" in text
    assert "第 4 行" in text and "管辖范围" in text
    assert "第 5 行〔实训基地〕" in text and "第 5 行〔学时〕" in text
    assert "第 6 行〔开始日期〕" in text
    assert TrainingProgram.objects.count() == before


def test_the_program_export_follows_the_filters_and_imports_back(personas, training, login):
    client = login(personas.county_admin)
    table = export_table(client, "/training/programs/export.xlsx?name=烤烟")
    assert table[0] == HEADER and [r[0] for r in table[1:]] == ["烤烟种植培训"]
    everything = export_table(client, "/training/programs/export.xlsx")
    outcome = import_sheet("programs", personas.county_admin, everything[0], everything[1:])
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["unchanged"] == 2


def test_the_program_api_is_scoped(personas, training, county):
    outsider = token_client(personas.outsider_admin)
    names = [p["name"] for p in outsider.get("/api/training/programs/").json()["results"]]
    assert names == ["烤烟种植培训"]
    course = training.chengguan_course.pk
    assert outsider.get(f"/api/training/programs/{course}/").status_code == 404
    admin = token_client(personas.chengguan_admin)
    detail = admin.get(f"/api/training/programs/{course}/").json()
    assert detail["attendance_count"] == 2
    body = {"name": "新班", "category": training.farming.pk, "organiser": county.chengguan.pk,
            "start_date": "2026-06-02", "end_date": "2026-06-01"}  # fmt: skip
    backwards = admin.post("/api/training/programs/", body, content_type="application/json")
    assert backwards.status_code == 400
    body["end_date"] = "2026-06-03"
    assert (
        admin.post("/api/training/programs/", body, content_type="application/json").status_code
        == 201
    )
    leader = token_client(personas.chengguan_leader)
    assert (
        leader.post("/api/training/programs/", body, content_type="application/json").status_code
        == 403
    )


def test_only_the_organiser_enters_a_trainee_through_the_api(personas, training, people):
    course = training.chengguan_course.pk
    # 青山镇 sees its villager 李四 but cannot put him on 城关镇's course.
    outsider = token_client(personas.outsider_admin)
    rows = outsider.get("/api/training/attendances/").json()["results"]
    assert {r["person_name"] for r in rows} == {"王五", "李四"}
    assert people.li_si.id_number not in str(rows)
    body = {"program": course, "person": people.li_si.pk}
    refused = outsider.post("/api/training/attendances/", body, content_type="application/json")
    assert refused.status_code == 400
    admin = token_client(personas.county_admin)
    assert (
        admin.post("/api/training/attendances/", body, content_type="application/json").status_code
        == 201
    )
    twice = admin.post("/api/training/attendances/", body, content_type="application/json")
    assert twice.status_code == 400
    assert Attendance.objects.filter(program_id=course).count() == 3
