"""人才资源普查: the county opens a round, each unit submits its roster through the import, the
county reviews, settles the persons two units both claim, and reads demand against supply."""

import html as htmllib
import io
import re

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from rencai.audit.models import AuditAction, AuditEvent
from rencai.census import actions, figures
from rencai.census.choices import DemandLevel, Resolution, UnitStatus
from rencai.census.models import CensusConflict, CensusRound, CensusUnit, Demand
from rencai.imports.models import ImportJob, JobStatus
from rencai.people.choices import PersonStatus
from rencai.people.models import Person, TalentCategory
from tests.conftest import make_id

ROSTER_HEADER = ["姓名", "身份证号", "民族", "手机号码", "户籍/居住地", "工作单位", "人才类别"]
DEMAND_HEADER = ["单位", "专业/领域", "层次", "需求人数", "说明"]


@pytest.fixture(autouse=True)
def _inline_jobs(settings, tmp_path):
    settings.IMPORTS_INLINE = True
    settings.IMPORTS_INLINE_QUIET = False
    settings.DATA_DIR = str(tmp_path)


def page_text(response) -> str:
    return htmllib.unescape(response.content.decode())


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def xlsx(header: list[str], rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(i, j, value)
            elif value is not None:
                sheet.write_number(i, j, value)
    workbook.close()
    return buffer.getvalue()


def upload(client, url: str, data: bytes) -> ImportJob:
    """Upload through the web import page, confirm the checked job, return it."""
    response = client.post(url, {"file": SimpleUploadedFile("名册.xlsx", data)})
    assert response.status_code == 302, page_text(response)
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == f"/imports/jobs/{job.pk}/"
    job.refresh_from_db()
    if job.status == JobStatus.VALID:
        client.post(f"/imports/jobs/{job.pk}/confirm/")
        job.refresh_from_db()
    return job


def roster_url(unit: CensusUnit) -> str:
    return f"/imports/census_roster/?census_round={unit.round_id}&census_unit={unit.pk}"


def demand_url(census: CensusRound) -> str:
    return f"/imports/census_demand/?census_round={census.pk}"


@pytest.fixture
def census(county, personas) -> CensusRound:
    return actions.open_round(
        org=county.county,
        year=2025,
        deadline=None,
        units=[county.chengguan, county.qingshan, county.education],
        acting_user=personas.county_admin,
    )


def unit_of(census: CensusRound, org) -> CensusUnit:
    return CensusUnit.objects.get(round=census, org=org)


# --- opening a round ------------------------------------------------------------------------------


def test_county_admin_opens_a_round_with_townships_and_streets_checked(county, personas, login):
    client = login(personas.county_admin)
    form = client.get("/census/new/").context["form"]
    assert set(form.initial["units"]) == {county.chengguan.pk, county.qingshan.pk}
    offered = set(form.fields["units"].queryset)
    assert {county.chengguan, county.qingshan, county.education} == offered  # no villages

    units = [county.chengguan.pk, county.qingshan.pk, county.education.pk]
    response = client.post("/census/new/", {"year": 2025, "units": units})
    census = CensusRound.objects.get(year=2025)
    assert response["Location"] == f"/census/{census.pk}/"
    assert census.org == county.county and census.created_by == personas.county_admin
    assert sorted(census.units.values_list("org__name", "status")) == [
        ("县教育局", UnitStatus.PENDING),
        ("城关镇", UnitStatus.PENDING),
        ("青山镇", UnitStatus.PENDING),
    ]
    page = page_text(client.get(f"/census/{census.pk}/"))
    assert "报送率 0/3 = 0.0%" in page
    assert page.count('data-status="pending"') == 3

    again = client.post("/census/new/", {"year": 2025, "units": units})
    assert again.status_code == 200
    assert zh("2025 年的人才资源普查已经开启") in page_text(again)
    assert CensusRound.objects.count() == 1


def test_the_census_menu_entry_is_shown_to_business_roles_only(personas, login):
    assert "/census/" in page_text(login(personas.chengguan_leader).get("/people/"))
    assert "/census/" not in page_text(login(personas.auditor).get("/audit/"))


# --- submission -----------------------------------------------------------------------------------


def test_township_admin_submits_the_roster_through_the_import_and_the_unit_is_reported(
    county, personas, census, login
):
    unit = unit_of(census, county.chengguan)
    client = login(personas.chengguan_admin)
    page = page_text(client.get(f"/census/{census.pk}/units/{unit.pk}/"))
    assert roster_url(unit) in page  # the 报送名册 link

    upload_page = page_text(client.get(roster_url(unit)))
    assert "2025年人才资源普查 · 城关镇" in upload_page
    roster = xlsx(
        ROSTER_HEADER,
        [["赵六", make_id("19880808", 41), "汉族", "13700001111", "西关村", "", "农村实用人才"]],
    )
    job = upload(client, roster_url(unit), roster)
    assert job.status == JobStatus.COMMITTED, job.problems
    assert job.options == {"census_round": census.pk, "census_unit": unit.pk}
    assert Person.objects.get(name="赵六").home_org == county.xiguan

    unit.refresh_from_db()
    assert unit.status == UnitStatus.SUBMITTED
    assert unit.job == job and unit.submitted_by == personas.chengguan_admin
    assert "报送率 1/1 = 100.0%" in page_text(client.get(f"/census/{census.pk}/"))
    county_page = page_text(login(personas.county_admin).get(f"/census/{census.pk}/"))
    assert "报送率 1/3 = 33.3%" in county_page
    assert f"/imports/jobs/{job.pk}/" in page_text(
        client.get(f"/census/{census.pk}/units/{unit.pk}/")
    )


def test_a_roster_row_outside_the_reporting_unit_is_an_error(county, personas, census, login):
    """The county admin submitting for 城关镇 cannot put a new person in 青山镇 through it."""
    unit = unit_of(census, county.chengguan)
    roster = xlsx(ROSTER_HEADER, [["钱七", make_id("19900202", 51), "", "", "石桥村", "", ""]])
    job = upload(login(personas.county_admin), roster_url(unit), roster)
    assert job.status == JobStatus.INVALID
    assert any("户籍/居住地和工作单位都不在报送单位“示范县/城关镇”内" in p for p in job.problems)
    assert not Person.objects.filter(name="钱七").exists()
    unit.refresh_from_db()
    assert unit.status == UnitStatus.PENDING


# --- figures --------------------------------------------------------------------------------------


@pytest.fixture
def known(county, people):
    """Completeness on a small known register (10 required fields per person):
    城关镇: 张三 9/10 (no 民族), 王五 7/10 (works at 城关镇卫生院; no 民族, phone, category),
    孙八 (流出) does not count → 16/20.
    青山镇: 李四 9/10, 王五 7/10, 钱七 10/10 → 26/30. 县教育局: nobody."""
    Person.objects.create(
        name="钱七",
        id_number=make_id("19920303", 61),
        gender="1",
        birth_date="1992-03-03",
        ethnicity="01",
        political_status="13",
        education="21",
        phone="13600002222",
        home_org=county.shiqiao,
    ).categories.set([TalentCategory.objects.get(name="土专家")])
    Person.objects.create(
        name="孙八",
        id_number=make_id("19800404", 71),
        gender="1",
        birth_date="1980-04-04",
        home_org=county.xiguan,
        status=PersonStatus.OUTFLOW,
        status_reason="外出务工",
    )
    return people


def test_completeness_and_reporting_rate_are_exact(county, personas, census, known, login):
    assert str(figures.completeness(county.chengguan).rate) == "16/20 = 80.0%"
    assert str(figures.completeness(county.qingshan).rate) == "26/30 = 86.7%"
    assert figures.completeness(county.education).persons == 0
    by_field = {
        zh(label): str(rate) for label, rate in figures.completeness(county.chengguan).by_field()
    }
    assert by_field["民族"] == "0/2 = 0.0%"
    assert by_field["手机号码"] == "1/2 = 50.0%"
    assert by_field["人才类别"] == "1/2 = 50.0%"
    assert by_field["学历"] == "2/2 = 100.0%"

    CensusUnit.objects.filter(round=census, org=county.chengguan).update(status=UnitStatus.APPROVED)
    CensusUnit.objects.filter(round=census, org=county.qingshan).update(
        status=UnitStatus.RETURNED, return_reason="缺少手机号码"
    )
    client = login(personas.county_admin)
    page = page_text(client.get(f"/census/{census.pk}/"))
    assert "报送率 1/3 = 33.3%" in page
    rows = dict(re.findall(r'data-unit="([^"]+)".*?class="completeness">([^<]*)<', page, re.S))
    assert rows == {"城关镇": "16/20 = 80.0%", "青山镇": "26/30 = 86.7%", "县教育局": "0/0"}
    assert "缺少手机号码" in page

    CensusUnit.objects.filter(round=census, org=county.qingshan).update(status=UnitStatus.SUBMITTED)
    assert "报送率 2/3 = 66.7%" in page_text(client.get(f"/census/{census.pk}/"))
    unit_page = page_text(
        client.get(f"/census/{census.pk}/units/{unit_of(census, county.chengguan).pk}/")
    )
    assert "完整率 16/20 = 80.0%（在册 2 人）" in unit_page


# --- review ---------------------------------------------------------------------------------------


def test_county_reviews_a_return_needs_a_reason_and_the_unit_submits_again(
    county, personas, census, login
):
    unit = unit_of(census, county.chengguan)
    township = login(personas.chengguan_admin)
    first = upload(
        township,
        roster_url(unit),
        xlsx(ROSTER_HEADER, [["赵六", make_id("19880808", 41), "", "", "东关村", "", ""]]),
    )
    assert first.status == JobStatus.COMMITTED

    county_client = login(personas.county_admin)
    review = f"/census/{census.pk}/units/{unit.pk}/review/"
    response = county_client.post(review, {"approve": "0", "reason": " "})
    assert response.status_code == 200
    assert zh("请填写退回原因") in page_text(response)
    unit.refresh_from_db()
    assert unit.status == UnitStatus.SUBMITTED

    county_client.post(review, {"approve": "0", "reason": "缺少手机号码"})
    unit.refresh_from_db()
    assert (unit.status, unit.return_reason) == (UnitStatus.RETURNED, "缺少手机号码")
    assert unit.reviewed_by == personas.county_admin
    page = page_text(township.get(f"/census/{census.pk}/"))
    assert 'data-status="returned"' in page and "缺少手机号码" in page

    second = upload(
        township,
        roster_url(unit),
        xlsx(
            ROSTER_HEADER, [["赵六", make_id("19880808", 41), "", "13700001111", "东关村", "", ""]]
        ),
    )
    assert second.status == JobStatus.COMMITTED
    unit.refresh_from_db()
    assert (unit.status, unit.job, unit.return_reason) == (UnitStatus.SUBMITTED, second, "")

    county_client.post(review, {"approve": "1", "reason": ""})
    unit.refresh_from_db()
    assert unit.status == UnitStatus.APPROVED
    # Accepted: no more submissions for this round.
    assert "submit-roster" not in page_text(township.get(f"/census/{census.pk}/units/{unit.pk}/"))
    late = upload(
        township,
        roster_url(unit),
        xlsx(ROSTER_HEADER, [["赵六", make_id("19880808", 41), "", "", "东关村", "", ""]]),
    )
    assert late.status == JobStatus.INVALID
    assert zh("该单位的名册已审核，不能再报送") in late.problems[0]


# --- conflicts ------------------------------------------------------------------------------------


def test_a_person_another_unit_registered_becomes_a_conflict_and_the_rest_imports(
    county, personas, census, people, login
):
    """李四 lives in 石桥村 (青山镇) and works nowhere in 城关镇: 城关镇's roster naming him is
    recorded as a conflict, 李四 is left as he was, and 赵六 is imported."""
    unit = unit_of(census, county.chengguan)
    li_si = people.li_si
    client = login(personas.chengguan_admin)
    roster = xlsx(
        ROSTER_HEADER,
        [
            ["李四", li_si.id_number, "汉族", "13500009999", "东关村", "城关镇卫生院", ""],
            ["赵六", make_id("19880808", 41), "", "", "西关村", "", ""],
        ],
    )
    job = upload(client, roster_url(unit), roster)
    assert job.status == JobStatus.COMMITTED, job.problems
    assert (job.counts["new"], job.counts["conflict"]) == (1, 1)
    job_page = page_text(client.get(f"/imports/jobs/{job.pk}/"))
    assert re.search(r'id="count-conflict">1<', job_page)

    li_si.refresh_from_db()
    assert (li_si.home_org, li_si.work_org, li_si.phone, li_si.ethnicity) == (
        county.shiqiao,
        None,
        "13987654321",
        "",
    )
    assert Person.objects.filter(name="赵六", home_org=county.xiguan).exists()
    conflict = CensusConflict.objects.get()
    assert (conflict.round, conflict.person, conflict.first_org, conflict.second_org) == (
        census,
        li_si,
        county.qingshan,
        county.chengguan,
    )
    assert (conflict.proposed_home_org, conflict.proposed_work_org) == (
        county.dongguan,
        county.clinic,
    )
    unit.refresh_from_db()
    assert unit.status == UnitStatus.SUBMITTED

    for user in (personas.county_admin, personas.chengguan_admin, personas.outsider_admin):
        listing = page_text(login(user).get(f"/census/{census.pk}/conflicts/"))
        assert li_si.masked_id_number in listing
        assert li_si.id_number not in listing

    # Submitting again does not duplicate the open conflict.
    upload(client, roster_url(unit), roster)
    assert CensusConflict.objects.count() == 1


def _conflict(county, personas, census, people, login) -> CensusConflict:
    unit = unit_of(census, county.chengguan)
    roster = xlsx(ROSTER_HEADER, [["李四", people.li_si.id_number, "", "", "东关村", "", ""]])
    upload(login(personas.chengguan_admin), roster_url(unit), roster)
    return CensusConflict.objects.get()


def test_county_moves_a_conflicting_person_with_a_reason_and_it_is_audited(
    county, personas, census, people, login
):
    conflict = _conflict(county, personas, census, people, login)
    client = login(personas.county_admin)
    url = f"/census/{census.pk}/conflicts/{conflict.pk}/"
    assert client.get(url).status_code == 200

    response = client.post(url, {"resolution": Resolution.MOVE, "reason": ""})
    assert response.status_code == 200
    assert zh("请填写处理理由") in page_text(response)
    people.li_si.refresh_from_db()
    assert people.li_si.home_org == county.shiqiao

    response = client.post(url, {"resolution": Resolution.MOVE, "reason": "本人已迁居东关村"})
    assert response["Location"] == f"/census/{census.pk}/conflicts/"
    people.li_si.refresh_from_db()
    assert people.li_si.home_org == county.dongguan
    conflict.refresh_from_db()
    assert (conflict.resolution, conflict.reason, conflict.resolved_by) == (
        Resolution.MOVE,
        "本人已迁居东关村",
        personas.county_admin,
    )
    logged = AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(conflict.pk), user=personas.county_admin
    ).get(content_type__model="censusconflict")
    assert logged.changes["reason"] == ["", "本人已迁居东关村"]
    moved = AuditEvent.objects.get(
        action=AuditAction.UPDATE,
        content_type__model="person",
        object_id=str(people.li_si.pk),
        user=personas.county_admin,
    )
    assert "home_org" in moved.changes

    # Settled once: the form is gone and a second decision is refused.
    assert f"/conflicts/{conflict.pk}/" not in page_text(
        client.get(f"/census/{census.pk}/conflicts/")
    )
    again = client.post(url, {"resolution": Resolution.KEEP, "reason": "改主意"})
    assert zh("该冲突已处理") in page_text(again)


