"""Every sheet from the command line: `rencai sheets` lists them, `rencai template | export |
import` work for each, and a sheet's own flags (`--program`, `--round --unit`, `--org`) are
resolved in the user's jurisdiction like the web's upload and list pages resolve them."""

from types import SimpleNamespace

import openpyxl
import pytest
from conftest import make_id
from django.http import Http404
from imports.support import run_cli, write

from rencai.accounts.roles import Role
from rencai.census import actions
from rencai.census.choices import UnitStatus
from rencai.census.models import CensusRound, CensusUnit, Demand
from rencai.imports.models import ImportJob, JobStatus
from rencai.imports.sheets import get_sheet, sheet_names
from rencai.people.models import Person
from rencai.training.attendances import AttendanceSheet
from rencai.training.models import Attendance
from tests.test_census import ROSTER_HEADER, xlsx
from tests.test_training import Training
from tests.test_training_records import Records

# Sheets that only import (their records are exported by another sheet or not at all).
IMPORT_ONLY = {"census_demand"}
# The options each sheet needs to import the workbook its own export wrote.
IMPORT_FLAGS = {
    "attendance": ["--program", "肉牛养殖技术培训"],
    "census_roster": ["--round", "2025", "--unit", "示范县/城关镇"],
}
EXPORT_FLAGS = {
    "attendance": ["--program", "肉牛养殖技术培训"],
    "census_roster": ["--org", "示范县/城关镇"],
}
# In the world below two 实训基地 of the county are named 大坪子养殖场 (城关镇's and 西关村's):
# the 培训班次表 writes a base by its name, so its round trip is checked in a world without
# the clash (test_programs_round_trip_when_base_names_are_unique).
NO_ROUND_TRIP = IMPORT_ONLY | {"programs"}


@pytest.fixture
def world(county, personas, people) -> SimpleNamespace:
    """A record of every type, a census round of 城关镇 and 青山镇, and a county admin who may
    reveal (a masked export cannot be imported back)."""
    training = Training(county, people)
    Records(SimpleNamespace(**{**vars(county), "chengguan": county.xiguan}), people)
    census = actions.open_round(
        org=county.county,
        year=2025,
        deadline=None,
        units=[county.chengguan, county.qingshan],
        acting_user=personas.county_admin,
    )
    personas.county_admin.can_reveal = True
    personas.county_admin.save()
    return SimpleNamespace(training=training, census=census)


def headers(path) -> list[str]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = workbook.worksheets[0].iter_rows(max_row=6, values_only=True)
    return [str(cell) for row in rows for cell in row if cell]


# --- rencai sheets ----------------------------------------------------------------------------


def test_sheets_lists_every_registered_sheet_with_its_name_importers_and_flags(db, capsys):
    code, out, _err = run_cli(["sheets"], capsys)
    assert code == 0
    lines = {line.split("\t")[0]: line.split("\t") for line in out.splitlines()[1:]}
    assert sorted(lines) == sheet_names()
    for name, (_key, title, _importers, _flags) in lines.items():
        assert title == get_sheet(name).title
    assert str(Role.CLERK.label) in lines["persons"][2]
    assert lines["orgs"][2] == str(Role.COUNTY_ADMIN.label)  # only the county manages the tree
    assert str(Role.CLERK.label) not in lines["census_roster"][2]
    assert lines["attendance"][3] == "--program"
    assert lines["census_roster"][3].split()[:2] == ["--round", "--unit"]
    assert lines["persons"][3].split() == ["--org", "--category"]


# --- template, export, import for every sheet ---------------------------------------------------


@pytest.mark.parametrize("name", sheet_names())
def test_template_of_every_sheet_writes_a_workbook_with_its_columns(db, capsys, tmp_path, name):
    out = tmp_path / f"{name}.xlsx"
    code, stdout, _err = run_cli(["template", name, str(out)], capsys)
    assert code == 0, stdout
    written = headers(out)
    for column in get_sheet(name).columns:
        assert any(column.label in cell for cell in written), column.label


@pytest.mark.parametrize("name", sheet_names())
def test_every_exporting_sheet_exports_and_imports_back_unchanged(world, capsys, tmp_path, name):
    out = tmp_path / f"{name}.xlsx"
    code, stdout, err = run_cli(
        ["export", name, str(out), "--as", "county_admin", *EXPORT_FLAGS.get(name, [])], capsys
    )
    if name in IMPORT_ONLY:
        assert code == 2 and "只用于导入，不能导出" in err
        return
    assert code == 0, err
    assert "已导出" in stdout
    if name in NO_ROUND_TRIP:
        return
    code, stdout, err = run_cli(
        [
            "import",
            name,
            str(out),
            "--dry-run",
            "--as",
            "county_admin",
            *IMPORT_FLAGS.get(name, []),
        ],
        capsys,
    )
    assert code == 0, stdout + err
    assert "新增 0，更新 0" in stdout and "有误 0" in stdout


