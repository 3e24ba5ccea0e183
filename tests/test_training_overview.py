"""The 培训概况 page: each number is the figure, and its link opens a ledger list whose count is
that number; the viewer picks only units of their jurisdiction; bad parameters are form errors."""

import re

import pytest

from rencai.training import figures
from rencai.training.figures import Period
from tests.test_training import Training


@pytest.fixture
def training(county, people) -> Training:
    return Training(county, people)


def number_and_link(html: str, element_id: str) -> tuple[int, str]:
    match = re.search(rf'id="{element_id}" href="([^"]+)">(\d+)</a>', html)
    assert match, element_id
    return int(match.group(2)), match.group(1).replace("&amp;", "&")


def ledger_count(client, url: str) -> int:
    html = client.get(url).content.decode()
    return int(re.search(r'<span id="attendance-count">(\d+)</span>', html).group(1))


def test_each_number_links_to_rows_of_the_same_count(login, personas, training, county):
    client = login(personas.county_admin)
    html = client.get("/training/?year=2026&period=year").content.decode()
    total, url = number_and_link(html, "figure-total")
    assert total == figures.attendances(county.county, Period.year(2026)) == 3
    assert ledger_count(client, url) == total
    organised, url = number_and_link(html, "figure-organised")
    assert ledger_count(client, url) == organised == 3
    # every link on the page: category and unit rows too
    links = re.findall(r'href="(/training/attendances/\?[^"]+)">(\d+)</a>', html)
    assert len(links) >= 5
    for url, number in links:
        assert ledger_count(client, url.replace("&amp;", "&")) == int(number), url


TOTALS = {"jobs-total", "audience-total"}


def list_numbers(client, url: str) -> dict[str, int]:
    """The count of the list page `url` opens, and the totals it shows next to it."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    found = re.findall(r'<span id="([a-z-]+)">(\d+)</span>', html)
    return {key: int(n) for key, n in found if key.endswith("-count") or key in TOTALS}


@pytest.mark.parametrize("who, period", [("county_admin", "year"), ("chengguan_admin", "h1"),
                                         ("outsider_admin", "year")])  # fmt: skip
def test_every_number_on_the_page_opens_a_list_that_shows_it(
    login, personas, training, county, people, who, period
):
    """Ledger figures, outcomes, entities (and their jobs), mentorships, teams, performances
    (and their audience): each link's list has the number as its count or its total."""
    from tests.test_training_figures import Results

    Results(county, people)
    client = login(getattr(personas, who))
    html = client.get(f"/training/?year=2026&period={period}").content.decode()
    links = re.findall(r'<a (?:id="([a-z-]+)" )?href="(/training/[^"?]+\?[^"]*)">(\d+)</a>', html)
    assert len(links) >= 8
    for _id, url, number in links:
        shown = list_numbers(client, url.replace("&amp;", "&"))
        assert int(number) in shown.values(), (url, number, shown)
    if who == "county_admin":
        # the seed's kinds of numbers, from the Results dataset
        assert re.search(r'href="[^"]*kind=scale_farm[^"]*">2</a>', html)  # 2026 scale farms
        jobs = re.search(r'<th class="text-end"><a href="([^"]+)">(\d+)</a> 人</th>', html)
        assert int(jobs.group(2)) == 35  # 甲 5 + 丙 30 (乙 founded 2027)
        assert list_numbers(client, jobs.group(1).replace("&amp;", "&"))["jobs-total"] == 35
        teams, url = number_and_link(html, "figure-teams")
        assert teams == 1 and list_numbers(client, url)["record-count"] == 1
        shows, url = number_and_link(html, "figure-performances")
        assert shows == 2 and list_numbers(client, url)["audience-total"] == 300


def test_a_township_sees_its_villages_and_its_target(login, personas, training, county):
    client = login(personas.chengguan_admin)
    html = client.get("/training/?year=2026&period=h1").content.decode()
    assert "东关村" in html and "青山镇" not in html.split('id="by-unit"')[1]
    assert "3000" in html  # its own target
    assert "目标分解不符" in html  # 城关镇's 3,000 is not decomposed to its villages


