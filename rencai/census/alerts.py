"""人才普查's 预警 (rencai/alerts): rounds closing (or past their deadline while still open) with
reporting units that have not reported (未报) or were sent back (退回)."""

import datetime
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rencai.alerts.registry import Alert, Item, Severity
from rencai.census.choices import UnitStatus
from rencai.census.models import CensusUnit
from rencai.figures import Scope, today

WARN_DAYS = 14  # a round's deadline this close (or passed) raises the alert


def _closing(scope: Scope, user: Any) -> Iterator[Item]:
    day = today()
    units = (
        CensusUnit.objects.visible_to(user)
        .filter(
            scope.within("org"),
            round__is_open=True,
            round__deadline__isnull=False,
            round__deadline__lte=day + datetime.timedelta(days=WARN_DAYS),
            status__in=(UnitStatus.PENDING, UnitStatus.RETURNED),
        )
        .select_related("round", "org")
        .order_by("round__deadline", "org__path")
    )
    for unit in units:
        deadline = unit.round.deadline
        left = (deadline - day).days
        when = (
            gettext("已过报送截止日期 %(n)d 天") % {"n": -left}
            if left < 0
            else gettext("报送截止 %(d)s，还有 %(n)d 天") % {"d": deadline.isoformat(), "n": left}
        )
        text = gettext("%(round)s：%(unit)s %(status)s，%(when)s") % {
            "round": unit.round,
            "unit": unit.org.name,
            "status": unit.get_status_display(),
            "when": when,
        }
        subject = f"census:{unit.round_id}:{unit.org_id}:{unit.status}:{deadline.isoformat()}"
        yield Item(subject, text, deadline, reverse("census:round", args=[unit.round_id]))


ALERTS = (
    Alert(
        "census.round_closing",
        _("普查即将截止仍有单位未报"),
        _(
            "进行中的普查轮次，报送截止日期在 14 天内或已过，本辖区内状态为未报或退回的报送"
            "单位，每个单位一条；单位报送后即不再提示。"
        ),
        Severity.HIGH,
        _closing,
    ),
)
