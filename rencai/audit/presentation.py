"""Show a change the way its record's own pages do: field labels, code labels, unit names.

Personal data is masked again on the way out, so rows written before a masking rule existed
(a full ID in an export's filters, a birth date in a diff) are shown masked too.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import models

from rencai.audit.log import mask_value
from rencai.audit.masking import mask_text
from rencai.audit.models import AuditEvent

Change = tuple[str, Any, Any]  # (field label, before, after)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # a field since removed from the model
        return None


def readable_changes(events: Iterable[AuditEvent]) -> dict[int, list[Change]]:
    """{event id: [(label, before, after)]} for a page of events, with foreign keys resolved in
    one query per related model."""
    events = list(events)
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for event in events:
        model = event.content_type.model_class() if event.content_type_id else None
        for name, (before, after) in event.changes.items():
            field = _field(model, name)
            if isinstance(field, models.ForeignKey):
                wanted[field.related_model].update(v for v in (before, after) if v is not None)
    names = {
        related: {str(pk): str(obj) for pk, obj in related._base_manager.in_bulk(pks).items()}
        for related, pks in wanted.items()
    }

    def show(field: models.Field | None, value: Any) -> Any:
        if value is None or field is None:
            return value
        if isinstance(field, models.ForeignKey):
            return names.get(field.related_model, {}).get(str(value), f"#{value}")
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "是" if value else "否"
        return value

    def masked(model: type[models.Model] | None, name: str, value: Any) -> Any:
        if model is None:
            return mask_text(value, partial=False)
        return mask_value(model, name, value)

    out: dict[int, list[Change]] = {}
    for event in events:
        model = event.content_type.model_class() if event.content_type_id else None
        rows = []
        for name, (before, after) in event.changes.items():
            field = _field(model, name)
            before, after = masked(model, name, before), masked(model, name, after)
            label = (
                str(field.verbose_name)
                if field is not None and hasattr(field, "verbose_name")
                else name
            )
            rows.append((label, show(field, before), show(field, after)))
        out[event.pk] = rows
    return out


def mask_for_display(events: Iterable[AuditEvent]) -> None:
    """Mask the free text of events about to be shown (never saved: the log is append-only):
    the detail (an export's filters, a search) and the record label."""
    for event in events:
        event.detail = mask_text(event.detail or {})
        event.object_repr = mask_text(event.object_repr or "")
