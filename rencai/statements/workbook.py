"""The 统计报表 workbook: one sheet per table as offices file them — the title row, the 填报单位
and 统计期间 line, the two-row header with merged groups, the rows, the 合计 row and the rows
after it, notes, and the footer 填表人：审核人：填报日期：; numbers stored as numbers (percent
cells as the percentage with one decimal), borders, A4 landscape fitted to one page wide with
the header rows repeated on every page."""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

import xlsxwriter

from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.figures import Period, Scope, today
from rencai.statements import tables
from rencai.statements.tables import Cell, Column, Grid, Table

SONG = "宋体"
FANG = "仿宋"
HEADER_ROWS = (2, 3)  # the two header rows (0-based), repeated on every printed page
A4 = 9


def period_text(period: Period) -> str:
    return f"{period.start:%Y年%m月%d日}至{period.end:%Y年%m月%d日}"


class _Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        def fmt(**props: Any) -> Any:
            return book.add_format({"font_name": FANG, "font_size": 11, **props})

        cell = {"border": 1, "valign": "vcenter"}
        self.title = fmt(font_name=SONG, font_size=18, bold=True, align="center", valign="vcenter")
        self.line = fmt(valign="vcenter")
        self.line_right = fmt(valign="vcenter", align="right")
        self.header = fmt(font_name=SONG, bold=True, align="center", text_wrap=True, **cell)
        self.label = fmt(text_wrap=True, **cell)
        self.total_label = fmt(bold=True, align="center", **cell)
        self.integer = fmt(num_format="0", align="right", **cell)
        self.decimal = fmt(num_format="0.00", align="right", **cell)
        self.percent = fmt(num_format="0.0", align="right", **cell)
        self.text = fmt(align="center", **cell)
        self.note = fmt(font_size=10, text_wrap=True, valign="top")


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _groups(columns: list[Column]) -> Iterable[tuple[str, int, int]]:
    """(group, first, last) runs of consecutive columns under one group label."""
    start = 0
    for i in range(1, len(columns) + 1):
        if i == len(columns) or columns[i].group != columns[start].group:
            yield columns[start].group, start, i - 1
            start = i


def _write_cell(sheet: Any, row: int, col: int, cell: Cell | None, f: _Formats) -> None:
    if cell is None:
        sheet.write_blank(row, col, None, f.text)
    elif isinstance(cell.value, str):
        sheet.write_string(row, col, cell.value, f.text)
    elif cell.value is None:
        sheet.write_blank(row, col, None, f.percent if cell.percent else f.integer)
    elif cell.percent:
        sheet.write_number(row, col, _number(cell.value), f.percent)
    elif isinstance(cell.value, int):
        sheet.write_number(row, col, cell.value, f.integer)
    else:
        sheet.write_number(row, col, _number(cell.value), f.decimal)


def _line(sheet: Any, row: int, first: int, last: int, text: str, fmt: Any) -> None:
    """Text over the columns first..last (merged when more than one)."""
    if last > first:
        sheet.merge_range(row, first, row, last, text, fmt)
    else:
        sheet.write_string(row, max(first, last), text, fmt)


def write_sheet(
    book: xlsxwriter.Workbook,
    f: _Formats,
    table: Table,
    grid: Grid,
    unit: str,
    period: Period,
    day: datetime.date,
) -> None:
    sheet = book.add_worksheet(str(table.short)[:31])
    stub = len(grid.stub)
    width = stub + len(grid.columns)
    last = width - 1
    sheet.set_row(0, 32)
    sheet.merge_range(0, 0, 0, last, str(table.title), f.title)
    half = max(width // 2, 1)
    _line(sheet, 1, 0, half - 1, f"填报单位：{unit}", f.line)
    _line(sheet, 1, half, last, f"统计期间：{period_text(period)}", f.line_right)
    top, bottom = HEADER_ROWS
    for i, label in enumerate(grid.stub):
        sheet.merge_range(top, i, bottom, i, str(label), f.header)
    for group, first, end in _groups(grid.columns):
        if group:
            if first == end:
                sheet.write_string(top, stub + first, str(group), f.header)
            else:
                sheet.merge_range(top, stub + first, top, stub + end, str(group), f.header)
            for i in range(first, end + 1):
                sheet.write_string(bottom, stub + i, str(grid.columns[i].label), f.header)
        else:
            for i in range(first, end + 1):
                label = str(grid.columns[i].label)
                sheet.merge_range(top, stub + i, bottom, stub + i, label, f.header)
    at = bottom + 1
    for row in grid.all_rows():
        is_total = row is grid.total
        labels = [str(label) for label in row.labels]
        if is_total and stub > 1:
            sheet.merge_range(at, 0, at, stub - 1, labels[0], f.total_label)
        else:
            for i in range(stub):
                text = labels[i] if i < len(labels) else ""
                sheet.write_string(at, i, text, f.total_label if is_total else f.label)
        for i, column in enumerate(grid.columns):
            _write_cell(sheet, at, stub + i, row.cells.get(column.key), f)
        at += 1
    for note in grid.notes:
        sheet.merge_range(at, 0, at, last, str(note), f.note)
        sheet.set_row(at, 30)
        at += 1
    at += 1
    footer = f"填表人：{' ' * 12}审核人：{' ' * 12}填报日期：{day:%Y年%m月%d日}"
    sheet.merge_range(at, 0, at, last, footer, f.line)
    sheet.set_column(0, stub - 1, 16)
    sheet.set_column(stub, last, 9)
    sheet.set_row(top, 22)
    sheet.set_row(bottom, 30)
    sheet.freeze_panes(bottom + 1, stub)
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(top, bottom)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.center_horizontally()


def write_workbook(
    built: list[tuple[Table, Grid]],
    scope: Scope,
    period: Period,
    day: datetime.date,
    out: IO[bytes] | str,
) -> None:
    """The workbook of the built tables of `scope` and `period`, dated `day`, to `out`."""
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    formats = _Formats(book)
    for table, grid in built:
        write_sheet(book, formats, table, grid, scope.unit.name_path, period, day)
    book.close()


def export(scope: Scope, period: Period, out: IO[bytes] | str) -> int:
    """Build every table of the scope and period, write the workbook to `out` and record the
    export in the audit log (by the scope's viewer; the system when the command line runs
    without --as); returns the number of tables."""
    built = tables.built(scope, period)
    write_workbook(built, scope, period, today(), out)
    detail = {
        "statements": [table.key for table, _grid in built],
        "unit": scope.unit.name_path,
        "period": str(period),
    }
    record_event(AuditAction.EXPORT, detail=detail, user=scope.viewer)
    return len(built)
