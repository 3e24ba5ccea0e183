"""A filtered 培训台账 export labels each program's totals as those of the filtered rows
(issue 12 item 15); the unfiltered export keeps the office's labels."""

import pytest

from tests.records_support import export_table
from tests.test_training import Training
from tests.test_training_ledger import LEDGER, block

pytestmark = pytest.mark.django_db


def test_a_filtered_export_says_its_totals_are_the_filtered_rows(county, people, personas, login):
    Training(county, people)
    client = login(personas.county_admin)
    whole = block(export_table(client, f"{LEDGER}export.xlsx"), "肉牛养殖技术培训 培训台账")
    assert "参训人数" in whole and "参训人数（筛选结果）" not in whole
    filtered = export_table(client, f"{LEDGER}export.xlsx?q={people.zhang_san.name}")
    header = block(filtered, "肉牛养殖技术培训 培训台账")
    assert header["参训人数（筛选结果）"] == "1"
    assert "经费（按筛选结果）" in header and "参训人数" not in header
