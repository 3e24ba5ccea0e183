"""Forced password changes: after a manager set the password, and when it is too old.

An account whose password was set by someone else (a new account, a reset) or has expired may
open nothing but the password-change page until the password is changed: pages redirect there,
API requests — by session or token — answer 403 with the reason (security checklist item 3).
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.accounts import roles


def max_age_days(user: Any) -> int:
    """How many days a password of this account lasts; 0 = it does not expire."""
    if user.role in roles.PRIVILEGED_ROLES:
        return settings.PASSWORD_MAX_AGE_DAYS
    return settings.PASSWORD_MAX_AGE_DAYS_OTHERS


def change_reason(user: Any) -> str | None:
    """Why `user` must change their password before anything else, in Chinese; None if not."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.must_change_password:
        return _("您的密码由管理员设置（新建账号或重置密码），请先修改为只有您自己知道的密码。")
    days = max_age_days(user)
    changed = user.password_changed_at
    if days and changed is not None and timezone.now() - changed > timedelta(days=days):
        return _("您的密码已使用超过 %(days)d 天，按安全策略须修改后才能继续使用。") % {
            "days": days
        }
    return None


# Reachable while a change is due: the change itself, logging out, and the second-factor pages
# (the second factor comes first: SecondFactorMiddleware sends a session that owes it there).
OPEN_VIEW_NAMES = frozenset(
    {
        "accounts:password_change",
        "accounts:logout",
        "accounts:login",
        "accounts:otp_verify",
        "accounts:otp_enrol",
    }
)


def _token_user(request: HttpRequest) -> Any:
    """The account behind an `Authorization: Token …` header (DRF authenticates only later,
    inside the view)."""
    from rest_framework.authtoken.models import Token

    scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "token" or not key.strip():
        return None
    token = Token.objects.select_related("user").filter(key=key.strip()).first()
    return token.user if token is not None and token.user.is_active else None


class PasswordPolicyMiddleware:
    """Until a due password change is done, pages redirect to the change page and the API
    answers 403. Runs after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEW_NAMES:
            return None
        if getattr(view, "rencai_permission", None) == "public":
            return None  # the landing page sends a user who owes a change to the change page
        is_api = request.path.startswith("/api/")
        user = request.user if request.user.is_authenticated else None
        if user is None and is_api:
            user = _token_user(request)
        reason = change_reason(user) if user is not None else None
        if reason is None:
            return None
        if is_api:
            return JsonResponse(
                {"detail": _("须先修改密码才能使用接口：%(reason)s") % {"reason": reason}},
                status=403,
            )
        return redirect(reverse("accounts:password_change"))
