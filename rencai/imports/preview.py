"""The import preview: the first rows a clean dry run will add or change, each field as
old → new, shown on the confirm step before anything is written.

A sheet says what a plan changes (`Sheet.describe`); by default a row's own values are shown,
which is all a new record has. Values are kept as typed; the job page masks ID numbers and
phones for whoever may not see them whole (`rencai.imports.masking`).
"""

from typing import Any

from rencai.imports.sheets import NEW, UPDATED, RowPlan, Sheet

PREVIEW_ROWS = 50


def display(value: Any) -> str:
    """A parsed cell value as text: an ID number by its number, a masked one by its mask, a
    date as written, several values joined with 、."""
    if value is None:
        return ""
    for attribute in ("number", "text"):  # IdNumber, Masked
        if isinstance(getattr(value, attribute, None), str):
            return getattr(value, attribute)
    if isinstance(value, tuple | list):
        return "、".join(display(v) for v in value)
    return str(value)


def preview_row(sheet: Sheet, ctx: Any, plan: RowPlan, values: dict[str, Any]) -> dict | None:
    """{row, kind, fields: [[label, old, new], …]} of a plan that adds or changes a record."""
    if plan.kind not in (NEW, UPDATED):
        return None
    fields = sheet.describe(ctx, plan, values)
    return {
        "row": plan.row,
        "kind": plan.kind,
        "fields": [[str(label), display(old), display(new)] for label, old, new in fields],
    }
