"""经营主体 (family farms, cooperatives, enterprises, startups) through the web, the import
engine and the API: the list filters down to exactly the rows the overview's 经营主体 figure
counts (`figures.entity_rows`)."""

from typing import Any

import django_filters
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rencai.imports.sheets import register
from rencai.orgs.models import OrgUnit
from rencai.records.api import record_viewset
from rencai.records.forms import RecordForm
from rencai.records.sheets import (
    RecordColumn,
    RecordSheet,
    choice,
    day,
    integer,
    labels_of,
    person_columns,
    text,
    unit_column,
)
from rencai.records.views import PERSON, RECORD, RecordViews, Show
from rencai.training import figures
from rencai.training.choices import EntityKind
from rencai.training.filters import FigureFilterSet, UnitFilter
from rencai.training.models import Entity


class EntityFilter(FigureFilterSet):
    name = django_filters.CharFilter(label=_("名称"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=EntityKind.choices, empty_label=_("全部")
    )
    org = UnitFilter(label=_("所在单位"))
    industry = django_filters.CharFilter(label=_("产业"), lookup_expr="icontains")

    class Meta(FigureFilterSet.Meta):
        model = Entity
        fields: list[str] = []

    def figure_rows(self, unit: OrgUnit, period: figures.Period) -> QuerySet:
        return figures.entity_rows(unit, period)


class EntityForm(RecordForm):
    class Meta:
        model = Entity
        fields = ["name", "kind", "org", "leader", "founded_on", "industry", "jobs_driven"]


class EntityViews(RecordViews):
    model = Entity
    slug = "entities"
    count_measure = _("个")  # the measure of its figure (rencai/training/figures_registry.py)
    filterset = EntityFilter
    form = EntityForm
    sheet = "entities"
    nav_template = "training/_nav_include.html"
    related = ("org", "leader")
    ordering = ("org__path", "name", "id")
    columns = [
        Show(_("名称"), "name", link=RECORD),
        Show(_("类型"), "get_kind_display"),
        Show(_("所在单位"), "org.name_path"),
        Show(_("负责人"), "leader", link=PERSON),
        Show(_("成立日期"), "founded_on"),
        Show(_("产业"), "industry"),
        Show(_("带动就业人数"), "jobs_driven", numeric=True),
    ]
    fields = columns
    count_template = "training/entities_count.html"

    def list_context(self, request: HttpRequest, rows: QuerySet) -> dict[str, Any]:
        """带动就业人数 of the filtered rows (the overview's jobs figure under its filter)."""
        return {"jobs_total": rows.aggregate(n=Sum("jobs_driven"))["n"] or 0}


ENTITY_SHEET = register(
    RecordSheet(
        name="entities",
        title="经营主体",
        model=Entity,
        filterset=EntityFilter,
        related=("org", "leader"),
        key=("name", "org_id"),
        key_column="name",
        columns=[
            RecordColumn(
                "name",
                "名称",
                ("主体名称",),
                required=True,
                parse=text(200),
                width=24,
                attname="name",
            ),
            RecordColumn(
                "kind",
                "类型",
                ("主体类型",),
                required=True,
                parse=choice(EntityKind, "类型"),
                choices=labels_of(EntityKind),
                attname="kind",
            ),
            unit_column("org_id", "所在单位", required=True),
            *person_columns("leader_id", "负责人", required=False),
            RecordColumn("founded_on", "成立日期", parse=day, attname="founded_on"),
            RecordColumn("industry", "产业", parse=text(100), attname="industry"),
            RecordColumn(
                "jobs_driven", "带动就业人数", ("带动就业",), parse=integer, attname="jobs_driven"
            ),
        ],
        instructions=[
            "一行一个经营主体，以“名称 + 所在单位”识别：已有的主体按本表更新"
            "（空白单元格保留原值），没有的新增。",
            "负责人须为人才库中的人员，填写身份证号（导出的脱敏号码须与姓名一同保留）。",
            "整张表全部正确才会导入。",
        ],
    )
)

VIEWS = [EntityViews()]
ROUTES: list[tuple[str, Any, str]] = [
    (
        "training/entities",
        record_viewset(
            Entity,
            EntityFilter,
            ["name", "kind", "org", "leader", "founded_on", "industry", "jobs_driven"],
            related=("org", "leader"),
        ),
        "training-entity",
    )
]
