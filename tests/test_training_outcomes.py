"""培训成效, 名师带徒 and 储备 through every door (web pages, import sheets, exports, API):
scoped to the user's jurisdiction, people by ID number and masked on the way out; a
认定新型职业农民 outcome carries its Qualification wherever it is entered."""

import datetime
import re

import pytest

from rencai.accounts.roles import Role
from rencai.imports.sheets import get_sheet
from rencai.people.choices import QualificationKind
from rencai.people.models import Person, Qualification
from rencai.training import figures
from rencai.training.actions import record_outcome
from rencai.training.models import (
    Mentorship,
    Outcome,
    Pool,
    PoolMembership,
    TrainingCategory,
    TrainingProgram,
)
from tests.conftest import make_id, make_user
from tests.records_support import export_table, import_sheet, problems, record_count
from tests.test_api import token_client

D = datetime.date
OUTCOMES, MENTORSHIPS, POOLS = "/training/outcomes/", "/training/mentorships/", "/training/pools/"
OUTCOME_HEADER = ["姓名", "身份证号", "成效类型", "日期", "来源培训", "等级", "说明"]
MENTOR_HEADER = [
    "师傅姓名",
    "师傅身份证号",
    "徒弟姓名",
    "徒弟身份证号",
    "技艺",
    "开始日期",
    "结束日期",
    "状态",
    "成果",
]
POOL_HEADER = ["储备库", "姓名", "身份证号", "入库日期", "状态", "出库日期", "出库原因"]
CJK = re.compile(r"[\u4e00-\u9fff]")


class Records:
    """城关镇: 张三 (东关村) started a scale farm after its 肉牛 course and was recognised a
    新型职业农民 (中级); 赵六 (西关村) is 张三's apprentice in 花灯; 张三 is in 后备干部.
    青山镇: 李四 became a skilled worker after 烤烟种植培训, teaches 王五 (lives in 石桥村, works at
    城关镇卫生院) 烤烟; 王五 started a business in 2025. 城关镇 ran two courses of one name."""

    def __init__(self, county, people) -> None:
        farming = TrainingCategory.objects.get(name="种养殖技术")
        self.zhao_liu = Person.objects.create(
            name="赵六",
            id_number=make_id("19920304", 44),
            gender="1",
            birth_date="1992-03-04",
            home_org=county.xiguan,
            education="20",
            political_status="13",
        )
        self.cattle = TrainingProgram.objects.create(
            name="肉牛养殖技术培训",
            category=farming,
            organiser=county.chengguan,
            start_date=D(2026, 3, 2),
            end_date=D(2026, 3, 4),
        )
        self.cattle_again = TrainingProgram.objects.create(
            name="肉牛养殖技术培训",
            category=farming,
            organiser=county.chengguan,
            start_date=D(2026, 9, 1),
            end_date=D(2026, 9, 2),
        )
        self.tobacco = TrainingProgram.objects.create(
            name="烤烟种植培训",
            category=farming,
            organiser=county.qingshan,
            start_date=D(2026, 4, 1),
            end_date=D(2026, 4, 1),
        )
        zhang, li, wang = people.zhang_san, people.li_si, people.wang_wu
        self.farm = Outcome.objects.create(
            person=zhang, kind="scale_farm", date=D(2026, 5, 1), program=self.cattle
        )
        self.farmer = record_outcome(zhang, "new_farmer", D(2026, 6, 1), grade="中级")
        self.worker = Outcome.objects.create(
            person=li, kind="skilled_work", date=D(2026, 5, 10), program=self.tobacco
        )
        self.startup = Outcome.objects.create(person=wang, kind="startup", date=D(2025, 12, 1))
        self.lantern = Mentorship.objects.create(
            master=zhang, apprentice=self.zhao_liu, craft="花灯", start_date=D(2025, 9, 1)
        )
        self.curing = Mentorship.objects.create(
            master=li,
            apprentice=wang,
            craft="烤烟",
            start_date=D(2026, 2, 1),
            end_date=D(2026, 3, 1),
            status="graduated",
        )
        self.cadres = Pool.objects.get(name="后备干部")
        self.thousand = Pool.objects.get(name="千人储备")
        self.zhang_cadre = PoolMembership.objects.create(
            pool=self.cadres, person=zhang, entered_on=D(2025, 1, 1)
        )
        self.li_thousand = PoolMembership.objects.create(
            pool=self.thousand, person=li, entered_on=D(2025, 2, 1)
        )


@pytest.fixture
def records(county, people) -> Records:
    return Records(county, people)


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def form_errors(response) -> dict:
    assert response.status_code == 200, response.status_code
    return response.context["form"].errors


