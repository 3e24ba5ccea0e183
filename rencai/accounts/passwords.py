import string

from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLength
from django.core.exceptions import ValidationError
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
