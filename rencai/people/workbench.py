"""工作台: the register of the user's jurisdiction at a glance (a page of 人才库, not a record
type: mounted at the site root by home_urls.py)."""

from collections import Counter

from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.orgs.models import OrgUnit
from rencai.people.choices import PersonStatus
from rencai.people.models import Person, TalentCategory


@allow(roles.reads_records)
def home(request: HttpRequest) -> HttpResponse:
    """工作台: the register of the user's jurisdiction at a glance; every number is a link to
    the list it counts (在册 persons; by category; by child unit, home or work unit inside it)."""
    people = Person.objects.visible_to(request.user)
    by_status = dict(people.values_list("status").annotate(n=Count("*")).order_by())
    active = people.filter(status=PersonStatus.ACTIVE)
    through = Person.categories.through.objects.filter(person__in=active.values("id"))
    by_category = dict(through.values_list("talentcategory_id").annotate(n=Count("*")).order_by())
    categories = [
        (c, by_category.get(c.pk, 0)) for c in TalentCategory.objects.filter(is_active=True)
    ]
    return render(
        request,
        "people/home.html",
        {
            "by_status": [(s, label, by_status.get(s, 0)) for s, label in PersonStatus.choices],
            "categories": categories,
            "children": _active_by_child_unit(request.user.org, active),
        },
    )


def _active_by_child_unit(org: OrgUnit, active: QuerySet) -> list[tuple[OrgUnit, int]]:
    """Persons per child unit of `org`, counted once per child whose subtree holds their home or
    work unit: one GROUP BY over (home, work) pairs instead of a count per child."""
    children = OrgUnit.objects.filter(parent=org, is_active=True).in_tree_order()
    child_of_unit = OrgUnit.objects.child_of(org, children)
    counts: Counter[int] = Counter()
    pairs = active.values_list("home_org_id", "work_org_id").annotate(n=Count("*")).order_by()
    for home, work, n in pairs:
        for child in {child_of_unit.get(home), child_of_unit.get(work)} - {None}:
            counts[child] += n
    return [(child, counts[child.pk]) for child in children]
