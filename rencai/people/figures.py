"""The register's figures (人才库), registered with the figures layer (rencai/figures.py)."""

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from rencai.figures import Breakdown, Figure, Period, Scope, list_url
from rencai.people.choices import PersonStatus
from rencai.people.models import Person, TalentCategory


def active_rows(scope: Scope) -> QuerySet:
    """在册人才 as rows: Persons of status 在册 whose home or work unit lies in the scope (a
    person shared by two townships counts in both) — the 工作台's 在册 of the same unit."""
    people = Person.objects.all()
    if not scope.is_everything:
        people = people.in_units(scope.subtree_ids)
    return people.filter(status=PersonStatus.ACTIVE)


def active_by_category(scope: Scope, period: Period) -> dict[str, int]:
    """在册人才 by talent category (a person of two categories counts in each)."""
    through = Person.categories.through.objects.filter(person__in=active_rows(scope).values("id"))
    counts = dict(through.values_list("talentcategory_id").annotate(n=Count("*")).order_by())
    return {c.name: counts.get(c.pk, 0) for c in TalentCategory.objects.filter(is_active=True)}


def _list(scope: Scope, period: Period) -> str:
    return list_url("people:list", None, None, status=PersonStatus.ACTIVE, org=scope.unit.pk)


FIGURES = (
    Figure(
        "people.active",
        _("在册人才"),
        _("人"),
        _(
            "状态为在册、户籍/居住地或工作单位在范围内的人员（两地共享的人员各计一次）；"
            "为当前存量，期间不适用。"
        ),
        lambda s, p: active_rows(s).count(),
        _list,
        (Breakdown("category", _("按人才类别"), active_by_category),),
    ),
)
