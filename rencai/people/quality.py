"""人才库's parts of the data-quality score (rencai/alerts/quality.py): 在册 persons with no
talent category, and records not updated in three years. Each links to the register's list
filtered to exactly those persons (its count is the part's count)."""

import datetime
from collections import Counter
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rencai.alerts.quality import Part, Reading, share_without
from rencai.figures import Scope, count_by_child, today
from rencai.people.choices import PersonStatus
from rencai.people.models import Person
from rencai.people.persons_filter import day_start

STALE_YEARS = 3


def active_persons(scope: Scope) -> QuerySet:
    """The scope's 在册 persons: home or work unit in its subtree (and seen by its viewer)."""
    rows = Person.objects.visible_to(scope.viewer) if scope.viewer is not None else Person.objects
    return rows.in_units(scope.subtree_ids).filter(status=PersonStatus.ACTIVE)


def _list_url(scope: Scope, **extra: str) -> str:
    query = {"org": scope.unit.pk, "status": PersonStatus.ACTIVE, **extra}
    return reverse("people:list") + "?" + urlencode(query)


def _no_category() -> Q:
    through = Person.categories.through
    return ~Q(Exists(through.objects.filter(person_id=OuterRef("pk"))))


def active_by_child(scope: Scope) -> Counter[int]:
    """Child pk → its 在册 persons (`active_persons` of the child), from one GROUP BY over
    (home, work) unit pairs, computed once per scope (every part that needs it shares it)."""
    return scope.memo(
        "people.quality.active_by_child",
        lambda: count_by_child(scope, active_persons(scope), "home_org", "work_org"),
    )


def _per_child(scope: Scope, bad: Q) -> dict[int, Reading]:
    """The reading of each child unit: its 在册 persons and those of them matching `bad`, from
    one GROUP BY over (home, work) unit pairs each (a person counted once per child)."""
    whole = active_by_child(scope)
    found = count_by_child(scope, active_persons(scope).filter(bad), "home_org", "work_org")
    return {pk: Reading(share_without(found[pk], whole[pk]), found[pk]) for pk in whole}


def _uncategorised(scope: Scope) -> Reading:
    found = active_persons(scope).aggregate(
        whole=Count("*"), bad=Count("pk", filter=_no_category())
    )
    return Reading(share_without(found["bad"], found["whole"]), found["bad"])


def stale_cutoff() -> datetime.date:
    """The same day STALE_YEARS years ago (28 February for a 29 February)."""
    day = today()
    try:
        return day.replace(year=day.year - STALE_YEARS)
    except ValueError:
        return day.replace(year=day.year - STALE_YEARS, day=28)


def _stale_q() -> Q:
    return Q(updated_at__lt=day_start(stale_cutoff()))


def _stale(scope: Scope) -> Reading:
    found = active_persons(scope).aggregate(whole=Count("*"), bad=Count("pk", filter=_stale_q()))
    return Reading(share_without(found["bad"], found["whole"]), found["bad"])


QUALITY = (
    Part(
        "people.no_category",
        _("未填人才类别"),
        _(
            "户籍/居住地或工作单位在本单位及其下级的在册人员中，没有任何人才类别的人数；得分 ="
            "（1 − 未填人数 ÷ 在册人数）× 100%，保留一位小数；没有在册人员时不计。"
        ),
        _uncategorised,
        url=lambda scope: _list_url(scope, no_category="on"),
        by_child=lambda scope: _per_child(scope, _no_category()),
    ),
    Part(
        "people.stale",
        _("信息 3 年未更新"),
        _(
            "户籍/居住地或工作单位在本单位及其下级的在册人员中，更新时间早于 3 年前的同一天"
            "（0 时）的人数；得分 =（1 − 未更新人数 ÷ 在册人数）× 100%，保留一位小数；没有在册"
            "人员时不计。"
        ),
        _stale,
        url=lambda scope: _list_url(scope, stale_before=stale_cutoff().isoformat()),
        by_child=lambda scope: _per_child(scope, _stale_q()),
    ),
)
