"""Exporting a sheet's records: scoped to the user, masked unless they may reveal, audited."""

from typing import IO, Any

from rencai.accounts import roles
from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.imports.sheets import Sheet
from rencai.imports.workbooks import write_export


def export_sheet(sheet: Sheet, user: Any, params: dict[str, Any], out: IO[bytes] | str) -> int:
    """Write the records `params` select (the list page's filters) from the user's jurisdiction
    to `out`; returns the number of rows. ID numbers and phones stay masked unless the user
    holds the reveal permission. Each export is an audit event."""
    if not roles.reads_records(user):
        raise PermissionError("no records to export")
    queryset = sheet.export_queryset(user, params)
    reveal = roles.may_reveal(user)
    count = write_export(sheet, sheet.export_rows(user, queryset, reveal=reveal), out)
    with acting_as(user):
        record_event(
            AuditAction.EXPORT,
            detail={
                "sheet": sheet.name,
                "filters": {k: str(v) for k, v in params.items() if v},
                "rows": count,
                "masked": not reveal,
            },
        )
    return count
