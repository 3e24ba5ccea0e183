"""The demo year's 人才资源普查 (docs/design.md, "Census"): the county talent office opens a
round for every township and street, as the round form does by default, and the round stands
where a real one would some weeks in — rosters reviewed (已审核), awaiting review (已报), one
returned with its reason (退回), some not yet in (未报) — with the 人才需求 each township declared.

Everything goes through what the app itself does, so the change log reads as it would: the round
is opened by the county admin (`census.actions.open_round`); a unit's roster is a committed import
job of the 普查名册 by its township admin (the county admin for a township without one), recorded
as `rencai import` records one, and marks the unit 已报 (`mark_submitted`); the county admin
reviews (`review_unit`); a township's demand is an import of the 人才需求表 by whoever may import
it. A roster names the persons the register already holds, so it changes none of them.

Seeded apart from the people and the training (its own random stream), and run once: a county
that already has a round for the year keeps it as it is.
"""

import hashlib
import random
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from rencai.accounts.models import User
from rencai.accounts.roles import Role
from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.census import actions
from rencai.census.choices import DemandLevel, UnitStatus
from rencai.census.figures import unit_persons
from rencai.census.models import CensusRound, CensusUnit, Demand
from rencai.demo.training import MIN_PERSONS
from rencai.imports.models import ImportJob, JobStatus
from rencai.orgs.choices import TOWNSHIP_KINDS, OrgKind
from rencai.orgs.models import OrgUnit

# The sheets a unit reports through (their keys in `rencai sheets`).
ROSTER_SHEET, DEMAND_SHEET = "census_roster", "census_demand"

# The two townships with demo accounts stand where their admins have something to do: 城关镇's
# roster awaits the county's review, 青山镇's came back and is to be submitted again.
STORY = {"城关镇": UnitStatus.SUBMITTED, "青山镇": UnitStatus.RETURNED}
RETURN_REASON = "名册中部分人员未填人才类别，请补齐后重新报送"

# What offices say they lack: (专业/领域, 层次, (fewest, most) people, 说明). The specialties
# are written as the register writes 从事产业/专业特长, so 现有 counts those it holds (养殖,
# 电子商务 …); the others (畜牧兽医, 中医 …) nobody in the register has: they top 紧缺专业.
SHORTAGE, HIGH, GENERAL = DemandLevel.SHORTAGE, DemandLevel.HIGH, DemandLevel.GENERAL
TOWNSHIP_NEEDS = [
    ("畜牧兽医", SHORTAGE, (1, 3), "乡镇畜牧兽医站人员不足，村级防疫员空缺"),
    ("中医", SHORTAGE, (1, 2), "村卫生室缺少中医"),
    ("电子商务", GENERAL, (2, 8), "农产品网上销售"),
    ("乡村规划", HIGH, (1, 2), "村庄规划编制"),
    ("学前教育", SHORTAGE, (1, 4), "村级幼儿园教师"),
    ("养殖", GENERAL, (3, 15), "肉牛、生猪规模养殖技术员"),
    ("农产品加工", GENERAL, (2, 10), ""),
    ("农业机械", GENERAL, (1, 4), "农机操作与维修"),
    ("文化旅游", GENERAL, (2, 6), "乡村旅游讲解与经营"),
    ("乡村工匠", GENERAL, (2, 6), "竹编、木工等传统技艺"),
]
STREET_NEEDS = [
    ("学前教育", SHORTAGE, (2, 6), "社区幼儿园教师"),
    ("社会工作", SHORTAGE, (2, 5), "社区社工站人员"),
    ("养老护理", GENERAL, (3, 10), "社区居家养老服务"),
    ("乡村规划", HIGH, (1, 2), "城郊社区更新规划"),
    ("电子商务", GENERAL, (2, 6), ""),
    ("全科医学", HIGH, (1, 2), "社区卫生服务站"),
]
# A township's institutions declare their own: a part of the unit's name → its needs.
INSTITUTION_NEEDS = {
    "卫生院": [("中医", HIGH, (1, 2), "中医馆建设"), ("全科医学", SHORTAGE, (1, 3), "")],
    "学校": [("学前教育", SHORTAGE, (2, 4), "附设幼儿园")],
}


def has_round(county: OrgUnit, year: int) -> bool:
    """Whether the county already has its census round of the year (then the demo adds none)."""
    return CensusRound.objects.filter(org=county, year=year).exists()


def add_census(county: OrgUnit, *, seed: int = 2026, today: date | None = None) -> dict[str, int]:
    """Open and advance the demo year's census round, once: {} when the county already has its
    round for the year, has too few people to report on, or no active county admin to open it;
    otherwise what was added ({"units": 12, "approved": 5, …, "demands": 50})."""
    today = today or timezone.localdate()
    office = _admin(county, Role.COUNTY_ADMIN)
    if has_round(county, today.year) or office is None:
        return {}
    if unit_persons(county).count() < MIN_PERSONS:
        return {}
    rng = random.Random(f"{seed}-census-{today.year}")
    units = list(
        OrgUnit.objects.subtree(county)
        .active()
        .filter(kind__in=TOWNSHIP_KINDS)
        .order_by("-kind", "division_code", "name")
    )
    with transaction.atomic():
        census = actions.open_round(
            org=county,
            year=today.year,
            deadline=min(today + timedelta(days=30), date(today.year, 12, 31)),
            units=units,
            acting_user=office,
        )
        counts = _advance(census, office, rng)
        counts["demands"] = _declare_demand(census, office, rng)
    return counts


def _admin(unit: OrgUnit, role: str) -> User | None:
    """The unit's own active admin of that role (the first made), if it has one."""
    return User.objects.filter(org=unit, role=role, is_active=True).order_by("pk").first()


