"""The 预警 declarations: what needs attention, declared by each domain in the module its
`domain.py` names as `alerts` (`ALERTS`, a tuple of `Alert`), gathered here with
`domains.declared("alerts", "ALERTS")`. This module names no domain.

An alert has a stable key (`<domain>.<name>`), a Chinese label, its rule (口径, in words), a
severity and a function (scope, user) → the items that need attention now: each item with a
stable subject key (what the item is about, in the state that makes it news — a seen mark on it
stops counting once that state changes), a Chinese sentence stating its numbers, the date it is
due or as of, and the URL of the list or record it concerns. Items are computed from the records
on every ask (no copy is stored), for the viewer's jurisdiction: the scope is the viewer's unit
(`Scope.visible(user)`) and every queryset starts from `visible_to(user)`."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rencai import domains
from rencai.figures import Scope


class Severity:
    """How urgent an alert is; the value is the Bootstrap colour the inbox draws it in."""

    HIGH = "danger"
    MEDIUM = "warning"
    LOW = "info"


SEVERITY_LABELS = {
    Severity.HIGH: _("紧急"),
    Severity.MEDIUM: _("关注"),
    Severity.LOW: _("提示"),
}


@dataclass(frozen=True)
class Item:
    """One thing that needs attention: `subject` is stable while the thing stays as it is."""

    subject: str
    text: str
    day: datetime.date
    url: str


@dataclass(frozen=True)
class Alert:
    key: str
    label: str | Promise
    rule: str | Promise
    severity: str
    items: Callable[[Scope, Any], Iterable[Item]]

    @property
    def severity_label(self) -> str:
        return str(SEVERITY_LABELS[self.severity])


def alerts() -> list[Alert]:
    """Every domain's alerts, in `INSTALLED_APPS` order and each domain's own order."""
    found = domains.declared("alerts", "ALERTS")
    keys = [a.key for a in found]
    if len(set(keys)) != len(keys):
        raise ValueError(f"alert keys declared twice: {keys}")
    return found


def alert(key: str) -> Alert:
    return next(a for a in alerts() if a.key == key)
