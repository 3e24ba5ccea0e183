"""What a domain's report module is handed and gives back (docs/reports.md).

A domain declares, in the module its `domain.py` names as `Domain.report`:

- `SECTIONS`: `Section`s — which part of the report (`OPENING`, `MANAGE` 管, `ATTRACT` 引,
  `CULTIVATE` 育, `USE` 用, `SOCIAL` 社会工作), its order within the part, and a function
  (ctx) → the section's `Item`s (headed paragraphs), empty when there is no data;
- `PROBLEMS`: functions (ctx) → `Item`s of 存在的问题, each citing the figures that show it;
- `PLANS`: functions (ctx) → `Item`s of 下一步工作打算.

Every number a sentence carries comes from `ReportContext.figure` / `.lines` / `.change`, which
compute a registered figure (rencai/figures.py) and record it — key, label, value, unit of
measure, 口径, scope unit, period — so that the saved report keeps what it used and can tell later
which numbers have moved. A module never writes a literal number."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from rencai import figures
from rencai.figures import Line, Number, Period, Scope
from rencai.orgs.choices import OrgKind

OPENING = "opening"  # 基本情况: the paragraph before the numbered parts
MANAGE = "manage"  # 管
ATTRACT = "attract"  # 引
CULTIVATE = "cultivate"  # 育
USE = "use"  # 用
SOCIAL = "social"  # 社会工作
PARTS = (OPENING, MANAGE, ATTRACT, CULTIVATE, USE, SOCIAL)


@dataclass(frozen=True)
class Item:
    """A headed paragraph: its heading (the (一) / 1. / (1) line, numbered when written; "" for
    none), its sentences (one paragraph each) and the items below it, one level deeper."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    children: tuple["Item", ...] = ()


@dataclass(frozen=True)
class Section:
    part: str
    order: int
    write: Callable[["ReportContext"], Sequence[Item]]


@dataclass
class Used:
    """One number the report used, as the snapshot keeps it."""

    key: str
    label: str
    value: Any
    unit: str
    rule: str
    unit_id: int
    unit_path: str
    start: str
    end: str
    breakdown: str = ""
    line: str = ""  # the breakdown line's key (a category's pk, a unit's pk, a kind's code)

    def ident(self) -> tuple:
        return (self.key, self.breakdown, self.line, self.unit_id, self.start, self.end)


def plain(number: Number) -> Any:
    """A figure's value as JSON keeps it."""
    if isinstance(number, Decimal):
        return float(number)
    return number


