"""The 预警 inbox pages: the list grouped by alert, and marking an item (or all) as seen."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.alerts import inbox


@allow(roles.reads_records)
def inbox_page(request: HttpRequest) -> HttpResponse:
    groups = inbox.inbox(request.user)
    unseen = sum(len(g.unseen) for g in groups)
    return render(
        request,
        "alerts/inbox.html",
        {"groups": groups, "unseen": unseen, "unit": request.user.org, "shown": inbox.SHOWN},
    )


@allow(roles.reads_records)
@require_POST
def seen(request: HttpRequest) -> HttpResponse:
    alert_key = request.POST.get("alert", "")[:60]
    subject = request.POST.get("subject", "")[:200]
    if inbox.mark_seen(request.user, alert_key, subject):
        messages.success(request, _("已标为已读"))
    else:
        messages.warning(request, _("该预警已不存在（可能已处理），无需标记"))
    return redirect("alerts:inbox")


@allow(roles.reads_records)
@require_POST
def seen_all(request: HttpRequest) -> HttpResponse:
    marked = inbox.mark_all_seen(request.user)
    messages.success(request, _("已将 %(n)d 条预警标为已读") % {"n": marked})
    return redirect("alerts:inbox")
