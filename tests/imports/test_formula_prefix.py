"""A text that a spreadsheet would take for a formula (= + - @, a tab) leaves rencai behind an
apostrophe, in exports and in error workbooks alike, so that pasting it elsewhere cannot make it
one; rencai's own import takes the apostrophe off, so export → import changes nothing."""

import datetime
import io

import pytest
from django.utils import translation
from python_calamine import CalamineWorkbook

from imports.support import validate, validate_and_commit
from imports.workbooks import person_row, persons_xlsx
from rencai.imports.exports import export_sheet
from rencai.imports.formulas import defuse, restore
from rencai.imports.sheets import get_sheet
from rencai.imports.workbooks import mask_errors, write_errors
from rencai.training.models import Entity
from tests.records_support import import_sheet, problems

# What offices or attackers type; each must come back out exactly as stored.
TEXTS = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"]


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def _export(sheet: str, user) -> bytes:
    out = io.BytesIO()
    export_sheet(get_sheet(sheet), user, {}, out)
    return out.getvalue()


def _table(data: bytes) -> list[list]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    return [row for row in sheet.to_python() if any(row)]


@pytest.mark.parametrize("text", TEXTS)
def test_a_persons_notes_are_exported_behind_an_apostrophe(text, personas, people):
    people.zhang_san.notes = text
    people.zhang_san.save()
    data = _export("persons", personas.county_admin)
    header, *rows = _table(data)
    notes = header.index("备注")
    assert "'" + text in [row[notes] for row in rows]
    outcome, _event = validate_and_commit(personas.county_admin, data, "导出.xlsx")
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.summary()["updated"] == 0 and outcome.summary()["unchanged"] == len(rows)
    people.zhang_san.refresh_from_db()
    assert people.zhang_san.notes == text


@pytest.mark.parametrize("text", TEXTS)
def test_a_records_name_is_exported_behind_an_apostrophe(text, personas, county, people):
    Entity.objects.create(
        name=text,
        kind="family_farm",
        org=county.dongguan,
        leader=people.zhang_san,
        founded_on=datetime.date(2025, 3, 1),
        industry=text,
    )
    header, *rows = _table(_export("entities", personas.chengguan_admin))
    assert rows[0][header.index("名称")] == "'" + text
    assert rows[0][header.index("产业")] == "'" + text
    outcome = import_sheet("entities", personas.chengguan_admin, header, rows)
    assert outcome.ok, problems(outcome)
    assert outcome.summary()["unchanged"] == 1 and outcome.summary()["updated"] == 0
    assert list(Entity.objects.values_list("name", "industry")) == [(text, text)]


def test_a_tab_or_carriage_return_first_is_behind_an_apostrophe_too(personas, people):
    # No door stores such a value (forms, the API and imports trim it), but one written by
    # hand into the database must still leave as text.
    people.zhang_san.notes = "\t=1"
    people.li_si.notes = "\r=2"
    people.zhang_san.save()
    people.li_si.save()
    header, *rows = _table(_export("persons", personas.county_admin))
    notes = {row[header.index("备注")] for row in rows}
    assert {"'\t=1", "'\r=2"} <= notes


def test_the_error_workbook_writes_a_rejected_rows_formula_behind_an_apostrophe(
    personas, people, tmp_path
):
    row = person_row("赵六", seq=41, political="不存在的面貌", notes='=HYPERLINK("http://x")')
    outcome = validate(personas.chengguan_admin, persons_xlsx([row]))
    assert not outcome.ok
    path = tmp_path / "errors.xlsx"
    write_errors(outcome, str(path))
    header, *rows = _table(path.read_bytes())
    assert rows[0][header.index("备注")] == '\'=HYPERLINK("http://x")'
    masked = tmp_path / "errors-masked.xlsx"
    mask_errors(str(path), str(masked))  # read back and written again: one apostrophe still
    header, *rows = _table(masked.read_bytes())
    assert rows[0][header.index("备注")] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize("text", [*TEXTS, "\t=1", "'=already", "'plain", "", "-"])
def test_restore_undoes_defuse(text):
    assert restore(defuse(text)) == text
