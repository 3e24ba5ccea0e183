"""Template helpers shared by every list page."""

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (filters survive paging)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def bs(field: Any) -> str:
    """Render a form field with Bootstrap's classes, marking errors."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    if input_type in ("checkbox", "radio") and getattr(widget, "allow_multiple_selected", False):
        css = "checkbox-group"  # Django puts it on the wrapper and each box; rencai.css styles both
    elif input_type in ("checkbox", "radio"):
        css = "form-check-input"
    elif input_type == "select" or hasattr(widget, "choices"):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})
