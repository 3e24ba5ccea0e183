"""The census figures (口径), each defined once and computed with SQL aggregates.

- 报送率 (reporting rate): reporting units whose status is 已报 or 已审核, over all reporting units
  of the round that lie in the viewer's jurisdiction.
- 完整率 (completeness) of a unit: over the 在册 Persons whose home or work unit lies in the unit's
  subtree (a person shared by two townships counts in both), the filled cells of the
  COMPLETENESS_FIELDS over (persons × fields).
- 紧缺专业 (supply against demand), per specialty and township, for a round:
  现有 = 在册 Persons whose specialty equals the demand's specialty exactly and whose home or work
  unit lies in the township's subtree; 需求 = the sum of Demand.count of the round whose unit lies
  in the township's subtree (all levels); 缺口 = 需求 − 现有 when positive, else 0.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.census.choices import REPORTED
from rencai.census.models import CensusRound, CensusUnit, Demand
from rencai.figures import Figure, Period, Scope, Where, as_scope, by_child_unit
from rencai.orgs.choices import TOWNSHIP_KINDS
from rencai.orgs.models import PATH_SEPARATOR, OrgUnit
from rencai.people.choices import PersonStatus
from rencai.people.models import Person


@dataclass(frozen=True)
class Rate:
    """A share shown as offices write it: 7/12 = 58.3%."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.part / self.whole, 1) if self.whole else None

    def __str__(self) -> str:
        if not self.whole:
            return f"{self.part}/{self.whole}"
        return f"{self.part}/{self.whole} = {self.percent:.1f}%"


def reporting_rate(units: "Any") -> Rate:
    """报送率 of a queryset of CensusUnits (already scoped to the viewer)."""
    counts = units.aggregate(whole=Count("*"), part=Count("pk", filter=Q(status__in=REPORTED)))
    return Rate(counts["part"], counts["whole"])


def _has_category() -> Exists:
    through = Person.categories.through
    return Exists(through.objects.filter(person_id=OuterRef("pk")))


# (key, label, "the cell is filled") — the fields a census roster must carry for every person.
COMPLETENESS_FIELDS: list[tuple[str, Any, Q]] = [
    ("name", _("姓名"), ~Q(name="")),
    ("id_number", _("身份证号"), ~Q(id_number="")),
    ("gender", _("性别"), ~Q(gender="")),
    ("birth_date", _("出生日期"), Q(birth_date__isnull=False)),
    ("ethnicity", _("民族"), ~Q(ethnicity="")),
    ("political_status", _("政治面貌"), ~Q(political_status="")),
    ("education", _("学历"), ~Q(education="")),
    ("phone", _("手机号码"), ~Q(phone="")),
    ("home_org", _("户籍/居住地"), Q(home_org__isnull=False)),
    ("categories", _("人才类别"), Q(_has_category())),
]


@dataclass
class Completeness:
    persons: int
    filled: dict[str, int] = field(default_factory=dict)  # field key → persons with it filled

    @property
    def rate(self) -> Rate:
        return Rate(sum(self.filled.values()), self.persons * len(COMPLETENESS_FIELDS))

    def by_field(self) -> list[tuple[Any, Rate]]:
        return [(label, Rate(self.filled[k], self.persons)) for k, label, _q in COMPLETENESS_FIELDS]


def unit_persons(unit: Where):
    """The 在册 Persons a reporting unit (or a request's Scope) answers for: home or work unit
    in its subtree."""
    return Person.objects.in_units(as_scope(unit).subtree_ids).filter(status=PersonStatus.ACTIVE)


def _filled_counts() -> dict[str, Count]:
    return {key: Count("pk", filter=filled) for key, _label, filled in COMPLETENESS_FIELDS}


def completeness(unit: Where) -> Completeness:
    """完整率 of one reporting unit (or a request's Scope): one aggregate query over its
    Persons, once per Scope (the report's census section and its data-quality part share it)."""

    def compute() -> Completeness:
        counts = unit_persons(unit).aggregate(persons=Count("*"), **_filled_counts())
        persons = counts.pop("persons")
        return Completeness(persons, counts)

    return unit.memo("census.completeness", compute) if isinstance(unit, Scope) else compute()


def completeness_by_child(scope: Scope) -> dict[int, Completeness]:
    """`completeness` of each child unit of the scope (`Scope.children`), from one GROUP BY
    over the (home, work) unit pairs of the scope's Persons: a person counts once in each child
    whose subtree holds their home or work unit, as `completeness(child)` counts them. Once per
    Scope."""
    return scope.memo("census.completeness_by_child", lambda: _completeness_by_child(scope))


def _completeness_by_child(scope: Scope) -> dict[int, Completeness]:
    keys = list(_filled_counts())
    found = {c.pk: Completeness(0, dict.fromkeys(keys, 0)) for c in scope.children}
    pairs = (
        unit_persons(scope)
        .values("home_org", "work_org")
        .annotate(persons=Count("*"), **{f"filled_{k}": n for k, n in _filled_counts().items()})
        .order_by()
    )
    for row in pairs:
        for child in {scope.child_of.get(row["home_org"]), scope.child_of.get(row["work_org"])}:
            if child is None:
                continue
            found[child].persons += row["persons"]
            for key in keys:
                found[child].filled[key] += row[f"filled_{key}"]
    return found


# -- 紧缺专业: supply against demand ------------------------------------------------------------


@dataclass
class Cell:
    org: OrgUnit | None  # None: the viewer's whole jurisdiction (合计)
    supply: int
    demand: int

    @property
    def gap(self) -> int:
        return max(self.demand - self.supply, 0)