def test_programs_round_trip_when_base_names_are_unique(county, personas, people, capsys, tmp_path):
    Training(county, people)
    out = tmp_path / "programs.xlsx"
    assert run_cli(["export", "programs", str(out), "--as", "county_admin"], capsys)[0] == 0
    code, stdout, _err = run_cli(
        ["import", "programs", str(out), "--dry-run", "--as", "county_admin"], capsys
    )
    assert code == 0, stdout
    assert "未变 2" in stdout


# --- the attendance sheet: --program --------------------------------------------------------------

NEW_ID = make_id("19910203", 51)


def sign_in_sheet(tmp_path, people):
    rows = [
        ["张三", people.zhang_san.id_number, "东关村"],  # already in the ledger
        ["钱七", NEW_ID, "西关村"],  # new to the register
    ]
    return write(tmp_path / "签到表.xlsx", xlsx(["姓名", "身份证号码", "单位职务或家庭住址"], rows))


def import_attendance(tmp_path, people, username: str, program: object, capsys):
    path = sign_in_sheet(tmp_path, people)
    argv = ["import", "attendance", str(path), "--as", username, "--program", str(program)]
    return run_cli(argv, capsys)


def test_attendance_imports_into_the_program_named_by_id_or_name(world, capsys, tmp_path, people):
    course = world.training.chengguan_course
    path = sign_in_sheet(tmp_path, people)
    argv = ["import", "attendance", str(path), "--as", "chengguan_admin"]
    code, out, err = run_cli([*argv, "--program", str(course.pk), "--dry-run"], capsys)
    assert code == 0, out + err
    assert "导入到：肉牛养殖技术培训（2026-03-02）" in out
    assert "新增 1，更新 0，未变 1" in out
    assert not Attendance.objects.filter(program=course, person__id_number=NEW_ID).exists()

    code, out, err = run_cli([*argv, "--program", "肉牛养殖技术培训"], capsys)
    assert code == 0, out + err
    assert Attendance.objects.filter(program=course, person__id_number=NEW_ID).exists()
    job = ImportJob.objects.get(sheet="attendance")  # listed on the program's upload page
    assert (job.status, job.options, job.user.username) == (
        JobStatus.COMMITTED,
        {"program": course.pk},
        "chengguan_admin",
    )


def test_attendance_export_holds_only_the_program_named(world, capsys, tmp_path):
    out = tmp_path / "签到.xlsx"
    argv = ["export", "attendance", str(out), "--as", "county_admin"]
    code, stdout, _err = run_cli([*argv, "--program", "烤烟种植培训"], capsys)
    assert code == 0
    assert "已导出 1 行" in stdout  # 李四 only; 城关镇's course has two


def test_attendance_without_program_exits_2_naming_the_flag(world, capsys, tmp_path, people):
    path = sign_in_sheet(tmp_path, people)
    code, _out, err = run_cli(
        ["import", "attendance", str(path), "--as", "chengguan_admin"], capsys
    )
    assert code == 2
    assert "缺少 --program" in err


@pytest.mark.parametrize("value", ["99999", "没有这个班"], ids=["unknown-id", "unknown-name"])
def test_a_program_that_does_not_exist_exits_2_naming_the_flag(
    world, capsys, tmp_path, people, value
):
    before = Person.objects.count()
    code, _out, err = import_attendance(tmp_path, people, "chengguan_admin", value, capsys)
    assert code == 2
    assert err.startswith(f"--program {value}：找不到")
    assert Person.objects.count() == before


@pytest.mark.parametrize(
    ("username", "course"),
    [("chengguan_admin", "qingshan_course"), ("outsider_admin", "chengguan_course")],
)
def test_township_admin_cannot_import_into_another_townships_program(
    world, capsys, tmp_path, people, username, course
):
    program = getattr(world.training, course)
    before = program.attendances.count()
    code, _out, err = import_attendance(tmp_path, people, username, program.pk, capsys)
    assert code == 2
    assert f"--program {program.pk}：找不到" in err and "管辖范围" in err
    assert not Person.objects.filter(id_number=NEW_ID).exists()
    assert program.attendances.count() == before


def test_the_upload_pages_own_check_decides_what_the_command_line_may_import_into(
    world, capsys, tmp_path, people, monkeypatch
):
    """The flags name what the upload page's query string names, and the same
    `upload_options` check refuses it (today the flags' own lookups are scoped as tightly)."""

    def upload_page_refuses(self, user, params):
        raise Http404

    monkeypatch.setattr(AttendanceSheet, "upload_options", upload_page_refuses)
    course = world.training.chengguan_course
    code, _out, err = import_attendance(tmp_path, people, "chengguan_admin", course.pk, capsys)
    assert code == 2
    assert "不在其管辖范围内" in err
    assert course.attendances.count() == 2


# --- the census roster: --round --unit -----------------------------------------------------------


def roster(tmp_path):
    rows = [["赵六", make_id("19880808", 41), "汉族", "13700001111", "西关村", "", "农村实用人才"]]
    return write(tmp_path / "名册.xlsx", xlsx(ROSTER_HEADER, rows))


