"""督导检查 (inspections of a base or a unit, and the 整改事项 they leave) through the web, the
import engine and the API.

An inspection is 已整改完 when every item is done (one without items is closed); an item past
its due date and not done is 逾期.
"""

import datetime
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.records.api import RecordSerializer, record_viewset
from rencai.records.forms import RecordForm
from rencai.records.versions import saved_checked
from rencai.records.views import RECORD, RecordViews, Show, posted
from rencai.training.bases import (
    NAV,
    BaseChoiceFilter,
    base_label,
    errors_text,
    instance_of,
    multiline,
)
from rencai.training.filters import UnitFilter
from rencai.training.models import (
    Inspection,
    RectificationItem,
    TrainingBase,
)
from rencai.widgets import DatePicker

# --- 整改事项: the dates' rules, shared by the pages, the sheet and the API ---------------------


def today() -> datetime.date:
    return timezone.localdate()


def item_problems(
    checked_on: datetime.date | None,
    due_on: datetime.date | None,
    done_on: datetime.date | None,
) -> dict[str, str]:
    """field → why an item's dates cannot be: before the inspection, or done in the future."""
    found = {}
    when = {"d": checked_on.isoformat() if checked_on else ""}
    if checked_on and due_on and due_on < checked_on:
        found["due_on"] = gettext("整改期限不能早于检查日期（%(d)s）") % when
    if done_on and checked_on and done_on < checked_on:
        found["done_on"] = gettext("完成日期不能早于检查日期（%(d)s）") % when
    elif done_on and done_on > today():
        found["done_on"] = gettext("完成日期不能晚于今天")
    return found


def date_problem(inspection: Inspection | None, checked_on: datetime.date) -> str:
    """Why an inspection cannot be dated `checked_on`: in the future, or after the due or done
    date of one of its items ("" when it can)."""
    if checked_on > today():
        return gettext("检查日期不能晚于今天")
    if inspection is not None and inspection.pk:
        earliest = inspection.items.aggregate(due=Min("due_on"), done=Min("done_on"))
        dates = [d for d in earliest.values() if d is not None]
        if dates and min(dates) < checked_on:
            return gettext("已有整改事项的期限或完成日期早于 %(d)s，请先修改整改事项") % {
                "d": checked_on.isoformat()
            }
    return ""


def with_progress(rows: QuerySet) -> QuerySet:
    """Inspections with their item counts: all, not yet done, and overdue (not done, past due)."""
    return rows.annotate(
        item_count=Count("items"),
        open_count=Count("items", filter=Q(items__done_on__isnull=True)),
        overdue_count=Count(
            "items", filter=Q(items__done_on__isnull=True, items__due_on__lt=today())
        ),
    )


def state(inspection: Any) -> str:
    """已整改完 / 未整改完 of an inspection annotated by `with_progress`."""
    return gettext("已整改完") if inspection.open_count == 0 else gettext("未整改完")


def progress(inspection: Any) -> str:
    done = inspection.item_count - inspection.open_count
    return f"{done}/{inspection.item_count}"


def overdue_marker(inspection: Any) -> str:
    n = inspection.overdue_count
    return gettext("逾期 %(n)d 项") % {"n": n} if n else ""


# --- filters -------------------------------------------------------------------------------------


class DateRangeForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        return data


STATUS_CHOICES = [
    ("open", _("未整改完")),
    ("closed", _("已整改完")),
    ("overdue", _("有逾期事项")),
]


class InspectionFilter(django_filters.FilterSet):
    org = UnitFilter(label=_("被检查单位"))
    base = BaseChoiceFilter(label=_("实训基地"))
    date_from = django_filters.DateFilter(
        label=_("检查日期自"), field_name="date", lookup_expr="gte", widget=DatePicker()
    )
    date_to = django_filters.DateFilter(
        label=_("检查日期至"), field_name="date", lookup_expr="lte", widget=DatePicker()
    )
    status = django_filters.ChoiceFilter(
        label=_("整改状态"), choices=STATUS_CHOICES, method="filter_status", empty_label=_("全部")
    )

    class Meta:
        model = Inspection
        fields: list[str] = []
        form = DateRangeForm

    def filter_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        open_items = RectificationItem.objects.filter(
            inspection=OuterRef("pk"), done_on__isnull=True
        )
        if value == "open":
            return qs.filter(Exists(open_items))
        if value == "closed":
            return qs.filter(~Exists(open_items))
        if value == "overdue":
            return qs.filter(Exists(open_items.filter(due_on__lt=today())))
        return qs


class ItemFilter(django_filters.FilterSet):
    inspection = django_filters.ModelChoiceFilter(
        label=_("督导检查"),
        queryset=lambda request: Inspection.objects.visible_to(getattr(request, "user", None)),
    )

    class Meta:
        model = RectificationItem
        fields: list[str] = []


