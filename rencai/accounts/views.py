from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rencai.accounts import password_policy, passwords, roles
from rencai.accounts.access import allow, authenticated, public
from rencai.accounts.forms import (
    AccountCreateForm,
    AccountEditForm,
    LoginForm,
    PasswordResetByManagerForm,
    RoleForm,
)
from rencai.accounts.models import User
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.listing import page_of

login = public(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)
logout = public(auth_views.LogoutView.as_view())


class PasswordChangeView(auth_views.PasswordChangeView):
    """The user's own password change; when one is due (a one-time password, an expired one)
    the page says why, and every other page leads here until it is done."""

    template_name = "accounts/password_change.html"
    success_url = "/"

    def get_form_kwargs(self) -> dict[str, Any]:
        # The account itself rather than request.user's lazy wrapper: it is audited below.
        return {**super().get_form_kwargs(), "user": User.objects.get(pk=self.request.user.pk)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            **kwargs, title=_("修改密码"), reason=password_policy.change_reason(self.request.user)
        )

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.user
        was_due = password_policy.change_reason(user)
        forced = "one_time" if user.must_change_password else ("expired" if was_due else "")
        user.must_change_password = False
        response = super().form_valid(form)  # saves the user: dated and kept in the history
        record_event(AuditAction.UPDATE, obj=user, detail={"password": "changed", "forced": forced})
        messages.success(self.request, _("密码已修改"))
        return response


password_change = allow(authenticated)(PasswordChangeView.as_view())


def _may_open_accounts(user: User) -> bool:
    return roles.manages_accounts(user) or roles.assigns_roles(user)


@allow(_may_open_accounts)
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.visible_to(request.user).select_related("org")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(username__icontains=q) | users.filter(display_name__icontains=q)
    page = page_of(request, users.order_by("org__name_path", "username"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "q": q,
            "can_create": roles.manages_accounts(request.user),
            "can_assign": roles.assigns_roles(request.user),
            "security_roles": sorted(roles.SECURITY_ROLES),
        },
    )


def _one_time_password_page(request: HttpRequest, target: User, password: str) -> HttpResponse:
    """Show a generated one-time password once: in this response only (never in a message,
    which the session would keep), which pages are not cached (NoStoreMiddleware)."""
    return render(
        request,
        "accounts/one_time_password.html",
        {"target": target, "password": password, "title": _("一次性密码")},
    )


@allow(roles.manages_accounts)
def user_create(request: HttpRequest) -> HttpResponse:
    form = AccountCreateForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        if not form.cleaned_data["password"]:
            return _one_time_password_page(request, user, form.one_time_password)
        messages.success(
            request,
            _("已创建账号 %(name)s，首次登录后须修改密码") % {"name": user.username},
        )
        return redirect("accounts:users")
    return render(request, "accounts/form.html", {"form": form, "title": _("新建账号")})


@allow(roles.manages_accounts)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.managed_by(request.user), pk=pk)
    form = AccountEditForm(request.POST or None, instance=target, manager=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存账号 %(name)s") % {"name": target.username})
        return redirect("accounts:users")
    return render(request, "accounts/form.html", {"form": form, "title": _("编辑账号")})


@allow(roles.manages_accounts)
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.managed_by(request.user), pk=pk)
    form = PasswordResetByManagerForm(
        request.POST if request.method == "POST" else None, target=target
    )
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        passwords.reset_password(target, password, acting_user=request.user)
        if form.generated:
            return _one_time_password_page(request, target, password)
        messages.success(
            request,
            _("已重置 %(name)s 的密码并解除锁定，下次登录后须修改密码") % {"name": target.username},
        )
        return redirect("accounts:users")
    return render(request, "accounts/form.html", {"form": form, "title": _("重置密码")})


@allow(roles.assigns_roles)
def user_roles(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    form = RoleForm(request.POST or None, instance=target, acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("已更新 %(name)s 的角色和权限") % {"name": target.username})
        return redirect("accounts:users")
    title = _("角色与权限：%(name)s") % {"name": _account_name(target)}
    return render(request, "accounts/form.html", {"form": form, "title": title})


def _account_name(user: User) -> str:
    """How a page names an account: 张科员（zhangky）, or the username alone."""
    if user.display_name and user.display_name != user.username:
        return f"{user.display_name}（{user.username}）"
    return user.username


@public
def landing(request: HttpRequest) -> HttpResponse:
    """Send each user to the first page their role can open."""
    from rencai.accounts.context_processors import menu_for

    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if password_policy.change_reason(request.user):
        return redirect("accounts:password_change")
    if not request.user.role:
        return render(request, "accounts/no_role.html", {"title": _("尚未分配角色")})
    menu = menu_for(request.user)
    return redirect(reverse(menu[0][0]) if menu else "accounts:password_change")
