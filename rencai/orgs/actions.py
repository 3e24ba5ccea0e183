"""Changes to the org tree: each one atomic, validated and attributed (Zulip's do_* style)."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from rencai.audit.context import acting_as
from rencai.orgs.choices import OrgKind, guess_kind
from rencai.orgs.models import OrgUnit
from rencai.standards.text import fold


def create_org(
    *, name: str, kind: str, parent: OrgUnit | None, division_code: str = "", acting_user: Any
) -> OrgUnit:
    with transaction.atomic(), acting_as(acting_user):
        unit = OrgUnit(name=fold(name), kind=kind, parent=parent, division_code=division_code)
        unit.full_clean()
        unit.save()
        return unit


def _rewrite_descendants(
    unit: OrgUnit, old_path: str, old_name_path: str, level_shift: int
) -> None:
    """Carry a moved or renamed unit's path, name path and level down to its descendants."""
    from django.db.models import F

    OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
        path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)),
        name_path=Concat(Value(unit.name_path), Substr("name_path", len(old_name_path) + 1)),
        level=F("level") + level_shift,
    )


def rename_org(unit: OrgUnit, *, name: str, acting_user: Any) -> OrgUnit:
    with transaction.atomic(), acting_as(acting_user):
        old_path, old_name_path = unit.path, unit.name_path
        unit.name = fold(name)
        unit.full_clean()
        unit.save()
        _rewrite_descendants(unit, old_path, old_name_path, 0)
        return unit


def move_org(unit: OrgUnit, *, new_parent: OrgUnit, acting_user: Any) -> OrgUnit:
    if new_parent.is_within(unit):
        raise ValidationError(_("不能把组织移动到它自己或它的下级之下"))
    with transaction.atomic(), acting_as(acting_user):
        old_path, old_name_path, old_level = unit.path, unit.name_path, unit.level
        unit.parent = new_parent
        unit.full_clean()
        unit.save()
        _rewrite_descendants(unit, old_path, old_name_path, unit.level - old_level)
        return unit


def retire_org(unit: OrgUnit, *, reason: str, acting_user: Any) -> OrgUnit:
    """撤销: the unit stays (its history and people keep pointing at it) but takes no new work."""
    if not reason.strip():
        raise ValidationError(_("请填写撤销原因"))
    if unit.children.filter(is_active=True).exists():
        raise ValidationError(_("该组织还有在用的下级组织，请先撤销或移走下级"))
    with transaction.atomic(), acting_as(acting_user):
        unit.is_active = False
        unit.retired_reason = reason.strip()
        unit.save()
        return unit


@dataclass
class TreeImportResult:
    created: list[OrgUnit]
    existing: int


class TreeImportError(ValidationError):
    """Rows that cannot be imported; nothing was written."""


def import_org_paths(
    rows: list[tuple[int, dict[str, str]]], *, root: OrgUnit, acting_user: Any
) -> TreeImportResult:
    """Create every unit named by a path such as 示范县/城关镇/东关村, all or nothing.

    `rows` are (row number, {"path", "kind", "division_code"}) as read from a sheet. A path must
    start at `root` (the importer's county); missing intermediate units are created too.
    """
    errors: list[str] = []
    kinds_by_label = {str(label): value for value, label in OrgKind.choices}
    planned: dict[str, tuple[int, str, str]] = {}  # name path → (row, kind, code)
    for row_no, row in rows:
        names = [fold(n) for n in row.get("path", "").replace("／", "/").split("/") if fold(n)]
        if not names:
            errors.append(_("第 %(row)d 行〔组织路径〕：不能为空") % {"row": row_no})
            continue
        if names[0] != root.name:
            errors.append(
                _("第 %(row)d 行〔组织路径〕：路径必须从“%(root)s”开始，实际为“%(got)s”")
                % {"row": row_no, "root": root.name, "got": names[0]}
            )
            continue
        kind_text = fold(row.get("kind", ""))
        kind = kinds_by_label.get(kind_text) or (kind_text if kind_text in OrgKind.values else "")
        if kind_text and not kind:
            errors.append(
                _("第 %(row)d 行〔类型〕：“%(kind)s”无法识别，可填写：%(all)s")
                % {"row": row_no, "kind": kind_text, "all": "、".join(kinds_by_label)}
            )
            continue
        code = fold(row.get("division_code", ""))
        if code and not (len(code) == 12 and code.isdigit()):
            errors.append(
                _("第 %(row)d 行〔统计用区划代码〕：应为 12 位数字，实际为“%(code)s”")
                % {"row": row_no, "code": code}
            )
            continue
        for depth in range(1, len(names) + 1):
            name_path = "/".join(names[:depth])
            is_leaf = depth == len(names)
            if is_leaf:
                leaf_kind = kind or guess_kind(names[-1]) or ""
                if not leaf_kind:
                    errors.append(
                        _("第 %(row)d 行〔类型〕：无法从名称“%(name)s”判断组织类型，请填写类型")
                        % {"row": row_no, "name": names[-1]}
                    )
                    break
                planned[name_path] = (row_no, leaf_kind, code)
            else:
                planned.setdefault(name_path, (row_no, guess_kind(names[depth - 1]) or "", ""))
    if errors:
        raise TreeImportError(errors)

    existing = {o.name_path: o for o in OrgUnit.objects.subtree(root)}
    created: list[OrgUnit] = []
    with transaction.atomic(), acting_as(acting_user):
        for name_path in sorted(planned, key=lambda p: p.count("/")):
            if name_path in existing:
                continue
            row_no, kind, code = planned[name_path]
            parent_path, _sep, name = name_path.rpartition("/")
            if not kind:
                raise TreeImportError(
                    [
                        _(
                            "第 %(row)d 行〔组织路径〕：上级“%(name)s”不存在，且无法判断其类型，"
                            "请单独一行列出"
                        )
                        % {"row": row_no, "name": name}
                    ]
                )
            unit = OrgUnit(name=name, kind=kind, parent=existing[parent_path], division_code=code)
            unit.save()
            existing[name_path] = unit
            created.append(unit)
    return TreeImportResult(created=created, existing=len(planned) - len(created))
