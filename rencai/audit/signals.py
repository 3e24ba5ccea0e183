"""Automatic change log: every save and delete of every audited model, by any path.

Single saves (forms, API, admin, commands) go through these signals; QuerySet.update and the
bulk_* methods, which skip signals, go through `AuditedQuerySet` instead.
"""

from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from rencai.audit import log
from rencai.audit.models import AuditAction


def _before_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kw: Any):
    if raw or not log.is_audited(sender):
        return
    if instance._state.adding or instance.pk is None:
        instance._audit_before = None
        return
    fields = [f.attname for f in log.audited_fields(sender)]
    row = sender._base_manager.filter(pk=instance.pk).values(*fields).first()
    instance._audit_before = log.snapshot_values(sender, row) if row else None


def _after_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kw: Any
):
    if raw or not log.is_audited(sender):
        return
    before = getattr(instance, "_audit_before", None)
    after = log.snapshot(instance)
    changes = log.diff(before, after)
    if created or before is None:
        log.record_change(instance, AuditAction.CREATE, changes)
    elif changes:
        log.record_change(instance, AuditAction.UPDATE, changes)
    instance._audit_before = after


def _after_delete(sender: type[models.Model], instance: models.Model, **kw: Any):
    if log.is_audited(sender):
        log.record_change(instance, AuditAction.DELETE, log.diff(log.snapshot(instance), None))


def _m2m_labels(instance: models.Model, field_name: str) -> list[str]:
    return sorted(str(o) for o in getattr(instance, field_name).all())


def _m2m_owners(
    sender: Any, instance: models.Model, reverse: bool, model: Any, pk_set: set | None
) -> tuple[list[models.Model], str] | None:
    """The objects whose many-to-many field changes, and that field's name.

    `person.categories.add(c)` changes one person; `category.persons.add(p1, p2)` (the reverse
    side) changes p1 and p2, so each of them gets the event.
    """
    owner_model = model if reverse else type(instance)
    field_name = next(
        (f.name for f in owner_model._meta.many_to_many if f.remote_field.through is sender),
        None,
    )
    if field_name is None or not log.is_audited(owner_model):
        return None
    if not reverse:
        return [instance], field_name
    if pk_set is None:  # clear(): every object currently related
        accessor = owner_model._meta.get_field(field_name).related_query_name()
        owners = owner_model._base_manager.filter(**{accessor: instance})
    else:
        owners = owner_model._base_manager.filter(pk__in=pk_set)
    return list(owners), field_name


def _m2m_changed(
    sender: Any,
    instance: models.Model,
    action: str,
    reverse: bool,
    model: Any,
    pk_set: set | None,
    **kw: Any,
):
    if action.startswith("pre_"):
        found = _m2m_owners(sender, instance, reverse, model, pk_set)
        if found is None:
            return
        owners, field_name = found
        pending = instance.__dict__.setdefault("_audit_m2m_pending", {})
        pending[(sender, action[4:])] = [
            (owner, field_name, _m2m_labels(owner, field_name)) for owner in owners
        ]
    elif action.startswith("post_"):
        pending = instance.__dict__.get("_audit_m2m_pending", {}).pop((sender, action[5:]), [])
        for owner, field_name, before in pending:
            after = _m2m_labels(owner, field_name)
            if before != after:
                log.record_change(owner, AuditAction.UPDATE, {field_name: [before, after]})


def connect() -> None:
    pre_save.connect(_before_save, dispatch_uid="audit_pre_save")
    post_save.connect(_after_save, dispatch_uid="audit_post_save")
    post_delete.connect(_after_delete, dispatch_uid="audit_post_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="audit_m2m_changed")
