"""Login refusals that tell nothing, the per-address throttle, and API tokens that end.

Story: someone at 198.51.100.7 guesses passwords. Whether the account exists, is locked or the
password is wrong, the page says the same; after 20 failures from that address even the right
password is refused there (not elsewhere) until the failures age out. An operator's API token
stops when its account is locked or disabled, when its password changes and after
RENCAI_TOKEN_MAX_AGE_DAYS; `rencai token` then issues a new one.
"""

import datetime
import io
import re
from unittest import mock

import pytest
from conftest import PASSWORD
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from rencai.audit.models import AuditAction, AuditEvent

LOGIN = "/accounts/login/"
REFUSED = (
    401,
    403,
)  # DRF answers 403 when the first authenticator (the session's) sends no challenge
ATTACKER = "198.51.100.7"
CSRF = re.compile(r"\b[A-Za-z0-9]{64}\b")  # the form's and htmx's CSRF tokens


def later(**delta):
    moment = timezone.now() + datetime.timedelta(**delta)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def post_login(username: str, password: str, ip: str = "192.0.2.1"):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password})


def refusal(response) -> str:
    """The page without its CSRF token and the typed username (which it echoes back)."""
    assert response.status_code == 200
    html = CSRF.sub("", response.content.decode())
    return re.sub(r'value="(chengguan_clerk|nobody_here)"', "", html)


# --- one message for every refusal ------------------------------------------------------------


def test_wrong_password_unknown_account_and_locked_account_read_the_same(personas):
    clerk = personas.chengguan_clerk
    wrong = refusal(post_login("chengguan_clerk", "wrong-password"))
    unknown = refusal(post_login("nobody_here", "wrong-password"))
    clerk.locked_until = timezone.now() + datetime.timedelta(minutes=20)
    clerk.save(update_fields=["locked_until"])
    locked = refusal(post_login("chengguan_clerk", PASSWORD))
    assert wrong == unknown == locked
    assert "用户名或密码不正确" in locked


def test_a_disabled_account_reads_like_a_wrong_password(personas):
    wrong = refusal(post_login("chengguan_clerk", "wrong-password"))
    personas.chengguan_clerk.is_active = False
    personas.chengguan_clerk.save(update_fields=["is_active"])
    assert refusal(post_login("chengguan_clerk", PASSWORD)) == wrong


# --- the per-address throttle -----------------------------------------------------------------


def fail_from(ip: str, times: int) -> None:
    for attempt in range(times):
        post_login(f"guess_{attempt}", "Summer-2026-guess", ip=ip)


def test_twenty_failures_from_one_address_refuse_its_logins(personas):
    fail_from(ATTACKER, 19)
    assert post_login("chengguan_admin", PASSWORD, ip=ATTACKER).status_code == 302
    fail_from(ATTACKER, 20)

    response = post_login("chengguan_admin", PASSWORD, ip=ATTACKER)
    assert response.status_code == 200
    assert "此地址登录失败次数过多" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, ip=ATTACKER).count() == 1
    # Another machine logs in as usual; the refused attempt was recorded against the address.
    assert post_login("chengguan_admin", PASSWORD, ip="192.0.2.99").status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, ip=ATTACKER, username="chengguan_admin"
    ).exists()


def test_an_address_is_let_in_again_once_its_failures_age_out(personas):
    fail_from(ATTACKER, 20)
    with later(minutes=29):
        assert post_login("chengguan_admin", PASSWORD, ip=ATTACKER).status_code == 200
    with later(minutes=61):
        assert post_login("chengguan_admin", PASSWORD, ip=ATTACKER).status_code == 302


# --- API tokens -------------------------------------------------------------------------------


def api_status(token: Token) -> int:
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/people/").status_code


@pytest.fixture
def admin_token(personas) -> Token:
    token = Token.objects.create(user=personas.chengguan_admin)
    assert api_status(token) == 200
    return token


def test_token_stops_while_the_account_is_locked(personas, admin_token):
    admin = personas.chengguan_admin
    admin.locked_until = timezone.now() + datetime.timedelta(minutes=30)
    admin.save(update_fields=["locked_until"])
    response = Client(HTTP_AUTHORIZATION=f"Token {admin_token.key}").get("/api/people/")
    assert response.status_code in REFUSED
    assert "锁定" in response.json()["detail"]
    with later(minutes=31):
        assert api_status(admin_token) == 200


