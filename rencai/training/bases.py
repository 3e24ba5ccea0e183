"""实训基地 (training bases and what they keep, 存栏) and 督导检查 (inspections of a base or a unit,
and the 整改事项 they leave) through the web, the import engine and the API.

A base's detail page describes it the way a report does (占地 500 亩、建筑面积 30 亩，
存栏 牛 100 头、羊 300 只，投资 150 万元); its livestock is kept row by row on that page, or
written in one cell of the import sheet as offices write it ("牛100头、羊300只，家禽500羽").
An inspection is 已整改完 when every item is done (one without items is closed); an item past
its due date and not done is 逾期.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.db import IntegrityError, models, transaction
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
from rencai.imports.cells import parse_text
from rencai.imports.reader import cell_text
from rencai.imports.sheets import NEW, UNCHANGED, UPDATED, CellError, Column, RowPlan, register
from rencai.orgs.resolve import UnitResolver
from rencai.records.api import RecordSerializer, record_viewset
from rencai.records.forms import RecordForm, unit_ids_editable_by
from rencai.records.sheets import (
    RecordColumn,
    RecordContext,
    RecordSheet,
    choice,
    day,
    labels_of,
    named,
    text,
    unit,
    unit_column,
)
from rencai.records.versions import VersionedForm, saved_checked, versions_of
from rencai.records.views import RECORD, RecordViews, Show, display, posted
from rencai.standards.text import fold
from rencai.training.choices import BaseStatus, LivestockUnit
from rencai.training.filters import UnitFilter
from rencai.training.models import (
    Inspection,
    Livestock,
    RectificationItem,
    TrainingBase,
    TrainingProgram,
)
from rencai.widgets import DatePicker

NAV = "training/_nav_include.html"
MAX_COUNT = 2_147_483_647  # the largest count the database keeps

# --- 存栏: reading and writing it as offices do ------------------------------------------------

# What offices write after a number, and the unit it is kept as (猪 counted in 口, horses in 匹).
UNIT_WORDS = {"头": "头", "只": "只", "羽": "羽", "箱": "箱", "口": "头", "匹": "头"}
_UNITISH = "头只羽箱口匹条尾群窝桶斤"  # read as a unit, so an unknown one gets its own message
_SEPARATORS = re.compile(r"[、,;；。/\n]+")
_ITEM = re.compile(
    rf"\s*(?P<kind>[^\d]+?)\s*(?P<count>\d+(?:\.\d+)?)\s*(?P<wan>万)?\s*(?P<unit>[{_UNITISH}])?\s*"
)
_LEAD_WORDS = ("现有", "存栏", "其中", "各种", "各类")
NO_LIVESTOCK = {"无", "没有", "0", "—", "-", "/"}

Stock = tuple[tuple[str, int, str], ...]  # (品种, 数量, 单位) in the order written


def guess_unit(kind: str) -> str:
    """The unit a kind is counted in when a cell leaves it out (鸡 in 羽, 蜂 in 箱, 羊 in 只)."""
    if any(c in kind for c in "禽鸡鸭鹅鸽"):
        return LivestockUnit.FOWL
    if "蜂" in kind:
        return LivestockUnit.BOX
    if any(c in kind for c in "羊兔"):
        return LivestockUnit.PIECE
    return LivestockUnit.HEAD


def _livestock_kind(raw: str) -> str:
    kind = raw.strip(" :：")
    changed = True
    while changed:
        changed = False
        for word in _LEAD_WORDS:
            if kind.startswith(word) and len(kind) > len(word):
                kind, changed = kind[len(word) :].strip(" :："), True
    return kind


def parse_livestock_text(raw: Any) -> Stock:
    """存栏 as offices write it — "牛100头、羊300只，家禽500羽", "牛 100 头 羊 300 只", "鸡2万羽"
    — as (品种, 数量, 单位) rows; 无 is none. Raises CellError naming every part it cannot read."""
    source = fold(cell_text(raw))
    if source in NO_LIVESTOCK:
        return ()
    found: dict[str, tuple[str, int, str]] = {}
    problems: list[str] = []
    for part in _SEPARATORS.split(source):
        part, pos = part.strip(), 0
        while pos < len(part):
            match = _ITEM.match(part, pos)
            if match is None:
                problems.append(
                    gettext("“%(t)s”无法识别，请写作 品种+数量+单位，如 牛100头、羊300只")
                    % {"t": part[pos:].strip()}
                )
                break
            pos = match.end()
            written = match.group(0).strip()
            kind = _livestock_kind(match["kind"])
            count = Decimal(match["count"]) * (10000 if match["wan"] else 1)
            word = match["unit"]
            if not kind:
                problems.append(gettext("“%(t)s”缺少品种") % {"t": written})
            elif len(kind) > 20:
                problems.append(gettext("品种“%(k)s”超过 20 个字") % {"k": kind})
            elif count != count.to_integral_value():
                problems.append(gettext("“%(t)s”的数量应为整数") % {"t": written})
            elif count > MAX_COUNT:
                problems.append(gettext("“%(t)s”的数量过大") % {"t": written})
            elif word and word not in UNIT_WORDS:
                problems.append(
                    gettext("“%(t)s”的单位“%(u)s”无法识别，可用：%(all)s")
                    % {"t": written, "u": word, "all": "、".join(LivestockUnit.values)}
                )
            elif kind in found:
                problems.append(gettext("品种“%(k)s”写了不止一次") % {"k": kind})
            else:
                found[kind] = (kind, int(count), UNIT_WORDS[word] if word else guess_unit(kind))
    if problems:
        raise CellError(gettext("存栏：") + "；".join(problems))
    return tuple(found.values())


def parse_livestock(raw: Any, ctx: Any) -> Stock:
    return parse_livestock_text(raw)


def livestock_summary(rows: Iterable[Livestock]) -> str:
    """牛 100 头、羊 300 只 — how the list, the export and the reports write a base's 存栏."""
    return "、".join(f"{r.kind} {r.count} {r.unit}" for r in rows)


