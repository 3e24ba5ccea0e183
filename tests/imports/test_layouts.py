"""Reading the workbooks offices really send: titles above the header, merged two-row headers,
blank rows, 合计 and 填表人 lines, header aliases, full-width digits, odd name dots, every
spelling of a birth date, CSV in UTF-8 (BOM) and GB18030, and .ods."""

import datetime

import pytest
from django.utils import translation

from imports.support import (
    Written,
    problems_text,
    soffice_converter,
    validate,
    validate_and_commit,
)
from imports.workbooks import (
    HEADER,
    XIGUAN,
    make_id,
    person_row,
    persons_csv,
    persons_xlsx,
)
from rencai.people.models import Person

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
TITLE = "示范县人才信息登记表"
FILLED_BY = "填报单位：城关镇  填报日期：2026年11月"
X_ID = make_id("19850312", 18)  # ends in X


@pytest.fixture(scope="module")
def soffice(tmp_path_factory):
    return soffice_converter(tmp_path_factory.mktemp("soffice"))


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def _persons(*numbers: str) -> dict[str, Person]:
    found = Person.objects.filter(id_number__in=numbers).prefetch_related("categories")
    return {p.id_number: p for p in found}


def _three() -> list[list]:
    return [
        person_row("赵六", seq=41),
        person_row("钱七", seq=43, home=XIGUAN, categories="农村实用人才、土专家"),
        person_row("孙八", birth="19921111", seq=52, phone="", political="中共党员"),
    ]


def test_title_rows_merged_header_blank_rows_and_footer_lines(personas, people):
    header = ["序号", *HEADER]
    groups = [("序号", 1), ("基本信息", 4), ("政治面貌", 1), ("学历", 1), ("联系方式", 1)]
    groups += [("户籍/居住地", 1), ("人才类别", 1), ("备注", 1)]
    rows = [[i, *row] for i, row in enumerate(_three(), start=1)]
    data = persons_xlsx(
        rows,
        header,
        title_rows=[TITLE, FILLED_BY],
        groups=groups,
        blank_rows_after=[0, 1],
        footer_rows=[
            ["合计", "3人"],
            [],
            ["填表人：周九    审核人：吴十    联系电话：0731-1234567"],
        ],
    )
    outcome, event = validate_and_commit(personas.chengguan_admin, data)
    assert problems_text(outcome) == ""
    assert outcome.summary() == {"new": 3, "updated": 0, "unchanged": 0, "rejected": 0, "total": 3}
    assert event is not None
    saved = _persons(make_id("19880808", 41), make_id("19880808", 43), make_id("19921111", 52))
    assert sorted(p.name for p in saved.values()) == ["孙八", "赵六", "钱七"]
    qian = saved[make_id("19880808", 43)]
    assert qian.home_org.name == "西关村"
    assert sorted(c.name for c in qian.categories.all()) == ["农村实用人才", "土专家"]
    assert qian.phone == "13700001111"
    sun = saved[make_id("19921111", 52)]
    assert (sun.political_status, sun.phone, sun.gender) == ("01", "", "2")


def test_a_bad_cell_under_titles_and_a_merged_header_names_its_excel_row(personas, people):
    """Title (rows 1-2), two-row header (3-4), data from row 5, a blank row after the first:
    the third data row is Excel row 8."""
    groups = [("基本信息", 4), ("政治面貌", 1), ("学历", 1), ("联系方式", 1)]
    groups += [("户籍/居住地", 1), ("人才类别", 1), ("备注", 1)]
    rows = _three()
    rows[2][4] = "党委书记"
    data = persons_xlsx(rows, title_rows=[TITLE, FILLED_BY], groups=groups, blank_rows_after=[0])
    before = Written.now()
    outcome = validate(personas.chengguan_admin, data)
    assert [str(p) for p in outcome.problems] == [
        "第 8 行〔政治面貌〕：政治面貌「党委书记」无法识别，可填写：中共党员、中共预备党员、"
        "共青团员、民革会员、民盟盟员、民建会员、民进会员、农工党党员等"
    ]
    assert Written.now() == before


def test_a_table_set_in_from_the_sheet_edges_reports_excel_rows(personas, people):
    """Offices leave an empty first row and column: row numbers stay Excel's."""
    rows = _three()
    rows[1][1] = "女"  # 钱七's ID says male
    data = persons_xlsx(rows, title_rows=[TITLE], first_row=2, first_col=1)
    outcome = validate(personas.chengguan_admin, data)
    assert [str(p) for p in outcome.problems] == [
        "第 6 行〔性别〕：性别与身份证号不一致（身份证号第 17 位表示男）"
    ]


