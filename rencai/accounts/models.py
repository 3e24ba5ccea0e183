import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.accounts.roles import Role
from rencai.audit.querysets import AuditedQuerySet


def password_fingerprint(encoded: str) -> str:
    return "已设置·" + hashlib.sha256(encoded.encode()).hexdigest()[:6]


class UserQuerySet(AuditedQuerySet):
    def visible_to(self, user) -> "UserQuerySet":
        """Accounts a manager sees: the security roles see all, business admins their subtree."""
        from rencai.accounts import roles

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.role in roles.SECURITY_ROLES and user.role != Role.AUDITOR:
            return self.all()
        if roles.manages_accounts(user) and user.org_id:
            # 三员分立: business admins never manage the security roles' accounts.
            return self.filter(org__path__startswith=user.org.path).exclude(
                role__in=roles.SECURITY_ROLES
            )
        return self.filter(pk=user.pk)


class RencaiUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """账号: one person's login, with one role and one unit whose subtree is their jurisdiction."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
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

    objects = RencaiUserManager()

    # A password change shows in the change log as a different fingerprint, never the hash.
    audit_masked = {"password": password_fingerprint}

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.display_name or self.username}（{self.username}）"

    def clean(self) -> None:
        super().clean()
        if self.role == Role.COUNTY_ADMIN and self.org_id and self.org.parent_id is not None:
            raise ValidationError({"role": _("县人才办管理员的所在单位必须是县级组织")})