def test_census_roster_is_submitted_for_the_round_and_unit_named(world, county, capsys, tmp_path):
    code, out, err = run_cli(
        [
            "import",
            "census_roster",
            str(roster(tmp_path)),
            "--as",
            "chengguan_admin",
            "--round",
            "2025",
            "--unit",
            "示范县/城关镇",
        ],
        capsys,
    )
    assert code == 0, out + err
    assert "导入到：2025年人才资源普查 · 城关镇" in out
    assert Person.objects.get(name="赵六").home_org == county.xiguan
    unit = CensusUnit.objects.get(round=world.census, org=county.chengguan)
    assert unit.status == UnitStatus.SUBMITTED  # 已报, as after an upload
    assert unit.job.options == {"census_round": world.census.pk, "census_unit": unit.pk}


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--round", "2025"], "缺少 --unit"),
        (["--unit", "示范县/城关镇"], "缺少 --round"),
        (["--round", "abc", "--unit", "示范县/城关镇"], "--round abc：找不到普查轮次"),
        (["--round", "2019", "--unit", "示范县/城关镇"], "--round 2019：找不到普查轮次"),
        (["--round", "2025", "--unit", "示范县/不存在镇"], "--unit 示范县/不存在镇："),
        (["--round", "2025", "--unit", "示范县/县教育局"], "不是本轮普查的报送单位"),
    ],
    ids=["no-unit", "no-round", "bad-round", "no-such-year", "no-such-unit", "not-reporting"],
)
def test_bad_census_options_exit_2_naming_the_flag(world, capsys, tmp_path, flags, message):
    argv = ["import", "census_roster", str(roster(tmp_path)), "--as", "county_admin", *flags]
    code, _out, err = run_cli(argv, capsys)
    assert code == 2
    assert message in err
    assert not Person.objects.filter(name="赵六").exists()


def test_township_admin_cannot_submit_another_townships_roster(world, county, capsys, tmp_path):
    argv = ["import", "census_roster", str(roster(tmp_path)), "--as", "chengguan_admin"]
    code, _out, err = run_cli([*argv, "--round", "2025", "--unit", "示范县/青山镇"], capsys)
    assert code == 2
    assert "管辖范围" in err
    assert CensusUnit.objects.get(org=county.qingshan).status == UnitStatus.PENDING
    assert not Person.objects.filter(name="赵六").exists()


def test_census_demand_takes_the_round_by_id(world, capsys, tmp_path):
    path = write(
        tmp_path / "需求.xlsx",
        xlsx(["单位", "专业/领域", "层次", "需求人数"], [["示范县/城关镇", "养殖", "紧缺", 3]]),
    )
    round_id = str(CensusRound.objects.get().pk)
    argv = ["import", "census_demand", str(path), "--as", "county_admin", "--round", round_id]
    code, out, err = run_cli(argv, capsys)
    assert code == 0, out + err
    assert Demand.objects.get(round=world.census).count == 3


# --- persons keeps its flags ----------------------------------------------------------------------


def test_persons_export_keeps_org_and_category(world, capsys, tmp_path):
    out = tmp_path / "人员.xlsx"
    argv = ["export", "persons", str(out), "--as", "county_admin"]
    code, stdout, _err = run_cli([*argv, "--org", "示范县/青山镇"], capsys)
    assert (code, "已导出 2 行" in stdout) == (0, True)  # 李四, 王五
    code, stdout, _err = run_cli([*argv, "--category", "农村实用人才"], capsys)
    assert (code, "已导出 1 行" in stdout) == (0, True)  # 张三
    code, _out, err = run_cli([*argv, "--category", "没有的类别"], capsys)
    assert (code, err.strip()) == (2, "--category 没有的类别：找不到人才类别“没有的类别”")
    code, _out, err = run_cli(
        ["export", "persons", str(out), "--as", "chengguan_admin", "--org", "示范县/青山镇"], capsys
    )
    assert code == 2 and "不在 chengguan_admin 的管辖范围内" in err


def test_a_record_sheet_whose_list_filters_by_unit_exports_one_units_subtree(
    world, capsys, tmp_path
):
    out = tmp_path / "经营主体.xlsx"
    argv = ["export", "entities", str(out), "--as", "county_admin", "--org"]
    assert "已导出 1 行" in run_cli([*argv, "示范县/城关镇"], capsys)[1]
    assert "已导出 0 行" in run_cli([*argv, "示范县/青山镇"], capsys)[1]
    code, _out, err = run_cli([*argv, "示范县/无此镇"], capsys)
    assert code == 2 and err.startswith("--org 示范县/无此镇：找不到组织")


def test_a_flag_another_sheet_declares_is_a_usage_error(world, capsys, tmp_path):
    out = tmp_path / "orgs.xlsx"
    code, _out, _err = run_cli(
        ["export", "orgs", str(out), "--as", "county_admin", "--program", "1"], capsys
    )
    assert code == 2
    assert not out.exists()


def test_import_help_of_a_sheet_shows_its_flags(db, capsys):
    code, out, _err = run_cli(["import", "attendance", "--help"], capsys)
    assert code == 0
    assert "--program" in out and "培训班次的编号或名称" in out
