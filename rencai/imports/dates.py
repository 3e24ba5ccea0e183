"""Dates as they arrive in office spreadsheets (standards.md §6.3).

One 出生年月 column can hold real date cells, bare Excel serials (``31107``), text such as
``1985-03-12``, ``1985.3``, ``1985年3月``, ``198503``, two-digit expert-form months (``85.03``,
``6405``), and numbers typed as ``1985.10`` that Excel stored as ``1985.1``.
:func:`parse_date` turns all of them into a :class:`ParsedDate` with a precision flag::

    parse_date("1985年3月12日")   # ParsedDate(1985, 3, 12, "day", ambiguous=False)
    parse_date(1985.1)            # ParsedDate(1985, 1, None, "month", ambiguous=True)
    parse_date(31107)             # ParsedDate(1985, 3, 1, "day", ambiguous=False)

Pure Python (no Django) and built for 200,000-row imports: every pattern is compiled once, the
common ``YYYY-MM-DD`` text takes a fast path that needs no regular expression, and ASCII text
skips Unicode normalisation.

Pass the raw cell value, not its display text: ``1985.1`` as a float is flagged ambiguous (it may
have been typed ``1985.10``), while the *string* ``"1985.1"`` means January, as typed.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "DAY",
    "MAX_YEAR",
    "MIN_YEAR",
    "MONTH",
    "YEAR",
    "DateError",
    "ParsedDate",
    "excel_serial_of",
    "parse_date",
]

DAY = "day"
MONTH = "month"
YEAR = "year"

#: Accepted year range, inclusive.
MIN_YEAR = 1900
MAX_YEAR = 2100

#: Excel's 1900 date system: serial 1 is 1900-01-01, and serial 60 is the non-existent 1900-02-29
#: that Lotus 1-2-3 invented.  From 61 on, ``date = EPOCH + serial``.
_EPOCH = datetime.date(1899, 12, 30)
_EPOCH_BEFORE_BUG = datetime.date(1899, 12, 31)
_LEAP_BUG_SERIAL = 60
#: Serial of 2100-12-31, the last date in range.
_MAX_SERIAL = (datetime.date(MAX_YEAR, 12, 31) - _EPOCH).days

_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

#: Characters NFKC leaves alone but that copy-and-paste puts into cells: zero-width space,
#: (non-)joiners, BOM, word joiner, soft hyphen, direction marks, Mongolian vowel separator.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u2060\u00ad\u200e\u200f\u180e"))

_HINT = "请写成 1985-03-12 或 1985年3月12日"
_QUOTE_LIMIT = 30

# A time of day after a full date: "1985-03-12 00:00:00", "1985-03-12T08:30:00.5+08:00".
_TIME = (
    r"(?:(?:\s+|T)(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,9})?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)

#: ``YYYY-MM-DD``, ``YYYY/M/D``, ``YYYY.M.D`` (one separator throughout), optional time of day;
#: or ``YYYY-MM``, ``YYYY.M``, ``YY.MM``, ``YY-M`` (month precision).
_SEPARATED = re.compile(
    r"([0-9]{4}|[0-9]{2})\s*([-/.])\s*([0-9]{1,2})(?:\s*\2\s*([0-9]{1,2})" + _TIME + r")?"
)
#: ``1985年``, ``1985年3月``, ``1985年3月12日`` (``号`` or nothing for ``日``), ``85年3月``.
_CHINESE = re.compile(
    r"([0-9]{4}|[0-9]{2})\s*年(?:\s*([0-9]{1,2})\s*月(?:\s*([0-9]{1,2})\s*[日号]?)?)?"
)
#: A serial written as text, possibly with the time fraction: ``31107``, ``31107.5``.
_SERIAL_TEXT = re.compile(r"[0-9]{5}(?:\.[0-9]+)?")


class DateError(ValueError):
    """A value that is not a usable date.

    :attr:`message` is Simplified Chinese and can be shown to office staff as is;
    ``str(error) == error.message``.  :attr:`kind` is a machine-readable tag for import reports:
    ``"format"`` (unrecognised), ``"month"``, ``"day"``, ``"year"`` (out of range) or
    ``"serial"`` (a bad Excel serial).
    """

    def __init__(self, message: str, kind: str = "format") -> None:
        super().__init__(message, kind)
        self.message = message
        self.kind = kind

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date as precise as the sheet gave it.

    ``month`` is ``None`` when only a year was given and ``day`` is ``None`` unless the precision
    is ``"day"``.  ``ambiguous`` is set for a year.month *number* whose month has one digit:
    Excel stores ``1985.10`` as ``1985.1``, so that value may mean October.
    """

    year: int
    month: int | None
    day: int | None
    precision: str
    ambiguous: bool = False

    def as_date(self) -> datetime.date:
        """The date itself, the 1st of the month, or 1 January, according to the precision."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def isoformat(self) -> str:
        """``1985-03-12``, ``1985-03`` or ``1985``, according to the precision."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.isoformat()


