"""双因素认证: a TOTP authenticator app as the second, cryptographic factor (等保 CES1-04).

County admins and the 三员 must use it; any other account may enrol. A session that logged in
with the password only is "unverified" until the code is typed (django-otp keeps the verifying
device in the session); `accounts.middleware.SecondFactorMiddleware` lets such a session reach
nothing but these pages. Ten single-use recovery codes (django-otp's static tokens) replace the
phone once each. Every enrolment, verification, failure and recovery-code use is audited, and
failures count towards the account lockout like wrong passwords.
"""

from base64 import b32encode
from datetime import timedelta
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rencai.accounts.roles import SECURITY_ROLES, Role
from rencai.accounts.signals import lock_after_failures
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction

RECOVERY_CODE_COUNT = 10
TOTP = "totp"
RECOVERY = "recovery_code"
ROLES_THAT_MUST = SECURITY_ROLES | {Role.COUNTY_ADMIN}

# The change log diffs every model; the secrets and the counters that move at every code stay
# out of it (the events below say what happened).
_DEVICE_BOOKKEEPING = (
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
    "created_at",
)
TOTPDevice.audit_exclude = ("key", "last_t", "drift", *_DEVICE_BOOKKEEPING)
StaticDevice.audit_exclude = _DEVICE_BOOKKEEPING
StaticToken.audit_exclude = ("token",)


def is_required(user: Any) -> bool:
    """County admins and the 三员 may not work on a password alone."""
    return bool(getattr(user, "is_authenticated", False) and user.role in ROLES_THAT_MUST)


def totp_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def must_verify(user: Any) -> bool:
    """A logged-in session that still owes its second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_verified():
        return False
    return is_required(user) or is_enrolled(user)


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled: one per account, kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code drawn here (no network), as a base64 PNG data: URI
    for an <img> (the Content-Security-Policy allows data: images, no inline markup needed)."""
    return segno.make(device.config_url, error="m").png_data_uri(scale=5, border=2)


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending device with a code from the app; return fresh recovery codes.

    The session counts as verified at once. Any older device is replaced. None when the code is
    wrong (audited, and counted towards the lockout).
    """
    user = request.user
    if not device.verify_token(_digits(code)):
        _failed(request, TOTP, stage="enrol")
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save()
        codes = _new_recovery_codes(user)
        record_event(
            AuditAction.UPDATE,
            obj=_account(user),
            user=user,
            detail={"second_factor": "enrolled", "recovery_codes": len(codes)},
        )
    otp_login(request, device)
    return codes


def regenerate_recovery_codes(request: HttpRequest) -> list[str]:
    """New recovery codes for a verified session; the old ones stop working."""
    with transaction.atomic():
        codes = _new_recovery_codes(request.user)
        record_event(
            AuditAction.UPDATE,
            obj=_account(request.user),
            user=request.user,
            detail={"second_factor": "recovery_codes_renewed", "recovery_codes": len(codes)},
        )
    return codes


def verify(request: HttpRequest, code: str) -> bool:
    """Check a 6-digit code or a recovery code and mark the session verified."""
    user = request.user
    code = _digits(code).lower()
    if len(code) == 6 and code.isdigit():
        method, device = TOTP, totp_device(user)
    else:
        method = RECOVERY
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    verified = device is not None and device.verify_token(code)
    if not verified:
        _failed(request, method, stage="login")
        return False
    otp_login(request, device)
    detail: dict[str, Any] = {"second_factor": method}
    if method == RECOVERY:
        detail["recovery_codes_left"] = device.token_set.count()
    record_event(AuditAction.LOGIN, user=user, detail=detail)
    return True


def _account(user: Any) -> Any:
    """The account itself, not request.user's lazy wrapper (the audit log asks its type)."""
    return get_user_model().objects.get(pk=user.pk)


def _digits(code: str) -> str:
    return code.strip().replace(" ", "")


def _failed(request: HttpRequest, method: str, *, stage: str) -> None:
    """A wrong code: audited as a failed login, and five in the lockout window lock the account
    (counted from the window's start, not from the password login it follows)."""
    user = _account(request.user)
    record_event(
        AuditAction.LOGIN_FAILED,
        user=user,
        success=False,
        detail={"second_factor": method, "stage": stage},
    )
    since = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    if lock_after_failures(user, since=since):
        from django.contrib.auth import logout

        logout(request)
