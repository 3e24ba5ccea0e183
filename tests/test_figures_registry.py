"""The figures layer (rencai/figures.py): every registered figure is the number its domain's
function gives, for the fixture county and a township; periods are read as offices write them;
`rencai figures` and `/api/figures/` answer with them, scoped like the pages; docs/figures.md
holds the registry as it is."""

import datetime
import io
import json
from contextlib import redirect_stderr, redirect_stdout
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from rencai import cli, figures
from rencai.census import actions as census_actions
from rencai.census import figures as census_figures
from rencai.census.choices import UnitStatus
from rencai.census.models import CensusUnit
from rencai.figures import Period, Scope, parse_period
from rencai.orgs.models import OrgUnit
from rencai.people import figures as people_figures
from rencai.people.choices import PersonStatus
from rencai.people.models import Person
from rencai.training import figures as tf
from rencai.training.choices import LivestockUnit
from rencai.training.models import (
    Livestock,
    RectificationItem,
    TrainingBase,
    TrainingTarget,
)
from tests.conftest import build_every_record
from tests.test_training_figures import Ledger

D = datetime.date
DOCS = Path(__file__).resolve().parent.parent / "docs" / "figures.md"


def expected(unit, period: Period) -> dict:
    """Each figure as its domain's own function gives it, by key: what the registry must say."""
    year = period.end.year
    entities = tf.entities_by_kind(unit, period)
    units = CensusUnit.objects.filter(round__year=year, org__path__startswith=unit.path)
    progress = tf.progress(unit, year, period.end)
    return {
        "people.persons": Person.objects.in_units(OrgUnit.objects.subtree_ids(unit)).count(),
        "people.active": census_figures.unit_persons(unit).count(),
        "people.new": census_figures.unit_persons(unit)
        .filter(created_at__range=people_figures.period_bounds(period))
        .exclude(created_at=people_figures.period_bounds(period)[1])
        .count(),
        **certified(unit, period),
        "census.reporting_rate": census_figures.reporting_rate(units).percent,
        "census.completeness": census_figures.completeness(unit).rate.percent,
        "training.attendance": tf.attendances(unit, period),
        "training.trainees": tf.trainees(unit, period),
        "training.organised": tf.organised_attendances(unit, period),
        "training.target": tf.target_of(unit, year),
        "training.achieved": progress.achieved,
        "training.target_progress": progress.percent,
        "training.time_progress": progress.expected_percent,
        "training.outcomes": sum(tf.outcomes_by_kind(unit, period).values()),
        "training.entities": sum(n for n, _jobs in entities.values()),
        "training.jobs_driven": sum(jobs for _n, jobs in entities.values()),
        "training.mentorships": tf.mentorship_rows(unit, period).count(),
        "training.art_teams": tf.art_team_rows(unit).count(),
        "training.performances": tf.performance_rows(unit, period).count(),
        "training.audience": tf.audience(unit, period),
        **seed_figures(unit, period),
    }


def seed_figures(unit, period: Period) -> dict:
    """实训基地, 存栏, 青年培训人数, 逾期未整改事项, counted here in Python from the records."""
    bases = TrainingBase.objects.filter(org__path__startswith=unit.path, status="active")
    found: dict = {
        "training.bases": bases.count(),
        "training.base_land_area": sum(b.land_area_mu or 0 for b in bases),
        "training.base_building_area": sum(b.building_area_mu or 0 for b in bases),
        "training.base_investment": sum(b.investment_wan or 0 for b in bases),
    }
    for measure in LivestockUnit:
        stock = Livestock.objects.filter(base__in=bases, unit=measure.value)
        found[f"training.livestock_{measure.name.lower()}"] = sum(s.count for s in stock)

    def age(born: datetime.date, on: datetime.date) -> int:
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    rows = tf.attendance_rows(unit, period).select_related("person", "program")
    youths = {a.person_id for a in rows if age(a.person.birth_date, a.program.end_date) <= 35}
    found["training.youth_trainees"] = len(youths)
    day = min(period.end, figures.today()) if period.start <= figures.today() else None
    items = RectificationItem.objects.filter(inspection__org__path__startswith=unit.path)
    found["training.rectifications_overdue"] = sum(
        1
        for i in items
        if day is not None and i.due_on < day and (i.done_on is None or i.done_on > day)
    )
    return found


def certified(unit, period: Period) -> dict:
    """持证人数, 持证率 and 农村实用人才 counted person by person (statements, issue 13)."""
    persons = census_figures.unit_persons(unit)
    active = list(persons.prefetch_related("qualifications", "categories"))
    day = period.end
    held = [
        p
        for p in active
        if any(
            (q.issued_on is None or q.issued_on <= day)
            and (q.valid_until is None or q.valid_until >= day)
            for q in p.qualifications.all()
        )
    ]
    rural = [
        p
        for p in active
        if any(c.group == "rural_practical" and c.is_active for c in p.categories.all())
    ]
    return {
        "people.certified": len(held),
        "people.certified_rate": round(100 * len(held) / len(active), 1) if active else None,
        "people.rural_practical": len(rural),
    }


