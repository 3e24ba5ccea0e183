"""The ledger's tallies (rencai/training/tally.py): every way a write can change what they count
leaves them equal to the ledger counted afresh with the ORM (`tally.drift`), and the overview's
figures read from them equal the figures counted from the ledger rows."""

import datetime
import random

import pytest
from django.core.management import call_command
from django.db import connection

from rencai.audit.bulk import BulkWriter
from rencai.orgs.models import OrgKind, OrgUnit
from rencai.people.models import Person
from rencai.training import ledger_figures, tally
from rencai.training.figures import Period
from rencai.training.models import (
    Attendance,
    ProgramTally,
    TraineeTally,
    TrainingCategory,
    TrainingProgram,
)
from tests.conftest import make_id
from tests.test_training import Training

D = datetime.date


@pytest.fixture
def training(county, people) -> Training:
    return Training(county, people)


def assert_in_step() -> None:
    assert tally.drift() == []


def test_the_tallies_count_the_ledger(training, county, people):
    course = training.chengguan_course  # ends 2026-03-04: 上半年
    assert {
        (t.home_org_id, t.attendances) for t in ProgramTally.objects.filter(program=course)
    } == {(county.dongguan.pk, 1), (county.shiqiao.pk, 1)}
    zhang = TraineeTally.objects.filter(person=people.zhang_san, year=2026)
    assert {(t.category, t.h1, t.h2) for t in zhang} == {
        (0, 1, 0),
        (training.farming.pk, 1, 0),
    }
    assert_in_step()


def test_enrolling_and_removing_through_the_orm(training, people):
    other = TrainingProgram.objects.create(
        name="电商培训",
        category=TrainingCategory.objects.get(name="其他技术"),
        organiser=training.chengguan_course.organiser,
        start_date=D(2026, 9, 1),
        end_date=D(2026, 9, 2),
    )
    row = Attendance.objects.create(program=other, person=people.zhang_san)
    assert TraineeTally.objects.get(person=people.zhang_san, year=2026, category=0).h2 == 1
    assert_in_step()
    row.delete()
    assert not TraineeTally.objects.filter(person=people.zhang_san, year=2026, h2__gt=0)
    assert_in_step()
    training.wang.delete()
    assert_in_step()


def test_bulk_paths_and_raw_sql(training, people, county):
    course = training.qingshan_course
    Attendance.objects.bulk_create([Attendance(program=course, person=people.zhang_san)])
    assert_in_step()
    BulkWriter(Attendance).create([{"program_id": course.pk, "person_id": people.wang_wu.pk}])
    assert_in_step()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM training_attendance WHERE program_id = %s AND person_id = %s",
            [course.pk, people.zhang_san.pk],
        )
    assert_in_step()
    Attendance.objects.filter(program=course).delete()
    assert_in_step()


def test_a_row_moved_to_another_program_or_person(training, people):
    Attendance.objects.filter(pk=training.zhang.pk).update(program=training.qingshan_course)
    assert_in_step()
    training.li.person = people.wang_wu
    training.li.save()
    assert_in_step()
    Attendance.objects.filter(pk=training.li.pk).update(notes="补登")  # counts nothing new
    assert_in_step()


@pytest.mark.parametrize(
    "change",
    [
        {"end_date": D(2026, 10, 8)},  # 上半年 → 下半年
        {"end_date": D(2025, 12, 31), "start_date": D(2025, 12, 30)},  # to last year
        {"category": "乡村工匠"},
    ],
)
def test_a_program_moved_in_time_or_category(training, change):
    course = training.chengguan_course
    if "category" in change:
        change = {"category": TrainingCategory.objects.get(name=change["category"])}
    for field, value in change.items():
        setattr(course, field, value)
    course.save()
    assert_in_step()
    TrainingProgram.objects.filter(pk=course.pk).update(end_date=D(2026, 6, 30))
    assert_in_step()


def test_a_program_deleted_with_its_ledger(training):
    training.chengguan_course.delete()
    assert not ProgramTally.objects.filter(program=training.chengguan_course.pk)
    assert_in_step()


def test_a_trainee_moving_village_moves_their_counts(training, people, county):
    zhang = people.zhang_san
    zhang.home_org = county.xiguan
    zhang.save()
    assert ProgramTally.objects.filter(home_org=county.xiguan).exists()
    assert_in_step()
    Person.objects.filter(pk=zhang.pk).update(home_org=county.shiqiao)
    assert_in_step()
    Person.objects.filter(pk=zhang.pk).update(phone="13800000000")  # counts nothing new
    assert_in_step()


def test_lost_triggers_are_put_back_and_the_tallies_recomputed(training, people):
    tally.uninstall(connection)
    assert tally.installed(connection) == set()
    training.li.delete()  # missed: no trigger
    assert tally.drift()
    assert tally.ensure(connection) is True
    assert tally.installed(connection) == {name for name, _t, _e in tally.TRIGGERS}
    assert_in_step()
    assert tally.ensure(connection) is False  # all there: nothing to recompute
    Attendance.objects.create(program=training.qingshan_course, person=people.li_si)
    assert_in_step()


def test_the_retally_command(training, capsys):
    ProgramTally.objects.all().delete()
    with pytest.raises(SystemExit) as exit_:
        call_command("retally", "--check")
    assert exit_.value.code == 1
    assert "不一致" in capsys.readouterr().err
    call_command("retally")
    call_command("retally", "--check")
    assert "一致" in capsys.readouterr().out
    assert_in_step()


