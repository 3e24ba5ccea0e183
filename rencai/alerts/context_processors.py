"""The header's 预警 badge: the count of the user's unseen alert items (rencai/alerts/inbox.py),
for the roles that read records only — cheap while the records stand still (the change mark,
the cache and the user's seen marks: three queries), computed on the first page after a change,
and never a reason for a page to fail."""

from typing import Any

from django.http import HttpRequest

from rencai.alerts.inbox import badge_count


def alert_badge(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # the change mark the page's view has just read, if it did (the 驾驶舱): one reading a page
    count = badge_count(user, getattr(request, "change_mark", None))
    return {} if count is None else {"alert_count": count}
