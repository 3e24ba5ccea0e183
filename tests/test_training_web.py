"""育 through the web: 培训班次 pages by persona, the program form, enrolling by ID number,
removing a trainee, and the 培训台账 whose figure filter lists exactly the rows a figure counts."""

import datetime
import re
from decimal import Decimal

import pytest

from rencai.orgs.choices import OrgKind
from rencai.orgs.models import OrgUnit
from rencai.people.models import Person
from rencai.training import figures
from rencai.training.figures import Period
from rencai.training.models import Attendance, TrainingProgram
from tests.conftest import make_id
from tests.test_training import Training

D = datetime.date
PROGRAMS = "/training/programs/"
LEDGER = "/training/attendances/"
COUNT = re.compile(r'<span id="attendance-count">(\d+)</span>')


@pytest.fixture
def training(county, people) -> Training:
    return Training(county, people)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def program_names(response) -> set[str]:
    return {p.name for p in response.context["page"].object_list}


def ledger_count(response) -> int:
    match = COUNT.search(page(response))
    assert match, "the ledger shows no 共 N 人次"
    return int(match.group(1))


def program_data(county, training, **changes) -> dict:
    data = {
        "name": "电商直播培训",
        "category": training.farming.pk,
        "organiser": county.chengguan.pk,
        "base": "",
        "start_date": "2026-05-10",
        "end_date": "2026-05-12",
        "hours": "16",
        "teachers": "刘老师",
        "location": "城关镇文化站",
        "subsidy_per_attendance": "",
        "funding_source": "",
        "notes": "",
    }
    data.update(changes)
    return data


def edit_data(program: TrainingProgram, **changes) -> dict:
    program = TrainingProgram.objects.get(pk=program.pk)
    data = {
        "name": program.name,
        "category": program.category_id,
        "organiser": program.organiser_id,
        "base": program.base_id or "",
        "start_date": program.start_date.isoformat(),
        "end_date": program.end_date.isoformat(),
        "hours": program.hours if program.hours is not None else "",
        "teachers": program.teachers,
        "location": program.location,
        "subsidy_per_attendance": program.subsidy_per_attendance or "",
        "funding_source": program.funding_source,
        "notes": program.notes,
    }
    data.update(changes)
    return data


# --- who sees which program -----------------------------------------------------------------------


def test_the_county_lists_both_programs_with_their_attendances(personas, training, login):
    response = login(personas.county_admin).get(PROGRAMS)
    assert program_names(response) == {"肉牛养殖技术培训", "烤烟种植培训"}
    counts = {p.name: p.attendance_count for p in response.context["page"].object_list}
    assert counts == {"肉牛养殖技术培训": 2, "烤烟种植培训": 1}
    assert 'href="/training/programs/"' in page(response)  # the 人才培育 menu entry
    assert "人才培育" in page(response)


def test_a_township_lists_only_its_own_programs(personas, training, login):
    client = login(personas.chengguan_admin)
    assert program_names(client.get(PROGRAMS)) == {"肉牛养殖技术培训"}
    assert client.get(f"{PROGRAMS}{training.qingshan_course.pk}/").status_code == 404


def test_the_outsider_cannot_open_edit_or_delete_chengguans_program(personas, training, login):
    client = login(personas.outsider_admin)
    pk = training.chengguan_course.pk
    assert program_names(client.get(PROGRAMS)) == {"烤烟种植培训"}
    assert client.get(f"{PROGRAMS}{pk}/").status_code == 404
    assert client.get(f"{PROGRAMS}{pk}/edit/").status_code == 404
    data = edit_data(training.chengguan_course, name="改名")
    assert client.post(f"{PROGRAMS}{pk}/edit/", data).status_code == 404
    assert client.get(f"{PROGRAMS}{pk}/delete/").status_code == 404
    assert client.post(f"{PROGRAMS}{pk}/delete/").status_code == 404
    assert TrainingProgram.objects.filter(pk=pk).exists()


def test_a_leader_reads_but_may_not_create_or_edit(personas, training, county, login):
    client = login(personas.chengguan_leader)
    pk = training.chengguan_course.pk
    assert program_names(client.get(PROGRAMS)) == {"肉牛养殖技术培训"}
    detail = page(client.get(f"{PROGRAMS}{pk}/"))
    assert "张三" in detail
    assert 'id="enrol-form"' not in detail
    assert f"{PROGRAMS}{pk}/edit/" not in detail
    assert client.get(f"{PROGRAMS}new/").status_code == 403
    assert client.post(f"{PROGRAMS}new/", program_data(county, training)).status_code == 403
    assert client.get(f"{PROGRAMS}{pk}/edit/").status_code == 403
    assert client.post(f"{PROGRAMS}{pk}/delete/").status_code == 403
    assert TrainingProgram.objects.count() == 2


