"""培训目标 through every door (list, detail, form, the decomposition editor, import, export, API):
scoped to the jurisdiction, a unit's target set only by the office above it, progress from the
ledger (each 已完成人次 a link to ledger rows of the same count), every change audited."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType

from rencai.audit.models import AuditAction, AuditEvent
from rencai.orgs.choices import OrgKind
from rencai.orgs.models import OrgUnit
from rencai.people.models import Person
from rencai.training import figures, targets
from rencai.training.models import Attendance, TrainingCategory, TrainingProgram, TrainingTarget
from tests.conftest import make_id
from tests.records_support import export_table, import_sheet, problems, record_count
from tests.test_api import token_client
from tests.test_training import Training

D = datetime.date
LIST = "/training/targets/"
EDITOR = "/training/targets/decompose/"
HEADER = ["年度", "单位", "培训类别", "目标人次"]
LINK = re.compile(r'href="(/training/attendances/\?[^"]+)">(\d+)</a>')


@pytest.fixture
def training(county, people) -> Training:
    """示范县 2026: 6000 人次; 城关镇 3000 (set by the county). 3 人次 in 上半年."""
    return Training(county, people)


@pytest.fixture
def on_day(monkeypatch):
    """Pin the day progress is measured on."""

    def pin(day: datetime.date) -> None:
        monkeypatch.setattr(targets, "today", lambda: day)

    pin(D(2026, 7, 1))
    return pin


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def ledger_count(client, url: str) -> int:
    found = re.search(r'<span id="attendance-count">(\d+)</span>', html(client.get(url)))
    assert found, url
    return int(found.group(1))


def audit_events(target_pk: int, action: str) -> int:
    kind = ContentType.objects.get_for_model(TrainingTarget)
    return AuditEvent.objects.filter(
        content_type=kind, object_id=str(target_pk), action=action
    ).count()


def target_of(unit, year=2026, category=None) -> TrainingTarget | None:
    return TrainingTarget.objects.filter(year=year, org=unit, category=category).first()


# --- who sees and changes what -----------------------------------------------------------------


def test_each_unit_sees_its_own_targets(personas, training, county, login, on_day):
    assert record_count(login(personas.county_admin).get(LIST)) == 2
    assert record_count(login(personas.chengguan_admin).get(LIST)) == 1
    outsider = login(personas.outsider_admin)
    assert record_count(outsider.get(LIST)) == 0
    pk = training.chengguan_target.pk
    for url in (f"{LIST}{pk}/", f"{LIST}{pk}/edit/", f"{LIST}{pk}/delete/"):
        assert outsider.get(url).status_code == 404
    page = html(outsider.get(EDITOR, {"org": county.chengguan.pk, "year": 2026}))
    assert 'id="decompose-grid"' not in page and "3000" not in page
    assert login(personas.auditor).get(LIST).status_code == 403


def test_a_leader_reads_but_changes_nothing(personas, training, county, login, on_day):
    client = login(personas.chengguan_leader)
    page = html(client.get(LIST))
    assert record_count(client.get(LIST)) == 1
    assert "登记培训目标" not in page and 'id="targets-decompose"' not in page
    pk = training.chengguan_target.pk
    assert client.get(f"{LIST}new/").status_code == 403
    assert client.post(f"{LIST}{pk}/edit/", {"attendances": 1}).status_code == 403
    assert client.post(f"{LIST}{pk}/delete/").status_code == 403
    editor = f"{EDITOR}?org={county.chengguan.pk}&year=2026"
    assert client.post(editor, {f"u{county.dongguan.pk}": "5"}).status_code == 403
    assert 'id="record-edit"' not in html(client.get(f"{LIST}{pk}/"))
    assert TrainingTarget.objects.count() == 2


# --- progress ----------------------------------------------------------------------------------


def add_trainees(county, training, *, first_half: int, second_half: int) -> None:
    """`first_half` more 人次 in programs ending in 上半年 (100 people of 西关村, up to 100 per
    program), `second_half` in one ending in September."""
    people = [
        Person(
            name=f"学员{i}",
            id_number=make_id("19900101", i, region="433131"),
            gender="1",
            birth_date="1990-01-01",
            home_org=county.xiguan,
        )
        for i in range(100)
    ]
    for p in people:
        p.fill_derived()
    Person.objects.bulk_create(people)
    people = list(Person.objects.filter(name__startswith="学员").order_by("id"))

    def course(name, end, count):
        program = TrainingProgram.objects.create(
            name=name, category=training.farming, organiser=county.chengguan,
            start_date=end, end_date=end,
        )  # fmt: skip
        Attendance.objects.bulk_create(
            Attendance(program=program, person=p) for p in people[:count]
        )

    left, n = first_half, 0
    while left:
        n += 1
        course(f"上半年培训{n}", D(2026, 5, 1), min(left, 100))
        left -= min(left, 100)
    if second_half:
        course("下半年培训", D(2026, 9, 1), second_half)


def test_the_seed_case_half_and_year_sentences(personas, training, county, login, on_day):
    # 篇三: 已培训 3000 人次，完成年度目标 6000 人次的 50.0% — 3 from the fixture, 2997 here
    add_trainees(county, training, first_half=2997, second_half=10)
    on_day(D(2026, 10, 1))
    client = login(personas.county_admin)
    page = html(client.get(f"{LIST}{training.county_target.pk}/"))
    half, year, to_date = re.findall(r'<td class="progress-sentence">([^<]+)</td>', page)
    assert half == "已培训 3000 人次，完成年度目标 6000 人次的 50.0%"
    assert year == "已培训 3010 人次，完成年度目标 6000 人次的 50.2%"
    assert to_date == year  # the September course has ended by 1 October
    # The half-year is on schedule (50.0% ≥ 49.6%); on 1 October, 50.2% is behind (75.1%).
    rows = page.split('id="target-progress"')[1].split("</table>")[0].split("<tr>")[2:]
    assert "进度滞后" not in rows[0] and "进度滞后" in rows[2]
    assert "期间未结束" in rows[1]
    for url, number in LINK.findall(page):
        assert ledger_count(client, url.replace("&amp;", "&")) == int(number)


def test_list_progress_links_to_the_ledger_rows_it_counts(
    personas, training, county, people, login, on_day
):
    TrainingTarget.objects.create(
        year=2026, org=county.chengguan, category=training.farming, attendances=4
    )
    TrainingTarget.objects.create(year=2026, org=county.dongguan, attendances=2)
    other = TrainingProgram.objects.create(
        name="电商培训", category=TrainingCategory.objects.get(name="其他技术"),
        organiser=county.chengguan, start_date=D(2026, 5, 6), end_date=D(2026, 5, 6),
    )  # fmt: skip
    Attendance.objects.create(program=other, person=people.zhang_san)
    Attendance.objects.create(program=other, person=people.wang_wu)  # 青山镇's 人次
    for user, rows in ((personas.county_admin, 4), (personas.chengguan_admin, 3)):
        client = login(user)
        page = html(client.get(LIST))
        links = LINK.findall(page)
        assert len(links) == rows
        for url, number in links:
            url = url.replace("&amp;", "&")
            assert ledger_count(client, url) == int(number), url
    # 城关镇 overall: 张三 twice (王五 lives in 青山镇) — 2 of 3000; 种养殖技术 1 of 4
    page = html(login(personas.county_admin).get(LIST, {"org": county.chengguan.pk}))
    assert "0.1%" in page and "25.0%" in page
    farming = figures.progress(
        county.chengguan, 2026, until=D(2026, 7, 1), category=training.farming
    )
    assert f"category={training.farming.pk}" in page and farming.achieved == 1


def test_units_behind_schedule_are_highlighted_and_filtered(
    personas, training, county, people, login, on_day
):
    on_day(D(2026, 11, 28))
    on_track = TrainingTarget.objects.create(year=2026, org=county.qingshan, attendances=1)
    TrainingTarget.objects.create(year=2027, org=county.county, attendances=7000)  # not begun
    client = login(personas.county_admin)
    page = html(client.get(LIST))
    assert page.count('class="badge text-bg-warning record-badge"') == 2  # 示范县, 城关镇 2026
    assert "未开始" in page
    behind = client.get(LIST, {"progress": "behind"})
    assert record_count(behind) == 2
    assert on_track not in list(behind.context["page"].object_list)
    assert record_count(client.get(LIST, {"progress": "behind", "year": 2027})) == 0
    # Progress is measured to the day: on 1 March 青山镇 had none of its 1 人次 (behind), by
    # 2 April 王五 (4 March) and 李四 (1 April) make 200%.
    on_day(D(2026, 3, 1))
    assert record_count(client.get(LIST, {"progress": "behind", "org": county.qingshan.pk})) == 1
    on_day(D(2026, 4, 2))
    assert record_count(client.get(LIST, {"progress": "behind", "org": county.qingshan.pk})) == 0


def test_filters_by_year_unit_and_category(personas, training, county, login, on_day):
    TrainingTarget.objects.create(
        year=2026, org=county.chengguan, category=training.farming, attendances=4
    )
    TrainingTarget.objects.create(year=2025, org=county.county, attendances=5000)
    client = login(personas.county_admin)
    assert record_count(client.get(LIST)) == 4
    assert record_count(client.get(LIST, {"year": 2025})) == 1
    assert record_count(client.get(LIST, {"org": county.chengguan.pk})) == 2
    assert record_count(client.get(LIST, {"category": "overall"})) == 3
    assert record_count(client.get(LIST, {"category": training.farming.pk})) == 1
    assert "全部类别" in html(client.get(LIST, {"category": "overall"}))
    # Forged values are form errors, never a 500 nor another unit's rows
    assert record_count(client.get(LIST, {"category": "99999"})) == 0
    assert record_count(client.get(LIST, {"year": "abc"})) == 0
    outsider = login(personas.outsider_admin)
    assert record_count(outsider.get(LIST, {"org": county.chengguan.pk})) == 0


# --- the form ----------------------------------------------------------------------------------


def test_create_edit_delete_are_audited_and_constraints_read_in_chinese(
    personas, training, county, login, on_day
):
    client = login(personas.county_admin)
    data = {"year": 2026, "org": county.qingshan.pk, "category": "", "attendances": 2000}
    assert client.post(f"{LIST}new/", data).status_code == 302
    target = target_of(county.qingshan)
    assert target.attendances == 2000 and audit_events(target.pk, AuditAction.CREATE) == 1
    again = client.post(f"{LIST}new/", data)
    assert "该单位该年度已有总目标" in html(again)
    per_category = {**data, "category": training.farming.pk}
    assert client.post(f"{LIST}new/", per_category).status_code == 302
    assert "该单位该年度该类别已有目标" in html(client.post(f"{LIST}new/", per_category))
    edit = client.post(f"{LIST}{target.pk}/edit/", {**data, "attendances": 2500})
    assert edit.status_code == 302
    target.refresh_from_db()
    assert target.attendances == 2500 and audit_events(target.pk, AuditAction.UPDATE) == 1
    assert client.post(f"{LIST}{target.pk}/delete/").status_code == 302
    assert audit_events(target.pk, AuditAction.DELETE) == 1
    assert TrainingTarget.objects.filter(org=county.qingshan).count() == 1


def test_a_township_sets_its_villages_targets_not_its_own(
    personas, training, county, login, on_day
):
    client = login(personas.chengguan_admin)

    def post(**changes):
        data = {"year": 2026, "org": county.dongguan.pk, "category": "", "attendances": 100}
        return client.post(f"{LIST}new/", {**data, **changes})

    group = OrgUnit.objects.create(name="一组", kind=OrgKind.VILLAGER_GROUP, parent=county.dongguan)
    for org in (county.chengguan, county.county, county.shiqiao, group):
        assert "org" in post(org=org.pk).context["form"].errors
    bad = post(attendances="-1", year="1999").context["form"].errors
    assert "attendances" in bad and "year" in bad
    assert "attendances" in post(attendances="1.5").context["form"].errors
    assert TrainingTarget.objects.count() == 2
    assert post().status_code == 302 and target_of(county.dongguan).attendances == 100
    # Its own target is the county's to change: readable, not editable
    own = training.chengguan_target.pk
    assert 'id="record-edit"' not in html(client.get(f"{LIST}{own}/"))
    assert client.get(f"{LIST}{own}/edit/").status_code == 404
    assert client.post(f"{LIST}{own}/delete/").status_code == 404
    assert target_of(county.chengguan).attendances == 3000


# --- the decomposition editor ------------------------------------------------------------------


def editor(client, unit, **params):
    return client.get(EDITOR, {"org": unit.pk, "year": 2026, **params})


def save(client, unit, values: dict, **params):
    query = "&".join(f"{k}={v}" for k, v in {"org": unit.pk, "year": 2026, **params}.items())
    return client.post(f"{EDITOR}?{query}", {f"u{u.pk}": v for u, v in values.items()})


def test_a_township_decomposes_its_target_to_its_villages(
    personas, training, county, login, on_day
):
    group = OrgUnit.objects.create(
        name="一组", kind=OrgKind.VILLAGER_GROUP, parent=county.chengguan
    )
    closed = OrgUnit.objects.create(
        name="旧村", kind=OrgKind.VILLAGE, parent=county.chengguan, is_active=False
    )
    client = login(personas.chengguan_admin)
    page = html(editor(client, county.chengguan))
    grid = page.split('id="decompose-grid"')[1]
    for unit in (county.dongguan, county.xiguan, county.clinic):
        assert f'name="u{unit.pk}"' in grid
    assert f'name="u{county.chengguan.pk}"' not in grid  # set by the county
    assert group.name not in grid and closed.name not in grid
    assert "由上级单位设定" in grid and "3000" in grid
    assert "下级合计 0，比本级目标少 3000 人次" in page
    assert "培训目标由上级单位设定" in page  # the rule, stated

    response = save(
        client,
        county.chengguan,
        {county.dongguan: "1800", county.xiguan: "1000", county.clinic: "", county.chengguan: "9"},
    )
    assert response.status_code == 302
    dongguan, xiguan = target_of(county.dongguan), target_of(county.xiguan)
    assert (dongguan.attendances, xiguan.attendances) == (1800, 1000)
    assert target_of(county.clinic) is None
    assert target_of(county.chengguan).attendances == 3000  # the forged parent value is ignored
    assert audit_events(dongguan.pk, AuditAction.CREATE) == 1
    page = html(client.get(response["Location"]))
    assert "下级合计 2800，比本级目标少 200 人次" in page
    assert "已保存分解目标：新增 2 个" in page

    # A cleared number deletes the village's target; a changed one updates it
    save(client, county.chengguan, {county.dongguan: "", county.xiguan: " 3,000 "})
    assert target_of(county.dongguan) is None
    assert target_of(county.xiguan).attendances == 3000
    assert audit_events(dongguan.pk, AuditAction.DELETE) == 1
    assert audit_events(xiguan.pk, AuditAction.UPDATE) == 1
    # A unit the request does not mention is left alone: only a cleared number deletes
    save(client, county.chengguan, {county.clinic: "0"})
    assert target_of(county.xiguan).attendances == 3000
    assert target_of(county.clinic).attendances == 0
    assert "下级合计 3000，与本级目标一致" in html(editor(client, county.chengguan))
    detail = html(client.get(f"{LIST}{training.chengguan_target.pk}/"))
    assert 'id="target-mismatch"' not in detail and "与本级目标一致" in detail


def test_the_county_sets_its_own_and_its_townships_targets(
    personas, training, county, login, on_day
):
    client = login(personas.county_admin)
    assert f'name="u{county.county.pk}"' in html(editor(client, county.county))
    values = {county.county: "6000", county.chengguan: "3000", county.qingshan: "2800"}
    assert save(client, county.county, {**values, county.education: ""}).status_code == 302
    page = html(editor(client, county.county))
    assert "下级合计 5800，比本级目标少 200 人次" in page
    detail = html(client.get(f"{LIST}{training.county_target.pk}/"))
    assert "下级合计 5800，比本级目标少 200 人次" in detail
    assert "示范县 2026 年目标 6000 人次，下级目标合计 5800 人次" in detail  # figures' mismatch
    assert f"{EDITOR}?org={county.county.pk}&amp;year=2026" in detail
    # Per category: a separate decomposition
    farming = training.farming
    save(client, county.county, {county.county: "100", county.qingshan: "40"}, category=farming.pk)
    assert target_of(county.county, category=farming).attendances == 100
    assert target_of(county.county).attendances == 6000
    assert "下级合计 40，比本级目标少 60 人次" in html(
        editor(client, county.county, category=farming.pk)
    )


def test_a_township_cannot_set_the_countys_or_another_townships_targets(
    personas, training, county, login, on_day
):
    client = login(personas.chengguan_admin)
    before = set(TrainingTarget.objects.values_list("pk", "attendances"))
    for unit in (county.county, county.qingshan):
        page = html(editor(client, unit))
        assert 'id="decompose-grid"' not in page and "is-invalid" in page
        response = save(client, unit, {county.chengguan: "1", county.qingshan: "1"})
        assert response.status_code == 200
    assert set(TrainingTarget.objects.values_list("pk", "attendances")) == before


def test_bad_numbers_name_the_unit_and_change_nothing(personas, training, county, login, on_day):
    client = login(personas.chengguan_admin)
    response = save(
        client,
        county.chengguan,
        {county.dongguan: "-5", county.xiguan: "十", county.clinic: "12.5"},
    )
    page = html(response)
    errors = page.split('id="decompose-errors"')[1]
    assert "东关村：目标人次不能为负数" in errors
    assert "西关村：目标人次须为不小于 0 的整数" in errors
    assert "城关镇卫生院：目标人次须为不小于 0 的整数" in errors
    mixed = save(client, county.chengguan, {county.dongguan: "5", county.xiguan: "99999999999"})
    assert "西关村：目标人次过大" in html(mixed)
    assert TrainingTarget.objects.count() == 2  # all or nothing: 东关村's 5 was not saved


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"year": "1999"},
        {"org": "99999"},
        {"org": "x"},
        {"category": "99999"},
        {"category": "overall"},
        {},
    ],
)
def test_forged_editor_parameters_are_form_errors(personas, training, login, on_day, params):
    client = login(personas.chengguan_admin)
    assert client.get(EDITOR, params).status_code == 200
    query = "&".join(f"{k}={v}" for k, v in params.items())
    assert client.post(f"{EDITOR}?{query}", {}).status_code in (200, 302)
    assert TrainingTarget.objects.count() == 2


def test_the_list_and_detail_link_to_the_editor(personas, training, county, login, on_day):
    client = login(personas.chengguan_admin)
    assert 'id="targets-decompose"' in html(client.get(LIST))
    TrainingTarget.objects.create(year=2026, org=county.dongguan, attendances=5)
    detail = html(client.get(f"{LIST}{training.chengguan_target.pk}/"))
    assert f"{EDITOR}?org={county.chengguan.pk}&amp;year=2026" in detail
    assert "下级合计 5，比本级目标少 2995 人次" in detail
    # 东关村's target is 城关镇's to adjust: from its page, the township's editor
    village = html(client.get(f"{LIST}{target_of(county.dongguan).pk}/"))
    assert 'id="target-parent-decompose"' in village


# --- import, export, API -----------------------------------------------------------------------


def test_import_creates_updates_and_a_second_run_changes_nothing(personas, training, county):
    rows = [
        [2026, "城关镇/东关村", "", 1500],
        ["2026年", "示范县/城关镇/西关村", "种养殖技术", 800],
        [2026, "城关镇/西关村", "全部类别", 1500],
    ]
    user = personas.chengguan_admin
    outcome = import_sheet("targets", user, HEADER, rows)
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["new"] == 3
    assert target_of(county.xiguan, category=training.farming).attendances == 800
    kind = ContentType.objects.get_for_model(TrainingTarget)
    by_importer = AuditEvent.objects.filter(content_type=kind, username=user.username)
    assert by_importer.filter(action=AuditAction.CREATE).count() == 3
    again = import_sheet("targets", user, HEADER, rows)
    assert again.ok and again.summary()["unchanged"] == 3
    assert by_importer.count() == 3  # nothing written the second time
    changed = import_sheet("targets", user, HEADER, [[2026, "城关镇/东关村", "", 1600]])
    assert changed.summary()["updated"] == 1 and target_of(county.dongguan).attendances == 1600


def test_a_bad_sheet_names_row_column_and_reason_and_changes_nothing(personas, training, county):
    before = set(TrainingTarget.objects.values_list("pk", "attendances"))
    rows = [
        [2026, "示范县/城关镇", "", 1],  # its own target: the county's
        [2026, "青山镇/石桥村", "", 1],  # another township's village
        [1999, "城关镇/东关村", "", 1],
        [2026, "城关镇/东关村", "插花", 1],
        [2026, "城关镇/东关村", "", -3],
        [2026, "城关镇/西关村", "", 5],
        [2026, "城关镇/西关村", "全部类别", 6],
        [2026, "城关镇/东关村", "", 1.5],
    ]
    outcome = import_sheet("targets", personas.chengguan_admin, HEADER, rows)
    text = problems(outcome)
    assert not outcome.ok
    assert "第 2 行〔单位〕" in text and "由上级单位设定" in text
    assert "第 3 行〔单位〕" in text and "管辖范围" in text
    assert "第 4 行〔年度〕" in text
    assert "第 5 行〔培训类别〕" in text and "插花" in text
    assert "第 6 行〔目标人次〕" in text
    assert "第 7 行" in text and "第 8 行" in text and "重复" in text
    assert "第 9 行〔目标人次〕" in text
    assert set(TrainingTarget.objects.values_list("pk", "attendances")) == before


def test_export_follows_the_filters_and_imports_back_unchanged(
    personas, training, county, login, on_day
):
    TrainingTarget.objects.create(
        year=2026, org=county.dongguan, category=training.farming, attendances=7
    )
    client = login(personas.county_admin)
    table = export_table(client, f"{LIST}export.xlsx")
    assert table[0] == HEADER
    assert sorted(tuple(r) for r in table[1:]) == sorted(
        [
            (2026, "示范县", "全部类别", 6000),
            (2026, "示范县/城关镇", "全部类别", 3000),
            (2026, "示范县/城关镇/东关村", "种养殖技术", 7),
        ]
    )
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1
    township = export_table(login(personas.chengguan_admin), f"{LIST}export.xlsx")
    assert len(township) == 3  # its own and its village's
    # Its own target (set by the county) comes back unchanged, so the re-import is a no-op
    outcome = import_sheet("targets", personas.chengguan_admin, township[0], township[1:])
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["unchanged"] == 2
    filtered = export_table(client, f"{LIST}export.xlsx?category=overall&org={county.chengguan.pk}")
    assert [r[1] for r in filtered[1:]] == ["示范县/城关镇"]


def test_the_api_is_scoped_and_a_target_set_by_the_office_above(personas, training, county, on_day):
    url = "/api/training/targets/"
    api = token_client(personas.chengguan_admin)
    listed = api.get(url).json()
    assert [(t["org_name_path"], t["attendances"]) for t in listed["results"]] == [
        ("示范县/城关镇", 3000)
    ]
    assert listed["results"][0]["category_name"] == "全部类别"
    assert token_client(personas.outsider_admin).get(url).json()["count"] == 0

    def post(**data):
        body = {"year": 2026, "org": county.dongguan.pk, "attendances": 900, **data}
        return api.post(url, body, content_type="application/json")

    created = post()
    assert created.status_code == 201, created.content
    assert audit_events(created.json()["id"], AuditAction.CREATE) == 1
    duplicate = post()  # one overall target per unit and year
    assert duplicate.status_code == 400 and "该单位该年度已有总目标" in duplicate.content.decode()
    assert post(org=county.chengguan.pk).status_code == 400
    assert "由上级单位设定" in post(org=county.chengguan.pk).content.decode()
    assert post(org=county.shiqiao.pk).status_code == 400
    assert post(year=1999, org=county.xiguan.pk).status_code == 400
    assert post(attendances=-1, org=county.xiguan.pk).status_code == 400
    own = training.chengguan_target.pk
    patch = api.patch(f"{url}{own}/", {"attendances": 1}, content_type="application/json")
    assert patch.status_code == 404
    assert target_of(county.chengguan).attendances == 3000
    leader = token_client(personas.chengguan_leader)
    assert leader.delete(f"{url}{created.json()['id']}/").status_code == 403
