"""The bad-workbook corpus: one problem per file, through the engine, the CLI and the web upload.

Every file is refused with a Chinese message naming the problem (and, for a bad cell, its row
and column), and nothing is written: no Person, no audit event.
"""

import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation

from imports.support import Written, problems_text, run_cli, validate
from imports.workbooks import (
    HEADER,
    SHIQIAO,
    make_id,
    person_row,
    persons_csv,
    persons_xlsx,
    xlsx_members,
    zip_bomb,
)
from rencai.imports.models import ImportJob, JobStatus
from rencai.standards.idnumber import EXCEL_NUMBER_MESSAGE, mask_id_number

GOOD_ID = make_id("19880808", 41)
MASKED = mask_id_number(GOOD_ID)
WRONG_CHECK = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")
BIG_MB = 50
BIG_SEQS = 620  # rows per birth date; 40 dates


def _with(**changes) -> list:
    return person_row(**changes)


def _cell(index: int, value) -> list:
    row = person_row()
    row[index] = value
    return row


def _big_csv(path: Path) -> None:
    """A 50 MB CSV: 24,800 rows carrying a 2 KB 个人简历 column the sheet does not read; the
    last row's 政治面貌 is unknown."""
    rows = []
    resume = "工作经历" + "x" * 2000
    n = 0
    for day in range(40):
        for seq in range(1, BIG_SEQS + 1):
            row = person_row(f"测{n}", birth=f"1970{1 + day // 28:02d}{1 + day % 28:02d}", seq=seq)
            rows.append([*row, resume])
            n += 1
    rows[-1][4] = "党委书记"
    path.write_bytes(persons_csv(rows, [*HEADER, "个人简历"]))
    assert path.stat().st_size > BIG_MB * 10**6


@dataclass(frozen=True)
class Case:
    id: str
    filename: str
    build: Callable[[Path], None]
    fragments: tuple[str, ...]
    exit_code: int  # of `rencai import`: 1 rejected rows, 2 unreadable file
    web: tuple[str, ...] | None = None  # what the upload page says instead (no job made)
    marks: tuple = field(default=())


def _bytes(data_or_builder) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        data = data_or_builder() if callable(data_or_builder) else data_or_builder
        path.write_bytes(data)

    return build


