"""The 人员信息表: the import/export sheet of 人员 (Person), whose other parts are in persons.py.

One row is one Person, keyed by ID number. A blank cell keeps what the register holds (an
import never erases), so exporting and importing again changes nothing. An export that masks
identifiers carries the 人员编号 (the register's own number), and a masked ID or phone that
matches the stored one reads as "unchanged".
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.accounts import roles
from rencai.imports.cells import (
    EMPLOYER_POST,
    Masked,
    choice_parser,
    code_parser,
    parse_id,
    parse_partial_date,
    parse_text,
    split_employer_post,
)
from rencai.imports.options import EXPORT, OptionError, SheetOption, unit_option
from rencai.imports.reader import cell_text
from rencai.imports.sheets import NEW, UNCHANGED, UPDATED, CellError, Column, RowPlan, Sheet
from rencai.orgs.models import OrgUnit
from rencai.orgs.resolve import UnitResolver
from rencai.people import validation
from rencai.people.bulk import PersonBulkWriter
from rencai.people.choices import PersonStatus, Source
from rencai.people.models import Person, TalentCategory
from rencai.people.persons_preview import describe_person
from rencai.standards import codes
from rencai.standards.idnumber import IdNumber, mask_id_number
from rencai.standards.phone import mask_phone
from rencai.standards.pinyin import initials
from rencai.standards.text import fold

CATEGORY_SEPARATORS = re.compile(r"[、,，;；/|\s]+")


def parse_name(raw: Any, ctx: Any) -> str:
    try:
        return validation.clean_name(cell_text(raw))
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from exc


def parse_phone(raw: Any, ctx: Any):
    text = cell_text(raw)
    if "*" in text:
        return Masked(fold(text).replace(" ", ""))
    try:
        return validation.clean_phone(text)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from exc


def parse_unit(raw: Any, ctx: "PersonSheetContext") -> int:
    return ctx.units(raw)


def parse_categories(raw: Any, ctx: "PersonSheetContext") -> tuple[int, ...]:
    ids = []
    for name in CATEGORY_SEPARATORS.split(fold(cell_text(raw))):
        if not name:
            continue
        if name not in ctx.categories:
            raise CellError(
                _("人才类别“%(n)s”不存在，可填写：%(all)s")
                % {"n": name, "all": "、".join(list(ctx.categories)[:12]) + "等"}
            )
        ids.append(ctx.categories[name])
    return tuple(sorted(set(ids)))


def parse_number(raw: Any, ctx: Any) -> int:
    text = cell_text(raw)
    if not text.isdigit():
        raise CellError(_("人员编号应为数字，实际为“%(t)s”") % {"t": text})
    return int(text)


def _labels(table: codes.CodeTable) -> list[str]:
    return [c.label for c in table]


COLUMNS = [
    Column(
        "person_no",
        "人员编号",
        ("系统编号",),
        parse=parse_number,
        width=10,
        help="导出时由系统填写；新登记的人员请留空",
    ),
    Column("name", "姓名", ("人员姓名",), required=True, parse=parse_name, width=10),
    Column(
        "gender",
        "性别",
        (),
        parse=code_parser(codes.GENDER),
        choices=["男", "女"],
        width=6,
        help="可不填，按身份证号判断；填写时须与身份证号一致",
    ),
    Column(
        "birth_date",
        "出生日期",
        ("出生年月", "出生年月日"),
        parse=parse_partial_date,
        width=12,
        help="可不填；填写时须与身份证号一致，如 1985-03-12、1985.03",
    ),
    Column(
        "id_number",
        "身份证号",
        ("公民身份号码", "身份证号码", "身份证", "证件号码"),
        required=True,
        parse=parse_id,
        text=True,
        width=22,
        help="18 位（旧 15 位可自动升级）；本列须为文本格式",
    ),
    Column(
        "ethnicity",
        "民族",
        (),
        parse=code_parser(codes.ETHNICITY),
        choices=_labels(codes.ETHNICITY),
        width=8,
    ),
    Column(
        "political_status",
        "政治面貌",
        (),
        parse=code_parser(codes.POLITICAL_STATUS),
        choices=_labels(codes.POLITICAL_STATUS),
        width=12,
    ),
    Column(
        "education",
        "学历",
        ("文化程度", "最高学历"),
        parse=code_parser(codes.EDUCATION),
        choices=[label for _group, label in codes.EDUCATION_GROUPS],
        width=10,
    ),
    Column(
        "degree",
        "学位",
        (),
        parse=code_parser(codes.DEGREE),
        choices=_labels(codes.DEGREE),
        width=8,
    ),
    Column(
        "phone",
        "手机号码",
        ("联系电话", "联系方式", "手机", "电话"),
        parse=parse_phone,
        text=True,
        width=14,
    ),
    Column(
        "home_org",
        "户籍/居住地",
        (
            "所在村(社区)",
            "所在村（社区）",
            "村(社区)",
            "家庭住址",
            "户籍所在地",
            "居住地",
            "所在组织",
            "组织路径",
        ),
        required=True,
        parse=parse_unit,
        width=24,
        help="组织路径，如 示范县/城关镇/东关村，或本辖区内唯一的村(社区)名称",
    ),
    Column(
        "work_org",
        "工作单位",
        ("工作单位(组织)",),
        parse=parse_unit,
        width=20,
        help="本系统中的单位（路径或名称）；不在系统中的单位请填“工作单位名称”",
    ),
    Column("employer", "工作单位名称", ("单位名称",), parse=parse_text(100), width=20),
    Column("post", "职务/岗位", ("职务", "岗位", "单位职务"), parse=parse_text(100), width=12),
    Column("title_series", "职称系列", (), parse=parse_text(50), width=10),
    Column(
        "title_level",
        "职称等级",
        ("职称", "专业技术职务"),
        parse=code_parser(codes.TITLE_LEVEL),
        choices=_labels(codes.TITLE_LEVEL),
        width=10,
    ),
    Column(
        "skill_level",
        "技能等级",
        ("职业技能等级",),
        parse=code_parser(codes.SKILL_LEVEL),
        choices=_labels(codes.SKILL_LEVEL),
        width=12,
    ),
    Column(
        "specialty",
        "从事产业/专业特长",
        ("从事产业", "专业特长", "专长", "产业", "熟悉专业有何专长"),
        parse=parse_text(100),
        width=14,
    ),
    Column(
        "source",
        "来源",
        ("人才来源",),
        parse=choice_parser(Source, "来源"),
        choices=[str(c.label) for c in Source],
        width=8,
    ),
    Column(
        "status",
        "状态",
        ("人员状态",),
        parse=choice_parser(PersonStatus, "状态"),
        choices=[str(c.label) for c in PersonStatus],
        width=8,
    ),
    Column(
        "categories",
        "人才类别",
        ("类别",),
        parse=parse_categories,
        width=24,
        help="多个类别用顿号分隔，如 农村实用人才、土专家",
    ),
    Column("notes", "备注", (), parse=parse_text(2000), width=20),
]

# Sheet column key → Person attname, for the plain fields compared and written as they are.
PLAIN = [
    "name",
    "ethnicity",
    "political_status",
    "education",
    "degree",
    "employer",
    "post",
    "title_series",
    "title_level",
    "skill_level",
    "specialty",
    "source",
    "status",
    "notes",
]


def gender_problem(gender: str | None, parsed: IdNumber) -> str | None:
    """Why a 性别 cell contradicts the ID number (the 17th digit), or None."""
    if gender and gender != parsed.gender:
        return _("性别与身份证号不一致（身份证号第 17 位表示%(g)s）") % {
            "g": "男" if parsed.gender == "1" else "女"
        }
    return None


def new_person_values(name: str, parsed: IdNumber, **fields: Any) -> dict[str, Any]:
    """{attname: value} of a Person a sheet registers, for PersonBulkWriter: what the name and
    the ID number give (search keys, gender, birth date), then `fields`."""
    return {
        "name": name,
        "name_initials": initials(name)[:50],
        "id_number": parsed.number,
        "id_reversed": parsed.number[::-1],
        "gender": parsed.gender,
        "birth_date": parsed.birth_date.isoformat(),  # cheaper to spool than a date
        **fields,
    }


STORED = ["pk", "id_number", "phone", "home_org_id", "work_org_id", *PLAIN]


def stored_people(column: str, keys: list[Any]) -> Iterator[dict[str, Any]]:
    """{STORED field: value} of each Person whose `column` is one of `keys` — what a row is
    compared with. In plain SQL: the ORM spends more on 5,000 IN parameters than the database
    does on the lookup."""
    qn = connection.ops.quote_name
    columns = {f.attname: f.column for f in Person._meta.concrete_fields}
    columns["pk"] = Person._meta.pk.column
    select = ", ".join(qn(columns[name]) for name in STORED)
    table = qn(Person._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 900):
            chunk = keys[start : start + 900]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {select} FROM {table} WHERE {qn(column)} IN ({marks})", chunk)
            for row in cursor.fetchall():
                yield dict(zip(STORED, row, strict=True))


@dataclass
class PersonSheetContext:
    user: Any
    units: UnitResolver
    categories: dict[str, int]
    editable_units: set[int] | None  # None: every unit (the sole root's admin)
    writer: PersonBulkWriter | None = None
    category_names: dict[int, str] = field(default_factory=dict)


class PersonSheet(Sheet):
    # Offices' rosters often hold employer and post in one column: split into the two fields.
    extra_columns = (EMPLOYER_POST,)
    describe = describe_person  # old → new for the preview

    def context(self, user: Any, options: dict[str, Any]) -> PersonSheetContext:
        if not roles.edits_records(user):
            raise CellError(_("您的角色不能导入人员"))
        org = user.org
        editable = (
            None if OrgUnit.objects.is_sole_root(org) else set(OrgUnit.objects.subtree_ids(org))
        )
        cats = dict(TalentCategory.objects.values_list("name", "pk"))
        return PersonSheetContext(
            user, UnitResolver(user), cats, editable, category_names={v: k for k, v in cats.items()}
        )

    def row_key(self, values: dict[str, Any]) -> Any:
        number = values.get("id_number")
        if isinstance(number, Masked):
            return ("no", values.get("person_no"))
        return number.number

    def key_label(self, key: Any) -> str:
        if isinstance(key, tuple):
            return _("人员编号 %(n)s") % {"n": key[1]}
        return _("身份证号 %(n)s") % {"n": mask_id_number(key)}

    def _editable(self, ctx: PersonSheetContext, home: int | None, work: int | None) -> bool:
        if ctx.editable_units is None:
            return True
        return home in ctx.editable_units or work in ctx.editable_units

    def plan(self, ctx: PersonSheetContext, rows: list[tuple[int, dict[str, Any]]]):
        numbers = [
            v["id_number"].number for _n, v in rows if not isinstance(v["id_number"], Masked)
        ]
        pks = [v.get("person_no") for _n, v in rows if v.get("person_no")]
        existing = {row["id_number"]: row for row in stored_people("id_number", numbers)}
        by_pk = {row["pk"]: row for row in stored_people(Person._meta.pk.column, pks)}
        if existing or by_pk:
            ids = [r["pk"] for r in (*existing.values(), *by_pk.values())]
            cats: dict[int, list[int]] = {}
            through = Person.categories.through.objects.filter(person_id__in=ids)
            for person_id, cat in through.values_list("person_id", "talentcategory_id"):
                cats.setdefault(person_id, []).append(cat)
            for row in (*existing.values(), *by_pk.values()):
                row["categories"] = sorted(cats.get(row["pk"], []))
        for number, values in rows:
            split_employer_post(values)
            yield from self._plan_row(ctx, number, values, existing, by_pk)

    def _plan_row(self, ctx, number, values, existing, by_pk):
        id_value = values["id_number"]
        label = self.column
        if isinstance(id_value, Masked):
            current = by_pk.get(values.get("person_no"))
            # A person outside the importer's reach answers as a wrong mask would: a different
            # answer for a right one would confirm a guess at a stranger's number.
            if (
                current is None
                or not self._editable(ctx, current["home_org_id"], current["work_org_id"])
                or mask_id_number(current["id_number"]) != id_value.text
            ):
                yield (
                    number,
                    label("id_number").label,
                    _("身份证号已脱敏，且与人员编号对应的人员不符；新登记请填写完整身份证号"),
                )
                return
        else:
            current = existing.get(id_value.number)
            problem = self._check_id_agreement(values, id_value)
            if problem:
                yield (number, *problem)
                return
        phone = values.get("phone")
        if isinstance(phone, Masked) and (
            current is None or mask_phone(current["phone"]) != phone.text
        ):
            yield (number, label("phone").label, _("手机号码已脱敏，无法识别；请填写完整手机号码"))
            return
        if current is None:
            yield self._plan_new(ctx, number, values, id_value)
            return
        if not self._editable(ctx, current["home_org_id"], current["work_org_id"]):
            yield self._registered_elsewhere(ctx, number, values, current)
            return
        yield self._plan_update(ctx, number, values, current)

    def _registered_elsewhere(self, ctx, number, values, current) -> RowPlan | tuple:
        """A row naming a person whom units outside the importer's reach registered: an error
        here (the census roster records a conflict instead), in the same words the form and
        the API use, which confirm neither the registration nor the name."""
        return (number, self.column("id_number").label, validation.CANNOT_REGISTER)

    def _check_id_agreement(self, values, parsed) -> tuple[str, str] | None:
        birth = values.get("birth_date")
        if birth is not None:
            agrees = (
                birth.year,
                birth.month or parsed.birth_date.month,
                birth.day or parsed.birth_date.day,
            ) == (parsed.birth_date.year, parsed.birth_date.month, parsed.birth_date.day)
            if not agrees:
                message = _("出生日期与身份证号不一致（身份证号为 %(d)s）") % {
                    "d": parsed.birth_date.isoformat()
                }
                if birth.ambiguous:  # 1985.10 typed as a number is stored by Excel as 1985.1
                    message += _(
                        "；该单元格是数字 %(y)d.%(m)d，Excel 会把 %(y)d.%(m)d0 存成它，"
                        "请将该列设为文本后重新填写"
                    ) % {"y": birth.year, "m": birth.month}
                return (self.column("birth_date").label, message)
        if problem := gender_problem(values.get("gender"), parsed):
            return (self.column("gender").label, problem)
        return None

    def _outside(self, ctx, unit: int | None) -> str | None:
        """The unit's path when the importer may not put a record there."""
        if unit is None or unit in ctx.units.visible:
            return None
        return ctx.units.paths.get(unit, str(unit))

    def _plan_new(self, ctx, number, values, parsed):
        for key in ("home_org", "work_org"):
            if path := self._outside(ctx, values.get(key)):
                return (
                    number,
                    self.column(key).label,
                    _("“%(p)s”不在您的管辖范围内") % {"p": path},
                )
        new = new_person_values(
            values["name"],
            parsed,
            phone=values.get("phone") or "",
            home_org_id=values["home_org"],
            work_org_id=values.get("work_org"),
        )
        for key in PLAIN:
            if values.get(key) is not None:
                new[key] = values[key]
        new.setdefault("source", Source.LOCAL)
        new.setdefault("status", PersonStatus.ACTIVE)
        return RowPlan(number, NEW, (new, list(values.get("categories") or ())))

    def _plan_update(self, ctx, number, values, current):
        changed: dict[str, Any] = {}
        for key in PLAIN:
            value = codes.refined(key, values.get(key), current[key])
            if value is not None and value != current[key]:
                changed[key] = value
        if "name" in changed:
            changed["name_initials"] = initials(values["name"])[:50]
        phone = values.get("phone")
        if isinstance(phone, str) and phone and phone != current["phone"]:
            changed["phone"] = phone
        for key in ("home_org", "work_org"):
            value = values.get(key)
            if value is not None and value != current[f"{key}_id"]:
                if path := self._outside(ctx, value):
                    return (
                        number,
                        self.column(key).label,
                        _("“%(p)s”不在您的管辖范围内") % {"p": path},
                    )
                changed[f"{key}_id"] = value
        if ("home_org_id" in changed or "work_org_id" in changed) and not self._editable(
            ctx,
            changed.get("home_org_id", current["home_org_id"]),
            changed.get("work_org_id", current["work_org_id"]),
        ):
            return (number, self.column("home_org").label, _("修改后该人员将不在您的管辖范围内"))
        new_cats = values.get("categories")
        if new_cats is not None:
            new_cats = None if list(new_cats) == current["categories"] else list(new_cats)
        if not changed and new_cats is None:
            return RowPlan(number, UNCHANGED)
        old = {k: current[k] for k in ("name", "phone", "home_org_id", "work_org_id", *PLAIN)}
        old["id_number"] = current["id_number"]
        return RowPlan(
            number, UPDATED, (current["pk"], changed, old, new_cats, current["categories"])
        )

    def commit(self, ctx: PersonSheetContext, plans: list[RowPlan]) -> None:
        if ctx.writer is None:
            ctx.writer = PersonBulkWriter()
        creates = [p.payload for p in plans if p.kind == NEW]
        updates = [p.payload for p in plans if p.kind == UPDATED]
        ctx.writer.write(creates, updates)

    def after_commit(self, ctx: PersonSheetContext) -> None:
        if ctx.writer is not None:
            ctx.writer.analyze()

    def export_queryset(self, user: Any, params: dict[str, Any]) -> Any:
        from types import SimpleNamespace

        from django.http import QueryDict

        from rencai.listing import filtered
        from rencai.people.persons_filter import PersonFilter

        data = QueryDict(mutable=True)
        for key, value in params.items():
            if value not in (None, ""):
                data[key] = value
        filterset = PersonFilter(
            data or None,
            queryset=Person.objects.visible_to(user),
            request=SimpleNamespace(user=user),
        )
        return filtered(filterset).order_by("pk")

    def export_rows(self, user: Any, queryset: Any, *, reveal: bool):
        queryset = queryset.select_related("home_org", "work_org").prefetch_related("categories")
        for p in queryset.iterator(chunk_size=2000):
            yield [
                p.pk,
                p.name,
                p.get_gender_display(),
                p.birth_date.isoformat() if reveal else p.birth_month,
                p.id_number if reveal else p.masked_id_number,
                p.get_ethnicity_display(),
                p.get_political_status_display(),
                codes.education_group_label(p.education),
                p.get_degree_display(),
                p.phone if reveal else p.masked_phone,
                p.home_org.name_path,
                p.work_org.name_path if p.work_org else "",
                p.employer,
                p.post,
                p.title_series,
                p.get_title_level_display(),
                p.get_skill_level_display(),
                p.specialty,
                p.get_source_display(),
                p.get_status_display(),
                "、".join(c.name for c in p.categories.all()),
                p.notes,
            ]


