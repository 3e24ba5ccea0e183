"""文艺团队 and 演出 through every door (web pages, member changes, import sheets, export, API):
scoped to the user's jurisdiction, people by ID number and masked on the way out, every change
audited; the performance list shows exactly the rows the overview's 演出 figures count."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType

from rencai.audit.models import AuditAction, AuditEvent
from rencai.training import figures
from rencai.training.models import ArtTeam, Performance
from tests.records_support import export_table, import_sheet, problems, record_count
from tests.test_api import token_client

TEAMS = "/training/teams/"
SHOWS = "/training/performances/"
TEAM_HEADER = ["团队名称", "类型", "所在单位", "成员姓名", "成员身份证号"]
SHOW_HEADER = ["演出日期", "文艺团队", "演出地点", "活动名称", "观众人数"]
D = datetime.date


class Arts:
    """城关镇's troupe (张三) plays at home (东关村) and away (青山镇's 石桥村); 青山镇's troupe
    (李四) visits 西关村 and plays at home in 2025."""

    def __init__(self, county, people) -> None:
        self.chengguan_team = ArtTeam.objects.create(
            name="城关花灯剧团", kind="opera", org=county.chengguan
        )
        self.chengguan_team.members.set([people.zhang_san])
        self.qingshan_team = ArtTeam.objects.create(
            name="青山秧歌队", kind="folk", org=county.qingshan
        )
        self.qingshan_team.members.set([people.li_si])
        self.home = Performance.objects.create(
            team=self.chengguan_team,
            date=D(2026, 3, 1),
            village=county.dongguan,
            programme="百座戏台千场戏",
            audience=300,
        )
        self.away = Performance.objects.create(
            team=self.chengguan_team,
            date=D(2026, 5, 1),
            village=county.shiqiao,
            programme="文艺三下乡",
            audience=200,
        )
        self.visit = Performance.objects.create(
            team=self.qingshan_team,
            date=D(2026, 6, 1),
            village=county.xiguan,
            programme="文艺三下乡",
        )
        self.last_year = Performance.objects.create(
            team=self.qingshan_team,
            date=D(2025, 12, 1),
            village=county.shiqiao,
            programme="百座戏台千场戏",
            audience=100,
        )


@pytest.fixture
def arts(county, people) -> Arts:
    return Arts(county, people)


def member_events(team: ArtTeam):
    """The audited changes of a team's members made by users (the fixture's are the system's)."""
    kind = ContentType.objects.get_for_model(ArtTeam)
    return (
        AuditEvent.objects.filter(
            content_type=kind, object_id=str(team.pk), action=AuditAction.UPDATE
        )
        .filter(changes__has_key="members")
        .exclude(username="system")
    )


def audience_total(response) -> int:
    found = re.search(r'<span id="audience-total">(\d+)</span>', response.content.decode())
    assert found, "no audience total on the page"
    return int(found.group(1))


def names_in_list(response) -> list[str]:
    return [cells[0].text for _record, cells in response.context["rows"]]


# --- scope ---------------------------------------------------------------------------------------


def test_each_unit_lists_its_own_teams(personas, arts, login):
    assert record_count(login(personas.county_admin).get(TEAMS)) == 2
    chengguan = login(personas.chengguan_admin).get(TEAMS)
    assert names_in_list(chengguan) == ["城关花灯剧团"]
    outsider = login(personas.outsider_admin)
    listed = outsider.get(TEAMS)
    assert names_in_list(listed) == ["青山秧歌队"]
    assert "城关花灯剧团" not in listed.content.decode()
    team = arts.chengguan_team.pk
    for url in (f"{TEAMS}{team}/", f"{TEAMS}{team}/edit/", f"{TEAMS}{team}/delete/"):
        assert outsider.get(url).status_code == 404
    assert record_count(login(personas.chengguan_clerk).get(TEAMS)) == 0  # a 镇 team, not 村
    assert login(personas.auditor).get(TEAMS).status_code == 403


