"""REST endpoints for unit-scoped records: the web list's filters, the same jurisdiction, people
by id with their names (never ID numbers), every write checked by the model's own rules and
placed inside the caller's jurisdiction.

    router.register("training/entities", record_viewset(Entity, EntityFilter), basename=…)"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from rencai.api import AttributedMixin, ReadsRecords
from rencai.domains import person_model
from rencai.orgs.models import OrgUnit
from rencai.records.forms import TEXT_MAX_LENGTH, is_editable_list, write_refusal
from rencai.records.versions import VersionedViewSet


class LimitedTextSerializer(serializers.ModelSerializer):
    """A model text field without a length gets the platform's (the web forms' TEXT_MAX_LENGTH)."""

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type, dict]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.TextField) and kwargs.get("max_length") is None:
            kwargs["max_length"] = TEXT_MAX_LENGTH
            messages = kwargs.setdefault("error_messages", {})
            messages["max_length"] = _("不能超过 {max_length} 个字")
        return field_class, kwargs


class RecordSerializer(LimitedTextSerializer):
    """Related choices limited like the web form's; a person is shown with their name."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        instance = self.instance if isinstance(self.instance, models.Model) else None
        for name, field in self.fields.items():
            target = getattr(field, "child_relation", field)
            if not isinstance(target, serializers.PrimaryKeyRelatedField) or target.read_only:
                continue
            related = target.queryset.model
            current = getattr(instance, f"{name}_id", None) if instance else None
            if related is OrgUnit:
                target.queryset = OrgUnit.objects.assignable_by(user, keep=(current,))
            elif related is person_model():
                target.queryset = related.objects.visible_to(user)
            elif is_editable_list(related):
                target.queryset = related.objects.filter(
                    models.Q(is_active=True) | models.Q(pk=current or 0)
                )
            elif hasattr(related.objects, "visible_to"):
                target.queryset = related.objects.filter(
                    models.Q(pk__in=related.objects.visible_to(user).values("pk"))
                    | models.Q(pk=current or 0)
                )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        model = self.Meta.model
        plain = {k: v for k, v in attrs.items() if not model._meta.get_field(k).many_to_many}
        record = model(**plain)
        if isinstance(self.instance, models.Model):
            record = self.instance
            for key, value in plain.items():
                setattr(record, key, value)
        try:
            record.full_clean()
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        if why := write_refusal(self.context["request"].user, record):
            raise ValidationError({"detail": [why]})
        return attrs


def person_names(*fields: str) -> dict[str, serializers.Field]:
    """`<field>_name` read-only fields: who a person reference is, without their ID number."""
    return {f"{f}_name": serializers.CharField(source=f"{f}.name", read_only=True) for f in fields}


def record_viewset(
    model: type[models.Model],
    filterset: Any,
    fields: Sequence[str],
    *,
    related: Sequence[str] = (),
    extra: dict[str, serializers.Field] | None = None,
    base: type[RecordSerializer] = RecordSerializer,
    annotate: dict[str, Any] | None = None,
    prefetch: Sequence[str] = (),
    doc: str = "",
) -> type[viewsets.ModelViewSet]:
    """A ModelViewSet over `model.objects.visible_to(user)` (writes: `editable_by`; versioned by
    ETag / If-Match, see `rencai.records.versions`) with the
    model `fields`, plus `<person>_name` for each person reference and the `extra` fields;
    `base` adds a record type's own fields and checks (a RecordSerializer subclass, whose own
    `Meta` options such as `validators` carry over); `annotate` computes values its read-only
    fields show (counts) and `prefetch` loads nested rows, in the list's few queries; `doc`
    describes the endpoint in the API documentation."""
    persons = [
        f.name
        for f in model._meta.fields
        if f.is_relation and f.related_model is person_model() and f.name in fields
    ]
    declared = {**person_names(*persons), **(extra or {})}
    shown = ["id", *fields, *declared, *base._declared_fields]
    meta_bases = (base.Meta,) if hasattr(base, "Meta") else ()
    meta = type("Meta", meta_bases, {"model": model, "fields": shown})
    serializer = type(f"{model.__name__}Serializer", (base,), {"Meta": meta, **declared})

    class RecordViewSet(AttributedMixin, VersionedViewSet, viewsets.ModelViewSet):
        serializer_class = serializer
        permission_classes = [ReadsRecords]
        filterset_class = filterset
        queryset = model.objects.none()  # for the schema; get_queryset decides

        def get_queryset(self) -> models.QuerySet:
            user = self.request.user
            if self.request.method in ("GET", "HEAD", "OPTIONS"):
                rows = model.objects.visible_to(user)
            else:
                rows = model.objects.editable_by(user)
            rows = rows.select_related(*related).prefetch_related(*prefetch)
            return rows.annotate(**(annotate or {})).order_by("-id")

        def perform_create(self, serializer: serializers.Serializer) -> None:
            with transaction.atomic():
                serializer.save()

        def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
            try:
                return super().destroy(request, *args, **kwargs)
            except (ProtectedError, RestrictedError):
                return Response({"detail": _("该记录仍被其他记录引用，不能删除")}, status=400)

    RecordViewSet.__name__ = f"{model.__name__}ViewSet"
    RecordViewSet.__doc__ = doc or f"{model._meta.verbose_name_plural}：本辖区内的记录。"
    return RecordViewSet
