"""Data quality per unit (数据质量): a score of 0–100 per unit, the mean of its parts.

Each domain declares its parts in the module its `domain.py` names as `quality` (`QUALITY`, a
tuple of `Part`), gathered here with `domains.declared("quality", "QUALITY")`; the spine adds its
own part for the imports (the rejected-row rate of the imports uploaded by the unit's accounts).
This module names no domain.

A part measures a scope (a unit and everything below it): a `Reading` of its percent (100 is
perfect; None when the part does not apply, e.g. a unit with nobody in the register) and its
count (the rows that pull the percent down) — and, for the scope's child units at once, from a
GROUP BY instead of a query per child (`by_child`; tests/test_quality.py holds it equal to
`measure` per child) — and links to exactly those rows — a list of its own
(`url`), or the spine's list of the part's `rows` (`alerts:quality_rows`), whose count equals the
part's count. `score(scope)` is the unit's score: its parts and their mean; `per_unit(scope)`
the score of each of the scope's child units (helper for the quality page and the report's
存在的问题)."""

import calendar
import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import IntegerField, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rencai import domains
from rencai.figures import Scope, today
from rencai.imports.models import ImportJob
from rencai.orgs.models import OrgUnit


@dataclass(frozen=True)
class Reading:
    """What a part finds in a scope: its percent (None: the part does not apply) and count."""

    percent: float | None
    count: int


def share_without(bad: int, whole: int) -> float | None:
    """100 × (1 − bad ÷ whole), one decimal; None when there is nothing to measure."""
    return round(100 * (whole - bad) / whole, 1) if whole else None


@dataclass(frozen=True)
class Column:
    """A column of the spine's list of a part's rows."""

    label: str | Promise
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Part:
    """One part of the score (see the module docstring). Give `url` (its own list, asked for a
    scope) or `rows` with `columns` (the spine lists them; `row_url` links each row, `total`
    sums what the count counts when that is not the number of rows)."""

    key: str
    label: str | Promise
    rule: str | Promise
    measure: Callable[[Scope], Reading]
    url: Callable[[Scope], str] | None = None
    rows: Callable[[Scope], QuerySet] | None = None
    columns: tuple[Column, ...] = ()
    row_url: Callable[[Any], str] | None = None
    total: Callable[[QuerySet], int] | None = None
    # the readings of every child unit of the scope at once (child pk → Reading; a child left
    # out reads as `measure` of nothing): what `per_unit` asks instead of `measure` per child
    by_child: Callable[[Scope], Mapping[int, Reading]] | None = None

    def link(self, scope: Scope) -> str:
        if self.url is not None:
            return self.url(scope)
        return reverse("alerts:quality_rows") + f"?unit={scope.unit.pk}&part={self.key}"


@dataclass(frozen=True)
class PartScore:
    key: str
    label: str
    rule: str
    percent: float | None
    count: int
    url: str


@dataclass(frozen=True)
class Quality:
    parts: tuple[PartScore, ...] = field(default=())

    @property
    def percent(self) -> float | None:
        """The mean of the percents of the parts that apply, one decimal; None when none does."""
        applying = [p.percent for p in self.parts if p.percent is not None]
        return round(sum(applying) / len(applying), 1) if applying else None

    def part(self, key: str) -> PartScore:
        return next(p for p in self.parts if p.key == key)


# -- the spine's own part: the imports ------------------------------------------------------------

IMPORT_MONTHS = 12


