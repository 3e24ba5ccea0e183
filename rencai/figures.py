"""Figures as their own layer: every statistic rencai shows or reports, declared once.

A domain declares its figures in its `figures.py` as `FIGURES`, a tuple of `Figure`, and names
that module in its `domain.py` (`Domain.figures`); this module gathers them into one registry
keyed by a stable key (`training.attendance`, `people.active` …) and names no domain. Whoever
needs a number — the overview pages, the API (`/api/figures/`), `rencai figures`, later the
dashboard and the Word report — asks the registry for it with a `Scope` (a unit and everything
below it, computed once per request) and a `Period` (first and last day, both included).
Figures of events that are dated — a training program's end, an outcome — count what has
happened: `happened(period)` is the part of a period up to today, the one place that clips.

`docs/figures.md` holds a section generated from the registry (`rencai figures --docs FILE`);
tests/test_figures_registry.py fails when the file and the registry differ."""

import calendar
import datetime
import importlib
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import Aggregate, Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from rencai import domains
from rencai.orgs.choices import OrgKind
from rencai.orgs.models import OrgUnit

T = TypeVar("T")

Number = int | float | Decimal | None


@dataclass(frozen=True)
class Period:
    """A run of days, first and last both included."""

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

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = 3 * (quarter - 1) + 1
        return cls.month(year, first).span(cls.month(year, first + 2))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        last = calendar.monthrange(year, month)[1]
        return cls(datetime.date(year, month, 1), datetime.date(year, month, last))

    def span(self, other: "Period") -> "Period":
        return Period(self.start, other.end)

    def to(self, day: datetime.date) -> "Period | None":
        """The days of the period up to `day` included; None when the period begins after it."""
        if day < self.start:
            return None
        return self if day >= self.end else Period(self.start, day)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(_("结束日期早于开始日期"))

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def today() -> datetime.date:
    """The day it is where the installation is (TIME_ZONE): the last day counted so far."""
    return timezone.localdate()


def happened(period: Period) -> Period | None:
    """The part of `period` that has happened: its days up to today (`Period.to`); None when it
    begins after today. A figure of dated events counts these days only, so that a program
    planned to end next week is not counted before it ends — the one rule for a figure and the
    progress beside it."""
    return period.to(today())


_YEAR = r"(?P<y>\d{4})"
_PERIODS: list[tuple[re.Pattern, Callable[[dict], Period]]] = [
    (re.compile(rf"{_YEAR}"), lambda m: Period.year(int(m["y"]))),
    (re.compile(rf"{_YEAR}H(?P<n>[12])"), lambda m: Period.half(int(m["y"]), int(m["n"]))),
    (re.compile(rf"{_YEAR}Q(?P<n>[1-4])"), lambda m: Period.quarter(int(m["y"]), int(m["n"]))),
    (re.compile(rf"{_YEAR}-(?P<n>\d{{1,2}})"), lambda m: Period.month(int(m["y"]), int(m["n"]))),
]
YEARS = range(2000, 2101)


def parse_period(text: str) -> Period:
    """A period as offices and scripts write it: `2026`, `2026H1`, `2026H2`, `2026Q3`,
    `2026-03`, or two dates `2026-01-01..2026-06-30`. A ValueError says in Chinese what is
    wrong."""
    raw = (text or "").strip().upper().replace("—", "..").replace("～", "..")
    if ".." in raw:
        first, _sep, last = raw.partition("..")
        return Period(_date(first), _date(last))
    for pattern, build in _PERIODS:
        found = pattern.fullmatch(raw)
        if found is None:
            continue
        if int(found["y"]) not in YEARS:
            raise ValueError(_("年度“%(y)s”超出范围（2000–2100）") % {"y": found["y"]})
        try:
            return build(found.groupdict())
        except ValueError:
            raise ValueError(_("月份“%(t)s”无效") % {"t": text}) from None
    raise ValueError(
        _("不认识的期间“%(t)s”，可写 2026、2026H1、2026H2、2026Q3、2026-03 或 %(r)s")
        % {"t": text, "r": "2026-01-01..2026-06-30"}
    )


