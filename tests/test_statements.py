"""The standard tables 统计报表 (issue 13 §2): every cell of every sheet, read back from the
workbook, is the registry's figure (rencai/figures.py) asked afresh; the layout offices file
(title, 填报单位 and period, two-row merged header, 合计, footer, A4 landscape one page wide,
numbers as numbers); `rencai tables`; the download by persona, audited as an export."""

import datetime
import io
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal

import openpyxl
import pytest

from rencai import cli, figures
from rencai.audit.models import AuditAction, AuditEvent
from rencai.figures import Period, Scope, today
from rencai.people.models import Qualification, TalentCategory
from rencai.statements import tables, workbook
from rencai.statements.tables import Grid, Source
from tests.seed_county import seeded_county  # noqa: F401 -- the fixture
from tests.test_figures_registry import world  # noqa: F401 -- the fixture

D = datetime.date
PERIOD = Period.half(2026, 1)
FIRST_ROW = 5  # the first data row (1-based): title, unit line, two header rows


def registry_value(source: Source, period: Period):
    """The number the registry gives for a cell's source, asked with a fresh scope."""
    from rencai.orgs.models import OrgUnit

    scope = Scope(OrgUnit.objects.get(pk=source.unit))
    figure = figures.figure(source.key)
    if not source.breakdown:
        return figure.compute(scope, period)
    lines = {line.key: line.value for line in figure.lines(source.breakdown, scope, period)}
    return lines.get(source.line, 0 if figure.measure != "%" else None)


def write(unit, period: Period, viewer=None) -> tuple[list, openpyxl.Workbook]:
    scope = Scope(unit, viewer)
    built = tables.built(scope, period)
    out = io.BytesIO()
    workbook.write_workbook(built, Scope(unit, viewer), period, today(), out)
    out.seek(0)
    return built, openpyxl.load_workbook(out)


def sheet_cells(grid: Grid, sheet) -> list[tuple[object, object]]:
    """(the workbook's cell, the grid's cell) for every cell of the grid's rows."""
    found = []
    for r, row in enumerate(grid.all_rows()):
        for c, column in enumerate(grid.columns):
            if column.key in row.cells:
                at = sheet.cell(FIRST_ROW + r, len(grid.stub) + c + 1)
                found.append((at, row.cells[column.key]))
    return found


@pytest.fixture
def certificates(county, people):
    """张三 holds a 高素质农民 certificate valid to the end of 2026, 李四 one that lapsed in
    March 2026 (not held on 30 June), 王五 one without end date; 李四 is 副高级, 王五 助理级."""
    Qualification.objects.create(
        person=people.zhang_san, kind="farmer", valid_until=D(2026, 12, 31)
    )
    Qualification.objects.create(person=people.li_si, kind="title", valid_until=D(2026, 3, 1))
    Qualification.objects.create(person=people.wang_wu, kind="other", issued_on=D(2020, 1, 1))
    people.li_si.title_level = "2"
    people.li_si.save()
    people.wang_wu.title_level = "4"
    people.wang_wu.save()
    grower = TalentCategory.objects.filter(group="rural_practical").first()
    people.zhang_san.categories.add(grower)
    return grower


@pytest.mark.parametrize("name", ["county", "chengguan", "qingshan"])
def test_every_cell_is_its_registered_figure(county, world, certificates, name):  # noqa: F811
    unit = getattr(county, name)
    built, book = write(unit, PERIOD)
    assert [s.title for s in book.worksheets] == [str(t.short) for t, _g in built]
    assert len(built) >= 4
    checked = 0
    for (table, grid), sheet in zip(built, book.worksheets, strict=True):
        for at, cell in sheet_cells(grid, sheet):
            if cell.source is None:
                assert at.value == cell.value  # text: a census unit's status
                continue
            want = registry_value(cell.source, PERIOD)
            if want is None:
                assert at.value is None, (table.key, at.coordinate)
            else:
                assert at.data_type == "n", (table.key, at.coordinate)
                assert at.value == pytest.approx(float(want)), (table.key, at.coordinate)
                checked += 1
    assert checked > 50


