"""Person search: by name, by 拼音首字母 (zs → 张三) or by the last digits of the ID number.

Each kind is an indexed prefix range, not a LIKE '%…%' scan: initials are matched from the
start, and the ID's last digits are matched as a prefix of the reversed number.

The ID tail is limited: a user without the reveal permission may give at most
`MAX_MASKED_TAIL` characters, because a longer tail that finds the person confirms a guess at
what the mask hides (docs/design.md, "Masking"). A longer tail from a user who may reveal is a
reveal, and the filter writes it to the audit log.
"""

import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.standards.idnumber import mask_id_number
from rencai.standards.text import fold

INITIALS = re.compile(r"^[a-z]{1,20}$")
ID_TAIL = re.compile(r"^\d{3,17}[\dX]$")
MAX_MASKED_TAIL = 6

LONG_TAIL_REFUSED = _(
    "按身份证号查找时最多输入末尾 %(n)d 位；查找完整号码需要“查看完整信息”权限"
) % {"n": MAX_MASKED_TAIL}


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


def search_q(raw: str, person: str = "") -> Q:
    """The condition a search box text stands for; `person` is the path to the person from the
    searched rows ("person__" on the 培训台账), empty on the register itself."""
    text = fold(raw).replace(" ", "")
    if not text:
        return Q()
    lowered = text.lower()
    if INITIALS.match(lowered):
        return prefix_range(f"{person}name_initials", lowered)
    if tail := id_tail(text):
        return prefix_range(f"{person}id_reversed", tail[::-1])
    if len(text) == 1:
        return prefix_range(f"{person}name", text)
    return Q(**{f"{person}name__contains": text})


def checked_search(raw: str | None, user: Any) -> str:
    """A search box's text, refused (a form error) when it gives a longer ID tail than the
    user may confirm: every search form cleans its text through this."""
    value = raw or ""
    if reveals(value) and not roles.may_reveal(user):
        raise forms.ValidationError(LONG_TAIL_REFUSED)
    return value


def record_search_reveal(user: Any, people: QuerySet, raw: str) -> None:
    """A search by more of the ID than the mask shows confirms the number: audited like the
    person page's reveal, naming the person when exactly one matched (`people` are the
    persons found)."""
    count = people.count()
    with acting_as(user):
        record_event(
            AuditAction.REVEAL,
            obj=people.first() if count == 1 else None,
            detail={"search": mask_id_number(id_tail(raw) or ""), "matches": count},
        )


PICK_LIMIT = 20  # people a picker offers; more means the text should be longer


def people_matching(people: QuerySet, raw: str, user: Any) -> list:
    """The first `PICK_LIMIT` of `people` (already scoped to the user's jurisdiction) a search
    text finds, for a picker that offers them by name, masked ID, village and birth year. A
    longer ID tail than the user may confirm raises a ValidationError; a confirmed one is
    audited, as on the register."""
    value = checked_search(raw, user)
    found = people.filter(search_q(value))
    if reveals(value):
        record_search_reveal(user, found, value)
    return list(found.select_related("home_org").order_by("name", "id")[:PICK_LIMIT])