@pytest.mark.parametrize("url", [PROGRAMS, f"{PROGRAMS}new/", LEDGER])
def test_the_security_admin_opens_no_training_page(personas, training, login, url):
    assert login(personas.secadmin).get(url).status_code == 403
    pk = training.chengguan_course.pk
    assert login(personas.secadmin).get(f"{PROGRAMS}{pk}/").status_code == 403


# --- the program page -----------------------------------------------------------------------------


def test_the_detail_page_shows_the_header_and_masked_attendees(personas, training, people, login):
    program = training.chengguan_course
    program.subsidy_per_attendance = Decimal("150.00")
    program.teachers = "周教授"
    program.save()
    html = page(login(personas.chengguan_admin).get(f"{PROGRAMS}{program.pk}/"))
    assert "肉牛养殖技术培训" in html and "种养殖技术" in html and "周教授" in html
    assert '<dd class="col-sm-4" id="program-attendance-count">2</dd>' in html
    assert "300.00 元" in html  # 经费 = 150.00 × 2 人次
    assert f'href="/people/{people.zhang_san.pk}/"' in html
    assert people.zhang_san.masked_id_number in html
    assert people.zhang_san.id_number not in html
    assert "东关村" in html


def test_a_program_without_subsidy_shows_no_funding(personas, training, login):
    html = page(login(personas.chengguan_admin).get(f"{PROGRAMS}{training.chengguan_course.pk}/"))
    assert re.search(r'id="program-funding">—', html)


# --- create and edit ------------------------------------------------------------------------------


def test_a_township_creates_a_program(personas, training, county, login):
    client = login(personas.chengguan_admin)
    assert client.get(f"{PROGRAMS}new/").status_code == 200
    response = client.post(f"{PROGRAMS}new/", program_data(county, training))
    program = TrainingProgram.objects.get(name="电商直播培训")
    assert response.status_code == 302
    assert response["Location"] == f"{PROGRAMS}{program.pk}/"
    assert program.organiser == county.chengguan
    assert program.end_date == D(2026, 5, 12)


def test_an_end_before_the_start_is_a_field_error(personas, training, county, login):
    client = login(personas.chengguan_admin)
    data = program_data(county, training, start_date="2026-05-12", end_date="2026-05-10")
    response = client.post(f"{PROGRAMS}new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"] == ["结束日期不能早于开始日期"]
    assert not TrainingProgram.objects.filter(name="电商直播培训").exists()


def test_editing_to_an_end_before_the_start_saves_nothing(personas, training, login):
    client = login(personas.chengguan_admin)
    program = training.chengguan_course
    bad = edit_data(program, name="改名", end_date="2026-03-01")
    response = client.post(f"{PROGRAMS}{program.pk}/edit/", bad)
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.context["form"].errors["end_date"]
    program.refresh_from_db()
    assert (program.name, program.end_date) == ("肉牛养殖技术培训", D(2026, 3, 4))
    good = edit_data(program, name="肉牛养殖技术培训（第一期）", end_date="2026-03-05")
    assert client.post(f"{PROGRAMS}{program.pk}/edit/", good).status_code == 302
    program.refresh_from_db()
    assert (program.name, program.end_date) == ("肉牛养殖技术培训（第一期）", D(2026, 3, 5))


def test_the_organiser_must_be_in_the_users_jurisdiction(personas, training, county, login):
    client = login(personas.chengguan_admin)
    response = client.post(f"{PROGRAMS}new/", program_data(county, training, organiser=0))
    assert "organiser" in response.context["form"].errors
    data = program_data(county, training, organiser=county.qingshan.pk)
    response = client.post(f"{PROGRAMS}new/", data)
    assert response.status_code == 200
    assert "organiser" in response.context["form"].errors
    assert not TrainingProgram.objects.filter(name="电商直播培训").exists()


def test_bad_numbers_in_the_form_are_errors_not_500(personas, training, county, login):
    client = login(personas.chengguan_admin)
    for field, value in [("hours", "abc"), ("hours", "-3"), ("subsidy_per_attendance", "1e99")]:
        response = client.post(f"{PROGRAMS}new/", program_data(county, training, **{field: value}))
        assert response.status_code == 200, (field, value)
        assert field in response.context["form"].errors, (field, value)
    assert not TrainingProgram.objects.filter(name="电商直播培训").exists()


# --- delete ---------------------------------------------------------------------------------------


