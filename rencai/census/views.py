from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.census import actions, figures
from rencai.census.choices import REPORTED, UnitStatus
from rencai.census.filters import DemandFilter
from rencai.census.forms import ResolveForm, ReviewForm, RoundForm
from rencai.census.models import CensusConflict, CensusRound, CensusUnit, Demand
from rencai.census.sheets import DEMAND_SHEET, ROSTER_SHEET
from rencai.imports.models import ImportJob
from rencai.imports.views import upload_url
from rencai.listing import filtered, page_of
from rencai.people.choices import PersonStatus
from rencai.records.versions import saved_checked


def _round(request: HttpRequest, pk: int) -> CensusRound:
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
            messages.success(request, _("已开启 %(r)s") % {"r": census})
            return redirect("census:round", pk=census.pk)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": _("开启人才资源普查"),
            "submit_label": _("开启普查"),
            "cancel_url": reverse("census:rounds"),
        },
    )


@allow(roles.reads_records)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    census = _round(request, pk)
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
    census = _round(request, pk)
    is_open = request.POST.get("is_open") == "1"
    actions.set_round_open(census, is_open=is_open, acting_user=request.user)
    messages.success(request, _("已重新开启") if is_open else _("已结束本轮普查"))
    return redirect("census:round", pk=census.pk)


def _unit(request: HttpRequest, pk: int, unit_pk: int) -> CensusUnit:
    return get_object_or_404(
        CensusUnit.objects.visible_to(request.user).select_related(
            "round", "org", "job", "submitted_by", "reviewed_by"
        ),
        pk=unit_pk,
        round_id=pk,
    )


def _unit_page(request: HttpRequest, unit: CensusUnit, review_form: ReviewForm | None = None):
    census = unit.round
    may_submit = actions.submits_census(request.user) and unit.submit_problem() is None
    jobs = ImportJob.objects.visible_to(request.user).filter(
        sheet=ROSTER_SHEET.name, options__census_unit=unit.pk
    )
    conflicts = (
        CensusConflict.objects.visible_to(request.user)
        .filter(Q(first_org=unit.org) | Q(second_org=unit.org), round=census)
        .select_related("person", "first_org", "second_org")
    )
    can_review = actions.runs_census(request.user) and unit.status == UnitStatus.SUBMITTED
    completeness = figures.completeness(unit.org)
    submit_url = upload_url(ROSTER_SHEET.name, {"census_round": census.pk, "census_unit": unit.pk})
    return render(
        request,
        "census/unit_detail.html",
        {
            "census": census,
            "unit": unit,
            "completeness": completeness,
            "fields": completeness.by_field(),
            "jobs": jobs.select_related("user")[:20],
            "conflicts": conflicts,
            "submit_url": submit_url if may_submit else None,
            "review_form": (review_form or ReviewForm(record=unit)) if can_review else None,
        },
    )


@allow(roles.reads_records)
def unit_detail(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    return _unit_page(request, _unit(request, pk, unit_pk))


@allow(actions.runs_census)
@require_POST
def unit_review(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    unit = _unit(request, pk, unit_pk)
    form = ReviewForm(request.POST, record=unit)
    if form.is_valid():
        data = form.cleaned_data
        try:
            reviewed = saved_checked(
                form,
                lambda: actions.review_unit(
                    unit, approve=data["approve"], reason=data["reason"], acting_user=request.user
                ),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if reviewed is None:  # submitted again since the page was opened
                return _unit_page(request, _unit(request, pk, unit_pk), form)
            status = unit.get_status_display()
            messages.success(request, _("%(u)s：%(s)s") % {"u": unit.org.name, "s": status})
            return redirect("census:unit", pk=pk, unit_pk=unit.pk)
    return _unit_page(request, unit, form)


@allow(roles.reads_records)
def conflict_list(request: HttpRequest, pk: int) -> HttpResponse:
    census = _round(request, pk)
    conflicts = (
        CensusConflict.objects.visible_to(request.user)
        .filter(round=census)
        .select_related(
            "person", "first_org", "second_org", "proposed_home_org", "proposed_work_org"
        )
    )
    return render(
        request,
        "census/conflict_list.html",
        {
            "census": census,
            "page": page_of(request, conflicts),
            "can_resolve": actions.runs_census(request.user),
        },
    )


@allow(actions.runs_census)
def conflict_resolve(request: HttpRequest, pk: int, conflict_pk: int) -> HttpResponse:
    conflict = get_object_or_404(
        CensusConflict.objects.visible_to(request.user).select_related(
            "round", "person", "first_org", "second_org", "proposed_home_org", "proposed_work_org"
        ),
        pk=conflict_pk,
        round_id=pk,
    )
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.resolve_conflict(
                conflict,
                resolution=form.cleaned_data["resolution"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已处理：%(c)s") % {"c": conflict})
            return redirect("census:conflicts", pk=pk)
    return render(request, "census/conflict_resolve.html", {"conflict": conflict, "form": form})


@allow(roles.reads_records)
def demand_list(request: HttpRequest, pk: int) -> HttpResponse:
    census = _round(request, pk)
    base = Demand.objects.visible_to(request.user).filter(round=census).select_related("org")
    filterset = DemandFilter(request.GET or None, queryset=base, request=request)
    demands = filtered(filterset)
    return render(
        request,
        "census/demand_list.html",
        {
            "census": census,
            "filter": filterset,
            "page": page_of(request, demands),
            "total": demands.aggregate(n=Sum("count"))["n"] or 0,
            "import_url": upload_url(DEMAND_SHEET.name, {"census_round": census.pk})
            if census.is_open and DEMAND_SHEET.may_import(request.user)
            else None,
        },
    )


def _cell_links(census: CensusRound, specialty: str, cell: figures.Cell) -> dict:
    """The lists behind a cell's numbers (their counts are the numbers)."""
    where = {"org": cell.org.pk} if cell.org is not None else {}
    people = {**where, "specialty": specialty, "status": PersonStatus.ACTIVE}
    demand = {**where, "specialty": specialty}
    return {
        "cell": cell,
        "people_url": f"{reverse('people:list')}?{urlencode(people)}",
        "demand_url": f"{reverse('census:demand', args=[census.pk])}?{urlencode(demand)}",
    }


@allow(roles.reads_records)
def supply_demand(request: HttpRequest, pk: int) -> HttpResponse:
    census = _round(request, pk)
    townships, rows = figures.supply_and_demand(census, request.user)
    return render(
        request,
        "census/supply_demand.html",
        {
            "census": census,
            "townships": townships,
            "colspan": 3 * len(townships) + 4,
            "rows": [
                {
                    "specialty": row.specialty,
                    "cells": [_cell_links(census, row.specialty, c) for c in row.cells],
                    "total": _cell_links(census, row.specialty, row.total),
                }
                for row in rows
            ],
        },
    )
