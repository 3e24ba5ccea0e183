"""A year of training in 示范县 (DESIGN §2.3), drawn from its people register: training bases
and their inspections, programs and the 人次 ledger, targets decomposed down the tree, outcomes,
business entities, mentorships, art teams and their performances, reserve-pool memberships.

One module per record type, as `rencai/training/` is split, each adding its records to the
`TrainingYear` (year.py) in the order `add_training` calls them: they share one random stream, so
that order is part of what the seed means.

Seeded like the rest of the demo, and run once: a county that already has training programs is
left as it is. The ledger and the targets go in through the bulk writer with their change
entries; the few hundred other records through the audited ORM.
"""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.demo.training.attendances import add_attendances
from rencai.demo.training.bases import add_bases
from rencai.demo.training.entities import add_entities
from rencai.demo.training.inspections import add_inspections
from rencai.demo.training.mentorships import add_mentorships
from rencai.demo.training.outcomes import add_outcomes
from rencai.demo.training.performances import add_performances
from rencai.demo.training.pool_members import add_pool_members
from rencai.demo.training.programs import add_programs
from rencai.demo.training.targets import add_targets
from rencai.demo.training.teams import add_teams
from rencai.demo.training.year import TrainingYear
from rencai.orgs.models import OrgUnit
from rencai.training.models import TrainingProgram

MIN_PERSONS = 50  # fewer active Persons than this: no training to speak of


def has_training(county: OrgUnit) -> bool:
    """Whether the county already has training programs (then the demo adds none)."""
    return TrainingProgram.objects.filter(organiser__path__startswith=county.path).exists()


def add_training(county: OrgUnit, *, seed: int = 2026, today: date | None = None) -> dict[str, Any]:
    """Add a year of training to the demo county, once: {} when it already has programs or
    too few people to train; otherwise what was added ({"programs": 340, …})."""
    if has_training(county):
        return {}
    year = TrainingYear(county, seed=seed, today=today or timezone.localdate())
    if len(year.people) < MIN_PERSONS:
        return {}
    with transaction.atomic():
        batch = record_event(AuditAction.BULK, detail={"what": "示范数据：生成培训"})
        with acting_as(None, username="system:demo", batch=batch):
            return _add_year(year)


def _add_year(year: TrainingYear) -> dict[str, int]:
    """Each record type in turn, each after what it draws on (a program's base, an outcome's
    program, an entity's founder); the counts of what was added."""
    bases = add_bases(year)
    add_inspections(year, bases)
    programs = add_programs(year, bases)
    add_attendances(year, programs)
    add_targets(year, programs)
    outcomes = add_outcomes(year, programs)
    add_entities(year, outcomes)
    add_mentorships(year)
    teams = add_teams(year)
    add_performances(year, teams)
    add_pool_members(year)
    return year.counts


def summary(counts: dict[str, Any]) -> str:
    """One line for the command's output."""
    if not counts:
        return f"培训数据：未新增（已有培训记录，或在册人员不足 {MIN_PERSONS} 人）"
    parts = [
        ("bases", "个实训基地"),
        ("inspections", "次督导检查"),
        ("programs", "个培训班次"),
        ("attendances", "人次培训台账"),
        ("targets", "条培训目标"),
        ("outcomes", "项培训成效"),
        ("entities", "个经营主体"),
        ("mentorships", "对名师带徒"),
        ("art_teams", "个文艺团队"),
        ("performances", "场演出"),
        ("pool_memberships", "人次入库储备"),
    ]
    return "培训数据：新增 " + "、".join(f"{counts.get(k, 0)} {w}" for k, w in parts)
