"""培训台账 (Attendance: one row per 人次) through the web, the import engine and the API: its
list filter (down to exactly the rows a figure counts), list, export and removal pages, the
培训签到表 and its API route; a 人次 is entered on its program's page (programs.py).

The 培训签到表 (`attendance`): a program's sign-in sheet as offices keep it — 序号, 姓名, 性别,
从事产业, 单位职务或家庭住址, 身份证号码, 联系方式 — imported into that program's ledger (the job's
options name the program).

One row is one 人次, keyed by ID number: the same person twice in the file is rejected (both
rows named); a person already in the program's ledger is "unchanged", so importing the sheet
again changes nothing. A trainee the register does not hold yet is registered from the row, in
the importer's jurisdiction: in the unit the 单位职务或家庭住址 cell names when it is one of the
importer's units, otherwise in the program's organiser unit (the cell is kept in the person's
notes). A trainee the register already holds is never changed by a sign-in sheet."""

import tempfile
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django.contrib import messages
from django.db.models import Min, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from rest_framework import serializers

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.audit.bulk import BulkWriter
from rencai.imports.cells import Masked, code_parser, parse_id, parse_text
from rencai.imports.options import EXPORT, IMPORT, SheetOption, by_id_or_name
from rencai.imports.sheets import NEW, UNCHANGED, CellError, Column, RowPlan, Sheet, register
from rencai.listing import filtered, page_of
from rencai.orgs.models import OrgUnit
from rencai.orgs.resolve import UnitResolver
from rencai.people.bulk import PersonBulkWriter
from rencai.people.choices import PersonStatus, Source
from rencai.people.models import Person
from rencai.people.persons_sheet import (
    gender_problem,
    new_person_values,
    parse_name,
    parse_phone,
    stored_people,
)
from rencai.people.search import checked_search, record_search_reveal, reveals, search_q
from rencai.records.api import RecordSerializer, record_viewset
from rencai.records.views import RecordViews
from rencai.standards import codes
from rencai.standards.idnumber import mask_id_number
from rencai.training import figures
from rencai.training.filters import FigureFilterForm, FigureFilterSet, unchanged
from rencai.training.ledger import write_ledger
from rencai.training.models import Attendance, TrainingCategory, TrainingProgram

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- filter --------------------------------------------------------------------------------------


class AttendanceFilterForm(FigureFilterForm):
    """The trainee search is the register's (people/search.py): a longer ID tail than the
    user may confirm is refused."""

    user: Any = None

    def clean_q(self) -> str:
        return checked_search(self.cleaned_data.get("q"), self.user)


