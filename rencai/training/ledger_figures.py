"""The 培训概况's ledger figures in one pass: 培训人次 and 培训人数 of a unit, of each child unit
and of each training category for a period (`ledger_summary`) — the grouped forms of the per-unit
figures in rencai/training/figures.py, tested equal to them. Whole years and half-years read the
tallies the database keeps (`_tallied_summary`, rencai/training/tally.py); any other period counts
the ledger rows (`_counted_summary`)."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When

from rencai.figures import Period
from rencai.orgs.models import OrgUnit
from rencai.people.models import Person
from rencai.training.figures import (
    CategoryLine,
    Progress,
    _counting_tallies,
    _county_is_everything,
    _root_ids,
    attendance_rows,
)
from rencai.training.models import (
    Attendance,
    ProgramTally,
    TraineeTally,
    TrainingCategory,
    TrainingTarget,
)


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
    it) — the numbers those functions give, from the ledger's tallies when the period is a whole
    year or half-year (`_tallied_summary`), else from the ledger rows (`_counted_summary`)."""
    active = _whole_halves(period)
    if active is None:
        return _counted_summary(unit, children, period, year, until)
    return _tallied_summary(unit, children, period, active, year, until)


def _whole_halves(period: Period) -> Q | None:
    """For a period that is a whole year or half-year, the condition on a TraineeTally row of its
    year for 人次 within the period; None for any other period (the tallies cannot say)."""
    year = period.start.year
    if period == Period.year(year):
        return Q(h1__gt=0) | Q(h2__gt=0)
    if period == Period.half(year, 1):
        return Q(h1__gt=0)
    if period == Period.half(year, 2):
        return Q(h2__gt=0)
    return None


def _summary(
    unit: OrgUnit,
    children: list[OrgUnit],
    year: int,
    until: datetime.date,
    totals: tuple[int, int, int],
    n: Counter,
    ytd: Counter,
    people: Counter,
    categories: tuple[Counter, Counter],
) -> LedgerSummary:
    """The LedgerSummary of counts made per child unit (`n`, `ytd`, `people`) and per category
    pk (人次, 人数); `totals` is (人次, 人数, year-to-date 人次) of the scope."""
    targets = dict(
        TrainingTarget.objects.filter(year=year, org__in=children, category=None).values_list(
            "org", "attendances"
        )
    )
    lines = [
        UnitLine(c, n[c.pk], people[c.pk], Progress(c, year, targets.get(c.pk), ytd[c.pk], until))
        for c in children
    ]
    per_category, category_people = categories
    names = dict(TrainingCategory.objects.filter(pk__in=per_category).values_list("pk", "name"))
    category_lines = sorted(
        (
            CategoryLine(pk, names[pk], count, category_people[pk])
            for pk, count in per_category.items()
            if count
        ),
        key=lambda line: (-line.attendances, line.name),
    )
    attendances, trainees, achieved = totals
    return LedgerSummary(attendances, trainees, achieved, lines, category_lines)


