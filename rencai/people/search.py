"""Person search: by name, by 拼音首字母 (zs → 张三) or by the last digits of the ID number.

Each kind is an indexed prefix range, not a LIKE '%…%' scan: initials are matched from the
start, and the ID's last digits are matched as a prefix of the reversed number.
"""

import re

from django.db.models import Q

from rencai.standards.text import fold

INITIALS = re.compile(r"^[a-z]{1,20}$")
ID_TAIL = re.compile(r"^\d{3,17}[\dX]$")


def prefix_range(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as a range any B-tree index can serve on any collation."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def search_q(raw: str) -> Q:
    """The condition a search box text stands for."""
    text = fold(raw).replace(" ", "")
    if not text:
        return Q()
    lowered = text.lower()
    if INITIALS.match(lowered):
        return prefix_range("name_initials", lowered)
    upper = text.upper()
    if ID_TAIL.match(upper) and len(upper) >= 4:
        return prefix_range("id_reversed", upper[::-1])
    if len(text) == 1:
        return prefix_range("name", text)
    return Q(name__contains=text)
