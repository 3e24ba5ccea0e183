from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CensusConfig(AppConfig):
    name = "rencai.census"
    label = "census"
    verbose_name = _("人才资源普查")

    def ready(self) -> None:
        from rencai.census import demands  # noqa: F401 -- registers the 人才需求表
        from rencai.census.units import on_roster_committed  # its import registers the 普查名册
        from rencai.imports.signals import job_committed

        job_committed.connect(on_roster_committed, dispatch_uid="census-roster-committed")
