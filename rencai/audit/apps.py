from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "rencai.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from rencai.audit import signals

        signals.connect()
        pre_migrate.connect(_drop_sqlite_guard, sender=self, dispatch_uid="audit_guard")
        post_migrate.connect(_ensure_guard, sender=self, dispatch_uid="audit_guard")


def _drop_sqlite_guard(using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    """Before a migrate run with migrations to apply on SQLite, the audit log's guard triggers
    go: SQLite alters a table by rebuilding it, which fails while a trigger names the table.
    `_ensure_guard` puts them back (rencai/audit/chain.py)."""
    from django.db import connections

    from rencai.audit import chain

    connection = connections[using]
    if plan and connection.vendor == "sqlite":
        chain.uninstall_guard(connection)


def _ensure_guard(using: str = "default", **kwargs: Any) -> None:
    """After every migrate (and test-database flush) the guard triggers are in place."""
    from django.db import connections

    from rencai.audit import chain

    chain.ensure_guard(connections[using])
