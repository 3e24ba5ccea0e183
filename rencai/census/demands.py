"""人才需求 (Demand, one unit's declared need for a specialty and level in a round) through the web
and the import engine: the list's filter, the round's demand list, the 紧缺专业 page (supply
against demand by township and specialty, each number linking to the list it counts) and the
人才需求表 (`census_demand`), one row per (unit, specialty, level); importing again updates the
count."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import django_filters
from django.db.models import QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rencai.accounts import roles
from rencai.accounts.access import allow
from rencai.census import figures
from rencai.census.choices import DemandLevel
from rencai.census.models import CensusRound, Demand
from rencai.census.rounds import ROUND_OPTION, option_id, visible_round
from rencai.imports.cells import choice_parser, parse_text
from rencai.imports.reader import cell_text
from rencai.imports.sheets import (
    NEW,
    UNCHANGED,
    UPDATED,
    CellError,
    Column,
    RowPlan,
    Sheet,
    register,
)
from rencai.imports.views import upload_url
from rencai.listing import filtered, page_of
from rencai.orgs.fields import UnitChoiceFilter
from rencai.orgs.models import OrgUnit
from rencai.orgs.resolve import UnitResolver
from rencai.people.choices import PersonStatus

# --- filter -------------------------------------------------------------------------------------


class DemandFilter(django_filters.FilterSet):
    """The demand list's filters: the supply/demand page links here with the same unit and
    specialty its 需求 number counts."""

    org = UnitChoiceFilter(
        label=_("组织"), queryset=OrgUnit.objects.none(), method="filter_org", empty_label=_("全部")
    )
    specialty = django_filters.CharFilter(label=_("专业/领域"))
    level = django_filters.ChoiceFilter(label=_("层次"), choices=DemandLevel.choices)

    class Meta:
        model = Demand
        fields: list[str] = []

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.filters["org"].queryset = OrgUnit.objects.visible_to(user).order_by("name_path")

    def filter_org(self, qs: QuerySet, name: str, value: OrgUnit) -> QuerySet:
        return qs.filter(org__path__startswith=value.path)


# --- pages -------------------------------------------------------------------------------------


@allow(roles.reads_records)
def demand_list(request: HttpRequest, pk: int) -> HttpResponse:
    census = visible_round(request, pk)
    base = Demand.objects.visible_to(request.user).filter(round=census).select_related("org")
    filterset = DemandFilter(request.GET or None, queryset=base, request=request)
    demands = filtered(filterset)
    return render(
        request,
        "census/demand_list.html",
        {
            "census": census,
            "filter": filterset,
            "page": page_of(request, demands),
            "total": demands.aggregate(n=Sum("count"))["n"] or 0,
            "import_url": upload_url(DEMAND_SHEET.name, {"census_round": census.pk})
            if census.is_open and DEMAND_SHEET.may_import(request.user)
            else None,
        },
    )


def _cell_links(census: CensusRound, specialty: str, cell: figures.Cell) -> dict:
    """The lists behind a cell's numbers (their counts are the numbers)."""
    where = {"org": cell.org.pk} if cell.org is not None else {}
    people = {**where, "specialty": specialty, "status": PersonStatus.ACTIVE}
    demand = {**where, "specialty": specialty}
    return {
        "cell": cell,
        "people_url": f"{reverse('people:list')}?{urlencode(people)}",
        "demand_url": f"{reverse('census:demand', args=[census.pk])}?{urlencode(demand)}",
    }


@allow(roles.reads_records)
def supply_demand(request: HttpRequest, pk: int) -> HttpResponse:
    census = visible_round(request, pk)
    townships, rows = figures.supply_and_demand(census, request.user)
    return render(
        request,
        "census/supply_demand.html",
        {
            "census": census,
            "townships": townships,
            "colspan": 3 * len(townships) + 4,
            "rows": [
                {
                    "specialty": row.specialty,
                    "cells": [_cell_links(census, row.specialty, c) for c in row.cells],
                    "total": _cell_links(census, row.specialty, row.total),
                }
                for row in rows
            ],
        },
    )


# --- 人才需求表 -----------------------------------------------------------------------------------


@dataclass
class DemandContext:
    census: CensusRound
    units: UnitResolver


def parse_demand_unit(raw: Any, ctx: DemandContext) -> int:
    pk = ctx.units(raw)
    if pk not in ctx.units.visible:
        raise CellError(gettext("“%(p)s”不在您的管辖范围内") % {"p": ctx.units.paths[pk]})
    return pk


def parse_count(raw: Any, ctx: Any) -> int:
    text = cell_text(raw)
    if not text.isdigit() or int(text) < 1:
        raise CellError(gettext("需求人数应为正整数，实际为“%(t)s”") % {"t": text})
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
        round_id = option_id(params, "census_round")
        if not CensusRound.objects.visible_to(user).filter(pk=round_id).exists():
            raise Http404
        return {"census_round": round_id}

    def options_label(self, options: dict[str, Any]) -> str:
        census = CensusRound.objects.filter(pk=options.get("census_round")).first()
        return str(census) if census else ""

    def context(self, user: Any, options: dict[str, Any]) -> DemandContext:
        if not roles.edits_records(user):
            raise CellError(gettext("您的角色不能导入人才需求"))
        census = CensusRound.objects.visible_to(user).filter(pk=options.get("census_round")).first()
        if census is None:
            raise CellError(gettext("请从人才普查页面导入本轮的人才需求"))
        if not census.is_open:
            raise CellError(gettext("本轮普查已结束，不能再导入人才需求"))
        return DemandContext(census, UnitResolver(user))

    def row_key(self, values: dict[str, Any]) -> Any:
        return (values["org"], values["specialty"], values["level"])

    def key_label(self, key: Any) -> str:
        return gettext("%(org)s 的“%(s)s”（%(l)s）") % {
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


DEMAND_SHEET = register(
    DemandSheet(
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
)
