"""Jurisdiction for records that belong to units: the one rule every module's `visible_to`
follows, so that a new record type cannot forget it."""

from django.db.models import Q

from rencai.accounts import roles
from rencai.audit.querysets import AuditedQuerySet
from rencai.orgs.models import OrgUnit


class UnitScopedQuerySet(AuditedQuerySet):
    """Records placed in units by `unit_fields` (lookups to an OrgUnit, e.g. "organiser" or
    "person__home_org"): a record is in the user's jurisdiction when any of them lies in the
    subtree of the user's unit. Security roles and users without a unit see nothing."""

    unit_fields: tuple[str, ...] = ()
    # The unit_fields that decide who may write a record, when not all of them do (a 人次 is
    # seen by the trainee's township but written only on the organiser's ledger). The page, the
    # API and the import sheet all ask `editable_by` and `rencai.records.forms.write_refusal`.
    write_fields: tuple[str, ...] = ()
    outside_message = ""  # why a record placed outside the write_fields is refused

    @classmethod
    def placed_by(cls, *unit_fields: str) -> type["UnitScopedQuerySet"]:
        """This queryset class for records placed by `unit_fields`:
        `objects = UnitScopedQuerySet.placed_by("org").as_manager()`."""
        return type(cls.__name__, (cls,), {"unit_fields": unit_fields})

    def visible_to(self, user):
        if not roles.reads_records(user):
            return self.none()
        if OrgUnit.objects.is_sole_root(user.org):
            return self.all()  # every unit is in the jurisdiction: no condition to evaluate
        return self.in_units(OrgUnit.objects.subtree_ids(user.org))

    def in_units(self, unit_ids: list[int], fields: tuple[str, ...] = ()):
        condition = Q()
        for field in fields or self.unit_fields:
            condition |= Q(**{f"{field}__in": unit_ids})
        return self.filter(condition)

    def editable_by(self, user):
        if not roles.edits_records(user):
            return self.none()
        rows = self.visible_to(user)
        if self.write_fields:
            rows = rows.in_units(OrgUnit.objects.subtree_ids(user.org), self.write_fields)
        return rows
