"""The password policy (security checklist items 2 and 3): length and classes, no username,
a history of five, expiry, and the forced change after a manager set the password."""

import datetime

import pytest
from conftest import PASSWORD
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from rencai.accounts.models import PasswordHistory, User
from rencai.audit.models import AuditAction, AuditEvent

PASSWORDS = [f"Rotating-secret-{n}x" for n in range(7)]


def change_password(client: Client, old: str, new: str):
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def days_ago(user: User, days: int) -> None:
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - datetime.timedelta(days=days)
    )


# --- the rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1a", "至少需要 12 个字符"),
        ("alllowercase123456", "至少三类"),
        ("Xx-Chengguan_Clerk-9", "不能包含用户名"),
        ("CHENGGUAN_CLERK-2026x", "不能包含用户名"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(personas, password, message):
    with pytest.raises(ValidationError) as exc:
        password_validation.validate_password(password, personas.chengguan_clerk)
    assert any(message in m for m in exc.value.messages), exc.value.messages


def test_history_keeps_hashes_never_the_password(personas):
    clerk = personas.chengguan_clerk
    stored = PasswordHistory.objects.filter(user=clerk).values_list("password", flat=True)
    assert list(stored) == [clerk.password]
    assert PASSWORD not in clerk.password


def test_one_of_the_last_five_passwords_is_refused(personas, login):
    clerk = personas.chengguan_clerk
    client = login(clerk)
    old = PASSWORD
    for new in PASSWORDS[:5]:
        assert change_password(client, old, new).status_code == 302, new
        old = new
    # The last five are PASSWORDS[0..4]: each is refused, with a Chinese message.
    for reused in PASSWORDS[:5]:
        response = change_password(client, old, reused)
        assert response.status_code == 200
        assert "不能与最近 5 次使用过的密码相同" in response.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORDS[4])
    # The original password is six changes back: allowed again.
    assert change_password(client, old, PASSWORD).status_code == 302


def test_the_current_password_cannot_be_set_again(personas, login):
    response = change_password(login(personas.chengguan_clerk), PASSWORD, PASSWORD)
    assert "不能与最近 5 次使用过的密码相同" in response.content.decode()


def test_a_manager_reset_cannot_reuse_a_recent_password(personas, login):
    clerk = personas.chengguan_clerk
    response = login(personas.chengguan_admin).post(
        f"/accounts/users/{clerk.pk}/password/", {"password": PASSWORD}
    )
    assert response.status_code == 200
    assert "最近 5 次" in response.content.decode()


# --- expiry -------------------------------------------------------------------------------------


def test_day_91_forces_a_county_admin_to_change(personas, login):
    admin = personas.county_admin
    days_ago(admin, 89)
    assert login(admin).get("/people/").status_code == 200
    days_ago(admin, 91)
    client = login(admin)
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"
    page = client.get("/accounts/password/").content.decode()
    assert "已使用超过 90 天" in page
    assert change_password(client, PASSWORD, PASSWORDS[0]).status_code == 302
    assert client.get("/people/").status_code == 200
    admin.refresh_from_db()
    assert timezone.now() - admin.password_changed_at < datetime.timedelta(minutes=1)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, detail__password="changed")
    assert (event.username, event.detail["forced"]) == ("county_admin", "expired")


def test_day_91_also_for_the_three_admins(personas, login):
    days_ago(personas.auditor, 91)
    assert login(personas.auditor).get("/audit/")["Location"] == "/accounts/password/"


def test_expiry_is_configurable_for_other_accounts(personas, login, settings):
    clerk = personas.chengguan_clerk
    days_ago(clerk, 91)
    settings.PASSWORD_MAX_AGE_DAYS_OTHERS = 0  # never
    assert login(clerk).get("/people/").status_code == 200
    settings.PASSWORD_MAX_AGE_DAYS_OTHERS = 90
    assert login(clerk).get("/people/").status_code == 302


def test_expiry_with_time_travel(personas, login, monkeypatch):
    admin = personas.county_admin
    client = login(admin)
    assert client.get("/people/").status_code == 200
    moment = timezone.now() + datetime.timedelta(days=91)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    client = login(admin)
    assert client.get("/people/")["Location"] == "/accounts/password/"


# --- the forced change --------------------------------------------------------------------------


def test_fixture_and_self_set_passwords_are_not_forced(personas, login):
    for user in personas.all().values():
        assert not user.must_change_password, user.username


def test_demo_accounts_are_not_forced(county):
    from rencai.accounts.password_policy import change_reason
    from rencai.demo.builder import ensure_accounts

    for account, created in ensure_accounts(county.county):
        user = User.objects.get(username=account.username)
        assert created and change_reason(user) is None, account.username


def test_forced_change_page_says_why_inside_the_layout(personas, login):
    clerk = personas.chengguan_clerk
    User.objects.filter(pk=clerk.pk).update(must_change_password=True)
    client = login(clerk)
    for url in ("/", "/home/", "/people/", "/training/"):
        assert client.get(url)["Location"] == "/accounts/password/", url
    page = client.get("/accounts/password/").content.decode()
    assert "由管理员设置" in page
    assert "退出" in page  # the layout's header, with its logout
    response = change_password(client, PASSWORD, PASSWORDS[0])
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert not clerk.must_change_password
    assert client.get("/people/").status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, detail__password="changed")
    assert event.detail["forced"] == "one_time"


def test_api_answers_403_with_a_chinese_reason_while_a_change_is_due(personas, login):
    clerk = personas.chengguan_clerk
    User.objects.filter(pk=clerk.pk).update(must_change_password=True)
    response = login(clerk).get("/api/people/")
    assert response.status_code == 403
    assert "须先修改密码" in response.json()["detail"]
    token = Token.objects.create(user=clerk)
    response = Client().get("/api/people/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403
    assert "须先修改密码" in response.json()["detail"]


def test_logout_stays_open_while_a_change_is_due(personas, login):
    clerk = personas.chengguan_clerk
    User.objects.filter(pk=clerk.pk).update(must_change_password=True)
    client = login(clerk)
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session