@pytest.fixture
def world(county, people, personas):
    """Every record type of 人才培育, the training figures' ledger (with a trainee from 邻县),
    targets for the county and 城关镇, and a census round of 2026 with 城关镇 reported."""
    build_every_record(county, people)
    ledger = Ledger(county, people)
    TrainingTarget.objects.get_or_create(org=county.qingshan, year=2026, category=None,
                                         defaults={"attendances": 40})  # fmt: skip
    census = census_actions.open_round(
        org=county.county,
        year=2026,
        deadline=None,
        units=[county.chengguan, county.qingshan, county.education],
        acting_user=personas.county_admin,
    )
    CensusUnit.objects.filter(round=census, org=county.chengguan).update(status=UnitStatus.APPROVED)
    return ledger


PERIODS = [Period.year(2026), Period.half(2026, 1), Period.half(2026, 2), Period.year(2025)]


@pytest.mark.parametrize("name", ["county", "chengguan", "qingshan"])
def test_every_registered_figure_is_its_domains_number(county, world, name):
    unit = getattr(county, name)
    for period in PERIODS:
        scope = Scope(unit)
        got = {key: f.compute(scope, period) for key, f in figures.registry().items()}
        assert got == expected(unit, period), (name, period)
    # the ledger is not empty where it matters: the comparison is not of zeros
    assert figures.value("training.attendance", Scope(county.county), Period.year(2026)) > 0
    assert figures.value("census.reporting_rate", Scope(county.county), Period.year(2026)) == 33.3


def test_people_active_is_the_home_pages_number(county, people, personas, login):
    Person.objects.filter(pk=people.li_si.pk).update(status=PersonStatus.OUTFLOW)
    for user in (personas.county_admin, personas.chengguan_admin, personas.outsider_admin):
        page = login(user).get("/home/")  # the 驾驶舱's 在册人才 tile
        shown = next(t.main.value for t in page.context["tiles"] if t.main.key == "people.active")
        assert figures.value("people.active", Scope(user.org), Period.year(2026)) == shown


def test_the_overview_shows_the_registered_figures(county, world, personas, login):
    page = login(personas.chengguan_admin).get(
        "/training/", {"org": county.chengguan.pk, "year": 2026, "period": "h1"}
    )
    scope, period = Scope(county.chengguan), Period.half(2026, 1)
    shown = {
        "training.attendance": page.context["total"],
        "training.trainees": page.context["people"],
        "training.organised": page.context["organised"],
        "training.mentorships": page.context["mentorships"],
        "training.art_teams": page.context["teams"],
    }
    for key, (number, url) in shown.items():
        f = figures.figure(key)
        assert (number, url) == (f.compute(scope, period), f.url(scope, period)), key
    count, audience, url = page.context["performances"]
    assert (count, audience) == (
        figures.value("training.performances", scope, period),
        figures.value("training.audience", scope, period),
    )
    assert url == figures.figure("training.performances").url(scope, period)


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2026", D(2026, 1, 1), D(2026, 12, 31)),
        ("2026H1", D(2026, 1, 1), D(2026, 6, 30)),
        ("2026h2", D(2026, 7, 1), D(2026, 12, 31)),
        ("2026Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("2026Q3", D(2026, 7, 1), D(2026, 9, 30)),
        ("2026Q4", D(2026, 10, 1), D(2026, 12, 31)),
        ("2026-03", D(2026, 3, 1), D(2026, 3, 31)),
        ("2028-02", D(2028, 2, 1), D(2028, 2, 29)),
        ("2026-01-01..2026-06-30", D(2026, 1, 1), D(2026, 6, 30)),
        (" 2026-03-05..2026-03-05 ", D(2026, 3, 5), D(2026, 3, 5)),
    ],
)
def test_a_period_is_read_as_offices_write_it(text, start, end):
    assert parse_period(text) == Period(start, end)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "不认识的期间"),
        ("2026H3", "不认识的期间"),
        ("2026Q5", "不认识的期间"),
        ("上半年", "不认识的期间"),
        ("2026-13", "月份“2026-13”无效"),
        ("1999", "超出范围"),
        ("2026-02-30..2026-03-01", "日期“2026-02-30”无效"),
        ("2026-06-30..2026-01-01", "结束日期早于开始日期"),
        ("2026-01-01..", "日期“”无效"),
    ],
)
def test_a_period_it_cannot_read_is_named_in_chinese(text, message):
    with pytest.raises(ValueError, match=message):
        parse_period(text)


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as done:
        cli.main(["figures", *argv])
    return done.value.code, out.getvalue(), err.getvalue()


