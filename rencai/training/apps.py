from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "rencai.training"
    label = "training"
    verbose_name = _("人才培育")

    def ready(self) -> None:
        from rencai.training import records  # noqa: F401 -- registers the record sheets

        pre_migrate.connect(_drop_sqlite_tallies, sender=self, dispatch_uid="training_tallies")
        post_migrate.connect(_ensure_tallies, sender=self, dispatch_uid="training_tallies")


def _drop_sqlite_tallies(using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    """Before a migrate run with migrations to apply on SQLite, the ledger tallies' triggers go:
    SQLite alters a table by building a new one and renaming it, which fails while a trigger
    names the table (and drops the old table's own triggers anyway). `_ensure_tallies` puts
    them back and recomputes the tallies afterwards. PostgreSQL alters tables in place."""
    from django.db import connections

    from rencai.training import tally

    connection = connections[using]
    if plan and connection.vendor == "sqlite":
        tally.uninstall(connection)


def _ensure_tallies(using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    """After every migrate (and test-database flush), the ledger tallies' triggers are in place
    and, if one was missing (a new database, `_drop_sqlite_tallies`, or a migration dropped
    it), the tallies recomputed from the ledger (rencai/training/tally.py)."""
    from django.db import connections

    from rencai.training import tally

    connection = connections[using]
    if tally.PROGRAMS in connection.introspection.table_names():
        tally.ensure(connection)
