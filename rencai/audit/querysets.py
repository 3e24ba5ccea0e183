"""A QuerySet whose bulk operations write the change log that signals would have skipped."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from rencai.audit import log
from rencai.audit.models import AuditAction


class AuditedQuerySet(models.QuerySet):
    """Base queryset of every domain model: `update` and `bulk_create` are audited
    (`bulk_update` is Django's loop of `update` calls, so it is audited through `update`).

    (`delete` needs nothing here: with audit receivers connected Django deletes object by
    object and sends post_delete for each.)
    """

    def _rows(self, pks: list[Any] | None = None) -> dict[Any, dict[str, Any]]:
        model = self.model
        fields = [f.attname for f in log.audited_fields(model)]
        qs = model._base_manager.filter(pk__in=pks) if pks is not None else self
        return {row[model._meta.pk.attname]: row for row in qs.values(*fields).iterator()}

    def _record_updates(self, before: dict[Any, dict], after: dict[Any, dict]) -> None:
        model = self.model
        ct = ContentType.objects.get_for_model(model)
        events = []
        for pk, old in before.items():
            new = after.get(pk)
            if new is None:
                continue
            changes = log.diff(log.snapshot_values(model, old), log.snapshot_values(model, new))
            if changes:
                events.append(
                    log.change_event(model, pk, self._repr(new), AuditAction.UPDATE, changes, ct)
                )
        log.record_changes(events)

    def _repr(self, row: dict[str, Any]) -> str:
        instance = self.model(**{k: v for k, v in row.items()})
        try:
            return str(instance)
        except Exception:  # a __str__ that follows a relation; the id is enough then
            return f"{self.model._meta.verbose_name} {row.get('id')}"

    def update(self, **kwargs: Any) -> int:
        with transaction.atomic(using=self.db):
            before = self._rows()
            count = super().update(**kwargs)
            if before:
                self._record_updates(before, self._rows(list(before)))
        return count

    update.alters_data = True

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[models.Model]:
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            model = self.model
            ct = ContentType.objects.get_for_model(model)
            log.record_changes(
                log.change_event(
                    model,
                    o.pk,
                    log.label_of(o),
                    AuditAction.CREATE,
                    log.diff(None, log.snapshot(o)),
                    ct,
                )
                for o in created
                if o.pk is not None
            )
        return created
