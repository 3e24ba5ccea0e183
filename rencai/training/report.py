"""人才培育's part of the 工作开展情况汇报 (rencai.reports): 三、育 — training against the year's
target, trainees, outcomes, the business entities and the jobs they drive, the art teams,
mentorships and performances, the training bases when their figures are registered — and the
targets behind schedule for 存在的问题 and 下一步工作打算. Every number comes from the figure
registry through the report context (`ctx.figure`, `ctx.lines`, `ctx.change`)."""

from django.utils.translation import gettext as _

from rencai.reports.context import (
    CULTIVATE,
    Item,
    ReportContext,
    Section,
    Value,
    day_words,
    join,
)

# the training bases' figures, each written when registered and not 0 (key, sentence part)
BASE_FIGURES = (
    ("training.base_land_area", _("占地面积")),
    ("training.base_building_area", _("圈舍（建筑）面积")),
    ("training.base_investment", _("投入资金")),
)
LIVESTOCK = ("training.livestock_head", "training.livestock_piece", "training.livestock_fowl")


def _listed(ctx: ReportContext, key: str, breakdown: str) -> str:
    """The breakdown's lines with a number: 种养殖类 2000 人次、其他技术类 500 人次."""
    return join([f"{line.label} {value}" for line, value in ctx.lines(key, breakdown) if value])


def _progress(ctx: ReportContext) -> str:
    target = ctx.figure("training.target")
    if not target:
        return ""
    percent = ctx.figure("training.target_progress")
    return _("完成年度目标 %(t)s的 %(p)s") % {"t": target, "p": percent}


def training(ctx: ReportContext) -> list[Item]:
    """（一）农村实用人才培训: 人次 by category, target progress, 人数, outcomes."""
    attendance = ctx.figure("training.attendance")
    if not attendance:
        return []
    sentence = _("%(when)s，%(whole)s共组织各类农村实用人才培训 %(n)s") % {
        "when": ctx.when,
        "whole": ctx.whole,
        "n": attendance,
    }
    change = ctx.change("training.attendance")
    parts = [sentence + (f"，{change}" if change else "")]
    by_category = _listed(ctx, "training.attendance", "category")
    if by_category:
        parts.append(_("其中%(c)s") % {"c": by_category})
    progress = _progress(ctx)
    if progress:
        parts.append(progress)
    paragraphs = ["，".join(parts) + "。"]
    trainees = ctx.figure("training.trainees")
    outcomes = ctx.figure("training.outcomes")
    more = [_("参训 %(n)s") % {"n": trainees}] if trainees else []
    if trainees and ctx.has("training.youth_trainees"):
        youths = ctx.figure("training.youth_trainees")
        if youths:
            more.append(_("其中青年 %(n)s") % {"n": youths})
    if outcomes:
        kinds = _listed(ctx, "training.outcomes", "kind")
        more.append(_("登记培训成效 %(n)s，其中%(k)s") % {"n": outcomes, "k": kinds})
    if more:
        paragraphs.append("，".join(more) + "。")
    return [Item(_("农村实用人才培训"), tuple(paragraphs))]


def entities(ctx: ReportContext) -> list[Item]:
    """（二）经营主体: the stock on the period's last day by kind, and jobs driven."""
    total = ctx.figure("training.entities")
    if not total:
        return []
    text = _("截至%(d)s，%(whole)s共有%(k)s") % {
        "d": day_words(ctx.period.end),
        "whole": ctx.whole,
        "k": _listed(ctx, "training.entities", "kind"),
    }
    jobs = ctx.figure("training.jobs_driven")
    if jobs:
        text += _("，带动就业 %(n)s") % {"n": jobs}
    return [Item(_("培育新型经营主体"), (text + "。",))]


