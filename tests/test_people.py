"""The register through the web: list filters, search, paging, the person form, status, delete,
and the home page's figures."""

import datetime
import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import make_id
from django.utils import timezone
from helpers import edit_form_data

from rencai.people.models import Person, TalentCategory
from rencai.standards.idnumber import check_digit

TOTAL = re.compile(r"共\s*(\d+)\s*人")


def total(response) -> int:
    assert response.status_code == 200
    match = TOTAL.search(response.content.decode())
    assert match, "the list page shows no 共 N 人"
    return int(match.group(1))


def names(client, **params) -> set[str]:
    response = client.get("/people/", params)
    shown = {p.name for p in response.context["page"].object_list}
    assert total(response) == len(shown), "test data should fit on one page"
    return shown


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    try:
        anniversary = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        anniversary = today.replace(year=today.year - years, day=28)
    return anniversary + datetime.timedelta(days=days)


def add_person(name, birth: datetime.date, seq: int, home, **fields) -> Person:
    return Person.objects.create(
        name=name,
        id_number=make_id(birth.strftime("%Y%m%d"), seq),
        gender="1" if seq % 2 else "2",
        birth_date=birth,
        home_org=home,
        **fields,
    )


def new_person_data(home, **overrides) -> dict:
    data = {
        "name": "赵六",
        "id_number": make_id("19920704", 42),
        "phone": "13700001234",
        "home_org": home.pk,
        "source": "local",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def id_with_x_check_digit(birth: str) -> str:
    for seq in range(1000):
        body = f"433130{birth}{seq:03d}"
        if check_digit(body) == "X":
            return body + "X"
    raise AssertionError("no sequence gives X")


# --- list filters -------------------------------------------------------------------------------


@pytest.fixture
def crowd(county, people):
    """Besides 张三, 李四, 王五: people at the age-band edges and with other sources/states."""
    young = add_person("青年甲", years_ago(36, days=1), 71, county.xiguan, education="10")
    edge = add_person("青年乙", years_ago(36), 73, county.xiguan, education="40")
    returned = add_person(
        "回乡丙", years_ago(50), 72, county.dongguan, source="returned", political_status="01"
    )
    gone = add_person("流出丁", years_ago(30), 74, county.shiqiao, status="outflow")
    return {"young": young, "edge": edge, "returned": returned, "gone": gone}


def test_org_filter_takes_the_whole_subtree_by_home_or_work(crowd, county, personas, login):
    client = login(personas.county_admin)
    assert names(client, org=county.chengguan.pk) == {"张三", "王五", "青年甲", "青年乙", "回乡丙"}
    assert names(client, org=county.dongguan.pk) == {"张三", "回乡丙"}
    assert names(client, org=county.qingshan.pk) == {"李四", "王五", "流出丁"}
    assert names(client, org=county.clinic.pk) == {"王五"}


def test_category_filter(crowd, personas, login):
    client = login(personas.county_admin)
    farmer = TalentCategory.objects.get(name="农村实用人才")
    tech = TalentCategory.objects.get(name="专业技术人才")
    assert names(client, category=farmer.pk) == {"张三"}
    assert names(client, category=tech.pk) == {"李四"}


def test_education_group_filter(crowd, personas, login):
    client = login(personas.county_admin)
    assert names(client, education="20") == {"李四", "王五"}
    assert names(client, education="30") == {"张三"}
    assert names(client, education="10") == {"青年甲"}
    assert names(client, education="40") == {"青年乙"}


def age_on(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def test_age_band_filter_at_the_edges(crowd, personas, login):
    client = login(personas.county_admin)
    # 青年甲 turns 36 tomorrow, 青年乙 turned 36 today.
    assert {"青年甲", "流出丁"} <= names(client, age="-35")
    assert "青年乙" not in names(client, age="-35")
    assert "青年乙" in names(client, age="36-45")
    assert "回乡丙" in names(client, age="46-55")
    today = timezone.localdate()
    everyone = list(Person.objects.all())
    seen = set()
    for band in ("-35", "36-45", "46-55", "56-"):
        lo, _sep, hi = band.partition("-")
        expected = {
            p.name
            for p in everyone
            if int(lo or 0) <= age_on(p.birth_date, today) <= int(hi or 999)
        }
        assert names(client, age=band) == expected, band
        assert not seen & expected
        seen |= expected
    assert seen == {p.name for p in everyone}


def test_gender_political_source_and_status_filters(crowd, personas, login):
    client = login(personas.county_admin)
    assert names(client, gender="2") == {"李四", "回乡丙", "流出丁"}
    assert names(client, political_status="01") == {"张三", "回乡丙"}
    assert names(client, source="returned") == {"回乡丙"}
    assert names(client, status="outflow") == {"流出丁"}
    assert "流出丁" not in names(client, status="active")


def test_filters_combine(crowd, county, personas, login):
    client = login(personas.county_admin)
    assert names(client, org=county.chengguan.pk, gender="1", education="20") == {"王五"}
    assert names(client, org=county.qingshan.pk, status="active") == {"李四", "王五"}
    assert names(client, org=county.dongguan.pk, political_status="01", source="local") == {"张三"}
    assert names(client, org=county.shiqiao.pk, gender="2", status="outflow") == {"流出丁"}
    assert names(client, org=county.xiguan.pk, age="-35", education="40") == set()


def test_list_shows_only_the_jurisdiction_and_masks_identifiers(crowd, people, personas, login):
    client = login(personas.chengguan_clerk)  # 东关村
    assert names(client) == {"张三", "回乡丙"}
    html = login(personas.chengguan_admin).get("/people/").content.decode()
    assert people.zhang_san.id_number not in html
    assert "13812345678" not in html
    assert people.zhang_san.masked_id_number in html
    assert "138****5678" in html
    assert "李四" not in html


def test_pagination_keeps_the_filters_in_its_links(county, personas, login):
    Person.objects.bulk_create(
        [
            Person(
                name=f"引进{i:02d}",
                name_initials="yj",
                id_number=make_id("19900505", i),
                id_reversed=make_id("19900505", i)[::-1],
                gender="1" if i % 2 else "2",
                birth_date=datetime.date(1990, 5, 5),
                home_org=county.xiguan,
                source="introduced",
            )
            for i in range(1, 56)
        ]
    )
    client = login(personas.county_admin)
    params = {"source": "introduced", "org": str(county.xiguan.pk)}
    first = client.get("/people/", params)
    assert total(first) == 55
    assert len(first.context["page"].object_list) == 50
    links = [htmllib.unescape(h) for h in re.findall(r'href="(\?[^"]*)"', first.content.decode())]
    next_links = [h for h in links if parse_qs(urlsplit(h).query).get("page") == ["2"]]
    assert next_links, links
    query = parse_qs(urlsplit(next_links[0]).query)
    assert query["source"] == ["introduced"]
    assert query["org"] == [str(county.xiguan.pk)]

    second = client.get("/people/" + next_links[0])
    assert total(second) == 55
    assert len(second.context["page"].object_list) == 5
    assert {p.source for p in second.context["page"].object_list} == {"introduced"}
    back = [
        htmllib.unescape(h)
        for h in re.findall(r'href="(\?[^"]*)"', second.content.decode())
        if "page=1" in h
    ]
    assert back
    assert "source=introduced" in back[0]


# --- search -------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["zs", "ZS", "Zs", "z", "张", "张三", "ｚｓ"])
def test_search_finds_zhang_san_by_initials_or_name(people, personas, login, query):
    client = login(personas.county_admin)
    found = names(client, q=query)
    assert "张三" in found
    assert "李四" not in found


def test_search_by_the_last_four_digits_of_the_id(people, personas, login):
    client = login(personas.county_admin)
    tail = people.li_si.id_number[-4:]
    assert names(client, q=tail) == {"李四"}
    assert names(client, q=people.li_si.id_number[-6:]) == {"李四"}
    assert names(client, q=people.li_si.id_number) == set()  # more than 6: needs 查看完整信息


def test_search_by_three_digits_is_too_short_and_finds_nobody(people, personas, login):
    client = login(personas.county_admin)
    assert names(client, q=people.li_si.id_number[-3:]) == set()


def test_search_by_id_tail_ending_in_lower_case_x(county, personas, login):
    number = id_with_x_check_digit("19880101")
    Person.objects.create(
        name="孙叉",
        id_number=number,
        gender="1" if int(number[16]) % 2 else "2",
        birth_date="1988-01-01",
        home_org=county.xiguan,
    )
    client = login(personas.county_admin)
    assert names(client, q=number[-4:].lower()) == {"孙叉"}


def test_search_combines_with_filters(people, county, personas, login):
    client = login(personas.county_admin)
    assert names(client, q="ww", org=county.chengguan.pk) == {"王五"}
    assert names(client, q="zs", org=county.qingshan.pk) == set()


# --- the person form ----------------------------------------------------------------------------


def test_create_with_a_valid_id_fills_in_gender_and_birth_date(county, personas, login):
    client = login(personas.chengguan_clerk)
    response = client.post("/people/new/", new_person_data(county.dongguan))
    assert response.status_code == 302
    person = Person.objects.get(name="赵六")
    assert response["Location"] == f"/people/{person.pk}/"
    assert person.gender == "2"
    assert person.birth_date == datetime.date(1992, 7, 4)
    assert person.phone == "13700001234"
    assert person.name_initials == "zl"


def form_errors(response, field: str) -> str:
    assert response.status_code == 200
    errors = response.context["form"].errors.get(field)
    assert errors, f"no error on {field}: {response.context['form'].errors}"
    text = " ".join(errors)
    assert htmllib.escape(errors[0], quote=False) in response.content.decode()
    return text


def test_bad_check_digit_is_refused_on_the_id_field(county, personas, login):
    good = make_id("19920704", 42)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = login(personas.chengguan_clerk).post(
        "/people/new/", new_person_data(county.dongguan, id_number=bad)
    )
    assert "校验位" in form_errors(response, "id_number")
    assert not Person.objects.filter(name="赵六").exists()


def test_birth_date_disagreeing_with_the_id_is_refused(county, personas, login):
    response = login(personas.chengguan_clerk).post(
        "/people/new/", new_person_data(county.dongguan, birth_date="1992-07-05")
    )
    message = form_errors(response, "birth_date")
    assert "不一致" in message
    assert "1992-07-04" in message
    assert not Person.objects.filter(name="赵六").exists()


def test_gender_disagreeing_with_the_id_is_refused(county, personas, login):
    response = login(personas.chengguan_clerk).post(
        "/people/new/", new_person_data(county.dongguan, gender="1")
    )
    assert "性别与身份证号不一致" in form_errors(response, "gender")
    assert not Person.objects.filter(name="赵六").exists()


def test_gender_and_birth_date_agreeing_with_the_id_are_accepted(county, personas, login):
    response = login(personas.chengguan_clerk).post(
        "/people/new/", new_person_data(county.dongguan, gender="2", birth_date="1992-07-04")
    )
    assert response.status_code == 302


def test_bad_phone_is_refused_on_the_phone_field(county, personas, login):
    response = login(personas.chengguan_clerk).post(
        "/people/new/", new_person_data(county.dongguan, phone="12345")
    )
    assert "手机号码" in form_errors(response, "phone")
    assert not Person.objects.filter(name="赵六").exists()


def test_duplicate_id_is_refused_with_a_masked_message(people, county, personas, login):
    number = people.li_si.id_number  # 李四 lives in another township
    response = login(personas.chengguan_clerk).post(
        "/people/new/", new_person_data(county.dongguan, id_number=number)
    )
    message = form_errors(response, "id_number")
    assert "该身份证号无法在本单位登记，请联系上级人才办核实" in message  # neither name nor unit
    assert number not in message
    assert Person.objects.filter(id_number=number).count() == 1


def test_legacy_15_digit_id_is_upgraded_to_18(county, personas, login):
    legacy = "433130880808052"
    response = login(personas.chengguan_clerk).post(
        "/people/new/", new_person_data(county.dongguan, id_number=legacy)
    )
    assert response.status_code == 302
    person = Person.objects.get(name="赵六")
    assert person.id_number == make_id("19880808", 52)
    assert len(person.id_number) == 18
    assert person.birth_date == datetime.date(1988, 8, 8)
    assert person.gender == "2"


def test_lower_case_x_is_accepted_and_stored_upper_case(county, personas, login):
    number = id_with_x_check_digit("19750203")
    response = login(personas.chengguan_clerk).post(
        "/people/new/", new_person_data(county.dongguan, id_number=number.lower())
    )
    assert response.status_code == 302
    person = Person.objects.get(name="赵六")
    assert person.id_number == number
    assert person.id_number.endswith("X")
    assert person.id_reversed == number[::-1]


def test_clerk_cannot_register_someone_outside_the_village(county, personas, login):
    response = login(personas.chengguan_clerk).post("/people/new/", new_person_data(county.shiqiao))
    assert response.status_code == 200
    assert response.context["form"].errors["home_org"]
    assert not Person.objects.filter(name="赵六").exists()


def test_edit_with_blank_identifiers_keeps_the_stored_values(people, personas, login):
    zhang = people.zhang_san
    stored_id, stored_phone = zhang.id_number, zhang.phone
    response = login(personas.chengguan_clerk).post(
        f"/people/{zhang.pk}/edit/", edit_form_data(zhang, specialty="种植")
    )
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert (zhang.id_number, zhang.phone, zhang.specialty) == (stored_id, stored_phone, "种植")


def test_edit_with_new_identifiers_stores_them(people, personas, login):
    zhang = people.zhang_san
    new_id = make_id("19850312", 13)
    response = login(personas.chengguan_clerk).post(
        f"/people/{zhang.pk}/edit/", edit_form_data(zhang, id_number=new_id, phone="13900001111")
    )
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert (zhang.id_number, zhang.phone) == (new_id, "13900001111")


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("phone", "139-0000-1111", "13900001111"),
        ("phone", "+86 139 0000 1111", "13900001111"),
        ("id_number", "433130 19920704 042X", None),
    ],
)
def test_identifiers_typed_with_separators_are_normalised(
    county, personas, login, field, typed, stored
):
    if field == "id_number":
        number = id_with_x_check_digit("19920704")
        typed, stored = f"{number[:6]} {number[6:14]} {number[14:]}", number
    response = login(personas.chengguan_clerk).post(
        "/people/new/", new_person_data(county.dongguan, **{field: typed})
    )
    assert response.status_code == 302, response.context["form"].errors
    assert getattr(Person.objects.get(name="赵六"), field) == stored


