"""The demo county's census round (rencai/demo/census.py): the county admin opens the demo year's
round, its townships and streets stand at every stage, each declares its 人才需求, the change log
names who did what, the figures and the census pages show real numbers, and a second run adds
no second round."""

import io
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout

import pytest
from django.core.management import call_command
from django.utils import timezone

from rencai import cli
from rencai import figures as registry
from rencai.accounts.models import User
from rencai.accounts.roles import Role
from rencai.audit.models import AuditAction, AuditEvent
from rencai.census import figures
from rencai.census.choices import REPORTED, UnitStatus
from rencai.census.models import CensusRound, CensusUnit, Demand
from rencai.imports.models import ImportJob, JobStatus
from rencai.orgs.choices import TOWNSHIP_KINDS
from rencai.orgs.models import OrgUnit

PERSONS = 300  # small scale: enough for the round, a few programs of training


@pytest.fixture
def demo(db) -> str:
    out = io.StringIO()
    call_command("demo", persons=PERSONS, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def census(demo) -> CensusRound:
    county = OrgUnit.objects.get(parent__isnull=True)
    return CensusRound.objects.get(org=county, year=timezone.localdate().year)


def test_demo_opens_the_years_round_with_units_at_every_stage(demo, census):
    office = User.objects.get(username="county_admin")
    assert "人才普查：新增本年度普查轮次" in demo
    assert census.is_open and census.created_by == office
    assert census.deadline.year == census.year and census.deadline >= timezone.localdate()
    townships = OrgUnit.objects.filter(kind__in=TOWNSHIP_KINDS)
    units = CensusUnit.objects.filter(round=census).select_related("org", "job")
    assert {u.org for u in units} == set(townships)
    stages = Counter(u.status for u in units)
    assert stages[UnitStatus.APPROVED] >= 1 and stages[UnitStatus.SUBMITTED] >= 1
    assert stages[UnitStatus.RETURNED] == 1 and stages[UnitStatus.PENDING] >= 1
    # The townships with demo accounts have something to do: review, or submit again.
    assert units.get(org__name="城关镇").status == UnitStatus.SUBMITTED
    returned = units.get(status=UnitStatus.RETURNED)
    assert returned.org.name == "青山镇" and returned.return_reason
    for unit in units:
        if unit.status == UnitStatus.PENDING:
            assert unit.job is None and unit.submitted_by is None
            continue
        # A roster is a committed job of the roster sheet, by the township's own admin where
        # it has one, naming the unit; its rows are the unit's persons.
        own = User.objects.filter(org=unit.org, role=Role.TOWNSHIP_ADMIN).first()
        assert unit.submitted_by == (own or office) == unit.job.user
        assert (unit.job.sheet, unit.job.status) == ("census_roster", JobStatus.COMMITTED)
        assert unit.job.options == {"census_round": census.pk, "census_unit": unit.pk}
        assert unit.job.total == figures.unit_persons(unit.org).count() > 0
        assert unit.job.audit_event.action == AuditAction.IMPORT
        reviewed = unit.status != UnitStatus.SUBMITTED
        assert (unit.reviewed_by == office) is reviewed


def test_the_change_log_names_who_opened_submitted_and_reviewed(census):
    def logged(model: str, action: str) -> Counter:
        events = AuditEvent.objects.filter(content_type__model=model, action=action)
        return Counter(events.values_list("username", flat=True))

    assert logged("censusround", AuditAction.CREATE) == {"county_admin": 1}
    units = CensusUnit.objects.filter(round=census)
    assert sum(logged("censusunit", AuditAction.CREATE).values()) == units.count()
    updates = logged("censusunit", AuditAction.UPDATE)
    assert updates["chengguan_admin"] == 1 and updates["qingshan_admin"] == 1
    submitted = units.exclude(status=UnitStatus.PENDING)
    reviewed = submitted.exclude(status=UnitStatus.SUBMITTED)
    by_office = submitted.filter(submitted_by__username="county_admin")
    assert updates["county_admin"] == by_office.count() + reviewed.count()
    assert sum(logged("demand", AuditAction.CREATE).values()) == Demand.objects.count()


def test_every_township_declares_a_plausible_demand(census):
    demands = Demand.objects.filter(round=census)
    for township in OrgUnit.objects.filter(kind__in=TOWNSHIP_KINDS):
        assert demands.filter(org__path__startswith=township.path).count() >= 4
    specialties = set(demands.values_list("specialty", flat=True))
    assert {"畜牧兽医", "中医", "电子商务", "乡村规划", "学前教育"} <= specialties
    assert set(demands.values_list("level", flat=True)) == {"high", "shortage", "general"}
    # Each importer's rows are one committed job of the demand sheet, in the change log.
    jobs = ImportJob.objects.filter(sheet="census_demand", status=JobStatus.COMMITTED)
    assert sum(job.total for job in jobs) == demands.count()
    assert {job.options["census_round"] for job in jobs} == {census.pk}


def test_the_census_figures_show_real_numbers(census):
    county = census.org
    period = registry.Period.year(census.year)
    rate = registry.value("census.reporting_rate", registry.Scope(county), period)
    assert rate is not None and 0 < rate < 100
    units = CensusUnit.objects.filter(round=census)
    reported = units.filter(status__in=REPORTED).count()
    assert rate == round(100 * reported / units.count(), 1)

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as done:
        cli.main(["figures", "--unit", county.name, "--period", str(census.year)])
    assert done.value.code == 0, err.getvalue()
    assert f"census.reporting_rate\t报送率\t{rate}\t%" in out.getvalue()

    # 紧缺专业: a specialty nobody in the register has is all gap; the register holds others.
    office = User.objects.get(username="county_admin")
    _townships, rows = figures.supply_and_demand(census, office)
    vets = next(row.total for row in rows if row.specialty == "畜牧兽医")
    assert vets.supply == 0 and vets.gap == vets.demand > 0
    assert any(row.total.supply > 0 for row in rows)


def test_the_round_page_shows_the_rate(census, login):
    office = User.objects.get(username="county_admin")
    units = CensusUnit.objects.filter(round=census)
    reported = units.filter(status__in=REPORTED).count()
    page = login(office).get(f"/census/{census.pk}/").content.decode()
    assert f"报送率 {reported}/{units.count()} = " in page
    demand = login(office).get(f"/census/{census.pk}/supply-demand/")
    assert demand.status_code == 200 and "畜牧兽医" in demand.content.decode()


def test_running_demo_again_opens_no_second_round(census):
    before = (CensusUnit.objects.count(), Demand.objects.count(), AuditEvent.objects.count())
    out = io.StringIO()
    call_command("demo", persons=PERSONS, stdout=out, stderr=io.StringIO())
    assert CensusRound.objects.count() == 1
    assert (CensusUnit.objects.count(), Demand.objects.count(), AuditEvent.objects.count()) == (
        before
    )
    assert "人才普查：未新增" in out.getvalue()
