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
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction, AuditEvent
from rencai.imports.formulas import restore
from rencai.imports.preview import PREVIEW_ROWS, preview_row
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
NOTE_MARKS = ("填表人", "填报人", "制表人", "审核人", "负责人", "联系人：")
NOTE_MARKS += ("说明", "注：", "注:", "备注：")

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
    # Headers of the upload that no sheet column took: their cells are not imported.
    unused_columns: list[str] = field(default_factory=list)
    # Remarks on accepted values (an ID number whose region code is unknown): never a rejection.
    warnings: list[Problem] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)  # the first rows added or changed

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> dict[str, int]:
        return {**self.counts, "rejected": len(self.rejected_rows), "total": self.total}

    @property
    def warned_rows(self) -> int:
        return len({w.row for w in self.warnings})

    def warning_lines(self) -> list[str]:
        """提示 N 行, then each warning as 第 N 行〔列名〕：… ."""
        if not self.warnings:
            return []
        return [_("提示 %(n)d 行：") % {"n": self.warned_rows}, *map(str, self.warnings)]

    def notices(self) -> list[str]:
        """What the importer must read before committing although nothing is wrong: the
        columns whose cells will not be imported."""
        if not self.unused_columns:
            return []
        listed = "、".join(_("%(c)s（未导入）") % {"c": name} for name in self.unused_columns)
        return [_("未识别的列：%(cols)s") % {"cols": listed}]


def _blank(value: Any) -> bool:
    return value is None or value == "" or (value.__class__ is str and value.isspace())


def _is_record(raw: list[Any]) -> bool:
    """False for a blank line and for a 合计 / 填表人 line (judged by its first three non-blank
    cells)."""
    first: list[str] = []
    for value in raw:
        if value is None or value == "":
            continue
        text = value.replace(" ", "") if value.__class__ is str else str(value)
        if not text or text.isspace():
            continue
        first.append(text)
        if len(first) == 3:
            break
    if not first:
        return False
    return not (any(t.startswith(TOTAL_MARKS) for t in first) or first[0].startswith(NOTE_MARKS))


_MISSING = object()
_BAD = object()  # stands in for a cell that has a problem (it is not blank)
# Cells a column remembers the parse of: a workbook repeats 男, 汉族, 示范县/城关镇/东关村 …
# thousands of times. Only values equal to nothing but themselves are keys (1 == 1.0 == True).
_MEMO_TYPES = (str, date, datetime)
MEMO_LIMIT = 50_000  # distinct values remembered per column (ID numbers never repeat)


class ColumnChecker:
    """Parses the mapped cells of a batch of rows column by column.

    A column's parser is called once per distinct value (its result is remembered for the
    rest of the import), so the common cell costs one dictionary lookup. A parser must depend
    on nothing but the cell and the sheet context, and return a value no one mutates.
    """

    def __init__(self, mapping: dict[int, Column], ctx: Any):
        self.ctx = ctx
        self.indexes = list(mapping)
        self.columns = list(mapping.values())
        # Blank cells read as None; problems are not remembered (they are reported per row).
        self.memos: list[dict[Any, Any]] = [{None: None, "": None} for _c in self.columns]
        # Per column: the cells whose value carries `warnings` (reported at every row).
        self.warned: list[dict[Any, tuple[str, ...]]] = [{} for _c in self.columns]
        self.warnings: dict[int, dict[int, tuple[str, ...]]] = {}  # of the last batch

    def check(
        self, raws: list[list[Any]]
    ) -> tuple[list[Column], list[list[Any]], dict[int, dict[int, str]]]:
        """(columns, the values of each column by row, {row position: {column: problem}})."""
        width = max(self.indexes) + 1
        padded = [raw if len(raw) >= width else raw + [None] * (width - len(raw)) for raw in raws]
        errors: dict[int, dict[int, str]] = {}
        self.warnings = {}
        values = []
        for c, (index, column, memo) in enumerate(
            zip(self.indexes, self.columns, self.memos, strict=True)
        ):
            cells = list(map(itemgetter(index), padded))
            out = list(map(memo.get, cells, repeat(_MISSING, len(cells))))
            position = 0
            while True:
                try:
                    position = out.index(_MISSING, position)
                except ValueError:
                    break
                out[position] = self._parse(column, memo, cells[position], c, position, errors)
                position += 1
            if warned := self.warned[c]:
                for position, cell in enumerate(cells):
                    if cell.__hash__ is not None and cell in warned:
                        self.warnings.setdefault(position, {})[c] = warned[cell]
            values.append(out)
        return self.columns, values, errors

    def _parse(self, column: Column, memo: dict, value: Any, c: int, position: int, errors):
        if _blank(value):
            result = None
        else:
            # '=… is how rencai's own export wrote =… (formulas.defuse); read back, it is =….
            cell = restore(value) if value.__class__ is str else value
            try:
                result = column.parse(cell, self.ctx) if column.parse else cell_text(cell)
            except CellError as exc:
                errors.setdefault(position, {})[c] = exc.message
                return _BAD
            if getattr(result, "warnings", None):
                self.warned[c][value] = result.warnings
        if isinstance(value, _MEMO_TYPES) and len(memo) < MEMO_LIMIT:
            memo[value] = result
        return result