CASES = [
    Case(
        "id-numeric-cell",
        "数字身份证.xlsx",
        _bytes(lambda: persons_xlsx([_with(id_number=int(GOOD_ID[:17] + "1"))])),
        ("第 2 行〔身份证号〕：" + EXCEL_NUMBER_MESSAGE, "文本格式"),
        1,
    ),
    Case(
        "id-scientific-text",
        "科学计数.xlsx",
        _bytes(lambda: persons_xlsx([_with(id_number="4.30124E+17")])),
        ("第 2 行〔身份证号〕：" + EXCEL_NUMBER_MESSAGE,),
        1,
    ),
    Case(
        "id-check-digit",
        "校验位.xlsx",
        _bytes(lambda: persons_xlsx([_with(id_number=WRONG_CHECK)])),
        (f"第 2 行〔身份证号〕：身份证号校验位错误：应为 {GOOD_ID[-1]}，实际为 {WRONG_CHECK[-1]}",),
        1,
    ),
    Case(
        "birth-date-contradicts-id",
        "出生日期.xlsx",
        _bytes(lambda: persons_xlsx([_with(birth_date="1988-08-09")])),
        ("第 2 行〔出生日期〕：出生日期与身份证号不一致（身份证号为 1988-08-08）",),
        1,
    ),
    Case(
        "gender-contradicts-id",
        "性别.xlsx",
        _bytes(lambda: persons_xlsx([_with(gender="女")])),
        ("第 2 行〔性别〕：性别与身份证号不一致（身份证号第 17 位表示男）",),
        1,
    ),
    Case(
        "unknown-org",
        "组织.xlsx",
        _bytes(lambda: persons_xlsx([_with(home="示范县/城关镇/不存在村")])),
        ("第 2 行〔户籍/居住地〕：找不到组织“示范县/城关镇/不存在村”",),
        1,
    ),
    Case(
        "org-outside-jurisdiction",
        "管辖.xlsx",
        _bytes(lambda: persons_xlsx([_with(home=SHIQIAO)])),
        ("第 2 行〔户籍/居住地〕：“示范县/青山镇/石桥村”不在您的管辖范围内",),
        1,
    ),
    Case(
        "unknown-code-label",
        "政治面貌.xlsx",
        _bytes(lambda: persons_xlsx([_cell(4, "党委书记")])),
        ("第 2 行〔政治面貌〕：政治面貌「党委书记」无法识别",),
        1,
    ),
    Case(
        "unknown-category",
        "人才类别.xlsx",
        _bytes(lambda: persons_xlsx([_cell(8, "宇航员")])),
        ("第 2 行〔人才类别〕：人才类别“宇航员”不存在",),
        1,
    ),
    Case(
        "same-id-twice",
        "重复.xlsx",
        _bytes(
            lambda: persons_xlsx(
                [person_row("赵六"), person_row("钱七", seq=43), person_row("孙八")]
            )
        ),
        (
            f"第 4 行〔身份证号〕：身份证号 {MASKED} 与第 2 行重复",
            f"第 2 行〔身份证号〕：身份证号 {MASKED} 在第 4 行再次出现",
        ),
        1,
    ),
    Case(
        "corrupt-file",
        "损坏.xlsx",
        _bytes(lambda: os.urandom(64 * 1024)),
        ("无法读取该文件，它可能已损坏，或不是真正的 Excel 文件",),
        2,
    ),
    Case(
        "empty-xlsx",
        "空.xlsx",
        _bytes(b""),
        ("无法读取该文件，它可能已损坏",),
        2,
        web=("提交的是空文件。",),
    ),
    Case(
        "empty-csv",
        "空.csv",
        _bytes(b""),
        ("找不到表头",),
        2,
        web=("提交的是空文件。",),
    ),
    Case(
        "no-header",
        "无表头.xlsx",
        _bytes(lambda: persons_xlsx([["张三", "东关村"]] * 3, header=["名单", "备考"])),
        ("找不到表头：前 30 行中没有包含“姓名、身份证号、户籍/居住地”等列名的行",),
        2,
    ),
    Case(
        "missing-required-column",
        "缺列.xlsx",
        _bytes(lambda: persons_xlsx([person_row()[:7]], header=HEADER[:7])),
        ("第 1 行是表头，但缺少必填列：户籍/居住地",),
        2,
    ),
    Case(
        "fifty-megabytes",
        "大文件.csv",
        _big_csv,
        (f"第 {40 * BIG_SEQS + 1} 行〔政治面貌〕：政治面貌「党委书记」无法识别",),
        1,
    ),
    Case(
        "zip-bomb",
        "炸弹.xlsx",
        zip_bomb,
        ("文件解压后异常巨大（1536 MB），疑似压缩炸弹，已拒绝",),
        2,
    ),
    Case(
        "suffix-txt",
        "名单.txt",
        _bytes("姓名,身份证号\n张三,1\n".encode()),
        ("不支持的文件类型“.txt”，请上传 .xlsx、.xls、.ods 或 .csv 文件",),
        2,
    ),
    Case(
        "suffix-docx",
        "名单.docx",
        _bytes(lambda: persons_xlsx([person_row()])),  # a zip, but a Word file by its name
        ("不支持的文件类型“.docx”",),
        2,
    ),
]
BY_ID = {c.id: c for c in CASES}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Callable[[str], Path]:
    """The corpus file of a case, built once per run."""
    folder = tmp_path_factory.mktemp("corpus")
    built: dict[str, Path] = {}

    def get(case_id: str) -> Path:
        if case_id not in built:
            case = BY_ID[case_id]
            path = folder / case.id / case.filename
            path.parent.mkdir()
            case.build(path)
            built[case_id] = path
        return built[case_id]

    return get


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def test_the_corpus_covers_one_problem_per_file():
    assert len(BY_ID) == len(CASES)
    assert re.fullmatch(r"\d{17}[\dX]", GOOD_ID) and WRONG_CHECK != GOOD_ID


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_engine_refuses(case, corpus, personas, people):
    path = corpus(case.id)
    before = Written.now()
    with open(path, "rb") as stream:
        outcome = validate(personas.chengguan_admin, stream.read(), path.name)
    text = problems_text(outcome)
    assert not outcome.ok
    for fragment in case.fragments:
        assert fragment in text
    assert outcome.spool is None
    assert Written.now() == before


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_refuses(case, corpus, personas, people, capsys, tmp_path):
    path = corpus(case.id)
    errors = tmp_path / "errors.xlsx"
    before = Written.now()
    code, out, err = run_cli(
        ["import", "persons", str(path), "--as", "chengguan_admin", "--errors", str(errors)],
        capsys,
    )
    assert code == case.exit_code, out + err
    for fragment in case.fragments:
        assert fragment in out
    assert "未写入任何数据。" in out
    assert errors.exists()
    assert Written.now() == before


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_web_upload_refuses(case, corpus, personas, people, login, settings):
    settings.IMPORTS_INLINE = True
    settings.IMPORTS_INLINE_QUIET = False  # a crash in the job must fail the test
    path = corpus(case.id)
    client = login(personas.chengguan_admin)
    before = Written.now()
    with open(path, "rb") as stream:
        response = client.post("/imports/persons/", {"file": stream})
    if case.web is not None:  # refused by the form itself: no job
        assert response.status_code == 200
        for fragment in case.web:
            assert fragment in response.content.decode()
        assert not ImportJob.objects.exists()
    else:
        job = ImportJob.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/imports/jobs/{job.pk}/"
        assert job.status == JobStatus.INVALID
        assert job.file_name == path.name
        page = client.get(response["Location"])
        assert page.status_code == 200
        html = page.content.decode()
        for fragment in case.fragments:
            assert fragment in html
        assert "未写入任何数据" in html
        errors = client.get(f"/imports/jobs/{job.pk}/errors.xlsx")
        assert errors.status_code == 200
        b"".join(errors.streaming_content)
        before = Written(before.persons, before.events + 1)  # the download: an export event
    assert Written.now() == before


