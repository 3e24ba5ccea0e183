"""The 督导检查 import sheet: one row per 整改事项, the rows of one inspection (same unit, base and
date) read together; the inspection's pages, rules and API are in inspections.py.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext

from rencai.imports.sheets import NEW, UNCHANGED, UPDATED, Column, RowPlan, register
from rencai.orgs.resolve import UnitResolver
from rencai.records.forms import unit_ids_editable_by
from rencai.records.sheets import (
    RecordContext,
    RecordSheet,
    day,
    named,
    text,
    unit,
)
from rencai.training.bases import (
    base_label,
    multiline,
    multiline_text,
)
from rencai.training.inspections import InspectionFilter, item_problems, today
from rencai.training.models import (
    Inspection,
    RectificationItem,
    TrainingBase,
)

# --- 督导检查 import sheet ---------------------------------------------------------------------


@dataclass
class Group:
    """The rows of one inspection seen so far in an import (same unit, base and date)."""

    first_row: int
    inspectors: str
    findings: str | None
    stored: dict[str, Any] | None  # the inspection it updates, or None for a new one


@dataclass
class InspectionContext(RecordContext):
    inspections: dict[tuple, list[dict[str, Any]]] | None = None
    bases: dict[int, tuple[int, str]] | None = None  # pk → (unit, name), of the visible bases
    items: dict[int, dict[str, list[dict[str, Any]]]] | None = None
    groups: dict[tuple, Group] = field(default_factory=dict)
    created: dict[tuple, int] = field(default_factory=dict)  # during the commit


ITEM_FIELDS = (("owner", "责任人"), ("due_on", "整改期限"), ("done_on", "完成日期"))


@dataclass(frozen=True)
class ItemPlan:
    """What one row does to its 整改事项: NEW, UPDATED or UNCHANGED, the stored item, the
    fields to write."""

    kind: str
    pk: int | None = None
    fields: dict[str, Any] | None = None


class InspectionSheet(RecordSheet):
    """One row per 整改事项 with its inspection's columns repeated; the rows with the same
    被检查单位 + 实训基地 + 检查日期 are one inspection. An inspection found among the importer's
    is updated (检查人员, 发现问题), its items matched by 整改内容; items the sheet does not name
    are kept."""

    def context(self, user: Any, options: dict[str, Any]) -> InspectionContext:
        return InspectionContext(user, UnitResolver(user), unit_ids_editable_by(user), self.model)

    def row_key(self, values: dict[str, Any]) -> Any:
        return (values["org_id"], values.get("base_id"), values["date"], values.get("description"))

    def key_label(self, key: Any) -> str:
        _org, _base, checked_on, description = key
        if description is None:
            return gettext("检查日期 %(d)s 的检查（无整改内容）") % {"d": checked_on}
        return gettext("检查日期 %(d)s 的整改内容“%(t)s”") % {"d": checked_on, "t": description}

    # --- what is stored ---------------------------------------------------------------------

    def _inspections(self, ctx: InspectionContext) -> dict[tuple, list[dict[str, Any]]]:
        if ctx.inspections is None:
            ctx.inspections = {}
            rows = Inspection.objects.editable_by(ctx.user).values(
                "pk", "org_id", "base_id", "date", "inspectors", "findings"
            )
            for row in rows:
                key = (row["org_id"], row["base_id"], row["date"])
                ctx.inspections.setdefault(key, []).append(row)
        return ctx.inspections

    def _bases(self, ctx: InspectionContext) -> dict[int, tuple[int, str]]:
        if ctx.bases is None:
            rows = TrainingBase.objects.visible_to(ctx.user).values_list("pk", "org_id", "name")
            ctx.bases = {pk: (org_id, name) for pk, org_id, name in rows}
        return ctx.bases

    def _items(self, ctx: InspectionContext, inspection_id: int) -> dict[str, list[dict]]:
        if ctx.items is None:
            ctx.items = {}
            rows = RectificationItem.objects.editable_by(ctx.user).values(
                "pk", "inspection_id", "description", "owner", "due_on", "done_on"
            )
            for row in rows:
                by_text = ctx.items.setdefault(row["inspection_id"], {})
                by_text.setdefault(row["description"], []).append(row)
        return ctx.items.get(inspection_id, {})

    # --- planning ---------------------------------------------------------------------------

    def plan(self, ctx: InspectionContext, rows: list[tuple[int, dict[str, Any]]]):
        for number, values in rows:
            yield self._plan_row(ctx, number, values)

    def _plan_row(self, ctx: InspectionContext, number: int, v: dict[str, Any]):
        org_id, base_id, checked_on = v["org_id"], v.get("base_id"), v["date"]
        if base_id is not None:
            base_org, base_name = self._bases(ctx)[base_id]
            if base_org != org_id:
                return (
                    number,
                    "实训基地",
                    gettext("实训基地“%(b)s”属于 %(u)s，被检查单位应填写该单位")
                    % {"b": base_name, "u": ctx.units.paths.get(base_org, "")},
                )
        if org_id not in ctx.editable_units:
            return number, "被检查单位", gettext("该单位不在您的管辖范围内")
        if checked_on > today():
            return number, "检查日期", gettext("检查日期不能晚于今天")
        key = (org_id, base_id, checked_on)
        group = ctx.groups.get(key)
        first = group is None
        if group is None:
            stored = self._inspections(ctx).get(key, [])
            if len(stored) > 1:
                return (
                    number,
                    "检查日期",
                    gettext("该单位当日已有 %(n)d 次督导检查，无法确定本行是哪一次，请在页面上修改")
                    % {"n": len(stored)},
                )
            group = Group(number, v["inspectors"], v.get("findings"), stored[0] if stored else None)
            ctx.groups[key] = group
        else:
            for name, label in (("inspectors", "检查人员"), ("findings", "发现问题")):
                if v.get(name) != getattr(group, name):
                    return (
                        number,
                        label,
                        gettext("同一次检查各行的“%(c)s”须相同（与第 %(r)d 行不同）")
                        % {"c": label, "r": group.first_row},
                    )
        stored = group.stored
        inspection = {"org_id": org_id, "base_id": base_id, "date": checked_on}
        inspection["inspectors"] = v["inspectors"]
        if v.get("findings") is not None:
            inspection["findings"] = v["findings"]
        if stored is None:
            inspection_kind = NEW
        elif first and any(
            multiline(stored[k]) != value
            for k, value in inspection.items()
            if k in ("inspectors", "findings")
        ):
            inspection_kind = UPDATED
        else:
            inspection_kind = UNCHANGED
        item = self._plan_item(ctx, number, v, stored)
        if not isinstance(item, ItemPlan):
            return item
        item_kind, item_pk, item_fields = item.kind, item.pk, item.fields
        if NEW in (inspection_kind, item_kind):
            kind = NEW
        elif UPDATED in (inspection_kind, item_kind):
            kind = UPDATED
        else:
            return RowPlan(number, UNCHANGED, None)
        payload = {
            "key": key,
            "inspection_pk": stored["pk"] if stored else None,
            "inspection": inspection if inspection_kind != UNCHANGED else None,
            "item_pk": item_pk,
            "item": item_fields if item_kind != UNCHANGED else None,
        }
        return RowPlan(number, kind, payload)

    def _plan_item(self, ctx: InspectionContext, number: int, v: dict, stored: dict | None):
        """What the row does to its 整改事项, or (row, column, problem)."""
        description = v.get("description")
        given = {name: v[name] for name, _l in ITEM_FIELDS if v.get(name) is not None}
        if description is None:
            if given:
                return number, "整改内容", gettext("填了责任人、整改期限或完成日期，但没有整改内容")
            return ItemPlan(UNCHANGED)
        found = self._items(ctx, stored["pk"]).get(description, []) if stored else []
        if len(found) > 1:
            return number, "整改内容", gettext("该次检查已有多条相同的整改内容，请在页面上修改")
        current = found[0] if found else None
        if current is None:
            for name, label in ITEM_FIELDS[:2]:
                if name not in given:
                    return number, label, gettext("新增整改事项时不能为空")
            kind = NEW
        elif any(current[name] != value for name, value in given.items()):
            kind = UPDATED
        else:
            return ItemPlan(UNCHANGED, current["pk"])
        merged = {**(current or {}), **given}
        problems = item_problems(v["date"], merged.get("due_on"), merged.get("done_on"))
        labels = dict(ITEM_FIELDS)
        for name, message in problems.items():
            return number, labels[name], message
        pk = current["pk"] if current else None
        return ItemPlan(kind, pk, {"description": description, **given})

    def commit(self, ctx: InspectionContext, plans: list[RowPlan]) -> None:
        for plan in plans:
            p = plan.payload
            pk = p["inspection_pk"] or ctx.created.get(p["key"])
            if pk is None:
                pk = Inspection.objects.create(**p["inspection"]).pk
                ctx.created[p["key"]] = pk
            elif p["inspection"] and p["inspection_pk"]:
                inspection = Inspection.objects.get(pk=pk)
                inspection.inspectors = p["inspection"]["inspectors"]
                if "findings" in p["inspection"]:
                    inspection.findings = p["inspection"]["findings"]
                inspection.save()
            if p["item"] is None:
                continue
            if p["item_pk"] is None:
                RectificationItem.objects.create(inspection_id=pk, **p["item"])
                continue
            item = RectificationItem.objects.get(pk=p["item_pk"])
            for name, value in p["item"].items():
                setattr(item, name, value)
            item.save()

    # --- exporting --------------------------------------------------------------------------

    def export_queryset(self, user: Any, params: dict[str, Any]) -> Any:
        rows = super().export_queryset(user, params)
        return rows.select_related("org", "base__org").prefetch_related("items")

    def export_rows(self, user: Any, queryset: Any, *, reveal: bool) -> Iterable[list[Any]]:
        repeated = set(
            TrainingBase.objects.visible_to(user)
            .order_by()
            .values("name")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values_list("name", flat=True)
        )
        for inspection in queryset.iterator(chunk_size=500):
            base = inspection.base
            base_cell = "" if base is None else base.name
            if base is not None and base.name in repeated:
                base_cell = base_label(base)
            head = [
                inspection.date.isoformat(),
                inspection.org.name_path,
                base_cell,
                inspection.inspectors,
                inspection.findings,
            ]
            items = list(inspection.items.all())
            if not items:
                yield [*head, "", "", "", ""]
            for item in items:
                yield [
                    *head,
                    item.description,
                    item.owner,
                    item.due_on.isoformat(),
                    item.done_on.isoformat() if item.done_on else "",
                ]


INSPECTION_SHEET = register(
    InspectionSheet(
        name="inspections",
        title="督导检查",
        model=Inspection,
        filterset=InspectionFilter,
        related=("org", "base"),
        key_column="description",
        columns=[
            Column("date", "检查日期", ("督导日期", "日期"), required=True, parse=day),
            Column(
                "org_id",
                "被检查单位",
                ("被督导单位", "检查单位"),
                required=True,
                parse=unit,
                width=26,
                help="写组织路径，如 示范县/城关镇；检查实训基地时填基地所在单位",
            ),
            Column(
                "base_id",
                "实训基地",
                ("基地",),
                parse=named(TrainingBase),
                width=20,
                help="可空；写基地名称，重名时写 单位/名称",
            ),
            Column(
                "inspectors",
                "检查人员",
                ("督导人员", "检查组"),
                required=True,
                parse=text(200),
                width=20,
            ),
            Column(
                "findings",
                "发现问题",
                ("存在问题", "检查发现问题"),
                parse=multiline_text(2000),
                width=30,
            ),
            Column("description", "整改内容", ("整改事项", "整改要求"), parse=text(300), width=30),
            Column("owner", "责任人", ("整改责任人",), parse=text(100)),
            Column("due_on", "整改期限", ("整改时限", "整改期限（日期）"), parse=day),
            Column("done_on", "完成日期", ("整改完成日期", "完成时间"), parse=day),
        ],
        instructions=[
            "一行一个整改事项，所属检查的各列（检查日期、被检查单位、实训基地、检查人员、发现问题）"
            "在每一行重复填写；被检查单位 + 实训基地 + 检查日期 相同的行是同一次检查。",
            "没有整改事项的检查写一行，整改内容等列留空。",
            "已有的检查按本表更新：整改事项以“整改内容”识别，空白单元格保留原值；"
            "表中没有的原有整改事项保持不变（删除请在页面上操作）。",
            "新增整改事项须填写责任人和整改期限；完成日期留空表示尚未完成。",
            "整张表全部正确才会导入。",
        ],
    )
)