class RandomLedger:
    """Two counties' people (示范县's four villages and 邻县's), programs of both counties'
    units over 2025–2026 in every category, each with a random set of trainees."""

    def __init__(self, county, seed: int) -> None:
        rng = random.Random(seed)
        neighbour = OrgUnit.objects.create(name="邻县", kind=OrgKind.COUNTY)
        far = OrgUnit.objects.create(name="外村", kind=OrgKind.VILLAGE, parent=neighbour)
        villages = [county.dongguan, county.xiguan, county.shiqiao, far]
        organisers = [county.county, county.chengguan, county.qingshan, county.education]
        organisers += [county.dongguan, county.shiqiao, neighbour]
        categories = list(TrainingCategory.objects.all())
        people = [
            Person.objects.create(
                name=f"学员{i}",
                id_number=make_id("19900101", 100 + i),
                gender="1",
                birth_date="1990-01-01",
                home_org=rng.choice(villages),
            )
            for i in range(40)
        ]
        for i in range(30):
            end = D(2025, 1, 1) + datetime.timedelta(days=rng.randrange(730))
            program = TrainingProgram.objects.create(
                name=f"班次{i}",
                category=rng.choice(categories),
                organiser=rng.choice(organisers),
                start_date=end,
                end_date=end,
            )
            Attendance.objects.bulk_create(
                Attendance(program=program, person=p)
                for p in rng.sample(people, rng.randrange(1, 15))
            )
        self.people = people
        self.villages = villages


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tallied_figures_equal_the_counted_ones(county, seed):
    """Over random ledgers, for every scope, whole period and date of progress, the overview's
    figures from the tallies are those counted from the ledger rows — also after trainees move,
    including into and out of the county."""
    data = RandomLedger(county, seed)
    rng = random.Random(seed)

    def compare() -> None:
        for unit in (county.county, county.chengguan, county.qingshan, county.dongguan):
            children = list(OrgUnit.objects.filter(parent=unit).order_by("path"))
            for period in (Period.year(2026), Period.half(2026, 1), Period.half(2026, 2),
                           Period.year(2025)):  # fmt: skip
                year = period.start.year
                for until in (D(year, 3, 31), period.end):
                    tallied = ledger_figures.ledger_summary(unit, children, period, year, until)
                    counted = ledger_figures._counted_summary(unit, children, period, year, until)
                    assert tallied == counted, (unit.name, period, until)

    compare()
    for person in rng.sample(data.people, 10):
        Person.objects.filter(pk=person.pk).update(home_org=rng.choice(data.villages))
    assert_in_step()
    compare()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_enrolment_and_a_move_committed_together_count_at_the_new_home(county, people):
    """PostgreSQL: while one transaction moves a trainee to another village, a second enrols
    them. The enrolment's trigger waits for the move (its share lock on the person) and then
    reads the new home, so the tallies agree with the ledger once both have committed."""
    import threading

    import psycopg

    training = Training(county, people)
    settings = connection.settings_dict
    dsn = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
    }
    mover, enroller = psycopg.connect(**dsn), psycopg.connect(**dsn)
    try:
        mover.execute(
            "UPDATE people_person SET home_org_id = %s WHERE id = %s",
            [county.xiguan.pk, people.li_si.pk],
        )
        done = threading.Event()

        def enrol() -> None:
            enroller.execute(
                "INSERT INTO training_attendance (program_id, person_id, notes, created_at)"
                " VALUES (%s, %s, '', now())",
                [training.chengguan_course.pk, people.li_si.pk],
            )
            enroller.commit()
            done.set()

        worker = threading.Thread(target=enrol)
        worker.start()
        assert not done.wait(1.0), "the enrolment did not wait for the move"
        mover.commit()
        worker.join(10)
        assert done.is_set()
    finally:
        mover.close()
        enroller.close()
    assert (
        ProgramTally.objects.get(
            program=training.chengguan_course, home_org=county.xiguan
        ).attendances
        == 1
    )
    assert_in_step()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL alters tables in place")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_migration_can_rebuild_the_tables_the_triggers_name_on_sqlite(training):
    """SQLite alters a column by rebuilding the table, which fails while a trigger names it.
    A migrate run with work to do drops the triggers first (pre_migrate) and puts them back,
    with the tallies recomputed, at its end (post_migrate)."""
    from django.apps import apps
    from django.db import models
    from django.db.models.signals import post_migrate, pre_migrate

    def widen_phone(max_length: int) -> None:
        old = Person._meta.get_field("phone")
        new = models.CharField("手机号码", max_length=max_length, blank=True)
        new.set_attributes_from_name("phone")
        new.model = Person
        with connection.schema_editor() as editor:
            editor.alter_field(Person, old, new)

    app = apps.get_app_config("training")
    signal = {"sender": app, "app_config": app, "verbosity": 0, "interactive": False}
    signal |= {"using": "default", "apps": apps, "plan": [("a migration", False)]}
    pre_migrate.send(**signal)
    assert tally.installed(connection) == set()
    widen_phone(20)  # people_person rebuilt: with the triggers in place this fails
    training.li.delete()  # a write while the triggers are away (a data migration)
    widen_phone(11)
    post_migrate.send(**signal)
    assert tally.installed(connection) == {name for name, _t, _e in tally.TRIGGERS}
    assert_in_step()