def test_the_outsider_cannot_ask_for_chengguan(login, personas, training, county):
    client = login(personas.outsider_admin)
    response = client.get(f"/training/?org={county.chengguan.pk}&year=2026&period=year")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="figure-total"' not in html and "统计范围" in html


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=2026&period=custom",
        "year=2026&period=custom&start=2026-05-01&end=2026-04-01",
        "period=nonsense",
        "org=99999",
        "start=2026-13-45&period=custom&year=2026",
    ],
)
def test_bad_parameters_are_form_errors(login, personas, training, query):
    response = login(personas.county_admin).get(f"/training/?{query}")
    assert response.status_code == 200
    assert 'id="figure-total"' not in response.content.decode()


def test_the_security_roles_cannot_open_it(login, personas):
    assert login(personas.secadmin).get("/training/").status_code == 403


def test_a_program_page_leads_its_editor_to_the_sign_in_sheet_import(login, personas, training):
    program = training.chengguan_course
    editor = login(personas.chengguan_admin)
    html = editor.get(f"/training/programs/{program.pk}/").content.decode()
    url = re.search(r'id="import-sign-in" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    page = editor.get(url)
    assert page.status_code == 200 and "培训签到表" in page.content.decode()
    assert 'id="import-sign-in"' not in (
        login(personas.chengguan_leader).get(f"/training/programs/{program.pk}/").content.decode()
    )
    assert login(personas.outsider_admin).get(url).status_code == 404


def test_the_figures_are_cached_until_a_record_changes(login, personas, training, county, people):
    """The second view of the same unit and period reads the cache; any change to the records
    behind the figures (an enrolment through the page, a sign-in sheet through the bulk writer,
    a person moving village) shows on the next view."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rencai.training.attendances import LedgerWriter
    from rencai.training.models import Attendance

    client = login(personas.county_admin)
    url = f"/training/?org={county.chengguan.pk}&year=2026&period=year"

    def total() -> int:
        return number_and_link(client.get(url).content.decode(), "figure-total")[0]

    assert total() == 1  # 张三; 王五 lives in 青山镇
    with CaptureQueriesContext(connection) as cold:
        client.get(f"/training/?org={county.county.pk}&year=2026&period=h1")
    with CaptureQueriesContext(connection) as warm:
        client.get(f"/training/?org={county.county.pk}&year=2026&period=h1")
    assert len(warm) < len(cold) - 5
    Attendance.objects.create(program=training.chengguan_course, person=people.li_si)
    assert total() == 1  # 李四 lives in 青山镇 too
    people.wang_wu.home_org = county.xiguan  # 王五 moves to 西关村 (城关镇)
    people.wang_wu.save()
    assert total() == 2
    names = {people.zhang_san.pk: "张三"}
    LedgerWriter(training.qingshan_course, names).create(
        [{"program_id": training.qingshan_course.pk, "person_id": people.zhang_san.pk}]
    )
    assert total() == 3  # 张三 at 青山镇's course counts for 城关镇, where he lives


def test_units_without_training_or_target_are_left_out_unless_divisions(
    login, personas, training, county
):
    """Townships are always listed (a zero is news); a department only with 人次 or a target."""
    from rencai.training.models import TrainingTarget

    client = login(personas.county_admin)
    url = "/training/?year=2026&period=year"
    table = re.search(r'id="by-unit">(.*?)</table>', client.get(url).content.decode(), re.S)
    assert "城关镇" in table.group(1) and "青山镇" in table.group(1)
    assert "县教育局" not in table.group(1)
    TrainingTarget.objects.create(year=2026, org=county.education, attendances=50)
    table = re.search(r'id="by-unit">(.*?)</table>', client.get(url).content.decode(), re.S)
    assert "县教育局" in table.group(1)
