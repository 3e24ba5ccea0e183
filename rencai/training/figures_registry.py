"""人才培育's registered figures (rencai/figures.py): each training figure under its stable key,
with its label, unit of measure, 口径, breakdowns and drill-down list — the part of figures.py
that registers the named queries there (and their one-pass forms in ledger_figures.py) for the
pages, `/api/figures/`, `rencai figures` and docs/figures.md. The 培训概况 reads these.

Every ledger figure of a request reads one `ledger_figures.summary_of` of its scope and period
(and 组织培训人次 one `organised_of`), so the page's dozen ledger numbers cost one pass."""

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.figures import (
    Breakdown,
    Figure,
    Line,
    Period,
    Scope,
    by_child_unit,
    count_by_child,
    happened,
    list_url,
)
from rencai.training.choices import ArtKind, EntityKind, OutcomeKind
from rencai.training.figures import (
    Progress,
    art_team_rows,
    audience,
    entities_by_kind,
    entity_rows,
    mentorship_rows,
    outcome_rows,
    outcomes_by_kind,
    performance_rows,
    progress_days,
    progress_until,
    target_of,
)
from rencai.training.figures_bases import FIGURES as SEED_FIGURES
from rencai.training.figures_monthly import ATTENDANCE_BY_MONTH
from rencai.training.ledger_figures import organised_of, summary_of

# -- the ledger ---------------------------------------------------------------------------------


def _ledger_url(**extra: object) -> Callable[[Scope, Period], str]:
    """The 培训台账 rows of a ledger figure: the part of the period counted (to today; the
    period itself when none of it has happened, whose list the ledger shows empty)."""
    return lambda s, p: list_url("training:attendances", s.unit, happened(p) or p, **extra)


def _organised(scope: Scope, period: Period) -> int:
    """组织培训人次; when the scope is every unit there is, every organiser is in it, so its rows
    are those of 培训人次, which the summary has counted already."""
    if scope.is_everything:
        return summary_of(scope, period).attendances
    return organised_of(scope, period)[0]


def _progress(scope: Scope, period: Period) -> Progress:
    """The scope unit's own target progress beside the ledger figures of `period`: its numbers
    from the registered figures' one pass."""

    def compute() -> Progress:
        year, until = progress_until(period)
        days, last = progress_days(year, until)
        achieved = summary_of(scope, period).achieved
        target = target_of(scope.unit, year)
        return Progress(scope.unit, year, target, achieved, last, days is not None)

    return scope.memo(("training.progress", period), compute)


def _achieved_url(scope: Scope, period: Period) -> str:
    """The 培训台账 rows target progress counts: 1 January to the last day counted."""
    year, until = progress_until(period)
    days = progress_days(year, until)[0] or Period(datetime.date(year, 1, 1), until)
    return list_url("training:attendances", scope.unit, days)


def _per_child(value: Callable[[Any], Any]) -> Callable[[Scope, Period], dict[int, Any]]:
    """child pk → `value(line)` of the ledger summary's line of each child unit."""
    return lambda s, p: {line.unit.pk: value(line) for line in summary_of(s, p).lines}


def _by_category(value: str, **extra: object) -> Breakdown:
    """培训人次 or 培训人数 (`value`) by training category, largest 人次 first."""

    def compute(scope: Scope, period: Period) -> list[Line]:
        return [
            Line(
                c.category_id,
                c.name,
                getattr(c, value),
                _ledger_url(category=c.category_id, **extra)(scope, period),
            )
            for c in summary_of(scope, period).categories
        ]

    return Breakdown("category", _("按培训类别"), compute)


# -- what the training led to -------------------------------------------------------------------


def _list_url(name: str) -> Callable[[Scope, Period], str]:
    return lambda s, p: list_url(name, s.unit, p)


def _entities(scope: Scope, period: Period) -> dict[str, tuple[int, int]]:
    """`entities_by_kind` once per scope and period: 经营主体 and 带动就业 read one pass."""
    return scope.memo(("training.entities", period), lambda: entities_by_kind(scope, period))


def _by_kind(
    label: Any, name: str, kinds: Any, counts: Callable[[Scope, Period], dict[str, Any]]
) -> Breakdown:
    """A results figure by kind, each line linking to the list `name` filtered to that kind."""
    labels = dict(kinds.choices)

    def compute(scope: Scope, period: Period) -> list[Line]:
        return [
            Line(kind, str(labels[kind]), n, list_url(name, scope.unit, period, kind=kind))
            for kind, n in counts(scope, period).items()
        ]

    return Breakdown("kind", label, compute)


def _children(rows: Callable[[Scope, Period], Any], *fields: str, total: Any = None):
    """child pk → the figure's rows (or their `total`) under each child unit, by `fields`."""
    return lambda s, p: count_by_child(s, rows(s, p), *fields, total=total)