def test_rencai_figures_prints_key_label_value_and_unit(county, world, personas):
    code, out, _err = run_cli("--unit", "示范县/城关镇", "--period", "2026H1")
    assert code == 0
    values = expected(county.chengguan, Period.half(2026, 1))
    lines = {line.split("\t")[0]: line.split("\t")[1:] for line in out.splitlines()[1:]}
    assert list(lines) == list(figures.registry())
    attendance = values["training.attendance"]
    assert lines["training.attendance"] == ["培训人次", str(attendance), "人次"]
    assert lines["training.trainees"] == ["培训人数", str(values["training.trainees"]), "人"]
    assert out.splitlines()[0] == "示范县/城关镇  2026-01-01..2026-06-30"

    code, out, _err = run_cli(
        "--unit", "城关镇", "--period", "2026H1", "--json", "--as", "chengguan_admin"
    )
    assert code == 0
    answer = json.loads(out)
    got = {row["key"]: row["value"] for row in answer["figures"]}
    assert got == {k: float(v) if isinstance(v, Decimal) else v for k, v in values.items()}
    rows = {row["key"]: row for row in answer["figures"]}
    assert rows["training.attendance"]["url"].startswith("/training/attendances/?scope=")


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["--unit", "示范县/城关镇", "--as", "outsider_admin"],
            "不在账号 outsider_admin 的管辖范围内",
        ),
        (["--unit", "示范县/无此镇"], "找不到组织"),
        (["--unit", "城关镇", "--period", "2026H3"], "不认识的期间"),
        (["--as", "nobody"], "找不到在用账号 nobody"),
    ],
)
def test_rencai_figures_refuses_what_it_cannot_answer(county, personas, argv, message):
    code, out, err = run_cli(*argv)
    assert (code, out) == (2, "")
    assert message in err


def token_client(user) -> Client:
    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def test_api_figures_answers_for_a_unit_in_the_callers_jurisdiction(county, world, personas):
    client = token_client(personas.chengguan_admin)
    answer = client.get("/api/figures/", {"unit": county.chengguan.pk, "period": "2026H1"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["period"] == {"start": "2026-01-01", "end": "2026-06-30"}
    rows = {row["key"]: row for row in body["figures"]}
    values = expected(county.chengguan, Period.half(2026, 1))
    assert {k: r["value"] for k, r in rows.items()} == {
        k: float(v) if isinstance(v, Decimal) else v for k, v in values.items()
    }
    scope = Scope(county.chengguan)
    for key, row in rows.items():
        assert row["url"] == figures.figure(key).url(scope, Period.half(2026, 1))
    # without `unit`: the caller's own unit
    own = client.get("/api/figures/", {"period": "2026H1"}).json()
    assert own["unit"]["id"] == county.chengguan.pk


def test_api_figures_outside_the_jurisdiction_is_404(county, personas):
    client = token_client(personas.outsider_admin)  # 青山镇
    assert client.get("/api/figures/", {"unit": county.chengguan.pk}).status_code == 404
    assert client.get("/api/figures/", {"unit": county.county.pk}).status_code == 404
    assert client.get("/api/figures/", {"unit": 999999}).status_code == 404
    assert client.get("/api/figures/", {"unit": "9" * 30}).status_code == 404
    assert client.get("/api/figures/", {"unit": county.shiqiao.pk}).status_code == 200
    assert Client().get("/api/figures/").status_code in (401, 403)
    assert token_client(personas.sysadmin).get("/api/figures/").status_code == 403


def test_api_figures_bad_input_is_a_chinese_400(county, personas):
    client = token_client(personas.county_admin)
    bad_period = client.get("/api/figures/", {"period": "2026H3"})
    assert bad_period.status_code == 400
    assert "不认识的期间" in bad_period.json()["detail"][0]
    for unit in ("城关镇", "-1", "²"):
        bad_unit = client.get("/api/figures/", {"unit": unit})
        assert bad_unit.status_code == 400
        assert "组织单位编号" in bad_unit.json()["detail"][0]


def test_docs_figures_md_is_the_registry(tmp_path):
    text = DOCS.read_text(encoding="utf-8")
    assert figures.render_docs(text) == text, "run: rencai figures --docs docs/figures.md"
    for key in figures.registry():
        assert f"`{key}`" in text
    # the command rewrites a stale copy into the same text
    stale = tmp_path / "figures.md"
    stale.write_text(text.replace("`training.attendance`", "`training.old`"), encoding="utf-8")
    assert run_cli("--docs", str(stale))[0] == 0
    assert stale.read_text(encoding="utf-8") == text


def test_a_scope_asks_the_tree_once_for_every_figure(county, world, monkeypatch):
    """The county/subtree question is asked once per Scope, not again by every figure."""
    manager = type(figures.OrgUnit.objects)
    asked: list[str] = []
    for name in ("is_sole_root", "subtree_ids"):
        original = getattr(manager, name)

        def counted(self, unit, _original=original, _name=name):
            asked.append(_name)
            return _original(self, unit)

        monkeypatch.setattr(manager, name, counted)
    for name in ("county", "chengguan"):
        asked.clear()
        scope = Scope(getattr(county, name))
        for f in figures.registry().values():
            if not f.key.startswith("census."):  # the census functions take a unit
                f.compute(scope, Period.half(2026, 1))
        assert sorted(asked) == ["is_sole_root", "subtree_ids"], name