def test_token_stops_when_the_account_is_disabled(personas, admin_token):
    personas.chengguan_admin.is_active = False
    personas.chengguan_admin.save(update_fields=["is_active"])
    assert api_status(admin_token) in REFUSED


def test_a_password_change_retires_the_token(personas, admin_token):
    admin = personas.chengguan_admin
    admin.set_password("Another-password-2027")
    admin.save()
    assert api_status(admin_token) in REFUSED
    assert not Token.objects.filter(user=admin).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.TOKEN, object_id=str(admin.pk), detail__retired="password_changed"
    ).exists()


def test_a_password_change_through_the_page_retires_the_token(personas, admin_token, login):
    client = login(personas.chengguan_admin)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another-password-2027",
            "new_password2": "Another-password-2027",
        },
    )
    assert response.status_code == 302
    assert api_status(admin_token) in REFUSED


def test_other_saves_of_the_account_keep_the_token(personas, admin_token):
    admin = personas.chengguan_admin
    admin.display_name = "城关镇管理员"
    admin.save()
    assert api_status(admin_token) == 200


def test_token_expires_after_the_configured_days(personas, admin_token, settings):
    settings.TOKEN_MAX_AGE_DAYS = 30
    with later(days=29, hours=23):
        assert api_status(admin_token) == 200
    with later(days=30, minutes=1):
        response = Client(HTTP_AUTHORIZATION=f"Token {admin_token.key}").get("/api/people/")
        assert response.status_code in REFUSED
        assert "过期" in response.json()["detail"]


def issue(username: str) -> str:
    out = io.StringIO()
    call_command("token", username, stdout=out)
    return out.getvalue().strip()


def test_rencai_token_replaces_an_expired_token(personas, settings):
    settings.TOKEN_MAX_AGE_DAYS = 30
    first = issue("chengguan_admin")
    assert issue("chengguan_admin") == first  # still valid: the same token
    with later(days=31):
        fresh = issue("chengguan_admin")
        assert fresh != first
        assert Client(HTTP_AUTHORIZATION=f"Token {fresh}").get("/api/people/").status_code == 200
        assert (
            Client(HTTP_AUTHORIZATION=f"Token {first}").get("/api/people/").status_code in REFUSED
        )


# --- the absolute session lifetime ------------------------------------------------------------


def hours_later(monkeypatch, hours: float) -> None:
    """Move the sessions' clock (time.time, which both session middlewares read) ahead."""
    import time

    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + hours * 3600)


def test_a_busy_session_ends_eight_hours_after_login(personas, monkeypatch, settings):
    settings.SESSION_MAX_HOURS = 8
    client = Client()
    client.post(LOGIN, {"username": "chengguan_admin", "password": PASSWORD})
    # Used every few minutes, the idle timeout never fires; at 7 h 59 the session still works.
    hours_later(monkeypatch, 7.98)
    assert client.get("/people/").status_code == 200

    hours_later(monkeypatch, 8.02)
    response = client.get("/people/", follow=True)
    assert response.redirect_chain[0][0].startswith(f"{LOGIN}?next=/people/")
    assert "登录已超过 8 小时" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, username="chengguan_admin").exists()


def test_a_session_older_than_the_limit_cannot_call_the_api(personas, monkeypatch, settings):
    settings.SESSION_MAX_HOURS = 8
    client = Client()
    client.post(LOGIN, {"username": "chengguan_admin", "password": PASSWORD})
    assert client.get("/api/people/").status_code == 200
    hours_later(monkeypatch, 9)
    assert client.get("/api/people/").status_code in REFUSED


def test_logging_in_again_starts_a_new_lifetime(personas, monkeypatch, settings):
    settings.SESSION_MAX_HOURS = 8
    client = Client()
    hours_later(monkeypatch, -7)  # logged in seven hours ago, then out
    client.post(LOGIN, {"username": "chengguan_admin", "password": PASSWORD})
    client.post("/accounts/logout/")
    monkeypatch.undo()
    client.post(LOGIN, {"username": "chengguan_admin", "password": PASSWORD})
    hours_later(monkeypatch, 7)
    assert client.get("/people/").status_code == 200
