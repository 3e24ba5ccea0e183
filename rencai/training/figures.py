"""The training figures (培训人次, 组织培训人次, 培训人数, target progress): each one named query
whose docstring states its 口径 — what is counted, which date puts it in a period, which unit puts
it in a jurisdiction. docs/figures.md lists them; the overview and the reports only call these.

A figure is asked for a *scope* (a unit and everything below it) and a *period* (first and last
day, both included)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils.translation import gettext as _

from rencai.orgs.models import OrgUnit
from rencai.people.models import Person
from rencai.training.choices import EntityKind, OutcomeKind
from rencai.training.models import (
    ArtTeam,
    Attendance,
    Entity,
    Mentorship,
    Outcome,
    Performance,
    TrainingCategory,
    TrainingTarget,
)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def half(cls, year: int, half: int) -> "Period":
        """上半年 (1) or 下半年 (2)."""
        if half == 1:
            return cls(datetime.date(year, 1, 1), datetime.date(year, 6, 30))
        return cls(datetime.date(year, 7, 1), datetime.date(year, 12, 31))

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(_("结束日期早于开始日期"))


def _root_ids(unit: OrgUnit) -> list[int]:
    """The units of the tree `unit` belongs to (its county)."""
    root_path = "/" + unit.path.split("/")[1] + "/"
    return OrgUnit.objects.filter(path__startswith=root_path).values_list("id", flat=True)


def _within(field: str, unit: OrgUnit) -> Q:
    """`field` (a lookup to an OrgUnit) in `unit`'s subtree — no condition at all when that
    subtree is every unit there is (the county of a one-county installation)."""
    if OrgUnit.objects.is_sole_root(unit):
        return Q()
    return Q(**{f"{field}__in": OrgUnit.objects.subtree_ids(unit)})


def _county_is_everything(unit: OrgUnit) -> bool:
    """No unit lies outside `unit`'s county: every trainee's home unit is inside it."""
    root_path = "/" + unit.path.split("/")[1] + "/"
    return not OrgUnit.objects.filter(parent__isnull=True).exclude(path=root_path).exists()


def attendance_rows(unit: OrgUnit, period: Period):
    """培训人次 as rows: the Attendance rows of programs that **ended** within the period whose
    trainee's **home unit** lies in `unit`'s subtree; a trainee whose home unit is outside the
    county (the tree `unit` belongs to) counts under the **organiser's** unit instead."""
    rows = Attendance.objects.filter(
        program__end_date__gte=period.start,
        program__end_date__lte=period.end,
    )
    if OrgUnit.objects.is_sole_root(unit):
        return rows  # every home unit and every organiser is in the scope
    scope = OrgUnit.objects.subtree_ids(unit)
    county = list(_root_ids(unit))
    return rows.filter(
        Q(person__home_org__in=scope)
        | (Q(program__organiser__in=scope) & ~Q(person__home_org__in=county))
    )


def attendances(unit: OrgUnit, period: Period) -> int:
    """培训人次 (see `attendance_rows`)."""
    return attendance_rows(unit, period).count()


def trainees(unit: OrgUnit, period: Period) -> int:
    """培训人数: distinct Persons among the 培训人次 rows (someone trained three times is one)."""
    return attendance_rows(unit, period).values("person").distinct().count()


def organised_rows(unit: OrgUnit, period: Period):
    """组织培训人次 as rows: the Attendance rows of programs that ended within the period and
    whose **organiser** lies in `unit`'s subtree, wherever the trainees live."""
    return Attendance.objects.filter(
        _within("program__organiser", unit),
        program__end_date__gte=period.start,
        program__end_date__lte=period.end,
    )


def organised_attendances(unit: OrgUnit, period: Period) -> int:
    """组织培训人次 (see `organised_rows`)."""
    return organised_rows(unit, period).count()


