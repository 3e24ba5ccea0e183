from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rencai.accounts import roles
from rencai.accounts.access import allow, authenticated, public
from rencai.accounts.forms import (
    AccountCreateForm,
    AccountEditForm,
    LoginForm,
    PasswordResetByManagerForm,
    RoleForm,
)
from rencai.accounts.models import User
from rencai.listing import page_of

login = public(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)
logout = public(auth_views.LogoutView.as_view())
password_change = allow(authenticated)(
    auth_views.PasswordChangeView.as_view(
        template_name="accounts/form.html",
        success_url="/",
        extra_context={"title": "修改密码"},
    )
)


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
        },
    )


@allow(roles.manages_accounts)
def user_create(request: HttpRequest) -> HttpResponse:
    form = AccountCreateForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("已创建账号 %(name)s") % {"name": user.username})
        return redirect("accounts:users")
    return render(request, "accounts/form.html", {"form": form, "title": _("新建账号")})


@allow(roles.manages_accounts)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    form = AccountEditForm(request.POST or None, instance=target, manager=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存账号 %(name)s") % {"name": target.username})
        return redirect("accounts:users")
    return render(request, "accounts/form.html", {"form": form, "title": _("编辑账号")})


@allow(roles.manages_accounts)
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    form = PasswordResetByManagerForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        target.set_password(form.cleaned_data["password"])
        target.locked_until = None
        target.save(update_fields=["password", "locked_until"])
        messages.success(request, _("已重置 %(name)s 的密码并解除锁定") % {"name": target.username})
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
    return render(request, "accounts/form.html", {"form": form, "title": _("角色与权限")})


@public
def landing(request: HttpRequest) -> HttpResponse:
    """Send each user to the first page their role can open."""
    from rencai.accounts.context_processors import menu_for

    if not request.user.is_authenticated:
        return redirect("accounts:login")
    menu = menu_for(request.user)
    return redirect(reverse(menu[0][0]) if menu else "accounts:password_change")