def _date(text: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(_("日期“%(t)s”无效，请写成 2026-01-01") % {"t": text.strip()}) from None
    if day.year not in YEARS:
        raise ValueError(_("日期“%(t)s”超出范围（2000–2100 年）") % {"t": text.strip()})
    return day


@dataclass(frozen=True, eq=False)
class Scope:
    """A unit and every unit below it, as one request asks about it: what the figures of the
    request would otherwise each ask the database again (the subtree's ids, whether it is the
    whole installation, the county it lies in, the child units) is asked once, on first use,
    and `memo` keeps what several figures of the request compute from one pass. `viewer` is the
    account asking (None: the command line without --as)."""

    unit: OrgUnit
    viewer: Any = None
    memos: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def subtree_ids(self) -> list[int]:
        return OrgUnit.objects.subtree_ids(self.unit)

    @cached_property
    def is_everything(self) -> bool:
        """The unit is the root of the only tree: its subtree is every unit there is."""
        return OrgUnit.objects.is_sole_root(self.unit)

    @cached_property
    def county_ids(self) -> list[int]:
        """The units of the county the unit lies in (the tree below its `root_path`)."""
        county = OrgUnit.objects.filter(path__startswith=self.unit.root_path)
        return list(county.values_list("id", flat=True))

    @cached_property
    def county_is_everything(self) -> bool:
        """No unit lies outside the unit's county (a one-county installation)."""
        roots = OrgUnit.objects.filter(parent__isnull=True).exclude(path=self.unit.root_path)
        return not roots.exists()

    @cached_property
    def children(self) -> list[OrgUnit]:
        """The units a figure is broken down to: the unit's active direct children, not 村民小组,
        in the order offices list them."""
        units = OrgUnit.objects.filter(parent=self.unit, is_active=True)
        return sorted(units.exclude(kind=OrgKind.VILLAGER_GROUP), key=OrgUnit.sibling_key)

    @cached_property
    def child_of(self) -> dict[int, int]:
        """Each unit of the subtree lying below one of `children` → that child's id."""
        return OrgUnit.objects.child_of(self.unit, self.children)

    def within(self, field: str) -> Q:
        """`field` (a lookup to an OrgUnit) in the subtree — no condition at all when the
        subtree is every unit there is (the county of a one-county installation)."""
        return Q() if self.is_everything else Q(**{f"{field}__in": self.subtree_ids})

    def below(self, child: OrgUnit) -> "Scope":
        """The scope of a unit below this one, asked by the same viewer."""
        return Scope(child, self.viewer)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` the first time `key` is asked of this scope, the same value after: the
        figures of one request that read one pass over the records (the ledger's summary of a
        period) share it."""
        if key not in self.memos:
            self.memos[key] = compute()
        return self.memos[key]

    @classmethod
    def visible(cls, viewer: Any, unit_id: Any = None) -> "Scope":
        """The scope of `unit_id` (default: the viewer's own unit) if it lies in the viewer's
        jurisdiction; OrgUnit.DoesNotExist otherwise, as for a unit that does not exist."""
        units = OrgUnit.objects.visible_to(viewer)
        unit = units.get(pk=viewer.org_id if unit_id in (None, "") else unit_id)
        return cls(unit, viewer)


Where = OrgUnit | Scope  # what a figure function is asked for: a unit, or a request's Scope


def as_scope(where: Where) -> Scope:
    """The scope of a unit (a new one, asking the tree afresh), or the request's scope as is."""
    return where if isinstance(where, Scope) else Scope(where)


@dataclass(frozen=True)
class Line:
    """One line of a breakdown: what it is (`key`: a unit's or a category's pk, a kind's code),
    its label, its number and the list of exactly its rows (None when there is none)."""

    key: Any
    label: str
    value: Number
    url: str | None = None


@dataclass(frozen=True)
class Breakdown:
    """A figure split by something (child unit, category, kind): its lines, in the order a page
    shows them."""

    key: str
    label: str | Promise
    compute: Callable[[Scope, Period], Sequence[Line]]

    def values(self, scope: Scope, period: Period) -> dict[str, Number]:
        """label → value, as `/api/figures/` prints a breakdown."""
        return {str(line.label): line.value for line in self.compute(scope, period)}


CHILD_UNIT = "child_unit"


def by_child_unit(
    per_child: Callable[[Scope, Period], Mapping[int, Number]],
    drill: Callable[[Scope, Period], str | None] | None = None,
) -> Breakdown:
    """A figure by child unit: one line per unit of `Scope.children`, its number from
    `per_child` (child pk → number, from one pass over the scope's rows; a child it leaves out
    has 0) and its link the figure's own drill-down asked for the child's scope."""

    def compute(scope: Scope, period: Period) -> list[Line]:
        found = per_child(scope, period)
        return [
            Line(c.pk, c.name, found.get(c.pk, 0), drill(scope.below(c), period) if drill else None)
            for c in scope.children
        ]

    return Breakdown(CHILD_UNIT, _l("按下级单位"), compute)


MONTH = "month"


def months(period: Period) -> list[Period]:
    """The months the period touches, each cut to the period's days (a custom period from
    15 February gives 15–28 February first)."""
    found, first = [], period.start.replace(day=1)
    while first <= period.end:
        whole = Period.month(first.year, first.month)
        found.append(Period(max(whole.start, period.start), min(whole.end, period.end)))
        first = whole.end + datetime.timedelta(days=1)
    return found


def by_month(
    per_month: Callable[[Scope, Period], Mapping[tuple[int, int], Number]],
    drill: Callable[[Scope, Period], str | None] | None = None,
) -> Breakdown:
    """A figure month by month over the period (`months`): one line per month, its number from
    `per_month` ((year, month) → number, from one grouped pass; a month it leaves out has 0) and
    its link the figure's own drill-down asked for that month's days."""

    def compute(scope: Scope, period: Period) -> list[Line]:
        found = per_month(scope, period)
        one_year = period.start.year == period.end.year
        return [
            Line(
                f"{m.start:%Y-%m}",
                (_("%(m)s月") if one_year else _("%(y)s年%(m)s月"))
                % {"y": m.start.year, "m": m.start.month},
                found.get((m.start.year, m.start.month), 0),
                drill(scope, m) if drill else None,
            )
            for m in months(period)
        ]

    return Breakdown(MONTH, _l("按月"), compute)


def count_by_child(
    scope: Scope, rows: QuerySet, *fields: str, total: Aggregate | None = None
) -> Counter[int]:
    """child pk → the scope's `rows` (or their `total`, e.g. Sum("audience")) whose unit in one
    of `fields` lies in that child's subtree, a row counted once per child even when two of its
    fields lie there (a person living in one village and working in another of the same
    township): one GROUP BY over the fields' units, not a count per child."""
    found: Counter[int] = Counter()
    grouped = rows.values_list(*fields).annotate(n=total or Count("*")).order_by()
    for *units, n in grouped:
        for child in {scope.child_of.get(u) for u in units} - {None}:
            found[child] += n or 0
    return found


@dataclass(frozen=True)
class Figure:
    """One statistic: its stable `key` (`<domain>.<name>`), Chinese `label`, unit of measure
    (人, 人次, 个, 万元, %), its 口径 (`rule`: every rule its count depends on, stated as a rule),
    the function computing it for a scope and a period, its breakdowns, and the list its number
    drills down to (a URL whose list shows exactly the rows counted; None for a figure of no
    rows)."""

    key: str
    label: str | Promise
    measure: str | Promise
    rule: str | Promise
    compute: Callable[[Scope, Period], Number]
    drill: Callable[[Scope, Period], str | None] | None = None
    breakdowns: tuple[Breakdown, ...] = field(default=())

    def url(self, scope: Scope, period: Period) -> str | None:
        return self.drill(scope, period) if self.drill else None

    def lines(self, breakdown: str, scope: Scope, period: Period) -> Sequence[Line]:
        """The lines of the breakdown keyed `breakdown` (`category`, `child_unit` …)."""
        return next(b for b in self.breakdowns if b.key == breakdown).compute(scope, period)


def list_url(name: str, unit: OrgUnit | None, period: Period | None, **extra: Any) -> str:
    """A list page filtered to exactly the rows of a figure: its scope unit and period (the
    lists take `scope`, `start` and `end`, all three or none), plus the figure's own filters
    (category, kind …; None leaves one out)."""
    params: dict[str, Any] = {}
    if unit is not None and period is not None:
        params = {
            "scope": unit.pk,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        }
    params.update({k: v for k, v in extra.items() if v is not None})
    return reverse(name) + ("?" + urlencode(params) if params else "")


@cache
def registry() -> dict[str, Figure]:
    """Every domain's figures by key, in `INSTALLED_APPS` order and each domain's own order."""
    found: dict[str, Figure] = {}
    for domain in domains.domains():
        if not domain.figures:
            continue
        for figure in importlib.import_module(domain.figures).FIGURES:
            if not figure.key.startswith(f"{domain.key}.") or figure.key in found:
                raise ValueError(f"figure key {figure.key!r} of domain {domain.key!r}")
            found[figure.key] = figure
    return found


def figure(key: str) -> Figure:
    return registry()[key]


def value(key: str, scope: Scope, period: Period) -> Number:
    """The figure `key` for the scope and period."""
    return registry()[key].compute(scope, period)


def _plain(number: Number) -> int | float | None:
    return float(number) if isinstance(number, Decimal) else number


def answer(
    scope: Scope, period: Period, keys: Iterable[str] | None = None, breakdowns: bool = True
) -> dict[str, Any]:
    """Every figure (or those of `keys`) of the scope and period as plain JSON: what
    `/api/figures/` and `rencai figures --json` print."""
    chosen = [registry()[k] for k in keys] if keys is not None else list(registry().values())
    rows = []
    for f in chosen:
        row: dict[str, Any] = {
            "key": f.key,
            "label": str(f.label),
            "value": _plain(f.compute(scope, period)),
            "unit": str(f.measure),
            "url": f.url(scope, period),
        }
        if breakdowns and f.breakdowns:
            row["breakdowns"] = {
                b.key: {k: _plain(v) for k, v in b.values(scope, period).items()}
                for b in f.breakdowns
            }
        rows.append(row)
    return {
        "unit": {"id": scope.unit.pk, "name": scope.unit.name, "path": scope.unit.name_path},
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "figures": rows,
    }


# -- docs/figures.md ----------------------------------------------------------------------------

DOCS_BEGIN = (
    "<!-- figures: generated by `rencai figures --docs FILE` from the code; edit the code -->"
)
DOCS_END = "<!-- figures: end of the generated section -->"


def docs_section() -> str:
    """The registry as markdown: one table per domain (key, figure, unit, 口径, breakdowns)."""
    out = [DOCS_BEGIN, ""]
    by_domain: dict[str, list[Figure]] = {}
    for f in registry().values():
        by_domain.setdefault(f.key.split(".")[0], []).append(f)
    labels = {d.key: d.label for d in domains.domains()}
    for key, members in by_domain.items():
        module = next(d.figures for d in domains.domains() if d.key == key)
        out += [f"### {labels[key]} (`{module}`)", ""]
        out += ["| key | figure | unit | 口径 | breakdowns |", "|---|---|---|---|---|"]
        for f in members:
            splits = ", ".join(f"{b.label} (`{b.key}`)" for b in f.breakdowns)
            rule = " ".join(str(f.rule).split()).replace("|", "\\|")
            out.append(f"| `{f.key}` | {f.label} | {f.measure} | {rule} | {splits} |")
        out.append("")
    out.append(DOCS_END)
    return "\n".join(out)


def render_docs(text: str) -> str:
    """`text` (docs/figures.md) with its generated section replaced by the registry's."""
    before, begin, rest = text.partition(DOCS_BEGIN)
    _old, end, after = rest.partition(DOCS_END)
    if not begin or not end:
        raise ValueError(_("文件中没有生成区段的起止标记"))
    return before + docs_section() + after
