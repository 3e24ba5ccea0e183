"""人才普查's parts of the data-quality score (rencai/alerts/quality.py): the register's key
fields (完整率, the registered census.completeness figure) and the cross-unit duplicates still
open in the census (普查冲突 not yet settled)."""

import operator
from collections import Counter
from functools import reduce

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.alerts.quality import Column, Part, Reading, share_without
from rencai.census.figures import COMPLETENESS_FIELDS
from rencai.census.models import CensusConflict
from rencai.figures import CHILD_UNIT, Period, Scope, count_by_child, figure, today, value
from rencai.people.models import Person
from rencai.people.quality import active_by_child, active_persons


def _persons(scope: Scope) -> QuerySet:
    """The scope's 在册 persons (home or work unit in its subtree): `census.figures.unit_persons`,
    seen by the scope's viewer — the register's own reading (`people.quality.active_persons`)."""
    return active_persons(scope)


def _incomplete(scope: Scope) -> QuerySet:
    """The scope's 在册 persons lacking at least one of the roster's key fields."""
    filled = reduce(operator.and_, (q for _key, _label, q in COMPLETENESS_FIELDS))
    return _persons(scope).exclude(filled).select_related("home_org")


def _completeness(scope: Scope) -> Reading:
    percent = value("census.completeness", scope, Period.year(today().year))
    return Reading(None if percent is None else float(percent), _incomplete(scope).count())


def _completeness_by_child(scope: Scope) -> dict[int, Reading]:
    """完整率 of each child (the registered figure's breakdown) and its incomplete persons,
    from one GROUP BY over (home, work) unit pairs."""
    lines = figure("census.completeness").lines(CHILD_UNIT, scope, Period.year(today().year))
    found = count_by_child(scope, _incomplete(scope), "home_org", "work_org")
    return {
        line.key: Reading(None if line.value is None else float(line.value), found[line.key])
        for line in lines
    }


def missing_fields(person: Person) -> str:
    """The key fields the person lacks, by their Chinese labels."""
    missing = []
    for key, label, _q in COMPLETENESS_FIELDS:
        held = person.categories.exists() if key == "categories" else getattr(person, key)
        if not held:
            missing.append(str(label))
    return "、".join(missing)


def open_conflicts(scope: Scope) -> QuerySet:
    """普查冲突 not yet settled, either of whose units lies in the scope."""
    rows = (
        CensusConflict.objects.visible_to(scope.viewer) if scope.viewer else CensusConflict.objects
    )
    within = scope.within("first_org") | scope.within("second_org")
    return (
        rows.open()
        .filter(within)
        .select_related("round", "person", "first_org", "second_org")
        .order_by("created_at", "pk")
    )


def _duplicates_by_child(scope: Scope) -> dict[int, Reading]:
    """The reading of each child: its open conflicts (by either unit) and its persons named in
    one of them, from the scope's open conflicts (few) and one GROUP BY over its persons."""
    child_of = scope.child_of
    conflicts: Counter[int] = Counter()
    named_in: dict[int, set[int]] = {}  # person → the children whose open conflicts name them
    for person, first, second in open_conflicts(scope).values_list(
        "person", "first_org", "second_org"
    ):
        for child in {child_of.get(first), child_of.get(second)} - {None}:
            conflicts[child] += 1
            named_in.setdefault(person, set()).add(child)
    persons = active_by_child(scope)
    named: Counter[int] = Counter()
    homes = _persons(scope).filter(pk__in=list(named_in)).values_list("pk", "home_org", "work_org")
    for pk, home, work in homes:
        for child in {child_of.get(home), child_of.get(work)} & named_in[pk]:
            named[child] += 1
    return {
        c.pk: Reading(share_without(named[c.pk], persons[c.pk]), conflicts[c.pk])
        for c in scope.children
    }


def _duplicates(scope: Scope) -> Reading:
    conflicts = open_conflicts(scope)
    persons = _persons(scope)
    named = persons.filter(pk__in=conflicts.values("person")).count()
    return Reading(share_without(named, persons.count()), conflicts.count())


QUALITY = (
    Part(
        "census.completeness",
        _("关键信息缺项"),
        _(
            "得分即完整率（census.completeness）：在册人员普查名册必填项中已填的比例；计数为缺"
            "至少一项的在册人员（户籍/居住地或工作单位在本单位及其下级）；没有在册人员时不计。"
        ),
        _completeness,
        rows=_incomplete,
        columns=(
            Column(_("姓名"), lambda person: person.name),
            Column(_("户籍/居住地"), lambda person: person.home_org.name_path),
            Column(_("缺项"), missing_fields),
        ),
        row_url=lambda person: person.get_absolute_url(),
        by_child=_completeness_by_child,
    ),
    Part(
        "census.duplicates",
        _("普查重复未处理"),
        _(
            "未处理的普查冲突（两个单位报送同一人员），原登记单位或报送单位在本单位及其下级的，"
            "每条冲突计一；得分 =（1 − 涉及未处理冲突的在册人员数 ÷ 在册人员数）× 100%，保留一位"
            "小数；没有在册人员时不计。"
        ),
        _duplicates,
        rows=open_conflicts,
        columns=(
            Column(_("人员"), lambda c: c.person.name),
            Column(_("原登记单位"), lambda c: c.first_org.name),
            Column(_("报送单位"), lambda c: c.second_org.name),
            Column(_("普查轮次"), lambda c: str(c.round)),
            Column(_("发现时间"), lambda c: f"{timezone.localtime(c.created_at):%Y-%m-%d}"),
        ),
        row_url=lambda c: reverse("census:conflicts", args=[c.round_id]),
        by_child=_duplicates_by_child,
    ),
)
