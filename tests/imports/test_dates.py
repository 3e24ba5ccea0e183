"""Tests for rencai.imports.dates: every spelling of a date found in office spreadsheets."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import pickle
import subprocess
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rencai.imports.dates import (
    DAY,
    MAX_YEAR,
    MIN_YEAR,
    MONTH,
    YEAR,
    DateError,
    ParsedDate,
    excel_serial_of,
    parse_date,
)

NO_DB = settings(database=None, deadline=None)
EPOCH = datetime.date(1899, 12, 30)
FULL_WIDTH = str.maketrans("0123456789-/.", "０１２３４５６７８９－／．")
HINT = "请写成 1985-03-12 或 1985年3月12日"

all_dates = st.dates(
    min_value=datetime.date(MIN_YEAR, 1, 1), max_value=datetime.date(MAX_YEAR, 12, 31)
)
padding = st.sampled_from(["", " ", "  ", "\t", "\u3000", "\u00a0", "\n"])


def ymd(parsed: ParsedDate | None) -> tuple[int, int | None, int | None]:
    assert parsed is not None
    return (parsed.year, parsed.month, parsed.day)


def assert_well_formed(parsed: ParsedDate) -> None:
    """What every ParsedDate the parser returns must satisfy."""
    assert isinstance(parsed, ParsedDate)
    assert MIN_YEAR <= parsed.year <= MAX_YEAR
    assert parsed.precision in (DAY, MONTH, YEAR)
    assert (parsed.month is None) == (parsed.precision == YEAR)
    assert (parsed.day is None) == (parsed.precision != DAY)
    if parsed.month is not None:
        assert 1 <= parsed.month <= 12
    if parsed.ambiguous:
        assert parsed.precision == MONTH
    as_date = parsed.as_date()
    assert (as_date.year, as_date.month, as_date.day) == (
        parsed.year,
        parsed.month or 1,
        parsed.day or 1,
    )


# --------------------------------------------------------------------------- examples

DAY_CASES = [
    # ISO and its relatives
    ("1985-03-12", (1985, 3, 12)),
    ("1985-3-12", (1985, 3, 12)),
    ("1985-03-2", (1985, 3, 2)),
    ("1985/3/12", (1985, 3, 12)),
    ("1985/03/12", (1985, 3, 12)),
    ("1985.3.12", (1985, 3, 12)),
    ("1985.03.12", (1985, 3, 12)),
    ("1985 - 03 - 12", (1985, 3, 12)),
    ("19850312", (1985, 3, 12)),
    # Chinese
    ("1985年3月12日", (1985, 3, 12)),
    ("1985年03月12日", (1985, 3, 12)),
    ("1985年3月12号", (1985, 3, 12)),
    ("1985年3月12", (1985, 3, 12)),
    ("1985 年 3 月 12 日", (1985, 3, 12)),
    # whitespace and invisible characters around the value
    ("1985.03.12 ", (1985, 3, 12)),
    ("1985.03.12   ", (1985, 3, 12)),
    ("  1985-03-12", (1985, 3, 12)),
    ("\t1985-03-12\n", (1985, 3, 12)),
    ("1985-03-12\u3000", (1985, 3, 12)),
    ("\u00a01985年3月12日\u00a0", (1985, 3, 12)),
    ("\u200b1985-03-12", (1985, 3, 12)),
    ("\ufeff1985年3月12日", (1985, 3, 12)),
    ("1985-\u200b03-12", (1985, 3, 12)),
    # full-width
    ("１９８５－０３－１２", (1985, 3, 12)),
    ("１９８５年３月１２日", (1985, 3, 12)),
    ("１９８５年０３月１２日", (1985, 3, 12)),
    ("１９８５．３．１２", (1985, 3, 12)),
    ("１９８５／３／１２", (1985, 3, 12)),
    ("１９８５０３１２", (1985, 3, 12)),
    # date-times as text (calamine, isoformat)
    ("1985-03-12 00:00:00", (1985, 3, 12)),
    ("1985-03-12T00:00:00", (1985, 3, 12)),
    ("1985-03-12 08:30", (1985, 3, 12)),
    ("1985-03-12 23:59:59.999999", (1985, 3, 12)),
    ("1985-03-12T08:30:15.250+08:00", (1985, 3, 12)),
    ("1985-03-12T00:00:00Z", (1985, 3, 12)),
    ("1985/3/12 0:00", (1985, 3, 12)),
    # calendar edges
    ("1900-01-01", (1900, 1, 1)),
    ("2100-12-31", (2100, 12, 31)),
    ("2000-02-29", (2000, 2, 29)),
    ("1904-02-29", (1904, 2, 29)),
    ("1985-12-31", (1985, 12, 31)),
    ("1985-04-30", (1985, 4, 30)),
    # objects and numbers
    (datetime.date(1985, 3, 12), (1985, 3, 12)),
    (datetime.datetime(1985, 3, 12, 8, 30), (1985, 3, 12)),
    (datetime.datetime(1985, 3, 12, tzinfo=datetime.UTC), (1985, 3, 12)),
    (19850312, (1985, 3, 12)),
    (19850312.0, (1985, 3, 12)),
]

SERIAL_CASES = [
    (1, (1900, 1, 1)),
    (59, (1900, 2, 28)),
    (61, (1900, 3, 1)),
    (1899, (1905, 3, 13)),
    (2101, (1905, 10, 1)),
    (31107, (1985, 3, 1)),
    (31107.0, (1985, 3, 1)),
    (31107.75, (1985, 3, 1)),
    (31107.999, (1985, 3, 1)),
    (36526, (2000, 1, 1)),
    (43831, (2020, 1, 1)),
    (45658, (2025, 1, 1)),
    (73415, (2100, 12, 31)),
    ("31107", (1985, 3, 1)),
    ("３１１０７", (1985, 3, 1)),
    (" 31107 ", (1985, 3, 1)),
    ("31107.5", (1985, 3, 1)),
    ("00061", (1900, 3, 1)),
]

MONTH_CASES = [
    ("1985.03", (1985, 3)),
    ("1985.3", (1985, 3)),
    ("1985.1", (1985, 1)),  # text: January as typed, not ambiguous
    ("1985.10", (1985, 10)),
    ("1985.12", (1985, 12)),
    ("1985-03", (1985, 3)),
    ("1985-3", (1985, 3)),
    ("1985/3", (1985, 3)),
    ("1985/03", (1985, 3)),
    ("1985年3月", (1985, 3)),
    ("1985年03月", (1985, 3)),
    ("1985 年 3 月", (1985, 3)),
    ("198503", (1985, 3)),
    ("１９８５．０３", (1985, 3)),
    ("１９８５年３月", (1985, 3)),
    ("１９８５０３", (1985, 3)),
    ("1985.03 ", (1985, 3)),
    # two-digit years are 19YY (expert forms)
    ("85.03", (1985, 3)),
    ("85.3", (1985, 3)),
    ("85-03", (1985, 3)),
    ("85/3", (1985, 3)),
    ("85年3月", (1985, 3)),
    ("6405", (1964, 5)),
    ("６４０５", (1964, 5)),
    ("0012", (1900, 12)),
    ("9912", (1999, 12)),
    ("2112", (1921, 12)),
    # numbers
    (198503, (1985, 3)),
    (198503.0, (1985, 3)),
    (1985.03, (1985, 3)),
    (1985.01, (1985, 1)),
    (1985.11, (1985, 11)),
    (1985.12, (1985, 12)),
    (1900.01, (1900, 1)),
    (2100.12, (2100, 12)),
    (decimal.Decimal("1985.10"), (1985, 10)),
    (decimal.Decimal("1985.03"), (1985, 3)),
]

AMBIGUOUS_CASES = [
    (1985.1, (1985, 1)),  # maybe 1985.10
    (1985.10, (1985, 1)),  # the same float
    (1985.3, (1985, 3)),
    (1985.9, (1985, 9)),
    (1900.1, (1900, 1)),
    (2100.1, (2100, 1)),
]

YEAR_CASES = [
    ("1985", 1985),
    ("1985年", 1985),
    (" 1985年 ", 1985),
    ("１９８５", 1985),
    ("１９８５年", 1985),
    ("1900", 1900),
    ("2100", 2100),
    ("1905", 1905),  # not 05 月 of 1919
    ("2012", 2012),
    (1985, 1985),
    (1985.0, 1985),
    (1900, 1900),
    (2100, 2100),
]

EMPTY_CASES = [None, "", " ", "   ", "\t\n", "\u3000", "\u3000 \u00a0", "\u200b", "\ufeff "]


class TestExamples:
    @pytest.mark.parametrize(("value", "expected"), DAY_CASES)
    def test_day(self, value: object, expected: tuple[int, int, int]) -> None:
        parsed = parse_date(value)  # type: ignore[arg-type]
        assert ymd(parsed) == expected
        assert parsed is not None
        assert parsed.precision == DAY
        assert parsed.ambiguous is False
        assert parsed.as_date() == datetime.date(*expected)

    @pytest.mark.parametrize(("value", "expected"), SERIAL_CASES)
    def test_excel_serial(self, value: object, expected: tuple[int, int, int]) -> None:
        parsed = parse_date(value)  # type: ignore[arg-type]
        assert ymd(parsed) == expected
        assert parsed is not None
        assert parsed.precision == DAY
        assert parsed.ambiguous is False

    @pytest.mark.parametrize(("value", "expected"), MONTH_CASES)
    def test_month(self, value: object, expected: tuple[int, int]) -> None:
        parsed = parse_date(value)  # type: ignore[arg-type]
        assert ymd(parsed) == (*expected, None)
        assert parsed is not None
        assert parsed.precision == MONTH
        assert parsed.ambiguous is False
        assert parsed.as_date() == datetime.date(*expected, 1)

    @pytest.mark.parametrize(("value", "expected"), AMBIGUOUS_CASES)
    def test_year_month_number_with_one_digit_month_is_ambiguous(
        self, value: float, expected: tuple[int, int]
    ) -> None:
        parsed = parse_date(value)
        assert parsed == ParsedDate(*expected, None, MONTH, True)

    @pytest.mark.parametrize(("value", "expected"), YEAR_CASES)
    def test_year(self, value: object, expected: int) -> None:
        parsed = parse_date(value)  # type: ignore[arg-type]
        assert parsed == ParsedDate(expected, None, None, YEAR, False)
        assert parsed.as_date() == datetime.date(expected, 1, 1)

    @pytest.mark.parametrize("value", EMPTY_CASES)
    def test_empty_is_none(self, value: str | None) -> None:
        assert parse_date(value) is None
        assert parse_date(value, excel_serial=False) is None

    def test_serials_1900_to_2100_are_years(self) -> None:
        # The integers 1900..2100 are read as years, never as the serials of 1905 they also are.
        assert parse_date(1985) == ParsedDate(1985, None, None, YEAR, False)
        assert parse_date(1905) == ParsedDate(1905, None, None, YEAR, False)

    def test_year_month_float_wins_over_serial_with_time(self) -> None:
        # 1985.5 could be serial 1985 at noon; as a number in 1900..2100 it is 1985年5月.
        assert parse_date(1985.5) == ParsedDate(1985, 5, None, MONTH, True)
        # Outside 1900..2100 a fraction is the time of day.
        assert ymd(parse_date(1899.5)) == (1905, 3, 13)


class TestExcelSerialFlag:
    @pytest.mark.parametrize("value", [31107, 31107.0, 31107.5, 61, 1, 59, "31107", "３１１０７"])
    def test_refuses_serials(self, value: object) -> None:
        with pytest.raises(DateError) as caught:
            parse_date(value, excel_serial=False)  # type: ignore[arg-type]
        assert caught.value.kind == "format"
        assert "无法识别的日期" in caught.value.message

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (6405, (1964, 5, None)),
            (6405.0, (1964, 5, None)),
            (503, (1905, 3, None)),  # "0503" typed into a number cell
            (1985, (1985, None, None)),
            (198503, (1985, 3, None)),
            (19850312, (1985, 3, 12)),
            (1985.03, (1985, 3, None)),
            ("6405", (1964, 5, None)),
            ("1985-03-12", (1985, 3, 12)),
            ("1985年3月", (1985, 3, None)),
            (datetime.date(1985, 3, 12), (1985, 3, 12)),
        ],
    )
    def test_other_forms_still_parse(self, value: object, expected: tuple) -> None:
        assert ymd(parse_date(value, excel_serial=False)) == expected  # type: ignore[arg-type]

    def test_four_digit_number_is_a_serial_by_default(self) -> None:
        assert ymd(parse_date(6405)) == (1917, 7, 14)
        assert ymd(parse_date(6405, excel_serial=True)) == (1917, 7, 14)

    def test_flag_is_keyword_only(self) -> None:
        with pytest.raises(TypeError):
            parse_date("1985", False)  # type: ignore[misc]


# --------------------------------------------------------------------------- errors

NONEXISTENT_DAYS = [
    ("1985-02-30", "日期 1985-02-30 不存在"),
    ("1985-02-29", "日期 1985-02-29 不存在"),
    ("1900-02-29", "日期 1900-02-29 不存在"),
    ("2100-02-29", "日期 2100-02-29 不存在"),
    ("1985-04-31", "日期 1985-04-31 不存在"),
    ("1985-03-00", "日期 1985-03-00 不存在"),
    ("1985-03-32", "日期 1985-03-32 不存在"),
    ("1985/2/30", "日期 1985-02-30 不存在"),
    ("1985年2月30日", "日期 1985-02-30 不存在"),
    ("１９８５－０２－３０", "日期 1985-02-30 不存在"),
    ("19850230", "日期 1985-02-30 不存在"),
    (19850230, "日期 1985-02-30 不存在"),
    (19850200, "日期 1985-02-00 不存在"),
    (60, "1900年2月29日不存在"),
    (60.5, "1900年2月29日不存在"),
    ("00060", "1900年2月29日不存在"),
]

BAD_MONTHS = [
    ("1985-13-01", 13),
    ("1985-00-10", 0),
    ("1985-13", 13),
    ("1985.13", 13),
    ("1985.0", 0),
    ("1985.00", 0),
    ("198513", 13),
    ("198500", 0),
    ("1985年13月", 13),
    ("1985年0月", 0),
    ("85.13", 13),
    ("6413", 13),
    ("6400", 0),
    (198513, 13),
    (1985.13, 13),
    (1985.99, 99),
    (19851301, 13),
]

BAD_YEARS = [
    ("1899-12-31", 1899),
    ("2101-01-01", 2101),
    ("1899", 1899),
    ("2150", 2150),
    ("1899年", 1899),
    ("2101年3月", 2101),
    ("1899.12", 1899),
    ("18991231", 1899),
    ("0019.85", 19),
    ("0000-01-01", 0),
    (189912, 1899),
    (18991231, 1899),
    (99991231, 9999),
    (datetime.date(1899, 12, 31), 1899),
    (datetime.date(2101, 1, 1), 2101),
    (datetime.datetime(1, 1, 1), 1),
]

BAD_SERIALS = [0, -1, -31107, 73416, 99999, 2958465, 2958466, 0.5, 1e300, 10**30]

UNRECOGNISED = [
    "abc",
    "nan",
    "inf",
    "1985-03-12x",
    "x1985-03-12",
    "1985-3/12",  # mixed separators
    "1985-03-12-01",
    "1985--03-12",
    "1985.03.",
    ".1985",
    "85.03.12",  # two-digit year only to the month
    "85年",
    "85年3月12日",
    "1985年3月12日 00:00",
    "1985年3月12日生",
    "一九八五年三月",
    "3/12/1985",
    "12-03-1985",
    "03.1985",
    "1985-03-12 25:00",
    "1985-03-12 08:61",
    "1985-03-12 08",
    "1985-03-12T",
    "1985031",
    "1",
    "12",
    "123",
    "1234567",
    "123456789",
    "+1985",
    "-1985",
    "1_985",
    "1985 03 12",
    "198 5",
    "١٩٨٥-٠٣-١٢",  # Arabic-Indic digits: not what a Chinese sheet holds
    "१९८५",
    "31107.",
    "310",
    "1985.03.12.5",
    True,
    False,
    float("nan"),
    float("inf"),
    float("-inf"),
    1985.123,
    1985.031,
    -1985.03,
    [1985],
    (1985, 3),
    b"1985-03-12",
    object(),
    decimal.Decimal("NaN"),
    complex(1985, 3),
]


class TestErrors:
    @pytest.mark.parametrize(("value", "message"), NONEXISTENT_DAYS)
    def test_nonexistent_day(self, value: object, message: str) -> None:
        with pytest.raises(DateError) as caught:
            parse_date(value)  # type: ignore[arg-type]
        assert caught.value.message == message
        assert str(caught.value) == message
        assert caught.value.kind == "day"

    @pytest.mark.parametrize(("value", "month"), BAD_MONTHS)
    def test_month_out_of_range(self, value: object, month: int) -> None:
        with pytest.raises(DateError) as caught:
            parse_date(value)  # type: ignore[arg-type]
        assert caught.value.kind == "month"
        assert f"月份 {month} 不在 1–12 之间" in caught.value.message

    @pytest.mark.parametrize(("value", "year"), BAD_YEARS)
    def test_year_out_of_range(self, value: object, year: int) -> None:
        with pytest.raises(DateError) as caught:
            parse_date(value)  # type: ignore[arg-type]
        assert caught.value.kind == "year"
        assert f"年份 {year} 不在 1900–2100 之间" in caught.value.message

    @pytest.mark.parametrize("value", BAD_SERIALS)
    def test_serial_out_of_range(self, value: float) -> None:
        with pytest.raises(DateError) as caught:
            parse_date(value)
        assert caught.value.kind == "serial"
        assert "不是 1900–2100 年之间的 Excel 日期" in caught.value.message
        assert HINT in caught.value.message

    @pytest.mark.parametrize("value", UNRECOGNISED, ids=repr)
    def test_unrecognised(self, value: object) -> None:
        with pytest.raises(DateError) as caught:
            parse_date(value)  # type: ignore[arg-type]
        assert caught.value.kind == "format"
        assert caught.value.message.startswith("无法识别的日期“")
        assert caught.value.message.endswith(f"”，{HINT}")

    def test_message_quotes_the_input_as_typed(self) -> None:
        with pytest.raises(DateError) as caught:
            parse_date("  １９８５年三月 ")
        assert caught.value.message == f"无法识别的日期“１９８５年三月”，{HINT}"
        with pytest.raises(DateError) as caught:
            parse_date("1985-13")
        assert caught.value.message == "日期“1985-13”的月份 13 不在 1–12 之间"
        with pytest.raises(DateError) as caught:
            parse_date("1899.12")
        assert caught.value.message == "日期“1899.12”的年份 1899 不在 1900–2100 之间"
        with pytest.raises(DateError) as caught:
            parse_date(73416)
        assert caught.value.message == f"数字“73416”不是 1900–2100 年之间的 Excel 日期，{HINT}"

    def test_long_input_is_clipped_in_message(self) -> None:
        with pytest.raises(DateError) as caught:
            parse_date("x" * 500)
        assert "x" * 30 + "…" in caught.value.message
        assert "x" * 31 not in caught.value.message

    def test_huge_int_does_not_break_the_message(self) -> None:
        with pytest.raises(DateError) as caught:
            parse_date(10**5000)
        assert caught.value.kind == "serial"
        with pytest.raises(DateError):
            parse_date(10**5000, excel_serial=False)

    def test_invalid_values_do_not_poison_later_results(self) -> None:
        # The parser shares one ParsedDate per value; rejected input must never reach that table.
        for value in ("0019.85", "0000-19-85", "0019-85-03", "1985-02-30", 19850230):
            with pytest.raises(DateError):
                parse_date(value)
        assert parse_date("1985") == ParsedDate(1985, None, None, YEAR, False)
        assert parse_date("1985.03") == ParsedDate(1985, 3, None, MONTH, False)
        assert parse_date("1985-03-12") == ParsedDate(1985, 3, 12, DAY, False)


class TestDateError:
    def test_is_value_error_with_chinese_message(self) -> None:
        error = DateError("日期 1985-02-30 不存在")
        assert isinstance(error, ValueError)
        assert error.message == "日期 1985-02-30 不存在"
        assert str(error) == error.message
        assert error.kind == "format"

    def test_kind(self) -> None:
        assert DateError("x", "day").kind == "day"

    def test_pickles(self) -> None:
        error = pickle.loads(pickle.dumps(DateError("日期 1985-02-30 不存在", "day")))
        assert isinstance(error, DateError)
        assert (error.message, error.kind, str(error)) == (
            "日期 1985-02-30 不存在",
            "day",
            error.message,
        )


class TestParsedDate:
    def test_as_date_by_precision(self) -> None:
        assert ParsedDate(1985, 3, 12, DAY, False).as_date() == datetime.date(1985, 3, 12)
        assert ParsedDate(1985, 3, None, MONTH, False).as_date() == datetime.date(1985, 3, 1)
        assert ParsedDate(1985, None, None, YEAR, False).as_date() == datetime.date(1985, 1, 1)
        assert ParsedDate(1985, 1, None, MONTH, True).as_date() == datetime.date(1985, 1, 1)

    def test_isoformat_and_str(self) -> None:
        assert ParsedDate(1985, 3, 12, DAY, False).isoformat() == "1985-03-12"
        assert ParsedDate(1985, 3, None, MONTH, False).isoformat() == "1985-03"
        assert str(ParsedDate(1985, None, None, YEAR, False)) == "1985"

    def test_frozen_with_slots(self) -> None:
        parsed = parse_date("1985-03-12")
        assert parsed is not None
        with pytest.raises(dataclasses.FrozenInstanceError):
            parsed.year = 1986  # type: ignore[misc]
        assert not hasattr(parsed, "__dict__")
        assert dataclasses.fields(ParsedDate)[-1].name == "ambiguous"

    def test_equality_and_hash(self) -> None:
        assert parse_date("1985-03-12") == parse_date("1985年3月12日") == parse_date(19850312)
        assert parse_date("1985.03") != parse_date(1985.3)  # only the float is ambiguous
        assert len({parse_date("1985-03"), parse_date("198503"), parse_date(1985.03)}) == 1

    def test_pickles(self) -> None:
        for value in ("1985-03-12", "1985.03", "1985", 1985.1):
            parsed = parse_date(value)
            assert pickle.loads(pickle.dumps(parsed)) == parsed


def test_module_does_not_import_django() -> None:
    code = "import sys, rencai.imports.dates; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --------------------------------------------------------------------------- exhaustive


def test_every_year_month_number() -> None:
    """All 2,412 months typed as a number, with and without the leading zero."""
    for year in range(MIN_YEAR, MAX_YEAR + 1):
        for month in range(1, 13):
            two_digits = parse_date(float(f"{year}.{month:02d}"))
            if month == 10:  # 1985.10 is stored as 1985.1: January, flagged
                assert two_digits == ParsedDate(year, 1, None, MONTH, True)
            else:
                assert two_digits == ParsedDate(year, month, None, MONTH, False)
            if month < 10:
                one_digit = parse_date(float(f"{year}.{month}"))
                assert one_digit == ParsedDate(year, month, None, MONTH, True)


def test_every_excel_serial_round_trips() -> None:
    """Every serial from 1900-03-01 (61) to 2100-12-31 (73415) maps back by the formula."""
    first, last = (
        excel_serial_of(datetime.date(1900, 3, 1)),
        excel_serial_of(datetime.date(2100, 12, 31)),
    )
    assert (first, last) == (61, 73415)
    for serial in range(first, last + 1):
        parsed = parse_date(serial)
        assert parsed is not None
        if (
            MIN_YEAR <= serial <= MAX_YEAR
        ):  # read as a year, see test_serials_1900_to_2100_are_years
            assert parsed.precision == YEAR
            continue
        assert parsed.as_date() == EPOCH + datetime.timedelta(days=serial)
        assert parsed.precision == DAY


def test_serials_before_the_leap_bug() -> None:
    for serial in range(1, 60):
        day = datetime.date(1899, 12, 31) + datetime.timedelta(days=serial)
        assert ymd(parse_date(serial)) == (day.year, day.month, day.day)
        assert excel_serial_of(day) == serial


# --------------------------------------------------------------------------- properties

DAY_SPELLINGS = [
    lambda d: d.isoformat(),
    lambda d: f"{d.year}-{d.month}-{d.day}",
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",
    lambda d: f"{d.year}年{d.month}月{d.day}号",
    lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}",
    lambda d: f"{d.isoformat()} 00:00:00",
    lambda d: f"{d.isoformat()}T00:00:00",
    lambda d: f"{d.isoformat()}T12:34:56.789",
]

MONTH_SPELLINGS = [
    lambda y, m: f"{y}-{m:02d}",
    lambda y, m: f"{y}-{m}",
    lambda y, m: f"{y}/{m}",
    lambda y, m: f"{y}.{m:02d}",
    lambda y, m: f"{y}.{m}",
    lambda y, m: f"{y}年{m}月",
    lambda y, m: f"{y}年{m:02d}月",
    lambda y, m: f"{y}{m:02d}",
]


@NO_DB
@given(
    day=all_dates,
    spelling=st.sampled_from(DAY_SPELLINGS),
    full_width=st.booleans(),
    before=padding,
    after=padding,
)
def test_day_spellings_round_trip(
    day: datetime.date, spelling, full_width: bool, before: str, after: str
) -> None:
    text = spelling(day)
    if full_width:
        text = text.translate(FULL_WIDTH)
    for flag in (True, False):
        parsed = parse_date(before + text + after, excel_serial=flag)
        assert parsed == ParsedDate(day.year, day.month, day.day, DAY, False)


@NO_DB
@given(day=all_dates)
def test_day_values_round_trip(day: datetime.date) -> None:
    expected = ParsedDate(day.year, day.month, day.day, DAY, False)
    assert parse_date(day) == expected
    assert parse_date(datetime.datetime.combine(day, datetime.time(13, 45))) == expected
    assert parse_date(int(day.strftime("%Y%m%d"))) == expected
    assert parse_date(float(day.strftime("%Y%m%d"))) == expected


@NO_DB
@given(
    year=st.integers(MIN_YEAR, MAX_YEAR),
    month=st.integers(1, 12),
    spelling=st.sampled_from(MONTH_SPELLINGS),
    full_width=st.booleans(),
    before=padding,
    after=padding,
)
def test_month_spellings_round_trip(
    year: int, month: int, spelling, full_width: bool, before: str, after: str
) -> None:
    text = spelling(year, month)
    if full_width:
        text = text.translate(FULL_WIDTH)
    parsed = parse_date(before + text + after)
    assert parsed == ParsedDate(year, month, None, MONTH, False)
    assert parse_date(year * 100 + month) == parsed


@NO_DB
@given(year=st.integers(1900, 1999), month=st.integers(1, 12), separator=st.sampled_from(".-/"))
def test_two_digit_year_months_round_trip(year: int, month: int, separator: str) -> None:
    expected = ParsedDate(year, month, None, MONTH, False)
    yy = year % 100
    assert parse_date(f"{yy:02d}{separator}{month:02d}") == expected
    assert parse_date(f"{yy:02d}{separator}{month}") == expected
    assert parse_date(f"{yy:02d}年{month}月") == expected
    compact = f"{yy:02d}{month:02d}"
    if MIN_YEAR <= int(compact) <= MAX_YEAR:  # "1905", "2012": a year wins
        assert parse_date(compact) == ParsedDate(int(compact), None, None, YEAR, False)
    else:
        assert parse_date(compact) == expected
        if int(compact) >= 100:  # Excel keeps "0503" as 503; "0001" as 1 is not read as YYMM
            assert parse_date(int(compact), excel_serial=False) == expected


@NO_DB
@given(year=st.integers(MIN_YEAR, MAX_YEAR), spelling=st.sampled_from(["{}", "{}年", " {} "]))
def test_year_spellings_round_trip(year: int, spelling: str) -> None:
    expected = ParsedDate(year, None, None, YEAR, False)
    assert parse_date(spelling.format(year)) == expected
    assert parse_date(spelling.format(year).translate(FULL_WIDTH)) == expected
    assert parse_date(year) == expected
    assert parse_date(float(year)) == expected


@NO_DB
@given(
    day=st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(MAX_YEAR, 12, 31)),
    time_of_day=st.floats(min_value=0, max_value=0.999999),
)
@example(day=datetime.date(1900, 3, 1), time_of_day=0.0)
@example(day=datetime.date(1985, 3, 1), time_of_day=0.5)
@example(day=datetime.date(2100, 12, 31), time_of_day=0.999999)
def test_excel_serials_round_trip(day: datetime.date, time_of_day: float) -> None:
    serial = (day - EPOCH).days
    assert excel_serial_of(day) == serial
    if MIN_YEAR <= serial <= MAX_YEAR + 1:  # 1905 serials collide with years and year.months
        return
    expected = ParsedDate(day.year, day.month, day.day, DAY, False)
    assert parse_date(serial) == expected
    assert parse_date(float(serial)) == expected
    assert parse_date(serial + time_of_day) == expected
    if len(str(serial)) == 5:
        assert parse_date(str(serial)) == expected
    with pytest.raises(DateError):
        parse_date(serial + time_of_day if serial > 9999 else serial + 0.5, excel_serial=False)


@NO_DB
@given(day=all_dates, precision=st.sampled_from([DAY, MONTH, YEAR]))
def test_isoformat_parses_back(day: datetime.date, precision: str) -> None:
    parsed = ParsedDate(
        day.year,
        None if precision == YEAR else day.month,
        day.day if precision == DAY else None,
        precision,
        False,
    )
    assert parse_date(parsed.isoformat()) == parsed
    assert parse_date(str(parsed)) == parsed


# --------------------------------------------------------------------------- fuzzing

DATE_ALPHABET = "0123456789-/.年月日号 T:Z+０１２３４５６７８９．－／\u3000\u200b"


def parse_or_error(value: object, excel_serial: bool) -> None:
    """Call the parser: the result is None or well formed, and the only exception is DateError."""
    try:
        parsed = parse_date(value, excel_serial=excel_serial)  # type: ignore[arg-type]
    except DateError as error:
        assert isinstance(error.message, str)
        assert error.message
        assert str(error) == error.message
        assert error.kind in ("format", "day", "month", "year", "serial")
        return
    if parsed is not None:
        assert_well_formed(parsed)


@settings(NO_DB, max_examples=500)
@given(value=st.text(), excel_serial=st.booleans())
def test_fuzz_any_text(value: str, excel_serial: bool) -> None:
    parse_or_error(value, excel_serial)


@settings(NO_DB, max_examples=1000)
@given(value=st.text(alphabet=DATE_ALPHABET, max_size=24), excel_serial=st.booleans())
def test_fuzz_date_like_text(value: str, excel_serial: bool) -> None:
    parse_or_error(value, excel_serial)


@settings(NO_DB, max_examples=500)
@given(
    value=st.one_of(
        st.integers(),
        st.integers(-10, 100_000_000),
        st.floats(),
        st.floats(min_value=1800, max_value=2200),
        st.decimals(),
        st.booleans(),
        st.none(),
        st.datetimes(),
        st.dates(),
    ),
    excel_serial=st.booleans(),
)
def test_fuzz_any_scalar(value: object, excel_serial: bool) -> None:
    parse_or_error(value, excel_serial)
