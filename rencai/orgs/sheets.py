"""The 组织机构表: the org tree as an import/export sheet, one row per unit path.

A row names a unit by its full path (示范县/城关镇/东关村), optionally with its kind and
统计用区划代码.
Missing units are created (and missing parents with them, when their kind can be told from their
names); existing ones get a new kind or code; nothing is renamed, moved or retired by an import.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from rencai.accounts import roles
from rencai.imports.reader import cell_text
from rencai.imports.sheets import NEW, UNCHANGED, UPDATED, CellError, Column, RowPlan, Sheet
from rencai.orgs.choices import OrgKind, guess_kind
from rencai.orgs.models import OrgUnit
from rencai.standards.text import fold

KIND_BY_LABEL = {str(label): value for value, label in OrgKind.choices}


def parse_path(raw: Any, ctx: Any) -> tuple[str, ...]:
    names = tuple(n for n in (fold(p) for p in cell_text(raw).replace("／", "/").split("/")) if n)
    if not names:
        raise CellError(_("不能为空"))
    return names


def parse_kind(raw: Any, ctx: Any) -> str:
    text = fold(cell_text(raw))
    kind = KIND_BY_LABEL.get(text) or (text if text in OrgKind.values else None)
    if kind is None:
        raise CellError(
            _("“%(kind)s”无法识别，可填写：%(all)s")
            % {"kind": text, "all": "、".join(KIND_BY_LABEL)}
        )
    return kind


def parse_code(raw: Any, ctx: Any) -> str:
    text = fold(cell_text(raw))
    if not (len(text) == 12 and text.isdigit()):
        raise CellError(_("应为 12 位数字，实际为“%(code)s”") % {"code": text})
    return text


@dataclass
class OrgSheetContext:
    root: OrgUnit
    existing: dict[str, OrgUnit]  # name path → unit, the importer's subtree
    planned: set[str] = field(default_factory=set)  # name paths the import will create


class OrgSheet(Sheet):
    def may_import(self, user: Any) -> bool:
        return roles.manages_orgs(user)

    def context(self, user: Any, options: dict[str, Any]) -> OrgSheetContext:
        if not roles.manages_orgs(user):
            raise CellError(_("只有县人才办管理员可以导入组织机构"))
        root = user.org
        return OrgSheetContext(root, {o.name_path: o for o in OrgUnit.objects.subtree(root)})

    def row_key(self, values: dict[str, Any]) -> Any:
        return "/".join(values["path"])

    def plan(self, ctx: OrgSheetContext, rows: list[tuple[int, dict[str, Any]]]):
        label = self.column("path").label
        for number, values in rows:
            names = values["path"]
            if names[0] != ctx.root.name:
                yield (
                    number,
                    label,
                    _("路径必须从“%(root)s”开始，实际为“%(got)s”")
                    % {"root": ctx.root.name, "got": names[0]},
                )
                continue
            path = "/".join(names)
            current = ctx.existing.get(path)
            if current is not None:
                changed = {
                    k: values[k]
                    for k in ("kind", "division_code")
                    if values.get(k) and values[k] != getattr(current, k)
                }
                yield RowPlan(number, UPDATED if changed else UNCHANGED, (path, changed))
                continue
            kind = values.get("kind") or guess_kind(names[-1])
            if not kind:
                yield (
                    number,
                    self.column("kind").label,
                    _("无法从名称“%(name)s”判断组织类型，请填写类型") % {"name": names[-1]},
                )
                continue
            parents = []
            for depth in range(2, len(names)):
                parent = "/".join(names[:depth])
                if parent in ctx.existing or parent in ctx.planned:
                    continue
                parent_kind = guess_kind(names[depth - 1])
                if parent_kind is None:
                    parents = None
                    yield (
                        number,
                        label,
                        _("上级“%(name)s”不存在，且无法判断其类型，请单独一行列出")
                        % {"name": names[depth - 1]},
                    )
                    break
                parents.append((parent, parent_kind))
            if parents is None:
                continue
            ctx.planned.update(p for p, _k in parents)
            ctx.planned.add(path)
            yield RowPlan(
                number,
                NEW,
                (path, {"kind": kind, "division_code": values.get("division_code") or ""}, parents),
            )

    def commit(self, ctx: OrgSheetContext, plans: list[RowPlan]) -> None:
        creations: dict[str, dict] = {}
        for plan in plans:
            if plan.kind == UPDATED:
                path, changed = plan.payload
                unit = ctx.existing[path]
                for key, value in changed.items():
                    setattr(unit, key, value)
                unit.full_clean()
                unit.save()
            else:
                path, fields, parents = plan.payload
                for parent, kind in parents:
                    creations.setdefault(parent, {"kind": kind, "division_code": ""})
                creations[path] = fields
        for path in sorted(creations, key=lambda p: p.count("/")):
            if path in ctx.existing:
                continue
            parent_path, _sep, name = path.rpartition("/")
            unit = OrgUnit(name=name, parent=ctx.existing[parent_path], **creations[path])
            unit.full_clean()
            unit.save()
            ctx.existing[path] = unit

    def export_queryset(self, user: Any, params: dict[str, Any]) -> Any:
        return OrgUnit.objects.visible_to(user).active()

    def export_rows(self, user: Any, queryset: Any, *, reveal: bool):
        for unit in queryset.in_tree_order():
            yield [unit.name_path, unit.get_kind_display(), unit.division_code]


ORG_SHEET = OrgSheet(
    name="orgs",
    title="组织机构表",
    columns=[
        Column(
            "path",
            "组织路径",
            ("路径", "组织全称", "单位路径"),
            required=True,
            parse=parse_path,
            width=40,
            help="从县开始的完整路径，如 示范县/城关镇/东关村",
        ),
        Column(
            "kind",
            "类型",
            ("组织类型", "单位类型"),
            parse=parse_kind,
            choices=list(KIND_BY_LABEL),
            width=12,
            help="可不填：按名称判断（镇、乡、街道、村、社区、局…）",
        ),
        Column(
            "division_code",
            "统计用区划代码",
            ("区划代码",),
            parse=parse_code,
            text=True,
            width=16,
            help="12 位数字",
        ),
    ],
    key_column="path",
    instructions=[
        "一行一个组织，写从县开始的完整路径；路径中缺少的上级组织会一并建立。",
        "已存在的组织只更新类型和区划代码，不会改名、移动或撤销。",
        "整张表全部正确才会导入；有错误时不写入任何数据。",
    ],
)
