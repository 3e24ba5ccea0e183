"""实训基地 (with their 存栏) and 督导检查 (with their 整改事项) through every door — pages, import
sheets, exports, API — scoped to the user's jurisdiction and audited; the seed's township with its
two farms described the way its report does."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from rencai.audit.models import AuditAction, AuditEvent
from rencai.imports.sheets import CellError
from rencai.training.bases import describe
from rencai.training.bases_livestock import parse_livestock_text
from rencai.training.models import (
    Inspection,
    Livestock,
    RectificationItem,
    TrainingBase,
    TrainingCategory,
    TrainingProgram,
)
from tests.records_support import export_table, import_sheet, problems, record_count
from tests.test_api import token_client

BASES = "/training/bases/"
INSPECTIONS = "/training/inspections/"
DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    """Today as the application sees it (Asia/Shanghai), taken at use: a run that crosses
    midnight, or a machine whose clock is in UTC, does not see another day than the pages do."""
    return timezone.localdate()


BASE_HEADER = [
    "名称",
    "所在单位",
    "类型",
    "占地面积（亩）",
    "建筑面积（亩）",
    "投资（万元）",
    "状态",
    "存栏",
    "备注",
]
INSPECTION_HEADER = [
    "检查日期",
    "被检查单位",
    "实训基地",
    "检查人员",
    "发现问题",
    "整改内容",
    "责任人",
    "整改期限",
    "完成日期",
]


class Records:
    """城关镇 keeps the seed's two farms (篇三): 大坪子养殖场 (500 亩, 圈舍 30 亩, 牛 100 头、羊 300
    只、家禽 500 只, 150 万元) with a program held there and an inspection with one item done and
    one overdue; 明远养殖场 (100 亩, 10 亩, 家禽 1000 只, 80 万元). 青山镇 has a planting base in
    石桥村 and an inspection of the township itself without items."""

    def __init__(self, county) -> None:
        self.dapingzi = TrainingBase.objects.create(
            name="大坪子养殖场",
            org=county.chengguan,
            kind="养殖场",
            land_area_mu=Decimal("500"),
            building_area_mu=Decimal("30"),
            investment_wan=Decimal("150"),
        )
        for kind, count, unit in (("牛", 100, "头"), ("羊", 300, "只"), ("家禽", 500, "只")):
            Livestock.objects.create(base=self.dapingzi, kind=kind, count=count, unit=unit)
        self.mingyuan = TrainingBase.objects.create(
            name="明远养殖场",
            org=county.chengguan,
            kind="养殖场",
            land_area_mu=Decimal("100"),
            building_area_mu=Decimal("10"),
            investment_wan=Decimal("80"),
        )
        Livestock.objects.create(base=self.mingyuan, kind="家禽", count=1000, unit="只")
        self.shiqiao = TrainingBase.objects.create(
            name="石桥种植基地", org=county.shiqiao, kind="种植基地", land_area_mu=Decimal("800")
        )
        self.program = TrainingProgram.objects.create(
            name="肉牛养殖技术培训",
            category=TrainingCategory.objects.get(name="种养殖技术"),
            organiser=county.chengguan,
            base=self.dapingzi,
            start_date=today() - 40 * DAY,
            end_date=today() - 38 * DAY,
        )
        self.inspection = Inspection.objects.create(
            org=county.chengguan,
            base=self.dapingzi,
            date=today() - 30 * DAY,
            inspectors="县人才办 刘主任",
            findings="防疫记录不全\n圈舍消毒不及时",
        )
        self.done = RectificationItem.objects.create(
            inspection=self.inspection,
            description="补齐防疫台账",
            owner="场长",
            due_on=today() - 20 * DAY,
            done_on=today() - 25 * DAY,
        )
        self.overdue = RectificationItem.objects.create(
            inspection=self.inspection,
            description="每周消毒并记录",
            owner="技术员",
            due_on=today() - 5 * DAY,
        )
        self.qingshan_check = Inspection.objects.create(
            org=county.qingshan, date=today() - 10 * DAY, inspectors="县人才办"
        )


@pytest.fixture
def records(county) -> Records:
    return Records(county)


def names(response) -> str:
    return response.content.decode()


# --- jurisdiction and personas -------------------------------------------------------------------


def test_each_unit_sees_its_own_bases_and_inspections(personas, records, login):
    assert record_count(login(personas.county_admin).get(BASES)) == 3
    assert record_count(login(personas.chengguan_admin).get(BASES)) == 2
    assert record_count(login(personas.chengguan_clerk).get(BASES)) == 0  # 东关村 has none
    outsider = login(personas.outsider_admin)
    page = names(outsider.get(BASES))
    assert record_count(outsider.get(BASES)) == 1 and "大坪子" not in page and "明远" not in page
    for url in (
        f"{BASES}{records.dapingzi.pk}/",
        f"{BASES}{records.dapingzi.pk}/edit/",
        f"{INSPECTIONS}{records.inspection.pk}/",
        f"{INSPECTIONS}{records.inspection.pk}/edit/",
    ):
        assert outsider.get(url).status_code == 404, url
    assert record_count(outsider.get(INSPECTIONS)) == 1
    assert record_count(login(personas.chengguan_admin).get(INSPECTIONS)) == 1
    # Another unit's base named in a filter is a form error, not a peek.
    response = outsider.get(INSPECTIONS, {"base": records.dapingzi.pk})
    assert record_count(response) == 0
    for url in (BASES, INSPECTIONS, f"{BASES}export.xlsx", f"{INSPECTIONS}export.xlsx"):
        assert login(personas.auditor).get(url).status_code == 403, url


def test_the_outsider_cannot_touch_chengguans_records(personas, records, login):
    outsider = login(personas.outsider_admin)
    livestock = records.dapingzi.livestock.first()
    posts = [
        (f"{BASES}{records.dapingzi.pk}/delete/", {}),
        (f"{BASES}{records.dapingzi.pk}/livestock/", {"kind": "猪", "count": 1, "unit": "头"}),
        (f"{BASES}livestock/{livestock.pk}/edit/", {"count": 1, "unit": "头"}),
        (f"{BASES}livestock/{livestock.pk}/remove/", {}),
        (f"{INSPECTIONS}{records.inspection.pk}/delete/", {}),
        (f"{INSPECTIONS}{records.inspection.pk}/items/", {"description": "x", "owner": "y"}),
        (f"{INSPECTIONS}items/{records.overdue.pk}/done/", {"done_on": today().isoformat()}),
        (f"{INSPECTIONS}items/{records.overdue.pk}/delete/", {}),
    ]
    for url, data in posts:
        assert outsider.post(url, data).status_code == 404, url
    assert Livestock.objects.filter(base=records.dapingzi).count() == 3
    records.overdue.refresh_from_db()
    assert records.overdue.done_on is None
    assert TrainingBase.objects.filter(pk=records.dapingzi.pk).exists()


def test_a_leader_reads_but_changes_nothing(personas, records, login):
    client = login(personas.chengguan_leader)
    assert record_count(client.get(BASES)) == 2
    detail = names(client.get(f"{BASES}{records.dapingzi.pk}/"))
    assert "牛" in detail and 'id="livestock-form"' not in detail and "record-edit" not in detail
    assert "登记实训基地" not in names(client.get(BASES))
    livestock = records.dapingzi.livestock.first()
    for url, data in [
        (f"{BASES}new/", {}),
        (f"{BASES}{records.dapingzi.pk}/delete/", {}),
        (f"{BASES}{records.dapingzi.pk}/livestock/", {"kind": "猪", "count": 1, "unit": "头"}),
        (f"{BASES}livestock/{livestock.pk}/remove/", {}),
        (f"{INSPECTIONS}new/", {}),
        (f"{INSPECTIONS}items/{records.overdue.pk}/done/", {"done_on": today().isoformat()}),
    ]:
        assert client.post(url, data).status_code == 403, url
    assert Livestock.objects.filter(base=records.dapingzi).count() == 3
    assert not RectificationItem.objects.filter(done_on=today()).exists()


# --- the seed's township -------------------------------------------------------------------------


def test_the_seeds_two_farms_imported_as_written_are_shown_as_the_report_has_them(
    personas, county, login
):
    """篇三: "大坪子养殖场占地面积有 500 亩, 圈舍占地面积 30 亩, 现有牛 100 头, 羊 300 只, 各种家禽
    500 只, 投入资金 150 万元。明远养殖场占地面积 100 亩, 圈舍占地面积 10 亩, 现有各种家禽 1000 只,
    投入资金 80 万元。" — entered under the offices' own headers."""
    header = ["基地名称", "所在单位", "类型", "占地面积", "圈舍占地面积", "投入资金", "存栏"]
    rows = [
        [
            "大坪子养殖场",
            "城关镇",
            "养殖场",
            "500亩",
            30,
            "150万元",
            "现有牛 100 头, 羊 300 只, 各种家禽 500 只",
        ],
        ["明远养殖场", "城关镇", "养殖场", 100, "10", 80, "现有各种家禽 1000 只"],
    ]
    outcome = import_sheet("bases", personas.chengguan_admin, header, rows)
    assert outcome.ok, problems(outcome)
    dapingzi = TrainingBase.objects.get(name="大坪子养殖场", org=county.chengguan)
    mingyuan = TrainingBase.objects.get(name="明远养殖场", org=county.chengguan)
    assert describe(dapingzi) == (
        "占地 500 亩、建筑面积 30 亩，存栏 牛 100 头、羊 300 只、家禽 500 只，投资 150 万元"
    )
    assert describe(mingyuan) == "占地 100 亩、建筑面积 10 亩，存栏 家禽 1000 只，投资 80 万元"
    client = login(personas.chengguan_admin)
    listing = names(client.get(BASES, {"org": county.chengguan.pk}))
    assert record_count(client.get(BASES, {"org": county.chengguan.pk})) == 2
    assert "牛 100 头、羊 300 只、家禽 500 只" in listing and "家禽 1000 只" in listing
    detail = names(client.get(f"{BASES}{dapingzi.pk}/"))
    assert describe(dapingzi) in detail


