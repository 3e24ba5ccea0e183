"""培训班次 (TrainingProgram) through the web, the import engine and the API: its list filter,
form, pages (list, detail, create, edit, delete, enrolling trainees one by one, its 培训台账
workbook), the 培训班次表 and its API route. Its trainees, the 人次 of the ledger, are in
attendances.py."""

from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe
from rest_framework import serializers

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.imports.sheets import register
from rencai.listing import filtered, page_of
from rencai.orgs.fields import UnitChoiceFilter
from rencai.orgs.models import OrgUnit
from rencai.people.models import Person
from rencai.people.search import people_matching
from rencai.records.api import RecordSerializer, record_viewset
from rencai.records.forms import RecordForm, person_by_id
from rencai.records.sheets import RecordColumn, RecordSheet, day, decimal, named, text, unit_column
from rencai.records.versions import saved_checked
from rencai.records.views import RecordViews, export_response, posted
from rencai.standards.text import fold
from rencai.training.attendances import ledger_file, visible_person_ids
from rencai.training.filters import units_visible_to
from rencai.training.models import Attendance, TrainingBase, TrainingCategory, TrainingProgram
from rencai.widgets import DatePicker

# What a program's form and its API write (the 培训班次表 declares its own columns).
PROGRAM_FIELDS = [
    "name",
    "category",
    "organiser",
    "base",
    "start_date",
    "end_date",
    "hours",
    "teachers",
    "location",
    "subsidy_per_attendance",
    "funding_source",
    "notes",
]

# --- filter and forms ---------------------------------------------------------------------------


class ProgramFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("名称"), lookup_expr="icontains")
    category = django_filters.ModelChoiceFilter(
        label=_("类型"), queryset=TrainingCategory.objects.all(), empty_label=_("全部")
    )
    organiser = UnitChoiceFilter(
        label=_("主办单位"),
        queryset=OrgUnit.objects.none(),
        method="filter_organiser",
        empty_label=_("全部"),
    )
    end_from = django_filters.DateFilter(
        label=_("结束日期自"), field_name="end_date", lookup_expr="gte", widget=DatePicker()
    )
    end_to = django_filters.DateFilter(
        label=_("结束日期至"), field_name="end_date", lookup_expr="lte", widget=DatePicker()
    )

    class Meta:
        model = TrainingProgram
        fields: list[str] = []

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        self.filters["organiser"].queryset = units_visible_to(getattr(request, "user", None))

    def filter_organiser(self, qs: QuerySet, name: str, value: OrgUnit) -> QuerySet:
        """The unit and every unit below it."""
        return qs.filter(organiser__in=OrgUnit.objects.subtree_ids(value))


class ProgramForm(RecordForm):
    """Create or edit a 培训班次: the record form's scoped choices (organiser among the units
    the user may assign, base among the bases they see, categories in use — keeping what the
    program already has), no negative hours or subsidy, and the end not before the start."""

    wide_fields = ("notes",)

    class Meta:
        model = TrainingProgram
        fields = PROGRAM_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期"))
        return data


FULL_ID_LENGTH = 15  # a text this long is an ID number (15 or 18 characters), never a search


