"""The 培训 overview: the training figures of the viewer's jurisdiction for a period, each
number a link to the ledger rows that make it (the ledger list's count equals the number)."""

import datetime
from typing import Any

from django import forms
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.audit.log import change_mark
from rencai.figures import Scope, list_url, registry
from rencai.orgs.choices import TOWNSHIP_KINDS, VILLAGE_KINDS, OrgKind
from rencai.orgs.models import OrgUnit
from rencai.training import figures, ledger_figures
from rencai.training.choices import EntityKind, OutcomeKind

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


_link = list_url  # a list page filtered to exactly the rows of a figure


def _ledger(unit: OrgUnit, period: figures.Period, **extra: Any) -> str:
    return _link("training:attendances", unit, period, **extra)


def _children(unit: OrgUnit) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(parent=unit)
        .active()
        .exclude(kind=OrgKind.VILLAGER_GROUP)
        .order_by("path")
    )


def _listed(line: ledger_figures.UnitLine) -> bool:
    """A township, street, village or community always has its line (a zero is news there);
    a department, school or enterprise only when it has 人次 or a target."""
    divisions = (*TOWNSHIP_KINDS, *VILLAGE_KINDS)
    return line.unit.kind in divisions or bool(
        line.attendances or line.progress.achieved or line.progress.target
    )


def _training(unit: OrgUnit, period: figures.Period, year: int, until: datetime.date) -> dict:
    """人次, 人数, organised, categories, children and targets: the ledger's figures."""
    year_to_date = figures.Period(datetime.date(year, 1, 1), until)
    summary = ledger_figures.ledger_summary(unit, _children(unit), period, year, until)
    own = figures.Progress(unit, year, figures.target_of(unit, year), summary.achieved, until)
    if OrgUnit.objects.is_sole_root(unit):  # every organiser is in the scope: the same rows
        organised = summary.attendances
    else:
        organised = figures.organised_attendances(unit, period)
    return {
        "total": (summary.attendances, _ledger(unit, period)),
        "people": (summary.trainees, _ledger(unit, period, per_person=1)),
        "organised": (organised, _ledger(unit, period, organised=1)),
        "by_category": [
            (
                line,
                _ledger(unit, period, category=line.category_id),
                _ledger(unit, period, category=line.category_id, per_person=1),
            )
            for line in summary.categories
        ],
        "own_progress": (own, _ledger(unit, year_to_date)),
        "by_unit": [
            (
                line,
                _ledger(line.unit, period),
                _ledger(line.unit, period, per_person=1),
                _ledger(line.unit, year_to_date),
            )
            for line in summary.lines
            if _listed(line)
        ],
        "mismatches": figures.decomposition_mismatches(unit, year),
    }


def _results(unit: OrgUnit, period: figures.Period) -> dict:
    """What the training led to: outcomes, entities, mentorships, art teams and performances."""
    outcome_labels = dict(OutcomeKind.choices)
    entity_labels = dict(EntityKind.choices)
    entities = figures.entities_by_kind(unit, period)
    scope = Scope(unit)

    def registered(key: str) -> tuple:  # (number, drill-down URL) from the figures layer
        figure = registry()[key]
        return figure.compute(scope, period), figure.url(scope, period)

    performances, performances_url = registered("training.performances")
    return {
        "outcomes": [
            (outcome_labels[kind], n, _link("training:outcomes", unit, period, kind=kind))
            for kind, n in figures.outcomes_by_kind(unit, period).items()
        ],
        "entities": [
            (entity_labels[kind], n, jobs, _link("training:entities", unit, period, kind=kind))
            for kind, (n, jobs) in entities.items()
        ],
        "entity_total": (
            sum(n for n, _jobs in entities.values()),
            sum(jobs for _n, jobs in entities.values()),
            _link("training:entities", unit, period),
        ),
        "mentorships": registered("training.mentorships"),
        "teams": registered("training.art_teams"),
        "performances": (
            performances,
            registry()["training.audience"].compute(scope, period),
            performances_url,
        ),
    }


FIGURES_TIMEOUT = 600  # seconds; the change mark invalidates sooner


def _figures(unit: OrgUnit, period: figures.Period, year: int, until: datetime.date) -> dict:
    """The page's figures, computed once per unit, period and state of the records: cached under
    the audit log's change mark, which every change to a record moves (an import, an enrolment,
    a person moving village, a target). They depend on the unit, never on the viewer (the form
    has already checked the viewer may ask for the unit)."""
    top, recent = change_mark()
    key = f"training-overview:{unit.pk}:{period.start}:{period.end}:{year}:{until}:{top}:{recent}"
    found = cache.get(key)
    if found is None:
        found = {**_training(unit, period, year, until), **_results(unit, period)}
        cache.set(key, found, FIGURES_TIMEOUT)
    return found


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
        context.update(unit=unit, period=period, until=until)
        context.update(_figures(unit, period, year, until))
    return render(request, "training/overview.html", context)
