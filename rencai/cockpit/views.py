"""驾驶舱 (issue 13 §1): the figures of the viewer's jurisdiction for a period at a glance — KPI
tiles and charts declared by every domain (rencai/cockpit/tiles.py), each number and each chart
element a link to the list of its rows. It is the page "home" (/home/), where every business
role lands from `/`. The figures are cached per unit, period, day and change mark, as the
培训概况's are."""

from typing import Any

from django import forms
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.alerts import inbox as alerts
from rencai.audit.log import change_mark
from rencai.cockpit.panels import cockpit_figures
from rencai.figures import Period, Scope, happened, today
from rencai.orgs.choices import OrgKind
from rencai.orgs.fields import UnitChoiceField
from rencai.orgs.models import OrgUnit

PERIODS = [
    ("year", _("全年")),
    ("h1", _("上半年")),
    ("h2", _("下半年")),
    ("q1", _("第一季度")),
    ("q2", _("第二季度")),
    ("q3", _("第三季度")),
    ("q4", _("第四季度")),
    ("custom", _("自定义")),
]


class CockpitForm(forms.Form):
    """The scope (a unit of the viewer's jurisdiction, in tree order) and the period."""

    org = UnitChoiceField(label=_("统计范围"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=_("期间"), choices=PERIODS)
    start = forms.DateField(label=_("开始日期"), required=False)
    end = forms.DateField(label=_("结束日期"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.visible_to(user).active().exclude(kind=OrgKind.VILLAGER_GROUP)
        self.fields["org"].queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("自定义期间须填写开始日期和结束日期"))
            if end < start:
                self.add_error("end", _("结束日期早于开始日期"))
            elif start.year < 2000 or end.year > 2100:
                self.add_error("start", _("日期超出范围（2000–2100 年）"))
        return data

    def period_and_text(self) -> tuple[Period, str]:
        """The period chosen, and the same as `rencai.figures.parse_period` reads it (2026,
        2026H1, 2026Q3, 2026-01-01..2026-06-30) for the 统计报表 and 工作汇报 links."""
        data = self.cleaned_data
        year, chosen = data["year"], data["period"]
        if chosen in ("h1", "h2"):
            return Period.half(year, int(chosen[1])), f"{year}H{chosen[1]}"
        if chosen.startswith("q"):
            return Period.quarter(year, int(chosen[1])), f"{year}Q{chosen[1]}"
        if chosen == "custom":
            period = Period(data["start"], data["end"])
            return period, str(period)
        return Period.year(year), str(year)


FIGURES_TIMEOUT = 600  # seconds; the change mark invalidates sooner


def figures_of(scope: Scope, period: Period, mark: tuple[int, int] | None = None) -> dict[str, Any]:
    """The page's figures, computed once per unit, period, day and state of the records: cached
    under the audit log's change mark (every change to a record moves it) and today's date (the
    dated figures count to today). They depend on the unit, never on the viewer (the form has
    already checked the viewer may ask for the unit). `mark`: the change mark, when the
    request has just read it."""
    top, recent = mark or change_mark()
    key = f"cockpit:{scope.unit.pk}:{period}:{today()}:{top}:{recent}"
    found = cache.get(key)
    if found is None:
        found = cockpit_figures(scope, period)
        cache.set(key, found, FIGURES_TIMEOUT)
    return found


def _link(name: str, unit: OrgUnit, text: str) -> str | None:
    """The page `name` of another part of issue 13 for the unit and period, if it is installed."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?unit={unit.pk}&period={text}"


@allow(roles.reads_records)
def cockpit(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"org": user.org_id, "year": today().year, "period": "year"}
    form = CockpitForm({**initial, **request.GET.dict()}, user=user)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        scope = Scope.visible(user, form.cleaned_data["org"].pk)
        period, text = form.period_and_text()
        # one reading of the change mark for the page, the 预警 badge and the panel, which
        # share the figures just computed (alerts.prepare)
        request.change_mark = mark = change_mark()
        context.update(figures_of(scope, period, mark), unit=scope.unit, period=period)
        alerts.prepare(user, scope, mark)
        context.update(
            counted=happened(period),
            statements_url=_link("statements:download", scope.unit, text),
            report_url=_link("reports:new", scope.unit, text),
        )
    return render(request, "cockpit/cockpit.html", context)
