"""More than one county in one installation (a city's, or a province's): 示范县's county admin,
the admin of its 城关镇 and that township's leader see nothing of 邻县 — not in a queryset, a
list, an API list, a detail, an export, a figure of the overview, nor through an import.

The world is conftest's `two_counties`, once under a city root and once as two roots: neither
county is the sole root, so the shortcut of a one-county installation (`is_sole_root`) must not
apply. The pages and API lists walked are the ones `test_training_junk` enumerates."""

import html
import re

import pytest
from conftest import NEIGHBOUR_NAMES, TwoCounties, scoped_models
from records_support import export_table, import_sheet

from rencai.accounts.models import User
from rencai.census.models import CensusConflict, CensusRound
from rencai.imports.models import ImportJob
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
    PoolMembership,
    RectificationItem,
    TrainingBase,
    TrainingProgram,
    TrainingTarget,
)
from tests.test_api import token_client
from tests.test_training_junk import APIS, PAGES

PERSONAS = ["county_admin", "chengguan_admin", "chengguan_leader"]

SCOPED = scoped_models()

API_MODELS = {
    "programs": TrainingProgram, "attendances": Attendance, "targets": TrainingTarget,
    "bases": TrainingBase, "livestock": Livestock, "inspections": Inspection,
    "rectification-items": RectificationItem, "outcomes": Outcome, "mentorships": Mentorship,
    "pool-members": PoolMembership, "entities": Entity, "teams": ArtTeam,
    "performances": Performance,
}  # fmt: skip

# The record types with a page of their own, by URL slug.
DETAILS = {
    "programs": TrainingProgram, "targets": TrainingTarget, "bases": TrainingBase,
    "inspections": Inspection, "outcomes": Outcome, "mentorships": Mentorship,
    "pools": PoolMembership, "entities": Entity, "teams": ArtTeam, "performances": Performance,
}  # fmt: skip

EXPORTS = ["/people/export.xlsx", "/training/programs/export.xlsx",
           "/training/attendances/export.xlsx"] + [
    f"/training/{slug}/export.xlsx"
    for slug in ("targets", "bases", "inspections", "outcomes", "mentorships", "pools",
                 "entities", "teams", "performances")
]  # fmt: skip

# What would name 邻县 on a page or in a workbook: its units and its people.
NEIGHBOUR_WORDS = ("邻县", "邻镇", "邻村", "邻西村", "邻乡", "邻县教育局", *NEIGHBOUR_NAMES)


def neighbour_ids(world: TwoCounties, model) -> set[int]:
    """The rows of `model` the fixture made for 邻县."""
    return world.owned["neighbour"].get(model, set())


def home_ids(world: TwoCounties, model) -> set[int]:
    """The rows of `model` that are not 邻县's (for units: not the city either)."""
    everything = set(model.objects.values_list("pk", flat=True))
    city = {world.city.pk} if model is OrgUnit and world.city else set()
    return everything - neighbour_ids(world, model) - city


def words_of(text: str) -> set[str]:
    return {w for w in NEIGHBOUR_WORDS if w in text}


