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

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rencai.census.choices import REPORTED
from rencai.census.models import CensusRound, CensusUnit, Demand
from rencai.figures import Figure, Period, Scope
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


def unit_persons(unit: OrgUnit):
    """The 在册 Persons a reporting unit answers for: home or work unit in its subtree."""
    return Person.objects.in_units(OrgUnit.objects.subtree_ids(unit)).filter(
        status=PersonStatus.ACTIVE
    )


def completeness(unit: OrgUnit) -> Completeness:
    """完整率 of one reporting unit: one aggregate query over its Persons."""
    counts = unit_persons(unit).aggregate(
        persons=Count("*"),
        **{key: Count("pk", filter=filled) for key, _label, filled in COMPLETENESS_FIELDS},
    )
    persons = counts.pop("persons")
    return Completeness(persons, counts)


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
            "期间结束所在年度的普查轮次中，范围内的报送单位里状态为已报或已审核的单位所占比例，"
            "保留一位小数；没有报送单位为空。"
        ),
        lambda s, p: reporting_rate(scope_units(s, p)).percent,
        _round_url,
    ),
    Figure(
        "census.completeness",
        _("完整率"),
        "%",
        _(
            "户籍/居住地或工作单位在范围内的在册人员，普查名册必填的各项中已填的比例"
            "（已填格数 ÷ 人数 × 项数），保留一位小数；为当前存量，期间不适用。"
        ),
        lambda s, p: completeness(s.unit).rate.percent,
    ),
)
