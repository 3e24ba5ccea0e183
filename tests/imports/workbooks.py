"""Build the workbooks the import tests upload, the way offices make them.

    persons_xlsx([["张三", "1985-03-12", make_id("19850312", 11), ...]])

A cell's Python type decides how it is written: str → a text cell (write_string, so an ID keeps
its 18 digits), int/float → a numeric cell (an ID typed into a General column), date/datetime →
a date cell, None → an empty cell.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import xlsxwriter

from rencai.standards.idnumber import check_digit

# The columns most tests fill (a subset of the 人员信息表, in an office's own order).
HEADER = [
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "政治面貌",
    "学历",
    "手机号码",
    "户籍/居住地",
    "人才类别",
    "备注",
]
DONGGUAN = "示范县/城关镇/东关村"
XIGUAN = "示范县/城关镇/西关村"
SHIQIAO = "示范县/青山镇/石桥村"


def make_id(birth: str, seq: int, region: str = "433130") -> str:
    """A valid 18-digit ID number (conftest.make_id's rule, importable without Django)."""
    body = f"{region}{birth}{seq:03d}"
    return body + check_digit(body)


def person_row(
    name: str = "赵六",
    *,
    birth: str = "19880808",
    seq: int = 41,
    gender: str | None = None,
    birth_date: Any = None,
    id_number: Any = None,
    political: str = "群众",
    education: str = "大学本科",
    phone: Any = "13700001111",
    home: str = DONGGUAN,
    categories: str = "农村实用人才",
    notes: Any = None,
) -> list[Any]:
    """One row in HEADER's order; the ID follows birth and seq unless given."""
    if gender is None:
        gender = "男" if seq % 2 else "女"
    if birth_date is None:
        birth_date = f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"
    number = make_id(birth, seq) if id_number is None else id_number
    return [name, gender, birth_date, number, political, education, phone, home, categories, notes]


def _writer(wb: Any):
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})

    def write(ws: Any, r: int, c: int, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, datetime | date):
            ws.write_datetime(r, c, value, date_format)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value)
        elif isinstance(value, int | float):
            ws.write_number(r, c, value)
        else:
            ws.write_string(r, c, str(value))

    return write


def persons_xlsx(
    rows: Iterable[Sequence[Any]],
    header: Sequence[str] = HEADER,
    *,
    title_rows: Sequence[str] = (),
    groups: Sequence[tuple[str, int]] | None = None,
    footer_rows: Sequence[Sequence[Any]] = (),
    blank_rows_after: Iterable[int] = (),
    first_row: int = 0,
    first_col: int = 0,
    sheet_name: str = "人员信息表",
) -> bytes:
    """An .xlsx of `rows` under `header`.

    title_rows: lines above the header, each merged across the table's width.
    groups: a two-row header — (group title, span) over the header's columns in order; a span
        of 1 whose title equals the column's name is one header cell merged over both rows.
    footer_rows: rows after the data (合计, 填表人 …).
    blank_rows_after: indexes into `rows` after which an empty row is left.
    first_row, first_col: where the table starts (0-based), as when an office leaves margins.
    """
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    write = _writer(wb)
    ws = wb.add_worksheet(sheet_name)
    width = len(header)
    r = first_row
    for line in title_rows:
        if width > 1:
            ws.merge_range(r, first_col, r, first_col + width - 1, line)
        else:
            ws.write_string(r, first_col, line)
        r += 1
    if groups:
        c = first_col
        for title, span in groups:
            if span == 1 and title == header[c - first_col]:
                ws.merge_range(r, c, r + 1, c, title)
            elif span == 1:
                ws.write_string(r, c, title)
                ws.write_string(r + 1, c, header[c - first_col])
            else:
                ws.merge_range(r, c, r, c + span - 1, title)
                for k in range(span):
                    ws.write_string(r + 1, c + k, header[c - first_col + k])
            c += span
        assert c - first_col == width, "groups must cover the header"
        r += 2
    else:
        for c, name in enumerate(header):
            ws.write_string(r, first_col + c, name)
        r += 1
    blanks = set(blank_rows_after)
    for i, row in enumerate(rows):
        for c, value in enumerate(row):
            write(ws, r, first_col + c, value)
        r += 1
        if i in blanks:
            r += 1
    for row in footer_rows:
        for c, value in enumerate(row):
            write(ws, r, first_col + c, value)
        r += 1
    wb.close()
    return out.getvalue()


def persons_csv(
    rows: Iterable[Sequence[Any]],
    header: Sequence[str] = HEADER,
    *,
    encoding: str = "utf-8-sig",
    title_rows: Sequence[str] = (),
) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for line in title_rows:
        writer.writerow([line])
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return text.getvalue().encode(encoding)


def zip_bomb(path: Any, *, inflated: int = 1536 * 2**20) -> None:
    """An .xlsx-shaped zip whose worksheet inflates to `inflated` bytes of zeros (written in
    chunks, so building it costs seconds and little memory)."""
    chunk = bytes(16 * 2**20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            left = inflated
            while left > 0:
                member.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)


def xlsx_members(data: bytes) -> dict[str, str]:
    """The XML parts of an .xlsx, by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}