class EnrolForm(forms.Form):
    """登记学员: one trainee of the register, by full ID number, or picked (`person`) from the
    people of the user's jurisdiction a name, 拼音首字母 or ID tail finds (`matches`)."""

    id_number = forms.CharField(
        label=_("学员身份证号，或姓名、拼音首字母、身份证后几位"), max_length=40
    )
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, program: TrainingProgram, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.program = program
        self.user = user
        self.person: Person | None = None
        self.matches: list[Person] = []
        self.fields["id_number"].widget.attrs.update(
            {  # htmx offers the matches as the user types (training/_enrol_matches.html)
                "hx-get": reverse("training:enrol_search", args=[program.pk]),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#enrol-matches",
                "autocomplete": "off",
            }
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text = data.get("id_number")
        if not text:
            return data
        try:
            self.person = self._chosen(data.get("person"), text)
        except forms.ValidationError as error:
            self.add_error("id_number", error)
            return data
        if self.program.attendances.filter(person=self.person).exists():  # one 人次 per program
            self.add_error("id_number", _("该学员已在本培训班次中登记"))
        return data

    def _chosen(self, pick: int | None, text: str) -> Person:
        missing = _("人才库中没有该身份证号的人员，请先登记或用签到表导入")
        if pick:  # picked from the matches: still one of the user's jurisdiction
            person = Person.objects.visible_to(self.user).filter(pk=pick).first()
            if person is None:
                raise forms.ValidationError(missing)
            return person
        if len(fold(text).replace(" ", "")) >= FULL_ID_LENGTH:
            return person_by_id(self.user, text, missing)
        self.matches = enrol_matches(self.user, text)
        if not self.matches:
            raise forms.ValidationError(_("本辖区人才库中没有匹配的人员"))
        raise forms.ValidationError(_("请在下列匹配的人员中选择一位"))


def enrol_matches(user: Any, text: str) -> list[Person]:
    """The people of the user's jurisdiction a name, 拼音首字母 or ID tail finds."""
    return people_matching(Person.objects.visible_to(user), text, user)


# --- pages -------------------------------------------------------------------------------------


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
            "openable": visible_person_ids(request, [a.person_id for a in attendances]),
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
        form.add_error(None, gettext("保存失败：数据不符合规则，请检查起止日期等内容后重试"))
        return None


@allow(roles.edits_records)
def program_create(request: HttpRequest) -> HttpResponse:
    form = ProgramForm(
        posted(request), user=request.user, initial={"organiser": request.user.org_id}
    )
    if request.method == "POST" and form.is_valid() and (program := _save(request, form)):
        messages.success(request, gettext("已登记培训班次 %(name)s") % {"name": program.name})
        return redirect("training:program_detail", pk=program.pk)
    return _form_page(request, form, gettext("登记培训班次"), "/training/programs/")


@allow(roles.edits_records)
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    program = _editable_program(request, pk)
    form = ProgramForm(posted(request), instance=program, user=request.user)
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, gettext("已保存培训班次 %(name)s") % {"name": program.name})
        return redirect("training:program_detail", pk=program.pk)
    title = gettext("编辑培训班次：%(name)s") % {"name": program.name}
    return _form_page(request, form, title, f"/training/programs/{program.pk}/")


@allow(roles.edits_records)
def program_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A program with trainees may be deleted: its 人次 go with it, as the confirmation says."""
    program = _editable_program(request, pk)
    if request.method == "POST":
        name = program.name
        with transaction.atomic():
            program.delete()
        messages.success(request, gettext("已删除培训班次 %(name)s") % {"name": name})
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
            form.add_error("id_number", gettext("该学员已在本培训班次中登记"))
        else:
            messages.success(
                request,
                gettext("已将 %(name)s 登记为本班次学员") % {"name": form.person.name},
            )
            return redirect("training:program_detail", pk=program.pk)
    return _program_detail(request, _visible_program(request, pk), form)


@allow(roles.edits_records)
@require_safe
def enrol_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The matches of what is typed in 登记学员 (htmx, as the user types): the people of the
    user's jurisdiction with masked ID, village and birth year, to pick one."""
    program = _editable_program(request, pk)
    text = (request.GET.get("id_number") or "").strip()
    context: dict[str, Any] = {"program": program, "matches": [], "message": ""}
    if text and len(fold(text).replace(" ", "")) < FULL_ID_LENGTH:
        try:
            context["matches"] = enrol_matches(request.user, text)
        except forms.ValidationError as error:
            context["message"] = " ".join(error.messages)
        else:
            if not context["matches"]:
                context["message"] = gettext("本辖区人才库中没有匹配的人员")
    return render(request, "training/_enrol_matches.html", context)


