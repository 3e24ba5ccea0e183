"""人才培育's 预警 (rencai/alerts): targets behind the share of the year gone by, and
rectification items past their due date and not done."""

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rencai.alerts.registry import Alert, Item, Severity
from rencai.figures import CHILD_UNIT, Period, Scope, figure, today, value
from rencai.training.models import RectificationItem


def _behind(scope: Scope, user: Any) -> Iterator[Item]:
    """The scope's unit and each child unit whose 目标完成率 (training.target_progress) is below
    the 时间进度 (training.time_progress) of this year."""
    day = today()
    period = Period.year(day.year)
    expected = value("training.time_progress", scope, period)
    progress = figure("training.target_progress")
    own = progress.compute(scope, period), progress.url(scope, period)
    lines = [(scope.unit.pk, scope.unit.name, *own)] + [
        (line.key, line.label, line.value, line.url)
        for line in progress.lines(CHILD_UNIT, scope, period)
    ]
    for pk, name, percent, url in lines:
        if percent is None or expected is None or percent >= expected:
            continue
        text = gettext(
            "%(unit)s %(year)d 年培训目标完成率 %(done).1f%%，低于时间进度 %(expected).1f%%"
        ) % {"unit": name, "year": day.year, "done": percent, "expected": expected}
        yield Item(f"target:{pk}:{day.year}", text, day, url or reverse("training:targets"))


def _overdue(scope: Scope, user: Any) -> Iterator[Item]:
    """Rectification items not done whose 整改期限 has passed, of inspections in the scope."""
    day = today()
    items = (
        RectificationItem.objects.visible_to(user)
        .filter(scope.within("inspection__org"), done_on__isnull=True, due_on__lt=day)
        .select_related("inspection__org", "inspection__base")
        .order_by("due_on", "pk")
    )
    for item in items:
        inspection = item.inspection
        where = inspection.base.name if inspection.base_id else inspection.org.name
        text = gettext(
            "%(where)s的整改事项“%(what)s”已逾期 %(days)d 天未完成"
            "（整改期限 %(due)s，责任人 %(owner)s）"
        ) % {
            "where": where,
            "what": item.description,
            "days": (day - item.due_on).days,
            "due": item.due_on.isoformat(),
            "owner": item.owner,
        }
        url = reverse("training:inspections_detail", args=[inspection.pk])
        yield Item(f"rectification:{item.pk}:{item.due_on.isoformat()}", text, item.due_on, url)


ALERTS = (
    Alert(
        "training.target_behind",
        _("培训目标进度滞后"),
        _(
            "本单位及各直属下级单位本年度的目标完成率（training.target_progress）低于时间进度"
            "（training.time_progress）的，每个单位一条；未设目标的单位不提示。"
        ),
        Severity.MEDIUM,
        _behind,
    ),
    Alert(
        "training.rectification_overdue",
        _("整改事项逾期"),
        _(
            "本辖区督导检查的整改事项中，尚未填写完成日期、且整改期限早于今天的，每项一条；"
            "填写完成日期即不再提示。"
        ),
        Severity.HIGH,
        _overdue,
    ),
)
