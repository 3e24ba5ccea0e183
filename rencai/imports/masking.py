"""Hiding ID numbers and phones in a workbook of rows as offices typed them (the 错误明细表).

Exports are masked field by field from the records; an error workbook holds raw cells instead,
some of them malformed (a 17-digit ID, a phone with a dash) and some in columns rencai does not
know. So a cell is masked by its column's header when the header names an ID number, a phone or a
birth date (shown as year and month, as exports show it), and any other text has every run of
digits long enough to be an ID or a phone masked where it stands.
"""

from collections.abc import Callable

from rencai.imports.dates import DateError, parse_date
from rencai.imports.sheets import header_key
from rencai.standards.idnumber import mask_birth_date, mask_id_number
from rencai.standards.masking import mask_numbers
from rencai.standards.phone import mask_phone

ID_HEADERS = ("身份证", "证件号", "身份号码")
PHONE_HEADERS = ("电话", "手机", "联系方式")
BIRTH_HEADERS = ("出生日期", "出生年月", "生日")
# Other runs of 14 or more digits are an ID typed with a digit too many or too few; a 12-digit
# 统计用区划代码 is left alone.
LONG_RUN = 14


def masker_for(header: str) -> Callable[[str], str]:
    """How a cell under `header` is shown to someone who may not see it whole."""
    key = header_key(header)
    if any(word in key for word in ID_HEADERS):
        return mask_id_number
    if any(word in key for word in PHONE_HEADERS):
        return mask_phone
    if any(word in key for word in BIRTH_HEADERS):
        return mask_birth
    return scrub


def mask_birth(text: str) -> str:
    """A birth date as its year and month, like an export (the day narrows an ID number
    30-fold); a cell that is no date at all is starred."""
    try:
        parsed = parse_date(text)
    except DateError:
        return "*" * len(text)
    return mask_birth_date(parsed.isoformat()) if parsed else ""


def scrub(text: str) -> str:
    """`text` with every ID number, mobile number and other run of 14+ digits masked."""
    return mask_numbers(text, min_run=LONG_RUN)
