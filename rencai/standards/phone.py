"""Mainland mobile phone numbers (手机号码).

The register keeps one contact number per person and uses it for SMS
notices, so only 11-digit mobile numbers are accepted.  Validation uses the
permissive pattern ``^1[3-9]\\d{9}$`` instead of a list of operator prefixes,
which goes stale every time a new number block is opened.
"""

from __future__ import annotations

import re

from .text import StandardError, clip, fold

__all__ = ["PhoneError", "mask_phone", "normalize_phone"]

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Spaces, dashes (ASCII and the Unicode look-alikes NFKC keeps) and brackets.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212()\[\]]")
# Country-code prefixes, longest first; stripped only if 11 digits remain.
_COUNTRY_PREFIXES = ("+86", "0086", "86")
# An area code followed by a 7-8 digit local number: 0731-84567890, 010 12345678.
_FIXED_LINE = re.compile(r"0[1-9][0-9]{1,2}[0-9]{7,8}")


class PhoneError(StandardError):
    """A contact number that is not a mainland mobile number."""


def normalize_phone(raw: str | int | float | None) -> str:
    """Return the bare 11-digit mobile number, or raise :class:`PhoneError`.

    Accepts full-width digits, spaces, dashes, brackets and a leading
    ``+86`` / ``0086`` / ``86``.  An ``int`` (or an integral ``float``, which
    is what Excel hands over for a number cell) is accepted because 11 digits
    fit exactly in a float, unlike an 18-digit ID number.

    Fixed-line numbers are rejected on purpose (the field is used for SMS);
    the message says so.  The function is idempotent.
    """
    if raw is None or isinstance(raw, bool):
        shown = ""
    elif isinstance(raw, float):
        shown = str(int(raw)) if raw.is_integer() else repr(raw)
    else:
        shown = fold(str(raw))
    digits = _SEPARATORS.sub("", shown)
    if not digits:
        raise PhoneError("手机号码不能为空", kind="empty")
    for prefix in _COUNTRY_PREFIXES:
        rest = digits.removeprefix(prefix)
        if rest != digits and len(rest) == 11 and rest.isdigit():
            digits = rest
            break

    if _MOBILE.fullmatch(digits):
        return digits
    if _FIXED_LINE.fullmatch(digits):
        raise PhoneError(
            f"手机号码应为以1开头的11位数字：「{clip(shown)}」是固定电话，本栏只能填写手机号码",
            kind="fixed_line",
        )
    raise PhoneError(
        f"手机号码应为以1开头的11位数字：「{clip(shown)}」不符合（只支持手机号码，不支持固定电话）",
        kind="format",
    )


def mask_phone(number: str | None) -> str:
    """Hide the middle of a phone number for lists and exports.

    11 digits become ``138****5678`` (the form people recognise from bank
    and courier slips).  Other lengths keep the first 3 and last 2 characters;
    strings of 5 or fewer characters are fully starred.
    """
    if not number:
        return ""
    text = number.strip()
    size = len(text)
    if size == 11:
        return text[:3] + "****" + text[-4:]
    if size <= 5:
        return "*" * size
    return text[:3] + "*" * (size - 5) + text[-2:]