def test_the_detail_shows_livestock_programs_and_inspections(personas, records, login):
    client = login(personas.chengguan_admin)
    page = names(client.get(f"{BASES}{records.dapingzi.pk}/"))
    assert (
        "占地 500 亩、建筑面积 30 亩，存栏 牛 100 头、羊 300 只、家禽 500 只，投资 150 万元" in page
    )
    assert f'href="/training/programs/{records.program.pk}/"' in page
    assert f'href="/training/inspections/{records.inspection.pk}/"' in page
    assert "逾期 1 项" in page
    # The list counts the programs held at each base.
    listing = client.get(BASES)
    rows = {r.name: r for r, _cells in listing.context["rows"]}
    assert (rows["大坪子养殖场"].program_count, rows["明远养殖场"].program_count) == (1, 0)
    # A program organised by the county at the base: the township sees that there is one.
    TrainingProgram.objects.create(
        name="县级培训",
        category=records.program.category,
        organiser=records.dapingzi.org.parent,
        base=records.dapingzi,
        start_date=today() - 3 * DAY,
        end_date=today() - 3 * DAY,
    )
    page = names(client.get(f"{BASES}{records.dapingzi.pk}/"))
    assert "县级培训" not in page and "另有 1 个班次" in page


def test_the_list_filters(personas, records, county, login):
    client = login(personas.county_admin)
    # The API schema reads the filters' choices first: the 类型 list must still be the user's.
    assert client.get("/api/schema/", {"format": "json"}).status_code == 200
    assert record_count(client.get(BASES, {"kind": "种植基地"})) == 1
    assert record_count(client.get(BASES, {"name": "养殖"})) == 2
    assert record_count(client.get(BASES, {"org": county.qingshan.pk})) == 1
    assert record_count(client.get(BASES, {"status": "building"})) == 0
    assert record_count(client.get(BASES, {"kind": "不存在的类型"})) == 0
    assert record_count(client.get(BASES, {"org": "abc"})) == 0