def test_deleting_a_program_says_how_many_attendances_go_with_it(personas, training, login):
    client = login(personas.chengguan_admin)
    pk = training.chengguan_course.pk
    html = page(client.get(f"{PROGRAMS}{pk}/delete/"))
    assert "2 人次" in html
    assert TrainingProgram.objects.filter(pk=pk).exists()
    response = client.post(f"{PROGRAMS}{pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == PROGRAMS
    assert not TrainingProgram.objects.filter(pk=pk).exists()
    assert set(Attendance.objects.all()) == {training.li}


# --- enrolling and removing trainees --------------------------------------------------------------


@pytest.fixture
def xiguan_villager(county) -> Person:
    return Person.objects.create(
        name="赵六",
        id_number=make_id("19920704", 41),
        gender="1",
        birth_date="1992-07-04",
        home_org=county.xiguan,
    )


def enrol(client, program, number):
    return client.post(f"{PROGRAMS}{program.pk}/enrol/", {"id_number": number})


def enrol_errors(response) -> list[str]:
    assert response.status_code == 200
    return response.context["enrol_form"].errors["id_number"]


def test_enrolling_by_id_number(personas, training, xiguan_villager, login):
    client = login(personas.chengguan_admin)
    program = training.chengguan_course
    # typed with spaces, as offices do
    number = xiguan_villager.id_number
    response = enrol(client, program, f"{number[:6]} {number[6:14]} {number[14:]}")
    assert response.status_code == 302
    assert program.attendances.filter(person=xiguan_villager).exists()
    assert "赵六" in page(client.get(f"{PROGRAMS}{program.pk}/"))


def test_enrolling_someone_twice_is_an_error_not_a_500(personas, training, people, login):
    client = login(personas.chengguan_admin)
    program = training.chengguan_course
    response = enrol(client, program, people.zhang_san.id_number)
    assert enrol_errors(response) == ["该学员已在本培训班次中登记"]
    assert program.attendances.count() == 2


def test_enrolling_an_unknown_or_out_of_scope_id_is_an_error(personas, training, people, login):
    client = login(personas.chengguan_admin)
    program = training.chengguan_course
    unknown = make_id("19800101", 99)
    message = "人才库中没有该身份证号的人员，请先登记或用签到表导入"
    assert enrol_errors(enrol(client, program, unknown)) == [message]
    # 李四 is in the register but lives in 青山镇: not in 城关镇's jurisdiction
    assert enrol_errors(enrol(client, program, people.li_si.id_number)) == [message]
    assert program.attendances.count() == 2


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


@pytest.mark.parametrize(
    "bad", ["12345", "WRONG-CHECK", "43313019850312011X9", "4.30124E+17", "19850312", "  "]
)
def test_enrolling_a_bad_id_number_is_an_error(personas, training, people, login, bad):
    if bad == "WRONG-CHECK":
        bad = wrong_check_digit(people.zhang_san.id_number)
    client = login(personas.chengguan_admin)
    program = training.chengguan_course
    errors = enrol_errors(enrol(client, program, bad))
    assert errors and all(re.search(r"[\u4e00-\u9fff]", e) for e in errors)
    assert program.attendances.count() == 2


def test_only_editors_of_the_program_enrol(personas, training, xiguan_villager, login):
    number = xiguan_villager.id_number
    program = training.chengguan_course
    assert enrol(login(personas.chengguan_leader), program, number).status_code == 403
    assert enrol(login(personas.outsider_admin), program, number).status_code == 404
    assert login(personas.chengguan_admin).get(f"{PROGRAMS}{program.pk}/enrol/").status_code == 405
    assert program.attendances.count() == 2


def test_removing_a_trainee(personas, training, login):
    client = login(personas.chengguan_admin)
    url = f"/training/attendances/{training.zhang.pk}/remove/"
    assert client.get(url).status_code == 405
    assert Attendance.objects.filter(pk=training.zhang.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"{PROGRAMS}{training.chengguan_course.pk}/"
    assert not Attendance.objects.filter(pk=training.zhang.pk).exists()


def test_only_the_programs_editors_remove_a_trainee(personas, training, login):
    # 王五 lives in 青山镇, so 青山镇 sees his row, but the ledger is 城关镇's
    url = f"/training/attendances/{training.wang.pk}/remove/"
    assert login(personas.outsider_admin).post(url).status_code == 404
    assert login(personas.chengguan_leader).post(url).status_code == 403
    assert Attendance.objects.filter(pk=training.wang.pk).exists()


# --- the ledger -----------------------------------------------------------------------------------


@pytest.fixture
def ledger(county, people, training):
    """Besides the Training rows: 张三 (城关镇) also at 青山镇's course, a trainee from another
    county at 城关镇's course, and a 2025 course of 城关镇's that the 2026 figures leave out."""
    training.qingshan_course.attendances.create(person=people.zhang_san)
    neighbour = OrgUnit.objects.create(name="邻县", kind=OrgKind.COUNTY)
    village = OrgUnit.objects.create(name="河口村", kind=OrgKind.VILLAGE, parent=neighbour)
    visitor = Person.objects.create(
        name="外县学员",
        id_number=make_id("19880808", 55, region="433131"),
        gender="1",
        birth_date="1988-08-08",
        home_org=village,
    )
    training.chengguan_course.attendances.create(person=visitor)
    old = TrainingProgram.objects.create(
        name="2025 年养殖培训",
        category=training.farming,
        organiser=county.chengguan,
        start_date=D(2025, 11, 1),
        end_date=D(2025, 11, 2),
    )
    old.attendances.create(person=people.zhang_san)
    return training


def test_the_ledger_counts_every_visible_row(personas, ledger, login):
    assert ledger_count(login(personas.county_admin).get(LEDGER)) == 6
    assert ledger_count(login(personas.chengguan_admin).get(LEDGER)) == 5
    assert ledger_count(login(personas.chengguan_clerk).get(LEDGER)) == 3  # 张三's rows


def test_the_figure_filter_lists_exactly_the_figures_rows(personas, county, ledger, login):
    client = login(personas.county_admin)
    year = Period.year(2026)
    params = {"scope": county.chengguan.pk, "start": "2026-01-01", "end": "2026-12-31"}
    expected = figures.attendances(county.chengguan, year)
    assert expected == 3  # 张三 twice, the visitor from the other county
    assert ledger_count(client.get(LEDGER, params)) == expected
    organised = figures.organised_attendances(county.chengguan, year)
    assert organised == 3  # 张三, 王五, the visitor
    response = client.get(LEDGER, {**params, "organised": "1"})
    assert ledger_count(response) == organised
    shown = {(a.program.name, a.person.name) for a in response.context["rows"]}
    assert ("肉牛养殖技术培训", "王五") in shown
    # a period the 2025 course ended in
    last_year = {**params, "start": "2025-01-01", "end": "2025-12-31"}
    assert ledger_count(client.get(LEDGER, last_year)) == 1


def test_the_figure_filter_for_a_township_user(personas, county, ledger, login):
    client = login(personas.chengguan_admin)
    params = {"scope": county.chengguan.pk, "start": "2026-01-01", "end": "2026-12-31"}
    expected = figures.attendances(county.chengguan, Period.year(2026))
    assert ledger_count(client.get(LEDGER, params)) == expected
    # a scope outside the user's jurisdiction: no rows
    for outside in (county.qingshan, county.county):
        response = client.get(LEDGER, {**params, "scope": outside.pk})
        assert ledger_count(response) == 0
        assert response.context["filter"].form.errors


def test_program_and_category_filters(personas, county, ledger, login):
    client = login(personas.county_admin)
    course = ledger.chengguan_course
    assert ledger_count(client.get(LEDGER, {"program": course.pk})) == 3
    assert ledger_count(client.get(LEDGER, {"category": ledger.farming.pk})) == 6
    other = TrainingProgram.objects.exclude(category=ledger.farming).count()
    assert other == 0
    response = client.get(PROGRAMS, {"organiser": county.qingshan.pk})
    assert program_names(response) == {"烤烟种植培训"}
    response = client.get(PROGRAMS, {"end_from": "2026-01-01", "end_to": "2026-03-31"})
    assert program_names(response) == {"肉牛养殖技术培训"}
    assert program_names(client.get(PROGRAMS, {"name": "烤烟"})) == {"烤烟种植培训"}
    response = client.get(PROGRAMS, {"organiser": county.county.pk})  # the whole subtree
    assert program_names(response) == {"肉牛养殖技术培训", "烤烟种植培训", "2025 年养殖培训"}


@pytest.mark.parametrize(
    "params",
    [
        {"program": "abc"},
        {"category": "99999"},
        {"scope": "x", "start": "2026-01-01", "end": "2026-12-31"},
        {"scope": "{chengguan}", "start": "2026-13-01", "end": "2026-12-31"},
        {"scope": "{chengguan}", "start": "2026-12-31", "end": "2026-01-01"},
        {"scope": "{chengguan}", "start": "2026-01-01"},
        {"start": "2026-01-01", "end": "2026-12-31"},
        {"organised": "yes"},
        {"organised": "1"},
        {"page": "abc", "program": "1e5"},
    ],
)
def test_bad_ledger_filters_show_an_error(personas, county, ledger, login, params):
    params = {k: v.format(chengguan=county.chengguan.pk) for k, v in params.items()}
    response = login(personas.county_admin).get(LEDGER, params)
    assert ledger_count(response) == 0
    form = response.context["filter"].form
    assert form.errors
    html = page(response)
    assert "invalid-feedback" in html or "alert-danger" in html


@pytest.mark.parametrize(
    "params",
    [
        {"organiser": "abc"},
        {"end_from": "not-a-date"},
        {"category": "-1"},
        {"end_to": "2026-02-30"},
    ],
)
def test_bad_program_filters_show_an_error(personas, training, login, params):
    response = login(personas.county_admin).get(PROGRAMS, params)
    assert response.status_code == 200
    assert response.context["filter"].form.errors
    assert program_names(response) == set()