class AttendanceFilter(FigureFilterSet):
    """培训台账 filters. With a scope unit and a period, the rows are exactly those a training
    figure counts (`figures.attendance_rows`, or `figures.organised_rows` when `organised=1`),
    within what the user may see. `q` finds trainees as the register's search box does (name,
    拼音首字母, last digits of the ID number)."""

    q = django_filters.CharFilter(label=_("学员姓名/拼音首字母/身份证后几位"), method="filter_q")

    program = django_filters.ModelChoiceFilter(
        label=_("培训班次"), queryset=TrainingProgram.objects.none(), empty_label=_("全部")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("类型"),
        field_name="program__category",
        queryset=TrainingCategory.objects.all(),
        empty_label=_("全部"),
    )
    organised = django_filters.ChoiceFilter(
        label=_("统计口径"),
        choices=[("1", _("组织培训人次（按主办单位）"))],
        empty_label=_("培训人次（按学员户籍）"),
        method=unchanged,
    )
    per_person = django_filters.ChoiceFilter(
        label=_("计数方式"),
        choices=[("1", _("按人数（同一人只列一次）"))],
        empty_label=_("按人次"),
        method=unchanged,
    )
    youth = django_filters.ChoiceFilter(
        label=_("年龄"),
        choices=[("1", _("青年（培训结束时 35 周岁及以下）"))],
        empty_label=_("全部"),
        method="filter_youth",
    )

    class Meta:
        model = Attendance
        fields: list[str] = []
        form = AttendanceFilterForm

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        # The programs of the rows the user sees: a village clerk sees its villagers' rows of a
        # township's course without seeing the course itself.
        self.filters["program"].queryset = TrainingProgram.objects.filter(
            Q(pk__in=TrainingProgram.objects.visible_to(user).values("pk"))
            | Q(pk__in=Attendance.objects.visible_to(user).values("program_id"))
        )
        self.form.user = user  # after the choices: the form is built on first access

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        qs = qs.filter(search_q(value, person="person__"))
        if reveals(value):  # only a user who may reveal gets here (AttendanceFilterForm)
            people = Person.objects.filter(pk__in=qs.values("person_id"))
            record_search_reveal(self.form.user, people, value)
        return qs

    def filter_youth(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """青年培训人数's rows (`figures.youth_condition`): trainees aged 35 or under on the
        program's end date."""
        return qs.filter(figures.youth_condition()) if value else qs

    def figure_rows(self, unit: OrgUnit, period: figures.Period) -> QuerySet:
        if self.form.cleaned_data.get("organised"):
            return figures.organised_rows(unit, period)
        return figures.attendance_rows(unit, period)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """`per_person`: one row per trainee (the first of theirs), so the count is 培训人数."""
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("per_person"):
            firsts = queryset.order_by().values("person").annotate(first=Min("pk"))
            queryset = queryset.filter(pk__in=firsts.values("first"))
        return queryset


# --- pages -------------------------------------------------------------------------------------


def visible_person_ids(request: HttpRequest, person_ids: list[int]) -> set[int]:
    """Which of these trainees the user may open (a trainee from another county is on the
    organiser's ledger but not in its register)."""
    return set(
        Person.objects.visible_to(request.user)
        .filter(pk__in=person_ids)
        .values_list("pk", flat=True)
    )


@allow(roles.edits_records)
@require_POST
def attendance_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one trainee from a program the user may edit (the organiser's ledger)."""
    attendance = get_object_or_404(
        Attendance.objects.editable_by(request.user).select_related("person"), pk=pk
    )
    program_id, name = attendance.program_id, attendance.person.name
    attendance.delete()
    messages.success(request, gettext("已将 %(name)s 移出本班次") % {"name": name})
    return redirect("training:program_detail", pk=program_id)


def ledger_file(
    request: HttpRequest, rows: Any, filename: str, filtered: bool = False
) -> HttpResponse:
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    write_ledger(request.user, rows, out, filtered)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)


@allow(roles.reads_records)
def attendance_export(request: HttpRequest) -> HttpResponse:
    """The filtered 培训台账 in the office layout, program by program."""
    base = Attendance.objects.visible_to(request.user)
    filterset = AttendanceFilter(request.GET or None, queryset=base, request=request)
    narrowed = any(request.GET.get(name) for name in filterset.filters)
    return ledger_file(request, filtered(filterset), "培训台账.xlsx", narrowed)


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
            "openable_people": visible_person_ids(request, [a.person_id for a in on_page]),
        },
    )


# --- import sheet ------------------------------------------------------------------------------


COLUMNS = [
    Column("name", "姓名", ("学员姓名",), required=True, parse=parse_name, width=10),
    Column(
        "gender",
        "性别",
        (),
        parse=code_parser(codes.GENDER),
        choices=["男", "女"],
        width=6,
        help="可不填；填写时须与身份证号一致",
    ),
    Column("specialty", "从事产业", ("产业", "专业特长"), parse=parse_text(100), width=14),
    Column(
        "address",
        "单位职务或家庭住址",
        ("单位职务", "家庭住址", "单位及职务", "住址", "工作单位"),
        parse=parse_text(200),
        width=28,
        help="写村(社区)名称或路径时，新学员登记在该村(社区)",
    ),
    Column(
        "id_number",
        "身份证号码",
        ("身份证号", "公民身份号码", "身份证"),
        required=True,
        parse=parse_id,
        text=True,
        width=22,
        help="18 位；本列须为文本格式",
    ),
    Column(
        "phone",
        "联系方式",
        ("联系电话", "手机号码", "手机"),
        parse=parse_phone,
        text=True,
        width=14,
    ),
]


