"""One write rule for the page and the API: every record endpoint the router serves refuses what
the record type's pages refuse — a record created outside the caller's jurisdiction, an edit or a
deletion of a record the caller sees but may not edit, an edit that moves a record out of the
caller's jurisdiction or hangs a child row on another unit's parent (a 人次 moved to another
township's course) — and the database is left as it was.

The endpoints are walked from the router, so a new record type is checked without being named
here; it only needs a sample in `Samples`."""

import datetime
from typing import Any

import pytest
from conftest import make_id
from django.db import models
from django.urls import NoReverseMatch, reverse
from helpers import record_routes

from rencai.orgs.models import OrgUnit
from rencai.people.models import Person
from rencai.training.models import (
    ArtTeam,
    Attendance,
    Entity,
    Inspection,
    Livestock,
    Mentorship,
    Outcome,
    Performance,
    Pool,
    PoolMembership,
    RectificationItem,
    TrainingBase,
    TrainingCategory,
    TrainingProgram,
    TrainingTarget,
)
from rencai.training.records import views as record_views

D = datetime.date


def record_endpoints() -> list[tuple[str, type[models.Model]]]:
    """(API prefix, model) of every endpoint over unit-scoped records: those whose manager
    places records in units."""
    found = []
    for prefix, viewset in record_routes():
        model = viewset.serializer_class.Meta.model
        if getattr(model.objects.all(), "unit_fields", ()):
            found.append((prefix, model))
    return found


ENDPOINTS = record_endpoints()


def page_urls(model: type[models.Model]) -> dict[str, str]:
    """The URL names of the pages that edit and delete one record of `model`: a declared record
    type's own, or the sub-record's on its parent's page."""
    for views in record_views():
        if views.model is model:
            return {"edit": views.url_name("edit"), "delete": views.url_name("delete")}
    return {
        Person: {"edit": "people:edit", "delete": "people:delete"},
        TrainingProgram: {"edit": "training:program_edit", "delete": "training:program_delete"},
        Attendance: {"delete": "training:attendance_remove"},
        Livestock: {
            "edit": "training:bases_livestock_edit",
            "delete": "training:bases_livestock_remove",
        },
        RectificationItem: {
            "edit": "training:inspections_item_edit",
            "delete": "training:inspections_item_delete",
        },
    }.get(model, {})


class Samples:
    """One record of each type in 城关镇, which its admin may edit. 李四 (青山镇) attends 城关镇's
    course: 青山镇 sees that row but the course is not theirs. 青山镇 has a course of its own."""

    def __init__(self, county, people) -> None:
        farming = TrainingCategory.objects.get(name="种养殖技术")
        base = TrainingBase.objects.create(name="大坪子养殖场", org=county.chengguan, kind="养殖场")
        program = TrainingProgram.objects.create(
            name="城关镇养殖培训", category=farming, organiser=county.chengguan,
            start_date=D(2026, 5, 1), end_date=D(2026, 5, 2),
        )  # fmt: skip
        self.qingshan_program = TrainingProgram.objects.create(
            name="青山镇种植培训", category=farming, organiser=county.qingshan,
            start_date=D(2026, 5, 1), end_date=D(2026, 5, 2),
        )  # fmt: skip
        inspection = Inspection.objects.create(
            org=county.chengguan, base=base, date=D(2026, 5, 10), inspectors="刘主任",
            findings="防疫记录不全",
        )  # fmt: skip
        team = ArtTeam.objects.create(name="城关花灯剧团", kind="opera", org=county.chengguan)
        apprentice = Person.objects.create(
            name="赵六", id_number=make_id("19950505", 44), gender="1", birth_date="1995-05-05",
            home_org=county.xiguan, education="20", political_status="13",
        )  # fmt: skip
        self.by_model: dict[type[models.Model], models.Model] = {
            Person: people.zhang_san,
            TrainingProgram: program,
            Attendance: Attendance.objects.create(program=program, person=people.li_si),
            TrainingTarget: TrainingTarget.objects.create(
                year=2026, org=county.dongguan, attendances=100
            ),
            TrainingBase: base,
            Livestock: Livestock.objects.create(base=base, kind="牛", count=100),
            Inspection: inspection,
            RectificationItem: RectificationItem.objects.create(
                inspection=inspection,
                description="补齐防疫台账",
                owner="场长",
                due_on=D(2026, 6, 1),
            ),
            Outcome: Outcome.objects.create(
                person=people.zhang_san, kind="scale_farm", date=D(2026, 8, 1)
            ),
            Mentorship: Mentorship.objects.create(
                master=people.zhang_san,
                apprentice=apprentice,
                craft="花灯戏",
                start_date=D(2026, 1, 1),
            ),
            PoolMembership: PoolMembership.objects.create(
                pool=Pool.objects.get(name="后备干部"),
                person=people.zhang_san,
                entered_on=D(2026, 3, 1),
            ),
            Entity: Entity.objects.create(
                name="张三家庭农场",
                kind="family_farm",
                org=county.dongguan,
                leader=people.zhang_san,
            ),
            ArtTeam: team,
            Performance: Performance.objects.create(
                team=team, date=D(2026, 9, 1), village=county.xiguan, programme="百座戏台千场戏"
            ),
        }
        self.outside: dict[type[models.Model], models.Model] = {
            OrgUnit: county.qingshan,
            TrainingProgram: self.qingshan_program,
            TrainingBase: TrainingBase.objects.create(
                name="青山种植基地", org=county.qingshan, kind="种植基地"
            ),
            ArtTeam: ArtTeam.objects.create(name="青山秧歌队", kind="dance", org=county.qingshan),
        }
        self.outside[Inspection] = Inspection.objects.create(
            org=county.qingshan, base=self.outside[TrainingBase], date=D(2026, 5, 10),
            inspectors="刘主任", findings="无",
        )  # fmt: skip


