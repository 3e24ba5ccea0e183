"""Writing the audit trail: snapshots, diffs and events, for single saves and for bulk jobs.

Field diffs come from one mechanism for every model (the signals in `signals.py` and the bulk
paths of `AuditedQuerySet`); business events (login, reveal, export, import) are written by the
code that did them through `record_event`.
"""

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

from rencai.audit.context import current_actor
from rencai.audit.masking import mask_text
from rencai.audit.models import AuditAction, AuditEvent

# Apps whose models are infrastructure, not records: never diffed.
# (An import job's own progress row is bookkeeping; the import itself is one audit event and
# every record it changes has its own entry.)
UNAUDITED_APPS = {
    "audit",
    "sessions",
    "contenttypes",
    "admin",
    "authtoken",
    "migrations",
    "imports",
}
ALWAYS_EXCLUDED = {"last_login"}


MARK_WINDOW = 10_000


def change_mark() -> tuple[int, int]:
    """Where the audit log stands: its highest id, and how many of the last MARK_WINDOW ids are
    visible. Every change to an audited record writes an event, so anything computed from the
    records stays valid while the mark is unchanged (figures cached under it); the count notices
    a transaction whose events were numbered earlier committing after a later one."""
    top = AuditEvent.objects.aggregate(top=models.Max("id"))["top"] or 0
    recent = AuditEvent.objects.filter(id__gt=top - MARK_WINDOW).count()
    return top, recent


def is_audited(model: type[models.Model]) -> bool:
    """Whether saving `model` writes the change log: every record, not infrastructure, not an
    auto-created through table, and not a table the database derives from records (a model
    saying `audited = False`: tallies kept by triggers, never written by the ORM)."""
    meta = model._meta
    if meta.app_label in UNAUDITED_APPS or meta.auto_created or meta.proxy:
        return False
    return getattr(model, "audited", True)


def audited_models() -> list[type[models.Model]]:
    """Every model whose changes the log records, in app order: the audit list's 对象类型."""
    return [m for m in apps.get_models() if is_audited(m) and m._meta.app_label != "auth"]


def secret_fields(model: type[models.Model]) -> set[str]:
    """Fields that must never reach the log unmasked; a model without a masker for them is
    refused (Django's `password` is one)."""
    return {"password"} & {f.name for f in model._meta.concrete_fields}


def jsonable(value: Any) -> Any:
    """A field value as the log's JSON holds it (dates as ISO text, decimals as text); the bulk
    writer stamps its rows with the same, so a bulk change reads like a save."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "<binary>"
    return value


def audited_fields(model: type[models.Model]) -> list[models.Field]:
    excluded = ALWAYS_EXCLUDED | set(getattr(model, "audit_exclude", ()))
    return [f for f in model._meta.concrete_fields if f.name not in excluded]


def mask_value(model: type[models.Model], field_name: str, value: Any) -> Any:
    """Personal identifiers never reach the log in full (security checklist item 17): the
    model's own masker for its personal fields, and an ID or mobile number found in any other
    text (a note) is masked too."""
    masker = getattr(model, "audit_masked", {}).get(field_name)
    if masker is None and field_name in secret_fields(model):
        return "******"
    if masker is None or value in (None, ""):
        return mask_text(jsonable(value), partial=False)
    return masker(str(value))


def snapshot_values(model: type[models.Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """A masked, JSON-ready copy of one row given as {attname: value}."""
    out = {}
    for f in audited_fields(model):
        if f.attname in values:
            out[f.name] = mask_value(model, f.name, values[f.attname])
    return out


def snapshot(instance: models.Model) -> dict[str, Any]:
    model = type(instance)
    return snapshot_values(
        model, {f.attname: getattr(instance, f.attname) for f in audited_fields(model)}
    )


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list]:
    """{field: [before, after]} for every field whose (masked) value differs."""
    before = before or {}
    after = after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return {
        k: [before.get(k), after.get(k)]
        for k in keys
        if before.get(k) != after.get(k) and not (_empty(before.get(k)) and _empty(after.get(k)))
    }


def _empty(value: Any) -> bool:
    """None and blank are the same "nothing" in a diff (a new record's blank fields)."""
    return value is None or value == "" or value == []


def _actor_fields() -> dict[str, Any]:
    actor = current_actor()
    user = actor.user if getattr(actor.user, "pk", None) is not None else None
    return {
        "user": user,
        "username": actor.username,
        "ip": actor.ip,
        "request_id": actor.request_id,
        "batch": actor.batch,
    }


def change_event(
    model: type[models.Model],
    pk: Any,
    repr_: str,
    action: str,
    changes: dict[str, list],
    content_type: ContentType | None = None,
) -> AuditEvent:
    """An unsaved AuditEvent for one record change, attributed to the current actor."""
    return AuditEvent(
        action=action,
        content_type=content_type or ContentType.objects.get_for_model(model),
        object_id=str(pk),
        object_repr=mask_text(repr_)[:200],
        changes=changes,
        **_actor_fields(),
    )


def label_of(instance: models.Model) -> str:
    """The record's name for the log. Models loaded by migrations have Django's default
    "X object (1)"; a `name` field says more."""
    text = str(instance)
    if text == f"{type(instance).__name__} object ({instance.pk})" and hasattr(instance, "name"):
        return str(instance.name)
    return text


def record_change(instance: models.Model, action: str, changes: dict[str, list]) -> AuditEvent:
    event = change_event(type(instance), instance.pk, label_of(instance), action, changes)
    event.save()
    return event


def record_changes(events: Iterable[AuditEvent]) -> int:
    """Write many change events at once (bulk imports write 200,000 rows in one job)."""
    created = AuditEvent.objects.bulk_create(list(events), batch_size=2000)
    return len(created)


def record_event(
    action: str,
    *,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    success: bool = True,
    user: Any = None,
    username: str | None = None,
) -> AuditEvent:
    """A business or security event: login, logout, failed login, reveal, export, import."""
    fields = _actor_fields()
    if user is not None:
        fields["user"] = user if getattr(user, "pk", None) is not None else None
        fields["username"] = user.get_username()
    if username is not None:
        fields["username"] = username
    event = AuditEvent(action=action, detail=mask_text(detail or {}), success=success, **fields)
    if obj is not None:
        event.content_type = ContentType.objects.get_for_model(type(obj))
        event.object_id = str(obj.pk)
        event.object_repr = mask_text(str(obj))[:200]
    event.save()
    return event


__all__ = [
    "AuditAction",
    "change_event",
    "diff",
    "is_audited",
    "record_change",
    "record_changes",
    "record_event",
    "snapshot",
    "snapshot_values",
]
