"""Field rules for a Person, shared by the web form and the API (and, later, the import sheet).

Each function raises Django's ValidationError with the standards' Chinese message; Django forms
and DRF serializers both turn it into a field error.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.people.models import Person
from rencai.standards.idnumber import IdNumber, mask_id_number, parse_id_number
from rencai.standards.phone import normalize_phone
from rencai.standards.text import StandardError, normalize_name


def clean_name(raw: str) -> str:
    try:
        return normalize_name(raw)
    except StandardError as exc:
        raise ValidationError(exc.message) from exc


# A number held by a Person the user cannot see: one answer, whatever the name or the unit, so
# that registering is no way to learn who else is in the register (docs/design.md, Masking).
CANNOT_REGISTER = gettext_lazy("该身份证号无法在本单位登记，请联系上级人才办核实")


def clean_id_number(raw: str, *, person_pk: int | None = None, user: Any = None) -> IdNumber:
    """A valid ID number not yet held by another Person (the register is unique by ID). A
    holder the user can see is named by the masked number; any other gets CANNOT_REGISTER."""
    try:
        parsed = parse_id_number(raw)
    except StandardError as exc:
        raise ValidationError(exc.message) from exc
    holders = Person.objects.filter(id_number=parsed.number).exclude(pk=person_pk)
    if holders.exists():
        if user is not None and holders.visible_to(user).exists():
            raise ValidationError(
                _("身份证号 %(n)s 已在人才库中登记") % {"n": mask_id_number(parsed.number)}
            )
        raise ValidationError(CANNOT_REGISTER)
    return parsed


def clean_phone(raw: str) -> str:
    if not raw:
        return ""
    try:
        return normalize_phone(raw)
    except StandardError as exc:
        raise ValidationError(exc.message) from exc
