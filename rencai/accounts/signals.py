"""Login, logout and failed logins go to the audit trail; repeated failures lock the account
and, counted by client address, refuse the address; a new password retires the API token."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from rencai.audit.log import record_event
from rencai.audit.models import AuditAction, AuditEvent


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "audit_actor"):
        request.audit_actor.user = user
        request.audit_actor.username = user.get_username()
    if request is not None and hasattr(request, "session"):
        from rencai.accounts.middleware import mark_login_time

        mark_login_time(request.session)
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
    lock_after_failures(user, since=max(window_start, user.last_login or window_start))


def lock_after_failures(user: Any, *, since: Any) -> bool:
    """Lock `user` when LOGIN_FAILURE_LIMIT failed logins were recorded since `since`."""
    username = user.get_username()
    failures = AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, username=username, time__gte=since
    ).count()
    if failures < settings.LOGIN_FAILURE_LIMIT or is_locked(user):
        return False
    user.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    user.save(update_fields=["locked_until"])
    record_event(
        AuditAction.LOCKED,
        obj=user,
        username=username,
        success=False,
        detail={"failures": failures},
    )
    return True


def is_locked(user: Any) -> bool:
    return bool(user.locked_until and user.locked_until > timezone.now())


def address_is_throttled(ip: str | None) -> bool:
    """Too many failed logins from this client address lately, whichever accounts they named.

    The account lockout stops guessing one password; this stops one machine trying a common
    password on every account (the LOGIN_FAILED events carry the client address).
    """
    if not ip:
        return False
    window_start = timezone.now() - timedelta(minutes=settings.LOGIN_IP_WINDOW_MINUTES)
    failures = AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, ip=ip, time__gte=window_start
    ).count()
    return failures >= settings.LOGIN_IP_FAILURE_LIMIT


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="retire_token_on_new_password")
def _retire_token_on_new_password(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # set_password() keeps the raw password in `_password` until save() has run the password
    # validators' hooks; a rehash at login (check_password's setter) clears it first.
    if created or getattr(instance, "_password", None) is None:
        return
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user=instance).delete()
    if deleted:
        record_event(AuditAction.TOKEN, obj=instance, detail={"retired": "password_changed"})
