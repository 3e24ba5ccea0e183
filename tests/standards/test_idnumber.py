"""Tests for rencai.standards.idnumber (GB 11643-1999)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rencai.standards.idnumber import (
    CHECK_CHARS,
    EXCEL_NUMBER_MESSAGE,
    PROVINCE_CODES,
    WEIGHTS,
    IdNumber,
    IdNumberError,
    check_digit,
    is_id_number,
    mask_id_number,
    parse_id_number,
)
from rencai.standards.text import StandardError

from .strategies import TODAY, legacy_ids, valid_ids

NO_DB = settings(database=None, deadline=None)
ANNEX_EXAMPLE = "11010519491231002X"


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


def error_of(raw: object, **kwargs: object) -> IdNumberError:
    with pytest.raises(IdNumberError) as info:
        parse_id_number(raw, **kwargs)  # type: ignore[arg-type]
    return info.value


class TestCheckDigit:
    def test_weights_are_powers_of_two_mod_11(self) -> None:
        assert tuple(pow(2, 17 - i, 11) for i in range(17)) == WEIGHTS
        assert CHECK_CHARS == "10X98765432"

    def test_annex_example(self) -> None:
        assert check_digit(ANNEX_EXAMPLE[:17]) == "X"

    @pytest.mark.parametrize(
        "bad", ["", "1234", "1101051949123100", "1101051949123100X", "１" * 17]
    )
    def test_rejects_non_17_digits(self, bad: str) -> None:
        with pytest.raises(IdNumberError):
            check_digit(bad)


class TestParseExamples:
    def test_annex_example(self) -> None:
        parsed = parse_id_number(ANNEX_EXAMPLE)
        assert parsed == IdNumber(
            number=ANNEX_EXAMPLE,
            birth_date=datetime.date(1949, 12, 31),
            gender="2",
            region="110105",
            upgraded=False,
            warnings=(),
        )
        assert str(parsed) == ANNEX_EXAMPLE

    def test_male(self) -> None:
        number = with_check("43012419850315123")
        assert parse_id_number(number).gender == "1"

    def test_female(self) -> None:
        number = with_check("43012419850315124")
        assert parse_id_number(number).gender == "2"

    @pytest.mark.parametrize(
        "raw",
        [
            "11010519491231002x",
            " 110105 19491231 002X ",
            "110105-19491231-002X",
            "１１０１０５１９４９１２３１００２Ｘ",
            "１１０１０５１９４９１２３１００２ｘ",
            "\ufeff11010519491231002X\u200b",
            "110105\u300019491231\u3000002X",
            "110105–19491231—002X",
        ],
    )
    def test_messy_input(self, raw: str) -> None:
        assert parse_id_number(raw).number == ANNEX_EXAMPLE

    def test_legacy_15_digits(self) -> None:
        parsed = parse_id_number("110105491231002")
        assert parsed.upgraded is True
        assert parsed.number == ANNEX_EXAMPLE
        assert parsed.birth_date == datetime.date(1949, 12, 31)
        assert parsed.gender == "2"

    @pytest.mark.parametrize("region", ["810000", "820000", "830000", "710000"])
    def test_residence_permits_and_taiwan_have_no_warning(self, region: str) -> None:
        parsed = parse_id_number(with_check(region + "19900101001"))
        assert parsed.warnings == ()
        assert parsed.region == region

    def test_unknown_region_is_a_warning_not_an_error(self) -> None:
        parsed = parse_id_number(with_check("99999919900101001"))
        assert parsed.region == "999999"
        assert parsed.warnings == ("身份证号地区码 999999 不在行政区划表中，请核对",)

    def test_abolished_county_in_known_province_is_accepted(self) -> None:
        # 440524 (汕头 潮阳县, abolished) is the region of the standard's other
        # Annex-A example; only the province is checked, so no warning.
        parsed = parse_id_number(with_check("44052419800101001"))
        assert parsed.warnings == ()

    def test_annex_1880_example_is_before_1900(self) -> None:
        error = error_of("440524188001010014")
        assert error.message == "出生日期 18800101 早于1900年1月1日，请核对身份证号"


class TestParseErrors:
    @pytest.mark.parametrize(
        "raw",
        [
            4.30124e17,
            430124198503151234,
            "4.30124E+17",
            "4.3012419850315e+17",
            "4.30124E17",
            "４．３０１２４Ｅ＋１７",
            "4,30124E+17",
        ],
    )
    def test_excel_number(self, raw: object) -> None:
        error = error_of(raw)
        assert error.message == EXCEL_NUMBER_MESSAGE
        assert error.message == (
            "身份证号被 Excel 存成了数字，后几位已经丢失；请将该列设为文本格式后重新粘贴"
        )
        assert error.kind == "excel_number"

    @pytest.mark.parametrize("raw", ["", "   ", "\u3000", None, "--"])
    def test_empty(self, raw: object) -> None:
        assert error_of(raw).message == "身份证号不能为空"

    @pytest.mark.parametrize(
        ("raw", "size"), [("1234", 4), ("1101051949123100", 16), ("1" * 19, 19)]
    )
    def test_wrong_length(self, raw: str, size: int) -> None:
        assert error_of(raw).message == f"身份证号应为18位（或15位旧号），实际为{size}位"

    def test_illegal_characters(self) -> None:
        error = error_of("11010519491231002Y")
        assert error.message == "身份证号只能包含数字和末位的X，发现非法字符「Y」"
        assert error_of("1101a5194912310b2X").message.endswith("「ab」")

    @pytest.mark.parametrize("raw", ["1101051949123100X2", "11010549123100X"])
    def test_x_not_last(self, raw: str) -> None:
        assert error_of(raw).message == "身份证号中的X只能出现在18位号码的最后一位"

    @pytest.mark.parametrize("date", ["19850230", "19851301", "19850000", "19850431", "19000229"])
    def test_impossible_birth_date(self, date: str) -> None:
        error = error_of(with_check("430124" + date + "123"))
        assert error.message == f"出生日期 {date} 不是有效日期"
        assert error.kind == "birth_date"

    def test_leap_day_is_valid(self) -> None:
        assert parse_id_number(with_check("43012420000229123")).birth_date.day == 29

    def test_future_birth_date(self) -> None:
        number = with_check("43012420240701123")
        error = error_of(number, today=datetime.date(2024, 6, 30))
        assert error.message == "出生日期 20240701 晚于今天，请核对身份证号"
        assert parse_id_number(number, today=datetime.date(2024, 7, 1)).birth_date.day == 1

    def test_before_1900(self) -> None:
        error = error_of(with_check("43012418991231123"))
        assert error.message == "出生日期 18991231 早于1900年1月1日，请核对身份证号"

    def test_first_day_of_1900_is_the_earliest_accepted(self) -> None:
        # The lower bound is inclusive: the day before is refused (test_before_1900).
        parsed = parse_id_number(with_check("43012419000101123"))
        assert parsed.birth_date == datetime.date(1900, 1, 1)
        assert parse_id_number("430124000101123").birth_date == datetime.date(1900, 1, 1)

    def test_wrong_check_digit(self) -> None:
        error = error_of("110105194912310021")
        assert error.message == "身份证号校验位错误：应为 X，实际为 1"
        assert error.kind == "check_digit"

    def test_errors_are_standard_errors(self) -> None:
        assert isinstance(error_of("1"), StandardError)
        assert isinstance(error_of("1"), ValueError)


def test_is_id_number() -> None:
    assert is_id_number(ANNEX_EXAMPLE)
    assert is_id_number(with_check("99999919900101001"))  # warning only
    assert not is_id_number("110105194912310021")
    assert not is_id_number(4.30124e17)
    assert not is_id_number("")


class TestMask:
    @pytest.mark.parametrize(
        ("number", "expected"),
        [
            ("43012419850315123X", "4301*************X"),
            ("110105491231002", "11************2"),
            ("12345", "12**5"),
            ("1234", "****"),
            ("", ""),
        ],
    )
    def test_examples(self, number: str, expected: str) -> None:
        assert mask_id_number(number) == expected

    def test_none(self) -> None:
        assert mask_id_number(None) == ""

    @NO_DB
    @given(
        st.text(alphabet=st.characters(blacklist_characters="*", blacklist_categories=("Zs", "Cc")))
    )
    def test_never_reveals_more_than_5_characters(self, number: str) -> None:
        masked = mask_id_number(number)
        assert len(masked) == len(number)
        assert sum(char != "*" for char in masked) <= 5


class TestProperties:
    @NO_DB
    @given(valid_ids())
    def test_valid_ids_parse_and_round_trip(self, number: str) -> None:
        parsed = parse_id_number(number, today=TODAY)
        assert parsed.number == number
        assert parsed.birth_date.strftime("%Y%m%d") == number[6:14]
        assert parsed.gender == ("1" if int(number[16]) % 2 else "2")
        assert parsed.region == number[:6]
        assert parsed.region[:2] in PROVINCE_CODES
        assert parsed.upgraded is False
        assert parsed.warnings == ()
        assert parse_id_number(parsed.number, today=TODAY) == parsed

    @NO_DB
    @given(
        valid_ids(), st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=10)
    )
    def test_any_single_character_change_is_rejected(
        self, number: str, position: int, shift: int
    ) -> None:
        alphabet = "0123456789X" if position == 17 else "0123456789"
        original = alphabet.index(number[position])
        replacement = alphabet[(original + shift) % len(alphabet)]
        if replacement == number[position]:
            return  # shift == len(alphabet) for the digit positions
        mutated = number[:position] + replacement + number[position + 1 :]
        # MOD 11-2 detects every single-character substitution by itself:
        # every weight is non-zero modulo the prime 11.
        assert check_digit(mutated[:17]) != mutated[17]
        with pytest.raises(IdNumberError):
            parse_id_number(mutated, today=TODAY)

    @NO_DB
    @given(legacy_ids())
    def test_legacy_numbers_upgrade(self, legacy: str) -> None:
        parsed = parse_id_number(legacy, today=TODAY)
        assert parsed.upgraded is True
        assert len(parsed.number) == 18
        assert parsed.number[:6] + parsed.number[8:17] == legacy
        assert parsed.birth_date.strftime("%y%m%d") == legacy[6:12]
        assert parsed.birth_date.year // 100 == 19
        assert parsed.gender == ("1" if int(legacy[14]) % 2 else "2")
        again = parse_id_number(parsed.number, today=TODAY)
        assert again.birth_date == parsed.birth_date
        assert again.gender == parsed.gender
        assert again.upgraded is False

    @NO_DB
    @given(valid_ids(), st.sampled_from(["x", "Ｘ", "ｘ"]), st.booleans())
    def test_lower_case_x_and_full_width_digits(self, number: str, x: str, spaced: bool) -> None:
        variant = "".join(chr(0xFF10 + int(char)) if char.isdigit() else x for char in number)
        if spaced:
            variant = f"\u3000{variant[:6]} {variant[6:14]}-{variant[14:]}\u3000"
        assert parse_id_number(variant, today=TODAY) == parse_id_number(number, today=TODAY)

    @NO_DB
    @given(valid_ids())
    def test_excel_float_of_valid_id_is_always_rejected(self, number: str) -> None:
        if number.endswith("X"):
            number = number[:-1] + "0"
        value = float(number)
        for raw in (value, int(value), f"{value:.5E}", repr(value), str(value)):
            assert error_of(raw).message == EXCEL_NUMBER_MESSAGE