@allow(roles.reads_records)
def program_export(request: HttpRequest) -> HttpResponse:
    """The filtered 培训班次 list as the 培训班次表 (imports back unchanged)."""
    return export_response(request, "programs")


@allow(roles.reads_records)
def program_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """One program's 培训台账 workbook (header, then its trainees the user sees)."""
    program = _visible_program(request, pk)
    rows = Attendance.objects.visible_to(request.user).filter(program=program)
    return ledger_file(request, rows, f"{program.name} 培训台账.xlsx")


# --- import sheet ------------------------------------------------------------------------------


class ProgramSheet(RecordSheet):
    """培训班次表: one row per program, keyed by 培训名称 + 主办单位 + 开始日期."""

    def _problem(self, ctx: Any, record: Any, pk: int | None):
        if record.start_date and record.end_date and record.end_date < record.start_date:
            return self.column("end_date").label, gettext("结束日期不能早于开始日期")
        return super()._problem(ctx, record, pk)


PROGRAM_SHEET = register(
    ProgramSheet(
        name="programs",
        title="培训班次表",
        model=TrainingProgram,
        filterset=ProgramFilter,
        related=("category", "organiser", "base"),
        key=("name", "organiser_id", "start_date"),
        key_column="name",
        columns=[
            RecordColumn(
                "name",
                "培训名称",
                ("班次名称", "培训班名称"),
                required=True,
                parse=text(200),
                width=28,
                attname="name",
            ),
            RecordColumn(
                "category_id",
                "类型",
                ("培训类型", "培训类别"),
                required=True,
                parse=named(TrainingCategory),
                attname="category_id",
                export=lambda r, reveal: r.category.name,
            ),
            unit_column("organiser_id", "主办单位", required=True),
            RecordColumn(
                "base_id",
                "实训基地",
                parse=named(TrainingBase),
                attname="base_id",
                width=18,
                export=lambda r, reveal: r.base.name if r.base_id else "",
            ),
            RecordColumn("start_date", "开始日期", required=True, parse=day, attname="start_date"),
            RecordColumn("end_date", "结束日期", required=True, parse=day, attname="end_date"),
            RecordColumn("hours", "学时", parse=decimal, attname="hours", width=8),
            RecordColumn(
                "teachers", "主讲人", ("授课人", "授课老师"), parse=text(200), attname="teachers"
            ),
            RecordColumn("location", "地点", ("培训地点",), parse=text(200), attname="location"),
            RecordColumn(
                "subsidy_per_attendance",
                "每人次补贴（元）",
                ("补贴标准",),
                parse=decimal,
                attname="subsidy_per_attendance",
            ),
            RecordColumn("funding_source", "经费来源", parse=text(100), attname="funding_source"),
            RecordColumn("notes", "备注", parse=text(2000), attname="notes", width=24),
        ],
        instructions=[
            "一行一个培训班次，以“培训名称 + 主办单位 + 开始日期”识别：已有的班次按本表更新"
            "（空白单元格保留原值），没有的新增。",
            "类型填写培训类别名称；实训基地可不填，重名时写 单位/基地名称。",
            "学员请在班次页面用“导入签到表”登记。整张表全部正确才会导入。",
        ],
    )
)


# --- API -----------------------------------------------------------------------------------------


class ProgramSerializer(RecordSerializer):
    attendance_count = serializers.IntegerField(read_only=True)  # annotated by the viewset


VIEWS: list[RecordViews] = []  # function views, routed in urls.py
ROUTES: list[tuple[str, Any, str]] = [
    (
        "training/programs",
        record_viewset(
            TrainingProgram,
            ProgramFilter,
            PROGRAM_FIELDS,
            related=("category", "organiser", "base"),
            base=ProgramSerializer,
            annotate={"attendance_count": Count("attendances")},
        ),
        "training-program",
    ),
]