# --- personas -----------------------------------------------------------------------------------


def test_each_unit_lists_its_own_people(personas, records, login):
    county = login(personas.county_admin)
    assert [record_count(county.get(u)) for u in (OUTCOMES, MENTORSHIPS, POOLS)] == [4, 2, 2]
    # 王五 works at 城关镇卫生院: his outcome is 城关镇's too; the 烤烟 pair lives in 青山镇.
    chengguan = login(personas.chengguan_admin)
    assert [record_count(chengguan.get(u)) for u in (OUTCOMES, MENTORSHIPS, POOLS)] == [3, 1, 1]


def test_the_outsider_sees_none_of_chengguans_people(personas, records, login):
    outsider = login(personas.outsider_admin)
    listed = text_of(outsider.get(OUTCOMES)) + text_of(outsider.get(MENTORSHIPS))
    listed += text_of(outsider.get(POOLS))
    assert "张三" not in listed and "赵六" not in listed
    assert record_count(outsider.get(OUTCOMES)) == 2  # 李四's and 王五's
    for url in (
        f"{OUTCOMES}{records.farm.pk}/",
        f"{OUTCOMES}{records.farmer.pk}/edit/",
        f"{MENTORSHIPS}{records.lantern.pk}/",
        f"{POOLS}{records.zhang_cadre.pk}/",
        f"{POOLS}{records.zhang_cadre.pk}/edit/",
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"{OUTCOMES}{records.farm.pk}/delete/").status_code == 404
    assert outsider.post(f"{POOLS}{records.zhang_cadre.pk}/exit/", {}).status_code == 404
    assert Outcome.objects.filter(pk=records.farm.pk).exists()
    for url in (OUTCOMES, MENTORSHIPS, POOLS):
        assert login(personas.auditor).get(url).status_code == 403


def test_a_leader_reads_but_changes_nothing(personas, records, people, login):
    client = login(personas.chengguan_leader)
    assert record_count(client.get(OUTCOMES)) == 3
    for url in (OUTCOMES, MENTORSHIPS, POOLS):
        assert client.get(f"{url}new/").status_code == 403
        assert 'id="record-create"' not in text_of(client.get(url))
    assert client.post(f"{OUTCOMES}{records.farmer.pk}/delete/").status_code == 403
    assert client.post(f"{MENTORSHIPS}{records.lantern.pk}/edit/", {}).status_code == 403
    exit_data = {"exited_on": "2026-07-01", "exit_reason": "调离"}
    assert client.post(f"{POOLS}{records.zhang_cadre.pk}/exit/", exit_data).status_code == 403
    assert "pool-exit-form" not in text_of(client.get(f"{POOLS}{records.zhang_cadre.pk}/"))
    records.zhang_cadre.refresh_from_db()
    assert records.zhang_cadre.status == "active"
    assert Outcome.objects.filter(pk=records.farmer.pk).exists()
    for sheet in ("outcomes", "mentorships", "pool_members"):
        assert not get_sheet(sheet).may_import(personas.chengguan_leader)
    api = token_client(personas.chengguan_leader)
    assert api.delete(f"/api/training/outcomes/{records.farm.pk}/").status_code == 403
    created = api.post(
        "/api/training/pool-members/",
        {"pool": records.thousand.pk, "person": people.zhang_san.pk, "entered_on": "2026-01-01"},
        content_type="application/json",
    )
    assert created.status_code == 403
    assert PoolMembership.objects.count() == 2


# --- figure filters -----------------------------------------------------------------------------


def test_outcomes_by_kind_link_to_exactly_the_rows_counted(personas, records, county, login):
    client = login(personas.county_admin)
    period = figures.Period.year(2026)
    for unit in (county.county, county.chengguan, county.qingshan):
        params = {"scope": unit.pk, "start": "2026-01-01", "end": "2026-12-31"}
        expected = figures.outcome_rows(unit, period).count()
        assert record_count(client.get(OUTCOMES, params)) == expected
        for kind, n in figures.outcomes_by_kind(unit, period).items():
            assert record_count(client.get(OUTCOMES, {**params, "kind": kind})) == n
    # 王五's 2025 startup is not a 2026 outcome; 李四's is 青山镇's, not 城关镇's.
    whole = {"scope": county.county.pk, "start": "2026-01-01", "end": "2026-12-31"}
    assert record_count(client.get(OUTCOMES, whole)) == 3
    township = {**whole, "scope": county.chengguan.pk}
    assert record_count(client.get(OUTCOMES, township)) == 2
    half = {"scope": county.county.pk, "start": "2026-01-01"}
    assert "请同时选择" in text_of(client.get(OUTCOMES, half))


