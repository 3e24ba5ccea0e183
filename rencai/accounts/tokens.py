"""API tokens that end: expired after RENCAI_TOKEN_MAX_AGE_DAYS, refused while the account is
locked or disabled, and deleted when its password changes (accounts.signals).

Token requests skip the second factor: tokens are issued only by an operator (`rencai token`),
who vouches for the machine that holds one. Kept apart from `rencai.api`, which imports DRF's
views: the authentication classes are loaded while those views are being imported.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from rencai.accounts.signals import is_locked


def token_expired(token: Any) -> bool:
    return token.created < timezone.now() - timedelta(days=settings.TOKEN_MAX_AGE_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token, refused once expired or while its account is locked or disabled."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        try:
            user, token = super().authenticate_credentials(key)
        except exceptions.AuthenticationFailed:
            raise exceptions.AuthenticationFailed(_("令牌无效或账号已停用")) from None
        if is_locked(user):
            raise exceptions.AuthenticationFailed(_("账号已被锁定，令牌暂不可用"))
        if token_expired(token):
            raise exceptions.AuthenticationFailed(_("令牌已过期，请联系系统管理员重新签发"))
        return user, token