def test_a_performance_belongs_to_its_teams_unit_and_to_its_place(personas, arts, login):
    def shown(user):
        return set(Performance.objects.filter(pk__in=[r.pk for r, _c in rows(user)]))

    def rows(user):
        return login(user).get(SHOWS).context["rows"]

    assert len(rows(personas.county_admin)) == 4
    # 城关镇: its team's shows anywhere, and the visiting team's show in 西关村.
    assert shown(personas.chengguan_admin) == {arts.home, arts.away, arts.visit}
    # 青山镇: none of 城关镇's shows in 城关镇's villages; its own team's, and 城关 in 石桥村.
    assert shown(personas.outsider_admin) == {arts.away, arts.visit, arts.last_year}
    outsider = login(personas.outsider_admin)
    assert outsider.get(f"{SHOWS}{arts.home.pk}/").status_code == 404
    assert outsider.get(f"{SHOWS}{arts.home.pk}/edit/").status_code == 404
    assert shown(personas.chengguan_clerk) == {arts.home}  # held in 东关村
    assert login(personas.secadmin).get(SHOWS).status_code == 403


def test_the_team_list_counts_members_and_performances(personas, arts, login, people):
    arts.chengguan_team.members.add(people.wang_wu)
    response = login(personas.county_admin).get(TEAMS)
    cells = {r.name: [c.text for c in cs] for r, cs in response.context["rows"]}
    assert cells["城关花灯剧团"][3:] == ["2", "2"]
    assert cells["青山秧歌队"][3:] == ["1", "2"]
    filtered = login(personas.county_admin).get(TEAMS, {"kind": "folk"})
    assert names_in_list(filtered) == ["青山秧歌队"]
    by_unit = login(personas.county_admin).get(TEAMS, {"org": arts.chengguan_team.org_id})
    assert names_in_list(by_unit) == ["城关花灯剧团"]
    forged = login(personas.outsider_admin).get(TEAMS, {"org": arts.chengguan_team.org_id})
    assert record_count(forged) == 0  # a unit outside the jurisdiction is a form error


# --- the figure filter ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "unit", "year"),
    [
        ("county_admin", "county", 2026),
        ("county_admin", "county", 2025),
        ("chengguan_admin", "chengguan", 2026),
        ("outsider_admin", "qingshan", 2026),
        ("outsider_admin", "shiqiao", 2025),
    ],
)
def test_the_list_is_exactly_the_figures_rows(personas, arts, county, login, persona, unit, year):
    scope = getattr(county, unit)
    period = figures.Period.year(year)
    params = {"scope": scope.pk, "start": f"{year}-01-01", "end": f"{year}-12-31"}
    response = login(getattr(personas, persona)).get(SHOWS, params)
    expected = figures.performance_rows(scope, period)
    assert record_count(response) == expected.count()
    assert audience_total(response) == figures.audience(scope, period)
    assert {r.pk for r, _c in response.context["rows"]} == set(
        expected.values_list("pk", flat=True)
    )


def test_the_figure_filter_narrows_and_checks_its_input(personas, arts, county, login):
    client = login(personas.county_admin)
    assert audience_total(client.get(SHOWS)) == 600
    params = {"scope": county.chengguan.pk, "start": "2026-01-01", "end": "2026-12-31"}
    assert record_count(client.get(SHOWS, params)) == 2  # 东关村 and 西关村, not 石桥村
    half = client.get(SHOWS, {"scope": county.county.pk, "start": "2026-01-01"})
    assert "请同时选择" in half.content.decode() and record_count(half) == 0
    backwards = client.get(SHOWS, {**params, "start": "2026-12-31", "end": "2026-01-01"})
    assert "结束日期不能早于开始日期" in backwards.content.decode()
    assert record_count(backwards) == 0
    reversed_range = client.get(SHOWS, {"date_from": "2026-06-01", "date_to": "2026-01-01"})
    assert "结束日期不能早于开始日期" in reversed_range.content.decode()
    in_range = client.get(SHOWS, {"date_from": "2026-04-01", "date_to": "2026-06-30"})
    assert record_count(in_range) == 2
    assert record_count(client.get(SHOWS, {"programme": "三下乡"})) == 2
    assert record_count(client.get(SHOWS, {"village": county.qingshan.pk})) == 2
    assert record_count(client.get(SHOWS, {"team": arts.qingshan_team.pk})) == 2
    assert record_count(client.get(SHOWS, {"team": "abc", "start": "x"})) == 0


