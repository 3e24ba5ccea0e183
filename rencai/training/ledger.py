"""The 培训台账 as offices file it: for each program a header — 培训名称, 类型, 主办单位,
起止时间, 地点, 主讲人, 学时, 参训人数, 经费 — then its attendee list in the 签到表's columns
(序号, 姓名, 性别, 从事产业, 单位职务或家庭住址, 身份证号码, 联系方式), programs one under another
on one sheet.

ID numbers and phones are masked unless the user may reveal them; each export is an audit event.
Only the attendee rows the user sees are listed (a village clerk's export of a township's course
holds its own villagers), and 参训人数 counts the rows listed."""

from decimal import Decimal
from itertools import groupby
from typing import IO, Any

import xlsxwriter
from django.db.models import QuerySet

from rencai.accounts import roles
from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.imports.workbooks import write_cell
from rencai.training.models import Attendance, TrainingProgram

ATTENDEE_COLUMNS = [
    ("序号", 6),
    ("姓名", 10),
    ("性别", 6),
    ("从事产业", 14),
    ("单位职务或家庭住址", 30),
    ("身份证号码", 22),
    ("联系方式", 14),
]


def _dates(program: TrainingProgram) -> str:
    start, end = program.start_date, program.end_date
    first = f"{start.year}年{start.month}月{start.day}日"
    if end == start:
        return first
    return f"{first}至{end.year}年{end.month}月{end.day}日"


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def funding_text(program: TrainingProgram, count: int) -> str:
    """经费 as the header states it: "3000.00 元（每人次 100.00 元 × 30 人次），来源：…"."""
    parts = []
    if program.subsidy_per_attendance is not None:
        per = program.subsidy_per_attendance
        parts.append(f"{_money(per * count)} 元（每人次 {_money(per)} 元 × {count} 人次）")
    if program.funding_source:
        parts.append(f"来源：{program.funding_source}")
    return "，".join(parts)


def header_pairs(
    program: TrainingProgram, count: int, filtered: bool = False
) -> list[tuple[str, str]]:
    """A program's header in the office layout. `count` is its rows in the workbook: in a
    filtered export only the rows that passed the filters, and the labels say so."""
    location = program.location or ""
    if program.base_id:
        location = f"{location}（{program.base.name}）" if location else program.base.name
    return [
        ("培训名称", program.name),
        ("类型", program.category.name),
        ("主办单位", program.organiser.name_path),
        ("起止时间", _dates(program)),
        ("地点", location),
        ("主讲人", program.teachers),
        ("学时", "" if program.hours is None else format(program.hours.normalize(), "f")),
        ("参训人数（筛选结果）" if filtered else "参训人数", str(count)),
        ("经费（按筛选结果）" if filtered else "经费", funding_text(program, count)),
    ]


def _where(person: Any) -> str:
    """单位职务 when the register has them, else the home unit (家庭住址)."""
    work = " ".join(part for part in (person.employer, person.post) if part)
    return work or person.home_org.name_path


def attendee_row(number: int, attendance: Attendance, reveal: bool) -> list[Any]:
    p = attendance.person
    return [
        number,
        p.name,
        p.get_gender_display(),
        p.specialty,
        _where(p),
        p.id_number if reveal else p.masked_id_number,
        (p.phone if reveal else p.masked_phone) or "",
    ]


def ledger_rows(attendances: QuerySet) -> QuerySet:
    return attendances.select_related(
        "program__category", "program__organiser", "program__base", "person__home_org"
    ).order_by("-program__end_date", "program_id", "id")


def write_ledger(
    user: Any, attendances: QuerySet, out: IO[bytes] | str, filtered: bool = False
) -> int:
    """Write the programs of `attendances` (already scoped to `user`) in the office layout;
    returns the number of attendee rows. Audited as an export. `filtered`: the rows are those
    of the user's filters, so each program's totals are labelled as the filtered rows'."""
    reveal = roles.may_reveal(user)
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = wb.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2"})
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    title = wb.add_format({"bold": True, "font_size": 14})
    ws = wb.add_worksheet("培训台账")
    for col, (_label, width) in enumerate(ATTENDEE_COLUMNS):
        ws.set_column(col, col, width)
    row, total, programs = 0, 0, 0
    rows = ledger_rows(attendances).iterator(chunk_size=2000)
    for _pk, group in groupby(rows, key=lambda a: a.program_id):
        members = list(group)
        program = members[0].program
        programs += 1
        row = _program_block(ws, row, program, members, reveal, (title, bold, cell), filtered)
        total += len(members)
    wb.close()
    with acting_as(user):
        record_event(
            AuditAction.EXPORT,
            detail={
                "sheet": "training_ledger",
                "programs": programs,
                "rows": total,
                "masked": not reveal,
            },
        )
    return total


def _program_block(
    ws: Any,
    row: int,
    program: TrainingProgram,
    members: list,
    reveal: bool,
    fmts: tuple,
    filtered: bool = False,
) -> int:
    title, bold, cell = fmts
    ws.merge_range(row, 0, row, 6, f"{program.name} 培训台账", title)
    row += 1
    pairs = header_pairs(program, len(members), filtered)
    for i in range(0, len(pairs), 2):  # two label/value pairs per line: A–B, then C–G
        label, value = pairs[i]
        ws.write_string(row, 0, label, bold)
        ws.merge_range(row, 1, row, 2, "", cell)
        write_cell(ws, row, 1, value, cell)
        if i + 1 < len(pairs):
            label, value = pairs[i + 1]
            ws.write_string(row, 3, label, bold)
            ws.merge_range(row, 4, row, 6, "", cell)
            write_cell(ws, row, 4, value, cell)
        row += 1
    for col, (label, _width) in enumerate(ATTENDEE_COLUMNS):
        ws.write_string(row, col, label, bold)
    row += 1
    for number, attendance in enumerate(members, start=1):
        for col, value in enumerate(attendee_row(number, attendance, reveal)):
            write_cell(ws, row, col, value, cell)
        row += 1
    return row + 1  # a blank line between programs