@dataclass
class AttendanceContext:
    user: Any
    program: TrainingProgram
    units: UnitResolver
    enrolled: set[int] = field(default_factory=set)  # person pks already in the ledger


class AttendanceSheet(Sheet):
    def _program(self, user: Any, program_id: Any) -> TrainingProgram | None:
        if not str(program_id or "").isdigit():
            return None
        return TrainingProgram.objects.editable_by(user).filter(pk=int(program_id)).first()

    def upload_options(self, user: Any, params: Any) -> dict[str, Any]:
        program = self._program(user, params.get("program"))
        if program is None:
            raise Http404
        return {"program": program.pk}

    def options_label(self, options: dict[str, Any]) -> str:
        program = TrainingProgram.objects.filter(pk=options.get("program")).first()
        return f"{program.name}（{program.start_date:%Y-%m-%d}）" if program else ""

    def context(self, user: Any, options: dict[str, Any]) -> AttendanceContext:
        if not roles.edits_records(user):
            raise CellError(gettext("您的角色不能导入培训签到表"))
        program = self._program(user, options.get("program"))
        if program is None:
            raise CellError(gettext("请从培训班次页面导入该班次的签到表"))
        enrolled = set(program.attendances.values_list("person_id", flat=True))
        return AttendanceContext(user, program, UnitResolver(user), enrolled)

    def row_key(self, values: dict[str, Any]) -> Any:
        number = values["id_number"]
        return number.text if isinstance(number, Masked) else number.number

    def key_label(self, key: Any) -> str:
        return gettext("身份证号 %(n)s") % {"n": mask_id_number(key)}

    def plan(self, ctx: AttendanceContext, rows: list[tuple[int, dict[str, Any]]]):
        numbers = [
            v["id_number"].number for _n, v in rows if not isinstance(v["id_number"], Masked)
        ]
        stored = {row["id_number"]: row["pk"] for row in stored_people("id_number", numbers)}
        for number, values in rows:
            parsed = values["id_number"]
            if isinstance(parsed, Masked):
                yield (
                    number,
                    self.column("id_number").label,
                    gettext("身份证号已脱敏，请填写完整号码"),
                )
                continue
            if problem := gender_problem(values.get("gender"), parsed):
                yield (number, self.column("gender").label, problem)
                continue
            person = stored.get(parsed.number)
            if person is not None:
                kind = UNCHANGED if person in ctx.enrolled else NEW
                yield RowPlan(number, kind, (person, None))
                continue
            yield self._plan_new_person(ctx, number, values, parsed)

    def _plan_new_person(self, ctx: AttendanceContext, number: int, values, parsed):
        address = values.get("address") or ""
        home = ctx.program.organiser_id
        try:
            unit = ctx.units(address) if address else None
        except CellError:
            unit = None  # an address, a job title: not a unit
        if unit is not None:
            if unit not in ctx.units.visible:
                return (
                    number,
                    self.column("address").label,
                    gettext("“%(p)s”不在您的管辖范围内") % {"p": ctx.units.paths[unit]},
                )
            home = unit
        new = new_person_values(
            values["name"],
            parsed,
            phone=values.get("phone") or "",
            home_org_id=home,
            specialty=values.get("specialty") or "",
            notes=gettext("单位职务或家庭住址：%(a)s") % {"a": address} if address else "",
            source=Source.LOCAL,
            status=PersonStatus.ACTIVE,
        )
        return RowPlan(number, NEW, (None, new))

    def commit(self, ctx: AttendanceContext, plans: list[RowPlan]) -> None:
        new_people = [(p.payload[1], []) for p in plans if p.payload[0] is None]
        new_pks = iter(PersonBulkWriter().write(new_people)[0] if new_people else ())
        person_pks, names = [], {}
        for plan in plans:
            person_pk, new = plan.payload
            if person_pk is None:
                person_pk = next(new_pks)
                names[person_pk] = new["name"]
            person_pks.append(person_pk)
        known = [pk for pk in person_pks if pk not in names]
        for start in range(0, len(known), 900):
            chunk = known[start : start + 900]
            names.update(Person.objects.filter(pk__in=chunk).values_list("pk", "name"))
        LedgerWriter(ctx.program, names).create(
            [{"program_id": ctx.program.pk, "person_id": pk} for pk in person_pks]
        )
        ctx.enrolled.update(person_pks)

    def export_queryset(self, user: Any, params: dict[str, Any]) -> Any:
        rows = Attendance.objects.visible_to(user).select_related("person", "person__home_org")
        program = str(params.get("program") or "")
        if program.isdigit():
            rows = rows.filter(program_id=int(program))
        return rows.order_by("program_id", "id")

    def export_rows(self, user: Any, queryset: Any, *, reveal: bool):
        for row in queryset.iterator(chunk_size=2000):
            p = row.person
            yield [
                p.name,
                p.get_gender_display(),
                p.specialty,
                p.home_org.name_path,
                p.id_number if reveal else p.masked_id_number,
                p.phone if reveal else p.masked_phone,
            ]


