from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from rencai.training.nav import NAV

register = template.Library()


@register.inclusion_tag("training/_nav.html", takes_context=True)
def training_nav(context: dict[str, Any]) -> dict[str, Any]:
    """The module's pages as tabs; the current one marked."""
    request = context.get("request")
    here = request.path if request is not None else ""
    items = []
    for name, label in NAV:
        try:
            url = reverse(name)
        except NoReverseMatch:  # a page not built: no menu entry for it
            continue
        active = here == url if url == "/training/" else here.startswith(url)
        items.append((url, label, active))
    return {"items": items}