def describe(base: TrainingBase) -> str:
    """The base as a report describes it: 占地 50 亩、建筑面积 10 亩，存栏 牛 100 头、羊 300 只，
    投资 200 万元 (parts left out when not recorded)."""
    area = []
    if base.land_area_mu is not None:
        area.append(gettext("占地 %(n)s 亩") % {"n": display(base.land_area_mu)})
    if base.building_area_mu is not None:
        area.append(gettext("建筑面积 %(n)s 亩") % {"n": display(base.building_area_mu)})
    parts = ["、".join(area)] if area else []
    if stock := livestock_summary(base.livestock.all()):
        parts.append(gettext("存栏 %(s)s") % {"s": stock})
    if base.investment_wan is not None:
        parts.append(gettext("投资 %(n)s 万元") % {"n": display(base.investment_wan)})
    return "，".join(parts)


def replace_livestock(base: TrainingBase, stock: Stock) -> None:
    """Make the base keep exactly `stock`: changed counts are updated, kinds no longer kept are
    removed, new kinds added (row by row, so each change is audited)."""
    current = {row.kind: row for row in base.livestock.all()}
    wanted = {kind for kind, _n, _u in stock}
    for kind, row in current.items():
        if kind not in wanted:
            row.delete()
    for kind, count, unit_word in stock:
        row = current.get(kind)
        if row is None:
            Livestock.objects.create(base=base, kind=kind, count=count, unit=unit_word)
        elif (row.count, row.unit) != (count, unit_word):
            row.count, row.unit = count, unit_word
            row.save()


def multiline(raw: Any) -> str:
    """Text whose line breaks matter (发现问题, 备注): each line folded, blank ends dropped."""
    lines = [fold(line) for line in str(raw or "").splitlines()]
    return "\n".join(lines).strip("\n")


def multiline_text(limit: int):
    return parse_text(limit, clean=lambda raw: multiline(cell_text(raw)))


def area(suffixes: tuple[str, ...]):
    """A non-negative amount, the unit offices add after it (50亩, 200万元) allowed."""

    def parse(raw: Any, ctx: Any) -> Decimal:
        t = fold(cell_text(raw)).replace(",", "").replace(" ", "")
        for suffix in suffixes:
            t = t.removesuffix(suffix)
        try:
            value = Decimal(t)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0:
            raise CellError(gettext("应为不小于 0 的数字，实际为“%(t)s”") % {"t": cell_text(raw)})
        return round(value, 2)

    return parse


def number_cell(value: Decimal | None) -> Any:
    """A decimal as a number cell (500, not "500.00")."""
    if value is None:
        return ""
    return int(value) if value == value.to_integral_value() else float(value)


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


def base_label(base: TrainingBase) -> str:
    return f"{base.org.name}/{base.name}"


# --- filters -------------------------------------------------------------------------------------


class BaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: TrainingBase) -> str:
        return base_label(obj)


class BaseChoiceFilter(django_filters.ModelChoiceFilter):
    """A base the user sees, read as 单位/名称 (names repeat across units)."""

    field_class = BaseChoiceField

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault(
            "queryset",
            lambda request: (
                TrainingBase.objects.visible_to(getattr(request, "user", None))
                .select_related("org")
                .order_by("org__path", "name")
            ),
        )
        kwargs.setdefault("empty_label", _("全部"))
        super().__init__(*args, **kwargs)


class BaseFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("名称"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=[], empty_label=_("全部"))
    org = UnitFilter(label=_("所在单位"))
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=BaseStatus.choices, empty_label=_("全部")
    )

    class Meta:
        model = TrainingBase
        fields: list[str] = []

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        kinds = (
            TrainingBase.objects.visible_to(user)
            .order_by("kind")
            .values_list("kind", flat=True)
            .distinct()
            if user is not None
            else []
        )
        kind = self.filters["kind"]
        kind.extra["choices"] = [(k, k) for k in kinds]
        # A form field built before (the API schema reads the filters' choices) would keep the
        # old choices: build it again from these.
        kind.__dict__.pop("_field", None)


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


class LivestockFilter(django_filters.FilterSet):
    base = BaseChoiceFilter(label=_("实训基地"))

    class Meta:
        model = Livestock
        fields: list[str] = []


class ItemFilter(django_filters.FilterSet):
    inspection = django_filters.ModelChoiceFilter(
        label=_("督导检查"),
        queryset=lambda request: Inspection.objects.visible_to(getattr(request, "user", None)),
    )

    class Meta:
        model = RectificationItem
        fields: list[str] = []


# --- forms ---------------------------------------------------------------------------------------


class BaseForm(RecordForm):
    wide_fields = ("notes",)

    class Meta:
        model = TrainingBase
        fields = [
            "name",
            "kind",
            "org",
            "land_area_mu",
            "building_area_mu",
            "investment_wan",
            "status",
            "notes",
        ]

    def clean_name(self) -> str:
        return fold(self.cleaned_data.get("name"))

    def clean_kind(self) -> str:
        return fold(self.cleaned_data.get("kind"))

    def clean_notes(self) -> str:
        return multiline(self.cleaned_data.get("notes"))


def _count_field() -> forms.IntegerField:
    """A head count: not negative, and no larger than the database keeps (SQLite would take
    any integer, PostgreSQL would fail)."""
    return forms.IntegerField(label=_("数量"), min_value=0, max_value=MAX_COUNT)


class LivestockForm(forms.ModelForm):
    """One kind a base keeps; a kind the base already keeps is refused (change its count)."""

    count = _count_field()

    class Meta:
        model = Livestock
        fields = ["kind", "count", "unit"]

    def __init__(self, *args: Any, base: TrainingBase, **kwargs: Any):
        kwargs.setdefault("instance", Livestock(base=base))
        super().__init__(*args, **kwargs)
        self.base = base

    def clean_kind(self) -> str:
        kind = fold(self.cleaned_data.get("kind"))
        if not kind:
            raise forms.ValidationError(_("请填写品种"))
        if self.base.livestock.filter(kind=kind).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("本基地已登记“%(k)s”的存栏，请直接修改其数量") % {"k": kind}
            )
        return kind


class LivestockCountForm(VersionedForm, forms.ModelForm):
    """A row's count corrected on the base's page; its version rides in a hidden input."""

    count = _count_field()

    class Meta:
        model = Livestock
        fields = ["count", "unit"]


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


def _errors_text(form: forms.Form) -> list[str]:
    return [str(e) for errors in form.errors.values() for e in errors]


# --- 实训基地 pages ----------------------------------------------------------------------------


def _livestock_cell(base: TrainingBase) -> str:
    return livestock_summary(base.livestock.all())