def test_county_keeps_a_conflicting_person_with_the_first_unit(
    county, personas, census, people, login
):
    conflict = _conflict(county, personas, census, people, login)
    client = login(personas.county_admin)
    client.post(
        f"/census/{census.pk}/conflicts/{conflict.pk}/",
        {"resolution": Resolution.KEEP, "reason": "户籍仍在石桥村"},
    )
    conflict.refresh_from_db()
    assert conflict.resolution == Resolution.KEEP
    people.li_si.refresh_from_db()
    assert people.li_si.home_org == county.shiqiao


# --- demand and the 紧缺专业 picture --------------------------------------------------------------


def test_demand_import_creates_and_reimport_updates_counts(county, personas, census, login):
    client = login(personas.county_admin)
    assert client.get("/imports/census_demand/template.xlsx").status_code == 200
    page = page_text(client.get(demand_url(census)))
    assert "导入人才需求表" in page and "2025年人才资源普查" in page
    rows = [
        ["城关镇/城关镇卫生院", "临床医学", "紧缺", 3, "急需全科医生"],
        ["东关村", "养殖", "一般", 2, ""],
        ["青山镇", "养殖", "高层次", 1, ""],
    ]
    job = upload(client, demand_url(census), xlsx(DEMAND_HEADER, rows))
    assert job.status == JobStatus.COMMITTED, job.problems
    assert job.options == {"census_round": census.pk}
    assert job.counts["new"] == 3
    clinic = Demand.objects.get(round=census, org=county.clinic, specialty="临床医学")
    assert (clinic.level, clinic.count, clinic.notes) == (DemandLevel.SHORTAGE, 3, "急需全科医生")

    rows[0][3] = 5
    rows[0][4] = ""  # a blank note keeps the stored one
    again = upload(client, demand_url(census), xlsx(DEMAND_HEADER, rows))
    assert (again.counts["new"], again.counts["updated"], again.counts["unchanged"]) == (0, 1, 2)
    clinic.refresh_from_db()
    assert (clinic.count, clinic.notes) == (5, "急需全科医生")
    assert Demand.objects.count() == 3