# --- 存栏 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "rows"),
    [
        (
            "牛100头、羊300只，家禽500羽",
            (("牛", 100, "头"), ("羊", 300, "只"), ("家禽", 500, "羽")),
        ),
        ("牛 100 头 羊 300 只", (("牛", 100, "头"), ("羊", 300, "只"))),
        (
            "现有牛100头,羊300只,各种家禽500只",
            (("牛", 100, "头"), ("羊", 300, "只"), ("家禽", 500, "只")),
        ),
        ("牛１００头；生猪50口", (("牛", 100, "头"), ("生猪", 50, "头"))),
        ("土鸡2万羽、中蜂80箱", (("土鸡", 20000, "羽"), ("中蜂", 80, "箱"))),
        (
            "山羊300、土鸡1000、肉牛20",
            (("山羊", 300, "只"), ("土鸡", 1000, "羽"), ("肉牛", 20, "头")),
        ),
        ("牛100头羊300只", (("牛", 100, "头"), ("羊", 300, "只"))),
        ("无", ()),
    ],
)
def test_livestock_is_read_as_offices_write_it(written, rows):
    assert parse_livestock_text(written) == rows


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("牛一百头", "“牛一百头”无法识别"),
        ("牛100头、很多羊", "“很多羊”无法识别"),
        ("100头牛", "“100头牛”无法识别"),
        ("鱼500尾", "单位“尾”无法识别"),
        ("牛100头、牛20头", "品种“牛”写了不止一次"),
        ("牛1.5头", "数量应为整数"),
        ("牛99999999999头", "数量过大"),
    ],
)
def test_an_unreadable_livestock_part_is_named(written, said):
    with pytest.raises(CellError) as caught:
        parse_livestock_text(written)
    assert said in caught.value.message and caught.value.message.startswith("存栏")


