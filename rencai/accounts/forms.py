from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from rencai.accounts import passwords, roles
from rencai.accounts.models import User
from rencai.accounts.signals import address_is_throttled
from rencai.orgs.forms import unit_choice_field
from rencai.orgs.models import OrgUnit


class LoginForm(AuthenticationForm):
    """One answer for a wrong password, an unknown account and a locked one, so the form tells
    nobody which accounts exist; a client address with many failures is refused outright."""

    refused = _("用户名或密码不正确，或账号已被暂时锁定。连续失败 5 次账号将被锁定 30 分钟。")
    error_messages = {
        "invalid_login": refused,
        "inactive": refused,
        "throttled": _("此地址登录失败次数过多，请稍后再试。"),
    }

    def clean(self) -> dict[str, Any]:
        from rencai.audit.middleware import client_ip

        if self.request is not None and address_is_throttled(client_ip(self.request)):
            user_login_failed.send(
                sender=type(self),
                credentials={"username": self.cleaned_data.get("username", "")},
                request=self.request,
            )
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        return super().clean()


def one_time_password_field() -> forms.CharField:
    """A password a manager sets for someone else: optional (generated when blank)."""
    return forms.CharField(
        label=_("一次性密码"),
        widget=forms.PasswordInput,
        strip=False,
        required=False,
        help_text=_("留空则由系统生成并只显示一次。账号下次登录后必须修改密码。"),
    )


class AccountCreateForm(forms.ModelForm):
    """A manager creates an account inside their jurisdiction: a business admin with a role they
    may grant, the 系统管理员 without any role (the 安全管理员 assigns it). The password is a
    one-time password, typed or generated, that the account must change at its first login."""

    password = one_time_password_field()

    class Meta:
        model = User
        fields = ["username", "display_name", "role", "org", "password"]

    def __init__(self, *args: Any, manager: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.manager = manager
        self.one_time_password = ""
        allowed = roles.GRANTABLE_ROLES.get(manager.role, ())
        if allowed:
            self.fields["role"].choices = [c for c in roles.Role.choices if c[0] in allowed]
            self.fields["role"].required = True
        else:
            del self.fields["role"]  # 三员分立: created without a role
        self.fields["org"] = unit_choice_field(
            OrgUnit.objects.visible_to(manager).active(), self.fields["org"].label
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password = data.get("password")
        if password:
            probe = User(
                username=data.get("username", ""), display_name=data.get("display_name", "")
            )
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        self.one_time_password = self.cleaned_data["password"] or passwords.one_time_password()
        user.set_password(self.one_time_password)
        user.must_change_password = True
        if commit:
            user.save()
        return user


class AccountEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "org", "is_active"]

    def __init__(self, *args: Any, manager: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = (
            OrgUnit.objects.visible_to(manager).active()
            if (manager.role not in roles.SECURITY_ROLES)
            else OrgUnit.objects.active()
        )
        self.fields["org"] = unit_choice_field(units, self.fields["org"].label)
        if manager.role == roles.Role.SYSADMIN and self.instance.role:
            # The unit is the jurisdiction of a role: with a role, it is the 安全管理员's call.
            self.fields["org"].disabled = True
            self.fields["org"].help_text = _(
                "已分配角色的账号，所在单位即其数据范围，须由安全管理员先取消角色后再调整。"
            )


class RoleForm(forms.ModelForm):
    """安全管理员: the role and reveal permission of a business or role-less account — never a
    三员 account, never their own, and never a 三员 role (those are given on the command line)."""

    class Meta:
        model = User
        fields = ["role", "can_reveal"]

    def __init__(self, *args: Any, acting_user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.acting_user = acting_user
        self.fields["role"].choices = [("", _("未分配（无任何权限）"))] + [
            c for c in roles.Role.choices if c[0] in roles.ASSIGNABLE_ROLES
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk == self.acting_user.pk:
            raise forms.ValidationError(_("不能修改自己的角色和权限（三员分立）"))
        if User.objects.filter(pk=self.instance.pk, role__in=roles.SECURITY_ROLES).exists():
            self.add_error(
                None,
                _("三员账号的角色只能在服务器命令行创建账号时设定，不能在此修改（三员分立）"),
            )
        if data.get("can_reveal") and data.get("role") not in roles.BUSINESS_ROLES:
            self.add_error("can_reveal", _("三员账号不处理业务数据，不能授予查看完整信息权限"))
        return data


class PasswordResetByManagerForm(forms.Form):
    """A manager's reset gives a one-time password: the account must change it at its next
    login, so the manager never goes on knowing a password in use."""

    password = one_time_password_field()

    def __init__(self, *args: Any, target: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.target = target

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        self.generated = not password
        if password:
            password_validation.validate_password(password, self.target)
        return password or passwords.one_time_password()
