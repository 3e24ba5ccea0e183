import secrets
import string
from typing import Any

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLength
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _


class CharacterClassValidator:
    """等保 practice: a password mixes at least three of upper case, lower case, digits, symbols."""

    classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits)

    def validate(self, password: str, user=None) -> None:
        used = sum(any(c in chars for c in password) for chars in self.classes)
        used += any(not c.isalnum() for c in password)
        if used < 3:
            raise ValidationError(
                _("密码需包含大写字母、小写字母、数字、符号中的至少三类"), code="password_classes"
            )

    def get_help_text(self) -> str:
        return str(_("密码需包含大写字母、小写字母、数字、符号中的至少三类。"))


class MinimumLengthValidator(DjangoMinimumLength):
    """Django's length rule with a Chinese message (Django 5.2's catalogue lacks the new text)."""

    def get_error_message(self) -> str:
        return str(_("密码太短，至少需要 %(min)d 个字符") % {"min": self.min_length})

    def get_help_text(self) -> str:
        return str(_("密码至少需要 %(min)d 个字符。") % {"min": self.min_length})


class UsernameValidator:
    """The password may not contain the username, in any case (Django's similarity check lets
    "Zhangsan-2026!" through for the account zhangsan)."""

    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").strip().lower()
        if username and username in password.lower():
            raise ValidationError(_("密码不能包含用户名"), code="password_contains_username")

    def get_help_text(self) -> str:
        return str(_("密码不能包含用户名。"))


class PasswordHistoryValidator:
    """等保 practice: a new password differs from the account's last `count` passwords,
    compared against their stored hashes (`accounts.PasswordHistory`)."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password: str, user=None) -> None:
        from rencai.accounts.models import PasswordHistory

        if getattr(user, "pk", None) is None:
            return
        recent = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
        if any(check_password(password, encoded) for encoded in recent[: self.count]):
            raise ValidationError(
                _("新密码不能与最近 %(count)d 次使用过的密码相同") % {"count": self.count},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return str(_("不能与最近 %(count)d 次使用过的密码相同。") % {"count": self.count})


# No look-alikes (0/O, 1/l/I) in a password read off a screen and typed by someone else.
_ONE_TIME_ALPHABETS = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "-#%+")


def one_time_password(length: int = 14) -> str:
    """A random password for an account created or reset by a manager: every character class,
    to be changed at the first login."""
    rng = secrets.SystemRandom()
    chars = [rng.choice(alphabet) for alphabet in _ONE_TIME_ALPHABETS]
    everything = "".join(_ONE_TIME_ALPHABETS)
    chars += [rng.choice(everything) for _n in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def reset_password(target: Any, password: str, *, acting_user: Any) -> None:
    """A manager sets `target`'s password: one-time, to be changed at the next login; the
    lockout ends. Audited twice: the change log's diff, and this named event."""
    from rencai.audit.log import record_event
    from rencai.audit.models import AuditAction

    with transaction.atomic():
        target.set_password(password)
        target.must_change_password = True
        target.locked_until = None
        target.save(update_fields=["password", "must_change_password", "locked_until"])
        record_event(
            AuditAction.UPDATE,
            obj=target,
            user=acting_user,
            detail={"password": "reset_one_time", "must_change_at_login": True},
        )