def test_mentorships_list_exactly_the_pairs_counted(personas, records, county, login):
    client = login(personas.county_admin)
    for start, end in (("2026-01-01", "2026-12-31"), ("2025-01-01", "2025-12-31")):
        period = figures.Period(D.fromisoformat(start), D.fromisoformat(end))
        for unit in (county.county, county.qingshan):
            params = {"scope": unit.pk, "start": start, "end": end}
            expected = figures.mentorship_rows(unit, period).count()
            assert record_count(client.get(MENTORSHIPS, params)) == expected
    # In 2025 only 花灯 was under way.
    in_2025 = {"scope": county.county.pk, "start": "2025-01-01", "end": "2025-12-31"}
    assert record_count(client.get(MENTORSHIPS, in_2025)) == 1


def test_list_filters(personas, records, county, login):
    client = login(personas.county_admin)
    assert record_count(client.get(OUTCOMES, {"name": "张"})) == 2
    assert record_count(client.get(OUTCOMES, {"program": records.tobacco.pk})) == 1
    assert record_count(client.get(OUTCOMES, {"date_from": "2026-05-05"})) == 2
    assert record_count(client.get(OUTCOMES, {"org": county.qingshan.pk})) == 2
    assert record_count(client.get(MENTORSHIPS, {"name": "王五"})) == 1
    assert record_count(client.get(MENTORSHIPS, {"status": "ongoing"})) == 1
    assert record_count(client.get(MENTORSHIPS, {"org": county.chengguan.pk})) == 1
    assert record_count(client.get(POOLS, {"pool": records.cadres.pk})) == 1
    assert record_count(client.get(POOLS, {"status": "exited"})) == 0
    # A program of another township is no filter for 城关镇: no rows, an error, no peeking.
    chengguan = login(personas.chengguan_admin)
    assert record_count(chengguan.get(OUTCOMES, {"program": records.tobacco.pk})) == 0


def test_the_program_links_only_when_the_user_may_open_it(personas, records, login):
    county = text_of(login(personas.county_admin).get(OUTCOMES))
    assert f"/training/programs/{records.tobacco.pk}/" in county
    assert "肉牛养殖技术培训（2026-03-02）" in county
    # 青山镇 sees 李四's outcome of its own course and 王五's; not 城关镇's courses.
    outsider = text_of(login(personas.outsider_admin).get(OUTCOMES))
    assert f"/training/programs/{records.tobacco.pk}/" in outsider
    chengguan = login(personas.chengguan_admin)
    worker = text_of(login(personas.county_admin).get(f"{OUTCOMES}{records.worker.pk}/"))
    assert "烤烟种植培训" in worker
    assert chengguan.get(f"{OUTCOMES}{records.worker.pk}/").status_code == 404


# --- 培训成效 pages and its qualification -------------------------------------------------------


def outcome_form(who, **changes) -> dict:
    data = {
        "person": who.id_number if who else "",
        "kind": "new_farmer",
        "date": "2026-07-01",
        "grade": "高级",
        "program": "",
        "notes": "",
    }
    data.update(changes)
    return data


def test_a_new_farmer_outcome_keeps_its_qualification_through_the_pages(personas, records, login):
    client = login(personas.chengguan_admin)
    zhao = records.zhao_liu
    response = client.post(f"{OUTCOMES}new/", outcome_form(zhao, program=records.cattle.pk))
    assert response.status_code == 302, form_errors(response)
    outcome = Outcome.objects.get(person=zhao)
    qualification = outcome.qualification
    assert (qualification.person, qualification.kind, qualification.level) == (
        zhao,
        QualificationKind.FARMER,
        "高级",
    )
    assert qualification.issued_on == D(2026, 7, 1)
    assert "高级" in text_of(client.get(f"{OUTCOMES}{outcome.pk}/"))
    edit = text_of(client.get(f"{OUTCOMES}{outcome.pk}/edit/"))
    assert zhao.id_number not in edit
    # Editing keeps it in step: grade and date.
    changed = outcome_form(zhao, person="", grade="初级", date="2026-07-15")
    assert client.post(f"{OUTCOMES}{outcome.pk}/edit/", changed).status_code == 302
    qualification.refresh_from_db()
    assert (qualification.level, qualification.issued_on) == ("初级", D(2026, 7, 15))
    # Another kind: the certificate goes.
    startup = outcome_form(zhao, person="", kind="startup", grade="")
    assert client.post(f"{OUTCOMES}{outcome.pk}/edit/", startup).status_code == 302
    outcome.refresh_from_db()
    assert outcome.qualification is None
    assert not Qualification.objects.filter(pk=qualification.pk).exists()
    # Back to 新型职业农民: a new certificate.
    again = outcome_form(zhao, person="", grade="中级")
    assert client.post(f"{OUTCOMES}{outcome.pk}/edit/", again).status_code == 302
    outcome.refresh_from_db()
    assert outcome.qualification.level == "中级"