def test_the_neighbour_side_is_not_empty(two_counties):
    """The walks below would prove nothing over an empty 邻县."""
    for model in SCOPED:
        if model in (CensusConflict, ImportJob):
            continue  # no conflict and no job in the fixture
        assert neighbour_ids(two_counties, model), model.__name__
    assert not OrgUnit.objects.is_sole_root(two_counties.home.county)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_queryset_holds_the_other_county(two_counties, persona):
    user = getattr(two_counties.u, persona)
    for model in SCOPED:
        seen = set(model.objects.visible_to(user).values_list("pk", flat=True))
        assert not seen & neighbour_ids(two_counties, model), (persona, model.__name__)
        if persona == "county_admin" and model is not User:  # 三员 accounts are not his
            assert seen == home_ids(two_counties, model), model.__name__


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_names_the_other_county(two_counties, login, persona):
    client = login(getattr(two_counties.u, persona))
    other = two_counties.neighbour.county.pk
    rounds = CensusRound.objects.visible_to(getattr(two_counties.u, persona))
    census = [f"/census/{r.pk}/{page}" for r in rounds for page in ("", "demand/",
              "supply-demand/", "conflicts/")]  # fmt: skip
    pages = ["/home/", "/people/", "/orgs/", "/census/", "/accounts/users/", *PAGES, *census]
    for url in pages:
        for params in ({}, {"org": other}, {"scope": other}):
            response = client.get(url, params)
            assert response.status_code in (200, 403), (url, params, response.status_code)
            text = html.unescape(response.content.decode())
            assert not words_of(text), (url, params, words_of(text))


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_api_list_holds_the_other_county(two_counties, persona):
    assert set(API_MODELS) == set(APIS)
    user = getattr(two_counties.u, persona)
    api = token_client(user)
    for name, model in {**API_MODELS, "people": Person, "orgs": OrgUnit}.items():
        url = f"/api/training/{name}/" if name in API_MODELS else f"/api/{name}/"
        body = api.get(url, {"page_size": 1000}).json()
        ids = {row["id"] for row in body["results"]}
        assert body["count"] == len(ids), name
        assert not ids & neighbour_ids(two_counties, model), (persona, name)
        assert ids == set(model.objects.visible_to(user).values_list("pk", flat=True)), name


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_other_countys_records_are_404(two_counties, login, persona):
    client = login(getattr(two_counties.u, persona))
    api = token_client(getattr(two_counties.u, persona))
    for pk in neighbour_ids(two_counties, Person):
        assert client.get(f"/people/{pk}/").status_code == 404
        assert api.get(f"/api/people/{pk}/").status_code == 404
    for slug, model in DETAILS.items():
        for pk in neighbour_ids(two_counties, model):
            assert client.get(f"/training/{slug}/{pk}/").status_code == 404, (slug, pk)
    for name, model in API_MODELS.items():
        for pk in neighbour_ids(two_counties, model):
            assert api.get(f"/api/training/{name}/{pk}/").status_code == 404, (name, pk)
    for pk in neighbour_ids(two_counties, TrainingProgram):
        assert client.get(f"/training/programs/{pk}/ledger.xlsx").status_code == 404
    for census in CensusRound.objects.filter(org=two_counties.neighbour.county):
        assert client.get(f"/census/{census.pk}/").status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_export_holds_the_other_county(two_counties, login, persona):
    client = login(getattr(two_counties.u, persona))
    for url in EXPORTS:
        rows = export_table(client, url)
        assert len(rows) > 1 or persona != "county_admin", url  # the county's own rows are there
        cells = " ".join(str(cell) for row in rows for cell in row)
        assert not words_of(cells), (url, words_of(cells))


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"')


def overview_pages(world: TwoCounties, login) -> dict[tuple[str, str], str]:
    """The figures pages of 示范县's personas, as text with the per-request tokens removed."""
    from django.core.cache import cache

    cache.clear()
    found = {}
    for persona in PERSONAS:
        client = login(getattr(world.u, persona))
        urls = ["/training/", "/training/?period=h1", "/home/"] + [
            f"/census/{r.pk}/supply-demand/"
            for r in CensusRound.objects.filter(org=world.home.county)
        ]
        for url in urls:
            text = client.get(url).content.decode()
            found[persona, url] = CSRF.sub("", text)
    return found


@pytest.mark.parametrize("city", [True, False], ids=["city", "roots"])
def test_the_figures_are_the_countys_alone(db, login, city):
    """Every figure of the overview, the home page and the census' supply and demand is what it
    was before 邻县 had any record."""
    world = TwoCounties(city=city)
    world.build_records("home")
    alone = overview_pages(world, login)
    total = login(world.u.county_admin).get("/training/").context["total"][0]
    assert total == 3  # 张三, 王五 and 李四: the figures are not empty
    world.build_records("neighbour")
    assert overview_pages(world, login) == alone


def test_imports_naming_the_other_county_are_refused(two_counties, login):
    """Each of 邻县's sheets, exported by its admin in full, is refused when 示范县's county
    admin imports it: its units are not in the jurisdiction and its people are 邻县's."""
    theirs = login(two_counties.neighbour_admin)
    admin = two_counties.u.county_admin
    sheets = {"persons": "/people/export.xlsx", "programs": "/training/programs/export.xlsx"}
    sheets |= {
        sheet: f"/training/{slug}/export.xlsx"
        for sheet, slug in [("targets", "targets"), ("bases", "bases"),
                            ("inspections", "inspections"), ("outcomes", "outcomes"),
                            ("mentorships", "mentorships"), ("pool_members", "pools"),
                            ("entities", "entities"), ("teams", "teams"),
                            ("performances", "performances")]
    }  # fmt: skip
    before = {m: m.objects.count() for m in SCOPED}
    for sheet, url in sheets.items():
        table = export_table(theirs, url)
        assert len(table) > 1, sheet
        outcome = import_sheet(sheet, admin, table[0], table[1:])
        assert not outcome.ok, sheet
        assert outcome.problems, sheet
    assert {m: m.objects.count() for m in SCOPED} == before


