"""整改事项: the rectification items of every 督导检查 in the user's jurisdiction, as one list — the
drill-down of 逾期未整改事项 (`training.rectifications_overdue`): with a scope unit and a period it
shows exactly the items that figure counts (共 N 个). Items are added, edited and closed on their
inspection's page (inspections.py); this list only reads."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.listing import filtered, page_of
from rencai.orgs.models import OrgUnit
from rencai.training import figures
from rencai.training.filters import FigureFilterSet, UnitFilter
from rencai.training.inspections import today
from rencai.training.models import RectificationItem

STATE_CHOICES = [
    ("open", _("未完成")),
    ("overdue", _("已逾期未完成（截至今天）")),
    ("done", _("已完成")),
]


class RectificationFilter(FigureFilterSet):
    """整改事项 filters. With a scope unit and a period, the rows are those 逾期未整改事项 counts
    (`figures.overdue_rows`): past due and not done on the period's last day (or today)."""

    org = UnitFilter(label=_("被检查单位"), field_name="inspection__org")
    state = django_filters.ChoiceFilter(
        label=_("整改状态"), choices=STATE_CHOICES, method="filter_state", empty_label=_("全部")
    )

    class Meta(FigureFilterSet.Meta):
        model = RectificationItem
        fields: list[str] = []

    def filter_state(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "open":
            return qs.filter(done_on__isnull=True)
        if value == "overdue":
            return qs.filter(done_on__isnull=True, due_on__lt=today())
        if value == "done":
            return qs.filter(done_on__isnull=False)
        return qs

    def figure_rows(self, unit: OrgUnit, period: figures.Period) -> QuerySet:
        return figures.overdue_rows(unit, period)


@allow(roles.reads_records)
def rectification_list(request: HttpRequest) -> HttpResponse:
    base = RectificationItem.objects.visible_to(request.user)
    filterset = RectificationFilter(request.GET or None, queryset=base, request=request)
    rows = (
        filtered(filterset)
        .select_related("inspection__org", "inspection__base")
        .order_by("due_on", "id")
    )
    page = page_of(request, rows)
    day = today()
    items: list[Any] = list(page.object_list)
    return render(
        request,
        "training/rectifications_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": [(item, item.overdue_on(day)) for item in items],
        },
    )


urlpatterns = [path("rectifications/", rectification_list, name="rectifications")]
