"""The brand link and `/` take every role to a page it may open (issue 12 item 8): the 三员
(系统管理员, 安全管理员, 审计管理员) reach their own landing page, not a 403."""

import re

import pytest

pytestmark = pytest.mark.django_db

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
def test_root_and_the_brand_link_open_a_page(login, personas, persona):
    client = login(getattr(personas, persona))
    landing = client.get("/", follow=True)
    assert landing.status_code == 200, landing.redirect_chain
    brand = re.search(r'class="navbar-brand" href="([^"]+)"', landing.content.decode())
    assert brand, "the layout has a brand link"
    followed = client.get(brand.group(1), follow=True)
    assert followed.status_code == 200, (brand.group(1), followed.redirect_chain)
    assert followed.redirect_chain[-1][0] == landing.redirect_chain[-1][0]
