"""The 预警 inbox (issue 13 §4): each domain's alert rule, the inbox by persona, marking items as
seen, the header badge (cheap, never a 500) and the 驾驶舱 panel."""

import datetime
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from rencai.alerts import inbox, registry
from rencai.alerts.context_processors import alert_badge
from rencai.alerts.models import AlertSeen
from rencai.census import actions as census
from rencai.figures import today
from rencai.people.choices import QualificationKind
from rencai.people.models import Qualification
from rencai.training.models import (
    Attendance,
    Inspection,
    RectificationItem,
    TrainingCategory,
    TrainingProgram,
    TrainingTarget,
)
from tests.conftest import make_user
from tests.test_domains import _names_a_domain

D = datetime.timedelta


class World:
    """This year's targets (城关镇 behind: 0 of 100; 青山镇 ahead: 1 of 1), inspections with an
    overdue item in 城关镇, 东关村 and 青山镇 and one done in 城关镇, a round closing in 7 days
    with 城关镇 and 青山镇 未报 (and 城关镇's own round closing in 60 days), and certificates
    lapsing in 60 days (张三, 东关村), 30 days (李四, 石桥村) and 200 days (李四)."""

    def __init__(self, county, people, personas) -> None:
        day = today()
        first = datetime.date(day.year, 1, 1)
        farming = TrainingCategory.objects.get(name="种养殖技术")
        course = TrainingProgram.objects.create(
            name="烤烟种植培训", category=farming, organiser=county.qingshan,
            start_date=first, end_date=first,
        )  # fmt: skip
        Attendance.objects.create(program=course, person=people.li_si)
        TrainingTarget.objects.create(year=day.year, org=county.chengguan, attendances=100)
        TrainingTarget.objects.create(year=day.year, org=county.qingshan, attendances=1)

        def inspect(org, *items):
            found = Inspection.objects.create(org=org, date=day - D(40), inspectors="督导组")
            for text, done in items:
                RectificationItem.objects.create(
                    inspection=found, description=text, owner="负责人",
                    due_on=day - D(10), done_on=day - D(5) if done else None,
                )  # fmt: skip
            return found

        self.chengguan_inspection = inspect(
            county.chengguan, ("围栏加固", False), ("台账补齐", True)
        )
        self.dongguan_inspection = inspect(county.dongguan, ("消毒池整改", False))
        self.qingshan_inspection = inspect(county.qingshan, ("粪污处理", False))
        self.round = census.open_round(
            org=county.county, year=day.year, deadline=day + D(7),
            units=[county.chengguan, county.qingshan], acting_user=personas.county_admin,
        )  # fmt: skip
        census.open_round(
            org=county.chengguan, year=day.year, deadline=day + D(60),
            units=[county.dongguan], acting_user=personas.chengguan_admin,
        )  # fmt: skip

        def certificate(person, days):
            return Qualification.objects.create(
                person=person, kind=QualificationKind.FARMER, level="初级",
                valid_until=day + D(days),
            )  # fmt: skip

        self.zhang_cert = certificate(people.zhang_san, 60)
        self.li_cert = certificate(people.li_si, 30)
        self.li_far = certificate(people.li_si, 200)


@pytest.fixture
def world(county, people, personas) -> World:
    return World(county, people, personas)


def texts(user, key: str) -> list[str]:
    groups = {g.alert.key: g for g in inbox.inbox(user)}
    return [item.text for item in groups[key].items] if key in groups else []


def test_every_domain_declares_its_alerts():
    keys = [a.key for a in registry.alerts()]
    assert keys == [
        "people.certificate_lapsing",
        "census.round_closing",
        "training.target_behind",
        "training.rectification_overdue",
    ]
    for a in registry.alerts():
        assert str(a.label) and len(str(a.rule)) > 20 and a.severity in registry.SEVERITY_LABELS


def test_targets_behind_the_share_of_the_year(world, personas):
    found = texts(personas.county_admin, "training.target_behind")
    assert len(found) == 1 and found[0].startswith("城关镇 ")
    assert "完成率 0.0%" in found[0] and "低于时间进度" in found[0]  # 青山镇 (100%) is ahead
    assert texts(personas.chengguan_admin, "training.target_behind") == found
    assert texts(personas.outsider_admin, "training.target_behind") == []
    assert texts(personas.chengguan_clerk, "training.target_behind") == []


