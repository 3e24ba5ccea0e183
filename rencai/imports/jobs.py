"""Import jobs: an upload is stored, checked in the background (the page polls its progress),
and committed when the user confirms. A 200,000-row workbook never holds a request open, and a
job survives a page reload because its state lives in the database.

At most `settings.IMPORT_WORKERS` worker processes run at once; a job waits as 排队中 until one
is free. A worker records its pid and beats a heartbeat on the job row; a job whose worker is
gone (killed, the server restarted) is marked failed the next time anyone looks — nothing was
written, since the commit is one transaction — and its uploader may retry it.
"""

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.audit.context import acting_as
from rencai.audit.log import record_event
from rencai.audit.models import AuditAction
from rencai.imports.engine import Importer, ImportFailed, Outcome, Problem
from rencai.imports.models import ImportJob, JobStatus
from rencai.imports.sheets import get_sheet
from rencai.imports.workbooks import mask_errors, write_errors

SHOWN_PROBLEMS = 100
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
WORKING = (JobStatus.VALIDATING, JobStatus.COMMITTING)
# What a check leaves on a job, cleared when the job is checked again.
RESET = {
    "stage": "",
    "done": 0,
    "total": 0,
    "counts": {},
    "problems": [],
    "problem_count": 0,
    "spool": "",
    "error_file": "",
    "message": "",
}
HEARTBEAT_SECONDS = 5
# A worker silent for this long is gone even if its pid is alive (the pid was reused after a
# restart). Generous: on SQLite the heartbeat waits while a large commit holds the write lock.
STALE_AFTER = timedelta(minutes=3)


def jobs_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(stream: IO[bytes], file_name: str) -> tuple[Path, str, int]:
    """Copy an upload into the data dir; returns (path, sha256, size)."""
    folder = jobs_dir() / uuid.uuid4().hex
    folder.mkdir()
    path = folder / ("upload" + Path(file_name).suffix.lower()[:10])
    digest = hashlib.sha256()
    size = 0
    with open(path, "wb") as out:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return path, digest.hexdigest(), size


def create_job(
    sheet_name: str, user: Any, stream: IO[bytes], file_name: str, options: dict | None = None
) -> ImportJob:
    path, sha256, size = store_upload(stream, file_name)
    return ImportJob.objects.create(
        sheet=sheet_name,
        user=user,
        file_name=Path(file_name).name[:255],
        sha256=sha256,
        size=size,
        stored_path=str(path),
        options=options or {},
    )


def _progress(job: ImportJob):
    def report(stage: str, done: int) -> None:
        # The commit's progress would be written inside its own transaction, where the page
        # polling it cannot see it.
        if stage != "commit":
            ImportJob.objects.filter(pk=job.pk).update(stage=stage, done=done)

    return report


def validate_job(job: ImportJob) -> Outcome:
    """The dry run: counts, the first problems, the error workbook; the plans are kept for the
    commit."""
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.VALIDATING, stage="validate")
    sheet = get_sheet(job.sheet)
    importer = Importer(sheet, job.user, progress=_progress(job), options=job.options)
    if job.size > MAX_UPLOAD_BYTES:
        outcome = Outcome(sheet=sheet.name)
        outcome.problems.append(
            Problem(
                0, "", _("文件超过 %(mb)d MB，请拆分后分批导入") % {"mb": MAX_UPLOAD_BYTES // 2**20}
            )
        )
    else:
        with open(job.stored_path, "rb") as stream:
            outcome = importer.validate(stream, job.file_name)
    folder = Path(job.stored_path).parent
    counts: dict[str, Any] = outcome.summary()
    if notices := outcome.notices():  # shown before the confirm button (未识别的列 …)
        counts["notices"] = notices
    if outcome.warnings:  # accepted values to look at again (提示 N 行)
        counts["warned"] = outcome.warned_rows
        counts["warnings"] = [str(w) for w in outcome.warnings[:SHOWN_PROBLEMS]]
    fields: dict[str, Any] = {
        "counts": counts,
        "total": outcome.total,
        "done": outcome.total,
        "problems": [str(p) for p in outcome.problems[:SHOWN_PROBLEMS]],
        "problem_count": len(outcome.problems),
        "finished_at": timezone.now(),
    }
    preview = folder / PREVIEW_FILE  # the first rows added or changed, old → new
    preview.write_text(json.dumps(outcome.preview if outcome.ok else [], ensure_ascii=False))
    if outcome.ok:
        spool = folder / "plans.spool"
        shutil.move(outcome.spool, spool)
        outcome.spool = str(spool)
        fields.update(status=JobStatus.VALID, spool=str(spool))
    else:
        error_file = folder / "errors.xlsx"
        (folder / MASKED_ERRORS).unlink(missing_ok=True)  # of an earlier check of this upload
        write_errors(outcome, str(error_file))
        fields.update(status=JobStatus.INVALID, error_file=str(error_file))
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    return outcome


MASKED_ERRORS = "errors-masked.xlsx"
PREVIEW_FILE = "preview.json"


def preview(job: ImportJob) -> list[dict]:
    """The rows a checked job will add or change (`imports.preview`), as typed."""
    path = Path(job.stored_path).with_name(PREVIEW_FILE)
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return []


def masked_errors(job: ImportJob) -> Path:
    """The job's error workbook with ID numbers and phones masked (made on first request)."""
    path = Path(job.error_file).with_name(MASKED_ERRORS)
    if not path.exists():
        partial = path.with_name(f"{uuid.uuid4().hex}.partial")
        mask_errors(job.error_file, str(partial))
        os.replace(partial, path)
    return path


def commit_job(job: ImportJob) -> None:
    """Apply a checked job in one transaction; on any failure nothing is written."""
    job.refresh_from_db()
    if job.status != JobStatus.COMMITTING:
        return
    sheet = get_sheet(job.sheet)
    outcome = Outcome(sheet=sheet.name, total=job.total, spool=job.spool)
    outcome.counts = {k: n for k, n in job.counts.items() if k not in ("rejected", "total")}
    importer = Importer(sheet, job.user, progress=_progress(job), options=job.options)
    try:
        event = importer.commit(
            outcome,
            file_name=job.file_name,
            sha256=job.sha256,
            extra={"job": job.pk, **job.options},
        )
    except ImportFailed as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, message=exc.message, finished_at=timezone.now()
        )
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.COMMITTED, audit_event=event, finished_at=timezone.now(), spool=""
    )
    from rencai.imports.signals import job_committed

    job.refresh_from_db()
    job_committed.send(sender=ImportJob, job=job)


