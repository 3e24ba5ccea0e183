"""培训成效 (Outcome), 名师带徒 (Mentorship) and 储备 (PoolMembership) through the web, the import
engine and the API, each scoped, masked and audited like the people register.

Decisions this module makes (and its tests hold):

- 培训成效: recognition as a 新型职业农民 is also a certificate in the register, so such an outcome
  always goes through `actions.record_outcome` (which creates the 高素质农民认定 Qualification with
  its grade) — from the page, an import row or the API alike. Editing keeps the Qualification in
  step (person, grade, date = 发证日期); changing the kind away from 认定新型职业农民 deletes it;
  deleting the outcome deletes it too (it exists only because of the outcome). A grade given
  for any other kind is an error rather than silently dropped.
- 来源培训 in a sheet is written by name; where names repeat, as 名称（开始日期）, and where even
  that repeats, as 主办单位/名称（开始日期）. Exports write the shortest form that is unique.
- 名师带徒: master and apprentice are two people; the end date is not before the start, and a
  pairing marked 已出师 or 已终止 has an end date.
- 储备: a person is in a pool once while 在库; 出库 (an action on the detail page) needs a date
  (not before entry) and a reason; an exited membership stays as history and the person may be
  entered again. An 在库 membership carries no exit date or reason."""

import copy
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.imports.dates import DateError, parse_date
from rencai.imports.reader import cell_text
from rencai.imports.sheets import UNCHANGED, UPDATED, CellError, RowPlan, register
from rencai.orgs.models import OrgUnit
from rencai.people.choices import QUALIFICATION_LEVELS, QualificationKind
from rencai.people.models import Qualification
from rencai.records.api import RecordSerializer, record_viewset
from rencai.records.forms import RecordForm, placing_units
from rencai.records.sheets import (
    RecordColumn,
    RecordContext,
    RecordSheet,
    choice,
    day,
    labels_of,
    named,
    person,
    person_columns,
    text,
)
from rencai.records.versions import saved_checked
from rencai.records.views import PERSON, RECORD, Cell, RecordViews, Show
from rencai.standards.idnumber import mask_id_number
from rencai.standards.text import fold
from rencai.training import figures
from rencai.training.actions import record_outcome
from rencai.training.choices import MembershipStatus, MentorshipStatus, OutcomeKind
from rencai.training.filters import FigureFilterSet, UnitFilter
from rencai.training.models import (
    Attendance,
    Mentorship,
    Outcome,
    Pool,
    PoolMembership,
    TrainingProgram,
)
from rencai.widgets import DatePicker

NAV = "training/_nav_include.html"
GRADES: tuple[str, ...] = QUALIFICATION_LEVELS[QualificationKind.FARMER]
PROGRAM = "program"  # a Show link: to the program's page, when the user may open it

Problems = list[tuple[str, str]]  # (model field name, Chinese message)


# --- shared rules -------------------------------------------------------------------------------


def grade_problem(kind: str | None, grade: str | None, *, has_grade: bool) -> str:
    """Why `grade` does not fit an outcome of `kind` ("" when it does); `has_grade`: the outcome
    already holds a qualification whose grade a blank keeps."""
    if kind == OutcomeKind.NEW_FARMER:
        if not grade and not has_grade:
            return _t("认定新型职业农民须填写等级（%(g)s）") % {"g": "、".join(GRADES)}
        if grade and grade not in GRADES:
            return _t("等级应为：%(g)s") % {"g": "、".join(GRADES)}
    elif grade:
        return _t("只有“认定新型职业农民”填写等级")
    return ""


def mentorship_problems(record: Mentorship) -> Problems:
    """名师带徒's rules beyond the database's: two people, dates in order, an end to a finished
    pairing."""
    found: Problems = []
    if record.master_id and record.master_id == record.apprentice_id:
        found.append(("apprentice", _t("师傅和徒弟不能是同一人")))
    if record.start_date and record.end_date and record.end_date < record.start_date:
        found.append(("end_date", _t("结束日期不能早于开始日期")))
    elif record.status != MentorshipStatus.ONGOING and not record.end_date:
        found.append(("end_date", _t("已出师或已终止的须填写结束日期")))
    return found


def membership_problems(record: PoolMembership, *, others: bool = True) -> Problems:
    """储备's rules: an exited membership has an exit date (not before entry) and a reason; an
    active one has neither; a person is in a pool once while active (checked against the stored
    memberships unless `others` is False)."""
    found: Problems = []
    if record.status == MembershipStatus.EXITED:
        if not record.exited_on:
            found.append(("exited_on", _t("出库须填写出库日期")))
        elif record.entered_on and record.exited_on < record.entered_on:
            found.append(("exited_on", _t("出库日期不能早于入库日期")))
        if not (record.exit_reason or "").strip():
            found.append(("exit_reason", _t("出库须填写原因")))
    else:
        if record.exited_on:
            found.append(("exited_on", _t("在库人员不应填写出库日期（出库请将状态改为“已出库”）")))
        if (record.exit_reason or "").strip():
            found.append(("exit_reason", _t("在库人员不应填写出库原因")))
        if others and record.pool_id and record.person_id:
            twins = PoolMembership.objects.filter(
                pool_id=record.pool_id, person_id=record.person_id, status=MembershipStatus.ACTIVE
            ).exclude(pk=record.pk)
            if twins.exists():
                found.append(("person", _t("该人员已在此储备库中（在库），不能重复入库")))
    return found


