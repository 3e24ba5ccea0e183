"""双因素认证: county admins and the 三员 need a code from an authenticator app after the
password; other accounts may turn it on.

Story: the county admin logs in with the password and is sent to enrolment — everything else
(pages and the session API) stays shut. She scans the QR code (drawn offline, a data: image),
confirms with a code, and gets ten recovery codes once. At the next login she is asked for the
code; a recovery code works once. A 东关村 clerk works with the password alone until he turns
the second factor on himself. Wrong codes are audited and lock the account like wrong
passwords; the secret and the recovery codes never reach the audit log. Operator-issued API
tokens keep working.
"""

import base64
import re
import time

import pytest
from conftest import PASSWORD
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from rencai.accounts.models import User
from rencai.audit.models import AuditAction, AuditEvent

LOGIN = "/accounts/login/"
VERIFY = "/accounts/2fa/verify/"
ENROL = "/accounts/2fa/enrol/"
MANAGE = "/accounts/2fa/"
CODE_LIST = re.compile(r'<ul id="recovery-codes"[^>]*>(.*?)</ul>', re.S)


@pytest.fixture(autouse=True)
def _no_retry_delay(settings):
    """django-otp also makes each wrong code delay the next try (1 s, 2 s, 4 s…); these stories
    type codes faster than that, and the lockout below is what limits guessing here."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def audited(action: str, **where) -> bool:
    return AuditEvent.objects.filter(action=action, **where).exists()


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the phone shows now (or at a later 30-second step: a code is good only once)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def password_login(username: str) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"{username} could not log in with the password"
    return client


def enrol(client: Client, user: User) -> list[str]:
    """Open enrolment, confirm with the app's code; return the recovery codes shown."""
    assert client.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(ENROL, {"code": code_for(device), "next": "/people/"})
    assert response.status_code == 200
    return re.findall(
        r"<li[^>]*>\s*([a-z2-7]{8})\s*</li>", CODE_LIST.search(response.content.decode()).group(1)
    )


# --- who must ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["county_admin", "sysadmin", "secadmin", "auditor"])
def test_required_roles_are_sent_to_enrolment_after_the_password(personas, role):
    client = password_login(role)
    for page in ("/", "/people/", "/audit/", "/accounts/users/", "/accounts/password/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(f"{ENROL}?next="), page
    response = client.get("/api/people/")
    assert response.status_code == 403
    assert "双因素认证" in response.json()["detail"]


def test_a_clerk_works_with_the_password_alone(personas):
    client = password_login("chengguan_clerk")
    assert client.get("/people/").status_code == 200
    assert client.get("/api/people/").status_code == 200


# --- enrolment --------------------------------------------------------------------------------


def test_enrolment_shows_an_offline_qr_code_and_the_secret(personas):
    client = password_login("county_admin")
    html = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=personas.county_admin, confirmed=False)
    qr = re.search(r'<img id="otp-qr" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert qr, "the QR code is a data: PNG image"
    assert base64.b64decode(qr.group(1)).startswith(b"\x89PNG")
    secret = re.search(r'<code id="otp-secret"[^>]*>([A-Z2-7 ]+)</code>', html).group(1)
    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key
    assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    assert 'name="viewport"' in html  # the layout, usable on a phone


def test_enrolment_confirms_with_a_code_and_shows_ten_recovery_codes_once(personas):
    admin = personas.county_admin
    client = password_login("county_admin")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=admin)

    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(ENROL, {"code": wrong})
    assert "验证码不正确" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False

    codes = enrol(client, admin)
    assert len(codes) == len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=admin).confirmed
    assert client.get("/people/").status_code == 200  # this session is verified now
    assert client.get("/api/people/").status_code == 200
    # Shown once: the management page counts them but never lists them.
    page = client.get(MANAGE).content.decode()
    assert "剩余恢复码 10 个" in page
    assert not any(code in page for code in codes)
    assert audited(AuditAction.UPDATE, user=admin, detail__second_factor="enrolled")
    assert audited(AuditAction.LOGIN_FAILED, username="county_admin", detail__stage="enrol")


def test_an_unverified_session_cannot_replace_the_device(personas):
    admin = personas.county_admin
    enrol(password_login("county_admin"), admin)
    thief = password_login("county_admin")  # knows the password, not the phone
    response = thief.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=admin).count() == 1


# --- login with the second factor -------------------------------------------------------------


@pytest.fixture
def enrolled_admin(personas) -> tuple[User, list[str]]:
    admin = personas.county_admin
    return admin, enrol(password_login("county_admin"), admin)