def test_rectification_items_past_due_and_not_done(world, personas):
    found = texts(personas.county_admin, "training.rectification_overdue")
    assert {t.split("”")[0].split("“")[1] for t in found} == {"消毒池整改", "粪污处理", "围栏加固"}
    assert all("已逾期 10 天" in t for t in found)  # 台账补齐 is done: not listed
    cg = texts(personas.chengguan_admin, "training.rectification_overdue")
    assert len(cg) == 2 and not any("粪污处理" in t for t in cg)
    clerk = texts(personas.chengguan_clerk, "training.rectification_overdue")
    assert len(clerk) == 1 and "消毒池整改" in clerk[0]
    outsider = texts(personas.outsider_admin, "training.rectification_overdue")
    assert len(outsider) == 1 and "粪污处理" in outsider[0]


def test_census_round_closing_with_units_not_reported(world, personas):
    found = texts(personas.county_admin, "census.round_closing")
    assert len(found) == 2  # 城关镇's own round closes in 60 days: not yet
    assert any("城关镇 未报" in t for t in found) and any("青山镇 未报" in t for t in found)
    assert all("还有 7 天" in t for t in found)
    assert texts(personas.chengguan_admin, "census.round_closing") == [
        t for t in found if "城关镇" in t
    ]
    assert texts(personas.chengguan_clerk, "census.round_closing") == []
    assert texts(personas.outsider_admin, "census.round_closing") == [
        t for t in found if "青山镇" in t
    ]


def test_census_round_past_its_deadline_while_open(world, personas):
    type(world.round).objects.filter(pk=world.round.pk).update(deadline=today() - D(3))
    found = texts(personas.county_admin, "census.round_closing")
    assert len(found) == 2 and all("已过报送截止日期 3 天" in t for t in found)
    type(world.round).objects.filter(pk=world.round.pk).update(is_open=False)
    assert texts(personas.county_admin, "census.round_closing") == []


def test_certificates_lapsing_within_90_days(world, personas):
    found = texts(personas.county_admin, "people.certificate_lapsing")
    assert len(found) == 2  # the one lapsing in 200 days is not news
    assert found[0].startswith("李四") and "还有 30 天" in found[0]
    assert found[1].startswith("张三") and "还有 60 天" in found[1]
    assert texts(personas.chengguan_clerk, "people.certificate_lapsing") == [found[1]]
    assert texts(personas.outsider_admin, "people.certificate_lapsing") == [found[0]]
    Qualification.objects.filter(pk=world.zhang_cert.pk).update(valid_until=today() - D(10))
    lapsed = texts(personas.chengguan_admin, "people.certificate_lapsing")
    assert len(lapsed) == 1 and "已于" in lapsed[0] and "（10 天前）" in lapsed[0]


def test_inbox_by_persona(world, personas, login):
    """The county sees both townships' items; a township only its own; the clerk only its
    village's; the other township none of 城关镇's; the 三员 get 403 and no badge."""
    everything = [i.text for g in inbox.inbox(personas.county_admin) for i in g.items]
    assert len(everything) == 1 + 3 + 2 + 2
    chengguan = [i.text for g in inbox.inbox(personas.chengguan_admin) for i in g.items]
    assert len(chengguan) == 1 + 2 + 1 + 1 and set(chengguan) < set(everything)
    leader = [i.text for g in inbox.inbox(personas.chengguan_leader) for i in g.items]
    assert leader == chengguan
    clerk = [i.text for g in inbox.inbox(personas.chengguan_clerk) for i in g.items]
    assert len(clerk) == 2 and all("青山镇" not in t and "李四" not in t for t in clerk)
    outsider = [i.text for g in inbox.inbox(personas.outsider_admin) for i in g.items]
    assert len(outsider) == 3 and not set(outsider) & set(chengguan)
    page = login(personas.chengguan_admin).get(reverse("alerts:inbox"))
    assert page.status_code == 200
    html = page.content.decode()
    for text in chengguan:
        assert text in html
    assert "粪污处理" not in html and "李四" not in html
    assert reverse("training:inspections_detail", args=[world.chengguan_inspection.pk]) in html
    assert reverse("census:round", args=[world.round.pk]) in html
    for name in ("sysadmin", "secadmin", "auditor"):
        client = login(getattr(personas, name))
        assert client.get(reverse("alerts:inbox")).status_code == 403
        assert client.post(reverse("alerts:seen_all")).status_code == 403
        assert inbox.badge_count(getattr(personas, name)) is None