# --- 培训成效 and its qualification ------------------------------------------------------------


@transaction.atomic
def save_outcome(outcome: Outcome, grade: str | None = None) -> Outcome:
    """Write an outcome whose fields are set, keeping its qualification in step: a new one goes
    through `record_outcome`; an edited 认定新型职业农民 updates (or recreates) its Qualification
    — person, grade (a blank grade keeps it), 发证日期 = the outcome's date; any other kind loses
    the Qualification it had."""
    if outcome.pk is None:
        return record_outcome(
            outcome.person,
            outcome.kind,
            outcome.date,
            program=outcome.program,
            grade=grade or "",
            notes=outcome.notes,
        )
    old = outcome.qualification if outcome.qualification_id else None
    if outcome.kind == OutcomeKind.NEW_FARMER:
        if old is None:
            outcome.qualification = Qualification.objects.create(
                person_id=outcome.person_id,
                kind=QualificationKind.FARMER,
                level=grade or "",
                issued_on=outcome.date,
            )
        else:
            wanted = {
                "person_id": outcome.person_id,
                "level": grade or old.level,
                "issued_on": outcome.date,
            }
            if any(getattr(old, k) != v for k, v in wanted.items()):
                for key, value in wanted.items():
                    setattr(old, key, value)
                old.save()
        outcome.save()
        return outcome
    outcome.qualification = None
    outcome.save()
    if old is not None:
        old.delete()
    return outcome


@transaction.atomic
def delete_outcome(outcome: Outcome) -> None:
    """Delete an outcome and the qualification it created."""
    qualification = outcome.qualification if outcome.qualification_id else None
    outcome.delete()
    if qualification is not None:
        qualification.delete()


def programs_for(user: Any, keep: int | None = None) -> QuerySet:
    """The programs an outcome may name: those the user sees, those their people attended (a
    township's course a village's trainee went to) and those their outcomes already name."""
    condition = (
        Q(pk__in=TrainingProgram.objects.visible_to(user).values("pk"))
        | Q(pk__in=Attendance.objects.visible_to(user).values("program_id"))
        | Q(
            pk__in=Outcome.objects.visible_to(user)
            .filter(program__isnull=False)
            .values("program_id")
        )
    )
    if keep:
        condition |= Q(pk=keep)
    return TrainingProgram.objects.filter(condition).order_by("-start_date", "name", "id")


def program_label(program: TrainingProgram) -> str:
    return f"{program.name}（{program.start_date.isoformat()}）"


def _norm(value: str) -> str:
    return fold(value).replace(" ", "")


def program_index(programs: QuerySet) -> dict[str, set[int]]:
    """Every way a sheet may name a program: 名称, 名称(开始日期), 主办单位/名称 and
    主办单位/名称(开始日期) (folded: full-width brackets read as half-width)."""
    found: dict[str, set[int]] = {}
    for pk, name, start, org in programs.values_list("pk", "name", "start_date", "organiser__name"):
        n, o, d = _norm(name), _norm(org), start.isoformat()
        for key in (n, f"{n}({d})", f"{o}/{n}", f"{o}/{n}({d})"):
            found.setdefault(key, set()).add(pk)
    return found


def program_sheet_labels(programs: QuerySet) -> dict[int, str]:
    """How an export writes each program: the shortest of 名称 / 名称（开始日期） /
    主办单位/名称（开始日期） that names it alone among `programs`."""
    rows = list(programs.values_list("pk", "name", "start_date", "organiser__name"))
    names = Counter(name for _pk, name, _d, _o in rows)
    dated = Counter((name, d) for _pk, name, d, _o in rows)
    labels = {}
    for pk, name, start, org in rows:
        if names[name] == 1:
            labels[pk] = name
        elif dated[(name, start)] == 1:
            labels[pk] = f"{name}（{start.isoformat()}）"
        else:
            labels[pk] = f"{org}/{name}（{start.isoformat()}）"
    return labels


_DATED = re.compile(r"(.+)\(([^()]+)\)")