class HeaderMap:
    """Which column of the workbook holds which sheet column."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.by_name: dict[str, Column] = {}
        for column in (*sheet.columns, *sheet.extra_columns):
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


def _as_named(names: list[str], mapping: dict[int, Column]) -> dict[str, str]:
    """A column's label → how problems name it: as the upload's header names it, the template's
    label following in brackets when the two differ (所在村（社区）（户籍/居住地）)."""
    named = {}
    for index, column in mapping.items():
        header = names[index]
        same = header_key(column.label) in (
            header_key(header),
            header_key(header.rpartition("/")[2]),
        )
        named[column.label] = column.label if same else f"{header}（{column.label}）"
    return named


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
        self.named: dict[str, str] = {}  # a column's label → its name in the upload

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
        outcome.unused_columns = [
            name for index, name in enumerate(names) if name and index not in mapping
        ]
        self.named = _as_named(names, mapping)
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

        def chunks() -> Iterator[list[tuple[int, list[Any]]]]:
            chunk = [(number, raw) for number, raw in buffered if number >= data_start]
            for item in rows:
                chunk.append(item)
                if len(chunk) >= BATCH:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

        checker = ColumnChecker(mapping, ctx)
        try:
            for chunk in chunks():
                for number, raw, values in self._check(chunk, checker, outcome):
                    key = self.sheet.row_key(values)
                    if key in seen:
                        self._duplicate(outcome, number, raw, key, seen[key], planned)
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
        self._recall_rows(stream, filename, outcome)

    def _recall_rows(self, stream: IO[bytes], filename: str, outcome: Outcome) -> None:
        """Read the cells of rejected rows whose cells were no longer at hand — the first of a
        duplicate pair, checked clean batches before its twin — so the error workbook holds
        every rejected row (the workbook is read again only when there are such rows)."""
        missing = outcome.rejected_rows - outcome.bad_rows.keys()
        if not missing:
            return
        stream.seek(0)
        for number, raw in Workbook(stream, filename).rows():
            if number in missing:
                outcome.bad_rows[number] = [cell_text(v) for v in raw]
                missing.discard(number)
                if not missing:
                    return

    def _duplicate(
        self,
        outcome: Outcome,
        number: int,
        raw: list[Any],
        key: Any,
        first: int,
        planned: dict[int, str],
    ) -> None:
        """Reject a row whose key an earlier row has, and that earlier row too."""
        label = self.sheet.key_column_label
        self._reject(
            outcome,
            number,
            raw,
            label,
            _("%(key)s 与第 %(first)d 行重复") % {"key": self.sheet.key_label(key), "first": first},
        )
        kind = planned.pop(first, None)  # counted before its twin appeared
        if kind is not None:
            outcome.counts[kind] -= 1
        if first not in outcome.rejected_rows:
            outcome.problems.append(
                Problem(
                    first,
                    self.named.get(label, label),
                    _("%(key)s 在第 %(other)d 行再次出现")
                    % {"key": self.sheet.key_label(key), "other": number},
                )
            )
            outcome.rejected_rows.add(first)

    def _reject(
        self, outcome: Outcome, number: int, raw: list[Any], column: str, message: str
    ) -> None:
        outcome.problems.append(Problem(number, self.named.get(column, column), message))
        outcome.rejected_rows.add(number)
        outcome.bad_rows.setdefault(number, [cell_text(v) for v in raw])

    def _check(
        self, chunk: list[tuple[int, list[Any]]], checker: "ColumnChecker", outcome: Outcome
    ) -> Iterator[tuple[int, list[Any], dict[str, Any]]]:
        """(row, raw cells, clean values) of each clean record in `chunk`, in order; skipped
        lines (blank, 合计, 填表人, a note in one cell) vanish and bad cells are reported."""
        records = [(number, raw) for number, raw in chunk if _is_record(raw)]
        if not records:
            return
        columns, values, errors = checker.check([raw for _n, raw in records])
        keys = [c.key for c in columns]
        width = len(columns)
        required = [i for i, c in enumerate(columns) if c.required]
        for position, row in enumerate(zip(*values, strict=True)):
            number, raw = records[position]
            bad = errors.get(position)
            filled = width - row.count(None)
            if filled <= 1 and not any(row[i] is not None for i in required):
                continue  # a note under the table: 说明、联系人 …
            outcome.total += 1
            for i, messages in checker.warnings.get(position, {}).items():
                label = columns[i].label
                outcome.warnings += [
                    Problem(number, self.named.get(label, label), m) for m in messages
                ]
            if bad is None and all(row[i] is not None for i in required):
                yield number, raw, dict(zip(keys, row, strict=True))
                continue
            problems = dict(bad or ())
            for i in required:
                if row[i] is None:
                    problems[i] = _("不能为空")
            for i in sorted(problems):
                self._reject(outcome, number, raw, columns[i].label, problems[i])

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
        values = dict(batch) if len(outcome.preview) < PREVIEW_ROWS else {}
        for item in self.sheet.plan(ctx, batch):
            if isinstance(item, RowPlan):
                if item.row in outcome.rejected_rows:  # its twin later in this batch
                    continue
                plans.append(item)
                if len(outcome.preview) < PREVIEW_ROWS and (
                    shown := preview_row(self.sheet, ctx, item, values[item.row])
                ):
                    outcome.preview.append(shown)
                outcome.counts[item.kind] = outcome.counts.get(item.kind, 0) + 1
                planned[item.row] = item.kind
            else:
                number, column, message = item
                self._reject(outcome, number, raws.get(number, []), column, message)
        if spool_file is not None and not outcome.problems:
            # As plain tuples: pickling 5,000 dataclass instances costs more than their data.
            rows = [(p.row, p.kind, p.payload) for p in plans]
            pickle.dump(rows, spool_file, protocol=pickle.HIGHEST_PROTOCOL)

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
            with page_cache(), transaction.atomic(), acting_as(self.user):
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


# SQLite's page cache during a commit (KiB). The default 2 MB cannot hold the register's indexes,
# and inserting 200,000 Persons in ID-number order then rereads index pages from disk over and
# over (bench/README.md: 17 s with the default, 9 s with this).
SQLITE_COMMIT_CACHE_KIB = 128 * 1024


@contextmanager
def page_cache() -> Iterator[None]:
    """A larger SQLite page cache on this connection for the length of a commit."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_COMMIT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _load_spool(path: str) -> Iterator[list[RowPlan]]:
    with open(path, "rb") as f:
        while True:
            try:
                rows = pickle.load(f)
            except EOFError:
                return
            yield [RowPlan(*row) for row in rows]
