"""Shared fixtures: a small county built in code, and one persona per role.

示范县
├── 城关镇 (township)  ── 东关村 (village), 西关村 (village), 城关镇卫生院 (institution)
├── 青山镇 (township)  ── 石桥村 (village)
└── 县教育局 (department)

Personas: county_admin (示范县), chengguan_admin / chengguan_leader (城关镇),
chengguan_clerk (东关村), outsider_admin (青山镇, the admin of another township),
sysadmin, secadmin, auditor (三员, at the county).
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from rencai.accounts.models import User
from rencai.accounts.roles import Role
from rencai.orgs.choices import OrgKind
from rencai.orgs.models import OrgUnit
from rencai.people.models import Person, TalentCategory
from rencai.standards.idnumber import check_digit

PASSWORD = "Test-password-2026"


def make_id(birth: str, seq: int, region: str = "433130") -> str:
    """A valid 18-digit ID number: region + YYYYMMDD + 3-digit sequence + check digit."""
    body = f"{region}{birth}{seq:03d}"
    return body + check_digit(body)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a rolled-back test's audit ids are reused by the
    next, so figures cached under the change mark must not outlive their test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# `serialized_rollback` reloads every table but the audit log's: its rows would be UPDATEd over
# themselves, which the guard triggers refuse, with their times cut to milliseconds, which breaks
# the hash chain (rencai/audit/chain.py).
settings.TEST_NON_SERIALIZED_APPS = [*settings.TEST_NON_SERIALIZED_APPS, "rencai.audit"]


def pytest_configure(config: pytest.Config) -> None:
    """`RENCAI_TEST_CLOCK` runs the whole suite on a travelled clock that keeps ticking, to prove
    that no test takes "today" at import time: `midnight` starts at 23:59:50 Asia/Shanghai of
    the real day (so the run crosses midnight Beijing time in its first seconds), an ISO time
    with its offset starts there (`2026-12-31T23:59:50+08:00`). See docs/testing.md."""
    wanted = os.environ.get("RENCAI_TEST_CLOCK", "").strip()
    if not wanted:
        return
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    shanghai = ZoneInfo("Asia/Shanghai")
    if wanted == "midnight":
        start = dt.datetime.now(shanghai).replace(hour=23, minute=59, second=50, microsecond=0)
    else:
        start = dt.datetime.fromisoformat(wanted)
        if start.tzinfo is None:
            start = start.replace(tzinfo=shanghai)
    traveller = time_machine.travel(start, tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)
    print(f"RENCAI_TEST_CLOCK: the suite starts at {start.isoformat()}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that commits restores the serialized database after it. After a transactional
    test without `serialized_rollback`, `flush` runs post_migrate, which re-creates the content
    types and seeded rows under new ids, and the next test that restores the serialized database
    then collides with them (UNIQUE constraint failed: django_content_type)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if not marker.kwargs.get("serialized_rollback"):
            upgraded = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **upgraded), append=False)


_guard_dropped = False


@pytest.fixture(autouse=True)
def _audit_guard_off_for_flush(request):
    """A transactional test's database is emptied afterwards by `flush`, which on SQLite
    DELETEs the audit rows that the guard triggers refuse to delete: the guard goes just before
    the flush and comes back before the next test starts (`pytest_runtest_setup` below; the
    flush of a serialized test runs no post_migrate to put it back)."""
    global _guard_dropped
    if not {"transactional_db", "live_server"} & set(request.fixturenames) and not any(
        m.kwargs.get("transaction") for m in request.node.iter_markers("django_db")
    ):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    from rencai.audit import chain

    chain.uninstall_guard(connection)
    _guard_dropped = True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Put the audit guard back, outside any test transaction, after a flush took it away."""
    global _guard_dropped
    if not _guard_dropped:
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    from rencai.audit import chain

    with item.config.stash[blocking_manager_key].unblock():
        chain.ensure_guard(connection)
    _guard_dropped = False


class County:
    """The fixture county's units by short name."""

    def __init__(self, parent: OrgUnit | None = None) -> None:
        self.county = OrgUnit.objects.create(
            name="示范县", kind=OrgKind.COUNTY, division_code="433130000000", parent=parent
        )
        self.chengguan = self.add("城关镇", OrgKind.TOWNSHIP, self.county)
        self.dongguan = self.add("东关村", OrgKind.VILLAGE, self.chengguan)
        self.xiguan = self.add("西关村", OrgKind.VILLAGE, self.chengguan)
        self.clinic = self.add("城关镇卫生院", OrgKind.INSTITUTION, self.chengguan)
        self.qingshan = self.add("青山镇", OrgKind.TOWNSHIP, self.county)
        self.shiqiao = self.add("石桥村", OrgKind.VILLAGE, self.qingshan)
        self.education = self.add("县教育局", OrgKind.DEPARTMENT, self.county)

    @staticmethod
    def add(name: str, kind: str, parent: OrgUnit) -> OrgUnit:
        return OrgUnit.objects.create(name=name, kind=kind, parent=parent)


