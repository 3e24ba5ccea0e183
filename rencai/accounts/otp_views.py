"""双因素认证 pages: enrol an authenticator app, type its code after the password, and see or
renew the recovery codes. The rules are in `accounts.second_factor`."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rencai.accounts import second_factor
from rencai.accounts.access import allow, authenticated
from rencai.accounts.otp_forms import CodeForm, EnrolForm


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _locked_out(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("验证码错误次数过多，账号已被暂时锁定，请稍后再试。"))
    return redirect_to_login("/")


@allow(authenticated)
def otp_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code of the app, or one recovery code."""
    user = request.user
    if not second_factor.must_verify(user):
        return redirect(_next_url(request))
    if not second_factor.is_enrolled(user):
        return redirect(
            f"{reverse('accounts:otp_enrol')}?{urlencode({'next': _next_url(request)})}"
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.verify(request, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        if not request.user.is_authenticated:
            return _locked_out(request)
        form.add_error("code", _("验证码不正确或已用过，请重新输入。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@allow(authenticated)
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Scan the QR code (or type the secret), confirm with a code, get the recovery codes."""
    user = request.user
    if second_factor.is_enrolled(user) and not user.is_verified():
        # Replacing the device needs the current one first.
        return redirect("accounts:otp_verify")
    device = second_factor.pending_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm_enrolment(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "accounts/otp_codes.html",
                {"codes": codes, "next": _next_url(request), "enrolled": True},
            )
        if not request.user.is_authenticated:
            return _locked_out(request)
        form.add_error("code", _("验证码不正确，请核对手机时间后重新输入。"))
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr": second_factor.qr_data_uri(device),
            "secret": second_factor.secret_text(device),
            "required": second_factor.is_required(user),
            "next": _next_url(request),
        },
    )


@allow(authenticated)
def otp_manage(request: HttpRequest) -> HttpResponse:
    """「双因素认证」: whether it is on, and the way to turn it on or renew the recovery codes."""
    user = request.user
    return render(
        request,
        "accounts/otp_manage.html",
        {
            "enrolled": second_factor.is_enrolled(user),
            "required": second_factor.is_required(user),
            "codes_left": second_factor.recovery_codes_left(user),
        },
    )


@allow(authenticated)
@require_POST
def otp_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; only from a verified session."""
    if not (second_factor.is_enrolled(request.user) and request.user.is_verified()):
        return redirect("accounts:otp_manage")
    codes = second_factor.regenerate_recovery_codes(request)
    return render(request, "accounts/otp_codes.html", {"codes": codes, "next": "/"})
