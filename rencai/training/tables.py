"""人才培育's standard table (统计报表, rencai/statements): 培训情况 — 培训人次 by training
category and child unit, with each unit's 年度目标, 年度累计 and 完成率; every cell a registered
figure (training/figures_registry.py) asked for the scope or for one of its child units."""

from django.utils.translation import gettext_lazy as _

from rencai.figures import Period, Scope
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
from rencai.training.models import TrainingCategory

ATTENDANCE = "training.attendance"


def training(scope: Scope, period: Period) -> Grid:
    """培训情况: one row per training category (those in use, and any other with 人次 in the
    period), the 合计 column (the scope) and one column per child unit, each cell the
    `category` line of training.attendance asked for that unit; the 合计 row is
    training.attendance itself; below it training.target, training.achieved and
    training.target_progress of each unit (the unit's own annual target)."""
    children = areas(scope)
    units = [("total", scope), *((c.pk, scope.below(c)) for c in children)]
    columns = [Column("total", _("合计")), *(Column(c.pk, c.name, _("其中")) for c in children)]
    lines = {key: lines_of(ATTENDANCE, "category", s, period) for key, s in units}
    counted = {pk for found in lines.values() for pk, line in found.items() if line.value}
    categories = TrainingCategory.objects.all()
    rows = []
    for category in categories:
        if not category.is_active and category.pk not in counted:
            continue
        cells = {
            key: line_cell(ATTENDANCE, "category", lines[key], category.pk, s) for key, s in units
        }
        rows.append(Row((category.name,), cells))

    def row(label: object, key: str, percent: bool = False) -> Row:
        return Row((str(label),), {k: value_of(key, s, period, percent) for k, s in units})

    return Grid(
        stub=(_("培训类别"),),
        columns=columns,
        rows=rows,
        total=row(_("合计（人次）"), ATTENDANCE),
        additive=True,
        after=[
            row(_("年度培训目标（人次）"), "training.target"),
            row(_("年度累计培训人次"), "training.achieved"),
            row(_("目标完成率(%)"), "training.target_progress", percent=True),
        ],
        notes=(
            _(
                "说明：培训人次以培训项目的结束日期计入期间，学员按户籍/居住地计入所在单位；年度"
                "目标、年度累计和完成率为各单位本级的总体目标，累计自当年1月1日至统计截止日。"
            ),
        ),
    )


TABLES = (Table("training.training", _("培训情况统计表"), _("培训情况"), 30, training),)