@pytest.fixture
def county(db) -> County:
    return County()


def make_user(username: str, role: str, org: OrgUnit, **extra) -> User:
    user = User(username=username, role=role, org=org, display_name=username, **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


class Personas:
    def __init__(self, c: County) -> None:
        self.county_admin = make_user("county_admin", Role.COUNTY_ADMIN, c.county)
        self.chengguan_admin = make_user("chengguan_admin", Role.TOWNSHIP_ADMIN, c.chengguan)
        self.chengguan_leader = make_user("chengguan_leader", Role.LEADER, c.chengguan)
        self.chengguan_clerk = make_user("chengguan_clerk", Role.CLERK, c.dongguan)
        self.outsider_admin = make_user("outsider_admin", Role.TOWNSHIP_ADMIN, c.qingshan)
        self.sysadmin = make_user("sysadmin", Role.SYSADMIN, c.county)
        self.secadmin = make_user("secadmin", Role.SECADMIN, c.county)
        self.auditor = make_user("auditor", Role.AUDITOR, c.county)

    def all(self) -> dict[str, User]:
        return dict(vars(self))


@pytest.fixture
def personas(county) -> Personas:
    return Personas(county)


class People:
    """張三 lives in 东关村 (城关镇); 李四 in 石桥村 (青山镇); 王五 lives in 石桥村 but works at
    城关镇卫生院, so both townships see him. Another county's people take other `names` and
    ID numbers of its `region`."""

    def __init__(
        self,
        c: County,
        names: tuple[str, str, str] = ("张三", "李四", "王五"),
        region: str = "433130",
    ) -> None:
        farmer = TalentCategory.objects.get(name="农村实用人才")
        tech = TalentCategory.objects.get(name="专业技术人才")
        self.zhang_san = Person.objects.create(
            name=names[0],
            id_number=make_id("19850312", 11, region),
            gender="1",
            birth_date="1985-03-12",
            phone="13812345678",
            home_org=c.dongguan,
            education="30",
            political_status="01",
            specialty="养殖",
        )
        self.zhang_san.categories.set([farmer])
        self.li_si = Person.objects.create(
            name=names[1],
            id_number=make_id("19900101", 22, region),
            gender="2",
            birth_date="1990-01-01",
            phone="13987654321",
            home_org=c.shiqiao,
            education="20",
            political_status="13",
        )
        self.li_si.categories.set([tech])
        self.wang_wu = Person.objects.create(
            name=names[2],
            id_number=make_id("19700615", 33, region),
            gender="1",
            birth_date="1970-06-15",
            home_org=c.shiqiao,
            work_org=c.clinic,
            education="20",
            political_status="13",
        )


@pytest.fixture
def people(county) -> People:
    return People(county)


class Neighbour:
    """邻县, a second county: 邻镇 ── 邻村, 邻镇卫生院; 邻乡 ── 邻乡村; 邻县教育局. Its units answer
    to the fixture county's short names (`chengguan` is 邻镇, `shiqiao` is 邻乡村, …) so that
    People and the training tests' record builders build the same world in it."""

    def __init__(self, parent: OrgUnit | None) -> None:
        add = County.add
        self.county = OrgUnit.objects.create(
            name="邻县", kind=OrgKind.COUNTY, division_code="433131000000", parent=parent
        )
        self.chengguan = add("邻镇", OrgKind.TOWNSHIP, self.county)
        self.dongguan = add("邻村", OrgKind.VILLAGE, self.chengguan)
        self.xiguan = add("邻西村", OrgKind.VILLAGE, self.chengguan)
        self.clinic = add("邻镇卫生院", OrgKind.INSTITUTION, self.chengguan)
        self.qingshan = add("邻乡", OrgKind.TOWNSHIP, self.county)
        self.shiqiao = add("邻乡村", OrgKind.VILLAGE, self.qingshan)
        self.education = add("邻县教育局", OrgKind.DEPARTMENT, self.county)


NEIGHBOUR_NAMES = ("赵邻", "钱邻", "孙邻")


def build_every_record(units: County | Neighbour, people: People) -> None:
    """A record of every type of 人才培育 in `units`' county, made by the training tests'
    builders (Records on 西关村, as Training already holds 城关镇's base of the same name), and
    a saved 工作汇报 of 城关镇."""
    from types import SimpleNamespace

    from rencai.reports.models import Report
    from tests.test_training import Training
    from tests.test_training_records import Records

    Training(units, people)
    Records(SimpleNamespace(**{**vars(units), "chengguan": units.xiguan}), people)
    Report.objects.create(
        unit=units.chengguan,
        period_start="2026-01-01",
        period_end="2026-06-30",
        title=f"{units.chengguan.name}2026年上半年人才工作开展情况汇报",
        docx=b"",
        blocks=[],
        figures=[],
    )


def scoped_models() -> list[type]:
    """Every model whose manager has a `visible_to`: the doors to the data a user may read."""
    from django.apps import apps

    return [m for m in apps.get_models() if hasattr(m.objects, "visible_to")]


class TwoCounties:
    """More than one county in one installation: 示范县 (the fixture county, its personas and
    people) and 邻县 (its own people and `neighbour_admin`), both under the city 示范市 — or,
    with `city=False`, two roots side by side. Neither county is the sole root, so no
    jurisdiction shortcut for a one-county installation may apply. `build_records(side)` gives
    a side every record type of 人才培育 and a census round with a demand row."""

    def __init__(self, *, city: bool) -> None:
        self.city = (
            OrgUnit.objects.create(name="示范市", kind=OrgKind.COUNTY, division_code="433100000000")
            if city
            else None
        )
        # The rows each side put in every scoped model, known without asking `visible_to`.
        self.owned: dict[str, dict[type, set[int]]] = {"home": {}, "neighbour": {}}
        with self.making("home"):
            self.home = County(parent=self.city)
            self.u = Personas(self.home)
            self.people = People(self.home)
        with self.making("neighbour"):
            self.neighbour = Neighbour(self.city)
            self.neighbour_people = People(self.neighbour, NEIGHBOUR_NAMES, region="433131")
            self.neighbour_admin = make_user(
                "neighbour_admin", Role.COUNTY_ADMIN, self.neighbour.county, can_reveal=True
            )

    @contextmanager
    def making(self, side: str) -> Iterator[None]:
        """Add the rows created inside the block to `side`'s share of `owned`."""
        before = {m: set(m.objects.values_list("pk", flat=True)) for m in scoped_models()}
        yield
        for model, pks in before.items():
            made = set(model.objects.values_list("pk", flat=True)) - pks
            self.owned[side][model] = self.owned[side].get(model, set()) | made

    def build_records(self, side: str) -> None:
        """Every record type on `side` ("home" or "neighbour"), made by the training tests'
        builders (Records on the villages, as Training already holds the township's base)."""
        from rencai.census import actions as census
        from rencai.census.choices import DemandLevel
        from rencai.census.models import Demand

        units, people, admin = (
            (self.home, self.people, self.u.county_admin)
            if side == "home"
            else (self.neighbour, self.neighbour_people, self.neighbour_admin)
        )
        with self.making(side):
            build_every_record(units, people)
            found = census.open_round(
                org=units.county,
                year=2026,
                deadline=None,
                units=[units.chengguan, units.qingshan],
                acting_user=admin,
            )
            Demand.objects.create(
                round=found, org=units.chengguan, specialty="畜牧兽医",
                level=DemandLevel.values[0], count=3,
            )  # fmt: skip


@pytest.fixture(params=["city", "roots"])
def two_counties(request, db) -> TwoCounties:
    """示范县 and 邻县 with people and every record type on both sides (opt-in: the other tests
    keep their one-county world)."""
    world = TwoCounties(city=request.param == "city")
    world.build_records("home")
    world.build_records("neighbour")
    return world


def pass_second_factor(client: Client, user: User) -> None:
    """Mark a logged-in client's session as past the second factor, as typing the code would.

    The device is made by bulk_create, which writes no audit row: tests that count the log's
    rows see the login only."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        TOTPDevice.objects.bulk_create([TOTPDevice(user=user, name="测试", confirmed=True)])
        device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def log_in_client(user: User, client: Client | None = None) -> Client:
    """A Client logged in as `user`, past the second factor when the role requires one."""
    from rencai.accounts.second_factor import is_required

    client = client or Client()
    client.force_login(user)
    if is_required(user):
        pass_second_factor(client, user)
    return client


@pytest.fixture
def login():
    """login(user) -> a Client logged in as that user (and verified, for the roles that must)."""
    return log_in_client


# -- the browser tests' Chromium (tests/test_browser*.py) ---------------------------------------

CHROMIUM = Path(os.environ.get("RENCAI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("RENCAI_SKIP_BROWSER") == "1":
            pytest.skip(f"{CHROMIUM} not installed and RENCAI_SKIP_BROWSER=1")
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) "
            "or set RENCAI_SKIP_BROWSER=1 to skip the browser tests",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread; Django's ORM (used by the
    # fixtures and the assertions) refuses to run inside one unless told it is safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