def test_demand_rows_outside_the_jurisdiction_or_bad_counts_are_rejected(
    county, personas, census, login
):
    client = login(personas.chengguan_admin)
    rows = [["石桥村", "养殖", "一般", 2, ""], ["东关村", "种植", "一般", 0, ""]]
    job = upload(client, demand_url(census), xlsx(DEMAND_HEADER, rows))
    assert job.status == JobStatus.INVALID
    assert any("不在您的管辖范围内" in p for p in job.problems)
    assert any("需求人数应为正整数" in p for p in job.problems)
    assert not Demand.objects.exists()


@pytest.fixture
def supply(county, people):
    """养殖 supply: 张三 (东关村, from conftest), 周九 (东关村), 吴十 (石桥村, working at
    城关镇卫生院: both townships), and 郑一 (西关村, 流出: not counted); 种植: 冯二 (石桥村)."""
    for name, seq, home, work, status in [
        ("周九", 81, county.dongguan, None, PersonStatus.ACTIVE),
        ("吴十", 82, county.shiqiao, county.clinic, PersonStatus.ACTIVE),
        ("郑一", 83, county.xiguan, None, PersonStatus.OUTFLOW),
    ]:
        Person.objects.create(
            name=name,
            id_number=make_id("19870505", seq),
            gender="1",
            birth_date="1987-05-05",
            home_org=home,
            work_org=work,
            specialty="养殖",
            status=status,
        )
    Person.objects.create(
        name="冯二",
        id_number=make_id("19870505", 84),
        gender="1",
        birth_date="1987-05-05",
        home_org=county.shiqiao,
        specialty="种植",
    )
    return people


