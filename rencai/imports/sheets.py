"""How a domain declares a sheet the import engine reads and the exporter writes.

A sheet names its columns (Chinese header plus the aliases offices write), how each cell is
parsed (a function that returns the clean value or raises CellError with a Chinese reason),
which column identifies a record, and how a batch of clean rows becomes records. The engine
does the rest: reading, finding the header, reporting every bad cell, all-or-nothing commit.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rencai.imports.options import SheetOption
from rencai.standards.text import fold

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
# A row recorded for someone to decide rather than applied (a census roster naming a person another
# unit registered): counted apart in the dry run and handed to `commit` with the others.
CONFLICT = "conflict"


class CellError(ValueError):
    """A cell's value cannot be used; `message` says why in Chinese (without row or column)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    parse: Callable[[Any, Any], Any] | None = None  # (raw cell, sheet context) -> value
    text: bool = False  # kept as text in templates and exports (ID numbers, phones)
    choices: Sequence[str] = ()  # drop-down list in the template
    width: int = 14
    help: str = ""

    def names(self) -> list[str]:
        return [header_key(n) for n in (self.label, *self.aliases)]


def header_key(text: str) -> str:
    """A header as compared: folded, without spaces, asterisks and 必填 marks."""
    t = fold(str(text)).replace(" ", "").replace("*", "").replace("＊", "")
    for mark in ("（必填）", "(必填)", "必填"):
        t = t.replace(mark, "")
    return t


@dataclass
class RowPlan:
    """What committing one clean row will do."""

    row: int
    kind: str  # NEW, UPDATED, UNCHANGED or CONFLICT
    payload: Any = None


@dataclass
class Sheet:
    """Base of every import sheet; subclasses fill in the record-specific methods."""

    name: str
    title: str
    columns: list[Column]
    key_column: str  # the column whose value identifies a record
    instructions: list[str] = field(default_factory=list)
    # The `--flags` of `rencai import|export` for this sheet (imports/options.py)
    command_options: list[SheetOption] = field(default_factory=list)
    # Whether records can be exported in this sheet's layout (the 人才需求表 is import-only)
    exports: ClassVar[bool] = True
    # Columns an upload may carry that the template does not (a combined 工作单位及职务 the sheet
    # splits): recognised on import, never written in templates or exports.
    extra_columns: ClassVar[tuple[Column, ...]] = ()

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def key_column_label(self) -> str:
        return self.column(self.key_column).label

    # The record-specific part ------------------------------------------------------------

    def context(self, user: Any, options: dict[str, Any]) -> Any:
        """Lookups loaded once per import (units in the importer's jurisdiction, codes…);
        `options` are the job's own (e.g. the census round a roster is submitted to)."""
        return None

    def upload_options(self, user: Any, params: Mapping[str, str]) -> dict[str, Any]:
        """The job options an upload page's query string carries (e.g. ?census_round=3), checked
        for `user`: raise Http404 or PermissionDenied for options the user may not use. Most
        sheets take none."""
        return {}

    def options_for(self, command: str) -> list[SheetOption]:
        """The options `rencai import` or `rencai export` (`command`) takes for this sheet."""
        return [o for o in self.command_options if command in o.commands]

    def options_label(self, options: dict[str, Any]) -> str:
        """What a job's options stand for, shown on its pages (e.g. 2025年人才资源普查 · 城关镇)."""
        return ""

    def row_key(self, values: dict[str, Any]) -> Any:
        """What identifies the record a row stands for (two rows with the same key clash)."""
        raise NotImplementedError

    def key_label(self, key: Any) -> str:
        return str(key)

    def plan(self, ctx: Any, rows: list[tuple[int, dict[str, Any]]]) -> Iterable[RowPlan | tuple]:
        """For a batch of clean rows: a RowPlan each, or (row, column label, message) for a row
        that is clean cell by cell but cannot be applied (e.g. a record outside the importer's
        jurisdiction)."""
        raise NotImplementedError

    def describe(
        self, ctx: Any, plan: RowPlan, values: dict[str, Any]
    ) -> list[tuple[str, Any, Any]]:
        """(column label, old value, new value) of what `plan` writes, for the preview. By
        default the row's filled cells with no old value (all a new record has); a sheet whose
        updates can say what they replace overrides it."""
        return [
            (c.label, None, values[c.key]) for c in self.columns if values.get(c.key) is not None
        ]

    def commit(self, ctx: Any, plans: list[RowPlan]) -> None:
        """Write one batch of changing plans (inside the import's transaction)."""
        raise NotImplementedError

    def may_import(self, user: Any) -> bool:
        """Whose role may import this sheet (the records' own rules apply row by row)."""
        from rencai.accounts import roles

        return roles.edits_records(user)

    def export_queryset(self, user: Any, params: dict[str, Any]) -> Any:
        """The records an export of `params` (the list page's filters) holds for `user`."""
        raise NotImplementedError

    def export_rows(self, user: Any, queryset: Any, *, reveal: bool) -> Iterable[list[Any]]:
        """The records of `queryset` as rows in column order (masked unless `reveal`)."""
        raise NotImplementedError

    def after_commit(self, ctx: Any) -> None:
        """Housekeeping after a large write (planner statistics)."""


_registry: dict[str, Sheet] = {}


def register(sheet: Sheet) -> Sheet:
    _registry[sheet.name] = sheet
    return sheet


def get_sheet(name: str) -> Sheet:
    return _registry[name]


def sheet_names() -> list[str]:
    return sorted(_registry)
