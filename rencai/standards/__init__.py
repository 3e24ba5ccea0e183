"""Chinese national data standards the talent register validates against.

Pure Python (no Django), so importers, management commands, forms and tests
share one implementation of each rule:

* :mod:`.text` -- :func:`fold` (NFKC, zero-width and odd-space cleanup) and
  :func:`normalize_name`; :class:`StandardError`, the base of every error.
* :mod:`.idnumber` -- GB 11643-1999 identity numbers, including 15-digit
  upgrade, Excel-float detection and masking.
* :mod:`.phone` -- mainland mobile numbers.
* :mod:`.codes` -- GB/T code tables (性别, 民族, 政治面貌, 学历, 学位, 职称级别,
  技能等级, 婚姻状况) that resolve codes, labels and colloquial aliases.
* :mod:`.pinyin` -- pinyin initials for name search, with surname readings.

Every error is a :class:`StandardError` (a :class:`ValueError`) whose
``message`` is Simplified Chinese and can be shown to office staff as is.
"""

from .codes import (
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
from .idnumber import (
    IdNumber,
    IdNumberError,
    check_digit,
    is_id_number,
    mask_id_number,
    parse_id_number,
)
from .phone import PhoneError, mask_phone, normalize_phone
from .pinyin import initials
from .text import StandardError, fold, normalize_name

__all__ = [
    "DEGREE",
    "EDUCATION",
    "EDUCATION_GROUPS",
    "ETHNICITY",
    "GENDER",
    "MARITAL_STATUS",
    "POLITICAL_STATUS",
    "SKILL_LEVEL",
    "TABLES",
    "TITLE_LEVEL",
    "Code",
    "CodeError",
    "CodeTable",
    "IdNumber",
    "IdNumberError",
    "PhoneError",
    "StandardError",
    "check_digit",
    "education_group",
    "education_groups_codes",
    "fold",
    "initials",
    "is_id_number",
    "mask_id_number",
    "mask_phone",
    "normalize_name",
    "normalize_phone",
    "parse_id_number",
]
