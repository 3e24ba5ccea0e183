"""Optimistic concurrency for every editable record, without a version column: every change of a
record writes an audit event, so the id of its latest create/update event is its version.

An edit form carries the version it was opened at in a hidden field (`VersionedForm`); the API
sends it as the `ETag` of a record and takes it back as `If-Match` (412 when stale) or as a
`version` field (409) (`VersionedViewSet`). A save whose version is stale saves nothing and says
「此记录已被他人修改」 with both values of each field that differs. The check and the save run in
one transaction, the record's row locked first: `select_for_update` on PostgreSQL, while SQLite's
IMMEDIATE transactions hold the database's write lock from their start."""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from rencai.audit.models import AuditAction, AuditEvent
from rencai.domains import person_model

CHANGES = (AuditAction.CREATE, AuditAction.UPDATE)  # a reveal or an export changes nothing
CONFLICT = gettext_lazy("此记录已被他人修改，您的修改未保存。请核对下列他人保存的值后重新编辑。")


class StaleVersion(Exception):
    """The record changed since the version the writer started from."""


def version_of(record: models.Model) -> str:
    """The id of the latest audit event that created or changed `record` ("0" for none)."""
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=str(record.pk),
        action__in=CHANGES,
    )
    return str(events.aggregate(top=Max("id"))["top"] or 0)


def versions_of(records: Iterable[models.Model]) -> dict[Any, str]:
    """`version_of` for several records of one model, in one query: {pk: version}."""
    records = list(records)
    if not records:
        return {}
    tops = dict(
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(type(records[0])),
            object_id__in=[str(r.pk) for r in records],
            action__in=CHANGES,
        )
        .values("object_id")
        .annotate(top=Max("id"))
        .values_list("object_id", "top")
    )
    return {r.pk: str(tops.get(str(r.pk), 0)) for r in records}


def locked_version(record: models.Model) -> str:
    """`version_of(record)` with the record's row locked until the transaction ends, so no
    other writer changes it between this check and the caller's save."""
    rows = type(record)._base_manager.filter(pk=record.pk).order_by()  # no outer joins
    list(rows.select_for_update(of=("self",)).values_list("pk", flat=True))
    return version_of(record)


def check_version(record: models.Model, expected: str) -> None:
    """Raise StaleVersion unless `record` is still at version `expected`. Call inside the
    transaction that saves it."""
    if locked_version(record) != str(expected).strip():
        raise StaleVersion


# --- the edit forms ------------------------------------------------------------------------


def display(value: Any) -> str:
    """How a value reads on a page and in a conflict: dates as 2026-03-15, 是/否, no trailing
    zeros, a person by name, several values joined, — for none."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, models.QuerySet | list | tuple | set):
        return "、".join(sorted(display(v) for v in value)) or "—"
    if isinstance(value, person_model()):
        return value.name
    return str(value)


def _stored(record: models.Model, name: str) -> Any:
    value = getattr(record, name, None)
    if isinstance(value, models.Manager):
        return list(value.all())
    return value


def _as_text(model: type[models.Model], name: str, value: Any) -> str:
    """Masked like the audit log (ID numbers, phones), choice values by their labels."""
    try:
        field = model._meta.get_field(name)
    except Exception:  # a form field that is not a model field (a grade, a reason)
        field = None
    if field is not None and field.choices and not isinstance(value, models.Model):
        value = dict(field.flatchoices).get(value, value)
    masker = getattr(model, "audit_masked", {}).get(name)
    if masker is not None and value not in (None, ""):
        return masker(str(value))
    return display(value)


class VersionedForm(forms.BaseForm):
    """An edit form that carries the record's version in a hidden field. The view calls
    `check_version()` inside the transaction that saves; a stale form gets the conflict message
    — each differing field with their value (now stored) and yours (as submitted) — and the
    save is abandoned. A form posted without a version (an old page) is not checked."""

    versioned_record: models.Model | None = None

    def __init__(self, *args: Any, record: models.Model | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        record = record if record is not None else getattr(self, "instance", None)
        if record is None or record.pk is None:
            return
        self.versioned_record = record
        self.fields["version"] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial["version"] = version_of(record)

    def check_version(self) -> None:
        """Refuse (StaleVersion, with the message on the form) a save from a stale version."""
        record = self.versioned_record
        expected = (self.cleaned_data or {}).get("version") if record is not None else ""
        if not expected:
            return
        try:
            check_version(record, expected)
        except StaleVersion:
            self.add_conflict(type(record)._base_manager.get(pk=record.pk))
            raise

    def add_conflict(self, theirs: models.Model) -> None:
        model = type(theirs)
        self.add_error(None, CONFLICT)
        stored = {f.name for f in model._meta.get_fields()}
        for name, field in self.fields.items():
            if name == "version" or name not in self.cleaned_data or name not in stored:
                continue  # a form's own field (a review's verdict) has no stored value
            now = _as_text(model, name, _stored(theirs, name))
            yours = _as_text(model, name, self.cleaned_data[name])
            if now != yours:
                self.add_error(
                    None,
                    _("〔%(f)s〕他人保存的值：%(theirs)s；您提交的值：%(yours)s")
                    % {"f": field.label or name, "theirs": now, "yours": yours},
                )
        self.data = self.data.copy()
        self.data["version"] = version_of(theirs)  # saving again overwrites knowingly


def saved_checked(form: forms.BaseForm, save: Any) -> Any:
    """`save()` inside one transaction with the form's version check; None when stale (the
    form then shows the conflict)."""
    try:
        with transaction.atomic():
            if isinstance(form, VersionedForm):
                form.check_version()
            return save()
    except StaleVersion:
        return None


# --- the API -------------------------------------------------------------------------------


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy("此记录已被他人修改（If-Match 与当前版本不符），未保存。")
    default_code = "precondition_failed"


class VersionConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("此记录已被他人修改（version 与当前版本不符），未保存。")
    default_code = "version_conflict"


def etag(version: str) -> str:
    return f'"{version}"'


def _tags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/").strip('"') for t in header.split(",") if t.strip()}


class VersionedViewSet:
    """A viewset mixin: GET of one record answers its version as `ETag`; PUT, PATCH and DELETE
    with `If-Match` (or a `version` field) are refused when the record has changed since, the
    check and the write in one transaction with the row locked. A deletion with consequences
    overrides `remove`."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag(version_of(self.get_object()))
        return response

    def check_version(self, record: models.Model) -> None:
        """Refuse the request (412 / 409) when it names a version `record` is no longer at."""
        request = self.request
        wanted = request.headers.get("If-Match", "").strip()
        data = request.data if hasattr(request.data, "get") else {}
        given = data.get("version")
        if not wanted and given in (None, ""):
            return
        current = locked_version(record)
        if wanted and wanted != "*" and current not in _tags(wanted):
            raise PreconditionFailed
        if given not in (None, "") and str(given).strip() != current:
            raise VersionConflict

    def perform_update(self, serializer: Any) -> None:
        with transaction.atomic():
            self.check_version(serializer.instance)
            super().perform_update(serializer)

    def perform_destroy(self, instance: models.Model) -> None:
        with transaction.atomic():
            self.check_version(instance)
            self.remove(instance)

    def remove(self, instance: models.Model) -> None:
        instance.delete()
