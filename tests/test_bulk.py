"""The bulk writer (imports, the demo) logs exactly what the audited ORM path logs."""

import datetime

from django.contrib.contenttypes.models import ContentType

from rencai.audit.context import acting_as
from rencai.audit.models import AuditEvent
from rencai.people.bulk import PersonBulkWriter
from rencai.people.models import Person, TalentCategory


def _values(county, id_number: str) -> dict:
    return {
        "name": "赵六",
        "name_initials": "zl",
        "id_number": id_number,
        "id_reversed": id_number[::-1],
        "gender": "1",
        "birth_date": datetime.date(1988, 8, 8),
        "phone": "13800138000",
        "home_org_id": county.dongguan.pk,
        "work_org_id": None,
        "ethnicity": "01",
        "education": "21",
        "specialty": "蔬菜种植",
    }


def _create_entry(person: Person) -> dict:
    event = AuditEvent.objects.get(
        action="create",
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(person.pk),
    )
    return event.changes


def test_a_created_person_logs_what_the_orm_would(county, personas):
    category = TalentCategory.objects.get(name="农村实用人才")
    with acting_as(personas.county_admin):
        orm = Person.objects.create(**_values(county, "433130198808080017"))
        orm.categories.add(category)
        values = _values(county, "433130198808080033")
        (pk,), _updated = PersonBulkWriter().write([(values, [category.pk])])
    bulk = Person.objects.get(pk=pk)
    orm_changes, bulk_changes = _create_entry(orm), _create_entry(bulk)
    # The ORM logs the category in a second event (m2m_changed); the writer in the same one.
    assert bulk_changes.pop("categories") == [[], ["农村实用人才"]]
    assert orm_changes.pop("id") == [None, orm.pk]
    assert bulk_changes.pop("id") == [None, bulk.pk]
    for changes in (orm_changes, bulk_changes):
        changes.pop("created_at")  # the moment each was written
        assert changes.pop("id_number")[1].startswith("4331*************")
    assert bulk_changes == orm_changes
    assert bulk_changes["birth_date"] == [None, "1988-08"]  # 出生年月 only
    assert bulk_changes["phone"] == [None, "138****8000"]


def test_a_birth_date_given_as_text_is_stored_and_logged_as_the_date(county, personas):
    values = {**_values(county, "433130198808080017"), "birth_date": "1988-08-08"}
    with acting_as(personas.county_admin):
        (pk,), _updated = PersonBulkWriter().write([(values, [])])
    assert Person.objects.get(pk=pk).birth_date == datetime.date(1988, 8, 8)
    assert _create_entry(Person.objects.get(pk=pk))["birth_date"] == [None, "1988-08"]


def test_a_ledger_row_logs_what_the_orm_would(county, people, personas):
    from rencai.training.attendances import LedgerWriter
    from rencai.training.models import Attendance, TrainingCategory, TrainingProgram

    program = TrainingProgram.objects.create(
        name="肉牛养殖技术培训",
        category=TrainingCategory.objects.get(name="种养殖技术"),
        organiser=county.chengguan,
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 3, 4),
    )
    with acting_as(personas.chengguan_admin):
        orm = Attendance.objects.create(program=program, person=people.zhang_san)
        (pk,) = LedgerWriter(program, {people.li_si.pk: "李四"}).create(
            [{"program_id": program.pk, "person_id": people.li_si.pk}]
        )
    ct = ContentType.objects.get_for_model(Attendance)
    events = {e.object_id: e for e in AuditEvent.objects.filter(content_type=ct, action="create")}
    orm_event, bulk_event = events[str(orm.pk)], events[str(pk)]
    assert (orm_event.object_repr, bulk_event.object_repr) == (
        "肉牛养殖技术培训 · 张三",
        "肉牛养殖技术培训 · 李四",
    )
    assert orm_event.username == bulk_event.username == "chengguan_admin"
    orm_changes, bulk_changes = orm_event.changes, bulk_event.changes
    assert orm_changes.pop("id") == [None, orm.pk] and bulk_changes.pop("id") == [None, pk]
    assert orm_changes.pop("person") == [None, people.zhang_san.pk]
    assert bulk_changes.pop("person") == [None, people.li_si.pk]
    orm_changes.pop("created_at"), bulk_changes.pop("created_at")
    assert bulk_changes == orm_changes == {"program": [None, program.pk]}
    assert Attendance.objects.get(pk=pk).person == people.li_si