def test_a_filled_by_line_under_the_name_column_is_not_a_person(personas, people):
    """The 填表人 line usually sits in column A — here the 姓名 column itself."""
    data = persons_xlsx(
        _three(),
        footer_rows=[["合计：3人"], ["填表人：周九"], ["审核人：吴十  联系电话：0731-1234567"]],
    )
    outcome = validate(personas.chengguan_admin, data, spool=False)
    assert problems_text(outcome) == ""
    assert outcome.summary()["total"] == 3


def test_a_missing_column_under_a_title_names_the_header_row(personas, people):
    data = persons_xlsx([person_row()[:7]], HEADER[:7], title_rows=[TITLE])
    outcome = validate(personas.chengguan_admin, data)
    assert problems_text(outcome) == "第 2 行是表头，但缺少必填列：户籍/居住地"


def test_header_aliases(personas, people):
    header = ["姓名", "公民身份号码", "联系电话", "文化程度", "所在村（社区）", "出生年月"]
    rows = [
        ["赵六", make_id("19880808", 41), "13700001111", "高中", "东关村", "1988.08"],
        [
            "钱七",
            make_id("19880808", 43),
            "137 0000 2222",
            "大学专科",
            "城关镇/西关村",
            "1988年8月",
        ],
    ]
    outcome, event = validate_and_commit(personas.chengguan_admin, persons_xlsx(rows, header))
    assert problems_text(outcome) == ""
    assert event is not None
    saved = _persons(make_id("19880808", 41), make_id("19880808", 43))
    zhao, qian = saved[make_id("19880808", 41)], saved[make_id("19880808", 43)]
    assert (zhao.phone, zhao.education, zhao.home_org.name) == ("13700001111", "60", "东关村")
    assert (qian.phone, qian.education, qian.home_org.name) == ("13700002222", "30", "西关村")
    assert zhao.birth_date == datetime.date(1988, 8, 8)


def test_full_width_digits_lower_case_x_and_invisible_characters(personas, people):
    rows = [
        person_row("阿依古丽•买买提", id_number=make_id("19880808", 41).translate(FULL_WIDTH)),
        person_row("张\u200b小\u200b明", birth="19850312", seq=18, id_number=X_ID.lower()),
        person_row("艾力・吐尔逊", seq=43, id_number=" " + make_id("19880808", 43) + "\u200b"),
        person_row("玛丽．居里", seq=45),
        person_row("约翰‧史密斯", seq=47),
        person_row("王　芳", seq=48, phone="１３７００００３３３３"),
    ]
    outcome, event = validate_and_commit(personas.chengguan_admin, persons_xlsx(rows))
    assert problems_text(outcome) == ""
    assert event is not None
    names = dict(Person.objects.values_list("id_number", "name"))
    assert names[make_id("19880808", 41)] == "阿依古丽·买买提"
    assert names[X_ID] == "张小明"
    assert X_ID.endswith("X")
    assert names[make_id("19880808", 43)] == "艾力·吐尔逊"
    assert names[make_id("19880808", 45)] == "玛丽·居里"
    assert names[make_id("19880808", 47)] == "约翰·史密斯"
    assert names[make_id("19880808", 48)] == "王芳"
    assert Person.objects.get(id_number=make_id("19880808", 48)).phone == "13700003333"


BIRTH_SPELLINGS = [
    ("iso", "1985-03-12"),
    ("dots", "1985.3.12"),
    ("chinese", "1985年3月12日"),
    ("compact", "19850312"),
    ("month-only", "1985.03"),
    ("slashes", "1985/3/12"),
    ("date-cell", datetime.date(1985, 3, 12)),
    ("datetime-cell", datetime.datetime(1985, 3, 12)),
    ("excel-serial", (datetime.date(1985, 3, 12) - datetime.date(1899, 12, 30)).days),
    ("full-width", "１９８５－０３－１２"),
]


def test_every_spelling_of_the_birth_date_agrees_with_the_id(personas, people):
    rows = [
        person_row(f"生日{i}", birth="19850312", seq=101 + i, birth_date=spelling)
        for i, (_label, spelling) in enumerate(BIRTH_SPELLINGS)
    ]
    outcome, _event = validate_and_commit(personas.chengguan_admin, persons_xlsx(rows))
    assert problems_text(outcome) == ""
    assert outcome.summary()["new"] == len(BIRTH_SPELLINGS)
    births = set(
        Person.objects.filter(name__startswith="生日").values_list("birth_date", flat=True)
    )
    assert births == {datetime.date(1985, 3, 12)}