def _numbers(page: str) -> dict[str, list[str]]:
    rows = re.findall(r'<tr data-specialty="([^"]+)">(.*?)</tr>', page, re.S)
    return {s: re.findall(r'<a href="[^"]*">(\d+)</a>', cells) for s, cells in rows}


def _links(page: str, specialty: str) -> list[str]:
    row = re.search(rf'<tr data-specialty="{specialty}">(.*?)</tr>', page, re.S).group(1)
    return [htmllib.unescape(u) for u in re.findall(r'<a href="([^"]+)">', row)]


def test_supply_against_demand_per_township_with_links_whose_counts_match(
    county, personas, census, supply, login
):
    Demand.objects.bulk_create(
        [
            Demand(round=census, org=county.dongguan, specialty="养殖", level="general", count=4),
            Demand(round=census, org=county.clinic, specialty="养殖", level="high", count=2),
            Demand(round=census, org=county.qingshan, specialty="养殖", level="general", count=1),
            Demand(round=census, org=county.shiqiao, specialty="种植", level="shortage", count=4),
            Demand(round=census, org=county.education, specialty="种植", level="general", count=2),
        ]
    )
    client = login(personas.county_admin)
    page = page_text(client.get(f"/census/{census.pk}/supply-demand/"))
    assert page.index("城关镇") < page.index("青山镇")
    # (现有, 需求, 缺口) for 城关镇, 青山镇, 合计; rows by total 缺口, largest first.
    assert _numbers(page) == {
        "种植": ["0", "0", "0", "1", "4", "3", "1", "6", "5"],
        "养殖": ["3", "6", "3", "1", "1", "0", "3", "7", "4"],
    }
    assert page.index('data-specialty="种植"') < page.index('data-specialty="养殖"')

    links = _links(page, "养殖")
    numbers = [int(n) for n in _numbers(page)["养殖"]]
    for (people_url, demand_url_, _gap), (have, want, _g) in zip(
        zip(links[0::3], links[1::3], links[2::3], strict=True),
        zip(numbers[0::3], numbers[1::3], numbers[2::3], strict=True),
        strict=True,
    ):
        assert client.get(people_url).context["page"].paginator.count == have, people_url
        assert client.get(demand_url_).context["total"] == want, demand_url_