def test_edit_page_never_contains_the_full_id_or_phone(people, personas, login):
    zhang = people.zhang_san
    client = login(personas.chengguan_clerk)
    for response in (
        client.get(f"/people/{zhang.pk}/edit/"),
        client.post(f"/people/{zhang.pk}/edit/", edit_form_data(zhang, name="")),  # re-rendered
        client.get(f"/people/{zhang.pk}/"),
    ):
        html = response.content.decode()
        assert response.status_code == 200
        assert zhang.id_number not in html
        assert "13812345678" not in html
    html = client.get(f"/people/{zhang.pk}/edit/").content.decode()
    assert zhang.masked_id_number in html
    assert "138****5678" in html


def test_edit_outside_the_jurisdiction_is_not_found(people, personas, login):
    li = people.li_si
    client = login(personas.chengguan_clerk)
    assert client.get(f"/people/{li.pk}/").status_code == 404
    assert client.post(f"/people/{li.pk}/edit/", edit_form_data(li, name="改名")).status_code == 404
    li.refresh_from_db()
    assert li.name == "李四"


def test_leader_reads_but_cannot_edit(people, personas, login):
    client = login(personas.chengguan_leader)
    zhang = people.zhang_san
    assert client.get(f"/people/{zhang.pk}/").status_code == 200
    assert client.post(f"/people/{zhang.pk}/edit/", edit_form_data(zhang)).status_code == 403
    assert client.post(f"/people/{zhang.pk}/delete/").status_code == 403
    assert Person.objects.filter(pk=zhang.pk).exists()