class BaseViews(RecordViews):
    model = TrainingBase
    slug = "bases"
    filterset = BaseFilter
    form = BaseForm
    sheet = "bases"
    nav_template = NAV
    detail_template = "training/bases_detail.html"
    related = ("org",)
    ordering = ("org__path", "name", "id")
    delete_warning = _("存栏记录随基地一并删除；已有培训班次或督导检查的基地不能删除。")
    columns = [
        Show(_("名称"), "name", link=RECORD),
        Show(_("类型"), "kind"),
        Show(_("所在单位"), "org.name_path"),
        Show(_("占地面积（亩）"), "land_area_mu", numeric=True),
        Show(_("建筑面积（亩）"), "building_area_mu", numeric=True),
        Show(_("存栏"), _livestock_cell),
        Show(_("投资（万元）"), "investment_wan", numeric=True),
        Show(_("状态"), "get_status_display"),
        Show(_("培训班次"), "program_count", numeric=True),
    ]
    fields = [
        Show(_("名称"), "name"),
        Show(_("类型"), "kind"),
        Show(_("所在单位"), "org.name_path"),
        Show(_("状态"), "get_status_display"),
        Show(_("占地面积（亩）"), "land_area_mu"),
        Show(_("建筑面积（亩）"), "building_area_mu"),
        Show(_("投资（万元）"), "investment_wan"),
        Show(_("概况"), describe),
        Show(_("备注"), "notes"),
    ]

    def urls(self) -> list[URLPattern]:
        edits = allow(roles.edits_records)
        return [
            *super().urls(),
            path(
                "bases/<int:pk>/livestock/",
                edits(require_POST(self.livestock_add)),
                name="bases_livestock_add",
            ),
            path(
                "bases/livestock/<int:pk>/edit/",
                edits(require_POST(self.livestock_edit)),
                name="bases_livestock_edit",
            ),
            path(
                "bases/livestock/<int:pk>/remove/",
                edits(require_POST(self.livestock_remove)),
                name="bases_livestock_remove",
            ),
        ]

    def list_queryset(self, request: HttpRequest, rows: QuerySet) -> QuerySet:
        """Each base with the number of programs held there (all of them: a base with any
        program cannot be deleted) and its livestock."""
        return rows.annotate(program_count=Count("programs")).prefetch_related("livestock")

    def detail_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        can_edit = self.may_edit(request, record)
        programs = list(
            TrainingProgram.objects.visible_to(request.user)
            .filter(base=record)
            .select_related("category", "organiser")
            .order_by("-end_date", "-id")
        )
        inspections = with_progress(
            Inspection.objects.visible_to(request.user).filter(base=record)
        ).order_by("-date", "-id")
        errors = getattr(request, "livestock_errors", {})
        rows = list(record.livestock.all())
        versions = versions_of(rows) if can_edit else {}
        for row in rows:
            row.version = versions.get(row.pk, "")
        return {
            "livestock": [(row, errors.get(row.pk, [])) for row in rows],
            "livestock_form": LivestockForm(base=record) if can_edit else None,
            "unit_choices": LivestockUnit.choices,
            "programs": programs,
            "hidden_programs": record.programs.count() - len(programs),
            "inspections": [(i, progress(i), state(i), overdue_marker(i)) for i in inspections],
        }

    def livestock_add(self, request: HttpRequest, pk: int) -> HttpResponse:
        base = get_object_or_404(self.editable(request), pk=pk)
        form = LivestockForm(request.POST, base=base)
        if form.is_valid():
            try:
                with transaction.atomic():
                    row = form.save()
            except IntegrityError:  # the same kind added by someone else meanwhile
                form.add_error("kind", _("本基地已登记该品种的存栏，请直接修改其数量"))
            else:
                messages.success(request, gettext("已登记存栏：%(r)s") % {"r": row})
                return redirect(self.url_name("detail"), pk=base.pk)
        return self.detail_view(request, base.pk, livestock_form=form)

    def _editable_livestock(self, request: HttpRequest, pk: int) -> Livestock:
        return get_object_or_404(
            Livestock.objects.editable_by(request.user).filter(
                base__in=self.editable(request).values("pk")
            ),
            pk=pk,
        )

    def livestock_edit(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = self._editable_livestock(request, pk)
        form = LivestockCountForm(request.POST, instance=row)
        if form.is_valid() and saved_checked(form, form.save):
            messages.success(request, gettext("已修改存栏：%(r)s") % {"r": row})
            return redirect(self.url_name("detail"), pk=row.base_id)
        request.livestock_errors = {row.pk: _errors_text(form)}
        return self.detail_view(request, row.base_id)

    def livestock_remove(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = self._editable_livestock(request, pk)
        base_id, name = row.base_id, str(row)
        with transaction.atomic():
            row.delete()
        messages.success(request, gettext("已删除存栏：%(r)s") % {"r": name})
        return redirect(self.url_name("detail"), pk=base_id)


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
        request.item_errors = {item.pk: _errors_text(form)}
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


# --- 实训基地 import sheet ---------------------------------------------------------------------


@dataclass
class BaseContext(RecordContext):
    stock: dict[int, list[tuple[str, int, str]]] | None = None


class BaseSheet(RecordSheet):
    """The RecordSheet of bases, plus the 存栏 cell: filled, it replaces the base's livestock;
    blank, it keeps it."""

    def context(self, user: Any, options: dict[str, Any]) -> BaseContext:
        return BaseContext(user, UnitResolver(user), unit_ids_editable_by(user), self.model)

    def _existing(self, ctx: RecordContext) -> dict:
        if ctx.existing is None:
            super()._existing(ctx)
            for _pk, current in ctx.existing.values():
                current["notes"] = multiline(current["notes"])  # as the sheet's cell reads
        return ctx.existing

    def _stock(self, ctx: BaseContext, pk: int) -> list[tuple[str, int, str]]:
        if ctx.stock is None:
            ctx.stock = {}
            rows = Livestock.objects.editable_by(ctx.user).values_list(
                "base_id", "kind", "count", "unit"
            )
            for base_id, *row in rows:
                ctx.stock.setdefault(base_id, []).append(tuple(row))
        return sorted(ctx.stock.get(pk, []))

    def _plan_row(self, ctx: BaseContext, number: int, values: dict[str, Any]):
        plan = super()._plan_row(ctx, number, values)
        if not isinstance(plan, RowPlan):
            return plan
        stock = values.get("livestock")
        if plan.kind == UNCHANGED:
            if stock is None:
                return plan
            pk = self._existing(ctx)[(values["name"], values["org_id"])][0]
            if sorted(stock) == self._stock(ctx, pk):
                return plan
            return RowPlan(number, UPDATED, (pk, {}, stock))
        pk, given = plan.payload
        if stock is not None and pk is not None and sorted(stock) == self._stock(ctx, pk):
            stock = None
        return RowPlan(number, plan.kind, (pk, given, stock))

    def commit(self, ctx: RecordContext, plans: list[RowPlan]) -> None:
        for plan in plans:
            pk, given, stock = plan.payload
            if pk is None:
                base = TrainingBase.objects.create(**given)
            else:
                base = TrainingBase.objects.get(pk=pk)
                if given:
                    for name, value in given.items():
                        setattr(base, name, value)
                    base.save()
            if stock is not None:
                replace_livestock(base, stock)

    def export_queryset(self, user: Any, params: dict[str, Any]) -> Any:
        return super().export_queryset(user, params).prefetch_related("livestock")


BASE_SHEET = register(
    BaseSheet(
        name="bases",
        title="实训基地",
        model=TrainingBase,
        filterset=BaseFilter,
        related=("org",),
        key=("name", "org_id"),
        key_column="name",
        columns=[
            RecordColumn(
                "name",
                "名称",
                ("基地名称",),
                required=True,
                parse=text(100),
                width=24,
                attname="name",
            ),
            unit_column("org_id", "所在单位", required=True),
            RecordColumn(
                "kind",
                "类型",
                ("基地类型",),
                required=True,
                parse=text(50),
                attname="kind",
                help="如 养殖场、种植基地、加工车间",
            ),
            RecordColumn(
                "land_area_mu",
                "占地面积（亩）",
                ("占地面积", "占地（亩）"),
                parse=area(("亩",)),
                attname="land_area_mu",
                export=lambda r, reveal: number_cell(r.land_area_mu),
            ),
            RecordColumn(
                "building_area_mu",
                "建筑面积（亩）",
                ("建筑面积", "圈舍占地面积", "圈舍面积"),
                parse=area(("亩",)),
                attname="building_area_mu",
                export=lambda r, reveal: number_cell(r.building_area_mu),
            ),
            RecordColumn(
                "investment_wan",
                "投资（万元）",
                ("投资", "投入资金", "投入资金（万元）"),
                parse=area(("万元", "万")),
                attname="investment_wan",
                export=lambda r, reveal: number_cell(r.investment_wan),
            ),
            RecordColumn(
                "status",
                "状态",
                parse=choice(BaseStatus, "状态"),
                choices=labels_of(BaseStatus),
                attname="status",
            ),
            RecordColumn(
                "livestock",
                "存栏",
                ("存栏情况", "现有存栏"),
                parse=parse_livestock,
                width=32,
                help="品种+数量+单位，用顿号或逗号隔开，如 牛100头、羊300只，家禽500羽；"
                "填写则以本表为准替换原有存栏，留空则保留原有存栏，写“无”表示没有存栏",
                export=lambda r, reveal: livestock_summary(r.livestock.all()),
            ),
            RecordColumn("notes", "备注", parse=multiline_text(1000), width=30, attname="notes"),
        ],
        instructions=[
            "一行一个实训基地，以“名称 + 所在单位”识别：已有的基地按本表更新"
            "（空白单元格保留原值），没有的新增。",
            "存栏写在一个单元格里，如“牛100头、羊300只，家禽500羽”（单位可用 头、只、羽、箱）："
            "填写则以本表为准替换该基地原有的存栏，留空则保留原有存栏。",
            "面积以亩、投资以万元计，只填数字。",
            "整张表全部正确才会导入。",
        ],
    )
)


# --- 督导检查 import sheet ---------------------------------------------------------------------


@dataclass
class Group:
    """The rows of one inspection seen so far in an import (same unit, base and date)."""

    first_row: int
    inspectors: str
    findings: str | None
    stored: dict[str, Any] | None  # the inspection it updates, or None for a new one


@dataclass
class InspectionContext(RecordContext):
    inspections: dict[tuple, list[dict[str, Any]]] | None = None
    bases: dict[int, tuple[int, str]] | None = None  # pk → (unit, name), of the visible bases
    items: dict[int, dict[str, list[dict[str, Any]]]] | None = None
    groups: dict[tuple, Group] = field(default_factory=dict)
    created: dict[tuple, int] = field(default_factory=dict)  # during the commit


ITEM_FIELDS = (("owner", "责任人"), ("due_on", "整改期限"), ("done_on", "完成日期"))


@dataclass(frozen=True)
class ItemPlan:
    """What one row does to its 整改事项: NEW, UPDATED or UNCHANGED, the stored item, the
    fields to write."""

    kind: str
    pk: int | None = None
    fields: dict[str, Any] | None = None


class InspectionSheet(RecordSheet):
    """One row per 整改事项 with its inspection's columns repeated; the rows with the same
    被检查单位 + 实训基地 + 检查日期 are one inspection. An inspection found among the importer's
    is updated (检查人员, 发现问题), its items matched by 整改内容; items the sheet does not name
    are kept."""

    def context(self, user: Any, options: dict[str, Any]) -> InspectionContext:
        return InspectionContext(user, UnitResolver(user), unit_ids_editable_by(user), self.model)

    def row_key(self, values: dict[str, Any]) -> Any:
        return (values["org_id"], values.get("base_id"), values["date"], values.get("description"))

    def key_label(self, key: Any) -> str:
        _org, _base, checked_on, description = key
        if description is None:
            return gettext("检查日期 %(d)s 的检查（无整改内容）") % {"d": checked_on}
        return gettext("检查日期 %(d)s 的整改内容“%(t)s”") % {"d": checked_on, "t": description}

    # --- what is stored ---------------------------------------------------------------------

    def _inspections(self, ctx: InspectionContext) -> dict[tuple, list[dict[str, Any]]]:
        if ctx.inspections is None:
            ctx.inspections = {}
            rows = Inspection.objects.editable_by(ctx.user).values(
                "pk", "org_id", "base_id", "date", "inspectors", "findings"
            )
            for row in rows:
                key = (row["org_id"], row["base_id"], row["date"])
                ctx.inspections.setdefault(key, []).append(row)
        return ctx.inspections

    def _bases(self, ctx: InspectionContext) -> dict[int, tuple[int, str]]:
        if ctx.bases is None:
            rows = TrainingBase.objects.visible_to(ctx.user).values_list("pk", "org_id", "name")
            ctx.bases = {pk: (org_id, name) for pk, org_id, name in rows}
        return ctx.bases

    def _items(self, ctx: InspectionContext, inspection_id: int) -> dict[str, list[dict]]:
        if ctx.items is None:
            ctx.items = {}
            rows = RectificationItem.objects.editable_by(ctx.user).values(
                "pk", "inspection_id", "description", "owner", "due_on", "done_on"
            )
            for row in rows:
                by_text = ctx.items.setdefault(row["inspection_id"], {})
                by_text.setdefault(row["description"], []).append(row)
        return ctx.items.get(inspection_id, {})

    # --- planning ---------------------------------------------------------------------------

    def plan(self, ctx: InspectionContext, rows: list[tuple[int, dict[str, Any]]]):
        for number, values in rows:
            yield self._plan_row(ctx, number, values)

    def _plan_row(self, ctx: InspectionContext, number: int, v: dict[str, Any]):
        org_id, base_id, checked_on = v["org_id"], v.get("base_id"), v["date"]
        if base_id is not None:
            base_org, base_name = self._bases(ctx)[base_id]
            if base_org != org_id:
                return (
                    number,
                    "实训基地",
                    gettext("实训基地“%(b)s”属于 %(u)s，被检查单位应填写该单位")
                    % {"b": base_name, "u": ctx.units.paths.get(base_org, "")},
                )
        if org_id not in ctx.editable_units:
            return number, "被检查单位", gettext("该单位不在您的管辖范围内")
        if checked_on > today():
            return number, "检查日期", gettext("检查日期不能晚于今天")
        key = (org_id, base_id, checked_on)
        group = ctx.groups.get(key)
        first = group is None
        if group is None:
            stored = self._inspections(ctx).get(key, [])
            if len(stored) > 1:
                return (
                    number,
                    "检查日期",
                    gettext("该单位当日已有 %(n)d 次督导检查，无法确定本行是哪一次，请在页面上修改")
                    % {"n": len(stored)},
                )
            group = Group(number, v["inspectors"], v.get("findings"), stored[0] if stored else None)
            ctx.groups[key] = group
        else:
            for name, label in (("inspectors", "检查人员"), ("findings", "发现问题")):
                if v.get(name) != getattr(group, name):
                    return (
                        number,
                        label,
                        gettext("同一次检查各行的“%(c)s”须相同（与第 %(r)d 行不同）")
                        % {"c": label, "r": group.first_row},
                    )
        stored = group.stored
        inspection = {"org_id": org_id, "base_id": base_id, "date": checked_on}
        inspection["inspectors"] = v["inspectors"]
        if v.get("findings") is not None:
            inspection["findings"] = v["findings"]
        if stored is None:
            inspection_kind = NEW
        elif first and any(
            multiline(stored[k]) != value
            for k, value in inspection.items()
            if k in ("inspectors", "findings")
        ):
            inspection_kind = UPDATED
        else:
            inspection_kind = UNCHANGED
        item = self._plan_item(ctx, number, v, stored)
        if not isinstance(item, ItemPlan):
            return item
        item_kind, item_pk, item_fields = item.kind, item.pk, item.fields
        if NEW in (inspection_kind, item_kind):
            kind = NEW
        elif UPDATED in (inspection_kind, item_kind):
            kind = UPDATED
        else:
            return RowPlan(number, UNCHANGED, None)
        payload = {
            "key": key,
            "inspection_pk": stored["pk"] if stored else None,
            "inspection": inspection if inspection_kind != UNCHANGED else None,
            "item_pk": item_pk,
            "item": item_fields if item_kind != UNCHANGED else None,
        }
        return RowPlan(number, kind, payload)

    def _plan_item(self, ctx: InspectionContext, number: int, v: dict, stored: dict | None):
        """What the row does to its 整改事项, or (row, column, problem)."""
        description = v.get("description")
        given = {name: v[name] for name, _l in ITEM_FIELDS if v.get(name) is not None}
        if description is None:
            if given:
                return number, "整改内容", gettext("填了责任人、整改期限或完成日期，但没有整改内容")
            return ItemPlan(UNCHANGED)
        found = self._items(ctx, stored["pk"]).get(description, []) if stored else []
        if len(found) > 1:
            return number, "整改内容", gettext("该次检查已有多条相同的整改内容，请在页面上修改")
        current = found[0] if found else None
        if current is None:
            for name, label in ITEM_FIELDS[:2]:
                if name not in given:
                    return number, label, gettext("新增整改事项时不能为空")
            kind = NEW
        elif any(current[name] != value for name, value in given.items()):
            kind = UPDATED
        else:
            return ItemPlan(UNCHANGED, current["pk"])
        merged = {**(current or {}), **given}
        problems = item_problems(v["date"], merged.get("due_on"), merged.get("done_on"))
        labels = dict(ITEM_FIELDS)
        for name, message in problems.items():
            return number, labels[name], message
        pk = current["pk"] if current else None
        return ItemPlan(kind, pk, {"description": description, **given})

    def commit(self, ctx: InspectionContext, plans: list[RowPlan]) -> None:
        for plan in plans:
            p = plan.payload
            pk = p["inspection_pk"] or ctx.created.get(p["key"])
            if pk is None:
                pk = Inspection.objects.create(**p["inspection"]).pk
                ctx.created[p["key"]] = pk
            elif p["inspection"] and p["inspection_pk"]:
                inspection = Inspection.objects.get(pk=pk)
                inspection.inspectors = p["inspection"]["inspectors"]
                if "findings" in p["inspection"]:
                    inspection.findings = p["inspection"]["findings"]
                inspection.save()
            if p["item"] is None:
                continue
            if p["item_pk"] is None:
                RectificationItem.objects.create(inspection_id=pk, **p["item"])
                continue
            item = RectificationItem.objects.get(pk=p["item_pk"])
            for name, value in p["item"].items():
                setattr(item, name, value)
            item.save()

    # --- exporting --------------------------------------------------------------------------

    def export_queryset(self, user: Any, params: dict[str, Any]) -> Any:
        rows = super().export_queryset(user, params)
        return rows.select_related("org", "base__org").prefetch_related("items")

    def export_rows(self, user: Any, queryset: Any, *, reveal: bool) -> Iterable[list[Any]]:
        repeated = set(
            TrainingBase.objects.visible_to(user)
            .order_by()
            .values("name")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values_list("name", flat=True)
        )
        for inspection in queryset.iterator(chunk_size=500):
            base = inspection.base
            base_cell = "" if base is None else base.name
            if base is not None and base.name in repeated:
                base_cell = base_label(base)
            head = [
                inspection.date.isoformat(),
                inspection.org.name_path,
                base_cell,
                inspection.inspectors,
                inspection.findings,
            ]
            items = list(inspection.items.all())
            if not items:
                yield [*head, "", "", "", ""]
            for item in items:
                yield [
                    *head,
                    item.description,
                    item.owner,
                    item.due_on.isoformat(),
                    item.done_on.isoformat() if item.done_on else "",
                ]


INSPECTION_SHEET = register(
    InspectionSheet(
        name="inspections",
        title="督导检查",
        model=Inspection,
        filterset=InspectionFilter,
        related=("org", "base"),
        key_column="description",
        columns=[
            Column("date", "检查日期", ("督导日期", "日期"), required=True, parse=day),
            Column(
                "org_id",
                "被检查单位",
                ("被督导单位", "检查单位"),
                required=True,
                parse=unit,
                width=26,
                help="写组织路径，如 示范县/城关镇；检查实训基地时填基地所在单位",
            ),
            Column(
                "base_id",
                "实训基地",
                ("基地",),
                parse=named(TrainingBase),
                width=20,
                help="可空；写基地名称，重名时写 单位/名称",
            ),
            Column(
                "inspectors",
                "检查人员",
                ("督导人员", "检查组"),
                required=True,
                parse=text(200),
                width=20,
            ),
            Column(
                "findings",
                "发现问题",
                ("存在问题", "检查发现问题"),
                parse=multiline_text(2000),
                width=30,
            ),
            Column("description", "整改内容", ("整改事项", "整改要求"), parse=text(300), width=30),
            Column("owner", "责任人", ("整改责任人",), parse=text(100)),
            Column("due_on", "整改期限", ("整改时限", "整改期限（日期）"), parse=day),
            Column("done_on", "完成日期", ("整改完成日期", "完成时间"), parse=day),
        ],
        instructions=[
            "一行一个整改事项，所属检查的各列（检查日期、被检查单位、实训基地、检查人员、发现问题）"
            "在每一行重复填写；被检查单位 + 实训基地 + 检查日期 相同的行是同一次检查。",
            "没有整改事项的检查写一行，整改内容等列留空。",
            "已有的检查按本表更新：整改事项以“整改内容”识别，空白单元格保留原值；"
            "表中没有的原有整改事项保持不变（删除请在页面上操作）。",
            "新增整改事项须填写责任人和整改期限；完成日期留空表示尚未完成。",
            "整张表全部正确才会导入。",
        ],
    )
)


# --- API -----------------------------------------------------------------------------------------


class LivestockOut(serializers.ModelSerializer):
    class Meta:
        model = Livestock
        fields = ["id", "kind", "count", "unit"]


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


BASE_FIELDS = [
    "name",
    "kind",
    "org",
    "land_area_mu",
    "building_area_mu",
    "investment_wan",
    "status",
    "notes",
]

BaseViewSet = record_viewset(
    TrainingBase,
    BaseFilter,
    BASE_FIELDS,
    related=("org",),
    extra={"livestock": LivestockOut(many=True, read_only=True)},
    prefetch=("livestock",),
    doc="实训基地：本辖区内的基地，存栏只读附带（修改存栏用 training/livestock）。",
)


def _instance(serializer: serializers.Serializer, model: type[models.Model]) -> Any:
    return serializer.instance if isinstance(serializer.instance, model) else None


class LivestockRecordSerializer(RecordSerializer):
    class Meta:
        validators: list = []  # a kind twice is refused below, with a message that says so

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = _instance(self, Livestock)
        if "kind" in attrs:
            attrs["kind"] = fold(attrs["kind"])
        if attrs.get("count", 0) > MAX_COUNT:
            raise ValidationError({"count": [gettext("数量过大")]})
        base = attrs.get("base", getattr(instance, "base", None))
        kind = attrs.get("kind", getattr(instance, "kind", None))
        duplicate = Livestock.objects.filter(base=base, kind=kind).exclude(
            pk=getattr(instance, "pk", None)
        )
        if base is not None and kind and duplicate.exists():
            raise ValidationError(
                {"kind": [gettext("本基地已登记“%(k)s”的存栏，请直接修改其数量") % {"k": kind}]}
            )
        return super().validate(attrs)


LivestockViewSet = record_viewset(
    Livestock,
    LivestockFilter,
    ["base", "kind", "count", "unit"],
    related=("base",),
    base=LivestockRecordSerializer,
    doc="存栏：本辖区内基地的存栏，一个品种一行。",
)


INSPECTION_FIELDS = ["org", "base", "date", "inspectors", "findings"]


class InspectionRecordSerializer(RecordSerializer):
    """An inspection of a base takes the base's unit; `org` is needed only without a base."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if "org" in self.fields:
            self.fields["org"].required = False

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = _instance(self, Inspection)
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
        instance = _instance(self, RectificationItem)
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


VIEWS = [BaseViews(), InspectionViews()]
ROUTES: list[tuple[str, Any, str]] = [
    ("training/bases", BaseViewSet, "training-base"),
    ("training/livestock", LivestockViewSet, "training-livestock"),
    ("training/inspections", InspectionViewSet, "training-inspection"),
    ("training/rectification-items", ItemViewSet, "training-rectification-item"),
]