def test_deleting_a_new_farmer_outcome_deletes_its_certificate(personas, records, login):
    client = login(personas.chengguan_admin)
    farmer = records.farmer
    qualification_pk = farmer.qualification_id
    confirm = text_of(client.get(f"{OUTCOMES}{farmer.pk}/delete/"))
    assert "一并删除" in confirm
    assert client.post(f"{OUTCOMES}{farmer.pk}/delete/").status_code == 302
    assert not Outcome.objects.filter(pk=farmer.pk).exists()
    assert not Qualification.objects.filter(pk=qualification_pk).exists()
    # An ordinary outcome's deletion touches no certificate.
    before = Qualification.objects.count()
    assert client.post(f"{OUTCOMES}{records.farm.pk}/delete/").status_code == 302
    assert Qualification.objects.count() == before


def test_the_grade_belongs_to_new_farmers_only(personas, records, login):
    client = login(personas.chengguan_admin)
    zhao = records.zhao_liu
    missing = form_errors(client.post(f"{OUTCOMES}new/", outcome_form(zhao, grade="")))
    assert "须填写等级" in str(missing["grade"])
    stray = form_errors(client.post(f"{OUTCOMES}new/", outcome_form(zhao, kind="startup")))
    assert "只有" in str(stray["grade"])
    forged = form_errors(client.post(f"{OUTCOMES}new/", outcome_form(zhao, grade="特级")))
    assert "grade" in forged
    assert not Outcome.objects.filter(person=zhao).exists()
    assert not Qualification.objects.filter(person=zhao).exists()


def test_people_are_entered_by_id_number(personas, records, people, login):
    client = login(personas.chengguan_admin)
    unknown = make_id("19800101", 99)
    cases = {
        unknown: "人才库中没有该身份证号",
        people.li_si.id_number: "人才库中没有该身份证号",  # 青山镇's
        "123": "",
        "43313019850312001X": "",  # a bad check digit
    }
    for number, wanted in cases.items():
        errors = form_errors(client.post(f"{OUTCOMES}new/", outcome_form(None, person=number)))
        message = str(errors["person"])
        assert CJK.search(message) and wanted in message, (number, message)
        errors = form_errors(
            client.post(f"{POOLS}new/", {"person": number, "pool": records.cadres.pk})
        )
        assert CJK.search(str(errors["person"]))
        data = mentorship_form(records.zhao_liu, records.zhao_liu, master=number)
        assert "master" in form_errors(client.post(f"{MENTORSHIPS}new/", data))
    # A program of another township cannot be named (forged id): a form error, nothing saved.
    forged = outcome_form(records.zhao_liu, program=records.tobacco.pk)
    assert "program" in form_errors(client.post(f"{OUTCOMES}new/", forged))
    assert Outcome.objects.count() == 4 and Mentorship.objects.count() == 2


# --- 名师带徒 pages ----------------------------------------------------------------------------


def mentorship_form(teacher, pupil, **changes) -> dict:
    data = {
        "master": teacher.id_number,
        "apprentice": pupil.id_number,
        "craft": "剪纸",
        "start_date": "2026-03-01",
        "end_date": "",
        "status": "ongoing",
        "result": "",
    }
    data.update(changes)
    return data


