"""登记学员 by name (issue 12 item 11): the program page's enrol box takes a name, 拼音首字母 or ID
tail and offers the matching people of the user's jurisdiction — masked ID, village, birth
year — to pick from (htmx as the user types, and on submit without it); a full ID number
enrols as before. Another county's or township's person is never offered nor enrolled."""

import pytest

from rencai.training.models import Attendance
from tests.conftest import Neighbour, People
from tests.test_training import Training

PROGRAMS = "/training/programs/"


@pytest.fixture
def training(county, people) -> Training:
    return Training(county, people)


@pytest.fixture
def namesakes(db) -> People:
    """邻县 holds a 张三 and a 王五 of its own."""
    return People(Neighbour(None), names=("张三", "钱邻", "王五"), region="433131")


def offered(client, program, text: str) -> str:
    response = client.get(f"{PROGRAMS}{program.pk}/enrol/search/", {"id_number": text})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("text", ["张三", "张", "zs", "ZS"])
def test_a_name_or_initials_offer_the_person_masked(personas, people, training, login, text):
    program = training.chengguan_course
    html = offered(login(personas.chengguan_admin), program, text)
    person = people.zhang_san
    assert f'value="{person.pk}"' in html
    assert person.masked_id_number in html and person.id_number not in html
    assert "东关村" in html and "1985年生" in html
    assert "1985-03-12" not in html and "3月12" not in html


def test_an_id_tail_offers_the_person(personas, people, training, login):
    program = training.chengguan_course
    html = offered(login(personas.chengguan_admin), program, people.zhang_san.id_number[-4:])
    assert f'value="{people.zhang_san.pk}"' in html


def test_a_longer_tail_than_the_mask_shows_is_refused(personas, people, training, login):
    program = training.chengguan_course
    html = offered(login(personas.chengguan_admin), program, people.zhang_san.id_number[-8:])
    assert "最多输入末尾 6 位" in html
    assert f'value="{people.zhang_san.pk}"' not in html


def test_only_the_users_jurisdiction_is_offered(personas, people, namesakes, training, login):
    """城关镇 is offered its 张三, not 邻县's; 李四 lives in 青山镇 and is not offered at all."""
    program = training.chengguan_course
    client = login(personas.chengguan_admin)
    html = offered(client, program, "张三")
    assert f'value="{people.zhang_san.pk}"' in html
    assert f'value="{namesakes.zhang_san.pk}"' not in html
    html = offered(client, program, "李四")
    assert f'value="{people.li_si.pk}"' not in html
    assert "本辖区人才库中没有匹配的人员" in html
    html = offered(login(personas.county_admin), program, "zs")
    assert f'value="{namesakes.zhang_san.pk}"' not in html


def test_submitting_a_name_offers_the_matches_then_the_pick_enrols(
    personas, people, training, login
):
    program = training.qingshan_course
    client = login(personas.county_admin)
    url = f"{PROGRAMS}{program.pk}/enrol/"
    response = client.post(url, {"id_number": "张三"})
    assert response.status_code == 200
    form = response.context["enrol_form"]
    assert form.errors["id_number"] == ["请在下列匹配的人员中选择一位"]
    assert [p.pk for p in form.matches] == [people.zhang_san.pk]
    html = response.content.decode()
    assert 'id="enrol-choices"' in html and people.zhang_san.id_number not in html
    assert not Attendance.objects.filter(program=program, person=people.zhang_san).exists()
    response = client.post(url, {"id_number": "张三", "person": people.zhang_san.pk})
    assert response.status_code == 302
    assert Attendance.objects.filter(program=program, person=people.zhang_san).exists()


def test_a_pick_outside_the_jurisdiction_is_refused(personas, people, namesakes, training, login):
    program = training.chengguan_course
    client = login(personas.chengguan_admin)
    url = f"{PROGRAMS}{program.pk}/enrol/"
    for outsider in (people.li_si, namesakes.zhang_san):
        response = client.post(url, {"id_number": outsider.name, "person": outsider.pk})
        assert response.status_code == 200
        assert response.context["enrol_form"].errors["id_number"]
        assert not Attendance.objects.filter(program=program, person=outsider).exists()


def test_the_search_is_for_editors_of_the_program(personas, training, login):
    program = training.chengguan_course
    url = f"{PROGRAMS}{program.pk}/enrol/search/"
    assert login(personas.chengguan_leader).get(url, {"id_number": "zs"}).status_code == 403
    assert login(personas.outsider_admin).get(url, {"id_number": "zs"}).status_code == 404


def test_the_enrol_box_asks_htmx_for_matches(personas, training, login):
    program = training.chengguan_course
    html = login(personas.chengguan_admin).get(f"{PROGRAMS}{program.pk}/").content.decode()
    assert f'hx-get="{PROGRAMS}{program.pk}/enrol/search/"' in html
    assert 'hx-target="#enrol-matches"' in html and 'id="enrol-matches"' in html