def test_a_host_filters_by_the_visiting_team_but_not_by_an_unknown_one(
    personas, arts, county, login
):
    client = login(personas.chengguan_admin)
    assert record_count(client.get(SHOWS, {"team": arts.qingshan_team.pk})) == 1
    unknown = ArtTeam.objects.create(name="石桥锣鼓队", kind="folk", org=county.shiqiao)
    assert record_count(client.get(SHOWS, {"team": unknown.pk})) == 0
    assert "石桥锣鼓队" not in client.get(SHOWS).content.decode()


# --- pages ---------------------------------------------------------------------------------------


def test_the_team_page_shows_masked_members_and_its_performances(personas, arts, people, login):
    arts.chengguan_team.members.add(people.li_si)  # by the county: 李四 lives in 青山镇
    client = login(personas.chengguan_admin)
    page = client.get(f"{TEAMS}{arts.chengguan_team.pk}/").content.decode()
    assert "张三" in page and people.zhang_san.masked_id_number in page
    assert f'href="/people/{people.zhang_san.pk}/"' in page
    assert "李四" in page and f'href="/people/{people.li_si.pk}/"' not in page
    for person in (people.zhang_san, people.li_si):
        assert person.id_number not in page
    assert "百座戏台千场戏" in page and "文艺三下乡" in page
    assert f'href="{SHOWS}new/?team={arts.chengguan_team.pk}"' in page
    leader = login(personas.chengguan_leader).get(f"{TEAMS}{arts.chengguan_team.pk}/")
    assert "登记演出" not in leader.content.decode()
    assert "member-add-form" not in leader.content.decode()


def test_the_performance_form_takes_the_team_from_the_link(personas, arts, login):
    client = login(personas.chengguan_admin)
    form = client.get(f"{SHOWS}new/", {"team": arts.chengguan_team.pk}).context["form"]
    assert str(form["team"].value()) == str(arts.chengguan_team.pk)
    assert client.get(f"{SHOWS}new/", {"team": "abc"}).status_code == 200


def test_create_edit_delete_teams_through_the_pages_are_audited(personas, county, arts, login):
    client = login(personas.chengguan_admin)
    data = {"name": "西关腰鼓队", "kind": "folk", "org": county.xiguan.pk}
    assert client.post(f"{TEAMS}new/", data).status_code == 302
    team = ArtTeam.objects.get(name="西关腰鼓队")
    kind = ContentType.objects.get_for_model(ArtTeam)
    events = AuditEvent.objects.filter(content_type=kind, object_id=str(team.pk))
    assert events.get(action=AuditAction.CREATE).username == "chengguan_admin"
    again = client.post(f"{TEAMS}new/", data)
    assert "已有名为“西关腰鼓队”的文艺团队" in again.content.decode()
    outside = client.post(f"{TEAMS}new/", {**data, "name": "越界", "org": county.shiqiao.pk})
    assert "org" in outside.context["form"].errors
    assert client.post(f"{TEAMS}{team.pk}/edit/", {**data, "kind": "opera"}).status_code == 302
    team.refresh_from_db()
    assert team.kind == "opera" and events.filter(action=AuditAction.UPDATE).count() == 1
    renamed = client.post(f"{TEAMS}{team.pk}/edit/", {**data, "name": "城关花灯剧团"})
    assert renamed.status_code == 302  # another unit's name is free
    assert ArtTeam.objects.filter(name="西关腰鼓队").count() == 0


def test_deleting_a_team_deletes_its_performances_and_says_so(personas, arts, login):
    client = login(personas.chengguan_admin)
    team = arts.chengguan_team
    confirm = client.get(f"{TEAMS}{team.pk}/delete/").content.decode()
    assert "同时删除该团队的全部演出记录" in confirm
    shows = [arts.home.pk, arts.away.pk]
    assert client.post(f"{TEAMS}{team.pk}/delete/").status_code == 302
    assert not ArtTeam.objects.filter(pk=team.pk).exists()
    assert not Performance.objects.filter(pk__in=shows).exists()
    kind = ContentType.objects.get_for_model(Performance)
    deleted = AuditEvent.objects.filter(content_type=kind, action=AuditAction.DELETE)
    assert set(deleted.values_list("object_id", flat=True)) == {str(pk) for pk in shows}