def parse_program(raw: Any, ctx: "OutcomeContext") -> int:
    """来源培训 by name (see `program_index`); a repeated name asks for the start date."""
    written = _norm(cell_text(raw))
    index = ctx.programs()
    key = written
    found = index.get(key, set())
    if not found and (match := _DATED.fullmatch(written)):
        try:
            parsed = parse_date(match.group(2))
        except DateError:
            parsed = None
        if parsed is not None and parsed.precision == "day":
            key = f"{match.group(1)}({parsed.as_date().isoformat()})"
            found = index.get(key, set())
    if len(found) == 1:
        return next(iter(found))
    if found:
        if key.endswith(")"):
            hint = _t("请写成 主办单位/名称（开始日期）")
        else:
            hint = _t("请写成 名称（开始日期），如“%(n)s（2026-03-15）”") % {"n": written}
        raise CellError(
            _t("有 %(n)d 个名为“%(t)s”的培训班次，%(hint)s")
            % {"n": len(found), "t": written, "hint": hint}
        )
    raise CellError(_t("找不到培训班次“%(t)s”（或不在您的管辖范围内）") % {"t": written})


def parse_grade(raw: Any, ctx: Any) -> str:
    written = _norm(cell_text(raw))
    if written not in GRADES:
        raise CellError(
            _t("等级“%(t)s”无法识别，可填写：%(g)s") % {"t": written, "g": "、".join(GRADES)}
        )
    return written


class OutcomeFilter(FigureFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("成效类型"), choices=OutcomeKind.choices, empty_label=_("全部")
    )
    name = django_filters.CharFilter(
        label=_("姓名"), field_name="person__name", lookup_expr="icontains"
    )
    program = django_filters.ModelChoiceFilter(
        label=_("来源培训"), queryset=TrainingProgram.objects.none(), empty_label=_("全部")
    )
    date_from = django_filters.DateFilter(
        label=_("日期自"), field_name="date", lookup_expr="gte", widget=DatePicker()
    )
    date_to = django_filters.DateFilter(
        label=_("日期至"), field_name="date", lookup_expr="lte", widget=DatePicker()
    )
    org = UnitFilter(label=_("户籍所在单位"), field_name="person__home_org")

    class Meta(FigureFilterSet.Meta):
        model = Outcome
        fields: list[str] = []

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        self.filters["program"].queryset = programs_for(getattr(request, "user", None))

    @property
    def form(self) -> forms.Form:
        form = super().form
        form.fields["program"].label_from_instance = program_label
        return form

    def figure_rows(self, unit: OrgUnit, period: figures.Period) -> QuerySet:
        return figures.outcome_rows(unit, period)


