"""Personal numbers found by their shape inside free text, masked where they stand.

Fields are masked field by field (`mask_id_number`, `mask_phone`); free text — an audit event's
logged filters, an error workbook's cell in a column rencai does not know, a problem message —
can hold anything a user typed. `mask_numbers` finds ID numbers and mobile numbers in it, and any
other run of digits long enough to be part of an ID number. Used by the audit log
(`rencai.audit.masking`) and the error workbooks (`rencai.imports.masking`).
"""

import re

from rencai.standards.idnumber import mask_id_number
from rencai.standards.phone import mask_phone

# A run of 7 or more digits (an optional X closing an ID number); a run inside a word of letters
# and digits — a file's sha256, a request id — is not a number.
_RUN = re.compile(r"(?<![0-9A-Za-z])\d{7,}[Xx]?(?![0-9A-Za-z])")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_ID_SHAPED = re.compile(r"\d{17}[\dXx]|\d{15}")


def mask_numbers(text: str, *, min_run: int | None) -> str:
    """`text` with every ID number and mobile number masked, and every other run of `min_run`
    (7 or more) digits masked like an ID number — part of one typed into a search box, one
    typed with a digit too many. `min_run=None` leaves other runs (an org unit's 12-digit
    区划代码 in a field value) readable. Masked text stays as it is."""
    if not text or not any(c.isdigit() for c in text):
        return text

    def masked(match: re.Match) -> str:
        run = match.group()
        if _MOBILE.fullmatch(run):
            return mask_phone(run)
        if _ID_SHAPED.fullmatch(run) or (min_run is not None and len(run) >= min_run):
            return mask_id_number(run)
        return run

    return _RUN.sub(masked, text)
