from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
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
        post_migrate.connect(_ensure_tallies, sender=self, dispatch_uid="training_tallies")


def _ensure_tallies(using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    """After every migrate (and test-database flush), the ledger tallies' triggers are in place
    and, if a migration had dropped one, the tallies recomputed (rencai/training/tally.py)."""
    from django.db import connections

    from rencai.training import tally

    connection = connections[using]
    if tally.PROGRAMS in connection.introspection.table_names():
        tally.ensure(connection)