def _art_teams_by_kind(scope: Scope, period: Period) -> list[Line]:
    """文艺团队 by kind (篇一: 26 支戏曲人才团队, 100 余支民间文艺人才团队), each line the teams
    list of the scope's unit filtered to that kind."""
    counts = dict(art_team_rows(scope).values_list("kind").annotate(n=Count("id")).order_by())
    return [
        Line(kind, str(label), counts[kind],
             list_url("training:teams", None, None, org=scope.unit.pk, kind=kind))
        for kind, label in ArtKind.choices
        if kind in counts
    ]  # fmt: skip


# -- the 口径 that several figures share --------------------------------------------------------


def rule(*parts: Any) -> Any:
    """A 口径 made of sentences, some shared by several figures (kept lazy: read in the
    language of whoever reads it)."""
    return format_lazy("{}" * len(parts), *parts)


COUNTED = _(
    "以培训项目（班次）的结束日期计入期间：结束日期在期间内、且不晚于今天的项目才计入，计划在今天"
    "以后结束的项目在结束前不计；期间在今天以后才开始的，计 0。"
)
BY_HOME = _(
    "学员按户籍/居住地计入所在单位及其各级上级单位，主办单位不决定计入哪里：住在某村的学员计入"
    "该村，也计入该村所在的乡镇和县；村、乡镇、县直部门主办的项目都如此，因此村主办的项目中住在"
    "本乡镇的学员计入该乡镇。户籍/居住地在本县另一乡镇的学员，计入其户籍所在乡镇，不计入主办"
    "单位所在的乡镇；户籍/居住地在本县以外的学员，计入主办单位及其各级上级单位。"
)
PROGRESS_DAY = _(
    "统计年度与统计截止日：期间已开始的，统计截止日为期间最后一天与今天中较早的一天，统计年度为"
    "其所在年度；期间尚未开始的，统计年度为期间开始所在年度、截至今天（该年度尚未开始则不计）。"
)
PROGRESS_RULE = _(
    "进度滞后：完成率 < 时间进度，时间进度 =（统计截止日 − 1月1日 + 1）÷ 当年天数 × 100%，"
    "保留一位小数。"
)