def run(job_id: int, action: str) -> None:
    """Entry point of the background process (and of inline runs). An inline run shares the
    request's connection and transaction, so the `import_job` command, not this, closes stale
    connections."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    try:
        if action == "validate":
            validate_job(job)
        elif action == "commit":
            commit_job(job)
    except Exception:  # the job must end in a state the page can show (the error is logged)
        ImportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED if action == "commit" else JobStatus.INVALID,
            message=_("处理时出错，未写入任何数据；请重试，或联系系统管理员"),
            finished_at=timezone.now(),
        )
        raise


def work(job_id: int, action: str) -> None:
    """The worker process: record its pid, beat the heartbeat while the job runs, and when it
    ends hand the free slot to the next queued job."""
    started = ImportJob.objects.filter(pk=job_id, status__in=WORKING).update(
        worker_pid=os.getpid(), heartbeat_at=timezone.now()
    )
    if not started:  # cancelled, or given up for dead before this process came up
        dispatch()
        return
    try:
        with heartbeat(job_id):
            run(job_id, action)
    finally:
        dispatch()


@contextlib.contextmanager
def heartbeat(job_id: int) -> Iterator[None]:
    """Touch the job's heartbeat every HEARTBEAT_SECONDS from a thread (with its own database
    connection, so a commit's transaction does not hide it)."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(HEARTBEAT_SECONDS):
                with contextlib.suppress(DatabaseError):  # locked by the commit: next time
                    ImportJob.objects.filter(pk=job_id, status__in=WORKING).update(
                        heartbeat_at=timezone.now()
                    )
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"import-job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def pid_alive(pid: int) -> bool:
    """Whether process `pid` runs on this machine (a killed child not yet reaped is gone)."""
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)  # our own child: reap it if it ended
        if done:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    with contextlib.suppress(OSError):  # Linux: another process's child, ended, not reaped
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        return state not in ("Z", "X")
    return True


def worker_gone(job: ImportJob, now: Any = None) -> bool:
    """A working job whose worker died: its pid is gone, or it has been silent too long."""
    if job.status not in WORKING:
        return False
    now = now or timezone.now()
    if job.heartbeat_at is None or now - job.heartbeat_at > STALE_AFTER:
        return True
    return job.worker_pid is not None and not pid_alive(job.worker_pid)


DIED_MESSAGE = gettext_lazy("导入进程意外中止，未写入任何数据，可重新导入")


def reap_dead_workers() -> int:
    """Mark failed every working job whose worker is gone; returns how many. The commit is one
    transaction, so a dead worker wrote nothing."""
    now = timezone.now()
    dead = [j.pk for j in ImportJob.objects.filter(status__in=WORKING) if worker_gone(j, now)]
    if not dead:
        return 0
    return ImportJob.objects.filter(pk__in=dead, status__in=WORKING).update(
        status=JobStatus.FAILED,
        message=str(DIED_MESSAGE),
        finished_at=now,
        worker_pid=None,
    )


