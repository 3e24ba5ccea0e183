"""The REST API: authentication, the web list's filters and search, masking, writes, schema."""

import json
import re

import pytest
from conftest import make_id
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from rest_framework.authtoken.models import Token

from rencai.audit.models import AuditAction, AuditEvent
from rencai.orgs.models import OrgUnit
from rencai.people.models import Person, TalentCategory

FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")
FULL_PHONE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def token_client(user, **defaults) -> Client:
    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}", **defaults)


def api_names(client, **params) -> set[str]:
    response = client.get("/api/people/", params)
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["count"] == len(body["results"])
    return {row["name"] for row in body["results"]}


def web_names(client, **params) -> set[str]:
    response = client.get("/people/", params)
    assert response.status_code == 200
    return {p.name for p in response.context["page"].object_list}


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch_json(client, url, data):
    return client.patch(url, data, content_type="application/json")


# --- authentication -----------------------------------------------------------------------------


def test_token_authentication_works(people, personas):
    client = token_client(personas.chengguan_admin)
    assert api_names(client) == {"张三", "王五"}


def test_session_authentication_works(people, personas, login):
    assert api_names(login(personas.chengguan_admin)) == {"张三", "王五"}


@pytest.mark.parametrize("url", ["/api/people/", "/api/orgs/"])
def test_unauthenticated_requests_are_refused(people, url):
    response = Client().get(url)
    assert response.status_code in (401, 403)
    assert "张三" not in response.content.decode()
    response = post_json(Client(), url, {"name": "x"})
    assert response.status_code in (401, 403)


