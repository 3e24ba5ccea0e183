"""Resident identity card numbers (公民身份号码), GB 11643-1999.

An 18-character number is 6 address digits (GB/T 2260 county code at the time
of issue), 8 birth-date digits (YYYYMMDD), a 3-digit sequence whose last digit
is odd for men and even for women, and an ISO 7064 MOD 11-2 check character
(``0``-``9`` or ``X``).  Legacy 15-digit numbers (GB 11643-1989) have a 6-digit
date (YYMMDD, always 19YY) and no check character; they are upgraded here.

Deliberate choices, see ``/work/shared/reference/standards.md`` sections 3 and 6:

* Parsing checks the address code at province level only, and an unknown
  province is a *warning*, not an error: abolished county codes are legitimate
  for life, and libraries that validate against a full table (``stdnum.cn.ric``)
  reject real numbers, including the standard's own Annex-A example and the
  81/82/83 residence permits for Hong Kong, Macao and Taiwan residents.
  :func:`region_warnings` adds the county-level check against stdnum's table
  with validity years -- as warnings only, shared by the import engine and the
  person form.
* A number that Excel stored as a float (``4.30124E+17``) has permanently lost
  its last digits.  It is rejected with a message telling the office how to
  fix the sheet -- it is never "repaired".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache
from operator import mul

from .text import StandardError, clip, fold

__all__ = [
    "CHECK_CHARS",
    "PROVINCE_CODES",
    "WEIGHTS",
    "IdNumber",
    "IdNumberError",
    "check_digit",
    "is_id_number",
    "mask_birth_date",
    "mask_id_number",
    "parse_id_number",
    "region_warnings",
]

#: Weights 2^(18-i) mod 11 for positions 1..17 (GB 11643-1999, clause 7).
WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

#: Check character indexed by (weighted sum mod 11).
CHECK_CHARS = "10X98765432"
_ZEROS = ord("0") * sum(WEIGHTS)

#: First two digits of a valid address code: the 31 mainland provinces,
#: 71 Taiwan, and 81/82/83 used by residence permits for residents of Hong
#: Kong, Macao and Taiwan (810000 / 820000 / 830000).
PROVINCE_CODES: frozenset[str] = frozenset(
    {
        *("11", "12", "13", "14", "15"),
        *("21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46"),
        *("50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65"),
        *("71", "81", "82", "83"),
    }
)

#: Earliest birth date accepted.  Older dates in a talent register are
#: typing errors (the Annex-A example 440524188001010014 is 1880).
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

EXCEL_NUMBER_MESSAGE = "身份证号被 Excel 存成了数字，后几位已经丢失；请将该列设为文本格式后重新粘贴"

# Excel's scientific display: "4.30124E+17", "4.3012419850315e+17", and
# "4,30124E+17" in comma-decimal locales.  One digit before the point.
_SCIENTIFIC = re.compile(r"[0-9](?:[.,][0-9]*)? ?[eE] ?\+? ?[0-9]{1,3}")
# Hyphen-minus and the dash look-alikes that NFKC leaves alone.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]")
_ALLOWED = re.compile(r"[0-9X]*")
_CANONICAL = re.compile(r"[0-9]{17}[0-9X]")


class IdNumberError(StandardError):
    """An identity number that cannot be accepted; ``message`` says why."""


@dataclass(frozen=True)
class IdNumber:
    """A validated identity number and the facts encoded in it."""

    number: str
    """The 18-character number, upper-case ``X``."""
    birth_date: datetime.date
    gender: str
    """GB/T 2261.1 code: ``'1'`` male (17th digit odd), ``'2'`` female (even)."""
    region: str
    """The first 6 digits (GB/T 2260 county code at the time of issue)."""
    upgraded: bool = False
    """True when the input was a legacy 15-digit number."""
    warnings: tuple[str, ...] = ()
    """Non-fatal remarks to show the user, e.g. an unknown region code."""

    def __str__(self) -> str:
        return self.number


def check_digit(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character for 17 ASCII digits.

    Raises :class:`IdNumberError` if ``first17`` is not exactly 17 digits,
    because a silently wrong check character would let a bad number through.
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise IdNumberError(
            f"计算校验位需要17位数字，实际为「{first17}」",
            kind="check_input",
        )
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _clean(raw: str | int | float | None) -> str:
    """Fold the input and drop separators, or raise for Excel floats."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raise IdNumberError("身份证号格式不正确", kind="chars")
    if isinstance(raw, int | float):
        raise IdNumberError(EXCEL_NUMBER_MESSAGE, kind="excel_number")
    text = fold(raw)
    if _SCIENTIFIC.fullmatch(text):
        raise IdNumberError(EXCEL_NUMBER_MESSAGE, kind="excel_number")
    return _SEPARATORS.sub("", text)