def test_marking_seen_drops_the_badge_for_that_user_only(world, personas, login):
    admin, county_admin = personas.chengguan_admin, personas.county_admin
    assert inbox.unseen_count(admin) == 5 and inbox.unseen_count(county_admin) == 8
    group = next(g for g in inbox.inbox(admin) if g.alert.key == "training.rectification_overdue")
    item = group.unseen[0]
    client = login(admin)
    answer = client.post(
        reverse("alerts:seen"), {"alert": group.alert.key, "subject": item.subject}
    )
    assert answer.status_code == 302
    assert inbox.unseen_count(admin) == 4
    assert inbox.unseen_count(county_admin) == 8  # another user's count unchanged
    html = client.get(reverse("alerts:inbox")).content.decode()
    seen_part = html.split('class="list-unstyled mb-0 text-muted alert-seen"')[1]
    assert item.url in seen_part.split("</ul>")[0]
    # an item not the user's (青山镇's) cannot be marked
    other = next(
        g for g in inbox.inbox(personas.outsider_admin)
        if g.alert.key == "training.rectification_overdue"
    ).unseen[0]  # fmt: skip
    client.post(reverse("alerts:seen"), {"alert": group.alert.key, "subject": other.subject})
    assert not AlertSeen.objects.filter(user=admin, subject=other.subject).exists()
    assert client.get(reverse("alerts:seen")).status_code == 405
    client.post(reverse("alerts:seen_all"))
    assert inbox.unseen_count(admin) == 0 and inbox.unseen_count(county_admin) == 8
    assert len(inbox.inbox(admin)) == 4  # still listed, under 已读


def test_a_new_state_is_news_again(world, personas):
    """A seen mark names the item in the state that made it news: the round's deadline moved
    is a new item."""
    admin = personas.chengguan_admin
    inbox.mark_all_seen(admin)
    assert inbox.unseen_count(admin) == 0
    type(world.round).objects.filter(pk=world.round.pk).update(deadline=today() + D(3))
    assert inbox.unseen_count(admin) == 1


def test_the_badge_in_the_header(world, personas, login):
    html = login(personas.chengguan_admin).get(reverse("people:list")).content.decode()
    badge = html.split('id="alert-badge"')[1].split("</a>")[0]
    assert ">5</span>" in badge and reverse("alerts:inbox") in html
    html = login(personas.auditor).get(reverse("audit:events")).content.decode()
    assert 'id="alert-badge"' not in html


def test_the_badge_costs_few_queries(world, personas, django_assert_max_num_queries):
    request = RequestFactory().get("/")
    request.user = personas.county_admin
    assert alert_badge(request) == {"alert_count": 8}  # computed, then cached
    with django_assert_max_num_queries(3):  # the change mark (2) and the seen marks
        assert alert_badge(request) == {"alert_count": 8}


def test_no_badge_and_no_500_for_an_account_without_a_role(county, login):
    nobody = make_user("nobody", "", county.county)
    request = RequestFactory().get("/")
    request.user = nobody
    assert alert_badge(request) == {}
    page = login(nobody).get(reverse("accounts:password_change"))
    assert page.status_code == 200 and 'id="alert-badge"' not in page.content.decode()
    assert login(nobody).get(reverse("alerts:inbox")).status_code == 403


def test_a_failing_alert_costs_the_badge_not_the_page(world, personas, login, monkeypatch):
    def broken(scope, user):
        raise RuntimeError("boom")

    failing = registry.Alert("x.broken", "坏", "坏的规则", registry.Severity.LOW, broken)
    monkeypatch.setattr(inbox, "alerts", lambda: [failing])
    assert inbox.badge_count(personas.county_admin) is None
    page = login(personas.county_admin).get(reverse("people:list"))
    assert page.status_code == 200 and 'id="alert-badge"' not in page.content.decode()


def test_a_change_to_the_records_moves_the_cached_items(world, personas):
    admin = personas.chengguan_clerk
    assert inbox.unseen_count(admin) == 2
    item = RectificationItem.objects.get(description="消毒池整改")
    item.done_on = today()
    item.save()
    assert inbox.unseen_count(admin) == 1


