import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.accounts.roles import BUSINESS_ROLES, SECURITY_ROLES, Role
from rencai.audit.querysets import AuditedQuerySet


def password_fingerprint(encoded: str) -> str:
    return "已设置·" + hashlib.sha256(encoded.encode()).hexdigest()[:6]


class UserQuerySet(AuditedQuerySet):
    def visible_to(self, user) -> "UserQuerySet":
        """Accounts a manager sees: the security roles see all, business admins their subtree."""
        from rencai.accounts import roles

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.role in roles.SECURITY_ROLES and user.role != Role.AUDITOR:
            return self.all()
        if roles.manages_accounts(user) and user.org_id:
            # 三员分立: business admins never manage the security roles' accounts.
            return self.filter(org__path__startswith=user.org.path).exclude(
                role__in=roles.SECURITY_ROLES
            )
        return self.filter(pk=user.pk)

    def managed_by(self, user) -> "UserQuerySet":
        """Accounts whose details and password `user` may change: those they see, never a 三员
        account (the 系统管理员 cannot take over the 安全管理员 or the auditor by resetting a
        password; their passwords are reset on the command line)."""
        return self.visible_to(user).exclude(role__in=SECURITY_ROLES)


class RencaiUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """账号: one person's login, with one role and one unit whose subtree is their jurisdiction."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # Blank: no role yet (created by the 系统管理员, waiting for the 安全管理员) — may do nothing.
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True, default="")
    org = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    can_reveal = models.BooleanField(
        _("可查看完整身份证号和手机号"),
        default=False,
        help_text=_("由安全管理员授予；每次查看都记入审计日志。"),
    )
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("须修改密码"),
        default=False,
        help_text=_("由管理员设置或重置的一次性密码：下次登录后必须先修改。"),
    )
    password_changed_at = models.DateTimeField(_("密码设置时间"), null=True, blank=True)

    objects = RencaiUserManager()

    # A password change shows in the change log as a different fingerprint, never the hash.
    audit_masked = {"password": password_fingerprint}

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        ordering = ["username"]
        constraints = [
            # 三员分立 held by the database too: a 三员 account never reveals personal data and
            # is never a Django staff or superuser account.
            models.CheckConstraint(
                condition=models.Q(can_reveal=False) | models.Q(role__in=sorted(BUSINESS_ROLES)),
                name="accounts_user_reveal_needs_business_role",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=sorted(SECURITY_ROLES))
                | models.Q(is_staff=False, is_superuser=False),
                name="accounts_user_security_role_not_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name or self.username}（{self.username}）"

    def clean(self) -> None:
        super().clean()
        if self.role == Role.COUNTY_ADMIN and self.org_id and self.org.parent_id is not None:
            raise ValidationError({"role": _("县人才办管理员的所在单位必须是县级组织")})
        if self.can_reveal and self.role not in BUSINESS_ROLES:
            raise ValidationError(
                {"can_reveal": _("只有业务角色可以查看完整信息，三员账号和未分配角色的账号不能")}
            )
        if self.role in SECURITY_ROLES and (self.is_staff or self.is_superuser):
            raise ValidationError({"role": _("三员账号不能同时是后台管理员或超级用户（三员分立）")})

    def save(self, *args, **kwargs) -> None:
        """A new password is dated (for expiry) and its hash kept in the history."""
        new_password = self._password is not None
        if new_password:
            self.password_changed_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "password_changed_at"}
        super().save(*args, **kwargs)
        if new_password:
            PasswordHistory.objects.create(user=self, password=self.password)


class PasswordHistory(models.Model):
    """密码历史: the hash of one password an account has had, so the last few are not reused.

    Never the password itself: the same salted hash Django stores on the account.
    """

    user = models.ForeignKey(
        User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码摘要"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    audit_masked = {"password": password_fingerprint}

    class Meta:
        verbose_name = _("密码历史")
        verbose_name_plural = _("密码历史")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_pwhistory_user")]

    def __str__(self) -> str:
        return f"{self.user.username} {self.created_at:%Y-%m-%d %H:%M}"
