"""The 培训 overview: the training figures of the viewer's jurisdiction for a period, each
number a link to the ledger rows that make it (the ledger list's count equals the number). Every
number is a registered figure (rencai/training/figures_registry.py) or a line of one of its
breakdowns, read through the figures layer with the request's Scope: the page states nothing
the API, `rencai figures` and the reports would not."""

from dataclasses import dataclass, replace
from typing import Any

from django import forms
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.audit.log import change_mark
from rencai.figures import CHILD_UNIT, Line, Period, Scope, figure, happened, today, value
from rencai.orgs.choices import TOWNSHIP_KINDS, VILLAGE_KINDS, OrgKind
from rencai.orgs.fields import UnitChoiceField
from rencai.orgs.models import OrgUnit
from rencai.training import figures

PERIODS = [("year", _("全年")), ("h1", _("上半年")), ("h2", _("下半年")), ("custom", _("自定义"))]


class OverviewForm(forms.Form):
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


@dataclass(frozen=True)
class CategoryRow:
    """A line of 按培训类别: 培训人次 and 培训人数 of one category, each with its list."""

    name: str
    attendances: Line
    trainees: Line


@dataclass(frozen=True)
class UnitRow:
    """A line of 按下级单位: a child unit's 人次, 人数 and target progress, each with its list."""

    unit: OrgUnit
    attendances: Line
    trainees: Line
    progress: figures.Progress
    achieved_url: str | None

    @property
    def listed(self) -> bool:
        """A township, street, village or community always has its line (a zero is news
        there); a department, school or enterprise only when it has 人次 or a target."""
        divisions = (*TOWNSHIP_KINDS, *VILLAGE_KINDS)
        return self.unit.kind in divisions or bool(
            self.attendances.value or self.progress.achieved or self.progress.target
        )


def _shown(key: str, scope: Scope, period: Period) -> tuple[Any, str | None]:
    """(number, drill-down URL) of a registered figure."""
    f = figure(key)
    return f.compute(scope, period), f.url(scope, period)


def _lines(key: str, breakdown: str, scope: Scope, period: Period) -> dict[Any, Line]:
    """The lines of a registered figure's breakdown, by what each line is."""
    return {line.key: line for line in figure(key).lines(breakdown, scope, period)}


def _own_progress(scope: Scope, period: Period) -> figures.Progress:
    """The scope unit's target progress from the registered 年度培训目标 and 年度累计培训人次
    (its 完成率 and 时间进度 are then those of training.target_progress and .time_progress)."""
    year, until = figures.progress_until(period)
    days, last = figures.progress_days(year, until)
    target = value("training.target", scope, period)
    achieved = value("training.achieved", scope, period)
    return figures.Progress(scope.unit, year, target, achieved, last, days is not None)


def _training(scope: Scope, period: Period) -> dict:
    """人次, 人数, organised, categories, children and targets: the ledger's registered figures
    (one pass over the ledger for all of them: `ledger_figures.summary_of`)."""
    own = _own_progress(scope, period)
    trainees = _lines("training.trainees", "category", scope, period)
    per_child = {
        key: _lines(key, CHILD_UNIT, scope, period)
        for key in ("training.attendance", "training.trainees", "training.target")
    }
    achieved = _lines("training.achieved", CHILD_UNIT, scope, period)
    rows = [
        UnitRow(
            unit,
            per_child["training.attendance"][unit.pk],
            per_child["training.trainees"][unit.pk],
            replace(
                own,
                unit=unit,
                target=per_child["training.target"][unit.pk].value,
                achieved=achieved[unit.pk].value,
            ),
            achieved[unit.pk].url,
        )
        for unit in scope.children
    ]
    return {
        "total": _shown("training.attendance", scope, period),
        "people": _shown("training.trainees", scope, period),
        "organised": _shown("training.organised", scope, period),
        "by_category": [
            CategoryRow(line.label, line, trainees[key])
            for key, line in _lines("training.attendance", "category", scope, period).items()
        ],
        "own_progress": (own, figure("training.achieved").url(scope, period)),
        "by_unit": [row for row in rows if row.listed],
        "mismatches": figures.decomposition_mismatches(scope.unit, own.year),
    }


def _results(scope: Scope, period: Period) -> dict:
    """What the training led to: outcomes, entities, mentorships, art teams and performances,
    each a registered figure (by kind where the page splits it)."""
    jobs = _lines("training.jobs_driven", "kind", scope, period)
    entities, entities_url = _shown("training.entities", scope, period)
    performances, performances_url = _shown("training.performances", scope, period)
    return {
        "outcomes": list(_lines("training.outcomes", "kind", scope, period).values()),
        "entities": [
            (line, jobs[kind])
            for kind, line in _lines("training.entities", "kind", scope, period).items()
        ],
        "entity_total": (entities, value("training.jobs_driven", scope, period), entities_url),
        "mentorships": _shown("training.mentorships", scope, period),
        "teams": _shown("training.art_teams", scope, period),
        "performances": (
            performances,
            value("training.audience", scope, period),
            performances_url,
        ),
    }


MEASURED = ("outcomes", "entities", "jobs_driven", "mentorships", "art_teams", "performances")


def measures() -> dict[str, str]:
    """The unit of measure of the page's results figures, as the registry declares them."""
    return {key: str(figure(f"training.{key}").measure) for key in MEASURED}


FIGURES_TIMEOUT = 600  # seconds; the change mark invalidates sooner


def _figures(scope: Scope, period: Period) -> dict:
    """The page's figures, computed once per unit, period, day and state of the records: cached
    under the audit log's change mark, which every change to a record moves (an import, an
    enrolment, a person moving village, a target), and today's date (the figures count to
    today). They depend on the unit, never on the viewer (the form has already checked the
    viewer may ask for the unit)."""
    top, recent = change_mark()
    unit = scope.unit
    key = f"training-overview:{unit.pk}:{period}:{today()}:{top}:{recent}"
    found = cache.get(key)
    if found is None:
        found = {**_training(scope, period), **_results(scope, period)}
        cache.set(key, found, FIGURES_TIMEOUT)
    return found


@allow(roles.reads_records)
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"org": user.org_id, "year": today().year, "period": "year"}
    form = OverviewForm({**initial, **request.GET.dict()}, user=user)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        scope, period = Scope(form.cleaned_data["org"], user), form.period_of()
        found = _figures(scope, period)
        context.update(found, unit=scope.unit, period=period, until=found["own_progress"][0].until)
        context.update(counted=happened(period), measures=measures())
    return render(request, "training/overview.html", context)
