"""Personal data out of the audit log's free text: export filters, event details, record labels.

Field diffs are masked field by field (a model's `audit_masked`); the rest of an event is free
text that can hold anything a user typed — a search box with a full ID number, a phone in a
note. `mask_text` finds them by their shape, so it works on rows written before it existed too:
the log masks when an event is written and again when it is shown (docs/design.md, "Masking").
"""

from typing import Any

from rencai.standards.masking import mask_numbers

# Free text (filters, details, labels) also loses any other run of 7 or more digits, which may be
# the part of an ID number a search box was given; field values keep such codes readable.
FREE_TEXT_RUN = 7


def mask_text(value: Any, *, partial: bool = True) -> Any:
    """`value` with ID numbers and mobile numbers masked, recursing into dicts and lists.

    `partial` (free text: filters, details, labels) also masks any other run of 7 or more
    digits; field values keep such codes (an org unit's 12-digit 区划代码) readable. Other
    types pass unchanged; already masked text is left as it is.
    """
    if isinstance(value, str):
        return mask_numbers(value, min_run=FREE_TEXT_RUN if partial else None)
    if isinstance(value, dict):
        return {k: mask_text(v, partial=partial) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_text(v, partial=partial) for v in value]
    return value
