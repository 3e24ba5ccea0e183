"""育 through the web: 培训班次 (list, detail, create, edit, delete), enrolling trainees one by one,
and the 培训台账 (one row per 人次, filterable down to exactly the rows a figure counts)."""

import tempfile
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.listing import filtered, page_of
from rencai.people.models import Person
from rencai.records.versions import saved_checked
from rencai.records.views import export_response, posted
from rencai.training.filters import AttendanceFilter, ProgramFilter
from rencai.training.forms import EnrolForm, ProgramForm
from rencai.training.ledger import write_ledger
from rencai.training.models import Attendance, TrainingProgram

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- 培训班次 -------------------------------------------------------------------------------------


@allow(roles.reads_records)
def program_list(request: HttpRequest) -> HttpResponse:
    base = TrainingProgram.objects.visible_to(request.user)
    filterset = ProgramFilter(request.GET or None, queryset=base, request=request)
    programs = (
        filtered(filterset)
        .select_related("category", "organiser")
        .annotate(attendance_count=Count("attendances"))
        .order_by("-end_date", "-id")
    )
    return render(
        request,
        "training/program_list.html",
        {
            "filter": filterset,
            "page": page_of(request, programs),
            "can_edit": roles.edits_records(request.user),
        },
    )


def _visible_program(request: HttpRequest, pk: int) -> TrainingProgram:
    return get_object_or_404(
        TrainingProgram.objects.visible_to(request.user).select_related(
            "category", "organiser", "base"
        ),
        pk=pk,
    )


def _editable_program(request: HttpRequest, pk: int) -> TrainingProgram:
    return get_object_or_404(TrainingProgram.objects.editable_by(request.user), pk=pk)


def _visible_person_ids(request: HttpRequest, person_ids: list[int]) -> set[int]:
    """Which of these trainees the user may open (a trainee from another county is on the
    organiser's ledger but not in its register)."""
    return set(
        Person.objects.visible_to(request.user)
        .filter(pk__in=person_ids)
        .values_list("pk", flat=True)
    )


def _program_detail(
    request: HttpRequest, program: TrainingProgram, enrol_form: EnrolForm | None = None
) -> HttpResponse:
    """The program's header and its trainees, a page of them at a time."""
    rows = (
        Attendance.objects.visible_to(request.user)
        .filter(program=program)
        .select_related("person__home_org")
        .order_by("id")
    )
    page = page_of(request, rows, size=100)
    attendances = list(page.object_list)
    count = page.paginator.count
    subsidy = program.subsidy_per_attendance
    can_edit = TrainingProgram.objects.editable_by(request.user).filter(pk=program.pk).exists()
    if can_edit and enrol_form is None:
        enrol_form = EnrolForm(program=program, user=request.user)
    return render(
        request,
        "training/program_detail.html",
        {
            "program": program,
            "page": page,
            "attendances": attendances,
            "attendance_count": count,
            "funding": subsidy * count if subsidy is not None else None,
            "openable": _visible_person_ids(request, [a.person_id for a in attendances]),
            "can_edit": can_edit,
            "enrol_form": enrol_form if can_edit else None,
        },
    )


@allow(roles.reads_records)
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _program_detail(request, _visible_program(request, pk))


def _form_page(
    request: HttpRequest, form: ProgramForm, title: str, cancel_url: str
) -> HttpResponse:
    return render(
        request,
        "training/program_form.html",
        {"form": form, "title": title, "cancel_url": cancel_url},
    )


def _save(request: HttpRequest, form: ProgramForm) -> TrainingProgram | None:
    try:
        return saved_checked(form, form.save)
    except IntegrityError:  # the database's own rules, should the form have missed one
        form.add_error(None, _("保存失败：数据不符合规则，请检查起止日期等内容后重试"))
        return None


@allow(roles.edits_records)
def program_create(request: HttpRequest) -> HttpResponse:
    form = ProgramForm(
        posted(request), user=request.user, initial={"organiser": request.user.org_id}
    )
    if request.method == "POST" and form.is_valid() and (program := _save(request, form)):
        messages.success(request, _("已登记培训班次 %(name)s") % {"name": program.name})
        return redirect("training:program_detail", pk=program.pk)
    return _form_page(request, form, _("登记培训班次"), "/training/programs/")