def test_web_refuses_a_file_over_100_mb(personas, people, login, settings, tmp_path):
    """The jobs module's size limit: a file past it is reported, never read."""
    settings.IMPORTS_INLINE = True
    settings.IMPORTS_INLINE_QUIET = False
    client = login(personas.chengguan_admin)
    before = Written.now()
    path = tmp_path / "超大.csv"
    with open(path, "wb") as out:
        out.write(persons_csv([person_row()]))
        out.truncate(100 * 2**20 + 1)  # a sparse tail of NULs: cheap to make
    with open(path, "rb") as stream:
        response = client.post("/imports/persons/", {"file": stream})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == JobStatus.INVALID
    assert job.problems == ["文件超过 100 MB，请拆分后分批导入"]
    page = client.get(response["Location"])
    assert "文件超过 100 MB，请拆分后分批导入" in page.content.decode()
    assert Written.now() == before


def test_a_csv_in_an_unknown_encoding_is_refused(personas, people):
    data = "姓名,身份证号,户籍/居住地\n".encode("utf-16")
    outcome = validate(personas.chengguan_admin, data, "名单.csv")
    assert problems_text(outcome).startswith("CSV 文件编码无法识别") or "找不到表头" in (
        problems_text(outcome)
    )


def test_the_corpus_bytes_are_what_they_claim(corpus):
    """Guards on the builders: the numeric ID really is a number cell, the bomb really is
    small on disk and huge inflated."""
    import zipfile

    numeric = corpus("id-numeric-cell").read_bytes()
    with zipfile.ZipFile(io.BytesIO(numeric)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert re.search(r'<c r="D2"[^>]*><v>4\.?\d*E\+17</v>|<c r="D2"[^>]*><v>\d{18}</v>', sheet)
    bomb = corpus("zip-bomb")
    assert bomb.stat().st_size < 10 * 2**20
    with zipfile.ZipFile(bomb) as z:
        assert sum(i.file_size for i in z.infolist()) > 1.4 * 2**30


def _twice() -> bytes:
    return persons_xlsx([person_row("赵六"), person_row("钱七", seq=43), person_row("孙八")])


def test_a_duplicate_across_batches_is_not_counted(personas, people, monkeypatch):
    """Row 2 is planned (counted as new) in an earlier batch than its twin in row 4: the
    engine takes it back out of the counts."""
    monkeypatch.setattr("rencai.imports.engine.BATCH", 1)
    outcome = validate(personas.chengguan_admin, _twice())
    assert outcome.summary() == {"new": 1, "updated": 0, "unchanged": 0, "rejected": 2, "total": 3}


def test_a_duplicate_within_a_batch_is_not_counted(personas, people, capsys, tmp_path):
    outcome = validate(personas.chengguan_admin, _twice())
    assert outcome.summary() == {"new": 1, "updated": 0, "unchanged": 0, "rejected": 2, "total": 3}
    path = tmp_path / "重复.xlsx"
    path.write_bytes(_twice())
    _code, out, _err = run_cli(["import", "persons", str(path), "--as", "chengguan_admin"], capsys)
    assert "共 3 行：新增 1，更新 0，未变 0，有误 2" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["import", "nosuch", "{file}", "--as", "chengguan_admin"], "不认识的表“nosuch”"),
        (["import", "persons", "{missing}", "--as", "chengguan_admin"], "找不到文件"),
        (["import", "persons", "{file}", "--as", "nobody"], "找不到在用账号 nobody"),
        (["import", "persons", "{file}", "--as", "chengguan_leader"], "的角色不能导入"),
        (["import", "persons", "{file}", "--as", "auditor"], "的角色不能导入"),
    ],
    ids=["unknown-sheet", "missing-file", "unknown-user", "leader", "auditor"],
)
def test_cli_usage_errors_exit_2(argv, message, personas, people, capsys, tmp_path):
    good = tmp_path / "好.xlsx"
    good.write_bytes(persons_xlsx([person_row()]))
    argv = [a.format(file=good, missing=tmp_path / "无.xlsx") for a in argv]
    before = Written.now()
    code, out, err = run_cli(argv, capsys)
    assert code == 2
    assert message in err
    assert "已导入" not in out
    assert Written.now() == before


