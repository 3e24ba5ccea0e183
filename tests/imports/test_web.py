"""The import pages as the personas use them: upload, check, confirm or cancel; who may see
which job; the history; the error workbook."""

import hashlib
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone, translation

from imports.support import XLSX, Written, import_events
from imports.workbooks import SHIQIAO, make_id, person_row, persons_xlsx
from rencai.audit.models import AuditEvent
from rencai.imports.models import ImportJob, JobStatus
from rencai.people.models import Person


@pytest.fixture(autouse=True)
def _inline(settings):
    settings.IMPORTS_INLINE = True
    settings.IMPORTS_INLINE_QUIET = False
    with translation.override("zh-hans"):
        yield


def _good() -> bytes:
    return persons_xlsx(
        [
            person_row("赵六", seq=41, categories="农村实用人才、土专家"),
            person_row("钱七", seq=43),
        ]
    )


def _wrong_check(number: str) -> str:
    return number[:-1] + ("1" if number[-1] == "0" else "0")


BAD_ID = _wrong_check(make_id("19880808", 43))


def _bad() -> bytes:
    return persons_xlsx(
        [
            person_row("赵六", seq=41),
            person_row("钱七", seq=43, id_number=BAD_ID),
            person_row("孙八", seq=45, home=SHIQIAO),
        ]
    )


def upload(client, data: bytes, name: str = "城关镇人才.xlsx"):
    response = client.post("/imports/persons/", {"file": _named(data, name)})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == f"/imports/jobs/{job.pk}/"
    return job, client.get(response["Location"])