class LedgerWriter(BulkWriter):
    """Attendance rows of one program at the database's bulk speed, each with the change entry
    the ORM would log ("肉牛养殖技术培训 · 张三")."""

    def __init__(self, program: TrainingProgram, names: dict[int, str]):
        super().__init__(Attendance)
        self.prefix = f"{program} · "
        self.names = names

    def label(self, values: dict[str, Any]) -> str:
        return self.prefix + self.names[values["person_id"]]


def _program_option(user: Any, text: str, resolved: dict[str, Any]) -> dict[str, Any]:
    """`--program 12` or `--program 肉牛养殖技术培训`: a program the user sees, passed as the
    upload page's ?program= is (whether they may import into it is `upload_options`' question)."""
    return {"program": by_id_or_name(TrainingProgram.objects.visible_to(user), text).pk}


ATTENDANCE_SHEET = register(
    AttendanceSheet(
        name="attendance",
        title="培训签到表",
        columns=COLUMNS,
        key_column="id_number",
        instructions=[
            "一行登记一名学员参加本培训班次（一人次），以身份证号识别。",
            "人才库中还没有的学员按本表登记入库；已在库的学员信息不会被本表修改。",
            "同一学员在本表中出现两次将被拒绝；已在本班次台账中的学员记为“未变”，重复导入不会重复计数。",
            "身份证号码、联系方式两列须为文本格式。整张表全部正确才会导入。",
        ],
        command_options=[
            SheetOption(
                "program",
                _("培训班次的编号或名称（导入时必填）"),
                _program_option,
                commands=(IMPORT, EXPORT),
                required_for=(IMPORT,),
                metavar="班次",
            )
        ],
    )
)


# --- API -----------------------------------------------------------------------------------------


class AttendanceSerializer(RecordSerializer):
    """A 人次 is written by the program's organiser only (AttendanceQuerySet.write_fields), as
    on the program's page."""

    program_name = serializers.CharField(source="program.name", read_only=True)


VIEWS: list[RecordViews] = []  # function views, routed in urls.py
ROUTES: list[tuple[str, Any, str]] = [
    (
        "training/attendances",
        record_viewset(
            Attendance,
            AttendanceFilter,
            ["program", "person", "notes"],
            related=("program", "person"),
            base=AttendanceSerializer,
        ),
        "training-attendance",
    ),
]