def test_the_county_tables_hold_the_counts(county, world, certificates):  # noqa: F811
    """Numbers counted here by hand from the fixture: 张三 (男, 大学专科, 农村实用人才 and a 农村
    实用人才 type, certified), 李四 (女, 大学本科, 专业技术人才, 副高级, lapsed certificate), 王五
    (男, 大学本科, no category, 初级, certificate without end)."""
    _built, book = write(county.county, PERIOD)
    structure = book["人才资源总量及结构"]
    rows = {
        r[1].value or r[0].value: [c.value for c in r]
        for r in structure.iter_rows(min_row=FIRST_ROW)
    }
    head = [c.value for c in structure[4]]
    col = {label: i for i, label in enumerate(head) if label}
    total = rows["在册人才合计（不重复计人）"]
    assert total[2] == 3 and total[col["男"]] == 2 and total[col["女"]] == 1
    assert total[col["大学本科"]] == 2 and total[col["大学专科"]] == 1
    assert total[col["副高级"]] == 1 and total[col["初级"]] == 1 and total[col["正高级"]] == 0
    assert total[col["持证人数"]] == 2 and total[col["持证率(%)"]] == pytest.approx(66.7)
    farmer = rows["农村实用人才"]
    assert farmer[2] == 1 and farmer[col["男"]] == 1 and farmer[col["持证率(%)"]] == 100
    assert rows["专业技术人才"][col["持证人数"]] == 0
    rural = book["农村实用人才"]
    rural_rows = {r[0].value: [c.value for c in r] for r in rural.iter_rows(min_row=FIRST_ROW)}
    assert rural_rows[certificates.name][1:4] == [1, 1, 0]  # 合计, 城关镇, 青山镇
    assert [c.value for c in rural[4]][:4] == [None, None, "城关镇", "青山镇"]  # 乡镇 only


def test_layout_as_offices_file_it(county, world, certificates):  # noqa: F811
    built, book = write(county.county, PERIOD)
    for (table, grid), sheet in zip(built, book.worksheets, strict=True):
        width = len(grid.stub) + len(grid.columns)
        merged = {str(r) for r in sheet.merged_cells.ranges}
        last = openpyxl.utils.get_column_letter(width)
        assert f"A1:{last}1" in merged and sheet["A1"].value == str(table.title)
        assert sheet["A2"].value == "填报单位：示范县"
        assert "统计期间：2026年01月01日至2026年06月30日" in [c.value for c in sheet[2]]
        assert "A3:A4" in merged  # the stub's header spans both header rows
        for i, column in enumerate(grid.columns):
            letter = openpyxl.utils.get_column_letter(len(grid.stub) + i + 1)
            if not column.group:
                assert f"{letter}3:{letter}4" in merged
        footer = [r[0].value for r in sheet.iter_rows() if r[0].value and "填表人" in r[0].value]
        assert footer == [f"填表人：{' ' * 12}审核人：{' ' * 12}填报日期：{today():%Y年%m月%d日}"]
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.paperSize == 9
        # one page wide (fitToWidth left out: OOXML's default is 1), as many pages tall as needed
        assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$3:$4"
        assert sheet["A3"].font.name in ("宋体", "仿宋") and sheet["A3"].border.left.style == "thin"
        total = FIRST_ROW + len(grid.rows)
        assert sheet.cell(total, 1).value.startswith("合计") or "合计" in sheet.cell(total, 1).value
    structure = book["人才资源总量及结构"]
    assert "D3:E3" in {str(r) for r in structure.merged_cells.ranges}  # 性别 over 男, 女
    assert structure["D3"].value == "性别" and structure["D4"].value == "男"


def test_additive_totals_are_the_sum_of_their_rows(county, world):  # noqa: F811
    built, _book = write(county.county, Period.year(2026))
    additive = [(t, g) for t, g in built if g.additive]
    assert [t.key for t, _g in additive] == ["training.training"]
    for _table, grid in additive:
        for column in grid.columns:
            rows = [row.cells[column.key].value for row in grid.rows]
            assert sum(rows) == grid.total.cells[column.key].value
    training = dict(built)[next(t for t, _g in built if t.key == "training.training")]
    assert training.total.cells["total"].value > 0  # not a sum of zeros
    for _table, grid in built:  # a row's 性别 columns add up to its 合计 (gender always known)
        if "gender:1" in {c.key for c in grid.columns}:
            for row in grid.all_rows():
                both = row.cells["gender:1"].value + row.cells["gender:2"].value
                assert both == row.cells["total"].value