def attendances_by_category(unit: OrgUnit, period: Period) -> dict[str, int]:
    """培训人次 by the program's category name, largest first."""
    rows = (
        attendance_rows(unit, period)
        .values("program__category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "program__category__name")
    )
    return {row["program__category__name"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Progress:
    unit: OrgUnit
    year: int
    target: int | None  # 人次; None when the unit has no target for the year
    achieved: int  # 培训人次 from 1 January to `until`
    until: datetime.date

    @property
    def percent(self) -> Decimal | None:
        """Achieved over target, one decimal (50.0)."""
        if not self.target:
            return None
        value = Decimal(100 * self.achieved) / Decimal(self.target)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def expected_percent(self) -> Decimal:
        """The share of the year gone by on `until`: where a unit on schedule would be."""
        start = datetime.date(self.year, 1, 1)
        days = (datetime.date(self.year, 12, 31) - start).days + 1
        gone = min(max((self.until - start).days + 1, 0), days)
        return (Decimal(100 * gone) / Decimal(days)).quantize(Decimal("0.1"))

    @property
    def behind(self) -> bool:
        """进度滞后: below the share of the year gone by."""
        return self.percent is not None and self.percent < self.expected_percent

    def sentence(self) -> str:
        """The report's wording: 已培训 3000 人次，完成年度目标 6000 人次的 50.0%."""
        if self.percent is None:
            return _("已培训 %(a)d 人次（未设年度目标）") % {"a": self.achieved}
        return _("已培训 %(a)d 人次，完成年度目标 %(t)d 人次的 %(p)s%%") % {
            "a": self.achieved,
            "t": self.target,
            "p": self.percent,
        }


def progress(
    unit: OrgUnit, year: int, until: datetime.date | None = None, category=None
) -> Progress:
    """Target progress: 培训人次 of programs that ended between 1 January and `until` (default:
    31 December) over the unit's target for the year — its overall target, or its target for
    `category` (then only that category's 人次 count)."""
    until = until or datetime.date(year, 12, 31)
    rows = attendance_rows(unit, Period(datetime.date(year, 1, 1), until))
    if category is not None:
        rows = rows.filter(program__category=category)
    return Progress(unit, year, target_of(unit, year, category), rows.count(), until)


def progress_many(
    targets: list[TrainingTarget], until_in: Callable[[int], datetime.date]
) -> dict[int, Progress]:
    """`progress(t.org, t.year, until_in(t.year), t.category)` for each target, keyed by its
    pk, from one query per county, year and category (rows grouped by counting unit, added up
    over each target's subtree) instead of one per target."""
    groups: dict[tuple, list[TrainingTarget]] = {}
    for t in targets:
        root_path = "/" + t.org.path.split("/")[1] + "/"
        groups.setdefault((root_path, t.year, t.category_id), []).append(t)
    found: dict[int, Progress] = {}
    for (root_path, year, category), members in groups.items():
        root = OrgUnit.objects.get(path=root_path)
        until = until_in(year)
        rows = attendance_rows(root, Period(datetime.date(year, 1, 1), until))
        if category is not None:
            rows = rows.filter(program__category=category)
        counts = dict(
            rows.annotate(counting=_counting_unit(root))
            .values_list("counting")
            .annotate(n=Count("id"))
            .order_by()
        )
        paths = dict(OrgUnit.objects.filter(pk__in=counts).values_list("pk", "path"))
        for t in members:
            achieved = sum(n for pk, n in counts.items() if paths[pk].startswith(t.org.path))
            found[t.pk] = Progress(t.org, year, t.attendances, achieved, until)
    return found


def target_of(unit: OrgUnit, year: int, category=None) -> int | None:
    """The unit's own target in 人次 for the year (overall, or for `category`), if set."""
    target = TrainingTarget.objects.filter(year=year, org=unit, category=category).first()
    return target.attendances if target else None


@dataclass(frozen=True)
class CategoryLine:
    category_id: int
    name: str
    attendances: int  # 培训人次
    trainees: int  # 培训人数


def by_category(unit: OrgUnit, period: Period) -> list[CategoryLine]:
    """培训人次 and 培训人数 by the program's category, largest first: the same numbers as
    `attendance_rows(unit, period)` filtered to each category, from one query (rows grouped
    by category and person, then by category: no DISTINCT sort over the whole ledger)."""
    inner = (
        attendance_rows(unit, period)
        .annotate(cat=F("program__category"), who=F("person"))
        .values("cat", "who")
        .annotate(n=Count("id"))
        .order_by()
    )
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cat, COUNT(*), SUM(n) FROM ({sql}) t GROUP BY cat", params)
        found = {cat: (int(total), people) for cat, people, total in cursor.fetchall()}
    names = dict(TrainingCategory.objects.filter(pk__in=found).values_list("pk", "name"))
    lines = [CategoryLine(pk, names[pk], n, people) for pk, (n, people) in found.items()]
    return sorted(lines, key=lambda line: (-line.attendances, line.name))


@dataclass(frozen=True)
class UnitLine:
    unit: OrgUnit
    attendances: int  # 培训人次 in the period
    trainees: int  # 培训人数 in the period
    progress: Progress  # overall target progress, 1 January to `until`


@dataclass(frozen=True)
class LedgerSummary:
    attendances: int  # 培训人次 of the scope in the period
    trainees: int  # 培训人数
    achieved: int  # 培训人次 from 1 January to `until` (the scope's own target progress)
    lines: list[UnitLine]  # the same for each child unit, with its target
    categories: list[CategoryLine]  # 培训人次 and 培训人数 by category, largest first


def _counting_unit(unit: OrgUnit):
    """The unit a 人次 row counts for: the trainee's home unit, or the organiser for a trainee
    from outside the county (the 口径 of `attendance_rows`)."""
    if _county_is_everything(unit):
        return F("person__home_org")
    return Case(
        When(person__home_org__in=list(_root_ids(unit)), then=F("person__home_org")),
        default=F("program__organiser"),
        output_field=IntegerField(),
    )


def _outside_organiser(unit: OrgUnit):
    """For a row of a trainee from outside the county, the organiser it counts under (the 口径
    of `attendance_rows`); None for everyone else, who counts at their home unit."""
    if _county_is_everything(unit):
        return Value(None, output_field=IntegerField())
    return Case(
        When(~Q(person__home_org__in=list(_root_ids(unit))), then=F("program__organiser")),
        default=Value(None),
        output_field=IntegerField(),
    )


def ledger_summary(
    unit: OrgUnit, children: list[OrgUnit], period: Period, year: int, until: datetime.date
) -> LedgerSummary:
    """`attendances`, `trainees`, the year-to-`until` 人次 and the categories of `unit`, and the
    same (with `progress(child, year, until)`) for each of its `children` (units directly under
    it) — the numbers those functions give, from one query: `unit`'s rows counted per person
    (and, for a trainee from outside the county, per organiser) *before* the join that finds
    the person's home unit, so the million-row side is aggregated once, without joins to
    Person. A row belongs to the child whose subtree holds its counting unit; a person is
    counted once wherever they appear."""
    year_start = datetime.date(year, 1, 1)
    window = Period(min(period.start, year_start), max(period.end, until))
    in_period = Q(program__end_date__gte=period.start, program__end_date__lte=period.end)
    in_year = Q(program__end_date__gte=year_start, program__end_date__lte=until)
    if window == period:
        in_period = Q()  # every row of the window is in the period: no test per row
    categories = dict(TrainingCategory.objects.values_list("pk", "name"))
    by_category = {
        f"c{pk}": Count("id", filter=in_period & Q(program__category=pk)) for pk in categories
    }
    inner = (
        attendance_rows(unit, window)
        .annotate(who=F("person"), outside=_outside_organiser(unit))
        .values("who", "outside")
        .annotate(
            n=Count("id", filter=in_period or None), ytd=Count("id", filter=in_year), **by_category
        )
        .order_by()
    )
    sql, params = inner.query.sql_with_params()
    qn = connection.ops.quote_name
    columns = ["who", "outside", "n", "ytd", *by_category]
    select = ", ".join(f"t.{qn(c)}" for c in columns)
    person = qn(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {select}, p.{qn('home_org_id')} FROM ({sql}) t"
            f" JOIN {person} p ON p.{qn('id')} = t.{qn('who')}",
            params,
        )
        rows = cursor.fetchall()
    child_by_path = {c.path: c.pk for c in children}
    depth = len(unit.path)
    child_of: dict[int, int | None] = {}
    for pk, path in OrgUnit.objects.filter(path__startswith=unit.path).values_list("pk", "path"):
        head = path[depth:].split("/", 1)[0]
        child_of[pk] = child_by_path.get(f"{unit.path}{head}/") if head else None
    n = dict.fromkeys(child_by_path.values(), 0)
    ytd = dict.fromkeys(child_by_path.values(), 0)
    people: dict[int, set[int]] = {pk: set() for pk in child_by_path.values()}
    everyone: set[int] = set()
    per_category = [0] * len(by_category)
    category_people: list[set[int]] = [set() for _c in by_category]
    total = total_ytd = 0
    for who, outside, in_p, in_y, *rest in rows:
        home = rest.pop()
        total += in_p
        total_ytd += in_y
        if in_p:
            everyone.add(who)
        for i, count in enumerate(rest):
            if count:
                per_category[i] += count
                category_people[i].add(who)
        child = child_of.get(outside if outside is not None else home)
        if child is None:
            continue  # counted at `unit` itself or below a child not listed
        n[child] += in_p
        ytd[child] += in_y
        if in_p:
            people[child].add(who)
    targets = dict(
        TrainingTarget.objects.filter(year=year, org__in=children, category=None).values_list(
            "org", "attendances"
        )
    )
    lines = [
        UnitLine(
            c, n[c.pk], len(people[c.pk]), Progress(c, year, targets.get(c.pk), ytd[c.pk], until)
        )
        for c in children
    ]
    category_lines = sorted(
        (
            CategoryLine(pk, categories[pk], per_category[i], len(category_people[i]))
            for i, pk in enumerate(categories)
            if per_category[i]
        ),
        key=lambda line: (-line.attendances, line.name),
    )
    return LedgerSummary(total, len(everyone), total_ytd, lines, category_lines)


@dataclass(frozen=True)
class Mismatch:
    parent: TrainingTarget
    children_total: int
    children: int  # how many child units have a target

    def __str__(self) -> str:
        return _("%(u)s %(y)d 年目标 %(t)d 人次，下级目标合计 %(c)d 人次") % {
            "u": self.parent.org.name,
            "y": self.parent.year,
            "t": self.parent.attendances,
            "c": self.children_total,
        }


def decomposition_mismatches(unit: OrgUnit, year: int) -> list[Mismatch]:
    """层层分解: every target in `unit`'s subtree for the year whose direct children's targets
    (same category) do not add up to it. A unit whose children have no targets yet is listed too
    (children_total 0): its target is not decomposed."""
    targets = list(
        TrainingTarget.objects.filter(year=year, org__in=OrgUnit.objects.subtree_ids(unit))
        .select_related("org", "category")
        .order_by("org__path")
    )
    by_key = {}
    for t in targets:
        by_key.setdefault((t.org.parent_id, t.category_id), []).append(t)
    with_children = set(
        OrgUnit.objects.filter(parent_id__in=[t.org_id for t in targets])
        .active()
        .values_list("parent_id", flat=True)
    )
    out = []
    for t in targets:
        children = by_key.get((t.org_id, t.category_id), [])
        total = sum(c.attendances for c in children)
        if t.org_id in with_children and total != t.attendances:
            out.append(Mismatch(t, total, len(children)))
    return out


def outcome_rows(unit: OrgUnit, period: Period):
    """培训成效 as rows: Outcomes dated within the period whose person's **home unit** is in the
    scope (an outcome counts where the person lives, like their 人次)."""
    return Outcome.objects.filter(
        _within("person__home_org", unit), date__gte=period.start, date__lte=period.end
    )


def outcomes_by_kind(unit: OrgUnit, period: Period) -> dict[str, int]:
    """培训成效 by kind (创办规模养殖场 20, 从事技工/务工 50 …), in the order of the kinds."""
    counts = dict(outcome_rows(unit, period).values_list("kind").annotate(n=Count("id")).order_by())
    return {kind: counts[kind] for kind in OutcomeKind.values if kind in counts}


def entity_rows(unit: OrgUnit, period: Period):
    """经营主体 as rows: entities of a unit in the scope founded on or before the period's last
    day (or with no founding date recorded): the stock at the end of the period."""
    return Entity.objects.filter(_within("org", unit)).filter(
        Q(founded_on__lte=period.end) | Q(founded_on__isnull=True)
    )


def entities_by_kind(unit: OrgUnit, period: Period) -> dict[str, tuple[int, int]]:
    """经营主体 by kind: (number, 带动就业人数 summed) — 篇二's "686 家庭农场, 820 专业合作社,
    带动就业 36000 人"."""
    rows = (
        entity_rows(unit, period)
        .values("kind")
        .annotate(n=Count("id"), jobs=Sum("jobs_driven"))
        .order_by()
    )
    found = {row["kind"]: (row["n"], row["jobs"] or 0) for row in rows}
    return {kind: found[kind] for kind in EntityKind.values if kind in found}


def mentorship_rows(unit: OrgUnit, period: Period):
    """名师带徒 as rows: pairs under way at some time in the period (started on or before its
    last day, not ended before its first), whose master or apprentice lives in the scope."""
    return Mentorship.objects.filter(start_date__lte=period.end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=period.start),
        _within("master__home_org", unit) | _within("apprentice__home_org", unit),
    )


def art_team_rows(unit: OrgUnit):
    """文艺团队 as rows: the teams of a unit in the scope, as they are now (a team records no
    founding date, so the figure is the current stock whatever the period)."""
    return ArtTeam.objects.filter(_within("org", unit))


def performance_rows(unit: OrgUnit, period: Period):
    """演出 as rows: performances dated within the period held in a village of the scope."""
    return Performance.objects.filter(
        _within("village", unit), date__gte=period.start, date__lte=period.end
    )


def audience(unit: OrgUnit, period: Period) -> int:
    """观众人次: the audiences of those performances added up (a blank audience counts 0)."""
    return performance_rows(unit, period).aggregate(n=Sum("audience"))["n"] or 0