def test_livestock_is_kept_on_the_detail_page_and_audited(personas, records, login):
    client = login(personas.chengguan_admin)
    base = records.dapingzi
    response = client.post(
        f"{BASES}{base.pk}/livestock/", {"kind": "生猪", "count": 200, "unit": "头"}
    )
    assert response.status_code == 302
    pig = Livestock.objects.get(base=base, kind="生猪")
    duplicate = client.post(
        f"{BASES}{base.pk}/livestock/", {"kind": " 牛 ", "count": 5, "unit": "头"}
    )
    assert duplicate.status_code == 200 and "本基地已登记“牛”的存栏" in names(duplicate)
    negative = client.post(
        f"{BASES}{base.pk}/livestock/", {"kind": "鸭", "count": -5, "unit": "羽"}
    )
    assert negative.status_code == 200 and not Livestock.objects.filter(kind="鸭").exists()
    assert (
        client.post(f"{BASES}livestock/{pig.pk}/edit/", {"count": 250, "unit": "头"}).status_code
        == 302
    )
    pig.refresh_from_db()
    assert pig.count == 250
    bad = client.post(f"{BASES}livestock/{pig.pk}/edit/", {"count": "-1", "unit": "头"})
    assert bad.status_code == 200 and 'class="invalid-feedback' in names(bad)
    pig.refresh_from_db()
    assert pig.count == 250
    assert client.post(f"{BASES}livestock/{pig.pk}/remove/").status_code == 302
    assert list(base.livestock.values_list("kind", flat=True)) == ["牛", "羊", "家禽"]
    kind = ContentType.objects.get_for_model(Livestock)
    events = AuditEvent.objects.filter(content_type=kind, object_id=str(pig.pk))
    assert {e.action for e in events} == {
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.DELETE,
    }
    assert client.get(f"{BASES}livestock/{pig.pk}/remove/").status_code in (404, 405)
    assert (
        client.post(
            f"{BASES}{records.shiqiao.pk}/livestock/", {"kind": "猪", "count": 1, "unit": "头"}
        ).status_code
        == 404
    )


# --- base pages ----------------------------------------------------------------------------------


def test_create_edit_and_delete_a_base(personas, records, county, login):
    client = login(personas.chengguan_admin)
    data = {
        "name": "西关种植基地",
        "kind": "种植基地",
        "org": county.xiguan.pk,
        "land_area_mu": "120.5",
        "building_area_mu": "",
        "investment_wan": "60",
        "status": "active",
        "notes": "",
    }
    assert client.post(f"{BASES}new/", data).status_code == 302
    base = TrainingBase.objects.get(name="西关种植基地")
    assert base.land_area_mu == Decimal("120.5")
    outside = client.post(f"{BASES}new/", {**data, "name": "越界基地", "org": county.shiqiao.pk})
    assert "org" in outside.context["form"].errors
    negative = client.post(f"{BASES}new/", {**data, "name": "负数基地", "land_area_mu": "-3"})
    assert "land_area_mu" in negative.context["form"].errors
    twin = client.post(f"{BASES}new/", data)
    assert twin.status_code == 200 and TrainingBase.objects.filter(name="西关种植基地").count() == 1
    client.post(f"{BASES}{base.pk}/edit/", {**data, "status": "suspended"})
    base.refresh_from_db()
    assert base.status == "suspended"
    assert client.post(f"{BASES}{base.pk}/delete/").status_code == 302
    assert not TrainingBase.objects.filter(pk=base.pk).exists()


def test_a_base_with_programs_cannot_be_deleted(personas, records, login):
    client = login(personas.chengguan_admin)
    response = client.post(f"{BASES}{records.dapingzi.pk}/delete/", follow=True)
    assert "仍被其他记录引用，不能删除" in names(response)
    assert TrainingBase.objects.filter(pk=records.dapingzi.pk).exists()
    assert Livestock.objects.filter(base=records.dapingzi).count() == 3


# --- inspections ---------------------------------------------------------------------------------


def test_an_inspection_closes_when_every_item_is_done(personas, records, county, login):
    client = login(personas.county_admin)
    assert record_count(client.get(INSPECTIONS, {"status": "open"})) == 1
    assert record_count(client.get(INSPECTIONS, {"status": "overdue"})) == 1
    assert record_count(client.get(INSPECTIONS, {"status": "closed"})) == 1  # no items: closed
    listing = names(client.get(INSPECTIONS))
    assert "1/2" in listing and "逾期 1 项" in listing and "未整改完" in listing
    detail = names(client.get(f"{INSPECTIONS}{records.inspection.pk}/"))
    assert f'id="item-{records.overdue.pk}" class="table-danger item-overdue"' in detail
    assert f'id="item-{records.done.pk}" class=' not in detail
    assert "防疫记录不全<br>圈舍消毒不及时" in detail
    # Done before the inspection, or in the future: refused, nothing changes.
    url = f"{INSPECTIONS}items/{records.overdue.pk}/done/"
    for when, said in (
        (records.inspection.date - DAY, "不能早于检查日期"),
        (today() + DAY, "不能晚于今天"),
    ):
        response = client.post(url, {"done_on": when.isoformat()})
        assert response.status_code == 200 and said in names(response)
    records.overdue.refresh_from_db()
    assert records.overdue.done_on is None
    assert client.post(url, {"done_on": today().isoformat()}).status_code == 302
    assert record_count(client.get(INSPECTIONS, {"status": "closed"})) == 2
    assert record_count(client.get(INSPECTIONS, {"status": "overdue"})) == 0
    detail = names(client.get(f"{INSPECTIONS}{records.inspection.pk}/"))
    assert "已整改完" in detail and "item-overdue" not in detail
    assert Inspection.objects.get(pk=records.inspection.pk).closed


