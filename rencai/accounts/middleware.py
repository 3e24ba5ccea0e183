import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class NoStoreMiddleware:
    """Pages with personal data are never cached by browsers or proxies (ASVS 8.2.1)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response.setdefault("Cache-Control", "no-store")
        return response


class IdleTimeoutMiddleware:
    """Log out after SESSION_COOKIE_AGE idle seconds, renewing the session at most once a minute.

    Django's SESSION_SAVE_EVERY_REQUEST would write the session on every page view, and on
    SQLite every write takes the database's single write lock; a minute's granularity on a
    30-minute idle limit costs nothing and keeps page views read-only.
    """

    RENEW_AFTER_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("_seen", 0) >= self.RENEW_AFTER_SECONDS:
                session["_seen"] = now  # modifying the session re-saves it with a fresh expiry
        return self.get_response(request)


LOGIN_TIME_KEY = "_login_at"


def mark_login_time(session: Any) -> None:
    """Note when this session logged in: SessionLifetimeMiddleware counts from here."""
    session[LOGIN_TIME_KEY] = int(time.time())


class SessionLifetimeMiddleware:
    """Log out SESSION_MAX_HOURS after login however active the session was (ASVS 3.3.2).

    The idle timeout alone lets a session that is used every few minutes live for ever. Runs
    after MessageMiddleware so the login page can say why; API requests are not redirected,
    they go on anonymous and are refused by the API.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            login_at = session.get(LOGIN_TIME_KEY)
            if login_at is None:  # a session from before this rule: its lifetime starts now
                mark_login_time(session)
            elif time.time() - login_at > settings.SESSION_MAX_HOURS * 3600:
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.warning(
                        request,
                        _("登录已超过 %(hours)s 小时，为保护数据安全请重新登录。")
                        % {"hours": settings.SESSION_MAX_HOURS},
                    )
                    return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class SecondFactorMiddleware:
    """A session that owes its second factor reaches only the 双因素认证 pages and logout.

    Pages redirect to the code (or, for a required account with no device yet, to enrolment);
    the API answers 403 to such a session. Token requests carry no session and are not
    affected: tokens are issued by an operator (see accounts.tokens).
    """

    OPEN_URL_NAMES = ("accounts:otp_verify", "accounts:otp_enrol", "accounts:logout")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from rencai.accounts import second_factor

        if not second_factor.must_verify(request.user):
            return self.get_response(request)
        if request.path in {
            reverse(name) for name in self.OPEN_URL_NAMES
        } or request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("请先在网页上完成双因素认证")}, status=403)
        target = "accounts:otp_verify"
        if not second_factor.is_enrolled(request.user):
            target = "accounts:otp_enrol"
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(target)}?{query}")