def test_mentorship_pages_check_the_pair_and_the_dates(personas, records, people, login):
    client = login(personas.chengguan_admin)
    zhang, zhao = people.zhang_san, records.zhao_liu
    same = client.post(f"{MENTORSHIPS}new/", mentorship_form(zhang, zhang))
    assert "师傅和徒弟不能是同一人" in text_of(same)
    backwards = mentorship_form(zhao, zhang, end_date="2026-02-01")
    assert "结束日期不能早于开始日期" in str(
        form_errors(client.post(f"{MENTORSHIPS}new/", backwards))
    )
    open_ended = mentorship_form(zhao, zhang, status="graduated")
    assert "end_date" in form_errors(client.post(f"{MENTORSHIPS}new/", open_ended))
    assert Mentorship.objects.count() == 2
    good = mentorship_form(zhao, zhang, end_date="2026-12-31", status="graduated", result="出师")
    response = client.post(f"{MENTORSHIPS}new/", good)
    assert response.status_code == 302
    pair = Mentorship.objects.get(craft="剪纸")
    assert (pair.master, pair.apprentice, pair.status) == (zhao, zhang, "graduated")
    page = text_of(client.get(f"{MENTORSHIPS}{pair.pk}/"))
    assert "赵六" in page and zhao.id_number not in page
    # Editing into the same person twice is caught as well.
    edit = mentorship_form(zhao, zhang, master="", apprentice=zhao.id_number)
    assert "apprentice" in form_errors(client.post(f"{MENTORSHIPS}{pair.pk}/edit/", edit))
    # Clearing the end date of a finished pairing is caught too.
    cleared = mentorship_form(zhao, zhang, master="", apprentice="", status="graduated")
    assert "end_date" in form_errors(client.post(f"{MENTORSHIPS}{pair.pk}/edit/", cleared))
    pair.refresh_from_db()
    assert (pair.apprentice, pair.end_date) == (zhang, D(2026, 12, 31))


# --- 储备 pages --------------------------------------------------------------------------------


def test_pool_entry_exit_and_reentry(personas, records, people, login):
    client = login(personas.chengguan_admin)
    zhao = records.zhao_liu
    entry = {"person": zhao.id_number, "pool": records.cadres.pk, "entered_on": "2026-01-05"}
    assert client.post(f"{POOLS}new/", entry).status_code == 302
    member = PoolMembership.objects.get(person=zhao)
    assert member.status == "active"
    twice = text_of(client.post(f"{POOLS}new/", {**entry, "entered_on": "2026-02-01"}))
    assert "该人员已在此储备库中" in twice
    exit_url = f"{POOLS}{member.pk}/exit/"
    assert "pool-exit-form" in text_of(client.get(f"{POOLS}{member.pk}/"))
    no_reason = client.post(exit_url, {"exited_on": "2026-06-01", "exit_reason": "  "})
    assert "请填写出库原因" in text_of(no_reason)
    too_early = client.post(exit_url, {"exited_on": "2025-12-01", "exit_reason": "调离"})
    assert "出库日期不能早于入库日期" in text_of(too_early)
    member.refresh_from_db()
    assert member.status == "active"
    done = client.post(exit_url, {"exited_on": "2026-06-01", "exit_reason": "考入公务员"})
    assert done.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.exited_on, member.exit_reason) == (
        "exited",
        D(2026, 6, 1),
        "考入公务员",
    )
    # Exiting twice changes nothing; entering again after the exit is allowed.
    client.post(exit_url, {"exited_on": "2026-07-01", "exit_reason": "再出库"})
    member.refresh_from_db()
    assert member.exit_reason == "考入公务员"
    again = client.post(f"{POOLS}new/", {**entry, "entered_on": "2026-08-01"})
    assert again.status_code == 302
    assert PoolMembership.objects.filter(person=zhao).count() == 2
    newest = PoolMembership.objects.get(person=zhao, status="active")
    assert "考入公务员" in text_of(client.get(f"{POOLS}{newest.pk}/"))  # the history below
    # An exited membership's reason can be corrected, never blanked.
    blank = {"person": "", "pool": records.cadres.pk, "entered_on": "2026-01-05"}
    blank.update(exited_on="2026-06-01", exit_reason="")
    assert "exit_reason" in form_errors(client.post(f"{POOLS}{member.pk}/edit/", blank))


# --- imports ------------------------------------------------------------------------------------


def test_outcome_import_creates_updates_and_leaves_unchanged(personas, records, people):
    zhang, zhao = people.zhang_san, records.zhao_liu
    rows = [
        ["张三", zhang.id_number, "创办规模养殖场", "2026-05-01", "", "", "存栏 60 头"],
        [
            "赵六",
            zhao.id_number,
            "认定新型职业农民",
            "2026年7月1日",
            "肉牛养殖技术培训（2026-09-01）",
            "初级",
            "",
        ],
        ["张三", zhang.id_number, "认定新型职业农民", "2026-06-01", "", "高级", ""],
    ]
    outcome = import_sheet("outcomes", personas.chengguan_admin, OUTCOME_HEADER, rows)
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["new"] == 1 and outcome.summary()["updated"] == 2
    records.farm.refresh_from_db()
    assert (records.farm.notes, records.farm.program) == ("存栏 60 头", records.cattle)
    new = Outcome.objects.get(person=zhao)
    assert new.program == records.cattle_again
    assert (new.qualification.level, new.qualification.issued_on) == ("初级", D(2026, 7, 1))
    records.farmer.qualification.refresh_from_db()
    assert records.farmer.qualification.level == "高级"
    again = import_sheet("outcomes", personas.chengguan_admin, OUTCOME_HEADER, rows)
    assert again.summary()["unchanged"] == 3, problems(again)
    assert Qualification.objects.filter(person=zhao).count() == 1


