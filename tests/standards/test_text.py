"""Tests for rencai.standards.text: folding and name normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rencai.standards.text import (
    NAME_DOT,
    NAME_MAX_LENGTH,
    StandardError,
    clip,
    fold,
    is_cjk,
    normalize_name,
)

NO_DB = settings(database=None, deadline=None)


class TestStandardError:
    def test_is_value_error_with_message(self) -> None:
        error = StandardError("姓名不能为空")
        assert isinstance(error, ValueError)
        assert error.message == "姓名不能为空"
        assert str(error) == "姓名不能为空"
        assert error.kind == ""

    def test_kind_is_optional_tag(self) -> None:
        assert StandardError("x", kind="empty").kind == "empty"


class TestFold:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("４３０１２４", "430124"),
            ("ＡＢＣ ｘ", "ABC x"),
            ("张\u3000三", "张 三"),
            ("a\xa0b", "a b"),
            ("  a \t\n b  ", "a b"),
            ("\ufeff张三", "张三"),
            ("张\u200b三\u200c\u200d\u2060", "张三"),
            ("（１）", "(1)"),
            ("", ""),
        ],
    )
    def test_examples(self, raw: str, expected: str) -> None:
        assert fold(raw) == expected

    def test_none_is_empty(self) -> None:
        assert fold(None) == ""

    def test_non_string_is_converted(self) -> None:
        assert fold(12) == "12"  # type: ignore[arg-type]

    @NO_DB
    @given(st.text())
    def test_idempotent(self, raw: str) -> None:
        assert fold(fold(raw)) == fold(raw)

    @NO_DB
    @given(st.text())
    def test_no_edge_or_double_spaces(self, raw: str) -> None:
        folded = fold(raw)
        assert folded == folded.strip()
        assert "  " not in folded
        assert "\u200b" not in folded and "\ufeff" not in folded


class TestNormalizeName:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("张三", "张三"),
            (" 张 三 ", "张三"),
            ("张\u3000\u3000三", "张三"),
            ("欧阳 娜 娜", "欧阳娜娜"),
            ("阿依古丽·买买提", "阿依古丽·买买提"),
            ("阿依古丽•买买提", "阿依古丽·买买提"),
            ("阿依古丽‧买买提", "阿依古丽·买买提"),
            ("阿依古丽∙买买提", "阿依古丽·买买提"),
            ("阿依古丽⋅买买提", "阿依古丽·买买提"),
            ("阿依古丽・买买提", "阿依古丽·买买提"),
            ("阿依古丽･买买提", "阿依古丽·买买提"),
            ("阿依古丽 · 买买提", "阿依古丽·买买提"),
            ("阿依古丽.买买提", "阿依古丽·买买提"),
            ("阿依古丽．买买提", "阿依古丽·买买提"),
            ("阿依古丽··买买提", "阿依古丽·买买提"),
            ("买买提. .艾力.", "买买提·艾力"),
            ("John.张", "John·张"),
            ("·张三·", "张三"),
            ("John  Smith", "John Smith"),
            ("Ｊｏｈｎ　Ｓｍｉｔｈ", "John Smith"),
            ("J. K. Rowling", "J. K. Rowling"),
            ("Mary • Smith", "Mary·Smith"),
            ("\u200b王五\ufeff", "王五"),
        ],
    )
    def test_examples(self, raw: str, expected: str) -> None:
        assert normalize_name(raw) == expected

    @pytest.mark.parametrize("raw", ["", "   ", "\u3000", "\u200b", "··", None])
    def test_empty(self, raw: str | None) -> None:
        with pytest.raises(StandardError) as info:
            normalize_name(raw)
        assert info.value.message == "姓名不能为空"

    @pytest.mark.parametrize(("raw", "shown"), [("--", "--"), ("123", "123"), (". .", ". .")])
    def test_no_letters(self, raw: str, shown: str) -> None:
        with pytest.raises(StandardError) as info:
            normalize_name(raw)
        assert info.value.message == f"姓名「{shown}」中没有文字，请核对"
        assert info.value.kind == "no_letters"

    def test_too_long(self) -> None:
        assert normalize_name("张" * NAME_MAX_LENGTH) == "张" * NAME_MAX_LENGTH
        with pytest.raises(StandardError) as info:
            normalize_name("张" * (NAME_MAX_LENGTH + 1))
        assert info.value.message == "姓名过长：共51个字符，最多50个字符"

    @NO_DB
    @given(
        st.text(
            alphabet=st.sampled_from(
                list("张三李四阿依古丽买买提abcXYZ .．·•‧∙⋅・･\u3000\xa0\u200b\ufeff\t")
            )
        )
        | st.text()
    )
    def test_idempotent(self, raw: str) -> None:
        try:
            once = normalize_name(raw)
        except StandardError:
            return
        assert normalize_name(once) == once
        assert once == fold(once)

    @NO_DB
    @given(st.text(alphabet=st.sampled_from(list("张三阿依古丽买买提 ·•・.\u3000"))))
    def test_chinese_names_have_no_spaces_or_stray_dots(self, raw: str) -> None:
        try:
            name = normalize_name(raw)
        except StandardError:
            return
        assert " " not in name
        assert not name.startswith(NAME_DOT) and not name.endswith(NAME_DOT)
        assert NAME_DOT * 2 not in name


def test_is_cjk() -> None:
    assert is_cjk("张")
    assert is_cjk("〇")
    assert is_cjk("\U00020000")
    assert not is_cjk("a")
    assert not is_cjk("·")


def test_clip() -> None:
    assert clip("abc") == "abc"
    assert clip("a" * 25) == "a" * 20 + "…"