CUSTOM = {"period": "custom", "start": "2026-01-01", "end": "2026-11-30"}  # counted from rows


@pytest.mark.parametrize("params", [{}, CUSTOM], ids=["tallied", "counted"])
def test_a_trainee_from_the_next_county_counts_under_the_organiser(two_counties, login, params):
    """赵邻 (邻县) attends 城关镇's course and 张三 (示范县) 邻镇's: each county counts its own
    resident where he lives and the other county's trainee under the organiser, as it does a
    trainee from outside the installation — 邻县 is outside 示范县's county even under a city."""
    world = two_counties
    course = TrainingProgram.objects.get(organiser=world.home.chengguan)
    theirs = TrainingProgram.objects.get(organiser=world.neighbour.chengguan)
    Attendance.objects.create(program=course, person=world.neighbour_people.zhang_san)
    Attendance.objects.create(program=theirs, person=world.people.zhang_san)

    def figures(user, unit) -> tuple[int, int]:
        context = login(user).get("/training/", {"org": unit.pk, "year": 2026, **params}).context
        return context["total"][0], context["people"][0]

    # 张三 twice, 王五 and 李四, and 赵邻; 培训人数 张三, 王五, 李四 and 赵邻.
    assert figures(world.u.county_admin, world.home.county) == (5, 4)
    # 张三 twice (he lives in 东关村) and 赵邻 under the organiser; 王五 counts in 青山镇.
    assert figures(world.u.chengguan_admin, world.home.chengguan) == (3, 2)
    assert figures(world.neighbour_admin, world.neighbour.county) == (5, 4)


def test_census_sheets_naming_the_other_county_are_refused(two_counties, login, settings, tmp_path):
    """The 人才需求表 and the 普查名册 of 示范县's round: a 邻县 unit is refused; a 邻县 person
    named for one of its own villages becomes a conflict, as between two townships, which
    示范县 cannot settle by taking him out of 邻县's register."""
    from rencai.census.choices import Resolution
    from rencai.census.models import CensusUnit, Demand
    from rencai.imports.models import JobStatus
    from tests.test_census import DEMAND_HEADER, ROSTER_HEADER, demand_url, roster_url, upload, xlsx

    settings.IMPORTS_INLINE, settings.IMPORTS_INLINE_QUIET = True, False
    settings.DATA_DIR = str(tmp_path)
    world = two_counties
    client = login(world.u.county_admin)
    census = CensusRound.objects.get(org=world.home.county)
    before = (Demand.objects.count(), Person.objects.count())
    job = upload(client, demand_url(census), xlsx(DEMAND_HEADER, [["邻镇", "养殖", "一般", 2, ""]]))
    assert job.status == JobStatus.INVALID, job.problems
    theirs = world.neighbour_people.zhang_san
    unit = CensusUnit.objects.get(round=census, org=world.home.chengguan)
    row = [theirs.name, theirs.id_number, "", "", "邻村", "", "农村实用人才"]
    job = upload(client, roster_url(unit), xlsx(ROSTER_HEADER, [row]))
    assert job.status == JobStatus.INVALID, job.problems
    row[4] = "东关村"
    job = upload(client, roster_url(unit), xlsx(ROSTER_HEADER, [row]))
    assert (job.status, job.counts["conflict"]) == (JobStatus.COMMITTED, 1)
    conflict = CensusConflict.objects.get(person=theirs)
    url = f"/census/{census.pk}/conflicts/{conflict.pk}/"
    response = client.post(url, {"resolution": Resolution.MOVE, "reason": "本县登记"})
    assert response.status_code == 200, response.status_code  # the form, with the refusal
    theirs.refresh_from_db()
    conflict.refresh_from_db()
    assert (theirs.home_org, conflict.resolution) == (world.neighbour.dongguan, "")
    assert (Demand.objects.count(), Person.objects.count()) == before