def test_a_percent_is_a_number_with_one_decimal(county, world, certificates):  # noqa: F811
    _built, book = write(county.county, PERIOD)
    census = book["普查报送情况"]
    rate = next(r for r in census.iter_rows() if r[0].value == "报送率(%)")
    assert rate[2].value == pytest.approx(33.3) and rate[2].number_format == "0.0"
    assert isinstance(census.cell(FIRST_ROW, 4).value, int)


# -- rencai tables ------------------------------------------------------------------------------


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as done:
        cli.main(["tables", *argv])
    return done.value.code, out.getvalue(), err.getvalue()


def test_rencai_tables_writes_the_workbook(county, world, personas, tmp_path):  # noqa: F811
    out = tmp_path / "报表.xlsx"
    code, text, err = run_cli(str(out), "--unit", "示范县/城关镇", "--period", "2026H1")
    assert (code, err) == (0, "")
    assert "已写出 4 张报表" in text
    book = openpyxl.load_workbook(out)
    assert book["培训情况"]["A2"].value == "填报单位：示范县/城关镇"
    scope = Scope(county.chengguan)
    rows = {r[0].value: r for r in book["培训情况"].iter_rows(min_row=FIRST_ROW)}
    assert rows["合计（人次）"][1].value == figures.value("training.attendance", scope, PERIOD)
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert (
        event.detail["unit"] == "示范县/城关镇"
        and "training.training" in event.detail["statements"]
    )
    code, _text, err = run_cli(str(out), "--unit", "城关镇", "--as", "chengguan_admin")
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["--unit", "示范县/城关镇", "--as", "outsider_admin"],
            "不在账号 outsider_admin 的管辖范围内",
        ),
        (["--unit", "示范县/无此镇"], "找不到组织"),
        (["--unit", "城关镇", "--period", "2026H3"], "不认识的期间"),
        (["--as", "nobody"], "找不到在用账号 nobody"),
    ],
)
def test_rencai_tables_refuses_what_it_cannot_answer(county, personas, tmp_path, argv, message):
    out = tmp_path / "x.xlsx"
    code, text, err = run_cli(str(out), *argv)
    assert (code, text) == (2, "")
    assert message in err and not out.exists()


def test_rencai_tables_says_when_it_cannot_write(county, personas, tmp_path):
    code, _text, err = run_cli(str(tmp_path / "no" / "x.xlsx"), "--unit", "示范县")
    assert code == 2 and "无法写入" in err


# -- the pages ----------------------------------------------------------------------------------