def test_members_are_added_and_removed_by_id_number_and_audited(personas, arts, people, login):
    team = arts.chengguan_team
    client = login(personas.chengguan_admin)
    add = f"{TEAMS}{team.pk}/members/add/"
    response = client.post(add, {"id_number": people.wang_wu.id_number})
    assert response.status_code == 302
    assert set(team.members.all()) == {people.zhang_san, people.wang_wu}
    event = member_events(team).get()
    assert event.changes["members"] == [["张三"], ["张三", "王五"]]
    assert event.username == "chengguan_admin"
    assert people.wang_wu.id_number not in str(event.changes)

    twice = client.post(add, {"id_number": people.wang_wu.id_number})
    assert "王五 已是本团队成员" in twice.content.decode()
    stranger = client.post(add, {"id_number": people.li_si.id_number})  # 青山镇: not ours
    assert "人才库中没有该身份证号的人员" in stranger.content.decode()
    bad = client.post(add, {"id_number": "123"})
    assert bad.context["member_form"].errors["id_number"]
    assert team.members.count() == 2 and member_events(team).count() == 1

    remove = f"{TEAMS}{team.pk}/members/{people.wang_wu.pk}/remove/"
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert set(team.members.all()) == {people.zhang_san}
    assert member_events(team).count() == 2
    assert member_events(team).first().changes["members"] == [["张三", "王五"], ["张三"]]
    assert client.post(remove).status_code == 404  # no longer a member
    assert client.post(f"{TEAMS}999999/members/{people.zhang_san.pk}/remove/").status_code == 404


def test_only_the_teams_editors_change_its_members(personas, arts, people, login):
    team = arts.chengguan_team
    add = f"{TEAMS}{team.pk}/members/add/"
    remove = f"{TEAMS}{team.pk}/members/{people.zhang_san.pk}/remove/"
    outsider = login(personas.outsider_admin)
    assert outsider.post(add, {"id_number": people.li_si.id_number}).status_code == 404
    assert outsider.post(remove).status_code == 404
    leader = login(personas.chengguan_leader)
    assert leader.post(add, {"id_number": people.wang_wu.id_number}).status_code == 403
    assert leader.post(remove).status_code == 403
    assert list(team.members.all()) == [people.zhang_san]
    assert not member_events(team).exists()


def test_a_leader_reads_but_changes_nothing(personas, arts, county, login):
    client = login(personas.chengguan_leader)
    assert record_count(client.get(TEAMS)) == 1 and record_count(client.get(SHOWS)) == 3
    assert "登记文艺团队" not in client.get(TEAMS).content.decode()
    assert "登记演出" not in client.get(SHOWS).content.decode()
    assert client.get(f"{TEAMS}new/").status_code == 403
    assert client.post(f"{SHOWS}new/", {}).status_code == 403
    assert client.post(f"{TEAMS}{arts.chengguan_team.pk}/delete/").status_code == 403
    assert client.post(f"{SHOWS}{arts.home.pk}/edit/", {}).status_code == 403
    assert ArtTeam.objects.count() == 2 and Performance.objects.count() == 4


def show_form(team, village, **changes):
    data = {
        "team": team.pk,
        "date": "2026-07-01",
        "village": village.pk,
        "programme": "文艺三下乡",
        "audience": "150",
    }
    data.update(changes)
    return data


def test_a_team_may_play_in_another_townships_village(personas, arts, county, login):
    client = login(personas.chengguan_admin)
    response = client.post(f"{SHOWS}new/", show_form(arts.chengguan_team, county.shiqiao))
    assert response.status_code == 302, response.context["form"].errors
    show = Performance.objects.get(date=D(2026, 7, 1))
    kind = ContentType.objects.get_for_model(Performance)
    assert AuditEvent.objects.filter(
        content_type=kind, object_id=str(show.pk), action=AuditAction.CREATE
    ).exists()
    # 石桥村 is 青山镇's: the host sees it and counts it.
    assert login(personas.outsider_admin).get(f"{SHOWS}{show.pk}/").status_code == 200
    period = figures.Period.year(2026)
    assert figures.performance_rows(county.qingshan, period).filter(pk=show.pk).exists()


