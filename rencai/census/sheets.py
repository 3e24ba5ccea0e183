"""The census's two import sheets.

- 普查名册 (`census_roster`): the 人员信息表 submitted for one reporting unit of a round (the job's
  options name the round and the unit). It imports like the people sheet, scoped to the unit,
  except that a row naming a person another unit registered is neither applied nor an error: it
  becomes a 普查冲突 for the county to settle, and the rest of the roster imports.
- 人才需求表 (`census_demand`): the units' declared needs for the round, one row per (unit,
  specialty, level); importing again updates the count.
"""

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.accounts import roles
from rencai.census import actions
from rencai.census.choices import DemandLevel
from rencai.census.models import CensusRound, CensusUnit, Demand
from rencai.imports.cells import choice_parser, parse_text
from rencai.imports.options import IMPORT, OptionError, SheetOption
from rencai.imports.reader import cell_text
from rencai.imports.sheets import (
    CONFLICT,
    NEW,
    UNCHANGED,
    UPDATED,
    CellError,
    Column,
    RowPlan,
    Sheet,
)
from rencai.orgs.models import OrgUnit
from rencai.orgs.resolve import UnitResolver
from rencai.people.sheets import COLUMNS as PERSON_COLUMNS
from rencai.people.sheets import (
    PERSON_SHEET,
    PersonSheet,
    PersonSheetContext,
)


def _option_id(params: Any, key: str) -> int:
    value = str(params.get(key) or "")
    if not value.isdigit():
        raise Http404
    return int(value)


def _round_option(user: Any, text: str, resolved: dict[str, Any]) -> dict[str, Any]:
    """`--round 3` or `--round 2025`: a census round the user sees, by id or year, passed as the
    census pages pass ?census_round= to the upload page."""
    rounds = CensusRound.objects.visible_to(user)
    text = text.strip()
    found = list(rounds.filter(pk=int(text))) if text.isdigit() else []
    if not found and text.isdigit():
        found = list(rounds.filter(year=int(text)).select_related("org")[:10])
    if not found:
        raise OptionError(
            _("找不到普查轮次“%(t)s”（填编号或年度），或不在您的管辖范围内") % {"t": text}
        )
    if len(found) > 1:
        raise OptionError(
            _("%(t)s 年有多轮普查，请改用编号：%(ids)s")
            % {"t": text, "ids": "、".join(f"{r.pk}（{r.org.name}）" for r in found)}
        )
    return {"census_round": found[0].pk}


def _unit_option(user: Any, text: str, resolved: dict[str, Any]) -> dict[str, Any]:
    """`--unit 示范县/城关镇`: the reporting unit of the round named by --round, by its path."""
    if "census_round" not in resolved:
        raise OptionError(_("请同时用 --round 指定普查轮次"))
    org = OrgUnit.objects.by_path_text(text)
    unit = (
        CensusUnit.objects.visible_to(user)
        .filter(round_id=resolved["census_round"], org=org)
        .first()
        if org is not None
        else None
    )
    if unit is None:
        raise OptionError(_("“%(t)s”不是本轮普查的报送单位，或不在您的管辖范围内") % {"t": text})
    return {"census_unit": unit.pk}


ROUND_OPTION = SheetOption(
    "round",
    gettext_lazy("普查轮次的编号或年度（必填）"),
    _round_option,
    commands=(IMPORT,),
    required_for=(IMPORT,),
    metavar="轮次",
)


# -- 普查名册 ------------------------------------------------------------------------------------


@dataclass
class RosterContext(PersonSheetContext):
    census_unit: CensusUnit | None = None


