"""The standard statistical tables 统计报表 as the spine sees them (issue 13 §2).

A domain declares its tables in the module its `domain.py` names (`Domain.tables`) as `TABLES`,
a tuple of `Table`: a key, a title, an order and `build(scope, period)` giving a `Grid` — the
columns (each under a group of the two-row header, or spanning both rows), the rows with their
labels and cells, the 合计 row and rows that follow it (target, rate). Every cell comes from a
registered figure (rencai/figures.py) — its value for a scope, or one line of one of its
breakdowns — and says which (`Source`), so a test can ask the registry again for each cell.
The workbook writer (`workbook.py`) lays the grids out as offices file them; this module and the
writer name no domain."""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rencai import domains
from rencai.figures import Line, Number, Period, Scope, figure
from rencai.orgs.choices import TOWNSHIP_KINDS, VILLAGE_KINDS
from rencai.orgs.models import OrgUnit


@dataclass(frozen=True)
class Source:
    """Where a cell's number comes from: figure `key` for the scope of unit `unit` (its pk),
    its value when `breakdown` is empty, else the line keyed `line` of that breakdown."""

    key: str
    unit: int
    breakdown: str = ""
    line: Hashable = None


@dataclass(frozen=True)
class Cell:
    """A number of the table (None: 空, e.g. a rate without a target), text (a status), and
    the figure it comes from (None for text)."""

    value: Number | str
    source: Source | None = None
    percent: bool = False


def value_of(key: str, scope: Scope, period: Period, percent: bool = False) -> Cell:
    """The cell holding figure `key`'s value for the scope."""
    return Cell(figure(key).compute(scope, period), Source(key, scope.unit.pk), percent)


def lines_of(key: str, breakdown: str, scope: Scope, period: Period) -> dict[Hashable, Line]:
    """The lines of a figure's breakdown by their keys."""
    return {line.key: line for line in figure(key).lines(breakdown, scope, period)}


def line_cell(
    key: str,
    breakdown: str,
    lines: dict[Hashable, Line],
    line: Hashable,
    scope: Scope,
    percent: bool = False,
) -> Cell:
    """The cell holding line `line` of the breakdown (`lines`: `lines_of` its scope); a line
    the breakdown does not have (a category with no rows) is 0, or empty for a rate."""
    found = lines.get(line)
    value = found.value if found else (None if percent else 0)
    return Cell(value, Source(key, scope.unit.pk, breakdown, line), percent)


@dataclass(frozen=True)
class Column:
    """A column of numbers: its label, and the group it sits under on the header's first row
    ("" : the label spans both header rows)."""

    key: Hashable
    label: str
    group: str = ""


@dataclass
class Row:
    """A row: its labels (one per stub column) and its cells by column key."""

    labels: tuple[str, ...]
    cells: dict[Hashable, Cell]


@dataclass
class Grid:
    """What a table holds for a scope and a period. `stub`: the headers of the label columns;
    `total`: the 合计 row (its cells from the figures themselves); `additive`: whether every
    numeric column's 合计 is the sum of the rows (False when a person may count in two rows);
    `after`: rows below the 合计 (target, rate); `notes`: lines printed under the table."""

    stub: tuple[str, ...]
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None
    additive: bool = True
    after: list[Row] = field(default_factory=list)
    notes: tuple[str, ...] = ()

    def all_rows(self) -> list[Row]:
        return [*self.rows, *([self.total] if self.total else []), *self.after]


@dataclass(frozen=True)
class Table:
    """One standard table: `key` (stable, `<domain>.<name>`), its title (the sheet's title row;
    the sheet's tab is `short`), `order` among all tables, and `build`."""

    key: str
    title: Any
    short: Any
    order: int
    build: Callable[[Scope, Period], Grid]


def areas(scope: Scope) -> list[OrgUnit]:
    """The child units a table's columns break the scope down to: those that are places (乡镇、
    街道 under a county, 村、社区 under a township), as offices' tables list them; every child
    unit when none is a place."""
    places = [c for c in scope.children if c.kind in (*TOWNSHIP_KINDS, *VILLAGE_KINDS)]
    return places or scope.children


def tables() -> list[Table]:
    """Every domain's tables, in their order."""
    return sorted(domains.declared("tables", "TABLES"), key=lambda t: t.order)


def built(scope: Scope, period: Period) -> list[tuple[Table, Grid]]:
    return [(table, table.build(scope, period)) for table in tables()]


def cells(grid: Grid) -> Sequence[tuple[Row, Column, Cell]]:
    """Every numeric cell of the grid with its row and column."""
    return [
        (row, column, row.cells[column.key])
        for row in grid.all_rows()
        for column in grid.columns
        if column.key in row.cells
    ]
