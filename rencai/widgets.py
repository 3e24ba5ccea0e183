"""Form widgets shared by every app."""

from django import forms


class DatePicker(forms.DateInput):
    """The browser's date picker. Its value must be ISO (YYYY-MM-DD) whatever the UI language,
    or the browser shows the field empty and a save would wipe the date."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
