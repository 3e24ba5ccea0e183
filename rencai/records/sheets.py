"""Import sheets for unit-scoped records, declared column by column:

    RecordSheet(
        name="entities", title="经营主体", model=Entity, filterset=EntityFilter,
        columns=[RecordColumn("name", "名称", required=True, parse=text(200)), …],
        key=("name", "org_id"),
    )

Each column names the model attribute it sets; a row whose key (e.g. name and unit) matches a
record the importer may edit updates it (blank cells keep the stored value), any other row
creates one. People are named by ID number (a masked number from an export is matched together
with the 姓名 column), units by path, related records by name. Every row must land inside the
importer's jurisdiction and pass the model's own constraints; the commit writes through the ORM,
so every change is audited like an edit on the page. Exports write the same columns, masked
unless the user may reveal."""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from rencai.domains import person_model
from rencai.imports.cells import Masked, choice_parser, parse_id, parse_text
from rencai.imports.dates import DateError, parse_date
from rencai.imports.options import EXPORT, SheetOption, unit_option
from rencai.imports.reader import cell_text
from rencai.imports.sheets import NEW, UNCHANGED, UPDATED, CellError, Column, RowPlan, Sheet
from rencai.listing import filtered
from rencai.orgs.resolve import UnitResolver
from rencai.records.forms import is_editable_list, unit_ids_editable_by
from rencai.standards.idnumber import IdNumber, mask_id_number
from rencai.standards.text import fold

# --- cell parsers (pure: the engine remembers each distinct value's result per column) ---------


def text(limit: int) -> Callable[[Any, Any], str]:
    """Text of at most `limit` characters (folded: full-width, zero-width, spaces)."""
    return parse_text(limit)


def choice(choices: Any, label: str) -> Callable[[Any, Any], str]:
    """One of a model's choices, by its label (or stored value)."""
    return choice_parser(choices, label)


def integer(raw: Any, ctx: Any) -> int:
    t = cell_text(raw).replace(",", "")
    if t.endswith(".0"):
        t = t[:-2]
    if not t.isdigit():
        raise CellError(_("应为不小于 0 的整数，实际为“%(t)s”") % {"t": cell_text(raw)})
    return int(t)


def decimal(raw: Any, ctx: Any) -> Decimal:
    t = cell_text(raw).replace(",", "")
    try:
        value = Decimal(t)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise CellError(_("应为不小于 0 的数字，实际为“%(t)s”") % {"t": cell_text(raw)})
    return value  # its places are the model field's to check (学时 has one, 万元 two)


def day(raw: Any, ctx: Any) -> datetime.date:
    try:
        parsed = parse_date(raw)
    except DateError as exc:
        raise CellError(exc.message) from exc
    if parsed is None or parsed.precision != "day":
        raise CellError(_("日期须写到日，如 2026-03-15，实际为“%(t)s”") % {"t": cell_text(raw)})
    return parsed.as_date()


def unit(raw: Any, ctx: "RecordContext") -> int:
    return ctx.units(raw)


def person(raw: Any, ctx: Any) -> IdNumber | Masked:
    return parse_id(raw, ctx)


def named(model: type[models.Model]) -> Callable[[Any, Any], int]:
    """A related record by name: an editable list's entry in use (培训类别, 储备库), or a
    record of the importer's jurisdiction (实训基地, 文艺团队), written 单位/名称 where names
    repeat."""

    def parse(raw: Any, ctx: "RecordContext") -> int:
        names = ctx.names(model)
        t = fold(cell_text(raw)).replace("／", "/").replace(" ", "")
        found = names.get(t, set())
        if len(found) == 1:
            return next(iter(found))
        what = model._meta.verbose_name
        if found:
            raise CellError(_("%(w)s“%(t)s”有重名，请写 单位/名称") % {"w": what, "t": t})
        sample = "、".join(sorted(k for k in names if "/" not in k)[:8])
        raise CellError(
            _("找不到%(w)s“%(t)s”%(hint)s")
            % {"w": what, "t": t, "hint": _("，可填写：%(s)s") % {"s": sample} if sample else ""}
        )

    return parse


# --- declarations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordColumn(Column):
    """A sheet column that sets `attname` on the record (empty: read for checking only, like the
    姓名 next to an ID number); `export` gives the cell of a record (default: the attribute)."""

    attname: str = ""
    export: Callable[[Any, bool], Any] | None = None
    name_column: str = ""  # for a person column: the column holding the person's 姓名


