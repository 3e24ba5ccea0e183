"""`{% alerts_panel %}`: the 驾驶舱's 预警 panel — the viewer's most pressing unseen items and a
link to the inbox (nothing for a role that reads no records)."""

from typing import Any

from django import template

from rencai.accounts import roles
from rencai.alerts import inbox

register = template.Library()

PANEL_ITEMS = 5


@register.inclusion_tag("alerts/_panel.html", takes_context=True)
def alerts_panel(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not roles.reads_records(user):
        return {"shown": False}
    mark = getattr(request, "change_mark", None)  # read by the page's view, if it did
    return {"shown": True, "items": inbox.top_items(user, PANEL_ITEMS, mark)}
