"""The 培训 overview: the training figures of the viewer's jurisdiction for a period, each
number a link to the ledger rows that make it (the ledger list's count equals the number)."""

import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.orgs.choices import OrgKind
from rencai.orgs.models import OrgUnit
from rencai.training import figures
from rencai.training.models import TrainingCategory

PERIODS = [("year", _("全年")), ("h1", _("上半年")), ("h2", _("下半年")), ("custom", _("自定义"))]


class OverviewForm(forms.Form):
    org = forms.ModelChoiceField(label=_("统计范围"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=_("期间"), choices=PERIODS)
    start = forms.DateField(label=_("开始日期"), required=False)
    end = forms.DateField(label=_("结束日期"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.visible_to(user).active().exclude(kind=OrgKind.VILLAGER_GROUP)
        self.fields["org"].queryset = units
        self.fields["org"].label_from_instance = lambda unit: unit.name_path

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("自定义期间须填写开始日期和结束日期"))
            if end < start:
                self.add_error("end", _("结束日期早于开始日期"))
        return data

    def period_of(self) -> figures.Period:
        data = self.cleaned_data
        year = data["year"]
        if data["period"] == "h1":
            return figures.Period.half(year, 1)
        if data["period"] == "h2":
            return figures.Period.half(year, 2)
        if data["period"] == "custom":
            return figures.Period(data["start"], data["end"])
        return figures.Period.year(year)


def _ledger(unit: OrgUnit, period: figures.Period, **extra: Any) -> str:
    params = {"scope": unit.pk, "start": period.start.isoformat(), "end": period.end.isoformat()}
    params.update({k: v for k, v in extra.items() if v is not None})
    return reverse("training:attendances") + "?" + urlencode(params)


@allow(roles.reads_records)
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    initial = {"org": user.org_id, "year": today.year, "period": "year"}
    form = OverviewForm({**initial, **request.GET.dict()}, user=user)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        unit, period = form.cleaned_data["org"], form.period_of()
        year = form.cleaned_data["year"]
        until = min(period.end, max(today, datetime.date(year, 1, 1)))
        categories = {c.name: c.pk for c in TrainingCategory.objects.all()}
        children = list(
            OrgUnit.objects.filter(parent=unit)
            .active()
            .exclude(kind=OrgKind.VILLAGER_GROUP)
            .order_by("path")
        )
        own = figures.progress(unit, year, until=until)
        context.update(
            unit=unit,
            period=period,
            until=until,
            total=(figures.attendances(unit, period), _ledger(unit, period)),
            organised=(
                figures.organised_attendances(unit, period),
                _ledger(unit, period, organised=1),
            ),
            by_category=[
                (name, n, _ledger(unit, period, category=categories.get(name)))
                for name, n in figures.attendances_by_category(unit, period).items()
            ],
            own_progress=(own, _ledger(unit, figures.Period(datetime.date(year, 1, 1), until))),
            by_unit=[
                (
                    child,
                    figures.attendances(child, period),
                    _ledger(child, period),
                    figures.progress(child, year, until=until),
                    _ledger(child, figures.Period(datetime.date(year, 1, 1), until)),
                )
                for child in children
            ],
            mismatches=figures.decomposition_mismatches(unit, year),
        )
    return render(request, "training/overview.html", context)
