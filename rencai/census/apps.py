from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CensusConfig(AppConfig):
    name = "rencai.census"
    label = "census"
    verbose_name = _("人才资源普查")

    def ready(self) -> None:
        from rencai.census.sheets import DEMAND_SHEET, ROSTER_SHEET, on_roster_committed
        from rencai.imports.sheets import register
        from rencai.imports.signals import job_committed

        register(ROSTER_SHEET)
        register(DEMAND_SHEET)
        job_committed.connect(on_roster_committed, dispatch_uid="census-roster-committed")
