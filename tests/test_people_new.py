"""新增在册人才 (`people.new`, the 驾驶舱's tile beside 在册人才) and the register's filters the
figures drill down with: 登记时间自/至, 人才类别未填, 信息更新早于 — each list shows the figure's
count."""

import datetime
import re

from django.utils import timezone

from rencai import figures
from rencai.figures import Period, Scope
from rencai.people.models import Person


def _registered(person: Person, day: datetime.date, hour: int = 12) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    Person.objects.filter(pk=person.pk).update(created_at=moment, updated_at=moment)


def _listed(client, url: str) -> int:
    html = client.get(url).content.decode()
    return int(re.search(r"共\s*(?:<[^>]+>)?(\d+)", html).group(1))


def test_new_counts_the_active_registered_in_the_period(county, people, personas, login):
    _registered(people.zhang_san, datetime.date(2025, 12, 31), hour=23)  # last year, Beijing time
    _registered(people.li_si, datetime.date(2026, 1, 1), hour=0)
    _registered(people.wang_wu, datetime.date(2026, 6, 30), hour=23)
    client = login(personas.county_admin)
    scope = Scope(county.county, personas.county_admin)
    new = figures.figure("people.new")
    assert new.compute(scope, Period.year(2026)) == 2
    assert new.compute(scope, Period.half(2026, 2)) == 0
    assert new.compute(scope, Period.year(2025)) == 1
    for period in (Period.year(2026), Period.half(2026, 1), Period.year(2025)):
        assert _listed(client, new.url(scope, period)) == new.compute(scope, period)
    people.li_si.status = "exited"
    people.li_si.save()
    _registered(people.li_si, datetime.date(2026, 1, 1))
    assert new.compute(scope, Period.year(2026)) == 1


def test_no_category_and_stale_filters(county, people, personas, login):
    client = login(personas.county_admin)
    people.wang_wu.categories.clear()
    html = client.get("/people/", {"no_category": "on"}).content.decode()
    assert "王五" in html and "张三" not in html
    _registered(people.zhang_san, datetime.date(2019, 5, 1))
    html = client.get("/people/", {"stale_before": "2021-01-01"}).content.decode()
    assert "张三" in html and "王五" not in html and "李四" not in html