class CensusRosterSheet(PersonSheet):
    """The 人员信息表 as a census submission. The editable scope is the reporting unit's subtree
    (not the importer's whole jurisdiction): a county admin submitting for one township cannot
    overwrite another township's person either."""

    def may_import(self, user: Any) -> bool:
        return actions.submits_census(user)

    def _unit(self, user: Any, round_id: Any, unit_id: Any) -> CensusUnit | None:
        return (
            CensusUnit.objects.visible_to(user)
            .select_related("round", "org")
            .filter(pk=unit_id, round_id=round_id)
            .first()
        )

    def upload_options(self, user: Any, params: Any) -> dict[str, Any]:
        round_id, unit_id = _option_id(params, "census_round"), _option_id(params, "census_unit")
        if self._unit(user, round_id, unit_id) is None:
            raise Http404
        return {"census_round": round_id, "census_unit": unit_id}

    def options_label(self, options: dict[str, Any]) -> str:
        unit = (
            CensusUnit.objects.select_related("round", "org")
            .filter(pk=options.get("census_unit"))
            .first()
        )
        return f"{unit.round} · {unit.org.name}" if unit else ""

    def context(self, user: Any, options: dict[str, Any]) -> RosterContext:
        ctx = super().context(user, options)
        if not actions.submits_census(user):
            raise CellError(_("只有乡镇(街道)管理员或县人才办可以报送普查名册"))
        unit = self._unit(user, options.get("census_round"), options.get("census_unit"))
        if unit is None:
            raise CellError(_("请从人才普查页面报送本单位的名册"))
        if problem := unit.submit_problem():
            raise CellError(problem)
        scope = (
            None
            if OrgUnit.objects.is_sole_root(unit.org)
            else set(OrgUnit.objects.subtree_ids(unit.org))
        )
        return RosterContext(**{**vars(ctx), "editable_units": scope}, census_unit=unit)

    def _outside_unit(self, ctx: RosterContext, number: int) -> tuple:
        return (
            number,
            self.column("home_org").label,
            _("户籍/居住地和工作单位都不在报送单位“%(u)s”内")
            % {"u": ctx.census_unit.org.name_path},
        )

    def _plan_new(self, ctx, number, values, parsed):
        plan = super()._plan_new(ctx, number, values, parsed)
        if isinstance(plan, RowPlan) and not self._editable(
            ctx, values["home_org"], values.get("work_org")
        ):
            return self._outside_unit(ctx, number)
        return plan

    def _registered_elsewhere(self, ctx, number, values, current):
        home, work = values["home_org"], values.get("work_org")
        if not self._editable(ctx, home, work or current["work_org_id"]):
            return self._outside_unit(ctx, number)
        return RowPlan(number, CONFLICT, (current["pk"], home, work))

    def commit(self, ctx: RosterContext, plans: list[RowPlan]) -> None:
        super().commit(ctx, plans)
        conflicts = [p.payload for p in plans if p.kind == CONFLICT]
        if conflicts:
            actions.record_conflicts(ctx.census_unit, conflicts)


ROSTER_SHEET = CensusRosterSheet(
    name="census_roster",
    title=PERSON_SHEET.title,
    columns=PERSON_COLUMNS,
    key_column=PERSON_SHEET.key_column,
    instructions=[
        *PERSON_SHEET.instructions,
        "本表为人才普查名册：已由其他单位登记的人员不会被修改，记为“冲突”交县人才办处理，"
        "其余人员照常导入。",
    ],
    command_options=[
        ROUND_OPTION,
        SheetOption(
            "unit",
            gettext_lazy("报送单位的组织路径，如 示范县/城关镇（必填）"),
            _unit_option,
            commands=(IMPORT,),
            required_for=(IMPORT,),
            metavar="组织路径",
        ),
        *PERSON_SHEET.command_options,
    ],
)


def on_roster_committed(sender: Any, job: Any, **kwargs: Any) -> None:
    """已报: a committed roster marks its unit submitted and links the job."""
    if job.sheet != ROSTER_SHEET.name:
        return
    unit = CensusUnit.objects.filter(
        pk=job.options.get("census_unit"), round_id=job.options.get("census_round")
    ).first()
    if unit is not None:
        actions.mark_submitted(unit, job=job)


# -- 人才需求表 -----------------------------------------------------------------------------------


@dataclass
class DemandContext:
    census: CensusRound
    units: UnitResolver


def parse_demand_unit(raw: Any, ctx: DemandContext) -> int:
    pk = ctx.units(raw)
    if pk not in ctx.units.visible:
        raise CellError(_("“%(p)s”不在您的管辖范围内") % {"p": ctx.units.paths[pk]})
    return pk


def parse_count(raw: Any, ctx: Any) -> int:
    text = cell_text(raw)
    if not text.isdigit() or int(text) < 1:
        raise CellError(_("需求人数应为正整数，实际为“%(t)s”") % {"t": text})
    return int(text)