def test_a_performance_must_touch_the_users_jurisdiction(personas, arts, county, login):
    client = login(personas.chengguan_admin)
    # 青山镇's team (known from its show in 西关村) in 青山镇's village: neither is ours.
    neither = client.post(f"{SHOWS}new/", show_form(arts.qingshan_team, county.shiqiao))
    assert "不在您的管辖范围内" in neither.content.decode()
    # …in our village it is ours to record.
    hosted = client.post(f"{SHOWS}new/", show_form(arts.qingshan_team, county.dongguan))
    assert hosted.status_code == 302
    unknown = ArtTeam.objects.create(name="石桥锣鼓队", kind="folk", org=county.shiqiao)
    forged = client.post(f"{SHOWS}new/", show_form(unknown, county.dongguan))
    assert "team" in forged.context["form"].errors
    negative = client.post(
        f"{SHOWS}new/", show_form(arts.chengguan_team, county.dongguan, audience="-5")
    )
    assert "audience" in negative.context["form"].errors
    bad_date = client.post(
        f"{SHOWS}new/", show_form(arts.chengguan_team, county.dongguan, date="2026-13-01")
    )
    assert "date" in bad_date.context["form"].errors
    assert Performance.objects.count() == 5  # only the hosted show was added
    outsider = login(personas.outsider_admin)
    # The outsider knows 城关镇's team from its show in 石桥村, but 东关村 is not theirs.
    away = outsider.post(f"{SHOWS}new/", show_form(arts.chengguan_team, county.dongguan))
    assert "不在您的管辖范围内" in away.content.decode()


def test_edit_and_delete_a_performance(personas, arts, county, login):
    client = login(personas.chengguan_admin)
    url = f"{SHOWS}{arts.home.pk}/"
    edited = client.post(
        f"{url}edit/", show_form(arts.chengguan_team, county.dongguan, audience="450")
    )
    assert edited.status_code == 302
    arts.home.refresh_from_db()
    assert arts.home.audience == 450
    assert f'href="{TEAMS}{arts.chengguan_team.pk}/"' in client.get(url).content.decode()
    assert client.post(f"{url}delete/").status_code == 302
    assert not Performance.objects.filter(pk=arts.home.pk).exists()
    # The visiting team's show in 西关村: ours to edit, its team's page not ours to open.
    visit = client.get(f"{SHOWS}{arts.visit.pk}/").content.decode()
    assert f'href="{TEAMS}{arts.qingshan_team.pk}/"' not in visit


# --- the teams sheet -----------------------------------------------------------------------------


def test_the_teams_sheet_adds_teams_and_members(personas, arts, people):
    zhang, wang = people.zhang_san, people.wang_wu
    rows = [
        ["城关花灯剧团", "戏曲", "城关镇", "张三", zhang.id_number],
        ["城关花灯剧团", "戏曲", "示范县/城关镇", "王五", wang.id_number],
        ["西关腰鼓队", "民间文艺", "城关镇/西关村", "", ""],
        ["东关秧歌队", "民间文艺", "城关镇/东关村", "张三", zhang.id_number],
        ["东关秧歌队", "民间文艺", "城关镇/东关村", "王五", wang.id_number],
    ]
    outcome = import_sheet("teams", personas.chengguan_admin, TEAM_HEADER, rows)
    assert outcome.ok, problems(outcome)
    summary = outcome.summary()
    assert (summary["new"], summary["updated"], summary["unchanged"]) == (3, 1, 1)
    assert set(arts.chengguan_team.members.all()) == {zhang, wang}
    assert not ArtTeam.objects.get(name="西关腰鼓队").members.exists()
    yangge = ArtTeam.objects.get(name="东关秧歌队")
    assert (yangge.kind, yangge.org.name) == ("folk", "东关村")
    assert set(yangge.members.all()) == {zhang, wang}
    # Each team's new members are one audited change, inside the import's batch.
    event = member_events(arts.chengguan_team).get()
    assert event.changes["members"] == [["张三"], ["张三", "王五"]]
    assert event.batch.action == AuditAction.IMPORT
    before = AuditEvent.objects.count()
    again = import_sheet("teams", personas.chengguan_admin, TEAM_HEADER, rows)
    assert again.ok and again.summary()["unchanged"] == 5
    assert AuditEvent.objects.exclude(action=AuditAction.IMPORT).count() == before - 1


def test_the_teams_sheet_never_removes_and_may_change_the_kind(personas, arts, people):
    rows = [["城关花灯剧团", "民间文艺", "城关镇", "王五", people.wang_wu.id_number]]
    outcome = import_sheet("teams", personas.chengguan_admin, TEAM_HEADER, rows)
    assert outcome.ok and outcome.summary()["updated"] == 1, problems(outcome)
    arts.chengguan_team.refresh_from_db()
    assert arts.chengguan_team.kind == "folk"
    assert set(arts.chengguan_team.members.all()) == {people.zhang_san, people.wang_wu}


