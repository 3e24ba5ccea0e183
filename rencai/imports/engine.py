"""The import engine: read an office workbook, find its header, check every cell, and commit all
rows or none.

    outcome = Importer(sheet, user).validate(stream, filename)   # the dry run
    if outcome.ok:
        Importer(sheet, user).commit(outcome, file_name=..., sha256=...)

Validation streams the rows in batches; the clean rows' plans are spooled to a file so the commit
does not read or check the workbook again. The commit is one database transaction: any failure,
or the process being killed, leaves the database as it was.
"""

import pickle
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction, AuditEvent
from rencai.imports.reader import UnreadableFile, Workbook, cell_text
from rencai.imports.sheets import (
    NEW,
    UNCHANGED,
    UPDATED,
    CellError,
    Column,
    RowPlan,
    Sheet,
    header_key,
)

BATCH = 5000
HEADER_SCAN_ROWS = 30
TOTAL_MARKS = ("合计", "小计", "总计")
# Lines under a table that are not records: who filled it in, who checked it, notes.
NOTE_MARKS = (
    "填表人",
    "填报人",
    "制表人",
    "审核人",
    "负责人",
    "联系人：",
    "说明",
    "注：",
    "注:",
    "备注：",
)

Progress = Callable[[str, int], None]  # (stage, rows done)


class ImportFailed(Exception):
    """The commit could not be applied; nothing was written. `message` is Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Problem:
    row: int  # 0 for a problem of the whole file
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        return f"第 {self.row} 行〔{self.column}〕：{self.message}"


@dataclass
class Outcome:
    """The dry run: what committing would do, and every problem found."""

    sheet: str
    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {NEW: 0, UPDATED: 0, UNCHANGED: 0})
    problems: list[Problem] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)
    header: list[str] = field(default_factory=list)
    bad_rows: dict[int, list[str]] = field(default_factory=dict)  # row → original cells
    spool: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> dict[str, int]:
        return {**self.counts, "rejected": len(self.rejected_rows), "total": self.total}


def _blank(value: Any) -> bool:
    return value is None or value == "" or (value.__class__ is str and value.isspace())


class HeaderMap:
    """Which column of the workbook holds which sheet column."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.by_name: dict[str, Column] = {}
        for column in sheet.columns:
            for name in column.names():
                self.by_name.setdefault(name, column)

    def match(self, names: list[str]) -> dict[int, Column]:
        found: dict[int, Column] = {}
        taken: set[str] = set()
        for index, name in enumerate(names):
            candidates = [name]
            if "/" in name:  # a flattened two-row header: the sub-header says more
                parent, _sep, child = name.partition("/")
                candidates = [child, name, parent]
            for candidate in candidates:
                column = self.by_name.get(header_key(candidate))
                if column is not None and column.key not in taken:
                    found[index] = column
                    taken.add(column.key)
                    break
        return found


def _fill_merged(rows: dict[int, list[str]], merged, start_col: int) -> None:
    """Copy a merged cell's value into every cell it covers (only its top-left holds it)."""
    for (r0, c0), (r1, c1) in merged:
        value = rows.get(r0 + 1, [])
        value = value[c0 - start_col] if 0 <= c0 - start_col < len(value) else ""
        for r in range(r0 + 1, r1 + 2):
            if r not in rows:
                continue
            row = rows[r]
            for c in range(c0 - start_col, c1 - start_col + 1):
                while len(row) <= c:
                    row.append("")
                if not row[c]:
                    row[c] = value