def test_a_township_admin_sees_only_their_township_in_the_supply_and_demand(
    county, personas, census, supply, login
):
    Demand.objects.create(
        round=census, org=county.shiqiao, specialty="养殖", level="general", count=5
    )
    Demand.objects.create(
        round=census, org=county.dongguan, specialty="养殖", level="general", count=1
    )
    page = page_text(login(personas.outsider_admin).get(f"/census/{census.pk}/supply-demand/"))
    assert "城关镇" not in page
    # 青山镇: 养殖 is 吴十 only, demand 5 → gap 4; the 合计 (their jurisdiction) is the same.
    assert _numbers(page) == {"养殖": ["1", "5", "4", "1", "5", "4"]}


# --- who may do what ------------------------------------------------------------------------------


def test_outsider_township_admin_gets_404_for_chengguans_unit(county, personas, census, login):
    unit = unit_of(census, county.chengguan)
    client = login(personas.outsider_admin)
    assert client.get(f"/census/{census.pk}/units/{unit.pk}/").status_code == 404
    assert client.get(roster_url(unit)).status_code == 404
    assert client.post(roster_url(unit), {}).status_code == 404
    own = unit_of(census, county.qingshan)
    assert client.get(f"/census/{census.pk}/units/{own.pk}/").status_code == 200
    page = page_text(client.get(f"/census/{census.pk}/"))
    assert "青山镇" in page and "城关镇" not in page
    assert "报送率 0/1 = 0.0%" in page


