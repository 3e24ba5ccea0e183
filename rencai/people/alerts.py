"""人才库's 预警 (rencai/alerts): certificates (资质证书) of 在册 persons that lapse within 90 days
or lapsed in the last 30."""

import datetime
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rencai.alerts.registry import Alert, Item, Severity
from rencai.figures import Scope, today
from rencai.people.choices import PersonStatus, QualificationKind
from rencai.people.models import Person, Qualification

AHEAD_DAYS = 90  # a certificate lapsing this soon is announced
AFTER_DAYS = 30  # and one that lapsed this recently is still shown


def _lapsing(scope: Scope, user: Any) -> Iterator[Item]:
    day = today()
    persons = (
        Person.objects.visible_to(user)
        .in_units(scope.subtree_ids)
        .filter(status=PersonStatus.ACTIVE)
    )
    certificates = (
        Qualification.objects.filter(
            person__in=persons.values("pk"),
            valid_until__gte=day - datetime.timedelta(days=AFTER_DAYS),
            valid_until__lte=day + datetime.timedelta(days=AHEAD_DAYS),
        )
        .order_by("valid_until", "pk")
        .values_list("pk", "kind", "level", "valid_until", "person_id", "person__name")
    )
    # a county can have thousands: plain rows, each label and sentence looked up once
    kinds = {value: str(label) for value, label in QualificationKind.choices}
    lapsed = gettext("%(name)s的%(certificate)s已于 %(d)s 过期（%(n)d 天前）")
    lapsing = gettext("%(name)s的%(certificate)s将于 %(d)s 到期（还有 %(n)d 天）")
    for pk, kind, level, valid_until, person_id, name in certificates:
        left = (valid_until - day).days
        what = {
            "name": name,
            "certificate": f"{kinds.get(kind, kind)} {level}".strip(),
            "d": valid_until.isoformat(),
            "n": abs(left),
        }
        text = (lapsed if left < 0 else lapsing) % what
        url = reverse("people:detail", args=[person_id])
        yield Item(f"qualification:{pk}:{valid_until.isoformat()}", text, valid_until, url)


ALERTS = (
    Alert(
        "people.certificate_lapsing",
        _("资质证书即将到期"),
        _(
            "本辖区在册人员（户籍/居住地或工作单位在本单位及其下级）的资质证书，有效期至在今后 "
            "90 天内或已过期不满 30 天的，每本证书一条；更新有效期后按新日期重新判断。"
        ),
        Severity.MEDIUM,
        _lapsing,
    ),
)