def parse_date(
    value: str | int | float | datetime.date | datetime.datetime | None,
    *,
    excel_serial: bool = True,
) -> ParsedDate | None:
    """Read one spreadsheet cell as a date; ``None`` for an empty cell.

    * ``datetime`` / ``date`` objects: day precision.
    * Numbers: ``19850312`` (day), ``198503`` (month), ``1985`` (year), a year.month number
      ``1985.03`` (month; ``1985.1`` is flagged ambiguous), otherwise an Excel serial
      (``31107`` → 1985-03-01; a fraction is the time of day and is dropped).  With
      ``excel_serial=False`` serials are refused, and a three- or four-digit number that is not
      a year is read as ``YYMM`` like the text ``"6405"`` (Excel drops the 0 of ``0503``).
    * Text (full-width digits welcome): ``1985-03-12``, ``1985/3/12``, ``1985.3.12``,
      ``1985年3月12日``, ``19850312``, ``1985-03-12 00:00:00``; ``1985.03``, ``1985-3``,
      ``1985年3月``, ``198503``, ``85.03``, ``6405`` (two-digit years are 19YY); ``1985年``,
      ``1985``; and a five-digit serial such as ``"31107"`` when ``excel_serial`` is true.

    Raises :class:`DateError` for anything else, an impossible month or day, or a year outside
    1900–2100.
    """
    kind = type(value)
    if kind is str:
        return _parse_text(value, excel_serial)  # type: ignore[arg-type]
    if value is None:
        return None
    if kind is float:
        return _parse_float(value, excel_serial)  # type: ignore[arg-type]
    if kind is int:
        return _parse_int(value, excel_serial, value)  # type: ignore[arg-type]
    if isinstance(value, datetime.date):  # datetime.datetime is a subclass
        return _day(value.year, value.month, value.day, value)
    if isinstance(value, bool):
        raise _unrecognised(value)
    if isinstance(value, str):
        return _parse_text(str(value), excel_serial)
    if isinstance(value, numbers.Integral):
        return _parse_int(int(value), excel_serial, value)
    if isinstance(value, numbers.Real):
        return _parse_float(float(value), excel_serial)
    if isinstance(value, numbers.Number):
        # Decimal keeps what was typed: Decimal("1985.10") reads as the text "1985.10".
        return _parse_text(str(value), excel_serial)
    raise _unrecognised(value)


def excel_serial_of(day: datetime.date) -> int:
    """The Excel (1900 date system) serial of ``day``, counting the phantom 1900-02-29."""
    if day < datetime.date(1900, 3, 1):
        return (day - _EPOCH_BEFORE_BUG).days
    return (day - _EPOCH).days


# --------------------------------------------------------------------------- text


