"""The register's standard tables (统计报表, rencai/statements): 人才资源总量及结构 and
农村实用人才, every cell a registered figure's value or a line of one of its breakdowns
(people/figures.py)."""

from django.utils.translation import gettext_lazy as _

from rencai.figures import Period, Scope, today
from rencai.people.choices import CategoryGroup
from rencai.people.figures import profile_columns
from rencai.people.models import TalentCategory
from rencai.statements.tables import (
    Column,
    Grid,
    Row,
    Table,
    areas,
    line_cell,
    lines_of,
    value_of,
)

ACTIVE = "people.active"
CERTIFIED = "people.certified"
CERTIFIED_RATE = "people.certified_rate"
RURAL = "people.rural_practical"


def structure(scope: Scope, period: Period) -> Grid:
    """人才资源总量及结构: one row per talent category of the 六支人才队伍 (every one) and of the
    other groups (those with 在册 persons); columns 合计, 性别, 年龄段, 学历, 职称 and 持证; the
    合计 row counts each person once (people.active and its `profile` breakdown)."""
    profile = profile_columns(today())
    columns = [
        Column("total", _("合计")),
        *(Column(c.key, c.label, c.group) for c in profile),
        Column("certified", _("持证人数"), _("持证")),
        Column("certified_rate", _("持证率(%)"), _("持证")),
    ]
    totals = lines_of(ACTIVE, "category", scope, period)
    by_profile = lines_of(ACTIVE, "category_profile", scope, period)
    certified = lines_of(CERTIFIED, "category", scope, period)
    rates = lines_of(CERTIFIED_RATE, "category", scope, period)
    groups = dict(CategoryGroup.choices)
    rows = []
    for category in TalentCategory.objects.filter(is_active=True):
        line = totals.get(category.pk)
        if category.group != CategoryGroup.NATIONAL and not (line and line.value):
            continue
        cells = {"total": line_cell(ACTIVE, "category", totals, category.pk, scope)}
        for c in profile:
            key = (category.pk, c.key)
            cells[c.key] = line_cell(ACTIVE, "category_profile", by_profile, key, scope)
        cells["certified"] = line_cell(CERTIFIED, "category", certified, category.pk, scope)
        cells["certified_rate"] = line_cell(
            CERTIFIED_RATE, "category", rates, category.pk, scope, percent=True
        )
        rows.append(Row((str(groups[category.group]), category.name), cells))
    whole = lines_of(ACTIVE, "profile", scope, period)
    total = {
        "total": value_of(ACTIVE, scope, period),
        **{c.key: line_cell(ACTIVE, "profile", whole, c.key, scope) for c in profile},
        "certified": value_of(CERTIFIED, scope, period),
        "certified_rate": value_of(CERTIFIED_RATE, scope, period, percent=True),
    }
    return Grid(
        stub=(_("分组"), _("人才类别")),
        columns=columns,
        rows=rows,
        total=Row((str(_("在册人才合计（不重复计人）")),), total),
        additive=False,
        notes=(
            _(
                "说明：一人属多个人才类别的，在各类别分别计入，合计行每人只计一次；年龄按填报当日"
                "的周岁计；学历、职称未填的不计入分列；持证指期间最后一天持有有效资质证书。"
            ),
        ),
    )


def rural_practical(scope: Scope, period: Period) -> Grid:
    """农村实用人才: one row per type (the active categories of the group 农村实用人才类型), the
    合计 column (people.active's `category` line) and one column per place below the scope
    (`areas`: 乡镇 under a county, 村 under a township; its `category_child_unit` line); the 合计
    row is people.rural_practical (each person once) and its breakdown by child unit."""
    children = areas(scope)
    columns = [Column("total", _("合计")), *(Column(c.pk, c.name, _("其中")) for c in children)]
    totals = lines_of(ACTIVE, "category", scope, period)
    by_child = lines_of(ACTIVE, "category_child_unit", scope, period)
    types = TalentCategory.objects.filter(is_active=True, group=CategoryGroup.RURAL_PRACTICAL)
    rows = []
    for category in types:
        cells = {"total": line_cell(ACTIVE, "category", totals, category.pk, scope)}
        for child in children:
            key = (category.pk, child.pk)
            cells[child.pk] = line_cell(ACTIVE, "category_child_unit", by_child, key, scope)
        rows.append(Row((category.name,), cells))
    rural = lines_of(RURAL, "child_unit", scope, period)
    total = {
        "total": value_of(RURAL, scope, period),
        **{c.pk: line_cell(RURAL, "child_unit", rural, c.pk, scope) for c in children},
    }
    return Grid(
        stub=(_("人才类型"),),
        columns=columns,
        rows=rows,
        total=Row((str(_("合计（不重复计人）")),), total),
        additive=False,
        notes=(_("说明：在册人员；一人属多个类型的，在各类型分别计入，合计行每人只计一次。"),),
    )


TABLES = (
    Table(
        "people.structure", _("人才资源总量及结构统计表"), _("人才资源总量及结构"), 10, structure
    ),
    Table(
        "people.rural_practical", _("农村实用人才统计表"), _("农村实用人才"), 20, rural_practical
    ),
)
