"""储备 (PoolMembership) through the web, the import engine and the API, scoped, masked and
audited like the people register: a person is in a pool once while 在库; 出库 (an action on the
detail page) needs a date (not before entry) and a reason; an exited membership stays as history
and the person may be entered again. An 在库 membership carries no exit date or reason."""

import copy
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.imports.sheets import RowPlan, register
from rencai.records.api import record_viewset
from rencai.records.forms import RecordForm, placing_units
from rencai.records.sheets import (
    RecordColumn,
    RecordContext,
    RecordSheet,
    choice,
    day,
    labels_of,
    named,
    person_columns,
    text,
)
from rencai.records.views import PERSON, RECORD, RecordViews, Show
from rencai.training.choices import MembershipStatus
from rencai.training.filters import UnitFilter
from rencai.training.models import Pool, PoolMembership
from rencai.training.rules import MaskedKeys, Problems, add_problems, draft, ruled
from rencai.widgets import DatePicker

NAV = "training/_nav_include.html"


def membership_problems(record: PoolMembership, *, others: bool = True) -> Problems:
    """储备's rules: an exited membership has an exit date (not before entry) and a reason; an
    active one has neither; a person is in a pool once while active (checked against the stored
    memberships unless `others` is False)."""
    found: Problems = []
    if record.status == MembershipStatus.EXITED:
        if not record.exited_on:
            found.append(("exited_on", _t("出库须填写出库日期")))
        elif record.entered_on and record.exited_on < record.entered_on:
            found.append(("exited_on", _t("出库日期不能早于入库日期")))
        if not (record.exit_reason or "").strip():
            found.append(("exit_reason", _t("出库须填写原因")))
    else:
        if record.exited_on:
            found.append(("exited_on", _t("在库人员不应填写出库日期（出库请将状态改为“已出库”）")))
        if (record.exit_reason or "").strip():
            found.append(("exit_reason", _t("在库人员不应填写出库原因")))
        if others and record.pool_id and record.person_id:
            twins = PoolMembership.objects.filter(
                pool_id=record.pool_id, person_id=record.person_id, status=MembershipStatus.ACTIVE
            ).exclude(pk=record.pk)
            if twins.exists():
                found.append(("person", _t("该人员已在此储备库中（在库），不能重复入库")))
    return found


# --- 储备 -------------------------------------------------------------------------------------


class PoolMembershipFilter(django_filters.FilterSet):
    pool = django_filters.ModelChoiceFilter(
        label=_("储备库"), queryset=Pool.objects.all(), empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=MembershipStatus.choices, empty_label=_("全部")
    )
    name = django_filters.CharFilter(
        label=_("姓名"), field_name="person__name", lookup_expr="icontains"
    )
    org = UnitFilter(label=_("户籍所在单位"), field_name="person__home_org")

    class Meta:
        model = PoolMembership
        fields: list[str] = []