@pytest.fixture
def samples(county, people) -> Samples:
    return Samples(county, people)


def stored(record: models.Model) -> dict[str, Any] | None:
    return type(record)._base_manager.filter(pk=record.pk).values().first()


def api_url(prefix: str, pk: int | None = None) -> str:
    return f"/api/{prefix}/" + (f"{pk}/" if pk else "")


def page_refuses(client, model: type[models.Model], action: str, pk: int) -> bool | None:
    """Whether the page refuses `action` on record `pk` (None: the type has no such page)."""
    name = page_urls(model).get(action)
    if name is None:
        return None
    try:
        url = reverse(name, args=[pk])
    except NoReverseMatch:
        return None
    return client.post(url, {}).status_code in (403, 404)


ids = [prefix for prefix, _model in ENDPOINTS]


def test_every_record_endpoint_has_a_sample(samples):
    assert {m for _p, m in ENDPOINTS} <= set(samples.by_model), "add the new type to Samples"


@pytest.mark.parametrize(("prefix", "model"), ENDPOINTS, ids=ids)
def test_outsider_cannot_delete_what_the_page_would_not_let_them(
    samples, personas, login, prefix, model
):
    record = samples.by_model[model]
    before = stored(record)
    client = login(personas.outsider_admin)
    refused_by_page = page_refuses(client, model, "delete", record.pk)
    assert stored(record) == before
    response = client.delete(api_url(prefix, record.pk))
    assert response.status_code in (403, 404, 405), response.content.decode()
    assert refused_by_page in (True, None)
    assert stored(record) == before


@pytest.mark.parametrize(("prefix", "model"), ENDPOINTS, ids=ids)
def test_outsider_cannot_edit_what_the_page_would_not_let_them(
    samples, personas, login, prefix, model
):
    record = samples.by_model[model]
    before = stored(record)
    shown = login(personas.chengguan_admin).get(api_url(prefix, record.pk)).json()
    client = login(personas.outsider_admin)
    refused_by_page = page_refuses(client, model, "edit", record.pk)
    for method in (client.patch, client.put):
        response = method(api_url(prefix, record.pk), shown, content_type="application/json")
        assert response.status_code in (403, 404), response.content.decode()
    assert refused_by_page in (True, None)
    assert stored(record) == before


def _writable(prefix: str, shown: dict[str, Any]) -> dict[str, Any]:
    serializer = dict(record_routes())[prefix].serializer_class
    fields = serializer().fields
    return {k: v for k, v in shown.items() if k in fields and not fields[k].read_only}


