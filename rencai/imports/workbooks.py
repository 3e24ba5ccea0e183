"""Workbooks rencai writes: templates, exports and error reports (XlsxWriter).

Every cell is written as text or a number, never as a formula: a value starting with = + - @
is written as a string (XlsxWriter's write_string) behind an apostrophe (`formulas.defuse`), so
an export cannot carry a formula into the office's Excel (CSV/formula injection), not even by
copy and paste.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.utils.translation import gettext as _

from rencai.imports.formulas import defuse, restore
from rencai.imports.reader import NumberText
from rencai.imports.sheets import Sheet


def write_cell(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """One cell of any workbook rencai writes: 是/否 for a boolean, a number as a number, text
    always as text with a leading = + - @ defused, so no cell is ever a formula."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, defuse(str(value)), fmt)  # never a formula


def _formats(wb: Any) -> dict[str, Any]:
    return {
        "header": wb.add_format(
            {
                "bold": True,
                "bg_color": "#F2DCDB",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
            }
        ),
        "required": wb.add_format(
            {
                "bold": True,
                "bg_color": "#F2DCDB",
                "border": 1,
                "font_color": "#9B1C1C",
                "text_wrap": True,
            }
        ),
        "text": wb.add_format({"num_format": "@"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "error": wb.add_format({"font_color": "#9B1C1C", "text_wrap": True, "valign": "top"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
    }


def _header(ws: Any, sheet: Sheet, fmts: dict[str, Any], row: int = 0) -> None:
    for col, column in enumerate(sheet.columns):
        ws.write_string(row, col, column.label, fmts["required" if column.required else "header"])
        ws.set_column(col, col, column.width, fmts["text"] if column.text else None)
    ws.freeze_panes(row + 1, 0)


def write_template(sheet: Sheet, out: IO[bytes] | str, *, data_rows: int = 5000) -> None:
    """The sheet's empty template: headers, text-formatted ID/phone columns, drop-down lists for
    coded columns, and an instructions sheet."""
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    fmts = _formats(wb)
    ws = wb.add_worksheet(sheet.title)
    _header(ws, sheet, fmts)
    lists = wb.add_worksheet("可选值")
    for col, column in enumerate(sheet.columns):
        if column.choices:
            lists.write_string(0, col, column.label, fmts["header"])
            for i, choice in enumerate(column.choices, start=1):
                lists.write_string(i, col, str(choice))
            ref = f"='可选值'!${_col(col)}$2:${_col(col)}${len(column.choices) + 1}"
            ws.data_validation(
                1,
                col,
                data_rows,
                col,
                {
                    "validate": "list",
                    "source": ref,
                    "error_title": "不在可选范围内",
                    "error_message": "请从下拉列表中选择",
                    "error_type": "warning",
                },
            )
        if column.key == "id_number":
            ws.data_validation(
                1,
                col,
                data_rows,
                col,
                {
                    "validate": "length",
                    "criteria": "between",
                    "minimum": 15,
                    "maximum": 18,
                    "error_title": "身份证号位数不对",
                    "error_message": "应为 18 位（或 15 位旧号）",
                    "error_type": "warning",
                },
            )
    lists.hide()
    notes = wb.add_worksheet("填表说明")
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 90)
    notes.write_string(0, 0, f"{sheet.title} 填表说明", fmts["title"])
    row = 2
    for line in sheet.instructions:
        notes.write_string(row, 1, line, fmts["wrap"])
        row += 1
    row += 1
    notes.write_string(row, 0, "列名", fmts["header"])
    notes.write_string(row, 1, "说明", fmts["header"])
    for column in sheet.columns:
        row += 1
        notes.write_string(row, 0, column.label + ("（必填）" if column.required else ""))
        detail = column.help
        if column.aliases:
            detail = (detail + "；" if detail else "") + "也可写作：" + "、".join(column.aliases)
        notes.write_string(row, 1, detail, fmts["wrap"])
    wb.close()


def _col(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def write_export(sheet: Sheet, rows: Iterable[list[Any]], out: IO[bytes] | str) -> int:
    """An export in the template's columns (so it imports back unchanged); returns the count."""
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False})
    fmts = _formats(wb)
    ws = wb.add_worksheet(sheet.title)
    _header(ws, sheet, fmts)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            write_cell(ws, count, col, value, fmts["text"] if sheet.columns[col].text else None)
    wb.close()
    return count


ERROR_ROWS_SHEET = "错误行"
HINT, REASON = "提示", "错误原因"  # the error rows' last columns: warnings; why rejected
PROBLEMS_SHEET = "问题清单"


def write_errors(outcome: Any, out: IO[bytes] | str) -> None:
    """The rejected rows as they were in the upload, each with its 错误原因, plus the list of
    problems (one line per bad cell: 第 N 行〔列名〕：原因)."""
    reasons: dict[int, list[str]] = {}
    for problem in outcome.problems:
        reasons.setdefault(problem.row, []).append(str(problem))
    hints: dict[int, list[str]] = {}
    for warning in outcome.warnings:
        hints.setdefault(warning.row, []).append(str(warning))
    rows = [
        (
            number,
            outcome.bad_rows[number],
            "\n".join(reasons.get(number, [])),
            "\n".join(hints.get(number, [])),
        )
        for number in sorted(outcome.bad_rows)
    ]
    listing = [*outcome.notices(), *(str(p) for p in outcome.problems)]
    listing += [_("提示：%(w)s") % {"w": line} for line in outcome.warning_lines()]
    _write_error_book(outcome.header, rows, listing, out)


def mask_errors(typed: str | Path, out: IO[bytes] | str) -> None:
    """The error workbook `typed` (as `write_errors` wrote it) with ID numbers and phones masked,
    for those who may see neither the upload nor the numbers in full."""
    from python_calamine import CalamineWorkbook

    from rencai.imports.masking import masker_for, scrub

    book = CalamineWorkbook.from_path(str(typed))
    rows_sheet = book.get_sheet_by_name(ERROR_ROWS_SHEET).to_python()
    text = lambda v: "" if v is None else restore(str(v))  # noqa: E731 -- as before write_cell
    columns = [text(h) for h in rows_sheet[0]]  # 原表行号, the upload's header, 提示, 错误原因
    reason_col = max(i for i, name in enumerate(columns) if name == REASON)
    hint_col = (
        reason_col - 1 if columns[reason_col - 1] == HINT else reason_col
    )  # 提示, when written
    header = columns[1:hint_col]
    maskers = [masker_for(h) for h in header]
    rows = []
    for line in rows_sheet[1:]:
        cells = [text(v) for v in line[1:hint_col]]
        masked = [mask(cell) if cell else cell for mask, cell in zip(maskers, cells, strict=True)]
        hint = text(line[hint_col]) if hint_col < reason_col else ""
        rows.append((int(line[0]), masked, scrub(text(line[reason_col])), scrub(hint)))
    listing = book.get_sheet_by_name(PROBLEMS_SHEET).to_python()[1:]
    _write_error_book(header, rows, [scrub(str(line[0])) for line in listing if line], out)


def _write_error_book(
    header: list[str],
    rows: list[tuple[int, list[Any], str, str]],
    problems: list[str],
    out: IO[bytes] | str,
) -> None:
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    fmts = _formats(wb)
    ws = wb.add_worksheet(ERROR_ROWS_SHEET)
    hints = any(row[3] for row in rows)  # a 提示 column when a rejected row has warnings
    columns = ["原表行号", *header, *([HINT] if hints else []), REASON]
    for col, name in enumerate(columns):
        ws.write_string(0, col, str(name), fmts["header"])
        ws.set_column(col, col, 14)
    ws.set_column(len(columns) - 2, len(columns) - 1, 50)
    ws.freeze_panes(1, 1)
    for r, (number, cells, reason, hint) in enumerate(rows, start=1):
        ws.write_number(r, 0, number)
        for col, value in enumerate(cells, start=1):
            write_cell(ws, r, col, value)
            if isinstance(value, NumberText):  # shown as the office saw it, and said so
                ws.write_comment(r, col, _("此格在上传的表中是数字：Excel 只保留 15 位有效数字"))
        if hint:
            ws.write_string(r, len(columns) - 2, hint, fmts["wrap"])
        ws.write_string(r, len(columns) - 1, reason, fmts["error"])
    listing = wb.add_worksheet(PROBLEMS_SHEET)
    listing.set_column(0, 0, 100)
    listing.write_string(0, 0, "问题", fmts["header"])
    for r, problem in enumerate(problems, start=1):
        listing.write_string(r, 0, problem)
    wb.close()