@allow(roles.edits_records)
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    program = _editable_program(request, pk)
    form = ProgramForm(posted(request), instance=program, user=request.user)
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("已保存培训班次 %(name)s") % {"name": program.name})
        return redirect("training:program_detail", pk=program.pk)
    title = _("编辑培训班次：%(name)s") % {"name": program.name}
    return _form_page(request, form, title, f"/training/programs/{program.pk}/")


@allow(roles.edits_records)
def program_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A program with trainees may be deleted: its 人次 go with it, as the confirmation says."""
    program = _editable_program(request, pk)
    if request.method == "POST":
        name = program.name
        with transaction.atomic():
            program.delete()
        messages.success(request, _("已删除培训班次 %(name)s") % {"name": name})
        return redirect("training:programs")
    return render(
        request,
        "training/program_confirm_delete.html",
        {"program": program, "attendance_count": program.attendances.count()},
    )


# --- 学员 -----------------------------------------------------------------------------------------


@allow(roles.edits_records)
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol one trainee of the register by ID number; errors show on the program's page."""
    program = _editable_program(request, pk)
    form = EnrolForm(request.POST, program=program, user=request.user)
    if form.is_valid():
        try:
            with transaction.atomic():
                Attendance.objects.create(program=program, person=form.person)
        except IntegrityError:  # enrolled by someone else since the form was checked
            form.add_error("id_number", _("该学员已在本培训班次中登记"))
        else:
            messages.success(
                request,
                _("已将 %(name)s 登记为本班次学员") % {"name": form.person.name},
            )
            return redirect("training:program_detail", pk=program.pk)
    return _program_detail(request, _visible_program(request, pk), form)


@allow(roles.edits_records)
@require_POST
def attendance_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one trainee from a program the user may edit (the organiser's ledger)."""
    attendance = get_object_or_404(
        Attendance.objects.editable_by(request.user).select_related("person"), pk=pk
    )
    program_id, name = attendance.program_id, attendance.person.name
    attendance.delete()
    messages.success(request, _("已将 %(name)s 移出本班次") % {"name": name})
    return redirect("training:program_detail", pk=program_id)


# --- 培训台账 -------------------------------------------------------------------------------------


def _ledger_file(request: HttpRequest, rows: Any, filename: str) -> HttpResponse:
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    write_ledger(request.user, rows, out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)


@allow(roles.reads_records)
def program_export(request: HttpRequest) -> HttpResponse:
    """The filtered 培训班次 list as the 培训班次表 (imports back unchanged)."""
    return export_response(request, "programs")


@allow(roles.reads_records)
def program_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """One program's 培训台账 workbook (header, then its trainees the user sees)."""
    program = _visible_program(request, pk)
    rows = Attendance.objects.visible_to(request.user).filter(program=program)
    return _ledger_file(request, rows, f"{program.name} 培训台账.xlsx")


@allow(roles.reads_records)
def attendance_export(request: HttpRequest) -> HttpResponse:
    """The filtered 培训台账 in the office layout, program by program."""
    base = Attendance.objects.visible_to(request.user)
    filterset = AttendanceFilter(request.GET or None, queryset=base, request=request)
    return _ledger_file(request, filtered(filterset), "培训台账.xlsx")


@allow(roles.reads_records)
def attendance_list(request: HttpRequest) -> HttpResponse:
    base = Attendance.objects.visible_to(request.user)
    filterset = AttendanceFilter(request.GET or None, queryset=base, request=request)
    rows = (
        filtered(filterset)
        .select_related("program__category", "program__organiser", "person__home_org")
        .order_by("-program__end_date", "program_id", "id")
    )
    page = page_of(request, rows)
    on_page: list[Any] = list(page.object_list)
    openable_programs = set(
        TrainingProgram.objects.visible_to(request.user)
        .filter(pk__in={a.program_id for a in on_page})
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "training/attendance_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": on_page,
            "openable_programs": openable_programs,
            "openable_people": _visible_person_ids(request, [a.person_id for a in on_page]),
        },
    )
