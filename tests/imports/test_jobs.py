"""Import jobs whose worker dies, the queue of jobs waiting for a worker, retry and cancel.

A worker is a process running `rencai manage import_job`; here a stand-in child process plays
its part where the test must kill it (it holds the pid the job records), and queued jobs run
inline once a worker slot is free. A job's status is what its page shows after the page has
looked for dead workers.
"""

import io
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imports.support import Written, import_events
from imports.test_kill import _database_url
from imports.test_web import _good, _inline, _named, upload  # noqa: F401 -- _inline: autouse
from imports.workbooks import person_row, persons_csv
from rencai.audit.models import AuditAction, AuditEvent
from rencai.imports import jobs
from rencai.imports.models import ImportJob, JobStatus
from rencai.people.models import Person

DIED = "导入进程意外中止，未写入任何数据，可重新导入"


@pytest.fixture(autouse=True)
def _two_workers(settings):
    settings.IMPORT_WORKERS = 2


@pytest.fixture
def stand_in_worker():
    """A live child process to be a job's worker; killed at the end if the test did not."""
    process = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True
    )
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()


def _working(job: ImportJob, *, pid: int, status: str = JobStatus.COMMITTING, beat=None) -> None:
    """Put `job` in the hands of the worker `pid`, as a claim and the worker's start do."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        stage="commit" if status == JobStatus.COMMITTING else "validate",
        worker_pid=pid,
        heartbeat_at=beat or timezone.now(),
    )


def _busy_job(user, pid: int) -> ImportJob:
    """A job a live worker is checking (it holds one of the worker slots)."""
    job = ImportJob.objects.create(
        sheet="persons",
        user=user,
        file_name="别人的.xlsx",
        sha256="0" * 64,
        stored_path="/nonexistent",
    )
    _working(job, pid=pid, status=JobStatus.VALIDATING)
    return job


def test_a_killed_worker_fails_the_job_and_a_retry_imports(
    personas, people, login, stand_in_worker
):
    client = login(personas.chengguan_admin)
    before = Written.now()
    job, _page = upload(client, _good(), "城关镇人才.xlsx")
    assert job.status == JobStatus.VALID
    _working(job, pid=stand_in_worker.pid)  # the commit's worker has started …
    os.kill(stand_in_worker.pid, signal.SIGKILL)  # … and is killed with -9
    stand_in_worker.wait()

    html = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == DIED and DIED in html
    assert "导入失败，未写入" in html and 'id="retry-import"' in html
    assert Written.now() == before
    assert not import_events().exists()

    response = client.post(f"/imports/jobs/{job.pk}/retry/")
    assert response.status_code == 302 and response["Location"] == f"/imports/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.VALID  # the same stored upload, checked again
    assert job.message == "" and job.counts["new"] == 2
    retried = AuditEvent.objects.get(action=AuditAction.IMPORT, detail__step="retry")
    assert retried.user == personas.chengguan_admin
    assert retried.detail["job"] == job.pk and retried.detail["sha256"] == job.sha256
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTED
    assert Written.now().persons == before.persons + 2


def test_a_worker_silent_too_long_is_dead_even_if_its_pid_lives(personas, people, login):
    # After a restart the recorded pid may belong to another process: the heartbeat tells.
    client = login(personas.chengguan_admin)
    job, _page = upload(client, _good())
    _working(job, pid=os.getpid(), beat=timezone.now() - jobs.STALE_AFTER - timedelta(seconds=1))
    client.get(f"/imports/jobs/{job.pk}/")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == DIED


def test_a_live_worker_is_left_alone(personas, people, login):
    client = login(personas.chengguan_admin)
    job, _page = upload(client, _good())
    _working(job, pid=os.getpid())
    html = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTING
    assert 'hx-trigger="every 1s"' in html  # the page keeps polling (no inline script)


def test_polling_a_page_takes_no_lock_when_nothing_waits(personas, people, login):
    # A page polls every second; on SQLite a lock would wait behind a long commit's.
    client = login(personas.chengguan_admin)
    job, _page = upload(client, _good())
    _working(job, pid=os.getpid())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/imports/jobs/{job.pk}/").status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries).upper()
    assert "SAVEPOINT" not in sql and "ADVISORY" not in sql and "UPDATE " not in sql


def test_only_the_uploader_retries_and_only_a_failed_job(personas, people, login, stand_in_worker):
    job, _page = upload(login(personas.chengguan_admin), _good())
    county = login(personas.county_admin)
    response = county.post(f"/imports/jobs/{job.pk}/retry/", follow=True)
    assert "该导入不能重试" in response.content.decode()  # valid, not failed
    _working(job, pid=stand_in_worker.pid)
    stand_in_worker.kill()
    stand_in_worker.wait()
    html = county.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert DIED in html and 'id="retry-import"' not in html
    response = county.post(f"/imports/jobs/{job.pk}/retry/", follow=True)
    assert "该导入不能重试" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert not AuditEvent.objects.filter(detail__step="retry").exists()


def test_uploads_beyond_the_workers_queue_and_run_when_one_finishes(personas, people, login):
    client = login(personas.chengguan_admin)
    first = _busy_job(personas.chengguan_admin, os.getpid())
    second = _busy_job(personas.chengguan_admin, os.getpid())  # both slots of 2 taken

    queued, page = upload(client, _good(), "第三个.xlsx")
    queued.refresh_from_db()
    assert queued.status == JobStatus.QUEUED and queued.next_action == "validate"
    html = page.content.decode()
    assert "排队中：第 1 位" in html and 'hx-trigger="every 1s"' in html
    assert 'id="cancel-import"' in html
    later, page = upload(client, _good(), "第四个.xlsx")
    assert "排队中：第 2 位" in page.content.decode()

    # One worker finishes: its slot goes to the first in the queue, and only to it.
    ImportJob.objects.filter(pk=first.pk).update(status=JobStatus.VALID)
    jobs.dispatch()
    queued.refresh_from_db()
    later.refresh_from_db()
    assert queued.status == JobStatus.VALID and queued.counts["new"] == 2
    # The inline run has ended, so its slot is free again and the next one ran too.
    assert later.status == JobStatus.VALID
    second.refresh_from_db()
    assert second.status == JobStatus.VALIDATING


def test_a_queued_commit_waits_for_a_worker(personas, people, login):
    client = login(personas.chengguan_admin)
    before = Written.now()
    job, _page = upload(client, _good())
    _busy_job(personas.chengguan_admin, os.getpid())
    _busy_job(personas.chengguan_admin, os.getpid())
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.next_action == "commit"
    assert "排队中：第 1 位" in client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert Written.now() == before
    ImportJob.objects.filter(status=JobStatus.VALIDATING).update(status=JobStatus.CANCELLED)
    client.get(f"/imports/jobs/{job.pk}/")  # a look at the page starts the queue again
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTED


def test_a_worker_records_its_pid_and_hands_its_slot_on(personas, people, login, settings):
    settings.IMPORT_WORKERS = 1
    client = login(personas.chengguan_admin)
    claimed = jobs.create_job("persons", personas.chengguan_admin, io.BytesIO(_good()), "a.xlsx")
    ImportJob.objects.filter(pk=claimed.pk).update(
        status=JobStatus.VALIDATING, heartbeat_at=timezone.now()
    )  # as _claim_next leaves it for the process it starts
    waiting, _page = upload(client, _good(), "b.xlsx")
    assert waiting.status == JobStatus.QUEUED
    jobs.work(claimed.pk, "validate")  # what `rencai manage import_job` runs
    claimed.refresh_from_db()
    waiting.refresh_from_db()
    assert claimed.status == JobStatus.VALID and claimed.worker_pid == os.getpid()
    assert waiting.status == JobStatus.VALID


def test_a_worker_started_for_a_cancelled_job_does_nothing(personas, people, login):
    client = login(personas.chengguan_admin)
    _busy_job(personas.chengguan_admin, os.getpid())
    _busy_job(personas.chengguan_admin, os.getpid())
    job, _page = upload(client, _good())
    client.post(f"/imports/jobs/{job.pk}/cancel/")
    jobs.work(job.pk, "validate")
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.worker_pid is None and job.counts == {}


def test_a_queued_job_can_be_cancelled(personas, people, login):
    client = login(personas.chengguan_admin)
    before = Written.now()
    _busy_job(personas.chengguan_admin, os.getpid())
    _busy_job(personas.chengguan_admin, os.getpid())
    job, _page = upload(client, _good())
    assert job.status == JobStatus.QUEUED
    county = login(personas.county_admin)  # not the uploader
    county.post(f"/imports/jobs/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    response = client.post(f"/imports/jobs/{job.pk}/cancel/", follow=True)
    assert "已取消，未写入任何数据" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    ImportJob.objects.filter(status=JobStatus.VALIDATING).update(status=JobStatus.CANCELLED)
    jobs.dispatch()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.counts == {}
    assert Written.now().persons == before.persons and not import_events().exists()


def test_junk_posts_to_a_job_give_messages_not_errors(personas, people, login):
    client = login(personas.chengguan_admin)
    job, _page = upload(client, _good())
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    response = client.post(f"/imports/jobs/{job.pk}/cancel/", follow=True)
    assert "该导入不能取消" in response.content.decode()
    assert client.post("/imports/jobs/999999/retry/").status_code == 404
    assert client.get(f"/imports/jobs/{job.pk}/retry/").status_code == 405
    assert client.post("/imports/persons/", {"file": _named(b"", "a.xlsx")}).status_code in (
        200,
        302,
    )


def _wait_for(condition, what: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _committing_backend() -> int | None:
    """The database backend of another process writing persons inside a transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
            " AND query ILIKE %s",
            [f"%{Person._meta.db_table}%"],
        )
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.mark.skipif(
    not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="a worker process cannot reach the SQLite test database (it is in memory)",
)
@pytest.mark.skipif(
    bool(os.environ.get("RENCAI_TEST_CLOCK")),
    reason="the worker process runs on the real clock, so its heartbeat looks hours old to a "
    "suite on the travelled RENCAI_TEST_CLOCK",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_killed_in_its_commit(personas, login, settings, monkeypatch):
    """The whole way: the upload's worker process checks the file, the confirm's worker starts
    writing 30,000 persons and is killed with -9 inside its transaction."""
    settings.IMPORTS_INLINE = False
    monkeypatch.setenv("RENCAI_DATABASE_URL", _database_url())
    monkeypatch.setenv("RENCAI_DATA_DIR", str(settings.DATA_DIR))
    client = login(personas.chengguan_admin)
    before = Written.now()
    rows = [
        person_row(
            f"批量{i}",
            birth=f"{date(1960, 1, 1) + timedelta(days=i // 999):%Y%m%d}",
            seq=i % 999 + 1,
        )
        for i in range(30_000)
    ]
    response = client.post("/imports/persons/", {"file": _named(persons_csv(rows), "三万人.csv")})
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == f"/imports/jobs/{job.pk}/"

    def status() -> str:
        client.get(f"/imports/jobs/{job.pk}/")
        job.refresh_from_db()
        return job.status

    _wait_for(lambda: status() not in (JobStatus.QUEUED, JobStatus.VALIDATING), "the check")
    assert job.status == JobStatus.VALID, job.message
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    _wait_for(_committing_backend, "the commit's writes")
    job.refresh_from_db()
    assert job.status == JobStatus.COMMITTING and job.worker_pid
    os.kill(job.worker_pid, signal.SIGKILL)

    _wait_for(lambda: status() == JobStatus.FAILED, "the dead worker to be noticed", 30)
    assert job.message == DIED
    _wait_for(lambda: not _committing_backend(), "the killed transaction to end", 30)
    assert Written.now().persons == before.persons
    assert not import_events().exists()

    client.post(f"/imports/jobs/{job.pk}/retry/")
    _wait_for(lambda: status() == JobStatus.VALID, "the check of the retry")
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    _wait_for(lambda: status() == JobStatus.COMMITTED, "the commit of the retry")
    assert Written.now().persons == before.persons + 30_000
    steps = sorted(e.detail.get("step", "") for e in import_events().filter(detail__job=job.pk))
    assert steps == ["", "retry"]  # one import, after one retry
