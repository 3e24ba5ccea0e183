"""经营主体 through every door (web pages, import sheet, export, API): scoped to the user's
jurisdiction, people by ID number and masked on the way out, every change audited."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from rencai.audit.models import AuditAction, AuditEvent
from rencai.training import figures
from rencai.training.models import Entity
from tests.records_support import export_table, import_sheet, problems, record_count
from tests.test_api import token_client

LIST = "/training/entities/"
HEADER = [
    "名称",
    "类型",
    "所在单位",
    "负责人姓名",
    "负责人身份证号",
    "成立日期",
    "产业",
    "带动就业人数",
]


@pytest.fixture
def entities(county, people):
    farm = Entity.objects.create(
        name="东关家庭农场",
        kind="family_farm",
        org=county.dongguan,
        leader=people.zhang_san,
        founded_on=datetime.date(2025, 3, 1),
        industry="肉牛",
        jobs_driven=12,
    )
    coop = Entity.objects.create(
        name="石桥种植合作社", kind="cooperative", org=county.shiqiao, jobs_driven=30
    )
    return farm, coop


def form(county, people, **changes):
    data = {
        "name": "西关养殖场",
        "kind": "enterprise",
        "org": county.xiguan.pk,
        "leader": people.zhang_san.id_number,
        "founded_on": "2026-02-03",
        "industry": "养羊",
        "jobs_driven": "8",
    }
    data.update(changes)
    return data


def test_each_unit_lists_its_own(personas, entities, login):
    assert record_count(login(personas.county_admin).get(LIST)) == 2
    assert record_count(login(personas.chengguan_admin).get(LIST)) == 1
    outsider = login(personas.outsider_admin)
    assert record_count(outsider.get(LIST)) == 1
    assert outsider.get(f"{LIST}{entities[0].pk}/").status_code == 404
    assert outsider.get(f"{LIST}{entities[0].pk}/edit/").status_code == 404
    assert login(personas.auditor).get(LIST).status_code == 403


def test_the_list_is_exactly_the_figures_rows(personas, entities, county, login):
    period = figures.Period.year(2026)
    client = login(personas.county_admin)
    params = {"scope": county.county.pk, "start": "2026-01-01", "end": "2026-12-31"}
    assert (
        record_count(client.get(LIST, params)) == figures.entity_rows(county.county, period).count()
    )
    # Before the farm was founded; the co-op has no founding date, so it is counted.
    early = {**params, "start": "2025-01-01", "end": "2025-02-28"}
    assert record_count(client.get(LIST, early)) == 1
    half = {"scope": county.county.pk, "start": "2026-01-01"}
    assert "请同时选择" in client.get(LIST, half).content.decode()


def test_create_edit_delete_through_the_pages_are_audited(personas, county, people, login):
    client = login(personas.chengguan_admin)
    response = client.post(f"{LIST}new/", form(county, people))
    entity = Entity.objects.get(name="西关养殖场")
    assert response.status_code == 302 and entity.leader == people.zhang_san
    page = client.get(f"{LIST}{entity.pk}/").content.decode()
    assert "张三" in page and people.zhang_san.id_number not in page
    kind = ContentType.objects.get_for_model(Entity)
    events = AuditEvent.objects.filter(content_type=kind, object_id=str(entity.pk))
    assert events.filter(action=AuditAction.CREATE).count() == 1
    # Blank ID on edit keeps the leader; the page never shows the full number.
    edit = client.get(f"{LIST}{entity.pk}/edit/").content.decode()
    assert people.zhang_san.id_number not in edit
    client.post(f"{LIST}{entity.pk}/edit/", form(county, people, leader="", jobs_driven="20"))
    entity.refresh_from_db()
    assert (entity.jobs_driven, entity.leader) == (20, people.zhang_san)
    assert events.filter(action=AuditAction.UPDATE).count() == 1
    assert client.post(f"{LIST}{entity.pk}/delete/").status_code == 302
    assert not Entity.objects.filter(pk=entity.pk).exists()


def test_the_form_keeps_records_inside_the_jurisdiction(personas, county, people, login):
    client = login(personas.chengguan_admin)
    outside_unit = client.post(f"{LIST}new/", form(county, people, org=county.shiqiao.pk))
    assert "org" in outside_unit.context["form"].errors
    stranger = client.post(f"{LIST}new/", form(county, people, leader=people.li_si.id_number))
    assert "人才库中没有该身份证号" in stranger.content.decode()
    bad = client.post(f"{LIST}new/", form(county, people, leader="123", jobs_driven="-1"))
    errors = bad.context["form"].errors
    assert "leader" in errors and "jobs_driven" in errors
    assert not Entity.objects.exists()


def test_a_leader_reads_but_changes_nothing(personas, entities, county, people, login):
    client = login(personas.chengguan_leader)
    assert record_count(client.get(LIST)) == 1
    assert client.get(f"{LIST}new/").status_code == 403
    assert client.post(f"{LIST}{entities[0].pk}/delete/").status_code == 403
    assert "登记经营主体" not in client.get(LIST).content.decode()


def test_import_creates_updates_and_leaves_unchanged(personas, entities, people):
    zhang = people.zhang_san
    rows = [
        [
            "东关家庭农场",
            "家庭农场",
            "示范县/城关镇/东关村",
            "张三",
            zhang.id_number,
            "2025-03-01",
            "肉牛",
            15,
        ],
        ["西关合作社", "专业合作社", "城关镇/西关村", "", "", "2026年4月1日", "蔬菜", 40],
    ]
    outcome = import_sheet("entities", personas.chengguan_admin, HEADER, rows)
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["new"] == 1 and outcome.summary()["updated"] == 1
    assert Entity.objects.get(name="东关家庭农场").jobs_driven == 15
    assert Entity.objects.get(name="西关合作社").founded_on == datetime.date(2026, 4, 1)
    again = import_sheet("entities", personas.chengguan_admin, HEADER, rows)
    assert again.summary()["unchanged"] == 2


def test_a_bad_sheet_names_row_column_and_reason_and_changes_nothing(personas, entities, people):
    before = list(Entity.objects.values_list("pk", "jobs_driven"))
    rows = [
        ["甲农场", "农家乐", "城关镇/东关村", "", "", "", "", 1],
        ["乙农场", "家庭农场", "青山镇/石桥村", "", "", "", "", 1],
        ["丙农场", "家庭农场", "城关镇/东关村", "李四", people.li_si.id_number, "", "", 1],
        ["丁农场", "家庭农场", "城关镇/东关村", "王二", people.zhang_san.id_number, "", "", 1],
        ["戊农场", "家庭农场", "城关镇/东关村", "", "", "2026.13.1", "", "-3"],
    ]
    outcome = import_sheet("entities", personas.chengguan_admin, HEADER, rows)
    text = problems(outcome)
    assert not outcome.ok
    assert "第 2 行〔类型〕" in text and "农家乐" in text
    assert "第 3 行" in text and "管辖范围" in text
    assert "第 4 行〔负责人身份证号〕" in text
    assert "第 5 行〔负责人身份证号〕" in text and "不一致" in text
    assert "第 6 行〔成立日期〕" in text and "第 6 行〔带动就业人数〕" in text
    assert list(Entity.objects.values_list("pk", "jobs_driven")) == before


def test_export_is_masked_and_imports_back_unchanged(personas, entities, people, login):
    client = login(personas.chengguan_admin)
    table = export_table(client, f"{LIST}export.xlsx")
    assert table[0][:3] == ["名称", "类型", "所在单位"]
    assert len(table) == 2
    row = table[1]
    assert people.zhang_san.id_number not in [str(c) for c in row]
    assert people.zhang_san.masked_id_number in row
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1
    outcome = import_sheet("entities", personas.chengguan_admin, table[0], table[1:])
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["unchanged"] == 1


def test_export_follows_the_list_filters(personas, entities, login):
    client = login(personas.county_admin)
    table = export_table(client, f"{LIST}export.xlsx?kind=cooperative")
    assert [r[0] for r in table[1:]] == ["石桥种植合作社"]


def test_the_api_is_scoped_masked_and_checked(personas, entities, county, people):
    api = token_client(personas.chengguan_admin)
    listed = api.get("/api/training/entities/").json()
    assert [e["name"] for e in listed["results"]] == ["东关家庭农场"]
    assert listed["results"][0]["leader_name"] == "张三"
    assert people.zhang_san.id_number not in str(listed)
    created = api.post(
        "/api/training/entities/",
        {"name": "新主体", "kind": "startup", "org": county.xiguan.pk, "jobs_driven": 3},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    outside = api.post(
        "/api/training/entities/",
        {"name": "越界", "kind": "startup", "org": county.shiqiao.pk},
        content_type="application/json",
    )
    assert outside.status_code == 400
    foreign = entities[1].pk
    assert api.patch(f"/api/training/entities/{foreign}/", {}, content_type="application/json")
    assert api.get(f"/api/training/entities/{foreign}/").status_code == 404
    leader = token_client(personas.chengguan_leader)
    assert leader.delete(f"/api/training/entities/{entities[0].pk}/").status_code == 403


def test_negative_numbers_are_form_errors_not_500s(personas, county, people, login):
    """Regression: a negative value used to crash the form's clean (the dict changed size)."""
    from rencai.records.forms import RecordForm
    from rencai.training.models import TrainingBase

    class BaseForm(RecordForm):
        class Meta:
            model = TrainingBase
            fields = ["name", "org", "kind", "land_area_mu", "investment_wan"]

    data = {"name": "甲", "org": county.dongguan.pk, "kind": "养殖场", "land_area_mu": "-1",
            "investment_wan": "-2"}  # fmt: skip
    form = BaseForm(data, user=personas.chengguan_admin)
    assert not form.is_valid()
    assert set(form.errors) == {"land_area_mu", "investment_wan"}