def test_township_admin_cannot_review_or_resolve(county, personas, census, people, login):
    conflict = _conflict(county, personas, census, people, login)
    unit = unit_of(census, county.chengguan)
    client = login(personas.chengguan_admin)
    assert (
        client.post(f"/census/{census.pk}/units/{unit.pk}/review/", {"approve": "1"}).status_code
        == 403
    )
    assert client.get(f"/census/{census.pk}/conflicts/{conflict.pk}/").status_code == 403
    assert client.get("/census/new/").status_code == 403


def test_leader_reads_but_every_write_is_403(county, personas, census, login):
    unit = unit_of(census, county.chengguan)
    client = login(personas.chengguan_leader)
    for url in (
        "/census/",
        f"/census/{census.pk}/",
        f"/census/{census.pk}/units/{unit.pk}/",
        f"/census/{census.pk}/conflicts/",
        f"/census/{census.pk}/demand/",
        f"/census/{census.pk}/supply-demand/",
    ):
        assert client.get(url).status_code == 200, url
    assert "submit-roster" not in page_text(client.get(f"/census/{census.pk}/units/{unit.pk}/"))
    assert client.get("/census/new/").status_code == 403
    assert client.post("/census/new/", {"year": 2026}).status_code == 403
    assert client.post(f"/census/{census.pk}/state/", {"is_open": "0"}).status_code == 403
    assert client.post(f"/census/{census.pk}/units/{unit.pk}/review/", {}).status_code == 403
    assert client.get(f"/census/{census.pk}/conflicts/1/").status_code == 403
    assert client.post(roster_url(unit), {}).status_code == 403
    assert client.post(demand_url(census), {}).status_code == 403


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_the_three_security_roles_get_403_everywhere(county, personas, census, login, role):
    unit = unit_of(census, county.chengguan)
    client = login(getattr(personas, role))
    for url in (
        "/census/",
        "/census/new/",
        f"/census/{census.pk}/",
        f"/census/{census.pk}/units/{unit.pk}/",
        f"/census/{census.pk}/conflicts/",
        f"/census/{census.pk}/demand/",
        f"/census/{census.pk}/supply-demand/",
        roster_url(unit),
    ):
        assert client.get(url).status_code == 403, url


def test_a_closed_round_takes_no_submissions(county, personas, census, login):
    client = login(personas.county_admin)
    client.post(f"/census/{census.pk}/state/", {"is_open": "0"})
    census.refresh_from_db()
    assert not census.is_open
    unit = unit_of(census, county.chengguan)
    job = upload(
        client,
        roster_url(unit),
        xlsx(ROSTER_HEADER, [["赵六", make_id("19880808", 41), "", "", "东关村", "", ""]]),
    )
    assert job.status == JobStatus.INVALID
    assert zh("本轮普查已结束，不能再报送") in job.problems[0]