def person_columns(attname: str, label: str, *, required: bool = True) -> list[RecordColumn]:
    """姓名 + 身份证号 of a person the record refers to (exported masked unless revealed)."""
    name_key = f"{attname}__name"
    relation = attname.removesuffix("_id")
    return [
        RecordColumn(
            name_key,
            _("%(l)s姓名") % {"l": label},
            parse=text(50),
            width=10,
            export=lambda r, reveal: getattr(r, relation).name if getattr(r, relation) else "",
        ),
        RecordColumn(
            attname,
            _("%(l)s身份证号") % {"l": label},
            required=required,
            parse=person,
            text=True,
            width=22,
            attname=attname,
            name_column=name_key,
            help="18 位，须为人才库中的人员；本列须为文本格式",
            export=lambda r, reveal: _id_cell(getattr(r, relation), reveal),
        ),
    ]


def _id_cell(p: models.Model | None, reveal: bool) -> str:
    if p is None:
        return ""
    return p.id_number if reveal else p.masked_id_number


def unit_column(attname: str, label: str, **kwargs: Any) -> RecordColumn:
    relation = attname.removesuffix("_id")
    return RecordColumn(
        attname,
        label,
        parse=unit,
        width=26,
        attname=attname,
        help="写组织路径，如 示范县/城关镇/东关村",
        export=lambda r, reveal: getattr(r, relation).name_path,
        **kwargs,
    )


@dataclass
class RecordContext:
    user: Any
    units: UnitResolver
    editable_units: set[int]
    model: type[models.Model]
    existing: dict[tuple, tuple[int, dict[str, Any]]] | None = None
    _names: dict[type, dict[str, set[int]]] = field(default_factory=dict)

    def names(self, model: type[models.Model]) -> dict[str, set[int]]:
        if model not in self._names:
            if is_editable_list(model):
                rows = [
                    (pk, name, "")
                    for pk, name in model.objects.filter(is_active=True).values_list("pk", "name")
                ]
            else:
                rows = model.objects.visible_to(self.user).values_list("pk", "name", "org__name")
            found: dict[str, set[int]] = {}
            for pk, name, org in rows:
                found.setdefault(name, set()).add(pk)
                if org:
                    found.setdefault(f"{org}/{name}", set()).add(pk)
            self._names[model] = found
        return self._names[model]