@dataclass
class SpecialtyRow:
    specialty: str
    cells: list[Cell]
    total: Cell


def townships_of(user) -> list[OrgUnit]:
    """The active townships and streets in the user's jurisdiction, as offices list them."""
    return OrgUnit.objects.visible_to(user).active().filter(kind__in=TOWNSHIP_KINDS).in_tree_order()


def supply_and_demand(census: CensusRound, user) -> tuple[list[OrgUnit], list[SpecialtyRow]]:
    """The 紧缺专业 table of a round for the user: one row per specialty with demand, one cell
    per township plus the jurisdiction's total, sorted by the total 缺口 (largest first).

    Two grouped queries, each with one conditional aggregate per township."""
    townships = townships_of(user)
    demand_rows = (
        Demand.objects.visible_to(user)
        .filter(round=census)
        .order_by()
        .values("specialty")
        .annotate(
            total=Sum("count"),
            **{f"t{t.pk}": Sum("count", filter=Q(org__path__startswith=t.path)) for t in townships},
        )
    )
    demand = {row["specialty"]: row for row in demand_rows}
    ids = {t.pk: OrgUnit.objects.subtree_ids(t) for t in townships}
    supply_rows = (
        Person.objects.visible_to(user)
        .filter(status=PersonStatus.ACTIVE, specialty__in=list(demand))
        .order_by()
        .values("specialty")
        .annotate(
            total=Count("*"),
            **{
                f"t{pk}": Count("pk", filter=Q(home_org_id__in=units) | Q(work_org_id__in=units))
                for pk, units in ids.items()
            },
        )
    )
    supply = {row["specialty"]: row for row in supply_rows}
    rows = []
    for specialty, wanted in demand.items():
        have = supply.get(specialty, {})
        cells = [Cell(t, have.get(f"t{t.pk}") or 0, wanted[f"t{t.pk}"] or 0) for t in townships]
        rows.append(
            SpecialtyRow(specialty, cells, Cell(None, have.get("total") or 0, wanted["total"]))
        )
    rows.sort(key=lambda r: (-r.total.gap, -r.total.demand, r.specialty))
    return townships, rows


def round_units(census: CensusRound, user) -> list[CensusUnit]:
    """The round's reporting units the user sees, in tree order."""
    units = {
        u.org_id: u
        for u in CensusUnit.objects.visible_to(user).filter(round=census).select_related("org")
    }
    orgs = OrgUnit.objects.filter(pk__in=list(units)).in_tree_order()
    return [units[o.pk] for o in orgs]


# -- the registry (rencai/figures.py) ------------------------------------------------------------


def scope_units(scope: Scope, period: Period):
    """The reporting units in the scope of the rounds of the year the period ends in."""
    return CensusUnit.objects.filter(round__year=period.end.year, org__in=scope.subtree_ids)


def reporting_rate_by_child(scope: Scope, period: Period) -> dict[int, float | None]:
    """报送率 of each child unit of the scope: the reporting units below it, from one GROUP BY."""
    whole: Counter = Counter()
    part: Counter = Counter()
    rows = scope_units(scope, period).values_list("org", "status").annotate(n=Count("*"))
    for org, status, n in rows.order_by():
        child = scope.child_of.get(org)
        if child is not None:
            whole[child] += n
            part[child] += n if status in REPORTED else 0
    return {c.pk: Rate(part[c.pk], whole[c.pk]).percent for c in scope.children}


def _round_url(scope: Scope, period: Period) -> str | None:
    """The round of the scope's county for the year, when there is one."""
    found = CensusRound.objects.filter(
        year=period.end.year, org__path__in=_above(scope.unit)
    ).first()
    return reverse("census:round", args=[found.pk]) if found else None


def _above(unit: OrgUnit) -> list[str]:
    uids = [u for u in unit.path.split(PATH_SEPARATOR) if u]
    return [f"/{'/'.join(uids[: i + 1])}/" for i in range(len(uids))]


FIGURES = (
    Figure(
        "census.reporting_rate",
        _("报送率"),
        "%",
        _(
            "统计年度为期间最后一天所在的年度：该年度普查轮次的报送单位中，单位在范围内（范围单位"
            "本身或其任一级下级单位）的，状态为已报或已审核的所占比例：已报单位数 ÷ 报送单位数 ×"
            " 100%，保留一位小数；没有报送单位为空。状态为当前状态，期间内的其他日子不影响结果。"
        ),
        lambda s, p: reporting_rate(scope_units(s, p)).percent,
        _round_url,
        (by_child_unit(reporting_rate_by_child, _round_url),),
    ),
    Figure(
        "census.completeness",
        _("完整率"),
        "%",
        format_lazy(
            _(
                "状态为在册、户籍/居住地或工作单位在范围内（范围单位本身或其任一级下级单位）的人员，"
                "普查名册必填的 {n} 项（{fields}）中已填的比例：已填格数 ÷（人数 × 项数）× 100%，"
                "保留一位小数；两地共享的人员在两边各计一次，在共同的上级只计一次；没有人员为空；"
                "为当前存量，期间不适用。"
            ),
            n=len(COMPLETENESS_FIELDS),
            fields=format_lazy(
                "、".join("{}" for _f in COMPLETENESS_FIELDS),
                *(label for _k, label, _q in COMPLETENESS_FIELDS),
            ),
        ),
        lambda s, p: completeness(s).rate.percent,
        breakdowns=(
            by_child_unit(
                lambda s, p: {k: c.rate.percent for k, c in completeness_by_child(s).items()}
            ),
        ),
    ),
)