def _canonical(raw: str | int | float | None) -> str:
    """18 (or 15) upper-case characters, or the reason the input is not an ID number."""
    text = _clean(raw)
    if not text:
        raise IdNumberError("身份证号不能为空", kind="empty")
    if not _ALLOWED.fullmatch(text.upper()):
        bad = "".join(dict.fromkeys(char for char in text if char not in "0123456789Xx"))
        raise IdNumberError(
            f"身份证号只能包含数字和末位的X，发现非法字符「{clip(bad)}」",
            kind="chars",
        )
    text = text.upper()
    if len(text) not in (15, 18):
        raise IdNumberError(
            f"身份证号应为18位（或15位旧号），实际为{len(text)}位",
            kind="length",
        )
    if "X" in text[:-1] or (len(text) == 15 and "X" in text):
        raise IdNumberError("身份证号中的X只能出现在18位号码的最后一位", kind="chars")
    return text


def _check_char(first17: str) -> str:
    """check_digit for 17 characters already known to be ASCII digits (an import checks
    hundreds of thousands): the weighted sum over the bytes, less the weighted "0"s."""
    return CHECK_CHARS[(sum(map(mul, first17.encode(), WEIGHTS)) - _ZEROS) % 11]


def parse_id_number(
    raw: str | int | float | None, *, today: datetime.date | None = None
) -> IdNumber:
    """Validate an identity number and return what it encodes.

    Accepts full-width characters, lower-case ``x``, spaces and dashes.  A
    15-digit legacy number is upgraded to 18 digits (``upgraded=True``).
    ``today`` bounds the birth date and exists so tests can pin the clock.

    Raises :class:`IdNumberError` with a specific Chinese message for: numbers
    Excel stored as floats, empty input, illegal characters, wrong length,
    misplaced ``X``, impossible or out-of-range birth dates, and a wrong
    check character.  An unknown province code is only a warning.
    """
    if raw.__class__ is str and len(raw) == 18 and _CANONICAL.fullmatch(raw):
        text = raw  # the common case: nothing to fold, strip or upper-case
    else:
        text = _canonical(raw)

    upgraded = len(text) == 15
    first17 = text[:6] + "19" + text[6:] if upgraded else text[:17]

    birth_date = _birth_date(first17[6:14], today or datetime.date.today())

    expected = _check_char(first17)
    if upgraded:
        number = first17 + expected
    else:
        number = text
        if text[17] != expected:
            raise IdNumberError(
                f"身份证号校验位错误：应为 {expected}，实际为 {text[17]}",
                kind="check_digit",
            )

    region = number[:6]
    warnings: tuple[str, ...] = ()
    if region[:2] not in PROVINCE_CODES:
        warnings = (f"身份证号地区码 {region} 不在行政区划表中，请核对",)

    return IdNumber(
        number=number,
        birth_date=birth_date,
        gender="1" if number[16] in "13579" else "2",
        region=region,
        upgraded=upgraded,
        warnings=warnings,
    )


