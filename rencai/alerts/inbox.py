"""The 预警 inbox of one user: every declared alert's items for the user's jurisdiction, which of
them the user has marked as seen, and the header badge's count of the others.

The items are computed from the records (rencai/alerts/registry.py) once per user, day and state
of the records: cached under the audit log's change mark (`rencai.audit.log.change_mark`), which
every change to a record moves, so a cached item list is never older than the records behind it.
Seen marks are read afresh on every ask (one query), so marking an item drops it at once."""

import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import IntegrityError, transaction

from rencai.accounts import roles
from rencai.alerts.models import AlertSeen
from rencai.alerts.registry import Alert, Item, Severity, alerts
from rencai.audit.log import change_mark
from rencai.figures import Scope, today

logger = logging.getLogger(__name__)

CACHE_TIMEOUT = 600  # seconds; the change mark invalidates sooner
LATEST_TIMEOUT = 3600  # the badge's count may be this old at most (see _for_badge)
SHOWN = 100  # items of one alert listed on the page (each kind: unseen, seen); all are counted
RANK = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


@dataclass
class Group:
    """One alert's items for the user: those still to look at, and those marked as seen."""

    alert: Alert
    unseen: list[Item] = field(default_factory=list)
    seen: list[Item] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [*self.unseen, *self.seen]

    @property
    def unseen_shown(self) -> list[Item]:
        return self.unseen[:SHOWN]

    @property
    def seen_shown(self) -> list[Item]:
        return self.seen[:SHOWN]

    @property
    def cut(self) -> bool:
        """More items than the page lists (the earliest due are listed)."""
        return len(self.unseen) > SHOWN or len(self.seen) > SHOWN


def _cache_key(user, mark: tuple[int, int] | None = None) -> str:
    top, recent = mark or change_mark()
    return f"alerts:{user.pk}:{user.role}:{user.org_id}:{today()}:{top}:{recent}"


def _latest_key(user) -> str:
    return f"alerts:latest:{user.pk}:{user.role}:{user.org_id}:{today()}"


def _computed(
    user, scope: Scope | None = None, mark: tuple[int, int] | None = None
) -> dict[str, list[Item]]:
    """alert key → its items for the user, oldest due date first (cached, see the docstring).
    What was computed is also kept as the user's latest items, which the header badge reads.
    `scope`: a page's Scope of the user's own unit, whose memo the alerts' figures then share
    (any other is not the user's jurisdiction as a whole and is not used)."""
    key = _cache_key(user, mark)
    found = cache.get(key)
    if found is None:
        if scope is None or scope.unit.pk != user.org_id or scope.viewer != user:
            scope = Scope.visible(user)
        found = {
            a.key: sorted(a.items(scope, user), key=lambda item: (item.day, item.subject))
            for a in alerts()
        }
        cache.set(key, found, CACHE_TIMEOUT)
        cache.set(_latest_key(user), found, LATEST_TIMEOUT)
    return found


def prepare(user, scope: Scope, mark: tuple[int, int] | None = None) -> None:
    """Compute the user's items now from `scope` (a page's Scope of the user's own unit), ahead
    of the header badge and the panel: the 驾驶舱 calls it after its figures, so the alerts read
    the figures the page has just computed instead of computing them again (the badge, drawn
    first, would otherwise start from a fresh Scope)."""
    if roles.reads_records(user):
        try:
            _computed(user, scope, mark)
        except Exception:  # the badge and the panel report it; the page itself is still served
            logger.exception("alerts: could not be computed for user %s", user.pk)


def _for_badge(user, mark: tuple[int, int] | None = None) -> dict[str, list[Item]]:
    """The items the badge counts: the current ones when they are cached, else the user's
    latest computed today (the 驾驶舱's panel and the inbox compute them afresh, and every
    business role lands on the 驾驶舱), else — the first page of the day — computed now. So a
    page other than those two never pays for the alerts after each change to the records."""
    found = cache.get(_cache_key(user, mark))
    if found is None:
        found = cache.get(_latest_key(user))
    return found if found is not None else _computed(user)


def _seen(user) -> set[tuple[str, str]]:
    return set(AlertSeen.objects.filter(user=user).values_list("alert", "subject"))


def inbox(user, mark: tuple[int, int] | None = None) -> list[Group]:
    """The user's alerts that have items, each with its unseen and seen items; none for a
    user who reads no records (the 三员, an account without a role)."""
    if not roles.reads_records(user):
        return []
    computed, seen = _computed(user, mark=mark), _seen(user)
    groups = []
    for a in alerts():
        group = Group(a)
        for item in computed.get(a.key, []):
            (group.seen if (a.key, item.subject) in seen else group.unseen).append(item)
        if group.items:
            groups.append(group)
    return groups


def unseen_count(user) -> int:
    """How many items the user has not marked as seen: the header badge."""
    if not roles.reads_records(user):
        return 0
    return _count(_computed(user), _seen(user))


def top_items(
    user, limit: int = 5, mark: tuple[int, int] | None = None
) -> list[tuple[Alert, Item]]:
    """The most pressing unseen items (by severity, then due date): the 驾驶舱's panel."""
    found = [(g.alert, item) for g in inbox(user, mark) for item in g.unseen]
    found.sort(key=lambda pair: (RANK.get(pair[0].severity, 9), pair[1].day))
    return found[:limit]


def _mark(user, pairs: list[tuple[str, str]]) -> int:
    marked = 0
    for alert_key, subject in pairs:
        try:
            with transaction.atomic():
                _made, created = AlertSeen.objects.get_or_create(
                    user=user, alert=alert_key, subject=subject
                )
        except IntegrityError:  # marked at the same moment from another tab
            continue
        marked += created
    return marked


def mark_seen(user, alert_key: str, subject: str) -> bool:
    """Mark one of the user's current items as seen; False when the user has no such item
    (it was dealt with meanwhile, or it is not theirs to see)."""
    items = _computed(user).get(alert_key, []) if roles.reads_records(user) else []
    if not any(item.subject == subject for item in items):
        return False
    _mark(user, [(alert_key, subject)])
    return True


def mark_all_seen(user) -> int:
    """Mark every current item of the user as seen (全部标为已读); how many were new marks."""
    if not roles.reads_records(user):
        return 0
    pairs = [(k, item.subject) for k, items in _computed(user).items() for item in items]
    seen = _seen(user)
    return _mark(user, [pair for pair in pairs if pair not in seen])


def _count(computed: dict[str, list[Item]], seen: set[tuple[str, str]]) -> int:
    return sum(
        1 for key, items in computed.items() for item in items if (key, item.subject) not in seen
    )


def badge_count(user, mark: tuple[int, int] | None = None) -> int | None:
    """The badge's number — the unseen items of `_for_badge`: current, or as of the user's
    latest 驾驶舱 or inbox today — or None when there is no badge to show: a role that reads no
    records, or the computation failed (the page is still served; the error is logged)."""
    if not roles.reads_records(user):
        return None
    try:
        return _count(_for_badge(user, mark), _seen(user))
    except Exception:  # a header badge never turns a page into a 500
        logger.exception("alerts: the badge could not be computed for user %s", user.pk)
        return None