def _category_option(user: Any, text: str, resolved: dict[str, Any]) -> dict[str, Any]:
    """`--category 农村实用人才`: the list page's 人才类别 filter, by the category's name."""
    category = TalentCategory.objects.filter(name=text.strip()).first()
    if category is None:
        raise OptionError(_("找不到人才类别“%(t)s”") % {"t": text})
    return {"category": category.pk}


# `rencai export persons --org 示范县/城关镇 --category 农村实用人才`
PERSON_OPTIONS = [
    unit_option(),
    SheetOption(
        "category",
        gettext_lazy("人才类别名称"),
        _category_option,
        commands=(EXPORT,),
        metavar="类别",
    ),
]

PERSON_SHEET = PersonSheet(
    name="persons",
    title="人员信息表",
    columns=COLUMNS,
    key_column="id_number",
    instructions=[
        "一行登记一名人员，以身份证号识别：已在人才库中的人员按本表更新，不在的新增。",
        "空白单元格表示不修改该项（导入不会清空已有内容）。",
        "身份证号、手机号码两列须为文本格式：Excel 会把 18 位数字存成科学计数法并丢失末几位。",
        "整张表全部正确才会导入；有错误时不写入任何数据，并给出错误明细表。",
    ],
    command_options=PERSON_OPTIONS,
)