def test_a_bad_teams_sheet_names_row_column_and_reason_and_changes_nothing(personas, arts, people):
    zhang, li = people.zhang_san, people.li_si
    rows = [
        ["新剧团", "戏曲", "城关镇/东关村", "张三", zhang.id_number],  # good, but not alone
        ["甲队", "话剧", "城关镇/东关村", "", ""],
        ["乙队", "戏曲", "青山镇/石桥村", "", ""],
        ["丙队", "戏曲", "城关镇/东关村", "李四", li.id_number],
        ["丁队", "戏曲", "城关镇/东关村", "王二", zhang.id_number],
        ["戊队", "戏曲", "城关镇/东关村", "张三", ""],
        ["新剧团", "民间文艺", "城关镇/东关村", "", ""],
        ["己队", "戏曲", "城关镇/东关村", "张三", "123"],
        ["庚队", "戏曲", "城关镇/北关村", "", ""],
    ]
    members = list(arts.chengguan_team.members.all())
    outcome = import_sheet("teams", personas.chengguan_admin, TEAM_HEADER, rows)
    text = problems(outcome)
    assert not outcome.ok
    assert "第 3 行〔类型〕" in text and "话剧" in text
    assert "第 4 行〔整行〕" in text and "管辖范围" in text
    assert "第 5 行〔成员身份证号〕" in text and "人才库中没有" in text
    assert "第 6 行〔成员身份证号〕" in text and "不一致" in text
    assert "第 7 行〔成员身份证号〕" in text and "请同时填写" in text
    assert "第 8 行〔类型〕" in text and "须一致" in text
    assert "第 9 行〔成员身份证号〕" in text
    assert "第 10 行〔所在单位〕" in text
    assert "第 2 行〔" not in text  # the good row is not blamed
    assert ArtTeam.objects.count() == 2
    assert list(arts.chengguan_team.members.all()) == members


def test_a_teams_sheet_repeating_a_member_is_refused(personas, arts, people):
    row = ["城关花灯剧团", "戏曲", "城关镇", "王五", people.wang_wu.id_number]
    outcome = import_sheet("teams", personas.chengguan_admin, TEAM_HEADER, [row, row])
    assert "第 3 行〔团队名称〕" in problems(outcome) and "重复" in problems(outcome)
    assert people.wang_wu.id_number not in problems(outcome)
    assert arts.chengguan_team.members.count() == 1


def test_the_teams_export_is_masked_and_imports_back_unchanged(
    personas, arts, county, people, login
):
    arts.chengguan_team.members.add(people.li_si)  # by the county; 城关镇 does not see 李四
    ArtTeam.objects.create(name="西关腰鼓队", kind="folk", org=county.xiguan)
    client = login(personas.chengguan_admin)
    table = export_table(client, f"{TEAMS}export.xlsx")
    assert table[0] == TEAM_HEADER
    assert sorted(table[1:]) == sorted(
        [
            ["城关花灯剧团", "戏曲", "示范县/城关镇", "张三", people.zhang_san.masked_id_number],
            ["城关花灯剧团", "戏曲", "示范县/城关镇", "李四", people.li_si.masked_id_number],
            ["西关腰鼓队", "民间文艺", "示范县/城关镇/西关村", "", ""],
        ]
    )
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1
    before = AuditEvent.objects.exclude(action=AuditAction.IMPORT).count()
    outcome = import_sheet("teams", personas.chengguan_admin, table[0], table[1:])
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["unchanged"] == 3
    assert AuditEvent.objects.exclude(action=AuditAction.IMPORT).count() == before
    filtered = export_table(client, f"{TEAMS}export.xlsx?kind=folk")
    assert [r[0] for r in filtered[1:]] == ["西关腰鼓队"]


# --- the performances sheet ----------------------------------------------------------------------