def _tallied_summary(
    unit: OrgUnit,
    children: list[OrgUnit],
    period: Period,
    active: Q,
    year: int,
    until: datetime.date,
) -> LedgerSummary:
    """`ledger_summary` of a whole year or half-year, from the tallies (rencai/training/tally.py)
    — the same 口径 as `attendance_rows`, read from far fewer rows:

    - 人次 (in the period, by child and category; year to `until`) from ProgramTally: counts per
      program and home unit, joined to the programs of the window, grouped by counting unit;
    - 培训人数 of the scope's own residents from TraineeTally: one row per person, year and
      category (0 = all) with 人次 in the period's halves, joined to Person for the home unit
      now — a person has one home, so the counts add up over units;
    - 培训人数 of trainees from outside the county (counted under the organiser, `unit` not the
      whole installation): their few rows, found through ProgramTally, read from the ledger."""
    year_start = datetime.date(year, 1, 1)
    window = Period(min(period.start, year_start), max(period.end, until))
    in_period = Q(program__end_date__gte=period.start, program__end_date__lte=period.end)
    in_year = Q(program__end_date__gte=year_start, program__end_date__lte=until)
    everything = _county_is_everything(unit)
    grouped = (
        _counting_tallies(unit, window)
        .annotate(cat=F("program__category"))
        .values("counting", "cat")
        .annotate(n=Sum("attendances", filter=in_period), ytd=Sum("attendances", filter=in_year))
        .order_by()
    )
    child_of = OrgUnit.objects.child_of(unit, children)
    n: Counter = Counter()
    ytd: Counter = Counter()
    per_category: Counter = Counter()
    total = total_ytd = 0
    for row in grouped:
        child = child_of.get(row["counting"])
        in_p, in_y = row["n"] or 0, row["ytd"] or 0
        total += in_p
        total_ytd += in_y
        per_category[row["cat"]] += in_p
        if child is not None:
            n[child] += in_p
            ytd[child] += in_y

    residents = TraineeTally.objects.filter(active, year=period.start.year)
    if not OrgUnit.objects.is_sole_root(unit):
        residents = residents.filter(person__home_org__in=OrgUnit.objects.subtree_ids(unit))
    people: Counter = Counter()
    trainees = 0
    for home, count in (
        residents.filter(category=0)
        .values_list("person__home_org")
        .annotate(n=Count("*"))
        .order_by()
    ):
        trainees += count
        if child_of.get(home) is not None:
            people[child_of[home]] += count
    category_people = Counter(
        dict(
            residents.exclude(category=0).values_list("category").annotate(n=Count("*")).order_by()
        )
    )
    if not everything:
        outside = _outside_trainees(unit, period)
        trainees += len({who for who, _organiser, _cat in outside})
        for child in set(child_of.values()):
            people[child] += len(
                {who for who, organiser, _cat in outside if child_of.get(organiser) == child}
            )
        for cat in {cat for _who, _organiser, cat in outside}:
            category_people[cat] += len({who for who, _o, c in outside if c == cat})
    return _summary(
        unit,
        children,
        year,
        until,
        (total, trainees, total_ytd),
        n,
        ytd,
        people,
        (per_category, category_people),
    )


def _outside_trainees(unit: OrgUnit, period: Period) -> list[tuple[int, int, int]]:
    """(person, organiser, category) of the 人次 in the period of trainees from outside
    `unit`'s county at programs organised in its subtree: the programs are those whose
    ProgramTally has a home unit outside the county, so only their rows are read."""
    scope = OrgUnit.objects.subtree_ids(unit)
    county = list(_root_ids(unit))
    programs = (
        ProgramTally.objects.filter(
            program__organiser__in=scope,
            program__end_date__gte=period.start,
            program__end_date__lte=period.end,
        )
        .exclude(home_org__in=county)
        .values("program")
    )
    return list(
        Attendance.objects.filter(program__in=programs)
        .exclude(person__home_org__in=county)
        .values_list("person", "program__organiser", "program__category")
    )


def _counted_summary(
    unit: OrgUnit, children: list[OrgUnit], period: Period, year: int, until: datetime.date
) -> LedgerSummary:
    """`ledger_summary` of any period, from the ledger itself in one query: `unit`'s rows
    counted per person (and, for a trainee from outside the county, per organiser) *before* the
    join that finds the person's home unit, so the million-row side is aggregated once, without
    joins to Person. A row belongs to the child whose subtree holds its counting unit; a person is
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
    child_of = OrgUnit.objects.child_of(unit, children)
    n: Counter = Counter()
    ytd: Counter = Counter()
    people: dict[int, set[int]] = {}
    everyone: set[int] = set()
    per_category: Counter = Counter()
    category_people: dict[int, set[int]] = {}
    total = total_ytd = 0
    for who, outside, in_p, in_y, *rest in rows:
        home = rest.pop()
        total += in_p
        total_ytd += in_y
        if in_p:
            everyone.add(who)
        for pk, count in zip(categories, rest, strict=True):
            if count:
                per_category[pk] += count
                category_people.setdefault(pk, set()).add(who)
        child = child_of.get(outside if outside is not None else home)
        if child is None:
            continue  # counted at `unit` itself or below a child not listed
        n[child] += in_p
        ytd[child] += in_y
        if in_p:
            people.setdefault(child, set()).add(who)
    return _summary(
        unit,
        children,
        year,
        until,
        (total, len(everyone), total_ytd),
        n,
        ytd,
        Counter({child: len(who) for child, who in people.items()}),
        (per_category, Counter({pk: len(who) for pk, who in category_people.items()})),
    )
