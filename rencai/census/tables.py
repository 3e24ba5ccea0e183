"""人才普查's standard table (统计报表, rencai/statements): 普查报送情况 — each reporting unit of
the year's census rounds in the scope with its status, its 在册人数 (people.active asked for the
unit) and its 完整率 (census.completeness), the scope's 合计 and its 报送率
(census.reporting_rate); the numbers are registered figures, the status is the unit's record."""

from django.utils.translation import gettext_lazy as _

from rencai.census.figures import scope_units
from rencai.figures import Period, Scope
from rencai.orgs.models import OrgUnit
from rencai.statements.tables import Cell, Column, Grid, Row, Table, line_cell, lines_of, value_of

ACTIVE = "people.active"
COMPLETENESS = "census.completeness"


def reporting(scope: Scope, period: Period) -> Grid:
    """普查报送情况: one row per reporting unit (rounds of the year the period ends in, units in
    the scope, in tree order), columns 状态, 在册人数 and 完整率(%); the 合计 row is the scope's
    own figures and the row below it the scope's 报送率."""
    units = list(scope_units(scope, period).select_related("round", "org"))
    order = {
        o.pk: i
        for i, o in enumerate(
            OrgUnit.objects.filter(pk__in=[u.org_id for u in units]).in_tree_order()
        )
    }
    units.sort(key=lambda u: (u.round.pk, order[u.org_id]))
    columns = [
        Column("status", _("报送状态")),
        Column("persons", _("在册人数")),
        Column("completeness", _("完整率(%)")),
    ]
    children = {c.pk for c in scope.children}
    persons = lines_of(ACTIVE, "child_unit", scope, period)
    complete = lines_of(COMPLETENESS, "child_unit", scope, period)
    rows = []
    for unit in units:
        cells: dict = {"status": Cell(str(unit.get_status_display()))}
        if unit.org_id in children:  # a child unit: a line of the scope's breakdowns (one pass)
            cells["persons"] = line_cell(ACTIVE, "child_unit", persons, unit.org_id, scope)
            cells["completeness"] = line_cell(
                COMPLETENESS, "child_unit", complete, unit.org_id, scope, percent=True
            )
        else:  # the scope's unit itself, or a unit further down: its own figures
            below = scope if unit.org_id == scope.unit.pk else Scope(unit.org, scope.viewer)
            cells["persons"] = value_of(ACTIVE, below, period)
            cells["completeness"] = value_of(COMPLETENESS, below, period, percent=True)
        rows.append(Row((str(unit.round), unit.org.name), cells))
    total = {
        "persons": value_of(ACTIVE, scope, period),
        "completeness": value_of(COMPLETENESS, scope, period, percent=True),
    }
    rate = {"status": value_of("census.reporting_rate", scope, period, percent=True)}
    return Grid(
        stub=(_("普查轮次"), _("报送单位")),
        columns=columns,
        rows=rows,
        total=Row((str(_("合计")),), total),
        additive=False,
        after=[Row((str(_("报送率(%)")), ""), rate)],
        notes=(
            _(
                "说明：报送单位为期间最后一天所在年度普查轮次中、在填报单位范围内的单位；状态为当前"
                "状态（已报、已审核计入报送率）；在册人数与完整率为各单位及其下级单位的在册人员。"
            ),
        ),
    )


TABLES = (Table("census.reporting", _("人才普查报送情况表"), _("普查报送情况"), 40, reporting),)
