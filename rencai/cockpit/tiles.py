"""What the 驾驶舱 shows, as each domain declares it: KPI tiles (`Tile`) and charts (`Chart`),
each naming registered figures (rencai/figures.py) by key — never a number of its own.

A domain lists them in the module its `domain.py` names as `tiles` (`TILES`, `CHARTS`; see
rencai/domains.py); `tiles()` and `charts()` gather every domain's, in `order`. This module names
no domain: a new domain's tiles appear on the page when its module declares them."""

from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise

from rencai import domains

ChartKind = Literal["bar", "pie", "treemap", "line", "gauge"]
KINDS = ("bar", "pie", "treemap", "line", "gauge")


@dataclass(frozen=True)
class Tile:
    """One KPI tile: its figure's number, and beside it the companions that give it meaning —
    the figure of what is new in the period (`new`, e.g. 新增在册人才 beside 在册人才), the target
    (`target`) with its 完成率 (`progress`) and the share of the year gone by
    (`time_progress`). `year_on_year` names the tile's figures for which the same period a year
    earlier is shown (同比): only dated figures — a stock figure ("为当前存量，期间不适用") has
    no 同比, and the tile says nothing rather than invent one."""

    figure: str
    order: int
    new: str = ""
    target: str = ""
    progress: str = ""
    time_progress: str = ""
    year_on_year: tuple[str, ...] = ()

    def figure_keys(self) -> list[str]:
        """Every figure key the tile reads."""
        found = [self.figure, self.new, self.target, self.progress, self.time_progress]
        return [key for key in found if key]


@dataclass(frozen=True)
class Chart:
    """One chart: its title, its kind (bar, pie, treemap, line, gauge) and the figure it draws —
    the lines of the figure's breakdown `breakdown` (`child_unit`, `category`, `month` …), or
    for a gauge the figure itself with `marker` (a second figure, e.g. 时间进度) on the dial.
    Every element links to its line's (or figure's) list."""

    title: str | Promise
    kind: ChartKind
    figure: str
    order: int
    breakdown: str = ""
    marker: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"chart kind {self.kind!r} is not one of {KINDS}")
        if (self.kind == "gauge") == bool(self.breakdown):
            raise ValueError(f"chart {self.figure!r}: a gauge has no breakdown, the others one")


def tiles() -> list[Tile]:
    """Every domain's tiles, in `order`."""
    return sorted(domains.declared("tiles", "TILES"), key=lambda tile: tile.order)


def charts() -> list[Chart]:
    """Every domain's charts, in `order`."""
    return sorted(domains.declared("tiles", "CHARTS"), key=lambda chart: chart.order)
