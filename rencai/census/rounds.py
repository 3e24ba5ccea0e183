"""普查轮次 (CensusRound) through the web and the import engine: its form (the year, the deadline
and the units that must report), its pages (list, open a round, the round's 报送情况, closing and
reopening it) and the sheet option naming a round (`--round`, or ?census_round= from its pages),
which the 普查名册 (units.py) and the 人才需求表 (demands.py) both take."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.census import actions, figures
from rencai.census.choices import REPORTED
from rencai.census.models import CensusConflict, CensusRound, CensusUnit, Demand
from rencai.imports.options import IMPORT, OptionError, SheetOption
from rencai.orgs.choices import TOWNSHIP_KINDS, OrgKind
from rencai.orgs.models import OrgUnit

# Units that may report in a census: townships and streets (checked by default) and departments
# (sorted township, street, department by the kind's value).
REPORTING_KINDS = (*TOWNSHIP_KINDS, OrgKind.DEPARTMENT)

# --- form ---------------------------------------------------------------------------------------


class RoundForm(forms.Form):
    wide_fields = ("units",)

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    deadline = forms.DateField(
        label=_("报送截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    units = forms.ModelMultipleChoiceField(
        label=_("报送单位"),
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("默认为全部乡镇、街道；县直部门按需勾选"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = OrgUnit.objects.visible_to(user).active().filter(kind__in=REPORTING_KINDS)
        self.fields["units"].queryset = units.order_by("-kind", "division_code", "name")
        self.fields["units"].label_from_instance = lambda o: o.name
        self.initial.setdefault("year", timezone.localdate().year)
        self.initial.setdefault("units", [u.pk for u in units if u.kind in TOWNSHIP_KINDS])

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if CensusRound.objects.filter(org=self.user.org, year=year).exists():
            raise forms.ValidationError(
                gettext("%(year)s 年的人才资源普查已经开启") % {"year": year}
            )
        return year


# --- pages -------------------------------------------------------------------------------------


def visible_round(request: HttpRequest, pk: int) -> CensusRound:
    """The round `pk` if the user sees it, else 404: every page under a round starts here."""
    return get_object_or_404(CensusRound.objects.visible_to(request.user), pk=pk)


@allow(roles.reads_records)
def round_list(request: HttpRequest) -> HttpResponse:
    mine = Q(units__org__path__startswith=request.user.org.path)
    rounds = (
        CensusRound.objects.visible_to(request.user)
        .select_related("org")
        .annotate(
            whole=Count("units", filter=mine),
            part=Count("units", filter=mine & Q(units__status__in=REPORTED)),
        )
    )
    return render(
        request,
        "census/round_list.html",
        {
            "rounds": [(r, figures.Rate(r.part, r.whole)) for r in rounds],
            "can_open": actions.runs_census(request.user),
        },
    )


@allow(actions.runs_census)
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            census = actions.open_round(
                org=request.user.org,
                year=form.cleaned_data["year"],
                deadline=form.cleaned_data["deadline"],
                units=list(form.cleaned_data["units"]),
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("已开启 %(r)s") % {"r": census})
            return redirect("census:round", pk=census.pk)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": gettext("开启人才资源普查"),
            "submit_label": gettext("开启普查"),
            "cancel_url": reverse("census:rounds"),
        },
    )


@allow(roles.reads_records)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    census = visible_round(request, pk)
    units = figures.round_units(census, request.user)
    conflicts = CensusConflict.objects.visible_to(request.user).filter(round=census)
    return render(
        request,
        "census/round_detail.html",
        {
            "census": census,
            "rows": [(unit, figures.completeness(unit.org).rate) for unit in units],
            "rate": figures.reporting_rate(
                CensusUnit.objects.visible_to(request.user).filter(round=census)
            ),
            "open_conflicts": conflicts.open().count(),
            "demand_total": Demand.objects.visible_to(request.user)
            .filter(round=census)
            .aggregate(n=Sum("count"))["n"]
            or 0,
            "can_run": actions.runs_census(request.user),
        },
    )


@allow(actions.runs_census)
@require_POST
def round_state(request: HttpRequest, pk: int) -> HttpResponse:
    census = visible_round(request, pk)
    is_open = request.POST.get("is_open") == "1"
    actions.set_round_open(census, is_open=is_open, acting_user=request.user)
    messages.success(request, gettext("已重新开启") if is_open else gettext("已结束本轮普查"))
    return redirect("census:round", pk=census.pk)


# --- the sheet option naming a round ------------------------------------------------------------


def option_id(params: Any, key: str) -> int:
    """The id a census page passed to the upload page as ?<key>=, or 404."""
    value = str(params.get(key) or "")
    if not value.isdigit():
        raise Http404
    return int(value)


def _round_option(user: Any, text: str, resolved: dict[str, Any]) -> dict[str, Any]:
    """`--round 3` or `--round 2025`: a census round the user sees, by id or year, passed as the
    census pages pass ?census_round= to the upload page."""
    rounds = CensusRound.objects.visible_to(user)
    text = text.strip()
    found = list(rounds.filter(pk=int(text))) if text.isdigit() else []
    if not found and text.isdigit():
        found = list(rounds.filter(year=int(text)).select_related("org")[:10])
    if not found:
        raise OptionError(
            gettext("找不到普查轮次“%(t)s”（填编号或年度），或不在您的管辖范围内") % {"t": text}
        )
    if len(found) > 1:
        raise OptionError(
            gettext("%(t)s 年有多轮普查，请改用编号：%(ids)s")
            % {"t": text, "ids": "、".join(f"{r.pk}（{r.org.name}）" for r in found)}
        )
    return {"census_round": found[0].pk}


ROUND_OPTION = SheetOption(
    "round",
    _("普查轮次的编号或年度（必填）"),
    _round_option,
    commands=(IMPORT,),
    required_for=(IMPORT,),
    metavar="轮次",
)
