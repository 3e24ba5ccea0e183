"""Accounts: lockout, passwords, sessions, account management, the reveal permission, landing."""

import datetime
import re
from unittest import mock

import pytest
from conftest import PASSWORD
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from rencai.accounts.models import User
from rencai.accounts.roles import Role
from rencai.audit.models import AuditAction, AuditEvent

LOGIN = "/accounts/login/"
CJK = re.compile(r"[\u4e00-\u9fff]")


def later(minutes: int):
    """Pretend `minutes` have passed (for every caller of django.utils.timezone.now)."""
    moment = timezone.now() + datetime.timedelta(minutes=minutes)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def post_login(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- lockout ------------------------------------------------------------------------------------


def test_five_failed_logins_lock_the_account_for_thirty_minutes(personas):
    client = Client()
    clerk = personas.chengguan_clerk
    for attempt in range(1, 5):
        response = post_login(client, "chengguan_clerk", f"wrong-{attempt}")
        assert response.status_code == 200
        clerk.refresh_from_db()
        assert clerk.locked_until is None, f"locked after only {attempt} failures"
    before = timezone.now()
    post_login(client, "chengguan_clerk", "wrong-5")
    clerk.refresh_from_db()
    assert clerk.locked_until is not None
    expected = before + datetime.timedelta(minutes=30)
    assert abs((clerk.locked_until - expected).total_seconds()) < 60
    locked = AuditEvent.objects.get(action=AuditAction.LOCKED)
    assert locked.username == "chengguan_clerk"
    assert locked.object_id == str(clerk.pk)
    assert locked.success is False
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 5


def test_locked_account_refuses_the_right_password_until_the_lock_expires(personas):
    client = Client()
    for attempt in range(5):
        post_login(client, "chengguan_clerk", f"wrong-{attempt}")

    response = post_login(client, "chengguan_clerk", PASSWORD)
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()  # the same as a wrong password
    assert not is_logged_in(client)
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()

    with later(31):
        response = post_login(client, "chengguan_clerk", PASSWORD)
        assert response.status_code == 302
        assert is_logged_in(client)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, username="chengguan_clerk").exists()


def test_lock_lifted_by_setting_locked_until_in_the_past(personas):
    clerk = personas.chengguan_clerk
    clerk.locked_until = timezone.now() + datetime.timedelta(minutes=20)
    clerk.save()
    client = Client()
    assert post_login(client, "chengguan_clerk", PASSWORD).status_code == 200
    User.objects.filter(pk=clerk.pk).update(locked_until=timezone.now() - datetime.timedelta(1))
    assert post_login(client, "chengguan_clerk", PASSWORD).status_code == 302


def test_wrong_password_message_is_chinese(personas):
    response = post_login(Client(), "chengguan_clerk", "wrong")
    assert "用户名或密码不正确" in response.content.decode()


def test_a_successful_login_resets_the_failure_count(personas):
    client = Client()
    for attempt in range(4):
        post_login(client, "chengguan_clerk", f"wrong-{attempt}")
    with later(1):
        assert post_login(client, "chengguan_clerk", PASSWORD).status_code == 302
    with later(2):
        post_login(Client(), "chengguan_clerk", "wrong-again")
    personas.chengguan_clerk.refresh_from_db()
    assert personas.chengguan_clerk.locked_until is None


def test_failures_of_one_account_do_not_lock_another(personas):
    client = Client()
    for attempt in range(5):
        post_login(client, "chengguan_clerk", f"wrong-{attempt}")
    assert post_login(Client(), "chengguan_admin", PASSWORD).status_code == 302
    personas.chengguan_admin.refresh_from_db()
    assert personas.chengguan_admin.locked_until is None


# --- passwords ----------------------------------------------------------------------------------


def validation_messages(password: str, user=None) -> list[str]:
    # The site language (pytest-django's migrate leaves the thread without one).
    with translation.override(settings.LANGUAGE_CODE):
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            return [str(m) for m in exc.messages]
    return []


def test_short_password_is_refused():
    messages = validation_messages("short")
    assert len(messages) == 2  # too short, and a single character class
    assert any("12" in m for m in messages), messages
    assert any("至少三类" in m for m in messages), messages