class PoolMembershipForm(RecordForm):
    """Entering a person in a pool (and correcting it); 出库 is its own action. The exit date
    and reason of an exited membership can be corrected here."""

    class Meta:
        model = PoolMembership
        fields = ["person", "pool", "entered_on", "exited_on", "exit_reason"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.status != MembershipStatus.EXITED:
            del self.fields["exited_on"], self.fields["exit_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        add_problems(self, membership_problems(draft(self, data)))
        return data


class ExitForm(forms.Form):
    exited_on = forms.DateField(label=_("出库日期"), widget=DatePicker())
    exit_reason = forms.CharField(
        label=_("出库原因"),
        max_length=200,
        error_messages={"required": _("请填写出库原因")},
    )

    def __init__(self, *args: Any, record: PoolMembership, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.record = record

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            draft = copy.copy(self.record)
            draft.status = MembershipStatus.EXITED
            draft.exited_on, draft.exit_reason = data["exited_on"], data["exit_reason"].strip()
            add_problems(self, membership_problems(draft))
        return data


class PoolMembershipViews(RecordViews):
    model = PoolMembership
    slug = "pools"
    filterset = PoolMembershipFilter
    form = PoolMembershipForm
    sheet = "pool_members"
    nav_template = NAV
    detail_template = "training/pools_detail.html"
    related = ("pool", "person", "person__home_org")
    ordering = ("pool__sort_order", "pool_id", "-entered_on", "-id")
    columns = [
        Show(_("储备库"), "pool", link=RECORD),
        Show(_("人员"), "person", link=PERSON),
        Show(_("户籍所在单位"), "person.home_org.name_path"),
        Show(_("入库日期"), "entered_on"),
        Show(_("状态"), "get_status_display"),
        Show(_("出库日期"), "exited_on"),
        Show(_("出库原因"), "exit_reason"),
    ]
    fields = columns

    def urls(self) -> list[URLPattern]:
        exit_view = allow(roles.edits_records)(self.exit_view)
        return [*super().urls(), path("pools/<int:pk>/exit/", exit_view, name="pools_exit")]

    def detail_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        history = (
            self.visible(request)
            .filter(pool_id=record.pool_id, person_id=record.person_id)
            .exclude(pk=record.pk)
            .order_by("-entered_on", "-id")
        )
        today = timezone.localdate()
        return {
            "exit_form": ExitForm(record=record, initial={"exited_on": today}),
            "history": history,
        }

    def exit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """出库: status 已出库 with the date and the (required) reason."""
        record = get_object_or_404(self.editable(request), pk=pk)
        if request.method != "POST":
            return redirect(self.url_name("detail"), pk=pk)
        if record.status != MembershipStatus.ACTIVE:
            messages.error(request, _t("该人员已出库，不能再次出库"))
            return redirect(self.url_name("detail"), pk=pk)
        form = ExitForm(request.POST, record=record)
        if form.is_valid():
            record.status = MembershipStatus.EXITED
            record.exited_on = form.cleaned_data["exited_on"]
            record.exit_reason = form.cleaned_data["exit_reason"].strip()
            with transaction.atomic():
                record.save()
            messages.success(request, _t("已出库：%(name)s") % {"name": record})
            return redirect(self.url_name("detail"), pk=pk)
        return self.detail_view(request, pk, exit_form=form)


@dataclass
class PoolContext(RecordContext):
    active_rows: dict[tuple[int, int], int] = field(default_factory=dict)
    # row → ((pool, person), the stored membership it updates or None, status after the row)
    rows: dict[int, tuple[tuple[int, int], int | None, str]] = field(default_factory=dict)


class PoolSheet(MaskedKeys, RecordSheet):
    """储备 rows, keyed by pool + person + entry date. "Once while active" is judged over the
    batch: a sheet may exit a stored membership and enter the person again in the same upload
    (exits are written first), but may not leave two 在库 memberships of one person in a pool."""

    def context(self, user: Any, options: dict[str, Any]) -> PoolContext:
        base = super().context(user, options)
        return PoolContext(base.user, base.units, base.editable_units, base.model)

    def _problem(self, ctx: RecordContext, record: models.Model, pk: int | None):
        """The membership rules but the stored-twin one (judged in `plan`), the model's field
        rules and the jurisdiction."""
        record.pk = pk
        record._state.adding = pk is None
        labels = {c.attname.removesuffix("_id"): c.label for c in self.setters}
        for name, message in membership_problems(record, others=False):
            return labels.get(name, _t("整行")), message
        try:
            record.full_clean(validate_constraints=False)
        except DjangoValidationError as exc:
            for name, found in exc.message_dict.items():
                return labels.get(name.removesuffix("_id"), _t("整行")), "；".join(found)
        placed = placing_units(record, PoolMembership.objects.all().unit_fields)
        if not set(placed) & ctx.editable_units:
            return _t("整行"), _t("该记录不在您的管辖范围内")
        return None

    def _plan_row(self, ctx: PoolContext, number: int, values: dict[str, Any]):  # type: ignore[override]
        plan = super()._plan_row(ctx, number, values)
        if not isinstance(plan, RowPlan):
            return plan
        pair = (values["pool_id"], values["person_id"])
        stored = self._existing(ctx).get((*pair, values["entered_on"]))
        status = values.get("status") or (
            stored[1]["status"] if stored else MembershipStatus.ACTIVE
        )
        if status == MembershipStatus.ACTIVE:
            if pair in ctx.active_rows:
                return (
                    number,
                    _t("状态"),
                    _t("与第 %(n)d 行是同一人员在同一储备库的在库记录，只能有一条")
                    % {"n": ctx.active_rows[pair]},
                )
            ctx.active_rows[pair] = number
        ctx.rows[number] = (pair, stored[0] if stored else None, status)
        return plan

    def plan(self, ctx: PoolContext, rows: list[tuple[int, dict[str, Any]]]):  # type: ignore[override]
        items = list(super().plan(ctx, rows))
        mine = {i.row: ctx.rows.pop(i.row) for i in items if isinstance(i, RowPlan)}
        touched = {stored for _pair, stored, _status in mine.values() if stored}
        wanted = {pair for pair, _stored, status in mine.values() if status == "active"}
        taken = {
            (pool, member)
            for pool, member in PoolMembership.objects.filter(
                status=MembershipStatus.ACTIVE,
                pool_id__in={p for p, _m in wanted},
                person_id__in={m for _p, m in wanted},
            )
            .exclude(pk__in=touched)
            .values_list("pool_id", "person_id")
        }
        for item in items:
            if isinstance(item, RowPlan):
                pair, _stored, status = mine[item.row]
                if status == MembershipStatus.ACTIVE and pair in taken:
                    yield item.row, _t("身份证号"), _t("该人员已在此储备库中（在库），不能重复入库")
                    continue
            yield item

    def commit(self, ctx: Any, plans: list[RowPlan]) -> None:
        """Exits first, so a re-entry in the same sheet finds the pool free."""
        exiting = [p.payload[1].get("status") == MembershipStatus.EXITED for p in plans]
        ordered = [p for p, e in zip(plans, exiting, strict=True) if e]
        ordered += [p for p, e in zip(plans, exiting, strict=True) if not e]
        super().commit(ctx, ordered)


POOL_SHEET = register(
    PoolSheet(
        name="pool_members",
        title="储备人员",
        model=PoolMembership,
        filterset=PoolMembershipFilter,
        related=("pool", "person"),
        key=("pool_id", "person_id", "entered_on"),
        key_column="person_id",
        columns=[
            RecordColumn(
                "pool_id",
                "储备库",
                ("储备类别",),
                required=True,
                parse=named(Pool),
                width=18,
                attname="pool_id",
                export=lambda r, reveal: r.pool.name,
            ),
            *person_columns("person_id", ""),
            RecordColumn(
                "entered_on",
                "入库日期",
                ("入选日期",),
                required=True,
                parse=day,
                attname="entered_on",
            ),
            RecordColumn(
                "status",
                "状态",
                (),
                parse=choice(MembershipStatus, "状态"),
                choices=labels_of(MembershipStatus),
                help="留空为“在库”",
                attname="status",
            ),
            RecordColumn("exited_on", "出库日期", (), parse=day, attname="exited_on"),
            RecordColumn(
                "exit_reason", "出库原因", (), parse=text(200), width=24, attname="exit_reason"
            ),
        ],
        instructions=[
            "一行一条入库记录，以“储备库 + 身份证号 + 入库日期”识别：已有的按本表更新"
            "（空白单元格保留原值），没有的新增。",
            "人员须为人才库中的人员，填写身份证号（导出的脱敏号码须与姓名一同保留）。",
            "同一人员在同一储备库中只能有一条“在库”记录；出库须将状态写为“已出库”，"
            "并填写出库日期和出库原因。",
            "整张表全部正确才会导入。",
        ],
    )
)


VIEWS = [PoolMembershipViews()]
ROUTES: list[tuple[str, Any, str]] = [
    (
        "training/pool-members",
        record_viewset(
            PoolMembership,
            PoolMembershipFilter,
            ["pool", "person", "entered_on", "status", "exited_on", "exit_reason"],
            related=("pool", "person"),
            base=ruled(membership_problems),
        ),
        "training-pool-member",
    ),
]
