"""No `---------` placeholder on any list or form page (issue 12 item 15): a filter's empty
choice reads 全部, a form's 请选择 — set in one place, where every field is rendered
(rencai_tags.bs)."""

import pytest

from tests.test_training import Training
from tests.test_xss import html, walk

pytestmark = pytest.mark.django_db

DASHES = "---------"


@pytest.mark.parametrize("persona", ["county_admin", "chengguan_clerk", "secadmin", "auditor"])
def test_no_page_offers_a_dashes_placeholder(login, personas, county, people, persona):
    Training(county, people)
    client = login(getattr(personas, persona))
    pages = walk(client, ["/", "/home/", "/audit/", "/accounts/users/"])
    assert len(pages) > 3
    offenders = [url for url, response in pages.items() if DASHES in html(response)]
    assert not offenders, offenders


def test_filters_say_all_and_forms_say_choose(login, personas):
    client = login(personas.auditor)
    assert '<option value="" selected>全部</option>' in html(client.get("/audit/"))
    page = html(login(personas.county_admin).get("/accounts/users/new/"))
    assert DASHES not in page