def amount(number: Number, measure: str) -> str:
    """A number as offices write it: 3000 人次, 686 个, 50.0%."""
    if number is None:
        return ""
    if measure == "%":
        return f"{Decimal(str(number)).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    if isinstance(number, float | Decimal) and number != int(number):
        rounded = Decimal(str(number)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        text = f"{rounded:f}".rstrip("0").rstrip(".")
    else:
        text = str(int(number))
    return f"{text} {measure}" if measure else text


def period_words(period: Period) -> str:
    """The period as a title says it: 2026年, 2026年上半年, 2026年第三季度, 2026年3月, or the two
    dates."""
    year = period.start.year
    if period == Period.year(year):
        return _("%(y)d年") % {"y": year}
    for half, word in ((1, _("上半年")), (2, _("下半年"))):
        if period == Period.half(year, half):
            return f"{year}年{word}"
    for quarter in range(1, 5):
        if period == Period.quarter(year, quarter):
            return _("%(y)d年第%(q)s季度") % {"y": year, "q": "一二三四"[quarter - 1]}
    if period == Period.month(year, period.start.month):
        return _("%(y)d年%(m)d月") % {"y": year, "m": period.start.month}
    return _("%(a)s至%(b)s") % {"a": day_words(period.start), "b": day_words(period.end)}


def day_words(day: datetime.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def whole_of(unit: Any) -> str:
    """全县 / 全乡 / 全镇 / 全街道 / 全村 / 全社区, as a unit's report says "all of us"."""
    name = unit.name
    for ending in ("街道", "社区", "县", "乡", "镇", "村", "区", "市"):
        if name.endswith(ending):
            return _("全%(e)s") % {"e": ending}
    if unit.kind == OrgKind.COUNTY:
        return _("全县")
    return _("本单位")


def same_period_a_year_earlier(period: Period) -> Period | None:
    try:
        start = period.start.replace(year=period.start.year - 1)
        end = period.end.replace(year=period.end.year - 1)
    except ValueError:  # 29 February
        start = period.start - datetime.timedelta(days=365)
        end = period.end - datetime.timedelta(days=365)
    if start.year not in figures.YEARS:
        return None
    return Period(start, end)


@dataclass
class ReportContext:
    """The scope and period a report is written for, the same period a year earlier, and the
    record of every figure it used."""

    scope: Scope
    period: Period
    used: list[Used] = field(default_factory=list)

    @property
    def unit(self) -> Any:
        return self.scope.unit

    @property
    def last_year(self) -> Period | None:
        return same_period_a_year_earlier(self.period)

    @property
    def until(self) -> datetime.date:
        """The last day counted: the period's end, or today while the period runs."""
        counted = figures.happened(self.period)
        return counted.end if counted else self.period.end

    @property
    def whole(self) -> str:
        return whole_of(self.unit)

    @property
    def when(self) -> str:
        return period_words(self.period)

    def _record(
        self, f: figures.Figure, scope: Scope, period: Period, value: Number, **kw: str
    ) -> None:
        label = kw.pop("label", str(f.label))
        entry = Used(
            f.key,
            label,
            plain(value),
            str(f.measure),
            " ".join(str(f.rule).split()),
            scope.unit.pk,
            scope.unit.name_path,
            period.start.isoformat(),
            period.end.isoformat(),
            **kw,
        )
        if all(u.ident() != entry.ident() for u in self.used):
            self.used.append(entry)

    def note(
        self,
        key: str,
        label: str,
        number: Number,
        measure: str,
        rule: str,
        scope: Scope | None = None,
    ) -> "Value":
        """A number that is not a registered figure but is computed the same way for a scope
        (the data-quality score: key `quality` or `quality:<part>`), recorded like a figure."""
        scope = scope or self.scope
        entry = Used(
            key,
            label,
            plain(number),
            measure,
            " ".join(rule.split()),
            scope.unit.pk,
            scope.unit.name_path,
            self.period.start.isoformat(),
            self.period.end.isoformat(),
        )
        if all(u.ident() != entry.ident() for u in self.used):
            self.used.append(entry)
        return Value(number, measure, label)

    def has(self, key: str) -> bool:
        """Whether the figure is registered (a domain that is installed declares it)."""
        return key in figures.registry()

    def figure(self, key: str, scope: Scope | None = None, period: Period | None = None) -> "Value":
        """The registered figure `key` of the scope (default: the report's) and period (default:
        the report's), recorded."""
        f = figures.figure(key)
        scope, period = scope or self.scope, period or self.period
        number = f.compute(scope, period)
        self._record(f, scope, period, number)
        return Value(number, str(f.measure), str(f.label))

    def lines(
        self, key: str, breakdown: str, scope: Scope | None = None, period: Period | None = None
    ) -> list[tuple[Line, "Value"]]:
        """The lines of a figure's breakdown, each recorded."""
        f = figures.figure(key)
        scope, period = scope or self.scope, period or self.period
        found = []
        for line in f.lines(breakdown, scope, period):
            label = f"{f.label}：{line.label}"
            self._record(
                f, scope, period, line.value, breakdown=breakdown, line=str(line.key), label=label
            )
            found.append((line, Value(line.value, str(f.measure), str(line.label))))
        return found

    def change(self, key: str, scope: Scope | None = None) -> str:
        """同比 of a dated figure: 较上年同期增长 12.5% / 下降 3.0% / 持平; "" when the same
        period a year earlier has nothing to compare with."""
        earlier = self.last_year
        if earlier is None:
            return ""
        now = self.figure(key, scope).number
        return change_words(now, self.figure(key, scope, earlier).number)


def change_words(now: Number, before: Number) -> str:
    """较上年同期增长 12.5% / 较上年同期下降 10.0% / 与上年同期持平; "" when there is nothing
    to compare with (a year earlier had none)."""
    if not before or now is None:
        return ""
    rate = (Decimal(str(now)) - Decimal(str(before))) * 100 / Decimal(str(before))
    rate = rate.quantize(Decimal("0.1"), ROUND_HALF_UP)
    if rate == 0:
        return _("与上年同期持平")
    word = _("增长") if rate > 0 else _("下降")
    return _("较上年同期%(w)s %(r)s%%") % {"w": word, "r": abs(rate)}


@dataclass(frozen=True)
class Value:
    """A computed figure as a sentence uses it: `str()` writes it with its unit."""

    number: Number
    measure: str
    label: str

    def __str__(self) -> str:
        return amount(self.number, self.measure)

    def __bool__(self) -> bool:
        return bool(self.number)


def join(parts: Sequence[str]) -> str:
    """Items of a list in a Chinese sentence: a、b、c."""
    return "、".join(p for p in parts if p)