FIGURES = (
    Figure(
        "training.attendance",
        _("培训人次"),
        _("人次"),
        rule(_("参训记录的条数：一人参加一个项目为一人次。"), COUNTED, BY_HOME),
        lambda s, p: summary_of(s, p).attendances,
        _ledger_url(),
        (
            _by_category("attendances"),
            by_child_unit(_per_child(lambda line: line.attendances), _ledger_url()),
            ATTENDANCE_BY_MONTH,
        ),
    ),
    Figure(
        "training.trainees",
        _("培训人数"),
        _("人"),
        rule(
            _(
                "培训人次中的不同人员：一人在期间内参训多次只计一人；本县学员只有一个户籍/居住地，"
                "县外学员在其参训项目的各主办单位各计一人、在共同的上级只计一人。"
            ),
            COUNTED,
            BY_HOME,
        ),
        lambda s, p: summary_of(s, p).trainees,
        _ledger_url(per_person=1),
        (
            _by_category("trainees", per_person=1),
            by_child_unit(_per_child(lambda line: line.trainees), _ledger_url(per_person=1)),
        ),
    ),
    Figure(
        "training.organised",
        _("组织培训人次"),
        _("人次"),
        rule(
            _(
                "主办单位在范围内（范围单位本身或其任一级下级单位，含村）的项目的全部参训记录，"
                "不论学员住在哪里（外乡镇、外县的学员都计入）：村主办的项目计入该村及其所在乡镇和县。"
            ),
            COUNTED,
        ),
        _organised,
        _ledger_url(organised=1),
        (by_child_unit(lambda s, p: organised_of(s, p)[1], _ledger_url(organised=1)),),
    ),
    Figure(
        "training.target",
        _("年度培训目标"),
        _("人次"),
        rule(
            _("范围单位本身在统计年度的总体培训目标（不含按培训类别分解的目标），未设为空。"),
            PROGRESS_DAY,
        ),
        lambda s, p: _progress(s, p).target,
        breakdowns=(by_child_unit(_per_child(lambda line: line.progress.target)),),
    ),
    Figure(
        "training.achieved",
        _("年度累计培训人次"),
        _("人次"),
        rule(
            _(
                "统计年度 1 月 1 日至统计截止日之间结束的项目的培训人次（单位的规则同培训人次）："
                "目标完成率的分子。"
            ),
            PROGRESS_DAY,
        ),
        lambda s, p: _progress(s, p).achieved,
        _achieved_url,
        (by_child_unit(_per_child(lambda line: line.progress.achieved), _achieved_url),),
    ),
    Figure(
        "training.target_progress",
        _("目标完成率"),
        "%",
        rule(
            _(
                "完成率 = 年度累计培训人次 ÷ 年度培训目标 × 100%，保留一位小数（四舍五入）；未设"
                "目标为空。"
            ),
            PROGRESS_DAY,
            PROGRESS_RULE,
        ),
        lambda s, p: _progress(s, p).percent,
        _achieved_url,
        (by_child_unit(_per_child(lambda line: line.progress.percent), _achieved_url),),
    ),
    Figure(
        "training.time_progress",
        _("时间进度"),
        "%",
        rule(
            _(
                "统计年度已过去的比例：（统计截止日 − 1月1日 + 1）÷ 当年天数 × 100%，保留一位"
                "小数；统计年度尚未开始为 0。完成率低于它即为进度滞后。"
            ),
            PROGRESS_DAY,
        ),
        lambda s, p: _progress(s, p).expected_percent,
    ),
    Figure(
        "training.outcomes",
        _("培训成效"),
        _("个"),
        _(
            "成效日期在期间内的培训成效记录，一人多项成效各计一个；按人员的户籍/居住地计入所在单位"
            "及其各级上级单位，户籍/居住地不在范围内的人员不计入（县外人员不计入本县）。"
        ),
        lambda s, p: outcome_rows(s, p).count(),
        _list_url("training:outcomes"),
        (
            _by_kind(_("按成效类型"), "training:outcomes", OutcomeKind, outcomes_by_kind),
            by_child_unit(
                _children(outcome_rows, "person__home_org"), _list_url("training:outcomes")
            ),
        ),
    ),
    Figure(
        "training.entities",
        _("经营主体"),
        _("个"),
        _(
            "期间最后一天的存量：所属单位在范围内、成立日期不晚于期间最后一天（或未填成立日期）的"
            "经营主体，计入所属单位及其各级上级单位。"
        ),
        lambda s, p: sum(n for n, _jobs in _entities(s, p).values()),
        _list_url("training:entities"),
        (
            _by_kind(
                _("按主体类型"),
                "training:entities",
                EntityKind,
                lambda s, p: {k: n for k, (n, _j) in _entities(s, p).items()},
            ),
            by_child_unit(_children(entity_rows, "org"), _list_url("training:entities")),
        ),
    ),
    Figure(
        "training.jobs_driven",
        _("带动就业人数"),
        _("人"),
        _(
            "经营主体（口径同上：期间最后一天的存量，所属单位在范围内）登记的带动就业人数之和，"
            "未填计 0。"
        ),
        lambda s, p: sum(jobs for _n, jobs in _entities(s, p).values()),
        _list_url("training:entities"),
        (
            _by_kind(
                _("按主体类型"),
                "training:entities",
                EntityKind,
                lambda s, p: {k: j for k, (_n, j) in _entities(s, p).items()},
            ),
            by_child_unit(
                _children(entity_rows, "org", total=Sum("jobs_driven")),
                _list_url("training:entities"),
            ),
        ),
    ),
    Figure(
        "training.mentorships",
        _("名师带徒"),
        _("对"),
        _(
            "期间内任何一天在带的师徒对：开始日期不晚于期间最后一天，且未在期间第一天之前结束（未填"
            "结束日期为仍在带）；师傅或徒弟的户籍/居住地在范围内即计入：师徒分住两个乡镇时两个乡镇"
            "各计一对，在共同的上级只计一对。"
        ),
        lambda s, p: mentorship_rows(s, p).count(),
        _list_url("training:mentorships"),
        (
            by_child_unit(
                _children(mentorship_rows, "master__home_org", "apprentice__home_org"),
                _list_url("training:mentorships"),
            ),
        ),
    ),
    Figure(
        "training.art_teams",
        _("文艺团队"),
        _("个"),
        _(
            "所属单位在范围内的文艺团队，计入所属单位及其各级上级单位；团队不记成立日期，为当前"
            "存量，期间不适用。"
        ),
        lambda s, p: art_team_rows(s).count(),
        lambda s, p: list_url("training:teams", None, None, org=s.unit.pk),
        (
            Breakdown("kind", _("按团队类型"), _art_teams_by_kind),
            by_child_unit(
                _children(lambda s, p: art_team_rows(s), "org"),
                lambda s, p: list_url("training:teams", None, None, org=s.unit.pk),
            ),
        ),
    ),
    Figure(
        "training.performances",
        _("演出场次"),
        _("场"),
        _(
            "日期在期间内、演出地点（村/社区）在范围内的演出，计入演出地点及其各级上级单位，不论"
            "团队来自哪里。"
        ),
        lambda s, p: performance_rows(s, p).count(),
        _list_url("training:performances"),
        (
            by_child_unit(
                _children(performance_rows, "village"), _list_url("training:performances")
            ),
        ),
    ),
    Figure(
        "training.audience",
        _("观众人次"),
        _("人次"),
        _("演出场次（口径同上：日期在期间内、演出地点在范围内）登记的观众人数之和，未填计 0。"),
        lambda s, p: audience(s, p),
        _list_url("training:performances"),
        (
            by_child_unit(
                _children(performance_rows, "village", total=Sum("audience")),
                _list_url("training:performances"),
            ),
        ),
    ),
    *SEED_FIGURES,  # 实训基地, 存栏, 青年培训人数, 逾期未整改事项 (figures_bases.py)
)
