from typing import Any

from django.contrib.auth.backends import ModelBackend

from rencai.accounts.signals import is_locked


class LockoutModelBackend(ModelBackend):
    """The model backend, refusing a locked account even with the right password."""

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not is_locked(user)