def _advance(census: CensusRound, office: User, rng: random.Random) -> dict[str, int]:
    """Each unit to its stage: about a quarter not yet in, a few awaiting review, one returned,
    the rest approved; the units of STORY where it says."""
    units = list(census.units.select_related("org").order_by("org__division_code", "org__name"))
    rest = [u for u in units if u.org.name not in STORY]
    rng.shuffle(rest)
    pending = max(1, round(len(units) / 4))
    awaiting = round(len(units) / 6)
    stages = {u.pk: STORY[u.org.name] for u in units if u.org.name in STORY}
    if UnitStatus.RETURNED not in stages.values() and len(rest) > pending:
        stages[rest.pop().pk] = UnitStatus.RETURNED
    for i, unit in enumerate(rest):
        if i < pending:
            stages[unit.pk] = UnitStatus.PENDING
        elif i < pending + awaiting:
            stages[unit.pk] = UnitStatus.SUBMITTED
        else:
            stages[unit.pk] = UnitStatus.APPROVED
    for unit in units:
        stage = stages[unit.pk]
        if stage == UnitStatus.PENDING:
            continue
        submitter = _admin(unit.org, Role.TOWNSHIP_ADMIN) or office
        _submit_roster(unit, submitter)
        if stage != UnitStatus.SUBMITTED:
            approve = stage == UnitStatus.APPROVED
            reason = "" if approve else RETURN_REASON
            actions.review_unit(unit, approve=approve, reason=reason, acting_user=office)
    counts = {"units": len(units)}
    for status in UnitStatus:
        counts[status.value] = sum(stage == status for stage in stages.values())
    return counts


def _submit_roster(unit: CensusUnit, user: User) -> None:
    """已报: the unit's 在册 persons as its roster, committed by `user` as a job of the roster
    sheet (every row unchanged: the register already holds them)."""
    persons = unit_persons(unit.org).count()
    job = _committed_import(
        user,
        ROSTER_SHEET,
        f"{unit.org.name}{unit.round.year}年人才普查名册.xlsx",
        {"new": 0, "updated": 0, "unchanged": persons, "rejected": 0, "total": persons},
        {"census_round": unit.round_id, "census_unit": unit.pk},
    )
    actions.mark_submitted(unit, job=job)


def _declare_demand(census: CensusRound, office: User, rng: random.Random) -> int:
    """Each reporting unit's 人才需求 (and its institutions'), imported by the unit's admin, or
    by the county office in one workbook for the units without one; how many rows."""
    by_importer: dict[User, list[Demand]] = {}
    for unit in census.units.select_related("org").order_by("org__division_code", "org__name"):
        importer = _admin(unit.org, Role.TOWNSHIP_ADMIN) or office
        needs = STREET_NEEDS if unit.org.kind == OrgKind.STREET else TOWNSHIP_NEEDS
        rows = by_importer.setdefault(importer, [])
        rows += _demands(census, unit.org, rng.sample(needs, rng.randint(4, 6)), rng)
        institutions = unit.org.children.filter(kind=OrgKind.INSTITUTION, is_active=True)
        for institution in institutions.order_by("name"):
            for part, wanted in INSTITUTION_NEEDS.items():
                if part in institution.name:
                    rows += _demands(census, institution, wanted, rng)
    for importer, rows in by_importer.items():
        whose = "各乡镇（街道）" if importer == office else importer.org.name
        counts = {"new": len(rows), "updated": 0, "unchanged": 0, "rejected": 0}
        job = _committed_import(
            importer,
            DEMAND_SHEET,
            f"{whose}{census.year}年人才需求表.xlsx",
            {**counts, "total": len(rows)},
            {"census_round": census.pk},
        )
        with acting_as(importer, batch=job.audit_event):
            Demand.objects.bulk_create(rows)
    return sum(len(rows) for rows in by_importer.values())


def _demands(
    census: CensusRound, org: OrgUnit, needs: Iterable[tuple], rng: random.Random
) -> list[Demand]:
    return [
        Demand(
            round=census,
            org=org,
            specialty=specialty,
            level=level,
            count=rng.randint(*people),
            notes=notes,
        )
        for specialty, level, people, notes in needs
    ]


def _committed_import(
    user: User, sheet: str, file_name: str, counts: dict[str, int], options: dict[str, Any]
) -> ImportJob:
    """An import by `user` as the engine and `rencai import` record it: the 导入 event with the
    sheet, file and counts, and the committed job a census page lists. No file is behind it:
    the hash is of its name."""
    sha256 = hashlib.sha256(file_name.encode()).hexdigest()
    with acting_as(user):
        event = record_event(
            AuditAction.IMPORT,
            detail={"sheet": sheet, "file": file_name, "sha256": sha256, **counts, **options},
        )
    return ImportJob.objects.create(
        sheet=sheet,
        user=user,
        file_name=file_name,
        sha256=sha256,
        stored_path="",
        status=JobStatus.COMMITTED,
        total=counts["total"],
        done=counts["total"],
        counts=counts,
        options=options,
        audit_event=event,
        finished_at=timezone.now(),
    )


def summary(counts: dict[str, int]) -> str:
    """One line for the command's output."""
    if not counts:
        return (
            "人才普查：未新增（本年度已有普查轮次，或在册人员不足 "
            f"{MIN_PERSONS} 人，或没有在用的县级管理员账号）"
        )
    stages = "、".join(
        f"{status.label} {counts.get(status.value, 0)}"
        for status in (
            UnitStatus.APPROVED,
            UnitStatus.SUBMITTED,
            UnitStatus.RETURNED,
            UnitStatus.PENDING,
        )
    )
    return (
        f"人才普查：新增本年度普查轮次，{counts['units']} 个报送单位（{stages}），"
        f"{counts['demands']} 条人才需求"
    )
