"""What an import tells the importer besides counts, on every sheet: the columns it did not use
(issue 12, imports item 1), and the combined 工作单位及职务 column split into employer and post."""

import io

import openpyxl
import pytest
import xlsxwriter
from django.utils import translation

from imports.support import run_cli, validate, validate_and_commit, write
from imports.workbooks import HEADER, make_id, person_row, persons_xlsx
from rencai.imports.cells import parse_employer_post
from rencai.imports.engine import Importer
from rencai.imports.sheets import get_sheet, sheet_names
from rencai.imports.workbooks import write_errors
from rencai.people.models import Person
from rencai.standards.idnumber import parse_id_number, region_warnings

UNKNOWN = "不认识的列"


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def _headers_only(labels: list[str]) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet()
    for col, label in enumerate(labels):
        ws.write_string(0, col, label)
    wb.close()
    return out.getvalue()


@pytest.mark.parametrize("name", sheet_names())
def test_every_sheet_lists_the_columns_it_does_not_use(name, personas):
    sheet = get_sheet(name)
    data = _headers_only([c.label for c in sheet.columns] + [UNKNOWN])
    outcome = Importer(sheet, personas.county_admin).validate(io.BytesIO(data), "表.xlsx")
    assert outcome.unused_columns == [UNKNOWN]
    assert outcome.notices() == [f"未识别的列：{UNKNOWN}（未导入）"]


def _with_combined(rows: list[tuple[list, str]]) -> bytes:
    return persons_xlsx(
        [[*row, combined, "x"] for row, combined in rows],
        header=[*HEADER, "工作单位及职务", UNKNOWN],
    )


def test_the_combined_employer_and_post_column_is_split(personas, people):
    data = _with_combined(
        [
            (person_row("赵六", seq=41), "示范县农业农村局 副局长"),
            (person_row("钱七", seq=43), "东关村党支部书记"),
            (person_row("孙八", seq=45), "县人民医院的医生"),
        ]
    )
    outcome, event = validate_and_commit(personas.chengguan_admin, data)
    assert outcome.ok and event is not None, outcome.problems
    assert outcome.unused_columns == [UNKNOWN]
    stored = dict(
        Person.objects.filter(name__in=["赵六", "钱七", "孙八"]).values_list("name", "employer")
    )
    assert stored == {"赵六": "示范县农业农村局", "钱七": "东关村党支部书记", "孙八": "县人民医院"}
    posts = dict(Person.objects.filter(name__in=["赵六", "孙八"]).values_list("name", "post"))
    assert posts == {"赵六": "副局长", "孙八": "医生"}


def test_parse_employer_post_keeps_an_unsplittable_text_whole():
    assert parse_employer_post("东关村党支部书记", None) == ("东关村党支部书记", "")
    assert parse_employer_post("县农业局 ", None) == ("县农业局", "")


def test_the_cli_dry_run_lists_unused_columns(personas, people, capsys, tmp_path):
    data = _with_combined([(person_row("赵六", seq=41), "县农业局 科员")])
    path = write(tmp_path / "人员.xlsx", data)
    code, out, _err = run_cli(
        ["import", "persons", str(path), "--as", "chengguan_admin", "--dry-run"], capsys
    )
    assert code == 0, out + _err
    assert f"未识别的列：{UNKNOWN}（未导入）" in out


def test_the_error_workbook_lists_unused_columns(personas, people, tmp_path):
    good = make_id("19880808", 43)
    bad = good[:-1] + ("1" if good[-1] == "0" else "0")
    data = _with_combined([(person_row("钱七", seq=43, id_number=bad), "县农业局 科员")])
    outcome = validate(personas.chengguan_admin, data)
    assert not outcome.ok
    path = tmp_path / "errors.xlsx"
    write_errors(outcome, str(path))
    listing = [r[0] for r in openpyxl.load_workbook(path)["问题清单"].iter_rows(values_only=True)]
    assert f"未识别的列：{UNKNOWN}（未导入）" in listing


def test_the_web_check_shows_unused_columns_before_confirming(personas, people, login, settings):
    settings.IMPORTS_INLINE = True
    client = login(personas.chengguan_admin)
    stream = io.BytesIO(_with_combined([(person_row("赵六", seq=41), "县农业局 科员")]))
    stream.name = "人员.xlsx"
    response = client.post("/imports/persons/", {"file": stream})
    page = client.get(response["Location"]).content.decode()
    assert "确认导入" in page
    assert f"未识别的列：{UNKNOWN}（未导入）" in page