def test_the_cockpit_panel(world, personas):
    request = RequestFactory().get("/")
    request.user = personas.chengguan_admin
    html = Template("{% load alert_tags %}{% alerts_panel %}").render(Context({"request": request}))
    assert 'id="alerts-panel"' in html and reverse("alerts:inbox") in html
    assert html.count('class="list-group-item"') == 5
    assert html.index("整改事项逾期") < html.index("培训目标进度滞后")  # by severity
    request.user = personas.auditor
    assert "alerts-panel" not in Template("{% load alert_tags %}{% alerts_panel %}").render(
        Context({"request": request})
    )


def test_the_alerts_app_names_no_domain():
    root = Path(__file__).resolve().parent.parent / "rencai" / "alerts"
    named = {
        str(path.relative_to(root)): _names_a_domain(path)
        for path in sorted(root.rglob("*"))
        if path.suffix in (".py", ".html") and "migrations" not in path.parts
    }
    assert {p: n for p, n in named.items() if n} == {}


def test_a_long_alert_lists_its_earliest_items(world, personas, login, monkeypatch):
    monkeypatch.setattr(inbox, "SHOWN", 1)
    html = login(personas.county_admin).get(reverse("alerts:inbox")).content.decode()
    assert "仅列出期限最早的前 1 条" in html
    assert "粪污处理" in html or "围栏加固" in html or "消毒池整改" in html
    overdue = html.split('id="alert-trainingrectification_overdue"')[1].split("</section>")[0]
    assert overdue.count("标为已读</button>") == 1
    assert inbox.unseen_count(personas.county_admin) == 8  # all still counted


def test_two_counties_see_only_their_own(two_counties):
    """Every record type on both sides of a city: each county's admin gets items of their own
    county only."""
    world = two_counties
    day = today()
    for units, people in ((world.home, world.people), (world.neighbour, world.neighbour_people)):
        Qualification.objects.create(
            person=people.zhang_san, kind=QualificationKind.FARMER, valid_until=day + D(10)
        )
        found = Inspection.objects.create(org=units.chengguan, date=day - D(5), inspectors="组")
        RectificationItem.objects.create(
            inspection=found, description=f"{units.chengguan.name}整改", owner="人",
            due_on=day - D(1),
        )  # fmt: skip
    home = [i.text for g in inbox.inbox(world.u.county_admin) for i in g.items]
    neighbour = [i.text for g in inbox.inbox(world.neighbour_admin) for i in g.items]
    assert any("张三" in t for t in home) and any("城关镇整改" in t for t in home)
    assert any("赵邻" in t for t in neighbour) and any("邻镇整改" in t for t in neighbour)
    assert not any("邻" in t for t in home)
    assert not any(name in t for t in neighbour for name in ("张三", "城关镇", "青山镇"))


def test_a_page_after_a_change_does_not_recompute_the_badge(world, personas, login, monkeypatch):
    """The badge counts the user's latest items while the records move; the inbox and the
    驾驶舱's panel compute afresh (and the badge follows them)."""
    admin = personas.chengguan_clerk
    client = login(admin)
    badge = client.get(reverse("people:list")).content.decode().split('id="alert-badge"')[1]
    assert ">2</span>" in badge.split("</a>")[0]
    item = RectificationItem.objects.get(description="消毒池整改")
    item.done_on = today()
    item.save()  # audited: the change mark moves
    calls = []
    real = inbox.Scope.visible
    monkeypatch.setattr(inbox.Scope, "visible", lambda *a: calls.append(a) or real(*a))
    badge = client.get(reverse("people:list")).content.decode().split('id="alert-badge"')[1]
    assert ">2</span>" in badge.split("</a>")[0] and calls == []
    assert inbox.unseen_count(admin) == 1 and calls  # the inbox's count is current
    badge = client.get(reverse("people:list")).content.decode().split('id="alert-badge"')[1]
    assert ">1</span>" in badge.split("</a>")[0]


def test_the_cockpits_panel_shares_the_pages_figures(world, personas, login, monkeypatch):
    """On the 驾驶舱 of the user's own unit the alerts read the page's Scope, so the figures the
    page computed (target progress and its ledger pass) are not computed a second time."""
    client = login(personas.chengguan_admin)
    calls = []
    real = inbox.Scope.visible
    monkeypatch.setattr(inbox.Scope, "visible", lambda *a: calls.append(a) or real(*a))
    html = client.get(reverse("home")).content.decode()
    assert 'id="alerts-panel"' in html and "低于时间进度" in html
    assert len(calls) == 1  # the page's own; the panel took it
