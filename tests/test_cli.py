"""The `rencai` command and its management commands: createuser, token, demo."""

import io
import json
import re

import pytest
from conftest import PASSWORD
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from rencai import cli
from rencai.accounts.models import User
from rencai.accounts.roles import Role
from rencai.audit.models import AuditAction, AuditEvent
from rencai.demo import builder
from rencai.orgs.choices import OrgKind
from rencai.orgs.models import OrgUnit
from rencai.people.models import Person
from rencai.standards.idnumber import mask_id_number, parse_id_number
from rencai.standards.pinyin import initials

CJK = re.compile(r"[\u4e00-\u9fff]")
GOOD = {
    "username": "dongguan_clerk2",
    "password": "Village-entry-2026",
    "role": "clerk",
    "org": "示范县/城关镇/东关村",
}


@pytest.fixture(autouse=True)
def _site_language():
    """A real `rencai …` process runs in the site language; pytest-django's migrate leaves the
    test thread without one."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def createuser(**options):
    out = io.StringIO()
    call_command("createuser", stdout=out, **{**GOOD, **options})
    return out.getvalue()


def run_cli(argv, capsys) -> tuple[int, str, str]:
    try:
        cli.main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def cli_createuser(**options) -> list[str]:
    merged = {**GOOD, **options}
    return ["createuser", *[a for k, v in merged.items() for a in (f"--{k}", v)]]


# --- createuser ---------------------------------------------------------------------------------


def test_createuser_creates_the_account(county):
    output = createuser(name="东关村 新会计")
    user = User.objects.get(username="dongguan_clerk2")
    assert (user.role, user.org, user.display_name) == (
        Role.CLERK,
        county.dongguan,
        "东关村 新会计",
    )
    assert user.check_password("Village-entry-2026")
    assert user.can_reveal is False
    assert "已创建账号 dongguan_clerk2" in output
    assert "示范县/城关镇/东关村" in output
    event = AuditEvent.objects.get(
        action=AuditAction.CREATE,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
    )
    assert event.username == "system:createuser"


def test_createuser_accepts_a_full_width_slash_in_the_org_path(county):
    createuser(org="示范县／城关镇")
    assert User.objects.get(username="dongguan_clerk2").org == county.chengguan


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"org": "示范县/城关镇/不存在村"}, "找不到组织"),
        ({"org": "城关镇/东关村"}, "找不到组织"),
        ({"password": "alllowercase123456"}, "至少三类"),
        ({"password": "dongguan_clerk2"}, "相似"),
        ({"username": "bad name!"}, "用户名"),
    ],
    ids=["unknown-org", "org-not-from-the-root", "weak-password", "like-username", "bad-username"],
)
def test_createuser_refuses_bad_input_in_chinese_and_creates_nothing(county, options, message):
    before = User.objects.count()
    with pytest.raises(CommandError) as excinfo:
        createuser(**options)
    assert message in str(excinfo.value)
    assert CJK.search(str(excinfo.value))
    assert User.objects.count() == before


def test_createuser_refuses_an_existing_username(county, personas):
    with pytest.raises(CommandError, match="已存在"):
        createuser(username="chengguan_clerk")
    assert User.objects.get(username="chengguan_clerk").role == Role.CLERK


def test_createuser_refuses_a_bad_role_and_creates_nothing(county):
    with pytest.raises(CommandError) as excinfo:
        createuser(role="boss")
    assert "boss" in str(excinfo.value)
    assert not User.objects.filter(username="dongguan_clerk2").exists()


def test_createuser_bad_role_message_is_chinese(county):
    with pytest.raises(CommandError) as excinfo:
        createuser(role="boss")
    assert CJK.search(str(excinfo.value)), str(excinfo.value)


def test_cli_createuser_creates_the_account(county, capsys):
    code, out, _err = run_cli(cli_createuser(name="新会计"), capsys)
    assert code == 0
    assert "已创建账号" in out
    assert User.objects.get(username="dongguan_clerk2").display_name == "新会计"


@pytest.mark.parametrize(
    ("options", "message"),
    [({"org": "示范县/不存在镇"}, "找不到组织"), ({"password": "short"}, "至少三类")],
    ids=["unknown-org", "weak-password"],
)
def test_cli_createuser_errors_exit_1_with_a_chinese_message(county, capsys, options, message):
    code, _out, err = run_cli(cli_createuser(**options), capsys)
    assert code == 1
    assert err.startswith("错误：")
    assert message in err
    assert not User.objects.filter(username="dongguan_clerk2").exists()


# --- token --------------------------------------------------------------------------------------


def test_token_prints_a_40_character_key_and_audits_without_it(personas):
    out = io.StringIO()
    call_command("token", "chengguan_admin", stdout=out)
    key = out.getvalue().strip()
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    event = AuditEvent.objects.get(action=AuditAction.TOKEN)
    assert event.object_id == str(personas.chengguan_admin.pk)
    assert event.username == "system:token"
    row = json.dumps(
        [event.changes, event.detail, event.object_repr, event.username], ensure_ascii=False
    )
    assert key not in row
    assert key[:8] not in row

    again = io.StringIO()
    call_command("token", "chengguan_admin", stdout=again)
    assert again.getvalue().strip() == key
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN).count() == 2
    assert not AuditEvent.objects.filter(detail__icontains=key).exists()


def test_token_key_works_for_the_api(people, personas):
    from django.test import Client

    out = io.StringIO()
    call_command("token", "chengguan_admin", stdout=out)
    client = Client(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    response = client.get("/api/people/")
    assert response.status_code == 200
    assert {row["name"] for row in response.json()["results"]} == {"张三", "王五"}


def test_cli_token_prints_the_key(personas, capsys):
    code, out, _err = run_cli(["token", "chengguan_admin"], capsys)
    assert code == 0
    assert re.fullmatch(r"[0-9a-f]{40}\n", out)


def test_cli_token_for_an_unknown_or_disabled_account_fails_in_chinese(personas, capsys):
    code, out, err = run_cli(["token", "nobody"], capsys)
    assert (code, out) == (1, "")
    assert "找不到在用账号 nobody" in err
    personas.chengguan_admin.is_active = False
    personas.chengguan_admin.save()
    code, out, err = run_cli(["token", "chengguan_admin"], capsys)
    assert code == 1
    assert "找不到在用账号" in err
    assert not AuditEvent.objects.filter(action=AuditAction.TOKEN).exists()


# --- demo ---------------------------------------------------------------------------------------


def counts() -> dict[str, int]:
    return {
        "units": OrgUnit.objects.count(),
        "persons": Person.objects.count(),
        "users": User.objects.count(),
        "person_events": AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Person)
        ).count(),
    }


@pytest.fixture
def demo(db):
    out = io.StringIO()
    call_command("demo", persons=200, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_demo_builds_the_county_tree(demo):
    county = OrgUnit.objects.get(parent__isnull=True)
    assert county.name == "示范县"
    assert OrgUnit.objects.filter(parent=county, kind=OrgKind.STREET).count() == 2
    assert OrgUnit.objects.filter(parent=county, kind=OrgKind.TOWNSHIP).count() == 10
    villages = OrgUnit.objects.filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY])
    assert 120 <= villages.count() <= 180
    assert {v.parent.kind for v in villages.select_related("parent")} <= {
        OrgKind.STREET,
        OrgKind.TOWNSHIP,
    }
    assert OrgUnit.objects.by_path_text("示范县/城关镇/东关村") is not None
    assert OrgUnit.objects.by_path_text("示范县/青山镇") is not None
    for unit in OrgUnit.objects.select_related("parent"):
        if unit.parent:
            assert unit.path == f"{unit.parent.path}{unit.uid}/"
            assert unit.name_path == f"{unit.parent.name_path}/{unit.name}"
            assert unit.level == unit.parent.level + 1


def test_demo_persons_have_valid_consistent_ids(demo):
    persons = list(Person.objects.all())
    assert len(persons) == 200
    assert len({p.id_number for p in persons}) == 200
    for person in persons:
        parsed = parse_id_number(person.id_number)
        assert parsed.number == person.id_number
        assert parsed.region == "433130"
        assert parsed.birth_date == person.birth_date
        assert parsed.gender == person.gender
        assert person.id_reversed == person.id_number[::-1]
        assert person.name_initials == initials(person.name)[:50]
        assert re.fullmatch(r"1[3-9][0-9]{9}", person.phone)
        assert person.home_org.kind in (
            OrgKind.VILLAGE,
            OrgKind.COMMUNITY,
            OrgKind.VILLAGER_GROUP,
        )


def test_demo_persons_are_in_the_change_log_masked(demo):
    ct = ContentType.objects.get_for_model(Person)
    events = AuditEvent.objects.filter(content_type=ct, action=AuditAction.CREATE)
    assert events.count() == 200
    ids = set(Person.objects.values_list("id_number", flat=True))
    masked = {mask_id_number(number) for number in ids}
    for event in events:
        assert event.username == "system:demo"
        assert event.batch is not None and event.batch.action == AuditAction.BULK
        assert event.changes["id_number"][1] not in ids
        assert event.changes["id_number"][1] in masked


def test_demo_accounts_exist_with_their_roles(demo):
    for account in builder.DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.role == account.role
        assert user.org.name_path == account.org_path
        assert user.check_password(builder.DEMO_PASSWORD)
        assert account.username in demo
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values)


def test_demo_accounts_see_demo_people(demo):
    from conftest import pass_second_factor
    from django.test import Client

    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"username": "county_admin", "password": builder.DEMO_PASSWORD}
        ).status_code
        == 302
    )
    pass_second_factor(client, User.objects.get(username="county_admin"))
    response = client.get("/people/")
    assert "共 200 人" in response.content.decode()


def test_running_demo_again_adds_nothing(demo):
    before = counts()
    out = io.StringIO()
    call_command("demo", persons=200, stdout=out, stderr=io.StringIO())
    assert counts() == before
    assert "新增 0 名人员" in out.getvalue()


def test_demo_tops_up_to_the_requested_number(demo):
    before = counts()
    call_command("demo", persons=230, stdout=io.StringIO(), stderr=io.StringIO())
    after = counts()
    assert after["persons"] == 230
    assert after["person_events"] == before["person_events"] + 30
    assert (after["units"], after["users"]) == (before["units"], before["users"])
    assert Person.objects.values("id_number").distinct().count() == 230


def test_demo_keeps_existing_accounts_as_they_are(county, personas):
    """An installation whose 示范县 already exists keeps its tree and its accounts."""
    units = OrgUnit.objects.count()
    call_command("demo", persons=0, stdout=io.StringIO(), stderr=io.StringIO())
    assert OrgUnit.objects.count() == units
    sysadmin = User.objects.get(username="sysadmin")
    assert sysadmin.check_password(PASSWORD)