@lru_cache(maxsize=65_536)  # people share birthdays: an import meets each date many times
def _birth_date(digits: str, today: datetime.date) -> datetime.date:
    """Turn the 8 date digits into a date within [1900-01-01, today]."""
    try:
        value = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise IdNumberError(f"出生日期 {digits} 不是有效日期", kind="birth_date") from None
    if value > today:
        raise IdNumberError(f"出生日期 {digits} 晚于今天，请核对身份证号", kind="birth_date")
    if value < EARLIEST_BIRTH_DATE:
        raise IdNumberError(
            f"出生日期 {digits} 早于1900年1月1日，请核对身份证号", kind="birth_date"
        )
    return value


#: Province codes whose numbers carry no county: residence permits (810000 …) and 台湾省 (710000).
_NO_COUNTY = frozenset({"71", "81", "82", "83"})


def region_warnings(parsed: IdNumber) -> tuple[str, ...]:
    """Every warning about ``parsed``'s address code, the one check the import engine and the
    person form share: ``parsed.warnings`` (an unknown province), plus a county code that is in
    no edition of GB/T 2260, or that was abolished before the holder was born — checked against
    the county table with validity years that python-stdnum maintains (``stdnum.cn.ric``'s
    ``cn/loc`` data). Never an error: the code is the one at the time of issue and stays for
    life. A code created after the birth year is not flagged: numbers were first issued from
    1984 on, under the codes of that time, to people born long before."""
    if parsed.warnings or parsed.region[:2] in _NO_COUNTY:
        return parsed.warnings
    message = _county_problem(parsed.region, parsed.birth_date.year)
    return (message,) if message else ()


@lru_cache(maxsize=65_536)
def _county_problem(region: str, year: int) -> str | None:
    from stdnum import numdb

    counties = ""
    for _part, props in numdb.get("cn/loc").info(region):
        counties = props.get("county", counties)
    if not counties:
        return f"身份证号地区码 {region} 不是有效的县级行政区划代码，请核对"
    ends = []
    for county in counties.split(","):
        if not county.startswith("["):
            return None
        span, _name = county[1:].split("]", 1)
        end = span.partition("-")[2]
        if not end or year <= int(end):
            return None
        ends.append(end)
    return f"身份证号地区码 {region} 在 {max(ends)} 年后已停用，而出生年份为 {year} 年，请核对"


def is_id_number(raw: str | int | float | None) -> bool:
    """Return True if :func:`parse_id_number` accepts ``raw`` (warnings allowed)."""
    try:
        parse_id_number(raw)
    except IdNumberError:
        return False
    return True


def mask_id_number(number: str | None) -> str:
    """Hide an identity number for lists, exports, messages and the audit log.

    18 characters keep the first 4 (province and city) and the check character only, e.g.
    ``4301*************X``.  Why so few: a user without the reveal permission also sees the
    person's county (the first 6 digits, in practice), birth year and month and gender, so
    the unknowns are the day (28-31), the sequence digits 15-16 (100) and digit 17 (5 of
    one parity) -- about 15,000 numbers, of which the shown check character leaves ~1,400.
    Keeping digit 17 as well would leave ~270; keeping the old 4 + 4 left 3 or 4, and a
    full birth date next to it left one (see docs/design.md, "Masking").  Other lengths keep
    the first 2 and the last character; strings of 4 or fewer are fully starred.
    """
    if not number:
        return ""
    text = number.strip()
    size = len(text)
    if size == 18:
        return text[:4] + "*" * 13 + text[-1:]
    if size <= 4:
        return "*" * size
    return text[:2] + "*" * (size - 3) + text[-1:]


def mask_birth_date(value: datetime.date | str | None) -> str:
    """A birth date as its year and month, ``1985-03``: what a user without the reveal
    permission sees instead of the date (the day narrows an ID number 30-fold).  Accepts a
    date or an ISO string (the audit log keeps dates as strings); idempotent."""
    if not value:
        return ""
    text = value.isoformat() if isinstance(value, datetime.date) else str(value).strip()
    return text[:7]
