"""人才普查's part of the 工作开展情况汇报 (rencai.reports): under 一、管 the year's census — 报送率
and the register's 完整率 — and, for 存在的问题 and 下一步工作打算, the reporting units still 未报
(or 退回) named. Every number comes from the figure registry through the report context; the
names of the units behind are read from the census rounds of the scope."""

from decimal import Decimal

from django.utils.translation import gettext as _

from rencai.census.choices import UnitStatus
from rencai.census.figures import scope_units
from rencai.reports.context import MANAGE, Item, ReportContext, Section, join

LOW_COMPLETENESS = Decimal(90)  # 完整率 below this (%) is a data gap worth reporting
NAMED = 10  # units 未报 named in a sentence; the rest are 等


def _unreported(ctx: ReportContext) -> list[str]:
    """The reporting units of the scope not yet 已报 or 已审核, in tree order."""
    rows = scope_units(ctx.scope, ctx.period).filter(
        status__in=(UnitStatus.PENDING, UnitStatus.RETURNED)
    )
    return [u.org.name for u in rows.select_related("org").order_by("org__path")[:NAMED]]


def census(ctx: ReportContext) -> list[Item]:
    """（一）人才资源普查: 报送率 and 完整率."""
    rate = ctx.figure("census.reporting_rate")
    completeness = ctx.figure("census.completeness")
    parts = []
    if rate.number is not None:
        parts.append(_("%(y)d年度人才资源普查报送率 %(r)s") % {"y": ctx.period.end.year, "r": rate})
    if completeness.number is not None:
        parts.append(_("在册人才信息完整率 %(r)s") % {"r": completeness})
    if not parts:
        return []
    return [Item(_("开展人才资源普查"), ("，".join(parts) + "。",))]


def problems(ctx: ReportContext) -> list[Item]:
    """普查报送不及时 (units named) and 信息不完整."""
    found = []
    rate = ctx.figure("census.reporting_rate")
    if rate.number is not None and rate.number < 100:
        names = _unreported(ctx)
        text = _("人才资源普查报送率为 %(r)s") % {"r": rate}
        if names:
            text += _("，%(u)s等单位尚未报送") % {"u": join(names)}
        found.append(Item(_("普查报送不够及时"), (text + "。",)))
    completeness = ctx.figure("census.completeness")
    if completeness.number is not None and Decimal(str(completeness.number)) < LOW_COMPLETENESS:
        text = _("在册人才信息完整率为 %(r)s，部分人员必填信息缺失。") % {"r": completeness}
        found.append(Item(_("人才信息不够完整"), (text,)))
    return found


def plans(ctx: ReportContext) -> list[Item]:
    """督促未报单位报送."""
    rate = ctx.figure("census.reporting_rate")
    if rate.number is None or rate.number >= 100:
        return []
    names = _unreported(ctx)
    text = _("督促%(u)s按时报送普查数据，做到应报尽报") % {"u": join(names) or _("未报单位")}
    return [Item(_("抓好人才资源普查"), (text + "。",))]


SECTIONS = (Section(MANAGE, 10, census),)
PROBLEMS = (problems,)
PLANS = (plans,)