def test_cli_dry_run_then_import(personas, people, capsys, tmp_path):
    path = tmp_path / "好.xlsx"
    path.write_bytes(persons_xlsx([person_row(), person_row("钱七", seq=43)]))
    before = Written.now()
    argv = ["import", "persons", str(path), "--as", "chengguan_admin"]
    code, out, _err = run_cli([*argv, "--dry-run"], capsys)
    assert code == 0
    assert "共 2 行：新增 2，更新 0，未变 0，有误 0" in out
    assert "检查通过（--dry-run，未写入）。" in out
    assert Written.now() == before
    code, out, _err = run_cli(argv, capsys)
    assert code == 0 and "已导入。" in out
    assert Written.now() == Written(before.persons + 2, before.events + 3)


def test_the_error_workbook_carries_no_formula(personas, people, tmp_path, capsys):
    """A rejected row goes back to the office as it came — but never as a live formula."""
    path = tmp_path / "公式.xlsx"
    rows = [person_row(political="党委书记", notes='=HYPERLINK("http://evil","点我")')]
    path.write_bytes(persons_xlsx(rows))
    errors = tmp_path / "errors.xlsx"
    code, out, _err = run_cli(
        ["import", "persons", str(path), "--as", "chengguan_admin", "--errors", str(errors)],
        capsys,
    )
    assert code == 1 and f"错误明细已写入 {errors}" in out
    members = xlsx_members(errors.read_bytes())
    assert not any("<f>" in xml or "<f " in xml for xml in members.values())
    ws = openpyxl.load_workbook(errors).worksheets[0]
    notes = [c for row in ws.iter_rows(min_row=2) for c in row if "HYPERLINK" in str(c.value)]
    assert [(c.value, c.data_type) for c in notes] == [('\'=HYPERLINK("http://evil","点我")', "s")]
