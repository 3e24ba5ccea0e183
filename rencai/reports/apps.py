from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """工作开展情况汇报: the draft report written from the figure registry (rencai.reports)."""

    name = "rencai.reports"
    label = "reports"
    verbose_name = _("工作汇报")