def test_download_for_the_users_jurisdiction_is_audited(county, world, personas, login):  # noqa: F811
    client = login(personas.chengguan_admin)
    page = client.get("/statements/")
    assert page.status_code == 200 and "下载统计报表" in page.content.decode()
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    got = client.get("/statements/download/", {"unit": county.chengguan.pk, "period": "2026H1"})
    assert got.status_code == 200
    assert got["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(got.streaming_content)))
    assert book.sheetnames[:2] == ["人才资源总量及结构", "农村实用人才"]
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert events.count() == before + 1
    event = events.latest("id")
    assert event.user == personas.chengguan_admin and event.detail["period"] == str(PERIOD)


def test_download_outside_the_jurisdiction_is_not_found(county, personas, login):
    client = login(personas.outsider_admin)
    got = client.get("/statements/download/", {"unit": county.chengguan.pk, "period": "2026"})
    assert got.status_code == 404 and "不在您的管辖范围内或不存在" in got.content.decode()
    got = client.get("/statements/download/", {"unit": "abc", "period": "2026"})
    assert got.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_bad_period_is_said_in_chinese(county, personas, login):
    client = login(personas.county_admin)
    got = client.get("/statements/download/", {"unit": county.county.pk, "period": "2026H3"})
    assert got.status_code == 400 and "不认识的期间" in got.content.decode()
    got = client.get("/statements/download/", {"unit": county.county.pk, "period": "2026-13"})
    assert got.status_code == 400 and "无效" in got.content.decode()


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_the_security_roles_may_not_download(county, personas, login, role):
    client = login(getattr(personas, role))
    assert client.get("/statements/").status_code == 403
    got = client.get("/statements/download/", {"unit": county.county.pk, "period": "2026"})
    assert got.status_code == 403


def test_certified_is_its_list(county, people, certificates, personas, login):
    """持证人数 and its drill-down list: the same persons (张三 and 王五 on 30 June 2026; 李四's
    certificate lapsed on 1 March)."""
    import re

    client = login(personas.county_admin)
    scope = Scope(county.county, personas.county_admin)
    figure = figures.figure("people.certified")
    for period, want in ((PERIOD, 2), (Period.year(2025), 3), (Period.year(2027), 1)):
        assert figure.compute(scope, period) == want
        html = client.get(figure.url(scope, period)).content.decode()
        assert int(re.search(r"共\s*(?:<[^>]+>)?(\d+)", html).group(1)) == want
    assert figures.value("people.certified_rate", scope, PERIOD) == pytest.approx(66.7)
    assert figures.value("people.rural_practical", scope, PERIOD) == 1
    assert Decimal(
        str(figures.value("people.certified_rate", scope, Period.year(2027)))
    ) == Decimal("33.3")


# -- the seeded county (issue 13 "Tests") -------------------------------------------------------


def test_the_seeds_figures_are_in_the_tables(seeded_county):  # noqa: F811
    """篇三's township in the half-year: 3000 人次, 2000 种养殖类 and 500 其他技术类, target 6000,
    50.0 % — in the 城关镇 workbook and in the county's 城关镇 column."""
    s = seeded_county
    period = s.period(s.h1)
    _built, book = write(s.unit("城关镇"), period)
    rows = {r[0].value: [c.value for c in r] for r in book["培训情况"].iter_rows(min_row=FIRST_ROW)}
    assert rows["种养殖技术"][1] == 2000 and rows["其他技术"][1] == 500
    assert rows["合计（人次）"][1] == 3000
    assert rows["年度培训目标（人次）"][1] == 6000
    assert rows["目标完成率(%)"][1] == 50.0
    header = [c.value for c in book["培训情况"][4]]
    assert rows["合计（人次）"][header.index("东关村")] == 3000
    built, book = write(s.unit("示范县"), period)
    header = [c.value for c in book["培训情况"][4]]
    rows = {r[0].value: [c.value for c in r] for r in book["培训情况"].iter_rows(min_row=FIRST_ROW)}
    assert rows["种养殖技术"][header.index("城关镇")] == 2000
    assert rows["目标完成率(%)"][header.index("城关镇")] == 50.0
    # and every cell the seed's expectations name holds the seed's number
    names = {s.unit(n).pk: n for n in ("示范县", "城关镇")}
    found = 0
    for _table, grid in built:
        for _row, _column, cell in tables.cells(grid):
            src = cell.source
            if src is None or src.unit not in names:
                continue
            key = (names[src.unit], s.h1, src.key) + (
                (src.breakdown, src.line) if src.breakdown else ()
            )
            if key in s.expected:
                assert cell.value == s.expected[key], key
                found += 1
    assert found >= 2


def test_every_line_the_tables_read_is_its_list(county, certificates, personas, login):
    """The breakdown lines added for the tables link to the register's list of exactly their
    persons (the lines with persons, and the zero lines of 城关镇's first category)."""
    import re

    client = login(personas.county_admin)
    scope = Scope(county.county, personas.county_admin)
    lines = [
        (key, breakdown, line)
        for key, breakdown in (
            ("people.active", "profile"),
            ("people.active", "category_profile"),
            ("people.active", "category_child_unit"),
            ("people.certified", "category"),
            ("people.certified", "child_unit"),
            ("people.rural_practical", "child_unit"),
        )
        for line in figures.figure(key).lines(breakdown, scope, PERIOD)
    ]
    shown = [x for x in lines if x[2].value] + [x for x in lines if not x[2].value][:8]
    assert len([x for x in shown if x[2].value]) >= 20
    for key, breakdown, line in shown:
        html = client.get(line.url).content.decode()
        listed = int(re.search(r"共\s*(?:<[^>]+>)?(\d+)", html).group(1))
        assert listed == line.value, (key, breakdown, line.label, line.url)
