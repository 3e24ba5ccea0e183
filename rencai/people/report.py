"""人才库's part of the 工作开展情况汇报 (rencai.reports): the opening 基本情况 — 在册人才 and its
make-up by the six national teams (六支人才队伍), 新增在册人才 with 同比, and
持证率 when the register declares it — and a low 持证率 among 存在的问题. Every number comes from
the figure registry through the report context."""

from decimal import Decimal

from django.utils.translation import gettext as _

from rencai.people.choices import CategoryGroup
from rencai.people.models import TalentCategory
from rencai.reports.context import OPENING, Item, ReportContext, Section, day_words, join

CERTIFIED = "people.certified_rate"
LOW_CERTIFIED = Decimal(50)  # 持证率 below this (%) is a problem worth reporting


def opening(ctx: ReportContext) -> list[Item]:
    """截至…，全县共有在册人才 N 人，其中（六支人才队伍）党政人才 … 人、…；新增 N 人，同比。"""
    active = ctx.figure("people.active")
    if not active:
        return []
    national = set(
        TalentCategory.objects.filter(group=CategoryGroup.NATIONAL).values_list("pk", flat=True)
    )
    teams = [
        f"{line.label} {value}"
        for line, value in ctx.lines("people.active", "category")
        if value and line.key in national
    ]
    text = _("截至%(d)s，%(whole)s共有在册人才 %(n)s") % {
        "d": day_words(ctx.until),
        "whole": ctx.whole,
        "n": active,
    }
    if teams:
        text += _("，其中%(t)s") % {"t": join(teams)}
    sentences = [text]
    new = ctx.figure("people.new")
    if new:
        change = ctx.change("people.new")
        words = _("%(when)s新增在册人才 %(n)s") % {"when": ctx.when, "n": new}
        sentences.append(words + (f"，{change}" if change else ""))
    if ctx.has(CERTIFIED):
        rate = ctx.figure(CERTIFIED)
        if rate.number is not None:
            sentences.append(_("人才持证率 %(r)s") % {"r": rate})
    return [Item("", ("。".join(sentences) + "。",))]


def problems(ctx: ReportContext) -> list[Item]:
    """持证率 below LOW_CERTIFIED."""
    if not ctx.has(CERTIFIED):
        return []
    rate = ctx.figure(CERTIFIED)
    if rate.number is None or Decimal(str(rate.number)) >= LOW_CERTIFIED:
        return []
    text = _("%(whole)s人才持证率仅为 %(r)s，专业化、职业化水平有待提高。") % {
        "whole": ctx.whole,
        "r": rate,
    }
    return [Item(_("人才持证率偏低"), (text,))]


SECTIONS = (Section(OPENING, 10, opening),)
PROBLEMS = (problems,)
