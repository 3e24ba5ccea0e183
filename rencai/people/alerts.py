"""人才库's 预警 (rencai/alerts): certificates (资质证书) of 在册 persons that lapse within 90 days
or lapsed in the last 30."""

import datetime
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rencai.alerts.registry import Alert, Item, Severity
from rencai.figures import Scope, today
from rencai.people.choices import PersonStatus
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
        .select_related("person")
        .order_by("valid_until", "pk")
    )
    for certificate in certificates:
        left = (certificate.valid_until - day).days
        what = {
            "name": certificate.person.name,
            "certificate": str(certificate),
            "d": certificate.valid_until.isoformat(),
            "n": abs(left),
        }
        if left < 0:
            text = gettext("%(name)s的%(certificate)s已于 %(d)s 过期（%(n)d 天前）") % what
        else:
            text = gettext("%(name)s的%(certificate)s将于 %(d)s 到期（还有 %(n)d 天）") % what
        subject = f"qualification:{certificate.pk}:{certificate.valid_until.isoformat()}"
        yield Item(subject, text, certificate.valid_until, certificate.person.get_absolute_url())


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