def culture(ctx: ReportContext) -> list[Item]:
    """（三）文艺人才: teams, mentorships, performances and audience."""
    teams = ctx.figure("training.art_teams")
    mentorships = ctx.figure("training.mentorships")
    shows = ctx.figure("training.performances")
    parts = []
    if teams:
        kinds = _listed(ctx, "training.art_teams", "kind")
        text = _("%(whole)s现有文艺团队 %(n)s") % {"whole": ctx.whole, "n": teams}
        parts.append(text + (_("（其中%(k)s）") % {"k": kinds} if kinds else ""))
    if mentorships:
        parts.append(_("开展名师带徒 %(n)s") % {"n": mentorships})
    if shows:
        audience = ctx.figure("training.audience")
        text = _("%(when)s开展演出 %(n)s") % {"when": ctx.when, "n": shows}
        parts.append(text + (_("，观众 %(n)s") % {"n": audience} if audience else ""))
    if not parts:
        return []
    return [Item(_("加强文艺人才培育"), ("，".join(parts) + "。",))]


def bases(ctx: ReportContext) -> list[Item]:
    """（四）实训基地: how many, their area, livestock and investment (as registered)."""
    if not ctx.has("training.bases"):
        return []
    count = ctx.figure("training.bases")
    if not count:
        return []
    parts = [_("%(whole)s现有实训基地 %(n)s") % {"whole": ctx.whole, "n": count}]
    for key, label in BASE_FIGURES:
        if ctx.has(key):
            value = ctx.figure(key)
            if value:
                parts.append(f"{label} {value}")
    stock = [_listed(ctx, key, "kind") for key in LIVESTOCK if ctx.has(key)]
    if any(stock):
        parts.append(_("现有%(s)s") % {"s": join(stock)})
    return [Item(_("实训基地建设"), ("，".join(parts) + "。",))]


def overdue(ctx: ReportContext) -> list[Item]:
    """督导检查发现的整改事项逾期未整改 (when registered)."""
    if not ctx.has("training.rectifications_overdue"):
        return []
    items = ctx.figure("training.rectifications_overdue")
    if not items:
        return []
    text = _("对实训基地督导检查发现的问题，尚有 %(n)s整改事项逾期未完成整改。") % {"n": items}
    return [Item(_("问题整改不够及时"), (text,))]


def _behind(ctx: ReportContext) -> tuple[list[str], Value | None]:
    """The child units whose 完成率 is below 时间进度 (named with their rate), and 时间进度 —
    None when neither the scope nor a child unit has a target."""
    own = ctx.figure("training.target_progress")
    rated = [
        (line, value)
        for line, value in ctx.lines("training.target_progress", "child_unit")
        if value.number is not None
    ]
    if own.number is None and not rated:
        return [], None
    expected = ctx.figure("training.time_progress")
    if expected.number is None:
        return [], None
    names = [f"{line.label}（{value}）" for line, value in rated if value.number < expected.number]
    return names, expected


def problems(ctx: ReportContext) -> list[Item]:
    """培训进度滞后: the scope's own target and the child units behind 时间进度."""
    names, expected = _behind(ctx)
    if expected is None:
        return []
    own = ctx.figure("training.target_progress")
    own_behind = own.number is not None and own.number < expected.number
    if not names and not own_behind:
        return []
    text = _("截至%(d)s，时间进度为 %(e)s") % {"d": day_words(ctx.until), "e": expected}
    if own_behind:
        text += _("，%(whole)s年度培训目标完成率为 %(p)s，低于时间进度") % {
            "whole": ctx.whole,
            "p": own,
        }
    if names:
        text += _("；%(u)s等单位完成率低于时间进度") % {"u": join(names)}
    return [Item(_("培训目标进度滞后"), (text + "。",))]


def plans(ctx: ReportContext) -> list[Item]:
    """Open targets and the units behind: 加快培训进度."""
    target = ctx.figure("training.target")
    percent = ctx.figure("training.target_progress")
    if not target or percent.number is None or percent.number >= 100:
        return []
    text = _("对照年度培训目标 %(t)s（已完成 %(p)s），分解任务、倒排工期") % {
        "t": target,
        "p": percent,
    }
    names, _expected = _behind(ctx)
    if names:
        text += _("，督促%(u)s加快培训进度") % {"u": join([n.split("（")[0] for n in names])}
    return [Item(_("加快完成年度培训目标"), (text + "。",))]


SECTIONS = (
    Section(CULTIVATE, 10, training),
    Section(CULTIVATE, 20, entities),
    Section(CULTIVATE, 30, culture),
    Section(CULTIVATE, 40, bases),
)
PROBLEMS = (problems, overdue)
PLANS = (plans,)
