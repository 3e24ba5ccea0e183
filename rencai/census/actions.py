"""Census changes with consequences: each atomic, checked and attributed (the models' saves are
audited; these functions say who acted)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.accounts import roles
from rencai.accounts.roles import Role
from rencai.audit.context import acting_as
from rencai.census.choices import Resolution, UnitStatus
from rencai.census.models import CensusConflict, CensusRound, CensusUnit
from rencai.orgs.models import OrgUnit
from rencai.people.actions import save_person
from rencai.people.models import Person


def runs_census(user: Any) -> bool:
    """Opens rounds, reviews submissions and settles conflicts: the county talent office."""
    return roles.edits_records(user) and user.role == Role.COUNTY_ADMIN


def submits_census(user: Any) -> bool:
    """Submits a unit's roster: the admin of that unit's township, or the county admin."""
    return roles.edits_records(user) and user.role in (Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN)


def open_round(
    *, org: OrgUnit, year: int, deadline: Any, units: list[OrgUnit], acting_user: Any
) -> CensusRound:
    """开启普查: the round and one 未报 entry per reporting unit."""
    if not units:
        raise ValidationError(_("请至少选择一个报送单位"))
    if any(not unit.is_within(org) for unit in units):
        raise ValidationError(_("报送单位须在本单位管辖范围内"))
    with transaction.atomic(), acting_as(acting_user):
        census = CensusRound(org=org, year=year, deadline=deadline, created_by=acting_user)
        census.full_clean()
        census.save()
        CensusUnit.objects.bulk_create(CensusUnit(round=census, org=unit) for unit in units)
    return census


def set_round_open(census: CensusRound, *, is_open: bool, acting_user: Any) -> CensusRound:
    """结束 / 重新开启: a closed round takes no submissions."""
    with transaction.atomic(), acting_as(acting_user):
        census.is_open = is_open
        census.save()
    return census


def mark_submitted(unit: CensusUnit, *, job: Any) -> CensusUnit:
    """已报: the unit's roster (the import job) is committed."""
    with transaction.atomic(), acting_as(job.user):
        unit.status = UnitStatus.SUBMITTED
        unit.job = job
        unit.submitted_by = job.user
        unit.submitted_at = timezone.now()
        unit.reviewed_by, unit.reviewed_at, unit.return_reason = None, None, ""
        unit.save()
    return unit


def review_unit(unit: CensusUnit, *, approve: bool, reason: str, acting_user: Any) -> CensusUnit:
    """已审核, or 退回 with a reason (the unit then submits again)."""
    if unit.status != UnitStatus.SUBMITTED:
        raise ValidationError(_("只有已报的单位可以审核"))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(_("请填写退回原因"))
    with transaction.atomic(), acting_as(acting_user):
        unit.status = UnitStatus.APPROVED if approve else UnitStatus.RETURNED
        unit.return_reason = "" if approve else reason
        unit.reviewed_by = acting_user
        unit.reviewed_at = timezone.now()
        unit.save()
    return unit


def _holding_unit(units: list[CensusUnit], person: Person) -> OrgUnit:
    """The reporting unit a person is registered under: the deepest one holding their home unit,
    else their work unit; their home unit itself when no reporting unit holds them."""
    by_depth = sorted(units, key=lambda u: -len(u.org.path))
    for org in (person.home_org, person.work_org):
        if org is None:
            continue
        for unit in by_depth:
            if org.is_within(unit.org):
                return unit.org
    return person.home_org


def record_conflicts(unit: CensusUnit, rows: list[tuple[int, int, int | None]]) -> None:
    """普查冲突 for roster rows (person, proposed home unit, proposed work unit) that name
    persons another unit registered. Called inside the import's transaction (whose actor and
    batch the change log takes). A conflict already open for the same person and unit takes the
    latest proposal; a settled one stays settled."""
    proposals = {person: (home, work) for person, home, work in rows}
    existing = {
        c.person_id: c
        for c in CensusConflict.objects.filter(
            round_id=unit.round_id, second_org_id=unit.org_id, person_id__in=list(proposals)
        )
    }
    for person_id, conflict in existing.items():
        home, work = proposals[person_id]
        if not conflict.resolution and (home, work) != (
            conflict.proposed_home_org_id,
            conflict.proposed_work_org_id,
        ):
            conflict.proposed_home_org_id, conflict.proposed_work_org_id = home, work
            conflict.save()
    new = [pk for pk in proposals if pk not in existing]
    if not new:
        return
    others = list(
        CensusUnit.objects.filter(round_id=unit.round_id).exclude(pk=unit.pk).select_related("org")
    )
    persons = Person.objects.filter(pk__in=new).select_related("home_org", "work_org")
    CensusConflict.objects.bulk_create(
        CensusConflict(
            round_id=unit.round_id,
            person=person,
            first_org=_holding_unit(others, person),
            second_org=unit.org,
            proposed_home_org_id=proposals[person.pk][0],
            proposed_work_org_id=proposals[person.pk][1],
        )
        for person in persons
    )


def resolve_conflict(
    conflict: CensusConflict, *, resolution: str, reason: str, acting_user: Any
) -> CensusConflict:
    """Settle a conflict with a reason: keep the person with the unit that registered them, or
    move them to the submitting unit (the home and work units its row gave; a blank work unit
    keeps the current one)."""
    if conflict.resolution:
        raise ValidationError(_("该冲突已处理"))
    if resolution not in Resolution.values:
        raise ValidationError(_("请选择处理方式"))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("请填写处理理由"))
    with transaction.atomic(), acting_as(acting_user):
        if resolution == Resolution.MOVE:
            # Only a person of the settler's own register moves: a county settles between its
            # townships, never by taking a person out of the next county's register.
            person = (
                Person.objects.editable_by(acting_user)
                .select_related("work_org")
                .filter(pk=conflict.person_id)
                .first()
            )
            if person is None:
                raise ValidationError(_("该人员由您管辖范围以外的单位登记，不能转入"))
            person.home_org = conflict.proposed_home_org
            if conflict.proposed_work_org_id is not None:
                person.work_org = conflict.proposed_work_org
            placed = [o for o in (person.home_org, person.work_org) if o is not None]
            if not any(o.is_within(conflict.second_org) for o in placed):
                raise ValidationError(
                    _("报送的户籍/居住地和工作单位都不在“%(org)s”内，无法转入")
                    % {"org": conflict.second_org.name}
                )
            save_person(person, acting_user=acting_user)
        conflict.resolution = resolution
        conflict.reason = reason
        conflict.resolved_by = acting_user
        conflict.resolved_at = timezone.now()
        conflict.save()
    return conflict
