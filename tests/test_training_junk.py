"""No 500 on any input: every 人才培育 page and API list, asked with junk parameters, answers
with a page (form errors, no rows) or a 4xx."""

import pytest

from tests.test_api import token_client
from tests.test_training import Training

PAGES = [
    "/training/",
    "/training/programs/",
    "/training/attendances/",
    "/training/targets/",
    "/training/targets/decompose/",
    "/training/bases/",
    "/training/inspections/",
    "/training/outcomes/",
    "/training/entities/",
    "/training/mentorships/",
    "/training/teams/",
    "/training/performances/",
    "/training/pools/",
    "/training/lists/",
]
APIS = [
    "programs", "attendances", "targets", "bases", "livestock", "inspections",
    "rectification-items", "outcomes", "mentorships", "pool-members", "entities", "teams",
    "performances",
]  # fmt: skip
JUNK = [
    {"scope": "abc", "start": "2026-13-01", "end": "x"},
    {"scope": "999999", "start": "2026-01-01", "end": "2025-01-01"},
    {"org": "-1", "year": "99999", "period": "h9", "category": "'; drop table"},
    {"page": "-3", "kind": "nothing", "status": "%00", "per_person": "2", "organised": "9"},
    {"team": "0", "program": "1e9", "pool": "[]", "progress": "behind", "date_from": "昨天"},
]


@pytest.fixture
def training(county, people) -> Training:
    return Training(county, people)


@pytest.mark.parametrize("who", ["county_admin", "outsider_admin", "chengguan_leader"])
def test_junk_parameters_never_break_a_page(login, personas, training, who):
    client = login(getattr(personas, who))
    for url in PAGES:
        for params in JUNK:
            response = client.get(url, params)
            assert response.status_code < 500, (url, params)
    for name in ("programs", "bases", "entities", "teams"):
        for junk in ("0", "abc", "99999999999999999999"):
            assert client.get(f"/training/{name}/{junk}/").status_code == 404


def test_junk_parameters_never_break_the_api(personas, training):
    api = token_client(personas.chengguan_admin)
    for name in APIS:
        for params in JUNK:
            response = api.get(f"/api/training/{name}/", params)
            assert response.status_code < 500, (name, params)
        bad = api.post(f"/api/training/{name}/", {"junk": "x"}, content_type="application/json")
        assert bad.status_code == 400, (name, bad.content)


CREATE = ["programs", "targets", "bases", "inspections", "outcomes", "entities", "mentorships",
          "teams", "performances", "pools"]  # fmt: skip


@pytest.mark.parametrize("slug", CREATE)
def test_junk_forms_are_form_errors(login, personas, training, slug):
    client = login(personas.chengguan_admin)
    junk = [
        {},
        {"org": "abc", "year": "-5", "date": "2026-02-30", "person": "1" * 40},
        {"start_date": "2026-05-02", "end_date": "2026-05-01", "jobs_driven": "-1"},
    ]
    for data in junk:
        response = client.post(f"/training/{slug}/new/", data)
        assert response.status_code == 200, (slug, data, response.status_code)
        assert response.context["form"].errors, (slug, data)