def test_a_bad_outcome_sheet_names_row_column_and_reason(personas, records, people):
    zhang, zhao, li = people.zhang_san, records.zhao_liu, people.li_si
    before = sorted(Outcome.objects.values_list("pk", "notes"))
    rows = [
        ["赵六", zhao.id_number, "外出打工", "2026-05-01", "", "", ""],
        ["赵六", zhao.id_number, "创业", "2026-05-01", "肉牛养殖技术培训", "", ""],
        ["赵六", zhao.id_number, "创业", "2026-05-02", "电商培训", "", ""],
        ["赵六", zhao.id_number, "认定新型职业农民", "2026-05-03", "", "", ""],
        ["赵六", zhao.id_number, "创业", "2026-05-04", "", "中级", ""],
        ["李四", li.id_number, "创业", "2026-05-05", "", "", ""],
        ["张三", zhang.id_number, "创业", "2026-13-01", "", "", ""],
        ["赵六", zhao.id_number, "创业", "2026-05-06", "烤烟种植培训", "", ""],
    ]
    outcome = import_sheet("outcomes", personas.chengguan_admin, OUTCOME_HEADER, rows)
    text = problems(outcome)
    assert not outcome.ok
    assert "第 2 行〔成效类型〕" in text and "外出打工" in text
    assert "第 3 行〔来源培训〕" in text and "名称（开始日期）" in text
    assert "第 4 行〔来源培训〕" in text and "找不到" in text
    assert "第 5 行〔等级〕" in text and "须填写等级" in text
    assert "第 6 行〔等级〕" in text
    assert "第 7 行〔身份证号〕" in text
    assert "第 8 行〔日期〕" in text
    assert "第 9 行〔来源培训〕" in text  # 青山镇's course, not 城关镇's to name
    assert sorted(Outcome.objects.values_list("pk", "notes")) == before
    assert not Qualification.objects.filter(person=zhao).exists()


def test_mentorship_import(personas, records, people):
    zhang, zhao = people.zhang_san, records.zhao_liu
    rows = [
        [
            "张三",
            zhang.id_number,
            "赵六",
            zhao.id_number,
            "花灯",
            "2025-09-01",
            "2026-06-30",
            "已出师",
            "县级比赛二等奖",
        ],
        ["赵六", zhao.id_number, "张三", zhang.id_number, "剪纸", "2026-01-01", "", "", ""],
    ]
    outcome = import_sheet("mentorships", personas.chengguan_admin, MENTOR_HEADER, rows)
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["new"] == 1 and outcome.summary()["updated"] == 1
    records.lantern.refresh_from_db()
    assert (records.lantern.status, records.lantern.result) == ("graduated", "县级比赛二等奖")
    assert Mentorship.objects.get(craft="剪纸").status == "ongoing"
    again = import_sheet("mentorships", personas.chengguan_admin, MENTOR_HEADER, rows)
    assert again.summary()["unchanged"] == 2
    before = sorted(Mentorship.objects.values_list("pk", "status", "end_date"))
    bad = [
        ["张三", zhang.id_number, "张三", zhang.id_number, "唢呐", "2026-01-01", "", "", ""],
        [
            "张三",
            zhang.id_number,
            "赵六",
            zhao.id_number,
            "泥塑",
            "2026-05-01",
            "2026-04-01",
            "",
            "",
        ],
        ["张三", zhang.id_number, "赵六", zhao.id_number, "花灯", "2025-09-01", "", "出师了", ""],
        [
            "李四",
            people.li_si.id_number,
            "王五",
            people.wang_wu.id_number,
            "腰鼓",
            "2026-01-01",
            "",
            "",
            "",
        ],
        ["赵六", zhao.id_number, "张三", zhang.id_number, "刺绣", "2026-01-01", "", "已终止", ""],
    ]
    failed = import_sheet("mentorships", personas.chengguan_admin, MENTOR_HEADER, bad)
    text = problems(failed)
    assert "第 2 行〔徒弟身份证号〕" in text and "同一人" in text
    assert "第 3 行〔结束日期〕" in text
    assert "第 4 行〔状态〕" in text
    assert "第 5 行〔师傅身份证号〕" in text
    assert "第 6 行〔结束日期〕" in text
    assert sorted(Mentorship.objects.values_list("pk", "status", "end_date")) == before


