"""Import jobs: an upload is stored, checked in the background (the page polls its progress),
and committed when the user confirms. A 200,000-row workbook never holds a request open, and a
job survives a page reload because its state lives in the database.
"""

import hashlib
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.imports.engine import Importer, ImportFailed, Outcome, Problem
from rencai.imports.models import ImportJob, JobStatus
from rencai.imports.sheets import get_sheet
from rencai.imports.workbooks import write_errors

SHOWN_PROBLEMS = 100
MAX_UPLOAD_BYTES = 100 * 1024 * 1024


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
    fields: dict[str, Any] = {
        "counts": outcome.summary(),
        "total": outcome.total,
        "done": outcome.total,
        "problems": [str(p) for p in outcome.problems[:SHOWN_PROBLEMS]],
        "problem_count": len(outcome.problems),
        "finished_at": timezone.now(),
    }
    if outcome.ok:
        spool = folder / "plans.spool"
        shutil.move(outcome.spool, spool)
        outcome.spool = str(spool)
        fields.update(status=JobStatus.VALID, spool=str(spool))
    else:
        error_file = folder / "errors.xlsx"
        write_errors(outcome, str(error_file))
        fields.update(status=JobStatus.INVALID, error_file=str(error_file))
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    return outcome


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
    except Exception as exc:  # the job must end in a state the page can show
        ImportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED if action == "commit" else JobStatus.INVALID,
            message=_("处理时出错，未写入任何数据：%(err)s") % {"err": type(exc).__name__},
            finished_at=timezone.now(),
        )
        raise


def launch(job: ImportJob, action: str) -> None:
    """Run `action` for the job in a separate process (or here, when IMPORTS_INLINE is set —
    the tests do that)."""
    if getattr(settings, "IMPORTS_INLINE", False):
        try:
            run(job.pk, action)
        except Exception:
            if not getattr(settings, "IMPORTS_INLINE_QUIET", True):
                raise
        return
    log = open(Path(job.stored_path).parent / f"{action}.log", "ab")  # noqa: SIM115
    subprocess.Popen(
        [sys.executable, "-m", "rencai", "manage", "import_job", str(job.pk), action],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )
    log.close()


def request_commit(job: ImportJob) -> bool:
    """Confirm a checked job; False when it is not (or no longer) committable."""
    updated = ImportJob.objects.filter(pk=job.pk, status=JobStatus.VALID).update(
        status=JobStatus.COMMITTING, stage="commit", done=0, finished_at=None
    )
    if updated:
        launch(job, "commit")
    return bool(updated)


def cancel(job: ImportJob) -> bool:
    updated = ImportJob.objects.filter(
        pk=job.pk, status__in=[JobStatus.VALID, JobStatus.INVALID]
    ).update(status=JobStatus.CANCELLED, finished_at=timezone.now())
    if updated and job.spool:
        Path(job.spool).unlink(missing_ok=True)
    return bool(updated)
