"""Personal data out of the audit log's free text: export filters, event details, record labels.

Field diffs are masked field by field (a model's `audit_masked`); the rest of an event is free
text that can hold anything a user typed — a search box with a full ID number, a phone in a
note. `mask_text` finds them by their shape, so it works on rows written before it existed too:
the log masks when an event is written and again when it is shown (docs/design.md, "Masking").
"""

import re
from typing import Any

from rencai.standards.idnumber import mask_id_number
from rencai.standards.phone import mask_phone

# An ID number (18 or 15 characters), an 11-digit mobile, or -- in free text -- any other run
# of 7 or more digits, which may be the part of an ID number a search box was given. A run
# inside a word of letters and digits (a file's sha256, a request id) is not a number.
_DIGITS = re.compile(r"(?<![0-9A-Za-z])\d{7,}[Xx]?(?![0-9A-Za-z])")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_ID_SHAPED = re.compile(r"\d{17}[\dXx]|\d{15}")


def _mask_run(run: str, *, partial: bool) -> str:
    if _MOBILE.fullmatch(run):
        return mask_phone(run)
    if _ID_SHAPED.fullmatch(run) or partial:
        return mask_id_number(run)
    return run


def mask_text(value: Any, *, partial: bool = True) -> Any:
    """`value` with ID numbers and mobile numbers masked, recursing into dicts and lists.

    `partial` (free text: filters, details, labels) also masks any other run of 7 or more
    digits; field values keep such codes (an org unit's 12-digit 区划代码) readable. Other
    types pass unchanged; already masked text is left as it is.
    """
    if isinstance(value, str):
        return _DIGITS.sub(lambda m: _mask_run(m.group(), partial=partial), value)
    if isinstance(value, dict):
        return {k: mask_text(v, partial=partial) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_text(v, partial=partial) for v in value]
    return value
