from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.audit.filters import AuditEventFilter
from rencai.audit.models import AuditEvent
from rencai.audit.presentation import mask_for_display, readable_changes
from rencai.listing import filtered, page_of


@allow(roles.reads_audit)
@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    filterset = AuditEventFilter(request.GET or None, queryset=AuditEvent.objects.all())
    events = filtered(filterset)
    events = events.select_related("content_type").order_by("-time", "-id")
    page = page_of(request, events)
    changes = readable_changes(page.object_list)
    mask_for_display(page.object_list)
    rows = [(event, changes[event.pk]) for event in page.object_list]
    return render(
        request, "audit/event_list.html", {"filter": filterset, "page": page, "rows": rows}
    )


@allow(roles.reads_audit)
@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(AuditEvent.objects.select_related("content_type", "batch"), pk=pk)
    changes = readable_changes([event])[event.pk]
    mask_for_display([event])
    return render(request, "audit/event_detail.html", {"event": event, "changes": changes})