def test_the_performances_sheet_creates_updates_and_leaves_unchanged(personas, arts):
    rows = [
        ["2026-03-01", "城关花灯剧团", "城关镇/东关村", "百座戏台千场戏", 350],
        ["2026年8月8日", "城关花灯剧团", "青山镇/石桥村", "文艺三下乡", 120],
        ["2026-09-09", "青山秧歌队", "城关镇/西关村", "百座戏台千场戏", ""],  # visiting
        ["2026-05-01", "城关花灯剧团", "石桥村", "文艺三下乡", 200],
    ]
    outcome = import_sheet("performances", personas.chengguan_admin, SHOW_HEADER, rows)
    assert outcome.ok, problems(outcome)
    assert (outcome.summary()["new"], outcome.summary()["updated"]) == (2, 1)
    assert outcome.summary()["unchanged"] == 1
    arts.home.refresh_from_db()
    assert arts.home.audience == 350
    visiting = Performance.objects.get(date=D(2026, 9, 9))
    assert (visiting.team, visiting.audience) == (arts.qingshan_team, None)
    again = import_sheet("performances", personas.chengguan_admin, SHOW_HEADER, rows)
    assert again.summary()["unchanged"] == 4


def test_a_bad_performances_sheet_changes_nothing(personas, arts, county):
    ArtTeam.objects.create(name="石桥锣鼓队", kind="folk", org=county.shiqiao)
    rows = [
        ["2026-10-01", "城关花灯剧团", "城关镇/东关村", "百座戏台千场戏", 100],  # good
        ["2026-10-02", "无名剧团", "城关镇/东关村", "百座戏台千场戏", 100],
        ["2026-10-03", "青山秧歌队", "青山镇/石桥村", "百座戏台千场戏", 100],
        ["2026-13-01", "城关花灯剧团", "城关镇/东关村", "百座戏台千场戏", "-3"],
        ["2026-10-05", "石桥锣鼓队", "城关镇/东关村", "", 10],
        ["2026-10-01", "城关花灯剧团", "城关镇/东关村", "百座戏台千场戏", 200],
    ]
    outcome = import_sheet("performances", personas.chengguan_admin, SHOW_HEADER, rows)
    text = problems(outcome)
    assert not outcome.ok
    assert "第 3 行〔文艺团队〕" in text and "无名剧团" in text
    assert "第 4 行〔整行〕" in text and "管辖范围" in text
    assert "第 5 行〔演出日期〕" in text and "第 5 行〔观众人数〕" in text
    assert "第 6 行〔文艺团队〕" in text  # a team 城关镇 does not know of
    assert "第 6 行〔活动名称〕" in text
    assert "第 7 行〔演出日期〕" in text and "城关花灯剧团" in text and "重复" in text
    assert Performance.objects.count() == 4


def test_the_performances_export_imports_back_unchanged(personas, arts, county, login):
    # Two teams of the same name: the export writes 单位/名称 so the import can tell them apart.
    twin = ArtTeam.objects.create(name="青山秧歌队", kind="folk", org=county.xiguan)
    Performance.objects.create(
        team=twin, date=D(2026, 2, 2), village=county.xiguan, programme="春节"
    )
    client = login(personas.chengguan_admin)
    table = export_table(client, f"{SHOWS}export.xlsx")
    assert table[0] == SHOW_HEADER
    assert len(table) == 5
    assert ["2026-06-01", "青山镇/青山秧歌队", "示范县/城关镇/西关村", "文艺三下乡", ""] in table
    assert ["2026-02-02", "西关村/青山秧歌队", "示范县/城关镇/西关村", "春节", ""] in table
    outcome = import_sheet("performances", personas.chengguan_admin, table[0], table[1:])
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["unchanged"] == 4
    params = f"?scope={county.county.pk}&start=2026-01-01&end=2026-12-31"
    figure = export_table(client, f"{SHOWS}export.xlsx{params}")
    assert len(figure) - 1 == record_count(client.get(f"{SHOWS}{params}"))


# --- API -----------------------------------------------------------------------------------------


