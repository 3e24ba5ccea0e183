"""Tests for rencai.standards.codes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rencai.standards.codes import (
    DEGREE,
    EDUCATION,
    EDUCATION_GROUPS,
    ETHNICITY,
    GENDER,
    MARITAL_STATUS,
    POLITICAL_STATUS,
    SKILL_LEVEL,
    TABLES,
    TITLE_LEVEL,
    Code,
    CodeError,
    CodeTable,
    education_group,
    education_groups_codes,
)
from rencai.standards.text import StandardError

NO_DB = settings(database=None, deadline=None)

ALL_ENTRIES = [(table, entry) for table in TABLES.values() for entry in table]
ALL_SPELLINGS = [
    (table, entry, text)
    for table, entry in ALL_ENTRIES
    for text in (entry.code, entry.label, *entry.aliases)
]


def spelling_id(value: object) -> str:
    if isinstance(value, CodeTable):
        return value.name
    if isinstance(value, Code):
        return value.code
    return str(value)


class TestEveryTable:
    def test_table_registry(self) -> None:
        assert set(TABLES) == {
            "gender",
            "ethnicity",
            "political_status",
            "education",
            "degree",
            "title_level",
            "skill_level",
            "marital_status",
        }
        for name, table in TABLES.items():
            assert table.name == name
            assert table.label

    @pytest.mark.parametrize(("table", "entry", "text"), ALL_SPELLINGS, ids=spelling_id)
    def test_lookup_code_label_and_alias(self, table: CodeTable, entry: Code, text: str) -> None:
        assert table.lookup(text) is entry
        assert table.lookup(f" {text.lower()}\u3000") is entry
        assert table.lookup(text.upper()) is entry

    @pytest.mark.parametrize(("table", "entry"), ALL_ENTRIES, ids=spelling_id)
    def test_get_label_of_and_contains(self, table: CodeTable, entry: Code) -> None:
        assert table.get(entry.code) is entry
        assert table.label_of(entry.code) == entry.label
        assert entry.code in table
        assert str(entry) == entry.label

    @pytest.mark.parametrize("table", TABLES.values(), ids=spelling_id)
    def test_choices_iteration_and_len(self, table: CodeTable) -> None:
        choices = table.choices()
        assert choices == [(entry.code, entry.label) for entry in table]
        assert len(choices) == len(table) == len(set(table.codes()))
        assert all(isinstance(code, str) and code for code, _ in choices)

    @pytest.mark.parametrize("table", TABLES.values(), ids=spelling_id)
    def test_unknown_and_empty(self, table: CodeTable) -> None:
        assert table.get("nope") is None
        assert table.label_of("nope") == ""
        assert table.label_of("") == ""
        assert table.label_of(None) == ""
        assert "nope" not in table
        assert 1 not in table
        with pytest.raises(CodeError) as info:
            table.lookup("")
        assert info.value.message == f"{table.label}不能为空"
        with pytest.raises(CodeError) as info:
            table.lookup("完全不存在的值")
        assert info.value.message.startswith(f"{table.label}「完全不存在的值」无法识别，可填写：")
        assert isinstance(info.value, StandardError)

    @NO_DB
    @given(st.sampled_from(ALL_SPELLINGS), st.sampled_from(["", " ", "\u3000", "\u200b"]))
    def test_lookup_ignores_padding(self, spelling: tuple[CodeTable, Code, str], pad: str) -> None:
        table, entry, text = spelling
        assert table.lookup(pad + text + pad) is entry


class TestLookupDetails:
    def test_integer_codes_without_leading_zero(self) -> None:
        assert ETHNICITY.lookup(1).code == "01"
        assert ETHNICITY.lookup(1.0).code == "01"
        assert ETHNICITY.lookup("1").code == "01"
        assert ETHNICITY.lookup("1.0").code == "01"
        assert ETHNICITY.lookup("001").code == "01"
        assert POLITICAL_STATUS.lookup(13).label == "群众"
        assert GENDER.lookup(2).label == "女"
        assert EDUCATION.lookup(31.0).code == "31"
        with pytest.raises(CodeError):
            ETHNICITY.lookup(1.5)
        with pytest.raises(CodeError):
            ETHNICITY.lookup(57)

    def test_full_width_and_case(self) -> None:
        assert ETHNICITY.lookup("０１").code == "01"
        assert ETHNICITY.lookup("ha").code == "01"
        assert GENDER.lookup("Male").code == "1"
        assert GENDER.lookup("ｆ").code == "2"
        assert SKILL_LEVEL.lookup("t").code == "T"
        assert POLITICAL_STATUS.lookup("中共 党员").code == "01"

    def test_message_lists_labels_and_shortens(self) -> None:
        with pytest.raises(CodeError) as info:
            POLITICAL_STATUS.lookup("XX")
        assert info.value.message == (
            "政治面貌「XX」无法识别，可填写："
            "中共党员、中共预备党员、共青团员、民革会员、民盟盟员、民建会员、民进会员、农工党党员等"
        )
        with pytest.raises(CodeError) as info:
            GENDER.lookup("x")
        assert info.value.message == "性别「x」无法识别，可填写：男、女、未知的性别、未说明的性别"
        assert info.value.kind == "unknown_code"

    def test_education_message_uses_coarse_hints(self) -> None:
        with pytest.raises(CodeError) as info:
            EDUCATION.lookup("大学")
        assert info.value.message == (
            "学历「大学」无法识别，可填写：研究生、博士、硕士、大学本科、大学专科、中专、高中、初中及以下"
        )

    def test_long_value_is_clipped_in_message(self) -> None:
        with pytest.raises(CodeError) as info:
            GENDER.lookup("很" * 50)
        assert "很" * 20 + "…」" in info.value.message

    def test_ambiguous_alias_is_refused_at_construction(self) -> None:
        with pytest.raises(ValueError, match="maps to both"):
            CodeTable("t", "测试", [Code("1", "甲", ("a",)), Code("2", "乙", ("A",))])
        with pytest.raises(ValueError, match="maps to both"):
            CodeTable("t", "测试", [Code("1", "甲"), Code("2", "甲")])
        with pytest.raises(ValueError, match="duplicate code"):
            CodeTable("t", "测试", [Code("1", "甲"), Code("1", "乙")])
        with pytest.raises(ValueError):
            CodeTable("t", "测试", [Code("01", "甲"), Code("1", "乙")])
        with pytest.raises(ValueError, match="ambiguous"):
            CodeTable("t", "测试", [Code("01", "甲"), Code("2", "乙", ("1",))])


class TestGender:
    def test_codes(self) -> None:
        assert GENDER.choices() == [
            ("1", "男"),
            ("2", "女"),
            ("0", "未知的性别"),
            ("9", "未说明的性别"),
        ]

    @pytest.mark.parametrize(
        ("raw", "code"), [("男", "1"), ("男性", "1"), ("M", "1"), ("女性", "2")]
    )
    def test_aliases(self, raw: str, code: str) -> None:
        assert GENDER.lookup(raw).code == code


class TestEthnicity:
    def test_56_groups_plus_two(self) -> None:
        codes = ETHNICITY.codes()
        assert codes == (*(f"{n:02d}" for n in range(1, 57)), "97", "98")
        assert all(entry.label.endswith("族") for entry in list(ETHNICITY)[:56])

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("汉族", "01"),
            ("汉", "01"),
            ("HA", "01"),
            ("蒙古", "02"),
            ("回", "03"),
            ("ZA", "04"),
            ("UG", "05"),
            ("苗族", "06"),
            ("MH", "06"),
            ("壮", "08"),
            ("朝鲜族", "10"),
            ("满族", "11"),
            ("土家", "15"),
            ("水族", "25"),
            ("SU", "25"),
            ("柯尔克孜族", "29"),
            ("UZ", "43"),
            ("基诺族", "56"),
            ("JN", "56"),
            ("其他", "97"),
            ("外国血统中国籍人士", "98"),
        ],
    )
    def test_examples(self, raw: str, code: str) -> None:
        assert ETHNICITY.lookup(raw).code == code

    def test_every_group_has_a_two_letter_alias(self) -> None:
        alphas = [entry.aliases[1] for entry in list(ETHNICITY)[:56]]
        assert all(len(alpha) == 2 and alpha.isupper() for alpha in alphas)
        assert len(set(alphas)) == 56


class TestPoliticalStatus:
    def test_thirteen_codes(self) -> None:
        assert POLITICAL_STATUS.codes() == tuple(f"{n:02d}" for n in range(1, 14))

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("中共党员", "01"),
            ("党员", "01"),
            ("共产党员", "01"),
            ("预备党员", "02"),
            ("团员", "03"),
            ("民革党员", "04"),
            ("民革", "04"),
            ("民盟", "05"),
            ("民建", "06"),
            ("民进", "07"),
            ("农工党", "08"),
            ("致公党", "09"),
            ("九三学社", "10"),
            ("台盟", "11"),
            ("无党派人士", "12"),
            ("无党派", "12"),
            ("群众", "13"),
            ("01", "01"),
            (1, "01"),
        ],
    )
    def test_examples(self, raw: str, code: str) -> None:
        assert POLITICAL_STATUS.lookup(raw).code == code


class TestEducation:
    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("研究生", "10"),
            ("研究生学历", "10"),
            ("博士", "11"),
            ("硕士", "14"),
            ("本科", "20"),
            ("大学本科", "20"),
            ("大专", "30"),
            ("专科", "30"),
            ("大学专科", "30"),
            ("中专", "40"),
            ("中职", "40"),
            ("职高", "40"),
            ("技校", "40"),
            ("高中", "60"),
            ("初中", "70"),
            ("初中及以下", "70"),
            ("小学", "80"),
            ("文盲", "90"),
            ("无", "90"),
            ("大学本科毕业", "21"),
            ("大学专科毕业", "31"),
            ("31", "31"),
        ],
    )
    def test_coarse_words_map_to_group_heads(self, raw: str, code: str) -> None:
        assert EDUCATION.lookup(raw).code == code

    def test_group_labels_all_resolve_to_their_group(self) -> None:
        for group, label in EDUCATION_GROUPS:
            assert EDUCATION.lookup(label).code == group

    @pytest.mark.parametrize(
        ("code", "group"),
        [
            ("10", "10"),
            ("11", "10"),
            ("17", "10"),
            ("23", "20"),
            ("31", "30"),
            ("47", "40"),
            ("61", "60"),
            ("71", "70"),
            ("81", "80"),
            ("90", "90"),
        ],
    )
    def test_education_group(self, code: str, group: str) -> None:
        assert education_group(code) == group

    def test_every_code_has_a_group_head_in_the_table(self) -> None:
        for entry in EDUCATION:
            assert education_group(entry.code) in EDUCATION

    def test_education_group_unknown(self) -> None:
        with pytest.raises(CodeError) as info:
            education_group("55")
        assert info.value.message == "学历代码「55」不存在"

    def test_groups(self) -> None:
        assert EDUCATION_GROUPS == [
            ("10", "研究生"),
            ("20", "大学本科"),
            ("30", "大学专科"),
            ("40", "中专/中职"),
            ("60", "高中"),
            ("70", "初中及以下"),
        ]

    @pytest.mark.parametrize(
        ("group", "bounds"),
        [
            ("10", ("10", "20")),
            ("20", ("20", "30")),
            ("30", ("30", "40")),
            ("40", ("40", "60")),
            ("60", ("60", "70")),
            ("70", ("70", "9z")),
        ],
    )
    def test_group_ranges(self, group: str, bounds: tuple[str, str]) -> None:
        assert education_groups_codes(group) == bounds

    def test_every_code_falls_in_exactly_one_filter_group(self) -> None:
        for entry in EDUCATION:
            hits = [
                group
                for group, _ in EDUCATION_GROUPS
                if education_groups_codes(group)[0] <= entry.code < education_groups_codes(group)[1]
            ]
            assert len(hits) == 1, entry
        low, high = education_groups_codes("70")
        assert all(low <= code < high for code in ("70", "71", "80", "81", "90", "99"))

    def test_unknown_group(self) -> None:
        with pytest.raises(CodeError) as info:
            education_groups_codes("50")
        assert info.value.message.startswith("学历分组「50」不存在，可选：10 研究生、")

    def test_ranked_by_order(self) -> None:
        assert EDUCATION.lookup("博士").order < EDUCATION.lookup("本科").order


class TestDegreeTitleSkillMarital:
    def test_degree(self) -> None:
        assert DEGREE.choices() == [
            ("1", "名誉博士"),
            ("2", "博士"),
            ("3", "硕士"),
            ("4", "学士"),
            ("0", "无"),
        ]
        assert DEGREE.lookup("硕士学位").code == "3"
        assert DEGREE.lookup("无学位").code == "0"

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("正高", "1"),
            ("副高", "2"),
            ("高级", "2"),
            ("中级", "3"),
            ("助理", "4"),
            ("初级", "4"),
            ("员级", "5"),
            ("无职称", "0"),
        ],
    )
    def test_title_level(self, raw: str, code: str) -> None:
        assert TITLE_LEVEL.lookup(raw).code == code

    def test_title_order_higher_rank_lower_number(self) -> None:
        ranked = [TITLE_LEVEL.get(code) for code in ("1", "2", "3", "4", "5", "0")]
        orders = [entry.order for entry in ranked if entry is not None]
        assert orders == sorted(orders)
        assert len(set(orders)) == 6

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("学徒工", "8"),
            ("五级", "5"),
            ("初级工", "5"),
            ("初级", "5"),
            ("四级/中级工", "4"),
            ("中级", "4"),
            ("三级", "3"),
            ("高级工", "3"),
            ("技师", "2"),
            ("二级", "2"),
            ("高级技师", "1"),
            ("一级", "1"),
            ("特级技师", "T"),
            ("首席技师", "S"),
            ("无", "0"),
        ],
    )
    def test_skill_level(self, raw: str, code: str) -> None:
        assert SKILL_LEVEL.lookup(raw).code == code

    def test_skill_order_is_the_eight_step_ladder(self) -> None:
        ladder = ["S", "T", "1", "2", "3", "4", "5", "8", "0"]
        orders = [SKILL_LEVEL.lookup(code).order for code in ladder]
        assert orders == sorted(orders)
        assert len(set(orders)) == len(ladder)

    def test_marital_status(self) -> None:
        assert MARITAL_STATUS.codes() == ("10", "20", "30", "40", "90")
        assert MARITAL_STATUS.lookup("未说明").code == "90"
        assert MARITAL_STATUS.lookup(20).label == "已婚"