# --- forms ---------------------------------------------------------------------------------------


class InspectionForm(RecordForm):
    """An inspection of a base (its unit is the base's) or of a unit."""

    wide_fields = ("findings",)

    class Meta:
        model = Inspection
        fields = ["date", "base", "org", "inspectors", "findings"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        org = self.fields["org"]
        org.required = False
        org.help_text = _("选择了实训基地时，自动取基地所在单位")
        base = self.fields["base"]
        base.queryset = base.queryset.select_related("org").order_by("org__path", "name")
        base.label_from_instance = base_label

    def clean_findings(self) -> str:
        return multiline(self.cleaned_data.get("findings"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        base = data.get("base")
        if base is not None:
            data["org"] = base.org
        elif not data.get("org") and "org" not in self.errors:
            self.add_error("org", _("请选择被检查单位或实训基地"))
        checked_on = data.get("date")
        if checked_on and (problem := date_problem(self.instance, checked_on)):
            self.add_error("date", problem)
        return data


class ItemForm(RecordForm):
    class Meta:
        model = RectificationItem
        fields = ["description", "owner", "due_on", "done_on"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        checked_on = self.instance.inspection.date
        for name, message in item_problems(
            checked_on, data.get("due_on"), data.get("done_on")
        ).items():
            self.add_error(name, message)
        return data


class DoneForm(forms.Form):
    done_on = forms.DateField(label=_("完成日期"), widget=DatePicker())

    def __init__(self, *args: Any, item: RectificationItem, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.item = item

    def clean_done_on(self) -> datetime.date:
        done_on = self.cleaned_data["done_on"]
        problem = item_problems(self.item.inspection.date, None, done_on).get("done_on")
        if problem:
            raise forms.ValidationError(problem)
        return done_on


# --- 督导检查 pages ----------------------------------------------------------------------------


class InspectionViews(RecordViews):
    model = Inspection
    slug = "inspections"
    filterset = InspectionFilter
    form = InspectionForm
    sheet = "inspections"
    nav_template = NAV
    detail_template = "training/inspections_detail.html"
    related = ("org", "base")
    ordering = ("-date", "-id")
    delete_warning = _("该次检查的整改事项将一并删除。")
    columns = [
        Show(_("检查日期"), "date", link=RECORD),
        Show(_("被检查单位"), "org.name_path"),
        Show(_("实训基地"), "base.name"),
        Show(_("检查人员"), "inspectors"),
        Show(_("整改完成"), progress, numeric=True),
        Show(_("整改状态"), state),
        Show(_("逾期"), overdue_marker),
    ]
    fields = [
        Show(_("检查日期"), "date"),
        Show(_("被检查单位"), "org.name_path"),
        Show(_("实训基地"), "base.name"),
        Show(_("检查人员"), "inspectors"),
        Show(_("整改状态"), state),
        Show(_("整改完成"), progress),
        Show(_("逾期"), overdue_marker),
        Show(_("发现问题"), "findings"),
    ]

    def visible(self, request: HttpRequest) -> QuerySet:
        return with_progress(super().visible(request))

    def urls(self) -> list[URLPattern]:
        edits = allow(roles.edits_records)
        return [
            *super().urls(),
            path(
                "inspections/<int:pk>/items/",
                edits(require_POST(self.item_add)),
                name="inspections_item_add",
            ),
            path(
                "inspections/items/<int:pk>/done/",
                edits(require_POST(self.item_done)),
                name="inspections_item_done",
            ),
            path(
                "inspections/items/<int:pk>/edit/",
                edits(self.item_edit),
                name="inspections_item_edit",
            ),
            path(
                "inspections/items/<int:pk>/delete/",
                edits(require_POST(self.item_delete)),
                name="inspections_item_delete",
            ),
        ]

    def detail_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        can_edit = self.may_edit(request, record)
        day_now = today()
        errors = getattr(request, "item_errors", {})
        items = [
            (item, item.overdue_on(day_now), errors.get(item.pk, [])) for item in record.items.all()
        ]
        base_visible = (
            record.base_id is not None
            and TrainingBase.objects.visible_to(request.user).filter(pk=record.base_id).exists()
        )
        return {
            "items": items,
            "today": day_now,
            "base_visible": base_visible,
            "item_form": (
                ItemForm(instance=RectificationItem(inspection=record), user=request.user)
                if can_edit
                else None
            ),
        }

    def _editable_item(self, request: HttpRequest, pk: int) -> RectificationItem:
        return get_object_or_404(
            RectificationItem.objects.editable_by(request.user).select_related("inspection"),
            pk=pk,
        )

    def item_add(self, request: HttpRequest, pk: int) -> HttpResponse:
        inspection = get_object_or_404(self.editable(request), pk=pk)
        form = ItemForm(
            request.POST, instance=RectificationItem(inspection=inspection), user=request.user
        )
        if form.is_valid():
            with transaction.atomic():
                item = form.save()
            messages.success(request, gettext("已添加整改事项：%(d)s") % {"d": item})
            return redirect(self.url_name("detail"), pk=inspection.pk)
        return self.detail_view(request, inspection.pk, item_form=form)

    def item_done(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self._editable_item(request, pk)
        form = DoneForm(request.POST, item=item)
        if form.is_valid():
            item.done_on = form.cleaned_data["done_on"]
            with transaction.atomic():
                item.save()
            messages.success(request, gettext("已标记完成：%(d)s") % {"d": item})
            return redirect(self.url_name("detail"), pk=item.inspection_id)
        request.item_errors = {item.pk: errors_text(form)}
        return self.detail_view(request, item.inspection_id)

    def item_edit(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self._editable_item(request, pk)
        form = ItemForm(posted(request), instance=item, user=request.user)
        if request.method == "POST" and form.is_valid() and saved_checked(form, form.save):
            messages.success(request, gettext("已保存整改事项：%(d)s") % {"d": item})
            return redirect(self.url_name("detail"), pk=item.inspection_id)
        return render(
            request,
            "form.html",
            {
                "form": form,
                "title": gettext("编辑整改事项：%(d)s") % {"d": item},
                "cancel_url": reverse(self.url_name("detail"), args=[item.inspection_id]),
            },
        )

    def item_delete(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self._editable_item(request, pk)
        inspection_id, name = item.inspection_id, str(item)
        with transaction.atomic():
            item.delete()
        messages.success(request, gettext("已删除整改事项：%(d)s") % {"d": name})
        return redirect(self.url_name("detail"), pk=inspection_id)


# --- API -----------------------------------------------------------------------------------------


class ItemOut(serializers.ModelSerializer):
    class Meta:
        model = RectificationItem
        fields = ["id", "description", "owner", "due_on", "done_on"]


@extend_schema_field(OpenApiTypes.BOOL)
class InspectionClosed(serializers.Field):
    """已整改完: every item done (an inspection without items is closed)."""

    def __init__(self, **kwargs: Any):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Inspection) -> bool:
        return all(item.done_on is not None for item in value.items.all())


INSPECTION_FIELDS = ["org", "base", "date", "inspectors", "findings"]


class InspectionRecordSerializer(RecordSerializer):
    """An inspection of a base takes the base's unit; `org` is needed only without a base."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if "org" in self.fields:
            self.fields["org"].required = False

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = instance_of(self, Inspection)
        base = attrs["base"] if "base" in attrs else getattr(instance, "base", None)
        if base is not None:
            attrs["org"] = base.org
        elif instance is None and attrs.get("org") is None:
            raise ValidationError({"org": [gettext("请选择被检查单位或实训基地")]})
        if "findings" in attrs:
            attrs["findings"] = multiline(attrs["findings"])
        checked_on = attrs.get("date")
        if checked_on and (problem := date_problem(instance, checked_on)):
            raise ValidationError({"date": [problem]})
        return super().validate(attrs)


InspectionViewSet = record_viewset(
    Inspection,
    InspectionFilter,
    INSPECTION_FIELDS,
    related=("org", "base"),
    extra={"items": ItemOut(many=True, read_only=True), "closed": InspectionClosed()},
    base=InspectionRecordSerializer,
    prefetch=("items",),
    doc="督导检查：本辖区内的检查，整改事项只读附带（修改用 training/rectification-items）。",
)


class ItemRecordSerializer(RecordSerializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = instance_of(self, RectificationItem)
        inspection = attrs.get("inspection", getattr(instance, "inspection", None))
        due_on = attrs.get("due_on", getattr(instance, "due_on", None))
        done_on = attrs.get("done_on", getattr(instance, "done_on", None))
        if inspection is not None:
            problems = item_problems(inspection.date, due_on, done_on)
            if problems:
                raise ValidationError({k: [m] for k, m in problems.items()})
        return super().validate(attrs)


ItemViewSet = record_viewset(
    RectificationItem,
    ItemFilter,
    ["inspection", "description", "owner", "due_on", "done_on"],
    related=("inspection",),
    base=ItemRecordSerializer,
    doc="整改事项：本辖区内督导检查的整改事项。",
)


VIEWS = [InspectionViews()]
ROUTES: list[tuple[str, Any, str]] = [
    ("training/inspections", InspectionViewSet, "training-inspection"),
    ("training/rectification-items", ItemViewSet, "training-rectification-item"),
]
