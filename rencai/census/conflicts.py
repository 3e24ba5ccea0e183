"""普查冲突 (CensusConflict, a person two units both claim in a round) through the web: the
round's list of conflicts and the county settling one (its form, and the page that applies it
through `actions.resolve_conflict`). Conflicts are recorded by the 普查名册 (units.py)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.census import actions
from rencai.census.choices import Resolution
from rencai.census.models import CensusConflict
from rencai.census.rounds import visible_round
from rencai.listing import page_of


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("处理方式"), choices=[("", _("请选择")), *Resolution.choices]
    )
    reason = forms.CharField(
        label=_("处理理由"),
        max_length=200,
        error_messages={"required": _("请填写处理理由")},
    )


@allow(roles.reads_records)
def conflict_list(request: HttpRequest, pk: int) -> HttpResponse:
    census = visible_round(request, pk)
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
            messages.success(request, gettext("已处理：%(c)s") % {"c": conflict})
            return redirect("census:conflicts", pk=pk)
    return render(request, "census/conflict_resolve.html", {"conflict": conflict, "form": form})
