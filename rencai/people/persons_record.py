"""人才档案: what the person's page shows besides the register fields — every domain's section
(training, mentorships, pools … through `Domain.person_sections`, so the people app names no
domain) and the person's change history: the audit events of the person, of their certificates
and of the records the sections list, masked as the audit pages mask them."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q

from rencai.audit.models import AuditEvent
from rencai.audit.presentation import mask_for_display, readable_changes
from rencai.domains import PersonSection, person_sections
from rencai.people.models import Person

HISTORY_LIMIT = 50  # the most recent events shown; the audit log holds the rest


def history(person: Person, records: list[Model]) -> list[tuple[AuditEvent, list]]:
    """The latest audit events of `person` and of `records` (its child records), newest first,
    each with its readable, masked changes."""
    ids: dict[type[Model], set[str]] = {type(person): {str(person.pk)}}
    for record in records:
        ids.setdefault(type(record), set()).add(str(record.pk))
    types = ContentType.objects.get_for_models(*ids)
    wanted = Q()
    for model, pks in ids.items():
        wanted |= Q(content_type=types[model], object_id__in=sorted(pks))
    events = list(
        AuditEvent.objects.filter(wanted)
        .select_related("content_type")
        .order_by("-time", "-id")[:HISTORY_LIMIT]
    )
    changes = readable_changes(events)
    mask_for_display(events)
    return [(event, changes[event.pk]) for event in events]


def record_context(person: Person, user: Any) -> dict[str, Any]:
    """The 人才档案's context: the certificates, the domains' sections and the history."""
    qualifications = list(person.qualifications.all())
    sections: list[PersonSection] = person_sections(person, user)
    children = [*qualifications, *(r for section in sections for r in section.records)]
    return {
        "qualifications": qualifications,
        "sections": sections,
        "history": history(person, children),
    }