def _parse_text(raw: str, excel_serial: bool) -> ParsedDate | None:
    text = raw
    if not text.isascii():
        match = _CHINESE.fullmatch(text.strip())
        if match is not None:  # "1985年3月12日" typed with ASCII digits: no need for NFKC.
            return _from_chinese(match, raw)
        text = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).translate(_INVISIBLE)
        if not text.isascii():
            # Letters NFKC cannot fold are fine only as 年, 月, 日, 号 or whitespace.
            text = text.strip()
            if not text:
                return None
            match = _CHINESE.fullmatch(text)
            if match is None:
                raise _unrecognised(raw)
            return _from_chinese(match, raw)
    text = text.strip()
    size = len(text)
    if size == 10 and text[4] == "-" and text[7] == "-":
        # Fast path: ISO "1985-03-12".
        y, m, d = text[:4], text[5:7], text[8:]
        if y.isdigit() and m.isdigit() and d.isdigit():
            return _day(int(y), int(m), int(d), raw)
    if not size:
        return None
    if text.isdigit():
        return _parse_digits(text, excel_serial, raw)
    match = _SEPARATED.fullmatch(text)
    if match is not None:
        y, _, m, d = match.groups()
        if d is not None:
            if len(y) == 2:
                raise _unrecognised(raw)
            return _day(int(y), int(m), int(d), raw)
        year = int(y) + 1900 if len(y) == 2 else int(y)
        return _month(year, int(m), raw)
    if excel_serial and _SERIAL_TEXT.fullmatch(text):
        return _serial(int(float(text)), raw)
    raise _unrecognised(raw)


def _from_chinese(match: re.Match[str], raw: str) -> ParsedDate:
    y, m, d = match.groups()
    if len(y) == 2:
        if m is None or d is not None:
            # "85年" or "85年3月12日": a two-digit year is only accepted to the month, as in
            # expert forms ("85年3月").
            raise _unrecognised(raw)
        return _month(int(y) + 1900, int(m), raw)
    if m is None:
        return _year(int(y), raw)
    if d is None:
        return _month(int(y), int(m), raw)
    return _day(int(y), int(m), int(d), raw)


def _parse_digits(text: str, excel_serial: bool, raw: str) -> ParsedDate:
    size = len(text)
    if size == 8:
        return _day(int(text[:4]), int(text[4:6]), int(text[6:]), raw)
    if size == 6:
        return _month(int(text[:4]), int(text[4:]), raw)
    if size == 4:
        number = int(text)
        if MIN_YEAR <= number <= MAX_YEAR:
            return _year(number, raw)
        return _yymm(number, raw)
    if size == 5 and excel_serial:
        return _serial(int(text), raw)
    raise _unrecognised(raw)


# --------------------------------------------------------------------------- numbers


