"""人才档案 (issue 12 item 10): the person's page shows every domain's section — training
attended, outcomes, mentorships, pools, teams, entities led — each row linking to its record,
within the user's jurisdiction, and the person's change history masked as the audit pages mask
it. The people app names no other domain: the sections come through the domain registry."""

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse

from rencai import domains
from rencai.people import actions
from rencai.people.models import Qualification
from tests.conftest import make_id
from tests.test_training import Training
from tests.test_training_records import Records

PEOPLE = Path(__file__).resolve().parent.parent / "rencai" / "people"


@pytest.fixture
def world(county, people) -> SimpleNamespace:
    training = Training(county, people)
    # Records on 西关村, as Training already holds 城关镇's base of the same name
    records = Records(SimpleNamespace(**{**vars(county), "chengguan": county.xiguan}), people)
    return SimpleNamespace(training=training, records=records)


def page(client, person) -> str:
    response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_lists_every_training_and_record_of_the_person_with_links(
    personas, people, world, login
):
    html = page(login(personas.county_admin), people.zhang_san)
    course = world.training.chengguan_course
    assert f'href="{reverse("training:program_detail", args=[course.pk])}">{course.name}' in html
    assert "种养殖技术" in html and "2026-03-02 至 2026-03-04" in html
    r = world.records
    for name, pk in (
        ("outcomes_detail", r.outcome.pk),
        ("mentorships_detail", r.mentorship.pk),
        ("entities_detail", r.entity.pk),
        ("teams_detail", r.team.pk),
    ):
        assert reverse(f"training:{name}", args=[pk]) in html
    for title in ("参加培训", "培训成效", "名师带徒", "文艺团队", "领办经营主体"):
        assert title in html
    assert "储备库" not in html  # a section without rows is left out
    html = page(login(personas.county_admin), people.li_si)
    assert reverse("training:pools_detail", args=[r.membership.pk]) in html


def test_a_mentorship_says_whether_the_person_is_master_or_apprentice(
    personas, people, world, login
):
    client = login(personas.county_admin)
    master = re.sub(r"\s+", "", page(client, people.zhang_san))
    apprentice = re.sub(r"\s+", "", page(client, people.wang_wu))
    craft = world.records.mentorship.craft
    assert f"{craft}</a></td><td>师傅</td><td>王五</td>" in master
    assert f"{craft}</a></td><td>徒弟</td><td>张三</td>" in apprentice


def test_sections_show_only_the_records_of_the_users_jurisdiction(personas, people, world, login):
    """王五 lives in 石桥村 (青山镇): 青山镇 sees him, but not 城关镇's troupe he plays in."""
    html = page(login(personas.outsider_admin), people.wang_wu)
    assert world.records.team.name not in html
    html = page(login(personas.county_admin), people.wang_wu)
    assert world.records.team.name in html


def test_the_change_history_lists_the_person_and_child_records_masked(
    personas, people, world, login
):
    person = people.zhang_san
    old_number = person.id_number
    person.id_number = make_id("19850312", 55)
    actions.save_person(person, acting_user=personas.county_admin)
    Qualification.objects.create(person=person, kind="skill", level="高级工", number="Q-1")
    html = page(login(personas.chengguan_admin), person)
    history = html[html.index('id="person-history"') :]
    assert "身份证号" in history
    assert old_number not in html and person.id_number not in html
    assert "*" * 8 in history  # the numbers are shown masked
    assert "Q-1" in history or "资质" in history or "证书" in history


def test_the_people_app_names_no_other_domain() -> None:
    """The people app reads other domains' sections through the registry only."""
    other = re.compile(r"^rencai\.(training|census)(\.|$)")
    for path in PEOPLE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not other.match(node.module), path
            if isinstance(node, ast.Import):
                assert not any(other.match(a.name) for a in node.names), path


def test_every_domain_answers_for_its_person_sections(people, world, personas) -> None:
    titles = [
        str(s.title) for s in domains.person_sections(people.zhang_san, personas.county_admin)
    ]
    assert "参加培训" in titles


@pytest.mark.parametrize(
    ("q", "count"),
    [("张三", 1), ("zs", 1), ("王", 1), (make_id("19850312", 11)[-4:], 1), ("nobody", 0)],
)
def test_the_ledger_finds_trainees_as_the_register_does(personas, people, world, login, q, count):
    from tests.test_training_web import ledger_count

    client = login(personas.county_admin)
    assert ledger_count(client.get("/training/attendances/", {"q": q})) == count


def test_the_ledger_refuses_a_longer_id_tail_than_the_mask_shows(personas, people, world, login):
    from tests.test_training_web import ledger_count

    client = login(personas.county_admin)
    tail = people.zhang_san.id_number[-8:]
    response = client.get("/training/attendances/", {"q": tail})
    assert "最多输入末尾 6 位" in response.content.decode()
    assert ledger_count(response) == 0
    personas.county_admin.can_reveal = True
    personas.county_admin.save()
    assert ledger_count(client.get("/training/attendances/", {"q": tail})) == 1
