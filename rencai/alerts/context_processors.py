"""The header's 预警 badge: the count of the user's unseen alert items (rencai/alerts/inbox.py),
for the roles that read records only. A page pays for the badge only what the cache holds (the
change mark, the cache and the user's seen marks: three queries); when the records changed
since the items were computed, the header gets the URL that computes the count after the page
has loaded (`alerts:badge`, fetched by htmx) instead. Never a reason for a page to fail."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from rencai.accounts import roles
from rencai.alerts.inbox import badge_count


def alert_badge(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not roles.reads_records(user):
        return {}
    count = badge_count(user, compute=False)
    if count is None:
        return {"alert_badge_url": reverse("alerts:badge")}
    return {"alert_count": count}
