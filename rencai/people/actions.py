"""Changes to the register with consequences: atomic, scoped, attributed."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rencai.accounts import roles
from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.people.choices import PersonStatus
from rencai.people.models import Person, TalentCategory


class OutOfJurisdiction(ValidationError):
    """The change would put the record outside the acting user's jurisdiction."""


def save_person(
    person: Person, *, categories: Iterable[TalentCategory] | None = None, acting_user: Any
) -> Person:
    """Create or update a Person; refuse (and roll back) if it would leave the user's scope.

    The NetBox pattern: write, re-read through the scoped queryset inside the same
    transaction, and undo when the object is no longer visible to the one who wrote it.
    """
    if not roles.edits_records(acting_user):
        raise PermissionDenied
    with transaction.atomic(), acting_as(acting_user):
        person.full_clean()
        person.save()
        if categories is not None:
            person.categories.set(categories)
        if not Person.objects.editable_by(acting_user).filter(pk=person.pk).exists():
            transaction.set_rollback(True)
            raise OutOfJurisdiction(
                _("保存后该人员的户籍地和工作单位都不在您的管辖范围（%(org)s）内，未保存")
                % {"org": acting_user.org.name_path}
            )
    return person


def change_status(person: Person, *, status: str, reason: str, acting_user: Any) -> Person:
    """流出 / 退出 / 已故 (or back to 在册), always with a reason."""
    if status not in PersonStatus.values:
        raise ValidationError(_("未知的人员状态"))
    if status != PersonStatus.ACTIVE and not reason.strip():
        raise ValidationError(_("请填写状态变更原因"))
    person.status = status
    person.status_reason = reason.strip()
    return save_person(person, acting_user=acting_user)


def delete_person(person: Person, *, acting_user: Any) -> None:
    if not Person.objects.editable_by(acting_user).filter(pk=person.pk).exists():
        raise PermissionDenied
    with transaction.atomic(), acting_as(acting_user):
        person.delete()


def reveal_person(person: Person, *, acting_user: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The full ID number, birth date and phone of one Person, for a user holding the reveal
    permission."""
    if not roles.may_reveal(acting_user):
        raise PermissionDenied
    with acting_as(acting_user):
        record_event(AuditAction.REVEAL, obj=person, detail={"fields": list(fields)})
    return {f: getattr(person, f) for f in fields}
