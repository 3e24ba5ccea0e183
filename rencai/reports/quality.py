"""数据质量 among 存在的问题: the data-quality score of the report's unit (rencai.alerts.quality,
issue 13 §5) cited when it, or one of its parts, is below LOW — with the parts that pull it
down. The score is not a registered figure, so it is recorded through `ctx.note` under the keys
`quality` and `quality:<part key>`, and recomputed (`now`) for the changed-figures view."""

from typing import Any

from django.utils.translation import gettext as _

from rencai.alerts.quality import score
from rencai.figures import Scope
from rencai.reports.context import Item, ReportContext, join

LOW = 90.0  # a score or a part below this (out of 100) is a data gap worth reporting
SCORE_RULE = _("数据质量得分：本单位各项数据质量指标（得分 0–100）的平均值，保留一位小数。")


def problems(ctx: ReportContext) -> list[Item]:
    quality = ctx.scope.memo("reports.quality", lambda: score(ctx.scope))
    if quality.percent is None:
        return []
    low = [p for p in quality.parts if p.percent is not None and p.percent < LOW]
    if quality.percent >= LOW and not low:
        return []
    total = ctx.note("quality", _("数据质量得分"), quality.percent, "", str(SCORE_RULE))
    text = _("%(whole)s数据质量得分为 %(s)s 分") % {"whole": ctx.whole, "s": total}
    parts = [
        f"{p.label} {ctx.note(f'quality:{p.key}', p.label, p.percent, '%', p.rule)}" for p in low
    ]
    if parts:
        text += _("，其中%(p)s，低于 %(l)s 分") % {"p": join(parts), "l": f"{LOW:.0f}"}
    return [Item(_("基础数据质量有待提高"), (text + "。",))]


def now(key: str, scope: Scope) -> Any:
    """The score (`quality`) or a part's percent (`quality:<part>`) of the scope now."""
    quality = scope.memo("reports.quality", lambda: score(scope))
    if key == "quality":
        return quality.percent
    part = key.partition(":")[2]
    return next((p.percent for p in quality.parts if p.key == part), None)
