"""The 培训签到表 (`attendance`): a program's sign-in sheet as offices keep it — 序号, 姓名, 性别,
从事产业, 单位职务或家庭住址, 身份证号码, 联系方式 — imported into that program's ledger (the job's
options name the program).

One row is one 人次, keyed by ID number: the same person twice in the file is rejected (both
rows named); a person already in the program's ledger is "unchanged", so importing the sheet
again changes nothing. A trainee the register does not hold yet is registered from the row, in
the importer's jurisdiction: in the unit the 单位职务或家庭住址 cell names when it is one of the
importer's units, otherwise in the program's organiser unit (the cell is kept in the person's
notes). A trainee the register already holds is never changed by a sign-in sheet."""

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.accounts import roles
from rencai.audit.bulk import BulkWriter
from rencai.imports.cells import Masked, code_parser, parse_id, parse_text
from rencai.imports.options import EXPORT, IMPORT, SheetOption, by_id_or_name
from rencai.imports.sheets import NEW, UNCHANGED, CellError, Column, RowPlan, Sheet
from rencai.orgs.resolve import UnitResolver
from rencai.people.bulk import PersonBulkWriter
from rencai.people.choices import PersonStatus, Source
from rencai.people.models import Person
from rencai.people.sheets import (
    gender_problem,
    new_person_values,
    parse_name,
    parse_phone,
    stored_people,
)
from rencai.records.sheets import RecordColumn, RecordSheet, day, decimal, named, text, unit_column
from rencai.standards import codes
from rencai.standards.idnumber import mask_id_number
from rencai.training.filters import ProgramFilter
from rencai.training.models import Attendance, TrainingBase, TrainingCategory, TrainingProgram

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
            raise CellError(_("您的角色不能导入培训签到表"))
        program = self._program(user, options.get("program"))
        if program is None:
            raise CellError(_("请从培训班次页面导入该班次的签到表"))
        enrolled = set(program.attendances.values_list("person_id", flat=True))
        return AttendanceContext(user, program, UnitResolver(user), enrolled)

    def row_key(self, values: dict[str, Any]) -> Any:
        number = values["id_number"]
        return number.text if isinstance(number, Masked) else number.number

    def key_label(self, key: Any) -> str:
        return _("身份证号 %(n)s") % {"n": mask_id_number(key)}

    def plan(self, ctx: AttendanceContext, rows: list[tuple[int, dict[str, Any]]]):
        numbers = [
            v["id_number"].number for _n, v in rows if not isinstance(v["id_number"], Masked)
        ]
        stored = {row["id_number"]: row["pk"] for row in stored_people("id_number", numbers)}
        for number, values in rows:
            parsed = values["id_number"]
            if isinstance(parsed, Masked):
                yield (number, self.column("id_number").label, _("身份证号已脱敏，请填写完整号码"))
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
                    _("“%(p)s”不在您的管辖范围内") % {"p": ctx.units.paths[unit]},
                )
            home = unit
        new = new_person_values(
            values["name"],
            parsed,
            phone=values.get("phone") or "",
            home_org_id=home,
            specialty=values.get("specialty") or "",
            notes=_("单位职务或家庭住址：%(a)s") % {"a": address} if address else "",
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


ATTENDANCE_SHEET = AttendanceSheet(
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
            gettext_lazy("培训班次的编号或名称（导入时必填）"),
            _program_option,
            commands=(IMPORT, EXPORT),
            required_for=(IMPORT,),
            metavar="班次",
        )
    ],
)


class ProgramSheet(RecordSheet):
    """培训班次表: one row per program, keyed by 培训名称 + 主办单位 + 开始日期."""

    def _problem(self, ctx: Any, record: Any, pk: int | None):
        if record.start_date and record.end_date and record.end_date < record.start_date:
            return self.column("end_date").label, _("结束日期不能早于开始日期")
        return super()._problem(ctx, record, pk)


PROGRAM_SHEET = ProgramSheet(
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
