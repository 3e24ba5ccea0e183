from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitStatus(models.TextChoices):
    """Where a reporting unit stands in a census round."""

    PENDING = "pending", _("未报")
    SUBMITTED = "submitted", _("已报")
    APPROVED = "approved", _("已审核")
    RETURNED = "returned", _("退回")


# A unit counts as reported (报送率) once its roster is in, reviewed or not.
REPORTED = (UnitStatus.SUBMITTED, UnitStatus.APPROVED)
# A unit may (re)submit until the county has accepted its roster.
SUBMITTABLE = (UnitStatus.PENDING, UnitStatus.SUBMITTED, UnitStatus.RETURNED)


class DemandLevel(models.TextChoices):
    """层次 of a declared need, as the reports speak of 高层次紧缺人才."""

    HIGH = "high", _("高层次")
    SHORTAGE = "shortage", _("紧缺")
    GENERAL = "general", _("一般")


class Resolution(models.TextChoices):
    """How the county settled two units' claim to one person."""

    KEEP = "keep", _("保留在原登记单位")
    MOVE = "move", _("转入报送单位")