@pytest.mark.parametrize(
    ("label", "spelling"), BIRTH_SPELLINGS, ids=[s[0] for s in BIRTH_SPELLINGS]
)
def test_every_spelling_of_a_contradicting_birth_date_is_caught(label, spelling, personas, people):
    if label == "month-only":
        spelling = "1985.04"
    elif isinstance(spelling, int):
        spelling += 1
    elif isinstance(spelling, datetime.date):
        spelling = spelling.replace(day=13)
    else:
        spelling = spelling.replace("12", "13").replace("１２", "１３")
    data = persons_xlsx([person_row(birth="19850312", seq=101, birth_date=spelling)])
    outcome = validate(personas.chengguan_admin, data)
    assert "出生日期与身份证号不一致（身份证号为 1985-03-12）" in problems_text(outcome)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_encodings(encoding, personas, people):
    data = persons_csv(_three(), encoding=encoding, title_rows=[TITLE])
    outcome, event = validate_and_commit(personas.chengguan_admin, data, "人员.csv")
    assert problems_text(outcome) == ""
    assert event is not None
    assert set(Person.objects.values_list("name", flat=True)) >= {"赵六", "钱七", "孙八"}
    assert Person.objects.get(name="钱七").home_org.name == "西关村"


def test_csv_in_an_unknown_encoding_is_refused(personas, people):
    before = Written.now()
    outcome = validate(personas.chengguan_admin, persons_csv(_three(), encoding="utf-16"), "a.csv")
    assert problems_text(outcome) == "CSV 文件编码无法识别，请另存为 UTF-8 或 GB18030 编码"
    assert Written.now() == before


def test_an_ods_saved_by_libreoffice(personas, people, tmp_path, soffice):
    source = tmp_path / "人员.xlsx"
    source.write_bytes(persons_xlsx(_three(), title_rows=[TITLE]))
    ods = soffice(source, "ods")
    outcome, _event = validate_and_commit(personas.chengguan_admin, ods.read_bytes(), ods.name)
    assert problems_text(outcome) == ""
    assert outcome.summary()["new"] == 3
    assert Person.objects.get(name="钱七").id_number == make_id("19880808", 43)


def test_xls_is_read_when_present(personas, people, tmp_path, soffice):
    """XlsxWriter cannot write .xls; LibreOffice can (the 97-2003 format offices still send)."""
    source = tmp_path / "人员.xlsx"
    source.write_bytes(persons_xlsx(_three()))
    xls = soffice(source, "xls:MS Excel 97")
    outcome, _event = validate_and_commit(personas.chengguan_admin, xls.read_bytes(), "人员.xls")
    assert problems_text(outcome) == ""
    assert outcome.summary()["new"] == 3


def test_required_marks_in_the_header_legacy_ids_and_numeric_phones(personas, people):
    """Headers written as *姓名 / 身份证号（必填）, a 15-digit ID from before 1999 (upgraded to
    18), and a phone typed into a General column (a number cell)."""
    header = ["*姓名", "身份证号（必填）", "手机", "户籍/居住地*"]
    legacy = make_id("19700615", 71)
    old_15 = legacy[:6] + legacy[8:17]  # YYMMDD, no check digit
    rows = [["周九", old_15, 13700004444, "东关村"]]
    outcome, event = validate_and_commit(personas.chengguan_admin, persons_xlsx(rows, header))
    assert problems_text(outcome) == ""
    assert event is not None
    zhou = Person.objects.get(name="周九")
    assert (zhou.id_number, zhou.phone, zhou.birth_date) == (
        legacy,
        "13700004444",
        datetime.date(1970, 6, 15),
    )


def test_an_ambiguous_year_month_number_is_explained(personas, people):
    """1985.10 typed as a number is stored as 1985.1: the mismatch names that cause."""
    number = make_id("19851012", 31)
    data = persons_xlsx(
        [["赵六", number, "示范县/城关镇/东关村", 1985.1]],
        header=["姓名", "身份证号", "户籍/居住地", "出生年月"],
    )
    text = problems_text(validate(personas.chengguan_admin, data))
    assert "1985.10" in text
    assert "设为文本" in text