class OutcomeForm(RecordForm):
    """An outcome; 认定新型职业农民 also takes the grade of the certificate it creates."""

    class Meta:
        model = Outcome
        fields = ["person", "kind", "date", "program", "notes"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        current = self.instance.program_id
        program = self.fields["program"]
        program.queryset = programs_for(user, keep=current)
        program.label_from_instance = program_label
        has = self.instance.qualification if self.instance.qualification_id else None
        self.fields["grade"] = forms.ChoiceField(
            label=_("认定等级"),
            choices=[("", "---------"), *((g, g) for g in GRADES)],
            required=False,
            initial=has.level if has else "",
            help_text=_("仅“认定新型职业农民”填写：同时登记该人员的高素质农民认定证书"),
        )
        self.order_fields(["person", "kind", "date", "grade", "program", "notes"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if problem := grade_problem(data.get("kind"), data.get("grade"), has_grade=False):
            self.add_error("grade", problem)
        return data


def _program_cell(record: Outcome) -> str | None:
    return program_label(record.program) if record.program_id else None


def _grade_of(record: Outcome) -> str | None:
    if record.kind == OutcomeKind.NEW_FARMER and record.qualification_id:
        return record.qualification.level
    return None


class OutcomeViews(RecordViews):
    model = Outcome
    slug = "outcomes"
    filterset = OutcomeFilter
    form = OutcomeForm
    sheet = "outcomes"
    nav_template = NAV
    related = ("person", "person__home_org", "program", "qualification")
    ordering = ("-date", "-id")
    delete_warning = _("若本条为“认定新型职业农民”，由它登记的高素质农民认定证书将一并删除。")
    columns = [
        Show(_("人员"), "person", link=PERSON),
        Show(_("户籍所在单位"), "person.home_org.name_path"),
        Show(_("成效类型"), "get_kind_display", link=RECORD),
        Show(_("日期"), "date"),
        Show(_("来源培训"), _program_cell, link=PROGRAM),
        Show(_("说明"), "notes"),
        Show(_("认定等级"), _grade_of),
    ]
    fields = columns

    def cells(self, request: HttpRequest, records: list[Any], shows: Any) -> list:
        """As the framework's, with 来源培训 a link to the program's page when the user sees it."""
        rows = super().cells(request, records, shows)
        wanted = {r.program_id for r in records if r.program_id}
        openable = set(
            TrainingProgram.objects.visible_to(request.user)
            .filter(pk__in=wanted)
            .values_list("pk", flat=True)
        )
        for record, cells in rows:
            for i, show in enumerate(shows):
                if show.link == PROGRAM and record.program_id in openable:
                    url = reverse("training:program_detail", args=[record.program_id])
                    cells[i] = Cell(cells[i].text, url, cells[i].numeric)
        return rows

    def save(self, request: HttpRequest, form: RecordForm) -> models.Model | None:
        try:
            grade = form.cleaned_data.get("grade") or None
            return saved_checked(form, lambda: save_outcome(form.instance, grade))
        except IntegrityError:
            form.add_error(None, _t("保存失败：数据不符合规则，请检查后重试"))
            return None

    def delete_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST":
            return super().delete_view(request, pk)
        record = get_object_or_404(self.editable(request), pk=pk)
        names = self._names(record)
        delete_outcome(record)
        messages.success(request, _t("已删除%(what)s：%(name)s") % names)
        return redirect(self.url_name())


@dataclass
class OutcomeContext(RecordContext):
    _programs: dict[str, set[int]] | None = None
    _grades: dict[int, str | None] | None = None

    def programs(self) -> dict[str, set[int]]:
        if self._programs is None:
            self._programs = program_index(programs_for(self.user))
        return self._programs

    def grades(self) -> dict[int, str | None]:
        """The grade of each 认定新型职业农民 outcome the importer may edit (None: no
        qualification)."""
        if self._grades is None:
            rows = Outcome.objects.editable_by(self.user).filter(kind=OutcomeKind.NEW_FARMER)
            self._grades = {
                pk: (level if q else None)
                for pk, q, level in rows.values_list("pk", "qualification", "qualification__level")
            }
        return self._grades


class MaskedKeys:
    """Duplicate-row messages name people by masked ID number."""

    columns: list
    key: tuple[str, ...]

    def key_label(self, key: Any) -> str:
        by_attname = {getattr(c, "attname", ""): c for c in self.columns}
        parts = []
        for name, value in zip(self.key, key, strict=True):
            column = by_attname.get(name)
            label = column.label if column else name
            if column is not None and column.parse is person and value and "*" not in str(value):
                value = mask_id_number(str(value))
            parts.append(f"{label} {value}")
        return "，".join(parts)


class OutcomeSheet(MaskedKeys, RecordSheet):
    """培训成效 rows, keyed by person + kind + date; 等级 makes (or updates) the certificate."""

    def context(self, user: Any, options: dict[str, Any]) -> OutcomeContext:
        base = super().context(user, options)
        return OutcomeContext(base.user, base.units, base.editable_units, base.model)

    def _plan_row(self, ctx: OutcomeContext, number: int, values: dict[str, Any]):  # type: ignore[override]
        grade, kind = values.get("grade"), values.get("kind")
        stored = self._existing(ctx).get((values.get("person_id"), kind, values.get("date")))
        pk = stored[0] if stored else None
        # A stored record keeps its grade when the cell is blank; a new one must have one.
        if problem := grade_problem(kind, grade, has_grade=pk is not None):
            return number, _t("等级"), problem
        plan = super()._plan_row(ctx, number, values)
        if not isinstance(plan, RowPlan):
            return plan
        if plan.kind == UNCHANGED:
            if pk is None or grade is None or grade == ctx.grades().get(pk):
                return plan
            return RowPlan(number, UPDATED, (pk, {}, grade))
        existing, given = plan.payload
        return RowPlan(number, plan.kind, (existing, given, grade))

    def commit(self, ctx: Any, plans: list[RowPlan]) -> None:
        for plan in plans:
            pk, given, grade = plan.payload
            if pk is None:
                record = Outcome(**given)
            else:
                record = Outcome.objects.select_related("qualification").get(pk=pk)
                for name, value in given.items():
                    setattr(record, name, value)
            save_outcome(record, grade)

    def export_rows(self, user: Any, queryset: Any, *, reveal: bool) -> Iterable[list[Any]]:
        labels = program_sheet_labels(programs_for(user))
        for record in queryset.iterator(chunk_size=1000):
            row = []
            for column in self.columns:
                if column.key == "program_id":
                    program = record.program
                    row.append(labels.get(record.program_id, program.name) if program else "")
                else:
                    row.append(self._export_cell(column, record, reveal))
            yield row


OUTCOME_SHEET = register(
    OutcomeSheet(
        name="outcomes",
        title="培训成效",
        model=Outcome,
        filterset=OutcomeFilter,
        related=("person", "program", "program__organiser", "qualification"),
        key=("person_id", "kind", "date"),
        key_column="person_id",
        columns=[
            *person_columns("person_id", ""),
            RecordColumn(
                "kind",
                "成效类型",
                ("类型", "成效"),
                required=True,
                parse=choice(OutcomeKind, "成效类型"),
                choices=labels_of(OutcomeKind),
                width=18,
                attname="kind",
            ),
            RecordColumn(
                "date", "日期", ("成效日期", "认定日期"), required=True, parse=day, attname="date"
            ),
            RecordColumn(
                "program_id",
                "来源培训",
                ("培训班次", "培训名称"),
                parse=parse_program,
                width=28,
                attname="program_id",
                help="培训班次名称；同名班次写 名称（开始日期），如 养牛技术培训（2026-03-15）",
            ),
            RecordColumn(
                "grade",
                "等级",
                ("认定等级",),
                parse=parse_grade,
                choices=GRADES,
                help="仅“认定新型职业农民”填写：初级、中级、高级",
                export=lambda r, reveal: _grade_of(r) or "",
            ),
            RecordColumn("notes", "说明", ("备注",), parse=text(200), width=24, attname="notes"),
        ],
        instructions=[
            "一行一条培训成效，以“身份证号 + 成效类型 + 日期”识别：已有的按本表更新"
            "（空白单元格保留原值），没有的新增。",
            "人员须为人才库中的人员，填写身份证号（导出的脱敏号码须与姓名一同保留）。",
            "“认定新型职业农民”须填写等级（初级、中级、高级），系统同时登记该人员的"
            "高素质农民认定证书；其他类型不填等级。",
            "来源培训填写培训班次名称；有同名班次时写 名称（开始日期）。",
            "整张表全部正确才会导入。",
        ],
    )
)


# --- 名师带徒 ----------------------------------------------------------------------------------


class MentorshipFilter(FigureFilterSet):
    craft = django_filters.CharFilter(label=_("技艺"), lookup_expr="icontains")
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=MentorshipStatus.choices, empty_label=_("全部")
    )
    name = django_filters.CharFilter(label=_("师傅或徒弟姓名"), method="filter_name")
    org = UnitFilter(label=_("所在单位"), method="filter_org")

    class Meta(FigureFilterSet.Meta):
        model = Mentorship
        fields: list[str] = []

    def filter_name(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(master__name__icontains=value) | Q(apprentice__name__icontains=value))

    def filter_org(self, qs: QuerySet, name: str, value: OrgUnit) -> QuerySet:
        """Pairs whose master or apprentice lives in the unit or below it."""
        units = OrgUnit.objects.subtree_ids(value)
        return qs.filter(Q(master__home_org__in=units) | Q(apprentice__home_org__in=units))

    def figure_rows(self, unit: OrgUnit, period: figures.Period) -> QuerySet:
        return figures.mentorship_rows(unit, period)


def _draft(form: forms.ModelForm, data: dict[str, Any]) -> Any:
    """The record as the form's cleaned values would make it (for rules across fields)."""
    record = copy.copy(form.instance)
    for name in form._meta.fields:
        if name not in data:
            continue
        value = data[name]
        if value is None and record._meta.get_field(name).is_relation:
            continue  # a person whose ID number was wrong: its own error says so
        setattr(record, name, value)
    return record


def _add_problems(form: forms.Form, problems: Problems) -> None:
    for name, message in problems:
        if name not in form.errors:
            form.add_error(name if name in form.fields else None, message)


class MentorshipForm(RecordForm):
    wide_fields = ("result",)

    class Meta:
        model = Mentorship
        fields = ["master", "apprentice", "craft", "start_date", "end_date", "status", "result"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _add_problems(self, mentorship_problems(_draft(self, data)))
        return data


class MentorshipViews(RecordViews):
    model = Mentorship
    slug = "mentorships"
    filterset = MentorshipFilter
    form = MentorshipForm
    sheet = "mentorships"
    nav_template = NAV
    related = ("master", "apprentice")
    ordering = ("-start_date", "-id")
    columns = [
        Show(_("技艺"), "craft", link=RECORD),
        Show(_("师傅"), "master", link=PERSON),
        Show(_("徒弟"), "apprentice", link=PERSON),
        Show(_("开始日期"), "start_date"),
        Show(_("结束日期"), "end_date"),
        Show(_("状态"), "get_status_display"),
        Show(_("成果"), "result"),
    ]
    fields = columns


class MentorshipSheet(MaskedKeys, RecordSheet):
    """名师带徒 rows, keyed by master + apprentice + craft; `mentorship_problems` first, so the
    same person twice reads in Chinese rather than as the database constraint's name."""

    def _problem(self, ctx: RecordContext, record: models.Model, pk: int | None):
        record.pk = pk
        labels = {c.attname.removesuffix("_id"): c.label for c in self.setters}
        for name, message in mentorship_problems(record):
            return labels.get(name, _t("整行")), message
        return super()._problem(ctx, record, pk)


MENTORSHIP_SHEET = register(
    MentorshipSheet(
        name="mentorships",
        title="名师带徒",
        model=Mentorship,
        filterset=MentorshipFilter,
        related=("master", "apprentice"),
        key=("master_id", "apprentice_id", "craft"),
        key_column="apprentice_id",
        columns=[
            *person_columns("master_id", "师傅"),
            *person_columns("apprentice_id", "徒弟"),
            RecordColumn(
                "craft",
                "技艺",
                ("技艺项目", "传承技艺"),
                required=True,
                parse=text(100),
                width=16,
                attname="craft",
            ),
            RecordColumn(
                "start_date",
                "开始日期",
                ("拜师日期",),
                required=True,
                parse=day,
                attname="start_date",
            ),
            RecordColumn("end_date", "结束日期", ("出师日期",), parse=day, attname="end_date"),
            RecordColumn(
                "status",
                "状态",
                (),
                parse=choice(MentorshipStatus, "状态"),
                choices=labels_of(MentorshipStatus),
                help="留空为“在带”",
                attname="status",
            ),
            RecordColumn("result", "成果", (), parse=text(200), width=24, attname="result"),
        ],
        instructions=[
            "一行一对师徒，以“师傅身份证号 + 徒弟身份证号 + 技艺”识别：已有的按本表更新"
            "（空白单元格保留原值），没有的新增。",
            "师傅和徒弟须为人才库中的两个不同人员，填写身份证号（导出的脱敏号码须与姓名一同保留）。",
            "结束日期不能早于开始日期；“已出师”“已终止”须填写结束日期。",
            "整张表全部正确才会导入。",
        ],
    )
)


# --- 储备 -------------------------------------------------------------------------------------


class PoolMembershipFilter(django_filters.FilterSet):
    pool = django_filters.ModelChoiceFilter(
        label=_("储备库"), queryset=Pool.objects.all(), empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=MembershipStatus.choices, empty_label=_("全部")
    )
    name = django_filters.CharFilter(
        label=_("姓名"), field_name="person__name", lookup_expr="icontains"
    )
    org = UnitFilter(label=_("户籍所在单位"), field_name="person__home_org")

    class Meta:
        model = PoolMembership
        fields: list[str] = []


class PoolMembershipForm(RecordForm):
    """Entering a person in a pool (and correcting it); 出库 is its own action. The exit date
    and reason of an exited membership can be corrected here."""

    class Meta:
        model = PoolMembership
        fields = ["person", "pool", "entered_on", "exited_on", "exit_reason"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        if self.instance.status != MembershipStatus.EXITED:
            del self.fields["exited_on"], self.fields["exit_reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _add_problems(self, membership_problems(_draft(self, data)))
        return data


class ExitForm(forms.Form):
    exited_on = forms.DateField(label=_("出库日期"), widget=DatePicker())
    exit_reason = forms.CharField(
        label=_("出库原因"),
        max_length=200,
        error_messages={"required": _("请填写出库原因")},
    )

    def __init__(self, *args: Any, record: PoolMembership, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.record = record

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            draft = copy.copy(self.record)
            draft.status = MembershipStatus.EXITED
            draft.exited_on, draft.exit_reason = data["exited_on"], data["exit_reason"].strip()
            _add_problems(self, membership_problems(draft))
        return data


class PoolMembershipViews(RecordViews):
    model = PoolMembership
    slug = "pools"
    filterset = PoolMembershipFilter
    form = PoolMembershipForm
    sheet = "pool_members"
    nav_template = NAV
    detail_template = "training/pools_detail.html"
    related = ("pool", "person", "person__home_org")
    ordering = ("pool__sort_order", "pool_id", "-entered_on", "-id")
    columns = [
        Show(_("储备库"), "pool", link=RECORD),
        Show(_("人员"), "person", link=PERSON),
        Show(_("户籍所在单位"), "person.home_org.name_path"),
        Show(_("入库日期"), "entered_on"),
        Show(_("状态"), "get_status_display"),
        Show(_("出库日期"), "exited_on"),
        Show(_("出库原因"), "exit_reason"),
    ]
    fields = columns

    def urls(self) -> list[URLPattern]:
        exit_view = allow(roles.edits_records)(self.exit_view)
        return [*super().urls(), path("pools/<int:pk>/exit/", exit_view, name="pools_exit")]

    def detail_context(self, request: HttpRequest, record: Any) -> dict[str, Any]:
        history = (
            self.visible(request)
            .filter(pool_id=record.pool_id, person_id=record.person_id)
            .exclude(pk=record.pk)
            .order_by("-entered_on", "-id")
        )
        today = timezone.localdate()
        return {
            "exit_form": ExitForm(record=record, initial={"exited_on": today}),
            "history": history,
        }

    def exit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """出库: status 已出库 with the date and the (required) reason."""
        record = get_object_or_404(self.editable(request), pk=pk)
        if request.method != "POST":
            return redirect(self.url_name("detail"), pk=pk)
        if record.status != MembershipStatus.ACTIVE:
            messages.error(request, _t("该人员已出库，不能再次出库"))
            return redirect(self.url_name("detail"), pk=pk)
        form = ExitForm(request.POST, record=record)
        if form.is_valid():
            record.status = MembershipStatus.EXITED
            record.exited_on = form.cleaned_data["exited_on"]
            record.exit_reason = form.cleaned_data["exit_reason"].strip()
            with transaction.atomic():
                record.save()
            messages.success(request, _t("已出库：%(name)s") % {"name": record})
            return redirect(self.url_name("detail"), pk=pk)
        return self.detail_view(request, pk, exit_form=form)


@dataclass
class PoolContext(RecordContext):
    active_rows: dict[tuple[int, int], int] = field(default_factory=dict)
    # row → ((pool, person), the stored membership it updates or None, status after the row)
    rows: dict[int, tuple[tuple[int, int], int | None, str]] = field(default_factory=dict)


class PoolSheet(MaskedKeys, RecordSheet):
    """储备 rows, keyed by pool + person + entry date. "Once while active" is judged over the
    batch: a sheet may exit a stored membership and enter the person again in the same upload
    (exits are written first), but may not leave two 在库 memberships of one person in a pool."""

    def context(self, user: Any, options: dict[str, Any]) -> PoolContext:
        base = super().context(user, options)
        return PoolContext(base.user, base.units, base.editable_units, base.model)

    def _problem(self, ctx: RecordContext, record: models.Model, pk: int | None):
        """The membership rules but the stored-twin one (judged in `plan`), the model's field
        rules and the jurisdiction."""
        record.pk = pk
        record._state.adding = pk is None
        labels = {c.attname.removesuffix("_id"): c.label for c in self.setters}
        for name, message in membership_problems(record, others=False):
            return labels.get(name, _t("整行")), message
        try:
            record.full_clean(validate_constraints=False)
        except DjangoValidationError as exc:
            for name, found in exc.message_dict.items():
                return labels.get(name.removesuffix("_id"), _t("整行")), "；".join(found)
        placed = placing_units(record, PoolMembership.objects.all().unit_fields)
        if not set(placed) & ctx.editable_units:
            return _t("整行"), _t("该记录不在您的管辖范围内")
        return None

    def _plan_row(self, ctx: PoolContext, number: int, values: dict[str, Any]):  # type: ignore[override]
        plan = super()._plan_row(ctx, number, values)
        if not isinstance(plan, RowPlan):
            return plan
        pair = (values["pool_id"], values["person_id"])
        stored = self._existing(ctx).get((*pair, values["entered_on"]))
        status = values.get("status") or (
            stored[1]["status"] if stored else MembershipStatus.ACTIVE
        )
        if status == MembershipStatus.ACTIVE:
            if pair in ctx.active_rows:
                return (
                    number,
                    _t("状态"),
                    _t("与第 %(n)d 行是同一人员在同一储备库的在库记录，只能有一条")
                    % {"n": ctx.active_rows[pair]},
                )
            ctx.active_rows[pair] = number
        ctx.rows[number] = (pair, stored[0] if stored else None, status)
        return plan

    def plan(self, ctx: PoolContext, rows: list[tuple[int, dict[str, Any]]]):  # type: ignore[override]
        items = list(super().plan(ctx, rows))
        mine = {i.row: ctx.rows.pop(i.row) for i in items if isinstance(i, RowPlan)}
        touched = {stored for _pair, stored, _status in mine.values() if stored}
        wanted = {pair for pair, _stored, status in mine.values() if status == "active"}
        taken = {
            (pool, member)
            for pool, member in PoolMembership.objects.filter(
                status=MembershipStatus.ACTIVE,
                pool_id__in={p for p, _m in wanted},
                person_id__in={m for _p, m in wanted},
            )
            .exclude(pk__in=touched)
            .values_list("pool_id", "person_id")
        }
        for item in items:
            if isinstance(item, RowPlan):
                pair, _stored, status = mine[item.row]
                if status == MembershipStatus.ACTIVE and pair in taken:
                    yield item.row, _t("身份证号"), _t("该人员已在此储备库中（在库），不能重复入库")
                    continue
            yield item

    def commit(self, ctx: Any, plans: list[RowPlan]) -> None:
        """Exits first, so a re-entry in the same sheet finds the pool free."""
        exiting = [p.payload[1].get("status") == MembershipStatus.EXITED for p in plans]
        ordered = [p for p, e in zip(plans, exiting, strict=True) if e]
        ordered += [p for p, e in zip(plans, exiting, strict=True) if not e]
        super().commit(ctx, ordered)


POOL_SHEET = register(
    PoolSheet(
        name="pool_members",
        title="储备人员",
        model=PoolMembership,
        filterset=PoolMembershipFilter,
        related=("pool", "person"),
        key=("pool_id", "person_id", "entered_on"),
        key_column="person_id",
        columns=[
            RecordColumn(
                "pool_id",
                "储备库",
                ("储备类别",),
                required=True,
                parse=named(Pool),
                width=18,
                attname="pool_id",
                export=lambda r, reveal: r.pool.name,
            ),
            *person_columns("person_id", ""),
            RecordColumn(
                "entered_on",
                "入库日期",
                ("入选日期",),
                required=True,
                parse=day,
                attname="entered_on",
            ),
            RecordColumn(
                "status",
                "状态",
                (),
                parse=choice(MembershipStatus, "状态"),
                choices=labels_of(MembershipStatus),
                help="留空为“在库”",
                attname="status",
            ),
            RecordColumn("exited_on", "出库日期", (), parse=day, attname="exited_on"),
            RecordColumn(
                "exit_reason", "出库原因", (), parse=text(200), width=24, attname="exit_reason"
            ),
        ],
        instructions=[
            "一行一条入库记录，以“储备库 + 身份证号 + 入库日期”识别：已有的按本表更新"
            "（空白单元格保留原值），没有的新增。",
            "人员须为人才库中的人员，填写身份证号（导出的脱敏号码须与姓名一同保留）。",
            "同一人员在同一储备库中只能有一条“在库”记录；出库须将状态写为“已出库”，"
            "并填写出库日期和出库原因。",
            "整张表全部正确才会导入。",
        ],
    )
)


# --- API --------------------------------------------------------------------------------------


def _applied(serializer: serializers.Serializer, attrs: dict[str, Any]) -> Any:
    """The record as `attrs` would leave it (without touching the stored one)."""
    model = serializer.Meta.model
    instance = serializer.instance
    record = copy.copy(instance) if isinstance(instance, models.Model) else model()
    for key, value in attrs.items():
        setattr(record, key, value)
    return record


def ruled(rules: Callable[[Any], Problems]) -> type[RecordSerializer]:
    """A record serializer whose writes also pass `rules` (a 400 naming the field, in Chinese)."""

    class Ruled(RecordSerializer):
        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if problems := rules(_applied(self, attrs)):
                raise ValidationError({name: [message] for name, message in problems})
            return super().validate(attrs)

    return Ruled


class OutcomeSerializer(RecordSerializer):
    """An outcome; `grade` is the 认定新型职业农民 certificate's (required for that kind)."""

    person_name = serializers.CharField(source="person.name", read_only=True)
    grade = serializers.ChoiceField(
        choices=list(GRADES), required=False, allow_blank=True, help_text="认定新型职业农民的等级"
    )

    class Meta:
        model = Outcome
        fields = ["id", "person", "person_name", "kind", "date", "program", "notes", "grade"]
        fields += ["qualification"]
        read_only_fields = ["qualification"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        instance = self.instance if isinstance(self.instance, models.Model) else None
        self.fields["program"].queryset = programs_for(
            getattr(request, "user", None), keep=instance.program_id if instance else None
        )

    def to_representation(self, instance: Outcome) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["grade"] = _grade_of(instance) or ""
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        grade = attrs.get("grade") or None
        instance = self.instance if isinstance(self.instance, models.Model) else None
        kind = attrs.get("kind", instance.kind if instance else None)
        has = bool(instance and instance.qualification_id)
        if problem := grade_problem(kind, grade, has_grade=has):
            raise ValidationError({"grade": [problem]})
        super().validate({k: v for k, v in attrs.items() if k != "grade"})
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Outcome:
        grade = validated_data.pop("grade", "") or None
        return save_outcome(Outcome(**validated_data), grade)

    def update(self, instance: Outcome, validated_data: dict[str, Any]) -> Outcome:
        grade = validated_data.pop("grade", "") or None
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return save_outcome(instance, grade)


_OutcomeBase = record_viewset(
    Outcome,
    OutcomeFilter,
    ["person", "kind", "date", "program", "notes"],
    related=("person", "program", "qualification"),
)


class OutcomeViewSet(_OutcomeBase):  # type: ignore[misc, valid-type]
    """培训成效：本辖区内的记录；认定新型职业农民须填写 grade，同时登记资质证书。"""

    serializer_class = OutcomeSerializer

    def remove(self, record: Outcome) -> None:
        delete_outcome(record)


VIEWS = [OutcomeViews(), MentorshipViews(), PoolMembershipViews()]
ROUTES: list[tuple[str, Any, str]] = [
    ("training/outcomes", OutcomeViewSet, "training-outcome"),
    (
        "training/mentorships",
        record_viewset(
            Mentorship,
            MentorshipFilter,
            ["master", "apprentice", "craft", "start_date", "end_date", "status", "result"],
            related=("master", "apprentice"),
            base=ruled(mentorship_problems),
        ),
        "training-mentorship",
    ),
    (
        "training/pool-members",
        record_viewset(
            PoolMembership,
            PoolMembershipFilter,
            ["pool", "person", "entered_on", "status", "exited_on", "exit_reason"],
            related=("pool", "person"),
            base=ruled(membership_problems),
        ),
        "training-pool-member",
    ),
]
