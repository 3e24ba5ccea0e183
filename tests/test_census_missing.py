"""完整率 says what it counts and links each field under 100% to the persons who lack it
(issue 12 item 15)."""

import re

import pytest

from tests.test_census import census, unit_of  # noqa: F401 -- the census fixture

pytestmark = pytest.mark.django_db


def test_completeness_links_to_the_persons_missing_a_field(census, county, people, login, personas):  # noqa: F811
    # 张三 (东关村, 城关镇) has a phone; 王五 works at 城关镇卫生院 and has none
    client = login(personas.chengguan_admin)
    unit = unit_of(census, county.chengguan)
    page = client.get(f"/census/{census.pk}/units/{unit.pk}/").content.decode()
    assert "完整率数的是格子" in page
    link = f"/census/{census.pk}/units/{unit.pk}/missing/phone/"
    assert link in page
    listed = client.get(link)
    assert listed.status_code == 200
    names = re.findall(r'<td><a href="/people/\d+/">([^<]+)</a></td>', listed.content.decode())
    assert names == ["王五"]
    assert "缺手机号码的在册人员" in listed.content.decode()
    assert client.get(f"/census/{census.pk}/units/{unit.pk}/missing/nonsense/").status_code == 404
    other = unit_of(census, county.qingshan)
    assert client.get(f"/census/{census.pk}/units/{other.pk}/missing/phone/").status_code == 404


def test_the_reporting_rate_is_printed_once(census, login, personas):  # noqa: F811
    page = login(personas.county_admin).get(f"/census/{census.pk}/").content.decode()
    card = page.split('id="reporting-rate"')[0].rsplit('<div class="card', 1)[-1]
    assert "报送率" not in card  # the card's heading (报送情况) does not repeat its value's word
    assert "报送率 0/3 = 0.0%" in page
