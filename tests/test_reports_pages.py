"""The report pages by persona (issue 13 §3): a leader drafts, previews, saves and reads his
township's report; the Word file downloads as saved and the download is audited; a later change
to the records shows among 自生成以来已变化的数字 with both values, and 重新生成 makes a new
report; an outsider gets 404, a 三员 403; a bad period or unit gets a Chinese message."""

import html
import io
import re

import docx
import pytest

from rencai.audit.models import AuditAction, AuditEvent
from rencai.reports.models import Report
from rencai.training.models import TrainingTarget
from tests.seed_county import seeded_county  # noqa: F401

pytestmark = pytest.mark.django_db


def _new_url(unit, period: str) -> str:
    return f"/reports/new/?unit={unit.pk}&period={period}"


def _save(client, unit, period: str) -> Report:
    response = client.post("/reports/new/", {"unit": unit.pk, "period": period})
    assert response.status_code == 302, response.content.decode()[:500]
    return Report.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_leader_drafts_saves_and_reads(login, personas, seeded_county):  # noqa: F811
    s = seeded_county
    client = login(personas.chengguan_leader)
    town = s.unit("城关镇")
    preview = client.get(_new_url(town, s.h1))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "完成年度目标 6000 人次的 50.0%" in page and "生成并保存" in page
    assert Report.objects.count() == 0  # the preview saves nothing
    report = _save(client, town, s.h1)
    assert report.unit == town and report.created_by == personas.chengguan_leader
    assert str(report.period_start) == f"{s.year}-01-01"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(report.pk)).exists()
    detail = client.get(f"/reports/{report.pk}/").content.decode()
    assert "生成以来所用数字均未变化" in detail and "完成年度目标 6000 人次的 50.0%" in detail
    assert report.title in client.get("/reports/").content.decode()
    download = client.get(f"/reports/{report.pk}/download/")
    assert download.status_code == 200 and bytes(download.content) == bytes(report.docx)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(download.content)).paragraphs)
    assert "种养殖技术 2000 人次" in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(report.pk)).exists()


def test_changed_figures_after_the_records_move(login, personas, seeded_county):  # noqa: F811
    s = seeded_county
    client = login(personas.county_admin)
    report = _save(client, s.unit("城关镇"), s.h1)
    saved = {e["key"]: e["value"] for e in report.figures if not e["breakdown"]}
    assert saved["training.target"] == 6000 and saved["training.target_progress"] == 50.0
    target = TrainingTarget.objects.get(org=s.unit("城关镇"), year=s.year, category=None)
    target.attendances = 7500
    target.save()
    page = client.get(f"/reports/{report.pk}/").content.decode()
    changes = page.split('id="changes"')[1].split("</table>")[0]
    assert "年度培训目标" in changes and "6000 人次" in changes and "7500 人次" in changes
    assert "目标完成率" in changes and "50.0%" in changes and "40.0%" in changes
    assert "培训人次" not in changes.replace("年度累计培训人次", "")  # unchanged: not listed
    again = client.post(f"/reports/{report.pk}/regenerate/")
    assert again.status_code == 302 and Report.objects.count() == 2
    newer = Report.objects.exclude(pk=report.pk).get()
    assert {e["key"]: e["value"] for e in newer.figures}["training.target"] == 7500
    assert "生成以来所用数字均未变化" in client.get(f"/reports/{newer.pk}/").content.decode()


def test_outsider_404_and_security_roles_403(login, personas, seeded_county):  # noqa: F811
    s = seeded_county
    report = _save(login(personas.chengguan_admin), s.unit("城关镇"), s.h1)
    outsider = login(personas.outsider_admin)
    for suffix in ("", "download/", "pdf/"):
        assert outsider.get(f"/reports/{report.pk}/{suffix}").status_code == 404
    assert outsider.post(f"/reports/{report.pk}/regenerate/").status_code == 404
    assert report.title not in outsider.get("/reports/").content.decode()
    refused = outsider.get(_new_url(s.unit("城关镇"), s.h1))
    assert refused.status_code == 200 and "生成并保存" not in refused.content.decode()
    assert (
        outsider.post("/reports/new/", {"unit": s.unit("城关镇").pk, "period": s.h1}).status_code
        == 200
    )
    assert Report.objects.count() == 1
    for who in (personas.sysadmin, personas.secadmin, personas.auditor):
        client = login(who)
        for url in ("/reports/", "/reports/new/", f"/reports/{report.pk}/"):
            assert client.get(url).status_code == 403, (who, url)


@pytest.mark.parametrize(
    "query, words",
    [
        ("period=2026H3", "不认识的期间"),
        ("period=2026-13", "月份"),
        ("period=2026-06-30..2026-01-01", "结束日期早于开始日期"),
        ("period=1999", "超出范围"),
        ("unit=abc&period=2026", "选择一个有效的选项"),
        ("unit=999999&period=2026", "选择一个有效的选项"),
    ],
)
def test_bad_input_gets_a_chinese_message(login, personas, query, words):
    page = login(personas.county_admin).get(f"/reports/new/?{query}")
    assert page.status_code == 200 and words in page.content.decode()


def test_missing_report_is_404(login, personas):
    assert login(personas.county_admin).get("/reports/987654/").status_code == 404


def test_each_number_now_opens_the_list_of_its_rows(login, personas, seeded_county):  # noqa: F811
    s = seeded_county
    client = login(personas.chengguan_admin)
    report = _save(client, s.unit("城关镇"), s.h1)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    used = page.split('id="used"')[1].split("</table>")[0]
    row = re.search(r"<tr><td>培训人次</td>.*?<a href=\"([^\"]+)\">3000 人次</a>", used)
    assert row is not None, used[:2000]
    ledger = client.get(html.unescape(row.group(1))).content.decode()
    assert '<span id="attendance-count">3000</span> 人次' in ledger
    row = re.search(r"<tr><td>培训成效：创办规模养殖场</td>.*?<a href=\"([^\"]+)\">20 个</a>", used)
    assert row is not None
    outcomes = client.get(html.unescape(row.group(1))).content.decode()
    assert '<span id="record-count">20</span> 个' in outcomes
