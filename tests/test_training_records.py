"""The rest of 育's records: jurisdiction over the personas, and their own rules (an inspection
is closed when its items are done, a 新型职业农民 outcome creates the certificate, a master does not
teach himself, leaving a pool takes a reason)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from rencai.people.choices import QualificationKind
from rencai.training.actions import record_outcome
from rencai.training.choices import OutcomeKind
from rencai.training.models import (
    ArtTeam,
    Entity,
    Inspection,
    Mentorship,
    Outcome,
    Performance,
    Pool,
    PoolMembership,
    RectificationItem,
    TrainingBase,
)

D = datetime.date


class Records:
    """In 城关镇: an inspection of 大坪子养殖场 with one open item, 张三's scale farm, 张三
    teaching 王五 (who lives in 青山镇), a family farm, an opera team playing in 石桥村 (青山镇).
    In 青山镇: 李四 in the 后备干部 pool."""

    def __init__(self, county, people) -> None:
        base = TrainingBase.objects.create(name="大坪子养殖场", org=county.chengguan, kind="养殖场")
        self.inspection = Inspection.objects.create(
            org=county.qingshan,  # corrected to the base's unit on save
            base=base,
            date=D(2026, 5, 10),
            inspectors="县人才办 刘主任",
            findings="防疫记录不全",
        )
        self.item = RectificationItem.objects.create(
            inspection=self.inspection,
            description="补齐防疫台账",
            owner="场长",
            due_on=D(2026, 6, 1),
        )
        self.outcome = Outcome.objects.create(
            person=people.zhang_san, kind=OutcomeKind.SCALE_FARM, date=D(2026, 8, 1)
        )
        self.mentorship = Mentorship.objects.create(
            master=people.zhang_san,
            apprentice=people.wang_wu,
            craft="花灯戏",
            start_date=D(2026, 1, 1),
        )
        self.entity = Entity.objects.create(
            name="张三家庭农场", kind="family_farm", org=county.dongguan, leader=people.zhang_san,
            jobs_driven=12,
        )  # fmt: skip
        self.team = ArtTeam.objects.create(name="城关花灯剧团", kind="opera", org=county.chengguan)
        self.team.members.set([people.zhang_san, people.wang_wu])
        self.show = Performance.objects.create(
            team=self.team, date=D(2026, 9, 1), village=county.shiqiao, programme="百座戏台千场戏",
            audience=300,
        )  # fmt: skip
        self.membership = PoolMembership.objects.create(
            pool=Pool.objects.get(name="后备干部"), person=people.li_si, entered_on=D(2026, 3, 1)
        )


@pytest.fixture
def records(county, people) -> Records:
    return Records(county, people)


MODELS = [Inspection, RectificationItem, Outcome, Mentorship, Entity, ArtTeam, Performance,
          PoolMembership]  # fmt: skip


def visible(user) -> dict[str, int]:
    return {m.__name__: m.objects.visible_to(user).count() for m in MODELS}


def test_the_county_sees_everything(personas, records):
    assert set(visible(personas.county_admin).values()) == {1}


def test_chengguan_sees_its_own_and_not_qingshans_pool(personas, records):
    assert visible(personas.chengguan_admin) == {
        "Inspection": 1,
        "RectificationItem": 1,
        "Outcome": 1,
        "Mentorship": 1,
        "Entity": 1,
        "ArtTeam": 1,
        "Performance": 1,
        "PoolMembership": 0,
    }


def test_the_outsider_sees_only_what_touches_qingshan(personas, records):
    # 王五 (石桥村) is the apprentice; the show was in 石桥村; 李四 (石桥村) is in the pool.
    assert visible(personas.outsider_admin) == {
        "Inspection": 0,
        "RectificationItem": 0,
        "Outcome": 0,
        "Mentorship": 1,
        "Entity": 0,
        "ArtTeam": 0,
        "Performance": 1,
        "PoolMembership": 1,
    }


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_the_security_roles_see_none(personas, records, role):
    assert set(visible(getattr(personas, role)).values()) == {0}


def test_a_leader_edits_none(personas, records):
    for model in MODELS:
        assert not model.objects.editable_by(personas.chengguan_leader).exists()


def test_an_inspection_belongs_to_its_bases_unit_and_closes_with_its_items(records, county):
    assert records.inspection.org == county.chengguan
    assert not records.inspection.closed
    assert records.item.overdue_on(D(2026, 6, 2)) and not records.item.overdue_on(D(2026, 6, 1))
    records.item.done_on = D(2026, 5, 30)
    records.item.save()
    assert records.inspection.closed and not records.item.overdue_on(D(2026, 7, 1))


def test_a_new_farmer_outcome_creates_the_certificate(people, records):
    outcome = record_outcome(people.li_si, OutcomeKind.NEW_FARMER, D(2026, 10, 8), grade="中级")
    certificate = outcome.qualification
    assert (certificate.person, certificate.kind, certificate.level, certificate.issued_on) == (
        people.li_si,
        QualificationKind.FARMER,
        "中级",
        D(2026, 10, 8),
    )
    assert record_outcome(people.li_si, OutcomeKind.STARTUP, D(2026, 10, 9)).qualification is None


def test_a_master_does_not_teach_himself(people, records):
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(
            master=people.li_si, apprentice=people.li_si, craft="木雕", start_date=D(2026, 1, 1)
        )


def test_a_person_is_in_a_pool_once_and_leaves_it_with_a_reason(records, people):
    pool = records.membership.pool
    with pytest.raises(IntegrityError), transaction.atomic():
        PoolMembership.objects.create(pool=pool, person=people.li_si, entered_on=D(2026, 4, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PoolMembership.objects.filter(pk=records.membership.pk).update(status="exited")
    records.membership.status, records.membership.exit_reason = "exited", "调任县直部门"
    records.membership.exited_on = D(2026, 11, 1)
    records.membership.save()
    # having left, they may be entered again
    PoolMembership.objects.create(pool=pool, person=people.li_si, entered_on=D(2027, 1, 1))


def test_the_seeded_pools(db):
    assert list(Pool.objects.values_list("name", flat=True)) == [
        "后备干部",
        "千人储备",
        "乡村振兴人才储备",
    ]
