"""自生成以来已变化的数字: each figure a saved report used, computed again now for the same
scope unit and period and set beside the value saved."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from rencai import figures
from rencai.figures import Period, Scope
from rencai.orgs.models import OrgUnit
from rencai.reports import quality
from rencai.reports.context import amount, plain
from rencai.reports.models import Report


@dataclass(frozen=True)
class Change:
    """One recorded figure (a breakdown's line named by its label): saved and now, and the list
    of its rows now."""

    label: str
    unit_path: str
    period: str
    saved: str
    now: str
    url: str | None
    changed: bool
    gone: bool = False
    rule: str = ""  # the figure is no longer registered or its unit no longer exists


def _now(entry: dict[str, Any], scope: Scope, period: Period) -> tuple[Any, str | None]:
    if entry["key"].split(":")[0] == "quality":
        return quality.now(entry["key"], scope), reverse("alerts:quality")
    f = figures.figure(entry["key"])
    if not entry.get("breakdown"):
        return f.compute(scope, period), f.url(scope, period)
    for line in f.lines(entry["breakdown"], scope, period):
        if str(line.key) == entry["line"]:
            return line.value, line.url
    return None, None


def changed_figures(report: Report, viewer: Any) -> list[Change]:
    """Every recorded figure, the changed ones first (in the report's order within each)."""
    ids = {entry["unit_id"] for entry in report.figures}
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
    scopes: dict[int, Scope] = {}
    found = []
    for entry in report.figures:
        period = Period(*(datetime.date.fromisoformat(entry[k]) for k in ("start", "end")))
        label = entry["label"]
        saved = amount(entry["value"], entry["unit"]) or "—"
        unit = units.get(entry["unit_id"])
        known = entry["key"] in figures.registry() or entry["key"].startswith("quality")
        if unit is None or not known:
            where = entry["unit_path"]
            found.append(
                Change(label, where, _span(period), saved, "—", None, True, True, entry["rule"])
            )
            continue
        scope = scopes.setdefault(unit.pk, Scope(unit, viewer))
        value, url = _now(entry, scope, period)
        now = amount(plain(value), entry["unit"]) or "—"
        changed = plain(value) != entry["value"]
        where = entry["unit_path"]
        found.append(
            Change(label, where, _span(period), saved, now, url, changed, rule=entry["rule"])
        )
    return sorted(found, key=lambda c: not c.changed)


def _span(period: Period) -> str:
    return f"{period.start.isoformat()} 至 {period.end.isoformat()}"