@pytest.mark.parametrize(("prefix", "model"), ENDPOINTS, ids=ids)
def test_outsider_cannot_create_a_record_in_another_township(
    samples, people, personas, login, prefix, model
):
    """A copy of 城关镇's record, posted by 青山镇: a person the placing rule does not look at
    becomes 青山镇's own 李四 (so 李四's attendance of 城关镇's course is what is tried)."""
    record = samples.by_model[model]
    data = _writable(prefix, login(personas.chengguan_admin).get(api_url(prefix, record.pk)).json())
    rows = model.objects.all()
    placing = {f.split("__")[0] for f in getattr(rows, "write_fields", ()) or rows.unit_fields}
    for field in model._meta.fields:
        if field.name in data and field.related_model is Person and field.name not in placing:
            data[field.name] = people.li_si.pk
    if model is Attendance:
        record.delete()  # so the only reason left to refuse is the course's organiser
    count = model.objects.count()
    response = login(personas.outsider_admin).post(
        api_url(prefix), data, content_type="application/json"
    )
    assert response.status_code in (400, 403), response.content.decode()
    assert model.objects.count() == count


@pytest.mark.parametrize(("prefix", "model"), ENDPOINTS, ids=ids)
def test_admin_cannot_move_a_record_out_or_onto_another_units_parent(
    samples, personas, login, prefix, model
):
    """城关镇's admin points each unit or parent record of their own record at 青山镇's. (A unit
    of a record placed by two — a performance by its team and the village it plays in — may lie
    outside: the other keeps the record inside, on the page as in the API.)"""
    record = samples.by_model[model]
    client = login(personas.chengguan_admin)
    rows = model.objects.all()
    placed_by_two = len(getattr(rows, "write_fields", ()) or rows.unit_fields) > 1
    tried = 0
    for field in model._meta.fields:
        target = samples.outside.get(field.related_model) if field.is_relation else None
        if target is None or (placed_by_two and field.related_model is OrgUnit):
            continue
        before = stored(record)
        response = client.patch(
            api_url(prefix, record.pk), {field.name: target.pk}, content_type="application/json"
        )
        assert response.status_code == 400, (field.name, response.content.decode())
        assert stored(record) == before
        tried += 1
    if model in (Attendance, TrainingProgram, Entity, Livestock):
        assert tried, "the sample has a unit or parent to move"


def test_trainees_township_cannot_move_or_remove_a_row_of_anothers_course(samples, personas, login):
    """The issue's case: 青山镇 sees 李四's row of 城关镇's course, and may neither move it to its
    own course nor remove it — through the API as on the program's page."""
    row = samples.by_model[Attendance]
    client = login(personas.outsider_admin)
    assert client.get(f"/api/training/attendances/{row.pk}/").status_code == 200
    moved = client.patch(
        f"/api/training/attendances/{row.pk}/",
        {"program": samples.qingshan_program.pk},
        content_type="application/json",
    )
    assert moved.status_code == 404
    assert client.delete(f"/api/training/attendances/{row.pk}/").status_code == 404
    assert client.post(reverse("training:attendance_remove", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.program == samples.by_model[TrainingProgram]


def test_organiser_still_writes_its_own_ledger(samples, people, personas, login):
    """The rule does not lock out the organiser: 城关镇 adds and removes its own trainees."""
    client = login(personas.chengguan_admin)
    program = samples.by_model[TrainingProgram]
    added = client.post(
        "/api/training/attendances/",
        {"program": program.pk, "person": people.zhang_san.pk},
        content_type="application/json",
    )
    assert added.status_code == 201, added.content.decode()
    removed = client.delete(f"/api/training/attendances/{added.json()['id']}/")
    assert removed.status_code == 204


@pytest.mark.parametrize("persona", ["chengguan_admin", "outsider_admin", "chengguan_clerk"])
def test_only_the_county_admin_writes_units_on_the_page_and_in_the_api(
    county, personas, login, persona
):
    """The org endpoint is not unit-scoped like the records, but has the pages' rule all the
    same: a township admin or clerk renames no unit, neither on 组织管理 nor through the API."""
    client = login(getattr(personas, persona))
    unit = county.dongguan
    page = client.post(reverse("orgs:edit", args=[unit.pk]), {"name": "改名村", "kind": unit.kind})
    api = client.patch(
        api_url("orgs", unit.pk), {"name": "改名村"}, content_type="application/json"
    )
    created = client.post(
        api_url("orgs"),
        {"name": "新村", "kind": unit.kind, "parent": county.chengguan.pk},
        content_type="application/json",
    )
    assert page.status_code in (403, 404)
    assert api.status_code in (403, 404) and created.status_code in (403, 404)
    unit.refresh_from_db()
    assert unit.name == "东关村"
    assert not OrgUnit.objects.filter(name="新村").exists()
