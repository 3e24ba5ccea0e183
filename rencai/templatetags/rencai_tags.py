"""Template helpers shared by every list page."""

from typing import Any

from django import forms, template
from django.utils.translation import gettext_lazy as _

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
    _name_the_empty_choice(field)
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


DASHES = "---------"  # Django's empty choice (ModelChoiceField.empty_label, BLANK_CHOICE_DASH)


def _name_the_empty_choice(bound: Any) -> None:
    """The one place a select's empty choice gets its words: 全部 in a filter (django-filter
    builds its forms in django_filters.filterset), 请选择 in a form — never `---------`."""
    field = bound.field
    words = _("全部") if type(bound.form).__module__.startswith("django_filters") else _("请选择")
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = words
    elif isinstance(field, forms.ChoiceField) and any(
        label == DASHES for _value, label in field.choices
    ):
        field.choices = [
            (value, words if label == DASHES else label) for value, label in field.choices
        ]