def _parse_int(number: int, excel_serial: bool, raw: object) -> ParsedDate:
    if 10_000_000 <= number <= 99_999_999:
        return _day(number // 10_000, number // 100 % 100, number % 100, raw)
    if 100_000 <= number <= 999_999:
        return _month(number // 100, number % 100, raw)
    if MIN_YEAR <= number <= MAX_YEAR:
        return _year(number, raw)
    if excel_serial:
        return _serial(number, raw)
    if 100 <= number <= 9999:
        # Without serials a number is read as typed; Excel drops the leading zero of "0503".
        return _yymm(number, raw)
    raise _unrecognised(raw)


def _yymm(number: int, raw: object) -> ParsedDate:
    """Four digits that are not a year 1900–2100: ``6405`` is 1964-05 (毕业时间填至月，如6405)."""
    month = number % 100
    if not 1 <= month <= 12 and 1000 <= number <= 2999:
        raise _year_error(number, raw)  # "1899", "2150": a year out of range, not a month
    return _month(1900 + number // 100, month, raw)


def _parse_float(number: float, excel_serial: bool) -> ParsedDate:
    if not math.isfinite(number):
        raise _unrecognised(repr(number))
    if number.is_integer():
        whole = int(number)
        return _parse_int(whole, excel_serial, whole if abs(whole) < 10**15 else number)
    raw = repr(number)
    if MIN_YEAR <= number < MAX_YEAR + 1:
        # A year.month number: repr() is the shortest text that round-trips, i.e. what was typed
        # less any trailing zero.
        fraction = raw.partition(".")[2]
        if len(fraction) > 2 or not fraction.isdigit():
            raise _unrecognised(raw)
        parsed = _month(int(number), int(fraction), raw)
        if len(fraction) == 1:
            # Maybe typed with a trailing zero that Excel dropped: 1985.10 is stored as 1985.1.
            key = parsed.year * 100 + parsed.month  # type: ignore[operator]
            ambiguous = _AMBIGUOUS.get(key)
            if ambiguous is None:
                ambiguous = _AMBIGUOUS[key] = ParsedDate(
                    parsed.year, parsed.month, None, MONTH, True
                )
            return ambiguous
        return parsed
    if excel_serial and number > 0:
        # The fraction is the time of day.
        return _serial(int(number), raw)
    raise _unrecognised(raw)


def _serial(serial: int, raw: object) -> ParsedDate:
    if serial == _LEAP_BUG_SERIAL:
        raise DateError("1900年2月29日不存在", "day")
    if not 1 <= serial <= _MAX_SERIAL:
        raise DateError(
            f"数字“{_clip(raw)}”不是 {MIN_YEAR}–{MAX_YEAR} 年之间的 Excel 日期，{_HINT}", "serial"
        )
    if serial < _LEAP_BUG_SERIAL:
        day = _EPOCH_BEFORE_BUG + datetime.timedelta(days=serial)
    else:
        day = _EPOCH + datetime.timedelta(days=serial)
    return _day(day.year, day.month, day.day, raw)


# --------------------------------------------------------------------------- validation

#: Every valid, non-ambiguous result, one table per precision, keyed by YYYY, YYYYMM or YYYYMMDD.
#: ParsedDate is immutable, so one instance per value can be shared: building a frozen dataclass
#: costs more than parsing the text, and a register holds far fewer distinct dates than rows.
#: Year and month are checked before the look-up and parsed days never exceed 99, so a key names
#: exactly one date; only valid values are stored, so the tables stay bounded (201 years,
#: 2,412 months, 73,414 days).
_YEARS: dict[int, ParsedDate] = {}
_MONTHS: dict[int, ParsedDate] = {}
_DAYS: dict[int, ParsedDate] = {}
#: The ambiguous twin of each month in :data:`_MONTHS`.
_AMBIGUOUS: dict[int, ParsedDate] = {}


def _year(year: int, raw: object) -> ParsedDate:
    parsed = _YEARS.get(year)
    if parsed is None:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise _year_error(year, raw)
        parsed = _YEARS[year] = ParsedDate(year, None, None, YEAR, False)
    return parsed


def _month(year: int, month: int, raw: object) -> ParsedDate:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _year_error(year, raw)
    if not 1 <= month <= 12:
        raise _month_error(month, raw)
    key = year * 100 + month
    parsed = _MONTHS.get(key)
    if parsed is None:
        parsed = _MONTHS[key] = ParsedDate(year, month, None, MONTH, False)
    return parsed


def _day(year: int, month: int, day: int, raw: object) -> ParsedDate:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _year_error(year, raw)
    if not 1 <= month <= 12:
        raise _month_error(month, raw)
    key = year * 10_000 + month * 100 + day
    parsed = _DAYS.get(key)
    if parsed is None:
        if not 1 <= day <= _DAYS_IN_MONTH[month] and not (
            month == 2 and day == 29 and year % 4 == 0 and (year % 100 or year % 400 == 0)
        ):
            raise DateError(f"日期 {year:04d}-{month:02d}-{day:02d} 不存在", "day")
        parsed = _DAYS[key] = ParsedDate(year, month, day, DAY, False)
    return parsed


def _clip(raw: object) -> str:
    """The offending value as quoted in a message, cut to a readable length."""
    if isinstance(raw, str):
        text = raw.strip()
    elif isinstance(raw, datetime.date):
        text = raw.isoformat()
    else:
        try:
            text = str(raw)
        except ValueError:  # an int past sys.get_int_max_str_digits()
            text = "（超长数字）"
    return text if len(text) <= _QUOTE_LIMIT else text[:_QUOTE_LIMIT] + "…"


def _unrecognised(raw: object) -> DateError:
    return DateError(f"无法识别的日期“{_clip(raw)}”，{_HINT}")


def _year_error(year: int, raw: object) -> DateError:
    return DateError(f"日期“{_clip(raw)}”的年份 {year} 不在 {MIN_YEAR}–{MAX_YEAR} 之间", "year")


def _month_error(month: int, raw: object) -> DateError:
    return DateError(f"日期“{_clip(raw)}”的月份 {month} 不在 1–12 之间", "month")
