"""The filter pieces every record module of 育 shares: unit choices read as paths (`UnitFilter`)
and the figure drill-down (`FigureFilterSet`); each record type's own FilterSet is in its module
(programs.py, attendances.py, …). The URL is the state: filters survive reload.

Every choice list is limited to what the user may see, so an id from outside the jurisdiction is
a form error (and no rows, see `rencai.listing.filtered`), never a way to peek at other units."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rencai.orgs import fields
from rencai.orgs.models import OrgUnit
from rencai.training import figures
from rencai.widgets import DatePicker


def units_visible_to(user: Any) -> QuerySet:
    return OrgUnit.objects.visible_to(user).order_by("name_path")


UnitChoiceField = fields.UnitChoiceField  # the one unit picker (tree order, type-ahead)


class UnitFilter(fields.UnitChoiceFilter):
    """A unit of the user's jurisdiction: the rows of that unit and of every unit below it."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("queryset", lambda request: units_visible_to(request.user))
        kwargs.setdefault("empty_label", _("全部"))
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: OrgUnit | None) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": OrgUnit.objects.subtree_ids(value)})


class FigureFilterForm(forms.Form):
    """The figure filter (scope, start, end) is one question: all three or none."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        figure_keys = ("scope", "start", "end")
        given = [k for k in figure_keys if data.get(k)]
        if self.errors:  # a bad value already has its own message
            return data
        if (given or data.get("organised")) and len(given) < len(figure_keys):
            raise forms.ValidationError(
                _("按统计口径筛选时，请同时选择统计范围、开始日期和结束日期")
            )
        if given and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期"))
        return data


def unchanged(qs: QuerySet, name: str, value: Any) -> QuerySet:
    return qs  # applied together in FigureFilterSet.filter_queryset


class FigureFilterSet(django_filters.FilterSet):
    """A list that can show exactly the rows a figure counts: with a scope unit and a period,
    the rows are `figure_rows(unit, period)` (a function of `figures`), within what the user
    may see — so the list's count equals the number on the overview."""

    scope = fields.UnitChoiceFilter(
        label=_("统计范围"),
        queryset=OrgUnit.objects.none(),
        method=unchanged,
        empty_label=_("不限"),
    )
    start = django_filters.DateFilter(label=_("开始日期"), method=unchanged, widget=DatePicker())
    end = django_filters.DateFilter(label=_("结束日期"), method=unchanged, widget=DatePicker())

    class Meta:
        form = FigureFilterForm

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        self.filters["scope"].queryset = units_visible_to(getattr(request, "user", None))

    def figure_rows(self, unit: OrgUnit, period: figures.Period) -> QuerySet:
        raise NotImplementedError  # each list names the figure it stands for

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        unit, start, end = data.get("scope"), data.get("start"), data.get("end")
        if unit and start and end:
            rows = self.figure_rows(unit, figures.Period(start, end))
            queryset = queryset.filter(pk__in=rows.values("pk"))
        return queryset
