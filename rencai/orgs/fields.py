"""The one way a form or a filter offers units to pick (issue 12 item 13).

Every unit picker lists its units in tree order (the county, then each township with its villages
beneath it, as offices list them, `OrgUnitQuerySet.in_tree_order`), each indented by its depth
below the shallowest unit offered, so the same list reads the same on every page. The select
carries ``data-unit-picker``: rencai.js puts a type-ahead box above it that hides the units whose
name does not match what is typed.
"""

from collections.abc import Iterator
from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.orgs.models import OrgUnit

INDENT = "\u3000"  # a full-width space: one per level below the shallowest unit offered


class UnitPicker(forms.Select):
    """A select of units that rencai.js gives a type-ahead box."""

    def __init__(self, attrs: dict | None = None, choices: Any = ()) -> None:
        attrs = {
            "data-unit-picker": "",
            "data-filter-placeholder": _("输入名称筛选"),
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, choices=choices)


class TreeOrderIterator(forms.models.ModelChoiceIterator):
    """The queryset's units in tree order, each label indented by its depth."""

    def __iter__(self) -> Iterator[tuple]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        units = self.queryset.in_tree_order()
        top = min((unit.level for unit in units), default=0)
        for unit in units:
            value, label = self.choice(unit)
            yield (value, INDENT * (unit.level - top) + str(label))

    def __len__(self) -> int:
        return self.queryset.count() + (1 if self.field.empty_label is not None else 0)


class UnitChoiceField(forms.ModelChoiceField):
    """A unit from the field's queryset, offered in tree order with type-ahead."""

    iterator = TreeOrderIterator
    widget = UnitPicker

    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.name


class UnitChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter's unit picker: the same list as a form's."""

    field_class = UnitChoiceField
