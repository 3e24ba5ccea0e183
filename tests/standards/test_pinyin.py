"""Tests for rencai.standards.pinyin."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rencai.standards.pinyin import SURNAME_READINGS, initials

NO_DB = settings(database=None, deadline=None)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", "zs"),
        ("单雄信", "sxx"),
        ("曾国藩", "zgf"),
        ("解缙", "xj"),
        ("仇英", "qy"),
        ("区寄", "oj"),
        ("查良镛", "zly"),
        ("朴槿惠", "pjh"),
        ("乐嘉", "yj"),
        ("覃振", "qz"),
        ("翟天临", "ztl"),
        ("缪可", "mk"),
        ("尉迟恭", "ycg"),
        ("尉缭", "wl"),
        ("万俟卨", "mqx"),
        ("长孙无忌", "zswj"),
        ("单于洋", "syy"),
        ("阿依古丽·买买提", "ayglmmt"),
        ("阿依古丽•买买提", "ayglmmt"),
        ("张 三", "zs"),
        ("ＺＨＡＮＧ三", "zhangs"),
        ("John Smith", "johnsmith"),
        ("李4", "l4"),
        ("", ""),
        (None, ""),
    ],
)
def test_examples(name: str | None, expected: str) -> None:
    assert initials(name) == expected


def test_surname_only_fixed_at_first_position() -> None:
    # 曾 inside a given name keeps pypinyin's reading; only the surname is fixed.
    assert initials("曾曾")[0] == "z"
    assert initials("单") == "s"


def test_surname_table_readings_are_plain_ascii() -> None:
    for surname, readings in SURNAME_READINGS.items():
        assert 1 <= len(surname) <= 2
        assert len(readings) == len(surname)
        assert all(reading.isascii() and reading.isalpha() for reading in readings)


@NO_DB
@given(st.text(alphabet=st.sampled_from(list("张三李四单曾尉迟·• ab1ＡＢ"))) | st.text())
def test_output_is_lowercase_ascii_alphanumeric(name: str) -> None:
    result = initials(name)
    assert result == result.lower()
    assert all(char.isascii() and char.isalnum() for char in result)
