"""The 驾驶舱's numbers for one scope and period, read from the figure registry only: each tile's
figures (with 同比 where declared) and each chart's lines, every number with the list of its rows
(`Figure.url` / `Line.url`, whose list shows the same count). Plain values, so the whole page's
figures can be cached (rencai/cockpit/views.py)."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rencai.cockpit.tiles import Chart, Tile, charts, tiles
from rencai.figures import Number, Period, Scope, figure, happened


@dataclass(frozen=True)
class Shown:
    """One registered figure as the page shows it: label, unit of measure, number, list."""

    key: str
    label: str
    measure: str
    value: Number
    url: str | None

    @property
    def is_percent(self) -> bool:
        return self.measure == "%"


def shown(key: str, scope: Scope, period: Period) -> Shown:
    f = figure(key)
    return Shown(key, str(f.label), str(f.measure), f.compute(scope, period), f.url(scope, period))


def a_year_earlier(day: datetime.date) -> datetime.date:
    """The same day a year earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def earlier_period(period: Period) -> Period | None:
    """同比's period: the days of `period` counted so far (to today, as the dated figures count),
    a year earlier — on 4 December the 全年 compares with 1 January to 4 December of last year.
    None while the period has not begun."""
    counted = happened(period)
    if counted is None:
        return None
    return Period(a_year_earlier(counted.start), a_year_earlier(counted.end))


def change_percent(now: Number, before: Number) -> Decimal | None:
    """(now − before) ÷ before × 100, one decimal (half up); None when there is nothing to
    compare with (no number, or 0 a year earlier)."""
    if now is None or before is None or not before:
        return None
    change = (Decimal(str(now)) - Decimal(str(before))) * 100 / Decimal(str(before))
    return change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class YearOnYear:
    """同比 of one figure: the same figure for the same days a year earlier, and the change."""

    now: Shown
    before: Shown
    period: Period
    change: Decimal | None

    @property
    def direction(self) -> str:
        if self.change is None:
            return ""
        return "up" if self.change > 0 else "down" if self.change < 0 else "flat"

    @property
    def size(self) -> Decimal | None:
        return abs(self.change) if self.change is not None else None


@dataclass(frozen=True)
class TileView:
    main: Shown
    new: Shown | None
    target: Shown | None
    progress: Shown | None
    time_progress: Shown | None
    year_on_year: tuple[YearOnYear, ...]

    @property
    def behind(self) -> bool:
        """进度滞后: 完成率 below 时间进度 (training.target_progress's rule)."""
        if self.progress is None or self.time_progress is None:
            return False
        rate, time = self.progress.value, self.time_progress.value
        return rate is not None and time is not None and rate < time


def tile_view(tile: Tile, scope: Scope, period: Period) -> TileView:
    now = {key: shown(key, scope, period) for key in tile.figure_keys()}
    before_days = earlier_period(period)
    compared = []
    for key in tile.year_on_year if before_days else ():
        before = shown(key, scope, before_days)
        change = change_percent(now[key].value, before.value)
        compared.append(YearOnYear(now[key], before, before_days, change))
    return TileView(
        now[tile.figure],
        now.get(tile.new),
        now.get(tile.target),
        now.get(tile.progress),
        now.get(tile.time_progress),
        tuple(compared),
    )


def _plain(number: Number) -> int | float | None:
    return float(number) if isinstance(number, Decimal) else number


@dataclass(frozen=True)
class ChartView:
    """A chart's title, kind and elements: `items` (label, number, list) for the breakdown
    charts; for a gauge one item, the figure, and `marker` beside it."""

    element_id: str
    title: str
    kind: str
    measure: str
    items: tuple[Shown, ...]
    marker: Shown | None = None

    @property
    def drawable(self) -> bool:
        """Whether there is a number to draw (a rate of no reporting units, a progress without a
        target, are none)."""
        return any(item.value is not None for item in self.items)

    @property
    def source_id(self) -> str:
        """The id of the page's `json_script` block holding `data()`."""
        return f"{self.element_id}-data"

    def data(self) -> dict[str, Any]:
        """What cockpit.js draws, as JSON (the page passes it through `json_script`)."""
        return {
            "kind": self.kind,
            "title": self.title,
            "measure": self.measure,
            "items": [
                {"name": item.label, "value": _plain(item.value), "url": item.url}
                for item in self.items
            ],
            "marker": (
                {"name": self.marker.label, "value": _plain(self.marker.value)}
                if self.marker
                else None
            ),
        }


def chart_view(index: int, chart: Chart, scope: Scope, period: Period) -> ChartView:
    f = figure(chart.figure)
    element_id = f"chart-{index}"
    if chart.kind == "gauge":
        marker = shown(chart.marker, scope, period) if chart.marker else None
        main = shown(chart.figure, scope, period)
        return ChartView(element_id, str(chart.title), chart.kind, main.measure, (main,), marker)
    items = tuple(
        Shown(f"{chart.figure}:{line.key}", str(line.label), str(f.measure), line.value, line.url)
        for line in f.lines(chart.breakdown, scope, period)
    )
    return ChartView(element_id, str(chart.title), chart.kind, str(f.measure), items)


def cockpit_figures(scope: Scope, period: Period) -> dict[str, Any]:
    """Every tile and chart of every domain for the scope and period."""
    return {
        "tiles": [tile_view(tile, scope, period) for tile in tiles()],
        "charts": [chart_view(i, chart, scope, period) for i, chart in enumerate(charts(), 1)],
    }