@pytest.mark.parametrize("name", sheet_names())
def test_every_sheet_names_a_column_as_the_upload_does(name, personas, people):
    """A problem names the column by the upload's header, the template's label following in
    brackets when they differ (issue 12, imports item 2)."""
    sheet = get_sheet(name)
    header = [c.aliases[0] if c.aliases else c.label for c in sheet.columns]
    expected = {c.label if not c.aliases else f"{c.aliases[0]}（{c.label}）" for c in sheet.columns}
    data = _headers_and_rows(header, [["无效值"] * len(header)] * 2)
    outcome = Importer(sheet, personas.county_admin).validate(io.BytesIO(data), "表.xlsx")
    named = {p.column for p in outcome.problems if p.row}
    assert named <= expected, named - expected


def _headers_and_rows(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet()
    for r, line in enumerate([header, *rows]):
        for col, value in enumerate(line):
            ws.write_string(r, col, value)
    wb.close()
    return out.getvalue()


def test_a_problem_names_the_village_column_as_the_office_wrote_it(personas, people):
    header = [("所在村（社区）" if h == "户籍/居住地" else h) for h in HEADER]
    data = persons_xlsx([person_row("赵六", seq=41, home="不存在村")], header=header)
    outcome = validate(personas.chengguan_admin, data)
    assert [str(p).split("：")[0] for p in outcome.problems] == [
        "第 2 行〔所在村（社区）（户籍/居住地）〕"
    ]


def _error_rows(outcome, tmp_path) -> list[int]:
    path = tmp_path / "errors.xlsx"
    write_errors(outcome, str(path))
    rows = openpyxl.load_workbook(path)["错误行"].iter_rows(min_row=2, values_only=True)
    return [int(r[0]) for r in rows]


@pytest.mark.parametrize("batch", [1, 5000])
def test_the_error_workbook_holds_both_rows_of_a_duplicate_pair(
    batch, personas, people, monkeypatch, tmp_path
):
    """Summary, 问题清单 and 错误行 agree (issue 12, imports item 3), whether the twin comes in
    the same batch or batches later."""
    monkeypatch.setattr("rencai.imports.engine.BATCH", batch)
    data = persons_xlsx([person_row("赵六"), person_row("钱七", seq=43), person_row("孙八")])
    outcome = validate(personas.chengguan_admin, data)
    assert outcome.summary()["rejected"] == 2
    assert sorted({p.row for p in outcome.problems}) == [2, 4]
    assert _error_rows(outcome, tmp_path) == [2, 4]


@pytest.mark.parametrize("name", sheet_names())
def test_every_sheet_puts_every_rejected_row_in_the_error_workbook(name, personas, people):
    sheet = get_sheet(name)
    header = [c.label for c in sheet.columns]
    data = _headers_and_rows(header, [["无效值"] * len(header)] * 3)
    outcome = Importer(sheet, personas.county_admin).validate(io.BytesIO(data), "表.xlsx")
    assert set(outcome.bad_rows) == outcome.rejected_rows


def _warning_id(seq: int = 41) -> str:
    return make_id("19880808", seq, region="431234")  # 湖南省, but no such county


def _id_columns(sheet) -> list[str]:
    """The labels of the columns that read an ID number (their parse of one carries warnings)."""
    found = []
    for column in sheet.columns:
        try:
            value = column.parse(_warning_id(), None) if column.parse else None
        except Exception:  # a parser that needs the sheet's context, or refuses the number
            continue
        if getattr(value, "warnings", None):
            found.append(column.label)
    return found


def test_region_warnings_checks_the_county_table_with_validity_years():
    def warnings(region: str, birth: str) -> tuple[str, ...]:
        return region_warnings(parse_id_number(make_id(birth, 41, region=region)))

    assert warnings("433130", "19880808") == ()  # 龙山县
    assert warnings("440524", "19800101") == ()  # 潮阳县 1983–1993: issued after birth
    assert warnings("440524", "20000101") == (
        "身份证号地区码 440524 在 1993 年后已停用，而出生年份为 2000 年，请核对",
    )
    assert warnings("431234", "19880808") == (
        "身份证号地区码 431234 不是有效的县级行政区划代码，请核对",
    )
    assert warnings("810000", "19800101") == ()  # a residence permit
    assert warnings("999999", "19900101") == ("身份证号地区码 999999 不在行政区划表中，请核对",)


@pytest.mark.parametrize("name", sheet_names())
def test_every_sheet_reports_an_id_numbers_warnings(name, personas, people):
    """An accepted ID number's warning reaches the importer on every sheet that reads one
    (issue 12, imports item 4)."""
    sheet = get_sheet(name)
    ids = _id_columns(sheet)
    if not ids:
        pytest.skip("no ID number column")
    header = [c.label for c in sheet.columns]
    row = [_warning_id() if label in ids else "无效值" for label in header]
    data = _headers_and_rows(header, [row])
    outcome = Importer(sheet, personas.county_admin).validate(io.BytesIO(data), "表.xlsx")
    if any(not p.row for p in outcome.problems):
        pytest.skip("the sheet needs options (a program, a census round) to read rows")
    assert outcome.warned_rows == 1
    assert {(w.row, w.column) for w in outcome.warnings} == {(2, label) for label in ids}


def test_warnings_reach_the_cli_the_web_and_the_error_workbook(
    personas, people, login, settings, capsys, tmp_path
):
    rows = [person_row("赵六", seq=41, id_number=_warning_id(41)), person_row("钱七", seq=43)]
    rows.append(person_row("孙八", seq=45, id_number=_warning_id(45), home="不存在村"))
    data = persons_xlsx(rows)
    expected = "第 2 行〔身份证号〕：身份证号地区码 431234 不是有效的县级行政区划代码，请核对"
    outcome = validate(personas.chengguan_admin, data)
    assert outcome.warned_rows == 2 and outcome.summary()["rejected"] == 1
    path = tmp_path / "errors.xlsx"
    write_errors(outcome, str(path))
    book = openpyxl.load_workbook(path)
    lines = [r[0] for r in book["问题清单"].iter_rows(values_only=True)]
    assert "提示：提示 2 行：" in lines and f"提示：{expected}" in lines
    error_rows = list(book["错误行"].iter_rows(values_only=True))
    assert error_rows[0][-2:] == ("提示", "错误原因")
    assert error_rows[1][-2].startswith("第 4 行〔身份证号〕：身份证号地区码 431234")

    good = persons_xlsx(rows[:2])
    code, out, _err = run_cli(
        ["import", "persons", str(write(tmp_path / "人员.xlsx", good)), "--as", "chengguan_admin"],
        capsys,
    )
    assert code == 0 and "提示 1 行：" in out and expected in out

    settings.IMPORTS_INLINE = True
    client = login(personas.chengguan_admin)
    stream = io.BytesIO(persons_xlsx([person_row("周九", seq=47, id_number=_warning_id(47))]))
    stream.name = "人员.xlsx"
    page = client.get(client.post("/imports/persons/", {"file": stream})["Location"])
    html = page.content.decode()
    assert "确认导入" in html and "提示 1 行" in html and "431234" in html


def test_the_person_form_warns_with_the_same_check(personas, people, login, county):
    from tests.test_people import new_person_data

    client = login(personas.chengguan_admin)
    data = new_person_data(county.dongguan, id_number=_warning_id(41))
    response = client.post("/people/new/", data, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert "身份证号地区码 431234 不是有效的县级行政区划代码，请核对" in shown
    assert Person.objects.filter(id_number=_warning_id(41)).exists()  # accepted


ID_AS_NUMBER = 431121198808088000  # 431121198808088123 typed into a number cell


def _numeric_id_book(header: list[str], ids: list[str]) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet()
    for col, label in enumerate(header):
        ws.write_string(0, col, label)
        if label in ids:
            ws.write_number(1, col, float(ID_AS_NUMBER))
        else:
            ws.write_string(1, col, "无效值")
    wb.close()
    return out.getvalue()


@pytest.mark.parametrize("name", sheet_names())
def test_every_sheet_echoes_an_id_stored_as_a_number_as_excel_shows_it(
    name, personas, people, tmp_path
):
    """Issue 12, imports item 5: 431121198808088000, not 4.31121198808088e+17, with a note."""
    sheet = get_sheet(name)
    ids = _id_columns(sheet)
    if not ids:
        pytest.skip("no ID number column")
    header = [c.label for c in sheet.columns]
    data = _numeric_id_book(header, ids)
    outcome = Importer(sheet, personas.county_admin).validate(io.BytesIO(data), "表.xlsx")
    if any(not p.row for p in outcome.problems):
        pytest.skip("the sheet needs options (a program, a census round) to read rows")
    path = tmp_path / "errors.xlsx"
    write_errors(outcome, str(path))
    ws = openpyxl.load_workbook(path)["错误行"]
    names = [c.value for c in ws[1]]
    for label in ids:
        cell = ws.cell(row=2, column=names.index(label) + 1)
        assert cell.value == str(ID_AS_NUMBER)
        assert cell.comment is not None and "数字" in cell.comment.text


def _encrypted(data: bytes) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("mima123", out)
    return out.getvalue()


PASSWORD = "文件设有打开密码，请去掉密码后再导入"


def test_a_password_protected_workbook_is_named_so(personas, people, login, settings):
    data = _encrypted(persons_xlsx([person_row("赵六", seq=41)]))
    assert data[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # a real encrypted OOXML (CFB)
    outcome = validate(personas.chengguan_admin, data)
    assert [str(p) for p in outcome.problems] == [PASSWORD]
    settings.IMPORTS_INLINE = True
    client = login(personas.chengguan_admin)
    stream = io.BytesIO(data)
    stream.name = "人员.xlsx"
    html = client.get(client.post("/imports/persons/", {"file": stream})["Location"]).content
    assert PASSWORD in html.decode()


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 broken", bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600, b"\x00" * 100],
)
def test_no_english_class_name_reaches_the_user(data, personas, people):
    outcome = validate(personas.chengguan_admin, data)
    text = "\n".join(str(p) for p in outcome.problems)
    assert outcome.problems and "Error" not in text and "Calamine" not in text


def test_the_confirm_step_previews_the_rows_added_and_changed(personas, people, login, settings):
    """Issue 12, imports item 6: the first 50 rows added or changed, each changed field as
    old → new (masked for those who may not reveal); the SHA-256 goes to the history."""
    settings.IMPORTS_INLINE = True
    zhang = people.zhang_san
    personas.county_admin.can_reveal = True
    personas.county_admin.save()
    rows = [person_row(f"新人{i}", seq=101 + 2 * i) for i in range(55)]
    header = ["姓名", "身份证号", "户籍/居住地", "手机号码"]
    changed = [zhang.name, zhang.id_number, zhang.home_org.name_path, "13912345678"]
    data = persons_xlsx([changed, *[[r[0], r[3], r[7], r[6]] for r in rows]], header=header)
    for user, sees in ((personas.chengguan_admin, False), (personas.county_admin, True)):
        client = login(user)
        stream = io.BytesIO(data)
        stream.name = "人员.xlsx"
        job_url = client.post("/imports/persons/", {"file": stream})["Location"]
        html = client.get(job_url).content.decode()
        assert "确认导入" in html and 'id="job-preview"' in html
        assert "SHA-256" not in html  # moved to the history
        preview = client.get(job_url).context["preview"]
        assert len(preview) == 50
        assert preview[0]["row"] == 2 and preview[0]["kind"] == "updated"
        old_phone, new_phone = (
            ("13812345678", "13912345678") if sees else ("138****5678", "139****5678")
        )
        assert ["手机号码", old_phone, new_phone] in preview[0]["fields"], preview[0]
        assert preview[1]["kind"] == "new" and ["姓名", "", "新人0"] in preview[1]["fields"]
        assert f"{old_phone} → {new_phone}" in html


@pytest.mark.parametrize("name", sheet_names())
def test_every_sheet_describes_a_new_row_for_the_preview(name):
    from types import SimpleNamespace

    from rencai.imports.preview import preview_row
    from rencai.imports.sheets import NEW, RowPlan

    sheet = get_sheet(name)
    ctx = SimpleNamespace(units=SimpleNamespace(paths={}), category_names={})
    values = {c.key: "值" for c in sheet.columns if c.key != "person_no"}
    shown = preview_row(sheet, ctx, RowPlan(2, NEW), values)
    assert shown["row"] == 2 and shown["kind"] == NEW
    assert {label for label, _old, _new in shown["fields"]} == {
        c.label for c in sheet.columns if c.key != "person_no"
    }
