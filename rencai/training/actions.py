"""Changes to training records that have consequences beyond their own row."""

import datetime

from django.db import transaction

from rencai.people.choices import QualificationKind
from rencai.people.models import Person, Qualification
from rencai.training.choices import OutcomeKind
from rencai.training.models import Outcome, TrainingProgram


@transaction.atomic
def record_outcome(
    person: Person,
    kind: str,
    date: datetime.date,
    *,
    program: TrainingProgram | None = None,
    grade: str = "",
    notes: str = "",
) -> Outcome:
    """Record a 培训成效. Recognition as a 新型职业农民 is also a certificate the register holds:
    it creates the Qualification (高素质农民认定, with its grade) and ties it to the outcome."""
    qualification = None
    if kind == OutcomeKind.NEW_FARMER:
        qualification = Qualification.objects.create(
            person=person, kind=QualificationKind.FARMER, level=grade, issued_on=date
        )
    return Outcome.objects.create(
        person=person,
        kind=kind,
        date=date,
        program=program,
        qualification=qualification,
        notes=notes,
    )
