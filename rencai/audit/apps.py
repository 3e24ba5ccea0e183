from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "rencai.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from rencai.audit import signals

        signals.connect()
