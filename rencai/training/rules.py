"""What the person records of 育 (培训成效, 名师带徒, 储备) share: rules across fields
(`Problems`), applied alike by the form (`draft`, `add_problems`), the import sheet and the API
(`ruled`), and duplicate-row messages that name people by masked ID number (`MaskedKeys`)."""

import copy
from collections.abc import Callable
from typing import Any

from django import forms
from django.db import models
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from rencai.records.api import RecordSerializer
from rencai.records.sheets import person
from rencai.standards.idnumber import mask_id_number

Problems = list[tuple[str, str]]  # (model field name, Chinese message)


class MaskedKeys:
    """Duplicate-row messages name people by masked ID number."""

    columns: list
    key: tuple[str, ...]

    def key_label(self, key: Any) -> str:
        by_attname = {getattr(c, "attname", ""): c for c in self.columns}
        parts = []
        for name, value in zip(self.key, key, strict=True):
            column = by_attname.get(name)
            label = column.label if column else name
            if column is not None and column.parse is person and value and "*" not in str(value):
                value = mask_id_number(str(value))
            parts.append(f"{label} {value}")
        return "，".join(parts)


def draft(form: forms.ModelForm, data: dict[str, Any]) -> Any:
    """The record as the form's cleaned values would make it (for rules across fields)."""
    record = copy.copy(form.instance)
    for name in form._meta.fields:
        if name not in data:
            continue
        value = data[name]
        if value is None and record._meta.get_field(name).is_relation:
            continue  # a person whose ID number was wrong: its own error says so
        setattr(record, name, value)
    return record


def add_problems(form: forms.Form, problems: Problems) -> None:
    for name, message in problems:
        if name not in form.errors:
            form.add_error(name if name in form.fields else None, message)


def applied(serializer: serializers.Serializer, attrs: dict[str, Any]) -> Any:
    """The record as `attrs` would leave it (without touching the stored one)."""
    model = serializer.Meta.model
    instance = serializer.instance
    record = copy.copy(instance) if isinstance(instance, models.Model) else model()
    for key, value in attrs.items():
        setattr(record, key, value)
    return record


def ruled(rules: Callable[[Any], Problems]) -> type[RecordSerializer]:
    """A record serializer whose writes also pass `rules` (a 400 naming the field, in Chinese)."""

    class Ruled(RecordSerializer):
        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if problems := rules(applied(self, attrs)):
                raise ValidationError({name: [message] for name, message in problems})
            return super().validate(attrs)

    return Ruled
