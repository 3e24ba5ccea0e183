"""List filters for the training pages (the URL is the state: filters survive reload).

Every choice list is limited to what the user may see, so an id from outside the jurisdiction is
a form error (and no rows, see `rencai.listing.filtered`), never a way to peek at other units."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Min, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from rencai.orgs.models import OrgUnit
from rencai.training import figures
from rencai.training.models import Attendance, TrainingCategory, TrainingProgram
from rencai.widgets import DatePicker


def _units_visible_to(user: Any) -> QuerySet:
    return OrgUnit.objects.visible_to(user).order_by("name_path")


def _label_units_by_path(form: forms.Form, name: str) -> None:
    form.fields[name].label_from_instance = lambda o: o.name_path


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.name_path


class UnitFilter(django_filters.ModelChoiceFilter):
    """A unit of the user's jurisdiction: the rows of that unit and of every unit below it."""

    field_class = UnitChoiceField

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("queryset", lambda request: _units_visible_to(request.user))
        kwargs.setdefault("empty_label", _("全部"))
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: OrgUnit | None) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": OrgUnit.objects.subtree_ids(value)})


class ProgramFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("名称"), lookup_expr="icontains")
    category = django_filters.ModelChoiceFilter(
        label=_("类型"), queryset=TrainingCategory.objects.all(), empty_label=_("全部")
    )
    organiser = django_filters.ModelChoiceFilter(
        label=_("主办单位"),
        queryset=OrgUnit.objects.none(),
        method="filter_organiser",
        empty_label=_("全部"),
    )
    end_from = django_filters.DateFilter(
        label=_("结束日期自"), field_name="end_date", lookup_expr="gte", widget=DatePicker()
    )
    end_to = django_filters.DateFilter(
        label=_("结束日期至"), field_name="end_date", lookup_expr="lte", widget=DatePicker()
    )

    class Meta:
        model = TrainingProgram
        fields: list[str] = []

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        self.filters["organiser"].queryset = _units_visible_to(getattr(request, "user", None))
        _label_units_by_path(self.form, "organiser")

    def filter_organiser(self, qs: QuerySet, name: str, value: OrgUnit) -> QuerySet:
        """The unit and every unit below it."""
        return qs.filter(organiser__in=OrgUnit.objects.subtree_ids(value))


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


def _unchanged(qs: QuerySet, name: str, value: Any) -> QuerySet:
    return qs  # applied together in FigureFilterSet.filter_queryset


class FigureFilterSet(django_filters.FilterSet):
    """A list that can show exactly the rows a figure counts: with a scope unit and a period,
    the rows are `figure_rows(unit, period)` (a function of `figures`), within what the user
    may see — so the list's count equals the number on the overview."""

    scope = django_filters.ModelChoiceFilter(
        label=_("统计范围"),
        queryset=OrgUnit.objects.none(),
        method=_unchanged,
        empty_label=_("不限"),
    )
    start = django_filters.DateFilter(label=_("开始日期"), method=_unchanged, widget=DatePicker())
    end = django_filters.DateFilter(label=_("结束日期"), method=_unchanged, widget=DatePicker())

    class Meta:
        form = FigureFilterForm

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        self.filters["scope"].queryset = _units_visible_to(getattr(request, "user", None))

    @property
    def form(self) -> forms.Form:
        """Built once, after subclasses have set their choices; units read by their path."""
        if not hasattr(self, "_form"):
            _label_units_by_path(super().form, "scope")
        return self._form

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


class AttendanceFilter(FigureFilterSet):
    """培训台账 filters. With a scope unit and a period, the rows are exactly those a training
    figure counts (`figures.attendance_rows`, or `figures.organised_rows` when `organised=1`),
    within what the user may see."""

    program = django_filters.ModelChoiceFilter(
        label=_("培训班次"), queryset=TrainingProgram.objects.none(), empty_label=_("全部")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("类型"),
        field_name="program__category",
        queryset=TrainingCategory.objects.all(),
        empty_label=_("全部"),
    )
    organised = django_filters.ChoiceFilter(
        label=_("统计口径"),
        choices=[("1", _("组织培训人次（按主办单位）"))],
        empty_label=_("培训人次（按学员户籍）"),
        method=_unchanged,
    )
    per_person = django_filters.ChoiceFilter(
        label=_("计数方式"),
        choices=[("1", _("按人数（同一人只列一次）"))],
        empty_label=_("按人次"),
        method=_unchanged,
    )

    class Meta:
        model = Attendance
        fields: list[str] = []
        form = FigureFilterForm

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        # The programs of the rows the user sees: a village clerk sees its villagers' rows of a
        # township's course without seeing the course itself.
        self.filters["program"].queryset = TrainingProgram.objects.filter(
            Q(pk__in=TrainingProgram.objects.visible_to(user).values("pk"))
            | Q(pk__in=Attendance.objects.visible_to(user).values("program_id"))
        )

    def figure_rows(self, unit: OrgUnit, period: figures.Period) -> QuerySet:
        if self.form.cleaned_data.get("organised"):
            return figures.organised_rows(unit, period)
        return figures.attendance_rows(unit, period)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """`per_person`: one row per trainee (the first of theirs), so the count is 培训人数."""
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("per_person"):
            firsts = queryset.order_by().values("person").annotate(first=Min("pk"))
            queryset = queryset.filter(pk__in=firsts.values("first"))
        return queryset