@pytest.mark.parametrize("password", ["short", "Ab-1234xyz"])
def test_short_password_is_refused_with_a_chinese_message(password):
    messages = validation_messages(password)
    assert messages
    assert all(CJK.search(m) for m in messages), messages
    assert any("12" in m for m in messages), messages


def test_password_with_fewer_than_three_character_classes_is_refused_in_chinese():
    messages = validation_messages("alllowercase123456")
    assert any("至少三类" in m for m in messages), messages
    assert all(CJK.search(m) for m in messages), messages


@pytest.mark.parametrize("password", ["Test-password-2026", "Rencai-demo-2026", "qwerTY12uiop"])
def test_good_password_is_accepted(password):
    assert validation_messages(password) == []


def test_weak_password_is_refused_by_the_account_form(county, personas, login):
    client = login(personas.county_admin)
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "weakling",
            "display_name": "弱密码",
            "role": Role.CLERK,
            "org": county.dongguan.pk,
            "password": "alllowercase123456",
        },
    )
    assert response.status_code == 200
    assert "至少三类" in response.content.decode()
    assert not User.objects.filter(username="weakling").exists()


# --- sessions and caching -----------------------------------------------------------------------


def test_session_settings_log_out_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 1800
    # Renewed by IdleTimeoutMiddleware at most once a minute, not written on every request.
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_idle_session_expires_but_activity_keeps_it_alive(personas):
    client = Client()
    assert post_login(client, "chengguan_admin", PASSWORD).status_code == 302
    assert client.session.get_expiry_age() == 1800
    with later(20):
        assert client.get("/home/").status_code == 200
    with later(40):  # 20 idle minutes after the last request
        assert client.get("/home/").status_code == 200
    with later(71):  # 31 idle minutes
        response = client.get("/home/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_login_issues_a_new_session_key(personas):
    client = Client()
    session = client.session
    session["before_login"] = True
    session.save()
    anonymous_key = session.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == anonymous_key
    assert post_login(client, "chengguan_admin", PASSWORD).status_code == 302
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key and new_key != anonymous_key
    assert is_logged_in(client)


@pytest.mark.parametrize("url", ["/accounts/login/", "/home/", "/people/", "/api/people/"])
def test_responses_carry_cache_control_no_store(personas, login, url):
    client = login(personas.chengguan_admin)
    if url == LOGIN:
        client = Client()
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


# --- account management -------------------------------------------------------------------------


def new_account(org, role=Role.CLERK, username="dongguan_clerk2", **extra) -> dict:
    return {
        "username": username,
        "display_name": "东关村 新会计",
        "role": role,
        "org": org.pk,
        "password": "Village-entry-2026",
        **extra,
    }


def test_county_admin_creates_a_clerk_for_a_village(county, personas, login):
    client = login(personas.county_admin)
    assert client.get("/accounts/users/new/").status_code == 200
    response = client.post("/accounts/users/new/", new_account(county.dongguan))
    assert response.status_code == 302
    user = User.objects.get(username="dongguan_clerk2")
    assert (user.role, user.org, user.display_name) == (
        Role.CLERK,
        county.dongguan,
        "东关村 新会计",
    )
    assert user.check_password("Village-entry-2026")
    assert not user.can_reveal
    event = AuditEvent.objects.get(
        action=AuditAction.CREATE,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
    )
    assert event.username == "county_admin"
    assert event.changes["password"][1].startswith("已设置·")  # a fingerprint, never the hash
    assert post_login(Client(), "dongguan_clerk2", "Village-entry-2026").status_code == 302


def test_township_admin_cannot_grant_county_admin(county, personas, login):
    client = login(personas.chengguan_admin)
    form = client.get("/accounts/users/new/").context["form"]
    offered = {value for value, _label in form.fields["role"].choices}
    assert Role.COUNTY_ADMIN not in offered
    assert not offered & {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}
    assert Role.CLERK in offered
    response = client.post(
        "/accounts/users/new/", new_account(county.chengguan, role=Role.COUNTY_ADMIN)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert not User.objects.filter(username="dongguan_clerk2").exists()


def test_township_admin_cannot_create_accounts_in_another_township(county, personas, login):
    client = login(personas.chengguan_admin)
    response = client.post("/accounts/users/new/", new_account(county.shiqiao))
    assert response.status_code == 200
    assert response.context["form"].errors["org"]
    assert not User.objects.filter(username="dongguan_clerk2").exists()


def test_county_admin_role_needs_a_county_level_unit(county, personas, login):
    client = login(personas.county_admin)
    response = client.post(
        "/accounts/users/new/", new_account(county.chengguan, role=Role.COUNTY_ADMIN)
    )
    assert response.status_code == 200
    assert "县级组织" in " ".join(response.context["form"].errors["role"])
    assert not User.objects.filter(username="dongguan_clerk2").exists()


@pytest.mark.parametrize("role", ["chengguan_clerk", "chengguan_leader", "auditor"])
def test_roles_without_account_management_cannot_create_accounts(county, personas, login, role):
    client = login(getattr(personas, role))
    assert client.get("/accounts/users/new/").status_code == 403
    response = client.post("/accounts/users/new/", new_account(county.dongguan))
    assert response.status_code == 403
    assert not User.objects.filter(username="dongguan_clerk2").exists()


def test_secadmin_changes_a_role_and_grants_can_reveal(personas, login):
    clerk = personas.chengguan_clerk
    client = login(personas.secadmin)
    response = client.post(
        f"/accounts/users/{clerk.pk}/roles/", {"role": Role.LEADER, "can_reveal": "on"}
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.role == Role.LEADER
    assert clerk.can_reveal is True
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(clerk.pk)).get(
        content_type=ContentType.objects.get_for_model(User)
    )
    assert event.username == "secadmin"
    assert event.changes["role"] == [Role.CLERK, Role.LEADER]
    assert event.changes["can_reveal"] == [False, True]


def test_can_reveal_is_refused_for_a_security_role(personas, login):
    auditor = personas.auditor
    client = login(personas.secadmin)
    response = client.post(
        f"/accounts/users/{auditor.pk}/roles/", {"role": Role.AUDITOR, "can_reveal": "on"}
    )
    assert response.status_code == 200
    assert "三员" in " ".join(response.context["form"].errors["can_reveal"])
    auditor.refresh_from_db()
    assert auditor.can_reveal is False


@pytest.mark.parametrize("role", ["county_admin", "sysadmin", "auditor"])
def test_only_the_secadmin_assigns_roles(personas, login, role):
    clerk = personas.chengguan_clerk
    client = login(getattr(personas, role))
    response = client.post(
        f"/accounts/users/{clerk.pk}/roles/", {"role": Role.COUNTY_ADMIN, "can_reveal": "on"}
    )
    assert response.status_code == 403
    clerk.refresh_from_db()
    assert (clerk.role, clerk.can_reveal) == (Role.CLERK, False)


def test_role_change_to_county_admin_needs_a_county_level_unit(personas, login):
    clerk = personas.chengguan_clerk
    client = login(personas.secadmin)
    response = client.post(f"/accounts/users/{clerk.pk}/roles/", {"role": Role.COUNTY_ADMIN})
    assert response.status_code == 200
    clerk.refresh_from_db()
    assert clerk.role == Role.CLERK


def test_sysadmin_resets_a_password_and_unlocks_the_account(personas, login):
    clerk = personas.chengguan_clerk
    clerk.locked_until = timezone.now() + datetime.timedelta(minutes=25)
    clerk.save()
    client = login(personas.sysadmin)
    response = client.post(
        f"/accounts/users/{clerk.pk}/password/", {"password": "Fresh-password-2026"}
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.locked_until is None
    assert clerk.check_password("Fresh-password-2026")
    assert post_login(Client(), "chengguan_clerk", "Fresh-password-2026").status_code == 302


def test_password_reset_refuses_a_weak_password(personas, login):
    clerk = personas.chengguan_clerk
    client = login(personas.sysadmin)
    response = client.post(f"/accounts/users/{clerk.pk}/password/", {"password": "short"})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_township_admin_cannot_reset_a_password_outside_the_township(personas, login):
    client = login(personas.chengguan_admin)
    target = personas.outsider_admin
    response = client.post(
        f"/accounts/users/{target.pk}/password/", {"password": "Fresh-password-2026"}
    )
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


@pytest.mark.parametrize("target", ["auditor", "secadmin", "sysadmin"])
def test_county_admin_cannot_reset_a_security_role_password(personas, login, target):
    victim = getattr(personas, target)
    client = login(personas.county_admin)
    response = client.post(
        f"/accounts/users/{victim.pk}/password/", {"password": "Taken-over-2026"}
    )
    assert response.status_code in (403, 404)
    victim.refresh_from_db()
    assert victim.check_password(PASSWORD)


def test_password_reset_by_a_manager_is_in_the_audit_log(personas, login):
    clerk = personas.chengguan_clerk
    client = login(personas.sysadmin)
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    client.post(f"/accounts/users/{clerk.pk}/password/", {"password": "Fresh-password-2026"})
    events = AuditEvent.objects.filter(
        id__gt=start,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(clerk.pk),
        username="sysadmin",
    )
    assert events.exists()


# --- reveal -------------------------------------------------------------------------------------


def test_reveal_shows_the_full_id_and_writes_an_audit_event(people, personas, login):
    admin = personas.chengguan_admin
    admin.can_reveal = True
    admin.save()
    zhang = people.zhang_san
    client = login(admin)
    detail = client.get(f"/people/{zhang.pk}/").content.decode()
    assert zhang.id_number not in detail
    assert f"/people/{zhang.pk}/reveal/" in detail

    response = client.post(f"/people/{zhang.pk}/reveal/", REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 200
    html = response.content.decode()
    assert zhang.id_number in html
    assert "13812345678" in html
    event = AuditEvent.objects.get(action=AuditAction.REVEAL)
    assert event.username == "chengguan_admin"
    assert event.user == admin
    assert event.ip == "10.0.0.7"
    assert event.object_id == str(zhang.pk)
    assert event.content_type.model == "person"
    assert zhang.id_number not in str(event.detail)


def test_reveal_without_the_permission_is_forbidden_and_not_logged(people, personas, login):
    zhang = people.zhang_san
    client = login(personas.chengguan_admin)
    detail = client.get(f"/people/{zhang.pk}/").content.decode()
    assert f"/people/{zhang.pk}/reveal/" not in detail
    response = client.post(f"/people/{zhang.pk}/reveal/")
    assert response.status_code == 403
    assert zhang.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_outside_the_jurisdiction_is_not_found_and_not_logged(people, personas, login):
    outsider = personas.outsider_admin
    outsider.can_reveal = True
    outsider.save()
    response = login(outsider).post(f"/people/{people.zhang_san.pk}/reveal/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_by_get_shows_nothing_and_writes_nothing(people, personas, login):
    admin = personas.chengguan_admin
    admin.can_reveal = True
    admin.save()
    response = login(admin).get(f"/people/{people.zhang_san.pk}/reveal/")
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.REVEAL).exists()


# --- landing page -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "first_page"),
    [
        ("auditor", "/audit/"),
        ("sysadmin", "/accounts/users/"),
        ("secadmin", "/accounts/users/"),
        ("chengguan_admin", "/home/"),
        ("county_admin", "/home/"),
        ("chengguan_clerk", "/home/"),
    ],
)
def test_landing_page_sends_each_role_to_its_first_menu_page(personas, login, role, first_page):
    client = login(getattr(personas, role))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == first_page
    assert client.get(first_page).status_code == 200


def test_landing_page_sends_anonymous_visitors_to_login(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_page_views_within_a_minute_do_not_write_the_session(personas):
    client = Client()
    assert post_login(client, "chengguan_admin", PASSWORD).status_code == 302
    client.get("/home/")
    from django.contrib.sessions.models import Session

    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    expiry = Session.objects.get(session_key=key).expire_date
    assert client.get("/home/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == expiry
