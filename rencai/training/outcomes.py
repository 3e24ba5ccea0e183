"""培训成效 (Outcome) through the web, the import engine and the API, scoped, masked and audited
like the people register; 名师带徒 is in mentorships.py, 储备 in pool_members.py.

Decisions this module makes (and its tests hold):

- recognition as a 新型职业农民 is also a certificate in the register, so such an outcome
  always goes through `actions.record_outcome` (which creates the 高素质农民认定 Qualification with
  its grade) — from the page, an import row or the API alike. Editing keeps the Qualification in
  step (person, grade, date = 发证日期); changing the kind away from 认定新型职业农民 deletes it;
  deleting the outcome deletes it too (it exists only because of the outcome). A grade given
  for any other kind is an error rather than silently dropped.
- 来源培训 in a sheet is written by name; where names repeat, as 名称（开始日期）, and where even
  that repeats, as 主办单位/名称（开始日期）. Exports write the shortest form that is unique."""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from rencai.imports.dates import DateError, parse_date
from rencai.imports.reader import cell_text
from rencai.imports.sheets import UNCHANGED, UPDATED, CellError, RowPlan, register
from rencai.orgs.models import OrgUnit
from rencai.people.choices import QUALIFICATION_LEVELS, QualificationKind
from rencai.people.models import Qualification
from rencai.records.api import RecordSerializer, record_viewset
from rencai.records.forms import RecordForm
from rencai.records.sheets import (
    RecordColumn,
    RecordContext,
    RecordSheet,
    choice,
    day,
    labels_of,
    person_columns,
    text,
)
from rencai.records.versions import saved_checked
from rencai.records.views import PERSON, RECORD, Cell, RecordViews, Show
from rencai.standards.text import fold
from rencai.training import figures
from rencai.training.actions import record_outcome
from rencai.training.choices import OutcomeKind
from rencai.training.filters import FigureFilterSet, UnitFilter
from rencai.training.models import Attendance, Outcome, TrainingProgram
from rencai.training.rules import MaskedKeys
from rencai.widgets import DatePicker

NAV = "training/_nav_include.html"
GRADES: tuple[str, ...] = QUALIFICATION_LEVELS[QualificationKind.FARMER]
PROGRAM = "program"  # a Show link: to the program's page, when the user may open it


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
    count_measure = _("个")  # the measure of its figure (rencai/training/figures_registry.py)
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


# --- API --------------------------------------------------------------------------------------


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


VIEWS = [OutcomeViews()]
ROUTES: list[tuple[str, Any, str]] = [("training/outcomes", OutcomeViewSet, "training-outcome")]
