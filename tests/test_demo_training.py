"""The demo county's year of training (rencai/demo/training/): what every 人才培育 page shows
comes out consistent with the people register, audited, and only once."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from rencai.audit.models import AuditAction, AuditEvent
from rencai.demo import training
from rencai.orgs.choices import TOWNSHIP_KINDS, VILLAGE_KINDS
from rencai.orgs.models import OrgUnit
from rencai.people.choices import QualificationKind
from rencai.training import figures
from rencai.training.choices import EntityKind, MembershipStatus, OutcomeKind
from rencai.training.models import (
    ArtTeam,
    Attendance,
    Entity,
    Inspection,
    Livestock,
    Mentorship,
    Outcome,
    Performance,
    PoolMembership,
    RectificationItem,
    TrainingBase,
    TrainingCategory,
    TrainingProgram,
    TrainingTarget,
)

PERSONS = 1200  # a quarter of the default demo: about 100 programs, 4,000 人次

MODELS = [
    TrainingBase,
    Livestock,
    Inspection,
    RectificationItem,
    TrainingProgram,
    Attendance,
    TrainingTarget,
    Outcome,
    Entity,
    Mentorship,
    ArtTeam,
    Performance,
    PoolMembership,
]


def counts() -> dict[str, int]:
    out = {m.__name__: m.objects.count() for m in MODELS}
    out["events"] = AuditEvent.objects.count()
    return out


@pytest.fixture
def demo(db) -> str:
    out = io.StringIO()
    call_command("demo", persons=PERSONS, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_demo_has_a_year_of_training(demo):
    today = timezone.localdate()
    county = OrgUnit.objects.get(parent__isnull=True)
    assert "培训数据：新增" in demo
    programs = TrainingProgram.objects.all()
    this_year = programs.filter(end_date__year=today.year)
    assert 70 <= this_year.count() <= 110
    assert programs.exclude(end_date__year=today.year).filter(end_date__year=today.year - 1)
    assert not programs.filter(end_date__gt=today).exists()
    assert not programs.filter(start_date__gt=F("end_date")).exists()
    assert set(this_year.values_list("category", flat=True)) == set(
        TrainingCategory.objects.filter(is_active=True).values_list("pk", flat=True)
    )
    top = this_year.values("category__name").annotate(n=Count("id")).order_by("-n").first()
    assert top["category__name"] == "种养殖技术"
    kinds = set(programs.values_list("organiser__kind", flat=True))
    assert {"county", "township", "village"} <= kinds
    assert programs.filter(base__isnull=False).exists()

    rows = Attendance.objects.all()
    assert 2500 <= rows.count() <= 6000
    assert not rows.filter(program__end_date__gt=today).exists()
    pairs = rows.values("program", "person").annotate(n=Count("id")).filter(n__gt=1)
    assert not pairs.exists()
    # Mostly from the organiser's subtree; a few from elsewhere.
    local = outside = 0
    for program in programs.filter(organiser__kind__in=TOWNSHIP_KINDS):
        people = rows.filter(program=program)
        inside = people.filter(person__home_org__path__startswith=program.organiser.path).count()
        local, outside = local + inside, outside + people.count() - inside
    assert outside > 0 and local > 10 * outside

    # Every record change is in the change log, as the demo's.
    ct = ContentType.objects.get_for_model(Attendance)
    logged = AuditEvent.objects.filter(content_type=ct, action=AuditAction.CREATE)
    assert logged.count() == rows.count()
    assert set(logged.values_list("username", flat=True)) == {"system:demo"}
    assert (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(TrainingProgram)
        ).count()
        == programs.count()
    )

    # Targets: every township/street and village/community, decomposed, some ahead, some behind.
    year = today.year
    overall = TrainingTarget.objects.filter(year=year, category__isnull=True)
    assert overall.filter(org=county).exists()
    units = OrgUnit.objects.filter(kind__in=[*TOWNSHIP_KINDS, *VILLAGE_KINDS])
    assert set(units.values_list("pk", flat=True)) <= set(overall.values_list("org", flat=True))
    assert TrainingTarget.objects.filter(year=year, category__isnull=False).exists()
    mismatches = figures.decomposition_mismatches(county, year)
    assert len(mismatches) == 2
    assert all(
        m.parent.org.kind in TOWNSHIP_KINDS and m.parent.category is None for m in mismatches
    )
    towns = [figures.progress(t, year, until=today) for t in units.filter(kind__in=TOWNSHIP_KINDS)]
    assert any(p.behind for p in towns) and any(not p.behind for p in towns)
    assert (
        figures.attendances(county, figures.Period.year(year))
        == rows.filter(program__end_date__year=year).count()
    )

    # 培训成效, with the Qualification of a 新型职业农民.
    outcomes = Outcome.objects.all()
    assert set(outcomes.values_list("kind", flat=True)) == set(OutcomeKind.values)
    assert not outcomes.filter(program__isnull=True).exists()
    assert not outcomes.filter(date__lt=F("program__end_date")).exists()
    assert not outcomes.filter(date__gt=today).exists()
    assert not outcomes.exclude(person__attendances__program=F("program")).exists()
    farmers = outcomes.filter(kind=OutcomeKind.NEW_FARMER)
    assert farmers.filter(qualification__kind=QualificationKind.FARMER).count() == farmers.count()

    entities = Entity.objects.all()
    assert set(entities.values_list("kind", flat=True)) == set(EntityKind.values)
    assert not entities.filter(leader__isnull=True).exists()
    assert not entities.filter(founded_on__gt=today).exists()
    assert entities.filter(jobs_driven__gt=0).count() == entities.count()

    mentorships = Mentorship.objects.all()
    assert mentorships.filter(end_date__isnull=True).exists()
    assert mentorships.filter(end_date__isnull=False).exclude(result="").exists()

    for team in ArtTeam.objects.all():
        assert 5 <= team.members.count() <= 15
    assert {"opera", "folk"} == set(ArtTeam.objects.values_list("kind", flat=True))
    shows = Performance.objects.all()
    assert shows.exists() and not shows.filter(date__gt=today).exists()
    assert set(shows.values_list("village__kind", flat=True)) <= set(VILLAGE_KINDS)
    assert {"百座戏台千场戏", "文艺三下乡"} <= set(shows.values_list("programme", flat=True))

    members = PoolMembership.objects.all()
    assert members.filter(status=MembershipStatus.ACTIVE).exists()
    exited = members.filter(status=MembershipStatus.EXITED)
    assert exited.exists() and not exited.filter(exit_reason="").exists()

    # 督导检查: some items done, some open in time, one or two overdue.
    items = list(RectificationItem.objects.all())
    assert any(i.done_on for i in items)
    assert any(i.done_on is None and not i.overdue_on(today) for i in items)
    assert 1 <= sum(i.overdue_on(today) for i in items) <= 2
    assert Livestock.objects.filter(unit="头").exists()


def test_running_demo_again_adds_no_training(demo):
    before = counts()
    out = io.StringIO()
    call_command("demo", persons=PERSONS, stdout=out, stderr=io.StringIO())
    assert counts() == before
    assert "培训数据：未新增" in out.getvalue()


def test_too_few_people_get_no_training(county, people):
    assert training.add_training(county.county) == {}
    assert not TrainingProgram.objects.exists()
