"""Jurisdiction is proven, not assumed: every page and API endpoint × every persona.

The fixture county (see conftest.py): 张三 lives in 东关村 (城关镇); 李四 lives in 石桥村
(青山镇); 王五 lives in 石桥村 but works at 城关镇卫生院, so both townships see him.

The rules under test:
- county_admin sees and edits everyone in the county;
- a township admin sees and edits Persons whose home OR work unit is in their township;
- the 东关村 clerk edits the Persons of 东关村 only;
- the leader of 城关镇 reads his township and changes nothing (403 on every write);
- the three security roles (sysadmin, secadmin, auditor) see no personal data at all;
- out of jurisdiction is 404 (the record does not exist for you), a wrong role is 403.
"""

import re

import pytest
from conftest import PASSWORD, log_in_client, make_id
from django.db import IntegrityError, transaction
from django.test import Client
from helpers import edit_form_data
from rest_framework.authtoken.models import Token

from rencai.accounts.models import User
from rencai.accounts.roles import BUSINESS_ROLES, Role
from rencai.audit.models import AuditAction, AuditEvent
from rencai.orgs.choices import OrgKind
from rencai.orgs.models import OrgUnit
from rencai.people import actions
from rencai.people.models import Person
from rencai.standards.idnumber import mask_id_number
from rencai.standards.phone import mask_phone

# A full ID number or mobile number standing alone (not inside a longer token such as a
# hex request id).
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")
FULL_PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")

BUSINESS = [
    "county_admin",
    "chengguan_admin",
    "chengguan_leader",
    "chengguan_clerk",
    "outsider_admin",
]
EDITORS = ["county_admin", "chengguan_admin", "chengguan_clerk", "outsider_admin"]
SECURITY = ["sysadmin", "secadmin", "auditor"]
PERSONAS = BUSINESS + SECURITY

ZHANG, LI, WANG = "张三", "李四", "王五"
EVERYONE = {ZHANG, LI, WANG}
PERSON_ATTR = {ZHANG: "zhang_san", LI: "li_si", WANG: "wang_wu"}

# Who sees whom: the heart of the matrix.
VISIBLE = {
    "county_admin": {ZHANG, LI, WANG},
    "chengguan_admin": {ZHANG, WANG},
    "chengguan_leader": {ZHANG, WANG},
    "chengguan_clerk": {ZHANG},
    "outsider_admin": {LI, WANG},
    "sysadmin": set(),
    "secadmin": set(),
    "auditor": set(),
}

# Which units each persona's jurisdiction holds.
ALL_UNITS = {"示范县", "城关镇", "东关村", "西关村", "城关镇卫生院", "青山镇", "石桥村", "县教育局"}
CHENGGUAN_UNITS = {"城关镇", "东关村", "西关村", "城关镇卫生院"}
UNITS = {
    "county_admin": ALL_UNITS,
    "chengguan_admin": CHENGGUAN_UNITS,
    "chengguan_leader": CHENGGUAN_UNITS,
    "chengguan_clerk": {"东关村"},
    "outsider_admin": {"青山镇", "石桥村"},
}
UNIT_ATTR = {
    "示范县": "county",
    "城关镇": "chengguan",
    "东关村": "dongguan",
    "西关村": "xiguan",
    "城关镇卫生院": "clinic",
    "青山镇": "qingshan",
    "石桥村": "shiqiao",
    "县教育局": "education",
}


def read_status(persona: str, name: str) -> int:
    """Expected status of a read (detail page, API GET) by `persona` of Person `name`."""
    if persona in SECURITY:
        return 403
    return 200 if name in VISIBLE[persona] else 404


def write_status(persona: str, name: str, ok: int = 200) -> int:
    """Expected status of a write page or API write: wrong role 403, out of reach 404."""
    if persona not in EDITORS:
        return 403
    return ok if name in VISIBLE[persona] else 404


def person_of(people, name: str) -> Person:
    return getattr(people, PERSON_ATTR[name])


def row(person: Person) -> dict:
    """Everything stored about one Person, to prove that nothing changed."""
    fresh = Person.objects.filter(pk=person.pk).values().first()
    assert fresh is not None, f"{person.name} was deleted"
    return {**fresh, "categories": sorted(person.categories.values_list("pk", flat=True))}


def person_events(person: Person) -> int:
    return AuditEvent.objects.filter(content_type__model="person", object_id=str(person.pk)).count()


def names_in_list(response, people) -> set[str]:
    """The Persons linked from the rows of the /people/ table."""
    assert response.status_code == 200
    html = response.content.decode()
    by_pk = {person_of(people, n).pk: n for n in EVERYONE}
    return {
        by_pk[int(pk)] for pk in re.findall(r'href="/people/(\d+)/">', html) if int(pk) in by_pk
    }


