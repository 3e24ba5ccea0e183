"""The report pages: the reports of the user's jurisdiction, a new draft (unit and period, an
HTML preview, then 生成并保存), a saved report (its text, the Word file, the PDF preview, and
the figures that have changed since it was generated, with 重新生成). Roles that read records
only (三员 403); a report or a unit outside the jurisdiction answers 404."""

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.figures import Period, Scope, parse_period, today
from rencai.listing import page_of
from rencai.orgs.fields import UnitChoiceField
from rencai.orgs.models import OrgUnit
from rencai.reports import gbt9704, pdf
from rencai.reports.changes import changed_figures
from rencai.reports.draft import Draft, draft
from rencai.reports.models import Report

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReportForm(forms.Form):
    unit = UnitChoiceField(label=_l("单位"), queryset=OrgUnit.objects.none(), empty_label=None)
    period = forms.CharField(
        label=_l("期间"),
        max_length=40,
        help_text=_l("2026、2026H1（上半年）、2026H2、2026Q3、2026-03 或 2026-01-01..2026-06-30"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(user)

    def clean_period(self) -> Period:
        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


def _form(request: HttpRequest, data: Any) -> ReportForm:
    initial = {"unit": request.user.org_id, "period": f"{today().year}"}
    return ReportForm({**initial, **data.dict()}, user=request.user)


@allow(roles.reads_records)
def report_list(request: HttpRequest) -> HttpResponse:
    rows = Report.objects.visible_to(request.user).select_related("unit", "created_by")
    page = page_of(request, rows.defer("docx", "blocks", "figures"))
    return render(request, "reports/list.html", {"page": page})


def _save(request: HttpRequest, written: Draft) -> Report:
    with transaction.atomic():
        return Report.objects.create(
            unit=written.unit,
            period_start=written.period.start,
            period_end=written.period.end,
            title=written.title,
            created_by=request.user,
            docx=gbt9704.write(written),
            blocks=[vars(b) for b in written.blocks],
            figures=written.snapshot(),
        )


@allow(roles.reads_records)
def new(request: HttpRequest) -> HttpResponse:
    """GET: the form and the draft's preview; POST: generate and save it."""
    form = _form(request, request.POST if request.method == "POST" else request.GET)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        scope = Scope(form.cleaned_data["unit"], request.user)
        written = draft(scope, form.cleaned_data["period"])
        if request.method == "POST":
            report = _save(request, written)
            messages.success(request, _("已生成并保存：%(t)s") % {"t": report.title})
            return redirect("reports:detail", report.pk)
        context.update(draft=written, blocks=written.blocks, period_text=form.data["period"])
    return render(request, "reports/new.html", context)


def _report(request: HttpRequest, pk: int) -> Report:
    return get_object_or_404(Report.objects.visible_to(request.user).select_related("unit"), pk=pk)


@allow(roles.reads_records)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    context = {
        "report": report,
        "blocks": report.blocks,
        "changes": changed_figures(report, request.user),
        "pdf_available": pdf.available(),
        "period_text": f"{report.period_start.isoformat()}..{report.period_end.isoformat()}",
    }
    return render(request, "reports/detail.html", context)


@allow(roles.reads_records)
@require_POST
def regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new Report of the same unit and period, from the records as they are now."""
    old = _report(request, pk)
    written = draft(Scope(old.unit, request.user), Period(old.period_start, old.period_end))
    report = _save(request, written)
    messages.success(request, _("已重新生成：%(t)s") % {"t": report.title})
    return redirect("reports:detail", report.pk)


def _file_name(report: Report, suffix: str) -> str:
    return f"{report.title}{suffix}"


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(bytes(data), content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@allow(roles.reads_records)
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The Word file as rencai generated it (audited)."""
    report = _report(request, pk)
    record_event(AuditAction.EXPORT, obj=report, detail={"format": "docx", "title": report.title})
    return _attachment(report.docx, DOCX, _file_name(report, ".docx"))


@allow(roles.reads_records)
def pdf_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF preview through LibreOffice (audited); without it, a Chinese message."""
    report = _report(request, pk)
    try:
        data = pdf.to_pdf(bytes(report.docx))
    except pdf.PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("reports:detail", report.pk)
    record_event(AuditAction.EXPORT, obj=report, detail={"format": "pdf", "title": report.title})
    return _attachment(data, "application/pdf", _file_name(report, ".pdf"))