def test_pool_import(personas, records, people):
    zhang, zhao = people.zhang_san, records.zhao_liu
    rows = [
        ["后备干部", "张三", zhang.id_number, "2025-01-01", "已出库", "2026-03-01", "调任"],
        ["后备干部", "张三", zhang.id_number, "2026-04-01", "", "", ""],
        ["千人储备", "赵六", zhao.id_number, "2026-02-01", "在库", "", ""],
    ]
    outcome = import_sheet("pool_members", personas.chengguan_admin, POOL_HEADER, rows)
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["new"] == 2 and outcome.summary()["updated"] == 1
    records.zhang_cadre.refresh_from_db()
    assert (records.zhang_cadre.status, records.zhang_cadre.exit_reason) == ("exited", "调任")
    assert PoolMembership.objects.filter(person=zhang, status="active").count() == 1
    again = import_sheet("pool_members", personas.chengguan_admin, POOL_HEADER, rows)
    assert again.summary()["unchanged"] == 3
    before = sorted(PoolMembership.objects.values_list("pk", "status", "exit_reason"))
    bad = [
        ["千人储备", "赵六", zhao.id_number, "2026-02-01", "已出库", "2026-03-01", ""],
        ["人才储备库", "赵六", zhao.id_number, "2026-02-01", "", "", ""],
        ["后备干部", "赵六", zhao.id_number, "2026-05-01", "", "", ""],
        ["后备干部", "赵六", zhao.id_number, "2026-06-01", "", "", ""],
        ["千人储备", "张三", zhang.id_number, "2026-05-01", "在库", "2026-06-01", ""],
        ["后备干部", "张三", zhang.id_number, "2026-07-01", "", "", ""],
        ["后备干部", "李四", people.li_si.id_number, "2026-07-01", "", "", ""],
    ]
    failed = import_sheet("pool_members", personas.chengguan_admin, POOL_HEADER, bad)
    text = problems(failed)
    assert "第 2 行〔出库原因〕" in text and "原因" in text
    assert "第 3 行〔储备库〕" in text
    assert "第 5 行〔状态〕" in text and "第 4 行" in text
    assert "第 6 行〔出库日期〕" in text
    assert "第 7 行" in text and "已在此储备库中" in text
    assert "第 8 行〔身份证号〕" in text
    assert sorted(PoolMembership.objects.values_list("pk", "status", "exit_reason")) == before


# --- exports ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "sheet", "rows"),
    [(OUTCOMES, "outcomes", 3), (MENTORSHIPS, "mentorships", 1), (POOLS, "pool_members", 1)],
)
def test_exports_are_masked_and_import_back_unchanged(
    personas, records, people, login, url, sheet, rows
):
    client = login(personas.chengguan_admin)
    table = export_table(client, f"{url}export.xlsx")
    assert len(table) == rows + 1
    cells = {str(c) for row in table for c in row}
    for person in (people.zhang_san, records.zhao_liu, people.wang_wu):
        assert person.id_number not in cells
    assert people.zhang_san.masked_id_number in cells
    outcome = import_sheet(sheet, personas.chengguan_admin, table[0], table[1:])
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["unchanged"] == rows
    # One who may reveal gets the full numbers.
    revealer = make_user("revealer", Role.TOWNSHIP_ADMIN, personas.chengguan_admin.org)
    revealer.can_reveal = True
    revealer.save()
    full = {str(c) for row in export_table(login(revealer), f"{url}export.xlsx") for c in row}
    assert people.zhang_san.id_number in full


def test_the_outcome_export_writes_programs_as_they_import(personas, records, people, login):
    Outcome.objects.filter(pk=records.farmer.pk).update(program=records.cattle_again)
    client = login(personas.chengguan_admin)
    table = export_table(client, f"{OUTCOMES}export.xlsx?kind=new_farmer")
    assert table[0] == OUTCOME_HEADER
    assert [r[4] for r in table[1:]] == ["肉牛养殖技术培训（2026-09-01）"]
    assert [r[5] for r in table[1:]] == ["中级"]
    outcome = import_sheet("outcomes", personas.chengguan_admin, table[0], table[1:])
    assert outcome.ok and outcome.summary()["unchanged"] == 1, problems(outcome)


# --- API ---------------------------------------------------------------------------------------


