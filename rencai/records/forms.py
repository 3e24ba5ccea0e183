"""Forms for unit-scoped records: every choice within the user's jurisdiction, people named by
ID number (never listed in a drop-down), and the saved record inside what the user may edit."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.domains import person_model
from rencai.orgs.forms import unit_choice_field
from rencai.orgs.models import OrgUnit
from rencai.records.versions import VersionedForm
from rencai.standards.idnumber import parse_id_number
from rencai.standards.text import StandardError
from rencai.widgets import DatePicker

NOT_IN_REGISTER = _("人才库中没有该身份证号的人员（或不在您的管辖范围内），请先登记")
OUTSIDE = _("该记录不在您的管辖范围内：请选择本单位及下级单位的人员或组织")
# A TextField has no length in the database, but a 备注 or an inspection's findings is at most a
# page (a 9 MB 备注 was once accepted): every record type's form and API serializer apply this.
TEXT_MAX_LENGTH = 2000
TEXT_TOO_LONG = _("不能超过 %(limit_value)s 个字")


def limit_text(field: forms.Field) -> forms.Field:
    """Give a text form field that has no length the platform's, refused in words users read."""
    if isinstance(field, forms.CharField) and field.max_length is None:
        field.max_length = TEXT_MAX_LENGTH
        field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH, message=TEXT_TOO_LONG))
        field.widget.attrs["maxlength"] = str(TEXT_MAX_LENGTH)
    return field


def person_by_id(user: Any, raw: str, missing: str = NOT_IN_REGISTER) -> models.Model:
    """The Person of the register `user` sees whose ID number `raw` is (written as offices write
    it), or a ValidationError saying why there is none."""
    try:
        number = parse_id_number(raw).number
    except StandardError as exc:
        raise forms.ValidationError(exc.message) from exc
    person = person_model().objects.visible_to(user).filter(id_number=number).first()
    if person is None:
        raise forms.ValidationError(missing)
    return person


def is_editable_list(model: type[models.Model]) -> bool:
    """A list the county keeps as data (categories, pools): offered while in use."""
    names = {f.name for f in model._meta.fields}
    return {"is_active", "sort_order"} <= names


def unit_ids_editable_by(user: Any) -> set[int]:
    if not roles.edits_records(user) or user.org_id is None:
        return set()
    return set(OrgUnit.objects.subtree_ids(user.org))


def placing_units(instance: models.Model, unit_fields: tuple[str, ...]) -> list[int]:
    """The units the lookups of a model's `unit_fields` reach from an unsaved instance."""
    found = []
    for lookup in unit_fields:
        obj: Any = instance
        *path, last = lookup.split("__")
        for part in path:
            obj = getattr(obj, part, None) if obj is not None else None
        unit_id = getattr(obj, f"{last}_id", None) if obj is not None else None
        if unit_id is not None:
            found.append(unit_id)
    return found


def write_refusal(user: Any, record: models.Model, editable_units: set[int] | None = None) -> str:
    """Why `user` may not save `record` as it now stands ("" when they may): it must land inside
    the units that decide writing (the queryset's `write_fields`, else its `unit_fields`). The
    one write rule of a record type, asked alike by its form, its API serializer and its sheet
    (which passes `unit_ids_editable_by(user)` once for all its rows)."""
    rows = type(record).objects.all()
    unit_fields = getattr(rows, "write_fields", ()) or getattr(rows, "unit_fields", ())
    if editable_units is None:
        editable_units = unit_ids_editable_by(user)
    if unit_fields and not set(placing_units(record, unit_fields)) & editable_units:
        return str(getattr(rows, "outside_message", "") or OUTSIDE)
    return ""


class RecordForm(VersionedForm, forms.ModelForm):
    """Create or edit a record. Units come from what the user may assign, other scoped records
    from what the user sees, people are entered by ID number, editable lists offer the entries
    still in use — always keeping what the record already has, so an edit never forces a change.
    Numbers cannot be negative, and the record must land inside the user's jurisdiction. An
    edit carries the record's version: saved from a stale one, it is refused (VersionedForm)."""

    wide_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        self.person_fields: list[str] = []
        opts = self._meta.model._meta
        for name in list(self.fields):
            if name == "version":  # VersionedForm's hidden field
                continue
            model_field = opts.get_field(name)
            if model_field.many_to_many or not model_field.is_relation:
                self._widen(name, model_field)
                continue
            self._scope_choice(name, model_field)
        self.order_fields(self._meta.fields)

    def _widen(self, name: str, model_field: models.Field) -> None:
        field = self.fields[name]
        if isinstance(model_field, models.DateField):
            field.widget = DatePicker()
        elif isinstance(model_field, models.TextField):
            field.widget = forms.Textarea(attrs={"rows": 2})
            limit_text(field)

    def _scope_choice(self, name: str, model_field: models.Field) -> None:
        related = model_field.related_model
        field = self.fields[name]
        current = getattr(self.instance, model_field.attname, None)
        if related is OrgUnit:
            units = OrgUnit.objects.assignable_by(self.user, keep=(current,))
            scoped = unit_choice_field(units, field.label, required=field.required)
            scoped.help_text = field.help_text
            self.fields[name] = scoped
        elif related is person_model():
            self.fields[name] = self._person_field(name, field)
        elif is_editable_list(related):
            field.queryset = related.objects.filter(Q(is_active=True) | Q(pk=current or 0))
        elif hasattr(related.objects, "visible_to"):
            visible = related.objects.visible_to(self.user).values("pk")
            field.queryset = related.objects.filter(Q(pk__in=visible) | Q(pk=current or 0))

    def _person_field(self, name: str, field: forms.Field) -> forms.CharField:
        self.person_fields.append(name)
        person = getattr(self.instance, name) if getattr(self.instance, f"{name}_id") else None
        entered = forms.CharField(
            label=_("%(f)s（身份证号）") % {"f": field.label},
            max_length=40,
            required=field.required and person is None,
        )
        if person is not None:
            entered.widget.attrs["placeholder"] = person.masked_id_number
            entered.help_text = _("当前为 %(n)s（%(m)s）；不更换请留空") % {
                "n": person.name,
                "m": person.masked_id_number,
            }
        return entered

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in self.person_fields:
            raw = data.get(name)
            if raw:
                if (person := self._person(name, raw)) is not None:
                    data[name] = person
            elif self.instance.pk and getattr(self.instance, f"{name}_id"):
                data[name] = getattr(self.instance, name)
            else:
                data[name] = None
        for name, value in list(data.items()):  # add_error removes the field from `data`
            if isinstance(value, int | Decimal) and not isinstance(value, bool) and value < 0:
                self.add_error(name, _("不能为负数"))
        return data

    def _person(self, name: str, raw: str) -> models.Model | None:
        try:
            return person_by_id(self.user, raw)
        except forms.ValidationError as exc:
            self.add_error(name, exc)
            return None

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        if why := write_refusal(self.user, self.instance):
            self.add_error(None, why)