def _claim_next() -> ImportJob | None:
    """Take the first queued job if fewer than IMPORT_WORKERS jobs are working. The check and
    the claim are one transaction under a lock, so two dispatchers cannot overfill the slots."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DISPATCH_LOCK])
        # (SQLite: the atomic block begins IMMEDIATE, which takes the database's write lock.)
        if ImportJob.objects.filter(status__in=WORKING).count() >= settings.IMPORT_WORKERS:
            return None
        queued = ImportJob.objects.filter(status=JobStatus.QUEUED).order_by("queued_at", "pk")
        for job in queued.select_related("user")[:10]:
            working = JobStatus.COMMITTING if job.next_action == "commit" else JobStatus.VALIDATING
            claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
                status=working, heartbeat_at=timezone.now(), worker_pid=None
            )
            if claimed:  # (not cancelled a moment ago)
                job.status = working
                return job
        return None


DISPATCH_LOCK = 0x72656E63  # "renc": the advisory lock the dispatchers of import jobs share


def dispatch() -> None:
    """Start queued jobs while workers are free (after failing those whose worker died). Called
    when a job is queued, when a worker ends, and whenever a job page is looked at — so a queue
    left behind by a restart moves on its own."""
    reap_dead_workers()
    while _worth_claiming() and (job := _claim_next()) is not None:
        _start(job, job.next_action or "validate")


def _worth_claiming() -> bool:
    """Whether a job waits and a worker looks free — read without a lock first, so a page
    polling every second does not queue for SQLite's write lock behind a long commit."""
    queued = ImportJob.objects.filter(status=JobStatus.QUEUED).exists()
    working = ImportJob.objects.filter(status__in=WORKING).count()
    return queued and working < settings.IMPORT_WORKERS


def _start(job: ImportJob, action: str) -> None:
    """Run `action` for a claimed job in a separate process (or here, when IMPORTS_INLINE is
    set — the tests do that)."""
    if getattr(settings, "IMPORTS_INLINE", False):
        try:
            run(job.pk, action)
        except Exception:
            if not getattr(settings, "IMPORTS_INLINE_QUIET", True):
                raise
        return
    log = open(Path(job.stored_path).parent / f"{action}.log", "ab")  # noqa: SIM115
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "rencai", "manage", "import_job", str(job.pk), action],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    finally:
        log.close()
    ImportJob.objects.filter(pk=job.pk, worker_pid=None).update(worker_pid=process.pid)


def _enqueue(job: ImportJob, action: str, *, only_if: str | None = None, **fields: Any) -> bool:
    """Queue `action` for the job (when it is in status `only_if`, if given); False when the
    job was not in that status. The caller dispatches once what goes with it is written."""
    jobs = ImportJob.objects.filter(pk=job.pk)
    if only_if is not None:
        jobs = jobs.filter(status=only_if)
    return bool(
        jobs.update(status=JobStatus.QUEUED, next_action=action, queued_at=timezone.now(), **fields)
    )


def launch(job: ImportJob, action: str) -> None:
    """Queue `action` for the job and start it when a worker is free."""
    _enqueue(job, action)
    dispatch()


def request_commit(job: ImportJob) -> bool:
    """Confirm a checked job; False when it is not (or no longer) committable."""
    if not _enqueue(
        job, "commit", only_if=JobStatus.VALID, stage="commit", done=0, finished_at=None
    ):
        return False
    dispatch()
    return True


def retry(job: ImportJob, acting_user: Any) -> bool:
    """Check the failed job's stored upload again, from the start (the uploader confirms again
    afterwards); False when the job is not failed or its upload is gone. Audited."""
    if job.status != JobStatus.FAILED or not Path(job.stored_path).is_file():
        return False
    if job.spool:
        Path(job.spool).unlink(missing_ok=True)
    with transaction.atomic():
        if not _enqueue(
            job,
            "validate",
            only_if=JobStatus.FAILED,
            **{**RESET, "worker_pid": None, "heartbeat_at": None, "finished_at": None},
        ):
            return False
        with acting_as(acting_user):
            record_event(
                AuditAction.IMPORT,
                detail={
                    "sheet": job.sheet,
                    "file": job.file_name,
                    "sha256": job.sha256,
                    "job": job.pk,
                    "step": "retry",
                },
            )
    dispatch()  # after the transaction: a worker must see the job queued
    return True


def cancel(job: ImportJob) -> bool:
    """Withdraw a job that is queued, checked, or failed; nothing of it is written."""
    updated = ImportJob.objects.filter(
        pk=job.pk,
        status__in=[JobStatus.QUEUED, JobStatus.VALID, JobStatus.INVALID, JobStatus.FAILED],
    ).update(status=JobStatus.CANCELLED, finished_at=timezone.now())
    if updated and job.spool:
        Path(job.spool).unlink(missing_ok=True)
    return bool(updated)
