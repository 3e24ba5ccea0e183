"""实训基地 (training bases) through the web, the import engine and the API.

A base's detail page describes it the way a report does (占地 500 亩、建筑面积 30 亩，
存栏 牛 100 头、羊 300 只，投资 150 万元); its livestock (存栏, bases_livestock.py) is kept row by
row on that page, or written in one cell of the import sheet. The 督导检查 of a base are in
inspections.py.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.imports.cells import parse_text
from rencai.imports.reader import cell_text
from rencai.imports.sheets import UNCHANGED, UPDATED, CellError, RowPlan, register
from rencai.orgs.resolve import UnitResolver
from rencai.records.api import RecordSerializer, record_viewset
from rencai.records.forms import RecordForm, unit_ids_editable_by
from rencai.records.sheets import (
    RecordColumn,
    RecordContext,
    RecordSheet,
    choice,
    labels_of,
    text,
    unit_column,
)
from rencai.records.versions import saved_checked, versions_of
from rencai.records.views import RECORD, RecordViews, Show, display
from rencai.standards.text import fold
from rencai.training.bases_livestock import (
    MAX_COUNT,
    LivestockCountForm,
    LivestockForm,
    list_totals,
    livestock_summary,
    parse_livestock,
    replace_livestock,
)
from rencai.training.choices import BaseStatus, LivestockUnit
from rencai.training.filters import UnitFilter
from rencai.training.models import (
    Inspection,
    Livestock,
    TrainingBase,
    TrainingProgram,
)

NAV = "training/_nav_include.html"


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


class LivestockFilter(django_filters.FilterSet):
    base = BaseChoiceFilter(label=_("实训基地"))

    class Meta:
        model = Livestock
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


def errors_text(form: forms.Form) -> list[str]:
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
    count_measure = _("个")  # the measure of 实训基地 (rencai/training/figures_bases.py)
    count_template = "training/bases_count.html"  # the base figures' totals: list_totals
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

    def list_context(self, request: HttpRequest, rows: QuerySet) -> dict[str, Any]:
        return list_totals(rows)

    def detail_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        can_edit = self.may_edit(request, record)
        programs = list(
            TrainingProgram.objects.visible_to(request.user)
            .filter(base=record)
            .select_related("category", "organiser")
            .order_by("-end_date", "-id")
        )
        from rencai.training.inspections import overdue_marker, progress, state, with_progress

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
        request.livestock_errors = {row.pk: errors_text(form)}
        return self.detail_view(request, row.base_id)

    def livestock_remove(self, request: HttpRequest, pk: int) -> HttpResponse:
        row = self._editable_livestock(request, pk)
        base_id, name = row.base_id, str(row)
        with transaction.atomic():
            row.delete()
        messages.success(request, gettext("已删除存栏：%(r)s") % {"r": name})
        return redirect(self.url_name("detail"), pk=base_id)


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


# --- API -----------------------------------------------------------------------------------------


class LivestockOut(serializers.ModelSerializer):
    class Meta:
        model = Livestock
        fields = ["id", "kind", "count", "unit"]


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


def instance_of(serializer: serializers.Serializer, model: type[models.Model]) -> Any:
    return serializer.instance if isinstance(serializer.instance, model) else None


class LivestockRecordSerializer(RecordSerializer):
    class Meta:
        validators: list = []  # a kind twice is refused below, with a message that says so

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = instance_of(self, Livestock)
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


VIEWS = [BaseViews()]
ROUTES: list[tuple[str, Any, str]] = [
    ("training/bases", BaseViewSet, "training-base"),
    ("training/livestock", LivestockViewSet, "training-livestock"),
]
