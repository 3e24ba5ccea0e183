"""Exports: limited to the user's jurisdiction, masked unless they may reveal, formula-free,
audited; the web export link and the template download."""

import io
import re

import openpyxl
import pytest
from django.utils import translation

from imports.support import XLSX
from imports.workbooks import xlsx_members
from rencai.audit.models import AuditAction, AuditEvent
from rencai.imports.exports import export_sheet
from rencai.imports.sheets import get_sheet
from rencai.people.models import Person

FULL_ID = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
FULL_PHONE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
INJECTIONS = ["=1+2", "+1+2", "-1+2", "@SUM(A1:A2)", '=HYPERLINK("http://evil","点我")']


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def export(user, params=None) -> bytes:
    out = io.BytesIO()
    export_sheet(get_sheet("persons"), user, params or {}, out)
    return out.getvalue()


def rows_of(data: bytes) -> list[dict]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


def test_an_export_holds_only_the_users_jurisdiction(personas, people):
    outsider = {r["姓名"] for r in rows_of(export(personas.outsider_admin))}
    assert outsider == {"李四", "王五"}  # 王五 lives in 石桥村 (and works in 城关镇)
    chengguan = {r["姓名"] for r in rows_of(export(personas.chengguan_admin))}
    assert chengguan == {"张三", "王五"}
    county = {r["姓名"] for r in rows_of(export(personas.county_admin))}
    assert county == {"张三", "李四", "王五"}
    clerk = {r["姓名"] for r in rows_of(export(personas.chengguan_clerk))}
    assert clerk == {"张三"}


def test_an_export_is_masked_without_the_reveal_permission(personas, people):
    data = export(personas.county_admin)
    xml = "".join(xlsx_members(data).values())
    assert not FULL_ID.search(xml)
    assert not FULL_PHONE.search(xml)
    by_name = {r["姓名"]: r for r in rows_of(data)}
    assert by_name["张三"]["身份证号"] == people.zhang_san.masked_id_number
    assert by_name["张三"]["手机号码"] == "138****5678"
    assert by_name["张三"]["人员编号"] == people.zhang_san.pk


def test_an_export_is_full_with_the_reveal_permission(personas, people):
    personas.county_admin.can_reveal = True
    personas.county_admin.save()
    by_name = {r["姓名"]: r for r in rows_of(export(personas.county_admin))}
    assert by_name["张三"]["身份证号"] == people.zhang_san.id_number
    assert by_name["李四"]["身份证号"] == people.li_si.id_number
    assert by_name["张三"]["手机号码"] == "13812345678"


def test_roles_without_records_cannot_export(personas, people):
    for user in (personas.auditor, personas.sysadmin, personas.secadmin):
        with pytest.raises(PermissionError):
            export(user)


def test_an_export_writes_no_formula(personas, people):
    zhang = people.zhang_san
    zhang.notes, zhang.employer, zhang.post, zhang.specialty = INJECTIONS[:4]
    zhang.save()
    wang = people.wang_wu
    wang.notes = INJECTIONS[4]
    wang.save()
    data = export(personas.county_admin)
    sheet = xlsx_members(data)["xl/worksheets/sheet1.xml"]
    assert "<f>" not in sheet and "<f " not in sheet
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    found = {}
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if str(cell.value)[1:] in INJECTIONS:  # behind an apostrophe (formulas.defuse)
                assert cell.data_type == "s", (cell.coordinate, cell.value)
                assert cell.value[0] == "'", (cell.coordinate, cell.value)
                found[cell.value[1:]] = cell.coordinate
    assert set(found) == set(INJECTIONS)


def test_an_export_is_audited(personas, people, category_pk):
    before = AuditEvent.objects.count()
    export(personas.chengguan_admin, {"category": category_pk, "page": ""})
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert AuditEvent.objects.count() == before + 1
    assert event.user == personas.chengguan_admin
    assert event.detail == {
        "sheet": "persons",
        "filters": {"category": str(category_pk)},
        "rows": 1,
        "masked": True,
    }


@pytest.fixture
def category_pk(people) -> int:
    return people.zhang_san.categories.get().pk


def test_the_web_export_link_returns_the_filtered_rows(personas, people, county, login):
    client = login(personas.county_admin)
    response = client.get(f"/people/export.xlsx?org={county.chengguan.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert {r["姓名"] for r in rows_of(data)} == {"张三", "王五"}
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["rows"] == 2
    assert event.detail["filters"] == {"org": str(county.chengguan.pk)}
    assert not FULL_ID.search("".join(xlsx_members(data).values()))


def test_the_web_export_cannot_reach_outside_the_jurisdiction(personas, people, county, login):
    """Another township's unit is not a valid filter: the export is empty, never unfiltered."""
    client = login(personas.outsider_admin)
    response = client.get(f"/people/export.xlsx?org={county.chengguan.pk}")
    assert response.status_code == 200
    assert rows_of(b"".join(response.streaming_content)) == []
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["rows"] == 0


def test_the_web_export_is_refused_to_the_security_roles(personas, people, login):
    assert login(personas.auditor).get("/people/export.xlsx").status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_template_download(personas, login):
    response = login(personas.chengguan_clerk).get("/imports/persons/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    data = b"".join(response.streaming_content)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["人员信息表", "可选值", "填表说明"]
    ws = wb["人员信息表"]
    header = [c.value for c in ws[1]]
    sheet = get_sheet("persons")
    assert header == [c.label for c in sheet.columns]
    letters = {c.label: openpyxl.utils.get_column_letter(i) for i, c in enumerate(sheet.columns, 1)}
    for label in ("身份证号", "手机号码"):
        assert ws.column_dimensions[letters[label]].number_format == "@"
    assert ws.column_dimensions[letters["姓名"]].number_format == "General"
    validations = {
        str(dv.sqref).split(":")[0]: (dv.type, dv.formula1)
        for dv in ws.data_validations.dataValidation
    }
    assert validations[letters["身份证号"] + "2"] == ("textLength", "15")
    assert validations[letters["政治面貌"] + "2"][0] == "list"
    assert validations[letters["性别"] + "2"] == ("list", "'可选值'!$C$2:$C$3")
    assert [wb["可选值"].cell(r, 3).value for r in (2, 3)] == ["男", "女"]
    assert wb["可选值"].sheet_state == "hidden"
    notes = [v for row in wb["填表说明"].iter_rows(values_only=True) for v in row if v]
    assert "人员信息表 填表说明" in notes
    assert "身份证号（必填）" in notes
    assert any("文本格式" in str(v) for v in notes)
    assert ws.freeze_panes == "A2"


def test_the_template_imports_back_empty(personas, login):
    from imports.support import validate

    data = b"".join(
        login(personas.chengguan_admin).get("/imports/persons/template.xlsx").streaming_content
    )
    outcome = validate(personas.chengguan_admin, data, "模板.xlsx", spool=False)
    assert outcome.ok and outcome.summary()["total"] == 0
    assert Person.objects.count() == 0