@dataclass
class RecordSheet(Sheet):
    model: type[models.Model] = models.Model
    filterset: Any = None  # the list page's FilterSet: an export holds what the list shows
    key: tuple[str, ...] = ()  # attnames that identify a record among the importer's
    related: tuple[str, ...] = ()  # select_related for exports

    def options_for(self, command: str) -> list[SheetOption]:
        """The declared options, and `--org` for an export when the list page filters by unit."""
        declared = super().options_for(command)
        base_filters = getattr(self.filterset, "base_filters", {})
        if command == EXPORT and "org" in base_filters and all(o.flag != "org" for o in declared):
            declared.append(unit_option())
        return declared

    @property
    def setters(self) -> list[RecordColumn]:
        return [c for c in self.columns if getattr(c, "attname", "")]

    def context(self, user: Any, options: dict[str, Any]) -> RecordContext:
        return RecordContext(user, UnitResolver(user), unit_ids_editable_by(user), self.model)

    def row_key(self, values: dict[str, Any]) -> Any:
        return tuple(_key_part(values.get(k)) for k in self.key)

    def key_label(self, key: Any) -> str:
        labels = {c.key: c.label for c in self.columns}
        return "，".join(f"{labels.get(k, k)} {v}" for k, v in zip(self.key, key, strict=True))

    # --- planning --------------------------------------------------------------------------

    def _existing(self, ctx: RecordContext) -> dict[tuple, tuple[int, dict[str, Any]]]:
        if ctx.existing is None:
            names = [c.attname for c in self.setters]
            rows = self.model.objects.editable_by(ctx.user).values("pk", *names)
            ctx.existing = {tuple(r[k] for k in self.key): (r["pk"], r) for r in rows}
        return ctx.existing

    def plan(self, ctx: RecordContext, rows: list[tuple[int, dict[str, Any]]]):
        people = self._people(ctx, rows)
        for number, values in rows:
            problem = None
            for column in self.setters:
                if column.parse is person and values.get(column.key) is not None:
                    resolved = people.get((values[column.key], values.get(column.name_column)))
                    if isinstance(resolved, str):
                        problem = (number, column.label, resolved)
                        break
                    values[column.key] = resolved
            if problem:
                yield problem
                continue
            yield self._plan_row(ctx, number, values)

    def _people(self, ctx: RecordContext, rows: list) -> dict[tuple, int | str]:
        """(ID cell, 姓名 cell) → Person pk, or why it names nobody the importer may use."""
        wanted = {
            (v[c.key], v.get(c.name_column))
            for _n, v in rows
            for c in self.setters
            if c.parse is person and v.get(c.key) is not None
        }
        numbers = [i.number for i, _name in wanted if isinstance(i, IdNumber)]
        names = [name for i, name in wanted if isinstance(i, Masked) and name]
        visible = person_model().objects.visible_to(ctx.user)
        by_number = dict(visible.filter(id_number__in=numbers).values_list("id_number", "pk"))
        by_number_name = dict(visible.filter(id_number__in=numbers).values_list("pk", "name"))
        by_mask: dict[tuple[str, str], list[int]] = {}
        for pk, number, name in visible.filter(name__in=names).values_list(
            "pk", "id_number", "name"
        ):
            by_mask.setdefault((mask_id_number(number), name), []).append(pk)
        found: dict[tuple, int | str] = {}
        for id_cell, name in wanted:
            if isinstance(id_cell, Masked):
                pks = by_mask.get((id_cell.text, name or ""), [])
                found[(id_cell, name)] = (
                    pks[0]
                    if len(pks) == 1
                    else _("身份证号已脱敏且无法与姓名唯一对应，请填写完整号码")
                )
                continue
            pk = by_number.get(id_cell.number)
            if pk is None:
                found[(id_cell, name)] = _("人才库中没有该身份证号的人员（或不在您的管辖范围内）")
            elif name and by_number_name[pk] != name:
                found[(id_cell, name)] = _("姓名“%(n)s”与人才库中该身份证号的姓名“%(r)s”不一致") % {
                    "n": name,
                    "r": by_number_name[pk],
                }
            else:
                found[(id_cell, name)] = pk
        return found

    def _plan_row(self, ctx: RecordContext, number: int, values: dict[str, Any]):
        given = {c.attname: values[c.key] for c in self.setters if values.get(c.key) is not None}
        key = tuple(given.get(k) for k in self.key)
        stored = self._existing(ctx).get(key)
        if stored is None:
            record = self.model(**given)
        else:
            current = stored[1]
            if all(current.get(k) == v for k, v in given.items()):
                return RowPlan(number, UNCHANGED, None)
            record = self.model(**{**current, **given})
        if problem := self._problem(ctx, record, pk=stored[0] if stored else None):
            return (number, *problem)
        kind = NEW if stored is None else UPDATED
        return RowPlan(number, kind, (stored[0] if stored else None, given))

    def _problem(self, ctx: RecordContext, record: models.Model, pk: int | None):
        """Why a planned record cannot be written: outside the importer's units, or against
        one of the model's rules (a required value, a constraint) — as (column, message)."""
        record.pk = pk
        record._state.adding = pk is None  # an update is checked as one (its own pk, its key)
        labels = {c.attname: c.label for c in self.setters}
        try:
            record.full_clean(validate_unique=True)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = labels.get(name) or labels.get(f"{name}_id") or _("整行")
                return column, "；".join(messages)
        from rencai.records.forms import write_refusal

        if why := write_refusal(ctx.user, record, ctx.editable_units):
            return _("整行"), why
        return None

    def commit(self, ctx: RecordContext, plans: list[RowPlan]) -> None:
        for plan in plans:
            pk, given = plan.payload
            if pk is None:
                self.model.objects.create(**given)
                continue
            record = self.model.objects.get(pk=pk)
            for name, value in given.items():
                setattr(record, name, value)
            record.save()

    # --- exporting -------------------------------------------------------------------------

    def export_queryset(self, user: Any, params: dict[str, Any]) -> Any:
        base = self.model.objects.visible_to(user).select_related(*self.related)
        if self.filterset is None:
            return base
        request = SimpleNamespace(user=user, GET=params)
        return filtered(self.filterset(params or None, queryset=base, request=request))

    def export_rows(self, user: Any, queryset: Any, *, reveal: bool) -> Iterable[list[Any]]:
        for record in queryset.iterator(chunk_size=1000):
            yield [self._export_cell(c, record, reveal) for c in self.columns]

    def _export_cell(self, column: Column, record: Any, reveal: bool) -> Any:
        export = getattr(column, "export", None)
        if export is not None:
            return export(record, reveal)
        value = getattr(record, column.key, None)
        if column.choices and hasattr(record, f"get_{column.key}_display"):
            return getattr(record, f"get_{column.key}_display")()
        return value if value is not None else ""


def _key_part(value: Any) -> Any:
    if isinstance(value, IdNumber):
        return value.number
    if isinstance(value, Masked):
        return value.text
    return value


def labels_of(choices: Any) -> Sequence[str]:
    return [str(label) for _v, label in choices.choices]
