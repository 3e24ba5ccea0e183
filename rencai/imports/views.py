from pathlib import Path
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.imports import jobs
from rencai.imports.masking import masker_for, scrub
from rencai.imports.models import ImportJob, JobStatus
from rencai.imports.sheets import get_sheet
from rencai.imports.workbooks import write_template
from rencai.listing import page_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    wide_fields = ("file",)
    file = forms.FileField(
        label=gettext_lazy("选择文件"),
        help_text=gettext_lazy("支持 .xlsx、.xls、.ods、.csv；先检查，确认后才写入"),
    )


def _sheet_or_404(name: str):
    try:
        return get_sheet(name)
    except KeyError:
        raise Http404 from None


def upload_url(sheet_name: str, options: dict) -> str:
    """A sheet's upload page, with the options (a census round…) its jobs carry; other apps link
    to it with this."""
    url = reverse("imports:upload", args=[sheet_name])
    return f"{url}?{urlencode(options)}" if options else url


@allow(roles.edits_records)
def upload(request: HttpRequest, sheet_name: str) -> HttpResponse:
    sheet = _sheet_or_404(sheet_name)
    if not sheet.may_import(request.user):
        raise PermissionDenied
    options = sheet.upload_options(request.user, request.GET)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        job = jobs.create_job(sheet.name, request.user, upload_file, upload_file.name, options)
        jobs.launch(job, "validate")
        return redirect("imports:job", pk=job.pk)
    history = ImportJob.objects.visible_to(request.user).filter(
        sheet=sheet.name, **{f"options__{key}": value for key, value in options.items()}
    )
    return render(
        request,
        "imports/upload.html",
        {
            "sheet": sheet,
            "form": form,
            "options_label": sheet.options_label(options),
            "upload_url": upload_url(sheet.name, options),
            "page": page_of(request, history.select_related("user"), size=20),
        },
    )


@allow(roles.reads_records)
def template(request: HttpRequest, sheet_name: str) -> HttpResponse:
    import io

    sheet = _sheet_or_404(sheet_name)
    out = io.BytesIO()
    write_template(sheet, out)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=f"{sheet.title}模板.xlsx", content_type=XLSX
    )


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.visible_to(request.user).select_related("user"), pk=pk
    )


@allow(roles.reads_records)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    jobs.dispatch()  # fail jobs whose worker died; start queued ones if a worker is free
    job = _job(request, pk)
    template_name = (
        "imports/_job_status.html" if request.headers.get("HX-Request") else ("imports/job.html")
    )
    return render(
        request,
        template_name,
        {
            "job": job,
            "sheet": get_sheet(job.sheet),
            # The commit is one transaction: its progress cannot be seen from outside it.
            "percent": (
                min(100, round(100 * job.done / job.total))
                if job.total and job.stage != "commit"
                else None
            ),
            "can_confirm": job.user_id == request.user.pk and job.status == "valid",
            "is_uploader": job.user_id == request.user.pk,
            "problems": _as_seen(request, job, job.problems),
            "warnings": _as_seen(request, job, job.counts.get("warnings", [])),
            "preview": _preview(request, job),
            "options_label": get_sheet(job.sheet).options_label(job.options),
            "upload_url": upload_url(job.sheet, job.options),
        },
    )


def _preview(request: HttpRequest, job: ImportJob) -> list[dict]:
    """The rows the import will add or change, ID numbers and phones masked (by the column) for
    whoever may not reveal them, like everywhere else."""
    rows = jobs.preview(job) if job.status == JobStatus.VALID else []
    if roles.may_reveal(request.user):
        return rows
    masked = []
    for row in rows:
        fields = []
        for label, old, new in row["fields"]:
            mask = masker_for(label)
            fields.append([label, mask(old) if old else old, mask(new) if new else new])
        masked.append({**row, "fields": fields})
    return masked


def _as_seen(request: HttpRequest, job: ImportJob, lines: list[str]) -> list[str]:
    """A job's problem or warning lines, masked for anyone but those who see the upload."""
    return lines if _sees_as_typed(request, job) else [scrub(line) for line in lines]


@allow(roles.edits_records)
@require_POST
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.user_id != request.user.pk or not jobs.request_commit(job):
        messages.error(request, _("该导入不能确认（可能已确认、已取消或有错误）"))
    return redirect("imports:job", pk=job.pk)


@allow(roles.edits_records)
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.user_id == request.user.pk and jobs.cancel(job):
        messages.info(request, _("已取消，未写入任何数据"))
    else:
        messages.error(request, _("该导入不能取消（可能正在检查或写入，或已结束）"))
    return redirect(upload_url(job.sheet, job.options))


@allow(roles.edits_records)
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Check a failed job's stored upload again (the uploader's own job only)."""
    job = _job(request, pk)
    if job.user_id != request.user.pk or not jobs.retry(job, request.user):
        messages.error(
            request, _("该导入不能重试（只有上传人可重试导入失败的记录，且上传的文件须仍在）")
        )
    return redirect("imports:job", pk=job.pk)


def _sees_as_typed(request: HttpRequest, job: ImportJob) -> bool:
    """The uploader sees their own rejected rows as typed (they must fix them); others see ID
    numbers and phones masked, like an export, unless they may reveal."""
    return job.user_id == request.user.pk or roles.may_reveal(request.user)


@allow(roles.reads_records)
def job_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The 错误明细表, masked unless `_sees_as_typed`; every download is an audited export."""
    job = _job(request, pk)
    if not job.error_file or not Path(job.error_file).exists():
        raise Http404
    path = Path(job.error_file)
    masked = not _sees_as_typed(request, job)
    if masked:
        path = jobs.masked_errors(job)
    with acting_as(request.user):
        record_event(
            AuditAction.EXPORT,
            detail={
                "sheet": job.sheet,
                "error_workbook": job.pk,
                "file": job.file_name,
                "rows": job.counts.get("rejected", 0),
                "masked": masked,
            },
        )
    name = f"{Path(job.file_name).stem}-错误明细.xlsx"
    return FileResponse(
        open(path, "rb"),
        as_attachment=True,
        filename=name,
        content_type=XLSX,
    )
