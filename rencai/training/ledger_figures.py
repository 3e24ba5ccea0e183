"""The ledger figures in one pass: 培训人次 and 培训人数 of a unit, of each child unit and of each
training category for a period, with the year-to-date 人次 of target progress (`ledger_summary`)
— the grouped forms of the per-unit figures in rencai/training/figures.py, tested equal to them,
counting like them what has happened (to today). Whole years and half-years read the tallies the
database keeps (`_tallied_summary`, rencai/training/tally.py); any other period counts the ledger
rows (`_counted_summary`). The registered figures read one `summary_of` per scope and period,
and 组织培训人次 from `organised_of`: every ledger figure of a request shares their passes."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When

from rencai.figures import Period, Scope, Where, as_scope, happened
from rencai.orgs.models import OrgUnit
from rencai.people.models import Person
from rencai.training.figures import (
    CategoryLine,
    Progress,
    attendance_rows,
    counting_tallies,
    ended_within,
    progress_days,
    progress_until,
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


def _outside_organiser(scope: Scope):
    """For a row of a trainee from outside the county, the organiser it counts under (the 口径
    of `attendance_rows`); None for everyone else, who counts at their home unit."""
    if scope.county_is_everything:
        return Value(None, output_field=IntegerField())
    return Case(
        When(~Q(person__home_org__in=scope.county_ids), then=F("program__organiser")),
        default=Value(None),
        output_field=IntegerField(),
    )


def ledger_summary(
    unit: Where, children: list[OrgUnit], period: Period, year: int, until: datetime.date
) -> LedgerSummary:
    """`attendances`, `trainees`, the year-to-`until` 人次 and the categories of `unit`, and the
    same (with `progress(child, year, until)`) for each of its `children` (units directly under
    it) — the numbers those functions give, counted to today like them, from the ledger's
    tallies when the period is a whole year or half-year (`_tallied_summary`), else from the
    ledger rows (`_counted_summary`)."""
    scope = as_scope(unit)
    counted = happened(period)
    active = _whole_halves(period)
    if active is None or counted is None:
        return _counted_summary(scope, children, period, year, until)
    progress = progress_days(year, until)
    return _tallied_summary(scope, children, (period, counted), active, year, progress)


def summary_of(scope: Scope, period: Period) -> LedgerSummary:
    """The scope's `ledger_summary` for `period`, with the target progress beside it
    (`progress_until`) and the scope's children (`Scope.children`), computed once per scope:
    the registered ledger figures of one request all read this one pass."""

    def compute() -> LedgerSummary:
        year, until = progress_until(period)
        return ledger_summary(scope, scope.children, period, year, until)

    return scope.memo(("training.ledger_summary", period), compute)


def organised_of(scope: Scope, period: Period) -> tuple[int, Counter]:
    """组织培训人次 of the scope (the count of `organised_rows`) and per child unit (a program
    counts for the child whose subtree holds its organiser), from the tallies in one grouped
    pass, once per scope: ProgramTally holds every row of a program once, under its home unit."""

    def compute() -> tuple[int, Counter]:
        tallies = ProgramTally.objects.filter(ended_within(happened(period)))
        if not scope.is_everything:
            tallies = tallies.filter(program__organiser__in=scope.subtree_ids)
        grouped = tallies.values_list("program__organiser").annotate(n=Sum("attendances"))
        per_child: Counter = Counter()
        total = 0
        for organiser, n in grouped.order_by():
            total += n
            if organiser in scope.child_of:
                per_child[scope.child_of[organiser]] += n
        return total, per_child

    return scope.memo(("training.organised", period), compute)


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
    scope: Scope,
    children: list[OrgUnit],
    year: int,
    last: tuple[datetime.date, bool],
    totals: tuple[int, int, int],
    n: Counter,
    ytd: Counter,
    people: Counter,
    categories: tuple[Counter, Counter],
) -> LedgerSummary:
    """The LedgerSummary of counts made per child unit (`n`, `ytd`, `people`) and per category
    pk (人次, 人数); `totals` is (人次, 人数, year-to-date 人次) of the scope, `last` the last day
    progress counted and whether the year has begun."""
    until, begun = last
    targets = dict(
        TrainingTarget.objects.filter(year=year, org__in=children, category=None).values_list(
            "org", "attendances"
        )
    )
    lines = [
        UnitLine(
            c, n[c.pk], people[c.pk], Progress(c, year, targets.get(c.pk), ytd[c.pk], until, begun)
        )
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


def _child_of(scope: Scope, children: list[OrgUnit]) -> dict[int, int]:
    if children == scope.children:
        return scope.child_of  # asked once per scope
    return OrgUnit.objects.child_of(scope.unit, children)


def _window(*periods: Period | None) -> Period:
    """The days from the first start to the last end of the periods given (one at least)."""
    given = [p for p in periods if p is not None]
    return Period(min(p.start for p in given), max(p.end for p in given))


def _tallied_summary(
    scope: Scope,
    children: list[OrgUnit],
    periods: tuple[Period, Period],
    active: Q,
    year: int,
    progress: tuple[Period | None, datetime.date],
) -> LedgerSummary:
    """`ledger_summary` of a whole year or half-year (`periods`: the period asked and the part
    of it counted, to today), from the tallies (rencai/training/tally.py) — the same 口径 as
    `attendance_rows`, read from far fewer rows:

    - 人次 (in the period, by child and category; year to date) from ProgramTally: counts per
      program and home unit, joined to the programs of the window, grouped by counting unit;
    - 培训人数 of the scope's own residents from TraineeTally: one row per person, year and
      category (0 = all) with 人次 in the period's halves, joined to Person for the home unit
      now — a person has one home, so the counts add up over units; less those whose every
      人次 of the halves is at a program planned to end after today (`_only_planned`);
    - 培训人数 of trainees from outside the county (counted under the organiser, `unit` not the
      whole installation): their few rows, found through ProgramTally, read from the ledger."""
    period, counted = periods
    year_to_date, last = progress
    grouped = (
        counting_tallies(scope, _window(counted, year_to_date))
        .annotate(cat=F("program__category"))
        .values("counting", "cat")
        .annotate(
            n=Sum("attendances", filter=ended_within(counted)),
            ytd=Sum("attendances", filter=ended_within(year_to_date)),
        )
        .order_by()
    )
    child_of = _child_of(scope, children)
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
    if not scope.is_everything:
        residents = residents.filter(person__home_org__in=scope.subtree_ids)
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
    if counted != period:
        for home, cat, count in _only_planned(residents, period, counted):
            if cat:
                category_people[cat] -= count
                continue
            trainees -= count
            if child_of.get(home) is not None:
                people[child_of[home]] -= count
    if not scope.county_is_everything:
        outside = _outside_trainees(scope, counted)
        trainees += len({who for who, _organiser, _cat in outside})
        for child in set(child_of.values()):
            people[child] += len(
                {who for who, organiser, _cat in outside if child_of.get(organiser) == child}
            )
        for cat in {cat for _who, _organiser, cat in outside}:
            category_people[cat] += len({who for who, _o, c in outside if c == cat})
    return _summary(
        scope,
        children,
        year,
        (last, year_to_date is not None),
        (total, trainees, total_ytd),
        n,
        ytd,
        people,
        (per_category, category_people),
    )


def _only_planned(residents, period: Period, counted: Period) -> list[tuple[int, int, int]]:
    """(home unit, category or 0, trainees) of the TraineeTally rows among `residents` whose
    every 人次 in `period`'s halves is at a program ending after `counted` (planned to end after
    today): the tallies count by half-year, so these trainees are in them but not yet in
    培训人数. In one query: the rows of those programs counted per person and category (and per
    person, category 0), joined to the residents' tally rows where the counts are equal, so only
    the few matches come back."""
    planned = Attendance.objects.filter(
        program__end_date__gt=counted.end, program__end_date__lte=period.end
    )
    if not planned.exists():
        return []  # nobody is enrolled ahead of time
    per_category = planned.values("person").annotate(cat=F("program__category"), n=Count("*"))
    per_person = planned.values("person").annotate(
        cat=Value(0, output_field=IntegerField()), n=Count("*")
    )
    year = period.start.year
    halves = {Period.half(year, 1): F("h1"), Period.half(year, 2): F("h2")}
    tallied = residents.values("person", "category").annotate(
        home=F("person__home_org"),
        n=halves.get(period, F("h1") + F("h2")),  # the whole year: both halves
    )
    qn = connection.ops.quote_name
    parts = [q.order_by().query.sql_with_params() for q in (tallied, per_category, per_person)]
    sql = (
        f"SELECT r.{qn('home')}, r.{qn('category')}, COUNT(*) FROM ({parts[0][0]}) r"
        f" JOIN ({parts[1][0]} UNION ALL {parts[2][0]}) f ON f.{qn('person')} = r.{qn('person')}"
        f" AND f.{qn('cat')} = r.{qn('category')} AND f.{qn('n')} = r.{qn('n')}"
        f" GROUP BY r.{qn('home')}, r.{qn('category')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*parts[0][1], *parts[1][1], *parts[2][1]])
        return cursor.fetchall()


def _outside_trainees(scope: Scope, period: Period) -> list[tuple[int, int, int]]:
    """(person, organiser, category) of the 人次 in the period of trainees from outside the
    scope's county at programs organised in its subtree: the programs are those whose
    ProgramTally has a home unit outside the county, so only their rows are read."""
    county = scope.county_ids
    programs = (
        ProgramTally.objects.filter(ended_within(period), program__organiser__in=scope.subtree_ids)
        .exclude(home_org__in=county)
        .values("program")
    )
    return list(
        Attendance.objects.filter(program__in=programs)
        .exclude(person__home_org__in=county)
        .values_list("person", "program__organiser", "program__category")
    )


def _counted_summary(
    unit: Where, children: list[OrgUnit], period: Period, year: int, until: datetime.date
) -> LedgerSummary:
    """`ledger_summary` of any period, from the ledger itself in one query: the scope's rows
    counted per person (and, for a trainee from outside the county, per organiser) *before* the
    join that finds the person's home unit, so the million-row side is aggregated once, without
    joins to Person. A row belongs to the child whose subtree holds its counting unit; a person is
    counted once wherever they appear. Counted to today, like the per-unit figures."""
    scope = as_scope(unit)
    counted, (year_to_date, last) = happened(period), progress_days(year, until)
    if counted is None and year_to_date is None:
        counts: tuple = (Counter(), Counter(), Counter(), (Counter(), Counter()))
        return _summary(scope, children, year, (last, False), (0, 0, 0), *counts)
    window = _window(counted, year_to_date)
    in_period = ended_within(counted)
    if window == counted:
        in_period = Q()  # every row of the window is in the period: no test per row
    categories = dict(TrainingCategory.objects.values_list("pk", "name"))
    by_category = {
        f"c{pk}": Count("id", filter=in_period & Q(program__category=pk)) for pk in categories
    }
    inner = (
        attendance_rows(scope, window)
        .annotate(who=F("person"), outside=_outside_organiser(scope))
        .values("who", "outside")
        .annotate(
            n=Count("id", filter=in_period or None),
            ytd=Count("id", filter=ended_within(year_to_date)),
            **by_category,
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
    child_of = _child_of(scope, children)
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
            continue  # counted at the scope's unit itself or below a child not listed
        n[child] += in_p
        ytd[child] += in_y
        if in_p:
            people.setdefault(child, set()).add(who)
    return _summary(
        scope,
        children,
        year,
        (last, year_to_date is not None),
        (total, len(everyone), total_ytd),
        n,
        ytd,
        Counter({child: len(who) for child, who in people.items()}),
        (per_category, Counter({pk: len(who) for pk, who in category_people.items()})),
    )
