"""The 统计报表 pages: the picker (填报单位 and 统计期间) and the workbook's download, for the
units of the user's jurisdiction; each download is an audited export."""

import io
from typing import Any

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.figures import Period, Scope, parse_period, today
from rencai.orgs.fields import UnitChoiceField
from rencai.orgs.models import OrgUnit
from rencai.statements import tables, workbook

NOT_FOUND = "No OrgUnit matches the given query."  # Django's words: the error page reads them
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StatementsForm(forms.Form):
    unit = UnitChoiceField(label=_("填报单位"), queryset=OrgUnit.objects.none(), empty_label=None)
    period = forms.CharField(
        label=_("统计期间"),
        max_length=40,
        help_text=_("如 2026（全年）、2026H1（上半年）、2026Q3、2026-03 或 2026-01-01..2026-06-30"),
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(user).active()

    def clean_period(self) -> Period:
        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


@allow(roles.reads_records)
def index(request: HttpRequest) -> HttpResponse:
    """The picker, and the list of the tables the workbook holds."""
    initial = {"unit": request.user.org_id, "period": str(today().year)}
    form = StatementsForm(request.user, initial=initial)
    return render(
        request,
        "statements/index.html",
        {"form": form, "tables": tables.tables(), "title": _("统计报表")},
    )


@allow(roles.reads_records)
def download(request: HttpRequest) -> HttpResponse:
    """GET ?unit=<id>&period=<text>: the workbook; a unit outside the jurisdiction is not found,
    a period it cannot read is said on the picker's page (status 400)."""
    unit_id = request.GET.get("unit", "") or request.user.org_id
    if not str(unit_id).isdigit():
        raise Http404(NOT_FOUND)
    # not found, as a unit that does not exist (errors.page_not_found names the kind)
    unit = get_object_or_404(OrgUnit.objects.visible_to(request.user), pk=unit_id)
    scope = Scope(unit, request.user)
    data = {"unit": scope.unit.pk, "period": request.GET.get("period", "")}
    form = StatementsForm(request.user, data)
    if not form.is_valid():
        context = {"form": form, "tables": tables.tables(), "title": _("统计报表")}
        return render(request, "statements/index.html", context, status=400)
    period = form.cleaned_data["period"]
    out = io.BytesIO()
    workbook.export(scope, period, out)
    out.seek(0)
    name = f"统计报表-{scope.unit.name}-{request.GET['period'].strip()}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)