def _named(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def test_upload_check_confirm(personas, people, login):
    client = login(personas.chengguan_admin)
    before = Written.now()
    data = _good()
    job, page = upload(client, data)
    assert page.status_code == 200
    html = page.content.decode()
    assert job.status == JobStatus.VALID
    assert job.counts == {"new": 2, "updated": 0, "unchanged": 0, "rejected": 0, "total": 2}
    assert '<div class="fs-4 text-success" id="count-new">2</div>' in html
    assert 'id="count-rejected">0</div>' in html
    assert "确认导入" in html
    assert Written.now() == before  # the dry run writes nothing

    response = client.post(f"/imports/jobs/{job.pk}/confirm/")
    assert response.status_code == 302
    assert response["Location"] == f"/imports/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTED
    assert job.spool == ""
    event = import_events().get()
    assert job.audit_event == event
    assert event.detail["job"] == job.pk
    assert event.detail["file"] == "城关镇人才.xlsx"
    assert event.detail["sha256"] == hashlib.sha256(data).hexdigest() == job.sha256
    zhao = Person.objects.get(id_number=make_id("19880808", 41))
    assert sorted(c.name for c in zhao.categories.all()) == ["农村实用人才", "土专家"]
    assert Person.objects.filter(id_number=make_id("19880808", 43)).exists()
    assert AuditEvent.objects.filter(batch=event).count() == 2
    html = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "已全部导入。" in html and f"#{event.pk}" in html

    # A second confirm does nothing.
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    assert import_events().count() == 1
    assert Person.objects.count() == before.persons + 2


def test_cancel_leaves_nothing(personas, people, login):
    client = login(personas.chengguan_admin)
    before = Written.now()
    job, _page = upload(client, _good())
    spool = Path(job.spool)
    assert spool.exists()
    response = client.post(f"/imports/jobs/{job.pk}/cancel/")
    assert response.status_code == 302
    assert response["Location"] == "/imports/persons/"
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert not spool.exists()
    page = client.get("/imports/persons/").content.decode()
    assert "已取消，未写入任何数据" in page
    response = client.post(f"/imports/jobs/{job.pk}/confirm/", follow=True)
    assert "该导入不能确认" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert Written.now() == before


def test_only_the_uploader_confirms(personas, people, login):
    job, _page = upload(login(personas.chengguan_admin), _good())
    county = login(personas.county_admin)
    html = county.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "等待上传人确认。" in html and "确认导入" not in html
    before = Written.now()
    response = county.post(f"/imports/jobs/{job.pk}/confirm/", follow=True)
    assert "该导入不能确认" in response.content.decode()
    county.post(f"/imports/jobs/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.status == JobStatus.VALID
    assert Written.now() == before


def test_another_township_cannot_see_the_job(personas, people, login):
    job, _page = upload(login(personas.chengguan_admin), _bad(), "有错.xlsx")
    assert job.status == JobStatus.INVALID and job.error_file
    outsider = login(personas.outsider_admin)
    assert outsider.get(f"/imports/jobs/{job.pk}/").status_code == 404
    assert outsider.get(f"/imports/jobs/{job.pk}/errors.xlsx").status_code == 404
    assert outsider.post(f"/imports/jobs/{job.pk}/confirm/").status_code == 404
    assert outsider.post(f"/imports/jobs/{job.pk}/cancel/").status_code == 404
    assert "有错.xlsx" not in outsider.get("/imports/persons/").content.decode()
    clerk = login(personas.chengguan_clerk)  # 东关村, below the uploader's 城关镇
    assert clerk.get(f"/imports/jobs/{job.pk}/").status_code == 404
    county = login(personas.county_admin)
    assert county.get(f"/imports/jobs/{job.pk}/").status_code == 200
    assert county.get(f"/imports/jobs/{job.pk}/errors.xlsx").status_code == 200


def test_a_leader_cannot_upload(personas, people, login):
    client = login(personas.chengguan_leader)
    assert client.get("/imports/persons/").status_code == 403
    response = client.post("/imports/persons/", {"file": _named(_good(), "a.xlsx")})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
    assert login(personas.auditor).get("/imports/persons/").status_code == 403
    assert login(personas.auditor).get("/imports/persons/template.xlsx").status_code == 403


def test_an_unknown_sheet_is_404(personas, login):
    assert login(personas.chengguan_admin).get("/imports/nosuch/").status_code == 404


def test_the_import_history(personas, people, login):
    client = login(personas.chengguan_admin)
    good, _page = upload(client, _good(), "第一批.xlsx")
    client.post(f"/imports/jobs/{good.pk}/confirm/")
    bad, _page = upload(client, _bad(), "第二批.xlsx")
    html = client.get("/imports/persons/").content.decode()
    table = html[html.index('id="import-history"') :]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    assert len(rows) == 2
    newest, oldest = rows
    assert "第二批.xlsx" in newest and "第一批.xlsx" in oldest
    when = timezone.localtime(good.created_at).strftime("%Y-%m-%d %H:%M")
    assert when in oldest
    assert "chengguan_admin" in oldest
    assert good.sha256[:16] in oldest and bad.sha256[:16] in newest
    assert re.search(r"2 / 0 / 0 / 0\s*</td>", oldest)
    # 赵六 came in with the first file, with one category more.
    assert re.search(r"0 / 1 / 0 / 2\s*</td>", newest)
    assert "已导入" in oldest
    assert "有错误，未导入" in newest and f"/imports/jobs/{bad.pk}/errors.xlsx" in newest


def test_the_error_workbook(personas, people, login):
    client = login(personas.chengguan_admin)
    before = Written.now()
    job, page = upload(client, _bad(), "有错.xlsx")
    html = page.content.decode()
    assert "发现 2 处问题，未写入任何数据" in html
    assert "下载错误明细表" in html
    response = client.get(f"/imports/jobs/{job.pk}/errors.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == ["错误行", "问题清单"]
    rows = list(wb["错误行"].iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "原表行号" and header[-1] == "错误原因"
    assert list(header[1:-1]) == job_header()
    by_row = {r[0]: r for r in rows[1:]}
    assert sorted(by_row) == [3, 4]
    assert by_row[3][1] == "钱七"
    assert by_row[3][4] == BAD_ID  # as it was uploaded
    assert by_row[3][-1].startswith("第 3 行〔身份证号〕：身份证号校验位错误")
    assert by_row[4][-1] == "第 4 行〔户籍/居住地〕：“示范县/青山镇/石桥村”不在您的管辖范围内"
    listing = [r[0] for r in wb["问题清单"].iter_rows(min_row=2, values_only=True)]
    assert len(listing) == 2 and listing[0].startswith("第 3 行〔身份证号〕：")
    assert Written.now() == Written(before.persons, before.events + 1)  # the download's event


def job_header() -> list[str]:
    from imports.workbooks import HEADER

    return HEADER


def test_the_status_fragment_for_polling(personas, people, login):
    client = login(personas.chengguan_admin)
    job, _page = upload(client, _good())
    response = client.get(f"/imports/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-status="valid"' in html


def test_many_problems_are_listed_in_part_and_in_full_in_the_workbook(personas, people, login):
    rows = [person_row(f"错{i}", seq=i + 1, political="党委书记") for i in range(150)]
    client = login(personas.chengguan_admin)
    job, page = upload(client, persons_xlsx(rows))
    assert job.problem_count == 150
    assert len(job.problems) == 100
    html = page.content.decode()
    assert "发现 150 处问题，未写入任何数据" in html
    assert "……其余问题见错误明细表" in html
    assert 'id="count-rejected">150</div>' in html
    data = b"".join(client.get(f"/imports/jobs/{job.pk}/errors.xlsx").streaming_content)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb["错误行"].max_row == 151
    assert wb["问题清单"].max_row == 151