def test_a_wrong_token_is_refused(people, personas):
    Token.objects.create(user=personas.chengguan_admin)
    client = Client(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/people/")
    assert response.status_code in (401, 403)
    assert "张三" not in response.content.decode()


def test_token_of_a_disabled_account_is_refused(people, personas):
    client = token_client(personas.chengguan_admin)
    personas.chengguan_admin.is_active = False
    personas.chengguan_admin.save()
    response = client.get("/api/people/")
    assert response.status_code in (401, 403)
    assert "张三" not in response.content.decode()


@pytest.mark.parametrize("role", ["auditor", "sysadmin", "secadmin"])
def test_security_roles_read_no_personal_data_through_the_api(people, personas, role):
    response = token_client(getattr(personas, role)).get("/api/people/")
    assert response.status_code == 403
    assert "张三" not in response.content.decode()


def test_api_shows_only_the_jurisdiction(people, personas):
    client = token_client(personas.chengguan_clerk)  # 东关村
    assert api_names(client) == {"张三"}
    assert client.get(f"/api/people/{people.li_si.pk}/").status_code == 404
    response = patch_json(client, f"/api/people/{people.li_si.pk}/", {"phone": "13600000000"})
    assert response.status_code == 404
    people.li_si.refresh_from_db()
    assert people.li_si.phone == "13987654321"


# --- filters, search, masking -------------------------------------------------------------------


@pytest.fixture
def more_people(county, people):
    expert = TalentCategory.objects.get(name="土专家")
    extra = [
        ("回乡甲", "19800220", 41, county.dongguan, {"source": "returned", "education": "40"}),
        ("流出乙", "19990909", 42, county.xiguan, {"status": "outflow", "political_status": "01"}),
        ("张小三", "20000101", 43, county.shiqiao, {"education": "30"}),
    ]
    for name, birth, seq, home, fields in extra:
        person = Person.objects.create(
            name=name,
            id_number=make_id(birth, seq),
            gender="1" if seq % 2 else "2",
            birth_date=f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
            home_org=home,
            **fields,
        )
        if name == "回乡甲":
            person.categories.set([expert])
    return people


def filter_cases(county, people):
    farmer = TalentCategory.objects.get(name="农村实用人才")
    expert = TalentCategory.objects.get(name="土专家")
    return [
        {},
        {"org": county.chengguan.pk},
        {"org": county.qingshan.pk, "gender": "1"},
        {"category": farmer.pk},
        {"category": expert.pk, "source": "returned"},
        {"education": "20"},
        {"education": "30", "org": county.county.pk},
        {"age": "-35"},
        {"age": "56-"},
        {"political_status": "01"},
        {"status": "outflow"},
        {"status": "active", "gender": "2"},
        {"q": "zs"},
        {"q": "ZXS"},
        {"q": "张"},
        {"q": people.li_si.id_number[-4:]},
        {"q": people.li_si.id_number[-3:]},
        {"q": "zs", "org": county.qingshan.pk},
    ]


def test_api_supports_the_same_filters_and_search_as_the_web_list(
    more_people, county, personas, login
):
    client = login(personas.county_admin)
    for params in filter_cases(county, more_people):
        assert api_names(client, **params) == web_names(client, **params), params


def test_api_filters_give_the_expected_people(more_people, county, personas):
    client = token_client(personas.county_admin)
    assert api_names(client, q="zs") == {"张三"}
    assert api_names(client, q="张") == {"张三", "张小三"}
    assert api_names(client, org=county.chengguan.pk) == {"张三", "王五", "回乡甲", "流出乙"}
    assert api_names(client, status="outflow") == {"流出乙"}
    assert api_names(client, q=more_people.li_si.id_number[-4:]) == {"李四"}
    assert api_names(client, q=more_people.li_si.id_number[-3:]) == set()


def test_api_masks_id_numbers_and_phones(people, personas):
    client = token_client(personas.county_admin)
    response = client.get("/api/people/")
    text = response.content.decode()
    assert not FULL_ID.search(text)
    assert not FULL_PHONE.search(text)
    rows = {row["name"]: row for row in response.json()["results"]}
    zhang = people.zhang_san
    assert rows["张三"]["id_number"] == zhang.id_number[:4] + "*" * 13 + zhang.id_number[-1:]
    assert rows["张三"]["phone"] == "138****5678"
    assert rows["王五"]["phone"] == ""
    detail = client.get(f"/api/people/{zhang.pk}/").json()
    assert detail["id_number"] == zhang.masked_id_number
    assert detail["phone"] == "138****5678"


def test_api_masks_identifiers_even_to_a_user_with_can_reveal(people, personas):
    admin = personas.chengguan_admin
    admin.can_reveal = True
    admin.save()
    text = token_client(admin).get("/api/people/").content.decode()
    assert not FULL_ID.search(text)
    assert not FULL_PHONE.search(text)


# --- writes -------------------------------------------------------------------------------------


def new_person(home, **overrides) -> dict:
    data = {
        "name": "钱七",
        "id_number": make_id("19880808", 52),
        "phone": "13611112222",
        "home_org": home.pk,
        "source": "local",
    }
    data.update(overrides)
    return data


def test_post_creates_a_person_with_gender_and_birth_date_from_the_id(county, personas):
    client = token_client(personas.chengguan_admin)
    tech = TalentCategory.objects.get(name="专业技术人才")
    response = post_json(
        client,
        "/api/people/",
        new_person(county.xiguan, gender="1", birth_date="2000-01-01", categories=[tech.pk]),
    )
    assert response.status_code == 201, response.content.decode()
    person = Person.objects.get(name="钱七")
    assert person.id_number == make_id("19880808", 52)
    assert str(person.birth_date) == "1988-08-08"
    assert person.gender == "2"  # from the ID, not from the request
    assert person.phone == "13611112222"
    assert list(person.categories.values_list("name", flat=True)) == ["专业技术人才"]
    body = response.json()
    assert body["id_number"] == person.masked_id_number
    assert body["phone"] == "136****2222"
    assert (body["gender"], body["birth_month"]) == ("2", "1988-08")
    assert body["home_org_path"] == "示范县/城关镇/西关村"


def test_post_accepts_a_legacy_id_and_a_lower_case_x(county, personas):
    client = token_client(personas.chengguan_admin)
    response = post_json(
        client, "/api/people/", new_person(county.xiguan, id_number="433130880808052")
    )
    assert response.status_code == 201, response.content.decode()
    assert Person.objects.get(name="钱七").id_number == make_id("19880808", 52)


def test_post_with_a_bad_id_gives_400_with_the_chinese_message(county, personas):
    client = token_client(personas.chengguan_admin)
    good = make_id("19880808", 52)
    bad = good[:-1] + ("1" if good[-1] == "0" else "0")
    response = post_json(client, "/api/people/", new_person(county.xiguan, id_number=bad))
    assert response.status_code == 400
    errors = response.json()
    assert "校验位" in " ".join(errors["id_number"])
    assert not Person.objects.filter(name="钱七").exists()


def test_post_with_a_duplicate_id_gives_400(people, county, personas):
    client = token_client(personas.chengguan_admin)
    number = people.li_si.id_number
    response = post_json(client, "/api/people/", new_person(county.xiguan, id_number=number))
    assert response.status_code == 400
    message = " ".join(response.json()["id_number"])
    assert message == "该身份证号无法在本单位登记，请联系上级人才办核实"  # 李四 is out of reach
    assert number not in response.content.decode()
    assert Person.objects.filter(id_number=number).count() == 1


def test_post_with_a_bad_phone_gives_400(county, personas):
    client = token_client(personas.chengguan_admin)
    response = post_json(client, "/api/people/", new_person(county.xiguan, phone="12345"))
    assert response.status_code == 400
    assert "手机号码" in " ".join(response.json()["phone"])


def test_post_outside_the_jurisdiction_gives_400(county, personas):
    client = token_client(personas.chengguan_admin)
    response = post_json(client, "/api/people/", new_person(county.shiqiao))
    assert response.status_code == 400
    assert "home_org" in response.json()
    assert not Person.objects.filter(name="钱七").exists()


def test_leader_cannot_write_through_the_api(county, people, personas):
    client = token_client(personas.chengguan_leader)
    assert api_names(client) == {"张三", "王五"}
    assert post_json(client, "/api/people/", new_person(county.xiguan)).status_code == 403
    url = f"/api/people/{people.zhang_san.pk}/"
    assert patch_json(client, url, {"phone": "13600000000"}).status_code == 403


def test_patch_phone_is_saved_and_audited_with_the_token_user(people, personas):
    zhang = people.zhang_san
    client = token_client(personas.chengguan_admin, REMOTE_ADDR="10.9.8.7")
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    response = patch_json(client, f"/api/people/{zhang.pk}/", {"phone": "+86 186-0000-1234"})
    assert response.status_code == 200, response.content.decode()
    assert response.json()["phone"] == "186****1234"
    zhang.refresh_from_db()
    assert zhang.phone == "18600001234"
    assert zhang.id_number == make_id("19850312", 11)
    event = AuditEvent.objects.get(
        id__gt=start,
        action=AuditAction.UPDATE,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(zhang.pk),
    )
    assert event.changes == {"phone": ["138****5678", "186****1234"]}
    assert event.username == "chengguan_admin"
    assert event.user == personas.chengguan_admin
    assert event.ip == "10.9.8.7"
    assert event.request_id == response["X-Request-ID"]


def test_patch_with_a_bad_phone_changes_nothing(people, personas):
    zhang = people.zhang_san
    client = token_client(personas.chengguan_admin)
    response = patch_json(client, f"/api/people/{zhang.pk}/", {"phone": "010-12345678"})
    assert response.status_code == 400
    assert "固定电话" in " ".join(response.json()["phone"])
    zhang.refresh_from_db()
    assert zhang.phone == "13812345678"


# --- schema and docs ----------------------------------------------------------------------------


def test_schema_is_an_openapi_3_document_listing_people_and_orgs(personas, login):
    response = login(personas.county_admin).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert str(schema["openapi"]).startswith("3")
    assert "/api/people/" in schema["paths"]
    assert "/api/orgs/" in schema["paths"]
    assert "/api/people/{id}/" in schema["paths"]
    assert {"get", "post"} <= set(schema["paths"]["/api/people/"])


def test_docs_page_renders(personas, login):
    client = login(personas.county_admin)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    # The init script, naming the schema, is a file of its own (no inline script: the CSP).
    assert "/api/schema/" in client.get("/api/docs/?script=").content.decode()


def test_docs_page_references_no_outside_host(personas, login):
    html = login(personas.county_admin).get("/api/docs/").content.decode()
    outside = re.findall(r"(?:https?:)?//[a-zA-Z0-9.-]+\.[a-z]{2,}[^\s\"']*", html)
    assert outside == []


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_need_a_login(db, url):
    assert Client().get(url).status_code in (302, 401, 403)


# --- orgs ---------------------------------------------------------------------------------------


def test_county_admin_creates_a_unit_through_the_api(county, personas):
    client = token_client(personas.county_admin)
    response = post_json(
        client,
        "/api/orgs/",
        {"name": "南门社区", "kind": "community", "parent": county.chengguan.pk},
    )
    assert response.status_code == 201, response.content.decode()
    unit = OrgUnit.objects.get(name="南门社区")
    assert unit.parent == county.chengguan
    assert unit.path.startswith(county.chengguan.path)
    assert response.json()["name_path"] == "示范县/城关镇/南门社区"
    assert response.json()["level"] == 3
    event = AuditEvent.objects.get(
        action=AuditAction.CREATE,
        content_type=ContentType.objects.get_for_model(OrgUnit),
        object_id=str(unit.pk),
    )
    assert event.username == "county_admin"


def test_org_unit_without_a_parent_is_refused(county, personas):
    client = token_client(personas.county_admin)
    response = post_json(client, "/api/orgs/", {"name": "新县", "kind": "county", "parent": None})
    assert response.status_code == 400
    assert "上级" in " ".join(response.json()["parent"])
    assert not OrgUnit.objects.filter(name="新县").exists()


@pytest.mark.parametrize("role", ["chengguan_admin", "chengguan_clerk"])
def test_township_roles_cannot_create_units_through_the_api(county, personas, role):
    client = token_client(getattr(personas, role))
    response = post_json(
        client,
        "/api/orgs/",
        {"name": "南门社区", "kind": "community", "parent": county.chengguan.pk},
    )
    assert response.status_code == 403
    assert not OrgUnit.objects.filter(name="南门社区").exists()


def test_orgs_api_lists_the_jurisdiction(county, personas):
    response = token_client(personas.chengguan_admin).get("/api/orgs/")
    assert response.status_code == 200
    paths = {row["name_path"] for row in response.json()["results"]}
    assert paths == {
        "示范县/城关镇",
        "示范县/城关镇/东关村",
        "示范县/城关镇/西关村",
        "示范县/城关镇/城关镇卫生院",
    }


def test_moving_a_unit_under_its_own_descendant_through_the_api_is_refused(county, personas):
    client = token_client(personas.county_admin)
    response = patch_json(
        client, f"/api/orgs/{county.chengguan.pk}/", {"parent": county.dongguan.pk}
    )
    assert response.status_code == 400
    assert "下级" in response.content.decode()
    county.chengguan.refresh_from_db()
    assert county.chengguan.parent == county.county
