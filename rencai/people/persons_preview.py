"""What an import of the 人员信息表 will write, for the preview on the confirm step: a new
person's filled fields, an updated person's changed fields as old → new — codes as their labels,
units as their paths, categories by name (`PersonSheet.describe`)."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist

from rencai.imports.sheets import UPDATED, RowPlan
from rencai.people.models import Person


def describe_person(
    sheet: Any, ctx: Any, plan: RowPlan, values: dict[str, Any]
) -> list[tuple[str, Any, Any]]:
    """(column label, old, new) of each field `plan` writes."""
    labels = {c.key: c.label for c in sheet.columns}
    if plan.kind != UPDATED:
        return [
            (labels[key], None, _shown(ctx, key, value))
            for key, value in values.items()
            if key in labels and value is not None and key != "person_no"
        ]
    _pk, changed, old, new_categories, categories = plan.payload
    fields = [
        (labels[key.removesuffix("_id")], _shown(ctx, key, old.get(key)), _shown(ctx, key, new))
        for key, new in changed.items()
        if key.removesuffix("_id") in labels
    ]
    if new_categories is not None:
        fields.append(
            (
                labels["categories"],
                _shown(ctx, "categories", categories),
                _shown(ctx, "categories", new_categories),
            )
        )
    return fields


def _shown(ctx: Any, key: str, value: Any) -> Any:
    if value is None or value == "":
        return ""
    if key in ("home_org", "work_org", "home_org_id", "work_org_id"):
        return ctx.units.paths.get(value, str(value))
    if key == "categories":
        return "、".join(ctx.category_names.get(c, str(c)) for c in value)
    try:
        choices = dict(Person._meta.get_field(key).choices or ())
    except FieldDoesNotExist:  # a sheet column that is no model field
        return value
    return choices.get(value, value)