def test_next_login_asks_for_the_code_and_goes_on_to_the_page(enrolled_admin):
    admin, _codes = enrolled_admin
    client = Client()
    response = client.post(
        f"{LOGIN}?next=/people/",
        {"username": "county_admin", "password": PASSWORD, "next": "/people/"},
    )
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fpeople%2F"
    assert "输入验证码" in client.get(response["Location"]).content.decode()

    response = client.post(VERIFY, {"code": "12345x", "next": "/people/"})
    assert response.status_code == 200
    response = client.post(VERIFY, {"code": "000000", "next": "/people/"})
    assert "验证码不正确" in response.content.decode()
    assert client.get("/people/").status_code == 302

    device = TOTPDevice.objects.get(user=admin)
    response = client.post(VERIFY, {"code": code_for(device, steps_ahead=1), "next": "/people/"})
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
    assert audited(AuditAction.LOGIN, user=admin, detail__second_factor="totp")
    assert audited(AuditAction.LOGIN_FAILED, username="county_admin", detail__stage="login")


def test_a_recovery_code_works_once(enrolled_admin):
    admin, codes = enrolled_admin
    client = password_login("county_admin")
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": "/people/"})
    assert response.status_code == 302
    assert client.get("/people/").status_code == 200
    event = AuditEvent.objects.get(
        action=AuditAction.LOGIN, user=admin, detail__second_factor="recovery_code"
    )
    assert event.detail["recovery_codes_left"] == 9

    again = password_login("county_admin")
    assert "验证码不正确" in again.post(VERIFY, {"code": codes[0]}).content.decode()
    assert again.post(VERIFY, {"code": codes[1]}).status_code == 302


def test_the_next_address_must_be_on_this_site(enrolled_admin):
    _admin, codes = enrolled_admin
    client = password_login("county_admin")
    response = client.post(VERIFY, {"code": codes[0], "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_five_wrong_codes_lock_the_account_and_end_the_session(enrolled_admin):
    admin, _codes = enrolled_admin
    client = password_login("county_admin")
    for attempt in range(5):
        response = client.post(VERIFY, {"code": f"00000{attempt}"})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    admin.refresh_from_db()
    assert admin.locked_until is not None
    assert "_auth_user_id" not in client.session
    assert audited(AuditAction.LOCKED, username="county_admin")


def test_new_recovery_codes_replace_the_old_ones(enrolled_admin):
    admin, old = enrolled_admin
    client = password_login("county_admin")
    client.post(VERIFY, {"code": old[0]})
    html = client.post("/accounts/2fa/recovery-codes/").content.decode()
    new = re.findall(r"<li[^>]*>\s*([a-z2-7]{8})\s*</li>", html)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert StaticToken.objects.filter(device__user=admin).count() == 10


def test_recovery_codes_cannot_be_renewed_before_the_code(enrolled_admin):
    client = password_login("county_admin")
    response = client.post("/accounts/2fa/recovery-codes/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


# --- optional for the others ------------------------------------------------------------------


def test_a_clerk_may_turn_it_on_and_then_needs_the_code(personas):
    clerk = personas.chengguan_clerk
    client = password_login("chengguan_clerk")
    page = client.get(MANAGE).content.decode()
    assert "未启用" in page
    assert "双因素认证" in client.get("/people/").content.decode()  # the layout links the page
    enrol(client, clerk)
    assert "已启用" in client.get(MANAGE).content.decode()

    later = password_login("chengguan_clerk")
    response = later.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


# --- tokens and the audit log -----------------------------------------------------------------


def test_operator_tokens_work_without_the_second_factor(personas):
    token = Token.objects.create(user=personas.county_admin)
    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/people/")
    assert response.status_code == 200


def test_the_secret_and_recovery_codes_never_reach_the_audit_log(enrolled_admin):
    admin, codes = enrolled_admin
    device = TOTPDevice.objects.get(user=admin)
    secret = base64.b32encode(device.bin_key).decode()
    dump = " ".join(
        f"{e.changes} {e.detail} {e.object_repr}" for e in AuditEvent.objects.all()
    ).lower()
    for value in (device.key, secret, *codes):
        assert value.lower() not in dump


# --- with a due password change (accounts.password_policy) ------------------------------------


def test_the_second_factor_comes_before_a_due_password_change(personas):
    """A reset county admin owes both: the code first (the pages of the second factor are not
    sent to the password page, so neither rule loops into the other), then the new password."""
    admin = personas.county_admin
    admin.must_change_password = True
    admin.save(update_fields=["must_change_password"])
    client = password_login("county_admin")

    response = client.get("/people/")
    assert response["Location"].startswith(ENROL)
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/accounts/password/")["Location"].startswith(ENROL)

    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert client.post(ENROL, {"code": code_for(device)}).status_code == 200  # the codes
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/password/")
    assert client.get("/accounts/password/").status_code == 200
