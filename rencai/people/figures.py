"""The register's figures (人才库), registered with the figures layer (rencai/figures.py): the
工作台 reads them."""

import datetime
from collections import Counter

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from rencai.figures import (
    Breakdown,
    Figure,
    Line,
    Period,
    Scope,
    by_child_unit,
    count_by_child,
    list_url,
)
from rencai.people.choices import PersonStatus
from rencai.people.models import Person, TalentCategory
from rencai.people.persons_filter import day_start


def person_rows(scope: Scope) -> QuerySet:
    """人员 as rows: Persons of any status whose home or work unit lies in the scope (a person
    shared by two townships counts in both) — the 工作台's people of the same unit."""
    people = Person.objects.all()
    if not scope.is_everything:
        people = people.in_units(scope.subtree_ids)
    return people


def active_rows(scope: Scope) -> QuerySet:
    """在册人才 as rows: the `person_rows` of status 在册."""
    return person_rows(scope).filter(status=PersonStatus.ACTIVE)


def by_status(scope: Scope) -> Counter:
    """status → persons of the scope, from one GROUP BY, once per scope."""

    def compute() -> Counter:
        rows = person_rows(scope).values_list("status").annotate(n=Count("*")).order_by()
        return Counter(dict(rows))

    return scope.memo("people.by_status", compute)


def _list(scope: Scope, **extra: object) -> str:
    """The 人才库 list of the scope's people (the unit and every unit below it)."""
    return list_url("people:list", None, None, **extra, org=scope.unit.pk)


def _statuses(scope: Scope, period: Period) -> list[Line]:
    counts = by_status(scope)
    return [
        Line(status, str(label), counts[status], _list(scope, status=status))
        for status, label in PersonStatus.choices
    ]


def active_by_category(scope: Scope, period: Period) -> list[Line]:
    """在册人才 by active talent category (a person of two categories counts in each)."""
    through = Person.categories.through.objects.filter(person__in=active_rows(scope).values("id"))
    counts = dict(through.values_list("talentcategory_id").annotate(n=Count("*")).order_by())
    return [
        Line(
            c.pk,
            c.name,
            counts.get(c.pk, 0),
            _list(scope, status=PersonStatus.ACTIVE, category=c.pk),
        )
        for c in TalentCategory.objects.filter(is_active=True)
    ]


def _active_list(scope: Scope, period: Period) -> str:
    return _list(scope, status=PersonStatus.ACTIVE)


def new_rows(scope: Scope, period: Period) -> QuerySet:
    """新增在册人才 as rows: the `active_rows` whose 登记时间 (when the record was created, by a
    page, an import or the API) falls on a day of the period, in the installation's time zone."""
    start, end = period_bounds(period)
    return active_rows(scope).filter(created_at__gte=start, created_at__lt=end)


def period_bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of the period and the first moment after it, aware, where the
    installation is — what the list's 登记时间自/至 filters also take."""
    after = period.end + datetime.timedelta(days=1)
    return day_start(period.start), day_start(after)


def _new_list(scope: Scope, period: Period) -> str:
    return _list(
        scope,
        status=PersonStatus.ACTIVE,
        registered_from=period.start.isoformat(),
        registered_to=period.end.isoformat(),
    )


FIGURES = (
    Figure(
        "people.persons",
        _("人员"),
        _("人"),
        _(
            "户籍/居住地或工作单位在范围内（范围单位本身或其任一级下级单位）的人员，不论状态"
            "（在册、流出、退出、已故）；两地共享的人员在两边各计一次，在共同的上级只计一次；为"
            "当前存量，期间不适用。"
        ),
        lambda s, p: sum(by_status(s).values()),
        lambda s, p: _list(s),
        (Breakdown("status", _("按状态"), _statuses),),
    ),
    Figure(
        "people.active",
        _("在册人才"),
        _("人"),
        _(
            "状态为在册、户籍/居住地或工作单位在范围内（范围单位本身或其任一级下级单位）的人员；"
            "两地共享的人员在两边各计一次，在共同的上级只计一次；为当前存量，期间不适用。"
        ),
        lambda s, p: by_status(s)[PersonStatus.ACTIVE],
        _active_list,
        (
            Breakdown("category", _("按人才类别"), active_by_category),
            by_child_unit(
                lambda s, p: count_by_child(s, active_rows(s), "home_org", "work_org"),
                _active_list,
            ),
        ),
    ),
    Figure(
        "people.new",
        _("新增在册人才"),
        _("人"),
        _(
            "状态为在册、户籍/居住地或工作单位在范围内（范围单位本身或其任一级下级单位）、登记时间"
            "（在系统中建档之日，按北京时间）在期间内的人员；期间里登记后又流出、退出或已故的不计；"
            "两地共享的人员在两边各计一次，在共同的上级只计一次。"
        ),
        lambda s, p: new_rows(s, p).count(),
        _new_list,
        (
            by_child_unit(
                lambda s, p: count_by_child(s, new_rows(s, p), "home_org", "work_org"),
                _new_list,
            ),
        ),
    ),
)
