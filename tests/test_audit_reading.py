"""The audit log reads in Chinese (issue 12 item 14): an event's detail with Chinese labels
and words, its times in Asia/Shanghai as the list shows them, and the 操作人 filter matching
display names as well as usernames."""

import datetime

import pytest
from django.utils import timezone

from rencai.audit.log import record_event
from rencai.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def import_event(personas) -> AuditEvent:
    archived = datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC)  # 3月2日 00:30 北京
    return record_event(
        AuditAction.IMPORT,
        username="county_admin",
        detail={
            "sheet": "people",
            "file": "名册.xlsx",
            "sha256": "ab" * 32,
            "new": 3,
            "updated": 1,
            "masked": True,
            "before": archived.isoformat(),
        },
    )


def test_an_events_detail_reads_in_chinese(import_event, personas, login):
    client = login(personas.auditor)
    for url in (f"/audit/{import_event.pk}/", "/audit/"):
        html = client.get(url).content.decode()
        for label in (
            "表格：",
            "文件名：名册.xlsx",
            "文件校验值（SHA-256）：",
            "新增：3",
            "修改：1",
        ):
            assert label in html, (url, label)
        assert "已脱敏：是" in html
        assert "归档截止：2026-03-02 00:30:00" in html
        for raw in ("sheet:", "file:", "sha256:", "new:", "masked:"):
            assert raw not in html, (url, raw)


def test_the_detail_page_shows_the_time_as_the_list_does(import_event, personas, login):
    client = login(personas.auditor)
    shown = timezone.localtime(import_event.time).strftime("%Y-%m-%d %H:%M:%S")
    assert shown in client.get("/audit/").content.decode()
    assert shown in client.get(f"/audit/{import_event.pk}/").content.decode()


def test_the_operator_filter_matches_display_names(personas, login):
    personas.chengguan_clerk.display_name = "张科员"
    personas.chengguan_clerk.save()
    record_event(AuditAction.EXPORT, username="chengguan_clerk", detail={"rows": 1})
    record_event(AuditAction.EXPORT, username="county_admin", detail={"rows": 2})
    client = login(personas.auditor)
    for term in ("张科员", "科员", "chengguan_cl"):
        events = client.get("/audit/", {"username": term}).context["page"].object_list
        assert events and {e.username for e in events} == {"chengguan_clerk"}, term
