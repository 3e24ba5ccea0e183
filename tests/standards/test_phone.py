"""Tests for rencai.standards.phone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rencai.standards.phone import PhoneError, mask_phone, normalize_phone
from rencai.standards.text import StandardError

from .strategies import mobiles

NO_DB = settings(database=None, deadline=None)


def error_of(raw: object) -> PhoneError:
    with pytest.raises(PhoneError) as info:
        normalize_phone(raw)  # type: ignore[arg-type]
    return info.value


class TestNormalizePhone:
    @pytest.mark.parametrize(
        "raw",
        [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+8613812345678",
            "0086 13812345678",
            "8613812345678",
            "(+86) 138-1234-5678",
            "（＋８６）１３８１２３４５６７８",
            "138\u30001234\u30005678",
            "\u200b13812345678\ufeff",
            13812345678,
            13812345678.0,
        ],
    )
    def test_accepted_variants(self, raw: object) -> None:
        assert normalize_phone(raw) == "13812345678"  # type: ignore[arg-type]

    @pytest.mark.parametrize("raw", ["", "  ", None, "--"])
    def test_empty(self, raw: object) -> None:
        assert error_of(raw).message == "手机号码不能为空"

    @pytest.mark.parametrize(
        "raw",
        [
            "1381234567",
            "138123456789",
            "12812345678",
            "23812345678",
            "1381234567x",
            "+8713812345678",
        ],
    )
    def test_not_a_mobile_number(self, raw: str) -> None:
        error = error_of(raw)
        assert error.message.startswith("手机号码应为以1开头的11位数字：")
        assert f"「{raw}」" in error.message
        assert "不支持固定电话" in error.message
        assert error.kind == "format"

    @pytest.mark.parametrize("raw", ["0731-84567890", "010-12345678", "(0731)8456789"])
    def test_fixed_line_is_named(self, raw: str) -> None:
        error = error_of(raw)
        assert (
            error.message
            == f"手机号码应为以1开头的11位数字：「{raw}」是固定电话，本栏只能填写手机号码"
        )
        assert error.kind == "fixed_line"

    def test_prefix_stripped_only_when_11_digits_remain(self) -> None:
        error_of("86138123456")  # 86 + 9 digits: not stripped, and not valid
        assert normalize_phone("8613812345678") == "13812345678"

    def test_non_integral_float_rejected(self) -> None:
        assert "「13812345678.5」" in error_of(13812345678.5).message

    def test_long_value_is_clipped_in_message(self) -> None:
        assert "…" in error_of("1" * 40).message

    def test_is_standard_error(self) -> None:
        assert isinstance(error_of("1"), StandardError)

    @NO_DB
    @given(
        mobiles,
        st.sampled_from(["", "+86", "0086", "86", "+86 ", "(+86)", "（＋８６）", "0086-"]),
        st.lists(st.integers(min_value=1, max_value=10), max_size=3),
        st.sampled_from([" ", "-", "\u3000", "－"]),
        st.booleans(),
    )
    def test_variants_normalise_to_the_number(
        self, number: str, prefix: str, cuts: list[int], separator: str, full_width: bool
    ) -> None:
        body = number
        for cut in sorted(set(cuts), reverse=True):
            body = body[:cut] + separator + body[cut:]
        if full_width:
            body = "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in body)
        assert normalize_phone(prefix + body) == number

    @NO_DB
    @given(mobiles | st.text(max_size=20))
    def test_idempotent(self, raw: str) -> None:
        try:
            once = normalize_phone(raw)
        except PhoneError:
            return
        assert normalize_phone(once) == once
        assert len(once) == 11


class TestMaskPhone:
    @pytest.mark.parametrize(
        ("number", "expected"),
        [
            ("13812345678", "138****5678"),
            ("073184567890", "073*******90"),
            ("123456", "123*56"),
            ("12345", "*****"),
            ("", ""),
            (None, ""),
        ],
    )
    def test_examples(self, number: str | None, expected: str) -> None:
        assert mask_phone(number) == expected

    @NO_DB
    @given(mobiles)
    def test_mobile_mask_keeps_length_and_7_digits(self, number: str) -> None:
        masked = mask_phone(number)
        assert len(masked) == 11
        assert masked[3:7] == "****"
        assert masked[:3] + masked[7:] == number[:3] + number[7:]
