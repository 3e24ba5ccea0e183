from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "rencai.training"
    label = "training"
    verbose_name = _("人才培育")

    def ready(self) -> None:
        from rencai.imports.sheets import register
        from rencai.training import records  # noqa: F401 -- registers the record sheets
        from rencai.training.sheets import ATTENDANCE_SHEET, PROGRAM_SHEET

        register(ATTENDANCE_SHEET)
        register(PROGRAM_SHEET)