def test_the_teams_api_is_scoped_and_shows_members_without_id_numbers(
    personas, arts, county, people
):
    api = token_client(personas.chengguan_admin)
    listed = api.get("/api/training/teams/").json()
    assert [t["name"] for t in listed["results"]] == ["城关花灯剧团"]
    team = listed["results"][0]
    assert team["members"] == [people.zhang_san.pk]
    assert team["member_list"] == [{"id": people.zhang_san.pk, "name": "张三"}]
    assert people.zhang_san.id_number not in str(listed)
    outsider = token_client(personas.outsider_admin)
    assert outsider.get(f"/api/training/teams/{arts.chengguan_team.pk}/").status_code == 404

    body = {"name": "东关腰鼓队", "kind": "folk", "org": county.dongguan.pk}
    created = api.post(
        "/api/training/teams/",
        {**body, "members": [people.zhang_san.pk, people.wang_wu.pk]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    new = ArtTeam.objects.get(name="东关腰鼓队")
    assert set(new.members.all()) == {people.zhang_san, people.wang_wu}
    assert member_events(new).exists()
    stranger = api.post(
        "/api/training/teams/",
        {**body, "name": "越界成员", "members": [people.li_si.pk]},
        content_type="application/json",
    )
    assert stranger.status_code == 400
    twice = api.post("/api/training/teams/", body, content_type="application/json")
    assert twice.status_code == 400 and "同名" in twice.content.decode()
    outside = api.post(
        "/api/training/teams/", {**body, "org": county.shiqiao.pk}, content_type="application/json"
    )
    assert outside.status_code == 400
    leader = token_client(personas.chengguan_leader)
    assert leader.delete(f"/api/training/teams/{arts.chengguan_team.pk}/").status_code == 403


def test_the_teams_api_keeps_members_the_caller_does_not_see(personas, arts, people):
    team = arts.chengguan_team
    team.members.add(people.li_si)  # by the county
    api = token_client(personas.chengguan_admin)
    keep = api.patch(
        f"/api/training/teams/{team.pk}/",
        {"members": [people.zhang_san.pk, people.li_si.pk, people.wang_wu.pk]},
        content_type="application/json",
    )
    assert keep.status_code == 200, keep.content
    assert set(team.members.all()) == {people.zhang_san, people.li_si, people.wang_wu}
    outsider_team = arts.qingshan_team
    assert (
        api.patch(
            f"/api/training/teams/{outsider_team.pk}/",
            {"name": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_the_performances_api_is_scoped_and_checked(personas, arts, county):
    api = token_client(personas.chengguan_admin)
    listed = api.get("/api/training/performances/").json()
    assert {p["id"] for p in listed["results"]} == {arts.home.pk, arts.away.pk, arts.visit.pk}
    visit = next(p for p in listed["results"] if p["id"] == arts.visit.pk)
    assert (visit["team_name"], visit["village_name"]) == ("青山秧歌队", "示范县/城关镇/西关村")
    figure = api.get(
        "/api/training/performances/",
        {"scope": county.chengguan.pk, "start": "2026-01-01", "end": "2026-12-31"},
    ).json()
    period = figures.Period.year(2026)
    assert figure["count"] == figures.performance_rows(county.chengguan, period).count()

    def post(team, village, **extra):
        body = {"team": team.pk, "date": "2026-07-07", "village": village.pk, "programme": "x"}
        return api.post(
            "/api/training/performances/", {**body, **extra}, content_type="application/json"
        )

    assert post(arts.chengguan_team, county.shiqiao).status_code == 201  # away is fine
    assert post(arts.qingshan_team, county.shiqiao).status_code == 400  # neither is ours
    assert post(arts.qingshan_team, county.xiguan).status_code == 201  # hosted by us
    assert post(arts.chengguan_team, county.dongguan, audience=-1).status_code == 400
    unknown = ArtTeam.objects.create(name="石桥锣鼓队", kind="folk", org=county.shiqiao)
    assert post(unknown, county.dongguan).status_code == 400
    outsider = token_client(personas.outsider_admin)
    assert outsider.get(f"/api/training/performances/{arts.home.pk}/").status_code == 404
    assert outsider.delete(f"/api/training/performances/{arts.home.pk}/").status_code == 404
    leader = token_client(personas.chengguan_leader)
    assert leader.delete(f"/api/training/performances/{arts.home.pk}/").status_code == 403
    assert Performance.objects.filter(pk=arts.home.pk).exists()


@pytest.mark.parametrize(
    ("sheet", "header"), [("teams", TEAM_HEADER), ("performances", SHOW_HEADER)]
)
def test_the_import_templates_and_upload_pages(personas, login, sheet, header):
    client = login(personas.chengguan_admin)
    table = export_table(client, f"/imports/{sheet}/template.xlsx")
    assert table[0] == header
    assert client.get(f"/imports/{sheet}/").status_code == 200
    assert login(personas.chengguan_leader).get(f"/imports/{sheet}/").status_code == 403
