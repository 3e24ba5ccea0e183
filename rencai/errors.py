"""The error pages (400, 403, 404, 500, CSRF failure): Chinese, inside the site's layout with
the menu and a way back, in words a clerk understands.

A 404 raised by `get_object_or_404` names the kind of record that was not found from the
model's verbose_name (此人员不在您的管辖范围内或不存在): records outside the user's jurisdiction
are not found, by design, so the page cannot say which of the two it was. The 500 page is
rendered with the layout when it can be and as a plain page when the layout itself fails
(the database or a context processor may be what broke).
"""

import logging
import re

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

# Django's get_object_or_404 says "No <Model._meta.object_name> matches the given query."
_NO_MATCH = re.compile(r"^No (\w+) matches the given query\.$")


def record_kind(exception: Exception | None) -> str:
    """The verbose_name of the model a 404 did not find, or "" when it was not a record."""
    match = _NO_MATCH.match(str(exception or ""))
    if not match:
        return ""
    for model in apps.get_models():
        if model._meta.object_name == match.group(1):
            return str(model._meta.verbose_name)
    return ""


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request, "error.html", {"title": title, "message": message, "status": status}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, _("请求有误"), _("请求无法处理，请检查填写的内容后重试。"))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        _("无权访问"),
        _("您的账号没有打开此页面的权限。如确需使用，请联系本单位的管理员。"),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    kind = record_kind(exception)
    if kind:
        message = _("此%(kind)s不在您的管辖范围内或不存在。") % {"kind": kind}
    else:
        message = _("您要打开的页面不存在，请检查网址，或从菜单进入。")
    return _page(request, 404, _("未找到"), message)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: with the layout when it renders, else the plain page with no context."""
    try:
        return _page(
            request, 500, _("系统出错"), _("系统处理时出错，已记录。请稍后重试，或联系系统管理员。")
        )
    except Exception:  # the page must answer whatever broke
        logging.getLogger(__name__).exception("the 500 page could not use the layout")
        return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the form was open too long, or the page was opened in another session."""
    return _page(
        request,
        403,
        _("页面已过期"),
        _("表单已过期或您已在别处重新登录。请返回上一页，刷新后重新提交。"),
    )


class QuietPermissionDenied(logging.Filter):
    """Keep a refused request (403) in the log as one line, without its traceback: it is the
    access rules working, not a fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
