"""育 records: who sees which (over the foundation's personas), and the rules the database
itself keeps (one 人次 per person and program, a program ends after it starts, one target per
unit, year and category)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from rencai.audit.context import acting_as
from rencai.audit.models import AuditEvent
from rencai.training.models import (
    Attendance,
    Livestock,
    TrainingBase,
    TrainingCategory,
    TrainingProgram,
    TrainingTarget,
)

D = datetime.date


class Training:
    """城关镇 runs a 种养殖技术 course at 大坪子养殖场 for 张三 (东关村) and 王五 (石桥村, 青山镇);
    青山镇 runs one of its own for 李四; the county sets its target and 城关镇's."""

    def __init__(self, county, people) -> None:
        self.farming = TrainingCategory.objects.get(name="种养殖技术")
        self.base = TrainingBase.objects.create(
            name="大坪子养殖场",
            org=county.chengguan,
            kind="养殖场",
            land_area_mu="120",
            building_area_mu="15.5",
            investment_wan="380",
        )
        Livestock.objects.create(base=self.base, kind="牛", count=100, unit="头")
        self.chengguan_course = TrainingProgram.objects.create(
            name="肉牛养殖技术培训",
            category=self.farming,
            organiser=county.chengguan,
            base=self.base,
            start_date=D(2026, 3, 2),
            end_date=D(2026, 3, 4),
            hours="24",
        )
        self.qingshan_course = TrainingProgram.objects.create(
            name="烤烟种植培训",
            category=self.farming,
            organiser=county.qingshan,
            start_date=D(2026, 4, 1),
            end_date=D(2026, 4, 1),
        )
        enrol = Attendance.objects.create
        self.zhang = enrol(program=self.chengguan_course, person=people.zhang_san)
        self.wang = enrol(program=self.chengguan_course, person=people.wang_wu)
        self.li = enrol(program=self.qingshan_course, person=people.li_si)
        self.county_target = TrainingTarget.objects.create(
            year=2026, org=county.county, attendances=6000
        )
        self.chengguan_target = TrainingTarget.objects.create(
            year=2026, org=county.chengguan, attendances=3000
        )


@pytest.fixture
def training(county, people) -> Training:
    return Training(county, people)


def names(queryset) -> set[str]:
    return {str(record) for record in queryset}


def test_the_county_sees_every_record(personas, training):
    user = personas.county_admin
    assert TrainingProgram.objects.visible_to(user).count() == 2
    assert Attendance.objects.visible_to(user).count() == 3
    assert TrainingTarget.objects.visible_to(user).count() == 2
    assert TrainingBase.objects.visible_to(user).count() == 1


def test_a_township_sees_its_programs_bases_and_targets(personas, training):
    user = personas.chengguan_admin
    assert names(TrainingProgram.objects.visible_to(user)) == {"肉牛养殖技术培训"}
    assert names(TrainingBase.objects.visible_to(user)) == {"大坪子养殖场"}
    assert list(Livestock.objects.visible_to(user)) == list(training.base.livestock.all())
    assert list(TrainingTarget.objects.visible_to(user)) == [training.chengguan_target]
    # its own ledger, including 王五 from 青山镇
    assert set(Attendance.objects.visible_to(user)) == {training.zhang, training.wang}


def test_the_outsider_sees_none_of_chengguan_but_its_own_residents_rows(personas, training):
    user = personas.outsider_admin
    assert names(TrainingProgram.objects.visible_to(user)) == {"烤烟种植培训"}
    assert not TrainingBase.objects.visible_to(user).exists()
    assert not Livestock.objects.visible_to(user).exists()
    assert not TrainingTarget.objects.visible_to(user).exists()
    # 王五 lives in 石桥村: his 人次 at 城关镇's course counts for 青山镇, so 青山镇 sees that row
    assert set(Attendance.objects.visible_to(user)) == {training.li, training.wang}


def test_a_village_clerk_sees_only_its_villagers_rows(personas, training):
    user = personas.chengguan_clerk  # 东关村
    assert set(Attendance.objects.visible_to(user)) == {training.zhang}
    assert not TrainingProgram.objects.visible_to(user).exists()


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_the_security_roles_see_no_training_records(personas, training, role):
    user = getattr(personas, role)
    for model in (TrainingProgram, Attendance, TrainingTarget, TrainingBase, Livestock):
        assert not model.objects.visible_to(user).exists()


def test_a_leader_reads_but_edits_nothing(personas, training):
    user = personas.chengguan_leader
    assert TrainingProgram.objects.visible_to(user).count() == 1
    for model in (TrainingProgram, Attendance, TrainingTarget, TrainingBase):
        assert not model.objects.editable_by(user).exists()
    assert TrainingProgram.objects.editable_by(personas.chengguan_admin).count() == 1


def test_a_person_attends_a_program_once(training, people):
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(program=training.chengguan_course, person=people.zhang_san)


def test_a_program_cannot_end_before_it_starts(training, county):
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingProgram.objects.create(
            name="倒排的班次",
            category=training.farming,
            organiser=county.chengguan,
            start_date=D(2026, 5, 2),
            end_date=D(2026, 5, 1),
        )


def test_one_target_per_unit_year_and_category(training, county):
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingTarget.objects.create(year=2026, org=county.chengguan, attendances=1)
    TrainingTarget.objects.create(
        year=2026, org=county.chengguan, category=training.farming, attendances=2000
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingTarget.objects.create(
            year=2026, org=county.chengguan, category=training.farming, attendances=1
        )
    TrainingTarget.objects.create(year=2027, org=county.chengguan, attendances=3000)


def test_programs_count_in_the_period_they_end_in(training):
    march = TrainingProgram.objects.ended_between(D(2026, 3, 1), D(2026, 3, 31))
    assert names(march) == {"肉牛养殖技术培训"}
    # the boundaries are inclusive
    assert names(TrainingProgram.objects.ended_between(D(2026, 3, 4), D(2026, 4, 1))) == {
        "肉牛养殖技术培训",
        "烤烟种植培训",
    }
    assert not TrainingProgram.objects.ended_between(D(2026, 3, 5), D(2026, 3, 31)).exists()


def test_the_seeded_categories_are_the_offices_list(db):
    assert list(TrainingCategory.objects.values_list("name", flat=True)) == [
        "种养殖技术",
        "其他技术",
        "乡村工匠",
        "文艺传承",
        "干部轮训",
        "校地联姻",
        "高素质农民",
        "社会工作",
    ]


def test_every_change_is_audited(personas, training, people):
    with acting_as(personas.chengguan_admin):
        Attendance.objects.create(
            program=training.qingshan_course, person=people.zhang_san
        ).delete()
    ct = ContentType.objects.get_for_model(Attendance)
    actions = list(
        AuditEvent.objects.filter(content_type=ct, object_repr="烤烟种植培训 · 张三")
        .order_by("id")
        .values_list("action", "username")
    )
    assert actions == [("create", "chengguan_admin"), ("delete", "chengguan_admin")]
