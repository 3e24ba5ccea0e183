"""接口文档 in the menu for those who integrate other systems only: the county admin and the
系统管理员 (issue 12 item 16). The page keeps its rule (any signed-in user, as the API): a
bookmarked link of another role still opens; signed out, it does not."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SHOWN = {"county_admin", "sysadmin"}
PERSONAS = [
    "county_admin",
    "chengguan_admin",
    "chengguan_leader",
    "chengguan_clerk",
    "outsider_admin",
    "sysadmin",
    "secadmin",
    "auditor",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_docs_in_the_menu_for_integrators_only(login, personas, persona):
    client = login(getattr(personas, persona))
    page = client.get("/", follow=True)
    assert page.status_code == 200
    in_menu = 'href="/api/docs/"' in page.content.decode()
    assert in_menu == (persona in SHOWN)
    assert client.get("/api/docs/").status_code == 200


def test_api_docs_need_a_signed_in_user():
    assert Client().get("/api/docs/").status_code in (302, 401, 403)
