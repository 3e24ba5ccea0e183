"""Every unit picker lists its units in tree order (issue 12 item 13).

The county, then each township with its villages beneath it, each indented by its depth, the
same on every form and filter: the pickers are built in one place (rencai/orgs/fields.py) and
carry ``data-unit-picker`` for rencai.js's type-ahead box."""

import html
import re

import pytest

from rencai.orgs.fields import INDENT
from rencai.orgs.models import OrgUnit
from tests.test_census import census  # noqa: F401 -- the fixture
from tests.test_training import Training

SELECT = re.compile(r"<select[^>]*data-unit-picker[^>]*>(.*?)</select>", re.S)
OPTION = re.compile(r'<option value="(\d+)"[^>]*>([^<]*)</option>')


def pickers(page: str) -> list[list[tuple[int, str]]]:
    return [
        [(int(pk), html.unescape(label)) for pk, label in OPTION.findall(body)]
        for body in SELECT.findall(page)
    ]


@pytest.mark.django_db
def test_every_unit_picker_lists_its_units_in_tree_order(county, personas, people, census, login):  # noqa: F811
    training = Training(county, people)
    client = login(personas.county_admin)
    pages = [
        "/people/",  # the register's 组织 filter
        "/people/new/",  # 户籍/居住地 and 工作单位
        f"/people/{people.zhang_san.pk}/edit/",
        "/training/",  # the overview's 统计范围
        "/training/programs/",  # 主办单位
        "/training/programs/new/",
        f"/training/programs/{training.chengguan_course.pk}/edit/",
        "/training/attendances/",
        f"/census/{census.pk}/demand/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        found = pickers(response.content.decode())
        assert found, f"{url} offers no unit picker"
        for options in found:
            units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[pk for pk, _ in options])}
            in_order = OrgUnit.objects.filter(pk__in=units).in_tree_order()
            assert [pk for pk, _ in options] == [u.pk for u in in_order], url
            top = min(u.level for u in in_order)
            for pk, label in options:
                unit = units[pk]
                assert label == INDENT * (unit.level - top) + unit.name, (url, label)
    # the county first, a township's villages right after it
    options = pickers(client.get("/people/new/").content.decode())[0]
    ids = [pk for pk, _ in options]
    assert ids[0] == county.county.pk
    assert ids.index(county.dongguan.pk) > ids.index(county.chengguan.pk)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_typing_a_name_leaves_the_matching_units(live_server, county, personas, page):
    from test_browser import log_in

    log_in(page, live_server.url, personas.county_admin.username)
    page.goto(live_server.url + "/people/new/")
    box = page.locator("#id_home_org").locator("xpath=preceding-sibling::input[1]")
    box.fill("东关")
    shown = page.eval_on_selector(
        "#id_home_org",
        "s => Array.from(s.options).filter(o => !o.hidden && o.value).map(o => o.text.trim())",
    )
    assert shown == ["东关村"]
    assert page.input_value("#id_home_org") == str(county.dongguan.pk)  # typed, and picked


@pytest.mark.parametrize("who", ["county_admin", "sysadmin"])
def test_the_account_forms_pick_units_with_the_same_picker(county, personas, login, who):
    """所在单位 on the account pages is the one picker too (tree order, indented, type-ahead)."""
    client = login(getattr(personas, who))
    for url in ("/accounts/users/new/", f"/accounts/users/{personas.chengguan_clerk.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 200, url
        found = pickers(response.content.decode())
        assert len(found) == 1, url
        units = OrgUnit.objects.filter(pk__in=[pk for pk, _ in found[0]]).in_tree_order()
        assert [pk for pk, _ in found[0]] == [u.pk for u in units], url
