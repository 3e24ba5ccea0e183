"""The training figures (培训人次, 组织培训人次, 培训人数, target progress, outcomes, entities,
mentorships, teams, performances): each one named query whose docstring states its 口径 — what is
counted, which date puts it in a period, which unit puts it in a jurisdiction. figures_registry.py
beside it registers them with the figures layer (rencai/figures.py), which the overview, the API,
`rencai figures` and docs/figures.md read.

A figure is asked for a *scope* (a unit and everything below it) and a *period* (first and last
day, both included: rencai.figures.Period). The ledger's figures count what has happened: the
programs whose end date lies in the period and is not after today (`rencai.figures.happened`,
applied by `attendance_rows`, `organised_rows` and `progress`, so every figure, list and
progress of the ledger clips the same way)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.utils.translation import gettext as _

from rencai.figures import Period, Where, as_scope, happened
from rencai.orgs.models import OrgUnit
from rencai.training.choices import EntityKind, OutcomeKind
from rencai.training.models import (
    ArtTeam,
    Attendance,
    Entity,
    Mentorship,
    Outcome,
    Performance,
    ProgramTally,
    TrainingCategory,
    TrainingTarget,
)


def _within(field: str, where: Where) -> Q:
    """`field` (a lookup to an OrgUnit) in the unit's subtree (`Scope.within`)."""
    return as_scope(where).within(field)


def ended_within(period: Period | None, field: str = "program__end_date") -> Q:
    """The rows whose program's end date lies in `period` (no row for None: nothing happened)."""
    if period is None:
        return Q(**{f"{field}__isnull": True})  # the end date is required: no row
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def attendance_rows(unit: Where, period: Period):
    """培训人次 as rows: the Attendance rows of programs that **ended** within the period, not
    after today (`happened`), whose trainee's **home unit** lies in `unit`'s subtree; a trainee
    whose home unit is outside the county (the tree `unit` belongs to) counts under the
    **organiser's** unit instead."""
    rows = Attendance.objects.filter(ended_within(happened(period)))
    where = as_scope(unit)
    if where.is_everything:
        return rows  # every home unit and every organiser is in the scope
    scope, county = where.subtree_ids, where.county_ids
    return rows.filter(
        Q(person__home_org__in=scope)
        | (Q(program__organiser__in=scope) & ~Q(person__home_org__in=county))
    )


def attendances(unit: Where, period: Period) -> int:
    """培训人次 (see `attendance_rows`)."""
    return attendance_rows(unit, period).count()


def trainees(unit: Where, period: Period) -> int:
    """培训人数: distinct Persons among the 培训人次 rows (someone trained three times is one)."""
    return attendance_rows(unit, period).values("person").distinct().count()


def organised_rows(unit: Where, period: Period):
    """组织培训人次 as rows: the Attendance rows of programs that ended within the period, not
    after today, and whose **organiser** lies in `unit`'s subtree, wherever the trainees live."""
    return Attendance.objects.filter(
        _within("program__organiser", unit), ended_within(happened(period))
    )


def organised_attendances(unit: Where, period: Period) -> int:
    """组织培训人次 (see `organised_rows`)."""
    return organised_rows(unit, period).count()


def attendances_by_category(unit: Where, period: Period) -> dict[str, int]:
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
    until: datetime.date  # the last day counted (统计截止日): not after today
    begun: bool = True  # False: the year has not begun, nothing is counted yet

    @property
    def percent(self) -> Decimal | None:
        """Achieved over target, one decimal (50.0)."""
        if not self.target:
            return None
        value = Decimal(100 * self.achieved) / Decimal(self.target)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def expected_percent(self) -> Decimal:
        """时间进度: the share of the year gone by on `until`, where a unit on schedule would be:
        (until − 1 January + 1) ÷ the year's days × 100, one decimal; 0 before the year begins."""
        if not self.begun:
            return Decimal("0.0")
        start = datetime.date(self.year, 1, 1)
        days = (datetime.date(self.year, 12, 31) - start).days + 1
        gone = min(max((self.until - start).days + 1, 0), days)
        return (Decimal(100 * gone) / Decimal(days)).quantize(Decimal("0.1"))

    @property
    def behind(self) -> bool:
        """进度滞后: 完成率 below 时间进度."""
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


def progress_until(period: Period) -> tuple[int, datetime.date]:
    """The year and last day of the target progress beside the ledger figures of `period`: the
    year the counted part of the period (`happened`) ends in, to its last day; when nothing of
    the period has happened yet, the year it begins in, to 31 December (`progress` counts that to
    today — nothing at all before the year begins)."""
    counted = happened(period)
    if counted is not None:
        return counted.end.year, counted.end
    return period.start.year, datetime.date(period.start.year, 12, 31)


