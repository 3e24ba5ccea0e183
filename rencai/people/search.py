"""Person search: by name, by 拼音首字母 (zs → 张三) or by the last digits of the ID number.

Each kind is an indexed prefix range, not a LIKE '%…%' scan: initials are matched from the
start, and the ID's last digits are matched as a prefix of the reversed number.

The ID tail is limited: a user without the reveal permission may give at most
`MAX_MASKED_TAIL` characters, because a longer tail that finds the person confirms a guess at
what the mask hides (docs/design.md, "Masking"). A longer tail from a user who may reveal is a
reveal, and the filter writes it to the audit log.
"""

import re

from django.db.models import Q

from rencai.standards.text import fold

INITIALS = re.compile(r"^[a-z]{1,20}$")
ID_TAIL = re.compile(r"^\d{3,17}[\dX]$")
MAX_MASKED_TAIL = 6


def prefix_range(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as a range any B-tree index can serve on any collation."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def id_tail(raw: str | None) -> str | None:
    """The ID-number characters a search text stands for, or None when it is a name."""
    upper = fold(raw or "").replace(" ", "").upper()
    return upper if ID_TAIL.match(upper) and len(upper) >= 4 else None


def reveals(raw: str | None) -> bool:
    """Whether a search text gives more of an ID number than a masked user may confirm."""
    tail = id_tail(raw)
    return tail is not None and len(tail) > MAX_MASKED_TAIL


def search_q(raw: str) -> Q:
    """The condition a search box text stands for."""
    text = fold(raw).replace(" ", "")
    if not text:
        return Q()
    lowered = text.lower()
    if INITIALS.match(lowered):
        return prefix_range("name_initials", lowered)
    if tail := id_tail(text):
        return prefix_range("id_reversed", tail[::-1])
    if len(text) == 1:
        return prefix_range("name", text)
    return Q(name__contains=text)