def names_in_api(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {r["name"] for r in response.json()["results"]}


def api_payload(person: Person, **changes) -> dict:
    """A complete PUT body for /api/people/<pk>/ (the ID is written in full)."""
    person = Person.objects.get(pk=person.pk)
    data = {
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "home_org": person.home_org_id,
        "work_org": person.work_org_id,
        "education": person.education,
        "political_status": person.political_status,
        "specialty": person.specialty,
        "source": person.source,
        "categories": list(person.categories.values_list("pk", flat=True)),
    }
    data.update(changes)
    return data


def assert_no_full_identifiers(text: str, people=None) -> None:
    assert not FULL_ID.search(text), f"full ID number in page: {FULL_ID.search(text).group()}"
    assert not FULL_PHONE.search(text), f"full phone in page: {FULL_PHONE.search(text).group()}"
    if people is not None:
        for name in EVERYONE:
            person = person_of(people, name)
            assert person.id_number not in text
            if person.phone:
                assert person.phone not in text


@pytest.fixture
def world(county, personas, people):
    """All three fixtures at once, as one object for the matrix tests."""

    class World:
        pass

    w = World()
    w.c, w.u, w.p = county, personas, people
    return w


# ---------------------------------------------------------------------------------------
# Person list and search: which of 张三/李四/王五 appear, per persona and query.
# ---------------------------------------------------------------------------------------

# query name -> (query string builder, the Persons the query matches in the whole county)
QUERIES = {
    "all": (lambda p: "", EVERYONE),
    "initials_zs": (lambda p: "q=zs", {ZHANG}),
    "name_zhangsan": (lambda p: "q=张三", {ZHANG}),
    "one_char_wang": (lambda p: "q=王", {WANG}),
    "id_tail_zhangsan": (lambda p: f"q={p.zhang_san.id_number[-4:]}", {ZHANG}),
    "id_tail_lisi": (lambda p: f"q={p.li_si.id_number[-4:]}", {LI}),
    "id_tail_wangwu": (lambda p: f"q={p.wang_wu.id_number[-4:]}", {WANG}),
}


@pytest.mark.parametrize("query", list(QUERIES))
@pytest.mark.parametrize("persona", BUSINESS)
def test_person_list_shows_exactly_the_jurisdiction(world, login, persona, query):
    build, matches = QUERIES[query]
    client = login(getattr(world.u, persona))
    response = client.get(f"/people/?{build(world.p)}")
    assert names_in_list(response, world.p) == VISIBLE[persona] & matches


@pytest.mark.parametrize("query", list(QUERIES))
@pytest.mark.parametrize("persona", BUSINESS)
def test_api_person_list_shows_exactly_the_jurisdiction(world, login, persona, query):
    build, matches = QUERIES[query]
    client = login(getattr(world.u, persona))
    response = client.get(f"/api/people/?{build(world.p)}")
    assert names_in_api(response) == VISIBLE[persona] & matches


# (persona, unit) where the unit lies inside the persona's jurisdiction -> who is listed
ORG_FILTER_INSIDE = [
    ("county_admin", "示范县", EVERYONE),
    ("county_admin", "城关镇", {ZHANG, WANG}),
    ("county_admin", "青山镇", {LI, WANG}),
    ("county_admin", "城关镇卫生院", {WANG}),
    ("chengguan_admin", "城关镇", {ZHANG, WANG}),
    ("chengguan_admin", "东关村", {ZHANG}),
    ("chengguan_admin", "城关镇卫生院", {WANG}),
    ("chengguan_admin", "西关村", set()),
    ("chengguan_leader", "城关镇卫生院", {WANG}),
    ("chengguan_clerk", "东关村", {ZHANG}),
    ("outsider_admin", "青山镇", {LI, WANG}),
    ("outsider_admin", "石桥村", {LI, WANG}),
]


@pytest.mark.parametrize(("persona", "unit", "expected"), ORG_FILTER_INSIDE)
@pytest.mark.parametrize("base", ["/people/", "/api/people/"])
def test_org_filter_inside_jurisdiction_lists_that_units_people(
    world, login, base, persona, unit, expected
):
    client = login(getattr(world.u, persona))
    org = getattr(world.c, UNIT_ATTR[unit])
    response = client.get(f"{base}?org={org.pk}")
    shown = names_in_api(response) if base.startswith("/api/") else names_in_list(response, world.p)
    assert shown == expected


# (persona, a unit outside the persona's jurisdiction, Persons who must never be listed)
ORG_FILTER_OUTSIDE = [
    ("chengguan_admin", "石桥村", {LI}),
    ("chengguan_admin", "青山镇", {LI}),
    ("chengguan_leader", "石桥村", {LI}),
    ("chengguan_clerk", "城关镇卫生院", {WANG, LI}),
    ("chengguan_clerk", "城关镇", {WANG, LI}),
    ("outsider_admin", "东关村", {ZHANG}),
    ("outsider_admin", "城关镇", {ZHANG}),
]


@pytest.mark.parametrize(("persona", "unit", "never"), ORG_FILTER_OUTSIDE)
@pytest.mark.parametrize("base", ["/people/", "/api/people/"])
def test_org_filter_outside_jurisdiction_reveals_nobody_outside(
    world, login, base, persona, unit, never
):
    client = login(getattr(world.u, persona))
    org = getattr(world.c, UNIT_ATTR[unit])
    response = client.get(f"{base}?org={org.pk}")
    if base.startswith("/api/"):
        # DRF refuses a choice that is not offered; either way nobody outside is listed.
        assert response.status_code in (200, 400)
        shown = names_in_api(response) if response.status_code == 200 else set()
    else:
        shown = names_in_list(response, world.p)
    assert shown <= VISIBLE[persona]
    assert not shown & never


# ---------------------------------------------------------------------------------------
# The outsider (青山镇's admin) and 城关镇's 张三: 404 everywhere, nothing found.
# ---------------------------------------------------------------------------------------

OUTSIDER_DOORS = [
    ("get", "/people/{pk}/", None),
    ("get", "/people/{pk}/edit/", None),
    ("post", "/people/{pk}/edit/", "form"),
    ("get", "/people/{pk}/status/", None),
    ("post", "/people/{pk}/status/", {"status": "outflow", "reason": "外出务工"}),
    ("get", "/people/{pk}/delete/", None),
    ("post", "/people/{pk}/delete/", {}),
    ("get", "/api/people/{pk}/", None),
    ("patch", "/api/people/{pk}/", {"specialty": "外人改的"}),
    ("put", "/api/people/{pk}/", "api"),
]


@pytest.mark.parametrize(
    ("method", "url", "data"),
    OUTSIDER_DOORS,
    ids=[f"{m}-{u.strip('/').replace('/{pk}', '')}" for m, u, _ in OUTSIDER_DOORS],
)
def test_outsider_gets_404_for_chengguan_person(world, login, method, url, data):
    zhang = world.p.zhang_san
    before, events = row(zhang), person_events(zhang)
    client = login(world.u.outsider_admin)
    if data == "form":
        data = edit_form_data(zhang, specialty="外人改的")
    elif data == "api":
        data = api_payload(zhang, specialty="外人改的")
    kwargs = {"content_type": "application/json"} if method in ("patch", "put") else {}
    response = getattr(client, method)(url.format(pk=zhang.pk), data, **kwargs)
    assert response.status_code == 404
    assert row(zhang) == before
    assert person_events(zhang) == events


def test_outsider_gets_404_for_chengguan_person_reveal_even_with_reveal_permission(world, login):
    outsider = world.u.outsider_admin
    outsider.can_reveal = True
    outsider.save()
    response = login(outsider).post(f"/people/{world.p.zhang_san.pk}/reveal/")
    assert response.status_code == 404
    assert world.p.zhang_san.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


@pytest.mark.parametrize("how", ["name", "initials", "id_tail"])
@pytest.mark.parametrize("base", ["/people/", "/api/people/"])
def test_outsider_finds_nobody_searching_for_zhang_san(world, login, base, how):
    q = {"name": "张三", "initials": "zs", "id_tail": world.p.zhang_san.id_number[-4:]}[how]
    response = login(world.u.outsider_admin).get(base, {"q": q})
    shown = names_in_api(response) if base.startswith("/api/") else names_in_list(response, world.p)
    assert shown == set()
    # The search box echoes the query; the name must not appear anywhere else.
    text = response.content.decode().replace(f'value="{q}"', "")
    assert "张三" not in text
    assert world.p.zhang_san.id_number not in text


def test_outsider_token_gets_404_for_zhang_san_and_sees_only_qingshan(world):
    token = Token.objects.create(user=world.u.outsider_admin)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    zhang = world.p.zhang_san
    before = row(zhang)
    assert names_in_api(client.get("/api/people/")) == {LI, WANG}
    assert client.get(f"/api/people/{zhang.pk}/").status_code == 404
    response = client.patch(
        f"/api/people/{zhang.pk}/", {"specialty": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert row(zhang) == before


# ---------------------------------------------------------------------------------------
# Detail and write pages: status per persona × Person.
# ---------------------------------------------------------------------------------------

MATRIX = [(persona, name) for persona in PERSONAS for name in (ZHANG, LI, WANG)]


@pytest.mark.parametrize(("persona", "name"), MATRIX)
def test_person_detail_status_matrix(world, login, persona, name):
    person = person_of(world.p, name)
    response = login(getattr(world.u, persona)).get(f"/people/{person.pk}/")
    assert response.status_code == read_status(persona, name)
    if response.status_code == 200:
        assert person.name in response.content.decode()


@pytest.mark.parametrize("page", ["edit", "status", "delete"])
@pytest.mark.parametrize(("persona", "name"), MATRIX)
def test_person_write_page_get_status_matrix(world, login, persona, name, page):
    person = person_of(world.p, name)
    response = login(getattr(world.u, persona)).get(f"/people/{person.pk}/{page}/")
    assert response.status_code == write_status(persona, name)


@pytest.mark.parametrize(("persona", "name"), MATRIX)
def test_person_delete_post_matrix(world, login, persona, name):
    person = person_of(world.p, name)
    response = login(getattr(world.u, persona)).post(f"/people/{person.pk}/delete/")
    expected = write_status(persona, name, ok=302)
    assert response.status_code == expected
    assert Person.objects.filter(pk=person.pk).exists() == (expected != 302)


@pytest.mark.parametrize(("persona", "name"), MATRIX)
def test_person_status_post_matrix(world, login, persona, name):
    person = person_of(world.p, name)
    response = login(getattr(world.u, persona)).post(
        f"/people/{person.pk}/status/", {"status": "outflow", "reason": "外出务工"}
    )
    expected = write_status(persona, name, ok=302)
    assert response.status_code == expected
    person.refresh_from_db()
    assert person.status == ("outflow" if expected == 302 else "active")


# Editing a Person's own fields, keeping his units as they are. 王五 belongs to both
# townships; each township admin must be able to edit him without moving him.
EDIT_POST_MATRIX = MATRIX


@pytest.mark.parametrize(("persona", "name"), EDIT_POST_MATRIX)
def test_person_edit_post_matrix(world, login, persona, name):
    person = person_of(world.p, name)
    before = row(person)
    response = login(getattr(world.u, persona)).post(
        f"/people/{person.pk}/edit/", edit_form_data(person, specialty="新特长")
    )
    expected = write_status(persona, name, ok=302)
    assert response.status_code == expected
    after = row(person)
    if expected == 302:
        assert after["specialty"] == "新特长"
        assert (after["home_org_id"], after["work_org_id"]) == (
            before["home_org_id"],
            before["work_org_id"],
        )
    else:
        assert after == before


def test_edit_form_of_shared_person_keeps_his_other_township_home_selected(world, login):
    wang = world.p.wang_wu
    html = login(world.u.chengguan_admin).get(f"/people/{wang.pk}/edit/").content.decode()
    select = re.search(r'<select name="home_org".*?</select>', html, re.S).group()
    assert re.search(rf'<option value="{wang.home_org_id}" selected>', select)


@pytest.mark.parametrize(("persona", "name"), MATRIX)
def test_person_reveal_matrix_with_reveal_permission(world, login, persona, name):
    user = getattr(world.u, persona)
    if user.role in BUSINESS_ROLES:
        user.can_reveal = True
        user.save()
    else:  # the database refuses the reveal permission to a 三员 account (三员分立)
        user.can_reveal = True
        with pytest.raises(IntegrityError), transaction.atomic():
            user.save()
    person = person_of(world.p, name)
    response = login(user).post(f"/people/{person.pk}/reveal/")
    assert response.status_code == read_status(persona, name)
    reveals = AuditEvent.objects.filter(action=AuditAction.REVEAL, object_id=str(person.pk))
    if response.status_code == 200:
        assert person.id_number in response.content.decode()
        assert reveals.filter(username=user.username).count() == 1
    else:
        assert person.id_number not in response.content.decode()
        assert not reveals.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_person_reveal_without_reveal_permission_is_403(world, login, persona):
    zhang = world.p.zhang_san
    response = login(getattr(world.u, persona)).post(f"/people/{zhang.pk}/reveal/")
    assert response.status_code == 403
    assert zhang.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


# ---------------------------------------------------------------------------------------
# API detail, PATCH and PUT per persona × Person (session and token).
# ---------------------------------------------------------------------------------------


def _client(world, persona: str, auth: str) -> Client:
    user = getattr(world.u, persona)
    if auth == "token":
        return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return log_in_client(user)


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize(("persona", "name"), MATRIX)
def test_api_person_detail_matrix(world, persona, name, auth):
    person = person_of(world.p, name)
    response = _client(world, persona, auth).get(f"/api/people/{person.pk}/")
    assert response.status_code == read_status(persona, name)
    if response.status_code == 200:
        assert response.json()["id_number"] == mask_id_number(person.id_number)


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize(("persona", "name"), MATRIX)
def test_api_person_patch_matrix(world, persona, name, auth):
    person = person_of(world.p, name)
    before = row(person)
    response = _client(world, persona, auth).patch(
        f"/api/people/{person.pk}/", {"specialty": "新特长"}, content_type="application/json"
    )
    assert response.status_code == write_status(persona, name)
    after = row(person)
    if response.status_code == 200:
        assert after["specialty"] == "新特长"
        assert response.json()["id_number"] == mask_id_number(person.id_number)
    else:
        assert after == before


# PUT sends the whole record, units included; a Person shared between townships can only be
# PUT by someone whose jurisdiction holds both of his units.
PUT_MATRIX = MATRIX


@pytest.mark.parametrize(("persona", "name"), PUT_MATRIX)
def test_api_person_put_matrix(world, login, persona, name):
    person = person_of(world.p, name)
    before = row(person)
    response = login(getattr(world.u, persona)).put(
        f"/api/people/{person.pk}/",
        api_payload(person, specialty="新特长"),
        content_type="application/json",
    )
    assert response.status_code == write_status(persona, name), response.content
    after = row(person)
    if response.status_code == 200:
        assert after["specialty"] == "新特长"
    else:
        assert after == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_person_create_is_for_editors_only(world, login, persona):
    user = getattr(world.u, persona)
    count = Person.objects.count()
    payload = {
        "name": "赵六",
        "id_number": make_id("19951111", 44),
        "home_org": user.org_id,
        "source": "local",
    }
    response = login(user).post("/api/people/", payload, content_type="application/json")
    if persona in EDITORS:
        assert response.status_code == 201, response.content
        assert Person.objects.count() == count + 1
    else:
        assert response.status_code == 403
        assert Person.objects.count() == count


# ---------------------------------------------------------------------------------------
# Moving a Person out of one's jurisdiction is refused, and nothing changes.
# ---------------------------------------------------------------------------------------


def test_township_admin_moving_person_into_another_township_by_form_is_refused(world, login):
    zhang = world.p.zhang_san
    before, events = row(zhang), person_events(zhang)
    response = login(world.u.chengguan_admin).post(
        f"/people/{zhang.pk}/edit/", edit_form_data(zhang, home_org=world.c.shiqiao.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert row(zhang) == before
    assert person_events(zhang) == events


def test_township_admin_moving_person_within_own_township_succeeds(world, login):
    """The control for the refusal above: the same form, a unit inside 城关镇, is saved."""
    zhang = world.p.zhang_san
    response = login(world.u.chengguan_admin).post(
        f"/people/{zhang.pk}/edit/", edit_form_data(zhang, home_org=world.c.xiguan.pk)
    )
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert zhang.home_org == world.c.xiguan


def test_township_admin_moving_person_into_another_township_by_api_is_refused(world, login):
    zhang = world.p.zhang_san
    before, events = row(zhang), person_events(zhang)
    response = login(world.u.chengguan_admin).patch(
        f"/api/people/{zhang.pk}/",
        {"home_org": world.c.shiqiao.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "home_org" in response.json()
    assert row(zhang) == before
    assert person_events(zhang) == events


def test_township_admin_dropping_the_only_local_link_of_shared_person_is_refused(world, login):
    """王五 is 城关镇's only through his work unit; clearing it would hand him to 青山镇."""
    wang = world.p.wang_wu
    before, events = row(wang), person_events(wang)
    response = login(world.u.chengguan_admin).patch(
        f"/api/people/{wang.pk}/", {"work_org": None}, content_type="application/json"
    )
    assert response.status_code == 400
    assert row(wang) == before
    assert person_events(wang) == events


def test_save_person_rolls_back_a_move_out_of_jurisdiction(world):
    """The last line of defence, whatever form or serializer sits in front of it."""
    zhang = world.p.zhang_san
    before, events = row(zhang), person_events(zhang)
    zhang.home_org = world.c.shiqiao
    with pytest.raises(actions.OutOfJurisdiction):
        actions.save_person(zhang, acting_user=world.u.chengguan_admin)
    assert row(zhang) == before
    assert person_events(zhang) == events


@pytest.mark.parametrize("unit", ["西关村", "城关镇卫生院", "城关镇"])
def test_clerk_moving_person_out_of_own_village_by_form_is_refused(world, login, unit):
    zhang = world.p.zhang_san
    before, events = row(zhang), person_events(zhang)
    target = getattr(world.c, UNIT_ATTR[unit])
    response = login(world.u.chengguan_clerk).post(
        f"/people/{zhang.pk}/edit/", edit_form_data(zhang, home_org=target.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert row(zhang) == before
    assert person_events(zhang) == events


def test_clerk_moving_person_out_of_own_village_by_api_is_refused(world, login):
    zhang = world.p.zhang_san
    before = row(zhang)
    response = login(world.u.chengguan_clerk).patch(
        f"/api/people/{zhang.pk}/", {"home_org": world.c.xiguan.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert row(zhang) == before


@pytest.mark.parametrize("persona", ["chengguan_admin", "chengguan_clerk", "outsider_admin"])
def test_registering_a_person_outside_own_jurisdiction_is_refused(world, login, persona):
    user = getattr(world.u, persona)
    outside = world.c.education  # 县教育局: in the county, in no township
    count = Person.objects.count()
    data = edit_form_data(world.p.zhang_san, name="赵六", home_org=outside.pk, work_org="")
    data["id_number"] = make_id("19951111", 44)
    response = login(user).post("/people/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors
    api = login(user).post(
        "/api/people/",
        {"name": "赵六", "id_number": data["id_number"], "home_org": outside.pk},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert Person.objects.count() == count


# ---------------------------------------------------------------------------------------
# The leader reads and changes nothing.
# ---------------------------------------------------------------------------------------

LEADER_WRITES = [
    ("get", "/people/new/", None),
    ("post", "/people/new/", "new"),
    ("get", "/people/{pk}/edit/", None),
    ("post", "/people/{pk}/edit/", "form"),
    ("get", "/people/{pk}/status/", None),
    ("post", "/people/{pk}/status/", {"status": "outflow", "reason": "外出务工"}),
    ("get", "/people/{pk}/delete/", None),
    ("post", "/people/{pk}/delete/", {}),
    ("post", "/people/{pk}/reveal/", {}),
    ("post", "/api/people/", "api-new"),
    ("patch", "/api/people/{pk}/", {"specialty": "领导改的"}),
    ("put", "/api/people/{pk}/", "api"),
]


@pytest.mark.parametrize(
    ("method", "url", "data"),
    LEADER_WRITES,
    ids=[f"{m}-{u.strip('/').replace('/{pk}', '')}" for m, u, _ in LEADER_WRITES],
)
def test_leader_gets_403_on_every_write_and_nothing_changes(world, login, method, url, data):
    zhang = world.p.zhang_san
    before, count = row(zhang), Person.objects.count()
    new_id = make_id("19951111", 44)
    bodies = {
        "form": edit_form_data(zhang, specialty="领导改的"),
        "new": {**edit_form_data(zhang, name="赵六"), "id_number": new_id},
        "api": api_payload(zhang, specialty="领导改的"),
        "api-new": {"name": "赵六", "id_number": new_id, "home_org": world.c.chengguan.pk},
    }
    if isinstance(data, str):
        data = bodies[data]
    kwargs = {"content_type": "application/json"} if url.startswith("/api/") else {}
    client = login(world.u.chengguan_leader)
    response = getattr(client, method)(url.format(pk=zhang.pk), data or {}, **kwargs)
    assert response.status_code == 403
    assert row(zhang) == before
    assert Person.objects.count() == count


def test_leader_reads_his_township_but_is_offered_no_edit_buttons(world, login):
    client = login(world.u.chengguan_leader)
    zhang = world.p.zhang_san
    assert names_in_list(client.get("/people/"), world.p) == {ZHANG, WANG}
    html = client.get(f"/people/{zhang.pk}/").content.decode()
    assert f"/people/{zhang.pk}/edit/" not in html
    assert f"/people/{zhang.pk}/delete/" not in html
    assert "/people/new/" not in client.get("/people/").content.decode()


# ---------------------------------------------------------------------------------------
# The three security roles see no personal data.
# ---------------------------------------------------------------------------------------

SECURITY_DENIED = [
    ("get", "/home/"),
    ("get", "/people/"),
    ("get", "/people/?q=zs"),
    ("get", "/people/new/"),
    ("get", "/people/{pk}/"),
    ("get", "/people/{pk}/edit/"),
    ("get", "/people/{pk}/status/"),
    ("get", "/people/{pk}/delete/"),
    ("post", "/people/{pk}/delete/"),
    ("post", "/people/{pk}/reveal/"),
    ("get", "/orgs/"),
    ("get", "/api/people/"),
    ("get", "/api/people/?q=zs"),
    ("get", "/api/people/{pk}/"),
    ("patch", "/api/people/{pk}/"),
    ("get", "/api/orgs/"),
]


@pytest.mark.parametrize(("method", "url"), SECURITY_DENIED)
@pytest.mark.parametrize("persona", SECURITY)
def test_security_roles_get_403_on_people_pages_and_api(world, login, persona, method, url):
    zhang = world.p.zhang_san
    before = row(zhang)
    kwargs = {"content_type": "application/json"} if method == "patch" else {}
    client = login(getattr(world.u, persona))
    response = getattr(client, method)(url.format(pk=zhang.pk), **kwargs)
    assert response.status_code == 403
    assert "张三" not in response.content.decode()
    assert row(zhang) == before


def _some_activity(world, login) -> None:
    """Edits that put personal data into the audit trail: new phone, new ID, a reveal."""
    admin = world.u.chengguan_admin
    admin.can_reveal = True
    admin.save()
    client = login(admin)
    zhang = world.p.zhang_san
    new_id = make_id("19850312", 99)
    response = client.post(
        f"/people/{zhang.pk}/edit/",
        edit_form_data(zhang, phone="13700001111", id_number=new_id, specialty="种植"),
    )
    assert response.status_code == 302
    assert client.post(f"/people/{zhang.pk}/reveal/").status_code == 200
    assert client.post(f"/people/{zhang.pk}/delete/").status_code == 302
    zhang.id_number, zhang.phone = new_id, "13700001111"  # the values to look for


def _pages_open_to(world, persona: str) -> list[str]:
    clerk = world.u.chengguan_clerk.pk
    common = ["/", "/accounts/password/"]
    if persona == "sysadmin":
        return [
            *common,
            "/accounts/users/",
            "/accounts/users/new/",
            f"/accounts/users/{clerk}/edit/",
            f"/accounts/users/{clerk}/password/",
        ]
    if persona == "secadmin":
        return [*common, "/accounts/users/", f"/accounts/users/{clerk}/roles/"]
    events = AuditEvent.objects.order_by("pk").values_list("pk", flat=True)
    return [*common, "/audit/", *(f"/audit/{pk}/" for pk in events)]


@pytest.mark.parametrize("persona", SECURITY)
def test_security_roles_pages_show_no_id_number_or_phone(world, login, persona):
    _some_activity(world, login)
    client = login(getattr(world.u, persona))
    pages = _pages_open_to(world, persona)
    assert len(pages) > 3
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_no_full_identifiers(response.content.decode(), world.p)


# The 审计管理员 is the exception by design: the audit trail names whose record was changed
# (with ID numbers and phones masked); the other two security roles never see a name.
@pytest.mark.parametrize("persona", ["sysadmin", "secadmin"])
def test_security_roles_pages_show_no_person_name(world, login, persona):
    _some_activity(world, login)
    client = login(getattr(world.u, persona))
    for url in _pages_open_to(world, persona):
        html = client.get(url, follow=True).content.decode()
        for name in EVERYONE:
            assert name not in html, f"{name} shown on {url}"


def test_auditor_sees_person_changes_with_identifiers_masked(world, login):
    zhang = world.p.zhang_san
    old_id, old_phone = zhang.id_number, zhang.phone
    _some_activity(world, login)
    html = login(world.u.auditor).get("/audit/").content.decode()
    assert_no_full_identifiers(html)
    for value in (old_id, zhang.id_number):
        assert mask_id_number(value) in html
    for value in (old_phone, zhang.phone):
        assert mask_phone(value) in html
    assert AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


@pytest.mark.parametrize("persona", SECURITY)
def test_security_role_token_gets_403_on_people_api(world, persona):
    token = Token.objects.create(user=getattr(world.u, persona))
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/people/").status_code == 403
    assert client.get(f"/api/people/{world.p.zhang_san.pk}/").status_code == 403


# ---------------------------------------------------------------------------------------
# Masking: whoever may see people never sees a full ID number or phone outside a reveal.
# ---------------------------------------------------------------------------------------

MASKED_PAGES = [
    "/home/",
    "/people/",
    "/people/?q=zs",
    "/people/{pk}/",
    "/people/{pk}/edit/",
    "/people/{pk}/status/",
    "/people/{pk}/delete/",
    "/api/people/",
    "/api/people/{pk}/",
    "/orgs/",
]


@pytest.mark.parametrize("url", MASKED_PAGES)
@pytest.mark.parametrize("persona", BUSINESS)
def test_no_full_identifiers_on_people_pages(world, login, persona, url):
    client = login(getattr(world.u, persona))
    for name in sorted(VISIBLE[persona]):
        person = person_of(world.p, name)
        response = client.get(url.format(pk=person.pk))
        is_write_page = url.endswith(("/edit/", "/status/", "/delete/"))
        expected = 403 if persona == "chengguan_leader" and is_write_page else 200
        assert response.status_code == expected, url
        assert_no_full_identifiers(response.content.decode(), world.p)


@pytest.mark.parametrize("url", ["/people/", "/people/{pk}/", "/api/people/", "/api/people/{pk}/"])
@pytest.mark.parametrize("persona", BUSINESS)
def test_masked_identifiers_are_shown_instead(world, login, persona, url):
    client = login(getattr(world.u, persona))
    for name in sorted(VISIBLE[persona]):
        person = person_of(world.p, name)
        text = client.get(url.format(pk=person.pk)).content.decode()
        assert mask_id_number(person.id_number) in text
        assert f"4331*************{person.id_number[-1:]}" in text
        if person.phone:
            assert mask_phone(person.phone) in text


@pytest.mark.parametrize("persona", BUSINESS)
def test_home_dashboard_counts_only_the_jurisdiction(world, login, persona):
    html = login(getattr(world.u, persona)).get("/home/").content.decode()
    tile = html.split('id="tile-people.active"')[1]
    active = re.search(r'href="/people/\?[^"]*status=active[^"]*"[^>]*>(\d+)</a>', tile)
    assert active is not None
    assert int(active.group(1)) == len(VISIBLE[persona])


# ---------------------------------------------------------------------------------------
# The org tree.
# ---------------------------------------------------------------------------------------


def _tree_units(html: str) -> set[str]:
    return set(re.findall(r'<td class="tree-level-\d+">([^<]+?)\s*(?:<|$)', html))


@pytest.mark.parametrize("persona", BUSINESS)
def test_org_tree_shows_only_the_subtree(world, login, persona):
    response = login(getattr(world.u, persona)).get("/orgs/")
    assert response.status_code == 200
    assert _tree_units(response.content.decode()) == UNITS[persona]


@pytest.mark.parametrize("persona", BUSINESS)
def test_api_org_list_shows_only_the_subtree(world, login, persona):
    response = login(getattr(world.u, persona)).get("/api/orgs/")
    assert names_in_api(response) == UNITS[persona]


@pytest.mark.parametrize("persona", BUSINESS)
def test_api_org_detail_outside_subtree_is_404(world, login, persona):
    client = login(getattr(world.u, persona))
    for name, attr in UNIT_ATTR.items():
        unit = getattr(world.c, attr)
        expected = 200 if name in UNITS[persona] else 404
        assert client.get(f"/api/orgs/{unit.pk}/").status_code == expected, name


ORG_ADMIN_PAGES = ["/orgs/new/", "/orgs/import/", "/orgs/{pk}/edit/", "/orgs/{pk}/move/"]
ORG_ADMIN_PAGES += ["/orgs/{pk}/retire/"]


@pytest.mark.parametrize("url", ORG_ADMIN_PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_county_admin_manages_orgs(world, login, persona, url):
    response = login(getattr(world.u, persona)).get(url.format(pk=world.c.dongguan.pk))
    assert response.status_code == (200 if persona == "county_admin" else 403)


@pytest.fixture
def other_county(county):
    root = OrgUnit.objects.create(name="邻县", kind=OrgKind.COUNTY, division_code="433131000000")
    town = OrgUnit.objects.create(name="邻镇", kind=OrgKind.TOWNSHIP, parent=root)
    return root, town


@pytest.mark.parametrize("page", ["edit", "move", "retire"])
def test_county_admin_gets_404_for_units_of_another_county(world, login, other_county, page):
    client = login(world.u.county_admin)
    for unit in other_county:
        assert client.get(f"/orgs/{unit.pk}/{page}/").status_code == 404
        assert client.post(f"/orgs/{unit.pk}/{page}/", {"reason": "x"}).status_code == 404
        assert OrgUnit.objects.get(pk=unit.pk).is_active


def test_county_admin_does_not_see_another_county(world, login, other_county):
    client = login(world.u.county_admin)
    assert "邻镇" not in client.get("/orgs/").content.decode()
    assert names_in_api(client.get("/api/orgs/")) == ALL_UNITS
    assert client.get(f"/api/orgs/{other_county[1].pk}/").status_code == 404


def test_county_admin_cannot_hang_a_unit_under_another_county(world, login, other_county):
    client = login(world.u.county_admin)
    count = OrgUnit.objects.count()
    response = client.post(
        "/orgs/new/", {"parent": other_county[1].pk, "name": "新村", "kind": OrgKind.VILLAGE}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.patch(
        f"/api/orgs/{world.c.dongguan.pk}/",
        {"parent": other_county[1].pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert OrgUnit.objects.count() == count
    world.c.dongguan.refresh_from_db()
    assert world.c.dongguan.parent == world.c.chengguan


@pytest.mark.parametrize("persona", ["chengguan_admin", "chengguan_leader", "outsider_admin"])
def test_township_roles_cannot_change_the_tree(world, login, persona):
    client = login(getattr(world.u, persona))
    count = OrgUnit.objects.count()
    new = {"parent": world.c.chengguan.pk, "name": "新村", "kind": OrgKind.VILLAGE}
    assert client.post("/orgs/new/", new).status_code == 403
    assert client.post("/api/orgs/", new, content_type="application/json").status_code == 403
    dongguan = world.c.dongguan
    assert client.post(f"/orgs/{dongguan.pk}/retire/", {"reason": "合并"}).status_code == 403
    response = client.patch(
        f"/api/orgs/{dongguan.pk}/", {"name": "改名村"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert OrgUnit.objects.count() == count
    dongguan.refresh_from_db()
    assert (dongguan.name, dongguan.is_active) == ("东关村", True)


# ---------------------------------------------------------------------------------------
# Accounts.
# ---------------------------------------------------------------------------------------

ACCOUNT_VIEW = {
    # 三员分立: the county admin manages the county's business accounts, not the 三员.
    "county_admin": set(PERSONAS) - {"sysadmin", "secadmin", "auditor"},
    "chengguan_admin": {"chengguan_admin", "chengguan_leader", "chengguan_clerk"},
    "outsider_admin": {"outsider_admin"},
    "sysadmin": set(PERSONAS),
    "secadmin": set(PERSONAS),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_account_list_shows_only_the_subtree(world, login, persona):
    response = login(getattr(world.u, persona)).get("/accounts/users/")
    if persona not in ACCOUNT_VIEW:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    shown = set(re.findall(r"<tr>\s*<td>([^<]+)</td>", response.content.decode()))
    assert shown == ACCOUNT_VIEW[persona]


@pytest.mark.parametrize("page", ["edit", "password"])
def test_township_admin_gets_404_for_accounts_of_another_township(world, login, page):
    client = login(world.u.chengguan_admin)
    assert client.get(f"/accounts/users/{world.u.chengguan_clerk.pk}/{page}/").status_code == 200
    for other in ("outsider_admin", "county_admin", "sysadmin", "auditor"):
        target = getattr(world.u, other)
        assert client.get(f"/accounts/users/{target.pk}/{page}/").status_code == 404, other


def test_township_admin_posting_to_an_outside_account_changes_nothing(world, login):
    outsider = world.u.outsider_admin
    client = login(world.u.chengguan_admin)
    response = client.post(
        f"/accounts/users/{outsider.pk}/edit/",
        {"display_name": "被改了", "org": world.c.chengguan.pk, "is_active": ""},
    )
    assert response.status_code == 404
    response = client.post(
        f"/accounts/users/{outsider.pk}/password/", {"password": "Qx7!mZ2#vL9pRt"}
    )
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert (outsider.display_name, outsider.org, outsider.is_active) == (
        "outsider_admin",
        world.c.qingshan,
        True,
    )
    assert outsider.check_password(PASSWORD)


def test_township_admin_cannot_move_an_account_into_another_township(world, login):
    clerk = world.u.chengguan_clerk
    response = login(world.u.chengguan_admin).post(
        f"/accounts/users/{clerk.pk}/edit/",
        {"display_name": clerk.display_name, "org": world.c.shiqiao.pk, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "org" in response.context["form"].errors
    clerk.refresh_from_db()
    assert clerk.org == world.c.dongguan


@pytest.mark.parametrize(("unit", "allowed"), [("西关村", True), ("石桥村", False)])
def test_township_admin_creates_accounts_only_inside(world, login, unit, allowed):
    org = getattr(world.c, UNIT_ATTR[unit])
    response = login(world.u.chengguan_admin).post(
        "/accounts/users/new/",
        {
            "username": "new_clerk",
            "display_name": "新录入员",
            "role": Role.CLERK,
            "org": org.pk,
            "password": "Qx7!mZ2#vL9pRt",
        },
    )
    assert response.status_code == (302 if allowed else 200)
    assert User.objects.filter(username="new_clerk").exists() == allowed


@pytest.mark.parametrize("role", [Role.COUNTY_ADMIN, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR])
def test_township_admin_cannot_grant_roles_above_township(world, login, role):
    response = login(world.u.chengguan_admin).post(
        "/accounts/users/new/",
        {
            "username": "climber",
            "display_name": "越权",
            "role": role,
            "org": world.c.chengguan.pk,
            "password": "Qx7!mZ2#vL9pRt",
        },
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(username="climber").exists()