def progress_days(year: int, until: datetime.date) -> tuple[Period | None, datetime.date]:
    """The days target progress counts: 1 January of `year` to `until`, not after today
    (`happened`), and the last day counted (`until` itself when the year has not begun)."""
    days = happened(Period(datetime.date(year, 1, 1), until))
    return days, days.end if days else until


def progress(unit: Where, year: int, until: datetime.date | None = None, category=None) -> Progress:
    """Target progress: 培训人次 of programs that ended between 1 January and `until` (default:
    31 December), not after today, over the unit's target for the year — its overall target, or
    its target for `category` (then only that category's 人次 count)."""
    days, last = progress_days(year, until or datetime.date(year, 12, 31))
    scope = as_scope(unit)
    target = target_of(scope.unit, year, category)
    if days is None:
        return Progress(scope.unit, year, target, 0, last, begun=False)
    rows = attendance_rows(scope, days)
    if category is not None:
        rows = rows.filter(program__category=category)
    return Progress(scope.unit, year, target, rows.count(), last)


def counting_tallies(unit: Where, window: Period):
    """ProgramTally rows of the programs that ended within `window` (days the caller has
    already clipped to today) which count in `unit`'s scope, each annotated with its `counting`
    unit: the 口径 of `attendance_rows` (the home unit, or the organiser for trainees from
    outside the county), read from the tallies."""
    where = as_scope(unit)
    tallies = ProgramTally.objects.filter(ended_within(window))
    if not where.is_everything:
        scope, county = where.subtree_ids, where.county_ids
        tallies = tallies.filter(
            Q(home_org__in=scope) | (Q(program__organiser__in=scope) & ~Q(home_org__in=county))
        )
    if where.county_is_everything:
        return tallies.annotate(counting=F("home_org"))
    return tallies.annotate(
        counting=Case(
            When(home_org__in=where.county_ids, then=F("home_org")),
            default=F("program__organiser"),
            output_field=IntegerField(),
        )
    )


def progress_many(
    targets: list[TrainingTarget], until_in: Callable[[int], datetime.date]
) -> dict[int, Progress]:
    """`progress(t.org, t.year, until_in(t.year), t.category)` for each target, keyed by its
    pk, from one query per county, year and category over the ledger's tallies (人次 grouped by
    counting unit, added up over each target's subtree) instead of one per target; counted to
    today at the latest, like `progress`."""
    groups: dict[tuple, list[TrainingTarget]] = {}
    for t in targets:
        groups.setdefault((t.org.root_path, t.year, t.category_id), []).append(t)
    found: dict[int, Progress] = {}
    for (root_path, year, category), members in groups.items():
        days, last = progress_days(year, until_in(year))
        counts: dict[int, int] = {}
        if days is not None:
            rows = counting_tallies(OrgUnit.objects.get(path=root_path), days)
            if category is not None:
                rows = rows.filter(program__category=category)
            counts = dict(rows.values_list("counting").annotate(n=Sum("attendances")).order_by())
        paths = dict(OrgUnit.objects.filter(pk__in=counts).values_list("pk", "path"))
        for t in members:
            achieved = sum(n for pk, n in counts.items() if paths[pk].startswith(t.org.path))
            found[t.pk] = Progress(t.org, year, t.attendances, achieved, last, days is not None)
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


def outcome_rows(unit: Where, period: Period):
    """培训成效 as rows: Outcomes dated within the period whose person's **home unit** is in the
    scope (an outcome counts where the person lives, like their 人次)."""
    return Outcome.objects.filter(
        _within("person__home_org", unit), date__gte=period.start, date__lte=period.end
    )


def outcomes_by_kind(unit: Where, period: Period) -> dict[str, int]:
    """培训成效 by kind (创办规模养殖场 20, 从事技工/务工 50 …), in the order of the kinds."""
    counts = dict(outcome_rows(unit, period).values_list("kind").annotate(n=Count("id")).order_by())
    return {kind: counts[kind] for kind in OutcomeKind.values if kind in counts}


def entity_rows(unit: Where, period: Period):
    """经营主体 as rows: entities of a unit in the scope founded on or before the period's last
    day (or with no founding date recorded): the stock at the end of the period."""
    return Entity.objects.filter(_within("org", unit)).filter(
        Q(founded_on__lte=period.end) | Q(founded_on__isnull=True)
    )


def entities_by_kind(unit: Where, period: Period) -> dict[str, tuple[int, int]]:
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


def mentorship_rows(unit: Where, period: Period):
    """名师带徒 as rows: pairs under way at some time in the period (started on or before its
    last day, not ended before its first), whose master or apprentice lives in the scope."""
    scope = as_scope(unit)
    return Mentorship.objects.filter(start_date__lte=period.end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=period.start),
        _within("master__home_org", scope) | _within("apprentice__home_org", scope),
    )


