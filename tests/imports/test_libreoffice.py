"""Workbooks saved by LibreOffice Calc, as a county office without Microsoft Office makes them:
a CSV opened in Calc and saved as .xlsx.

Needs `soffice` (apt-get install -y libreoffice-calc). Without it the tests skip, unless
RENCAI_REQUIRE_LIBREOFFICE is set (CI), where they fail.
"""

import datetime

import pytest
from django.utils import translation

from imports import support
from imports.support import Written, problems_text, soffice_converter, validate_and_commit
from imports.workbooks import XIGUAN, make_id, person_row, persons_csv
from rencai.people.models import Person
from rencai.standards.idnumber import EXCEL_NUMBER_MESSAGE

# Calc's CSV import options: comma, double quote, UTF-8 (76), from line 1, then column/format
# pairs — 2 is 文本 (Text), what an office picks for the ID and phone columns.
CSV_AS_TEXT = "CSV:44,34,76,1,4/2/7/2"
CSV_AS_GENERAL = "CSV:44,34,76,1"


@pytest.fixture(scope="module")
def soffice(tmp_path_factory):
    return soffice_converter(tmp_path_factory.mktemp("soffice"))


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def _rows() -> list[list]:
    return [
        person_row("赵六", seq=41, categories="农村实用人才、土专家"),
        person_row("钱七", birth="19850312", seq=18, home=XIGUAN, phone="13700002222"),
        person_row("孙八", birth="19921111", seq=52, birth_date="1992年11月11日"),
    ]


def test_a_csv_saved_as_xlsx_with_text_columns_imports(personas, people, tmp_path, soffice):
    source = tmp_path / "人员.csv"
    source.write_bytes(persons_csv(_rows(), encoding="utf-8"))
    xlsx = soffice(source, "xlsx", infilter=CSV_AS_TEXT)
    outcome, _event = validate_and_commit(personas.chengguan_admin, xlsx.read_bytes(), xlsx.name)
    assert problems_text(outcome) == ""
    assert outcome.summary() == {"new": 3, "updated": 0, "unchanged": 0, "rejected": 0, "total": 3}
    zhao = Person.objects.get(id_number=make_id("19880808", 41))
    assert sorted(c.name for c in zhao.categories.all()) == ["农村实用人才", "土专家"]
    qian = Person.objects.get(id_number=make_id("19850312", 18))
    assert qian.id_number.endswith("X")
    assert (qian.phone, qian.home_org.name, qian.birth_date) == (
        "13700002222",
        "西关村",
        datetime.date(1985, 3, 12),
    )
    assert Person.objects.get(name="孙八").birth_date == datetime.date(1992, 11, 11)


def test_a_csv_saved_as_xlsx_with_general_columns_loses_the_ids(
    personas, people, tmp_path, soffice
):
    """Calc, like Excel, reads an 18-digit ID in a General column as a number: its last digits
    are gone, and the import says how to fix the sheet. (The ID ending in X stays text.)"""
    source = tmp_path / "人员.csv"
    source.write_bytes(persons_csv(_rows(), encoding="utf-8"))
    xlsx = soffice(source, "xlsx", infilter=CSV_AS_GENERAL)
    before = Written.now()
    outcome, event = validate_and_commit(personas.chengguan_admin, xlsx.read_bytes(), xlsx.name)
    assert event is None
    assert [str(p) for p in outcome.problems] == [
        f"第 2 行〔身份证号〕：{EXCEL_NUMBER_MESSAGE}",
        f"第 4 行〔身份证号〕：{EXCEL_NUMBER_MESSAGE}",
    ]
    assert Written.now() == before


def test_without_libreoffice_the_tests_skip_unless_it_is_required(monkeypatch):
    monkeypatch.setattr(support.shutil, "which", lambda name: None)
    monkeypatch.delenv("RENCAI_REQUIRE_LIBREOFFICE", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y libreoffice-calc"):
        support.require_soffice()
    monkeypatch.setenv("RENCAI_REQUIRE_LIBREOFFICE", "1")
    with pytest.raises(pytest.fail.Exception, match="RENCAI_REQUIRE_LIBREOFFICE is set"):
        support.require_soffice()