def test_items_are_added_edited_and_removed(personas, records, login):
    client = login(personas.chengguan_admin)
    inspection = records.inspection
    add = f"{INSPECTIONS}{inspection.pk}/items/"
    item = {"description": "更新培训档案", "owner": "场长", "due_on": today().isoformat()}
    assert client.post(add, item).status_code == 302
    early = client.post(add, {**item, "description": "早于检查", "due_on": "2000-01-01"})
    assert early.status_code == 200 and "整改期限不能早于检查日期" in names(early)
    missing = client.post(add, {"description": "缺责任人"})
    assert missing.status_code == 200
    assert inspection.items.count() == 3
    new = inspection.items.get(description="更新培训档案")
    edit = f"{INSPECTIONS}items/{new.pk}/edit/"
    assert client.get(edit).status_code == 200
    client.post(edit, {**item, "owner": "技术员"})
    new.refresh_from_db()
    assert new.owner == "技术员"
    assert client.post(f"{INSPECTIONS}items/{new.pk}/delete/").status_code == 302
    assert inspection.items.count() == 2


def test_the_inspection_form(personas, records, county, login):
    client = login(personas.chengguan_admin)
    data = {"date": (today() - DAY).isoformat(), "inspectors": "镇组织办", "findings": ""}
    # A base's inspection belongs to the base's unit, whatever unit was chosen.
    response = client.post(
        f"{INSPECTIONS}new/", {**data, "base": records.mingyuan.pk, "org": county.xiguan.pk}
    )
    assert response.status_code == 302
    assert Inspection.objects.get(base=records.mingyuan).org == county.chengguan
    nothing = client.post(f"{INSPECTIONS}new/", data)
    assert "请选择被检查单位或实训基地" in names(nothing)
    future = client.post(
        f"{INSPECTIONS}new/", {**data, "org": county.xiguan.pk, "date": (today() + DAY).isoformat()}
    )
    assert "检查日期不能晚于今天" in names(future)
    foreign = client.post(f"{INSPECTIONS}new/", {**data, "base": records.shiqiao.pk})
    assert "base" in foreign.context["form"].errors
    later = client.post(
        f"{INSPECTIONS}{records.inspection.pk}/edit/",
        {**data, "base": records.dapingzi.pk, "inspectors": "x"},
    )
    assert "请先修改整改事项" in names(later)
    assert Inspection.objects.filter(base=records.mingyuan).count() == 1
    # Dates the wrong way round in the filter: a message, no rows, no error page.
    backwards = client.get(INSPECTIONS, {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert record_count(backwards) == 0 and "结束日期不能早于开始日期" in names(backwards)


def test_deleting_an_inspection_takes_its_items(personas, records, login):
    client = login(personas.chengguan_admin)
    assert client.post(f"{INSPECTIONS}{records.inspection.pk}/delete/").status_code == 302
    assert not RectificationItem.objects.filter(pk=records.overdue.pk).exists()
    # With no inspection and no program left, a base can go.
    assert client.post(f"{BASES}{records.mingyuan.pk}/delete/").status_code == 302


# --- importing and exporting bases ---------------------------------------------------------------


def test_importing_bases_replaces_livestock_only_when_the_cell_is_filled(personas, records, county):
    rows = [
        ["大坪子养殖场", "城关镇", "养殖场", 500, 30, 160, "运营中", "牛120头、羊300只", ""],
        ["明远养殖场", "城关镇", "养殖场", 100, 10, 80, "在建", "", ""],
        ["东关蔬菜基地", "示范县/城关镇/东关村", "种植基地", "", "", "", "", "", "新建"],
    ]
    outcome = import_sheet("bases", personas.chengguan_admin, BASE_HEADER, rows)
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["new"] == 1 and outcome.summary()["updated"] == 2
    stock = dict(records.dapingzi.livestock.values_list("kind", "count"))
    assert stock == {"牛": 120, "羊": 300}
    imported = AuditEvent.objects.get(action=AuditAction.IMPORT)
    livestock = ContentType.objects.get_for_model(Livestock)
    changes = AuditEvent.objects.filter(content_type=livestock, batch=imported)
    assert sorted(changes.values_list("action", flat=True)) == sorted(
        [AuditAction.UPDATE, AuditAction.DELETE]
    )
    records.dapingzi.refresh_from_db()
    assert records.dapingzi.investment_wan == Decimal("160")
    assert list(records.mingyuan.livestock.values_list("kind", "count")) == [("家禽", 1000)]
    records.mingyuan.refresh_from_db()
    assert records.mingyuan.status == "building"
    new = TrainingBase.objects.get(name="东关蔬菜基地")
    assert (new.org, new.status, new.livestock.count()) == (county.dongguan, "active", 0)
    again = import_sheet("bases", personas.chengguan_admin, BASE_HEADER, rows)
    assert again.ok and again.summary()["unchanged"] == 3
    gone = import_sheet("bases", personas.chengguan_admin, BASE_HEADER, [[*rows[1][:7], "无", ""]])
    assert gone.ok and gone.summary()["updated"] == 1
    assert not records.mingyuan.livestock.exists()


def test_a_bad_bases_sheet_names_row_column_and_reason_and_changes_nothing(personas, records):
    before = sorted(Livestock.objects.values_list("base_id", "kind", "count"))
    bases_before = TrainingBase.objects.count()
    rows = [
        ["大坪子养殖场", "城关镇", "养殖场", 500, 30, 150, "运营中", "牛一百头", ""],
        ["青山新基地", "青山镇/石桥村", "养殖场", "", "", "", "", "", ""],
        ["负数基地", "城关镇", "养殖场", -5, "", "", "关门", "", ""],
        ["", "城关镇", "养殖场", "", "", "", "", "", ""],
        ["好基地", "城关镇", "养殖场", 10, 1, 1, "运营中", "牛10头", ""],
    ]
    outcome = import_sheet("bases", personas.chengguan_admin, BASE_HEADER, rows)
    text = problems(outcome)
    assert not outcome.ok
    assert "第 2 行〔存栏〕" in text and "牛一百头" in text
    assert "第 3 行" in text and "管辖范围" in text
    assert "第 4 行〔占地面积（亩）〕" in text and "第 4 行〔状态〕" in text
    assert "第 5 行〔名称〕" in text
    assert "第 6 行" not in text
    assert sorted(Livestock.objects.values_list("base_id", "kind", "count")) == before
    assert TrainingBase.objects.count() == bases_before


def test_bases_export_follows_filters_is_audited_and_imports_back_unchanged(
    personas, records, login
):
    client = login(personas.chengguan_admin)
    table = export_table(client, f"{BASES}export.xlsx")
    assert table[0] == BASE_HEADER
    assert [r[0] for r in table[1:]] == ["大坪子养殖场", "明远养殖场"]
    assert table[1][7] == "牛 100 头、羊 300 只、家禽 500 只"
    assert table[1][3] == 500
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["sheet"] == "bases" and event.detail["rows"] == 2
    assert event.detail["masked"] is True and event.user == personas.chengguan_admin
    outcome = import_sheet("bases", personas.chengguan_admin, table[0], table[1:])
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["unchanged"] == 2
    only = export_table(client, f"{BASES}export.xlsx?name=明远")
    assert [r[0] for r in only[1:]] == ["明远养殖场"]
    outsider = export_table(login(personas.outsider_admin), f"{BASES}export.xlsx")
    assert [r[0] for r in outsider[1:]] == ["石桥种植基地"]


# --- importing and exporting inspections ---------------------------------------------------------


def test_importing_inspections_groups_rows_and_reimports_as_no_change(personas, records, county):
    checked = (today() - 12 * DAY).isoformat()
    due = (today() + 10 * DAY).isoformat()
    rows = [
        [
            checked,
            "城关镇",
            "明远养殖场",
            "县人才办 王科长",
            "台账不全",
            "建立培训台账",
            "场长",
            due,
            "",
        ],
        [
            checked,
            "城关镇",
            "城关镇/明远养殖场",
            "县人才办 王科长",
            "台账不全",
            "补充消毒记录",
            "技术员",
            due,
            checked,
        ],
        [checked, "示范县/城关镇/西关村", "", "镇组织办", "", "", "", "", ""],
    ]
    outcome = import_sheet("inspections", personas.chengguan_admin, INSPECTION_HEADER, rows)
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["new"] == 3
    mingyuan = Inspection.objects.get(base=records.mingyuan)
    assert (mingyuan.org, mingyuan.findings) == (county.chengguan, "台账不全")
    assert sorted(mingyuan.items.values_list("description", flat=True)) == [
        "建立培训台账",
        "补充消毒记录",
    ]
    xiguan = Inspection.objects.get(org=county.xiguan)
    assert xiguan.closed and not mingyuan.closed
    again = import_sheet("inspections", personas.chengguan_admin, INSPECTION_HEADER, rows)
    assert again.ok and again.summary()["unchanged"] == 3
    # Marking an item done through the sheet updates that row only.
    rows[0][8] = today().isoformat()
    done = import_sheet("inspections", personas.chengguan_admin, INSPECTION_HEADER, rows)
    assert done.ok and done.summary()["updated"] == 1 and done.summary()["unchanged"] == 2
    assert Inspection.objects.get(pk=mingyuan.pk).closed
    assert Inspection.objects.count() == 4 and RectificationItem.objects.count() == 4


def test_a_bad_inspections_sheet_changes_nothing(personas, records):
    checked = (today() - 12 * DAY).isoformat()
    due = (today() + 10 * DAY).isoformat()
    rows = [
        [checked, "东关村", "大坪子养殖场", "甲", "", "x", "场长", due, ""],
        [checked, "城关镇", "明远养殖场", "乙", "", "一", "场长", due, ""],
        [checked, "城关镇", "明远养殖场", "丙", "", "二", "场长", due, ""],
        [checked, "城关镇", "", "丁", "", "新事项", "", due, ""],
        [checked, "城关镇", "", "丁", "", "早到期", "某人", "2000-01-01", ""],
        [checked, "青山镇", "", "戊", "", "", "", "", ""],
        [(today() + DAY).isoformat(), "城关镇", "", "己", "", "", "", "", ""],
        [checked, "西关村", "", "庚", "", "", "张三", "", ""],
        [checked, "西关村", "石桥种植基地", "辛", "", "", "", "", ""],
    ]
    before = (Inspection.objects.count(), RectificationItem.objects.count())
    outcome = import_sheet("inspections", personas.chengguan_admin, INSPECTION_HEADER, rows)
    text = problems(outcome)
    assert not outcome.ok
    assert "第 2 行〔实训基地〕" in text and "属于 示范县/城关镇" in text
    assert "第 4 行〔检查人员〕" in text and "第 3 行" in text
    assert "第 5 行〔责任人〕" in text
    assert "第 6 行〔整改期限〕" in text and "不能早于检查日期" in text
    assert "第 7 行〔被检查单位〕" in text and "管辖范围" in text
    assert "第 8 行〔检查日期〕" in text and "不能晚于今天" in text
    assert "第 9 行〔整改内容〕" in text
    assert "第 10 行〔实训基地〕" in text and "找不到" in text
    assert (Inspection.objects.count(), RectificationItem.objects.count()) == before


def test_inspections_export_is_audited_and_imports_back_unchanged(personas, records, login):
    client = login(personas.county_admin)
    table = export_table(client, f"{INSPECTIONS}export.xlsx")
    assert table[0] == INSPECTION_HEADER
    assert len(table) == 4  # two items of 大坪子's inspection, and 青山镇's without items
    assert {r[5] for r in table[1:]} == {"补齐防疫台账", "每周消毒并记录", ""}
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1
    outcome = import_sheet("inspections", personas.county_admin, table[0], table[1:])
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["unchanged"] == 3
    overdue = export_table(client, f"{INSPECTIONS}export.xlsx?status=overdue")
    assert {r[2] for r in overdue[1:]} == {"大坪子养殖场"}
    township = export_table(login(personas.chengguan_admin), f"{INSPECTIONS}export.xlsx")
    assert len(township) == 3


# --- API -----------------------------------------------------------------------------------------


def test_the_bases_api_is_scoped_and_livestock_writes_stay_inside(personas, records, county):
    api = token_client(personas.chengguan_admin)
    listed = api.get("/api/training/bases/").json()
    assert sorted(b["name"] for b in listed["results"]) == ["大坪子养殖场", "明远养殖场"]
    dapingzi = next(b for b in listed["results"] if b["name"] == "大坪子养殖场")
    assert [(s["kind"], s["count"], s["unit"]) for s in dapingzi["livestock"]] == [
        ("牛", 100, "头"),
        ("羊", 300, "只"),
        ("家禽", 500, "只"),
    ]
    assert api.get(f"/api/training/bases/{records.shiqiao.pk}/").status_code == 404
    post = api.post(
        "/api/training/livestock/",
        {"base": records.mingyuan.pk, "kind": "生猪", "count": 30, "unit": "头"},
        content_type="application/json",
    )
    assert post.status_code == 201, post.content
    twin = api.post(
        "/api/training/livestock/",
        {"base": records.mingyuan.pk, "kind": "家禽", "count": 3, "unit": "只"},
        content_type="application/json",
    )
    assert twin.status_code == 400 and "已登记“家禽”" in twin.content.decode()
    outside = api.post(
        "/api/training/livestock/",
        {"base": records.shiqiao.pk, "kind": "猪", "count": 3, "unit": "头"},
        content_type="application/json",
    )
    assert outside.status_code == 400
    assert not Livestock.objects.filter(base=records.shiqiao).exists()
    negative = api.post(
        "/api/training/livestock/",
        {"base": records.mingyuan.pk, "kind": "鸭", "count": -1, "unit": "羽"},
        content_type="application/json",
    )
    assert negative.status_code == 400
    created = api.post(
        "/api/training/bases/",
        {"name": "越界基地", "kind": "养殖场", "org": county.shiqiao.pk},
        content_type="application/json",
    )
    assert created.status_code == 400
    protected = api.delete(f"/api/training/bases/{records.dapingzi.pk}/")
    assert protected.status_code == 400 and TrainingBase.objects.filter(pk=records.dapingzi.pk)
    outsider = token_client(personas.outsider_admin)
    assert [b["name"] for b in outsider.get("/api/training/bases/").json()["results"]] == [
        "石桥种植基地"
    ]
    assert outsider.get("/api/training/livestock/").json()["count"] == 0
    leader = token_client(personas.chengguan_leader)
    assert leader.delete(f"/api/training/bases/{records.mingyuan.pk}/").status_code == 403
    assert token_client(personas.auditor).get("/api/training/bases/").status_code == 403


def test_the_inspections_api_nests_items_and_checks_writes(personas, records, county):
    api = token_client(personas.chengguan_admin)
    listed = api.get("/api/training/inspections/").json()["results"]
    assert len(listed) == 1 and listed[0]["closed"] is False
    assert {i["description"] for i in listed[0]["items"]} == {"补齐防疫台账", "每周消毒并记录"}
    new = api.post(
        "/api/training/inspections/",
        {"base": records.mingyuan.pk, "date": today().isoformat(), "inspectors": "县人才办"},
        content_type="application/json",
    )
    assert new.status_code == 201, new.content
    assert new.json()["org"] == county.chengguan.pk and new.json()["closed"] is True
    foreign = api.post(
        "/api/training/inspections/",
        {"org": county.qingshan.pk, "date": today().isoformat(), "inspectors": "x"},
        content_type="application/json",
    )
    assert foreign.status_code == 400
    item = api.post(
        "/api/training/rectification-items/",
        {
            "inspection": new.json()["id"],
            "description": "完善制度",
            "owner": "场长",
            "due_on": today().isoformat(),
        },
        content_type="application/json",
    )
    assert item.status_code == 201, item.content
    late = api.patch(
        f"/api/training/rectification-items/{item.json()['id']}/",
        {"done_on": (today() + DAY).isoformat()},
        content_type="application/json",
    )
    assert late.status_code == 400
    outside = api.post(
        "/api/training/rectification-items/",
        {
            "inspection": records.qingshan_check.pk,
            "description": "越界",
            "owner": "x",
            "due_on": today().isoformat(),
        },
        content_type="application/json",
    )
    assert outside.status_code == 400
    assert not records.qingshan_check.items.exists()
    done = api.patch(
        f"/api/training/rectification-items/{records.overdue.pk}/",
        {"done_on": today().isoformat()},
        content_type="application/json",
    )
    assert done.status_code == 200
    again = api.get(f"/api/training/inspections/{records.inspection.pk}/").json()
    assert again["closed"] is True
    outsider = token_client(personas.outsider_admin)
    moved = api.patch(
        f"/api/training/inspections/{records.inspection.pk}/",
        {"date": today().isoformat()},
        content_type="application/json",
    )
    assert moved.status_code == 400 and "请先修改整改事项" in moved.content.decode()
    assert outsider.get(f"/api/training/inspections/{records.inspection.pk}/").status_code == 404
    assert (
        outsider.patch(
            f"/api/training/rectification-items/{records.done.pk}/",
            {"owner": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_odd_input_gets_a_message_never_a_server_error(personas, records, county, login):
    client = login(personas.chengguan_admin)
    base, livestock = records.dapingzi, records.dapingzi.livestock.first()
    for url, data in [
        (f"{BASES}{base.pk}/livestock/", {"kind": "猪", "count": "99999999999", "unit": "头"}),
        (f"{BASES}{base.pk}/livestock/", {"kind": "猪", "count": "1", "unit": "斤"}),
        (f"{BASES}{base.pk}/livestock/", {"kind": "", "count": "", "unit": ""}),
        (f"{BASES}livestock/{livestock.pk}/edit/", {"count": "abc"}),
        (f"{INSPECTIONS}items/{records.overdue.pk}/done/", {"done_on": "明天"}),
        (f"{INSPECTIONS}{records.inspection.pk}/items/", {"due_on": "2026-02-30"}),
        (
            f"{BASES}new/",
            {"name": "x", "kind": "y", "org": county.xiguan.pk, "land_area_mu": "1e30"},
        ),
        (f"{INSPECTIONS}new/", {"date": "x", "base": "999999", "org": "abc"}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200, (url, data)
        assert "invalid-feedback" in names(response) or "alert-danger" in names(response)
    assert not Livestock.objects.filter(kind="猪").exists()
    for url, params in [
        (INSPECTIONS, {"status": "xyz"}),
        (INSPECTIONS, {"date_from": "abc"}),
        (INSPECTIONS, {"base": "999999"}),
        (BASES, {"org": "999999"}),
        (BASES, {"status": "open"}),
    ]:
        assert record_count(client.get(url, params)) == 0, (url, params)
    for url in (f"{BASES}999999/", f"{INSPECTIONS}items/999999/edit/"):
        assert client.get(url).status_code == 404
    api = token_client(personas.chengguan_admin)
    huge = api.post(
        "/api/training/livestock/",
        {"base": base.pk, "kind": "猪", "count": 99999999999, "unit": "头"},
        content_type="application/json",
    )
    assert huge.status_code == 400
    assert api.get("/api/training/inspections/", {"status": "xyz"}).status_code == 400