class Importer:
    def __init__(
        self,
        sheet: Sheet,
        user: Any,
        *,
        progress: Progress | None = None,
        options: dict | None = None,
    ):
        self.sheet = sheet
        self.user = user
        self.options = options or {}  # what the sheet needs beyond the user (a census round…)
        self.progress = progress or (lambda stage, done: None)

    # -- the dry run ---------------------------------------------------------------------

    def _find_header(
        self, head: dict[int, list[str]]
    ) -> tuple[int, int, dict[int, Column], list[str]]:
        """(header row, data start row, column map, header texts) — a header is the row (or
        two rows, flattened as 父/子) naming the most sheet columns."""
        header_map = HeaderMap(self.sheet)
        single = {number: header_map.match(row) for number, row in head.items()}
        best: tuple[int, int, dict[int, Column], list[str]] | None = None
        for number in sorted(head):
            row = head[number]
            options = [(number + 1, row, single[number])]
            nxt = head.get(number + 1)
            if nxt is not None and any(nxt):
                width = max(len(row), len(nxt))
                combined = []
                for c in range(width):
                    top = row[c] if c < len(row) else ""
                    sub = nxt[c] if c < len(nxt) else ""
                    combined.append(f"{top}/{sub}" if top and sub and top != sub else top or sub)
                double = header_map.match(combined)
                # Two rows are one header only when together they name more columns than the
                # lower row alone (a title merged above the header is not its upper half).
                if len(double) > len(single[number + 1]):
                    options.append((number + 2, combined, double))
            for start, names, mapping in options:
                if best is None or len(mapping) > len(best[2]):
                    best = (number, start, mapping, names)
        required = [c for c in self.sheet.columns if c.required]
        found = list(best[2].values()) if best else []
        # Two recognised columns make a header; one is enough when it is every required one
        # (a sheet of 组织路径 alone).
        if not found or (len(found) < 2 and not all(c in found for c in required)):
            wanted = "、".join(c.label for c in self.sheet.columns if c.required)
            raise UnreadableFile(
                _("找不到表头：前 %(n)d 行中没有包含“%(cols)s”等列名的行。请使用下载的模板。")
                % {"n": HEADER_SCAN_ROWS, "cols": wanted}
            )
        missing = [c.label for c in self.sheet.columns if c.required and c not in best[2].values()]
        if missing:
            raise UnreadableFile(
                _("第 %(row)d 行是表头，但缺少必填列：%(cols)s")
                % {"row": best[0], "cols": "、".join(missing)}
            )
        return best

    def validate(self, stream: IO[bytes], filename: str, *, spool: bool = True) -> Outcome:
        outcome = Outcome(sheet=self.sheet.name)
        try:
            self._validate(stream, filename, outcome, spool)
        except (UnreadableFile, CellError) as exc:
            outcome.problems.insert(0, Problem(0, "", str(exc)))
        if outcome.problems and outcome.spool:
            Path(outcome.spool).unlink(missing_ok=True)
            outcome.spool = None
        return outcome

    def _validate(self, stream: IO[bytes], filename: str, outcome: Outcome, spool: bool) -> None:
        workbook = Workbook(stream, filename)
        rows = workbook.rows()
        head: dict[int, list[str]] = {}
        buffered: list[tuple[int, list[Any]]] = []
        for number, raw in rows:
            buffered.append((number, raw))
            head[number] = [cell_text(v) for v in raw]
            if len(buffered) >= HEADER_SCAN_ROWS:
                break
        _fill_merged(head, workbook.merged, workbook.start_col)
        _header_row, data_start, mapping, names = self._find_header(head)
        outcome.header = names
        ctx = self.sheet.context(self.user, self.options)
        spool_file = (  # closed in the finally below; kept after for the commit
            tempfile.NamedTemporaryFile(  # noqa: SIM115
                prefix="rencai-import-", suffix=".spool", delete=False
            )
            if spool
            else None
        )
        if spool_file is not None:
            outcome.spool = spool_file.name
        seen: dict[Any, int] = {}
        planned: dict[int, str] = {}  # row → plan kind, to uncount a row found twice later
        batch: list[tuple[int, dict[str, Any]]] = []
        raws: dict[int, list[Any]] = {}

        def data_rows() -> Iterator[tuple[int, list[Any]]]:
            for number, raw in buffered:
                if number >= data_start:
                    yield number, raw
            yield from rows

        try:
            for number, raw in data_rows():
                values = self._row(number, raw, mapping, ctx, outcome)
                if values is None:
                    continue
                key = self.sheet.row_key(values)
                if key in seen:
                    self._reject(
                        outcome,
                        number,
                        raw,
                        self.sheet.key_column_label,
                        _("%(key)s 与第 %(first)d 行重复")
                        % {"key": self.sheet.key_label(key), "first": seen[key]},
                    )
                    first = seen[key]
                    kind = planned.pop(first, None)  # counted before its twin appeared
                    if kind is not None:
                        outcome.counts[kind] -= 1
                    if first not in outcome.rejected_rows:
                        outcome.problems.append(
                            Problem(
                                first,
                                self.sheet.key_column_label,
                                _("%(key)s 在第 %(other)d 行再次出现")
                                % {"key": self.sheet.key_label(key), "other": number},
                            )
                        )
                        outcome.rejected_rows.add(first)
                    continue
                seen[key] = number
                batch.append((number, values))
                raws[number] = raw
                if len(batch) >= BATCH:
                    self._plan(ctx, batch, raws, outcome, spool_file, planned)
                    batch, raws = [], {}
                    self.progress("validate", outcome.total)
            if batch:
                self._plan(ctx, batch, raws, outcome, spool_file, planned)
            self.progress("validate", outcome.total)
        finally:
            if spool_file is not None:
                spool_file.close()

    def _reject(
        self, outcome: Outcome, number: int, raw: list[Any], column: str, message: str
    ) -> None:
        outcome.problems.append(Problem(number, column, message))
        outcome.rejected_rows.add(number)
        outcome.bad_rows.setdefault(number, [cell_text(v) for v in raw])

    def _row(
        self, number: int, raw: list[Any], mapping: dict[int, Column], ctx: Any, outcome: Outcome
    ) -> dict[str, Any] | None:
        """The clean values of one data row, or None for a skipped or rejected row."""
        first: list[str] = []  # the row's first three non-blank cells, to spot 合计/填表人 lines
        for value in raw:
            if not _blank(value):
                first.append(str(value).replace(" ", ""))
                if len(first) == 3:
                    break
        if not first:
            return None
        if any(t.startswith(TOTAL_MARKS) for t in first) or first[0].startswith(NOTE_MARKS):
            return None
        width = len(raw)
        cells = [(column, raw[i] if i < width else None) for i, column in mapping.items()]
        filled = [column for column, value in cells if not _blank(value)]
        if len(filled) <= 1 and not any(c.required for c in filled):
            return None  # a note under the table: 说明、联系人 …
        outcome.total += 1
        values: dict[str, Any] = {}
        bad = False
        for column, value in cells:
            if _blank(value):
                if column.required:
                    self._reject(outcome, number, raw, column.label, _("不能为空"))
                    bad = True
                values[column.key] = None
                continue
            try:
                values[column.key] = column.parse(value, ctx) if column.parse else cell_text(value)
            except CellError as exc:
                self._reject(outcome, number, raw, column.label, exc.message)
                bad = True
        return None if bad else values

    def _plan(
        self,
        ctx: Any,
        batch: list[tuple[int, dict[str, Any]]],
        raws: dict[int, list[Any]],
        outcome: Outcome,
        spool_file: Any,
        planned: dict[int, str],
    ) -> None:
        plans: list[RowPlan] = []
        for item in self.sheet.plan(ctx, batch):
            if isinstance(item, RowPlan):
                if item.row in outcome.rejected_rows:  # its twin later in this batch
                    continue
                plans.append(item)
                outcome.counts[item.kind] = outcome.counts.get(item.kind, 0) + 1
                planned[item.row] = item.kind
            else:
                number, column, message = item
                self._reject(outcome, number, raws.get(number, []), column, message)
        if spool_file is not None and not outcome.problems:
            pickle.dump(plans, spool_file, protocol=pickle.HIGHEST_PROTOCOL)

    # -- the commit ----------------------------------------------------------------------

    def commit(
        self, outcome: Outcome, *, file_name: str, sha256: str, extra: dict | None = None
    ) -> AuditEvent:
        """Apply a clean dry run in one transaction and return the import's audit event."""
        if not outcome.ok or outcome.spool is None:
            raise ImportFailed(_("文件有错误，不能导入"))
        ctx = self.sheet.context(self.user, self.options)
        done = 0
        try:
            with transaction.atomic(), acting_as(self.user):
                event = record_event(
                    AuditAction.IMPORT,
                    detail={
                        "sheet": self.sheet.name,
                        "file": file_name,
                        "sha256": sha256,
                        **outcome.summary(),
                        **(extra or {}),
                    },
                )
                with acting_as(self.user, batch=event):
                    for plans in _load_spool(outcome.spool):
                        changing = [p for p in plans if p.kind != UNCHANGED]
                        if changing:
                            self.sheet.commit(ctx, changing)
                        done += len(plans)
                        self.progress("commit", done)
        except IntegrityError as exc:
            raise ImportFailed(
                _("导入时发现数据已被他人修改（%(err)s），没有写入任何数据，请重新上传检查")
                % {"err": str(exc).splitlines()[0][:120]}
            ) from exc
        self.sheet.after_commit(ctx)
        Path(outcome.spool).unlink(missing_ok=True)
        return event


def _load_spool(path: str) -> Iterator[list[RowPlan]]:
    with open(path, "rb") as f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return
