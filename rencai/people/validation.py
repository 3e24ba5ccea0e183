"""Field rules for a Person, shared by the web form and the API (and, later, the import sheet).

Each function raises Django's ValidationError with the standards' Chinese message; Django forms
and DRF serializers both turn it into a field error.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rencai.people.models import Person
from rencai.standards.idnumber import IdNumber, mask_id_number, parse_id_number
from rencai.standards.phone import normalize_phone
from rencai.standards.text import StandardError, normalize_name


def clean_name(raw: str) -> str:
    try:
        return normalize_name(raw)
    except StandardError as exc:
        raise ValidationError(exc.message) from exc


def clean_id_number(raw: str, *, person_pk: int | None = None) -> IdNumber:
    """A valid ID number not yet held by another Person (the register is unique by ID)."""
    try:
        parsed = parse_id_number(raw)
    except StandardError as exc:
        raise ValidationError(exc.message) from exc
    if Person.objects.filter(id_number=parsed.number).exclude(pk=person_pk).exists():
        raise ValidationError(
            _("身份证号 %(n)s 已在人才库中登记") % {"n": mask_id_number(parsed.number)}
        )
    return parsed


def clean_phone(raw: str) -> str:
    if not raw:
        return ""
    try:
        return normalize_phone(raw)
    except StandardError as exc:
        raise ValidationError(exc.message) from exc
