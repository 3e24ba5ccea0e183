"""Helpers shared by the tests of unit-scoped record types (rencai.records): reading a list's
count, running one of their import sheets, reading an export."""

import io
import re
from typing import Any

from django.test import Client
from django.utils import translation
from imports.workbooks import persons_xlsx
from python_calamine import CalamineWorkbook

from rencai.imports.engine import Importer, Outcome
from rencai.imports.sheets import get_sheet


def record_count(response: Any) -> int:
    """The 共 N 条 of a record list page."""
    assert response.status_code == 200, response.status_code
    found = re.search(r'<span id="record-count">(\d+)</span>', response.content.decode())
    assert found, "no record count on the page"
    return int(found.group(1))


def import_sheet(
    sheet: str, user: Any, header: list[str], rows: list[list[Any]], *, commit: bool = True
) -> Outcome:
    """Dry-run (and, when clean and `commit`, commit) `rows` under `header` as `user`."""
    with translation.override("zh-hans"):
        importer = Importer(get_sheet(sheet), user)
        outcome = importer.validate(io.BytesIO(persons_xlsx(rows, header)), f"{sheet}.xlsx")
        if commit and outcome.ok:
            importer.commit(outcome, file_name=f"{sheet}.xlsx", sha256="0" * 64)
    return outcome


def export_table(client: Client, url: str) -> list[list[Any]]:
    """The rows of an exported workbook's first sheet, header first (blank lines dropped)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_index(0).to_python()
    return [r for r in rows if any(c not in ("", None) for c in r)]


def problems(outcome: Outcome) -> str:
    return "\n".join(f"第 {p.row} 行〔{p.column}〕：{p.message}" for p in outcome.problems)
