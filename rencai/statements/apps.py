from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatementsConfig(AppConfig):
    name = "rencai.statements"
    label = "statements"
    verbose_name = _("统计报表")
