"""The 培训签到表 through the engine: a program's sign-in sheet becomes its 人次 ledger,
registering trainees the register does not hold, all or nothing, and a second import of the same
sheet changes nothing."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils import translation

from imports.support import Written, problems_text
from imports.workbooks import make_id, persons_xlsx
from rencai.audit.models import AuditEvent
from rencai.imports.engine import Importer
from rencai.imports.sheets import get_sheet
from rencai.people.models import Person
from rencai.standards.idnumber import mask_id_number
from rencai.training.models import Attendance
from tests.test_training import Training

HEADER = ["序号", "姓名", "性别", "从事产业", "单位职务或家庭住址", "身份证号码", "联系方式"]
NEW_ID = make_id("19910203", 51)


@pytest.fixture
def training(county, people) -> Training:
    return Training(county, people)


def sheet_rows(people, *extra):
    return [
        [1, "张三", "男", "养殖", "东关村", people.zhang_san.id_number, ""],  # already enrolled
        [2, "李四", "女", "种植", "石桥村", people.li_si.id_number, ""],  # in the register
        [3, "钱七", "男", "肉牛养殖", "西关村", NEW_ID, "13700001111"],  # new to the register
        *extra,
    ]


def run(user, training, rows, *, commit=True, header=HEADER):
    with translation.override("zh-hans"):
        importer = Importer(
            get_sheet("attendance"), user, options={"program": training.chengguan_course.pk}
        )
        outcome = importer.validate(io.BytesIO(persons_xlsx(rows, header)), "签到表.xlsx")
        if commit and outcome.ok:
            importer.commit(outcome, file_name="签到表.xlsx", sha256="0" * 64)
    return outcome


def test_a_sign_in_sheet_fills_the_ledger_and_registers_new_trainees(
    personas, people, training, county
):
    outcome = run(personas.chengguan_admin, training, sheet_rows(people))
    assert outcome.ok, problems_text(outcome)
    assert outcome.summary() == {"new": 2, "updated": 0, "unchanged": 1, "rejected": 0, "total": 3}
    ledger = Attendance.objects.filter(program=training.chengguan_course)
    assert {a.person.name for a in ledger} == {"张三", "王五", "李四", "钱七"}
    qian = Person.objects.get(id_number=NEW_ID)
    assert (qian.home_org, qian.gender, qian.specialty, qian.phone) == (
        county.xiguan,
        "1",
        "肉牛养殖",
        "13700001111",
    )
    assert qian.name_initials == "qq"
    # the register's own rows are not changed by a sign-in sheet
    people.li_si.refresh_from_db()
    assert people.li_si.specialty == ""
    # every new row and the new Person are in the change log
    for model, label in ((Person, "钱七"), (Attendance, "肉牛养殖技术培训 · 钱七")):
        ct = ContentType.objects.get_for_model(model)
        assert AuditEvent.objects.filter(
            content_type=ct, action="create", object_repr=label
        ).exists()


def test_importing_the_same_sheet_again_changes_nothing(personas, people, training):
    run(personas.chengguan_admin, training, sheet_rows(people))
    changes = AuditEvent.objects.exclude(action="import")
    before = Person.objects.count(), Attendance.objects.count(), changes.count()
    again = run(personas.chengguan_admin, training, sheet_rows(people))
    assert again.summary() == {"new": 0, "updated": 0, "unchanged": 3, "rejected": 0, "total": 3}
    # only the import itself is recorded
    assert (Person.objects.count(), Attendance.objects.count(), changes.count()) == before


def test_an_address_that_is_not_a_unit_registers_in_the_organisers_unit(
    personas, people, training, county
):
    rows = [[1, "孙八", "女", "", "县农业局 技术员", make_id("19850101", 62), ""]]
    assert run(personas.chengguan_admin, training, rows).ok
    sun = Person.objects.get(name="孙八")
    assert sun.home_org == county.chengguan
    assert sun.notes == "单位职务或家庭住址：县农业局 技术员"


BAD = [
    ("the same person twice", [[9, "钱七", "男", "", "", NEW_ID, ""]],
     [f"第 4 行〔身份证号码〕：身份证号 {mask_id_number(NEW_ID)} 在第 5 行再次出现",
      f"第 5 行〔身份证号码〕：身份证号 {mask_id_number(NEW_ID)} 与第 4 行重复"]),
    ("a number for an ID", [[9, "周九", "男", "", "", 4.30124e17, ""]],
     ["第 5 行〔身份证号码〕：身份证号被 Excel 存成了数字"]),
    ("a bad check digit", [[9, "周九", "男", "", "", make_id("19900101", 7)[:-1] + "0", ""]],
     ["第 5 行〔身份证号码〕：身份证号校验位错误"]),
    ("a gender against the ID", [[9, "周九", "女", "", "", make_id("19900101", 7), ""]],
     ["第 5 行〔性别〕：性别与身份证号不一致"]),
    ("a masked ID", [[9, "周九", "男", "", "", "4331**********0071", ""]],
     ["第 5 行〔身份证号码〕：身份证号已脱敏"]),
    ("a village outside the jurisdiction", [[9, "周九", "男", "", "石桥村",
                                              make_id("19900101", 7), ""]],
     ["第 5 行〔单位职务或家庭住址〕：“示范县/青山镇/石桥村”不在您的管辖范围内"]),
    ("no name", [[9, "", "男", "", "", make_id("19900101", 7), ""]],
     ["第 5 行〔姓名〕：不能为空"]),
]  # fmt: skip


@pytest.mark.parametrize("case, extra, messages", BAD, ids=[b[0] for b in BAD])
def test_a_bad_row_rejects_the_whole_sheet(personas, people, training, case, extra, messages):
    before = Written.now(), Attendance.objects.count()
    outcome = run(personas.chengguan_admin, training, sheet_rows(people, *extra))
    assert not outcome.ok
    text = problems_text(outcome)
    for message in messages:
        assert message in text, text
    assert (Written.now(), Attendance.objects.count()) == before


def test_a_sheet_without_the_id_column_is_refused(personas, people, training):
    rows = [row[:5] for row in sheet_rows(people)]
    outcome = run(personas.chengguan_admin, training, rows, header=HEADER[:5])
    assert "缺少必填列：身份证号码" in problems_text(outcome)


def test_only_an_editor_of_the_program_may_import_its_sheet(personas, people, training):
    sheet = get_sheet("attendance")
    program = {"program": str(training.chengguan_course.pk)}
    assert sheet.upload_options(personas.chengguan_admin, program) == {
        "program": training.chengguan_course.pk
    }
    for user in (personas.outsider_admin, personas.chengguan_leader):
        with pytest.raises(Http404):
            sheet.upload_options(user, program)
    with pytest.raises(Http404):
        sheet.upload_options(personas.chengguan_admin, {"program": "abc"})
    before = Written.now()
    outcome = run(personas.outsider_admin, training, sheet_rows(people))
    assert "请从培训班次页面导入该班次的签到表" in problems_text(outcome)
    assert Written.now() == before


def test_the_ledger_exports_masked_in_the_sheets_columns(personas, people, training, tmp_path):
    from rencai.imports.exports import export_sheet

    out = tmp_path / "台账.xlsx"
    count = export_sheet(
        get_sheet("attendance"),
        personas.chengguan_admin,
        {"program": training.chengguan_course.pk},
        str(out),
    )
    assert count == 2
    import openpyxl

    ws = openpyxl.load_workbook(out).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header_row = next(i for i, r in enumerate(values) if "身份证号码" in r)
    assert values[header_row][:6] == [c.label for c in get_sheet("attendance").columns]
    ids = {r[4] for r in values[header_row + 1 :] if r[0]}
    assert ids == {people.zhang_san.masked_id_number, people.wang_wu.masked_id_number}