def art_team_rows(unit: Where):
    """文艺团队 as rows: the teams of a unit in the scope, as they are now (a team records no
    founding date, so the figure is the current stock whatever the period)."""
    return ArtTeam.objects.filter(_within("org", unit))


def performance_rows(unit: Where, period: Period):
    """演出 as rows: performances dated within the period held in a village of the scope."""
    return Performance.objects.filter(
        _within("village", unit), date__gte=period.start, date__lte=period.end
    )


def audience(unit: Where, period: Period) -> int:
    """观众人次: the audiences of those performances added up (a blank audience counts 0)."""
    return performance_rows(unit, period).aggregate(n=Sum("audience"))["n"] or 0


# -- 青年, 实训基地, 整改: the figures the seed texts state beside the ledger's --------------------

YOUTH_AGE = 35  # 青年: aged 35 or under on the course's end date


def youth_condition(birth: str = "person__birth_date", day: str = "program__end_date") -> Q:
    """The trainee was aged `YOUTH_AGE` or under on the program's end date: born after the day
    `YOUTH_AGE + 1` years before it — (birth year, month, day) above (end year − 36, month,
    day), compared field by field so that both databases read it alike (one born on 29 February
    turns 36 on 1 March of a common year)."""
    limit = YOUTH_AGE + 1
    year = F(f"{day}__year") - limit
    return Q(**{f"{birth}__year__gt": year}) | Q(
        Q(**{f"{birth}__year": year}),
        Q(**{f"{birth}__month__gt": F(f"{day}__month")})
        | Q(**{f"{birth}__month": F(f"{day}__month"), f"{birth}__day__gt": F(f"{day}__day")}),
    )


def youth_rows(unit: Where, period: Period):
    """青年培训 as rows: the 培训人次 rows (`attendance_rows`: same period, same units) of
    trainees aged 35 or under on their program's end date (`youth_condition`). Only those born
    after the day 36 years before the period's first day can be (an index on the birth date
    narrows the rows before the condition is read row by row)."""
    rows = attendance_rows(unit, period).filter(youth_condition())
    start = period.start
    try:
        earliest = start.replace(year=start.year - YOUTH_AGE - 1)
    except ValueError:  # 29 February of a year 36 years after a common one
        earliest = start.replace(year=start.year - YOUTH_AGE - 1, day=28)
    return rows.filter(person__birth_date__gt=earliest)


def youth_trainees(unit: Where, period: Period) -> int:
    """青年培训人数: distinct trainees among `youth_rows` (one trained twice counts once)."""
    return youth_rows(unit, period).values("person").distinct().count()


def youth_by_category(unit: Where, period: Period) -> dict[int, int]:
    """青年培训人数 by the program's category pk, largest first (a youth at two categories'
    courses counts in each)."""
    rows = (
        youth_rows(unit, period)
        .values_list("program__category")
        .annotate(n=Count("person", distinct=True))
        .order_by("-n", "program__category")
    )
    return dict(rows)


def base_rows(unit: Where):
    """实训基地 as rows: the bases 运营中 (not 在建, not 停用) of a unit in the scope, as they are
    now (a base records no opening date: the figure is the current stock whatever the
    period)."""
    from rencai.training.choices import BaseStatus
    from rencai.training.models import TrainingBase

    return TrainingBase.objects.filter(_within("org", unit), status=BaseStatus.ACTIVE)


def livestock_rows(unit: Where, measure: str):
    """存栏 as rows: the Livestock of `base_rows` counted in `measure` (头, 只, 羽, 箱)."""
    from rencai.training.models import Livestock

    return Livestock.objects.filter(base__in=base_rows(unit).values("pk"), unit=measure)


def livestock_by_kind(unit: Where, measure: str) -> dict[str, int]:
    """存栏 in `measure` by kind (牛 100, 羊 300 …), largest first."""
    rows = (
        livestock_rows(unit, measure)
        .values_list("kind")
        .annotate(n=Sum("count"))
        .order_by("-n", "kind")
    )
    return dict(rows)


def counted_day(period: Period) -> datetime.date | None:
    """The day a figure of open matters is counted on: the period's last day, or today while
    the period runs (`happened`); None when the period begins after today."""
    days = happened(period)
    return days.end if days else None


def overdue_rows(unit: Where, period: Period):
    """逾期未整改事项 as rows: rectification items of an inspection of a unit in the scope whose
    due date lay before `counted_day(period)` and which were not done on that day (no done
    date, or a later one); none when the period begins after today."""
    from rencai.training.models import RectificationItem

    day = counted_day(period)
    if day is None:
        return RectificationItem.objects.none()
    return RectificationItem.objects.filter(
        _within("inspection__org", unit),
        Q(done_on__isnull=True) | Q(done_on__gt=day),
        due_on__lt=day,
    )
