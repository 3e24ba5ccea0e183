"""Login, logout and failed logins go to the audit trail; repeated failures lock the account."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from rencai.audit.log import record_event
from rencai.audit.models import AuditAction, AuditEvent


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "audit_actor"):
        request.audit_actor.user = user
        request.audit_actor.username = user.get_username()
    record_event(AuditAction.LOGIN, user=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_event(AuditAction.LOGOUT, user=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    from rencai.accounts.models import User

    username = str(credentials.get("username", ""))[:150]
    record_event(AuditAction.LOGIN_FAILED, username=username, success=False)
    user = User.objects.filter(username=username).first()
    if user is None:
        return
    window_start = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    last_login = user.last_login or window_start
    failures = AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED,
        username=username,
        time__gte=max(window_start, last_login),
    ).count()
    if failures >= settings.LOGIN_FAILURE_LIMIT and not is_locked(user):
        user.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        user.save(update_fields=["locked_until"])
        record_event(
            AuditAction.LOCKED,
            obj=user,
            username=username,
            success=False,
            detail={"failures": failures},
        )


def is_locked(user: Any) -> bool:
    return bool(user.locked_until and user.locked_until > timezone.now())