# --- status and delete --------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["outflow", "exited", "deceased"])
def test_status_change_needs_a_reason(people, personas, login, status):
    zhang = people.zhang_san
    client = login(personas.chengguan_clerk)
    response = client.post(f"/people/{zhang.pk}/status/", {"status": status, "reason": "  "})
    assert response.status_code == 200
    assert "原因" in " ".join(response.context["form"].errors["reason"])
    zhang.refresh_from_db()
    assert zhang.status == "active"

    response = client.post(f"/people/{zhang.pk}/status/", {"status": status, "reason": "外出务工"})
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert (zhang.status, zhang.status_reason) == (status, "外出务工")


def test_status_back_to_active_needs_no_reason(people, personas, login):
    zhang = people.zhang_san
    zhang.status, zhang.status_reason = "outflow", "外出务工"
    zhang.save()
    response = login(personas.chengguan_clerk).post(
        f"/people/{zhang.pk}/status/", {"status": "active", "reason": ""}
    )
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert (zhang.status, zhang.status_reason) == ("active", "")


def test_delete_asks_for_confirmation_then_removes_the_row(people, personas, login):
    zhang = people.zhang_san
    client = login(personas.chengguan_clerk)
    response = client.get(f"/people/{zhang.pk}/delete/")
    assert response.status_code == 200
    assert "确认删除" in response.content.decode()
    assert Person.objects.filter(pk=zhang.pk).exists()
    response = client.post(f"/people/{zhang.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert not Person.objects.filter(pk=zhang.pk).exists()
    assert "张三" not in names(client)


# --- home page ----------------------------------------------------------------------------------

FIGURE_LINK = re.compile(r'<a[^>]*href="(/people/\?[^"]*)"[^>]*>\s*(\d+)\s*</a>')


@pytest.mark.parametrize("role", ["county_admin", "chengguan_admin", "chengguan_clerk"])
def test_home_figures_equal_the_counts_of_the_lists_they_link_to(crowd, personas, login, role):
    tech = TalentCategory.objects.get(name="专业技术人才")
    crowd["young"].categories.set([tech])
    crowd["gone"].categories.set([tech])  # not 在册: not counted under 在册人员按人才类别
    client = login(getattr(personas, role))
    response = client.get("/home/")
    assert response.status_code == 200
    links = FIGURE_LINK.findall(response.content.decode())
    assert len(links) >= 4 + TalentCategory.objects.filter(is_active=True).count()
    assert any(int(n) > 0 for _href, n in links)
    for href, figure in links:
        target = client.get(htmllib.unescape(href))
        assert total(target) == int(figure), href
