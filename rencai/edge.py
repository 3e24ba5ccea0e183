"""What every request and response passes at the edge of the application, before any view.

- Security headers on every response: a Content-Security-Policy that allows scripts, styles,
  fonts and images from this server only (no inline script, so a stored payload that slipped
  past the template escaping still cannot run; ASVS 14.4.3, 等保 CES1-17), and a
  Permissions-Policy that switches off the browser features the platform never uses.
- NUL characters refused in every query parameter, form field and JSON body: PostgreSQL cannot
  store or compare a text containing one and answers with an error (a 500), SQLite stores it
  silently. A clear 400 here is the one place that covers every view and the API.
"""

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
FEATURES_NEVER_USED = (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
    "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
)  # fmt: skip
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in FEATURES_NEVER_USED)
NUL = "\x00"
JSON_NUL = (b"\x00", b"\\u0000")  # raw, or escaped as JSON writes it


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def has_nul(request: HttpRequest) -> bool:
    """Whether a parameter (name or value), a form field or a JSON body holds a NUL."""
    if NUL in request.path:
        return True
    if any(NUL in k or any(NUL in v for v in vs) for k, vs in request.GET.lists()):
        return True
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        return any(mark in request.body for mark in JSON_NUL)
    if request.method == "POST" and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return any(NUL in k or any(NUL in v for v in vs) for k, vs in request.POST.lists())
    return False


def refused(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 saying why: JSON for the API, the error page inside the layout for the rest."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


class RejectNulMiddleware:
    """Refuse a request carrying a NUL character before any view or query sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            nul = has_nul(request)
        except RequestDataTooBig:  # over DATA_UPLOAD_MAX_MEMORY_SIZE
            return refused(request, _("提交的内容过大"))
        if nul:
            return refused(request, _("请求中含有不允许的空字符（NUL）"))
        return self.get_response(request)
