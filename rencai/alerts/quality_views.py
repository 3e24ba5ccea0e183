"""The 数据质量 pages: the score of each child unit of a chosen unit with its parts, and the
spine's list of a part's rows (for the parts without a list of their own)."""

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.alerts import quality
from rencai.figures import Scope
from rencai.listing import page_of
from rencai.orgs.choices import OrgKind
from rencai.orgs.fields import UnitChoiceField
from rencai.orgs.models import OrgUnit


class UnitForm(forms.Form):
    unit = UnitChoiceField(label=_("单位"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.visible_to(user).active().exclude(kind=OrgKind.VILLAGER_GROUP)
        self.fields["unit"].queryset = units


@allow(roles.reads_records)
def quality_page(request: HttpRequest) -> HttpResponse:
    """Per child unit of the chosen unit (default: the user's), its score and each part; the
    chosen unit's own line first."""
    form = UnitForm({"unit": request.GET.get("unit") or request.user.org_id}, user=request.user)
    context: dict[str, Any] = {"form": form, "parts": quality.parts()}
    if form.is_valid():
        scope = Scope(form.cleaned_data["unit"], request.user)
        context.update(unit=scope.unit, own=quality.score(scope), rows=quality.per_unit(scope))
    return render(request, "alerts/quality.html", context)


@allow(roles.reads_records)
def part_rows(request: HttpRequest) -> HttpResponse:
    """The rows of one part of one unit's score: the list its count is the count of."""
    found = quality.part(request.GET.get("part", ""))
    if found is None:
        raise Http404(_g("没有这一项数据质量指标"))
    try:
        scope = Scope.visible(request.user, request.GET.get("unit") or None)
    except (OrgUnit.DoesNotExist, ValueError):
        raise Http404(_g("单位不存在或不在您的管辖范围内")) from None
    if found.rows is None:
        return redirect(found.link(scope))
    rows = found.rows(scope)
    page = page_of(request, rows)
    lines = [
        (found.row_url(row) if found.row_url else "", [c.value(row) for c in found.columns])
        for row in page.object_list
    ]
    return render(
        request,
        "alerts/quality_rows.html",
        {
            "part": found,
            "unit": scope.unit,
            "count": quality.row_count(found, rows),
            "page": page,
            "lines": lines,
        },
    )
