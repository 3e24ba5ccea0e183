"""Changes to the org tree: each one atomic, validated and attributed (Zulip's do_* style)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from rencai.audit.context import acting_as
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