def test_the_api_is_scoped_and_never_shows_id_numbers(personas, records, people):
    api = token_client(personas.chengguan_admin)
    numbers = [p.id_number for p in (people.zhang_san, people.li_si, people.wang_wu)]
    numbers.append(records.zhao_liu.id_number)
    for url, expected in (
        ("/api/training/outcomes/", 3),
        ("/api/training/mentorships/", 1),
        ("/api/training/pool-members/", 1),
    ):
        body = api.get(url).json()
        assert body["count"] == expected, url
        assert not any(n in str(body) for n in numbers)
    listed = api.get("/api/training/outcomes/", {"kind": "new_farmer"}).json()["results"]
    assert [(r["person_name"], r["grade"]) for r in listed] == [("张三", "中级")]
    outsider = token_client(personas.outsider_admin)
    names = str(outsider.get("/api/training/mentorships/").json())
    assert "张三" not in names and "赵六" not in names
    assert outsider.get(f"/api/training/outcomes/{records.farm.pk}/").status_code == 404
    assert outsider.get(f"/api/training/pool-members/{records.zhang_cadre.pk}/").status_code == 404
    # 青山镇 cannot write a record of 城关镇's people.
    created = outsider.post(
        "/api/training/outcomes/",
        {"person": people.zhang_san.pk, "kind": "startup", "date": "2026-05-01"},
        content_type="application/json",
    )
    assert created.status_code == 400


def test_new_farmer_through_the_api(personas, records):
    api = token_client(personas.chengguan_admin)
    zhao = records.zhao_liu
    url = "/api/training/outcomes/"
    body = {"person": zhao.pk, "kind": "new_farmer", "date": "2026-08-01"}
    missing = api.post(url, body, content_type="application/json")
    assert missing.status_code == 400 and "grade" in missing.json()
    created = api.post(url, {**body, "grade": "初级"}, content_type="application/json")
    assert created.status_code == 201, created.content
    outcome = Outcome.objects.get(pk=created.json()["id"])
    assert (outcome.qualification.level, outcome.qualification.person) == ("初级", zhao)
    assert created.json()["grade"] == "初级"
    patched = api.patch(f"{url}{outcome.pk}/", {"grade": "高级"}, content_type="application/json")
    assert patched.status_code == 200, patched.content
    outcome.qualification.refresh_from_db()
    assert outcome.qualification.level == "高级"
    certificate = outcome.qualification_id
    other = api.patch(f"{url}{outcome.pk}/", {"kind": "other"}, content_type="application/json")
    assert other.status_code == 200
    assert not Qualification.objects.filter(pk=certificate).exists()
    stray = api.patch(f"{url}{outcome.pk}/", {"grade": "中级"}, content_type="application/json")
    assert stray.status_code == 400
    assert api.delete(f"{url}{records.farmer.pk}/").status_code == 204
    assert not Qualification.objects.filter(pk=records.farmer.qualification_id).exists()


def test_mentorship_and_pool_rules_through_the_api(personas, records, people):
    api = token_client(personas.chengguan_admin)
    zhang, zhao = people.zhang_san, records.zhao_liu
    pair = {"master": zhang.pk, "apprentice": zhang.pk, "craft": "唢呐", "start_date": "2026-01-01"}
    same = api.post("/api/training/mentorships/", pair, content_type="application/json")
    assert same.status_code == 400 and "同一人" in str(same.json())
    backwards = {**pair, "apprentice": zhao.pk, "end_date": "2025-01-01"}
    late = api.post("/api/training/mentorships/", backwards, content_type="application/json")
    assert late.status_code == 400 and "end_date" in late.json()
    good = api.post(
        "/api/training/mentorships/",
        {**pair, "apprentice": zhao.pk},
        content_type="application/json",
    )
    assert good.status_code == 201, good.content
    assert good.json()["apprentice_name"] == "赵六"
    url = f"/api/training/pool-members/{records.zhang_cadre.pk}/"
    no_reason = api.patch(
        url, {"status": "exited", "exited_on": "2026-03-01"}, content_type="application/json"
    )
    assert no_reason.status_code == 400 and "exit_reason" in no_reason.json()
    exited = api.patch(
        url,
        {"status": "exited", "exited_on": "2026-03-01", "exit_reason": "调任"},
        content_type="application/json",
    )
    assert exited.status_code == 200, exited.content
    entry = {"pool": records.cadres.pk, "person": zhang.pk, "entered_on": "2026-04-01"}
    again = api.post("/api/training/pool-members/", entry, content_type="application/json")
    assert again.status_code == 201, again.content
    twice = api.post(
        "/api/training/pool-members/",
        {**entry, "entered_on": "2026-05-01"},
        content_type="application/json",
    )
    assert twice.status_code == 400 and "已在此储备库中" in str(twice.json())