def _months_ago(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def checked_imports(scope: Scope) -> QuerySet:
    """Imports checked in the last 12 months (uploaded on or after the same day 12 months ago)
    by accounts whose unit lies in the scope, annotated with their rows and rejected rows."""
    since = timezone.make_aware(
        datetime.datetime.combine(_months_ago(today(), IMPORT_MONTHS), datetime.time.min)
    )
    jobs = ImportJob.objects.filter(
        scope.within("user__org"), created_at__gte=since, counts__has_key="total"
    )
    if scope.viewer is not None:
        jobs = jobs.filter(pk__in=ImportJob.objects.visible_to(scope.viewer).values("pk"))
    return jobs.annotate(
        rows=Coalesce(Cast(KT("counts__total"), IntegerField()), 0),
        rejected=Coalesce(Cast(KT("counts__rejected"), IntegerField()), 0),
    )


def _import_reading(scope: Scope) -> Reading:
    # named apart from the annotations they sum: an aggregate named like one reads nothing
    found = checked_imports(scope).aggregate(all_rows=Sum("rows"), all_rejected=Sum("rejected"))
    rejected = found["all_rejected"] or 0
    return Reading(share_without(rejected, found["all_rows"] or 0), rejected)


def _imports_by_child(scope: Scope) -> dict[int, Reading]:
    found: dict[int, list[int]] = {}
    grouped = (
        checked_imports(scope)
        .values_list("user__org")
        .annotate(all_rows=Sum("rows"), all_rejected=Sum("rejected"))
        .order_by()
    )
    for org, rows, rejected in grouped:
        child = scope.child_of.get(org)
        if child is not None:
            counted = found.setdefault(child, [0, 0])
            counted[0] += rows or 0
            counted[1] += rejected or 0
    return {
        child: Reading(share_without(rejected, rows), rejected)
        for child, (rows, rejected) in found.items()
    }


def _rejected_jobs(scope: Scope) -> QuerySet:
    return (
        checked_imports(scope)
        .filter(rejected__gt=0)
        .select_related("user")
        .order_by("-created_at", "-pk")
    )


IMPORTS = Part(
    "imports.rejected",
    _("导入有误行"),
    _(
        "近 12 个月（上传日期不早于 12 个月前的同一天）由本单位及其下级单位的账号上传、已完成"
        "检查的导入中，有误（被拒）的行数；得分 = （1 − 有误行数 ÷ 数据行数）× 100%，保留一位"
        "小数；没有导入时不计。"
    ),
    _import_reading,
    rows=_rejected_jobs,
    columns=(
        Column(_("文件名"), lambda job: job.file_name),
        Column(_("导入人"), lambda job: job.user.display_name or job.user.username),
        Column(_("上传时间"), lambda job: f"{timezone.localtime(job.created_at):%Y-%m-%d %H:%M}"),
        Column(_("数据行数"), lambda job: job.rows),
        Column(_("有误行数"), lambda job: job.rejected),
    ),
    row_url=lambda job: reverse("imports:job", args=[job.pk]),
    total=lambda jobs: jobs.aggregate(all_rejected=Sum("rejected"))["all_rejected"] or 0,
    by_child=_imports_by_child,
)


# -- the score ------------------------------------------------------------------------------------


def parts() -> list[Part]:
    """Every domain's parts, then the spine's own (the imports)."""
    found = [*domains.declared("quality", "QUALITY"), IMPORTS]
    keys = [p.key for p in found]
    if len(set(keys)) != len(keys):
        raise ValueError(f"quality parts declared twice: {keys}")
    return found


def part(key: str) -> Part | None:
    return next((p for p in parts() if p.key == key), None)


def _part_score(p: Part, scope: Scope, reading: Reading | None = None) -> PartScore:
    reading = p.measure(scope) if reading is None else reading
    return PartScore(
        p.key, str(p.label), str(p.rule), reading.percent, reading.count, p.link(scope)
    )


def score(scope: Scope) -> Quality:
    """The scope's data-quality score and its parts."""
    found = []
    for p in parts():
        found.append(_part_score(p, scope))
    return Quality(tuple(found))


NOTHING = Reading(None, 0)  # a child a part's `by_child` leaves out: nothing to measure


def per_unit(scope: Scope) -> list[tuple[OrgUnit, Quality]]:
    """The score of each of the scope's child units (`Scope.children`), in their order: each
    part read for all the children at once where it can (`Part.by_child`)."""
    declared = parts()
    below = {child.pk: scope.below(child) for child in scope.children}
    readings = {
        p.key: p.by_child(scope)
        if p.by_child is not None
        else {pk: p.measure(unit) for pk, unit in below.items()}
        for p in declared
    }
    return [
        (
            child,
            Quality(
                tuple(
                    _part_score(p, below[child.pk], readings[p.key].get(child.pk, NOTHING))
                    for p in declared
                )
            ),
        )
        for child in scope.children
    ]


def row_count(p: Part, rows: QuerySet) -> int:
    """The count the spine's list of a part's rows shows: what the part's count counts."""
    return p.total(rows) if p.total is not None else rows.count()