DEMAND_COLUMNS = [
    Column(
        "org",
        "单位",
        ("需求单位", "用人单位", "组织路径"),
        required=True,
        parse=parse_demand_unit,
        width=28,
        help="组织路径，如 示范县/城关镇/城关镇卫生院，或本辖区内唯一的单位名称",
    ),
    Column(
        "specialty",
        "专业/领域",
        ("专业", "领域", "需求专业", "从事产业/专业特长"),
        required=True,
        parse=parse_text(100),
        width=16,
        help="与人员信息表“从事产业/专业特长”的写法一致，如 养殖、种植、临床医学",
    ),
    Column(
        "level",
        "层次",
        ("人才层次", "需求层次"),
        required=True,
        parse=choice_parser(DemandLevel, "层次"),
        choices=[str(c.label) for c in DemandLevel],
        width=10,
    ),
    Column("count", "需求人数", ("人数", "需求数"), required=True, parse=parse_count, width=10),
    Column("notes", "说明", ("备注",), parse=parse_text(200), width=30),
]


class DemandSheet(Sheet):
    exports = False  # a unit's demand is reported once, in the round's own table

    def upload_options(self, user: Any, params: Any) -> dict[str, Any]:
        round_id = _option_id(params, "census_round")
        if not CensusRound.objects.visible_to(user).filter(pk=round_id).exists():
            raise Http404
        return {"census_round": round_id}

    def options_label(self, options: dict[str, Any]) -> str:
        census = CensusRound.objects.filter(pk=options.get("census_round")).first()
        return str(census) if census else ""

    def context(self, user: Any, options: dict[str, Any]) -> DemandContext:
        if not roles.edits_records(user):
            raise CellError(_("您的角色不能导入人才需求"))
        census = CensusRound.objects.visible_to(user).filter(pk=options.get("census_round")).first()
        if census is None:
            raise CellError(_("请从人才普查页面导入本轮的人才需求"))
        if not census.is_open:
            raise CellError(_("本轮普查已结束，不能再导入人才需求"))
        return DemandContext(census, UnitResolver(user))

    def row_key(self, values: dict[str, Any]) -> Any:
        return (values["org"], values["specialty"], values["level"])

    def key_label(self, key: Any) -> str:
        return _("%(org)s 的“%(s)s”（%(l)s）") % {
            "org": OrgUnit.objects.filter(pk=key[0]).values_list("name_path", flat=True).first(),
            "s": key[1],
            "l": DemandLevel(key[2]).label,
        }

    def plan(self, ctx: DemandContext, rows: list[tuple[int, dict[str, Any]]]):
        existing = {
            (d["org_id"], d["specialty"], d["level"]): d
            for d in Demand.objects.filter(
                round=ctx.census,
                org_id__in={v["org"] for _n, v in rows},
                specialty__in={v["specialty"] for _n, v in rows},
            ).values("pk", "org_id", "specialty", "level", "count", "notes")
        }
        for number, values in rows:
            current = existing.get(self.row_key(values))
            if current is None:
                yield RowPlan(number, NEW, values)
                continue
            notes = values.get("notes") or current["notes"]  # a blank cell keeps the note
            if (values["count"], notes) == (current["count"], current["notes"]):
                yield RowPlan(number, UNCHANGED)
            else:
                yield RowPlan(number, UPDATED, (current["pk"], values["count"], notes))

    def commit(self, ctx: DemandContext, plans: list[RowPlan]) -> None:
        Demand.objects.bulk_create(
            Demand(
                round=ctx.census,
                org_id=p.payload["org"],
                specialty=p.payload["specialty"],
                level=p.payload["level"],
                count=p.payload["count"],
                notes=p.payload.get("notes") or "",
            )
            for p in plans
            if p.kind == NEW
        )
        changed = [
            Demand(pk=pk, count=count, notes=notes)
            for pk, count, notes in (p.payload for p in plans if p.kind == UPDATED)
        ]
        if changed:
            Demand.objects.bulk_update(changed, ["count", "notes"])


DEMAND_SHEET = DemandSheet(
    name="census_demand",
    title="人才需求表",
    columns=DEMAND_COLUMNS,
    key_column="specialty",
    instructions=[
        "一行填写一个单位对一个专业/领域、一个层次的需求人数；同一单位、专业、层次只填一行。",
        "再次导入时，已有的需求按本表更新人数，不会重复登记。",
        "单位须在您的管辖范围内；整张表全部正确才会导入。",
    ],
    command_options=[ROUND_OPTION],
)
