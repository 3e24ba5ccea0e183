from rencai.standards.masking import mask_numbers
from tests.conftest import make_id

ID = make_id("19850312", 11)


def test_id_numbers_and_mobiles_are_masked_where_they_stand():
    text = f"身份证{ID}，电话13812345678。"
    assert (
        mask_numbers(text, min_run=None) == f"身份证{ID[:4]}{'*' * 13}{ID[-1]}，电话138****5678。"
    )


def test_other_runs_are_masked_from_min_run_on():
    mistyped = ID[:17]  # a digit short
    assert mistyped not in mask_numbers(f"号码 {mistyped}", min_run=14)
    assert mask_numbers("区划代码 433130000000", min_run=14) == "区划代码 433130000000"
    assert mask_numbers("区划代码 433130000000", min_run=None) == "区划代码 433130000000"
    assert "4331300" not in mask_numbers("q=4331300", min_run=7)


def test_runs_inside_words_and_masked_text_are_left_alone():
    digest = "ab12345678901234567890cd"
    assert mask_numbers(digest, min_run=7) == digest
    masked = mask_numbers(ID, min_run=7)
    assert mask_numbers(masked, min_run=7) == masked
